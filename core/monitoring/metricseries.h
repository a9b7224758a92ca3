#pragma once

#include "monitoring/alertrules.h"

#include <QHash>
#include <QList>
#include <QMetaType>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

namespace Baton {

/// Which business metric the Metrics dashboard charts.
struct MetricQuery
{
    QString project;
    QString environment; ///< one of the project's environments
    QString metric; ///< empty: the first the environment has
    qint64 from = 0; ///< ms UTC, inclusive
    qint64 to = 0; ///< ms UTC, exclusive; 0: open
    bool operator==(const MetricQuery &) const = default;
};

/// One recorded value.
struct MetricPoint
{
    /// Where it is charted (ms UTC): its run's logical date (the fire time of a scheduled or
    /// backfill run) where the run has one, else when it was recorded. Twelve nightly runs
    /// backfilled in one minute sit on their twelve nights.
    qint64 at = 0;
    double value = 0.0;
    qint64 runId = 0;
    qint64 jobVersionId = 0;
    qint64 recordedAt = 0; ///< recorded_at, ms UTC (0: as @c at)
    bool operator==(const MetricPoint &) const = default;
};

/// The values one job version reported in the range: mean, spread, number of runs.
struct VersionStats
{
    qint64 jobVersionId = 0;
    QString label; ///< "score v7"
    int count = 0;
    double mean = 0.0;
    double stddev = 0.0; ///< sample standard deviation (0 with fewer than two values)
    double min = 0.0;
    double max = 0.0;
    qint64 firstAt = 0;
    qint64 lastAt = 0;
    QList<qint64> runIds;
    bool operator==(const VersionStats &) const = default;
};

/// Before vs after a version change: consecutive versions in the order they first reported.
struct VersionComparison
{
    VersionStats before;
    VersionStats after;
    /// (after.mean − before.mean) / |before.mean| × 100; 0 with hasChange false when the mean
    /// before is 0.
    double changePercent = 0.0;
    bool hasChange = false;
    qint64 deploymentId = 0; ///< the deployment that brought @c after here, if any
    bool operator==(const VersionComparison &) const = default;
};

/// A deployment of a new version into the environment: a vertical marker on the chart.
struct DeploymentMarker
{
    qint64 id = 0;
    qint64 at = 0; ///< deployed_at, ms UTC
    /// Where the chart draws it, on the points' time line: @c at, or the logical date of the
    /// first value recorded after it when that is earlier (a backfill after the deployment).
    qint64 chartAt = 0;
    QString kind; ///< deploy | promote | rollback
    QString label; ///< "score v7" (the job version the metric's job got), or "nightly v2"
    QString note; ///< the release note of the version it brought (the pipeline's, else the job's)
    QString by;
    qint64 jobVersionId = 0; ///< the job version it brought, 0 when unknown
    bool operator==(const DeploymentMarker &) const = default;
};

/// Everything the Metrics dashboard shows for one query: an immutable value.
struct MetricSnapshot
{
    MetricQuery query; ///< as answered (metric filled in when it was empty)
    QStringList projects;
    QStringList environments; ///< of the project
    QStringList metrics; ///< names the environment has values for
    QList<MetricPoint> points; ///< oldest first
    /// What the chart draws: @c points, or when there are too many to draw smoothly, the mean
    /// of each time bucket per version (MetricSeries::downsample).
    QList<MetricPoint> chartPoints;
    QList<VersionStats> versions; ///< in the order they first reported
    QList<VersionComparison> comparisons;
    QList<DeploymentMarker> markers; ///< oldest first, within the range
    QList<AlertRuleSpec> rules; ///< the project's rules on this metric
    QList<AlertFiring> firings; ///< of those rules in this environment, newest first
    qint64 takenAt = 0;
    qint64 costUs = 0;
};

/// Business metrics over time per environment, by version, with deployments.
class MetricSeries
{
public:
    static MetricSnapshot snapshot(const QSqlDatabase &db, const MetricQuery &query);
    /// Metric names with values in @p environment of @p project (an index skip-scan: cheap on
    /// millions of values).
    static QStringList names(const QSqlDatabase &db, const QString &project,
                             const QString &environment);
    /// Ordered by MetricPoint::at; the range applies to it too.
    static QList<MetricPoint> points(const QSqlDatabase &db, const MetricQuery &query);
    /// Sets each marker's chartAt from @p points (ordered by recording or not).
    static void placeMarkers(QList<DeploymentMarker> &markers, const QList<MetricPoint> &points);
    /// Per version, in order of first appearance.
    static QList<VersionStats> byVersion(const QList<MetricPoint> &points,
                                         const QHash<qint64, QString> &labels = {});
    static QList<VersionComparison> compare(const QList<VersionStats> &versions);
    /// At most @p maxPerVersion points per version: each version's time span is cut into that
    /// many buckets and a bucket becomes one point (mean time, mean value, its last run).
    /// Versions with fewer points are kept as they are.
    static QList<MetricPoint> downsample(const QList<MetricPoint> &points, int maxPerVersion);
    /// How many points per version a chart gets at most.
    static constexpr int ChartPointsPerVersion = 600;
    static QList<DeploymentMarker> markers(const QSqlDatabase &db, const MetricQuery &query,
                                           const QList<qint64> &jobIds);
};

} // namespace Baton

Q_DECLARE_METATYPE(Baton::MetricSnapshot)
Q_DECLARE_METATYPE(Baton::MetricQuery)
