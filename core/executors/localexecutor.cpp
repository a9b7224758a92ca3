#include "localexecutor.h"

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
#include <dirent.h>
#include <fcntl.h>
#include <spawn.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace Baton {

namespace {

QHash<QString, QString> readKeyValues(const QString &path)
{
    QHash<QString, QString> values;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return values;
    for (const QByteArray &line : f.read(64 * 1024).split('\n')) {
        const int eq = line.indexOf('=');
        if (eq > 0)
            values.insert(QString::fromUtf8(line.left(eq)), QString::fromUtf8(line.mid(eq + 1)));
    }
    return values;
}

bool exitFromRecord(const QHash<QString, QString> &v, AttemptExit *exit)
{
    // Only a record that reached its last line counts: a supervisor killed while writing it
    // leaves a partial one, which means "no exit status".
    if (v.value(QStringLiteral("end")) != QLatin1String("1")
        || !v.contains(QStringLiteral("exit_code")))
        return false;
    exit->exitCode = v.value(QStringLiteral("exit_code")).toInt();
    exit->signal = v.value(QStringLiteral("signal")).toInt();
    exit->reason = v.value(QStringLiteral("reason"));
    exit->startedAt = v.value(QStringLiteral("started_at")).toLongLong();
    exit->finishedAt = v.value(QStringLiteral("finished_at")).toLongLong();
    exit->logBytes = v.value(QStringLiteral("log_bytes")).toLongLong();
    exit->truncated = v.value(QStringLiteral("truncated")) == QLatin1String("1");
    return true;
}

// "exit CODE REASON SIGNAL STARTED_AT FINISHED_AT LOG_BYTES TRUNCATED", as the supervisor says
// it on its pipe: the engine needs no file read for an attempt it watched to the end.
bool exitFromLine(const QByteArray &line, AttemptExit *exit)
{
    const QList<QByteArray> f = line.split(' ');
    if (f.size() != 8 || f[0] != "exit")
        return false;
    bool ok[6] = {};
    exit->exitCode = f[1].toInt(&ok[0]);
    exit->reason = QString::fromLatin1(f[2]);
    exit->signal = f[3].toInt(&ok[1]);
    exit->startedAt = f[4].toLongLong(&ok[2]);
    exit->finishedAt = f[5].toLongLong(&ok[3]);
    exit->logBytes = f[6].toLongLong(&ok[4]);
    exit->truncated = f[7].toInt(&ok[5]) == 1;
    return std::all_of(std::begin(ok), std::end(ok), [](bool b) { return b; });
}

// Processes of session @p sid (the supervisor is a session leader, so its job's processes are in
// its session unless they left it on purpose).
QList<pid_t> sessionMembers(pid_t sid)
{
    QList<pid_t> members;
    DIR *proc = ::opendir("/proc");
    if (!proc)
        return members;
    while (const dirent *entry = ::readdir(proc)) {
        char *end = nullptr;
        const long pid = std::strtol(entry->d_name, &end, 10);
        if (*end != '\0' || pid <= 1)
            continue;
        if (::getsid(pid_t(pid)) == sid)
            members << pid_t(pid);
    }
    ::closedir(proc);
    return members;
}

// Kills whatever is left of an attempt whose supervisor is gone (belt and braces for lost
// attempts): its job's process group and every process still in its session. A supervisor pid
// that was reused since is no session leader of ours: getsid() tells.
void killLeftovers(const QString &attemptDir)
{
    const auto status = readKeyValues(LocalExecutor::statePath(attemptDir));
    const qint64 pgid = status.value(QStringLiteral("pgid")).toLongLong();
    const qint64 supervisor = status.value(QStringLiteral("supervisor_pid")).toLongLong();
    if (supervisor <= 1)
        return; // the job never started
    if (pgid > 1 && ::getsid(pid_t(pgid)) == pid_t(supervisor))
        ::kill(pid_t(-pgid), SIGKILL);
    if (::kill(pid_t(supervisor), 0) != 0) { // the session leader is gone, its session is ours
        for (const pid_t pid : sessionMembers(pid_t(supervisor)))
            ::kill(pid, SIGKILL);
    }
}

} // namespace

LocalExecutor::LocalExecutor(const QString &supervisorPath, QObject *parent)
    : Executor(parent)
    , m_supervisor(supervisorPath.isEmpty() ? defaultSupervisorPath() : supervisorPath)
{
    qRegisterMetaType<Baton::AttemptExit>();
    m_poll.setInterval(200);
    connect(&m_poll, &QTimer::timeout, this, [this] {
        pollAdopted();
        reapChildren();
        // Idle workers beyond a couple go after a while: a burst of parallelism does not leave
        // processes behind for good.
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        int idle = 0;
        for (int i = int(m_workers.size()) - 1; i >= 0; --i) {
            const Worker &w = m_workers[size_t(i)];
            if (w.attemptId == 0 && ++idle > 2 && now - w.idleSinceMs > 30000)
                retireWorker(i);
        }
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
    // The request: argv, an empty string, then the environment, each NUL-terminated (what a
    // worker reads; an exec'ed supervisor gets the same split back into argv and envp).
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

    int fds[2];
    m_supervisorChecked = true;
    // Non-blocking on both ends: the engine never waits on it, and the supervisor writes three
    // short lines into an empty pipe.
    if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
        *error = QStringLiteral("pipe: %1").arg(QString::fromLocal8Bit(std::strerror(errno)));
        return false;
    }
    pid_t pid = 0;
    const bool onWorker = startOnWorker(request, fds[1], launch.attemptId);
    if (onWorker) {
        ::close(fds[1]);
    } else if (!spawnSupervisor(request, fds, &pid, error)) {
        m_supervisorChecked = false;
        return false;
    }
    watch(launch.attemptId, launch.attemptDir, fds[0], pid, onWorker ? request : QByteArray());
    return true;
}

void LocalExecutor::watch(qint64 attemptId, const QString &attemptDir, int fd, qint64 pid,
                          const QByteArray &request)
{
    if (pid > 0)
        m_children.insert(pid);
    Live live;
    live.attemptId = attemptId;
    live.attemptDir = attemptDir;
    live.fd = fd;
    live.pid = pid;
    live.request = request;
    live.notifier = new QSocketNotifier(fd, QSocketNotifier::Read, this);
    connect(live.notifier, &QSocketNotifier::activated, this, [this, fd] { onReadable(fd); });
    m_live.insert(fd, live);
}

bool LocalExecutor::spawnSupervisor(const QByteArray &request, int fds[2], pid_t *pidOut,
                                    QString *error)
{
    // Split the request back into argv and envp (it ends with a NUL; items are non-empty).
    std::vector<char *> argv, envp;
    std::vector<char *> *into = &argv;
    QByteArray copy = request;
    for (qsizetype i = 0; i < copy.size();) {
        char *item = copy.data() + i;
        const qsizetype length = qsizetype(std::strlen(item));
        i += length + 1;
        if (length == 0 && into == &argv)
            into = &envp;
        else if (length > 0)
            into->push_back(item);
    }
    argv.push_back(nullptr);
    envp.push_back(nullptr);
    const int rc = spawnInOwnSession(argv.data(), envp.data(), -1, fds[1], pidOut);
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

int LocalExecutor::startWorker()
{
    if (qEnvironmentVariable("BATON_SUPERVISOR_WORKERS") == u"0" || m_workerFailures >= 3)
        return -1;
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
        ++m_workerFailures;
        return -1;
    }
    const QByteArray program = m_supervisor.toLocal8Bit();
    char *argv[]
        = { const_cast<char *>(program.constData()), const_cast<char *>("--worker"), nullptr };
    char *envp[] = { nullptr };
    pid_t pid = 0;
    const int rc = spawnInOwnSession(argv, envp, sv[1], -1, &pid);
    ::close(sv[1]);
    if (rc != 0) {
        ::close(sv[0]);
        ++m_workerFailures;
        spdlog::warn("cannot start a supervisor worker: {}", std::strerror(rc));
        return -1;
    }
    m_children.insert(pid);
    Worker w;
    w.fd = sv[0];
    w.pid = pid;
    m_workers.push_back(w);
    return int(m_workers.size()) - 1;
}

void LocalExecutor::retireWorker(int index)
{
    // EOF on its socket: it finishes the attempt it has, if any, then exits.
    ::close(m_workers[size_t(index)].fd);
    m_workers.erase(m_workers.begin() + index);
}

void LocalExecutor::workerDone(qint64 attemptId)
{
    for (Worker &w : m_workers) {
        if (w.attemptId == attemptId) {
            w.attemptId = 0;
            w.idleSinceMs = QDateTime::currentMSecsSinceEpoch();
        }
    }
}

bool LocalExecutor::startOnWorker(const QByteArray &request, int outFd, qint64 attemptId)
{
    if (request.size() > 200 * 1024)
        return false; // beyond what a worker reads in one message: exec this one
    for (int tries = 0; tries < 3; ++tries) {
        int index = -1;
        for (size_t i = 0; i < m_workers.size(); ++i) {
            if (m_workers[i].attemptId == 0) {
                index = int(i);
                break;
            }
        }
        if (index < 0)
            index = startWorker();
        if (index < 0)
            return false;
        iovec iov { const_cast<char *>(request.constData()), size_t(request.size()) };
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
        msghdr msg {};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        std::memcpy(CMSG_DATA(c), &outFd, sizeof outFd);
        // Never wait on it: a stuck or stopped worker must not stall the engine.
        if (::sendmsg(m_workers[size_t(index)].fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT)
            == request.size()) {
            m_workers[size_t(index)].attemptId = attemptId;
            return true;
        }
        spdlog::warn("supervisor worker {} cannot take an attempt ({}); retiring it",
                     m_workers[size_t(index)].pid, std::strerror(errno));
        if (errno != EAGAIN)
            ++m_workerFailures;
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
    qsizetype nl;
    while ((nl = it->buffer.indexOf('\n')) >= 0) {
        const QByteArray line = it->buffer.left(nl);
        it->buffer.remove(0, nl + 1);
        if (line.startsWith("supervisor ")) {
            it->pid = line.mid(11).toLongLong();
            it->request = QByteArray(); // it has the attempt now: never run it elsewhere
            if (it->cancelPending && it->pid > 1)
                ::kill(pid_t(it->pid), SIGTERM);
        } else if (line.startsWith("started ")) {
            // "started PGID STARTED_US": when the job really started, whenever we hear of it.
            const QList<QByteArray> f = line.split(' ');
            Q_EMIT attemptRunning(it->attemptId, f.size() >= 3 ? f[2].toLongLong() : 0);
        } else if (line.startsWith("exit ")) {
            finished = true;
            exitKnown = exitFromLine(line, &exit);
        }
    }
    if (finished || eof) {
        const Live live = *it;
        m_live.erase(it);
        live.notifier->setEnabled(false);
        live.notifier->deleteLater();
        ::close(live.fd);
        workerDone(live.attemptId);
        if (!live.request.isEmpty() && live.pid == 0) {
            // The worker went away before it even looked at the attempt (it never said who it
            // is, so it never touched the attempt's files): run it in a supervisor of its own.
            spdlog::warn("supervisor worker gone before attempt {} started; exec'ing one",
                         live.attemptId);
            int fds[2];
            pid_t pid = 0;
            QString error;
            if (::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0
                && spawnSupervisor(live.request, fds, &pid, &error)) {
                watch(live.attemptId, live.attemptDir, fds[0], pid, QByteArray());
                if (live.cancelPending)
                    ::kill(pid, SIGTERM);
                return;
            }
            spdlog::warn("attempt {}: {}", live.attemptId, error.toStdString());
        }
        if (exitKnown)
            Q_EMIT attemptFinished(live.attemptId, exit);
        else
            finishFromDisk(live.attemptId, live.attemptDir);
        reapChildren();
    }
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
    for (Live &live : m_live) {
        if (live.attemptId != attemptId)
            continue;
        if (live.pid == 0) {
            live.cancelPending = true; // forked, not yet introduced: cancel when it is
            return;
        }
        pid = live.pid;
    }
    if (pid == 0 && supervisorAlive(attemptDir)) {
        // Adopted: the pid comes from the status file, trusted because the lock is held.
        pid = readKeyValues(statePath(attemptDir))
                  .value(QStringLiteral("supervisor_pid"))
                  .toLongLong();
    }
    if (pid > 1)
        ::kill(pid_t(pid), SIGTERM); // the supervisor turns this into TERM → grace → KILL
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
        const QByteArray mark
            = "abandoned=" + QByteArray::number(QDateTime::currentMSecsSinceEpoch()) + '\n';
        if (::write(fd, mark.constData(), size_t(mark.size())) != mark.size())
            spdlog::warn("could not mark {} abandoned: {}", path.constData(), std::strerror(errno));
        killLeftovers(attemptDir);
        ::close(fd);
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
    for (auto it = m_children.begin(); it != m_children.end();) {
        int status = 0;
        const pid_t r = ::waitpid(pid_t(*it), &status, WNOHANG);
        if (r == pid_t(*it) || (r < 0 && errno == ECHILD))
            it = m_children.erase(it);
        else
            ++it;
    }
}

bool LocalExecutor::readExitFile(const QString &attemptDir, AttemptExit *exit)
{
    return exitFromRecord(readKeyValues(statePath(attemptDir)), exit);
}

bool LocalExecutor::supervisorAlive(const QString &attemptDir)
{
    const QByteArray path = statePath(attemptDir).toLocal8Bit();
    const int fd = ::open(path.constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool held = ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::close(fd); // releases our lock if we got it
    return held;
}

} // namespace Baton
