#include "runrow.h"

#include "model/runstate.h"

#include <algorithm>

namespace Baton {

TaskCounts TaskCounts::fromStates(const QMap<QString, int> &byState)
{
    TaskCounts c;
    c.byState = byState;
    for (auto it = byState.constBegin(); it != byState.constEnd(); ++it) {
        const int n = it.value();
        c.total += n;
        const auto state = runStateFromString(it.key());
        if (!state) {
            c.queued += n; // an unknown state has not finished: never inflate progress
            continue;
        }
        switch (*state) {
        case RunState::Queued:
            c.queued += n;
            break;
        case RunState::Starting:
        case RunState::Running:
            c.running += n;
            break;
        case RunState::Succeeded:
            c.succeeded += n;
            break;
        case RunState::Cancelled:
            c.cancelled += n;
            break;
        case RunState::Skipped:
            c.skipped += n;
            break;
        case RunState::Failed:
        case RunState::TimedOut:
        case RunState::Lost:
        case RunState::UpstreamFailed:
            c.failed += n;
            break;
        }
    }
    return c;
}

qint64 RunRow::durationMs(qint64 nowMs) const
{
    return active.at(nowMs);
}

void RunRow::derive()
{
    terminal = isTerminal(state);
    working = !terminal && tasks.byState.value(toString(RunState::Running)) > 0;
    if (tasks.total > 0)
        progress = double(tasks.finished()) / double(tasks.total);
    else
        progress = terminal ? 1.0 : 0.0;
}

} // namespace Baton
