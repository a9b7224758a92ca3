#pragma once

#include <QSqlDatabase>
#include <QString>
#include <optional>

namespace Baton {

/// The single row that says which engine drives a workspace. An engine renews it with a
/// heartbeat; when it stops renewing, another engine may take over once it expires.
class EngineLease
{
public:
    struct Holder
    {
        QString holder;
        QString host;
        qint64 pid = 0;
        qint64 acquiredAt = 0;
        qint64 heartbeatAt = 0;
        qint64 expiresAt = 0;
        bool expired(qint64 now) const { return expiresAt <= now; }
        /// Not expired, and (when it runs on this machine) its process still exists.
        bool alive(qint64 now) const;
    };

    /// Takes the lease if free, expired or already ours; false if another engine holds it.
    /// @p previous receives the expired holder we replaced (so the caller knows to recover).
    static bool acquire(const QSqlDatabase &db, const QString &holder, qint64 ttlMs,
                        std::optional<Holder> *previous = nullptr);
    /// Extends our lease; false if it is no longer ours.
    static bool renew(const QSqlDatabase &db, const QString &holder, qint64 ttlMs);
    static void release(const QSqlDatabase &db, const QString &holder);
    static std::optional<Holder> current(const QSqlDatabase &db);
    /// "host:pid:random", unique per engine instance.
    static QString newHolderId();
};

} // namespace Baton
