#include "metricseries.h"

#include "store/sql.h"
#include "store/sqldialect.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <algorithm>
#include <cmath>
#include <limits>

namespace Baton {

namespace {

qint64 environmentId(const QSqlDatabase &db, const QString &project, const QString &environment)
{
    return Sql::scalar(db,
                       QStringLiteral("SELECT e.id FROM environments e JOIN projects p ON p.id = "
                                      "e.project_id WHERE p.name = ? AND e.name = ?"),
                       { project, environment })
        .toLongLong();
}

QString idArray(const QList<qint64> &ids)
{
    QJsonArray a;
    for (const qint64 id : ids)
        a.append(id);
    return QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact));
}

QHash<qint64, QString> versionLabels(const QSqlDatabase &db, const QList<qint64> &ids,
                                     QHash<qint64, qint64> *jobOf = nullptr)
{
    QHash<qint64, QString> labels;
    QSqlQuery q = Sql::exec(db,
                            QStringLiteral("SELECT v.id, j.name, v.number, j.id FROM job_versions "
                                           "v JOIN jobs j ON j.id = v.job_id WHERE v.id %1")
                                .arg(SqlDialect::inJsonArray(db)),
                            { idArray(ids) });
    while (q.next()) {
        const qint64 id = q.value(0).toLongLong();
        labels.insert(id,
                      QStringLiteral("%1 v%2").arg(q.value(1).toString()).arg(q.value(2).toInt()));
        if (jobOf)
            jobOf->insert(id, q.value(3).toLongLong());
    }
    return labels;
}

} // namespace

QStringList MetricSeries::names(const QSqlDatabase &db, const QString &project,
                                const QString &environment)
{
    const qint64 env = environmentId(db, project, environment);
    QStringList result;
    if (env == 0)
        return result;
    // Walks the distinct names through the metrics_name index (one seek each), then keeps
    // those the environment has: never a scan of the whole table.
    QSqlQuery q = Sql::exec(
        db,
        QStringLiteral("WITH RECURSIVE n(name) AS (SELECT min(name) FROM metrics UNION ALL "
                       "SELECT (SELECT min(name) FROM metrics WHERE name > n.name) FROM n WHERE "
                       "n.name IS NOT NULL) SELECT name FROM n WHERE name IS NOT NULL AND EXISTS "
                       "(SELECT 1 FROM metrics m WHERE m.name = n.name AND m.environment_id = ?)"),
        { env });
    while (q.next())
        result << q.value(0).toString();
    return result;
}

QList<MetricPoint> MetricSeries::points(const QSqlDatabase &db, const MetricQuery &query)
{
    QList<MetricPoint> result;
    const qint64 env = environmentId(db, query.project, query.environment);
    if (env == 0 || query.metric.isEmpty())
        return result;
    // Charted at the run's logical date (fire_time) where it has one. A value is recorded after
    // its logical date, so recorded_at >= from still narrows the series index first.
    QSqlQuery q = Sql::exec(
        db,
        QStringLiteral("SELECT COALESCE(r.fire_time, m.recorded_at) AS t, m.value, m.run_id, "
                       "COALESCE(m.job_version_id, 0), m.recorded_at FROM metrics m LEFT JOIN runs "
                       "r ON r.id = m.run_id WHERE m.name = ? AND m.environment_id = ? AND "
                       "m.recorded_at >= ? AND COALESCE(r.fire_time, m.recorded_at) >= ? AND "
                       "COALESCE(r.fire_time, m.recorded_at) < ? ORDER BY t, m.id"),
        { query.metric, env, query.from, query.from,
          query.to > 0 ? query.to : std::numeric_limits<qint64>::max() });
    while (q.next()) {
        result << MetricPoint { q.value(0).toLongLong(), q.value(1).toDouble(),
                                q.value(2).toLongLong(), q.value(3).toLongLong(),
                                q.value(4).toLongLong() };
    }
    return result;
}

QList<VersionStats> MetricSeries::byVersion(const QList<MetricPoint> &points,
                                            const QHash<qint64, QString> &labels)
{
    QList<VersionStats> result;
    QHash<qint64, qsizetype> index;
    QList<QList<double>> values;
    QList<QSet<qint64>> runs; // to list each run once, in order, without a quadratic search
    for (const MetricPoint &p : points) {
        auto it = index.constFind(p.jobVersionId);
        if (it == index.constEnd()) {
            VersionStats s;
            s.jobVersionId = p.jobVersionId;
            s.label = labels.value(p.jobVersionId,
                                   p.jobVersionId ? QStringLiteral("version %1").arg(p.jobVersionId)
                                                  : QStringLiteral("unknown version"));
            s.firstAt = p.at;
            s.min = s.max = p.value;
            it = index.insert(p.jobVersionId, result.size());
            result << s;
            values << QList<double>();
            runs << QSet<qint64>();
        }
        VersionStats &s = result[*it];
        ++s.count;
        s.lastAt = std::max(s.lastAt, p.at);
        s.min = std::min(s.min, p.value);
        s.max = std::max(s.max, p.value);
        if (!runs[*it].contains(p.runId)) {
            runs[*it].insert(p.runId);
            s.runIds << p.runId;
        }
        values[*it] << p.value;
    }
    for (qsizetype i = 0; i < result.size(); ++i) {
        VersionStats &s = result[i];
        const QList<double> &v = values.at(i);
        double sum = 0.0;
        for (const double x : v)
            sum += x;
        s.mean = sum / double(v.size());
        if (v.size() > 1) {
            double squares = 0.0;
            for (const double x : v)
                squares += (x - s.mean) * (x - s.mean);
            s.stddev = std::sqrt(squares / double(v.size() - 1));
        }
    }
    return result;
}

QList<VersionComparison> MetricSeries::compare(const QList<VersionStats> &versions)
{
    QList<VersionComparison> result;
    for (qsizetype i = 1; i < versions.size(); ++i) {
        VersionComparison c;
        c.before = versions.at(i - 1);
        c.after = versions.at(i);
        c.hasChange = c.before.mean != 0.0;
        if (c.hasChange)
            c.changePercent = (c.after.mean - c.before.mean) / std::fabs(c.before.mean) * 100.0;
        result << c;
    }
    return result;
}

QList<MetricPoint> MetricSeries::downsample(const QList<MetricPoint> &points, int maxPerVersion)
{
    QHash<qint64, QList<MetricPoint>> byVersion;
    QList<qint64> order;
    for (const MetricPoint &p : points) {
        auto it = byVersion.find(p.jobVersionId);
        if (it == byVersion.end()) {
            order << p.jobVersionId;
            it = byVersion.insert(p.jobVersionId, {});
        }
        it->append(p);
    }
    QList<MetricPoint> result;
    result.reserve(std::min<qsizetype>(points.size(), qsizetype(order.size()) * maxPerVersion));
    for (const qint64 version : std::as_const(order)) {
        const QList<MetricPoint> &list = byVersion[version];
        if (list.size() <= maxPerVersion || maxPerVersion < 1) {
            result += list;
            continue;
        }
        const qint64 first = list.first().at;
        const double span = double(std::max<qint64>(1, list.last().at - first)) + 1.0;
        int bucket = -1;
        double sumAt = 0, sumValue = 0;
        int n = 0;
        qint64 lastRun = 0;
        qint64 lastRecorded = 0;
        const auto flush = [&] {
            if (n > 0)
                result << MetricPoint { qint64(sumAt / n), sumValue / n, lastRun, version,
                                        lastRecorded };
            sumAt = sumValue = 0;
            n = 0;
        };
        for (const MetricPoint &p : list) {
            const int b = int(double(p.at - first) / span * maxPerVersion);
            if (b != bucket) {
                flush();
                bucket = b;
            }
            sumAt += double(p.at);
            sumValue += p.value;
            lastRun = p.runId;
            lastRecorded = p.recordedAt;
            ++n;
        }
        flush();
    }
    std::stable_sort(result.begin(), result.end(),
                     [](const MetricPoint &a, const MetricPoint &b) { return a.at < b.at; });
    return result;
}

QList<DeploymentMarker> MetricSeries::markers(const QSqlDatabase &db, const MetricQuery &query,
                                              const QList<qint64> &jobIds)
{
    QList<DeploymentMarker> result;
    const qint64 env = environmentId(db, query.project, query.environment);
    if (env == 0 || jobIds.isEmpty())
        return result;
    // A job deployment names its version; a pipeline deployment brings the versions its tasks
    // pin, so it is a marker when it pins one of the metric's jobs.
    QSqlQuery q = Sql::exec(
        db,
        QStringLiteral(
            "SELECT d.id, d.deployed_at, d.kind, d.deployed_by, "
            "COALESCE(d.job_version_id, (SELECT t.job_version_id FROM pipeline_tasks t WHERE "
            "t.pipeline_version_id = d.pipeline_version_id AND t.job_id %1 "
            "ORDER BY t.position LIMIT 1)), "
            "COALESCE(l.name || ' v' || pv.number, ''), COALESCE(NULLIF(pv.release_note, ''), "
            "(SELECT v.release_note FROM job_versions v WHERE v.id = d.job_version_id)) "
            "FROM deployments d LEFT JOIN pipeline_versions pv ON pv.id = d.pipeline_version_id "
            "LEFT JOIN pipelines l ON l.id = d.pipeline_id "
            "WHERE d.environment_id = ? AND d.deployed_at >= ? AND d.deployed_at < ? AND "
            "(d.job_id %1 OR EXISTS (SELECT 1 FROM "
            "pipeline_tasks t WHERE t.pipeline_version_id = d.pipeline_version_id AND t.job_id "
            "%1)) ORDER BY d.deployed_at, d.id")
            .arg(SqlDialect::inJsonArray(db)),
        { idArray(jobIds), env, query.from,
          query.to > 0 ? query.to : std::numeric_limits<qint64>::max(), idArray(jobIds),
          idArray(jobIds) });
    QList<qint64> versionIds;
    QStringList pipelineLabels;
    while (q.next()) {
        DeploymentMarker m;
        m.id = q.value(0).toLongLong();
        m.at = q.value(1).toLongLong();
        m.kind = q.value(2).toString();
        m.by = q.value(3).toString();
        m.jobVersionId = q.value(4).toLongLong();
        m.note = q.value(6).toString();
        m.chartAt = m.at;
        // A release records the pipeline and the job versions it pins at the same moment: one
        // marker for them (the pipeline's, which comes first, names both).
        if (!result.isEmpty() && result.last().jobVersionId == m.jobVersionId
            && m.at - result.last().at < 1000)
            continue;
        versionIds << m.jobVersionId;
        pipelineLabels << q.value(5).toString();
        result << m;
    }
    const QHash<qint64, QString> labels = versionLabels(db, versionIds);
    for (qsizetype i = 0; i < result.size(); ++i) {
        DeploymentMarker &m = result[i];
        const QString job = labels.value(m.jobVersionId);
        const QString pipeline = pipelineLabels.at(i);
        m.label = pipeline.isEmpty() ? job
            : job.isEmpty()          ? pipeline
                                     : QStringLiteral("%1 (%2)").arg(job, pipeline);
    }
    return result;
}

void MetricSeries::placeMarkers(QList<DeploymentMarker> &markers, const QList<MetricPoint> &points)
{
    // The first value recorded after each deployment: the first the deployment could affect.
    QList<const MetricPoint *> byRecording;
    byRecording.reserve(points.size());
    for (const MetricPoint &p : points)
        byRecording << &p;
    const auto recorded = [](const MetricPoint *p) {
        return p->recordedAt ? p->recordedAt : p->at;
    };
    std::stable_sort(
        byRecording.begin(), byRecording.end(),
        [&](const MetricPoint *a, const MetricPoint *b) { return recorded(a) < recorded(b); });
    for (DeploymentMarker &m : markers) {
        m.chartAt = m.at;
        const auto next
            = std::lower_bound(byRecording.cbegin(), byRecording.cend(), m.at,
                               [&](const MetricPoint *p, qint64 at) { return recorded(p) < at; });
        // Values plotted at an earlier logical date than the deployment (a backfill run after
        // it) would otherwise sit left of the marker of the version that produced them.
        if (next != byRecording.cend())
            m.chartAt = std::min(m.at, (*next)->at);
    }
}

MetricSnapshot MetricSeries::snapshot(const QSqlDatabase &db, const MetricQuery &query)
{
    QElapsedTimer clock;
    clock.start();
    MetricSnapshot s;
    s.query = query;
    QSqlQuery p = Sql::exec(db, QStringLiteral("SELECT name FROM projects ORDER BY name"));
    while (p.next())
        s.projects << p.value(0).toString();
    if (s.query.project.isEmpty() && !s.projects.isEmpty())
        s.query.project = s.projects.first();
    QSqlQuery e = Sql::exec(db,
                            QStringLiteral("SELECT e.name FROM environments e JOIN projects p ON "
                                           "p.id = e.project_id WHERE p.name = ? AND "
                                           "e.archived_at IS NULL ORDER BY e.position"),
                            { s.query.project });
    while (e.next())
        s.environments << e.value(0).toString();
    if (!s.environments.contains(s.query.environment)) {
        // Default: the last environment (production) that has values, else the last one.
        s.query.environment = s.environments.isEmpty() ? QString() : s.environments.last();
        for (qsizetype i = s.environments.size() - 1; i >= 0; --i) {
            if (!names(db, s.query.project, s.environments.at(i)).isEmpty()) {
                s.query.environment = s.environments.at(i);
                break;
            }
        }
    }
    s.metrics = names(db, s.query.project, s.query.environment);
    const qint64 projectId
        = Sql::scalar(db, QStringLiteral("SELECT id FROM projects WHERE name = ?"),
                      { s.query.project })
              .toLongLong();
    const QList<AlertRuleSpec> projectRules = AlertRules::specs(db, projectId);
    if (!s.metrics.contains(s.query.metric)) {
        // Default: the first metric someone wrote an alert rule for, else the first by name.
        s.query.metric = s.metrics.isEmpty() ? QString() : s.metrics.first();
        for (const AlertRuleSpec &r : projectRules) {
            if (s.metrics.contains(r.metric)
                && (r.environment.isEmpty() || r.environment == s.query.environment)) {
                s.query.metric = r.metric;
                break;
            }
        }
    }

    s.points = points(db, s.query);
    s.chartPoints = downsample(s.points, ChartPointsPerVersion);
    QList<qint64> versionIds;
    for (const MetricPoint &pt : std::as_const(s.points)) {
        if (!versionIds.contains(pt.jobVersionId))
            versionIds << pt.jobVersionId;
    }
    QHash<qint64, qint64> jobOf;
    const QHash<qint64, QString> labels = versionLabels(db, versionIds, &jobOf);
    s.versions = byVersion(s.points, labels);
    QList<qint64> jobIds;
    for (const qint64 job : std::as_const(jobOf)) {
        if (!jobIds.contains(job))
            jobIds << job;
    }
    s.markers = markers(db, s.query, jobIds);
    placeMarkers(s.markers, s.points);
    s.comparisons = compare(s.versions);
    QHash<qint64, qint64> firstRecorded; // by job version
    for (const MetricPoint &pt : std::as_const(s.points)) {
        auto it = firstRecorded.find(pt.jobVersionId);
        if (it == firstRecorded.end())
            firstRecorded.insert(pt.jobVersionId, pt.recordedAt);
        else
            *it = std::min(*it, pt.recordedAt);
    }
    for (VersionComparison &c : s.comparisons) {
        // The latest deployment of the new version before it first reported.
        for (const DeploymentMarker &m : std::as_const(s.markers)) {
            if (m.jobVersionId == c.after.jobVersionId
                && m.at <= firstRecorded.value(c.after.jobVersionId))
                c.deploymentId = m.id;
        }
    }

    for (const AlertRuleSpec &r : projectRules) {
        if (r.metric == s.query.metric
            && (r.environment.isEmpty() || r.environment == s.query.environment))
            s.rules << r;
    }
    for (const AlertFiring &f : AlertRules::firings(db, false, 500)) {
        if (f.project == s.query.project && f.metric == s.query.metric
            && f.environment == s.query.environment)
            s.firings << f;
    }
    s.takenAt = QDateTime::currentMSecsSinceEpoch();
    s.costUs = clock.nsecsElapsed() / 1000;
    return s;
}

} // namespace Baton
