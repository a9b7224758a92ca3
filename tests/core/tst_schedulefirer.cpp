#include "engine/runservice.h"
#include "scheduling/cronexpression.h"
#include "scheduling/schedulefirer.h"
#include "scheduling/scheduleservice.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "testspecs.h"
#include "util/error.h"
#include "workspacefixture.h"

#include <QTemporaryDir>
#include <QTest>
#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>

using namespace Baton;
using namespace Baton::Test;

namespace {
qint64 ms(const char *iso)
{
    return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toMSecsSinceEpoch();
}
} // namespace

class TestScheduleFirer : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_tmp;
    Test::WorkspaceFixture m_fixture; // before m_ws: its databases outlive the workspace
    std::unique_ptr<Workspace> m_ws;
    int m_n = 0;

    // A project whose pipeline fires every 5 minutes (UTC) and was last handled at @p since.
    void setUp(const QString &misfire, const char *since)
    {
        m_ws = m_fixture.another(m_tmp.filePath(QString::number(++m_n)));
        ProjectSpec p = churnProject();
        p.pipelines[0].schedule = QStringLiteral("*/5 * * * *");
        p.pipelines[0].timezone = QStringLiteral("UTC");
        p.pipelines[0].misfire = misfire;
        ProjectWriter::apply(m_ws->store(), { p }, QStringLiteral("t"));
        Sql::exec(m_ws->store().db(), QStringLiteral("UPDATE schedules SET created_at = ?"),
                  { ms(since) });
    }
    int runCount() const
    {
        return Sql::scalar(m_ws->store().db(), QStringLiteral("SELECT count(*) FROM runs")).toInt();
    }

private Q_SLOTS:
    void cleanup() { m_ws.reset(); }

    void selectByPolicy_data()
    {
        QTest::addColumn<QString>("misfire");
        QTest::addColumn<QList<qint64>>("expected");
        // Fire times at 0, 100 s, 200 s (missed) and now - 10 s (on time); now = 1000 s.
        QTest::newRow("skip") << "skip" << QList<qint64> { 990000 };
        QTest::newRow("run_once") << "run_once" << QList<qint64> { 200000, 990000 };
        QTest::newRow("default is run_once") << "" << QList<qint64> { 200000, 990000 };
        QTest::newRow("run_all") << "run_all" << QList<qint64> { 0, 100000, 200000, 990000 };
    }
    void selectByPolicy()
    {
        QFETCH(QString, misfire);
        QFETCH(QList<qint64>, expected);
        QCOMPARE(ScheduleFirer::select({ 0, 100000, 200000, 990000 }, 1000000, misfire), expected);
    }

    void runAllIsCapped()
    {
        QList<qint64> times;
        for (int i = 0; i < 50; ++i)
            times << i * 1000;
        const auto picked = ScheduleFirer::select(times, 10000000, QStringLiteral("run_all"), 10);
        QCOMPARE(picked.size(), 10);
        QCOMPARE(picked.first(), 40000); // the newest ones
    }

    void misfirePoliciesAfterDowntime_data()
    {
        QTest::addColumn<QString>("misfire");
        QTest::addColumn<int>("runs");
        // Down from 10:00 to 11:00:30: fire times 10:05 … 11:00 (12) were missed.
        QTest::newRow("skip") << "skip" << 0;
        QTest::newRow("run_once") << "run_once" << 1;
        QTest::newRow("run_all") << "run_all" << 12;
    }
    void misfirePoliciesAfterDowntime()
    {
        QFETCH(QString, misfire);
        QFETCH(int, runs);
        setUp(misfire, "2026-11-23T10:00:00Z");
        const qint64 now = ms("2026-11-23T11:01:30Z");
        ScheduleFirer::fireDue(m_ws->store(), now);
        QCOMPARE(runCount(), runs);
        // Everything up to now was considered: nothing fires again at the same time.
        ScheduleFirer::fireDue(m_ws->store(), now);
        QCOMPARE(runCount(), runs);
        QCOMPARE(
            Sql::scalar(m_ws->store().db(), QStringLiteral("SELECT last_fire_at FROM schedules"))
                .toLongLong(),
            ms("2026-11-23T11:00:00Z"));
        if (runs == 1) {
            QCOMPARE(
                Sql::scalar(m_ws->store().db(), QStringLiteral("SELECT logical_date FROM runs"))
                    .toString(),
                QStringLiteral("2026-11-23T11:00:00+00:00"));
        }
    }

    // #17: a schedule stored before import checked expressions (or one that cannot fire) is
    // looked at every second by the engine; it is reported once, not once a second.
    void aScheduleThatCannotFireIsWarnedAboutOnce_data()
    {
        QTest::addColumn<QString>("cron");
        QTest::addColumn<QString>("message");
        QTest::newRow("hour 25") << "0 25 * * *"
                                 << "hour field: '25' is out of range 0-23";
        QTest::newRow("minute 61") << "61 * * * *"
                                   << "minute field: '61' is out of range 0-59";
        QTest::newRow("step 0") << "*/0 * * * *"
                                << "step '0' in '*/0' is out of range";
        QTest::newRow("February 30") << "0 0 30 2 *"
                                     << "'0 0 30 2 *' never fires";
    }
    void aScheduleThatCannotFireIsWarnedAboutOnce()
    {
        QFETCH(QString, cron);
        QFETCH(QString, message);
        setUp(QStringLiteral("run_once"), "2026-11-23T10:00:00Z");
        Sql::exec(m_ws->store().db(), QStringLiteral("UPDATE schedules SET cron = ?"), { cron });
        auto sink = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(100);
        auto logger = std::make_shared<spdlog::logger>("firer", sink);
        const auto previous = spdlog::default_logger();
        spdlog::set_default_logger(logger);
        for (int second = 0; second < 5; ++second)
            QVERIFY(
                ScheduleFirer::fireDue(m_ws->store(), ms("2026-11-23T10:05:00Z") + second * 1000)
                    .isEmpty());
        spdlog::set_default_logger(previous);
        const auto lines = sink->last_formatted();
        QCOMPARE(lines.size(), std::size_t(1));
        QVERIFY2(QString::fromStdString(lines.front()).contains(message), lines.front().c_str());
        QCOMPARE(runCount(), 0);
    }

    void onTimeFireCreatesOneScheduledRunInTheLastEnvironment()
    {
        setUp(QStringLiteral("run_once"), "2026-11-23T10:00:00Z");
        const auto fired = ScheduleFirer::fireDue(m_ws->store(), ms("2026-11-23T10:05:20Z"));
        QCOMPARE(fired.size(), 1);
        const RunSummary r = RunService::run(m_ws->store().db(), fired[0].runId);
        QCOMPARE(r.trigger, QStringLiteral("schedule"));
        QCOMPARE(r.environment, QStringLiteral("prod"));
        QCOMPARE(r.logicalDate, QStringLiteral("2026-11-23T10:05:00+00:00"));
        QCOMPARE(toString(r.state), QStringLiteral("queued"));
        QCOMPARE(r.tasks.size(), 4);
        // The next tick inside the same 5 minutes fires nothing.
        QVERIFY(ScheduleFirer::fireDue(m_ws->store(), ms("2026-11-23T10:06:00Z")).isEmpty());
    }

    void neverTwoRunsForOneFireTimeEvenIfBookkeepingIsLost()
    {
        setUp(QStringLiteral("run_all"), "2026-11-23T10:00:00Z");
        const qint64 now = ms("2026-11-23T10:16:00Z");
        QCOMPARE(ScheduleFirer::fireDue(m_ws->store(), now).size(), 3);
        // As if an engine crashed after creating runs but its last_fire_at was lost.
        Sql::exec(m_ws->store().db(), QStringLiteral("UPDATE schedules SET last_fire_at = NULL"));
        QCOMPARE(ScheduleFirer::fireDue(m_ws->store(), now).size(), 0);
        QCOMPARE(runCount(), 3);
        // The store itself refuses a duplicate.
        QVERIFY_THROWS_EXCEPTION(
            Error,
            Sql::exec(m_ws->store().db(),
                      QStringLiteral("INSERT INTO runs (project_id, pipeline_id, "
                                     "pipeline_version_id, schedule_id, fire_time, "
                                     "created_at) SELECT project_id, pipeline_id, "
                                     "pipeline_version_id, schedule_id, fire_time, 0 FROM "
                                     "runs LIMIT 1")));
    }

    void pausedSchedulesDoNotFireAndResumeDoesNotReplay()
    {
        setUp(QStringLiteral("run_all"), "2026-11-23T10:00:00Z");
        ScheduleService::setPaused(m_ws->store(), QStringLiteral("churn"),
                                   QStringLiteral("nightly"), true, QStringLiteral("ops"));
        QVERIFY(ScheduleFirer::fireDue(m_ws->store(), ms("2026-11-23T11:00:00Z")).isEmpty());
        ScheduleService::setPaused(m_ws->store(), QStringLiteral("churn"),
                                   QStringLiteral("nightly"), false, QStringLiteral("ops"));
        // Resuming starts from now (the wall clock), so the hour of pause is not replayed.
        QVERIFY(ScheduleFirer::fireDue(m_ws->store(), ms("2026-11-23T11:00:00Z")).isEmpty());
        QCOMPARE(Sql::scalar(m_ws->store().db(),
                             QStringLiteral("SELECT count(*) FROM audit_events WHERE action IN "
                                            "('schedule.pause', 'schedule.resume')"))
                     .toInt(),
                 2);
        QVERIFY_THROWS_EXCEPTION(Error,
                                 ScheduleService::setPaused(m_ws->store(), QStringLiteral("churn"),
                                                            QStringLiteral("nope"), true, {}));
    }

    void backfillIsResumable()
    {
        setUp(QStringLiteral("run_once"), "2026-11-23T10:00:00Z");
        QTimeZone zone;
        const auto times = ScheduleService::backfillTimes(
            m_ws->store().db(), QStringLiteral("churn"), QStringLiteral("nightly"),
            QDateTime::fromString(QStringLiteral("2026-11-01T00:00:00Z"), Qt::ISODate),
            QDateTime::fromString(QStringLiteral("2026-11-01T00:30:00Z"), Qt::ISODate), &zone);
        QCOMPARE(times.size(), 7); // 00:00 … 00:30 inclusive
        bool created = false;
        const qint64 first = ScheduleService::backfillRun(
            m_ws->store(), QStringLiteral("churn"), QStringLiteral("nightly"),
            QStringLiteral("dev"), times[0], zone, QStringLiteral("ops"), &created);
        QVERIFY(created);
        const qint64 again = ScheduleService::backfillRun(
            m_ws->store(), QStringLiteral("churn"), QStringLiteral("nightly"),
            QStringLiteral("dev"), times[0], zone, QStringLiteral("ops"), &created);
        QVERIFY(!created);
        QCOMPARE(again, first);
        QCOMPARE(RunService::run(m_ws->store().db(), first).logicalDate,
                 QStringLiteral("2026-11-01T00:00:00+00:00"));
        QVERIFY_THROWS_EXCEPTION(
            Error,
            ScheduleService::backfillTimes(
                m_ws->store().db(), QStringLiteral("churn"), QStringLiteral("nightly"),
                QDateTime::fromString(QStringLiteral("2026-11-02T00:00:00Z"), Qt::ISODate),
                QDateTime::fromString(QStringLiteral("2026-11-01T00:00:00Z"), Qt::ISODate), &zone));
    }
};

QTEST_GUILESS_MAIN(TestScheduleFirer)
#include "tst_schedulefirer.moc"
