#pragma once

#include "sqldialect.h"
#include "storelocation.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <memory>

namespace Baton {

/// What a long-lived writer holds while it writes (see StoreBackend::longLivedWriter).
class LongLivedWriter
{
public:
    virtual ~LongLivedWriter() = default;
};

/// What differs between the databases a workspace can live in, and nothing else: Store (and
/// the services above it) speak portable SQL through QtSql and ask the backend only for
/// opening connections, validating what is there before anything is written, the schema
/// version and its migrations, and how a write transaction excludes other writers.
///
/// - SqliteBackend: one file in WAL mode (the default, for one person).
/// - PostgresBackend: a team's server through Qt's QPSQL driver.
class StoreBackend
{
public:
    struct Migration
    {
        int version;
        QString resource;
    };

    /// The schema version this build writes; every backend's migrations end there.
    static constexpr int LatestSchemaVersion = 13;

    virtual ~StoreBackend() = default;
    static std::unique_ptr<StoreBackend> create(const StoreLocation &location, int busyTimeoutMs);

    virtual Dialect dialect() const = 0;
    const StoreLocation &location() const { return m_location; }
    QString displayName() const { return m_location.displayName(); }

    /// Checks what is at the location before anything is written (missing, foreign, corrupt,
    /// newer, read-only): throws Baton::Error saying so, or returns whether this process may
    /// only read. @p create: a missing database may be created (SQLite) / initialised.
    virtual bool prepare(bool create, int latestVersion) = 0;
    /// A new connection named @p name on the calling thread, set up for Baton (pragmas or
    /// session settings). Throws Baton::Error.
    virtual QSqlDatabase open(const QString &name, bool readOnly) const = 0;
    /// The schema version recorded in the database (0: none yet).
    virtual int schemaVersion(const QSqlDatabase &db) const = 0;
    virtual void setSchemaVersion(const QSqlDatabase &db, int version) const = 0;
    /// This backend's migrations, oldest first (append-only).
    virtual QList<Migration> migrations() const = 0;
    /// The statements that start a write transaction excluding every other writer of the
    /// workspace until it ends, as the services' read-then-write rules assume (SQLite: BEGIN
    /// IMMEDIATE).
    virtual QStringList beginWrite() const = 0;
    /// Whether transaction control and DDL may go through prepared statements (QPSQL prepares
    /// with SQL PREPARE, which takes only SELECT/INSERT/UPDATE/DELETE/VALUES).
    virtual bool preparesEverything() const { return true; }
    /// Runs a whole migration script in the current transaction.
    virtual void runScript(const QSqlDatabase &db, const QString &script) const;
    /// After rows were inserted into @p table with their own ids (a workspace copy): the next
    /// id it makes must come after them (PostgreSQL: the identity's sequence).
    virtual void afterExplicitIds(const QSqlDatabase &, const QString &) const { }
    /// One row that differs from the last one read on the same connection whenever anything was
    /// committed to the workspace in between, by anyone (see ChangeMarker).
    virtual QString changeMarkerSql() const = 0;
    /// The NOTIFY channel commits are announced on, or empty when nothing is pushed (SQLite).
    virtual QString changeChannel() const { return {}; }
    /// Called once on the first connection before migrating (SQLite: WAL mode).
    virtual void beforeMigrate(const QSqlDatabase &) const { }
    /// For a writer that keeps writing on @p db, a connection of the calling thread, for long
    /// (the engine, while it holds the lease): what tunes the backend for it, held until it
    /// stops and dropped on the same thread while @p db is still open. SQLite: its WAL
    /// checkpoints leave the writer's thread (WalCheckpointer). nullptr: nothing to tune.
    virtual std::unique_ptr<LongLivedWriter> longLivedWriter(const QSqlDatabase &) const
    {
        return nullptr;
    }

protected:
    explicit StoreBackend(StoreLocation location)
        : m_location(std::move(location))
    { }

    StoreLocation m_location;
};

} // namespace Baton
