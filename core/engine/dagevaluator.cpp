#include "dagevaluator.h"

namespace Baton {

DagEvaluator::Verdict DagEvaluator::evaluate(const QList<Task> &tasks, int index)
{
    const Task &task = tasks.at(index);
    bool waiting = false;
    bool failedUpstream = false;
    bool impossible = false;
    for (const Edge &edge : task.upstream) {
        const RunState up = tasks.at(edge.from).state;
        if (!isTerminal(up)) {
            waiting = true;
            continue;
        }
        switch (edge.condition) {
        case EdgeCondition::Success:
            if (up == RunState::Succeeded)
                break;
            if (isFailure(up))
                failedUpstream = true;
            else
                impossible = true; // skipped or cancelled upstream
            break;
        case EdgeCondition::Failed:
            if (!isFailure(up))
                impossible = true;
            break;
        case EdgeCondition::Always:
            break;
        }
    }
    // Decide as soon as the outcome is certain, without waiting for slower branches.
    if (failedUpstream)
        return Verdict::UpstreamFailed;
    if (impossible)
        return Verdict::Skip;
    return waiting ? Verdict::Wait : Verdict::Ready;
}

std::optional<RunState> DagEvaluator::outcome(const QList<Task> &tasks, bool cancelRequested)
{
    bool failed = false;
    bool cancelled = false;
    for (const Task &t : tasks) {
        if (!isTerminal(t.state))
            return std::nullopt;
        failed |= isFailure(t.state);
        cancelled |= t.state == RunState::Cancelled;
    }
    if (cancelRequested)
        return RunState::Cancelled;
    if (failed)
        return RunState::Failed;
    return cancelled ? RunState::Cancelled : RunState::Succeeded;
}

} // namespace Baton
