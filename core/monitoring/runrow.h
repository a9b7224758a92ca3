#pragma once

#include "model/durations.h"
#include "model/runstate.h"
#include "monitoring/waitreason.h"

#include <QList>
#include <QMap>
#include <QMetaType>
#include <QString>

namespace Baton {

/// Task runs of one run, by state group. @c byState keeps the exact store states; the fixed
/// fields fold them the way every screen shows them, so no screen re-derives the grouping.
struct TaskCounts
{
    QMap<QString, int> byState; ///< exact task_runs.state → count
    int total = 0;
    int queued = 0;
    int running = 0; ///< starting + running
    int succeeded = 0;
    int failed = 0; ///< failed + timed_out + lost + upstream_failed
    int cancelled = 0;
    int skipped = 0;

    /// Tasks in a terminal state (succeeded, failed, cancelled, skipped, …).
    int finished() const { return succeeded + failed + cancelled + skipped; }
    bool operator==(const TaskCounts &) const = default;

    /// Builds the folded fields from exact per-state counts.
    static TaskCounts fromStates(const QMap<QString, int> &byState);
};

/// One run as the monitor last read it: an immutable value, built on the polling thread and
/// handed to the GUI thread inside a RunsDelta. Times are ms since the epoch (UTC); 0 = not yet.
struct RunRow
{
    qint64 id = 0;
    QString project;
    QString pipeline;
    int pipelineVersion = 0;
    QString environment; ///< empty when the environment was deleted since
    RunState state = RunState::Queued;
    QString trigger; ///< manual, schedule, backfill, rerun, api
    QString requestedBy;
    qint64 createdAt = 0;
    qint64 startedAt = 0;
    qint64 finishedAt = 0;
    /// Its active time (Durations::runClock): stored once finished, from its attempts while live.
    ActiveClock active;
    TaskCounts tasks;
    /// The data steward's review: pending, approved or rejected (ReviewService).
    QString review = QStringLiteral("pending");
    int annotations = 0; ///< notes written on the run
    qint64 reviewUpdatedAt = 0; ///< last annotation or sign-off, ms UTC; 0: none
    /// Finished tasks / total tasks in [0, 1]; a finished run without tasks counts as 1.
    double progress = 0.0;
    /// The state is terminal (succeeded, failed, cancelled, timed_out, lost): nothing moves.
    bool terminal = false;
    /// At least one of its attempts really runs (a task `running`; not a follower queued
    /// behind another attempt, not a run the engine has not started): what "Running now" counts.
    bool working = false;
    /// Live and nothing of it runs: why (WaitReasons::forRun); None otherwise.
    WaitReason wait;

    /// How long the run has been active (its attempts' union, idle time excluded), counting to
    /// @p nowMs while an attempt runs; 0 when nothing of it has run yet.
    qint64 durationMs(qint64 nowMs) const;
    bool operator==(const RunRow &) const = default;

    /// Fills progress and terminal from state and tasks (the monitor calls it once per read).
    void derive();
};

/// What changed between two polls of the runs table. Rows are ordered newest first (by id).
struct RunsDelta
{
    /// New runs; with @c reset, every run the monitor now tracks (replace, do not merge).
    QList<RunRow> added;
    /// Runs whose row or task counts changed: full new values.
    QList<RunRow> updated;
    /// Ids of runs deleted from the store, or evicted from the monitor's window (the oldest
    /// beyond its limit).
    QList<qint64> removed;
    qint64 takenAt = 0; ///< when the poll read the store, ms UTC
    bool reset = false;

    bool isEmpty() const
    {
        return !reset && added.isEmpty() && updated.isEmpty() && removed.isEmpty();
    }
};

} // namespace Baton

Q_DECLARE_METATYPE(Baton::RunRow)
Q_DECLARE_METATYPE(Baton::RunsDelta)
