#pragma once

#include "monitoring/runrow.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QMap>

namespace Baton::Ui {

/// The runs the RunMonitor tracks, newest first, one row per run.
///
/// applyDelta() applies a whole batch with the fewest signals: a reset as one model reset,
/// removals as one beginRemoveRows per contiguous range, additions as one beginInsertRows at
/// the top, updates as one dataChanged spanning the first to the last changed row. An id → row
/// index makes each update O(1). Every value shown comes from RunRow; this model only formats.
class RunsTableModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        RunColumn,
        PipelineColumn, ///< project/pipeline
        VersionColumn,
        EnvironmentColumn,
        StateColumn,
        TriggerColumn,
        StartedColumn,
        DurationColumn,
        ProgressColumn,
        TasksColumn,
        ReviewColumn, ///< the data steward's sign-off and how many notes
        ColumnCount
    };
    Q_ENUM(Column)

    /// Raw values for sorting, filtering and delegates; the same on every column of a row,
    /// except SortRole, which is the column's own raw value.
    enum Role {
        RunIdRole = Qt::UserRole + 1, ///< qint64
        StateRole, ///< RunState
        TerminalRole, ///< bool
        ProjectRole,
        PipelineRole,
        EnvironmentRole,
        TriggerRole,
        RequestedByRole,
        CreatedAtRole, ///< qint64 ms UTC
        StartedAtRole, ///< qint64 ms UTC, 0: not started
        FinishedAtRole, ///< qint64 ms UTC, 0: not finished
        DurationRole, ///< qint64 ms, up to now() for active runs
        ProgressRole, ///< double in [0, 1]
        SortRole, ///< the column's raw value (id, names, times, durations, fractions)
        RunRowRole, ///< the whole Baton::RunRow
        ReviewRole, ///< QString: pending, approved or rejected
    };
    Q_ENUM(Role)

    explicit RunsTableModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// The row showing run @p id, or -1.
    int rowOf(qint64 id) const;
    /// Precondition: 0 <= row < rowCount().
    const RunRow &runAt(int row) const { return m_rows.at(row); }
    /// How many tracked runs are in each state.
    QMap<RunState, int> countsByState() const;

    /// The clock durations of active runs run to; 0 (the default) means the wall clock.
    qint64 now() const;

public Q_SLOTS:
    void applyDelta(const Baton::RunsDelta &delta);
    /// Moves the clock and refreshes the Duration column of active runs in one dataChanged;
    /// call it from a once-a-second timer so running durations tick.
    void setNow(qint64 nowMs);

private:
    void removeIds(const QList<qint64> &ids);
    void insertRows(const QList<RunRow> &rows);
    void updateRows(const QList<RunRow> &rows);
    void reindex(int from = 0);
    QVariant display(const RunRow &run, int column) const;
    QVariant sortValue(const RunRow &run, int column) const;

    QList<RunRow> m_rows; ///< newest (highest id) first
    QHash<qint64, int> m_index; ///< id → row
    qint64 m_now = 0;
};

} // namespace Baton::Ui
