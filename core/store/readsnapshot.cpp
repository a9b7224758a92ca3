#include "readsnapshot.h"

#include "sql.h"
#include "sqldialect.h"

#include <QSqlQuery>

namespace Baton::ReadSnapshot {

void read(const QSqlDatabase &db, const std::function<void()> &work)
{
    Sql::execDirect(db, SqlDialect::beginRead(db));
    try {
        work();
    } catch (...) {
        QSqlQuery(db).exec(QStringLiteral("ROLLBACK")); // a lost connection has nothing to end
        throw;
    }
    Sql::execDirect(db, QStringLiteral("COMMIT"));
}

} // namespace Baton::ReadSnapshot
