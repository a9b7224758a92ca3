#pragma once

#include <QSqlDatabase>
#include <functional>

namespace Baton {

/// Several reads that must describe the same moment (a page and its filter lists, the catalog's
/// three lists) run in one read-only transaction (SqlDialect::beginRead: SQLite's deferred BEGIN
/// takes its snapshot at the first read; PostgreSQL needs REPEATABLE READ for one). Transaction
/// control goes unprepared: QPSQL cannot prepare it.
namespace ReadSnapshot {

/// Runs @p work inside the snapshot; ends it (also when @p work throws, which is rethrown).
void read(const QSqlDatabase &db, const std::function<void()> &work);

} // namespace ReadSnapshot

} // namespace Baton
