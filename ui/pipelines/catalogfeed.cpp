#include "catalogfeed.h"

#include "store/catalogworker.h"

#include <QThread>
#include <QTimer>

namespace Baton::Ui {

CatalogFeed::CatalogFeed(const Baton::Store *store, QObject *parent)
    : QObject(parent)
    , m_thread(new QThread(this))
    , m_worker(new CatalogWorker(store))
    , m_pollTimer(new QTimer(this))
{
    // The worker/controller pattern: the worker lives on its own thread with its own SQLite
    // connection; requests go to it as queued calls, snapshots come back as queued signals.
    m_thread->setObjectName(QStringLiteral("baton-catalog"));
    m_worker->moveToThread(m_thread);
    connect(m_worker, &CatalogWorker::snapshotReady, this, &CatalogFeed::onSnapshot);
    connect(m_worker, &CatalogWorker::failed, this, &CatalogFeed::onFailure);
    m_thread->start();

    connect(m_pollTimer, &QTimer::timeout, this, [this] {
        if (!m_inFlight)
            refresh();
    });
    m_pollTimer->start(DefaultPollIntervalMs);
}

CatalogFeed::~CatalogFeed()
{
    m_pollTimer->stop();
    m_thread->quit();
    m_thread->wait();
    // The thread has finished: nothing runs the worker any more, so delete it from here.
    delete m_worker;
}

void CatalogFeed::refresh()
{
    if (m_inFlight) {
        m_refreshAgain = true; // the answer in flight may predate what the caller wants
        return;
    }
    m_inFlight = true;
    QMetaObject::invokeMethod(m_worker, &CatalogWorker::refresh, Qt::QueuedConnection);
}

int CatalogFeed::pollInterval() const
{
    return m_pollTimer->isActive() ? m_pollTimer->interval() : 0;
}

void CatalogFeed::setPollInterval(int milliseconds)
{
    if (milliseconds <= 0) {
        m_pollTimer->stop();
        return;
    }
    m_pollTimer->start(milliseconds);
}

void CatalogFeed::onSnapshot(const Baton::CatalogSnapshot &snapshot)
{
    m_inFlight = false;
    m_lastError.clear();
    m_lastRefresh = QDateTime::fromMSecsSinceEpoch(snapshot.takenAt);
    Q_EMIT snapshotReady(snapshot);
    answered();
}

void CatalogFeed::onFailure(const QString &message)
{
    m_inFlight = false;
    m_lastError = message;
    Q_EMIT failed(message);
    answered();
}

void CatalogFeed::answered()
{
    if (m_refreshAgain) {
        m_refreshAgain = false;
        refresh();
    }
}

} // namespace Baton::Ui
