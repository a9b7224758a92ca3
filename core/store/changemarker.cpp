#include "changemarker.h"

#include "sql.h"
#include "store.h"
#include "storebackend.h"
#include "util/error.h"

#include <QDeadlineTimer>
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlRecord>
#include <QTimer>
#include <algorithm>

namespace Baton {

namespace {

qint64 steadyMs()
{
    return QDeadlineTimer::current().deadline();
}

} // namespace

ChangeMarker::ChangeMarker(const Store *store, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_due(new QTimer(this))
{
    m_due->setSingleShot(true);
    connect(m_due, &QTimer::timeout, this, [this] {
        m_lastAnnounced = steadyMs();
        Q_EMIT changed();
    });
}

ChangeMarker::Value ChangeMarker::read(const QSqlDatabase &db)
{
    // Listen first: a commit that lands after the value is read is then pushed, not missed.
    const bool listening = subscribe(db);
    // Whatever was announced until now is in the value read below.
    m_due->stop();
    Value value;
    {
        QSqlQuery query = m_store->prepared(m_store->backend().changeMarkerSql());
        Sql::run(db, query);
        if (query.next()) {
            const int columns = query.record().count();
            for (int i = 0; i < columns; ++i)
                value << query.value(i);
        }
        query.finish(); // an open statement would pin a snapshot
    }
    if (!listening)
        throw Error(QStringLiteral("cannot listen for changes to %1: %2")
                        .arg(m_store->path(), db.driver()->lastError().text()));
    return value;
}

bool ChangeMarker::subscribe(const QSqlDatabase &db)
{
    const QString channel = m_store->backend().changeChannel();
    QSqlDriver *driver = db.driver();
    if (channel.isEmpty() || !driver || driver == m_subscribed)
        return true;
    // A new connection (the first, or the one opened after the last was lost) listens anew.
    if (!driver->subscribeToNotification(channel))
        return false;
    connect(driver, &QSqlDriver::notification, this,
            [this, channel](const QString &name, QSqlDriver::NotificationSource source,
                            const QVariant &) {
                // Our own commits are in the next read already (a watcher that writes, as the
                // dashboards' alert evaluation does, would otherwise wake itself forever).
                if (name == channel && source != QSqlDriver::SelfSource)
                    announce();
            });
    m_subscribed = driver;
    return true;
}

void ChangeMarker::announce()
{
    if (m_due->isActive())
        return; // folded into the one already due
    const qint64 wait = std::max<qint64>(0, m_lastAnnounced + m_minimumGapMs - steadyMs());
    m_due->start(int(wait));
}

} // namespace Baton
