#include "store.h"

#include "access/auditchain.h"
#include "sql.h"
#include "storebackend.h"
#include "util/error.h"
#include "writescope.h"

#include <QFile>
#include <QHash>
#include <QSqlError>
#include <QThreadStorage>
#include <QUuid>
#include <spdlog/spdlog.h>

namespace Baton {

namespace {

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

thread_local int t_writeDepth = 0; // Store::transaction()s open on this thread
thread_local bool t_replyLost = false; // see Store::lastCommitLostItsReply

} // namespace

bool WriteScope::active()
{
    return t_writeDepth > 0;
}

bool Store::lastCommitLostItsReply()
{
    return t_replyLost;
}

Store::Store(const QString &path)
    : Store(path, Options {})
{ }

Store::Store(const QString &path, const Options &options)
    : Store(StoreLocation::sqlite(path), options)
{ }

Store::Store(const StoreLocation &location, const Options &options)
    : m_backend(StoreBackend::create(location, options.busyTimeoutMs))
    , m_path(location.displayName())
    , m_options(options)
{
    m_readOnly = m_backend->prepare(m_options.create, latestSchemaVersion());
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

void Store::migrate()
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
    m_backend->beforeMigrate(database);

    const int current = schemaVersion();
    for (const StoreBackend::Migration &m : m_backend->migrations()) {
        if (m.version <= current)
            continue;
        QFile file(m.resource);
        if (!file.open(QIODevice::ReadOnly))
            throw Error(QStringLiteral("migration %1 is missing from this build").arg(m.version));
        const QString script = QString::fromUtf8(file.readAll());
        // Without a commit ticket (its table may not exist yet): a migration whose COMMIT's
        // reply is lost is looked at again by the next open, under the same lock.
        write(
            [&](QSqlDatabase &tx) {
                // Re-check inside the write lock: another process may have migrated meanwhile.
                const int now = m_backend->schemaVersion(tx);
                if (now >= m.version)
                    return;
                m_backend->runScript(tx, script);
                // SQL cannot hash: the events from before the chain are chained here, in C++.
                if (m.version == 13)
                    AuditChain::chainUnhashed(tx);
                if (now == 0) {
                    m_createdNow = true;
                    const qint64 at = QDateTime::currentMSecsSinceEpoch();
                    const QString insert
                        = QStringLiteral("INSERT INTO workspace_info (key, value) VALUES (?, ?)");
                    Sql::exec(tx, insert,
                              { QStringLiteral("id"),
                                QUuid::createUuid().toString(QUuid::WithoutBraces) });
                    Sql::exec(tx, insert, { QStringLiteral("created_at"), QString::number(at) });
                    Sql::exec(
                        tx, insert,
                        { QStringLiteral("created_by"), QStringLiteral("baton " BATON_VERSION) });
                }
                m_backend->setSchemaVersion(tx, m.version);
            },
            false);
        spdlog::info("workspace {}: migrated to schema version {}", m_path.toStdString(),
                     m.version);
    }
}

QSqlDatabase Store::db() const
{
    if (!g_connections.hasLocalData())
        g_connections.setLocalData(new ThreadConnections);
    ThreadConnections *mine = g_connections.localData();
    auto it = mine->names.find(m_path);
    if (it != mine->names.end()) {
        QSqlDatabase db = QSqlDatabase::database(*it, false);
        if (!Sql::connectionBroken(db))
            return db;
        // The server went away (restart, network): the dead connection goes, then its
        // statements (with no driver left, they do not try to free themselves on the server,
        // each with a warning); a new one is opened below, or the next call tries again.
        spdlog::warn("workspace {}: the connection was lost; reconnecting", m_path.toStdString());
        const auto statements = mine->prepared.take(m_path);
        const QString old = *it;
        mine->names.erase(it);
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(old);
    }

    const QString name = Sql::connectionName(m_path);
    QSqlDatabase db = m_backend->open(name, m_readOnly);
    mine->names.insert(m_path, name);
    return db;
}

void Store::refuseWrite() const
{
    if (m_backend->dialect() == Dialect::Postgres)
        throw Error(QStringLiteral("the workspace is read-only (this login may not write %1, or "
                                   "the server is a read-only standby): this command changes it")
                        .arg(m_path));
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
        QSqlQuery query = Sql::statement(database);
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
    const qint64 id = Sql::insertedId(db(), query, sql);
    query.finish();
    return id;
}

void Store::transaction(const std::function<void(QSqlDatabase &)> &work) const
{
    write(work, true);
}

void Store::write(const std::function<void(QSqlDatabase &)> &work, bool ticketed) const
{
    if (m_readOnly)
        refuseWrite();
    QSqlDatabase database = db();
    QString ticket; // names the transaction, to ask the server about it if COMMIT's reply is lost
    bool committing = false;
    t_replyLost = false;
    // Inside the try: when a later begin statement fails (PostgreSQL's write lock timing out
    // after BEGIN), the open transaction is ended too, else the connection stays aborted.
    struct Depth
    {
        Depth() { ++t_writeDepth; }
        ~Depth() { --t_writeDepth; }
    };
    const auto control = [this](const QString &sql) {
        this->control(sql);
    };
    try {
        m_backend->begin(database, control);
        if (ticketed)
            ticket = m_backend->writeTicket(database);
        {
            const Depth inside;
            work(database);
        }
        committing = true;
        m_backend->commit(database, control);
    } catch (const Error &e) {
        m_backend->rollback(database);
        if (committing && !ticket.isEmpty() && Sql::isConnectionLoss(e.message())) {
            // The server may have committed before the connection went: retrying what it
            // committed would do it twice, and dropping what it did not would lose it.
            switch (m_backend->commitOutcome(ticket, m_options.commitOutcomeWaitMs)) {
            case StoreBackend::CommitOutcome::Committed:
                spdlog::warn("workspace {}: the connection was lost after COMMIT; the server "
                             "says the transaction committed",
                             m_path.toStdString());
                t_replyLost = true;
                return;
            case StoreBackend::CommitOutcome::RolledBack:
                throw; // "what was not committed was rolled back": all of it
            case StoreBackend::CommitOutcome::Unknown:
                throw Error(Sql::commitOutcomeUnknown(m_path, m_options.commitOutcomeWaitMs));
            }
        }
        throw;
    } catch (...) {
        m_backend->rollback(database);
        throw;
    }
}

// Transaction control: through the statement cache where the driver prepares it (SQLite: the
// engine begins and commits often), else as a plain statement.
void Store::control(const QString &sql) const
{
    if (m_backend->preparesEverything()) {
        exec(sql);
        return;
    }
    Sql::execDirect(db(), sql);
}

Dialect Store::dialect() const
{
    return m_backend->dialect();
}

int Store::schemaVersion() const
{
    return m_backend->schemaVersion(db());
}

int Store::latestSchemaVersion()
{
    return StoreBackend::LatestSchemaVersion;
}

} // namespace Baton
