#include "engine/launchplanner.h"

#include <QSet>
#include <QTest>

using namespace Baton;
using K = WaitReason::Kind;
using Plan = LaunchPlanner::PlacePlan;

namespace {

// A run's data as the engine holds it; the planner reads the queue and the states in place.
struct Run
{
    qint64 id = 0;
    int parallelism = 0;
    int maxParallel = 0;
    int running = 0;
    bool cancelRequested = false;
    std::deque<int> ready;
    QList<DagEvaluator::Task> dag;

    // @p tasks tasks, all queued; @p ready of them ready, in that order.
    static Run make(qint64 id, int tasks, const QList<int> &ready)
    {
        Run r;
        r.id = id;
        r.dag.resize(tasks);
        r.ready.assign(ready.begin(), ready.end());
        return r;
    }
    LaunchRun view() const
    {
        return { id, parallelism, maxParallel, running, cancelRequested, &ready, &dag };
    }
};

LaunchPlanner::PlaceInput places(const QList<const Run *> &runs, int workspaceRunning,
                                 int workspaceLimit, qint64 nowMs = 1000)
{
    LaunchPlanner::PlaceInput in;
    in.workspaceRunning = workspaceRunning;
    in.workspaceLimit = workspaceLimit;
    in.nowMs = nowMs;
    for (const Run *r : runs)
        in.runs << r->view();
    return in;
}

QList<PlannedLaunch> launches(std::initializer_list<std::pair<qint64, int>> l, qint64 after = 0)
{
    QList<PlannedLaunch> out;
    for (const auto &[run, index] : l)
        out << PlannedLaunch { run, index, after };
    return out;
}

} // namespace

class TestLaunchPlanner : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void nothingReady()
    {
        const Run a = Run::make(1, 3, {});
        const Plan p = LaunchPlanner::planPlaces(places({ &a }, 0, 4));
        QVERIFY(p.launches.isEmpty());
        QVERIFY(p.promoted.isEmpty());
        QVERIFY(p.taken.isEmpty());
        QVERIFY(p.waiting.isEmpty()); // nothing waits: nothing is ready
        QCOMPARE(p.workspaceRunning, 0);
        // No runs at all.
        const Plan none = LaunchPlanner::planPlaces(places({}, 2, 4));
        QVERIFY(none.launches.isEmpty());
        QCOMPARE(none.workspaceRunning, 2);
    }

    void readyOrderWithinARun()
    {
        // Tasks start in the order they became ready, not by index.
        const Run a = Run::make(1, 5, { 3, 0, 4 });
        const Plan p = LaunchPlanner::planPlaces(places({ &a }, 0, 8));
        QCOMPARE(p.launches, launches({ { 1, 3 }, { 1, 0 }, { 1, 4 } }));
        QCOMPARE(p.taken.value(1), 3);
        QVERIFY(p.waiting.isEmpty());
        QCOMPARE(p.workspaceRunning, 3);
    }

    void workspaceLimit()
    {
        // 3 places, 1 in use: two start, the third waits for the workspace.
        const Run a = Run::make(1, 3, { 0, 1, 2 });
        const Plan p = LaunchPlanner::planPlaces(places({ &a }, 1, 3));
        QCOMPARE(p.launches, launches({ { 1, 0 }, { 1, 1 } }));
        QCOMPARE(p.taken.value(1), 2);
        QCOMPARE(p.waiting.value(1), K::WorkspaceLimit);
        QCOMPARE(p.workspaceRunning, 3);
        // Full already (or over, after the limit was lowered): nothing starts.
        for (const int running : { 3, 5 }) {
            const Plan full = LaunchPlanner::planPlaces(places({ &a }, running, 3));
            QVERIFY(full.launches.isEmpty());
            QVERIFY(full.taken.isEmpty());
            QCOMPARE(full.waiting.value(1), K::WorkspaceLimit);
        }
    }

    void zeroWorkspaceLimitStartsNothing()
    {
        // The engine resolves an unset max_parallel (to the CPU count) before planning: a 0
        // that reaches the planner means no place, not no limit.
        const Run a = Run::make(1, 2, { 0, 1 });
        const Plan p = LaunchPlanner::planPlaces(places({ &a }, 0, 0));
        QVERIFY(p.launches.isEmpty());
        QCOMPARE(p.waiting.value(1), K::WorkspaceLimit);
    }

    void runLimit()
    {
        Run a = Run::make(1, 4, { 0, 1, 2, 3 });
        a.parallelism = 2;
        a.running = 1;
        const Plan p = LaunchPlanner::planPlaces(places({ &a }, 1, 16));
        QCOMPARE(p.launches, launches({ { 1, 0 } }));
        QCOMPARE(p.waiting.value(1), K::RunLimit);
        QCOMPARE(p.workspaceRunning, 2);
    }

    void pipelineLimit()
    {
        Run a = Run::make(1, 4, { 0, 1, 2, 3 });
        a.maxParallel = 3;
        const Plan p = LaunchPlanner::planPlaces(places({ &a }, 0, 16));
        QCOMPARE(p.launches, launches({ { 1, 0 }, { 1, 1 }, { 1, 2 } }));
        QCOMPARE(p.waiting.value(1), K::PipelineLimit);
    }

    void tightestLimitWinsAndReasonOrder_data()
    {
        QTest::addColumn<int>("parallelism");
        QTest::addColumn<int>("maxParallel");
        QTest::addColumn<int>("workspaceLimit");
        QTest::addColumn<int>("started");
        QTest::addColumn<int>("why");
        QTest::newRow("run tightest") << 1 << 2 << 3 << 1 << int(K::RunLimit);
        QTest::newRow("pipeline tightest") << 3 << 2 << 5 << 2 << int(K::PipelineLimit);
        QTest::newRow("workspace tightest") << 4 << 3 << 2 << 2 << int(K::WorkspaceLimit);
        // All full at once: the reason follows WaitReasons' order (run, pipeline, workspace).
        QTest::newRow("all equal") << 2 << 2 << 2 << 2 << int(K::RunLimit);
        QTest::newRow("pipeline and workspace") << 0 << 2 << 2 << 2 << int(K::PipelineLimit);
        // 0 for a run or pipeline limit: none.
        QTest::newRow("unlimited run and pipeline") << 0 << 0 << 4 << 4 << int(K::WorkspaceLimit);
    }
    void tightestLimitWinsAndReasonOrder()
    {
        QFETCH(int, parallelism);
        QFETCH(int, maxParallel);
        QFETCH(int, workspaceLimit);
        QFETCH(int, started);
        QFETCH(int, why);
        Run a = Run::make(1, 6, { 0, 1, 2, 3, 4, 5 });
        a.parallelism = parallelism;
        a.maxParallel = maxParallel;
        const Plan p = LaunchPlanner::planPlaces(places({ &a }, 0, workspaceLimit));
        QCOMPARE(p.launches.size(), started);
        QCOMPARE(int(p.waiting.value(1)), why);
    }

    // One rule: why the planner leaves a task waiting is what the console says (WaitReasons
    // explains from the store's facts by the same blockingLimit), on a grid of limits and load.
    void plannerAndWaitReasonsAgree()
    {
        int compared = 0;
        for (int parallelism : { 0, 1, 2, 3 })
            for (int maxParallel : { 0, 1, 2, 3 })
                for (int workspaceLimit : { 0, 1, 2, 4 })
                    for (int running : { 0, 1, 2 })
                        for (int others : { 0, 1, 3 }) {
                            Run a = Run::make(1, 8, { 0, 1, 2, 3, 4, 5, 6, 7 });
                            a.parallelism = parallelism;
                            a.maxParallel = maxParallel;
                            a.running = running;
                            const int workspaceRunning = running + others;
                            const Plan p = LaunchPlanner::planPlaces(
                                places({ &a }, workspaceRunning, workspaceLimit));
                            const int nowRunning = running + int(p.launches.size());
                            WaitFacts f;
                            f.runState = RunState::Running;
                            f.taskState = RunState::Queued;
                            f.runActive = nowRunning;
                            f.runParallelism = parallelism;
                            f.pipelineMaxParallel = maxParallel;
                            f.workspaceActive = workspaceRunning + int(p.launches.size());
                            f.workspaceLimit = workspaceLimit;
                            const WaitReason why = WaitReasons::explain(f, 0);
                            QVERIFY(p.waiting.contains(1)); // 8 ready: some always wait
                            QCOMPARE(int(why.kind), int(p.waiting.value(1)));
                            QVERIFY(why.waitsForPlace());
                            ++compared;
                        }
        QCOMPARE(compared, 4 * 4 * 4 * 3 * 3);
    }

    void blockingLimit_data()
    {
        QTest::addColumn<int>("runRunning");
        QTest::addColumn<int>("parallelism");
        QTest::addColumn<int>("maxParallel");
        QTest::addColumn<int>("workspaceRunning");
        QTest::addColumn<int>("workspaceLimit");
        QTest::addColumn<int>("why");
        QTest::newRow("all free") << 1 << 2 << 2 << 1 << 2 << int(K::None);
        QTest::newRow("no run limits") << 9 << 0 << 0 << 1 << 2 << int(K::None);
        QTest::newRow("run full") << 2 << 2 << 3 << 0 << 9 << int(K::RunLimit);
        QTest::newRow("pipeline full") << 2 << 3 << 2 << 0 << 9 << int(K::PipelineLimit);
        QTest::newRow("workspace full") << 0 << 0 << 0 << 4 << 4 << int(K::WorkspaceLimit);
        QTest::newRow("no workspace place known")
            << 0 << 0 << 0 << 0 << 0 << int(K::WorkspaceLimit);
        QTest::newRow("over a lowered limit") << 5 << 2 << 0 << 0 << 9 << int(K::RunLimit);
    }
    void blockingLimit()
    {
        QFETCH(int, runRunning);
        QFETCH(int, parallelism);
        QFETCH(int, maxParallel);
        QFETCH(int, workspaceRunning);
        QFETCH(int, workspaceLimit);
        QFETCH(int, why);
        QCOMPARE(int(LaunchPlanner::blockingLimit(runRunning, parallelism, maxParallel,
                                                  workspaceRunning, workspaceLimit)),
                 why);
    }

    void unlimitedRunStartsEverythingReady()
    {
        Run big = Run::make(1, 100, {});
        for (int i = 0; i < 100; ++i)
            big.ready.push_back(i);
        const Plan p = LaunchPlanner::planPlaces(places({ &big }, 0, 1000));
        QCOMPARE(p.launches.size(), 100);
        QCOMPARE(p.taken.value(1), 100);
        QVERIFY(p.waiting.isEmpty());
    }

    void olderRunsFirst()
    {
        // Given in any order, planned by id: run 3 (older) takes the places before run 7.
        const Run young = Run::make(7, 2, { 0, 1 });
        const Run old = Run::make(3, 2, { 1, 0 });
        const Plan p = LaunchPlanner::planPlaces(places({ &young, &old }, 0, 3));
        QCOMPARE(p.launches, launches({ { 3, 1 }, { 3, 0 }, { 7, 0 } }));
        QCOMPARE(p.taken.value(3), 2);
        QCOMPARE(p.taken.value(7), 1);
        QVERIFY(!p.waiting.contains(3));
        QCOMPARE(p.waiting.value(7), K::WorkspaceLimit);
    }

    void aRunAtItsLimitLetsYoungerRunsStart()
    {
        // The older run is at its own limit: the workspace's places go to the next one.
        Run old = Run::make(1, 3, { 1, 2 });
        old.parallelism = 1;
        old.running = 1;
        const Run young = Run::make(2, 2, { 0, 1 });
        const Plan p = LaunchPlanner::planPlaces(places({ &old, &young }, 1, 3));
        QCOMPARE(p.launches, launches({ { 2, 0 }, { 2, 1 } }));
        QCOMPARE(p.waiting.value(1), K::RunLimit);
        QVERIFY(!p.taken.contains(1));
    }

    void tasksDecidedSinceTheyBecameReadyAreDropped()
    {
        // Task 1 was cancelled and task 2 marked after they became ready: taken off the queue,
        // not started, and they use no place.
        Run a = Run::make(1, 4, { 1, 2, 0, 3 });
        a.dag[1].state = RunState::Cancelled;
        a.dag[2].state = RunState::Succeeded;
        const Plan p = LaunchPlanner::planPlaces(places({ &a }, 0, 1));
        QCOMPARE(p.launches, launches({ { 1, 0 } }));
        QCOMPARE(p.taken.value(1), 3);
        QCOMPARE(p.waiting.value(1), K::WorkspaceLimit);
    }

    void aCancelledRunStartsNothing()
    {
        Run a = Run::make(1, 2, { 0, 1 });
        a.cancelRequested = true;
        const Plan p = LaunchPlanner::planPlaces(places({ &a }, 0, 4));
        QVERIFY(p.launches.isEmpty());
        QCOMPARE(p.taken.value(1), 2); // emptied, as it would never start them
        QCOMPARE(p.workspaceRunning, 0);
    }

    void followersTakeFreePlacesFirst()
    {
        // Two followers of run 1: one waited long enough (30 ms ≥ 20), one not (5 ms). The
        // first takes the free place before the run's ready task; the second keeps waiting
        // behind its attempt.
        Run a = Run::make(1, 3, { 2 });
        LaunchPlanner::PlaceInput in = places({ &a }, 0, 1, 1000);
        in.followers << LaunchFollower { 100, 1, 970 } << LaunchFollower { 101, 1, 995 };
        const Plan p = LaunchPlanner::planPlaces(in);
        QCOMPARE(p.promoted, QList<qint64> { 100 });
        QVERIFY(p.launches.isEmpty());
        QCOMPARE(p.waiting.value(1), K::WorkspaceLimit);
        QCOMPARE(p.workspaceRunning, 1);
        // With two places, the ready task gets the second; the young follower still waits.
        in.workspaceLimit = 2;
        const Plan two = LaunchPlanner::planPlaces(in);
        QCOMPARE(two.promoted, QList<qint64> { 100 });
        QCOMPARE(two.launches, launches({ { 1, 2 } }));
    }

    void followersOfARunWithNothingReadyTakeAnyPlace()
    {
        // Nothing else of the run is ready: a follower takes a free place at once, however
        // briefly it waited; the longest-waiting first, then by predecessor.
        const Run a = Run::make(1, 3, {});
        LaunchPlanner::PlaceInput in = places({ &a }, 0, 2, 1000);
        in.followers << LaunchFollower { 30, 1, 999 } << LaunchFollower { 20, 1, 998 }
                     << LaunchFollower { 10, 1, 999 };
        const Plan p = LaunchPlanner::planPlaces(in);
        QCOMPARE(p.promoted, (QList<qint64> { 20, 10 }));
        QCOMPARE(p.workspaceRunning, 2);
    }

    void followersRespectTheirRunsLimits()
    {
        // A promoted follower counts against its run: at the run's limit, none is promoted,
        // and another run's follower is not promoted into this run's place.
        Run a = Run::make(1, 3, {});
        a.parallelism = 1;
        a.running = 1;
        const Run b = Run::make(2, 1, {});
        LaunchPlanner::PlaceInput in = places({ &a, &b }, 1, 4, 1000);
        in.followers << LaunchFollower { 50, 1, 0 } << LaunchFollower { 60, 2, 0 };
        const Plan p = LaunchPlanner::planPlaces(in);
        QCOMPARE(p.promoted, QList<qint64> { 60 });
        QCOMPARE(p.workspaceRunning, 2);
    }

    void followersQueueBehindTheirRunsAttempts()
    {
        // Run 1 has no free place (its limit is 2, both used by attempts 11 and 12); its two
        // ready tasks queue behind them, one each, oldest attempt first.
        Run a = Run::make(1, 4, { 2, 3 });
        a.parallelism = 2;
        a.running = 2;
        LaunchPlanner::FollowerInput in;
        in.runs << a.view();
        in.attempts << LaunchAttempt { 12, 1, true, false } << LaunchAttempt { 11, 1, true, false };
        QList<qint64> asked;
        in.canFollow = [&](qint64 id) {
            asked << id;
            return true;
        };
        const LaunchPlanner::FollowerPlan p = LaunchPlanner::planFollowers(in);
        QCOMPARE(p.launches, (QList<PlannedLaunch> { { 1, 2, 11 }, { 1, 3, 12 } }));
        QCOMPARE(p.taken.value(1), 2);
        QCOMPARE(asked, (QList<qint64> { 11, 12 }));
    }

    void noFollowerWhereItCannotFollow()
    {
        Run a = Run::make(1, 5, { 3, 4 });
        a.running = 4;
        a.parallelism = 4;
        LaunchPlanner::FollowerInput in;
        in.runs << a.view();
        in.attempts << LaunchAttempt { 1, 1, false, false } // a follower itself, waiting
                    << LaunchAttempt { 2, 1, true, true } // has one already
                    << LaunchAttempt { 3, 1, true, false } // the executor says no
                    << LaunchAttempt { 4, 2, true, false } // another run's attempt
                    << LaunchAttempt { 5, 1, true, false };
        QList<qint64> asked;
        in.canFollow = [&](qint64 id) {
            asked << id;
            return id != 3;
        };
        const LaunchPlanner::FollowerPlan p = LaunchPlanner::planFollowers(in);
        QCOMPARE(p.launches, (QList<PlannedLaunch> { { 1, 3, 5 } }));
        QCOMPARE(p.taken.value(1), 1);
        QCOMPARE(asked, (QList<qint64> { 3, 5 })); // only asked where the rest allows it
        // Without an executor that can follow, nothing.
        in.canFollow = nullptr;
        QVERIFY(LaunchPlanner::planFollowers(in).launches.isEmpty());
    }

    void followersSkipTasksDecidedMeanwhile()
    {
        Run a = Run::make(1, 3, { 1, 2 });
        a.parallelism = 1;
        a.running = 1;
        a.dag[1].state = RunState::Skipped;
        LaunchPlanner::FollowerInput in;
        in.runs << a.view();
        in.attempts << LaunchAttempt { 9, 1, true, false };
        in.canFollow = [](qint64) {
            return true;
        };
        const LaunchPlanner::FollowerPlan p = LaunchPlanner::planFollowers(in);
        QCOMPARE(p.launches, (QList<PlannedLaunch> { { 1, 2, 9 } }));
        QCOMPARE(p.taken.value(1), 2);
    }

    void youngerRunsDoNotFollowAheadOfAnOlderOneWaiting()
    {
        // Run 1 has room under its own limits but waits for the workspace: places freed go to
        // it first, so run 2 may not keep its places through followers.
        Run old = Run::make(1, 2, { 0 });
        Run young = Run::make(2, 2, { 1 });
        young.running = 1;
        LaunchPlanner::FollowerInput in;
        in.runs << young.view() << old.view();
        in.attempts << LaunchAttempt { 20, 2, true, false } << LaunchAttempt { 10, 1, true, false };
        in.canFollow = [](qint64) {
            return true;
        };
        LaunchPlanner::FollowerPlan p = LaunchPlanner::planFollowers(in);
        QCOMPARE(p.launches, (QList<PlannedLaunch> { { 1, 0, 10 } }));
        // At its own limit, the older run waits for its own attempts only: the younger may
        // follow too.
        old.parallelism = 1;
        old.running = 1;
        in.runs = { young.view(), old.view() };
        p = LaunchPlanner::planFollowers(in);
        QCOMPARE(p.launches, (QList<PlannedLaunch> { { 1, 0, 10 }, { 2, 1, 20 } }));
        // A cancelled run neither follows nor blocks.
        old.cancelRequested = true;
        in.runs = { young.view(), old.view() };
        p = LaunchPlanner::planFollowers(in);
        QCOMPARE(p.launches, (QList<PlannedLaunch> { { 2, 1, 20 } }));
    }

    void nothingToFollow()
    {
        const Run a = Run::make(1, 2, {});
        LaunchPlanner::FollowerInput in;
        in.runs << a.view();
        in.attempts << LaunchAttempt { 1, 1, true, false };
        in.canFollow = [](qint64) -> bool {
            qFatal("the executor is asked only when a task could follow");
            return true;
        };
        const LaunchPlanner::FollowerPlan p = LaunchPlanner::planFollowers(in);
        QVERIFY(p.launches.isEmpty());
        QVERIFY(p.taken.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestLaunchPlanner)
#include "tst_launchplanner.moc"
