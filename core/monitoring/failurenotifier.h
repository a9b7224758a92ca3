#pragma once

#include "model/runstate.h"
#include "monitoring/runrow.h"

#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

namespace Baton {

/// A run that just failed, worded for a desktop notification.
struct FailureNotice
{
    qint64 runId = 0;
    QString project;
    QString pipeline;
    QString environment;
    RunState state = RunState::Failed; ///< failed, timed_out or lost
    QString title;
    QString text;
};

/// Decides which runs deserve a "run failed" notification, from the monitor's deltas: a run
/// that ends failed, timed out or lost while the console watches, in a project whose
/// notifications are on. The first batch (and any reset) is history: it only teaches the
/// notifier what it has seen, so opening the console never replays old failures. Plain logic,
/// no Qt GUI: the console's tray icon shows what it returns.
class FailureNotifier
{
public:
    void setProjectEnabled(const QString &project, bool enabled);
    bool isProjectEnabled(const QString &project) const;
    QSet<QString> enabledProjects() const { return m_enabled; }
    void setEnabledProjects(const QSet<QString> &projects) { m_enabled = projects; }

    /// Applies @p delta and returns the notices it calls for, newest run first.
    QList<FailureNotice> feed(const RunsDelta &delta);

    static bool isFailureState(const QString &runState);

private:
    QHash<qint64, RunState> m_states; ///< run id → state last seen
    QSet<QString> m_enabled;
    bool m_primed = false;
};

} // namespace Baton
