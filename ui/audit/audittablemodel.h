#pragma once

#include "access/auditlog.h"

#include <QAbstractTableModel>
#include <QList>

namespace Baton::Ui {

/// The audit trail as a table, newest first. Pages arrive whole: a reset for a new query, one
/// insert for older events appended at the bottom.
class AuditTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Time, Actor, Action, Object, Details, ColumnCount };
    enum Role { EventIdRole = Qt::UserRole + 1 };

    using QAbstractTableModel::QAbstractTableModel;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void setEvents(const QList<Baton::AuditEvent> &events);
    void appendEvents(const QList<Baton::AuditEvent> &events);
    const Baton::AuditEvent &event(int row) const { return m_events.at(row); }
    /// Row of the event with @p id, or -1.
    int rowOf(qint64 id) const;

private:
    QList<Baton::AuditEvent> m_events;
};

} // namespace Baton::Ui
