#pragma once

#include "executor.h"
#include "workerpool.h"

#include <QHash>
#include <QSet>
#include <QTimer>
#include <sys/types.h>
#include <vector>

class QSocketNotifier;

namespace Baton {

/// Runs attempts as local processes, each under a `baton-supervisor` that lives in its own
/// session: it owns the job's process group, writes the log and the attempt's record, and keeps
/// going if the engine dies. The engine hears from it through report lines ("started ...",
/// "exit ..."); adopted attempts (after a restart) are watched through their record and its lock
/// instead.
///
/// Files of an attempt (see app/supervisor/main.cpp): ATTEMPT_DIR/ is the job's working
/// directory; ATTEMPT_DIR.state is the record (flock()ed by the live supervisor; status lines,
/// then the exit record ending in `end=1`); ATTEMPT_DIR.log is the log, created by the
/// supervisor with its first record only (a missing log is an empty one). One directory and one
/// or two files per attempt: creating inodes is a real cost per attempt on disk. Their format,
/// and the report lines', is core/protocol's; attemptfiles.h reads and marks them.
///
/// Supervisors run in a small pool of long-lived `baton-supervisor --worker` processes, each
/// supervising one attempt at a time, one after the other (creating a process per attempt was
/// the largest cost left per attempt). A worker is watched through its one control socket, for
/// all its attempts: the request goes out as one message, the report lines come back on it, and
/// "exit ..." or "done" ends the attempt (see app/supervisor/worker.h, and workerpool.h for the
/// processes and their bookkeeping); nothing is created per attempt, no pipe, no descriptor, no
/// watcher. When no worker can take an attempt, or BATON_SUPERVISOR_WORKERS=0, or the request is
/// too large for one message, the supervisor is exec'ed for that attempt and reports on a pipe of
/// its own instead. Children are reaped only
/// once they may have exited (their socket or pipe closed, or retired), never per report.
class LocalExecutor : public Executor
{
    Q_OBJECT
public:
    /// @p supervisorPath empty: `baton-supervisor` next to the running executable, or
    /// $BATON_SUPERVISOR.
    explicit LocalExecutor(const QString &supervisorPath = {}, QObject *parent = nullptr);

    /// Where supervisors write their own diagnostics (one shared, appended file); empty:
    /// /dev/null. One file for all attempts: creating a file per attempt costs real time.
    void setDiagnosticsLog(const QString &path) { m_diagnostics = path; }
    ~LocalExecutor() override;

    QString name() const override { return QStringLiteral("local"); }
    bool start(const AttemptLaunch &launch, QString *error) override;
    void cancel(qint64 attemptId, const QString &attemptDir) override;
    Liveness reconcile(qint64 attemptId, const QString &attemptDir, AttemptExit *exit) override;
    /// True when @p attemptId runs on a worker that has nothing queued after it.
    bool canFollow(qint64 attemptId) const override;
    void expedite(qint64 attemptId) override;

    static QString defaultSupervisorPath();
    static QString statePath(const QString &attemptDir)
    {
        return attemptDir + QStringLiteral(".state");
    }
    static QString logPath(const QString &attemptDir)
    {
        return attemptDir + QStringLiteral(".log");
    }
    /// Reads the exit record of ATTEMPT_DIR.state; false when there is no complete one.
    static bool readExitFile(const QString &attemptDir, AttemptExit *exit);
    /// True while a supervisor holds the lock on ATTEMPT_DIR.state.
    static bool supervisorAlive(const QString &attemptDir);
    /// Whether the attempt whose log is @p logPath (ATTEMPT_DIR.log) is over: its record is
    /// complete, or it was abandoned, or its supervisor is gone. False while it may still write.
    static bool attemptOver(const QString &logPath);

private:
    /// An attempt under an exec'ed supervisor, watched through its stdout pipe.
    struct Live
    {
        qint64 attemptId = 0;
        QString attemptDir;
        int fd = -1;
        qint64 pid = 0;
        QSocketNotifier *notifier = nullptr;
        QByteArray buffer;
    };
    using Queued = WorkerPool::Queued;
    using Worker = WorkerPool::Worker;
    using Handed = WorkerPool::Handed;

    void onReadable(int fd);
    void onWorkerReadable(quint64 workerId);
    void workerLine(quint64 workerId, const QByteArray &line);
    void workerGone(quint64 workerId);
    /// The attempt queued behind the one @p worker had becomes its current one (sent now if it
    /// could not be before).
    void promoteNext(quint64 workerId);
    /// Starts a queued attempt at once: on a free worker, else under an exec'ed supervisor.
    void startNow(const Queued &queued);
    /// Ends an attempt that never started because the worker declined or lost it.
    void endUntold(const Handed &attempt);
    /// After a worker did not claim the attempt: an exec'ed supervisor runs it.
    void runElsewhere(const Handed &attempt);
    void finishFromDisk(qint64 attemptId, const QString &attemptDir);
    void pollAdopted();
    /// waitpid() on the children that may have exited (m_exiting) only.
    void reapChildren();
    /// Hands the request to an idle worker (one is started when none is). False: exec one.
    bool startOnWorker(const QByteArray &request, qint64 attemptId, const QString &attemptDir,
                       bool cancelPending = false);
    /// Retires the worker at @p index (see WorkerPool::retire); it is reaped once it exited.
    void retireWorker(int index);
    bool spawnSupervisor(const QByteArray &request, int fds[2], pid_t *pid, QString *error);
    /// An exec'ed supervisor for @p request, watched through a pipe. False: none could start.
    bool execSupervisor(qint64 attemptId, const QString &attemptDir, const QByteArray &request,
                        bool cancel, QString *error);
    /// posix_spawn in a session of its own, stdin/stdout from the given descriptors (-1:
    /// /dev/null), stderr to the diagnostics log. Returns posix_spawn's result.
    int spawnInOwnSession(char *const argv[], char *const envp[], int stdinFd, int stdoutFd,
                          pid_t *pid) const;

    QString m_supervisor;
    bool m_supervisorChecked = false; // found executable by an earlier start
    QStringList m_environmentKey; // the run environment m_environmentBlock encodes
    QByteArray m_environmentBlock;
    QString m_diagnostics;
    QHash<int, Live> m_live; // exec'ed supervisors, by pipe fd
    QHash<qint64, QString> m_adopted; // attempt id → dir, watched by polling
    QSet<qint64> m_exiting; // children that closed their end or were told to go: to reap
    WorkerPool m_workers;
    QTimer m_poll;
};

} // namespace Baton
