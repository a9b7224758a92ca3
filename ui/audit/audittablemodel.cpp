#include "audittablemodel.h"

#include <QDateTime>

namespace Baton::Ui {

int AuditTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_events.size());
}

int AuditTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AuditTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Baton::AuditEvent &e = m_events.at(index.row());
    if (role == EventIdRole)
        return e.id;
    if (role == Qt::ToolTipRole && index.column() == Time)
        return QDateTime::fromMSecsSinceEpoch(e.at, Qt::UTC).toString(Qt::ISODateWithMs);
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case Time:
        return QDateTime::fromMSecsSinceEpoch(e.at).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    case Actor:
        return e.actor;
    case Action:
        return e.action;
    case Object:
        return e.objectLabel();
    case Details:
        return e.details;
    }
    return {};
}

QVariant AuditTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Actor:
        return tr("Who");
    case Action:
        return tr("Action");
    case Object:
        return tr("Object");
    case Details:
        return tr("Details");
    }
    return {};
}

void AuditTableModel::setEvents(const QList<Baton::AuditEvent> &events)
{
    beginResetModel();
    m_events = events;
    endResetModel();
}

void AuditTableModel::appendEvents(const QList<Baton::AuditEvent> &events)
{
    if (events.isEmpty())
        return;
    beginInsertRows({}, int(m_events.size()), int(m_events.size() + events.size() - 1));
    m_events += events;
    endInsertRows();
}

int AuditTableModel::rowOf(qint64 id) const
{
    for (int i = 0; i < m_events.size(); ++i) {
        if (m_events.at(i).id == id)
            return i;
    }
    return -1;
}

} // namespace Baton::Ui
