#include "logchunks.h"

#include "store/sql.h"
#include "store/sqldialect.h"
#include "store/store.h"
#include "util/error.h"

#include <QSqlQuery>

namespace Baton::LogChunks {

namespace {

// Chunks per query: a few MiB in memory at once.
constexpr int kChunksPerQuery = 8;

} // namespace

bool travelThroughDatabase(const Store &store)
{
    return store.dialect() == Dialect::Postgres;
}

qint64 read(const Store &store, qint64 attemptId, qint64 from,
            const std::function<void(const QByteArray &bytes)> &sink)
{
    QSqlQuery chunks = Sql::exec(
        store.db(),
        QStringLiteral("SELECT byte_offset, bytes FROM attempt_log_chunks WHERE attempt_id = ? "
                       "AND byte_offset >= COALESCE((SELECT max(byte_offset) FROM "
                       "attempt_log_chunks WHERE attempt_id = ? AND byte_offset <= ?), 0) "
                       "ORDER BY byte_offset LIMIT %1")
            .arg(kChunksPerQuery),
        { attemptId, attemptId, from });
    qint64 next = from;
    while (chunks.next()) {
        const qint64 offset = chunks.value(0).toLongLong();
        const QByteArray bytes = chunks.value(1).toByteArray();
        if (offset > next)
            throw Error(QStringLiteral("the log of attempt %1 in %2 misses bytes %3 to %4")
                            .arg(attemptId)
                            .arg(store.path())
                            .arg(next)
                            .arg(offset));
        const qint64 skip = next - offset; // the first chunk may begin before `from`
        if (skip >= bytes.size())
            continue;
        sink(skip > 0 ? bytes.mid(skip) : bytes);
        next += bytes.size() - skip;
    }
    return next;
}

} // namespace Baton::LogChunks
