#include "postgresbackend.h"

#include "pgpipeline.h"
#include "sql.h"
#include "util/error.h"

#include <QDeadlineTimer>
#include <QSqlError>
#include <QThread>
#include <QUuid>
#include <algorithm>
#include <optional>

namespace Baton {

namespace {

// Keywords QSqlDatabase has setters for; every other libpq keyword goes in the connect options.
const QString kHost = QStringLiteral("host");
const QString kPort = QStringLiteral("port");
const QString kDbname = QStringLiteral("dbname");
const QString kUser = QStringLiteral("user");

} // namespace

PostgresBackend::PostgresBackend(StoreLocation location, int busyTimeoutMs)
    : StoreBackend(std::move(location))
    , m_busyTimeoutMs(busyTimeoutMs)
{ }

QSqlDatabase PostgresBackend::open(const QString &name, bool readOnly) const
{
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
        throw Error(QStringLiteral("cannot open the team workspace %1: Qt's PostgreSQL driver "
                                   "is not installed (apt-get install libqt6sql6-psql)")
                        .arg(displayName()));
    QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
    const auto &p = m_location.parameters();
    db.setHostName(p.value(kHost));
    db.setDatabaseName(p.value(kDbname));
    db.setUserName(p.value(kUser));
    bool portOk = false;
    const int port = p.value(kPort).toInt(&portOk);
    if (portOk)
        db.setPort(port);
    QStringList options;
    for (auto it = p.cbegin(); it != p.cend(); ++it) {
        if (it.key() == kHost || it.key() == kDbname || it.key() == kUser
            || (it.key() == kPort && portOk))
            continue;
        options << it.key() + QLatin1Char('=') + StoreLocation::quoted(it.value());
    }
    // An unreachable server must fail in bounded time (libpq waits forever by default).
    if (!p.contains(QStringLiteral("connect_timeout")))
        options << QStringLiteral("connect_timeout=10");
    if (!p.contains(QStringLiteral("application_name")))
        options << QStringLiteral("application_name=baton");
    // QPSQL turns ';' into ' ' in its options: quoted values hold neither unquoted.
    db.setConnectOptions(options.join(QLatin1Char(';')));
    if (!db.open()) {
        // libpq's message names the host, port and user, never a password.
        const QString why = db.lastError().databaseText().trimmed().isEmpty()
            ? db.lastError().text()
            : db.lastError().databaseText().trimmed();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        throw Error(Sql::cannotConnect(displayName(), why.simplified()));
    }
    QSqlQuery setup(db);
    // Unqualified names are Baton's tables; 'public' stays reachable for extensions.
    QString session = QStringLiteral("SET search_path = baton, public");
    if (readOnly)
        session += QStringLiteral("; SET default_transaction_read_only = on");
    // Another writer holding the write lock is waited for as long as on SQLite, not forever.
    if (m_busyTimeoutMs > 0)
        session += QStringLiteral("; SET lock_timeout = %1").arg(m_busyTimeoutMs);
    if (!setup.exec(session))
        throw Error(QStringLiteral("cannot set up a session on the team workspace %1: %2")
                        .arg(displayName(), setup.lastError().text()));
    return db;
}

bool PostgresBackend::prepare(bool create, int latestVersion)
{
    const QString probe = QStringLiteral("baton-probe:") + QUuid::createUuid().toString();
    bool readOnly = false;
    QString refusal;
    {
        QSqlDatabase db = open(probe, true); // read-only: a database we refuse is never written
        try {
            const bool hasInfo
                = Sql::scalar(db,
                              QStringLiteral("SELECT to_regclass('baton.workspace_info') "
                                             "IS NOT NULL"))
                      .toBool();
            const qint64 tables
                = Sql::scalar(db,
                              QStringLiteral(
                                  "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = "
                                  "c.relnamespace WHERE c.relkind IN ('r', 'v', 'm', 'p', 'f') "
                                  "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND "
                                  "n.nspname NOT LIKE 'pg\\_toast%'"))
                      .toLongLong();
            const int version = schemaVersion(db);
            const bool standby
                = Sql::scalar(db, QStringLiteral("SELECT pg_is_in_recovery()")).toBool();
            if (!hasInfo && tables > 0) {
                refusal = QStringLiteral("the database of %1 holds something else (%2 tables, "
                                         "no Baton workspace): choose an empty database; it "
                                         "was left untouched")
                              .arg(displayName())
                              .arg(tables);
            } else if (!hasInfo && !create) {
                refusal = QStringLiteral("no workspace in %1 (the database is empty: create "
                                         "one with 'baton init')")
                              .arg(displayName());
            } else if (version > latestVersion) {
                refusal = QStringLiteral("%1 was made by a newer Baton (schema version %2; "
                                         "this Baton knows up to %3). Upgrade Baton to open it; "
                                         "nothing was written.")
                              .arg(displayName())
                              .arg(version)
                              .arg(latestVersion);
            } else if (!hasInfo) {
                const bool mayCreate = Sql::scalar(db,
                                                   QStringLiteral("SELECT has_database_privilege("
                                                                  "current_database(), 'CREATE')"))
                                           .toBool();
                if (standby || !mayCreate)
                    refusal
                        = QStringLiteral("cannot create a workspace in %1: the login %2 may "
                                         "not create a schema in that database%3")
                              .arg(
                                  displayName(),
                                  Sql::scalar(db, QStringLiteral("SELECT current_user")).toString(),
                                  standby ? QStringLiteral(" (a read-only standby)") : QString());
            } else {
                readOnly = standby
                    || !Sql::scalar(db,
                                    QStringLiteral("SELECT has_table_privilege("
                                                   "'baton.workspace_info', 'UPDATE')"))
                            .toBool();
            }
        } catch (const Error &e) {
            refusal = QStringLiteral("cannot read the team workspace %1: %2")
                          .arg(displayName(), e.message());
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(probe);
    if (!refusal.isEmpty())
        throw Error(refusal);
    return readOnly;
}

int PostgresBackend::schemaVersion(const QSqlDatabase &db) const
{
    // Two statements: a missing table cannot be named even in a branch not taken.
    if (!Sql::scalar(db, QStringLiteral("SELECT to_regclass('baton.schema_version') IS NOT NULL"))
             .toBool())
        return 0;
    return Sql::scalar(db,
                       QStringLiteral("SELECT COALESCE(MAX(version), 0) FROM "
                                      "baton.schema_version"))
        .toInt();
}

void PostgresBackend::setSchemaVersion(const QSqlDatabase &db, int version) const
{
    Sql::exec(db, QStringLiteral("UPDATE baton.schema_version SET version = ?"), { version });
}

QList<StoreBackend::Migration> PostgresBackend::migrations() const
{
    // The first PostgreSQL schema is SQLite's version 10 in one step; from then on every
    // migration has one file per backend under the same number.
    return {
        { 10, QStringLiteral(":/baton/migrations/postgresql/0010_baseline.sql") },
        { 11, QStringLiteral(":/baton/migrations/postgresql/0011_change_marker.sql") },
        { 12, QStringLiteral(":/baton/migrations/postgresql/0012_attempt_logs.sql") },
        { 13, QStringLiteral(":/baton/migrations/postgresql/0013_secrets_audit_chain.sql") },
        { 14, QStringLiteral(":/baton/migrations/postgresql/0014_commit_tickets.sql") },
    };
}

QStringList PostgresBackend::beginWrite() const
{
    return { QStringLiteral("BEGIN"),
             QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(WriteLockKey) };
}

void PostgresBackend::begin(const QSqlDatabase &db, const Control &) const
{
    // Sent with the transaction's first statement, or with its COMMIT when it only queues (the
    // engine's transitions): one wait for the server instead of one per statement.
    PgPipeline::begin(db, beginWrite());
}

void PostgresBackend::commit(const QSqlDatabase &db, const Control &) const
{
    PgPipeline::commit(db);
}

void PostgresBackend::rollback(const QSqlDatabase &db) const
{
    PgPipeline::rollback(db);
}

QString PostgresBackend::writeTicket(const QSqlDatabase &db) const
{
    const QString ticket = QUuid::createUuid().toString(QUuid::WithoutBraces);
    // Queued: it goes with the transaction's other statements (PgPipeline), no wait of its own.
    PgPipeline::queue(db,
                      "INSERT INTO commit_tickets (backend_pid, ticket) VALUES (pg_backend_pid(), "
                      "CAST(? AS uuid)) ON CONFLICT (backend_pid) DO UPDATE SET ticket = "
                      "excluded.ticket",
                      { ticket });
    return ticket + QLatin1Char(':') + QString::number(Sql::serverProcessId(db));
}

StoreBackend::CommitOutcome PostgresBackend::commitOutcome(const QString &ticket, int waitMs) const
{
    const QString uuid = ticket.section(QLatin1Char(':'), 0, 0);
    bool pidOk = false;
    const qint64 pid = ticket.section(QLatin1Char(':'), 1).toLongLong(&pidOk);
    if (uuid.isEmpty() || !pidOk || pid <= 0)
        return CommitOutcome::Unknown;
    const QString name = QStringLiteral("baton-commit-outcome-")
        + QUuid::createUuid().toString(QUuid::WithoutBraces);
    QDeadlineTimer deadline(std::max(0, waitMs));
    for (;;) {
        try {
            std::optional<CommitOutcome> outcome;
            {
                QSqlDatabase db = open(name, false);
                // The server may not have noticed yet that the client is gone: the process that
                // served it is ended first (while committing, it commits, then ends), and the
                // ticket is looked for once it is gone — then nothing of it can commit later.
                const QString alive = QStringLiteral(
                    "SELECT count(*) FROM pg_stat_activity WHERE pid = ? AND datname = "
                    "current_database() AND usename = current_user");
                Sql::exec(db,
                          QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                         "WHERE pid = ? AND datname = current_database() AND "
                                         "usename = current_user"),
                          { pid });
                int left = 0;
                while ((left = Sql::scalar(db, alive, { pid }).toInt()) > 0
                       && !deadline.hasExpired())
                    QThread::msleep(10);
                if (left == 0) {
                    const bool there
                        = Sql::scalar(db,
                                      QStringLiteral("SELECT count(*) FROM commit_tickets WHERE "
                                                     "ticket = CAST(? AS uuid)"),
                                      { uuid })
                              .toInt()
                        > 0;
                    outcome = there ? CommitOutcome::Committed : CommitOutcome::RolledBack;
                }
            }
            QSqlDatabase::removeDatabase(name);
            return outcome.value_or(CommitOutcome::Unknown);
        } catch (const Error &) {
            // The server is still out of reach (restarting): asked again until the deadline.
            if (QSqlDatabase::contains(name))
                QSqlDatabase::removeDatabase(name);
            if (deadline.hasExpired())
                return CommitOutcome::Unknown;
            QThread::msleep(std::min<qint64>(250, deadline.remainingTime()));
        }
    }
}

QString PostgresBackend::changeMarkerSql() const
{
    return QStringLiteral("SELECT value FROM baton.change_marker WHERE id = 1");
}

QString PostgresBackend::changeChannel() const
{
    return QStringLiteral("baton_changes");
}

void PostgresBackend::afterExplicitIds(const QSqlDatabase &db, const QString &table) const
{
    // Only tables whose id is an identity have a sequence (alert_cursor's id is a fixed 1).
    Sql::exec(db,
              QStringLiteral("SELECT setval(s, COALESCE((SELECT MAX(id) FROM %1), 0) + 1, false) "
                             "FROM pg_get_serial_sequence('baton.%1', 'id') s WHERE s IS NOT "
                             "NULL")
                  .arg(table));
}

void PostgresBackend::runScript(const QSqlDatabase &db, const QString &script) const
{
    // One simple-protocol round trip: PostgreSQL runs every statement of it, $$ bodies and all.
    // Inside the migration's transaction: its BEGIN (queued) goes first.
    PgPipeline::flush(db);
    QSqlQuery query(db);
    if (!query.exec(script))
        throw Error(QStringLiteral("migration failed on the team workspace %1: %2")
                        .arg(displayName(), query.lastError().text()));
}

} // namespace Baton
