#include "model/durations.h"

#include <QTest>

using namespace Baton;

using Spans = QList<AttemptSpan>;
Q_DECLARE_METATYPE(Baton::ActiveClock)

class TestDurations : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void attemptAsRecorded_data()
    {
        QTest::addColumn<qint64>("launched");
        QTest::addColumn<qint64>("running");
        QTest::addColumn<qint64>("finished");
        QTest::addColumn<qint64>("start");
        QTest::addColumn<qint64>("end");
        // A follower is launched when it queues behind another attempt: it runs from when it
        // was seen running, not from then.
        QTest::newRow("seen running, ended") << 100LL << 150LL << 300LL << 150LL << 300LL;
        QTest::newRow("seen running, runs") << 100LL << 150LL << 0LL << 150LL << 0LL;
        // Ended before anyone saw it running (a fast job): from its launch.
        QTest::newRow("never seen running, ended") << 100LL << 0LL << 300LL << 100LL << 300LL;
        QTest::newRow("not started") << 100LL << 0LL << 0LL << 0LL << 0LL;
    }

    void attemptAsRecorded()
    {
        QFETCH(qint64, launched);
        QFETCH(qint64, running);
        QFETCH(qint64, finished);
        QFETCH(qint64, start);
        QFETCH(qint64, end);
        QCOMPARE(AttemptSpan::of(launched, running, finished), (AttemptSpan { start, end }));
    }

    void taskMs_data()
    {
        QTest::addColumn<Spans>("attempts");
        QTest::addColumn<qint64>("now");
        QTest::addColumn<qint64>("ms");
        QTest::newRow("none") << Spans {} << 1000LL << 0LL;
        QTest::newRow("one ended") << Spans { { 100, 300 } } << 1000LL << 200LL;
        // The wait between attempts (backoff, a manual retry) is not counted.
        QTest::newRow("two attempts, a wait between")
            << Spans { { 100, 300 }, { 900, 1000 } } << 5000LL << 300LL;
        QTest::newRow("running counts until now")
            << Spans { { 100, 300 }, { 500, 0 } } << 1000LL << 700LL;
        QTest::newRow("not started yet") << Spans { { 0, 0 }, { 100, 200 } } << 1000LL << 100LL;
        // Clocks that disagree never make a negative duration.
        QTest::newRow("ended before it started") << Spans { { 500, 400 } } << 1000LL << 0LL;
        QTest::newRow("now before its start") << Spans { { 500, 0 } } << 400LL << 0LL;
    }

    void taskMs()
    {
        QFETCH(Spans, attempts);
        QFETCH(qint64, now);
        QFETCH(qint64, ms);
        QCOMPARE(Durations::taskMs(attempts, now), ms);
    }

    void runClock_data()
    {
        QTest::addColumn<Spans>("attempts");
        QTest::addColumn<ActiveClock>("clock");
        QTest::addColumn<qint64>("now");
        QTest::addColumn<qint64>("ms");
        QTest::newRow("nothing ran") << Spans { { 0, 0 } } << ActiveClock {} << 1000LL << 0LL;
        QTest::newRow("one ended")
            << Spans { { 100, 300 } } << ActiveClock { 200, 0, true } << 1000LL << 200LL;
        // The union of the attempts: parallel tasks count once.
        QTest::newRow("overlapping") << Spans { { 200, 400 }, { 100, 300 } }
                                     << ActiveClock { 300, 0, true } << 1000LL << 300LL;
        QTest::newRow("nested") << Spans { { 100, 500 }, { 200, 300 } }
                                << ActiveClock { 400, 0, true } << 1000LL << 400LL;
        // The run sat finished between 200 and 500 (a rerun later): not counted.
        QTest::newRow("a gap") << Spans { { 500, 600 }, { 100, 200 } }
                               << ActiveClock { 200, 0, true } << 1000LL << 200LL;
        // Running since 200: ended time before it is fixed, the rest runs with the clock.
        QTest::newRow("one still runs") << Spans { { 100, 300 }, { 200, 0 } }
                                        << ActiveClock { 100, 200, true } << 1000LL << 900LL;
        QTest::newRow("runs since before an ended one")
            << Spans { { 200, 300 }, { 100, 0 } } << ActiveClock { 0, 100, true } << 1000LL
            << 900LL;
        QTest::newRow("two running: the earliest")
            << Spans { { 300, 0 }, { 150, 0 } } << ActiveClock { 0, 150, true } << 1000LL << 850LL;
        QTest::newRow("ended after a later start")
            << Spans { { 100, 200 }, { 600, 0 }, { 150, 700 } } << ActiveClock { 500, 600, true }
            << 1000LL << 900LL;
        QTest::newRow("ended before it started")
            << Spans { { 500, 400 } } << ActiveClock { 0, 0, true } << 1000LL << 0LL;
        QTest::newRow("now before the running start")
            << Spans { { 100, 200 }, { 500, 0 } } << ActiveClock { 100, 500, true } << 400LL
            << 100LL;
    }

    void runClock()
    {
        QFETCH(Spans, attempts);
        QFETCH(ActiveClock, clock);
        QFETCH(qint64, now);
        QFETCH(qint64, ms);
        QCOMPARE(Durations::runClock(attempts), clock);
        QCOMPARE(Durations::runClock(attempts).at(now), ms);
        QCOMPARE(Durations::runMs(attempts, now), ms);
    }
};

QTEST_GUILESS_MAIN(TestDurations)
#include "tst_durations.moc"
