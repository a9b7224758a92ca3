#pragma once

#include "model/runstate.h"

#include <QHash>
#include <QList>
#include <QPair>
#include <QSqlDatabase>
#include <QString>

namespace Baton {

/// Why a task (or a run) that has not finished is not running now: the one rule the Monitor
/// panels, the run detail, the Gantt tooltip and the CLI share (issue #17). A ready task waits
/// by the engine's own rule (LaunchPlanner::blockingLimit): it starts when the workspace, its
/// pipeline and its run all have a free place (README, "Limits").
struct WaitReason
{
    enum class Kind {
        None, ///< not waiting: it runs, or it has ended
        Engine, ///< the run is queued: no engine has picked it up yet
        NoEngine, ///< the run is queued and no engine holds the workspace
        Upstream, ///< upstream tasks have not ended
        Backoff, ///< a retry waits for its delay
        Follower, ///< queued behind an attempt of the same run (the engine's own reason)
        RunLimit, ///< the run's --parallelism places are in use
        PipelineLimit, ///< the pipeline's max_parallel places (per run) are in use
        WorkspaceLimit, ///< every place of the workspace is in use
    };
    Kind kind = Kind::None;
    QString text; ///< one line for a person; empty for None

    /// A place limit (run, pipeline or workspace): the task could start if a place were free.
    bool waitsForPlace() const
    {
        return kind == Kind::RunLimit || kind == Kind::PipelineLimit
            || kind == Kind::WorkspaceLimit;
    }
    bool operator==(const WaitReason &) const = default;
};

/// The facts the rule decides on, as read from the store.
struct WaitFacts
{
    RunState runState = RunState::Running;
    bool engineRunning = true; ///< an engine holds the workspace lease
    RunState taskState = RunState::Queued;
    QString taskReason; ///< task_runs.reason (a follower's "queued behind …")
    int pendingUpstream = 0; ///< upstream tasks not ended yet
    qint64 notBefore = 0; ///< retry delay end, ms UTC; 0: none
    int runActive = 0; ///< the run's tasks holding a place (holdsPlaceSql)
    int runParallelism = 0; ///< runs.parallelism; 0: no limit
    int pipelineMaxParallel = 0; ///< the pipeline version's max_parallel; 0: no limit
    int workspaceActive = 0; ///< tasks holding a place in the workspace
    int workspaceLimit = 0; ///< the max_parallel setting; 0: unset (the engine's CPU count)
};

class WaitReasons
{
public:
    static WaitReason explain(const WaitFacts &facts, qint64 nowMs);

    /// SQL: task run @p alias holds one of the workspace's places — it runs, or it is starting
    /// and not a follower (a follower takes its predecessor's place when that one ends).
    static QString holdsPlaceSql(const QString &alias);

    /// Facts shared by every task of a read: the workspace's places and the engine.
    struct Workspace
    {
        int active = 0; ///< tasks holding a place (holdsPlaceSql)
        int limit = 0; ///< the max_parallel setting; 0: unset
        bool engineRunning = false;
    };
    static Workspace readWorkspace(const QSqlDatabase &db, qint64 nowMs);

    /// Why each waiting task (queued or starting) of the runs @p runIds waits: run id → (task
    /// name → reason), tasks not waiting left out.
    static QHash<qint64, QList<QPair<QString, WaitReason>>>
    read(const QSqlDatabase &db, const QList<qint64> &runIds, qint64 nowMs);

    /// The reason a live run shows when none of its attempts runs: its first task waiting for
    /// a place, a delay or a predecessor, else its first waiting task's; None when it has none.
    static WaitReason forRun(const QList<QPair<QString, WaitReason>> &tasks);
};

} // namespace Baton
