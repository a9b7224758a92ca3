#pragma once

// What core/store's own sources share of Sql's internals. Not for use outside core/store.

#include <QSqlDatabase>
#include <QSqlError>
#include <QString>

struct pg_conn; // libpq's PGconn

namespace Baton::Sql {

/// Throws the Baton::Error for @p error from running @p sql on @p db: a lost connection, the
/// write lock's timeout, a corrupt file and any other failure each worded as the callers expect.
/// libpq's connection under @p db when it is an open QPSQL connection, else nullptr.
pg_conn *pgConnection(const QSqlDatabase &db);

[[noreturn]] void fail(const QSqlDatabase &db, const QSqlError &error, const QString &sql);

} // namespace Baton::Sql
