#pragma once

#include <QByteArray>
#include <QSqlDatabase>
#include <QStringList>
#include <QVariantList>

namespace Baton::PgPipeline {

/// Statements queued on a PostgreSQL connection of the calling thread and sent together, in
/// one round trip, with libpq's pipeline mode on QPSQL's own connection (so they take part in
/// its transactions). A write transaction's BEGIN and write lock are queued by PostgresBackend,
/// the engine's per-attempt writes by HotStatement, and COMMIT sends them all: a transition
/// that only writes costs one wait for the server instead of one per statement. Whatever else
/// runs on the connection (every Sql:: call) sends what is queued first, so statements still
/// run in the order they were written.
///
/// Nothing here is used on SQLite; a connection that is not PostgreSQL's queues nothing.

/// Queues @p sql (with `?` or `$n` parameters bound to @p binds by position; an invalid QVariant
/// is NULL, a null QString ''). @p sql must outlive the queue (a literal): a statement queued
/// by the same text is prepared once per connection. @p returnedId: where the first column of
/// its first row goes (an INSERT … RETURNING id) when it runs.
void queue(const QSqlDatabase &db, const char *sql, const QVariantList &binds = {},
           qint64 *returnedId = nullptr);
/// Queues the statements that begin a write transaction: they go with its first statement.
void begin(const QSqlDatabase &db, const QStringList &statements);
/// Queues COMMIT and sends everything queued; throws like flush().
void commit(const QSqlDatabase &db);
/// Drops what is queued and ends the transaction if any of it reached the server.
void rollback(const QSqlDatabase &db);
/// Whether @p db is in a write transaction: begun on the server, or its BEGIN queued.
bool inTransaction(const QSqlDatabase &db);
/// Sends what is queued on @p db's connection and waits for all of it. Throws Baton::Error as
/// Sql's calls do (a lost connection, the write lock's timeout, …) for the first statement that
/// failed; the server skips the rest of what was sent. Nothing to send costs nothing.
void flush(const QSqlDatabase &db);

} // namespace Baton::PgPipeline
