#include "sql.h"

#include "pgpipeline.h"
#include "sql_p.h"
#include "sqldialect.h"
#include "util/error.h"

#include <QRegularExpression>
#include <QSqlDriver>
#include <QSqlError>
#include <QThread>
#include <libpq-fe.h>

namespace Baton::Sql {

// "baton:<workspace>:<thread>": the workspace may hold ':' itself, the thread id does not.
QString connectionName(const QString &workspace)
{
    return QStringLiteral("baton:%1:%2")
        .arg(workspace)
        .arg(reinterpret_cast<quintptr>(QThread::currentThreadId()));
}

QString workspaceName(const QSqlDatabase &db)
{
    const QString name = db.connectionName();
    if (name.startsWith(QLatin1String("baton:")))
        return name.mid(6).section(QLatin1Char(':'), 0, -2);
    return db.databaseName();
}

namespace {
const QString kConnectionLost = QStringLiteral("lost the connection to the team workspace");
const QString kCannotConnect = QStringLiteral("cannot connect to the team workspace");
const QString kOutcomeUnknown = QStringLiteral("the outcome of a commit to the team workspace");
} // namespace

QString cannotConnect(const QString &workspace, const QString &why)
{
    return QStringLiteral("%1 %2: %3").arg(kCannotConnect, workspace, why);
}

PGconn *pgConnection(const QSqlDatabase &db)
{
    if (!db.isValid() || !db.isOpen() || SqlDialect::of(db) != Dialect::Postgres)
        return nullptr;
    const QVariant handle = db.driver()->handle();
    // QPSQL registers its handle as "pg_conn*" (the struct behind libpq's PGconn typedef).
    if (qstrcmp(handle.typeName(), "pg_conn*") != 0 && qstrcmp(handle.typeName(), "PGconn*") != 0)
        return nullptr;
    return *static_cast<PGconn *const *>(handle.constData());
}

bool connectionBroken(const QSqlDatabase &db)
{
    if (!db.isValid() || SqlDialect::of(db) != Dialect::Postgres)
        return false;
    if (!db.isOpen())
        return true;
    // libpq marks the connection bad once a statement found the socket closed (QPSQL's
    // isOpen() says so too; this also covers a handle it does not name as expected).
    PGconn *conn = pgConnection(db);
    return conn != nullptr && PQstatus(conn) == CONNECTION_BAD;
}

qint64 serverProcessId(const QSqlDatabase &db)
{
    PGconn *conn = pgConnection(db);
    return conn ? PQbackendPID(conn) : 0;
}

QString commitOutcomeUnknown(const QString &workspace, int waitMs)
{
    return QStringLiteral("%1 %2 is not known: the connection was lost after COMMIT was sent, "
                          "and the server could not be asked within %3 s whether it committed; "
                          "read the workspace again before repeating the change")
        .arg(kOutcomeUnknown, workspace)
        .arg(waitMs / 1000.0, 0, 'g', 3);
}

bool isCommitOutcomeUnknown(const QString &message)
{
    return message.startsWith(kOutcomeUnknown);
}

bool isConnectionLoss(const QString &message)
{
    return message.startsWith(kConnectionLost) || message.startsWith(kCannotConnect);
}

void fail(const QSqlDatabase &db, const QSqlError &error, const QString &sql)
{
    const QString text = error.text();
    // SQLSTATE class 08 (connection exception) and 57P01-03 (the server shut down or restarts).
    const QString state = error.nativeErrorCode();
    if (connectionBroken(db) || state.startsWith(QLatin1String("08"))
        || state.startsWith(QLatin1String("57P0"))) {
        throw Error(QStringLiteral("%1 %2: %3; what was not committed was rolled back")
                        .arg(kConnectionLost, workspaceName(db), text.simplified()));
    }
    // 55P03: PostgreSQL's lock_timeout ran out waiting for another writer (PostgresBackend).
    if (text.contains(QLatin1String("database is locked"))
        || text.contains(QLatin1String("database is busy")) || state == QLatin1String("55P03")) {
        throw Error(QStringLiteral("workspace database %1 is locked by another writer; gave up "
                                   "waiting (busy timeout)")
                        .arg(workspaceName(db)));
    }
    if (text.contains(QLatin1String("malformed")) || text.contains(QLatin1String("not a database")))
        throw Error(
            QStringLiteral("workspace database %1 is corrupt: %2").arg(workspaceName(db), text));
    throw Error(QStringLiteral("database error in %1: %2 (while running: %3)")
                    .arg(workspaceName(db), text, sql.simplified().left(200)));
}

namespace {
void bindAll(QSqlQuery &query, const QVariantList &binds)
{
    for (int i = 0; i < binds.size(); ++i) {
        const QVariant &value = binds.at(i);
        // Qt binds a null QString as NULL; Baton means '' by it, and QVariant() by NULL.
        if (value.isValid() && value.typeId() == QMetaType::QString && value.toString().isNull())
            query.bindValue(i, QStringLiteral(""));
        else if (!value.isValid())
            query.bindValue(i, QVariant(QMetaType(QMetaType::QString)));
        else
            query.bindValue(i, value);
    }
}
} // namespace

QSqlQuery statement(const QSqlDatabase &db)
{
    QSqlQuery query(db);
    query.setForwardOnly(SqlDialect::of(db) == Dialect::Sqlite);
    return query;
}

QSqlQuery exec(const QSqlDatabase &db, const QString &sql, const QVariantList &binds)
{
    PgPipeline::flush(db); // what was queued before it runs first
    QSqlQuery query = statement(db);
    if (!query.prepare(sql))
        fail(db, query.lastError(), sql);
    bindAll(query, binds);
    if (!query.exec())
        fail(db, query.lastError(), sql);
    return query;
}

QSqlQuery &run(const QSqlDatabase &db, QSqlQuery &query, const QVariantList &binds)
{
    PgPipeline::flush(db);
    query.finish();
    bindAll(query, binds);
    if (!query.exec()) {
        const QSqlError error = query.lastError();
        const QString sql = query.lastQuery();
        query.finish();
        fail(db, error, sql);
    }
    return query;
}

QVariant scalar(const QSqlDatabase &db, const QString &sql, const QVariantList &binds)
{
    QSqlQuery query = exec(db, sql, binds);
    if (!query.next())
        return {};
    return query.value(0);
}

qint64 insert(const QSqlDatabase &db, const QString &sql, const QVariantList &binds)
{
    // RETURNING, not lastInsertId(): the rowid is SQLite's, and QPSQL has no such thing.
    QSqlQuery query = exec(db, sql, binds);
    return insertedId(db, query, sql);
}

qint64 insertedId(const QSqlDatabase &db, QSqlQuery &query, const QString &sql)
{
    // One rule on both databases, so that the SQLite suites catch an INSERT PostgreSQL could
    // not answer: the id comes from RETURNING, never from SQLite's rowid.
    if (query.isSelect() && query.next())
        return query.value(0).toLongLong();
    throw Error(QStringLiteral("database error in %1: an INSERT gave back no id; it needs "
                               "RETURNING id (while running: %2)")
                    .arg(workspaceName(db), sql.simplified().left(200)));
}

void execDirect(const QSqlDatabase &db, const QString &sql)
{
    PgPipeline::flush(db);
    QSqlQuery query(db);
    if (!query.exec(sql))
        fail(db, query.lastError(), sql);
}

namespace {
// Whether @p statement ends with the END that closes its first BEGIN (CASE … END nested inside),
// quoted text left out.
bool closesBlock(const QString &statement)
{
    static const QRegularExpression quoted(QStringLiteral("'[^']*'|\"[^\"]*\""));
    static const QRegularExpression word(QStringLiteral("\\b(BEGIN|CASE|END)\\b"),
                                         QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression endsWithEnd(QStringLiteral("\\bEND\\s*\\z"),
                                                QRegularExpression::CaseInsensitiveOption);
    const QString text = QString(statement).replace(quoted, QStringLiteral("''"));
    if (!endsWithEnd.match(text).hasMatch())
        return false;
    int depth = 0;
    bool opened = false;
    for (auto it = word.globalMatch(text); it.hasNext();) {
        const QString w = it.next().captured(1).toUpper();
        if (w == QLatin1String("END")) {
            --depth;
        } else {
            opened = opened || w == QLatin1String("BEGIN");
            ++depth;
        }
    }
    return opened && depth <= 0;
}
} // namespace

QStringList splitStatements(const QString &script)
{
    QStringList statements;
    QString current;
    QChar quote;
    for (qsizetype i = 0; i < script.size(); ++i) {
        const QChar c = script.at(i);
        if (!quote.isNull()) {
            current += c;
            if (c == quote)
                quote = QChar();
            continue;
        }
        if (c == QLatin1Char('-') && i + 1 < script.size() && script.at(i + 1) == c) {
            while (i < script.size() && script.at(i) != QLatin1Char('\n'))
                ++i;
            current += QLatin1Char('\n');
            continue;
        }
        if (c == QLatin1Char('\'') || c == QLatin1Char('"'))
            quote = c;
        if (c == QLatin1Char(';')) {
            // A trigger's body holds statements of its own: it ends at the END that closes its
            // BEGIN, not at one that closes a CASE inside it.
            static const QRegularExpression trigger(
                QStringLiteral("^CREATE\\s+(TEMP\\s+|TEMPORARY\\s+)?TRIGGER\\b"),
                QRegularExpression::CaseInsensitiveOption);
            const QString sofar = current.trimmed();
            if (trigger.match(sofar).hasMatch() && !closesBlock(sofar)) {
                current += c;
                continue;
            }
            if (!current.trimmed().isEmpty())
                statements << current.trimmed();
            current.clear();
            continue;
        }
        current += c;
    }
    if (!current.trimmed().isEmpty())
        statements << current.trimmed();
    return statements;
}

} // namespace Baton::Sql
