#pragma once

#include <QString>

class QSqlDatabase;

namespace Baton {

/// The SQL dialect of a workspace database. Baton's SQL is written once in the subset SQLite
/// (3.40+) and PostgreSQL (15+) share; the few constructs they spell differently are built here.
enum class Dialect { Sqlite, Postgres };

namespace SqlDialect {

/// The dialect of @p db's driver: QPSQL is PostgreSQL, anything else SQLite.
Dialect of(const QSqlDatabase &db);

/// What a JSON array bound as one parameter holds.
enum class Element { Integer, Text };

/// A subquery of the elements of the JSON array bound at its one `?`, for `x IN (…)`: a list of
/// any length binds as one value, so the statement is prepared once for every length.
QString jsonArrayElements(Dialect dialect, Element element);
/// `IN (…)` over the JSON array bound at its one `?`, in @p db's dialect.
QString inJsonArray(const QSqlDatabase &db, Element element = Element::Integer);
/// Starts a read-only transaction in which every statement sees the same snapshot (PostgreSQL's
/// READ COMMITTED takes one per statement; SQLite's read transaction keeps the first).
QString beginRead(const QSqlDatabase &db);

} // namespace SqlDialect

} // namespace Baton
