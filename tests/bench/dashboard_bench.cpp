// Dashboard benchmark (issue #8): a real SQLite workspace with 1,000,000 runs, 3,000,000 task
// runs and 5,000,000 metric values over a year, then the time of every dashboard query (target
// ≤ 100 ms each) and of a full refresh of the Dashboards mode, with the longest stall of the GUI
// thread while it happens.
//
//   cmake --build --preset default --target dashboard_bench
//   build/tests/bench/dashboard_bench [--runs N] [--metrics N] [--keep DIR]
#include "core/testspecs.h"
#include "dashboards/dashboardsmode.h"
#include "monitoring/alertrules.h"
#include "monitoring/dashboardqueries.h"
#include "monitoring/metricseries.h"
#include "store/projectwriter.h"
#include "store/sql.h"
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
#include <random>
#include <sqlite3.h>

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
                       QStringLiteral("Build the workspace in DIR and keep it."),
                       QStringLiteral("DIR") });
    parser.process(app);
    const qint64 runCount = parser.value(QStringLiteral("runs")).toLongLong();
    const qint64 metricCount = parser.value(QStringLiteral("metrics")).toLongLong();
    QTemporaryDir tmp;
    const QString dir = parser.isSet(QStringLiteral("keep")) ? parser.value(QStringLiteral("keep"))
                                                             : tmp.filePath(QStringLiteral("ws"));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 start = now - 365 * kDay;

    const bool reuse = QFileInfo::exists(dir + QStringLiteral("/baton.db"));
    if (reuse)
        std::printf("reusing the workspace in %s\n", qPrintable(dir));
    QElapsedTimer clock;
    clock.start();
    if (!reuse) {
        // 1. The catalog, through Baton itself: 4 projects × 5 pipelines × 3 jobs, 2 versions each.
        QList<PipelineIds> pipelines;
        QList<QList<qint64>> newVersions; // the second job versions, per pipeline
        QList<qint64> environments; // per project: dev, staging, preprod, prod
        {
            Workspace ws(dir, Workspace::Mode::CreateIfMissing);
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
            QSqlQuery q
                = Sql::exec(db,
                            QStringLiteral("SELECT l.project_id, l.id, (SELECT min(id) FROM "
                                           "pipeline_versions WHERE pipeline_id = "
                                           "l.id) FROM pipelines l ORDER BY l.id"));
            while (q.next())
                pipelines << PipelineIds { q.value(0).toLongLong(),
                                           q.value(1).toLongLong(),
                                           q.value(2).toLongLong(),
                                           {},
                                           {} };
            for (PipelineIds &p : pipelines) {
                QSqlQuery t
                    = Sql::exec(db,
                                QStringLiteral("SELECT name, job_version_id, job_id FROM "
                                               "pipeline_tasks WHERE pipeline_version_id = ? "
                                               "ORDER BY position"),
                                { p.version });
                QList<qint64> later;
                while (t.next()) {
                    p.tasks << t.value(0).toString();
                    p.jobVersions << t.value(1).toLongLong();
                    later << Sql::scalar(db,
                                         QStringLiteral(
                                             "SELECT max(id) FROM job_versions WHERE job_id = ?"),
                                         { t.value(2) })
                                 .toLongLong();
                }
                newVersions << later;
            }
            QSqlQuery e = Sql::exec(
                db, QStringLiteral("SELECT id FROM environments ORDER BY project_id, position"));
            while (e.next())
                environments << e.value(0).toLongLong();
        }

        // 2. History, straight through SQLite's C API: one transaction, prepared statements.
        std::printf("generating %lld runs, %lld task runs and %lld metric values in %s ...\n",
                    runCount, runCount * kTasksPerPipeline, metricCount, qPrintable(dir));
        std::fflush(stdout);
        {
            sqlite3 *db = nullptr;
            check(sqlite3_open(qPrintable(dir + QStringLiteral("/baton.db")), &db), db, "open");
            check(sqlite3_exec(db,
                               "PRAGMA synchronous = OFF; BEGIN; DROP INDEX metrics_series; DROP "
                               "INDEX metrics_run;",
                               nullptr, nullptr, nullptr),
                  db, "begin");
            sqlite3_stmt *run = nullptr, *task = nullptr, *metric = nullptr;
            check(sqlite3_prepare_v2(
                      db,
                      "INSERT INTO runs (id, project_id, pipeline_id, pipeline_version_id, "
                      "environment_id, state, trigger, fire_time, created_at, started_at, "
                      "finished_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                      -1, &run, nullptr),
                  db, "prepare runs");
            check(sqlite3_prepare_v2(
                      db,
                      "INSERT INTO task_runs (run_id, task_name, job_version_id, state, "
                      "attempts, started_at, finished_at) VALUES (?,?,?,?,1,?,?)",
                      -1, &task, nullptr),
                  db, "prepare tasks");
            check(sqlite3_prepare_v2(
                      db,
                      "INSERT INTO metrics (run_id, job_version_id, environment_id, name, "
                      "value, recorded_at) VALUES (?,?,?,?,?,?)",
                      -1, &metric, nullptr),
                  db, "prepare metrics");
            std::mt19937_64 rng(42);
            std::uniform_real_distribution<double> uniform(0.0, 1.0);
            std::normal_distribution<double> normal(0.0, 1.0);
            const double metricsPerRun
                = double(metricCount) / double(std::max<qint64>(1, runCount));
            double metricDebt = 0.0;
            for (qint64 i = 0; i < runCount; ++i) {
                const int pi = int(i % pipelines.size());
                const PipelineIds &p = pipelines.at(pi);
                const qint64 created = start + qint64(double(i) / double(runCount) * 365.0 * kDay);
                const bool secondHalf = created > start + 180 * kDay; // v2 deployed mid-year
                const double r = uniform(rng);
                const int envIndex = r < 0.5 ? 3 : (r < 0.7 ? 0 : (r < 0.85 ? 1 : 2));
                const qint64 env = environments.at(int(p.project - 1) * 4 + envIndex);
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
                const qint64 duration
                    = qint64((20000.0 + 4000.0 * pi) * std::exp(0.35 * normal(rng)));
                const bool started = std::strcmp(state, "queued") != 0;
                const bool finished = !active;
                sqlite3_bind_int64(run, 1, i + 1);
                sqlite3_bind_int64(run, 2, p.project);
                sqlite3_bind_int64(run, 3, p.pipeline);
                sqlite3_bind_int64(run, 4, p.version);
                sqlite3_bind_int64(run, 5, env);
                sqlite3_bind_text(run, 6, state, -1, SQLITE_STATIC);
                sqlite3_bind_text(run, 7, scheduled ? "schedule" : "manual", -1, SQLITE_STATIC);
                if (scheduled)
                    sqlite3_bind_int64(run, 8, created);
                else
                    sqlite3_bind_null(run, 8);
                sqlite3_bind_int64(run, 9, created);
                if (started)
                    sqlite3_bind_int64(run, 10, startedAt);
                else
                    sqlite3_bind_null(run, 10);
                if (finished)
                    sqlite3_bind_int64(run, 11, startedAt + duration);
                else
                    sqlite3_bind_null(run, 11);
                check(sqlite3_step(run), db, "insert run");
                sqlite3_reset(run);
                const int failing
                    = std::strcmp(state, "failed") == 0 || std::strcmp(state, "timed_out") == 0
                    ? int(i % kTasksPerPipeline)
                    : -1;
                qint64 t0 = startedAt;
                for (int t = 0; t < kTasksPerPipeline; ++t) {
                    const qint64 part = duration / kTasksPerPipeline;
                    const char *taskState = !finished ? "running"
                        : failing == t
                        ? (std::strcmp(state, "failed") == 0 ? "failed" : "timed_out")
                        : failing >= 0 && t > failing          ? "upstream_failed"
                        : std::strcmp(state, "cancelled") == 0 ? "cancelled"
                                                               : "succeeded";
                    sqlite3_bind_int64(task, 1, i + 1);
                    const QByteArray name = p.tasks.at(t).toUtf8();
                    sqlite3_bind_text(task, 2, name.constData(), -1, SQLITE_TRANSIENT);
                    sqlite3_bind_int64(task, 3,
                                       secondHalf ? newVersions.at(pi).at(t) : p.jobVersions.at(t));
                    sqlite3_bind_text(task, 4, taskState, -1, SQLITE_STATIC);
                    sqlite3_bind_int64(task, 5, t0);
                    if (finished)
                        sqlite3_bind_int64(task, 6, t0 + part);
                    else
                        sqlite3_bind_null(task, 6);
                    check(sqlite3_step(task), db, "insert task");
                    sqlite3_reset(task);
                    t0 += part;
                }
                metricDebt += metricsPerRun;
                const qint64 jobVersion
                    = secondHalf ? newVersions.at(pi).last() : p.jobVersions.last();
                for (int m = 0; metricDebt >= 1.0; ++m, metricDebt -= 1.0) {
                    const int n = m % 5;
                    const double value = n == 0 ? 10000 + 500 * normal(rng)
                        : n == 1                ? (secondHalf ? 0.12 : 0.08) + 0.01 * normal(rng)
                                                : 0.8 + 0.02 * normal(rng);
                    sqlite3_bind_int64(metric, 1, i + 1);
                    sqlite3_bind_int64(metric, 2, jobVersion);
                    sqlite3_bind_int64(metric, 3, env);
                    sqlite3_bind_text(metric, 4, kMetricNames[n], -1, SQLITE_STATIC);
                    sqlite3_bind_double(metric, 5, value);
                    sqlite3_bind_int64(metric, 6, startedAt + duration);
                    check(sqlite3_step(metric), db, "insert metric");
                    sqlite3_reset(metric);
                }
                if (i % 100000 == 99999) {
                    std::printf("  %lld runs (%.0f s)\n", i + 1, clock.elapsed() / 1000.0);
                    std::fflush(stdout);
                }
            }
            sqlite3_finalize(run);
            sqlite3_finalize(task);
            sqlite3_finalize(metric);
            std::printf("  rebuilding the metrics indexes ...\n");
            std::fflush(stdout);
            check(sqlite3_exec(
                      db,
                      "CREATE INDEX metrics_series ON metrics (name, environment_id, recorded_at, "
                      "job_version_id, value, run_id);"
                      "CREATE INDEX metrics_run ON metrics (run_id); COMMIT; ANALYZE;",
                      nullptr, nullptr, nullptr),
                  db, "commit");
            sqlite3_close(db);
        }
        std::printf("generated in %.1f s\n\n", clock.elapsed() / 1000.0);
    }

    // 3. Every dashboard query, on the default range (30 days) and on a whole year.
    Workspace ws(dir, Workspace::Mode::MustExist);
    const QSqlDatabase db = ws.store().db();
    const qint64 counted
        = Sql::scalar(db, QStringLiteral("SELECT count(*) FROM runs")).toLongLong();
    const qint64 metricsCounted
        = Sql::scalar(db, QStringLiteral("SELECT count(*) FROM metrics")).toLongLong();
    std::printf("workspace: %lld runs, %lld metric values\n\n", counted, metricsCounted);
    int over = 0;
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

    // 4. The Dashboards mode: opening it (first snapshots), then a full refresh. The GUI thread
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
        };
        measure("Dashboards mode opened (default 30 days)", 1);
        mode.refreshNow();
        measure("full Dashboards refresh (live update)  ", 2);
    }
    std::printf("%d query timing(s) over 100 ms\n", over);
    return 0;
}
