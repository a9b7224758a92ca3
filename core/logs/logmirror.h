#pragma once

#include <QString>

namespace Baton {

class Store;

/// A team workspace's attempt log, read from the database (LogShipper puts it there) into a
/// local cache file that LogReader, LogIndex and LogWorker read as they read any log: a console
/// on another machine needs no access to the engine's files. Each fetch() appends what the
/// database holds after the cache's size (at most @p maxBytes of it), so a live log is followed
/// by fetching again, and a 100 MB log is brought over in bounded pieces.
///
/// The cache lives under the workspace's directory on this machine (teamDirectory(),
/// log-cache/, 0700), one file per attempt; a complete log is fetched once.
///
/// Synchronous and not thread-safe: it uses the calling thread's connection (a LogWorker's).
class LogMirror
{
public:
    /// Bytes one fetch() brings over by default.
    static constexpr qint64 FetchBytes = 8 * 1024 * 1024;

    /// @p logPath: the attempt's task_attempts.log_path (how screens name a log).
    LogMirror(const Store &store, const QString &logPath);

    /// Where the cache files of @p store's logs are (made 0700). Throws Baton::Error.
    static QString cacheDirectory(const Store &store);

    /// Appends up to @p maxBytes the database holds after the cache's size. True when the cache
    /// holds the whole log now (the attempt is over and everything was shipped). Throws
    /// Baton::Error when the database or the cache cannot be read or written.
    bool fetch(qint64 maxBytes = FetchBytes);
    /// fetch() until the cache holds everything the database holds now.
    bool fetchAll();
    /// The cache file (empty until the first fetch() found the attempt).
    QString cachePath() const { return m_cachePath; }
    /// Bytes in the cache.
    qint64 cachedBytes() const;
    bool complete() const { return m_complete; }

private:
    const Store &m_store;
    QString m_logPath;
    qint64 m_attemptId = 0;
    QString m_cachePath;
    qint64 m_held = 0; ///< bytes the database held at the last look
    bool m_complete = false;
};

} // namespace Baton
