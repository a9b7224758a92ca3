// DashboardQueries: the Operations dashboard's aggregations over a real SQLite workspace.
#include "dashboardfixture.h"
#include "engine/runservice.h"
#include "model/durations.h"
#include "monitoring/dashboardqueries.h"
#include "store/store.h"

#include <QFile>
#include <QSqlError>
#include <QSqlQuery>
#include <QTest>
#include <QUuid>
#include <cstdlib>

using namespace Baton;
using Baton::Test::DashboardFixture;

namespace {

constexpr qint64 kDay = DashboardFixture::kDay;
constexpr qint64 kT0 = DashboardFixture::kT0;

struct RunDef
{
    QString state;
    int day; // days after kT0
    qint64 durationMs;
    QString env;
};

} // namespace

Q_DECLARE_METATYPE(QList<qint64>)
Q_DECLARE_METATYPE(QList<RunDef>)
Q_DECLARE_METATYPE(QList<Baton::DayStats>)

class TestDashboardQueries : public QObject
{
    Q_OBJECT

    DashboardFilter range(int fromDay, int toDay) const
    {
        DashboardFilter f;
        f.from = kT0 + fromDay * kDay;
        f.to = kT0 + toDay * kDay;
        return f;
    }

    // The duration rollups hold exactly the rows' buckets, and the rows hold the core's
    // definition computed from their attempts.
    static void rollupsMatchTheRows(const DashboardFixture &fx)
    {
        const QString bucket = QStringLiteral("(SELECT max(lower_ms) FROM duration_buckets WHERE "
                                              "lower_ms <= %1)");
        const QString fromRuns
            = QStringLiteral("SELECT created_at / 86400000 * 86400000, pipeline_id, "
                             "COALESCE(environment_id, 0), %1, count(*) FROM runs WHERE active_ms "
                             "IS NOT NULL GROUP BY 1, 2, 3, 4")
                  .arg(bucket.arg(QStringLiteral("active_ms")));
        const QString fromRollup = QStringLiteral("SELECT day, pipeline_id, environment_id, "
                                                  "bucket_ms, runs FROM run_duration_daily "
                                                  "WHERE runs <> 0");
        const QString fromTasks
            = QStringLiteral("SELECT r.pipeline_id, r.created_at / 86400000 * 86400000, "
                             "COALESCE(r.environment_id, 0), t.job_version_id, %1, count(*) FROM "
                             "task_runs t JOIN runs r ON r.id = t.run_id WHERE t.run_ms IS NOT "
                             "NULL AND t.finished_at IS NOT NULL AND t.job_version_id IS NOT "
                             "NULL AND t.state IN ('succeeded', 'failed', 'cancelled', "
                             "'timed_out', 'lost') GROUP BY 1, 2, 3, 4, 5")
                  .arg(bucket.arg(QStringLiteral("t.run_ms")));
        const QString fromTaskRollup = QStringLiteral("SELECT pipeline_id, day, environment_id, "
                                                      "job_version_id, bucket_ms, tasks FROM "
                                                      "task_duration_daily WHERE tasks <> 0");
        for (const auto &[a, b] :
             { std::pair { fromRuns, fromRollup }, std::pair { fromTasks, fromTaskRollup } }) {
            for (const auto &[x, y] : { std::pair { a, b }, std::pair { b, a } }) {
                QSqlQuery q = Sql::exec(fx.db(),
                                        QStringLiteral("SELECT count(*) FROM (%1 EXCEPT "
                                                       "%2) x")
                                            .arg(x, y));
                QVERIFY(q.next());
                QVERIFY2(q.value(0).toInt() == 0, qPrintable(x));
            }
        }
        // The stored values are the core's definition of the same attempts.
        QHash<qint64, QList<AttemptSpan>> byRun;
        QHash<qint64, QList<AttemptSpan>> byTask;
        QSqlQuery a = Sql::exec(fx.db(),
                                QStringLiteral("SELECT t.run_id, t.id, a.started_at, "
                                               "COALESCE(a.finished_at, 0) FROM "
                                               "task_attempts a JOIN task_runs t ON "
                                               "t.id = a.task_run_id"));
        while (a.next()) {
            const AttemptSpan span { a.value(2).toLongLong(), a.value(3).toLongLong() };
            byRun[a.value(0).toLongLong()] << span;
            byTask[a.value(1).toLongLong()] << span;
        }
        QSqlQuery r = Sql::exec(fx.db(),
                                QStringLiteral("SELECT id, active_ms FROM runs WHERE "
                                               "finished_at IS NOT NULL"));
        while (r.next()) {
            const QList<AttemptSpan> spans = byRun.value(r.value(0).toLongLong());
            if (spans.isEmpty())
                QVERIFY(r.value(1).isNull());
            else
                QCOMPARE(r.value(1).toLongLong(), Durations::runMs(spans, 0));
        }
        QSqlQuery t = Sql::exec(fx.db(),
                                QStringLiteral("SELECT id, run_ms FROM task_runs WHERE "
                                               "run_ms IS NOT NULL"));
        while (t.next()) {
            QList<AttemptSpan> ended;
            for (const AttemptSpan &s : byTask.value(t.value(0).toLongLong())) {
                if (s.finishedAt > 0)
                    ended << s;
            }
            QCOMPARE(t.value(1).toLongLong(), Durations::taskMs(ended, 0));
        }
    }

private Q_SLOTS:
    void percentile_data()
    {
        QTest::addColumn<QList<qint64>>("sorted");
        QTest::addColumn<double>("p");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("empty") << QList<qint64>() << 0.5 << qint64(0);
        QTest::newRow("single value p50") << QList<qint64> { 7 } << 0.5 << qint64(7);
        QTest::newRow("single value p95") << QList<qint64> { 7 } << 0.95 << qint64(7);
        QTest::newRow("four p50 is the 2nd") << QList<qint64> { 1, 2, 3, 4 } << 0.5 << qint64(2);
        QTest::newRow("four p95 is the 4th") << QList<qint64> { 1, 2, 3, 4 } << 0.95 << qint64(4);
        QList<qint64> twenty;
        for (int i = 1; i <= 20; ++i)
            twenty << i * 10;
        QTest::newRow("twenty p95 is the 19th") << twenty << 0.95 << qint64(190);
        QTest::newRow("twenty p50 is the 10th") << twenty << 0.5 << qint64(100);
    }
    void percentile()
    {
        QFETCH(QList<qint64>, sorted);
        QFETCH(double, p);
        QFETCH(qint64, expected);
        QCOMPARE(DashboardQueries::percentile(sorted, p), expected);
    }

    void dayStart()
    {
        QCOMPARE(DashboardQueries::dayStart(kT0 + 5, 0), kT0);
        QCOMPARE(DashboardQueries::dayStart(kT0 + kDay - 1, 0), kT0);
        // UTC+2: local midnight is 22:00 UTC the day before.
        QCOMPARE(DashboardQueries::dayStart(kT0 + 23 * 3600 * 1000, 7200),
                 kT0 + kDay - 7200 * 1000);
        QCOMPARE(DashboardQueries::dayStart(kT0 + 3600 * 1000, 7200), kT0 - 7200 * 1000);
    }

    void days_data()
    {
        QTest::addColumn<QList<RunDef>>("runs");
        QTest::addColumn<QList<DayStats>>("expected");
        QTest::newRow("empty range") << QList<RunDef>() << QList<DayStats>();
        QTest::newRow("single run")
            << QList<RunDef> { { QStringLiteral("succeeded"), 1, 1000, QStringLiteral("prod") } }
            << QList<DayStats> { { kT0 + kDay, 1, 1, 1, 0 } };
        QTest::newRow("states and days")
            << QList<RunDef> { { QStringLiteral("succeeded"), 0, 1000, QStringLiteral("prod") },
                               { QStringLiteral("failed"), 0, 1000, QStringLiteral("prod") },
                               { QStringLiteral("timed_out"), 0, 1000, QStringLiteral("dev") },
                               { QStringLiteral("cancelled"), 0, 1000, QStringLiteral("prod") },
                               { QStringLiteral("running"), 0, 0, QStringLiteral("prod") },
                               { QStringLiteral("succeeded"), 2, 1000, QStringLiteral("prod") },
                               { QStringLiteral("lost"), 2, 1000, QStringLiteral("prod") } }
            << QList<DayStats> { { kT0, 5, 4, 1, 2 }, { kT0 + 2 * kDay, 2, 2, 1, 1 } };
        QTest::newRow("outside the range is left out")
            << QList<RunDef> { { QStringLiteral("succeeded"), -1, 1000, QStringLiteral("prod") },
                               { QStringLiteral("succeeded"), 7, 1000, QStringLiteral("prod") } }
            << QList<DayStats>();
    }
    void days()
    {
        QFETCH(QList<RunDef>, runs);
        QFETCH(QList<DayStats>, expected);
        DashboardFixture fx;
        for (const RunDef &r : runs)
            fx.run(r.state, kT0 + r.day * kDay + 3600 * 1000, r.durationMs, r.env);
        const QList<DayStats> days = DashboardQueries::days(fx.db(), range(0, 7));
        QCOMPARE(days, expected);
        for (const DayStats &d : days)
            QVERIFY(d.successRate() >= 0.0 && d.successRate() <= 1.0);
        if (!days.isEmpty() && days.first().finished == 4)
            QCOMPARE(days.first().successRate(), 0.25);
    }

    void environmentAndProjectFiltersNarrow()
    {
        DashboardFixture fx;
        fx.run(QStringLiteral("succeeded"), kT0 + 1000, 1000, QStringLiteral("prod"));
        fx.run(QStringLiteral("failed"), kT0 + 2000, 1000, QStringLiteral("dev"));
        DashboardFilter f = range(0, 1);
        f.environment = QStringLiteral("dev");
        QCOMPARE(DashboardQueries::days(fx.db(), f).value(0).runs, 1);
        QCOMPARE(DashboardQueries::days(fx.db(), f).value(0).failed, 1);
        f.environment.clear();
        f.project = QStringLiteral("no-such-project");
        QVERIFY(DashboardQueries::days(fx.db(), f).isEmpty());
        f.project = QStringLiteral("churn");
        QCOMPARE(DashboardQueries::days(fx.db(), f).value(0).runs, 2);

        const QList<CountItem> envs = DashboardQueries::runsByEnvironment(fx.db(), range(0, 1));
        QCOMPARE(envs.size(), 2);
        QCOMPARE(envs.at(0).count + envs.at(1).count, 2);
        for (const CountItem &e : envs)
            QCOMPARE(e.second, e.key == QLatin1String("dev") ? 1 : 0);
    }

    void durationsPerPipelineAndPerJob()
    {
        DashboardFixture fx;
        // Ten succeeded runs over two days lasting 1..10 s; a running one does not count.
        for (int i = 1; i <= 10; ++i) {
            const qint64 created = kT0 + (i <= 4 ? 0 : kDay) + i * 60000;
            const qint64 runId = fx.run(QStringLiteral("succeeded"), created, i * 1000);
            fx.task(runId, QStringLiteral("extract"), QStringLiteral("succeeded"), created,
                    i * 100);
            fx.task(runId, QStringLiteral("score"), QStringLiteral("succeeded"), created, 500);
        }
        fx.run(QStringLiteral("running"), kT0 + 5000);

        const QList<DurationStats> pipelines
            = DashboardQueries::pipelineDurations(fx.db(), range(0, 7));
        QCOMPARE(pipelines.size(), 1);
        QCOMPARE(pipelines.first().key, QStringLiteral("churn/nightly"));
        QCOMPARE(pipelines.first().count, 10);
        QCOMPARE(pipelines.first().p50, 5000);
        QCOMPARE(pipelines.first().p95, 10000);

        const QList<DurationStats> trend = DashboardQueries::pipelineTrend(
            fx.db(), range(0, 7), QStringLiteral("churn/nightly"));
        QCOMPARE(trend.size(), 2);
        QCOMPARE(trend.at(0).day, kT0);
        QCOMPARE(trend.at(0).count, 4);
        QCOMPARE(trend.at(0).p50, 2000);
        QCOMPARE(trend.at(1).count, 6);
        QCOMPARE(trend.at(1).p95, 10000);
        QVERIFY(DashboardQueries::pipelineTrend(fx.db(), range(0, 7), QStringLiteral("churn/none"))
                    .isEmpty());

        const QList<DurationStats> jobs = DashboardQueries::jobDurations(
            fx.db(), range(0, 7), QStringLiteral("churn/nightly"), false);
        QCOMPARE(jobs.size(), 2);
        for (const DurationStats &j : jobs) {
            QCOMPARE(j.count, 10);
            if (j.key == QLatin1String("churn/extract")) {
                QCOMPARE(j.p50, 500);
                QCOMPARE(j.p95, 1000);
            } else {
                QCOMPARE(j.key, QStringLiteral("churn/score"));
                QCOMPARE(j.p50, 500);
            }
        }
        const QList<DurationStats> jobTrend = DashboardQueries::jobDurations(
            fx.db(), range(0, 7), QStringLiteral("churn/nightly"), true);
        QCOMPARE(jobTrend.size(), 4); // two jobs × two days

        const OperationsSnapshot s = DashboardQueries::operations(fx.db(), range(0, 7));
        QCOMPARE(s.detailedPipeline, QStringLiteral("churn/nightly"));
        QCOMPARE(s.pipelineTrend, trend);
        QCOMPARE(s.running, 1);
        QCOMPARE(s.queued, 0);
        QVERIFY(s.projects.contains(QStringLiteral("churn")));
        QVERIFY(s.pipelines.contains(QStringLiteral("churn/nightly")));
        QCOMPARE(s.environments.first(), QStringLiteral("dev"));
    }

    void emptyRangeGivesEmptySnapshot()
    {
        DashboardFixture fx;
        fx.run(QStringLiteral("succeeded"), kT0 + 30 * kDay);
        const OperationsSnapshot s = DashboardQueries::operations(fx.db(), range(0, 7));
        QVERIFY(s.days.isEmpty());
        QVERIFY(s.pipelineDurations.isEmpty());
        QVERIFY(s.detailedPipeline.isEmpty());
        QVERIFY(s.failuresByJob.isEmpty());
        QVERIFY(s.runsByEnvironment.isEmpty());
        QVERIFY(s.lateness.isEmpty());
    }

    void failuresByJobAndDrillDown()
    {
        DashboardFixture fx;
        const qint64 a = fx.run(QStringLiteral("failed"), kT0 + 1000);
        fx.task(a, QStringLiteral("extract"), QStringLiteral("failed"), kT0 + 1000, 10);
        const qint64 b = fx.run(QStringLiteral("failed"), kT0 + 2000);
        fx.task(b, QStringLiteral("extract"), QStringLiteral("timed_out"), kT0 + 2000, 10);
        fx.task(b, QStringLiteral("score"), QStringLiteral("upstream_failed"), kT0 + 2000, 0);
        const qint64 c = fx.run(QStringLiteral("failed"), kT0 + kDay, 1000, QStringLiteral("dev"));
        fx.task(c, QStringLiteral("score"), QStringLiteral("lost"), kT0 + kDay, 10);
        const qint64 ok = fx.run(QStringLiteral("succeeded"), kT0 + 3000);
        fx.task(ok, QStringLiteral("extract"), QStringLiteral("succeeded"), kT0 + 3000, 10);

        const QList<CountItem> failures = DashboardQueries::failuresByJob(fx.db(), range(0, 7));
        QCOMPARE(failures.size(), 2);
        QCOMPARE(failures.at(0), (CountItem { QStringLiteral("churn/extract"), 2, 0 }));
        QCOMPARE(failures.at(1), (CountItem { QStringLiteral("churn/score"), 1, 0 }));
        DashboardFilter prod = range(0, 7);
        prod.environment = QStringLiteral("prod");
        QCOMPARE(DashboardQueries::failuresByJob(fx.db(), prod).size(), 1);

        RunsQuery q;
        q.filter = range(0, 7);
        q.job = QStringLiteral("churn/extract");
        QList<RunBrief> runs = DashboardQueries::runs(fx.db(), q);
        QCOMPARE(runs.size(), 2);
        QCOMPARE(runs.at(0).id, b); // newest first
        QCOMPARE(runs.at(1).id, a);
        QCOMPARE(runs.at(0).pipeline, QStringLiteral("nightly"));
        QCOMPARE(runs.at(0).environment, QStringLiteral("prod"));

        q = RunsQuery {};
        q.filter = range(0, 7);
        q.day = kT0;
        q.states = { RunState::Succeeded };
        runs = DashboardQueries::runs(fx.db(), q);
        QCOMPARE(runs.size(), 1);
        QCOMPARE(runs.first().id, ok);
        QCOMPARE(runs.first().durationMs, 1000);

        q = RunsQuery {};
        q.filter = range(0, 7);
        q.environment = QStringLiteral("dev");
        runs = DashboardQueries::runs(fx.db(), q);
        QCOMPARE(runs.size(), 1);
        QCOMPARE(runs.first().id, c);

        q = RunsQuery {};
        q.runIds = { a, ok, 4242 };
        runs = DashboardQueries::runs(fx.db(), q);
        QCOMPARE(runs.size(), 2);
        QCOMPARE(runs.at(0).id, ok);
        QCOMPARE(runs.at(1).id, a);
    }

    void rollupsAgreeWithTheRuns()
    {
        DashboardFixture fx;
        // A history with every kind of write the engine makes: inserts, state moves, a delete.
        QList<qint64> runs;
        for (int i = 0; i < 40; ++i) {
            const QString state = i % 5 == 0 ? QStringLiteral("failed")
                : i % 7 == 0                 ? QStringLiteral("timed_out")
                                             : QStringLiteral("succeeded");
            const QString env = i % 3 == 0 ? QStringLiteral("dev") : QStringLiteral("prod");
            const qint64 created = kT0 + (i % 6) * kDay + i * 60000;
            const qint64 id = fx.run(state, created, 1000 + i * 937, env, i % 2 ? created : 0,
                                     i % 2 ? 1000 * i : 0);
            fx.task(id, QStringLiteral("extract"),
                    state == QLatin1String("succeeded") ? state : QStringLiteral("failed"), created,
                    100);
            runs << id;
        }
        const qint64 moving = fx.run(QStringLiteral("running"), kT0 + 3 * kDay + 5, 0);
        fx.exec(QStringLiteral("UPDATE runs SET state = 'succeeded', finished_at = started_at + "
                               "4321 WHERE id = ?"),
                { moving });
        fx.exec(QStringLiteral("UPDATE task_runs SET state = 'succeeded' WHERE run_id = ?"),
                { runs.at(5) });
        fx.exec(QStringLiteral("DELETE FROM runs WHERE id = ?"), { runs.at(10) });
        // The engine's path: queued, then starting (started_at set), then ended — one update
        // each; then an operator re-ends one with another duration (another bucket), and sends
        // one back to the queue (it leaves the rollup) and ends it again.
        for (int i = 0; i < 6; ++i) {
            const qint64 created = kT0 + i * kDay + 7 * 60000;
            const qint64 run = fx.run(QStringLiteral("succeeded"), created, 9000);
            const qint64 task
                = fx.task(run, QStringLiteral("score"), QStringLiteral("queued"), created, 0);
            fx.exec(QStringLiteral("UPDATE task_runs SET started_at = NULL, finished_at = NULL "
                                   "WHERE id = ?"),
                    { task });
            fx.exec(QStringLiteral("UPDATE task_runs SET state = 'starting', started_at = ? "
                                   "WHERE id = ?"),
                    { created, task });
            fx.exec(QStringLiteral("INSERT INTO task_attempts (task_run_id, number, state, "
                                   "started_at) VALUES (?, 1, 'starting', ?)"),
                    { task, created });
            fx.exec(QStringLiteral("UPDATE task_attempts SET state = ?, finished_at = ? WHERE "
                                   "task_run_id = ?"),
                    { i % 2 ? QStringLiteral("failed") : QStringLiteral("succeeded"),
                      created + 200 * (i + 1), task });
            fx.exec(QStringLiteral("UPDATE task_runs SET state = ?, finished_at = ? WHERE id = ?"),
                    { i % 2 ? QStringLiteral("failed") : QStringLiteral("succeeded"),
                      created + 200 * (i + 1), task });
            if (i == 2) {
                fx.exec(QStringLiteral("UPDATE task_attempts SET finished_at = ? WHERE "
                                       "task_run_id = ?"),
                        { created + 50000, task });
                fx.exec(QStringLiteral("UPDATE task_runs SET finished_at = ? WHERE id = ?"),
                        { created + 50000, task });
            }
            if (i == 3) {
                // Retried later: a second attempt, the wait between them not counted.
                fx.exec(QStringLiteral("UPDATE task_runs SET state = 'queued', finished_at = "
                                       "NULL WHERE id = ?"),
                        { task });
                fx.exec(QStringLiteral("INSERT INTO task_attempts (task_run_id, number, state, "
                                       "started_at) VALUES (?, 2, 'starting', ?)"),
                        { task, created + 60000 });
                fx.exec(QStringLiteral("UPDATE task_attempts SET state = 'succeeded', "
                                       "finished_at = ? WHERE task_run_id = ? AND number = 2"),
                        { created + 63000, task });
                fx.exec(QStringLiteral("UPDATE task_runs SET state = 'succeeded', finished_at = "
                                       "? WHERE id = ?"),
                        { created + 63000, task });
            }
            runs << run;
        }

        DashboardFilter raw = range(-1, 8); // short: read from the runs
        DashboardFilter rollup; // all time: read from the rollups (UTC days)
        QVERIFY(!DashboardQueries::usesRollups(raw));
        QVERIFY(DashboardQueries::usesRollups(rollup));
        QCOMPARE(DashboardQueries::days(fx.db(), rollup), DashboardQueries::days(fx.db(), raw));
        QCOMPARE(DashboardQueries::days(fx.db(), rollup).size(), 6);
        QCOMPARE(DashboardQueries::runsByEnvironment(fx.db(), rollup),
                 DashboardQueries::runsByEnvironment(fx.db(), raw));
        QCOMPARE(DashboardQueries::failuresByJob(fx.db(), rollup),
                 DashboardQueries::failuresByJob(fx.db(), raw));
        QCOMPARE(DashboardQueries::lateness(fx.db(), rollup),
                 DashboardQueries::lateness(fx.db(), raw));
        for (const QString &env : { QStringLiteral("dev"), QStringLiteral("prod") }) {
            raw.environment = rollup.environment = env;
            QCOMPARE(DashboardQueries::days(fx.db(), rollup), DashboardQueries::days(fx.db(), raw));
        }
        raw.environment = rollup.environment = QString();
        // Percentiles from the histogram: within a bucket (±9%) of the exact ones.
        const DurationStats exact = DashboardQueries::pipelineDurations(fx.db(), raw).value(0);
        const DurationStats approx = DashboardQueries::pipelineDurations(fx.db(), rollup).value(0);
        QCOMPARE(approx.count, exact.count);
        QVERIFY2(std::abs(approx.p50 - exact.p50) <= exact.p50 * 0.1,
                 qPrintable(QStringLiteral("%1 vs %2").arg(approx.p50).arg(exact.p50)));
        QVERIFY(std::abs(approx.p95 - exact.p95) <= exact.p95 * 0.1);
        const QList<DurationStats> trend
            = DashboardQueries::pipelineTrend(fx.db(), rollup, QStringLiteral("churn/nightly"));
        QCOMPARE(trend.size(), 6);
        // Per job: the same task runs, from the task histogram.
        const QString nightly = QStringLiteral("churn/nightly");
        const QList<DurationStats> jobsExact
            = DashboardQueries::jobDurations(fx.db(), raw, nightly, false);
        const QList<DurationStats> jobsApprox
            = DashboardQueries::jobDurations(fx.db(), rollup, nightly, false);
        QCOMPARE(jobsApprox.size(), jobsExact.size());
        QCOMPARE(jobsApprox.value(0).key, QStringLiteral("churn/extract"));
        QCOMPARE(jobsApprox.value(0).count, jobsExact.value(0).count);
        QVERIFY(std::abs(jobsApprox.value(0).p50 - 100) <= 10);
        QCOMPARE(DashboardQueries::jobDurations(fx.db(), rollup, nightly, true).size(),
                 DashboardQueries::jobDurations(fx.db(), raw, nightly, true).size());
        for (int i = 0; i < jobsExact.size(); ++i) {
            QCOMPARE(jobsApprox.value(i).key, jobsExact.value(i).key);
            QCOMPARE(jobsApprox.value(i).count, jobsExact.value(i).count);
            QVERIFY2(std::abs(jobsApprox.value(i).p95 - jobsExact.value(i).p95)
                         <= jobsExact.value(i).p95 * 0.1,
                     qPrintable(jobsExact.value(i).key));
        }
        QVERIFY(jobsExact.size() >= 2); // extract and score

        // Deleting a task run on its own takes its failure off too.
        fx.exec(QStringLiteral("DELETE FROM task_runs WHERE run_id = ?"), { runs.at(0) });
        QCOMPARE(DashboardQueries::failuresByJob(fx.db(), rollup),
                 DashboardQueries::failuresByJob(fx.db(), raw));
        rollupsMatchTheRows(fx);
    }

    // Issue #17: durations count the time the attempts ran. A task retried by hand two
    // minutes after it failed ran 2 s, not 2 min; a run rerun an hour after it failed was
    // active for what its attempts ran, not the hour. Raw rows, rollups and the core
    // definition agree at every step.
    void durationsCountOnlyWhatRan()
    {
        DashboardFixture fx;
        const qint64 t = kT0 + 3600000;
        // Retried by hand: extract fails after 1 s and is retried 2 minutes later.
        const qint64 retried = fx.run(QStringLiteral("succeeded"), t, 0);
        fx.exec(QStringLiteral("DELETE FROM task_runs WHERE run_id = ?"), { retried });
        const qint64 extract
            = fx.task(retried, QStringLiteral("extract"), QStringLiteral("failed"), t, 1000);
        fx.store().transaction([&](QSqlDatabase &tx) {
            DashboardFixture::attempt(tx, extract, 2, QStringLiteral("succeeded"), t + 121000,
                                      t + 122000);
            Sql::exec(tx,
                      QStringLiteral("UPDATE task_runs SET state = 'succeeded', finished_at = ? "
                                     "WHERE id = ?"),
                      { t + 122000, extract });
            Sql::exec(tx, QStringLiteral("UPDATE runs SET finished_at = ? WHERE id = ?"),
                      { t + 122000, retried });
        });
        QCOMPARE(fx.id(QStringLiteral("SELECT run_ms FROM task_runs WHERE id = ?"), { extract }),
                 qint64(2000));
        QCOMPARE(fx.id(QStringLiteral("SELECT active_ms FROM runs WHERE id = ?"), { retried }),
                 qint64(2000));

        // Rerun an hour later: train failed; RunService::rerunFailed reopens the run, which
        // leaves the duration statistics until it ends again.
        const qint64 rerun = fx.run(QStringLiteral("failed"), t + 1000, 0);
        fx.exec(QStringLiteral("DELETE FROM task_runs WHERE run_id = ?"), { rerun });
        fx.task(rerun, QStringLiteral("extract"), QStringLiteral("succeeded"), t + 1000, 1000);
        const qint64 train
            = fx.task(rerun, QStringLiteral("score"), QStringLiteral("failed"), t + 2000, 2000);
        fx.exec(QStringLiteral("UPDATE runs SET finished_at = ? WHERE id = ?"),
                { t + 4000, rerun });
        QCOMPARE(fx.id(QStringLiteral("SELECT active_ms FROM runs WHERE id = ?"), { rerun }),
                 qint64(3000));
        RunService::rerunFailed(fx.store(), rerun, QStringLiteral("tester"));
        QVERIFY(Sql::scalar(fx.db(), QStringLiteral("SELECT active_ms FROM runs WHERE id = ?"),
                            { rerun })
                    .isNull());
        DashboardFilter raw = range(0, 1);
        DashboardFilter rollup; // all time: from the rollups
        QCOMPARE(DashboardQueries::pipelineDurations(fx.db(), raw).value(0).count, 1);
        QCOMPARE(DashboardQueries::pipelineDurations(fx.db(), rollup).value(0).count, 1);
        fx.store().transaction([&](QSqlDatabase &tx) {
            DashboardFixture::attempt(tx, train, 2, QStringLiteral("succeeded"), t + 3604000,
                                      t + 3606000);
            Sql::exec(tx,
                      QStringLiteral("UPDATE task_runs SET state = 'succeeded', finished_at = ? "
                                     "WHERE id = ?"),
                      { t + 3606000, train });
            Sql::exec(tx,
                      QStringLiteral("UPDATE runs SET state = 'succeeded', finished_at = ? "
                                     "WHERE id = ?"),
                      { t + 3606000, rerun });
        });
        QCOMPARE(fx.id(QStringLiteral("SELECT run_ms FROM task_runs WHERE id = ?"), { train }),
                 qint64(4000));
        QCOMPARE(fx.id(QStringLiteral("SELECT active_ms FROM runs WHERE id = ?"), { rerun }),
                 qint64(5000));

        // The statistics: exact from the raw rows, the same buckets from the rollups.
        const DurationStats pipeline = DashboardQueries::pipelineDurations(fx.db(), raw).value(0);
        QCOMPARE(pipeline.count, 2);
        QCOMPARE(pipeline.p50, qint64(2000));
        QCOMPARE(pipeline.p95, qint64(5000));
        const DurationStats fromRollup
            = DashboardQueries::pipelineDurations(fx.db(), rollup).value(0);
        QCOMPARE(fromRollup.count, 2);
        QVERIFY2(std::abs(fromRollup.p95 - 5000) <= 500, // within its bucket (±9%)
                 qPrintable(QString::number(fromRollup.p95)));
        const QList<DurationStats> trend
            = DashboardQueries::pipelineTrend(fx.db(), raw, QStringLiteral("churn/nightly"));
        QCOMPARE(trend.size(), 1);
        QCOMPARE(trend.first().p95, qint64(5000));
        for (const DurationStats &j :
             DashboardQueries::jobDurations(fx.db(), raw, QStringLiteral("churn/nightly"), false)) {
            if (j.key == QLatin1String("churn/extract")) {
                QCOMPARE(j.count, 2);
                QCOMPARE(j.p95, qint64(2000)); // not the 122 s from its first start
            } else {
                QCOMPARE(j.key, QStringLiteral("churn/score"));
                QCOMPARE(j.p50, qint64(4000)); // not the hour
            }
        }
        RunsQuery drill;
        drill.filter = raw;
        const QList<RunBrief> briefs = DashboardQueries::runs(fx.db(), drill);
        QCOMPARE(briefs.size(), 2);
        for (const RunBrief &b : briefs)
            QCOMPARE(b.durationMs, b.id == rerun ? qint64(5000) : qint64(2000));
        rollupsMatchTheRows(fx);
    }

    // A workspace with history from before schema 10 gets its durations and their rollups
    // computed again from the attempts when it is opened.
    void migrationRecomputesTheDurationsOfHistory()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("old.db"));
        {
            const QString name = QUuid::createUuid().toString();
            {
                QSqlDatabase raw = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
                raw.setDatabaseName(path);
                QVERIFY(raw.open());
                QSqlQuery q(raw);
                const auto run = [&](const QString &sql) {
                    QVERIFY2(q.exec(sql),
                             qPrintable(sql + QLatin1Char(' ') + q.lastError().text()));
                };
                for (int v = 1; v <= 9; ++v) {
                    static const char *files[]
                        = { "0001_initial",       "0002_engine",        "0003_scheduling",
                            "0004_releases",      "0005_operations",    "0006_metrics",
                            "0007_engine_writes", "0008_run_variables", "0009_rollup_triggers" };
                    QFile f(QStringLiteral(":/baton/migrations/%1.sql")
                                .arg(QLatin1String(files[v - 1])));
                    QVERIFY(f.open(QIODevice::ReadOnly));
                    for (const QString &st : Sql::splitStatements(QString::fromUtf8(f.readAll())))
                        run(st);
                }
                run(QStringLiteral("INSERT INTO workspace_info VALUES ('id', 'old')"));
                run(QStringLiteral("INSERT INTO projects (id, name, created_at, updated_at) "
                                   "VALUES (1, 'churn', 1, 1)"));
                run(QStringLiteral("INSERT INTO pipelines (id, project_id, name, created_at) "
                                   "VALUES (1, 1, 'nightly', 1)"));
                run(QStringLiteral("INSERT INTO pipeline_versions (id, pipeline_id, number, "
                                   "content_hash, created_at) VALUES (1, 1, 1, 'p', 1)"));
                run(QStringLiteral("INSERT INTO jobs (id, project_id, name, created_at) "
                                   "VALUES (1, 1, 'extract', 1)"));
                run(QStringLiteral("INSERT INTO job_versions (id, job_id, number, content_hash, "
                                   "command, created_at) VALUES (1, 1, 1, 'j', 'true', 1)"));
                // Run 1: extract failed after 1 s, retried by hand 2 minutes later (1 s more).
                run(QStringLiteral("INSERT INTO runs (id, project_id, pipeline_id, "
                                   "pipeline_version_id, state, created_at, started_at, "
                                   "finished_at) VALUES (1, 1, 1, 1, 'succeeded', %1, %1, %2)")
                        .arg(kT0)
                        .arg(kT0 + 122000));
                run(QStringLiteral("INSERT INTO task_runs (id, run_id, task_name, job_version_id, "
                                   "state, attempts, started_at, finished_at) VALUES (1, 1, "
                                   "'extract', 1, 'succeeded', 2, %1, %2)")
                        .arg(kT0)
                        .arg(kT0 + 122000));
                run(QStringLiteral("INSERT INTO task_attempts (task_run_id, number, state, "
                                   "started_at, finished_at) VALUES (1, 1, 'failed', %1, %2), "
                                   "(1, 2, 'succeeded', %3, %4)")
                        .arg(kT0)
                        .arg(kT0 + 1000)
                        .arg(kT0 + 121000)
                        .arg(kT0 + 122000));
                run(QStringLiteral("PRAGMA user_version = 9"));
                // Schema 9 counted the 122 s.
                QVERIFY(q.exec(QStringLiteral("SELECT bucket_ms FROM task_duration_daily WHERE "
                                              "tasks > 0")));
                QVERIFY(q.next());
                QVERIFY(q.value(0).toLongLong() > 100000);
            }
            QSqlDatabase::removeDatabase(name);
        }
        Store store(path);
        QCOMPARE(store.schemaVersion(), Store::latestSchemaVersion());
        QCOMPARE(
            Sql::scalar(store.db(), QStringLiteral("SELECT run_ms FROM task_runs")).toLongLong(),
            qint64(2000));
        QCOMPARE(Sql::scalar(store.db(), QStringLiteral("SELECT active_ms FROM runs")).toLongLong(),
                 qint64(2000));
        const QString bucketOf2s = QStringLiteral("(SELECT max(lower_ms) FROM duration_buckets "
                                                  "WHERE lower_ms <= 2000)");
        QCOMPARE(Sql::scalar(store.db(),
                             QStringLiteral("SELECT count(*) || ',' || sum(CASE WHEN bucket_ms = "
                                            "%1 THEN 1 ELSE 0 END) FROM task_duration_daily "
                                            "WHERE tasks > 0")
                                 .arg(bucketOf2s))
                     .toString(),
                 QStringLiteral("1,1"));
        QCOMPARE(Sql::scalar(store.db(),
                             QStringLiteral("SELECT count(*) || ',' || sum(CASE WHEN bucket_ms = "
                                            "%1 THEN 1 ELSE 0 END) FROM run_duration_daily "
                                            "WHERE runs > 0")
                                 .arg(bucketOf2s))
                     .toString(),
                 QStringLiteral("1,1"));
    }

    void histogramBuckets()
    {
        DashboardFixture fx;
        QList<qint64> lowers;
        QSqlQuery q = Sql::exec(fx.db(),
                                QStringLiteral("SELECT lower_ms FROM duration_buckets ORDER BY 1"));
        while (q.next())
            lowers << q.value(0).toLongLong();
        QCOMPARE(lowers.value(0), 0);
        QCOMPARE(lowers.value(1), 1);
        QVERIFY(lowers.last() > 30LL * 24 * 3600 * 1000); // a month-long run still has a bucket
        for (qsizetype i = 20; i + 1 < lowers.size(); ++i)
            QVERIFY(double(lowers.at(i + 1)) / double(lowers.at(i)) < 1.2);
        QCOMPARE(DashboardQueries::bucketValue(lowers, 0), 0);
        QCOMPARE(DashboardQueries::bucketValue(lowers, -1), 0);
        const qint64 v = DashboardQueries::bucketValue(lowers, 60);
        QVERIFY(v >= lowers.at(60) && v < lowers.at(61));
    }

    void activeAndLateness()
    {
        DashboardFixture fx;
        fx.run(QStringLiteral("queued"), kT0);
        fx.run(QStringLiteral("queued"), kT0 + 1);
        const qint64 running = fx.run(QStringLiteral("running"), kT0 + 2);
        // Scheduled runs started 2 s and 6 s after their fire times; a manual run is not late.
        fx.run(QStringLiteral("succeeded"), kT0 + 1000, 100, QStringLiteral("prod"), kT0 + 1000,
               2000);
        fx.run(QStringLiteral("succeeded"), kT0 + 5000, 100, QStringLiteral("prod"), kT0 + 5000,
               6000);
        fx.run(QStringLiteral("succeeded"), kT0 + 9000, 100, QStringLiteral("prod"), 0, 50000);

        const QList<CountItem> active = DashboardQueries::active(fx.db(), range(0, 7));
        QCOMPARE(active.size(), 1);
        QCOMPARE(active.first(), (CountItem { QStringLiteral("churn/nightly"), 1, 2 }));
        DashboardFilter dev = range(0, 7);
        dev.environment = QStringLiteral("dev");
        QVERIFY(DashboardQueries::active(fx.db(), dev).isEmpty());

        const QList<LatenessStats> late = DashboardQueries::lateness(fx.db(), range(0, 7));
        QCOMPARE(late.size(), 1);
        QCOMPARE(late.first().runs, 2);
        QCOMPARE(late.first().averageMs, 4000);
        QCOMPARE(late.first().maxMs, 6000);

        RunsQuery q;
        q.activeOnly = true;
        const QList<RunBrief> runs = DashboardQueries::runs(fx.db(), q);
        QCOMPARE(runs.size(), 3);
        QCOMPARE(runs.first().id, running);
        q = RunsQuery {};
        q.filter = range(0, 7);
        q.scheduledOnly = true;
        QCOMPARE(DashboardQueries::runs(fx.db(), q).size(), 2);
    }
};

QTEST_GUILESS_MAIN(TestDashboardQueries)
#include "tst_dashboardqueries.moc"
