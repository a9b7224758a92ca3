#include "dashboardqueries.h"

#include "model/runstate.h"
#include "store/sql.h"
#include "store/sqldialect.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHash>
#include <QMap>
#include <algorithm>
#include <cmath>
#include <limits>

namespace Baton {

namespace {

constexpr qint64 kDayMs = 24 * 3600 * 1000;
// The state lists, from the one state machine (the rollup triggers hold the same: tst_runstate).
const QString kFinished = sqlStateList(isTerminal, StateScope::Runs);
const QString kFailed = sqlStateList(failedItself);
const QString kActive = sqlStateList(isActive);

// A WHERE clause over runs `r` with its binds, built from a filter.
struct Where
{
    QString sql;
    QVariantList binds;

    void add(const QString &clause, const QVariantList &values = {})
    {
        sql += (sql.isEmpty() ? QStringLiteral(" WHERE ") : QStringLiteral(" AND ")) + clause;
        binds += values;
    }
};

qint64 upper(const DashboardFilter &f)
{
    return f.to > 0 ? f.to : std::numeric_limits<qint64>::max();
}

// Runs of the filter's range, project and environment (the runs_dashboard index's columns).
Where runsWhere(const DashboardFilter &f, const QString &environment = {})
{
    Where w;
    w.add(QStringLiteral("r.created_at >= ? AND r.created_at < ?"), { f.from, upper(f) });
    if (!f.project.isEmpty())
        w.add(QStringLiteral("r.project_id = (SELECT id FROM projects WHERE name = ?)"),
              { f.project });
    const QString env = environment.isEmpty() ? f.environment : environment;
    if (!env.isEmpty())
        w.add(QStringLiteral("r.environment_id IN (SELECT id FROM environments WHERE name = ?)"),
              { env });
    return w;
}

// Rollup rows of the filter: whole UTC days of the range, project and environment.
Where rollupWhere(const DashboardFilter &f, const QString &alias, bool byPipeline = false)
{
    Where w;
    w.add(QStringLiteral("%1.day >= ? AND %1.day < ?").arg(alias),
          { f.from / kDayMs * kDayMs, upper(f) });
    if (!f.project.isEmpty()) {
        if (byPipeline)
            w.add(QStringLiteral("%1.pipeline_id IN (SELECT l.id FROM pipelines l JOIN projects p "
                                 "ON p.id = l.project_id WHERE p.name = ?)")
                      .arg(alias),
                  { f.project });
        else
            w.add(QStringLiteral("%1.project_id = (SELECT id FROM projects WHERE name = ?)")
                      .arg(alias),
                  { f.project });
    }
    if (!f.environment.isEmpty())
        w.add(QStringLiteral("%1.environment_id IN (SELECT id FROM environments WHERE name = ?)")
                  .arg(alias),
              { f.environment });
    return w;
}

QList<qint64> bucketLowers(const QSqlDatabase &db)
{
    QList<qint64> lowers;
    QSqlQuery q = Sql::exec(db, QStringLiteral("SELECT lower_ms FROM duration_buckets ORDER BY 1"));
    while (q.next())
        lowers << q.value(0).toLongLong();
    return lowers;
}

// Percentiles of a histogram (bucket lower bound → count), nearest rank on the buckets.
DurationStats fromHistogram(const QString &key, qint64 day, const QMap<qint64, int> &histogram,
                            const QList<qint64> &lowers)
{
    DurationStats s;
    s.key = key;
    s.day = day;
    for (const int n : histogram)
        s.count += n;
    const auto at = [&](double p) -> qint64 {
        const qint64 rank = std::max<qint64>(1, qint64(std::ceil(p * s.count - 1e-9)));
        qint64 seen = 0;
        for (auto it = histogram.constBegin(); it != histogram.constEnd(); ++it) {
            seen += it.value();
            if (seen >= rank)
                return DashboardQueries::bucketValue(lowers, lowers.indexOf(it.key()));
        }
        return 0;
    };
    s.p50 = at(0.50);
    s.p95 = at(0.95);
    return s;
}

// The day bucket of a ms column, as SQL.
QString dayExpr(const QString &column, const DashboardFilter &f)
{
    const qint64 offset = qint64(f.utcOffsetSeconds) * 1000;
    return QStringLiteral("((%1 + %2) / %3) * %3 - %2").arg(column).arg(offset).arg(kDayMs);
}

// "project/pipeline" → the pipeline's id, or 0.
qint64 pipelineId(const QSqlDatabase &db, const QString &key)
{
    const QString project = key.section(QLatin1Char('/'), 0, 0);
    const QString pipeline = key.section(QLatin1Char('/'), 1);
    return Sql::scalar(db,
                       QStringLiteral("SELECT l.id FROM pipelines l JOIN projects p ON p.id = "
                                      "l.project_id WHERE p.name = ? AND l.name = ?"),
                       { project, pipeline })
        .toLongLong();
}

// Groups (key, day, duration) rows arriving sorted by key, day, duration into percentiles.
class PercentileGrouper
{
public:
    void add(const QString &key, qint64 day, qint64 duration)
    {
        if (key != m_key || day != m_day)
            flush();
        m_key = key;
        m_day = day;
        m_values << duration;
    }
    QList<DurationStats> finish()
    {
        flush();
        return std::move(m_result);
    }

private:
    void flush()
    {
        if (m_values.isEmpty())
            return;
        DurationStats s;
        s.key = m_key;
        s.day = m_day;
        s.count = int(m_values.size());
        s.p50 = DashboardQueries::percentile(m_values, 0.50);
        s.p95 = DashboardQueries::percentile(m_values, 0.95);
        m_result << s;
        m_values.clear();
    }

    QString m_key;
    qint64 m_day = 0;
    QList<qint64> m_values;
    QList<DurationStats> m_result;
};

bool busiestFirst(const DurationStats &a, const DurationStats &b)
{
    return a.count != b.count ? a.count > b.count : a.key < b.key;
}

bool mostFirst(const CountItem &a, const CountItem &b)
{
    return a.count != b.count ? a.count > b.count : a.key < b.key;
}

QStringList strings(const QSqlDatabase &db, const QString &sql)
{
    QStringList result;
    QSqlQuery q = Sql::exec(db, sql);
    while (q.next())
        result << q.value(0).toString();
    return result;
}

} // namespace

qint64 DashboardQueries::percentile(const QList<qint64> &sorted, double p)
{
    if (sorted.isEmpty())
        return 0;
    const qsizetype n = sorted.size();
    qsizetype rank = qsizetype(std::ceil(p * double(n) - 1e-9));
    rank = std::clamp<qsizetype>(rank, 1, n);
    return sorted.at(rank - 1);
}

bool DashboardQueries::usesRollups(const DashboardFilter &filter)
{
    const qint64 to = filter.to > 0 ? filter.to : QDateTime::currentMSecsSinceEpoch();
    return filter.from <= 0 || to - filter.from > RollupAfterMs;
}

qint64 DashboardQueries::bucketValue(const QList<qint64> &lowers, qsizetype index)
{
    if (index < 0 || index >= lowers.size())
        return 0;
    const qint64 lower = lowers.at(index);
    if (lower == 0)
        return 0;
    const qint64 next = index + 1 < lowers.size() ? lowers.at(index + 1) : lower * 2;
    return qint64(std::llround(std::sqrt(double(lower) * double(next))));
}

qint64 DashboardQueries::dayStart(qint64 ms, int utcOffsetSeconds)
{
    const qint64 offset = qint64(utcOffsetSeconds) * 1000;
    return ((ms + offset) / kDayMs) * kDayMs - offset;
}

QList<DayStats> DashboardQueries::days(const QSqlDatabase &db, const DashboardFilter &filter)
{
    const bool rollup = usesRollups(filter);
    const Where w = rollup ? rollupWhere(filter, QStringLiteral("d")) : runsWhere(filter);
    QSqlQuery q = rollup
        ? Sql::exec(db,
                    QStringLiteral("SELECT d.day, sum(d.runs), sum(CASE WHEN d.state IN %1 THEN "
                                   "d.runs ELSE 0 END), sum(CASE WHEN d.state = 'succeeded' THEN "
                                   "d.runs ELSE 0 END), sum(CASE WHEN d.state IN %2 THEN d.runs "
                                   "ELSE 0 END) FROM run_daily d %3 GROUP BY d.day HAVING "
                                   "sum(d.runs) > 0 ORDER BY d.day")
                        .arg(kFinished, kFailed, w.sql),
                    w.binds)
        : Sql::exec(
            db,
            QStringLiteral("SELECT %1 AS day, count(*), sum(CASE WHEN r.state IN %2 THEN 1 ELSE "
                           "0 END), sum(CASE WHEN r.state = 'succeeded' THEN 1 ELSE 0 END), "
                           "sum(CASE WHEN r.state IN %3 THEN 1 ELSE 0 END) FROM runs r %4 "
                           "GROUP BY day ORDER BY day")
                .arg(dayExpr(QStringLiteral("r.created_at"), filter), kFinished, kFailed, w.sql),
            w.binds);
    QList<DayStats> result;
    while (q.next()) {
        DayStats d;
        d.day = q.value(0).toLongLong();
        d.runs = q.value(1).toInt();
        d.finished = q.value(2).toInt();
        d.succeeded = q.value(3).toInt();
        d.failed = q.value(4).toInt();
        result << d;
    }
    return result;
}

QList<DurationStats> DashboardQueries::pipelineDurations(const QSqlDatabase &db,
                                                         const DashboardFilter &filter)
{
    if (usesRollups(filter)) {
        const Where w = rollupWhere(filter, QStringLiteral("h"), true);
        QSqlQuery q = Sql::exec(db,
                                QStringLiteral("SELECT p.name || '/' || l.name, h.bucket_ms, "
                                               "sum(h.runs) FROM run_duration_daily h JOIN "
                                               "pipelines l ON l.id = h.pipeline_id JOIN projects "
                                               "p ON p.id = l.project_id %1 GROUP BY "
                                               "h.pipeline_id, l.id, p.id, h.bucket_ms HAVING "
                                               "sum(h.runs) > 0")
                                    .arg(w.sql),
                                w.binds);
        QMap<QString, QMap<qint64, int>> histograms;
        while (q.next())
            histograms[q.value(0).toString()][q.value(1).toLongLong()] += q.value(2).toInt();
        q.finish();
        const QList<qint64> lowers = bucketLowers(db);
        QList<DurationStats> result;
        for (auto it = histograms.constBegin(); it != histograms.constEnd(); ++it)
            result << fromHistogram(it.key(), 0, it.value(), lowers);
        std::sort(result.begin(), result.end(), busiestFirst);
        return result;
    }
    Where w = runsWhere(filter);
    // A run's duration is its active time (runs.active_ms, migration 0010), as in the rollups.
    w.add(QStringLiteral("r.state IN %1 AND r.active_ms IS NOT NULL").arg(kFinished));
    // Read in index order (no SQL sort): percentiles are picked per pipeline with nth_element.
    QSqlQuery q = Sql::exec(db,
                            QStringLiteral("SELECT r.pipeline_id, r.active_ms "
                                           "FROM runs r %1")
                                .arg(w.sql),
                            w.binds);
    QHash<qint64, std::vector<qint64>> durations;
    while (q.next())
        durations[q.value(0).toLongLong()].push_back(q.value(1).toLongLong());
    q.finish();
    QList<DurationStats> result;
    for (auto it = durations.begin(); it != durations.end(); ++it) {
        std::vector<qint64> &v = it.value();
        const auto pick = [&v](double p) {
            const qsizetype n = qsizetype(v.size());
            const qsizetype rank = std::clamp<qsizetype>(qsizetype(std::ceil(p * n - 1e-9)), 1, n);
            std::nth_element(v.begin(), v.begin() + (rank - 1), v.end());
            return v[rank - 1];
        };
        DurationStats s;
        s.key = QString::number(it.key());
        s.count = int(v.size());
        s.p50 = pick(0.50);
        s.p95 = pick(0.95);
        result << s;
    }
    QHash<QString, QString> names;
    {
        QSqlQuery n = Sql::exec(db,
                                QStringLiteral("SELECT l.id, p.name || '/' || l.name FROM "
                                               "pipelines l JOIN projects p ON p.id = "
                                               "l.project_id"));
        while (n.next())
            names.insert(n.value(0).toString(), n.value(1).toString());
    }
    for (DurationStats &s : result)
        s.key = names.value(s.key, s.key);
    std::sort(result.begin(), result.end(), busiestFirst);
    return result;
}

QList<DurationStats> DashboardQueries::pipelineTrend(const QSqlDatabase &db,
                                                     const DashboardFilter &filter,
                                                     const QString &pipeline)
{
    const qint64 id = pipelineId(db, pipeline);
    if (id == 0)
        return {};
    if (usesRollups(filter)) {
        Where w = rollupWhere(filter, QStringLiteral("h"), true);
        w.add(QStringLiteral("h.pipeline_id = ?"), { id });
        QSqlQuery q = Sql::exec(db,
                                QStringLiteral("SELECT h.day, h.bucket_ms, sum(h.runs) FROM "
                                               "run_duration_daily h %1 GROUP BY h.day, "
                                               "h.bucket_ms HAVING sum(h.runs) > 0")
                                    .arg(w.sql),
                                w.binds);
        QMap<qint64, QMap<qint64, int>> histograms;
        while (q.next())
            histograms[q.value(0).toLongLong()][q.value(1).toLongLong()] += q.value(2).toInt();
        q.finish();
        const QList<qint64> lowers = bucketLowers(db);
        QList<DurationStats> result;
        for (auto it = histograms.constBegin(); it != histograms.constEnd(); ++it)
            result << fromHistogram(pipeline, it.key(), it.value(), lowers);
        return result;
    }
    Where w = runsWhere(filter);
    w.add(QStringLiteral("r.pipeline_id = ? AND r.state IN %1 AND r.active_ms IS NOT NULL")
              .arg(kFinished),
          { id });
    QSqlQuery q = Sql::exec(db,
                            QStringLiteral("SELECT %1 AS day, r.active_ms AS d "
                                           "FROM runs r %2 ORDER BY day, d")
                                .arg(dayExpr(QStringLiteral("r.created_at"), filter), w.sql),
                            w.binds);
    PercentileGrouper grouper;
    while (q.next())
        grouper.add(pipeline, q.value(0).toLongLong(), q.value(1).toLongLong());
    return grouper.finish();
}

QList<DurationStats> DashboardQueries::jobDurations(const QSqlDatabase &db,
                                                    const DashboardFilter &filter,
                                                    const QString &pipeline, bool perDay)
{
    const qint64 id = pipelineId(db, pipeline);
    if (id == 0)
        return {};
    if (usesRollups(filter)) {
        DashboardFilter byPipeline = filter;
        byPipeline.project.clear(); // the pipeline names its project
        Where w = rollupWhere(byPipeline, QStringLiteral("h"));
        w.add(QStringLiteral("h.pipeline_id = ?"), { id });
        QSqlQuery q = Sql::exec(
            db,
            QStringLiteral("SELECT p.name || '/' || j.name, %1, h.bucket_ms, sum(h.tasks) FROM "
                           "task_duration_daily h JOIN job_versions v ON v.id = h.job_version_id "
                           "JOIN jobs j ON j.id = v.job_id JOIN projects p ON p.id = j.project_id "
                           "%2 GROUP BY j.id, p.id, 2, h.bucket_ms HAVING sum(h.tasks) > 0")
                .arg(perDay ? QStringLiteral("h.day") : QStringLiteral("0"), w.sql),
            w.binds);
        QMap<QPair<QString, qint64>, QMap<qint64, int>> histograms;
        while (q.next())
            histograms[{ q.value(0).toString(), q.value(1).toLongLong() }][q.value(2).toLongLong()]
                += q.value(3).toInt();
        q.finish();
        const QList<qint64> lowers = bucketLowers(db);
        QList<DurationStats> result;
        for (auto it = histograms.constBegin(); it != histograms.constEnd(); ++it)
            result << fromHistogram(it.key().first, it.key().second, it.value(), lowers);
        if (!perDay)
            std::sort(result.begin(), result.end(), busiestFirst);
        return result;
    }
    Where w = runsWhere(filter);
    w.add(QStringLiteral("r.pipeline_id = ?"), { id });
    // Task runs of the pipeline's runs in the range that ran to an end.
    QSqlQuery q = Sql::exec(
        db,
        QStringLiteral("SELECT t.job_version_id, %1 AS day, t.run_ms AS d "
                       "FROM runs r JOIN task_runs t ON t.run_id = r.id %2 AND t.run_ms IS "
                       "NOT NULL AND t.finished_at IS NOT NULL AND t.job_version_id IS NOT "
                       "NULL AND t.state IN %3")
            .arg(perDay ? dayExpr(QStringLiteral("r.created_at"), filter) : QStringLiteral("0"),
                 w.sql, kFinished),
        w.binds);
    // job_version_id → job key, resolved once per version.
    QHash<qint64, QString> jobOf;
    QMap<QPair<QString, qint64>, QList<qint64>> groups;
    QList<QPair<qint64, QPair<qint64, qint64>>> rows;
    while (q.next())
        rows.append(
            { q.value(0).toLongLong(), { q.value(1).toLongLong(), q.value(2).toLongLong() } });
    q.finish();
    for (const auto &row : std::as_const(rows)) {
        auto it = jobOf.find(row.first);
        if (it == jobOf.end()) {
            const QString key
                = Sql::scalar(db,
                              QStringLiteral("SELECT p.name || '/' || j.name FROM job_versions v "
                                             "JOIN jobs j ON j.id = v.job_id JOIN projects p ON "
                                             "p.id = j.project_id WHERE v.id = ?"),
                              { row.first })
                      .toString();
            it = jobOf.insert(row.first, key);
        }
        groups[{ *it, row.second.first }] << row.second.second;
    }
    QList<DurationStats> result;
    for (auto it = groups.begin(); it != groups.end(); ++it) {
        std::sort(it->begin(), it->end());
        DurationStats s;
        s.key = it.key().first;
        s.day = it.key().second;
        s.count = int(it->size());
        s.p50 = percentile(*it, 0.50);
        s.p95 = percentile(*it, 0.95);
        result << s;
    }
    if (!perDay)
        std::sort(result.begin(), result.end(), busiestFirst);
    return result;
}

QList<CountItem> DashboardQueries::failuresByJob(const QSqlDatabase &db,
                                                 const DashboardFilter &filter)
{
    if (usesRollups(filter)) {
        const Where w = rollupWhere(filter, QStringLiteral("f"));
        QSqlQuery q = Sql::exec(
            db,
            QStringLiteral("SELECT p.name || '/' || j.name, sum(c) FROM (SELECT f.job_version_id "
                           "AS v, sum(f.failures) AS c FROM task_failure_daily f %1 GROUP BY "
                           "f.job_version_id) x JOIN job_versions jv ON jv.id = x.v JOIN jobs j ON "
                           "j.id = jv.job_id JOIN projects p ON p.id = j.project_id GROUP BY j.id, "
                           "p.id HAVING sum(c) > 0")
                .arg(w.sql),
            w.binds);
        QList<CountItem> result;
        while (q.next())
            result << CountItem { q.value(0).toString(), q.value(1).toInt(), 0 };
        std::sort(result.begin(), result.end(), mostFirst);
        return result;
    }
    // Task runs that failed in the range (by when they ended), through their run's filters.
    Where w;
    w.add(QStringLiteral("t.finished_at >= ? AND t.finished_at < ? AND t.state IN %1").arg(kFailed),
          { filter.from, upper(filter) });
    if (!filter.project.isEmpty())
        w.add(QStringLiteral("r.project_id = (SELECT id FROM projects WHERE name = ?)"),
              { filter.project });
    if (!filter.environment.isEmpty())
        w.add(QStringLiteral("r.environment_id IN (SELECT id FROM environments WHERE name = ?)"),
              { filter.environment });
    QSqlQuery q = Sql::exec(
        db,
        QStringLiteral("SELECT p.name || '/' || j.name, sum(c) FROM (SELECT t.job_version_id AS "
                       "v, count(*) AS c FROM task_runs t JOIN runs r ON r.id = t.run_id %1 "
                       "GROUP BY t.job_version_id) x JOIN job_versions jv ON jv.id = x.v JOIN jobs "
                       "j ON j.id = jv.job_id JOIN projects p ON p.id = j.project_id GROUP BY "
                       "j.id, p.id")
            .arg(w.sql),
        w.binds);
    QList<CountItem> result;
    while (q.next())
        result << CountItem { q.value(0).toString(), q.value(1).toInt(), 0 };
    std::sort(result.begin(), result.end(), mostFirst);
    return result;
}

QList<CountItem> DashboardQueries::runsByEnvironment(const QSqlDatabase &db,
                                                     const DashboardFilter &filter)
{
    const bool rollup = usesRollups(filter);
    const Where w = rollup ? rollupWhere(filter, QStringLiteral("d")) : runsWhere(filter);
    const QString inner = rollup
        ? QStringLiteral("SELECT d.environment_id AS env, sum(d.runs) AS c, sum(CASE WHEN "
                         "d.state IN %1 THEN d.runs ELSE 0 END) AS f FROM run_daily d %2 GROUP "
                         "BY d.environment_id")
        : QStringLiteral("SELECT r.environment_id AS env, count(*) AS c, sum(CASE WHEN r.state "
                         "IN %1 THEN 1 ELSE 0 END) AS f FROM runs r %2 GROUP BY "
                         "r.environment_id");
    QSqlQuery q = Sql::exec(db,
                            QStringLiteral("SELECT COALESCE(e.name, ''), sum(c), sum(f) FROM (%1) "
                                           "x LEFT JOIN environments e ON e.id = env GROUP BY "
                                           "COALESCE(e.name, '') HAVING sum(c) > 0")
                                .arg(inner.arg(kFailed, w.sql)),
                            w.binds);
    QList<CountItem> result;
    while (q.next())
        result << CountItem { q.value(0).toString(), q.value(1).toInt(), q.value(2).toInt() };
    std::sort(result.begin(), result.end(), mostFirst);
    return result;
}

QList<CountItem> DashboardQueries::active(const QSqlDatabase &db, const DashboardFilter &filter)
{
    // Now, whatever the range: the runs_state index finds the few active runs.
    Where w;
    w.add(QStringLiteral("r.state IN %1").arg(kActive));
    if (!filter.project.isEmpty())
        w.add(QStringLiteral("r.project_id = (SELECT id FROM projects WHERE name = ?)"),
              { filter.project });
    if (!filter.environment.isEmpty())
        w.add(QStringLiteral("r.environment_id IN (SELECT id FROM environments WHERE name = ?)"),
              { filter.environment });
    // Grouped on the few active rows the runs_state index finds; `+` keeps SQLite from
    // walking the whole runs_pipeline index for the GROUP BY instead.
    QSqlQuery q = Sql::exec(db,
                            QStringLiteral("SELECT p.name || '/' || l.name, a.running, a.queued "
                                           "FROM (SELECT +r.pipeline_id AS pid, sum(CASE WHEN "
                                           "r.state <> 'queued' THEN 1 ELSE 0 END) AS running, "
                                           "sum(CASE WHEN r.state = 'queued' THEN 1 ELSE 0 END) "
                                           "AS queued FROM runs r %1 GROUP BY +r.pipeline_id) a "
                                           "JOIN pipelines l ON l.id = a.pid JOIN projects p ON "
                                           "p.id = l.project_id")
                                .arg(w.sql),
                            w.binds);
    QList<CountItem> result;
    while (q.next())
        result << CountItem { q.value(0).toString(), q.value(1).toInt(), q.value(2).toInt() };
    std::sort(result.begin(), result.end(), [](const CountItem &a, const CountItem &b) {
        const int ta = a.count + a.second, tb = b.count + b.second;
        return ta != tb ? ta > tb : a.key < b.key;
    });
    return result;
}

QList<LatenessStats> DashboardQueries::lateness(const QSqlDatabase &db,
                                                const DashboardFilter &filter)
{
    if (usesRollups(filter)) {
        const Where w = rollupWhere(filter, QStringLiteral("d"));
        QSqlQuery q = Sql::exec(db,
                                QStringLiteral("SELECT d.day, sum(d.late_runs), "
                                               "sum(d.late_sum_ms), max(d.late_max_ms) FROM "
                                               "run_daily d %1 GROUP BY d.day HAVING "
                                               "sum(d.late_runs) > 0 ORDER BY d.day")
                                    .arg(w.sql),
                                w.binds);
        QList<LatenessStats> result;
        while (q.next()) {
            LatenessStats l;
            l.day = q.value(0).toLongLong();
            l.runs = q.value(1).toInt();
            l.averageMs = qint64(std::llround(q.value(2).toDouble() / std::max(1, l.runs)));
            l.maxMs = q.value(3).toLongLong();
            result << l;
        }
        return result;
    }
    Where w = runsWhere(filter);
    // Scheduled runs only: a backfill's fire times are in the past on purpose.
    w.add(QStringLiteral("r.trigger = 'schedule' AND r.fire_time IS NOT NULL AND r.started_at IS "
                         "NOT NULL"));
    QSqlQuery q = Sql::exec(db,
                            QStringLiteral("SELECT %1 AS day, count(*), avg(CASE WHEN "
                                           "r.started_at > r.fire_time THEN r.started_at - "
                                           "r.fire_time ELSE 0 END), max(CASE WHEN r.started_at "
                                           "> r.fire_time THEN r.started_at - r.fire_time ELSE 0 "
                                           "END) FROM runs r %2 GROUP BY day ORDER BY day")
                                .arg(dayExpr(QStringLiteral("r.created_at"), filter), w.sql),
                            w.binds);
    QList<LatenessStats> result;
    while (q.next()) {
        LatenessStats l;
        l.day = q.value(0).toLongLong();
        l.runs = q.value(1).toInt();
        l.averageMs = qint64(std::llround(q.value(2).toDouble()));
        l.maxMs = q.value(3).toLongLong();
        result << l;
    }
    return result;
}

QList<RunBrief> DashboardQueries::runs(const QSqlDatabase &db, const RunsQuery &query)
{
    Where w;
    if (!query.runIds.isEmpty()) {
        QString ids;
        for (const qint64 id : query.runIds)
            ids += (ids.isEmpty() ? QString() : QStringLiteral(",")) + QString::number(id);
        w.add(QStringLiteral("r.id ") + SqlDialect::inJsonArray(db),
              { QLatin1Char('[') + ids + QLatin1Char(']') });
    } else if (query.activeOnly) {
        w.add(QStringLiteral("r.state IN %1").arg(kActive));
        if (!query.filter.project.isEmpty())
            w.add(QStringLiteral("r.project_id = (SELECT id FROM projects WHERE name = ?)"),
                  { query.filter.project });
        const QString env
            = query.environment.isEmpty() ? query.filter.environment : query.environment;
        if (!env.isEmpty())
            w.add(QStringLiteral("r.environment_id IN (SELECT id FROM environments WHERE name = "
                                 "?)"),
                  { env });
    } else {
        DashboardFilter f = query.filter;
        if (query.day != 0) {
            f.from = std::max(f.from, query.day);
            f.to = f.to > 0 ? std::min(f.to, query.day + kDayMs) : query.day + kDayMs;
        }
        w = runsWhere(f, query.environment);
    }
    if (!query.pipeline.isEmpty())
        w.add(QStringLiteral("r.pipeline_id = ?"), { pipelineId(db, query.pipeline) });
    if (!query.states.isEmpty()) {
        QStringList marks;
        for (const RunState s : query.states) {
            marks << QStringLiteral("?");
            w.binds << toString(s);
        }
        w.add(QStringLiteral("r.state IN (%1)").arg(marks.join(QStringLiteral(", "))));
    }
    if (query.scheduledOnly)
        w.add(QStringLiteral("r.trigger = 'schedule' AND r.fire_time IS NOT NULL"));
    if (!query.job.isEmpty()) {
        w.add(QStringLiteral("r.id IN (SELECT t.run_id FROM task_runs t JOIN job_versions v ON "
                             "v.id = t.job_version_id JOIN jobs j ON j.id = v.job_id JOIN "
                             "projects p ON p.id = j.project_id WHERE p.name || '/' || j.name = "
                             "? AND t.state IN %1)")
                  .arg(kFailed),
              { query.job });
    }
    QSqlQuery q = Sql::exec(db,
                            QStringLiteral("SELECT r.id, p.name, l.name, COALESCE(e.name, ''), "
                                           "r.state, r.created_at, COALESCE(r.active_ms, 0) "
                                           "FROM runs r JOIN projects p ON p.id "
                                           "= r.project_id JOIN pipelines l ON l.id = "
                                           "r.pipeline_id LEFT JOIN environments e ON e.id = "
                                           "r.environment_id %1 ORDER BY r.id DESC LIMIT ?")
                                .arg(w.sql),
                            w.binds + QVariantList { query.limit });
    QList<RunBrief> result;
    while (q.next()) {
        RunBrief b;
        b.id = q.value(0).toLongLong();
        b.project = q.value(1).toString();
        b.pipeline = q.value(2).toString();
        b.environment = q.value(3).toString();
        b.state = parseRunState(q.value(4).toString(), b.id);
        b.createdAt = q.value(5).toLongLong();
        b.durationMs = q.value(6).toLongLong();
        result << b;
    }
    return result;
}

OperationsSnapshot DashboardQueries::operations(const QSqlDatabase &db,
                                                const DashboardFilter &filter)
{
    QElapsedTimer clock;
    clock.start();
    OperationsSnapshot s;
    s.filter = filter;
    s.days = days(db, filter);
    s.pipelineDurations = pipelineDurations(db, filter);
    s.detailedPipeline = filter.pipeline;
    if (s.detailedPipeline.isEmpty() && !s.pipelineDurations.isEmpty())
        s.detailedPipeline = s.pipelineDurations.first().key;
    if (!s.detailedPipeline.isEmpty()) {
        s.pipelineTrend = pipelineTrend(db, filter, s.detailedPipeline);
        s.jobDurations = jobDurations(db, filter, s.detailedPipeline, false);
        s.jobTrend = jobDurations(db, filter, s.detailedPipeline, true);
    }
    s.failuresByJob = failuresByJob(db, filter);
    s.runsByEnvironment = runsByEnvironment(db, filter);
    s.active = active(db, filter);
    for (const CountItem &a : std::as_const(s.active)) {
        s.running += a.count;
        s.queued += a.second;
    }
    s.lateness = lateness(db, filter);
    s.projects = strings(db, QStringLiteral("SELECT name FROM projects ORDER BY name"));
    s.environments = strings(db,
                             QStringLiteral("SELECT name FROM environments WHERE archived_at IS "
                                            "NULL GROUP BY name ORDER BY min(position), name"));
    s.pipelines = strings(db,
                          QStringLiteral("SELECT p.name || '/' || l.name FROM pipelines l JOIN "
                                         "projects p ON p.id = l.project_id WHERE l.archived_at "
                                         "IS NULL ORDER BY 1"));
    s.takenAt = QDateTime::currentMSecsSinceEpoch();
    s.costUs = clock.nsecsElapsed() / 1000;
    return s;
}

} // namespace Baton
