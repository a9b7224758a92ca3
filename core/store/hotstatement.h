#pragma once

#include <QString>
#include <QVariant>

class QThread;
struct sqlite3;
struct sqlite3_stmt;

namespace Baton {

class Store;

/// One prepared SQLite statement on the calling thread's connection of a Store, run through the
/// SQLite C API. For the engine's per-attempt writes only: QtSql's per-call work (QVariant
/// binding, UTF-16 text, result bookkeeping) was a measurable part of each task's cost. Same
/// connection, so it takes part in the Store's transactions like any other statement. Bind
/// values by position (1-based) with run(): integers, doubles, text (UTF-8) and NULL
/// (an invalid QVariant). Throws Baton::Error, saying which statement failed and why.
///
/// On a team workspace (PostgreSQL) the statement is queued instead (PgPipeline): inside a write
/// transaction it is sent with the rest of the transaction at its commit (or before the next
/// statement that is not queued), outside one at once. One interface for the engine, the C API
/// only where it exists. An INSERT whose id is wanted says RETURNING id (SQLite runs it the same
/// way) and passes run() where the id goes.
class HotStatement
{
public:
    HotStatement(const Store &store, const char *sql);
    ~HotStatement();
    HotStatement(const HotStatement &) = delete;
    HotStatement &operator=(const HotStatement &) = delete;

    /// Runs the statement with @p binds. @p returnedId: where the id this INSERT makes goes, set
    /// once the statement has run: at once on SQLite, by the commit on a team workspace.
    void run(std::initializer_list<QVariant> binds, qint64 *returnedId = nullptr);
    /// The id the last run() of this INSERT made (SQLite; see run() for a team workspace).
    qint64 lastInsertId() const;

private:
    [[noreturn]] void fail(const char *what) const;
    void prepare();
    void queue(std::initializer_list<QVariant> binds, qint64 *returnedId);

    const Store &m_store;
    const char *m_sql;
    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_statement = nullptr;
    const QThread *m_thread = nullptr; // where m_statement was prepared
};

} // namespace Baton
