#include "enginelease.h"

#include "store/sql.h"

#include <QDateTime>
#include <QSysInfo>
#include <QUuid>
#include <cerrno>
#include <csignal>
#include <unistd.h>

namespace Baton {

namespace {
qint64 now()
{
    return QDateTime::currentMSecsSinceEpoch();
}
} // namespace

bool EngineLease::Holder::alive(qint64 t) const
{
    if (expired(t))
        return false;
    if (host == QSysInfo::machineHostName() && pid > 0)
        return ::kill(pid_t(pid), 0) == 0 || errno != ESRCH;
    return true;
}

QString EngineLease::newHolderId()
{
    return QStringLiteral("%1:%2:%3")
        .arg(QSysInfo::machineHostName())
        .arg(::getpid())
        .arg(QUuid::createUuid().toString(QUuid::Id128).left(8));
}

std::optional<EngineLease::Holder> EngineLease::current(const QSqlDatabase &db)
{
    QSqlQuery q = Sql::exec(db,
                            QStringLiteral("SELECT holder, host, pid, acquired_at, "
                                           "heartbeat_at, expires_at FROM engine_lease "
                                           "WHERE id = 1"));
    if (!q.next())
        return std::nullopt;
    return Holder { q.value(0).toString(),   q.value(1).toString(),   q.value(2).toLongLong(),
                    q.value(3).toLongLong(), q.value(4).toLongLong(), q.value(5).toLongLong() };
}

bool EngineLease::acquire(const QSqlDatabase &db, const QString &holder, qint64 ttlMs,
                          std::optional<Holder> *previous)
{
    // Callers run this inside a write transaction, so the check and the take are atomic.
    const qint64 t = now();
    const auto existing = current(db);
    // A holder on this machine whose process is gone is as good as expired: no need to wait
    // out the TTL after a crash on a workstation.
    if (existing && existing->holder != holder && existing->alive(t))
        return false;
    if (previous)
        *previous = (existing && existing->holder != holder) ? existing : std::nullopt;
    Sql::exec(db,
              QStringLiteral("INSERT INTO engine_lease (id, holder, host, pid, acquired_at, "
                             "heartbeat_at, expires_at) VALUES (1, ?, ?, ?, ?, ?, ?) "
                             "ON CONFLICT(id) DO UPDATE SET holder = excluded.holder, "
                             "host = excluded.host, pid = excluded.pid, "
                             "acquired_at = excluded.acquired_at, "
                             "heartbeat_at = excluded.heartbeat_at, "
                             "expires_at = excluded.expires_at"),
              { holder, QSysInfo::machineHostName(), qint64(::getpid()), t, t, t + ttlMs });
    return true;
}

bool EngineLease::renew(const QSqlDatabase &db, const QString &holder, qint64 ttlMs)
{
    const qint64 t = now();
    QSqlQuery q = Sql::exec(db,
                            QStringLiteral("UPDATE engine_lease SET heartbeat_at = ?, "
                                           "expires_at = ? WHERE id = 1 AND holder = ?"),
                            { t, t + ttlMs, holder });
    return q.numRowsAffected() == 1;
}

void EngineLease::release(const QSqlDatabase &db, const QString &holder)
{
    Sql::exec(db, QStringLiteral("DELETE FROM engine_lease WHERE id = 1 AND holder = ?"),
              { holder });
}

} // namespace Baton
