#include "rundetailwatcher.h"

#include "store/changemarker.h"
#include "store/sql.h"
#include "store/store.h"
#include "util/error.h"

#include <QTimer>

namespace Baton {

RunDetailWatcher::RunDetailWatcher(const Store *store, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_marker(new ChangeMarker(store, this))
{
    connect(m_marker, &ChangeMarker::changed, this, [this] {
        if (m_following) // watched, not read once
            tick(false);
    });
    static const int registered = qRegisterMetaType<Baton::RunDetail>();
    Q_UNUSED(registered);
}

void RunDetailWatcher::watch(qint64 runId, int intervalMs)
{
    m_runId = runId;
    m_following = intervalMs > 0;
    m_seen.clear();
    m_haveDetail = false;
    if (!m_timer) {
        m_timer = new QTimer(this); // on the worker's thread: watch() runs there
        connect(m_timer, &QTimer::timeout, this, [this] { tick(false); });
    }
    if (intervalMs > 0)
        m_timer->start(intervalMs);
    else
        m_timer->stop();
    tick(true);
}

void RunDetailWatcher::refreshNow()
{
    tick(true);
}

void RunDetailWatcher::stop()
{
    if (m_timer)
        m_timer->stop();
    m_runId = 0;
    m_following = false;
}

void RunDetailWatcher::tick(bool force)
{
    if (m_runId <= 0)
        return;
    try {
        const QSqlDatabase db = m_store->db();
        const QVariantList marker = m_marker->read(db);
        if (!force && m_haveDetail && !m_seen.isEmpty() && marker == m_seen)
            return; // nothing was committed since the last read
        m_seen = marker;
        RunDetail detail = RunDetails::load(db, m_runId);
        if (!force && m_haveDetail && detail == m_last)
            return;
        m_last = detail;
        m_haveDetail = true;
        Q_EMIT loaded(detail);
    } catch (const Error &e) {
        m_seen.clear(); // after a lost connection, read again whatever the marker says
        Q_EMIT failed(m_runId, e.message());
    } catch (const std::exception &e) {
        m_seen.clear();
        Q_EMIT failed(m_runId, QString::fromLocal8Bit(e.what()));
    }
}

} // namespace Baton
