#pragma once

#include "storebackend.h"

namespace Baton {

/// A team workspace in a PostgreSQL database (15 or newer), through Qt's QPSQL driver.
///
/// Baton's tables live in the schema `baton` of the database; the schema version is the one
/// row of baton.schema_version. Connecting never takes a password from Baton: libpq reads
/// ~/.pgpass or uses what the server's pg_hba.conf offers.
///
/// Write transactions take one transaction-scoped advisory lock, so that writers exclude each
/// other as SQLite's BEGIN IMMEDIATE makes them do: the services' read-then-write rules (the
/// engine lease, request claims, version numbering) hold unchanged at READ COMMITTED. Readers
/// never wait for it. A writer waits for it (and for any lock) as long as SQLite's busy timeout,
/// then gives up with the same error (lock_timeout), never forever.
class PostgresBackend final : public StoreBackend
{
public:
    PostgresBackend(StoreLocation location, int busyTimeoutMs);

    /// The advisory lock key of write transactions (pg_advisory_xact_lock).
    static constexpr qint64 WriteLockKey = 0x4261746f6e57; // "BatonW"

    Dialect dialect() const override { return Dialect::Postgres; }
    bool prepare(bool create, int latestVersion) override;
    QSqlDatabase open(const QString &name, bool readOnly) const override;
    int schemaVersion(const QSqlDatabase &db) const override;
    void setSchemaVersion(const QSqlDatabase &db, int version) const override;
    QList<Migration> migrations() const override;
    QStringList beginWrite() const override;
    void begin(const QSqlDatabase &db, const Control &control) const override;
    void commit(const QSqlDatabase &db, const Control &control) const override;
    void rollback(const QSqlDatabase &db) const override;
    /// A random ticket in the server process's row of commit_tickets (migration 0014), and
    /// that process's id: "<ticket>:<pid>".
    QString writeTicket(const QSqlDatabase &db) const override;
    CommitOutcome commitOutcome(const QString &ticket, int waitMs) const override;
    bool preparesEverything() const override { return false; }
    void runScript(const QSqlDatabase &db, const QString &script) const override;
    void afterExplicitIds(const QSqlDatabase &db, const QString &table) const override;
    /// baton.change_marker, moved and announced by triggers (migration 0011).
    QString changeMarkerSql() const override;
    QString changeChannel() const override;

private:
    int m_busyTimeoutMs;
};

} // namespace Baton
