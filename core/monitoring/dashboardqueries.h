#pragma once

#include "model/runstate.h"

#include <QList>
#include <QMetaType>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

namespace Baton {

/// What the Operations dashboard looks at. Empty strings and 0 mean "any".
struct DashboardFilter
{
    qint64 from = 0; ///< ms UTC, inclusive; runs are placed by when they were queued
    qint64 to = 0; ///< ms UTC, exclusive; 0: open
    QString project;
    QString environment; ///< by name, across projects
    /// The pipeline ("project/pipeline") whose duration trend and jobs are detailed; empty: the
    /// busiest pipeline of the range.
    QString pipeline;
    /// Days start at local midnight: the offset of the viewer's zone from UTC, in seconds.
    int utcOffsetSeconds = 0;
    bool operator==(const DashboardFilter &) const = default;
};

/// One day of the range. @c day is the day's start (ms UTC).
struct DayStats
{
    qint64 day = 0;
    int runs = 0; ///< runs queued that day
    int finished = 0; ///< of which ended (succeeded, failed, cancelled, timed out, lost)
    int succeeded = 0;
    int failed = 0; ///< failed, timed out or lost
    /// succeeded / finished in [0, 1]; meaningless when finished is 0.
    double successRate() const { return finished > 0 ? double(succeeded) / finished : 0.0; }
    bool operator==(const DayStats &) const = default;
};

/// Nearest-rank percentiles of durations (ms) over a set of runs or task runs.
struct DurationStats
{
    QString key; ///< "project/pipeline" or "project/job"
    qint64 day = 0; ///< 0 for a whole-range summary
    int count = 0;
    qint64 p50 = 0;
    qint64 p95 = 0;
    bool operator==(const DurationStats &) const = default;
};

struct CountItem
{
    QString key; ///< "project/job", an environment name, "project/pipeline", …
    int count = 0;
    int second = 0; ///< a second count where the chart has one (e.g. queued beside running)
    bool operator==(const CountItem &) const = default;
};

/// Schedule lateness of one day: how long scheduled runs waited after their fire time.
struct LatenessStats
{
    qint64 day = 0;
    int runs = 0;
    qint64 averageMs = 0;
    qint64 maxMs = 0;
    bool operator==(const LatenessStats &) const = default;
};

/// Everything the Operations dashboard shows: an immutable value built off the GUI thread.
struct OperationsSnapshot
{
    DashboardFilter filter;
    QList<DayStats> days; ///< days with at least one run, oldest first
    QList<DurationStats> pipelineDurations; ///< per pipeline over the range, busiest first
    QString detailedPipeline; ///< "project/pipeline" detailed below ("" when no runs)
    QList<DurationStats> pipelineTrend; ///< per day, for the detailed pipeline
    QList<DurationStats> jobDurations; ///< per job of the detailed pipeline over the range
    QList<DurationStats> jobTrend; ///< per job and day, for the detailed pipeline
    QList<CountItem> failuresByJob; ///< "project/job" → failed task runs, most first
    QList<CountItem> runsByEnvironment; ///< environment → runs (second: failed runs)
    QList<CountItem> active; ///< "project/pipeline" → running (second: queued), now
    int running = 0;
    int queued = 0;
    QList<LatenessStats> lateness; ///< per day, scheduled runs only (not backfills)
    QStringList projects; ///< choices for the filter bar
    QStringList environments;
    QStringList pipelines; ///< "project/pipeline"
    qint64 takenAt = 0;
    qint64 costUs = 0; ///< how long the queries took
};

/// Which runs stand behind a point or a bar (a dashboard drill-down).
struct RunsQuery
{
    DashboardFilter filter;
    qint64 day = 0; ///< 0: the filter's whole range; else that one day
    QString pipeline; ///< "project/pipeline"; empty: any
    QString job; ///< "project/job": runs where that job's task failed
    QList<RunState> states; ///< empty: any
    bool scheduledOnly = false; ///< scheduled runs (lateness): trigger schedule, a fire time
    bool activeOnly = false; ///< queued, starting or running now, whatever the range
    QString environment; ///< overrides the filter's environment when set
    QList<qint64> runIds; ///< exactly these runs (an alert's), whatever the filter
    QString title; ///< what the user clicked, to show above the list
    int limit = 500;
};

/// A run in a drill-down list.
struct RunBrief
{
    qint64 id = 0;
    QString project;
    QString pipeline;
    QString environment;
    RunState state = RunState::Queued;
    qint64 createdAt = 0;
    qint64 durationMs = 0; ///< its active time (runs.active_ms); 0 while not finished
    bool operator==(const RunBrief &) const = default;
};

/// The dashboard's aggregations (migration 6). Every function reads; none writes.
///
/// Ranges up to RollupAfterMs read the runs themselves through covering indexes: local days,
/// exact percentiles. Longer ranges (and "all time") read the daily rollups that triggers keep
/// (run_daily, run_duration_daily, task_failure_daily): days are then UTC days, counts stay
/// exact, and duration percentiles come from a log histogram (within about 9%).
class DashboardQueries
{
public:
    static constexpr qint64 RollupAfterMs = 31LL * 24 * 3600 * 1000;
    /// Whether @p filter is answered from the rollups.
    static bool usesRollups(const DashboardFilter &filter);
    /// The duration a histogram bucket stands for: the geometric middle of [lower, next).
    static qint64 bucketValue(const QList<qint64> &lowers, qsizetype index);

    /// Nearest rank: the smallest value with at least p·n values at or below it. @p sorted
    /// ascending and not empty; p in (0, 1].
    static qint64 percentile(const QList<qint64> &sorted, double p);
    /// The start (ms UTC) of the local day holding @p ms, days being UTC shifted by the offset.
    static qint64 dayStart(qint64 ms, int utcOffsetSeconds);

    static OperationsSnapshot operations(const QSqlDatabase &db, const DashboardFilter &filter);
    static QList<DayStats> days(const QSqlDatabase &db, const DashboardFilter &filter);
    static QList<DurationStats> pipelineDurations(const QSqlDatabase &db,
                                                  const DashboardFilter &filter);
    /// Per day, for @p pipeline ("project/pipeline").
    static QList<DurationStats> pipelineTrend(const QSqlDatabase &db, const DashboardFilter &filter,
                                              const QString &pipeline);
    static QList<DurationStats> jobDurations(const QSqlDatabase &db, const DashboardFilter &filter,
                                             const QString &pipeline, bool perDay);
    static QList<CountItem> failuresByJob(const QSqlDatabase &db, const DashboardFilter &filter);
    static QList<CountItem> runsByEnvironment(const QSqlDatabase &db,
                                              const DashboardFilter &filter);
    static QList<CountItem> active(const QSqlDatabase &db, const DashboardFilter &filter);
    static QList<LatenessStats> lateness(const QSqlDatabase &db, const DashboardFilter &filter);
    static QList<RunBrief> runs(const QSqlDatabase &db, const RunsQuery &query);
};

} // namespace Baton

Q_DECLARE_METATYPE(Baton::DashboardFilter)
Q_DECLARE_METATYPE(Baton::OperationsSnapshot)
Q_DECLARE_METATYPE(Baton::RunsQuery)
Q_DECLARE_METATYPE(Baton::RunBrief)
