#pragma once

#include "executor.h"

#include <QHash>
#include <QSet>
#include <QTimer>
#include <sys/types.h>
#include <vector>

class QSocketNotifier;

namespace Baton {

/// Runs attempts as local processes, each under a `baton-supervisor` that lives in its own
/// session: it owns the job's process group, writes the log and the attempt's record, and keeps
/// going if the engine dies. The engine hears from it through a pipe; adopted attempts (after a
/// restart) are watched through their record and its lock instead.
///
/// Files of an attempt (see app/supervisor/main.cpp): ATTEMPT_DIR/ is the job's working
/// directory; ATTEMPT_DIR.state is the record (flock()ed by the live supervisor; status lines,
/// then the exit record ending in `end=1`); ATTEMPT_DIR.log is the log. One directory and two
/// files per attempt: creating inodes is a real cost per attempt on disk.
///
/// Supervisors run in a small pool of long-lived `baton-supervisor --worker` processes, each
/// supervising one attempt at a time, one after the other (creating a process per attempt was
/// the largest cost left per attempt). A worker is told about an attempt over its socket and
/// reports on the attempt's own pipe exactly as an exec'ed supervisor does. When no worker can
/// take it, or BATON_SUPERVISOR_WORKERS=0, the supervisor is exec'ed for that attempt instead.
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

private:
    struct Live
    {
        qint64 attemptId = 0;
        QString attemptDir;
        int fd = -1;
        qint64 pid = 0; ///< 0 until a worker has said who it is
        QByteArray request; ///< a worker's attempt until it starts it: run elsewhere if it dies
        bool cancelPending = false; ///< cancelled before its pid was known
        QSocketNotifier *notifier = nullptr;
        QByteArray buffer;
    };
    void onReadable(int fd);
    void finishFromDisk(qint64 attemptId, const QString &attemptDir);
    void pollAdopted();
    void reapChildren();
    struct Worker
    {
        int fd = -1; ///< our end of its socket
        qint64 pid = 0;
        qint64 attemptId = 0; ///< 0: idle
        qint64 idleSinceMs = 0;
    };
    /// Hands the request to an idle worker (one is started when none is). False: exec one.
    bool startOnWorker(const QByteArray &request, int outFd, qint64 attemptId);
    int startWorker();
    void retireWorker(int index);
    void workerDone(qint64 attemptId);
    bool spawnSupervisor(const QByteArray &request, int fds[2], pid_t *pid, QString *error);
    /// posix_spawn in a session of its own, stdin/stdout from the given descriptors (-1:
    /// /dev/null), stderr to the diagnostics log. Returns posix_spawn's result.
    int spawnInOwnSession(char *const argv[], char *const envp[], int stdinFd, int stdoutFd,
                          pid_t *pid) const;
    void watch(qint64 attemptId, const QString &attemptDir, int fd, qint64 pid,
               const QByteArray &request);

    QString m_supervisor;
    bool m_supervisorChecked = false; // found executable by an earlier start
    QStringList m_environmentKey; // the run environment m_environmentBlock encodes
    QByteArray m_environmentBlock;
    QString m_diagnostics;
    QHash<int, Live> m_live; // by pipe fd
    QHash<qint64, QString> m_adopted; // attempt id → dir, watched by polling
    QSet<qint64> m_children; // supervisor pids to reap
    std::vector<Worker> m_workers;
    int m_workerFailures = 0; // after a few, supervisors are exec'ed for good
    QTimer m_poll;
};

} // namespace Baton
