#include "util/number.h"

#include <QTest>

using namespace Baton;

// The one reading of numbers people type (command-line options, settings): strict decimal,
// within its range, and a message that says what was expected.
class TestNumber : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void accepted_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("minimum");
        QTest::addColumn<qint64>("maximum");
        QTest::addColumn<qint64>("value");
        QTest::newRow("plain") << "42" << qint64(1) << qint64(100) << qint64(42);
        QTest::newRow("lower bound") << "1" << qint64(1) << qint64(100) << qint64(1);
        QTest::newRow("upper bound") << "100" << qint64(1) << qint64(100) << qint64(100);
        QTest::newRow("negative in range") << "-3" << qint64(-5) << qint64(5) << qint64(-3);
        QTest::newRow("leading zeros") << "007" << qint64(0) << qint64(10) << qint64(7);
        QTest::newRow("zero") << "0" << qint64(0) << qint64(10) << qint64(0);
        QTest::newRow("64-bit max")
            << "9223372036854775807" << qint64(0) << std::numeric_limits<qint64>::max()
            << std::numeric_limits<qint64>::max();
    }
    void accepted()
    {
        QFETCH(QString, text);
        QFETCH(qint64, minimum);
        QFETCH(qint64, maximum);
        QFETCH(qint64, value);
        QString error = QStringLiteral("untouched");
        const std::optional<qint64> n = parseWholeNumber(text, minimum, maximum, &error);
        QVERIFY(n.has_value());
        QCOMPARE(*n, value);
        QCOMPARE(error, QStringLiteral("untouched")); // no error written on success
    }

    void refused_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("maximum");
        QTest::addColumn<QString>("error");
        const QString range = QStringLiteral("expected a whole number from 1 to 100, got '%1'");
        for (const char *bad : { "", "abc", "1x", "x1", " 1", "1 ", "+1", "1.0", "1e3", "0x10",
                                 "--1", "-", "١٢" }) // Arabic-Indic digits are not decimal here
            QTest::newRow(bad) << QString::fromUtf8(bad) << qint64(100)
                               << range.arg(QString::fromUtf8(bad));
        QTest::newRow("below") << "0" << qint64(100) << range.arg(QStringLiteral("0"));
        QTest::newRow("above") << "101" << qint64(100) << range.arg(QStringLiteral("101"));
        QTest::newRow("negative") << "-1" << qint64(100) << range.arg(QStringLiteral("-1"));
        QTest::newRow("beyond 64 bits")
            << "99999999999999999999" << std::numeric_limits<qint64>::max()
            << QStringLiteral("expected a whole number ≥ 1, got '99999999999999999999'");
    }
    void refused()
    {
        QFETCH(QString, text);
        QFETCH(qint64, maximum);
        QFETCH(QString, error);
        QString got;
        QVERIFY(!parseWholeNumber(text, 1, maximum, &got).has_value());
        QCOMPARE(got, error);
        // Without an error string it refuses all the same.
        QVERIFY(!parseWholeNumber(text, 1, maximum).has_value());
    }

    void rangeWording()
    {
        QCOMPARE(wholeNumberRange(1, 4096), QStringLiteral("a whole number from 1 to 4096"));
        QCOMPARE(wholeNumberRange(0, std::numeric_limits<qint64>::max()),
                 QStringLiteral("a whole number ≥ 0"));
        QCOMPARE(wholeNumberRange(-5, 5), QStringLiteral("a whole number from -5 to 5"));
    }
};

QTEST_GUILESS_MAIN(TestNumber)
#include "tst_number.moc"
