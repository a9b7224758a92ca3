#include "store.h"

#include "sql.h"
#include "util/error.h"
#include "walwritebuffer.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSqlError>
#include <QThread>
#include <QThreadStorage>
#include <QUrl>
#include <QUuid>
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

namespace Baton {

namespace {

struct Migration
{
    int version;
    const char *resource;
};
// Append-only: a released migration is never edited, a change is a new file.
constexpr Migration kMigrations[] = {
    { 1, ":/baton/migrations/0001_initial.sql" },
    { 2, ":/baton/migrations/0002_engine.sql" },
    { 3, ":/baton/migrations/0003_scheduling.sql" },
    { 4, ":/baton/migrations/0004_releases.sql" },
    { 5, ":/baton/migrations/0005_operations.sql" },
    { 6, ":/baton/migrations/0006_metrics.sql" },
    { 7, ":/baton/migrations/0007_engine_writes.sql" },
    { 8, ":/baton/migrations/0008_run_variables.sql" },
    { 9, ":/baton/migrations/0009_rollup_triggers.sql" },
    { 10, ":/baton/migrations/0010_run_durations.sql" },
};

// Connections belong to the thread that opened them; this closes them when it ends.
struct ThreadConnections
{
    QHash<QString, QString> names; // database path -> connection name
    QHash<QString, QHash<QString, QSqlQuery>> prepared; // database path -> sql -> statement
    ~ThreadConnections()
    {
        prepared.clear(); // statements go before their connections
        for (const QString &name : std::as_const(names)) {
            {
                QSqlDatabase db = QSqlDatabase::database(name, false);
                if (db.isOpen())
                    db.close();
            }
            QSqlDatabase::removeDatabase(name);
        }
    }
};
QThreadStorage<ThreadConnections *> g_connections;

QString connectionName(const QString &path)
{
    return QStringLiteral("baton:%1:%2")
        .arg(path)
        .arg(reinterpret_cast<quintptr>(QThread::currentThreadId()));
}

} // namespace

Store::Store(const QString &path)
    : Store(path, Options {})
{ }

Store::Store(const QString &path, const Options &options)
    : m_path(QFileInfo(path).absoluteFilePath())
    , m_options(options)
{
    const QFileInfo info(m_path);
    if (!info.exists()) {
        if (!m_options.create)
            throw Error(QStringLiteral("no workspace database at %1").arg(m_path));
        if (!QDir().mkpath(info.absolutePath()))
            throw Error(QStringLiteral("cannot create directory %1").arg(info.absolutePath()));
        // Secrets are stored in it: private from the start, whatever the umask (an empty file
        // is an empty SQLite database).
        const int fd = ::open(QFile::encodeName(m_path).constData(),
                              O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0)
            ::close(fd);
    } else {
        if (info.isDir())
            throw Error(QStringLiteral("%1 is a directory, not a workspace database").arg(m_path));
        // SQLite writes the file and creates its -wal / -shm beside it: both must be writable.
        m_readOnly = ::access(QFile::encodeName(m_path).constData(), W_OK) != 0
            || ::access(QFile::encodeName(info.absolutePath()).constData(), W_OK) != 0;
        validateExisting();
    }
    migrate();
}

Store::~Store()
{
    // Only this thread's connection can be closed from here; others close with their threads.
    if (g_connections.hasLocalData()) {
        ThreadConnections *mine = g_connections.localData();
        mine->prepared.remove(m_path);
        const QString name = mine->names.take(m_path);
        if (!name.isEmpty()) {
            {
                QSqlDatabase db = QSqlDatabase::database(name, false);
                db.close();
            }
            QSqlDatabase::removeDatabase(name);
        }
    }
}

QSqlDatabase Store::openConnection(const QString &name, bool readOnly) const
{
    WalWriteBuffer::install(); // once per process, before the first connection
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
    db.setDatabaseName(m_path);
    QString options = QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(m_options.busyTimeoutMs);
    if (readOnly)
        options += QStringLiteral(";QSQLITE_OPEN_READONLY");
    // WAL needs a -shm file that a read-only directory cannot get: with no -wal file there is
    // nothing beyond the main file to read, and SQLite reads it as immutable, without one.
    if (m_readOnly && !QFileInfo::exists(m_path + QStringLiteral("-wal"))) {
        db.setDatabaseName(QUrl::fromLocalFile(m_path).toString(QUrl::FullyEncoded)
                           + QStringLiteral("?immutable=1"));
        options += QStringLiteral(";QSQLITE_OPEN_URI");
    }
    db.setConnectOptions(options);
    if (!db.open()) {
        const QString why = db.lastError().text();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        throw Error(QStringLiteral("cannot open workspace database %1: %2").arg(m_path, why));
    }
    return db;
}

void Store::validateExisting() const
{
    QFile file(m_path);
    if (!file.open(QIODevice::ReadOnly))
        throw Error(QStringLiteral("cannot read %1: %2").arg(m_path, file.errorString()));
    const QByteArray header = file.read(16);
    file.close();
    if (header.isEmpty())
        return; // an empty file is an empty SQLite database: safe to initialise
    if (header != QByteArray("SQLite format 3\0", 16))
        throw Error(QStringLiteral("%1 is not a Baton workspace: not an SQLite database file "
                                   "(left untouched)")
                        .arg(m_path));

    // Probe read-only, so a file we refuse is never written to.
    const QString probe = QStringLiteral("baton-probe:") + QUuid::createUuid().toString();
    int version = 0;
    bool foreign = false;
    QString problem;
    {
        QSqlDatabase db = openConnection(probe, true);
        try {
            version = Sql::scalar(db, QStringLiteral("PRAGMA user_version")).toInt();
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
        throw Error(QStringLiteral("%1 is corrupt or unreadable (left untouched): %2")
                        .arg(m_path, problem));
    if (foreign)
        throw Error(QStringLiteral("%1 is an SQLite database but not a Baton workspace "
                                   "(left untouched)")
                        .arg(m_path));
    if (version > latestSchemaVersion())
        throw Error(QStringLiteral("%1 was made by a newer Baton (schema version %2; this Baton "
                                   "knows up to %3). Upgrade Baton to open it; the file was "
                                   "left untouched.")
                        .arg(m_path)
                        .arg(version)
                        .arg(latestSchemaVersion()));
}

void Store::migrate() const
{
    QSqlDatabase database = db();
    if (m_readOnly) {
        const int version = schemaVersion();
        if (version < latestSchemaVersion())
            throw Error(QStringLiteral("%1 is read-only and was made by an older Baton (schema "
                                       "version %2, this Baton upgrades it to %3): open it once "
                                       "with write access")
                            .arg(m_path)
                            .arg(version)
                            .arg(latestSchemaVersion()));
        return;
    }
    // WAL lets the console read while the engine writes; it persists in the file.
    const QString mode
        = Sql::scalar(database, QStringLiteral("PRAGMA journal_mode=WAL")).toString();
    if (mode.compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0)
        spdlog::warn("workspace {}: journal mode is {}, not WAL", m_path.toStdString(),
                     mode.toStdString());

    const int current = schemaVersion();
    for (const Migration &m : kMigrations) {
        if (m.version <= current)
            continue;
        QFile file(QString::fromLatin1(m.resource));
        if (!file.open(QIODevice::ReadOnly))
            throw Error(QStringLiteral("migration %1 is missing from this build").arg(m.version));
        const QString script = QString::fromUtf8(file.readAll());
        transaction([&](QSqlDatabase &tx) {
            // Re-check inside the write lock: another process may have migrated meanwhile.
            if (Sql::scalar(tx, QStringLiteral("PRAGMA user_version")).toInt() >= m.version)
                return;
            for (const QString &statement : Sql::splitStatements(script))
                Sql::exec(tx, statement);
            if (m.version == 1) {
                const qint64 now = QDateTime::currentMSecsSinceEpoch();
                const QString insert
                    = QStringLiteral("INSERT INTO workspace_info (key, value) VALUES (?, ?)");
                Sql::exec(
                    tx, insert,
                    { QStringLiteral("id"), QUuid::createUuid().toString(QUuid::WithoutBraces) });
                Sql::exec(tx, insert, { QStringLiteral("created_at"), QString::number(now) });
                Sql::exec(tx, insert,
                          { QStringLiteral("created_by"), QStringLiteral("baton " BATON_VERSION) });
            }
            Sql::exec(tx, QStringLiteral("PRAGMA user_version = %1").arg(m.version));
        });
        spdlog::info("workspace {}: migrated to schema version {}", m_path.toStdString(),
                     m.version);
    }
}

QSqlDatabase Store::db() const
{
    if (!g_connections.hasLocalData())
        g_connections.setLocalData(new ThreadConnections);
    ThreadConnections *mine = g_connections.localData();
    auto it = mine->names.constFind(m_path);
    if (it != mine->names.constEnd())
        return QSqlDatabase::database(*it, false);

    const QString name = connectionName(m_path);
    QSqlDatabase db = openConnection(name, m_readOnly);
    mine->names.insert(m_path, name);
    Sql::exec(db, QStringLiteral("PRAGMA foreign_keys = ON"));
    // NORMAL is durable across process crashes in WAL mode; only power loss may drop the tail.
    Sql::exec(db, QStringLiteral("PRAGMA synchronous = NORMAL"));
    return db;
}

void Store::refuseWrite() const
{
    throw Error(QStringLiteral("the workspace is read-only (%1 cannot be written by this user "
                               "or on this file system): this command changes it")
                    .arg(m_path));
}

QSqlQuery Store::prepared(const QString &sql) const
{
    const QSqlDatabase database = db();
    auto &cache = g_connections.localData()->prepared[m_path];
    auto it = cache.find(sql);
    if (it == cache.end()) {
        QSqlQuery query(database);
        query.setForwardOnly(true);
        if (!query.prepare(sql)) {
            // Sql::exec reports it with the same wording as every other failure.
            Sql::exec(database, sql);
        }
        it = cache.insert(sql, query);
    }
    return *it;
}

void Store::exec(const QString &sql, const QVariantList &binds) const
{
    if (m_readOnly)
        refuseWrite();
    QSqlQuery query = prepared(sql);
    Sql::run(db(), query, binds);
    query.finish(); // a statement left open would pin a read snapshot
}

qint64 Store::insert(const QString &sql, const QVariantList &binds) const
{
    if (m_readOnly)
        refuseWrite();
    QSqlQuery query = prepared(sql);
    Sql::run(db(), query, binds);
    const qint64 id = query.lastInsertId().toLongLong();
    query.finish();
    return id;
}

void Store::transaction(const std::function<void(QSqlDatabase &)> &work) const
{
    if (m_readOnly)
        refuseWrite();
    QSqlDatabase database = db();
    // IMMEDIATE takes the write lock up front, so the busy timeout applies here rather than
    // failing halfway when a read transaction tries to upgrade.
    exec(QStringLiteral("BEGIN IMMEDIATE"));
    try {
        work(database);
        exec(QStringLiteral("COMMIT"));
    } catch (...) {
        QSqlQuery rollback(database);
        rollback.exec(QStringLiteral("ROLLBACK"));
        throw;
    }
}

int Store::schemaVersion() const
{
    return Sql::scalar(db(), QStringLiteral("PRAGMA user_version")).toInt();
}

int Store::latestSchemaVersion()
{
    return std::size(kMigrations) > 0 ? kMigrations[std::size(kMigrations) - 1].version : 0;
}

} // namespace Baton
