#include "hotstatement.h"

#include "pgpipeline.h"
#include "sql.h"
#include "store.h"
#include "storebackend.h"
#include "util/error.h"

#include <QSqlDriver>
#include <QThread>
#include <sqlite3.h>

namespace Baton {

HotStatement::HotStatement(const Store &store, const char *sql)
    : m_store(store)
    , m_sql(sql)
{ }

HotStatement::~HotStatement()
{
    // The connection is closed with sqlite3_close_v2 by QtSql: it stays usable until its last
    // statement is finalized, so this is safe whichever goes first.
    if (m_statement)
        sqlite3_finalize(m_statement);
}

void HotStatement::prepare()
{
    // Prepared once per thread (each thread has its own connection): the lookup of the
    // connection is not repeated on every run.
    if (m_statement && m_thread == QThread::currentThread())
        return;
    m_thread = QThread::currentThread();
    const QVariant handle = m_store.db().driver()->handle();
    sqlite3 *db = nullptr;
    if (handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0)
        db = *static_cast<sqlite3 *const *>(handle.constData());
    if (!db)
        throw Error(QStringLiteral("workspace database %1: no SQLite connection for the engine")
                        .arg(m_store.db().databaseName()));
    if (m_statement && db == m_db)
        return;
    if (m_statement)
        sqlite3_finalize(m_statement); // another connection (thread) than before
    m_statement = nullptr;
    m_db = db;
    if (sqlite3_prepare_v3(m_db, m_sql, -1, SQLITE_PREPARE_PERSISTENT, &m_statement, nullptr)
        != SQLITE_OK)
        fail("prepare");
}

void HotStatement::queue(std::initializer_list<QVariant> binds, qint64 *returnedId)
{
    const QSqlDatabase db = m_store.db();
    PgPipeline::queue(db, m_sql, QVariantList(binds), returnedId);
    if (!PgPipeline::inTransaction(db))
        PgPipeline::flush(db); // nothing to go with: it runs now
}

void HotStatement::run(std::initializer_list<QVariant> binds, qint64 *returnedId)
{
    if (m_store.dialect() != Dialect::Sqlite) {
        queue(binds, returnedId);
        return;
    }
    prepare();
    int i = 0;
    for (const QVariant &v : binds) {
        ++i;
        int rc = SQLITE_OK;
        switch (v.typeId()) {
        case QMetaType::UnknownType:
            rc = sqlite3_bind_null(m_statement, i);
            break;
        case QMetaType::Int:
        case QMetaType::LongLong:
        case QMetaType::UInt:
        case QMetaType::Bool:
            rc = sqlite3_bind_int64(m_statement, i, v.toLongLong());
            break;
        case QMetaType::Double:
            rc = sqlite3_bind_double(m_statement, i, v.toDouble());
            break;
        default: {
            const QByteArray text = v.toString().toUtf8();
            rc = sqlite3_bind_text(m_statement, i, text.constData(), int(text.size()),
                                   SQLITE_TRANSIENT);
        }
        }
        if (rc != SQLITE_OK)
            fail("bind");
    }
    const int rc = sqlite3_step(m_statement);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        const int code = rc;
        sqlite3_reset(m_statement);
        sqlite3_clear_bindings(m_statement);
        if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
            throw Error(QStringLiteral("workspace database %1 is locked by another writer; gave "
                                       "up waiting (busy timeout)")
                            .arg(m_store.db().databaseName()));
        fail("step");
    }
    sqlite3_reset(m_statement);
    sqlite3_clear_bindings(m_statement);
    if (returnedId)
        *returnedId = sqlite3_last_insert_rowid(m_db);
}

qint64 HotStatement::lastInsertId() const
{
    return m_db ? sqlite3_last_insert_rowid(m_db) : 0;
}

void HotStatement::fail(const char *what) const
{
    throw Error(QStringLiteral("database error in %1 (%2): %3 (while running: %4)")
                    .arg(m_store.db().databaseName(), QLatin1String(what),
                         QString::fromUtf8(m_db ? sqlite3_errmsg(m_db) : "no connection"),
                         QString::fromUtf8(m_sql).simplified().left(200)));
}

} // namespace Baton
