#include "dashboardworker.h"

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
{
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
    if (!m_timer) {
        m_timer = new QTimer(this);
        connect(m_timer, &QTimer::timeout, this, [this] { cycle(false); });
    }
    m_timer->start(std::max(50, intervalMs));
    cycle(true);
}

void DashboardWorker::stop()
{
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
        qint64 version = -1;
        qint64 ownChanges = -1;
        {
            QSqlQuery q = Sql::exec(db,
                                    QStringLiteral("SELECT (SELECT data_version FROM "
                                                   "pragma_data_version), total_changes()"));
            if (q.next()) {
                version = q.value(0).toLongLong();
                ownChanges = q.value(1).toLongLong();
            }
        }
        const bool changed = force || version != m_dataVersion || ownChanges != m_ownChanges;
        if (!changed && !m_operationsDirty && !m_metricsDirty)
            return;

        // One read transaction: every query of the cycle sees the same snapshot.
        Sql::exec(db, QStringLiteral("BEGIN"));
        OperationsSnapshot operations;
        MetricSnapshot metrics;
        QList<AlertFiring> open;
        QList<AlertFiring> recent;
        try {
            if (changed || m_operationsDirty)
                operations = DashboardQueries::operations(db, m_filter);
            if (changed || m_metricsDirty)
                metrics = MetricSeries::snapshot(db, m_metricQuery);
            open = AlertRules::firings(db, true, 500);
            recent = AlertRules::firings(db, false, 200);
            Sql::exec(db, QStringLiteral("COMMIT"));
        } catch (...) {
            QSqlQuery rollback(db);
            rollback.exec(QStringLiteral("ROLLBACK"));
            throw;
        }
        const bool sendOperations = changed || m_operationsDirty;
        const bool sendMetrics = changed || m_metricsDirty;
        m_operationsDirty = false;
        m_metricsDirty = false;
        m_dataVersion = version;
        m_ownChanges = ownChanges;

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
        m_dataVersion = -1;
        Q_EMIT failed(e.message());
    } catch (const std::exception &e) {
        m_dataVersion = -1;
        Q_EMIT failed(QString::fromLocal8Bit(e.what()));
    }
}

} // namespace Baton
