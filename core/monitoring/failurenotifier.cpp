#include "failurenotifier.h"

#include "model/runstate.h"

#include <algorithm>

namespace Baton {

namespace {

FailureNotice noticeFor(const RunRow &run)
{
    FailureNotice n;
    n.runId = run.id;
    n.project = run.project;
    n.pipeline = run.pipeline;
    n.environment = run.environment;
    n.state = run.state;
    n.title = QStringLiteral("Run %1 %2: %3/%4")
                  .arg(run.id)
                  .arg(stateLabel(run.state), run.project, run.pipeline);
    QStringList parts;
    if (!run.environment.isEmpty())
        parts << QStringLiteral("in %1").arg(run.environment);
    if (run.tasks.failed > 0)
        parts << QStringLiteral("%1 of %2 tasks failed").arg(run.tasks.failed).arg(run.tasks.total);
    n.text = parts.join(QStringLiteral(", "));
    return n;
}

} // namespace

void FailureNotifier::setProjectEnabled(const QString &project, bool enabled)
{
    if (enabled)
        m_enabled.insert(project);
    else
        m_enabled.remove(project);
}

bool FailureNotifier::isProjectEnabled(const QString &project) const
{
    return m_enabled.contains(project);
}

bool FailureNotifier::isFailureState(const QString &runState)
{
    const auto s = runStateFromString(runState);
    return s && isFailure(*s);
}

QList<FailureNotice> FailureNotifier::feed(const RunsDelta &delta)
{
    QList<FailureNotice> notices;
    const bool history = delta.reset && !m_primed;
    QHash<qint64, RunState> previous;
    if (delta.reset) {
        previous.swap(m_states); // a resync: compare with what was seen before it
    }
    for (const qint64 id : delta.removed)
        m_states.remove(id);
    const auto consider = [&](const RunRow &run, bool isNew) {
        const QHash<qint64, RunState> &seen = delta.reset ? previous : m_states;
        const auto it = seen.constFind(run.id);
        const std::optional<RunState> before
            = it == seen.cend() ? std::nullopt : std::optional<RunState>(*it);
        m_states.insert(run.id, run.state);
        if (history || !isFailure(run.state) || !m_enabled.contains(run.project))
            return;
        if (delta.reset && !before)
            return; // unknown before the resync: history, not news
        if (!isNew && (!before || isFailure(*before)))
            return;
        if (isNew && before && isFailure(*before))
            return;
        notices << noticeFor(run);
    };
    for (const RunRow &run : delta.added)
        consider(run, !delta.reset);
    for (const RunRow &run : delta.updated)
        consider(run, false);
    m_primed = true;
    std::sort(notices.begin(), notices.end(),
              [](const FailureNotice &a, const FailureNotice &b) { return a.runId > b.runId; });
    return notices;
}

} // namespace Baton
