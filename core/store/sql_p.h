#pragma once

// What core/store's own sources share of Sql's internals. Not for use outside core/store.

#include <QSqlDatabase>
#include <QSqlError>
#include <QString>

namespace Baton::Sql {

/// Throws the Baton::Error for @p error from running @p sql on @p db: a lost connection, the
/// write lock's timeout, a corrupt file and any other failure each worded as the callers expect.
[[noreturn]] void fail(const QSqlDatabase &db, const QSqlError &error, const QString &sql);

} // namespace Baton::Sql
