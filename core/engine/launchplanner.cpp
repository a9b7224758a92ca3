#include "launchplanner.h"

#include <QSet>
#include <algorithm>

namespace Baton {

namespace {

QList<const LaunchRun *> oldestFirst(const QList<LaunchRun> &runs)
{
    QList<const LaunchRun *> sorted;
    sorted.reserve(runs.size());
    for (const LaunchRun &r : runs)
        sorted << &r;
    std::sort(sorted.begin(), sorted.end(),
              [](const LaunchRun *a, const LaunchRun *b) { return a->id < b->id; });
    return sorted;
}

int readySize(const LaunchRun &run)
{
    return run.ready ? int(run.ready->size()) : 0;
}

bool stillQueued(const LaunchRun &run, int index)
{
    return index >= 0 && index < run.dag->size() && (*run.dag)[index].state == RunState::Queued;
}

} // namespace

WaitReason::Kind LaunchPlanner::blockingLimit(int runRunning, int parallelism, int maxParallel,
                                              int workspaceRunning, int workspaceLimit)
{
    using K = WaitReason::Kind;
    if (parallelism > 0 && runRunning >= parallelism)
        return K::RunLimit;
    if (maxParallel > 0 && runRunning >= maxParallel)
        return K::PipelineLimit;
    if (workspaceRunning >= workspaceLimit)
        return K::WorkspaceLimit;
    return K::None;
}

bool LaunchPlanner::hasRoom(const LaunchRun &run, int running)
{
    // Its own limits only: a workspace place that is always free.
    return blockingLimit(running, run.parallelism, run.maxParallel, 0, 1) == WaitReason::Kind::None;
}

LaunchPlanner::PlacePlan LaunchPlanner::planPlaces(const PlaceInput &input)
{
    PlacePlan plan;
    int workspace = input.workspaceRunning;
    QHash<qint64, QList<QPair<qint64, qint64>>> followersByRun; // (queued at, predecessor)
    for (const LaunchFollower &f : input.followers)
        followersByRun[f.runId].append({ f.queuedAtMs, f.predecessor });

    // Runs in id order: older runs first (round-robin would be fairer; FIFO is predictable).
    for (const LaunchRun *run : oldestFirst(input.runs)) {
        int running = run->running;
        const int size = readySize(*run);
        int taken = 0;
        const auto blocking = [&] {
            return blockingLimit(running, run->parallelism, run->maxParallel, workspace,
                                 input.workspaceLimit);
        };
        const auto hasPlace = [&] {
            return blocking() == WaitReason::Kind::None;
        };
        // A free place goes first to a follower stuck behind a long attempt (or to any, once
        // nothing else is ready): it was picked first, and never waits on one attempt while
        // places are free.
        const auto followers = followersByRun.constFind(run->id);
        if (followers != followersByRun.cend()) {
            QList<QPair<qint64, qint64>> waiting;
            for (const auto &f : *followers) {
                if (size == 0 || input.nowMs - f.first >= FollowerWaitMs)
                    waiting.append(f);
            }
            std::sort(waiting.begin(), waiting.end());
            for (const auto &w : std::as_const(waiting)) {
                if (!hasPlace())
                    break;
                plan.promoted << w.second;
                ++workspace;
                ++running;
            }
        }
        while (taken < size && hasPlace()) {
            const int index = (*run->ready)[taken++];
            if (run->cancelRequested || !stillQueued(*run, index))
                continue; // dropped: it has been decided since it became ready
            plan.launches << PlannedLaunch { run->id, index, 0 };
            ++workspace;
            ++running;
        }
        if (taken > 0)
            plan.taken.insert(run->id, taken);
        if (taken < size)
            plan.waiting.insert(run->id, blocking());
    }
    plan.workspaceRunning = workspace;
    return plan;
}

LaunchPlanner::FollowerPlan LaunchPlanner::planFollowers(const FollowerInput &input)
{
    // The slot passes from an attempt to its follower inside the executor, the moment the
    // attempt ends: its end reaches the engine while the next job already runs. At most one per
    // attempt, of the same run (so that no limit can be exceeded when it takes the place).
    // A run keeps its places through followers only while no older run waits for a place with
    // room under its own limits: places freed go to older runs first, as without followers.
    FollowerPlan plan;
    QHash<qint64, const LaunchRun *> mayFollow;
    for (const LaunchRun *run : oldestFirst(input.runs)) {
        if (readySize(*run) == 0 || run->cancelRequested)
            continue;
        mayFollow.insert(run->id, run);
        if (hasRoom(*run))
            break; // it waits for the workspace's places: younger runs get none ahead of it
    }
    if (mayFollow.isEmpty())
        return plan;
    // Oldest attempts first: which attempt a task follows is predictable.
    QList<const LaunchAttempt *> attempts;
    attempts.reserve(input.attempts.size());
    for (const LaunchAttempt &a : input.attempts)
        attempts << &a;
    std::sort(attempts.begin(), attempts.end(),
              [](const LaunchAttempt *a, const LaunchAttempt *b) { return a->id < b->id; });
    for (const LaunchAttempt *a : std::as_const(attempts)) {
        const LaunchRun *run = mayFollow.value(a->runId);
        if (!run)
            continue;
        int &taken = plan.taken[run->id];
        const int size = readySize(*run);
        if (taken >= size || !a->holdsPlace || a->hasFollower
            || !(input.canFollow && input.canFollow(a->id)))
            continue;
        while (taken < size) {
            const int index = (*run->ready)[taken++];
            if (!stillQueued(*run, index))
                continue;
            plan.launches << PlannedLaunch { run->id, index, a->id };
            break;
        }
    }
    for (auto it = plan.taken.begin(); it != plan.taken.end();)
        it = it.value() == 0 ? plan.taken.erase(it) : std::next(it);
    return plan;
}

} // namespace Baton
