#include "sqlitebackend.h"

#include "sql.h"
#include "util/error.h"
#include "walcheckpointer.h"
#include "walwritebuffer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlError>
#include <QUrl>
#include <QUuid>
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

namespace Baton {

SqliteBackend::SqliteBackend(StoreLocation location, int busyTimeoutMs)
    : StoreBackend(std::move(location))
    , m_busyTimeoutMs(busyTimeoutMs)
{ }

bool SqliteBackend::prepare(bool create, int latestVersion)
{
    const QString path = m_location.path();
    const QFileInfo info(path);
    if (!info.exists()) {
        if (!create)
            throw Error(QStringLiteral("no workspace database at %1").arg(path));
        if (!QDir().mkpath(info.absolutePath()))
            throw Error(QStringLiteral("cannot create directory %1").arg(info.absolutePath()));
        // Secrets are stored in it: private from the start, whatever the umask (an empty file
        // is an empty SQLite database).
        const int fd = ::open(QFile::encodeName(path).constData(),
                              O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0)
            ::close(fd);
        return false;
    }
    if (info.isDir())
        throw Error(QStringLiteral("%1 is a directory, not a workspace database").arg(path));
    // SQLite writes the file and creates its -wal / -shm beside it: both must be writable.
    m_readOnly = ::access(QFile::encodeName(path).constData(), W_OK) != 0
        || ::access(QFile::encodeName(info.absolutePath()).constData(), W_OK) != 0;
    validateExisting(latestVersion);
    return m_readOnly;
}

QSqlDatabase SqliteBackend::open(const QString &name, bool readOnly) const
{
    QSqlDatabase db = connect(name, readOnly);
    Sql::exec(db, QStringLiteral("PRAGMA foreign_keys = ON"));
    // NORMAL is durable across process crashes in WAL mode; only power loss may drop the tail.
    Sql::exec(db, QStringLiteral("PRAGMA synchronous = NORMAL"));
    return db;
}

QSqlDatabase SqliteBackend::connect(const QString &name, bool readOnly) const
{
    const QString path = m_location.path();
    WalWriteBuffer::install(); // once per process, before the first connection
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    db.setDatabaseName(path);
    QString options = QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(m_busyTimeoutMs);
    if (readOnly)
        options += QStringLiteral(";QSQLITE_OPEN_READONLY");
    // WAL needs a -shm file that a read-only directory cannot get: with no -wal file there is
    // nothing beyond the main file to read, and SQLite reads it as immutable, without one.
    if (m_readOnly && !QFileInfo::exists(path + QStringLiteral("-wal"))) {
        db.setDatabaseName(QUrl::fromLocalFile(path).toString(QUrl::FullyEncoded)
                           + QStringLiteral("?immutable=1"));
        options += QStringLiteral(";QSQLITE_OPEN_URI");
    }
    db.setConnectOptions(options);
    if (!db.open()) {
        const QString why = db.lastError().text();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        throw Error(QStringLiteral("cannot open workspace database %1: %2").arg(path, why));
    }
    return db;
}

void SqliteBackend::validateExisting(int latestVersion) const
{
    const QString path = m_location.path();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("cannot read %1: %2").arg(path, file.errorString()));
    const QByteArray header = file.read(16);
    file.close();
    if (header.isEmpty())
        return; // an empty file is an empty SQLite database: safe to initialise
    if (header != QByteArray("SQLite format 3\0", 16))
        throw Error(QStringLiteral("%1 is not a Baton workspace: not an SQLite database file "
                                   "(left untouched)")
                        .arg(path));

    // Probe read-only, so a file we refuse is never written to.
    const QString probe = QStringLiteral("baton-probe:") + QUuid::createUuid().toString();
    int version = 0;
    bool foreign = false;
    QString problem;
    {
        QSqlDatabase db = connect(probe, true);
        try {
            version = schemaVersion(db);
            const int tables
                = Sql::scalar(db, QStringLiteral("SELECT count(*) FROM sqlite_master")).toInt();
            const bool hasInfo = Sql::scalar(db,
                                             QStringLiteral("SELECT count(*) FROM sqlite_master "
                                                            "WHERE name = 'workspace_info'"))
                                     .toInt()
                > 0;
            foreign = tables > 0 && !hasInfo;
        } catch (const Error &e) {
            problem = e.message();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(probe);

    if (!problem.isEmpty())
        throw Error(
            QStringLiteral("%1 is corrupt or unreadable (left untouched): %2").arg(path, problem));
    if (foreign)
        throw Error(QStringLiteral("%1 is an SQLite database but not a Baton workspace "
                                   "(left untouched)")
                        .arg(path));
    if (version > latestVersion)
        throw Error(QStringLiteral("%1 was made by a newer Baton (schema version %2; this Baton "
                                   "knows up to %3). Upgrade Baton to open it; the file was "
                                   "left untouched.")
                        .arg(path)
                        .arg(version)
                        .arg(latestVersion));
}

int SqliteBackend::schemaVersion(const QSqlDatabase &db) const
{
    return Sql::scalar(db, QStringLiteral("PRAGMA user_version")).toInt();
}

void SqliteBackend::setSchemaVersion(const QSqlDatabase &db, int version) const
{
    Sql::exec(db, QStringLiteral("PRAGMA user_version = %1").arg(version));
}

QString SqliteBackend::changeMarkerSql() const
{
    return QStringLiteral("SELECT (SELECT data_version FROM pragma_data_version), total_changes()");
}

QList<StoreBackend::Migration> SqliteBackend::migrations() const
{
    // Append-only: a released migration is never edited, a change is a new file.
    return {
        { 1, QStringLiteral(":/baton/migrations/0001_initial.sql") },
        { 2, QStringLiteral(":/baton/migrations/0002_engine.sql") },
        { 3, QStringLiteral(":/baton/migrations/0003_scheduling.sql") },
        { 4, QStringLiteral(":/baton/migrations/0004_releases.sql") },
        { 5, QStringLiteral(":/baton/migrations/0005_operations.sql") },
        { 6, QStringLiteral(":/baton/migrations/0006_metrics.sql") },
        { 7, QStringLiteral(":/baton/migrations/0007_engine_writes.sql") },
        { 8, QStringLiteral(":/baton/migrations/0008_run_variables.sql") },
        { 9, QStringLiteral(":/baton/migrations/0009_rollup_triggers.sql") },
        { 10, QStringLiteral(":/baton/migrations/0010_run_durations.sql") },
        { 11, QStringLiteral(":/baton/migrations/0011_change_marker.sql") },
        { 12, QStringLiteral(":/baton/migrations/0012_attempt_logs.sql") },
        { 13, QStringLiteral(":/baton/migrations/0013_secrets_audit_chain.sql") },
        { 14, QStringLiteral(":/baton/migrations/0014_commit_tickets.sql") },
    };
}

QStringList SqliteBackend::beginWrite() const
{
    // IMMEDIATE takes the write lock up front, so the busy timeout applies here rather than
    // failing halfway when a read transaction tries to upgrade.
    return { QStringLiteral("BEGIN IMMEDIATE") };
}

void SqliteBackend::beforeMigrate(const QSqlDatabase &db) const
{
    // WAL lets the console read while the engine writes; it persists in the file.
    const QString mode = Sql::scalar(db, QStringLiteral("PRAGMA journal_mode=WAL")).toString();
    if (mode.compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0)
        spdlog::warn("workspace {}: journal mode is {}, not WAL", m_location.path().toStdString(),
                     mode.toStdString());
}

namespace {

// The engine's commits leave their WAL checkpoints (and the fsyncs that go with them) to a
// thread of their own while it runs.
class CheckpointedWriter final : public LongLivedWriter
{
public:
    explicit CheckpointedWriter(const QSqlDatabase &db)
        : m_checkpointer(db)
    { }

private:
    WalCheckpointer m_checkpointer;
};

} // namespace

std::unique_ptr<LongLivedWriter> SqliteBackend::longLivedWriter(const QSqlDatabase &db) const
{
    return std::make_unique<CheckpointedWriter>(db);
}

} // namespace Baton
