#include "monitoring/runrow.h"

#include <QTest>

using namespace Baton;

// How the monitor folds task states for every screen, and what a run row derives from them.
class TestRunRow : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void foldsEveryStateIntoOneGroup()
    {
        const TaskCounts c = TaskCounts::fromStates({ { "queued", 1 },
                                                      { "starting", 2 },
                                                      { "running", 3 },
                                                      { "succeeded", 4 },
                                                      { "failed", 5 },
                                                      { "timed_out", 6 },
                                                      { "lost", 7 },
                                                      { "upstream_failed", 8 },
                                                      { "cancelled", 9 },
                                                      { "skipped", 10 } });
        QCOMPARE(c.total, 55);
        QCOMPARE(c.queued, 1);
        QCOMPARE(c.running, 5); // starting counts with running
        QCOMPARE(c.succeeded, 4);
        QCOMPARE(c.failed, 5 + 6 + 7 + 8);
        QCOMPARE(c.cancelled, 9);
        QCOMPARE(c.skipped, 10);
        QCOMPARE(c.finished(), 4 + 26 + 9 + 10);
        QCOMPARE(c.byState.value("timed_out"), 6); // the exact states are kept
    }

    void anUnknownStateNeverCountsAsFinished()
    {
        // A state from a newer Baton (or a damaged row) must not inflate progress.
        const TaskCounts c = TaskCounts::fromStates({ { "succeeded", 1 }, { "paused", 3 } });
        QCOMPARE(c.total, 4);
        QCOMPARE(c.queued, 3);
        QCOMPARE(c.finished(), 1);
    }

    void deriveProgressAndTerminal_data()
    {
        QTest::addColumn<QString>("state");
        QTest::addColumn<QVariantMap>("tasks");
        QTest::addColumn<double>("progress");
        QTest::addColumn<bool>("terminal");
        QTest::addColumn<bool>("working");
        QTest::newRow("half done, one running")
            << "running" << QVariantMap { { "succeeded", 2 }, { "running", 1 }, { "queued", 1 } }
            << 0.5 << false << true;
        // A follower queued behind another attempt is 'starting': nothing of the run works.
        QTest::newRow("only starting")
            << "running" << QVariantMap { { "starting", 2 } } << 0.0 << false << false;
        QTest::newRow("failed with skipped")
            << "failed" << QVariantMap { { "failed", 1 }, { "skipped", 3 } } << 1.0 << true
            << false;
        QTest::newRow("finished without tasks")
            << "succeeded" << QVariantMap {} << 1.0 << true << false;
        QTest::newRow("queued without tasks")
            << "queued" << QVariantMap {} << 0.0 << false << false;
        // A terminal run whose task rows still say running (a crash mid-write) does not 'work'.
        QTest::newRow("terminal run, stale running task")
            << "cancelled" << QVariantMap { { "running", 1 }, { "cancelled", 1 } } << 0.5 << true
            << false;
    }

    void deriveProgressAndTerminal()
    {
        QFETCH(QString, state);
        QFETCH(QVariantMap, tasks);
        QFETCH(double, progress);
        QFETCH(bool, terminal);
        QFETCH(bool, working);
        QMap<QString, int> byState;
        for (auto it = tasks.constBegin(); it != tasks.constEnd(); ++it)
            byState.insert(it.key(), it.value().toInt());
        RunRow row;
        row.state = parseRunState(state, 1);
        row.tasks = TaskCounts::fromStates(byState);
        row.derive();
        QCOMPARE(row.progress, progress);
        QCOMPARE(row.terminal, terminal);
        QCOMPARE(row.working, working);
    }

    void durationCountsOnlyWhileSomethingRuns()
    {
        RunRow row;
        row.active.closedMs = 4000; // ran 4 s before, then sat idle
        QCOMPARE(row.durationMs(1'000'000), 4000);
        row.active.runningSince = 10'000; // an attempt runs again since t = 10 s
        QCOMPARE(row.durationMs(12'500), 6500);
        // A clock behind the start (another machine's time) never subtracts.
        QCOMPARE(row.durationMs(9'000), 4000);
    }
};

QTEST_GUILESS_MAIN(TestRunRow)
#include "tst_runrow.moc"
