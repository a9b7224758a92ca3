#include "pgpipeline.h"

#include "sql.h"
#include "sql_p.h"
#include "util/error.h"

#include <QHash>
#include <QMutex>
#include <QSet>
#include <QSqlDriver>
#include <QSqlError>
#include <libpq-fe.h>
#include <vector>

namespace Baton::PgPipeline {

namespace {

struct Item
{
    const char *sql = nullptr;
    std::vector<QByteArray> values;
    std::vector<bool> nulls;
    qint64 *returnedId = nullptr;
    bool begins = false;
};

struct Queue
{
    PGconn *conn = nullptr;
    std::vector<Item> items;
};

// Connections belong to one thread: so do their queues. Usually empty; the count keeps Sql's
// calls on SQLite (and on an idle connection) from looking any further.
thread_local std::vector<Queue> t_queues;

// A statement text gets one server-side name for the whole process ("baton_pipe_N", apart from
// QPSQL's "qpsqlpstmt_…"), prepared once per connection.
struct Named
{
    int number = 0;
    QByteArray text; // with $n for ?
    int parameters = 0;
};
QMutex g_namesLock;
QHash<const char *, Named> g_names;

Named named(const char *sql)
{
    QMutexLocker lock(&g_namesLock);
    auto it = g_names.find(sql);
    if (it != g_names.end())
        return *it;
    Named n;
    n.number = int(g_names.size()) + 1;
    // libpq numbers its parameters: ? outside quotes becomes $1, $2, …
    char quote = 0;
    for (const char *c = sql; *c; ++c) {
        if (quote) {
            quote = *c == quote ? 0 : quote;
        } else if (*c == '\'' || *c == '"') {
            quote = *c;
        } else if (*c == '?') {
            n.text += '$' + QByteArray::number(++n.parameters);
            continue;
        }
        n.text += *c;
    }
    return *g_names.insert(sql, n);
}

// What each connection has prepared, by its server process: a connection opened again after
// a lost one (possibly at the same address) starts with nothing.
struct Prepared
{
    PGconn *conn = nullptr;
    int backendPid = 0;
    QSet<int> numbers;
};
thread_local std::vector<Prepared> t_prepared;

QSet<int> &preparedOn(PGconn *conn)
{
    const int pid = PQbackendPID(conn);
    for (Prepared &p : t_prepared) {
        if (p.conn == conn) {
            if (p.backendPid != pid) {
                p.backendPid = pid;
                p.numbers.clear();
            }
            return p.numbers;
        }
    }
    t_prepared.push_back({ conn, pid, {} });
    return t_prepared.back().numbers;
}

PGconn *connectionOf(const QSqlDatabase &db)
{
    return Sql::pgConnection(db);
}

Queue *queueOf(PGconn *conn, bool create)
{
    for (Queue &q : t_queues) {
        if (q.conn == conn)
            return &q;
    }
    if (!create)
        return nullptr;
    t_queues.push_back({ conn, {} });
    return &t_queues.back();
}

void drop(PGconn *conn)
{
    for (auto it = t_queues.begin(); it != t_queues.end(); ++it) {
        if (it->conn == conn) {
            t_queues.erase(it);
            return;
        }
    }
}

QByteArray text(const QVariant &v)
{
    switch (v.typeId()) {
    case QMetaType::Int:
    case QMetaType::LongLong:
    case QMetaType::UInt:
    case QMetaType::Bool:
        return QByteArray::number(v.toLongLong());
    case QMetaType::Double:
        return QByteArray::number(v.toDouble(), 'g', 17);
    default:
        return v.toString().toUtf8();
    }
}

Item item(const char *sql, const QVariantList &binds, qint64 *returnedId)
{
    Item i;
    i.sql = sql;
    i.returnedId = returnedId;
    i.values.reserve(binds.size());
    for (const QVariant &v : binds) {
        i.nulls.push_back(!v.isValid() || (v.isNull() && v.typeId() != QMetaType::QString));
        i.values.push_back(i.nulls.back() ? QByteArray() : text(v));
    }
    return i;
}

[[noreturn]] void failed(const QSqlDatabase &db, PGresult *result, PGconn *conn, const char *sql)
{
    const QString state
        = result ? QString::fromUtf8(PQresultErrorField(result, PG_DIAG_SQLSTATE)) : QString();
    const QString message
        = QString::fromUtf8(result ? PQresultErrorMessage(result) : PQerrorMessage(conn)).trimmed();
    if (result)
        PQclear(result);
    Sql::fail(db, QSqlError(QString(), message, QSqlError::StatementError, state),
              QString::fromUtf8(sql ? sql : ""));
}

} // namespace

void queue(const QSqlDatabase &db, const char *sql, const QVariantList &binds, qint64 *returnedId)
{
    PGconn *conn = connectionOf(db);
    if (!conn)
        throw Error(QStringLiteral("workspace database %1: no PostgreSQL connection to queue a "
                                   "statement on")
                        .arg(Sql::workspaceName(db)));
    queueOf(conn, true)->items.push_back(item(sql, binds, returnedId));
}

void begin(const QSqlDatabase &db, const QStringList &statements)
{
    PGconn *conn = connectionOf(db);
    if (!conn)
        throw Error(QStringLiteral("workspace database %1: no PostgreSQL connection")
                        .arg(Sql::workspaceName(db)));
    Queue *q = queueOf(conn, true);
    for (const QString &statement : statements) {
        // Kept for as long as the process: a backend's few begin statements, always the same.
        static QMutex textsLock;
        static QHash<QString, QByteArray> texts;
        QMutexLocker lock(&textsLock);
        auto it = texts.find(statement);
        if (it == texts.end())
            it = texts.insert(statement, statement.toUtf8());
        Item i = item(it->constData(), {}, nullptr);
        i.begins = true;
        q->items.push_back(std::move(i));
    }
}

void commit(const QSqlDatabase &db)
{
    queue(db, "COMMIT");
    flush(db);
}

void rollback(const QSqlDatabase &db)
{
    PGconn *conn = connectionOf(db);
    if (!conn)
        return;
    drop(conn);
    // A transaction the server knows of (its BEGIN was sent) ends; a lost connection has none.
    if (PQtransactionStatus(conn) != PQTRANS_IDLE && PQstatus(conn) == CONNECTION_OK)
        PQclear(PQexec(conn, "ROLLBACK"));
}

bool inTransaction(const QSqlDatabase &db)
{
    PGconn *conn = connectionOf(db);
    if (!conn)
        return false;
    if (const Queue *q = queueOf(conn, false)) {
        for (const Item &i : q->items) {
            if (i.begins)
                return true;
        }
    }
    return PQtransactionStatus(conn) == PQTRANS_INTRANS;
}

void flush(const QSqlDatabase &db)
{
    if (t_queues.empty())
        return;
    PGconn *conn = connectionOf(db);
    Queue *q = conn ? queueOf(conn, false) : nullptr;
    if (!q)
        return;
    const std::vector<Item> items = std::move(q->items);
    drop(conn); // whatever happens next, none of it is sent twice

    QSet<int> &prepared = preparedOn(conn);
    // What was sent, in order: each is answered by its results and then a null.
    struct Sent
    {
        const Item *item;
        int prepares = 0; // the statement number being prepared, 0: an execution
    };
    std::vector<Sent> sent;
    sent.reserve(items.size() + 4);
    if (PQenterPipelineMode(conn) != 1)
        failed(db, nullptr, conn, items.empty() ? nullptr : items.front().sql);
    bool ok = true;
    QSet<int> preparing;
    for (const Item &i : items) {
        const Named n = named(i.sql);
        std::vector<const char *> values(i.values.size());
        for (size_t k = 0; k < values.size(); ++k)
            values[k] = i.nulls[k] ? nullptr : i.values[k].constData();
        const QByteArray name = "baton_pipe_" + QByteArray::number(n.number);
        if (!prepared.contains(n.number) && !preparing.contains(n.number)) {
            ok = PQsendPrepare(conn, name.constData(), n.text.constData(), n.parameters, nullptr)
                == 1;
            if (!ok)
                break;
            preparing.insert(n.number);
            sent.push_back({ &i, n.number });
        }
        ok = PQsendQueryPrepared(conn, name.constData(), int(values.size()), values.data(), nullptr,
                                 nullptr, 0)
            == 1;
        if (!ok)
            break;
        sent.push_back({ &i, 0 });
    }
    if (!ok || PQpipelineSync(conn) != 1) {
        // The connection broke while sending: nothing can be read back.
        failed(db, nullptr, conn, sent.empty() ? nullptr : sent.back().item->sql);
    }

    PGresult *error = nullptr;
    const char *errorSql = nullptr;
    for (const Sent &s : sent) {
        while (PGresult *r = PQgetResult(conn)) {
            const ExecStatusType status = PQresultStatus(r);
            if (status == PGRES_FATAL_ERROR && !error) {
                error = r;
                errorSql = s.item->sql;
                continue;
            }
            if (status == PGRES_COMMAND_OK && s.prepares)
                prepared.insert(s.prepares);
            if (status == PGRES_TUPLES_OK && !s.prepares && s.item->returnedId && PQntuples(r) > 0)
                *s.item->returnedId = QByteArray(PQgetvalue(r, 0, 0)).toLongLong();
            PQclear(r);
        }
        if (PQstatus(conn) == CONNECTION_BAD)
            break;
    }
    // The sync's own result closes the pipeline.
    bool synced = false;
    for (int nulls = 0; !synced && nulls < 2 && PQstatus(conn) != CONNECTION_BAD;) {
        PGresult *r = PQgetResult(conn);
        if (!r) {
            ++nulls; // one is the end of the last statement's results; more: nothing is coming
            continue;
        }
        synced = PQresultStatus(r) == PGRES_PIPELINE_SYNC;
        if (!synced && PQresultStatus(r) == PGRES_FATAL_ERROR && !error) {
            error = r;
            continue;
        }
        PQclear(r);
    }
    if (synced)
        PQexitPipelineMode(conn);
    if (error || !synced)
        failed(db, error, conn,
               errorSql ? errorSql : (sent.empty() ? nullptr : sent.back().item->sql));
}

} // namespace Baton::PgPipeline
