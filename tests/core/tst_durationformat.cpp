#include "model/durationformat.h"
#include "model/projectspec.h"

#include <QTest>

using namespace Baton;

class TestDurationFormat : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void text_data()
    {
        QTest::addColumn<qint64>("ms");
        QTest::addColumn<QString>("text");
        QTest::newRow("nothing") << qint64(0) << QStringLiteral("0 ms");
        QTest::newRow("clock skew") << qint64(-1500) << QStringLiteral("0 ms");
        QTest::newRow("ms") << qint64(120) << QStringLiteral("120 ms");
        QTest::newRow("just under a second") << qint64(999) << QStringLiteral("999 ms");
        QTest::newRow("a second") << qint64(1000) << QStringLiteral("1.0 s");
        QTest::newRow("seconds") << qint64(4200) << QStringLiteral("4.2 s");
        // The runs table showed "42s", the CLI "42.3s", compare "42.3 s": the one rule wins.
        QTest::newRow("tens of seconds") << qint64(42300) << QStringLiteral("42.3 s");
        QTest::newRow("a minute") << qint64(60000) << QStringLiteral("1m 00s");
        QTest::newRow("minutes") << qint64(187000) << QStringLiteral("3m 07s");
        QTest::newRow("minutes, ms cut") << qint64(65999) << QStringLiteral("1m 05s");
        QTest::newRow("an hour") << qint64(3600000) << QStringLiteral("1h 00m");
        QTest::newRow("hours") << qint64(3723000) << QStringLiteral("1h 02m");
        // Compare had no days ("49h 00m"); the runs table had them.
        QTest::newRow("days") << qint64((2 * 86400 + 3 * 3600 + 59) * 1000LL)
                              << QStringLiteral("2d 03h");
        QTest::newRow("a long backfill")
            << qint64(400LL * 86400 * 1000) << QStringLiteral("400d 00h");
    }
    void text()
    {
        QFETCH(qint64, ms);
        QFETCH(QString, text);
        QCOMPARE(durationText(ms), text);
    }

    void noneWhenNothingRan()
    {
        QCOMPARE(durationTextOr(0, QStringLiteral("-")), QStringLiteral("-"));
        QCOMPARE(durationTextOr(-5, QString()), QString());
        QCOMPARE(durationTextOr(1500, QStringLiteral("-")), QStringLiteral("1.5 s"));
    }

    // Jobs-as-code keeps its exact, re-readable form: a timeout of 90 s stays "90s", not a
    // rounded "1m 30s", and reads back the same.
    void jobsAsCodeStaysExact()
    {
        QCOMPARE(formatDuration(90), QStringLiteral("90s"));
        QCOMPARE(parseDuration(formatDuration(90)), std::optional<int>(90));
        QCOMPARE(durationText(90 * 1000), QStringLiteral("1m 30s"));
    }
};

QTEST_GUILESS_MAIN(TestDurationFormat)
#include "tst_durationformat.moc"
