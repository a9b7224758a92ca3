#pragma once

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariantList>
#include <functional>

namespace Baton {

/// The workspace database: one SQLite file in WAL mode, one connection per thread.
///
/// open() validates before it writes anything: a non-SQLite or corrupt file, a foreign SQLite
/// file, or a schema newer than this build is reported and left byte-for-byte as it was.
///
/// A database this process cannot write (a read-only file, directory or mount) opens read-only:
/// reads work, and every write throws Baton::Error saying the workspace is read-only. A new
/// database file is created private to its owner (0600; SQLite gives its -wal and -shm files
/// the same mode).
class Store
{
public:
    struct Options
    {
        bool create = true; ///< create the file when missing
        int busyTimeoutMs = 5000; ///< how long to wait for another writer before failing
    };

    /// Opens and migrates the database at @p path. Throws Baton::Error.
    explicit Store(const QString &path);
    Store(const QString &path, const Options &options);
    ~Store();
    Store(const Store &) = delete;
    Store &operator=(const Store &) = delete;

    QString path() const { return m_path; }
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
    /// Runs an INSERT through the statement cache; returns the new row id.
    qint64 insert(const QString &sql, const QVariantList &binds = {}) const;

    /// Runs @p work inside BEGIN IMMEDIATE … COMMIT on this thread's connection; rolls back and
    /// rethrows on any exception, so a multi-row change lands whole or not at all.
    void transaction(const std::function<void(QSqlDatabase &)> &work) const;

    int schemaVersion() const;
    static int latestSchemaVersion();

private:
    void validateExisting() const;
    void migrate() const;
    QSqlDatabase openConnection(const QString &name, bool readOnly) const;
    void refuseWrite() const;

    QString m_path;
    Options m_options;
    bool m_readOnly = false;
};

} // namespace Baton
