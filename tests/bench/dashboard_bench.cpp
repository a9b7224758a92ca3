// Dashboard benchmark (issues #8, #19): a real workspace with 1,000,000 runs, 3,000,000 task
// runs and 5,000,000 metric values over a year, on SQLite and on PostgreSQL 15 (a server the
// bench starts itself), then the time of every dashboard query (target ≤ 100 ms each) and of a
// full refresh of the Dashboards mode, with the longest stall of the GUI thread while it
// happens; the two backends side by side at the end.
//
//   cmake --build --preset default --target dashboard_bench
//   build/tests/bench/dashboard_bench [--backend sqlite|postgresql|both] [--runs N]
//                                     [--metrics N] [--keep DIR]
#include "bench/benchpgserver.h"
#include "core/testspecs.h"
#include "dashboards/dashboardsmode.h"
#include "monitoring/alertrules.h"
#include "monitoring/dashboardqueries.h"
#include "monitoring/metricseries.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/storebackend.h"
#include "store/storelocation.h"
#include "store/workspace.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTimer>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <libpq-fe.h>
#include <random>
#include <sqlite3.h>
#include <tuple>

using namespace Baton;

namespace {

constexpr qint64 kDay = 24 * 3600 * 1000;
constexpr int kProjects = 4;
constexpr int kPipelinesPerProject = 5;
constexpr int kTasksPerPipeline = 3;
const char *const kMetricNames[]
    = { "rows_loaded", "false_positive_rate", "auc", "precision", "recall" };

void check(int rc, sqlite3 *db, const char *what)
{
    if (rc != SQLITE_OK && rc != SQLITE_DONE && rc != SQLITE_ROW) {
        std::fprintf(stderr, "sqlite error in %s: %s\n", what, sqlite3_errmsg(db));
        std::exit(1);
    }
}

ProjectSpec project(int p)
{
    ProjectSpec spec;
    spec.name = QStringLiteral("project%1").arg(p);
    spec.environments = defaultEnvironments();
    for (int l = 0; l < kPipelinesPerProject; ++l) {
        PipelineSpec pipeline;
        pipeline.name = QStringLiteral("pipeline%1").arg(l);
        QString previous;
        for (int t = 0; t < kTasksPerPipeline; ++t) {
            const QString job = QStringLiteral("job%1_%2").arg(l).arg(t);
            spec.jobs << Test::job(job, QStringLiteral("true"));
            pipeline.tasks << Test::task(
                job, previous.isEmpty() ? QStringList() : QStringList { previous });
            previous = job;
        }
        spec.pipelines << pipeline;
    }
    return spec;
}

struct PipelineIds
{
    qint64 project, pipeline, version;
    QList<qint64> jobVersions;
    QList<QString> tasks;
};

double median(QList<double> v)
{
    std::sort(v.begin(), v.end());
    return v.at(v.size() / 2);
}

/// The catalog the history refers to, made through Baton itself: 4 projects × 5 pipelines ×
/// 3 jobs, 2 versions each.
struct CatalogIds
{
    QList<PipelineIds> pipelines;
    QList<QList<qint64>> newVersions; // the second job versions, per pipeline
    QList<qint64> environments; // per project: dev, staging, preprod, prod
};

CatalogIds makeCatalog(Workspace &ws)
{
    CatalogIds c;
    QList<ProjectSpec> specs;
    for (int p = 0; p < kProjects; ++p)
        specs << project(p);
    ProjectWriter::apply(ws.store(), specs, QStringLiteral("bench"));
    for (ProjectSpec &s : specs) {
        for (JobSpec &j : s.jobs)
            j.command = QStringLiteral("true # v2");
    }
    ProjectWriter::apply(ws.store(), specs, QStringLiteral("bench"));
    const QSqlDatabase db = ws.store().db();
    QSqlQuery q = Sql::exec(db,
                            QStringLiteral("SELECT l.project_id, l.id, (SELECT min(id) FROM "
                                           "pipeline_versions WHERE pipeline_id = "
                                           "l.id) FROM pipelines l ORDER BY l.id"));
    while (q.next())
        c.pipelines << PipelineIds {
            q.value(0).toLongLong(), q.value(1).toLongLong(), q.value(2).toLongLong(), {}, {}
        };
    for (PipelineIds &p : c.pipelines) {
        QSqlQuery t = Sql::exec(db,
                                QStringLiteral("SELECT name, job_version_id, job_id FROM "
                                               "pipeline_tasks WHERE pipeline_version_id = ? "
                                               "ORDER BY position"),
                                { p.version });
        // Read whole before the next statement: a forward-only QPSQL result is streamed, and
        // another statement on the connection would discard the rest of it.
        QList<qint64> jobs;
        while (t.next()) {
            p.tasks << t.value(0).toString();
            p.jobVersions << t.value(1).toLongLong();
            jobs << t.value(2).toLongLong();
        }
        t.finish();
        QList<qint64> later;
        for (const qint64 job : jobs)
            later << Sql::scalar(db,
                                 QStringLiteral("SELECT max(id) FROM job_versions WHERE "
                                                "job_id = ?"),
                                 { job })
                         .toLongLong();
        c.newVersions << later;
    }
    QSqlQuery e = Sql::exec(
        db, QStringLiteral("SELECT id FROM environments ORDER BY project_id, position"));
    while (e.next())
        c.environments << e.value(0).toLongLong();
    return c;
}

/// Where generated rows go (SQLite statements, PostgreSQL COPY). -1 stands for NULL.
struct RowSink
{
    virtual ~RowSink() = default;
    virtual void run(qint64 id, qint64 project, qint64 pipeline, qint64 version, qint64 env,
                     const char *state, bool scheduled, qint64 fireTime, qint64 created,
                     qint64 started, qint64 finished)
        = 0;
    virtual void task(qint64 run, const QByteArray &name, qint64 jobVersion, const char *state,
                      qint64 started, qint64 finished)
        = 0;
    virtual void metric(qint64 run, qint64 jobVersion, qint64 env, const char *name, double value,
                        qint64 at)
        = 0;
};

/// A year of history, the same for every sink (fixed seed): runs in every state, three task
/// runs each, metric values whose false-positive rate rises with the mid-year version.
void generate(const CatalogIds &c, qint64 runCount, qint64 metricCount, qint64 start, RowSink &sink,
              const QElapsedTimer &clock)
{
    std::mt19937_64 rng(42);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    std::normal_distribution<double> normal(0.0, 1.0);
    const double metricsPerRun = double(metricCount) / double(std::max<qint64>(1, runCount));
    double metricDebt = 0.0;
    for (qint64 i = 0; i < runCount; ++i) {
        const int pi = int(i % c.pipelines.size());
        const PipelineIds &p = c.pipelines.at(pi);
        const qint64 created = start + qint64(double(i) / double(runCount) * 365.0 * kDay);
        const bool secondHalf = created > start + 180 * kDay; // v2 deployed mid-year
        const double r = uniform(rng);
        const int envIndex = r < 0.5 ? 3 : (r < 0.7 ? 0 : (r < 0.85 ? 1 : 2));
        const qint64 env = c.environments.at(int(p.project - 1) * 4 + envIndex);
        const bool active = i >= runCount - 30;
        const double s = uniform(rng);
        const char *state = active ? (i % 3 == 0 ? "queued" : "running")
            : s < 0.93             ? "succeeded"
            : s < 0.98             ? "failed"
            : s < 0.99             ? "timed_out"
                                   : "cancelled";
        const bool scheduled = uniform(rng) < 0.6;
        const qint64 lateness = qint64(std::exp(7.0 + normal(rng)));
        const qint64 startedAt = created + (scheduled ? lateness : 200);
        const qint64 duration = qint64((20000.0 + 4000.0 * pi) * std::exp(0.35 * normal(rng)));
        const bool started = std::strcmp(state, "queued") != 0;
        const bool finished = !active;
        sink.run(i + 1, p.project, p.pipeline, p.version, env, state, scheduled,
                 scheduled ? created : -1, created, started ? startedAt : -1,
                 finished ? startedAt + duration : -1);
        const int failing
            = std::strcmp(state, "failed") == 0 || std::strcmp(state, "timed_out") == 0
            ? int(i % kTasksPerPipeline)
            : -1;
        qint64 t0 = startedAt;
        for (int t = 0; t < kTasksPerPipeline; ++t) {
            const qint64 part = duration / kTasksPerPipeline;
            const char *taskState = !finished ? "running"
                : failing == t ? (std::strcmp(state, "failed") == 0 ? "failed" : "timed_out")
                : failing >= 0 && t > failing          ? "upstream_failed"
                : std::strcmp(state, "cancelled") == 0 ? "cancelled"
                                                       : "succeeded";
            sink.task(i + 1, p.tasks.at(t).toUtf8(),
                      secondHalf ? c.newVersions.at(pi).at(t) : p.jobVersions.at(t), taskState, t0,
                      finished ? t0 + part : -1);
            t0 += part;
        }
        metricDebt += metricsPerRun;
        const qint64 jobVersion = secondHalf ? c.newVersions.at(pi).last() : p.jobVersions.last();
        for (int m = 0; metricDebt >= 1.0; ++m, metricDebt -= 1.0) {
            const int n = m % 5;
            const double value = n == 0 ? 10000 + 500 * normal(rng)
                : n == 1                ? (secondHalf ? 0.12 : 0.08) + 0.01 * normal(rng)
                                        : 0.8 + 0.02 * normal(rng);
            sink.metric(i + 1, jobVersion, env, kMetricNames[n], value, startedAt + duration);
        }
        if (i % 250000 == 249999) {
            std::printf("  %lld runs (%.0f s)\n", i + 1, clock.elapsed() / 1000.0);
            std::fflush(stdout);
        }
    }
}

class SqliteSink : public RowSink
{
public:
    explicit SqliteSink(const QString &file)
    {
        check(sqlite3_open(qPrintable(file), &m_db), m_db, "open");
        check(sqlite3_exec(m_db,
                           "PRAGMA synchronous = OFF; BEGIN; DROP INDEX metrics_series; DROP "
                           "INDEX metrics_run;",
                           nullptr, nullptr, nullptr),
              m_db, "begin");
        check(sqlite3_prepare_v2(m_db,
                                 "INSERT INTO runs (id, project_id, pipeline_id, "
                                 "pipeline_version_id, environment_id, state, trigger, fire_time, "
                                 "created_at, started_at, finished_at) VALUES "
                                 "(?,?,?,?,?,?,?,?,?,?,?)",
                                 -1, &m_run, nullptr),
              m_db, "prepare runs");
        check(sqlite3_prepare_v2(m_db,
                                 "INSERT INTO task_runs (run_id, task_name, job_version_id, state, "
                                 "attempts, started_at, finished_at) VALUES (?,?,?,?,1,?,?)",
                                 -1, &m_task, nullptr),
              m_db, "prepare tasks");
        check(sqlite3_prepare_v2(m_db,
                                 "INSERT INTO metrics (run_id, job_version_id, environment_id, "
                                 "name, value, recorded_at) VALUES (?,?,?,?,?,?)",
                                 -1, &m_metric, nullptr),
              m_db, "prepare metrics");
    }
    void finish()
    {
        sqlite3_finalize(m_run);
        sqlite3_finalize(m_task);
        sqlite3_finalize(m_metric);
        std::printf("  rebuilding the metrics indexes ...\n");
        std::fflush(stdout);
        check(sqlite3_exec(m_db,
                           "CREATE INDEX metrics_series ON metrics (name, environment_id, "
                           "recorded_at, job_version_id, value, run_id);"
                           "CREATE INDEX metrics_run ON metrics (run_id); COMMIT; ANALYZE;",
                           nullptr, nullptr, nullptr),
              m_db, "commit");
        sqlite3_close(m_db);
    }
    void run(qint64 id, qint64 project, qint64 pipeline, qint64 version, qint64 env,
             const char *state, bool scheduled, qint64 fireTime, qint64 created, qint64 started,
             qint64 finished) override
    {
        const qint64 values[] = { id, project, pipeline, version, env };
        for (int k = 0; k < 5; ++k)
            sqlite3_bind_int64(m_run, k + 1, values[k]);
        sqlite3_bind_text(m_run, 6, state, -1, SQLITE_STATIC);
        sqlite3_bind_text(m_run, 7, scheduled ? "schedule" : "manual", -1, SQLITE_STATIC);
        bindNullable(m_run, 8, fireTime);
        sqlite3_bind_int64(m_run, 9, created);
        bindNullable(m_run, 10, started);
        bindNullable(m_run, 11, finished);
        step(m_run, "insert run");
    }
    void task(qint64 run, const QByteArray &name, qint64 jobVersion, const char *state,
              qint64 started, qint64 finished) override
    {
        sqlite3_bind_int64(m_task, 1, run);
        sqlite3_bind_text(m_task, 2, name.constData(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(m_task, 3, jobVersion);
        sqlite3_bind_text(m_task, 4, state, -1, SQLITE_STATIC);
        sqlite3_bind_int64(m_task, 5, started);
        bindNullable(m_task, 6, finished);
        step(m_task, "insert task");
    }
    void metric(qint64 run, qint64 jobVersion, qint64 env, const char *name, double value,
                qint64 at) override
    {
        sqlite3_bind_int64(m_metric, 1, run);
        sqlite3_bind_int64(m_metric, 2, jobVersion);
        sqlite3_bind_int64(m_metric, 3, env);
        sqlite3_bind_text(m_metric, 4, name, -1, SQLITE_STATIC);
        sqlite3_bind_double(m_metric, 5, value);
        sqlite3_bind_int64(m_metric, 6, at);
        step(m_metric, "insert metric");
    }

private:
    static void bindNullable(sqlite3_stmt *s, int i, qint64 v)
    {
        if (v < 0)
            sqlite3_bind_null(s, i);
        else
            sqlite3_bind_int64(s, i, v);
    }
    void step(sqlite3_stmt *s, const char *what)
    {
        check(sqlite3_step(s), m_db, what);
        sqlite3_reset(s);
    }
    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_run = nullptr, *m_task = nullptr, *m_metric = nullptr;
};

/// One table through PostgreSQL's COPY (libpq, text format): a COPY holds its connection, so
/// the history is generated once per table (the same rows: the seed is fixed), runs first for
/// the foreign keys. The rollup triggers fire on every row, as on the engine's inserts.
class PostgresCopySink : public RowSink
{
public:
    enum class Table { Runs, Tasks, Metrics };
    PostgresCopySink(PGconn *conn, Table table)
        : m_conn(conn)
        , m_table(table)
    {
        const char *sql = table == Table::Runs
            ? "COPY baton.runs (id, project_id, pipeline_id, pipeline_version_id, environment_id, "
              "state, trigger, fire_time, created_at, started_at, finished_at) FROM STDIN"
            : table == Table::Tasks ? "COPY baton.task_runs (run_id, task_name, job_version_id, "
                                      "state, attempts, started_at, finished_at) FROM STDIN"
                                    : "COPY baton.metrics (run_id, job_version_id, environment_id, "
                                      "name, value, recorded_at) FROM STDIN";
        PGresult *res = PQexec(m_conn, sql);
        if (PQresultStatus(res) != PGRES_COPY_IN)
            fail("COPY", PQerrorMessage(m_conn));
        PQclear(res);
    }
    void finish()
    {
        flush();
        if (PQputCopyEnd(m_conn, nullptr) != 1)
            fail("COPY end", PQerrorMessage(m_conn));
        PGresult *res = PQgetResult(m_conn);
        if (PQresultStatus(res) != PGRES_COMMAND_OK)
            fail("COPY", PQresultErrorMessage(res));
        PQclear(res);
        while ((res = PQgetResult(m_conn)))
            PQclear(res);
    }
    void run(qint64 id, qint64 project, qint64 pipeline, qint64 version, qint64 env,
             const char *state, bool scheduled, qint64 fireTime, qint64 created, qint64 started,
             qint64 finished) override
    {
        if (m_table != Table::Runs)
            return;
        m_buffer += QByteArray::number(id) + '\t' + QByteArray::number(project) + '\t'
            + QByteArray::number(pipeline) + '\t' + QByteArray::number(version) + '\t'
            + QByteArray::number(env) + '\t' + state + '\t' + (scheduled ? "schedule" : "manual")
            + '\t' + nullable(fireTime) + '\t' + QByteArray::number(created) + '\t'
            + nullable(started) + '\t' + nullable(finished) + '\n';
        maybeFlush();
    }
    void task(qint64 run, const QByteArray &name, qint64 jobVersion, const char *state,
              qint64 started, qint64 finished) override
    {
        if (m_table != Table::Tasks)
            return;
        m_buffer += QByteArray::number(run) + '\t' + name + '\t' + QByteArray::number(jobVersion)
            + '\t' + state + "\t1\t" + QByteArray::number(started) + '\t' + nullable(finished)
            + '\n';
        maybeFlush();
    }
    void metric(qint64 run, qint64 jobVersion, qint64 env, const char *name, double value,
                qint64 at) override
    {
        if (m_table != Table::Metrics)
            return;
        m_buffer += QByteArray::number(run) + '\t' + QByteArray::number(jobVersion) + '\t'
            + QByteArray::number(env) + '\t' + name + '\t' + QByteArray::number(value, 'g', 17)
            + '\t' + QByteArray::number(at) + '\n';
        maybeFlush();
    }

private:
    static QByteArray nullable(qint64 v)
    {
        return v < 0 ? QByteArray("\\N") : QByteArray::number(v);
    }
    [[noreturn]] static void fail(const char *what, const char *error)
    {
        std::fprintf(stderr, "postgresql error in %s: %s\n", what, error);
        std::exit(1);
    }
    void maybeFlush()
    {
        if (m_buffer.size() >= 1 << 20)
            flush();
    }
    void flush()
    {
        if (!m_buffer.isEmpty()
            && PQputCopyData(m_conn, m_buffer.constData(), int(m_buffer.size())) != 1)
            fail("COPY data", PQerrorMessage(m_conn));
        m_buffer.clear();
    }
    PGconn *m_conn;
    Table m_table;
    QByteArray m_buffer;
};

void pgExec(PGconn *conn, const char *sql)
{
    PGresult *res = PQexec(conn, sql);
    if (PQresultStatus(res) != PGRES_COMMAND_OK && PQresultStatus(res) != PGRES_TUPLES_OK) {
        std::fprintf(stderr, "postgresql error in %s: %s\n", sql, PQresultErrorMessage(res));
        std::exit(1);
    }
    PQclear(res);
}

/// What one backend measured, for the side-by-side table at the end.
struct Measured
{
    QList<std::pair<QString, double>> queries; // "name (days)" → median ms
    double opened = 0, refreshed = 0;
    qint64 stallOpen = 0, stallRefresh = 0;
};

/// Every dashboard query on the default range (30 days) and on a whole year, the whole
/// snapshots, then the Dashboards mode opening and refreshing while a 5 ms timer measures the
/// GUI thread.
Measured measure(Workspace &ws, qint64 now, int &over)
{
    Measured out;
    const QSqlDatabase db = ws.store().db();
    const qint64 counted
        = Sql::scalar(db, QStringLiteral("SELECT count(*) FROM runs")).toLongLong();
    const qint64 metricsCounted
        = Sql::scalar(db, QStringLiteral("SELECT count(*) FROM metrics")).toLongLong();
    std::printf("workspace %s: %lld runs, %lld metric values\n\n", qPrintable(ws.address()),
                counted, metricsCounted);
    for (const int days : { 30, 365 }) {
        DashboardFilter f;
        f.utcOffsetSeconds = QDateTime::currentDateTime().offsetFromUtc();
        f.from = now - days * kDay;
        const QString busiest = QStringLiteral("project0/pipeline0");
        MetricQuery mq;
        mq.project = QStringLiteral("project0");
        mq.environment = QStringLiteral("prod");
        mq.metric = QStringLiteral("false_positive_rate");
        mq.from = f.from;
        RunsQuery drill;
        drill.filter = f;
        drill.day = DashboardQueries::dayStart(now - 2 * kDay, f.utcOffsetSeconds);
        const QList<std::pair<const char *, std::function<int()>>> queries = {
            { "success rate per day",
              [&] {
                  return int(DashboardQueries::days(db, f).size());
              } },
            { "duration p50/p95 per pipeline",
              [&] {
                  return int(DashboardQueries::pipelineDurations(db, f).size());
              } },
            { "duration trend of a pipeline",
              [&] {
                  return int(DashboardQueries::pipelineTrend(db, f, busiest).size());
              } },
            { "duration p50/p95 per job",
              [&] {
                  return int(DashboardQueries::jobDurations(db, f, busiest, false).size());
              } },
            { "duration trend per job",
              [&] {
                  return int(DashboardQueries::jobDurations(db, f, busiest, true).size());
              } },
            { "failures by job",
              [&] {
                  return int(DashboardQueries::failuresByJob(db, f).size());
              } },
            { "runs per environment",
              [&] {
                  return int(DashboardQueries::runsByEnvironment(db, f).size());
              } },
            { "running and queued now",
              [&] {
                  return int(DashboardQueries::active(db, f).size());
              } },
            { "schedule lateness",
              [&] {
                  return int(DashboardQueries::lateness(db, f).size());
              } },
            { "runs behind a day (drill-down)",
              [&] {
                  return int(DashboardQueries::runs(db, drill).size());
              } },
            { "metric names of an environment",
              [&] {
                  return int(MetricSeries::names(db, mq.project, mq.environment).size());
              } },
            { "metric series (one env)",
              [&] {
                  return int(MetricSeries::points(db, mq).size());
              } },
            { "alert list",
              [&] {
                  return int(AlertRules::firings(db, false).size());
              } },
        };
        std::printf(
            "range: last %d days                      ms (median of 5)   rows   target 100 ms\n",
            days);
        for (const auto &[name, query] : queries) {
            QList<double> times;
            int rows = 0;
            for (int k = 0; k < 5; ++k) {
                QElapsedTimer t;
                t.start();
                rows = query();
                times << t.nsecsElapsed() / 1e6;
            }
            const double ms = median(times);
            over += ms > 100.0 ? 1 : 0;
            out.queries << std::pair {
                QStringLiteral("%1 (%2 d)").arg(QLatin1String(name)).arg(days), ms
            };
            std::printf("  %-36s %8.1f %14d   %s (%.2f× the target)\n", name, ms, rows,
                        ms <= 100.0 ? "ok  " : "OVER", ms / 100.0);
        }
        QElapsedTimer t;
        t.start();
        const OperationsSnapshot ops = DashboardQueries::operations(db, f);
        const double opsMs = t.nsecsElapsed() / 1e6;
        t.restart();
        const MetricSnapshot ms = MetricSeries::snapshot(db, mq);
        const double metricsMs = t.nsecsElapsed() / 1e6;
        std::printf("  whole Operations snapshot           %8.1f ms (%lld days)\n", opsMs,
                    qint64(ops.days.size()));
        std::printf("  whole Metrics snapshot              %8.1f ms (%lld points)\n\n", metricsMs,
                    qint64(ms.points.size()));
    }

    // The Dashboards mode: opening it (first snapshots), then a full refresh. The GUI thread
    // keeps ticking while the worker reads; the longest gap between 5 ms ticks is the stall a
    // user would feel.
    {
        Ui::DashboardsMode mode(&ws, nullptr, 3600000);
        mode.resize(1400, 900);
        mode.show();
        qint64 longest = 0;
        QElapsedTimer gap;
        QTimer ticker;
        QObject::connect(&ticker, &QTimer::timeout,
                         [&] { longest = std::max(longest, gap.restart()); });
        int operations = 0, metrics = 0;
        QObject::connect(&mode, &Ui::DashboardsMode::operationsApplied, [&] { ++operations; });
        QObject::connect(&mode, &Ui::DashboardsMode::metricsApplied, [&] { ++metrics; });
        const auto measure = [&](const char *what, int target) {
            QElapsedTimer total;
            total.start();
            gap.start();
            longest = 0;
            ticker.start(5);
            while (!(operations >= target && metrics >= target) && total.elapsed() < 120000)
                QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
            ticker.stop();
            std::printf("%s: %.0f ms until drawn; longest GUI thread stall %lld ms\n", what,
                        total.nsecsElapsed() / 1e6, longest);
            return std::pair { total.nsecsElapsed() / 1e6, longest };
        };
        std::tie(out.opened, out.stallOpen)
            = measure("Dashboards mode opened (default 30 days)", 1);
        mode.refreshNow();
        std::tie(out.refreshed, out.stallRefresh)
            = measure("full Dashboards refresh (live update)  ", 2);
    }
    return out;
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM",
            qgetenv("QT_QPA_PLATFORM").isEmpty() ? "offscreen" : qgetenv("QT_QPA_PLATFORM"));
    QApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOption({ QStringLiteral("runs"), QStringLiteral("Runs to generate."),
                       QStringLiteral("N"), QStringLiteral("1000000") });
    parser.addOption({ QStringLiteral("metrics"), QStringLiteral("Metric values to generate."),
                       QStringLiteral("N"), QStringLiteral("5000000") });
    parser.addOption({ QStringLiteral("keep"),
                       QStringLiteral("Build the SQLite workspace in DIR and keep it."),
                       QStringLiteral("DIR") });
    parser.addOption(Bench::backendOption());
    parser.process(app);
    const qint64 runCount = parser.value(QStringLiteral("runs")).toLongLong();
    const qint64 metricCount = parser.value(QStringLiteral("metrics")).toLongLong();
    const QString backend = Bench::backend(parser);
    if (backend.isEmpty())
        return 2;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 start = now - 365 * kDay;
    QList<std::pair<QString, Measured>> results;
    int over = 0;

    if (backend != QLatin1String("postgresql")) {
        QTemporaryDir tmp;
        const QString dir = parser.isSet(QStringLiteral("keep"))
            ? parser.value(QStringLiteral("keep"))
            : tmp.filePath(QStringLiteral("ws"));
        const bool reuse = QFileInfo::exists(dir + QStringLiteral("/baton.db"));
        if (reuse)
            std::printf("reusing the workspace in %s\n", qPrintable(dir));
        QElapsedTimer clock;
        clock.start();
        if (!reuse) {
            CatalogIds catalog;
            {
                Workspace ws(dir, Workspace::Mode::CreateIfMissing);
                catalog = makeCatalog(ws);
            }
            // History straight through SQLite's C API: one transaction, prepared statements.
            std::printf("SQLite: generating %lld runs, %lld task runs and %lld metric values in "
                        "%s ...\n",
                        runCount, runCount * kTasksPerPipeline, metricCount, qPrintable(dir));
            std::fflush(stdout);
            SqliteSink sink(dir + QStringLiteral("/baton.db"));
            generate(catalog, runCount, metricCount, start, sink, clock);
            sink.finish();
            std::printf("generated in %.1f s\n\n", clock.elapsed() / 1000.0);
        }
        Workspace ws(dir, Workspace::Mode::MustExist);
        results << std::pair { QStringLiteral("SQLite"), measure(ws, now, over) };
    }

    if (backend != QLatin1String("sqlite")) {
        // A local PostgreSQL 15 server of the bench's own, as shipped but for fsync=off (its
        // data is thrown away; reads do not sync).
        const Bench::PgServer pg;
        if (pg.url().isEmpty())
            return 1;
        const QString server = pg.url();
        {
            PGconn *admin = PQconnectdb(
                StoreLocation::parse(server + QStringLiteral("/postgres")).conninfo().toUtf8());
            if (PQstatus(admin) != CONNECTION_OK) {
                std::fprintf(stderr, "cannot connect: %s\n", PQerrorMessage(admin));
                return 1;
            }
            pgExec(admin, "CREATE DATABASE baton_bench");
            PQfinish(admin);
        }
        const QString url = server + QStringLiteral("/baton_bench");
        QElapsedTimer clock;
        clock.start();
        {
            Workspace ws(url, Workspace::Mode::CreateIfMissing);
            const CatalogIds catalog = makeCatalog(ws);
            std::printf("PostgreSQL: generating %lld runs, %lld task runs and %lld metric values "
                        "in %s (COPY, one pass per table) ...\n",
                        runCount, runCount * kTasksPerPipeline, metricCount, qPrintable(url));
            std::fflush(stdout);
            PGconn *conn = PQconnectdb(StoreLocation::parse(url).conninfo().toUtf8());
            if (PQstatus(conn) != CONNECTION_OK) {
                std::fprintf(stderr, "cannot connect: %s\n", PQerrorMessage(conn));
                return 1;
            }
            pgExec(conn, "DROP INDEX baton.metrics_series; DROP INDEX baton.metrics_run");
            for (const auto table : { PostgresCopySink::Table::Runs, PostgresCopySink::Table::Tasks,
                                      PostgresCopySink::Table::Metrics }) {
                PostgresCopySink sink(conn, table);
                generate(catalog, runCount, metricCount, start, sink, clock);
                sink.finish();
            }
            std::printf("  rebuilding the metrics indexes ...\n");
            std::fflush(stdout);
            pgExec(conn,
                   "CREATE INDEX metrics_run ON baton.metrics (run_id); CREATE INDEX "
                   "metrics_series ON baton.metrics (name, environment_id, recorded_at, "
                   "job_version_id, value, run_id)");
            pgExec(conn, "VACUUM ANALYZE");
            PQfinish(conn);
            ws.store().backend().afterExplicitIds(ws.store().db(), QStringLiteral("runs"));
            std::printf("generated in %.1f s\n\n", clock.elapsed() / 1000.0);
        }
        Workspace ws(url, Workspace::Mode::MustExist);
        results << std::pair { QStringLiteral("PostgreSQL"), measure(ws, now, over) };
    }

    if (results.size() == 2) {
        const Measured &a = results.at(0).second;
        const Measured &b = results.at(1).second;
        std::printf("\nside by side (ms, median of 5)           SQLite  PostgreSQL   ratio\n");
        for (int i = 0; i < a.queries.size() && i < b.queries.size(); ++i)
            std::printf("  %-40s %8.1f %10.1f %7.2f×\n", qPrintable(a.queries.at(i).first),
                        a.queries.at(i).second, b.queries.at(i).second,
                        b.queries.at(i).second / std::max(0.01, a.queries.at(i).second));
        std::printf("  %-40s %8.0f %10.0f\n", "Dashboards mode opened", a.opened, b.opened);
        std::printf("  %-40s %8.0f %10.0f\n", "full refresh", a.refreshed, b.refreshed);
        std::printf("  %-40s %8lld %10lld\n", "longest GUI stall",
                    std::max(a.stallOpen, a.stallRefresh), std::max(b.stallOpen, b.stallRefresh));
    }
    std::printf("%d query timing(s) over 100 ms\n", over);
    return over == 0 ? 0 : 3;
}
