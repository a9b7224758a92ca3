#include "logmirror.h"

#include "logchunks.h"
#include "store/sql.h"
#include "store/store.h"
#include "store/teamdirectory.h"
#include "util/error.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSqlQuery>
#include <sys/stat.h>

namespace Baton {

LogMirror::LogMirror(const Store &store, const QString &logPath)
    : m_store(store)
    , m_logPath(logPath)
{ }

QString LogMirror::cacheDirectory(const Store &store)
{
    const QString dir = QDir(teamDirectory(store)).filePath(QStringLiteral("log-cache"));
    if (!QDir().mkpath(dir))
        throw Error(QStringLiteral("cannot create %1 for the logs of %2").arg(dir, store.path()));
    // Every job's output is in it, as in the workspace's own directories.
    ::chmod(QFile::encodeName(dir).constData(), 0700);
    return dir;
}

qint64 LogMirror::cachedBytes() const
{
    return m_cachePath.isEmpty() ? 0 : QFileInfo(m_cachePath).size();
}

bool LogMirror::fetchAll()
{
    qint64 before = -1;
    while (!fetch() && cachedBytes() != before && cachedBytes() < m_held)
        before = cachedBytes();
    return m_complete;
}

bool LogMirror::fetch(qint64 maxBytes)
{
    const QSqlDatabase db = m_store.db();
    if (m_attemptId == 0) {
        QSqlQuery q = Sql::exec(db,
                                QStringLiteral("SELECT attempt_id FROM attempt_logs WHERE "
                                               "log_path = ? ORDER BY attempt_id DESC LIMIT 1"),
                                { m_logPath });
        if (!q.next())
            return false; // nothing shipped yet: an empty log
        m_attemptId = q.value(0).toLongLong();
        q.finish(); // the result is not needed any more
        m_cachePath
            = QDir(cacheDirectory(m_store)).filePath(QStringLiteral("%1.log").arg(m_attemptId));
    }
    if (m_complete && cachedBytes() == m_held)
        return true; // a complete log never changes

    QSqlQuery state = Sql::exec(
        db, QStringLiteral("SELECT bytes, complete FROM attempt_logs WHERE attempt_id = ?"),
        { m_attemptId });
    const bool shipped = state.next();
    qint64 held = shipped ? state.value(0).toLongLong() : 0;
    const bool done = shipped && state.value(1).toInt() != 0;
    state.finish();

    QFile cache(m_cachePath);
    const bool isNew = !cache.exists();
    if (!cache.open(QIODevice::ReadWrite | QIODevice::Append))
        throw Error(QStringLiteral("cannot write %1: %2").arg(m_cachePath, cache.errorString()));
    if (isNew)
        cache.setPermissions(QFile::ReadOwner | QFile::WriteOwner);
    qint64 size = cache.size();
    if (size > held) {
        // Longer than the log: not this log's bytes (a cache left by a re-created database).
        cache.resize(0);
        size = 0;
    }
    qint64 fetched = 0;
    while (size < held && fetched < maxBytes) {
        const qint64 start = size;
        size = LogChunks::read(m_store, m_attemptId, size, [&](const QByteArray &bytes) {
            if (cache.write(bytes) != bytes.size())
                throw Error(
                    QStringLiteral("cannot write %1: %2").arg(m_cachePath, cache.errorString()));
        });
        fetched += size - start;
        if (size == start)
            break; // nothing after `size` yet (a chunk committed after the total was read)
    }
    if (!cache.flush())
        throw Error(QStringLiteral("cannot write %1: %2").arg(m_cachePath, cache.errorString()));
    m_held = std::max(held, size);
    m_complete = done && size >= held;
    return m_complete;
}

} // namespace Baton
