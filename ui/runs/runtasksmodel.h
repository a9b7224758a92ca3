#pragma once

#include "monitoring/rundetail.h"

#include <QAbstractItemModel>

namespace Baton::Ui {

/// The tasks of one run, each with its attempts as children.
///
/// setDetail() applies a fresh RunDetail as a batch: when the run has the same tasks (the usual
/// live refresh), changed task rows get one ranged dataChanged, new attempts one beginInsertRows
/// per task; only a different task list resets the model. Values come from RunDetail; this model
/// only formats them.
class RunTasksModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column {
        NameColumn, ///< task name, or "attempt N"
        VersionColumn, ///< job vN
        StateColumn,
        AttemptsColumn,
        ExitColumn,
        StartedColumn,
        DurationColumn,
        ReasonColumn,
        ColumnCount
    };
    Q_ENUM(Column)

    enum Role {
        StateRole = Qt::UserRole + 1, ///< RunState
        TaskNameRole, ///< QString, on task and attempt rows
        AttemptRole, ///< int: 0 on a task row, else the attempt number
        LogPathRole, ///< QString: the attempt's log (a task row: its last attempt's)
        LiveRole, ///< bool: the attempt (task) is still running
    };
    Q_ENUM(Role)

    explicit RunTasksModel(QObject *parent = nullptr);

    void setDetail(const Baton::RunDetail &detail);
    const Baton::RunDetail &detail() const { return m_detail; }
    /// The clock for running durations (ms UTC); tick() moves it and repaints those cells.
    void setNow(qint64 nowMs);
    qint64 now() const { return m_now; }

    QModelIndex taskIndex(const QString &task, int column = 0) const;
    QModelIndex attemptIndex(const QString &task, int attempt, int column = 0) const;

    QModelIndex index(int row, int column, const QModelIndex &parent = {}) const override;
    QModelIndex parent(const QModelIndex &child) const override;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    static QString timeText(qint64 ms);

private:
    // Internal ids: 0 for a task row, task row + 1 for its attempt rows.
    bool isAttempt(const QModelIndex &index) const { return index.internalId() != 0; }

    Baton::RunDetail m_detail;
    qint64 m_now = 0;
};

} // namespace Baton::Ui
