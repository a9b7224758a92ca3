#include "scheduling/backfill.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "testspecs.h"
#include "util/error.h"
#include "workspacefixture.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace Baton;
using namespace Baton::Test;

// The backfill driver behind `baton backfill` and the console's Backfill… dialog. No engine
// here: the test ends runs itself, as an engine would, and watches the driver react.
class TestBackfill : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_tmp;
    Test::WorkspaceFixture m_fixture; // before m_ws: its databases outlive the workspace
    std::unique_ptr<Workspace> m_ws;
    int m_n = 0;

    BackfillRequest request(const QString &from, const QString &to, int maxActive = 1) const
    {
        BackfillRequest r;
        r.project = QStringLiteral("churn");
        r.pipeline = QStringLiteral("nightly");
        r.from = from;
        r.to = to;
        r.maxActive = maxActive;
        r.actor = QStringLiteral("ann");
        return r;
    }
    QList<qint64> liveRuns() const
    {
        QList<qint64> ids;
        QSqlQuery q = Sql::exec(m_ws->store().db(),
                                QStringLiteral("SELECT id FROM runs WHERE state NOT IN "
                                               "('succeeded', 'failed', 'cancelled') ORDER BY id"));
        while (q.next())
            ids << q.value(0).toLongLong();
        return ids;
    }
    void end(qint64 run, const char *state)
    {
        Sql::exec(m_ws->store().db(), QStringLiteral("UPDATE runs SET state = ? WHERE id = ?"),
                  { QString::fromLatin1(state), run });
    }

private Q_SLOTS:
    void init()
    {
        m_ws = m_fixture.another(m_tmp.filePath(QString::number(++m_n)));
        ProjectSpec p = churnProject(); // nightly: 0 2 * * * Europe/Paris
        ProjectWriter::apply(m_ws->store(), { p }, QStringLiteral("t"));
    }
    void cleanup() { m_ws.reset(); }

    void planListsFireTimesInTheScheduleZone()
    {
        const BackfillPlan plan
            = Backfill::plan(m_ws->store().db(),
                             request(QStringLiteral("2026-03-01"), QStringLiteral("2026-03-03")));
        QCOMPARE(plan.times.size(), 3);
        QCOMPARE(QString::fromUtf8(plan.zone.id()), QStringLiteral("Europe/Paris"));
        QCOMPARE(
            QDateTime::fromMSecsSinceEpoch(plan.times.first(), plan.zone).toString(Qt::ISODate),
            QStringLiteral("2026-03-01T02:00:00+01:00"));
        QCOMPARE(plan.environment, QStringLiteral("prod")); // the schedule's: the last one
    }

    void planNamesTheBadField_data()
    {
        QTest::addColumn<QString>("pipeline");
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<int>("maxActive");
        QTest::addColumn<QString>("error");
        QTest::newRow("from") << "nightly"
                              << "yesterday"
                              << "2026-03-03" << 1 << "from: 'yesterday' is not a date";
        QTest::newRow("to") << "nightly"
                            << "2026-03-01"
                            << "2026-13-40" << 1 << "to: '2026-13-40' is not a date";
        QTest::newRow("reversed") << "nightly"
                                  << "2026-03-05"
                                  << "2026-03-01" << 1 << "empty or reversed";
        QTest::newRow("max active")
            << "nightly"
            << "2026-03-01"
            << "2026-03-02" << 0 << "max_active: expected a whole number ≥ 1";
        QTest::newRow("no pipeline") << "weekly"
                                     << "2026-03-01"
                                     << "2026-03-02" << 1 << "no pipeline churn/weekly";
    }
    void planNamesTheBadField()
    {
        QFETCH(QString, pipeline);
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(int, maxActive);
        QFETCH(QString, error);
        BackfillRequest r = request(from, to, maxActive);
        r.pipeline = pipeline;
        try {
            Backfill::plan(m_ws->store().db(), r);
            QFAIL("accepted");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(error), qPrintable(e.message()));
        }
        QCOMPARE(
            Sql::scalar(m_ws->store().db(), QStringLiteral("SELECT count(*) FROM runs")).toInt(),
            0);
    }

    // At most maxActive at once; the next run is created as one ends; progress counts them.
    void keepsMaxActiveAndReportsProgress()
    {
        const BackfillPlan plan = Backfill::plan(
            m_ws->store().db(),
            request(QStringLiteral("2026-03-01"), QStringLiteral("2026-03-03"), 2));
        Backfill backfill(&m_ws->store(), plan);
        QSignalSpy finished(&backfill, &Backfill::finished);
        backfill.start(10);
        QCOMPARE(backfill.progress().created, 2);
        QCOMPARE(backfill.progress().active, 2);
        QCOMPARE(liveRuns().size(), 2);
        end(liveRuns().first(), "succeeded");
        QTRY_COMPARE(backfill.progress().created, 3);
        QCOMPARE(backfill.progress().finished, 1);
        QCOMPARE(liveRuns().size(), 2);
        const QList<qint64> live = liveRuns();
        end(live.at(0), "failed");
        end(live.at(1), "succeeded");
        QVERIFY(finished.wait());
        const BackfillProgress p = backfill.progress();
        QCOMPARE(p.total, 3);
        QCOMPARE(p.finished, 3);
        QCOMPARE(p.failed, 1);
        QCOMPARE(p.active, 0);
        QVERIFY(!p.cancelled);
        QCOMPARE(Sql::scalar(m_ws->store().db(),
                             QStringLiteral("SELECT count(*) FROM runs WHERE trigger = "
                                            "'backfill'"))
                     .toInt(),
                 3);
    }

    // Cancel: no more runs are created and the live ones are asked to stop (audited).
    void cancelStopsCreatingAndCancelsLiveRuns()
    {
        const BackfillPlan plan
            = Backfill::plan(m_ws->store().db(),
                             request(QStringLiteral("2026-03-01"), QStringLiteral("2026-03-10")));
        Backfill backfill(&m_ws->store(), plan);
        QSignalSpy finished(&backfill, &Backfill::finished);
        backfill.start(10);
        QCOMPARE(backfill.progress().created, 1);
        backfill.cancel();
        QCOMPARE(finished.size(), 1);
        QVERIFY(backfill.progress().cancelled);
        end(liveRuns().first(), "cancelled");
        QTest::qWait(50);
        QCOMPARE(
            Sql::scalar(m_ws->store().db(), QStringLiteral("SELECT count(*) FROM runs")).toInt(),
            1);
        QVERIFY(Sql::scalar(m_ws->store().db(),
                            QStringLiteral("SELECT count(*) FROM audit_events WHERE action LIKE "
                                           "'%cancel%'"))
                    .toInt()
                >= 1);
    }

    // An interrupted backfill picks up its runs instead of creating them twice.
    void resumesExistingRuns()
    {
        const BackfillPlan plan
            = Backfill::plan(m_ws->store().db(),
                             request(QStringLiteral("2026-03-01"), QStringLiteral("2026-03-02")));
        {
            Backfill first(&m_ws->store(), plan);
            first.start(10);
            QCOMPARE(first.progress().created, 1);
        }
        end(liveRuns().first(), "succeeded");
        Backfill second(&m_ws->store(), plan);
        QSignalSpy finished(&second, &Backfill::finished);
        second.start(10);
        QCOMPARE(second.progress().resumed, 1);
        QTRY_COMPARE(second.progress().created, 2); // the reused one had ended: the next
        QCOMPARE(second.progress().resumed, 1);
        end(liveRuns().first(), "succeeded");
        QVERIFY(finished.wait());
        QCOMPARE(second.progress().finished, 2);
        QCOMPARE(
            Sql::scalar(m_ws->store().db(), QStringLiteral("SELECT count(*) FROM runs")).toInt(),
            2);
    }
};

QTEST_GUILESS_MAIN(TestBackfill)
#include "tst_backfill.moc"
