#pragma once

#include <QList>
#include <QtGlobal>

namespace Baton {

/// One attempt's interval, ms UTC: finishedAt 0 while it runs, startedAt 0 before it started.
struct AttemptSpan
{
    qint64 startedAt = 0;
    qint64 finishedAt = 0;
    bool operator==(const AttemptSpan &) const = default;

    /// An attempt as the store records it (ms UTC, 0: not yet): it runs from when its process
    /// was seen running — a follower's attempt is created when it is queued behind another and
    /// runs only once that one ends — else, once ended, from its launch. An attempt not yet seen
    /// running has not run (startedAt 0). task_runs.run_ms and runs.active_ms use the same.
    static AttemptSpan of(qint64 launchedAt, qint64 runningAt, qint64 finishedAt)
    {
        const qint64 start = runningAt > 0 ? runningAt : (finishedAt > 0 ? launchedAt : 0);
        return { start, finishedAt };
    }
};

/// A run's active time in a form that keeps counting while attempts run: the time before
/// runningSince is fixed, after it the clock runs until now.
struct ActiveClock
{
    qint64 closedMs = 0; ///< active time before runningSince (all of it when nothing runs)
    qint64 runningSince = 0; ///< earliest start of an attempt still running; 0: none runs
    bool ran = false; ///< at least one attempt started: there is a duration to show

    qint64 at(qint64 nowMs) const
    {
        return closedMs + (runningSince > 0 ? qMax<qint64>(0, nowMs - runningSince) : 0);
    }
    bool operator==(const ActiveClock &) const = default;
};

/// The one definition of durations (issue #17: idle time never counts). The store keeps the
/// same for ended work (task_runs.run_ms, runs.active_ms: migration 0010), which the dashboards
/// and their rollups read; these compute it for live rows and read models.
namespace Durations {

/// A task's duration: the sum of its attempts' run times (start to end of each); an attempt
/// still running counts until @p nowMs. Waiting for a retry, a place or a manual retry is not
/// counted.
qint64 taskMs(const QList<AttemptSpan> &attempts, qint64 nowMs);

/// A run's active clock: the wall time during which at least one of its attempts ran (the
/// length of the union of their intervals), so time the run sat finished before a retry or a
/// rerun, and waits between attempts, are not counted.
ActiveClock runClock(QList<AttemptSpan> attempts);

/// runClock(@p attempts).at(@p nowMs).
qint64 runMs(const QList<AttemptSpan> &attempts, qint64 nowMs);

} // namespace Durations

} // namespace Baton
