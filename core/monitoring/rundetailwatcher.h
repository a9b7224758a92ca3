#pragma once

#include "monitoring/rundetail.h"

#include <QObject>

class QTimer;

namespace Baton {

class ChangeMarker;
class Store;

/// Keeps one run's detail fresh for a view (DESIGN.md, "Threads"): move it to a QThread; it
/// reads on that thread with its own connection and reports through queued signals.
///
/// Each tick first asks the workspace whether anything was committed since the last read (its
/// ChangeMarker): an idle workspace costs one small statement per interval, and on a team
/// workspace a commit anywhere starts a tick at once (NOTIFY; the timer is the fallback, and
/// the first tick after a lost connection reads again whatever the marker says). When something
/// was committed, the run is read again and loaded() is emitted only if its detail changed, so a
/// view applies one batch per real change. A finished run keeps being watched (a rerun moves it
/// again) at the same low cost.
class RunDetailWatcher : public QObject
{
    Q_OBJECT
public:
    explicit RunDetailWatcher(const Store *store, QObject *parent = nullptr);

public Q_SLOTS:
    /// Reads @p runId now and then every @p intervalMs (0: once).
    void watch(qint64 runId, int intervalMs = 1000);
    /// Reads now and emits loaded() even when nothing changed.
    void refreshNow();
    void stop();

Q_SIGNALS:
    void loaded(const Baton::RunDetail &detail);
    void failed(qint64 runId, const QString &message);

private:
    void tick(bool force);

    const Store *m_store;
    QTimer *m_timer = nullptr;
    qint64 m_runId = 0;
    bool m_following = false; ///< watched with an interval (pushes count), not read once
    ChangeMarker *m_marker;
    QVariantList m_seen; ///< the change marker at the last read (empty: none)
    bool m_haveDetail = false;
    RunDetail m_last;
};

} // namespace Baton
