#pragma once

#include <QList>
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
/// A state as read from the store, for a read model: the one place a stored name becomes a
/// RunState. An unknown name (a damaged row, or a state this version does not know) is refused,
/// never guessed: throws Baton::Error naming the row ("run 12", or with @p task "task extract
/// of run 12") and the name found.
RunState parseRunState(const QString &stored, qint64 runId, const QString &task = {});
/// Every state, in the order of the enum (the state machine's order).
QList<RunState> allRunStates();
/// Ended: nothing of it moves any more (everything but queued, starting and running).
bool isTerminal(RunState state);
/// Not ended yet: queued, starting or running.
bool isActive(RunState state);
/// Whether a task that ended in @p state counts as a failure for downstream conditions
/// (upstream_failed included).
bool isFailure(RunState state);
/// Failed by itself: failed, timed_out or lost (not upstream_failed, which failed because of
/// another task). What the dashboards count as failures and what an operator looks at first.
bool failedItself(RunState state);
/// A run can be in this state too (skipped and upstream_failed are for tasks only).
bool appliesToRuns(RunState state);

/// How a state reads on every screen and in the CLI: one class per state, so that the console
/// and the CLI cannot disagree (a skipped task is neutral everywhere, never a failure).
enum class StateTone {
    Good, ///< succeeded
    Bad, ///< a failure (isFailure)
    Active, ///< not ended yet (isActive)
    Neutral, ///< ended without success or failure: cancelled, skipped
};
StateTone toneOf(RunState state);
/// The state for people: "timed out", "upstream failed", …
QString stateLabel(RunState state);
/// The same for a state as stored; an unknown name reads with its underscores as spaces.
QString stateLabel(const QString &storedState);
/// The CLI's mark for a state, by its tone: ✓ good, ✗ bad, … active, – neutral.
QString stateGlyph(RunState state);
/// The same for a state as stored; "·" for none (never ran) or an unknown name.
QString stateGlyph(const QString &storedState);
/// The same, "·" for none (never ran).
QString stateGlyph(std::optional<RunState> state);

/// Which states a generated SQL list covers.
enum class StateScope { Any, Runs };
/// The states, as a quoted SQL list in parentheses: "('failed', 'timed_out', 'lost')", in
/// enum order. Hand-written lists drift from this file; queries use these instead.
QString sqlStateList(const QList<RunState> &states);
/// The states for which @p predicate holds (within @p scope), in enum order.
QList<RunState> runStatesWhere(bool (*predicate)(RunState), StateScope scope = StateScope::Any);
/// The states for which @p predicate holds (within @p scope), as sqlStateList().
QString sqlStateList(bool (*predicate)(RunState), StateScope scope = StateScope::Any);
/// The state machine: which transitions the engine may persist.
bool canTransition(RunState from, RunState to);

/// The condition an edge puts on its upstream task.
enum class EdgeCondition { Success, Failed, Always };

QString toString(EdgeCondition condition);
std::optional<EdgeCondition> edgeConditionFromString(const QString &text);

} // namespace Baton
