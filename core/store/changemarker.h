#pragma once

#include <QObject>
#include <QPointer>
#include <QVariantList>

class QSqlDatabase;
class QSqlDriver;
class QTimer;

namespace Baton {

class Store;

/// What a watcher thread (RunMonitor, RunDetailWatcher, DashboardWorker) needs to decide whether
/// to read the workspace again: a value that moves whenever anything was committed since it last
/// looked, whoever committed it (StoreBackend::changeMarkerSql), and on a team workspace a push
/// when that happens (PostgreSQL NOTIFY, StoreBackend::changeChannel).
///
/// Lives on the watcher's thread (make it a child of the watcher) and reads through that
/// thread's connection. read() subscribes the connection to the notifications, and subscribes
/// again the new connection Store::db() opens after one was lost: what was committed while no
/// connection listened is never assumed pushed, the value read after the reconnect shows it.
class ChangeMarker : public QObject
{
    Q_OBJECT
public:
    /// The marker's columns; an empty Value (never read) differs from every read one.
    using Value = QVariantList;

    explicit ChangeMarker(const Store *store, QObject *parent = nullptr);

    /// Reads the marker on @p db, the calling thread's Store::db(). Throws Baton::Error (a lost
    /// connection: the message Sql::isConnectionLoss recognises).
    Value read(const QSqlDatabase &db);
    /// changed() comes at most once per @p ms (a watcher whose every read is costly).
    void setMinimumGap(int ms) { m_minimumGapMs = ms; }

Q_SIGNALS:
    /// Another connection committed something (PostgreSQL only). Notifications that arrive
    /// before the watcher reads again fold into one signal; one already covered by a read() is
    /// dropped. Emitted on the watcher's thread.
    void changed();

private:
    bool subscribe(const QSqlDatabase &db);
    void announce();

    const Store *m_store;
    QPointer<QSqlDriver> m_subscribed;
    QTimer *m_due; ///< single shot: the folded changed() to come
    int m_minimumGapMs = 0;
    qint64 m_lastAnnounced = 0; ///< steady ms of the last changed()
};

} // namespace Baton
