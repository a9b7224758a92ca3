#include "dashboardworker.h"

#include "store/changemarker.h"
#include "store/readsnapshot.h"
#include "store/sql.h"
#include "store/store.h"
#include "util/error.h"

#include <QSqlQuery>
#include <QTimer>
#include <algorithm>

namespace Baton {

DashboardWorker::DashboardWorker(const Store *store, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_marker(new ChangeMarker(store, this))
{
    // A dashboard re-reads aggregates: a busy engine's commits refresh it twice a second at most.
    m_marker->setMinimumGap(500);
    connect(m_marker, &ChangeMarker::changed, this, [this] {
        if (m_started) // pushes count between start() and stop()
            cycle(false);
    });
    qRegisterMetaType<Baton::OperationsSnapshot>();
    qRegisterMetaType<Baton::MetricSnapshot>();
    qRegisterMetaType<Baton::DashboardFilter>();
    qRegisterMetaType<Baton::MetricQuery>();
    qRegisterMetaType<Baton::RunsQuery>();
    qRegisterMetaType<QList<Baton::RunBrief>>();
    qRegisterMetaType<QList<Baton::AlertFiring>>();
}

DashboardWorker::~DashboardWorker() = default;

void DashboardWorker::start(int intervalMs)
{
    m_started = true;
    if (!m_timer) {
        m_timer = new QTimer(this);
        connect(m_timer, &QTimer::timeout, this, [this] { cycle(false); });
    }
    m_timer->start(std::max(50, intervalMs));
    cycle(true);
}

void DashboardWorker::stop()
{
    m_started = false;
    if (m_timer)
        m_timer->stop();
}

void DashboardWorker::setOperationsFilter(const Baton::DashboardFilter &filter)
{
    m_filter = filter;
    m_operationsDirty = true;
    cycle(false);
}

void DashboardWorker::setMetricQuery(const Baton::MetricQuery &query)
{
    m_metricQuery = query;
    m_metricsDirty = true;
    cycle(false);
}

void DashboardWorker::refreshNow()
{
    cycle(true);
}

void DashboardWorker::setChartsShown(bool shown)
{
    m_chartsShown = shown;
    if (shown && (m_operationsDirty || m_metricsDirty))
        cycle(false);
}

void DashboardWorker::queryRuns(const Baton::RunsQuery &query)
{
    try {
        const QSqlDatabase db = m_store->db();
        Q_EMIT runsReady(query, DashboardQueries::runs(db, query));
    } catch (const Error &e) {
        Q_EMIT failed(e.message());
    } catch (const std::exception &e) {
        Q_EMIT failed(QString::fromLocal8Bit(e.what()));
    }
}

void DashboardWorker::acknowledge(qint64 firingId, const QString &actor)
{
    try {
        AlertRules::acknowledge(*m_store, firingId, actor);
    } catch (const Error &e) {
        Q_EMIT failed(e.message());
    }
    cycle(true);
}

void DashboardWorker::cycle(bool force)
{
    try {
        // Rules are evaluated by the engine after each run; doing it here as well covers an
        // engine of an older build and metrics written by other tools.
        AlertRules::evaluatePending(*m_store, QStringLiteral("baton-console"));

        QSqlDatabase db = m_store->db();
        const QVariantList marker = m_marker->read(db);
        const bool changed = force || m_seen.isEmpty() || marker != m_seen;
        if (changed && !m_chartsShown) {
            m_operationsDirty = true; // read when shown
            m_metricsDirty = true;
        }
        const bool sendOperations = m_chartsShown && (changed || m_operationsDirty);
        const bool sendMetrics = m_chartsShown && (changed || m_metricsDirty);
        if (!changed && !sendOperations && !sendMetrics)
            return;

        // One read snapshot: every query of the cycle sees the same moment.
        OperationsSnapshot operations;
        MetricSnapshot metrics;
        QList<AlertFiring> open;
        QList<AlertFiring> recent;
        ReadSnapshot::read(db, [&] {
            if (sendOperations)
                operations = DashboardQueries::operations(db, m_filter);
            if (sendMetrics)
                metrics = MetricSeries::snapshot(db, m_metricQuery);
            open = AlertRules::firings(db, true, 500);
            recent = AlertRules::firings(db, false, 200);
        });
        m_operationsDirty = m_operationsDirty && !sendOperations;
        m_metricsDirty = m_metricsDirty && !sendMetrics;
        m_seen = marker;

        if (sendOperations)
            Q_EMIT operationsReady(operations);
        if (sendMetrics)
            Q_EMIT metricsReady(metrics);
        Q_EMIT alertsReady(open, recent);

        const qint64 newest = recent.isEmpty() ? 0 : recent.first().id;
        if (m_lastFiringId >= 0 && newest > m_lastFiringId) {
            QList<AlertFiring> fired;
            for (const AlertFiring &f : std::as_const(recent)) {
                if (f.id > m_lastFiringId)
                    fired.prepend(f);
            }
            Q_EMIT alertsFired(fired);
        }
        m_lastFiringId = std::max(m_lastFiringId, newest);
    } catch (const Error &e) {
        m_seen.clear();
        Q_EMIT failed(e.message());
    } catch (const std::exception &e) {
        m_seen.clear();
        Q_EMIT failed(QString::fromLocal8Bit(e.what()));
    }
}

} // namespace Baton
