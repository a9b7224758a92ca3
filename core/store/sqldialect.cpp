#include "sqldialect.h"

#include <QSqlDatabase>

namespace Baton::SqlDialect {

Dialect of(const QSqlDatabase &db)
{
    return db.driverName() == QLatin1String("QPSQL") ? Dialect::Postgres : Dialect::Sqlite;
}

QString jsonArrayElements(Dialect dialect, Element element)
{
    if (dialect == Dialect::Sqlite)
        return QStringLiteral("SELECT value FROM json_each(?)"); // value keeps the JSON type
    // PostgreSQL gives the elements as text; ids compare with bigint columns.
    return element == Element::Integer
        ? QStringLiteral("SELECT CAST(value AS bigint) FROM json_array_elements_text(CAST(? AS "
                         "json))")
        : QStringLiteral("SELECT value FROM json_array_elements_text(CAST(? AS json))");
}

QString inJsonArray(const QSqlDatabase &db, Element element)
{
    return QStringLiteral("IN (") + jsonArrayElements(of(db), element) + QLatin1Char(')');
}

QString beginRead(const QSqlDatabase &db)
{
    return of(db) == Dialect::Postgres
        ? QStringLiteral("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        : QStringLiteral("BEGIN");
}

} // namespace Baton::SqlDialect
