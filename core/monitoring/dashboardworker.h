#pragma once

#include "monitoring/alertrules.h"
#include "monitoring/dashboardqueries.h"
#include "monitoring/metricseries.h"

#include <QObject>

class QTimer;

namespace Baton {

class ChangeMarker;
class Store;

/// The Dashboards mode's polling worker (DESIGN.md, "Threads"): move it to a QThread; it opens
/// its own connection there and answers with immutable snapshots through queued signals.
///
/// Each cycle evaluates pending alert rules (AlertRules::evaluatePending), then, when the store
/// changed since the last cycle (its ChangeMarker) or a query changed, recomputes the
/// Operations and Metrics snapshots and the alert list. On a team workspace a commit anywhere
/// starts a cycle at once (at most one per half second), the timer is the fallback. Firings newer
/// than any seen before are announced once with alertsFired (the first cycle only sets the mark).
class DashboardWorker : public QObject
{
    Q_OBJECT
public:
    explicit DashboardWorker(const Store *store, QObject *parent = nullptr);
    ~DashboardWorker() override;

public Q_SLOTS:
    /// Polls now and then every @p intervalMs (the timer is created on the worker's thread).
    void start(int intervalMs = 3000);
    void stop();
    void setOperationsFilter(const Baton::DashboardFilter &filter);
    void setMetricQuery(const Baton::MetricQuery &query);
    /// Recomputes everything now.
    void refreshNow();
    /// Whether anyone looks at the charts (true at first). While not, a change re-reads only
    /// the alerts (the badge and notifications stay live); the Operations and Metrics snapshots
    /// are read once they are shown again. Twenty consoles on a team workspace whose Dashboards
    /// mode is hidden would otherwise each re-read them twice a second while an engine works.
    void setChartsShown(bool shown);
    /// Answers with runsReady: the runs behind a point or bar.
    void queryRuns(const Baton::RunsQuery &query);
    /// Acknowledges a firing (audited) and refreshes.
    void acknowledge(qint64 firingId, const QString &actor);

Q_SIGNALS:
    void operationsReady(const Baton::OperationsSnapshot &snapshot);
    void metricsReady(const Baton::MetricSnapshot &snapshot);
    /// Open firings (firing, not acknowledged) and the latest firings of any state.
    void alertsReady(const QList<Baton::AlertFiring> &open,
                     const QList<Baton::AlertFiring> &recent);
    /// Firings that appeared since the previous cycle, oldest first.
    void alertsFired(const QList<Baton::AlertFiring> &fired);
    void runsReady(const Baton::RunsQuery &query, const QList<Baton::RunBrief> &runs);
    void failed(const QString &message);

private:
    void cycle(bool force);

    const Store *m_store;
    QTimer *m_timer = nullptr;
    bool m_started = false; ///< between start() and stop()
    DashboardFilter m_filter;
    MetricQuery m_metricQuery;
    bool m_operationsDirty = true;
    bool m_metricsDirty = true;
    bool m_chartsShown = true;
    ChangeMarker *m_marker;
    QVariantList m_seen; ///< the change marker at the last good cycle (empty: none)
    qint64 m_lastFiringId = -1; ///< -1 until the first cycle has set the mark
};

} // namespace Baton
