#pragma once

#include <QHash>
#include <QObject>
#include <QString>
#include <functional>
#include <memory>

class QThread;
class QTimer;

namespace Baton {

class Store;

/// Ships the logs of the attempts this host runs into a team workspace's database (tables
/// attempt_logs and attempt_log_chunks, schema 12), so that a console on another machine reads
/// them (see LogMirror). The log file, written by the supervisor with secrets masked and the
/// log cap applied, is the buffer: each step reads at most ChunkBytes of it after what the
/// database already holds, and the chunk and the new total commit together. What the database
/// holds is where shipping resumes after an outage or a restart, so nothing is sent twice and
/// nothing is skipped; a second copy of a chunk is refused by its primary key.
///
/// Which attempts: those recorded with this host whose log is not complete yet, found in the
/// database (so an engine that starts again picks up what its predecessor left). An attempt's
/// log is complete once the attempt is over (its supervisor wrote its end, or is gone) and
/// every byte of the file is shipped.
///
/// Synchronous and not thread-safe: step() runs on the calling thread, with its connection.
class LogShipper
{
public:
    static constexpr qint64 ChunkBytes = 256 * 1024;
    /// Room past the cap for the supervisor's own notes (it writes "log truncated" after it).
    static constexpr qint64 CapSlackBytes = 64 * 1024;

    struct Options
    {
        QString host; ///< task_attempts.host of this machine's attempts; empty: the host name
        qint64 capBytes = 0; ///< never ship more than this (+ CapSlackBytes); 0: no cap
        /// Whether attempt @p attemptId, writing @p logPath, is over: no more bytes will come.
        /// Empty: its supervisor's record says so (LocalExecutor::attemptOver), or it has none
        /// and the engine recorded its end (it never started, or its files were removed).
        std::function<bool(qint64 attemptId, const QString &logPath)> over;
    };
    struct Step
    {
        qint64 bytes = 0; ///< shipped by this step
        int chunks = 0;
        int completed = 0; ///< logs marked complete
        bool more = false; ///< some log has bytes waiting (a chunk was full)
    };

    LogShipper(const Store &store, Options options);

    /// Ships at most one chunk per attempt and marks the logs that are whole complete. Throws
    /// Baton::Error when the store fails (the next step starts again from what it holds).
    Step step();
    /// Attempts being shipped (found, not complete yet).
    int pending() const { return int(m_attempts.size()); }

private:
    struct Attempt
    {
        QString logPath;
        qint64 shipped = -1; ///< bytes the database holds; -1: to be read from it
    };
    void discover();
    /// Ships the next chunk of @p id; true when its log is complete now.
    bool ship(qint64 id, Attempt &a, Step &step);
    /// Writes a chunk (may be empty) and the new total in one transaction, checking that the
    /// database still holds @p a.shipped bytes (else re-read next time).
    void commit(qint64 id, Attempt &a, const QByteArray &bytes, bool complete);
    /// The default Options::over.
    bool attemptOver(qint64 id, const QString &logPath) const;

    const Store &m_store;
    Options m_options;
    QHash<qint64, Attempt> m_attempts;
    qint64 m_seen = 0; ///< the highest attempt id looked at
};

/// Runs a LogShipper on a thread of its own (with its own connection): a step every interval,
/// or at once while a log has full chunks waiting. Store errors (the server restarting) are
/// logged once and retried at the next step. Destroying it ships what is waiting (up to 10 s:
/// the attempts that ended leave whole logs) and stops the thread; whatever is left is shipped
/// by the next one on this host (the file stays).
class LogShipping : public QObject
{
    Q_OBJECT
public:
    LogShipping(const Store &store, LogShipper::Options options, int intervalMs = 500);
    ~LogShipping() override;

private:
    class Worker;
    QThread *m_thread = nullptr;
    Worker *m_worker = nullptr;
};

} // namespace Baton
