#pragma once

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariantList>
#include <functional>
#include <memory>

namespace Baton {

class StoreBackend;
class StoreLocation;
enum class Dialect; // sqldialect.h

/// The workspace database, one connection per thread: an SQLite file (see SqliteBackend) or a
/// team's PostgreSQL database (see PostgresBackend). What differs between the two lives in
/// the StoreBackend; everything above it speaks portable SQL.
///
/// Opening validates before it writes anything: a non-SQLite or corrupt file, a foreign
/// database, or a schema newer than this build is reported and left exactly as it was.
///
/// A database this process cannot write (a read-only file, directory or mount; a login without
/// write privileges; a standby) opens read-only: reads work, and every write throws
/// Baton::Error saying the workspace is read-only.
class Store
{
public:
    struct Options
    {
        bool create = true; ///< create the file when missing
        int busyTimeoutMs = 5000; ///< how long to wait for another writer before failing
        /// After a COMMIT whose reply was lost: how long to keep asking the server whether it
        /// committed (StoreBackend::commitOutcome) before saying it is not known.
        int commitOutcomeWaitMs = 30000;
    };

    /// Opens and migrates the SQLite database at @p path. Throws Baton::Error.
    explicit Store(const QString &path);
    Store(const QString &path, const Options &options);
    /// Opens and migrates the database at @p location. Throws Baton::Error.
    Store(const StoreLocation &location, const Options &options);
    ~Store();
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    /// How messages name the database: its file, or its server and database (no password).
    QString path() const { return m_path; }
    Dialect dialect() const;
    const StoreBackend &backend() const { return *m_backend; }
    /// Whether this process cannot write the database (see the class comment).
    bool readOnly() const { return m_readOnly; }
    /// The calling thread's connection (opened on first use, closed when the thread ends).
    QSqlDatabase db() const;

    /// A prepared statement on this thread's connection, cached for reuse: hot paths (the
    /// engine's transitions) skip re-parsing SQL. Run it with Sql::run; do not nest two uses
    /// of the same statement.
    QSqlQuery prepared(const QString &sql) const;
    /// Runs a statement that returns no rows through the statement cache.
    void exec(const QString &sql, const QVariantList &binds = {}) const;
    /// Runs an INSERT through the statement cache; returns the new row id: the first column of
    /// its RETURNING clause (required on PostgreSQL), else SQLite's last rowid.
    qint64 insert(const QString &sql, const QVariantList &binds = {}) const;

    /// Runs @p work in a write transaction on this thread's connection, excluding every other
    /// writer (StoreBackend::beginWrite); rolls back and rethrows on any exception, so a
    /// multi-row change lands whole or not at all. When the connection is lost after COMMIT was
    /// sent, it asks the server whether the transaction committed: returns if it did, throws
    /// the lost connection if not, and Sql::commitOutcomeUnknown if the server cannot say.
    void transaction(const std::function<void(QSqlDatabase &)> &work) const;
    /// Whether the calling thread's last transaction() committed although its reply was lost
    /// (the server said so when asked): what its queued statements were to return (PgPipeline's
    /// returned ids) never came back.
    static bool lastCommitLostItsReply();

    int schemaVersion() const;
    static int latestSchemaVersion();
    /// Whether opening it created the workspace (the database had no schema yet).
    bool createdNow() const { return m_createdNow; }

private:
    void migrate();
    void refuseWrite() const;
    void control(const QString &sql) const;
    /// transaction(); @p ticketed: with a commit ticket (StoreBackend::writeTicket).
    void write(const std::function<void(QSqlDatabase &)> &work, bool ticketed) const;

    std::unique_ptr<StoreBackend> m_backend;
    QString m_path;
    Options m_options;
    bool m_readOnly = false;
    bool m_createdNow = false;
};

} // namespace Baton
