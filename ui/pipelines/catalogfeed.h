#pragma once

#include "store/catalog.h"

#include <QDateTime>
#include <QObject>

class QThread;
class QTimer;

namespace Baton {
class CatalogWorker;
class Store;
} // namespace Baton

namespace Baton::Ui {

/// The workspace's catalog for the Pipelines mode, read by a CatalogWorker on its own thread
/// (the GUI thread never touches SQLite): on start, on refresh() and every pollInterval() so
/// that imports made from the CLI show up. Requests go to the worker as queued calls and
/// coalesce while one is in flight; snapshots come back as queued signals.
class CatalogFeed : public QObject
{
    Q_OBJECT
public:
    static constexpr int DefaultPollIntervalMs = 3000;

    /// Starts the thread and the polling timer; @p store must outlive this.
    explicit CatalogFeed(const Baton::Store *store, QObject *parent = nullptr);
    /// Stops the thread (waiting for a read in flight).
    ~CatalogFeed() override;

    /// 0 while polling is off.
    int pollInterval() const;
    /// 0 stops polling.
    void setPollInterval(int milliseconds);
    /// The last refresh's error, empty after a good one.
    QString lastError() const { return m_lastError; }
    /// When the last snapshot was read (invalid before the first one).
    QDateTime lastRefresh() const { return m_lastRefresh; }

public Q_SLOTS:
    /// Asks the worker for a fresh catalog; coalesces requests while one is in flight.
    void refresh();

Q_SIGNALS:
    void snapshotReady(const Baton::CatalogSnapshot &snapshot);
    /// A refresh failed; the last good snapshot stays what it was.
    void failed(const QString &message);

private:
    void onSnapshot(const Baton::CatalogSnapshot &snapshot);
    void onFailure(const QString &message);
    void answered();

    QThread *m_thread;
    Baton::CatalogWorker *m_worker;
    QTimer *m_pollTimer;
    bool m_inFlight = false;
    bool m_refreshAgain = false;
    QString m_lastError;
    QDateTime m_lastRefresh;
};

} // namespace Baton::Ui
