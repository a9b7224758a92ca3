#include "storebackend.h"

#include "postgresbackend.h"
#include "sql.h"
#include "sqlitebackend.h"

namespace Baton {

std::unique_ptr<StoreBackend> StoreBackend::create(const StoreLocation &location, int busyTimeoutMs)
{
    if (location.kind() == StoreLocation::Kind::Postgres)
        return std::make_unique<PostgresBackend>(location, busyTimeoutMs);
    return std::make_unique<SqliteBackend>(location, busyTimeoutMs);
}

void StoreBackend::runScript(const QSqlDatabase &db, const QString &script) const
{
    for (const QString &statement : Sql::splitStatements(script))
        Sql::exec(db, statement);
}

void StoreBackend::rollback(const QSqlDatabase &db) const
{
    QSqlQuery rollback(db);
    rollback.exec(QStringLiteral("ROLLBACK"));
}

} // namespace Baton
