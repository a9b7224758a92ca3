// DashboardQueries: the Operations dashboard's aggregations over a real SQLite workspace.
#include "dashboardfixture.h"
#include "monitoring/dashboardqueries.h"

#include <QSqlQuery>
#include <QTest>
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
        q.states = { QStringLiteral("succeeded") };
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
            fx.exec(QStringLiteral("UPDATE task_runs SET state = ?, finished_at = ? WHERE id = ?"),
                    { i % 2 ? QStringLiteral("failed") : QStringLiteral("succeeded"),
                      created + 200 * (i + 1), task });
            if (i == 2) {
                fx.exec(QStringLiteral("UPDATE task_runs SET finished_at = ? WHERE id = ?"),
                        { created + 50000, task });
            }
            if (i == 3) {
                fx.exec(QStringLiteral("UPDATE task_runs SET state = 'queued', finished_at = "
                                       "NULL WHERE id = ?"),
                        { task });
                fx.exec(QStringLiteral("UPDATE task_runs SET state = 'succeeded', finished_at = "
                                       "? WHERE id = ?"),
                        { created + 3000, task });
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
