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
/// On a database that is not SQLite (a team workspace) the same statement runs through the
/// Store's prepared-statement cache instead: one interface for the engine, the C API only where
/// it exists. An INSERT whose id is wanted says RETURNING id (SQLite runs it the same way).
class HotStatement
{
public:
    HotStatement(const Store &store, const char *sql);
    ~HotStatement();
    HotStatement(const HotStatement &) = delete;
    HotStatement &operator=(const HotStatement &) = delete;

    void run(std::initializer_list<QVariant> binds);
    /// The id the last run() of this INSERT made.
    qint64 lastInsertId() const;

private:
    [[noreturn]] void fail(const char *what) const;
    void prepare();
    void runPortable(std::initializer_list<QVariant> binds);

    const Store &m_store;
    const char *m_sql;
    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_statement = nullptr;
    const QThread *m_thread = nullptr; // where m_statement was prepared
    qint64 m_lastId = 0; // runPortable's RETURNING id
};

} // namespace Baton
