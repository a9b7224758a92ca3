#pragma once

#include "model/runstate.h"

#include <QList>
#include <QString>
#include <optional>

namespace Baton {

/// The scheduling rules of a run, free of I/O so they can be tested on their own.
///
/// Edge conditions: `success` holds when the upstream task succeeded; `failed` when it ended
/// failed, timed_out, lost or upstream_failed; `always` once it ended in any way. A task starts
/// when every incoming condition holds. When one can no longer hold, the task ends without
/// running: `upstream_failed` if a `success` edge saw a failure, else `skipped` (e.g. a
/// `failed` edge whose upstream succeeded, or a `success` edge whose upstream was skipped or
/// cancelled). Decisions are made as soon as they are certain, not when every upstream ended.
class DagEvaluator
{
public:
    struct Edge
    {
        int from = 0; ///< index of the upstream task
        EdgeCondition condition = EdgeCondition::Success;
    };
    struct Task
    {
        RunState state = RunState::Queued;
        QList<Edge> upstream;
    };

    enum class Verdict { Wait, Ready, Skip, UpstreamFailed };

    /// What to do with a queued task given its upstream states.
    static Verdict evaluate(const QList<Task> &tasks, int index);

    /// The run's final state once every task is terminal (nullopt while some are not):
    /// cancelled if the run was cancelled, failed if any task failed, timed out, was lost or
    /// never ran because of a failure, cancelled if a task was cancelled, else succeeded.
    static std::optional<RunState> outcome(const QList<Task> &tasks, bool cancelRequested);
};

} // namespace Baton
