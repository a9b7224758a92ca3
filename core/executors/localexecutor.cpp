#include "localexecutor.h"

#include "attemptfiles.h"
#include "protocol/workerrequest.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSocketNotifier>
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

namespace Baton {

LocalExecutor::LocalExecutor(const QString &supervisorPath, QObject *parent)
    : Executor(parent)
    , m_supervisor(supervisorPath.isEmpty() ? defaultSupervisorPath() : supervisorPath)
    , m_workers(
          this,
          [this](char *const argv[], int stdinFd, pid_t *pid) {
              char *envp[] = { nullptr };
              return spawnInOwnSession(argv, envp, stdinFd, -1, pid);
          },
          [this](quint64 workerId) { onWorkerReadable(workerId); })
{
    qRegisterMetaType<Baton::AttemptExit>();
    m_poll.setInterval(200);
    connect(&m_poll, &QTimer::timeout, this, [this] {
        pollAdopted();
        // Idle workers beyond a couple go after a while: a burst of parallelism does not leave
        // processes behind for good.
        for (const int index : m_workers.idleTooLong(QDateTime::currentMSecsSinceEpoch()))
            retireWorker(index);
        // Children that were not gone yet when their end closed.
        if (!m_exiting.isEmpty())
            reapChildren();
    });
    m_poll.start();
}

LocalExecutor::~LocalExecutor()
{
    while (!m_workers.empty())
        retireWorker(int(m_workers.size()) - 1);
    // Supervisors keep running on purpose: the next engine adopts them.
    for (Live &live : m_live) {
        delete live.notifier;
        ::close(live.fd);
        m_exiting.insert(live.pid); // reaped if it has exited already
    }
    reapChildren();
}

QString LocalExecutor::defaultSupervisorPath()
{
    const QString fromEnv = qEnvironmentVariable("BATON_SUPERVISOR");
    if (!fromEnv.isEmpty())
        return fromEnv;
    return QDir(QCoreApplication::applicationDirPath())
        .filePath(QStringLiteral("baton-supervisor"));
}

bool LocalExecutor::start(const AttemptLaunch &launch, QString *error)
{
    // Checked once (and again after a failure): a stat per attempt is a cost on the hot path.
    if (!m_supervisorChecked && !QFileInfo(m_supervisor).isExecutable()) {
        *error = QStringLiteral("the supervisor %1 is missing or not executable").arg(m_supervisor);
        return false;
    }
    QList<QByteArray> args { m_supervisor.toLocal8Bit(),
                             "--state",
                             statePath(launch.attemptDir).toLocal8Bit(),
                             "--log",
                             logPath(launch.attemptDir).toLocal8Bit(),
                             "--workdir",
                             launch.attemptDir.toLocal8Bit(),
                             "--grace",
                             QByteArray::number(launch.graceSeconds),
                             "--log-cap",
                             QByteArray::number(launch.logCapBytes) };
    if (launch.timeoutSeconds > 0)
        args << "--timeout" << QByteArray::number(launch.timeoutSeconds);
    if (launch.makeDir)
        args << "--make-workdir";
    // The command reaches the shell as one argv element: never spliced into another line.
    args << "--"
         << "/bin/sh"
         << "-c" << launch.command.toUtf8();
    // The request (core/protocol/workerrequest.h): argv, an empty string, then the environment,
    // each NUL-terminated (what a worker reads; an exec'ed supervisor gets the same split back
    // into argv and envp).
    QByteArray request;
    request.reserve(8192);
    for (const QByteArray &a : std::as_const(args)) {
        if (a.isEmpty() || a.contains('\0')) {
            *error = QStringLiteral("an empty argument or one with a NUL byte cannot be passed");
            return false;
        }
        request.append(a).append('\0');
    }
    request.append('\0');
    // The run's environment is the same list for all its attempts: encoded once. (The cache holds
    // a reference to the list, so an equal data pointer means the very same, unchanged list.)
    if (launch.environment.constData() != m_environmentKey.constData()
        || launch.environment.size() != m_environmentKey.size()) {
        m_environmentKey = launch.environment;
        m_environmentBlock.clear();
        for (const QString &e : launch.environment)
            m_environmentBlock.append(e.toUtf8()).append('\0');
    }
    request.append(m_environmentBlock);
    for (const QString &e : launch.attemptEnvironment)
        request.append(e.toUtf8()).append('\0');
    if (!launch.secretNames.isEmpty())
        request
            .append("BATON_SUPERVISOR_SECRET_NAMES="
                    + launch.secretNames.join(QLatin1Char(',')).toUtf8())
            .append('\0');

    m_supervisorChecked = true;
    if (launch.after != 0) {
        for (Worker &w : m_workers) {
            if (w.attemptId != launch.after || w.stale || w.next.attemptId != 0)
                continue;
            w.next.attemptId = launch.attemptId;
            w.next.attemptDir = launch.attemptDir;
            w.next.request = request;
            // Sent now, so that the worker finds it the moment it is free. Never waited on: if
            // it cannot go now, it goes when the worker says it is free (promoteNext).
            w.next.sent = WorkerPool::send(w.fd, request);
            return true;
        }
        // Its predecessor is not on a worker any more: started now like any other.
    }
    if (startOnWorker(request, launch.attemptId, launch.attemptDir))
        return true;
    if (!execSupervisor(launch.attemptId, launch.attemptDir, request, false, error)) {
        m_supervisorChecked = false;
        return false;
    }
    return true;
}

bool LocalExecutor::execSupervisor(qint64 attemptId, const QString &attemptDir,
                                   const QByteArray &request, bool cancel, QString *error)
{
    int fds[2];
    // Non-blocking on both ends: the engine never waits on it, and the supervisor writes two
    // short lines into an empty pipe.
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
        *error = QStringLiteral("pipe: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    pid_t pid = 0;
    if (!spawnSupervisor(request, fds, &pid, error))
        return false;
    const int fd = fds[0];
    Live live;
    live.attemptId = attemptId;
    live.attemptDir = attemptDir;
    live.fd = fd;
    live.pid = pid;
    live.notifier = new QSocketNotifier(fd, QSocketNotifier::Read, this);
    connect(live.notifier, &QSocketNotifier::activated, this, [this, fd] { onReadable(fd); });
    m_live.insert(fd, live);
    if (cancel)
        AttemptFiles::cancelSupervisor(pid, statePath(attemptDir));
    return true;
}

bool LocalExecutor::spawnSupervisor(const QByteArray &request, int fds[2], pid_t *pidOut,
                                    QString *error)
{
    // Split back into argv and envp, as a worker does.
    std::vector<char *> argv, envp;
    QByteArray copy = request;
    const int rc = Protocol::splitWorkerRequest(copy.data(), size_t(copy.size()), &argv, &envp)
        ? spawnInOwnSession(argv.data(), envp.data(), -1, fds[1], pidOut)
        : EINVAL; // never: start() builds it
    ::close(fds[1]);
    if (rc != 0) {
        ::close(fds[0]);
        *error = QStringLiteral("cannot start %1: %2")
                     .arg(m_supervisor, QString::fromLocal8Bit(std::strerror(rc)));
        return false;
    }
    return true;
}

int LocalExecutor::spawnInOwnSession(char *const argv[], char *const envp[], int stdinFd,
                                     int stdoutFd, pid_t *pid) const
{
    const QByteArray errPath
        = m_diagnostics.isEmpty() ? QByteArray("/dev/null") : m_diagnostics.toLocal8Bit();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    if (stdinFd >= 0)
        posix_spawn_file_actions_adddup2(&actions, stdinFd, 0);
    else
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    if (stdoutFd >= 0)
        posix_spawn_file_actions_adddup2(&actions, stdoutFd, 1);
    else
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, errPath.constData(),
                                     O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    // A session of its own: a supervisor outlives the engine and its terminal. Default signal
    // dispositions and an empty mask, whatever the engine's are.
    sigset_t none, all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr,
                             POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    const int rc = posix_spawn(pid, argv[0], &actions, &attr, argv, envp);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    return rc;
}

void LocalExecutor::retireWorker(int index)
{
    m_exiting.insert(m_workers.retire(index));
}

bool LocalExecutor::startOnWorker(const QByteArray &request, qint64 attemptId,
                                  const QString &attemptDir, bool cancelPending)
{
    if (request.size() > WorkerPool::MaxRequest)
        return false; // beyond what a worker reads in one message: exec this one
    for (int tries = 0; tries < 3; ++tries) {
        const int index = m_workers.idleOrNew(m_supervisor);
        if (index < 0)
            return false;
        Worker &w = m_workers[size_t(index)];
        if (WorkerPool::send(w.fd, request)) {
            w.attemptId = attemptId;
            w.attemptDir = attemptDir;
            w.request = request; // shared, not copied
            w.cancelPending = cancelPending;
            return true;
        }
        spdlog::warn("supervisor worker {} cannot take an attempt ({}); retiring it",
                     m_workers[size_t(index)].pid, std::strerror(errno));
        if (errno != EAGAIN)
            m_workers.countFailure();
        retireWorker(index);
    }
    return false;
}

void LocalExecutor::onReadable(int fd)
{
    auto it = m_live.find(fd);
    if (it == m_live.end())
        return;
    char chunk[4096];
    bool eof = false;
    for (;;) {
        const ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n > 0) {
            it->buffer.append(chunk, n);
            continue;
        }
        if (n == 0)
            eof = true;
        else if (errno == EINTR)
            continue;
        else if (errno != EAGAIN)
            eof = true;
        break;
    }
    bool finished = false;
    AttemptExit exit;
    bool exitKnown = false;
    // Looked up again after each signal: its handlers start attempts (m_live grows).
    for (qsizetype nl;
         (it = m_live.find(fd)) != m_live.end() && (nl = it->buffer.indexOf('\n')) >= 0;) {
        const QByteArray line = it->buffer.left(nl);
        it->buffer.remove(0, nl + 1);
        Protocol::ReportLine report;
        const bool understood = AttemptFiles::parseReport(line, &report);
        if (line.startsWith("started ")) {
            // When the job really started, whenever we hear of it.
            const qint64 attemptId = it->attemptId;
            Q_EMIT attemptRunning(attemptId, understood ? report.startedUs : 0);
        } else if (line.startsWith("exit ")) {
            finished = true;
            exitKnown = understood && report.kind == Protocol::ReportLine::Kind::Exit;
            if (exitKnown)
                exit = AttemptFiles::toExit(report.exit);
            break;
        }
    }
    if (!finished && !eof)
        return;
    it = m_live.find(fd);
    if (it == m_live.end())
        return;
    const Live live = *it;
    m_live.erase(it);
    live.notifier->setEnabled(false);
    live.notifier->deleteLater();
    ::close(live.fd);
    m_exiting.insert(live.pid);
    if (eof)
        reapChildren(); // else it is still on its way out: the poll timer reaps it
    if (exitKnown)
        Q_EMIT attemptFinished(live.attemptId, exit);
    else
        finishFromDisk(live.attemptId, live.attemptDir);
}

void LocalExecutor::onWorkerReadable(quint64 workerId)
{
    if (!m_workers.find(workerId))
        return;
    const bool gone = !m_workers.receive(workerId);
    // Line by line, the worker looked up each time: handlers of our signals start and cancel
    // attempts, which may give this worker its next attempt, start another one (m_workers
    // reallocates) or retire one.
    for (;;) {
        Worker *worker = m_workers.find(workerId);
        if (!worker)
            return; // retired meanwhile: it had nothing more for us
        const qsizetype nl = worker->buffer.indexOf('\n');
        if (nl < 0)
            break;
        const QByteArray line = worker->buffer.left(nl);
        worker->buffer.remove(0, nl + 1);
        workerLine(workerId, line);
    }
    if (gone)
        workerGone(workerId);
}

void LocalExecutor::workerLine(quint64 workerId, const QByteArray &line)
{
    Worker *w = m_workers.find(workerId);
    if (w->attemptId == 0) {
        spdlog::warn("supervisor worker {} said '{}' without an attempt", w->pid,
                     line.toStdString());
        return;
    }
    Protocol::ReportLine report;
    const bool understood = AttemptFiles::parseReport(line, &report);
    if (line.startsWith("supervisor ")) {
        w->claimed = true;
        w->supervisorPid = understood ? report.pid : 0;
        w->request = QByteArray(); // it has the attempt now: never run it elsewhere
        if (w->cancelPending && !w->stale && w->supervisorPid > 1)
            AttemptFiles::cancelSupervisor(pid_t(w->supervisorPid), statePath(w->attemptDir));
    } else if (line.startsWith("started ")) {
        if (w->stale)
            return;
        // When the job really started, whenever we hear of it.
        const qint64 attemptId = w->attemptId;
        m_workers.markCopiesStale(attemptId, workerId);
        Q_EMIT attemptRunning(attemptId, understood ? report.startedUs : 0);
    } else if (line.startsWith("exit ") || line == "done") {
        // The attempt is over and the worker free: what was queued behind it is its attempt now
        // (the worker is reading it already); a handler below may queue the next one.
        const Handed attempt = WorkerPool::takeAttempt(*w);
        promoteNext(workerId);
        if (attempt.stale)
            return; // a copy that declined: the attempt ran elsewhere
        if (understood && report.kind == Protocol::ReportLine::Kind::Exit) {
            m_workers.markCopiesStale(attempt.attemptId, workerId);
            Q_EMIT attemptFinished(attempt.attemptId, AttemptFiles::toExit(report.exit));
        } else if (!m_workers.heldElsewhere(attempt.attemptId, workerId)) {
            endUntold(attempt);
        } // else: declined, its copy on another worker has it
    }
}

void LocalExecutor::endUntold(const Handed &attempt)
{
    if (!attempt.claimed)
        runElsewhere(attempt); // refused before it even looked at it
    else
        finishFromDisk(attempt.attemptId, attempt.attemptDir);
}

void LocalExecutor::promoteNext(quint64 workerId)
{
    Worker *w = m_workers.find(workerId);
    if (!w || w->next.attemptId == 0)
        return;
    const Queued next = std::exchange(w->next, Queued {});
    if (next.sent) {
        w->attemptId = next.attemptId;
        w->attemptDir = next.attemptDir;
        w->request = next.request;
        w->cancelPending = next.cancelPending;
        w->stale = next.stale;
        return;
    }
    if (next.stale)
        return; // withdrawn before it could even be sent
    startNow(next); // never sent: it starts like any other attempt (this worker is free)
}

void LocalExecutor::startNow(const Queued &queued)
{
    if (startOnWorker(queued.request, queued.attemptId, queued.attemptDir, queued.cancelPending))
        return;
    Handed handed;
    handed.attemptId = queued.attemptId;
    handed.attemptDir = queued.attemptDir;
    handed.request = queued.request;
    handed.cancelPending = queued.cancelPending;
    runElsewhere(handed);
}

bool LocalExecutor::canFollow(qint64 attemptId) const
{
    return m_workers.canFollow(attemptId);
}

void LocalExecutor::expedite(qint64 attemptId)
{
    for (Worker &w : m_workers) {
        if (w.next.attemptId != attemptId || w.next.stale)
            continue;
        if (!w.next.sent) {
            // Nothing is on its way to that worker: simply start it elsewhere instead.
            startNow(std::exchange(w.next, Queued {}));
            return;
        }
        // It cannot be taken back from that worker's socket: a copy goes to a free worker, and
        // the attempt's record decides (whoever creates it runs it; the other declines). Copied
        // first: starting a worker may move m_workers.
        const QByteArray request = w.next.request;
        const QString dir = w.next.attemptDir;
        const bool cancelPending = w.next.cancelPending;
        startOnWorker(request, attemptId, dir, cancelPending); // none free: it waits where it is
        return;
    }
}

void LocalExecutor::workerGone(quint64 workerId)
{
    const auto it = std::find_if(m_workers.begin(), m_workers.end(),
                                 [workerId](const Worker &w) { return w.id == workerId; });
    if (it == m_workers.end())
        return;
    const qint64 pid = it->pid;
    const Handed attempt = WorkerPool::takeAttempt(*it);
    const Queued next = std::exchange(it->next, Queued {});
    retireWorker(int(it - m_workers.begin()));
    m_workers.countFailure(); // as a failed send to it did: workers that keep dying are given up
    reapChildren();
    if (attempt.attemptId == 0) {
        spdlog::info("supervisor worker {} exited", pid);
        return;
    }
    spdlog::warn("supervisor worker {} gone during attempt {}", pid, attempt.attemptId);
    if (!attempt.stale && !m_workers.heldElsewhere(attempt.attemptId, workerId))
        endUntold(attempt);
    if (next.attemptId != 0 && !next.stale && !m_workers.heldElsewhere(next.attemptId, workerId)) {
        // Never read by that worker, or declined: it starts elsewhere (the record decides).
        startNow(next);
    }
}

void LocalExecutor::runElsewhere(const Handed &attempt)
{
    // The worker never said it has it: a supervisor of its own runs it. Had the worker claimed
    // the state file after all, that supervisor finds it claimed and runs nothing: the state
    // file decides, never two runs.
    spdlog::warn("attempt {} not taken by a supervisor worker; exec'ing a supervisor",
                 attempt.attemptId);
    QString error = QStringLiteral("no request to resend");
    if (!attempt.request.isEmpty()
        && execSupervisor(attempt.attemptId, attempt.attemptDir, attempt.request,
                          attempt.cancelPending, &error))
        return;
    spdlog::warn("attempt {}: {}", attempt.attemptId, error.toStdString());
    finishFromDisk(attempt.attemptId, attempt.attemptDir);
}

void LocalExecutor::finishFromDisk(qint64 attemptId, const QString &attemptDir)
{
    AttemptExit exit;
    if (readExitFile(attemptDir, &exit)) {
        Q_EMIT attemptFinished(attemptId, exit);
        return;
    }
    if (supervisorAlive(attemptDir)) {
        // Its pipe closed but it is still at work (e.g. stdout closed): watch it from disk.
        m_adopted.insert(attemptId, attemptDir);
        return;
    }
    const Liveness state = reconcile(attemptId, attemptDir, &exit);
    if (state == Liveness::Running)
        return;
    Q_EMIT attemptFinished(attemptId, exit);
}

void LocalExecutor::cancel(qint64 attemptId, const QString &attemptDir)
{
    qint64 pid = 0;
    bool pending = false;
    for (Worker &w : m_workers) {
        if (w.next.attemptId == attemptId && !w.next.stale) {
            // Queued behind another attempt: withdrawn before it ever starts, if its record can
            // still be claimed for that; else it is cancelled once it has started.
            if (AttemptFiles::abandonUnclaimed(statePath(attemptDir))) {
                w.next.stale = true;
                AttemptExit exit;
                exit.reason = QStringLiteral("cancelled");
                exit.finishedAt = QDateTime::currentMSecsSinceEpoch();
                exit.detail = QStringLiteral("cancelled before it started");
                // Told from the event loop, as every end is: the caller is cancelling now.
                QMetaObject::invokeMethod(
                    this, [this, attemptId, exit] { Q_EMIT attemptFinished(attemptId, exit); },
                    Qt::QueuedConnection);
                m_workers.markCopiesStale(attemptId, 0);
                return;
            }
            w.next.cancelPending = true;
            pending = true;
        }
        if (w.attemptId != attemptId || w.stale)
            continue;
        if (!w.claimed) {
            w.cancelPending = true; // sent, not yet taken: cancel when it is
            pending = true;
            continue;
        }
        pid = w.supervisorPid;
    }
    if (pending && pid == 0)
        return;
    for (const Live &live : std::as_const(m_live)) {
        if (live.attemptId == attemptId)
            pid = live.pid;
    }
    if (pid == 0 && supervisorAlive(attemptDir)) {
        // Adopted: the pid comes from the status file, trusted because the lock is held.
        pid = AttemptFiles::read(statePath(attemptDir)).supervisorPid;
    }
    if (pid > 1)
        AttemptFiles::cancelSupervisor(pid_t(pid), statePath(attemptDir)); // → TERM, grace, KILL
}

Executor::Liveness LocalExecutor::reconcile(qint64 attemptId, const QString &attemptDir,
                                            AttemptExit *exit)
{
    if (readExitFile(attemptDir, exit))
        return Liveness::Finished;
    if (supervisorAlive(attemptDir)) {
        m_adopted.insert(attemptId, attemptDir);
        return Liveness::Running;
    }
    // Take the lock ourselves and leave a mark, so a supervisor that was spawned but had not
    // started yet can never run this attempt later: no attempt runs twice. (A supervisor only
    // runs an attempt whose record it created itself, and empty.)
    const QByteArray path = statePath(attemptDir).toLocal8Bit();
    const int fd = ::open(path.constData(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd >= 0 && ::flock(fd, LOCK_EX | LOCK_NB) == 0) {
        if (readExitFile(attemptDir, exit)) {
            ::close(fd);
            return Liveness::Finished;
        }
        // No supervisor ever took it (e.g. it waited behind another attempt when the engine
        // stopped): it never ran, and can start again as if it never had been started.
        QString damage;
        const bool neverStarted
            = AttemptFiles::read(statePath(attemptDir), &damage).supervisorPid == 0;
        if (!damage.isEmpty())
            spdlog::warn("{}: not a sound attempt record: {}", path.constData(),
                         damage.toStdString());
        if (!AttemptFiles::markAbandoned(fd))
            spdlog::warn("could not mark {} abandoned: {}", path.constData(), std::strerror(errno));
        AttemptFiles::killLeftovers(statePath(attemptDir));
        ::close(fd);
        if (neverStarted) {
            *exit = AttemptExit {};
            exit->reason = QStringLiteral("not_started");
            exit->finishedAt = QDateTime::currentMSecsSinceEpoch();
            exit->detail = QStringLiteral("never started: no supervisor had taken it when its "
                                          "engine stopped");
            return Liveness::Dead;
        }
    } else if (fd < 0) {
        spdlog::warn("cannot open {}: {}", path.constData(), std::strerror(errno));
    } else {
        ::close(fd);
        m_adopted.insert(attemptId, attemptDir); // it just started: watch it
        return Liveness::Running;
    }
    *exit = AttemptExit {};
    exit->reason = QStringLiteral("lost");
    exit->finishedAt = QDateTime::currentMSecsSinceEpoch();
    exit->detail = QStringLiteral("the attempt's supervisor is gone without recording an exit "
                                  "status (killed, or the machine restarted)");
    return Liveness::Dead;
}

void LocalExecutor::pollAdopted()
{
    const auto adopted = m_adopted;
    for (auto it = adopted.constBegin(); it != adopted.constEnd(); ++it) {
        AttemptExit exit;
        if (readExitFile(it.value(), &exit)) {
            m_adopted.remove(it.key());
            Q_EMIT attemptFinished(it.key(), exit);
        } else if (!supervisorAlive(it.value())) {
            m_adopted.remove(it.key());
            if (reconcile(it.key(), it.value(), &exit) != Liveness::Running)
                Q_EMIT attemptFinished(it.key(), exit);
        }
    }
}

void LocalExecutor::reapChildren()
{
    for (auto it = m_exiting.begin(); it != m_exiting.end();) {
        const pid_t r = ::waitpid(pid_t(*it), nullptr, WNOHANG);
        if (r == pid_t(*it) || (r < 0 && errno == ECHILD))
            it = m_exiting.erase(it);
        else
            ++it;
    }
}

bool LocalExecutor::readExitFile(const QString &attemptDir, AttemptExit *exit)
{
    // Only a record that reached its last line counts: a supervisor killed while writing it
    // leaves a partial one, which means "no exit status".
    const Protocol::AttemptRecord record = AttemptFiles::read(statePath(attemptDir));
    if (!record.complete())
        return false;
    *exit = AttemptFiles::toExit(record.exit);
    return true;
}

bool LocalExecutor::attemptOver(const QString &logPath)
{
    if (!logPath.endsWith(QLatin1String(".log")))
        return false;
    const QString attemptDir = logPath.chopped(4);
    const Protocol::AttemptRecord record = AttemptFiles::read(statePath(attemptDir));
    if (record.ended || record.abandonedAt != 0)
        return true;
    // supervisor_pid is written under the lock: without the lock now, the supervisor is gone.
    return record.supervisorPid != 0 && !supervisorAlive(attemptDir);
}

bool LocalExecutor::supervisorAlive(const QString &attemptDir)
{
    return AttemptFiles::supervisorAlive(statePath(attemptDir));
}

} // namespace Baton
