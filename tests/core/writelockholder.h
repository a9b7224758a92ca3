#pragma once
// Another connection holding a team workspace's write lock (PostgresBackend::WriteLockKey) in an
// open transaction, as a busy writer elsewhere would, until it goes out of scope.

#include "store/postgresbackend.h"
#include "store/sql.h"
#include "store/store.h"

#include <QSqlDatabase>
#include <QSqlQuery>

namespace Baton::Test {

class WriteLockHolder
{
public:
    explicit WriteLockHolder(const Store &store)
        : m_db(store.backend().open(kName, false))
    {
        Sql::execDirect(m_db, QStringLiteral("BEGIN"));
        Sql::execDirect(
            m_db,
            QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(PostgresBackend::WriteLockKey));
    }
    ~WriteLockHolder()
    {
        QSqlQuery(m_db).exec(QStringLiteral("ROLLBACK")); // never throws from a destructor
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(kName);
    }
    WriteLockHolder(const WriteLockHolder &) = delete;
    WriteLockHolder &operator=(const WriteLockHolder &) = delete;

private:
    inline static const QString kName = QStringLiteral("lock-holder");
    QSqlDatabase m_db;
};

} // namespace Baton::Test
