#include "scheduling/scheduleservice.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "testspecs.h"
#include "util/error.h"
#include "workspacefixture.h"

#include <QTest>
#include <QTimeZone>

using namespace Baton;
using namespace Baton::Test;

// Pausing and resuming schedules, and the fire times and runs of a backfill: what `baton
// schedule` and `baton backfill` (and the console's dialogs) ask for.
class TestScheduleService : public QObject
{
    Q_OBJECT
private:
    WorkspaceFixture m_fx;

    QSqlDatabase db() const { return m_fx.db(); }

    int count(const char *table) const
    {
        return Sql::scalar(db(), QStringLiteral("SELECT count(*) FROM ") + QLatin1String(table))
            .toInt();
    }

    static QDateTime utc(const char *iso)
    {
        return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate);
    }

private Q_SLOTS:
    void init()
    {
        m_fx.renew();
        ProjectSpec p = churnProject(); // nightly: "0 2 * * *", Europe/Paris
        PipelineSpec adhoc;
        adhoc.name = QStringLiteral("adhoc");
        adhoc.tasks << task(QStringLiteral("extract"));
        p.pipelines << adhoc;
        ProjectWriter::apply(m_fx.store(), { p }, QStringLiteral("tester"));
    }

    void listShowsZoneAndNextFires()
    {
        const QList<ScheduleInfo> list = ScheduleService::list(db(), 2);
        QCOMPARE(list.size(), 1); // adhoc has no schedule
        const ScheduleInfo &s = list.first();
        QCOMPARE(s.project, QStringLiteral("churn"));
        QCOMPARE(s.pipeline, QStringLiteral("nightly"));
        QCOMPARE(s.cron, QStringLiteral("0 2 * * *"));
        QCOMPARE(s.effectiveZone, QStringLiteral("Europe/Paris"));
        QVERIFY(!s.paused);
        QVERIFY(s.error.isEmpty());
        QCOMPARE(s.next.size(), 2);
        for (const QDateTime &d : s.next) {
            QCOMPARE(d.timeZone().id(), QByteArray("Europe/Paris"));
            QCOMPARE(d.time(), QTime(2, 0));
        }
        QCOMPARE(s.next.at(0).daysTo(s.next.at(1)), 1);
    }

    void pauseAndResumeAreAudited()
    {
        ScheduleService::setPaused(m_fx.store(), QStringLiteral("churn"), QStringLiteral("nightly"),
                                   true, QStringLiteral("ops"));
        QVERIFY(ScheduleService::list(db()).first().paused);
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        ScheduleService::setPaused(m_fx.store(), QStringLiteral("churn"), QStringLiteral("nightly"),
                                   false, QStringLiteral("ops"));
        const ScheduleInfo s = ScheduleService::list(db()).first();
        QVERIFY(!s.paused);
        // Resuming does not replay what was missed while paused: handled up to now.
        QVERIFY(s.lastFireAt >= before);
        QSqlQuery q
            = Sql::exec(db(),
                        QStringLiteral("SELECT action, actor, object_name, before, after "
                                       "FROM audit_events WHERE action IN "
                                       "('schedule.pause', 'schedule.resume') ORDER BY id"));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("schedule.pause"));
        QCOMPARE(q.value(1).toString(), QStringLiteral("ops"));
        QCOMPARE(q.value(2).toString(), QStringLiteral("churn/nightly"));
        QCOMPARE(q.value(3).toString(), QStringLiteral("{\"paused\":false}"));
        QCOMPARE(q.value(4).toString(), QStringLiteral("{\"paused\":true}"));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("schedule.resume"));
    }

    void refusals_data()
    {
        QTest::addColumn<QString>("project");
        QTest::addColumn<QString>("pipeline");
        QTest::addColumn<QString>("error");
        QTest::newRow("no pipeline") << "churn"
                                     << "weekly"
                                     << "no pipeline churn/weekly";
        QTest::newRow("no project") << "shop"
                                    << "nightly"
                                    << "no pipeline shop/nightly";
        QTest::newRow("no schedule") << "churn"
                                     << "adhoc"
                                     << "pipeline churn/adhoc has no schedule";
    }
    void refusals()
    {
        QFETCH(QString, project);
        QFETCH(QString, pipeline);
        QFETCH(QString, error);
        const int audits = count("audit_events");
        try {
            ScheduleService::setPaused(m_fx.store(), project, pipeline, true, "ops");
            QFAIL("paused");
        } catch (const Error &e) {
            QCOMPARE(e.message(), error);
        }
        QCOMPARE(count("audit_events"), audits);
        QTimeZone zone;
        QVERIFY_THROWS_EXCEPTION(
            Error,
            ScheduleService::backfillTimes(db(), project, pipeline, utc("2026-11-01T00:00:00Z"),
                                           utc("2026-11-03T00:00:00Z"), &zone));
    }

    void backfillTimesInTheScheduleZone()
    {
        QTimeZone zone;
        // 02:00 Paris is 01:00 UTC in November; `from` itself fires when it is a fire time.
        const QList<qint64> times = ScheduleService::backfillTimes(
            db(), QStringLiteral("churn"), QStringLiteral("nightly"), utc("2026-11-01T01:00:00Z"),
            utc("2026-11-03T01:00:00Z"), &zone);
        QCOMPARE(zone.id(), QByteArray("Europe/Paris"));
        QCOMPARE(times,
                 (QList<qint64> { utc("2026-11-01T01:00:00Z").toMSecsSinceEpoch(),
                                  utc("2026-11-02T01:00:00Z").toMSecsSinceEpoch(),
                                  utc("2026-11-03T01:00:00Z").toMSecsSinceEpoch() }));
        // Spring forward (28 March 2027): 02:00 does not exist in Paris; as cronie does (README,
        // Schedules), it fires once at the first minute after the gap, 03:00+02:00. The next day
        // 02:00 Paris is 00:00 UTC.
        const QList<qint64> summer = ScheduleService::backfillTimes(
            db(), QStringLiteral("churn"), QStringLiteral("nightly"), utc("2027-03-28T00:00:00Z"),
            utc("2027-03-29T23:59:59Z"), &zone);
        QCOMPARE(summer,
                 (QList<qint64> { utc("2027-03-28T01:00:00Z").toMSecsSinceEpoch(),
                                  utc("2027-03-29T00:00:00Z").toMSecsSinceEpoch() }));

        try {
            ScheduleService::backfillTimes(db(), QStringLiteral("churn"), QStringLiteral("nightly"),
                                           utc("2026-11-03T00:00:00Z"), utc("2026-11-01T00:00:00Z"),
                                           &zone);
            QFAIL("a reversed range");
        } catch (const Error &e) {
            QVERIFY2(e.message().startsWith(QLatin1String("backfill range is empty or reversed")),
                     qPrintable(e.message()));
        }
    }

    // An interrupted backfill resumes: the same fire time in the same environment is one run.
    void backfillRunIsMadeOnce()
    {
        const QTimeZone paris("Europe/Paris");
        const qint64 fire = utc("2026-11-02T01:00:00Z").toMSecsSinceEpoch();
        bool created = false;
        const qint64 first = ScheduleService::backfillRun(
            m_fx.store(), QStringLiteral("churn"), QStringLiteral("nightly"),
            QStringLiteral("staging"), fire, paris, QStringLiteral("ops"), &created);
        QVERIFY(created);
        QSqlQuery q = Sql::exec(db(),
                                QStringLiteral("SELECT trigger, logical_date, fire_time FROM runs "
                                               "WHERE id = ?"),
                                { first });
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("backfill"));
        QCOMPARE(q.value(1).toString(), QStringLiteral("2026-11-02T02:00:00+01:00"));
        QCOMPARE(q.value(2).toLongLong(), fire);

        const qint64 again = ScheduleService::backfillRun(
            m_fx.store(), QStringLiteral("churn"), QStringLiteral("nightly"),
            QStringLiteral("staging"), fire, paris, QStringLiteral("ops"), &created);
        QVERIFY(!created);
        QCOMPARE(again, first);
        // Another environment is another run.
        const qint64 prod = ScheduleService::backfillRun(
            m_fx.store(), QStringLiteral("churn"), QStringLiteral("nightly"),
            QStringLiteral("prod"), fire, paris, QStringLiteral("ops"), &created);
        QVERIFY(created);
        QVERIFY(prod != first);
        QCOMPARE(count("runs"), 2);
    }
};

QTEST_GUILESS_MAIN(TestScheduleService)
#include "tst_scheduleservice.moc"
