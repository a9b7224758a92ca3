#include "engine/retrypolicy.h"

#include <QTest>

using namespace Baton;

class TestRetryPolicy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void delayPerAttempt_data()
    {
        QTest::addColumn<int>("delaySeconds");
        QTest::addColumn<int>("attempt");
        QTest::addColumn<qint64>("expectedMs");
        // The first retry waits the delay; each next one twice the one before.
        QTest::newRow("first retry") << 30 << 1 << qint64(30'000);
        QTest::newRow("second") << 30 << 2 << qint64(60'000);
        QTest::newRow("third") << 30 << 3 << qint64(120'000);
        QTest::newRow("fourth") << 30 << 4 << qint64(240'000);
        QTest::newRow("one second, 5th") << 1 << 5 << qint64(16'000);
        // Capped at one hour, whatever the attempt or the delay.
        QTest::newRow("grows into the cap") << 30 << 8 << qint64(3'600'000); // 3840 s
        QTest::newRow("just under the cap") << 1 << 12 << qint64(2'048'000);
        QTest::newRow("just over the cap") << 1 << 13 << qint64(3'600'000); // 4096 s
        QTest::newRow("a delay above the cap") << 7200 << 1 << qint64(3'600'000);
        QTest::newRow("exactly the cap") << 3600 << 1 << qint64(3'600'000);
        // No delay: every retry at once (what the engine tests use).
        QTest::newRow("no delay") << 0 << 1 << qint64(0);
        QTest::newRow("no delay, 20th") << 0 << 20 << qint64(0);
    }
    void delayPerAttempt()
    {
        QFETCH(int, delaySeconds);
        QFETCH(int, attempt);
        QFETCH(qint64, expectedMs);
        QCOMPARE(RetryPolicy(5, delaySeconds).delayMs(attempt), expectedMs);
    }

    void growthDoublesUntilTheCap()
    {
        const RetryPolicy p(100, 3);
        qint64 previous = 0;
        for (int attempt = 1; attempt <= 100; ++attempt) {
            const qint64 d = p.delayMs(attempt);
            QVERIFY2(d <= RetryPolicy::CapMs, qPrintable(QString::number(attempt)));
            if (previous > 0 && previous < RetryPolicy::CapMs)
                QCOMPARE(d, std::min(previous * 2, RetryPolicy::CapMs));
            else if (previous == RetryPolicy::CapMs)
                QCOMPARE(d, RetryPolicy::CapMs); // never shrinks once capped
            previous = d;
        }
    }

    void noJitter()
    {
        // The same failure waits the same time: the run detail draws the backoff it recorded.
        const RetryPolicy p(3, 45);
        for (int i = 0; i < 50; ++i)
            QCOMPARE(p.delayMs(2), qint64(90'000));
    }

    void maxAttempts_data()
    {
        QTest::addColumn<int>("retries");
        QTest::addColumn<int>("attempt");
        QTest::addColumn<bool>("allowed");
        QTest::newRow("no retries: the first attempt is the last") << 0 << 1 << false;
        QTest::newRow("one retry after the first") << 1 << 1 << true;
        QTest::newRow("one retry: the second is the last") << 1 << 2 << false;
        QTest::newRow("three: after the third") << 3 << 3 << true;
        QTest::newRow("three: the fourth is the last") << 3 << 4 << false;
        QTest::newRow("past the last") << 3 << 9 << false;
    }
    void maxAttempts()
    {
        QFETCH(int, retries);
        QFETCH(int, attempt);
        QFETCH(bool, allowed);
        QCOMPARE(RetryPolicy(retries, 10).allowsRetry(attempt), allowed);
    }

    void attemptsCountedTotal()
    {
        // retries: N means N + 1 attempts in all.
        for (int retries = 0; retries < 6; ++retries) {
            const RetryPolicy p(retries, 0);
            int attempts = 1;
            while (p.allowsRetry(attempts))
                ++attempts;
            QCOMPARE(attempts, retries + 1);
        }
    }

    void badSettings()
    {
        // The parser refuses these; a stored setting (or a rewrite rule) is taken as it is and
        // must not make the engine retry for ever or wait a negative time.
        const RetryPolicy negative(-3, -30);
        QCOMPARE(negative.retries(), 0);
        QCOMPARE(negative.delaySeconds(), 0);
        QVERIFY(!negative.allowsRetry(1));
        QCOMPARE(negative.delayMs(1), qint64(0));
        // Attempt numbers below 1 (nothing counted yet) wait the first delay, not a shifted one.
        const RetryPolicy p(2, 10);
        QCOMPARE(p.delayMs(0), qint64(10'000));
        QCOMPARE(p.delayMs(-5), qint64(10'000));
        // The largest delay and attempt numbers neither overflow nor pass the cap.
        const RetryPolicy huge(std::numeric_limits<int>::max(), std::numeric_limits<int>::max());
        QCOMPARE(huge.delayMs(1), RetryPolicy::CapMs);
        QCOMPARE(huge.delayMs(std::numeric_limits<int>::max()), RetryPolicy::CapMs);
        QVERIFY(huge.allowsRetry(std::numeric_limits<int>::max()));
        QCOMPARE(RetryPolicy(1, 1).delayMs(std::numeric_limits<int>::max()), RetryPolicy::CapMs);
    }
};

QTEST_GUILESS_MAIN(TestRetryPolicy)
#include "tst_retrypolicy.moc"
