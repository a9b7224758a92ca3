#pragma once

#include "protocol/workerrequest.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <functional>
#include <sys/types.h>
#include <vector>

class QObject;
class QSocketNotifier;

namespace Baton {

/// The long-lived `baton-supervisor --worker` processes of a LocalExecutor (see
/// app/supervisor/worker.h), and the attempt each one has and has queued: starting and retiring
/// them, sending a request, receiving their report lines, and finding who holds an attempt. What
/// the lines mean, and what becomes of an attempt, is the executor's business.
class WorkerPool
{
public:
    /// An attempt sent to a worker behind the one it has: the worker reads it when that one is
    /// over (requests wait in its socket), and the slot passes on without the engine.
    struct Queued
    {
        qint64 attemptId = 0; ///< 0: none
        QString attemptDir;
        QByteArray request;
        bool sent = false; ///< false: it could not be sent yet; it is when the worker is free
        bool cancelPending = false;
        bool stale = false; ///< it ran elsewhere, or was withdrawn: its lines are not for anyone
    };
    /// A `baton-supervisor --worker` and the attempt it has, if any.
    struct Worker
    {
        quint64 id = 0; ///< never reused (fd numbers are): how callbacks find it again
        int fd = -1; ///< our end of its socket
        qint64 pid = 0;
        QSocketNotifier *notifier = nullptr; ///< for its whole life, not per attempt
        qint64 idleSinceMs = 0;
        qint64 attemptId = 0; ///< 0: idle
        QString attemptDir;
        QByteArray request; ///< until it says "supervisor PID": run elsewhere if it does not
        bool claimed = false; ///< it said "supervisor PID": it has the attempt for good
        qint64 supervisorPid = 0; ///< the PID it said (its own)
        bool cancelPending = false; ///< cancelled before it said who it is
        /// A copy of an attempt that another worker has too (an expedited follower): whichever
        /// claims its record runs it, the other declines. Set once the other one ran it.
        bool stale = false;
        Queued next; ///< what it does after this attempt
        QByteArray buffer; ///< a line not complete yet (a sound worker sends whole lines)
    };
    /// The attempt a worker had, taken off it.
    struct Handed
    {
        qint64 attemptId = 0;
        QString attemptDir;
        QByteArray request;
        bool claimed = false;
        bool cancelPending = false;
        bool stale = false;
    };

    /// Starts a process: posix_spawn's result, @p stdinFd as its fd 0.
    using Spawn = std::function<int(char *const argv[], int stdinFd, pid_t *pid)>;

    /// Largest request a worker reads in one message; larger ones go to an exec'ed supervisor.
    static constexpr qsizetype MaxRequest = qsizetype(Protocol::MaxWorkerRequestSize);

    /// Workers are started with @p spawn; @p readable is called (from @p context's event loop)
    /// with the worker's id when its socket has something to read.
    WorkerPool(QObject *context, Spawn spawn, std::function<void(quint64)> readable);
    WorkerPool(const WorkerPool &) = delete;
    WorkerPool &operator=(const WorkerPool &) = delete;

    // The workers, in the order they were started (indices move when one is retired).
    auto begin() { return m_workers.begin(); }
    auto end() { return m_workers.end(); }
    auto begin() const { return m_workers.begin(); }
    auto end() const { return m_workers.end(); }
    std::size_t size() const { return m_workers.size(); }
    bool empty() const { return m_workers.empty(); }
    Worker &operator[](std::size_t index) { return m_workers[index]; }

    /// The worker with id @p workerId, null once it was retired.
    Worker *find(quint64 workerId);
    /// The index of an idle worker, started (running @p program) when none is idle; -1 when none
    /// can be (BATON_SUPERVISOR_WORKERS=0, or workers kept failing).
    int idleOrNew(const QString &program);
    /// Closes its socket (EOF: it finishes the attempt it has, if any, then exits) and forgets it.
    /// Returns its pid, to be reaped once it exited.
    qint64 retire(int index);
    /// Indices of the idle workers beyond a couple that have been idle for long, highest first
    /// (so that retiring them in turn keeps the others' indices): a burst of parallelism does not
    /// leave processes behind for good.
    QList<int> idleTooLong(qint64 nowMs) const;
    /// A worker failed (could not start, take a request, or died): after a few, supervisors are
    /// exec'ed for good.
    void countFailure() { ++m_failures; }

    /// Hands @p request to the worker on @p fd as one message. Never waits: a stuck or stopped
    /// worker must not stall the engine (false then, as for a request too large for one message).
    static bool send(int fd, const QByteArray &request);
    /// Takes the messages waiting on the worker's socket into its buffer. False when the worker is
    /// gone (end of file, an error, or a message no worker sends); what came before still counts.
    bool receive(quint64 workerId);

    /// Takes the attempt off @p worker, which is idle from now on.
    static Handed takeAttempt(Worker &worker);
    /// Whether a worker other than @p except holds @p attemptId, not stale.
    bool heldElsewhere(qint64 attemptId, quint64 except) const;
    /// @p attemptId ran on @p winner: its copies elsewhere are stale.
    void markCopiesStale(qint64 attemptId, quint64 winner);
    /// True when @p attemptId runs on a worker that has nothing queued after it.
    bool canFollow(qint64 attemptId) const;

private:
    int start(const QString &program);

    QObject *m_context;
    Spawn m_spawn;
    std::function<void(quint64)> m_readable;
    std::vector<Worker> m_workers;
    quint64 m_nextId = 1;
    int m_failures = 0;
};

} // namespace Baton
