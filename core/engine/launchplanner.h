#pragma once

#include "engine/dagevaluator.h"
#include "monitoring/waitreason.h"

#include <QHash>
#include <QList>
#include <deque>
#include <functional>

namespace Baton {

/// One active run as the planner sees it: its limits, the places it holds, its ready queue.
/// The queue and the states are the engine's own, read in place (a big run's queue is long;
/// the planner reads only as far as it takes).
struct LaunchRun
{
    qint64 id = 0; ///< older runs (lower ids) are served first
    int parallelism = 0; ///< the run's --parallelism; 0: no limit
    int maxParallel = 0; ///< its pipeline's max_parallel (per run); 0: no limit
    int running = 0; ///< its attempts holding a place
    bool cancelRequested = false; ///< nothing more of it starts
    const std::deque<int> *ready = nullptr; ///< task indices, in the order they became ready
    const QList<DagEvaluator::Task> *dag = nullptr; ///< task states: only a queued one starts
};

/// A follower: an attempt already handed to the executor, to start in the place of the
/// attempt it follows once that one ends (see Executor::canFollow). It holds no place yet.
struct LaunchFollower
{
    qint64 predecessor = 0; ///< the attempt it follows
    qint64 runId = 0;
    qint64 queuedAtMs = 0;
};

/// An attempt in flight, for phase two: may a ready task of its run follow it?
struct LaunchAttempt
{
    qint64 id = 0;
    qint64 runId = 0;
    bool holdsPlace = true; ///< false: a follower still waiting for its predecessor
    bool hasFollower = false;
};

/// A task to start: @p after non-zero for a follower of that attempt.
struct PlannedLaunch
{
    qint64 runId = 0;
    int index = -1;
    qint64 after = 0;
    bool operator==(const PlannedLaunch &) const = default;
};

/// Which ready tasks start now and why the rest wait: the engine's launch rule (README,
/// "Limits") as a function of what the engine holds. A ready task starts when the workspace,
/// its pipeline (per run) and its run all have a free place; older runs first, each run's tasks
/// in the order they became ready. The engine applies a plan to its state and records it.
///
/// Two phases, because the second asks the executor, whose answer changes once the first is
/// applied (a follower promoted now may start elsewhere): places first, then followers.
class LaunchPlanner
{
public:
    /// A follower waiting this long behind its attempt takes the next free place instead.
    static constexpr qint64 FollowerWaitMs = 20;

    struct PlaceInput
    {
        int workspaceRunning = 0; ///< attempts holding one of the workspace's places
        int workspaceLimit = 0; ///< the workspace's places (max_parallel, resolved): 0 starts none
        QList<LaunchRun> runs; ///< any order
        QList<LaunchFollower> followers;
        qint64 nowMs = 0;
    };
    struct PlacePlan
    {
        /// Followers that take a free place now (by the attempt they followed), in order: the
        /// executor starts them at once, wherever a worker is free.
        QList<qint64> promoted;
        /// Tasks that take a free place, in order (never followers).
        QList<PlannedLaunch> launches;
        /// Run id → entries taken off the front of its ready queue: those launched, and those
        /// found no longer queued (or of a run being cancelled), dropped.
        QHash<qint64, int> taken;
        /// Run id → why the tasks left in its ready queue wait: the first limit without a free
        /// place, in WaitReasons' order (run, pipeline, workspace).
        QHash<qint64, WaitReason::Kind> waiting;
        int workspaceRunning = 0; ///< after the plan
    };
    /// Phase one: free places go, run by run (oldest first), to the run's followers that
    /// waited FollowerWaitMs (or to any, once the run has nothing else ready), then to its ready
    /// tasks.
    static PlacePlan planPlaces(const PlaceInput &input);

    struct FollowerInput
    {
        QList<LaunchRun> runs; ///< as phase one left them
        QList<LaunchAttempt> attempts; ///< every attempt in flight
        /// Whether the executor can queue a follower behind this attempt now.
        std::function<bool(qint64 attemptId)> canFollow;
    };
    struct FollowerPlan
    {
        QList<PlannedLaunch> launches; ///< followers, with after set
        QHash<qint64, int> taken; ///< as in PlacePlan
    };
    /// Phase two: ready tasks of runs without a free place queue behind their own run's
    /// attempts, one per attempt, oldest attempts first. A run keeps its places this way only
    /// while no older run waits for a place with room under its own limits.
    static FollowerPlan planFollowers(const FollowerInput &input);

    /// The first limit without a free place for one more task of a run, in this order: the
    /// run's --parallelism (@p parallelism), its pipeline's max_parallel (@p maxParallel), the
    /// workspace's places (@p workspaceLimit; 0: none known, so none free); None when all have
    /// one. The engine's launch rule and the wait reason the console shows (WaitReasons) both
    /// decide by it.
    static WaitReason::Kind blockingLimit(int runRunning, int parallelism, int maxParallel,
                                          int workspaceRunning, int workspaceLimit);
    /// Whether @p run's own limits (--parallelism, the pipeline's max_parallel) allow one more.
    static bool hasRoom(const LaunchRun &run) { return hasRoom(run, run.running); }
    static bool hasRoom(const LaunchRun &run, int running);
};

} // namespace Baton
