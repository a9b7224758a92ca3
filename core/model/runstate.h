#pragma once

#include <QString>
#include <optional>

namespace Baton {

/// States of runs and task runs (DESIGN.md). Skipped and UpstreamFailed apply to tasks only.
enum class RunState {
    Queued,
    Starting,
    Running,
    Succeeded,
    Failed,
    Cancelled,
    TimedOut,
    Lost,
    Skipped,
    UpstreamFailed,
};

QString toString(RunState state);
std::optional<RunState> runStateFromString(const QString &text);
bool isTerminal(RunState state);
/// Whether a task that ended in @p state counts as a failure for downstream conditions.
bool isFailure(RunState state);
/// The state machine: which transitions the engine may persist.
bool canTransition(RunState from, RunState to);

/// The condition an edge puts on its upstream task.
enum class EdgeCondition { Success, Failed, Always };

QString toString(EdgeCondition condition);
std::optional<EdgeCondition> edgeConditionFromString(const QString &text);

} // namespace Baton
