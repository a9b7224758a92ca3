#include "runstate.h"

#include "util/error.h"

#include <QStringList>
#include <array>

namespace Baton {

namespace {
struct StateName
{
    RunState state;
    const char *name;
};
constexpr std::array kStateNames {
    StateName { RunState::Queued, "queued" },
    StateName { RunState::Starting, "starting" },
    StateName { RunState::Running, "running" },
    StateName { RunState::Succeeded, "succeeded" },
    StateName { RunState::Failed, "failed" },
    StateName { RunState::Cancelled, "cancelled" },
    StateName { RunState::TimedOut, "timed_out" },
    StateName { RunState::Lost, "lost" },
    StateName { RunState::Skipped, "skipped" },
    StateName { RunState::UpstreamFailed, "upstream_failed" },
};
} // namespace

QString toString(RunState state)
{
    for (const auto &entry : kStateNames) {
        if (entry.state == state)
            return QString::fromLatin1(entry.name);
    }
    return {};
}

std::optional<RunState> runStateFromString(const QString &text)
{
    for (const auto &entry : kStateNames) {
        if (text == QLatin1String(entry.name))
            return entry.state;
    }
    return std::nullopt;
}

RunState parseRunState(const QString &stored, qint64 runId, const QString &task)
{
    if (const std::optional<RunState> state = runStateFromString(stored))
        return *state;
    const QString what = task.isEmpty() ? QStringLiteral("run %1").arg(runId)
                                        : QStringLiteral("task %1 of run %2").arg(task).arg(runId);
    throw Error(QStringLiteral("%1 has an unknown state '%2' in the workspace: a damaged row, or a "
                               "state this version of Baton does not know")
                    .arg(what, stored));
}

QList<RunState> allRunStates()
{
    QList<RunState> states;
    for (const auto &entry : kStateNames)
        states << entry.state;
    return states;
}

bool isTerminal(RunState state)
{
    switch (state) {
    case RunState::Queued:
    case RunState::Starting:
    case RunState::Running:
        return false;
    default:
        return true;
    }
}

bool isFailure(RunState state)
{
    switch (state) {
    case RunState::Failed:
    case RunState::TimedOut:
    case RunState::Lost:
    case RunState::UpstreamFailed:
        return true;
    default:
        return false;
    }
}

bool isActive(RunState state)
{
    return !isTerminal(state);
}

bool failedItself(RunState state)
{
    return isFailure(state) && state != RunState::UpstreamFailed;
}

bool appliesToRuns(RunState state)
{
    return state != RunState::Skipped && state != RunState::UpstreamFailed;
}

StateTone toneOf(RunState state)
{
    if (isActive(state))
        return StateTone::Active;
    if (state == RunState::Succeeded)
        return StateTone::Good;
    return isFailure(state) ? StateTone::Bad : StateTone::Neutral;
}

QString stateLabel(RunState state)
{
    return toString(state).replace(QLatin1Char('_'), QLatin1Char(' '));
}

QString stateLabel(const QString &storedState)
{
    const std::optional<RunState> state = runStateFromString(storedState);
    return state ? stateLabel(*state)
                 : QString(storedState).replace(QLatin1Char('_'), QLatin1Char(' '));
}

QString stateGlyph(RunState state)
{
    switch (toneOf(state)) {
    case StateTone::Good:
        return QStringLiteral("✓");
    case StateTone::Bad:
        return QStringLiteral("✗");
    case StateTone::Active:
        return QStringLiteral("…");
    case StateTone::Neutral:
        return QStringLiteral("–");
    }
    return {};
}

QString stateGlyph(const QString &storedState)
{
    return stateGlyph(runStateFromString(storedState));
}

QString stateGlyph(std::optional<RunState> state)
{
    return state ? stateGlyph(*state) : QStringLiteral("·");
}

QString sqlStateList(const QList<RunState> &states)
{
    QStringList quoted;
    for (const RunState state : allRunStates()) {
        if (states.contains(state))
            quoted << QLatin1Char('\'') + toString(state) + QLatin1Char('\'');
    }
    return QLatin1Char('(') + quoted.join(QStringLiteral(", ")) + QLatin1Char(')');
}

QList<RunState> runStatesWhere(bool (*predicate)(RunState), StateScope scope)
{
    QList<RunState> states;
    for (const RunState state : allRunStates()) {
        if (predicate(state) && (scope == StateScope::Any || appliesToRuns(state)))
            states << state;
    }
    return states;
}

QString sqlStateList(bool (*predicate)(RunState), StateScope scope)
{
    return sqlStateList(runStatesWhere(predicate, scope));
}

bool canTransition(RunState from, RunState to)
{
    if (from == to)
        return false;
    switch (from) {
    case RunState::Queued:
        // A queued task may never start: its upstream decides it away, or it is cancelled.
        return to == RunState::Starting || to == RunState::Cancelled || to == RunState::Skipped
            || to == RunState::UpstreamFailed || to == RunState::Failed;
    case RunState::Starting:
        return to == RunState::Running || to == RunState::Failed || to == RunState::Cancelled
            || to == RunState::Lost || to == RunState::TimedOut || to == RunState::Succeeded;
    case RunState::Running:
        return to == RunState::Succeeded || to == RunState::Failed || to == RunState::Cancelled
            || to == RunState::TimedOut || to == RunState::Lost;
    case RunState::Failed:
    case RunState::TimedOut:
    case RunState::Lost:
    case RunState::Cancelled:
    case RunState::UpstreamFailed:
        // A retry or a rerun queues the task again.
        return to == RunState::Queued;
    case RunState::Succeeded:
    case RunState::Skipped:
        return false;
    }
    return false;
}

QString toString(EdgeCondition condition)
{
    switch (condition) {
    case EdgeCondition::Success:
        return QStringLiteral("success");
    case EdgeCondition::Failed:
        return QStringLiteral("failed");
    case EdgeCondition::Always:
        return QStringLiteral("always");
    }
    return {};
}

std::optional<EdgeCondition> edgeConditionFromString(const QString &text)
{
    if (text == QLatin1String("success"))
        return EdgeCondition::Success;
    if (text == QLatin1String("failed"))
        return EdgeCondition::Failed;
    if (text == QLatin1String("always"))
        return EdgeCondition::Always;
    return std::nullopt;
}

} // namespace Baton
