#pragma once

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QVariant>
#include <QVariantList>

namespace Baton::Sql {

/// A new statement on @p db, forward-only where that is safe: SQLite steps a result as it is
/// read and runs other statements meanwhile; QPSQL streams a forward-only result row by row and
/// a second statement on the connection discards the rest of it ("Query results lost"), so on
/// PostgreSQL every result is fetched whole and a lookup per row loses nothing.
QSqlQuery statement(const QSqlDatabase &db);
/// Prepares and runs @p sql with positional binds; throws Baton::Error naming the failure.
QSqlQuery exec(const QSqlDatabase &db, const QString &sql, const QVariantList &binds = {});
/// Runs an already prepared query (see Store::prepared) with positional binds.
QSqlQuery &run(const QSqlDatabase &db, QSqlQuery &query, const QVariantList &binds = {});
/// The first column of the first row, or an invalid QVariant when there is no row.
QVariant scalar(const QSqlDatabase &db, const QString &sql, const QVariantList &binds = {});
/// Runs an INSERT and returns the new row id (see insertedId).
qint64 insert(const QSqlDatabase &db, const QString &sql, const QVariantList &binds = {});
/// The id an executed INSERT made: the first column of its RETURNING row. Throws when it has
/// none, on SQLite too (PostgreSQL has no rowid: every INSERT whose id is wanted says so).
qint64 insertedId(const QSqlDatabase &db, QSqlQuery &query, const QString &sql);
/// Runs @p sql unprepared (transaction control, session settings, DDL on PostgreSQL).
void execDirect(const QSqlDatabase &db, const QString &sql);

/// The name of the calling thread's connection to @p workspace (the file, or a team
/// workspace's address without password); workspaceName() reads it back for messages.
QString connectionName(const QString &workspace);
/// How messages name @p db's workspace: from its connection name when Store made it, else its
/// database name.
QString workspaceName(const QSqlDatabase &db);

/// Whether @p db's connection to a server is gone (PostgreSQL: the server restarted, the
/// network dropped, the backend was terminated). Store::db() then opens a new one; an SQLite
/// connection is never lost.
bool connectionBroken(const QSqlDatabase &db);
/// The id of the server process serving @p db (PostgreSQL, known without asking), else 0.
qint64 serverProcessId(const QSqlDatabase &db);
/// The error when a team workspace's server cannot be reached (libpq's reason @p why).
QString cannotConnect(const QString &workspace, const QString &why);
/// Whether @p message is the error a statement throws when its connection was lost (what was
/// not committed was rolled back, and the next Store::db() on the thread reconnects), or the
/// one reconnecting throws while the server is still away (cannotConnect).
bool isConnectionLoss(const QString &message);

/// The error when the connection was lost after COMMIT was sent and the server could not be
/// asked within @p waitMs whether the transaction committed (Store::transaction).
QString commitOutcomeUnknown(const QString &workspace, int waitMs);
/// Whether @p message is that error: what the transaction did may or may not be in the
/// workspace, so it must be read again, not repeated blindly.
bool isCommitOutcomeUnknown(const QString &message);

/// Splits a migration script into statements (strips -- comments, respects quotes).
QStringList splitStatements(const QString &script);

/// Binds: an invalid QVariant() is SQL NULL; a null QString binds as '' (never NULL by accident).
/// QVariant for a nullable integer column.
inline QVariant nullable(qint64 value, bool isNull)
{
    return isNull ? QVariant() : QVariant(value);
}

} // namespace Baton::Sql
