#include "reviewhistorymodel.h"

#include "model/runstate.h"
#include "widgets/theme.h"

#include <QDateTime>
#include <QGuiApplication>
#include <QPalette>

namespace Baton::Ui {

namespace {

QString kindLabel(const QString &kind)
{
    if (kind == QLatin1String("approved"))
        return ReviewHistoryModel::tr("approved");
    if (kind == QLatin1String("rejected"))
        return ReviewHistoryModel::tr("rejected");
    return ReviewHistoryModel::tr("note");
}

} // namespace

ReviewHistoryModel::ReviewHistoryModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

int ReviewHistoryModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int ReviewHistoryModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ReviewHistoryModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const ReviewEntry &e = m_entries.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case WhenColumn:
            return QDateTime::fromMSecsSinceEpoch(e.createdAt)
                .toString(QStringLiteral("yyyy-MM-dd HH:mm"));
        case RunColumn:
            return QStringLiteral("#%1").arg(e.runId);
        case PipelineColumn:
            return e.pipeline;
        case AuthorColumn:
            return e.author;
        case KindColumn:
            return kindLabel(e.kind);
        case TextColumn:
            // One line in the table; the tooltip has it all.
            return QString(e.text).replace(QLatin1Char('\n'), QLatin1Char(' '));
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == TextColumn && !e.text.isEmpty())
            return e.text;
        if (index.column() == KindColumn)
            return tr("Run was %1 when this was written").arg(stateLabel(e.runState));
        return {};
    case Qt::ForegroundRole:
        if (index.column() == KindColumn && e.isSignOff())
            return Theme::stateColor(QGuiApplication::palette(),
                                     e.kind == QLatin1String("approved") ? RunState::Succeeded
                                                                         : RunState::Failed);
        return {};
    case EntryIdRole:
        return e.id;
    case RunIdRole:
        return e.runId;
    case KindRole:
        return e.kind;
    default:
        return {};
    }
}

QVariant ReviewHistoryModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case WhenColumn:
        return tr("When");
    case RunColumn:
        return tr("Run");
    case PipelineColumn:
        return tr("Pipeline");
    case AuthorColumn:
        return tr("Who");
    case KindColumn:
        return tr("Review");
    case TextColumn:
        return tr("Comment");
    }
    return {};
}

void ReviewHistoryModel::setEntries(const QList<Baton::ReviewEntry> &entries)
{
    if (entries == m_entries)
        return;
    beginResetModel();
    m_entries = entries;
    endResetModel();
}

} // namespace Baton::Ui
