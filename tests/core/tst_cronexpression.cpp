#include "scheduling/cronexpression.h"

#include <QElapsedTimer>
#include <QTest>

using namespace Baton;

namespace {

QDateTime iso(const QString &text)
{
    const QDateTime dt = QDateTime::fromString(text, Qt::ISODate);
    if (!dt.isValid())
        qFatal("bad ISO date in test data: %s", qPrintable(text));
    return dt;
}

QStringList isoStrings(const QList<QDateTime> &times)
{
    QStringList result;
    for (const QDateTime &t : times)
        result << t.toString(Qt::ISODate);
    return result;
}

CronExpression parsed(const QString &text)
{
    QString error;
    const auto cron = CronExpression::parse(text, &error);
    if (!cron)
        qFatal("cannot parse '%s': %s", qPrintable(text), qPrintable(error));
    return *cron;
}

} // namespace

class TestCronExpression : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void fireTimes_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QString>("zone");
        QTest::addColumn<QString>("from");
        QTest::addColumn<QStringList>("expected");

        const QString utc = QStringLiteral("UTC");
        const QString paris = QStringLiteral("Europe/Paris");
        const QString newYork = QStringLiteral("America/New_York");
        // 2026-01-01 is a Thursday.
        const QString jan1 = QStringLiteral("2026-01-01T00:00:00Z");

        // Syntax elements.
        QTest::newRow("every minute")
            << "* * * * *" << utc << jan1
            << QStringList { "2026-01-01T00:01:00+00:00", "2026-01-01T00:02:00+00:00",
                             "2026-01-01T00:03:00+00:00" };
        QTest::newRow("list") << "0 1,5,10 * * *" << utc << jan1
                              << QStringList { "2026-01-01T01:00:00+00:00",
                                               "2026-01-01T05:00:00+00:00",
                                               "2026-01-01T10:00:00+00:00",
                                               "2026-01-02T01:00:00+00:00" };
        QTest::newRow("range") << "15 1-3 * * *" << utc << jan1
                               << QStringList { "2026-01-01T01:15:00+00:00",
                                                "2026-01-01T02:15:00+00:00",
                                                "2026-01-01T03:15:00+00:00",
                                                "2026-01-02T01:15:00+00:00" };
        QTest::newRow("step */15")
            << "*/15 * * * *" << utc << jan1
            << QStringList { "2026-01-01T00:15:00+00:00", "2026-01-01T00:30:00+00:00",
                             "2026-01-01T00:45:00+00:00", "2026-01-01T01:00:00+00:00" };
        QTest::newRow("range step 5-59/20")
            << "5-59/20 * * * *" << utc << jan1
            << QStringList { "2026-01-01T00:05:00+00:00", "2026-01-01T00:25:00+00:00",
                             "2026-01-01T00:45:00+00:00", "2026-01-01T01:05:00+00:00" };
        QTest::newRow("value step 10/25 = 10-59/25")
            << "10/25 * * * *" << utc << jan1
            << QStringList { "2026-01-01T00:10:00+00:00", "2026-01-01T00:35:00+00:00",
                             "2026-01-01T01:10:00+00:00" };
        QTest::newRow("hour step")
            << "0 */6 * * *" << utc << jan1
            << QStringList { "2026-01-01T06:00:00+00:00", "2026-01-01T12:00:00+00:00",
                             "2026-01-01T18:00:00+00:00", "2026-01-02T00:00:00+00:00" };
        QTest::newRow("mixed list of range, step, value")
            << "0 1-2,*/10,23 * * *" << utc << jan1
            << QStringList { "2026-01-01T01:00:00+00:00", "2026-01-01T02:00:00+00:00",
                             "2026-01-01T10:00:00+00:00", "2026-01-01T20:00:00+00:00",
                             "2026-01-01T23:00:00+00:00", "2026-01-02T00:00:00+00:00" };
        QTest::newRow("month name range")
            << "0 0 1 jan-mar *" << utc << jan1
            << QStringList { "2026-02-01T00:00:00+00:00", "2026-03-01T00:00:00+00:00",
                             "2027-01-01T00:00:00+00:00" };
        QTest::newRow("month names, any case")
            << "0 0 1 JUN,Dec *" << utc << jan1
            << QStringList { "2026-06-01T00:00:00+00:00", "2026-12-01T00:00:00+00:00",
                             "2027-06-01T00:00:00+00:00" };
        QTest::newRow("weekday name range")
            << "0 9 * * mon-fri" << utc << jan1
            << QStringList { "2026-01-01T09:00:00+00:00", "2026-01-02T09:00:00+00:00",
                             "2026-01-05T09:00:00+00:00", "2026-01-06T09:00:00+00:00" };
        QTest::newRow("weekday names, any case")
            << "0 9 * * Sat,SUN" << utc << jan1
            << QStringList { "2026-01-03T09:00:00+00:00", "2026-01-04T09:00:00+00:00",
                             "2026-01-10T09:00:00+00:00" };
        QTest::newRow("0 is Sunday")
            << "0 0 * * 0" << utc << jan1
            << QStringList { "2026-01-04T00:00:00+00:00", "2026-01-11T00:00:00+00:00" };
        QTest::newRow("7 is Sunday")
            << "0 0 * * 7" << utc << jan1
            << QStringList { "2026-01-04T00:00:00+00:00", "2026-01-11T00:00:00+00:00" };
        QTest::newRow("range ending on 7")
            << "0 0 * * 5-7" << utc << jan1
            << QStringList { "2026-01-02T00:00:00+00:00", "2026-01-03T00:00:00+00:00",
                             "2026-01-04T00:00:00+00:00", "2026-01-09T00:00:00+00:00" };
        QTest::newRow("fri-sun wraps to Sunday")
            << "0 0 * * fri-sun" << utc << jan1
            << QStringList { "2026-01-02T00:00:00+00:00", "2026-01-03T00:00:00+00:00",
                             "2026-01-04T00:00:00+00:00", "2026-01-09T00:00:00+00:00" };
        QTest::newRow("tabs and runs of spaces")
            << "\t0\t9   * *\tmon " << utc << jan1
            << QStringList { "2026-01-05T09:00:00+00:00", "2026-01-12T09:00:00+00:00" };

        // Macros.
        QTest::newRow("@yearly") << "@yearly" << utc << jan1
                                 << QStringList { "2027-01-01T00:00:00+00:00",
                                                  "2028-01-01T00:00:00+00:00" };
        QTest::newRow("@annually")
            << "@annually" << utc << jan1
            << QStringList { "2027-01-01T00:00:00+00:00", "2028-01-01T00:00:00+00:00" };
        QTest::newRow("@monthly") << "@monthly" << utc << jan1
                                  << QStringList { "2026-02-01T00:00:00+00:00",
                                                   "2026-03-01T00:00:00+00:00" };
        QTest::newRow("@weekly (Sundays)")
            << "@weekly" << utc << jan1
            << QStringList { "2026-01-04T00:00:00+00:00", "2026-01-11T00:00:00+00:00" };
        QTest::newRow("@daily") << "@daily" << utc << jan1
                                << QStringList { "2026-01-02T00:00:00+00:00",
                                                 "2026-01-03T00:00:00+00:00" };
        QTest::newRow("@midnight")
            << "@midnight" << utc << jan1
            << QStringList { "2026-01-02T00:00:00+00:00", "2026-01-03T00:00:00+00:00" };
        QTest::newRow("@hourly") << "@hourly" << utc << jan1
                                 << QStringList { "2026-01-01T01:00:00+00:00",
                                                  "2026-01-01T02:00:00+00:00" };
        QTest::newRow("@DAILY") << "@DAILY" << utc << jan1
                                << QStringList { "2026-01-02T00:00:00+00:00" };

        // Day-of-month and day-of-week.
        QTest::newRow("dom OR dow when both restricted")
            << "0 0 13 * fri" << utc << jan1
            << QStringList { "2026-01-02T00:00:00+00:00", "2026-01-09T00:00:00+00:00",
                             "2026-01-13T00:00:00+00:00", // a Tuesday
                             "2026-01-16T00:00:00+00:00", "2026-01-23T00:00:00+00:00",
                             "2026-01-30T00:00:00+00:00", "2026-02-06T00:00:00+00:00",
                             "2026-02-13T00:00:00+00:00", // a Friday the 13th, once
                             "2026-02-20T00:00:00+00:00" };
        QTest::newRow("dom only when dow is *")
            << "0 0 13 * *" << utc << jan1
            << QStringList { "2026-01-13T00:00:00+00:00", "2026-02-13T00:00:00+00:00" };
        QTest::newRow("dow only when dom is *")
            << "0 0 * * fri" << utc << jan1
            << QStringList { "2026-01-02T00:00:00+00:00", "2026-01-09T00:00:00+00:00" };
        QTest::newRow("dow */2 counts as * (AND)") << "0 0 13 * */2" << utc << jan1
                                                   << QStringList {
                                                          "2026-01-13T00:00:00+00:00", // Tuesday
                                                          "2026-06-13T00:00:00+00:00"
                                                      }; // Saturday; Feb-May 13ths are odd weekdays
        QTest::newRow("Feb 30 OR Mondays fires on Mondays")
            << "0 0 30 2 mon" << utc << QStringLiteral("2026-02-01T00:00:00Z")
            << QStringList { "2026-02-02T00:00:00+00:00", "2026-02-09T00:00:00+00:00" };
        QTest::newRow("leap day") << "0 0 29 2 *" << utc << jan1
                                  << QStringList { "2028-02-29T00:00:00+00:00",
                                                   "2032-02-29T00:00:00+00:00" };
        QTest::newRow("leap day across 2100 (8 years)")
            << "0 12 29 2 *" << utc << QStringLiteral("2097-01-01T00:00:00Z")
            << QStringList { "2104-02-29T12:00:00+00:00" };
        QTest::newRow("31st skips short months")
            << "0 0 31 * *" << utc << jan1
            << QStringList { "2026-01-31T00:00:00+00:00", "2026-03-31T00:00:00+00:00",
                             "2026-05-31T00:00:00+00:00" };
        QTest::newRow("year rollover")
            << "59 23 31 12 *" << utc << QStringLiteral("2026-12-31T23:59:00Z")
            << QStringList { "2027-12-31T23:59:00+00:00" };

        // Zones without DST, other offsets.
        QTest::newRow("Asia/Kolkata +05:30")
            << "0 9 * * *"
            << "Asia/Kolkata" << jan1
            << QStringList { "2026-01-01T09:00:00+05:30", "2026-01-02T09:00:00+05:30" };
        QTest::newRow("from is converted to the zone")
            << "0 0 * * *" << paris << QStringLiteral("2026-01-01T22:59:00Z")
            << QStringList { "2026-01-02T00:00:00+01:00" };

        // Europe/Paris spring forward: 2026-03-29 02:00 CET -> 03:00 CEST.
        QTest::newRow("Paris spring, fixed 30 2: once at 03:00")
            << "30 2 * * *" << paris << QStringLiteral("2026-03-27T12:00:00+01:00")
            << QStringList { "2026-03-28T02:30:00+01:00", "2026-03-29T03:00:00+02:00",
                             "2026-03-30T02:30:00+02:00" };
        QTest::newRow("Paris spring, two fixed times in the gap fire once")
            << "0,30 2 * * *" << paris << QStringLiteral("2026-03-29T01:00:00+01:00")
            << QStringList { "2026-03-29T03:00:00+02:00", "2026-03-30T02:00:00+02:00" };
        QTest::newRow("Paris spring, fixed at the gap end fires once")
            << "30 2,3 * * *" << paris << QStringLiteral("2026-03-29T01:00:00+01:00")
            << QStringList { "2026-03-29T03:00:00+02:00", "2026-03-29T03:30:00+02:00",
                             "2026-03-30T02:30:00+02:00" };
        QTest::newRow("Paris spring, from the gap end")
            << "30 2 * * *" << paris << QStringLiteral("2026-03-29T03:00:00+02:00")
            << QStringList { "2026-03-30T02:30:00+02:00" };
        QTest::newRow("Paris spring, hourly skips the missing hour")
            << "0 * * * *" << paris << QStringLiteral("2026-03-29T00:30:00+01:00")
            << QStringList { "2026-03-29T01:00:00+01:00", "2026-03-29T03:00:00+02:00",
                             "2026-03-29T04:00:00+02:00" };
        QTest::newRow("Paris spring, quarter-hourly by elapsed time")
            << "*/15 * * * *" << paris << QStringLiteral("2026-03-29T01:30:00+01:00")
            << QStringList { "2026-03-29T01:45:00+01:00", "2026-03-29T03:00:00+02:00",
                             "2026-03-29T03:15:00+02:00" };
        QTest::newRow("Paris spring, wildcard minute in hour 2 does not fire")
            << "*/30 2 * * *" << paris << QStringLiteral("2026-03-28T23:00:00+01:00")
            << QStringList { "2026-03-30T02:00:00+02:00", "2026-03-30T02:30:00+02:00" };

        // Europe/Paris fall back: 2026-10-25 03:00 CEST -> 02:00 CET.
        QTest::newRow("Paris fall, fixed 30 2: first occurrence only")
            << "30 2 * * *" << paris << QStringLiteral("2026-10-24T12:00:00+02:00")
            << QStringList { "2026-10-25T02:30:00+02:00", "2026-10-26T02:30:00+01:00" };
        QTest::newRow("Paris fall, from inside the repeated hour")
            << "30 2 * * *" << paris << QStringLiteral("2026-10-25T02:10:00+01:00")
            << QStringList { "2026-10-26T02:30:00+01:00" };
        QTest::newRow("Paris fall, fixed hour range")
            << "0 1-3 * * *" << paris << QStringLiteral("2026-10-25T00:00:00+02:00")
            << QStringList { "2026-10-25T01:00:00+02:00", "2026-10-25T02:00:00+02:00",
                             "2026-10-25T03:00:00+01:00", "2026-10-26T01:00:00+01:00" };
        QTest::newRow("Paris fall, hourly fires in both occurrences")
            << "0 * * * *" << paris << QStringLiteral("2026-10-25T00:30:00+02:00")
            << QStringList { "2026-10-25T01:00:00+02:00", "2026-10-25T02:00:00+02:00",
                             "2026-10-25T02:00:00+01:00", "2026-10-25T03:00:00+01:00" };
        QTest::newRow("Paris fall, quarter-hourly every real 15 minutes")
            << "*/15 * * * *" << paris << QStringLiteral("2026-10-25T02:30:00+02:00")
            << QStringList { "2026-10-25T02:45:00+02:00", "2026-10-25T02:00:00+01:00",
                             "2026-10-25T02:15:00+01:00", "2026-10-25T02:30:00+01:00",
                             "2026-10-25T02:45:00+01:00", "2026-10-25T03:00:00+01:00" };
        QTest::newRow("Paris fall, wildcard minute in hour 2 fires twice")
            << "*/30 2 * * *" << paris << QStringLiteral("2026-10-25T00:00:00+02:00")
            << QStringList { "2026-10-25T02:00:00+02:00", "2026-10-25T02:30:00+02:00",
                             "2026-10-25T02:00:00+01:00", "2026-10-25T02:30:00+01:00",
                             "2026-10-26T02:00:00+01:00" };

        // America/New_York spring forward: 2026-03-08 02:00 EST -> 03:00 EDT.
        QTest::newRow("New York spring, fixed 30 2: once at 03:00")
            << "30 2 * * *" << newYork << QStringLiteral("2026-03-07T12:00:00-05:00")
            << QStringList { "2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00" };
        QTest::newRow("New York spring, hourly skips the missing hour")
            << "0 * * * *" << newYork << QStringLiteral("2026-03-08T00:30:00-05:00")
            << QStringList { "2026-03-08T01:00:00-05:00", "2026-03-08T03:00:00-04:00",
                             "2026-03-08T04:00:00-04:00" };
        QTest::newRow("New York spring, quarter-hourly")
            << "*/15 * * * *" << newYork << QStringLiteral("2026-03-08T01:30:00-05:00")
            << QStringList { "2026-03-08T01:45:00-05:00", "2026-03-08T03:00:00-04:00" };

        // America/New_York fall back: 2026-11-01 02:00 EDT -> 01:00 EST (01:xx repeats).
        QTest::newRow("New York fall, fixed 30 2 is not repeated")
            << "30 2 * * *" << newYork << QStringLiteral("2026-10-31T12:00:00-04:00")
            << QStringList { "2026-11-01T02:30:00-05:00", "2026-11-02T02:30:00-05:00" };
        QTest::newRow("New York fall, fixed 30 1: first occurrence only")
            << "30 1 * * *" << newYork << QStringLiteral("2026-10-31T12:00:00-04:00")
            << QStringList { "2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00" };
        QTest::newRow("New York fall, hourly fires in both occurrences")
            << "0 * * * *" << newYork << QStringLiteral("2026-11-01T00:30:00-04:00")
            << QStringList { "2026-11-01T01:00:00-04:00", "2026-11-01T01:00:00-05:00",
                             "2026-11-01T02:00:00-05:00" };
        QTest::newRow("New York fall, quarter-hourly")
            << "*/15 * * * *" << newYork << QStringLiteral("2026-11-01T01:30:00-04:00")
            << QStringList { "2026-11-01T01:45:00-04:00", "2026-11-01T01:00:00-05:00",
                             "2026-11-01T01:15:00-05:00" };
    }

    void fireTimes()
    {
        QFETCH(QString, expression);
        QFETCH(QString, zone);
        QFETCH(QString, from);
        QFETCH(QStringList, expected);

        const QTimeZone tz(zone.toUtf8());
        QVERIFY2(tz.isValid(), qPrintable(zone));
        const CronExpression cron = parsed(expression);

        const QList<QDateTime> times = cron.nextN(iso(from), tz, int(expected.size()));
        QCOMPARE(isoStrings(times), expected);
        for (const QDateTime &t : times)
            QCOMPARE(t.timeZone(), tz);

        // next() one step at a time agrees with nextN() (which reuses its zone lookups).
        QDateTime after = iso(from);
        QStringList stepped;
        for (qsizetype i = 0; i < expected.size(); ++i) {
            const auto t = cron.next(after, tz);
            QVERIFY(t.has_value());
            stepped << t->toString(Qt::ISODate);
            after = *t;
        }
        QCOMPARE(stepped, expected);
    }

    void neverFires_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::newRow("Feb 30") << "0 0 30 2 *";
        QTest::newRow("Feb 31") << "0 0 31 feb *";
        QTest::newRow("31st of 30-day months") << "0 0 31 4,6,9,11 *";
        QTest::newRow("Feb 30 on Mondays (AND: dom is restricted, dow */1 is *)") << "0 0 30 2 */1";
    }
    void neverFires()
    {
        QFETCH(QString, expression);
        const CronExpression cron = parsed(expression);
        const QTimeZone paris("Europe/Paris");
        const QDateTime from = iso(QStringLiteral("2026-01-01T00:00:00Z"));
        QVERIFY(!cron.next(from, paris).has_value());
        QVERIFY(cron.nextN(from, paris, 3).isEmpty());
        QVERIFY(cron.between(from, from.addYears(20), paris).isEmpty());
    }

    void nextIsStrictlyAfter()
    {
        const CronExpression cron = parsed(QStringLiteral("*/5 * * * *"));
        const QTimeZone utc("UTC");
        QCOMPARE(cron.next(iso(QStringLiteral("2026-01-01T10:05:00Z")), utc)->toString(Qt::ISODate),
                 QStringLiteral("2026-01-01T10:10:00+00:00"));
        const QDateTime justAfter = iso(QStringLiteral("2026-01-01T10:05:00Z")).addMSecs(1);
        QCOMPARE(cron.next(justAfter, utc)->toString(Qt::ISODate),
                 QStringLiteral("2026-01-01T10:10:00+00:00"));
        const QDateTime justBefore = iso(QStringLiteral("2026-01-01T10:05:00Z")).addMSecs(-1);
        QCOMPARE(cron.next(justBefore, utc)->toString(Qt::ISODate),
                 QStringLiteral("2026-01-01T10:05:00+00:00"));
        QVERIFY(!cron.next(QDateTime(), utc).has_value());
        QVERIFY(!cron.next(justAfter, QTimeZone()).has_value());
    }

    void offsetInIsoString()
    {
        const CronExpression cron = parsed(QStringLiteral("30 2 * * *"));
        const QTimeZone paris("Europe/Paris");
        const auto t = cron.next(iso(QStringLiteral("2026-03-29T00:00:00Z")), paris);
        QVERIFY(t.has_value());
        QCOMPARE(t->toString(Qt::ISODate), QStringLiteral("2026-03-29T03:00:00+02:00"));
        QCOMPARE(t->timeZone(), paris);
        QCOMPARE(t->toUTC(), iso(QStringLiteral("2026-03-29T01:00:00Z")));
    }

    void between_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QString>("zone");
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<int>("limit");
        QTest::addColumn<int>("count");
        QTest::addColumn<QString>("first");
        QTest::addColumn<QString>("last");

        QTest::newRow("(from, to]: from excluded, to included")
            << "0 */6 * * *"
            << "UTC"
            << "2026-01-01T00:00:00Z"
            << "2026-01-02T00:00:00Z" << 100 << 4 << "2026-01-01T06:00:00+00:00"
            << "2026-01-02T00:00:00+00:00";
        QTest::newRow("limit") << "0 */6 * * *"
                               << "UTC"
                               << "2026-01-01T00:00:00Z"
                               << "2026-01-02T00:00:00Z" << 2 << 2 << "2026-01-01T06:00:00+00:00"
                               << "2026-01-01T12:00:00+00:00";
        QTest::newRow("empty window") << "0 0 * * *"
                                      << "UTC"
                                      << "2026-01-01T00:01:00Z"
                                      << "2026-01-01T23:59:00Z" << 100 << 0 << ""
                                      << "";
        QTest::newRow("reversed window") << "* * * * *"
                                         << "UTC"
                                         << "2026-01-02T00:00:00Z"
                                         << "2026-01-01T00:00:00Z" << 100 << 0 << ""
                                         << "";
        // 00:00+02:00 to 04:00+01:00 is 5 real hours.
        QTest::newRow("Paris fall back, quarter-hourly: 20 in 5 real hours")
            << "*/15 * * * *"
            << "Europe/Paris"
            << "2026-10-25T00:00:00+02:00"
            << "2026-10-25T04:00:00+01:00" << 100 << 20 << "2026-10-25T00:15:00+02:00"
            << "2026-10-25T04:00:00+01:00";
        // 00:00+01:00 to 04:00+02:00 is 3 real hours.
        QTest::newRow("Paris spring forward, quarter-hourly: 12 in 3 real hours")
            << "*/15 * * * *"
            << "Europe/Paris"
            << "2026-03-29T00:00:00+01:00"
            << "2026-03-29T04:00:00+02:00" << 100 << 12 << "2026-03-29T00:15:00+01:00"
            << "2026-03-29T04:00:00+02:00";
        QTest::newRow("Paris, daily over a year: once a day through both transitions")
            << "30 2 * * *"
            << "Europe/Paris"
            << "2026-01-01T00:00:00+01:00"
            << "2027-01-01T00:00:00+01:00" << 1000 << 365 << "2026-01-01T02:30:00+01:00"
            << "2026-12-31T02:30:00+01:00";
        QTest::newRow("New York, hourly over a year: 8760 real hours")
            << "0 * * * *"
            << "America/New_York"
            << "2026-01-01T00:00:00-05:00"
            << "2027-01-01T00:00:00-05:00" << 100000 << 8760 << "2026-01-01T01:00:00-05:00"
            << "2027-01-01T00:00:00-05:00";
        QTest::newRow("leap days over 20 years")
            << "0 0 29 2 *"
            << "UTC"
            << "2026-01-01T00:00:00Z"
            << "2046-01-01T00:00:00Z" << 100 << 5 << "2028-02-29T00:00:00+00:00"
            << "2044-02-29T00:00:00+00:00";
    }
    void between()
    {
        QFETCH(QString, expression);
        QFETCH(QString, zone);
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(int, limit);
        QFETCH(int, count);
        QFETCH(QString, first);
        QFETCH(QString, last);

        const QTimeZone tz(zone.toUtf8());
        const QList<QDateTime> times = parsed(expression).between(iso(from), iso(to), tz, limit);
        QCOMPARE(times.size(), count);
        if (count > 0) {
            QCOMPARE(times.first().toString(Qt::ISODate), first);
            QCOMPARE(times.last().toString(Qt::ISODate), last);
        }
        for (qsizetype i = 1; i < times.size(); ++i)
            QVERIFY2(times[i - 1] < times[i], qPrintable(times[i].toString(Qt::ISODate)));
    }

    void invalid_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("error");

        QTest::newRow("empty") << ""
                               << "expected 5 fields (minute hour day-of-month month day-of-week), "
                                  "got 0";
        QTest::newRow("4 fields") << "* * * *"
                                  << "expected 5 fields (minute hour day-of-month month "
                                     "day-of-week), got 4";
        QTest::newRow("6 fields") << "0 * * * * *"
                                  << "got 6";
        QTest::newRow("minute 60") << "60 * * * *"
                                   << "minute field: '60' is out of range 0-59";
        QTest::newRow("hour 25") << "0 25 * * *"
                                 << "hour field: '25' is out of range 0-23";
        QTest::newRow("dom 0") << "0 0 0 * *"
                               << "day-of-month field: '0' is out of range 1-31";
        QTest::newRow("dom 32") << "0 0 32 * *"
                                << "day-of-month field: '32' is out of range 1-31";
        QTest::newRow("month 13") << "0 0 1 13 *"
                                  << "month field: '13' is out of range 1-12";
        QTest::newRow("month 0") << "0 0 1 0 *"
                                 << "month field: '0' is out of range 1-12";
        QTest::newRow("dow 8") << "0 0 * * 8"
                               << "day-of-week field: '8' is out of range 0-7";
        QTest::newRow("huge number") << "99999999999 * * * *"
                                     << "minute field: '99999999999' is out of range 0-59";
        QTest::newRow("out of range in a range") << "0 20-24 * * *"
                                                 << "hour field: '24' is out of range 0-23";
        QTest::newRow("reversed range") << "0 5-1 * * *"
                                        << "hour field: range '5-1' is reversed";
        QTest::newRow("reversed names") << "0 0 * * sat-mon"
                                        << "day-of-week field: range 'sat-mon' is reversed";
        QTest::newRow("reversed months") << "0 0 1 dec-jan *"
                                         << "month field: range 'dec-jan' is reversed";
        QTest::newRow("step 0") << "*/0 * * * *"
                                << "minute field: step '0' in '*/0' is out of range 1-59";
        QTest::newRow("step too big") << "0 */24 * * *"
                                      << "hour field: step '24' in '*/24' is out of range 1-23";
        QTest::newRow("step not a number") << "*/x * * * *"
                                           << "minute field: step 'x' in '*/x' is not a number";
        QTest::newRow("two steps") << "*/5/2 * * * *"
                                   << "minute field: step '5/2' in '*/5/2' is not a number";
        QTest::newRow("empty step") << "0 0 1/ * *"
                                    << "day-of-month field: '1/' is incomplete";
        QTest::newRow("empty list item") << "1,,2 * * * *"
                                         << "minute field: empty list item in '1,,2'";
        QTest::newRow("trailing comma") << "0 1, * * *"
                                        << "hour field: empty list item in '1,'";
        QTest::newRow("leading comma") << "0 0 * ,jan *"
                                       << "month field: empty list item in ',jan'";
        QTest::newRow("garbage minute") << "abc * * * *"
                                        << "minute field: 'abc' is not a number";
        QTest::newRow("decimal") << "5.5 * * * *"
                                 << "minute field: '5.5' is not a number";
        QTest::newRow("names only where they belong") << "0 mon * * *"
                                                      << "hour field: 'mon' is not a number";
        QTest::newRow("bad month name")
            << "0 0 1 foo *"
            << "month field: 'foo' is not a number or a month name (jan-dec)";
        QTest::newRow("full month name") << "0 0 1 january *"
                                         << "month field: 'january'";
        QTest::newRow("bad weekday name")
            << "0 0 * * funday"
            << "day-of-week field: 'funday' is not a number or a weekday name (sun-sat)";
        QTest::newRow("bad name in a range") << "0 0 1 jan-foo *"
                                             << "month field: 'foo'";
        QTest::newRow("question mark") << "0 0 * * ?"
                                       << "day-of-week field: '?'";
        QTest::newRow("open range") << "0 0 * * mon-"
                                    << "day-of-week field: 'mon-' is incomplete";
        QTest::newRow("negative number") << "-5 * * * *"
                                         << "minute field: '-5' is incomplete";
        QTest::newRow("double range") << "1-2-3 * * * *"
                                      << "minute field: '1-2-3' is not a range";
        QTest::newRow("star range") << "*-5 * * * *"
                                    << "minute field: '*' is not a number";
        QTest::newRow("@reboot") << "@reboot"
                                 << "'@reboot' is not supported";
        QTest::newRow("unknown macro") << "@fortnightly"
                                       << "unknown macro '@fortnightly'";
        QTest::newRow("macro with extra text") << "@daily 5"
                                               << "macro '@daily' stands alone, got '5'";
    }
    void invalid()
    {
        QFETCH(QString, text);
        QFETCH(QString, error);
        QString message = QStringLiteral("untouched");
        QVERIFY(!CronExpression::parse(text, &message).has_value());
        QVERIFY2(
            message.contains(error),
            qPrintable(
                QStringLiteral("got \"%1\", expected it to contain \"%2\"").arg(message, error)));
        // Without an error pointer it must not crash either.
        QVERIFY(!CronExpression::parse(text).has_value());
    }

    void textAndKind_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("fixedTime");
        QTest::newRow("fixed") << "30 2 * * *"
                               << "30 2 * * *" << true;
        QTest::newRow("fixed ranges") << "0,30 9-17 * * mon-fri"
                                      << "0,30 9-17 * * mon-fri" << true;
        QTest::newRow("trimmed") << "  0 0 * * *\t"
                                 << "0 0 * * *" << true;
        QTest::newRow("hour *") << "0 * * * *"
                                << "0 * * * *" << false;
        QTest::newRow("hour */2") << "0 */2 * * *"
                                  << "0 */2 * * *" << false;
        QTest::newRow("minute *") << "*/15 2 * * *"
                                  << "*/15 2 * * *" << false;
        QTest::newRow("@daily") << "@daily"
                                << "@daily" << true;
        QTest::newRow("@hourly") << "@hourly"
                                 << "@hourly" << false;
    }
    void textAndKind()
    {
        QFETCH(QString, input);
        QFETCH(QString, text);
        QFETCH(bool, fixedTime);
        const CronExpression cron = parsed(input);
        QCOMPARE(cron.text(), text);
        QCOMPARE(cron.isFixedTime(), fixedTime);
    }

    void manyFireTimesInARow_data()
    {
        QTest::addColumn<QString>("zone");
        QTest::newRow("UTC") << "UTC";
        QTest::newRow("Europe/Paris") << "Europe/Paris";
    }
    void manyFireTimesInARow()
    {
        QFETCH(QString, zone);
        const QTimeZone tz(zone.toUtf8());
        const CronExpression cron = parsed(QStringLiteral("*/5 * * * *"));
        // Crosses the spring-forward transition in Paris (2026-03-29).
        const QDateTime start = iso(QStringLiteral("2026-03-01T00:00:00Z"));

        QElapsedTimer timer;
        timer.start();
        QDateTime after = start;
        for (int i = 0; i < 10000; ++i)
            after = *cron.next(after, tz);
        const qint64 nextMs = timer.restart();
        const QList<QDateTime> batch = cron.nextN(start, tz, 10000);
        const qint64 nextNMs = timer.elapsed();
        qInfo("%s: 10000 x next(): %lld ms, nextN(10000): %lld ms", qPrintable(zone), nextMs,
              nextNMs);

        // 10000 x 5 minutes later, whatever the zone's transitions.
        QCOMPARE(after.toUTC(), start.addSecs(10000 * 300).toUTC());
        QCOMPARE(batch.size(), 10000);
        QCOMPARE(batch.last(), after);
        // Speed is reported, not asserted here: timing belongs in tests/bench.
    }
};

QTEST_GUILESS_MAIN(TestCronExpression)
#include "tst_cronexpression.moc"
