// Drives the real `baton-supervisor` with real processes: what the engine relies on to survive
// its own death (kill -9) with nothing lost and nothing run twice.
#include "protocol/canceltoken.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <functional>
#include <poll.h>
#include <spawn.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace {

QString supervisorPath()
{
    // Built next to `baton`, where the engine looks for it.
    return QFileInfo(QStringLiteral(BATON_BINARY)).absolutePath()
        + QStringLiteral("/baton-supervisor");
}

QStringList sh(const QString &command)
{
    return { QStringLiteral("/bin/sh"), QStringLiteral("-c"), command };
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void writeFile(const QString &path, const QByteArray &content)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
}

// "key=value" lines of the state file.
QMap<QString, QString> keyValues(const QString &path)
{
    QMap<QString, QString> values;
    const QList<QByteArray> lines = readFile(path).split('\n');
    for (const QByteArray &line : lines) {
        const qsizetype eq = line.indexOf('=');
        if (eq > 0)
            values.insert(QString::fromUtf8(line.left(eq)), QString::fromUtf8(line.mid(eq + 1)));
    }
    return values;
}

// The line the supervisor prints at the end, built from the state file's values: the engine reads
// that line instead of the file, so both must agree.
QByteArray expectedExitLine(const QMap<QString, QString> &state)
{
    QStringList fields { QStringLiteral("exit") };
    for (const char *key : { "exit_code", "reason", "signal", "started_at", "finished_at",
                             "log_bytes", "truncated", "finished_at_us" }) {
        const QString value = state.value(QLatin1String(key));
        fields.append(value.isEmpty() ? QStringLiteral("<no %1>").arg(QLatin1String(key)) : value);
    }
    if (state.contains(QStringLiteral("log_error"))) // why the output was not logged, said last
        fields << QStringLiteral("log_error") << state.value(QStringLiteral("log_error"));
    return fields.join(QLatin1Char(' ')).toUtf8() + '\n';
}

// The "started PGID STARTED_US" line the supervisor wrote in @p out, checked against the state
// file: the group is the recorded one and the time is the recorded started_at, in µs. Something
// that cannot match when the line is missing or wrong.
QByteArray expectedStartedLine(const QMap<QString, QString> &state, const QByteArray &out)
{
    const qsizetype at = out.indexOf("started ");
    if (at < 0)
        return "<no started line>\n";
    const QByteArray line = out.mid(at, out.indexOf('\n', at) - at);
    const QList<QByteArray> f = line.split(' ');
    if (f.size() != 3 || f[1] != state.value(QStringLiteral("pgid")).toUtf8()
        || f[2].toLongLong() / 1000 != state.value(QStringLiteral("started_at")).toLongLong())
        return "<started line " + line + " does not match the state file>\n";
    return line + '\n';
}

QStringList entries(const QString &dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden, QDir::Name);
}

struct Record
{
    QDateTime time;
    char stream = 0;
    char flag = 0;
    QByteArray text;
};

// Parses "YYYY-MM-DDTHH:MM:SS.mmmZ S F TEXT\n" records; a malformed one gets no time.
QList<Record> parseLog(const QByteArray &log)
{
    QList<Record> records;
    QList<QByteArray> lines = log.split('\n');
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    for (const QByteArray &line : lines) {
        Record r;
        if (line.size() >= 29 && line[24] == ' ' && line[26] == ' ' && line[28] == ' ') {
            r.time = QDateTime::fromString(QString::fromLatin1(line.left(24)), Qt::ISODateWithMs);
            r.stream = line[25];
            r.flag = line[27];
            r.text = line.mid(29);
        }
        records.append(r);
    }
    return records;
}

// The bytes a stream carried: '+' records continue in the next record of the same stream.
QByteArray reassemble(const QList<Record> &records, char stream)
{
    QByteArray bytes;
    for (const Record &r : records) {
        if (r.stream != stream || r.flag == '!')
            continue;
        bytes += r.text;
        if (r.flag == ' ')
            bytes += '\n';
    }
    return bytes;
}

QList<QByteArray> texts(const QList<Record> &records, char stream)
{
    QList<QByteArray> result;
    for (const Record &r : records) {
        if (r.stream == stream)
            result.append(r.text);
    }
    return result;
}

bool groupGone(int pgid)
{
    return pgid > 0 && ::kill(-pgid, 0) == -1 && errno == ESRCH;
}

bool processGone(int pid)
{
    return pid > 0 && ::kill(pid, 0) == -1 && errno == ESRCH;
}

// The two ways an attempt is stopped from outside: its timeout, and the engine's cancel (rows of a
// test with a bool column "cancel").
void stopRows()
{
    QTest::addColumn<bool>("cancel");
    QTest::newRow("timeout") << false;
    QTest::newRow("cancel") << true;
}

QString stopReason(bool cancel)
{
    return cancel ? QStringLiteral("cancelled") : QStringLiteral("timed_out");
}

// Where the cgroup v2 hierarchy is mounted (/sys/fs/cgroup on a pure v2 system such as Debian 12,
// /sys/fs/cgroup/unified on a hybrid one); empty when there is none.
QString cgroup2Mount()
{
    for (const QByteArray &line : readFile(QStringLiteral("/proc/self/mounts")).split('\n')) {
        const QList<QByteArray> fields = line.split(' ');
        if (fields.size() > 2 && fields[2] == "cgroup2")
            return QString::fromLocal8Bit(fields[1]);
    }
    return {};
}

qint64 vmHwmKiB(qint64 pid)
{
    const QByteArray status = readFile(QStringLiteral("/proc/%1/status").arg(pid));
    const QRegularExpression re(QStringLiteral("VmHWM:\\s+(\\d+) kB"));
    const auto m = re.match(QString::fromLatin1(status));
    return m.hasMatch() ? m.captured(1).toLongLong() : -1;
}

// What one attempt is given: its state and log files (side by side in their own directory, so
// that a test sees every file the supervisor creates) and a separate working directory.
struct Attempt
{
    QString dir;
    QString state;
    QString log;
    QString workdir;
};

constexpr int WaitMs = 60000; // the machine is slow; only a hang takes that long

// One supervisor process, its stdout collected as it comes.
class Supervisor
{
public:
    Supervisor(const Attempt &attempt, const QStringList &options, const QStringList &program,
               const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment(),
               const QStringList &launcher = {}, const std::function<void()> &modifier = {})
    {
        m_process.setProcessEnvironment(env);
        if (modifier)
            m_process.setChildProcessModifier(modifier);
        const QStringList args = QStringList { QStringLiteral("--state"),   attempt.state,
                                               QStringLiteral("--log"),     attempt.log,
                                               QStringLiteral("--workdir"), attempt.workdir }
            + options + QStringList { QStringLiteral("--") } + program;
        if (launcher.isEmpty())
            m_process.start(supervisorPath(), args);
        else // launcher ARGS... SUPERVISOR ARGS...
            m_process.start(launcher.first(),
                            launcher.mid(1) + QStringList { supervisorPath() } + args);
        m_timer.start();
        m_process.waitForStarted();
        m_pid = m_process.processId(); // processId() is 0 once the process has finished
    }
    ~Supervisor()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished();
        }
    }

    // Waits for "started PGID"; returns the PGID (0 on failure).
    int waitStarted(int timeoutMs = WaitMs)
    {
        QElapsedTimer t;
        t.start();
        while (!m_out.contains('\n') && t.elapsed() < timeoutMs
               && m_process.state() != QProcess::NotRunning) {
            m_process.waitForReadyRead(50);
            m_out += m_process.readAllStandardOutput();
        }
        m_out += m_process.readAllStandardOutput();
        const QByteArray first = m_out.left(m_out.indexOf('\n'));
        return first.startsWith("started ") ? first.split(' ').value(1).toInt() : 0;
    }

    // The supervisor's exit code, or -1 if it crashed or did not finish in time.
    int wait(int timeoutMs = WaitMs, const std::function<void()> &whileRunning = {})
    {
        QElapsedTimer t;
        t.start();
        // (waitForFinished() is false for a process already finished: test the state.)
        while (m_process.state() != QProcess::NotRunning && t.elapsed() < timeoutMs) {
            m_process.waitForFinished(20);
            if (whileRunning)
                whileRunning();
        }
        m_elapsed = m_timer.elapsed();
        m_out += m_process.readAllStandardOutput();
        m_err = m_process.readAllStandardError();
        if (m_process.state() != QProcess::NotRunning)
            return -1;
        return m_process.exitStatus() == QProcess::NormalExit ? m_process.exitCode() : -1;
    }

    qint64 pid() const { return m_pid; }
    void signal(int sig)
    {
        // Never kill(0): that would hit the test's own process group.
        if (m_pid > 0 && m_process.state() != QProcess::NotRunning)
            ::kill(pid_t(m_pid), sig);
    }
    QByteArray out() const { return m_out; }
    QByteArray err() const { return m_err; }
    qint64 elapsedMs() const { return m_elapsed; }

private:
    QProcess m_process;
    QElapsedTimer m_timer;
    QByteArray m_out;
    QByteArray m_err;
    qint64 m_elapsed = 0;
    qint64 m_pid = 0;
};

// A `baton-supervisor --worker` driven as the engine drives it: one message per attempt on a
// SEQPACKET socket (argv, "", environment; no descriptor), its report lines read back from the
// same socket.
class Worker
{
public:
    explicit Worker(const QString &diagnostics)
    {
        int sv[2];
        if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
            return;
        m_socket = sv[0];
        // A descriptor the engine leaked (not close-on-exec): the worker must close it.
        const int leaked = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
        const QByteArray log = diagnostics.toLocal8Bit();
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, sv[1], STDIN_FILENO);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, log.constData(),
                                         O_WRONLY | O_CREAT | O_APPEND, 0644);
        posix_spawn_file_actions_adddup2(&actions, leaked, 9);
        const QByteArray path = supervisorPath().toLocal8Bit();
        char *argv[]
            = { const_cast<char *>(path.constData()), const_cast<char *>("--worker"), nullptr };
        if (::posix_spawn(&m_pid, path.constData(), &actions, nullptr, argv, environ) != 0)
            m_pid = 0;
        posix_spawn_file_actions_destroy(&actions);
        ::close(leaked);
        ::close(sv[1]);
    }
    ~Worker()
    {
        closeSocket(); // EOF: an idle worker exits
        if (m_pid > 0 && wait(5000) == -1) {
            ::kill(m_pid, SIGKILL);
            ::waitpid(m_pid, nullptr, 0);
        }
    }

    pid_t pid() const { return m_pid; }
    QByteArray supervisorLine() const { return "supervisor " + QByteArray::number(m_pid) + '\n'; }

    static QByteArray message(const QStringList &argv, const QStringList &env)
    {
        QByteArray payload;
        for (const QString &arg : argv)
            payload += arg.toLocal8Bit() + '\0';
        payload += '\0';
        for (const QString &entry : env)
            payload += entry.toLocal8Bit() + '\0';
        return payload;
    }
    static QStringList argv(const Attempt &a, const QStringList &options,
                            const QStringList &program)
    {
        return QStringList { "baton-supervisor", "--state", a.state, "--log", a.log,
                             "--workdir",        a.workdir }
        + options + QStringList { "--" } + program;
    }

    bool sendRaw(const QByteArray &payload, const QList<int> &fds)
    {
        QByteArray data = payload;
        iovec iov { data.data(), size_t(data.size()) };
        alignas(cmsghdr) char control[CMSG_SPACE(4 * sizeof(int))] = {};
        msghdr msg {};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        if (!fds.isEmpty()) {
            msg.msg_control = control;
            msg.msg_controllen = CMSG_SPACE(fds.size() * sizeof(int));
            cmsghdr *c = CMSG_FIRSTHDR(&msg);
            c->cmsg_level = SOL_SOCKET;
            c->cmsg_type = SCM_RIGHTS;
            c->cmsg_len = CMSG_LEN(fds.size() * sizeof(int));
            memcpy(CMSG_DATA(c), fds.constData(), fds.size() * sizeof(int));
        }
        return ::sendmsg(m_socket, &msg, MSG_NOSIGNAL) == ssize_t(data.size());
    }
    // Sends one attempt, as the engine does: the request alone.
    bool start(const QStringList &argv, const QStringList &env = { "PATH=/usr/bin:/bin" })
    {
        return sendRaw(message(argv, env), {});
    }
    // The worker's next message. False on timeout; *eof set (and false) once it closed its end.
    bool receive(QByteArray *message, bool *eof, int timeoutMs)
    {
        QElapsedTimer t;
        t.start();
        *eof = false;
        while (m_socket >= 0 && t.elapsed() <= timeoutMs) {
            pollfd p { m_socket, POLLIN, 0 };
            if (::poll(&p, 1, int(std::min<qint64>(100, timeoutMs - t.elapsed() + 1))) <= 0)
                continue;
            char buffer[65536];
            const ssize_t n = ::recv(m_socket, buffer, sizeof buffer, MSG_DONTWAIT);
            if (n < 0 && (errno == EINTR || errno == EAGAIN))
                continue;
            if (n <= 0) { // a worker never sends an empty message
                *eof = true;
                return false;
            }
            *message = QByteArray(buffer, n);
            return true;
        }
        return false;
    }
    // True when the worker says nothing for @p ms (an attempt says nothing after its end).
    bool quiet(int ms)
    {
        QByteArray message;
        bool eof = false;
        return !receive(&message, &eof, ms) && !eof;
    }
    void closeSocket()
    {
        if (m_socket >= 0)
            ::close(m_socket);
        m_socket = -1;
    }
    // The worker's exit status, 1000 + signal if killed, -1 if still running after the timeout.
    int wait(int timeoutMs = WaitMs)
    {
        QElapsedTimer t;
        t.start();
        while (m_pid > 0) {
            int status = 0;
            const pid_t reaped = ::waitpid(m_pid, &status, WNOHANG);
            if (reaped == m_pid) {
                m_pid = 0;
                return WIFEXITED(status) ? WEXITSTATUS(status) : 1000 + WTERMSIG(status);
            }
            if (reaped < 0 || t.elapsed() > timeoutMs)
                return -1;
            QTest::qWait(10);
        }
        return -1;
    }
    // What the worker holds: descriptor numbers and what they point at.
    QStringList descriptors() const
    {
        const QString dir = QStringLiteral("/proc/%1/fd").arg(m_pid);
        QStringList result;
        for (const QString &fd : entries(dir)) {
            char target[4096];
            const ssize_t n = ::readlink(qPrintable(dir + '/' + fd), target, sizeof target - 1);
            QByteArray what(target, n > 0 ? n : 0);
            if (what.startsWith("socket:"))
                what = "socket"; // without its inode number
            result.append(fd + '=' + QString::fromLocal8Bit(what));
        }
        return result;
    }
    // What it holds between attempts: /dev/null on 0 and 1, its diagnostics, its signalfd and the
    // control socket (the leaked fd 9 closed at start).
    static QStringList idleDescriptors(const QString &diagnostics)
    {
        return { "0=/dev/null", "1=/dev/null", "2=" + diagnostics, "3=anon_inode:[signalfd]",
                 "4=socket" };
    }

private:
    int m_socket = -1;
    pid_t m_pid = 0;
};

// What a worker says about one attempt, read as the engine reads it: message by message, up to
// the line that ends the attempt ("exit ..." or "done").
class Report
{
public:
    explicit Report(Worker &worker)
        : m_worker(worker)
    { }

    // Reads until @p text appears, EOF or the timeout; true when the text came.
    bool readUntil(const QByteArray &text, int timeoutMs = WaitMs)
    {
        read([&] { return data().contains(text); }, timeoutMs);
        return data().contains(text);
    }
    // Reads up to the attempt's last line; false on timeout, EOF before it, or a message that is
    // not made of whole lines.
    bool readToEnd(int timeoutMs = WaitMs)
    {
        read([this] { return ended(); }, timeoutMs);
        for (const QByteArray &m : std::as_const(m_messages)) {
            if (!m.endsWith('\n'))
                return false;
        }
        return ended();
    }
    // Reads until the worker closes its end; false on timeout.
    bool readToEof(int timeoutMs = WaitMs)
    {
        read([] { return false; }, timeoutMs);
        return m_eof;
    }
    QByteArray data() const { return m_messages.join(); }
    QList<QByteArray> messages() const { return m_messages; }
    bool eof() const { return m_eof; }

private:
    bool ended() const
    {
        if (m_messages.isEmpty())
            return false;
        const QByteArray &last = m_messages.last();
        const qsizetype start = last.lastIndexOf('\n', last.size() - 2) + 1;
        const QByteArray line = last.mid(start);
        return line == "done\n" || line.startsWith("exit ");
    }
    void read(const std::function<bool()> &done, int timeoutMs)
    {
        QElapsedTimer t;
        t.start();
        while (!m_eof && !done() && t.elapsed() < timeoutMs) {
            QByteArray message;
            if (m_worker.receive(&message, &m_eof, 100))
                m_messages.append(message);
        }
    }

    Worker &m_worker;
    QList<QByteArray> m_messages;
    bool m_eof = false;
};

// Whether someone holds the state file's lock (the engine's liveness probe).
bool locked(const QString &path)
{
    const int fd = ::open(qPrintable(path), O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool taken = ::flock(fd, LOCK_EX | LOCK_NB) != 0;
    ::close(fd);
    return taken;
}

} // namespace

class TestSupervisor : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_tmp;
    int m_attempts = 0;
    int m_workers = 0;

    // Fresh, empty directories for the attempt's files and for its job.
    Attempt attempt()
    {
        ++m_attempts;
        Attempt a;
        a.dir = m_tmp.filePath(QStringLiteral("attempt-%1").arg(m_attempts));
        a.workdir = m_tmp.filePath(QStringLiteral("work-%1").arg(m_attempts));
        QDir().mkpath(a.dir);
        QDir().mkpath(a.workdir);
        a.state = a.dir + QStringLiteral("/state");
        a.log = a.dir + QStringLiteral("/log");
        return a;
    }
    // A path outside every attempt: a job touching it proves that it ran.
    QString marker() { return m_tmp.filePath(QStringLiteral("ran-%1").arg(m_attempts)); }
    // Where a worker's stderr goes (the engine's diagnostics log).
    QString diagnostics()
    {
        return m_tmp.filePath(QStringLiteral("worker-%1.err").arg(++m_workers));
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        QVERIFY2(QFileInfo(supervisorPath()).isExecutable(), qPrintable(supervisorPath()));
    }

    void badUsage_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("message"); // what stderr says after "baton-supervisor: "
        const QString s = QStringLiteral("--state=DIR/state");
        const QString l = QStringLiteral("--log=DIR/log");
        const QString w = QStringLiteral("--workdir=/tmp");
        QTest::newRow("nothing") << QStringList() << QByteArray("--state is required");
        QTest::newRow("no --state")
            << QStringList { l, w, "--", "true" } << QByteArray("--state is required");
        QTest::newRow("no --log") << QStringList { s, w, "--", "true" }
                                  << QByteArray("--log is required");
        QTest::newRow("no --workdir")
            << QStringList { s, l, "--", "true" } << QByteArray("--workdir is required");
        QTest::newRow("empty --state")
            << QStringList { "--state=", l, w, "--", "true" } << QByteArray("--state is required");
        QTest::newRow("no command") << QStringList { s, l, w, "--" }
                                    << QByteArray("the command to run is missing after '--'");
        QTest::newRow("no --") << QStringList { s, l, w, "true" }
                               << QByteArray("unknown argument 'true'");
        QTest::newRow("unknown option") << QStringList { s, l, w, "--frob", "1", "--", "true" }
                                        << QByteArray("unknown argument '--frob'");
        QTest::newRow("--dir is gone") << QStringList { "--dir", "DIR", l, w, "--", "true" }
                                       << QByteArray("unknown argument '--dir'");
        QTest::newRow("flag with a value") << QStringList { s, l, w, "--durable=1", "--", "true" }
                                           << QByteArray("unknown argument '--durable=1'");
        QTest::newRow("missing value")
            << QStringList { s, l, w, "--timeout" } << QByteArray("--timeout expects a value");
        QTest::newRow("missing value, last")
            << QStringList { l, w, "--state" } << QByteArray("--state expects a value");
        // "--name=VALUE" refused: a number of seconds (>= 0, at most 1e9) or of bytes expected.
        const auto badNumber
            = [&](const char *row, const QString &name, const QString &value) {
                  const QString unit = name == QLatin1String("--log-cap")
                      ? QStringLiteral("a number of bytes")
                      : QStringLiteral("a number of seconds >= 0");
                  QTest::newRow(row)
                      << QStringList { s, l, w, name + u'=' + value, "--", "true" }
                      << QStringLiteral("%1 expects %2, got '%3'").arg(name, unit, value).toUtf8();
              };
        QTest::newRow("bad timeout")
            << QStringList { s, l, w, "--timeout", "soon", "--", "true" }
            << QByteArray("--timeout expects a number of seconds >= 0, got 'soon'");
        badNumber("timeout with a unit", "--timeout", "5s");
        badNumber("infinite timeout", "--timeout", "inf");
        badNumber("timeout nan", "--timeout", "nan");
        badNumber("timeout too large", "--timeout", "1e10");
        badNumber("negative grace", "--grace", "-1");
        badNumber("empty grace", "--grace", "");
        QTest::newRow("bad log cap")
            << QStringList { s, l, w, "--log-cap", "1MB", "--", "true" }
            << QByteArray("--log-cap expects a number of bytes, got '1MB'");
        badNumber("negative log cap", "--log-cap", "-1");
        badNumber("log cap overflow", "--log-cap", "99999999999999999999");
        QTest::newRow("no such dir")
            << QStringList { "--state", "DIR/missing/state", l, w, "--", "true" }
            << QByteArray("state file '");
    }
    void badUsage()
    {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, message);
        const Attempt a = attempt();
        args.replaceInStrings(QStringLiteral("DIR"), a.dir);
        QProcess p;
        p.start(supervisorPath(), args);
        QVERIFY(p.waitForFinished(WaitMs));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 2);
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(err.startsWith("baton-supervisor: " + message), err.constData());
        QVERIFY(p.readAllStandardOutput().isEmpty());
        QCOMPARE(entries(a.dir), QStringList()); // neither state nor log
    }

    void usageNamesTheOptions()
    {
        QProcess p;
        p.start(supervisorPath(), { "--workdir=/tmp", "--", "true" });
        QVERIFY(p.waitForFinished(WaitMs));
        QCOMPARE(p.exitCode(), 2);
        const QByteArray err = p.readAllStandardError();
        QVERIFY2(err.contains("--state is required"), err.constData());
        QVERIFY2(err.contains("usage: baton-supervisor --state STATE_FILE --log LOG_FILE"),
                 err.constData());
    }

    void exitCodes_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<int>("signal");
        QTest::newRow("success") << "true" << 0 << 0;
        QTest::newRow("failure") << "exit 3" << 3 << 0;
        QTest::newRow("255") << "exit 255" << 255 << 0;
        QTest::newRow("killed") << "kill -KILL $$" << 137 << 9;
    }
    void exitCodes()
    {
        QFETCH(QString, command);
        QFETCH(int, exitCode);
        QFETCH(int, signal);
        const Attempt a = attempt();
        Supervisor s(a, {}, sh(command));
        QCOMPARE(s.wait(), 0);
        const auto state = keyValues(a.state);
        QCOMPARE(state.value("exit_code"), QString::number(exitCode));
        QCOMPARE(state.value("signal"), QString::number(signal));
        QCOMPARE(state.value("reason"), QStringLiteral("completed"));
        QCOMPARE(state.value("truncated"), QStringLiteral("0"));
        QCOMPARE(state.value("end"), QStringLiteral("1"));
        const int pgid = state.value("pgid").toInt();
        QVERIFY(pgid > 0);
        QCOMPARE(s.out(), expectedStartedLine(state, s.out()) + expectedExitLine(state));
        // None of these jobs prints: no log file (it is created by its first record).
        QCOMPARE(state.value("log_bytes"), QStringLiteral("0"));
        QVERIFY(!state.contains("log_error"));
        QCOMPARE(entries(a.dir), QStringList { "state" });
    }

    // An attempt that writes nothing leaves no log, whatever its options; one that writes has its
    // log created where it was asked for, also in a directory other than the state file's.
    void logOnlyWithOutput_data()
    {
        QTest::addColumn<QStringList>("options");
        QTest::addColumn<QString>("command");
        QTest::addColumn<bool>("otherDir"); // the log outside the state file's directory
        QTest::addColumn<QList<QByteArray>>("output");
        QTest::newRow("true") << QStringList() << "true" << false << QList<QByteArray>();
        QTest::newRow("durable, capped") << QStringList { "--durable", "--log-cap", "100" }
                                         << "true" << false << QList<QByteArray>();
        QTest::newRow("output to /dev/null")
            << QStringList() << "echo hidden >/dev/null; echo hidden 2>/dev/null >&2" << false
            << QList<QByteArray>();
        QTest::newRow("other dir, silent")
            << QStringList() << "true" << true << QList<QByteArray>();
        QTest::newRow("other dir, prints")
            << QStringList() << "echo here" << true << QList<QByteArray> { "here" };
        QTest::newRow("prints late")
            << QStringList() << "sleep 0.3; printf late" << false << QList<QByteArray> { "late" };
    }
    void logOnlyWithOutput()
    {
        QFETCH(QStringList, options);
        QFETCH(QString, command);
        QFETCH(bool, otherDir);
        QFETCH(QList<QByteArray>, output);
        Attempt a = attempt();
        const QString logDir = a.dir + QStringLiteral("-logs");
        if (otherDir) {
            QVERIFY(QDir().mkpath(logDir));
            a.log = logDir + QStringLiteral("/log");
        }
        Supervisor s(a, options, sh(command));
        QCOMPARE(s.wait(), 0);
        const auto state = keyValues(a.state);
        QCOMPARE(state.value("reason"), QStringLiteral("completed"));
        QCOMPARE(state.value("exit_code"), QStringLiteral("0"));
        QCOMPARE(state.value("truncated"), QStringLiteral("0"));
        QVERIFY(!state.contains("log_error"));
        QVERIFY(s.out().endsWith(expectedExitLine(state)));
        QCOMPARE(s.err(), QByteArray());
        QCOMPARE(QFile::exists(a.log), !output.isEmpty());
        QCOMPARE(state.value("log_bytes").toLongLong(), QFileInfo(a.log).size()); // 0: none
        QCOMPARE(texts(parseLog(readFile(a.log)), 'O'), output);
        const bool logHere = !otherDir && !output.isEmpty();
        QCOMPARE(entries(a.dir), logHere ? QStringList({ "log", "state" }) : QStringList("state"));
        if (otherDir)
            QCOMPARE(entries(logDir), output.isEmpty() ? QStringList() : QStringList("log"));
    }

    // The log can no longer be created when the first record comes (here the job removes its
    // directory first): the job is not punished for it, it runs to its end and its status is
    // recorded; its output is dropped, and why is said on stderr and in the state file.
    void logCannotBeCreatedLater()
    {
        Attempt a = attempt();
        const QString logDir = a.dir + QStringLiteral("-logs");
        QVERIFY(QDir().mkpath(logDir));
        a.log = logDir + QStringLiteral("/log");
        const QString ran = marker();
        Supervisor s(a, {},
                     sh(QStringLiteral("rmdir '%1' && echo lost && echo lost too >&2 && sleep 0.2"
                                       " && echo end > '%2'; exit 3")
                            .arg(logDir, ran)));
        QCOMPARE(s.wait(), 0);
        QCOMPARE(readFile(ran), QByteArray("end\n")); // the job went on after its first line
        const auto state = keyValues(a.state);
        QCOMPARE(state.value("reason"), QStringLiteral("completed"));
        QCOMPARE(state.value("exit_code"), QStringLiteral("3"));
        QCOMPARE(state.value("truncated"), QStringLiteral("1"));
        QCOMPARE(state.value("log_bytes"), QStringLiteral("0"));
        const QString why
            = QStringLiteral("cannot create log file '%1': No such file or directory").arg(a.log);
        QCOMPARE(state.value("log_error"), why);
        QCOMPARE(readFile(a.state).count("log_error="), 1); // said once
        QVERIFY(readFile(a.state).endsWith("\nend=1\n"));
        QVERIFY2(s.err().contains(why.toUtf8() + "; the job goes on, its output is discarded"),
                 s.err().constData());
        QVERIFY(s.out().endsWith(expectedExitLine(state)));
        QVERIFY(!QFileInfo::exists(logDir));
        QCOMPARE(entries(a.dir), QStringList { "state" });
    }

    // An ignored SIGCHLD is inherited through exec and would make the kernel reap the job before
    // the supervisor can read its exit status.
    void inheritedIgnoredSigchld()
    {
        const Attempt a = attempt();
        QProcess p;
        p.setChildProcessModifier([] { ::signal(SIGCHLD, SIG_IGN); });
        p.start(supervisorPath(),
                QStringList { "--state", a.state, "--log", a.log, "--workdir", a.workdir, "--" }
                    + sh("exit 7"));
        QVERIFY(p.waitForFinished(WaitMs));
        QCOMPARE(p.exitCode(), 0);
        QCOMPARE(keyValues(a.state).value("exit_code"), QStringLiteral("7"));
    }

    void stateFile()
    {
        const Attempt a = attempt();
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        // The job reports its pid, and its parent, group and session ("pid (comm) state ppid
        // pgrp session ...").
        Supervisor s(a, {}, sh("echo $$; cat /proc/$$/stat"));
        const int startedPgid = s.waitStarted();
        const qint64 supervisorPid = s.pid();
        QCOMPARE(s.wait(), 0);
        const qint64 after = QDateTime::currentMSecsSinceEpoch();

        // One file, appended to in three steps; end=1 closes the record.
        const QByteArray content = readFile(a.state);
        const QRegularExpression format(QStringLiteral(
            "^supervisor_pid=(\\d+)\\nstarted_at=(\\d+)\\npgid=(\\d+)\\nexit_code=0\\nsignal=0\\n"
            "reason=completed\\nfinished_at=(\\d+)\\nfinished_at_us=(\\d+)\\nlog_bytes=(\\d+)\\n"
            "truncated=0\\nend=1\\n$"));
        const auto m = format.match(QString::fromUtf8(content));
        QVERIFY2(m.hasMatch(), content.constData());
        QVERIFY(content.endsWith("\nend=1\n"));
        QCOMPARE(m.captured(1).toLongLong(), supervisorPid);
        const int pgid = m.captured(3).toInt();
        QCOMPARE(pgid, startedPgid);
        const qint64 startedAt = m.captured(2).toLongLong();
        QVERIFY(startedAt >= before && startedAt <= after);
        const qint64 finishedAt = m.captured(4).toLongLong();
        QVERIFY(finishedAt >= startedAt && finishedAt <= after);
        QCOMPARE(m.captured(5).toLongLong() / 1000, finishedAt); // the same moment, in µs
        QCOMPARE(m.captured(6).toLongLong(), QFileInfo(a.log).size());

        // The main child (sh) leads its own group: its $$ is the pgid. Its parent is the
        // supervisor, whose session it is in: the engine can reach it by either.
        const QList<QByteArray> out = texts(parseLog(readFile(a.log)), 'O');
        QCOMPARE(out.size(), 2);
        QCOMPARE(out[0], QByteArray::number(pgid));
        const QList<QByteArray> stat = out[1].mid(out[1].lastIndexOf(')') + 2).split(' ');
        QVERIFY(stat.size() > 3);
        QCOMPARE(stat[1].toLongLong(), supervisorPid); // ppid
        QCOMPARE(stat[2].toInt(), pgid); // pgrp
        QCOMPARE(stat[3].toLongLong(), supervisorPid); // session

        // The engine reads the same values from stdout.
        QCOMPARE(s.out(),
                 expectedStartedLine(keyValues(a.state), s.out())
                     + expectedExitLine(keyValues(a.state)));
        // Two files, nothing else (no lock, no temporary); the job wrote nothing in its workdir.
        QCOMPARE(entries(a.dir), (QStringList { "log", "state" }));
        QCOMPARE(entries(a.workdir), QStringList());
    }

    // The job finds its record started (the engine may look at it at any time), and the lock
    // taken by the supervisor, not by itself.
    void stateWrittenBeforeTheJob()
    {
        const Attempt a = attempt();
        Supervisor s(
            a, {}, sh(QStringLiteral("cat '%1'; flock -n '%1' true; echo flock=$?").arg(a.state)));
        QCOMPARE(s.wait(), 0);
        const QList<QByteArray> out = texts(parseLog(readFile(a.log)), 'O');
        QVERIFY(out.size() >= 3);
        QCOMPARE(out[0], "supervisor_pid=" + QByteArray::number(s.pid()));
        QVERIFY(out[1].startsWith("started_at="));
        QCOMPARE(out.last(), QByteArray("flock=1"));
        QCOMPARE(keyValues(a.state).value("started_at").toUtf8(), out[1].mid(11));
    }

    void durable()
    {
        const Attempt a = attempt();
        Supervisor s(a, { "--durable" }, sh("echo synced"));
        QCOMPARE(s.wait(), 0);
        const auto state = keyValues(a.state);
        QCOMPARE(state.value("reason"), QStringLiteral("completed"));
        QCOMPARE(state.value("log_bytes").toLongLong(), QFileInfo(a.log).size());
        QVERIFY(readFile(a.state).endsWith("\nend=1\n"));
        QCOMPARE(texts(parseLog(readFile(a.log)), 'O'), QList<QByteArray> { "synced" });
        QVERIFY(s.out().endsWith(expectedExitLine(state)));
    }

    void logRecords()
    {
        const Attempt a = attempt();
        const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-1);
        Supervisor s(a, {},
                     sh("echo out1; echo err1 >&2; echo out2; printf 'cr\\r\\n'; "
                        "echo err2 >&2; echo; printf 'no newline'"));
        QCOMPARE(s.wait(), 0);
        const QDateTime after = QDateTime::currentDateTimeUtc().addSecs(1);
        const QList<Record> records = parseLog(readFile(a.log));
        QCOMPARE(records.size(), 7);
        QDateTime previous = before;
        for (const Record &r : records) {
            QVERIFY(r.time.isValid());
            QCOMPARE(r.time.timeSpec(), Qt::UTC);
            QVERIFY(r.time >= previous && r.time <= after);
            previous = r.time;
        }
        QCOMPARE(texts(records, 'O'),
                 (QList<QByteArray> { "out1", "out2", "cr\r", "", "no newline" }));
        QCOMPARE(texts(records, 'E'), (QList<QByteArray> { "err1", "err2" }));
        // Only the last stdout record lacked its newline.
        QByteArray outFlags, errFlags;
        for (const Record &r : records)
            (r.stream == 'O' ? outFlags : errFlags) += r.flag;
        QCOMPARE(outFlags, QByteArray("    +"));
        QCOMPARE(errFlags, QByteArray("  "));
    }

    void binaryOutput()
    {
        const Attempt a = attempt();
        QByteArray bytes;
        for (int round = 0; round < 3; ++round) {
            for (int i = 0; i < 256; ++i)
                bytes += char(i);
        }
        bytes += QByteArray("\0\0end", 5); // no trailing newline
        const QString data = m_tmp.filePath(QStringLiteral("bytes.bin"));
        writeFile(data, bytes);
        Supervisor s(a, {}, sh(QStringLiteral("cat '%1'; cat '%1' >&2").arg(data)));
        QCOMPARE(s.wait(), 0);
        const QList<Record> records = parseLog(readFile(a.log));
        for (const Record &r : records)
            QVERIFY(r.time.isValid());
        QCOMPARE(reassemble(records, 'O'), bytes);
        QCOMPARE(reassemble(records, 'E'), bytes);
        QCOMPARE(records.last().flag, '+');
    }

    void longLine()
    {
        const Attempt a = attempt();
        Supervisor s(a, {}, sh("head -c 200000 /dev/zero | tr '\\0' y; echo; echo after"));
        QCOMPARE(s.wait(), 0);
        const QList<Record> records = parseLog(readFile(a.log));
        QCOMPARE(records.size(), 5); // 3 pieces of 64 KiB, the rest, "after"
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(records[i].flag, '+');
            QCOMPARE(records[i].text.size(), 65536);
        }
        QCOMPARE(records[3].flag, ' ');
        QCOMPARE(reassemble(records, 'O'), QByteArray(200000, 'y') + "\nafter\n");
    }

    void missingCommand()
    {
        const Attempt a = attempt();
        Supervisor s(a, {}, sh("no-such-command-4711"));
        QCOMPARE(s.wait(), 0);
        const auto state = keyValues(a.state);
        QCOMPARE(state.value("exit_code"), QStringLiteral("127"));
        QCOMPARE(state.value("reason"), QStringLiteral("completed")); // sh ran: it said 127
        QVERIFY(state.contains("pgid"));
        const QList<Record> records = parseLog(readFile(a.log));
        QCOMPARE(records.size(), 1);
        QCOMPARE(records[0].stream, 'E');
        QCOMPARE(records[0].flag, ' ');
        QVERIFY(records[0].text.contains("no-such-command-4711"));
        QVERIFY(records[0].text.contains("not found"));
        QVERIFY(s.out().endsWith(expectedExitLine(state)));
        QVERIFY(s.out().contains(" 127 completed "));
    }

    // The program itself cannot be started: it never ran, unlike a shell reporting 127. The
    // supervisor still writes the exit record, and says in the log what failed.
    void makeWorkdir()
    {
        // Missing: created (empty), and the job runs in it.
        Attempt a = attempt();
        QVERIFY(QDir(a.workdir).removeRecursively());
        Supervisor s(a, { QStringLiteral("--make-workdir") }, sh(QStringLiteral("pwd; ls -A")));
        QCOMPARE(s.wait(), 0);
        QCOMPARE(keyValues(a.state).value("reason"), QStringLiteral("completed"));
        QCOMPARE(texts(parseLog(readFile(a.log)), 'O'),
                 QList<QByteArray> { QDir(a.workdir).canonicalPath().toUtf8() });
        QVERIFY(QFileInfo(a.workdir).isDir());

        // Already there: used as it is, its files kept.
        Attempt b = attempt();
        writeFile(b.workdir + QStringLiteral("/input"), "x");
        Supervisor t(b, { QStringLiteral("--make-workdir") }, sh(QStringLiteral("ls")));
        QCOMPARE(t.wait(), 0);
        QCOMPARE(texts(parseLog(readFile(b.log)), 'O'), QList<QByteArray> { "input" });

        // Its parent missing: not created (only WORKDIR itself is), nothing runs.
        Attempt c = attempt();
        c.workdir = m_tmp.filePath(QStringLiteral("no-such-parent/work"));
        const QString ran = marker();
        Supervisor u(c, { QStringLiteral("--make-workdir") },
                     sh(QStringLiteral("touch '%1'").arg(ran)));
        QCOMPARE(u.wait(), 0);
        const auto state = keyValues(c.state);
        QCOMPARE(state.value("reason"), QStringLiteral("spawn_failed"));
        QCOMPARE(state.value("exit_code"), QStringLiteral("127"));
        QVERIFY(!QFile::exists(ran));
        QVERIFY(!QFileInfo::exists(m_tmp.filePath(QStringLiteral("no-such-parent"))));
        QCOMPARE(texts(parseLog(readFile(c.log)), 'E').value(0),
                 QByteArray("[baton: cannot change to working directory ") + c.workdir.toUtf8()
                     + ": No such file or directory]");
    }

    void spawnFailed_data()
    {
        QTest::addColumn<QStringList>("program");
        QTest::addColumn<QString>("workdir"); // "" = the attempt's own
        QTest::addColumn<QString>("message");
        QTest::newRow("no such program")
            << QStringList { "/nonexistent/prog", "arg" } << ""
            << "cannot run /nonexistent/prog: No such file or directory";
        QTest::newRow("not on the PATH") << QStringList { "no-such-command-4711" } << ""
                                         << "cannot run no-such-command-4711: No such file or "
                                            "directory";
        QTest::newRow("not executable") << QStringList { "TMP/plain-file" } << ""
                                        << "cannot run TMP/plain-file: Permission denied";
        QTest::newRow("no such workdir")
            << sh("touch MARKER") << "TMP/missing/workdir"
            << "cannot change to working directory TMP/missing/workdir: No such file or directory";
        QTest::newRow("workdir is a file")
            << sh("touch MARKER") << "TMP/plain-file"
            << "cannot change to working directory TMP/plain-file: Not a directory";
    }
    void spawnFailed()
    {
        QFETCH(QStringList, program);
        QFETCH(QString, workdir);
        QFETCH(QString, message);
        Attempt a = attempt();
        const QString ran = marker();
        writeFile(m_tmp.filePath(QStringLiteral("plain-file")), "neither program nor directory");
        program.replaceInStrings(QStringLiteral("MARKER"), ran);
        program.replaceInStrings(QStringLiteral("TMP"), m_tmp.path());
        message.replace(QStringLiteral("TMP"), m_tmp.path());
        if (!workdir.isEmpty())
            a.workdir = workdir.replace(QStringLiteral("TMP"), m_tmp.path());
        Supervisor s(a, {}, program);
        QCOMPARE(s.wait(), 0);
        const auto state = keyValues(a.state);
        QCOMPARE(state.value("supervisor_pid").toLongLong(), s.pid());
        QVERIFY(!state.contains("pgid")); // no job, no group
        QCOMPARE(state.value("exit_code"), QStringLiteral("127"));
        QCOMPARE(state.value("signal"), QStringLiteral("0"));
        QCOMPARE(state.value("reason"), QStringLiteral("spawn_failed"));
        QVERIFY(readFile(a.state).endsWith("\nend=1\n"));
        const QList<Record> records = parseLog(readFile(a.log));
        QCOMPARE(records.size(), 1);
        QCOMPARE(records[0].stream, 'E');
        QCOMPARE(records[0].flag, '!');
        QCOMPARE(QString::fromUtf8(records[0].text), "[baton: " + message + "]");
        QCOMPARE(state.value("log_bytes").toLongLong(), QFileInfo(a.log).size());
        QCOMPARE(s.out(), expectedExitLine(state)); // no "started" line
        QVERIFY(!QFile::exists(ran));
        // The supervisor's note alone creates the log: no job ever wrote to it.
        QCOMPARE(entries(a.dir), (QStringList { "log", "state" }));
    }

    // The job starts as a fresh process: no descriptor but 0, 1 and 2 (even one the supervisor's
    // own parent leaked to it), stdin from /dev/null, no signal ignored or blocked (even those its
    // parent ignored or blocked, or that the supervisor itself blocks or ignores). Each program
    // is the job itself, not a shell's child (a shell may reset some of it).
    void cleanJobProcess_data()
    {
        QTest::addColumn<QStringList>("program");
        QTest::addColumn<QList<QByteArray>>("expected");
        // ls's own descriptor for /proc/self/fd is the 3.
        QTest::newRow("descriptors")
            << QStringList { "ls", "/proc/self/fd" } << QList<QByteArray> { "0", "1", "2", "3" };
        QTest::newRow("stdin") << QStringList { "readlink", "/proc/self/fd/0" }
                               << QList<QByteArray> { "/dev/null" };
        QTest::newRow("signals") << QStringList {
            "grep", "-E", "^Sig(Ign|Blk):", "/proc/self/status"
        } << QList<QByteArray> { "SigBlk:\t0000000000000000", "SigIgn:\t0000000000000000" };
    }
    void cleanJobProcess()
    {
        QFETCH(QStringList, program);
        QFETCH(QList<QByteArray>, expected);
        const Attempt a = attempt();
        Supervisor s(a, {}, program, QProcessEnvironment::systemEnvironment(), {}, [] {
            const int fd = ::open("/dev/null", O_RDONLY); // no O_CLOEXEC
            ::dup2(fd, 9);
            ::signal(SIGPIPE, SIG_IGN);
            ::signal(SIGINT, SIG_IGN);
            ::signal(SIGUSR1, SIG_IGN);
            sigset_t blocked;
            sigemptyset(&blocked);
            sigaddset(&blocked, SIGUSR2);
            sigaddset(&blocked, SIGTERM);
            ::sigprocmask(SIG_BLOCK, &blocked, nullptr);
        });
        QCOMPARE(s.wait(), 0);
        QCOMPARE(keyValues(a.state).value("exit_code"), QStringLiteral("0"));
        QCOMPARE(texts(parseLog(readFile(a.log)), 'O'), expected);
    }

    void timeout_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<int>("signal");
        QTest::addColumn<int>("minMs");
        QTest::newRow("stops on SIGTERM") << "sleep 100" << 15 << 900;
        // An ignored signal is inherited: sleep ignores SIGTERM too.
        QTest::newRow("ignores SIGTERM") << "trap '' TERM; sleep 100" << 9 << 1900;
    }
    void timeout()
    {
        QFETCH(QString, command);
        QFETCH(int, signal);
        QFETCH(int, minMs);
        const Attempt a = attempt();
        Supervisor s(a, { "--timeout", "1", "--grace", "1" }, sh(command));
        const int pgid = s.waitStarted();
        QVERIFY(pgid > 0);
        QCOMPARE(s.wait(), 0);
        // Not before the timeout (and grace); well before the job's 100 s.
        QVERIFY2(s.elapsedMs() >= minMs && s.elapsedMs() < 50000,
                 qPrintable(QString::number(s.elapsedMs())));
        const auto state = keyValues(a.state);
        QCOMPARE(state.value("reason"), QStringLiteral("timed_out"));
        QCOMPARE(state.value("signal"), QString::number(signal));
        QCOMPARE(state.value("exit_code"), QString::number(128 + signal));
        const QByteArray log = readFile(a.log);
        QVERIFY(
            log.contains(" E ! [baton: timeout after 1s: sent SIGTERM to the process group]\n"));
        QCOMPARE(log.contains("sent SIGKILL to the process group"), signal == 9);
        QVERIFY(groupGone(pgid));
        QVERIFY(s.out().endsWith(expectedExitLine(state)));
        QVERIFY(s.out().contains(
            QStringLiteral(" %1 timed_out %2 ").arg(128 + signal).arg(signal).toUtf8()));
    }

    void cancel_data()
    {
        QTest::addColumn<int>("signal");
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("ignoredByParent");
        QTest::newRow("SIGTERM") << int(SIGTERM) << "SIGTERM" << false;
        QTest::newRow("SIGINT") << int(SIGINT) << "SIGINT" << false;
        QTest::newRow("SIGHUP") << int(SIGHUP) << "SIGHUP" << false;
        // A shell's background job starts with SIGINT ignored; an ignored disposition survives
        // exec.
        QTest::newRow("SIGINT, ignored by the parent") << int(SIGINT) << "SIGINT" << true;
        QTest::newRow("SIGTERM, ignored by the parent") << int(SIGTERM) << "SIGTERM" << true;
    }
    void cancel()
    {
        QFETCH(int, signal);
        QFETCH(QString, name);
        QFETCH(bool, ignoredByParent);
        const Attempt a = attempt();
        const QStringList launcher
            = ignoredByParent ? sh("trap '' INT TERM HUP; exec \"$0\" \"$@\"") : QStringList();
        // A group of several processes: the shell, a background sleep, a foreground sleep. The
        // grace period is long: the job must end on SIGTERM, not on the SIGKILL after it.
        Supervisor s(a, { "--grace", "100" }, sh("sleep 100 & sleep 100"),
                     QProcessEnvironment::systemEnvironment(), launcher);
        const int pgid = s.waitStarted();
        QVERIFY(pgid > 0);
        s.signal(signal);
        QCOMPARE(s.wait(), 0);
        QVERIFY2(s.elapsedMs() < 50000, qPrintable(QString::number(s.elapsedMs())));
        const auto state = keyValues(a.state);
        QCOMPARE(state.value("reason"), QStringLiteral("cancelled"));
        QCOMPARE(state.value("exit_code"), QStringLiteral("143"));
        QCOMPARE(state.value("signal"), QStringLiteral("15"));
        const QByteArray log = readFile(a.log);
        QVERIFY(log.contains(
            QStringLiteral("[baton: cancelled by %1: sent SIGTERM to the process group]")
                .arg(name)
                .toUtf8()));
        QVERIFY(!log.contains("SIGKILL"));
        QVERIFY(groupGone(pgid));
        QVERIFY(s.out().endsWith(expectedExitLine(state)));
    }

    // A second request does not wait for the grace period.
    void cancelTwice()
    {
        const Attempt a = attempt();
        Supervisor s(a, { "--grace", "100" }, sh("trap '' TERM; echo ready; sleep 100"));
        const int pgid = s.waitStarted();
        QVERIFY(pgid > 0);
        QTRY_VERIFY_WITH_TIMEOUT(readFile(a.log).contains(" O   ready\n"), WaitMs);
        s.signal(SIGTERM);
        QTRY_VERIFY_WITH_TIMEOUT(readFile(a.log).contains("cancelled by SIGTERM"), WaitMs);
        s.signal(SIGTERM);
        QCOMPARE(s.wait(), 0);
        QVERIFY(s.elapsedMs() < 50000); // the job sleeps 100 s, the grace is 100 s
        const auto state = keyValues(a.state);
        QCOMPARE(state.value("reason"), QStringLiteral("cancelled"));
        QCOMPARE(state.value("signal"), QStringLiteral("9"));
        QVERIFY(readFile(a.log).contains("SIGTERM received again: sent SIGKILL"));
        QVERIFY(groupGone(pgid));
    }

    // Whatever the job leaves behind when it exits is terminated, even outside its group.
    void leftovers_data()
    {
        QTest::addColumn<QString>("command");
        QTest::newRow("background child") << "sleep 300 & echo $! > bg.pid";
        QTest::newRow("background child in its own session")
            << "setsid sleep 300 & echo $! > bg.pid";
        QTest::newRow("own session, output closed, ignores SIGTERM")
            << "setsid sh -c 'trap \"\" TERM; exec sleep 300' >/dev/null 2>&1 &"
               " echo $! > bg.pid";
        QTest::newRow("orphaned while the job runs")
            << "(setsid sleep 300 & echo $! > bg.pid); sleep 0.2; echo done";
    }
    void leftovers()
    {
        QFETCH(QString, command);
        const Attempt a = attempt();
        Supervisor s(a, {}, sh(command)); // bg.pid: in the job's working directory
        const int pgid = s.waitStarted();
        QVERIFY(pgid > 0);
        QCOMPARE(s.wait(), 0);
        QVERIFY2(s.elapsedMs() < 100000, qPrintable(QString::number(s.elapsedMs())));
        const int leftover = readFile(a.workdir + QStringLiteral("/bg.pid")).trimmed().toInt();
        QVERIFY(leftover > 0);
        QVERIFY(processGone(leftover)); // killed, and reaped by the supervisor
        QVERIFY(groupGone(pgid));
        const auto state = keyValues(a.state);
        QCOMPARE(state.value("reason"), QStringLiteral("completed"));
        QCOMPARE(state.value("exit_code"), QStringLiteral("0"));
        QVERIFY(readFile(a.log).contains("the job exited but left processes running"));
        QCOMPARE(entries(a.workdir), QStringList { "bg.pid" });
        QCOMPARE(entries(a.dir), (QStringList { "log", "state" }));
    }

    void logCap()
    {
        const Attempt a = attempt();
        const qint64 cap = 1000000;
        // 100 MB without a newline, then 20 MB of short lines: the job must never block, and its
        // writes must all succeed (&&: a closed pipe would fail the job).
        Supervisor s(a, { "--log-cap", QString::number(cap) },
                     sh("head -c 100000000 /dev/zero | tr '\\0' x && yes | head -c 20000000 &&"
                        " sleep 0.3"));
        qint64 peakKiB = -1;
        const qint64 pid = s.pid();
        QCOMPARE(s.wait(WaitMs, [&] { peakKiB = std::max(peakKiB, vmHwmKiB(pid)); }), 0);
        QVERIFY2(peakKiB > 0 && peakKiB < 20 * 1024, qPrintable(QString::number(peakKiB)));
        const auto state = keyValues(a.state);
        QCOMPARE(state.value("reason"), QStringLiteral("completed"));
        QCOMPARE(state.value("exit_code"), QStringLiteral("0"));
        QCOMPARE(state.value("truncated"), QStringLiteral("1"));
        const qint64 size = QFileInfo(a.log).size();
        QCOMPARE(state.value("log_bytes").toLongLong(), size);
        QVERIFY2(size <= cap + 200 && size > cap - 70000, qPrintable(QString::number(size)));
        const QList<Record> records = parseLog(readFile(a.log));
        QCOMPARE(records.last().text,
                 QByteArray("[baton: log truncated at 1000000 bytes; further output discarded]"));
        QCOMPARE(records.last().flag, '!');
        QVERIFY(s.out().endsWith(expectedExitLine(state)));
        QVERIFY(
            s.out().endsWith(" 1 " + state.value("finished_at_us").toUtf8() + '\n')); // truncated
    }

    void environment()
    {
        const Attempt a = attempt();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("API_TOKEN", "s3cr3t-V@lue");
        env.insert("DB_CERT", "line-one-secret\nline-two-secret");
        env.insert("SHORT", "ab"); // too short to mask
        env.insert("PLAIN", "visible-value");
        env.insert("BATON_SUPERVISOR_SECRET_NAMES", "API_TOKEN,DB_CERT,SHORT,NOT_SET");
        env.insert("BATON_SUPERVISOR_OTHER", "private");
        Supervisor s(a, {},
                     sh("echo \"token=$API_TOKEN\"; echo \"twice:$API_TOKEN$API_TOKEN\" >&2;"
                        " printf '%s\\n' \"$DB_CERT\"; echo \"plain=$PLAIN short=$SHORT\";"
                        " echo \"sup=${BATON_SUPERVISOR_OTHER-unset}"
                        "/${BATON_SUPERVISOR_SECRET_NAMES-unset}\";"
                        " env | grep -c '^BATON_SUPERVISOR_';"
                        // A secret across the 64 KiB split of an over-long line.
                        " head -c 65530 /dev/zero | tr '\\0' a; echo \"$API_TOKEN\""),
                     env);
        QCOMPARE(s.wait(), 0);
        const QByteArray log = readFile(a.log);
        QVERIFY(!log.contains("s3cr3t"));
        QVERIFY(!log.contains("line-one-secret"));
        QVERIFY(!log.contains("line-two-secret"));
        const QList<Record> records = parseLog(log);
        QCOMPARE(texts(records, 'E'), QList<QByteArray> { "twice:******" });
        const QList<QByteArray> out = texts(records, 'O');
        QCOMPARE(out.mid(0, 6),
                 (QList<QByteArray> { "token=***", "***", "***", "plain=visible-value short=ab",
                                      "sup=unset/unset", "0" }));
        QCOMPARE(reassemble(records, 'O').right(65534), QByteArray(65530, 'a') + "***\n");
    }

    // The state file exists already, whatever it holds (and even while someone holds its lock):
    // the attempt was claimed, it must not run, and nothing of it is touched.
    void claimed_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<bool>("locked");
        QTest::addColumn<bool>("logExists");
        QTest::newRow("empty") << QByteArray() << false << false;
        QTest::newRow("empty, locked by the engine") << QByteArray() << true << false;
        QTest::newRow("abandoned by the engine")
            << QByteArray("abandoned=1700000000000\n") << false << false;
        QTest::newRow("already started")
            << QByteArray("supervisor_pid=1\nstarted_at=1700000000000\npgid=2\n") << false << true;
        QTest::newRow("already finished")
            << QByteArray("supervisor_pid=1\nstarted_at=1700000000000\npgid=2\nexit_code=0\n"
                          "signal=0\nreason=completed\nfinished_at=1700000000001\nlog_bytes=4\n"
                          "truncated=0\nend=1\n")
            << false << true;
    }
    void claimed()
    {
        QFETCH(QByteArray, content);
        QFETCH(bool, locked);
        QFETCH(bool, logExists);
        const Attempt a = attempt();
        const QString ran = marker();
        writeFile(a.state, content);
        if (logExists)
            writeFile(a.log, "old\n");
        int fd = -1;
        if (locked) {
            fd = ::open(qPrintable(a.state), O_RDWR | O_CLOEXEC);
            QVERIFY(fd >= 0);
            QCOMPARE(::flock(fd, LOCK_EX | LOCK_NB), 0);
        }
        auto unlock = qScopeGuard([fd] {
            if (fd >= 0)
                ::close(fd);
        });
        Supervisor s(a, {}, sh("touch '" + ran + "'"));
        QCOMPARE(s.wait(), 3);
        QVERIFY2(s.err().contains("exists: the attempt was already claimed; not running"),
                 s.err().constData());
        QVERIFY(s.out().isEmpty());
        QVERIFY(!QFile::exists(ran));
        QCOMPARE(readFile(a.state), content);
        if (logExists) {
            QCOMPARE(readFile(a.log), QByteArray("old\n")); // not truncated
            QCOMPARE(entries(a.dir), (QStringList { "log", "state" }));
        } else {
            QCOMPARE(entries(a.dir), QStringList { "state" }); // no log created
        }
        QCOMPARE(entries(a.workdir), QStringList());
    }

    void secondSupervisor()
    {
        const Attempt a = attempt();
        const QString ran = marker();
        Supervisor first(a, {}, sh("echo first; sleep 100"));
        QVERIFY(first.waitStarted() > 0);
        // The log is flushed whenever the supervisor waits: the engine can tail it.
        QTRY_VERIFY_WITH_TIMEOUT(readFile(a.log).contains(" O   first\n"), WaitMs);
        // The lock is held while the job runs, so a liveness probe fails to take it.
        const int fd = ::open(qPrintable(a.state), O_RDWR | O_CLOEXEC);
        QVERIFY(fd >= 0);
        QCOMPARE(::flock(fd, LOCK_EX | LOCK_NB), -1);
        QCOMPARE(errno, EWOULDBLOCK);
        ::close(fd);

        Supervisor second(a, {}, sh("touch '" + ran + "'"));
        QCOMPARE(second.wait(), 3);
        QVERIFY(second.out().isEmpty());
        QVERIFY(!QFile::exists(ran));

        first.signal(SIGTERM);
        QCOMPARE(first.wait(), 0);
        const auto state = keyValues(a.state);
        QCOMPARE(state.value("reason"), QStringLiteral("cancelled"));
        QCOMPARE(state.value("supervisor_pid").toLongLong(), first.pid());
        QCOMPARE(readFile(a.state).count("supervisor_pid="), 1);
        QVERIFY(readFile(a.log).contains(" O   first\n")); // not clobbered
    }

    // The log's directory cannot take it: found before anything runs (the log itself is only
    // created by its first record), and the state file says so (no supervisor_pid).
    void logNotWritable()
    {
        Attempt a = attempt();
        const QString ran = marker();
        a.log = a.dir + QStringLiteral("/missing/log");
        Supervisor s(a, {}, sh("touch '" + ran + "'"));
        QCOMPARE(s.wait(), 4);
        QVERIFY(s.err().startsWith("baton-supervisor: "));
        QVERIFY2(
            s.err().contains(
                QStringLiteral("log file '%1': No such file or directory").arg(a.log).toUtf8()),
            s.err().constData());
        QVERIFY(s.out().isEmpty());
        QVERIFY(!QFile::exists(ran));
        QCOMPARE(entries(a.dir), QStringList { "state" });
        QCOMPARE(readFile(a.state), QByteArray());
    }

    // "No supervisor_pid line" must prove that the job never ran: when that line cannot be
    // written (here: the file size limit is 0), the supervisor fails and the job must not start.
    void stateNotWritable()
    {
        const Attempt a = attempt();
        const QString ran = marker();
        Supervisor s(a, {}, sh("touch '" + ran + "'"), QProcessEnvironment::systemEnvironment(), {},
                     [] {
                         const rlimit none { 0, 0 };
                         ::setrlimit(RLIMIT_FSIZE, &none);
                         ::signal(SIGXFSZ, SIG_IGN); // write() fails with EFBIG instead
                     });
        QCOMPARE(s.wait(), 4);
        QVERIFY2(s.err().contains("File too large"), s.err().constData());
        QVERIFY(s.out().isEmpty());
        QCOMPARE(readFile(a.state), QByteArray());
        // A job started anyway would be an orphan by now: give it time to show.
        QTest::qWait(1000);
        QVERIFY(!QFile::exists(ran));
    }

    // One worker, several attempts one after the other: each as an exec'ed supervisor would run
    // it (own files, lines, record, environment, log cap, secrets), and nothing of one attempt
    // left for the next (descriptors, lock, log writer, environment). Each attempt's lines are its
    // own: nothing comes after its exit line, and the next attempt's start with its own
    // "supervisor PID".
    void workerRunsAttemptsInARow()
    {
        const QString errors = diagnostics();
        Worker w(errors);
        QVERIFY(w.pid() > 0);
        const QString script
            = "echo \"attempt $N\"; echo $PPID; echo \"secret=$TOKEN foo=${FOO-unset}\";"
              " head -c 3000 /dev/zero | tr '\\0' x; echo; exit $N";
        for (int i = 1; i <= 3; ++i) {
            const Attempt a = attempt();
            QStringList env { "PATH=/usr/bin:/bin", QStringLiteral("N=%1").arg(i),
                              "TOKEN=tok-en-value" };
            QStringList options;
            if (i == 1) { // capped and masked: the next attempts must be neither
                env << "BATON_SUPERVISOR_SECRET_NAMES=TOKEN";
                options << "--log-cap"
                        << "200";
            } else if (i == 2) {
                env << "FOO=bar";
            }
            QVERIFY(w.start(Worker::argv(a, options, sh(script)), env));
            Report report(w);
            QVERIFY2(report.readToEnd(), report.data().constData());

            const auto state = keyValues(a.state);
            QCOMPARE(state.value("supervisor_pid").toLongLong(), qint64(w.pid()));
            QCOMPARE(state.value("exit_code"), QString::number(i));
            QCOMPARE(state.value("reason"), QStringLiteral("completed"));
            QVERIFY(readFile(a.state).endsWith("\nend=1\n"));
            QCOMPARE(state.value("log_bytes").toLongLong(), QFileInfo(a.log).size());
            QCOMPARE(report.data(),
                     w.supervisorLine() + expectedStartedLine(state, report.data())
                         + expectedExitLine(state));
            QVERIFY(!locked(a.state)); // the attempt is over: the engine's probe takes the lock
            QVERIFY(w.quiet(200)); // nothing more for this attempt

            const QList<QByteArray> out = texts(parseLog(readFile(a.log)), 'O');
            QVERIFY2(out.size() >= 3, readFile(a.log).constData());
            QCOMPARE(out[0], "attempt " + QByteArray::number(i));
            QCOMPARE(out[1], QByteArray::number(w.pid())); // the job's parent: the worker
            if (i == 1) {
                QCOMPARE(out[2], QByteArray("secret=*** foo=unset"));
                QCOMPARE(state.value("truncated"), QStringLiteral("1"));
                QCOMPARE(out.size(), 3);
            } else {
                QCOMPARE(out[2],
                         i == 2 ? QByteArray("secret=tok-en-value foo=bar")
                                : QByteArray("secret=tok-en-value foo=unset"));
                QCOMPARE(state.value("truncated"), QStringLiteral("0"));
                QCOMPARE(out.mid(3), QList<QByteArray> { QByteArray(3000, 'x') });
            }
            QCOMPARE(entries(a.dir), (QStringList { "log", "state" }));
            QCOMPARE(entries(a.workdir), QStringList());
            // Back to what it holds between attempts: nothing of the attempt, no descriptor
            // per attempt (once its teardown, after the exit line, is over).
            QTRY_COMPARE_WITH_TIMEOUT(w.descriptors(), Worker::idleDescriptors(errors), 5000);
        }
        QCOMPARE(readFile(errors), QByteArray()); // nothing went wrong
        w.closeSocket();
        QCOMPARE(w.wait(), 0);
    }

    // The messages of an attempt, in order: "supervisor PID" never alone (held back for the
    // attempt's first line), "started" before "exit", and the exit line last, sent once the state
    // file's lock is gone. A job that runs a while says "started" while it runs, in a message of
    // its own; a short one may say everything in one message.
    void workerMessagesInOrder()
    {
        Worker w(diagnostics());
        QVERIFY(w.pid() > 0);

        const Attempt slow = attempt();
        QVERIFY(w.start(Worker::argv(slow, {}, sh("sleep 0.5; echo slow"))));
        Report r1(w);
        QVERIFY(r1.readUntil("\nstarted "));
        // While it runs: its record is claimed and locked, no exit yet.
        QVERIFY(locked(slow.state));
        QVERIFY(!keyValues(slow.state).contains("end"));
        QCOMPARE(r1.messages().size(), 1);
        QVERIFY(r1.readToEnd());
        const auto slowState = keyValues(slow.state);
        QCOMPARE(
            r1.messages(),
            (QList<QByteArray> { w.supervisorLine() + expectedStartedLine(slowState, r1.data()),
                                 expectedExitLine(slowState) }));
        QVERIFY(!locked(slow.state));
        QVERIFY(w.quiet(100));

        const Attempt quick = attempt();
        QVERIFY(w.start(Worker::argv(quick, {}, { "true" })));
        Report r2(w);
        QVERIFY(r2.readToEnd());
        const auto quickState = keyValues(quick.state);
        const QByteArray supervisor = w.supervisorLine();
        const QByteArray started = expectedStartedLine(quickState, r2.data());
        const QByteArray exit = expectedExitLine(quickState);
        // One message, or two if the job outlived the 2 ms the "started" line waits for.
        QVERIFY2(r2.messages() == QList<QByteArray> { supervisor + started + exit }
                     || r2.messages() == (QList<QByteArray> { supervisor + started, exit }),
                 r2.data().constData());
        QVERIFY(w.quiet(100));
        w.closeSocket();
        QCOMPARE(w.wait(), 0);
    }

    // In a worker too, a log is created by an attempt's first record only: silent attempts leave
    // none, before or after one that prints, and the writer re-created per attempt holds no
    // descriptor of an earlier attempt's log.
    void workerCreatesLogsForOutputOnly()
    {
        const QString errors = diagnostics();
        Worker w(errors);
        QVERIFY(w.pid() > 0);
        const QStringList commands { "true", "echo said", "exit 4", "no-such-command-4711" };
        for (const QString &command : commands) {
            const Attempt a = attempt();
            QVERIFY(w.start(Worker::argv(a, {}, sh(command))));
            Report report(w);
            QVERIFY2(report.readToEnd(), report.data().constData());
            const auto state = keyValues(a.state);
            QCOMPARE(state.value("reason"), QStringLiteral("completed"));
            QCOMPARE(state.value("log_bytes").toLongLong(), QFileInfo(a.log).size());
            QVERIFY(report.data().endsWith(expectedExitLine(state)));
            if (command == "true" || command == "exit 4") {
                QCOMPARE(entries(a.dir), QStringList { "state" });
            } else {
                QCOMPARE(entries(a.dir), (QStringList { "log", "state" }));
                QVERIFY(QFileInfo(a.log).size() > 0);
            }
            QTRY_COMPARE_WITH_TIMEOUT(w.descriptors(), Worker::idleDescriptors(errors), 5000);
        }
        QCOMPARE(readFile(errors), QByteArray());
        w.closeSocket();
        QCOMPARE(w.wait(), 0);
    }

    // A cancel is for the attempt running when it comes: one that arrives between attempts (or
    // late, for an attempt that ended) does not cancel the next one.
    void workerIgnoresSignalsBetweenAttempts()
    {
        Worker w(diagnostics());
        QVERIFY(w.pid() > 0);
        const Attempt first = attempt();
        QVERIFY(w.start(Worker::argv(first, {}, sh("true"))));
        QVERIFY(Report(w).readToEnd());
        QCOMPARE(keyValues(first.state).value("reason"), QStringLiteral("completed"));

        for (int sig : { SIGTERM, SIGINT, SIGHUP })
            QCOMPARE(::kill(w.pid(), sig), 0); // pending now: the worker blocks them

        const Attempt second = attempt();
        QVERIFY(w.start(Worker::argv(second, { "--grace", "100" }, sh("sleep 0.3; echo done"))));
        Report r2(w);
        QVERIFY(r2.readToEnd());
        const auto state = keyValues(second.state);
        QCOMPARE(state.value("reason"), QStringLiteral("completed"));
        QCOMPARE(state.value("exit_code"), QStringLiteral("0"));
        QCOMPARE(state.value("supervisor_pid").toLongLong(), qint64(w.pid()));
        QVERIFY(!readFile(second.log).contains("cancelled"));
        QCOMPARE(texts(parseLog(readFile(second.log)), 'O'), QList<QByteArray> { "done" });
        QVERIFY(r2.data().endsWith(expectedExitLine(state)));
        w.closeSocket();
        QCOMPARE(w.wait(), 0);
    }

    // SIGTERM to the worker during an attempt cancels it, as for an exec'ed supervisor; the
    // worker then serves the next attempt.
    void workerCancel()
    {
        Worker w(diagnostics());
        QVERIFY(w.pid() > 0);
        const Attempt first = attempt();
        QVERIFY(w.start(Worker::argv(first, { "--grace", "100" }, sh("sleep 100 & sleep 100"))));
        Report r1(w);
        QVERIFY(r1.readUntil("\nstarted ")); // the state file has its pgid= line by then
        const int pgid = keyValues(first.state).value("pgid").toInt();
        QVERIFY(pgid > 0);
        QCOMPARE(::kill(w.pid(), SIGTERM), 0);
        QVERIFY(r1.readToEnd());
        auto state = keyValues(first.state);
        QCOMPARE(state.value("reason"), QStringLiteral("cancelled"));
        QCOMPARE(state.value("exit_code"), QStringLiteral("143"));
        QCOMPARE(state.value("signal"), QStringLiteral("15"));
        QVERIFY(readFile(first.log).contains(
            "[baton: cancelled by SIGTERM: sent SIGTERM to the process group]"));
        QVERIFY(r1.data().endsWith(expectedExitLine(state)));
        QVERIFY(groupGone(pgid));
        QVERIFY(!locked(first.state));

        const Attempt second = attempt();
        QVERIFY(w.start(Worker::argv(second, {}, sh("echo second"))));
        Report r2(w);
        QVERIFY(r2.readToEnd());
        state = keyValues(second.state);
        QCOMPARE(state.value("reason"), QStringLiteral("completed"));
        QCOMPARE(texts(parseLog(readFile(second.log)), 'O'), QList<QByteArray> { "second" });
        QVERIFY(r2.data().startsWith(w.supervisorLine() + "started "));
        QVERIFY(r2.data().endsWith(expectedExitLine(state)));
        w.closeSocket();
        QCOMPARE(w.wait(), 0);
    }

    // The engine's cancel names its attempt (the value sigqueue() carries, see canceltoken.h):
    // meant for another attempt (one the worker finished before the request came), it is
    // ignored; for this one, it cancels it.
    void workerCancelNamesItsAttempt()
    {
        Worker w(diagnostics());
        QVERIFY(w.pid() > 0);
        const Attempt a = attempt();
        QVERIFY(w.start(Worker::argv(a, { "--grace", "100" }, sh("sleep 100"))));
        Report r(w);
        QVERIFY(r.readUntil("\nstarted "));
        const int pgid = keyValues(a.state).value("pgid").toInt();
        QVERIFY(pgid > 0);
        sigval other {};
        other.sival_int = int(Baton::cancelToken(QByteArray(a.state.toLocal8Bit() + "x")));
        QCOMPARE(::sigqueue(w.pid(), SIGTERM, other), 0);
        QTest::qWait(300);
        QCOMPARE(::kill(-pgid, 0), 0); // still running
        QVERIFY(!keyValues(a.state).contains("exit_code"));
        sigval mine {};
        mine.sival_int = int(Baton::cancelToken(a.state.toLocal8Bit().constData()));
        QCOMPARE(::sigqueue(w.pid(), SIGTERM, mine), 0);
        QVERIFY(r.readToEnd());
        QCOMPARE(keyValues(a.state).value("reason"), QStringLiteral("cancelled"));
        QVERIFY(groupGone(pgid));
        w.closeSocket();
        QCOMPARE(w.wait(), 0);
    }

    // What an attempt's job leaves behind is killed at the end of that attempt, before the next.
    void workerLeftovers()
    {
        Worker w(diagnostics());
        QVERIFY(w.pid() > 0);
        const Attempt first = attempt();
        QVERIFY(w.start(Worker::argv(first, {}, sh("sleep 300 & echo $! > bg.pid"))));
        Report r1(w);
        QVERIFY(r1.readToEnd());
        const int leftover = readFile(first.workdir + QStringLiteral("/bg.pid")).trimmed().toInt();
        QVERIFY(leftover > 0);
        QVERIFY(processGone(leftover)); // killed, and reaped by the worker
        QVERIFY(readFile(first.log).contains("the job exited but left processes running"));
        auto state = keyValues(first.state);
        QCOMPARE(state.value("reason"), QStringLiteral("completed"));
        QVERIFY(r1.data().endsWith(expectedExitLine(state)));

        const Attempt second = attempt();
        QVERIFY(w.start(Worker::argv(second, {}, sh("echo next"))));
        Report r2(w);
        QVERIFY(r2.readToEnd());
        state = keyValues(second.state);
        QCOMPARE(state.value("reason"), QStringLiteral("completed"));
        QCOMPARE(state.value("supervisor_pid").toLongLong(), qint64(w.pid()));
        QCOMPARE(texts(parseLog(readFile(second.log)), 'O'), QList<QByteArray> { "next" });
        QVERIFY(!readFile(second.log).contains("left processes running"));
        w.closeSocket();
        QCOMPARE(w.wait(), 0);
    }

    // What would end an exec'ed supervisor ends only the attempt: bad usage, --help, a state file
    // that exists already. The engine hears "supervisor PID" then "done" in one message (no exit
    // record: it reads the state file); the worker goes on.
    void workerAttemptNotRun()
    {
        const QString errors = diagnostics();
        Worker w(errors);
        QVERIFY(w.pid() > 0);
        const auto notRun = [&](const QStringList &argv) {
            QVERIFY(w.start(argv));
            Report r(w);
            QVERIFY(r.readToEnd());
            QCOMPARE(r.messages(), QList<QByteArray> { w.supervisorLine() + "done\n" });
            QVERIFY(w.quiet(100));
        };

        const Attempt noState = attempt();
        const QString ran = marker();
        notRun({ "baton-supervisor", "--log", noState.log, "--workdir", noState.workdir, "--",
                 "touch", ran });
        QCOMPARE(entries(noState.dir), QStringList());
        QVERIFY(readFile(errors).contains("baton-supervisor: --state is required\nusage: "));

        const Attempt badTimeout = attempt();
        notRun(Worker::argv(badTimeout, { "--timeout", "soon" }, { "touch", ran }));
        QCOMPARE(entries(badTimeout.dir), QStringList());
        QVERIFY(
            readFile(errors).contains("--timeout expects a number of seconds >= 0, got 'soon'"));

        // --help's text goes to the worker's stdout (/dev/null), never into a report.
        notRun({ "baton-supervisor", "--help" });

        const Attempt claimed = attempt();
        writeFile(claimed.state, "abandoned=1700000000000\n");
        notRun(Worker::argv(claimed, {}, { "touch", ran }));
        QCOMPARE(readFile(claimed.state), QByteArray("abandoned=1700000000000\n"));
        QCOMPARE(entries(claimed.dir), QStringList { "state" });
        QVERIFY(readFile(errors).contains("exists: the attempt was already claimed; not running"));

        QVERIFY(!QFile::exists(ran));

        const Attempt good = attempt();
        QVERIFY(w.start(Worker::argv(good, {}, sh("echo fine"))));
        Report r(w);
        QVERIFY(r.readToEnd());
        const auto state = keyValues(good.state);
        QCOMPARE(state.value("reason"), QStringLiteral("completed"));
        QCOMPARE(r.data(),
                 w.supervisorLine() + expectedStartedLine(state, r.data())
                     + expectedExitLine(state));
        QCOMPARE(texts(parseLog(readFile(good.log)), 'O'), QList<QByteArray> { "fine" });
        // The exit line goes before the worker's own teardown of the attempt (the log): wait.
        QTRY_COMPARE_WITH_TIMEOUT(w.descriptors(), Worker::idleDescriptors(errors), 5000);
        w.closeSocket();
        QCOMPARE(w.wait(), 0);
    }

    // Refused messages (a descriptor attached, no empty string after argv, empty) get one line on
    // stderr and "done" alone: the attempt never started (the engine may run it elsewhere). A
    // descriptor is closed, not kept; the worker goes on; the job never sees the control socket;
    // EOF ends the worker.
    void workerRefusesMalformedMessages()
    {
        const QString errors = diagnostics();
        Worker w(errors);
        QVERIFY(w.pid() > 0);
        const QString ran = marker();
        const QStringList env { "PATH=/usr/bin:/bin" };
        const Attempt oneFd = attempt();
        const Attempt twoFds = attempt();
        const QByteArray noSeparator = QByteArray("baton-supervisor\0--help\0", 24);
        const QList<QPair<QByteArray, int>> requests {
            // A good request, but with a descriptor (the former protocol's report pipe).
            { Worker::message(Worker::argv(oneFd, {}, { "touch", ran }), env), 1 },
            { Worker::message(Worker::argv(twoFds, {}, { "touch", ran }), env), 2 },
            { noSeparator, 0 },
            { noSeparator, 1 },
            { QByteArray(), 1 },
            { QByteArray(), 0 },
        };
        for (const auto &[payload, fdCount] : requests) {
            int p[2];
            QCOMPARE(::pipe2(p, O_CLOEXEC | O_NONBLOCK), 0); // a kept write end: EAGAIN, no hang
            QList<int> fds;
            for (int i = 0; i < fdCount; ++i)
                fds.append(p[1]);
            QVERIFY(w.sendRaw(payload, fds));
            ::close(p[1]);
            Report r(w);
            QVERIFY(r.readToEnd());
            QCOMPARE(r.messages(), QList<QByteArray> { "done\n" });
            // Closed in the worker: its descriptors are its own again, and nobody holds the
            // pipe's write end any more (EOF).
            QCOMPARE(w.descriptors(), Worker::idleDescriptors(errors));
            char byte;
            QCOMPARE(::read(p[0], &byte, 1), ssize_t(0));
            ::close(p[0]);
        }

        const Attempt good = attempt();
        QVERIFY(w.start(Worker::argv(good, {}, { "ls", "/proc/self/fd" })));
        Report r(w);
        QVERIFY(r.readToEnd());
        const auto state = keyValues(good.state);
        QCOMPARE(state.value("exit_code"), QStringLiteral("0"));
        QCOMPARE(r.data(),
                 w.supervisorLine() + expectedStartedLine(state, r.data())
                     + expectedExitLine(state));
        // ls's own descriptor for /proc/self/fd is the 3: no control socket, no signalfd.
        QCOMPARE(texts(parseLog(readFile(good.log)), 'O'),
                 (QList<QByteArray> { "0", "1", "2", "3" }));

        QVERIFY(!QFile::exists(ran));
        QCOMPARE(entries(oneFd.dir), QStringList());
        QCOMPARE(entries(twoFds.dir), QStringList());
        QCOMPARE(readFile(errors).count("baton-supervisor --worker: malformed request"), 6);
        QVERIFY(w.pid() > 0 && !processGone(w.pid()));
        w.closeSocket();
        QCOMPARE(w.wait(), 0);
    }

    // The engine's end closed (the engine died) while an attempt runs: the attempt runs to its
    // end all the same, once, with its complete record in the state file (what the next engine
    // reads), and the worker exits at its next read.
    void workerFinishesAttemptWithoutEngine()
    {
        const QString errors = diagnostics();
        Worker w(errors);
        const pid_t pid = w.pid();
        QVERIFY(pid > 0);
        const Attempt a = attempt();
        const QString ran = marker();
        QVERIFY(w.start(Worker::argv(
            a, {}, sh(QStringLiteral("sleep 0.5; echo run >> '%1'; echo finished").arg(ran)))));
        Report r(w);
        QVERIFY(r.readUntil("\nstarted "));
        w.closeSocket(); // its "exit" line then finds no reader
        QCOMPARE(w.wait(), 0);
        QCOMPARE(readFile(ran), QByteArray("run\n"));
        const auto state = keyValues(a.state);
        QCOMPARE(state.value("reason"), QStringLiteral("completed"));
        QCOMPARE(state.value("exit_code"), QStringLiteral("0"));
        QCOMPARE(state.value("supervisor_pid").toLongLong(), qint64(pid));
        QVERIFY(readFile(a.state).endsWith("\nend=1\n"));
        QVERIFY(!locked(a.state));
        QCOMPARE(texts(parseLog(readFile(a.log)), 'O'), QList<QByteArray> { "finished" });
        QCOMPARE(readFile(errors), QByteArray()); // a gone engine is no error
    }

    // A job frozen by cgroup v2 (as `systemctl freeze`, `docker pause` or a cgroup manager
    // freeze it) runs no signal handler, and SIGCONT does not thaw it: a job that would handle
    // SIGTERM cannot, yet its timeout and its cancel still end it, by the SIGKILL after the grace
    // period (fatal signals reach frozen processes). Its whole tree goes: the cgroup is empty
    // afterwards.
    void frozenJobIsKilled_data() { stopRows(); }
    void frozenJobIsKilled()
    {
        QFETCH(bool, cancel);
        const QString mount = cgroup2Mount();
        if (::geteuid() != 0 || mount.isEmpty())
            QSKIP("needs root and a cgroup v2 hierarchy");
        const QString cgroup
            = mount + QStringLiteral("/baton-tst-supervisor-%1-%2").arg(::getpid()).arg(cancel);
        if (!QDir().mkdir(cgroup))
            QSKIP("cannot create a cgroup v2 child group");
        const auto file = [&cgroup](const char *name) {
            return cgroup + QLatin1Char('/') + QLatin1String(name);
        };
        const auto events = [&] {
            return readFile(file("cgroup.events"));
        };
        auto removeGroup = qScopeGuard([&] {
            writeFile(file("cgroup.freeze"), "0");
            for (const QByteArray &pid : readFile(file("cgroup.procs")).split('\n')) {
                if (pid.toInt() > 0)
                    ::kill(pid.toInt(), SIGKILL);
            }
            QElapsedTimer t;
            t.start();
            while (!QDir().rmdir(cgroup) && t.elapsed() < WaitMs)
                QTest::qWait(20);
        });
        if (!QFileInfo::exists(file("cgroup.freeze")))
            QSKIP("no cgroup.freeze (Linux < 5.2)");

        const Attempt a = attempt();
        const QStringList options = cancel ? QStringList { "--grace", "1" }
                                           : QStringList { "--timeout", "3", "--grace", "1" };
        // The shell joins the group, starts a second process there, and freezes the group. Its
        // SIGTERM handler would end it at once, were it not frozen.
        Supervisor s(a, options,
                     sh(QStringLiteral("trap 'echo handled; exit 7' TERM; echo $$ > '%1';"
                                       " sleep 300 & echo $! > bg.pid; echo 1 > '%2'; wait")
                            .arg(file("cgroup.procs"), file("cgroup.freeze"))));
        const int pgid = s.waitStarted();
        QVERIFY(pgid > 0);
        QTRY_VERIFY_WITH_TIMEOUT(events().contains("frozen 1\n"), WaitMs);
        const int background = readFile(a.workdir + QStringLiteral("/bg.pid")).trimmed().toInt();
        QVERIFY(background > 0);
        // The job's shell and its background process, nothing else.
        const QByteArray members = readFile(file("cgroup.procs"));
        QCOMPARE(members.count('\n'), 2);
        QVERIFY(members.contains(QByteArray::number(pgid) + '\n'));
        QVERIFY(members.contains(QByteArray::number(background) + '\n'));
        if (cancel)
            s.signal(SIGTERM);
        QCOMPARE(s.wait(), 0);

        const auto state = keyValues(a.state);
        QCOMPARE(state.value("reason"), stopReason(cancel));
        QCOMPARE(state.value("signal"), QStringLiteral("9"));
        QCOMPARE(state.value("exit_code"), QStringLiteral("137"));
        const QByteArray log = readFile(a.log);
        QVERIFY2(log.contains(cancel ? "[baton: cancelled by SIGTERM: sent SIGTERM to the process "
                                       "group]"
                                     : "[baton: timeout after 3s: sent SIGTERM to the process "
                                       "group]"),
                 log.constData());
        QVERIFY2(log.contains("[baton: still running 1s after SIGTERM: sent SIGKILL to the process "
                              "group]"),
                 log.constData());
        QVERIFY2(!log.contains("handled"), log.constData());
        QVERIFY(groupGone(pgid));
        QVERIFY(processGone(background));
        QTRY_VERIFY_WITH_TIMEOUT(events().contains("populated 0\n"), WaitMs);
        QVERIFY(s.out().endsWith(expectedExitLine(state)));
    }

    // A job stopped by SIGSTOP (or Ctrl-Z in a terminal it was started from) is continued with
    // the SIGTERM of its timeout or cancel, so that its handler runs and it ends as it chooses,
    // within the grace period, instead of sleeping stopped until the SIGKILL.
    void stoppedJobIsContinued_data() { stopRows(); }
    void stoppedJobIsContinued()
    {
        QFETCH(bool, cancel);
        const Attempt a = attempt();
        const QStringList options = cancel ? QStringList { "--grace", "100" }
                                           : QStringList { "--timeout", "1", "--grace", "100" };
        Supervisor s(a, options,
                     // The background process says its pid once it runs with SIGTERM's default
                     // action: a child stopped between fork and exec would still hold the trap
                     // inherited from the shell, take the SIGTERM there and live on as sleep.
                     sh("trap 'echo handled; exit 7' TERM;"
                        " sh -c 'echo $$ > bg.pid.new; mv bg.pid.new bg.pid; exec sleep 300' &"
                        " while [ ! -e bg.pid ]; do :; done; kill -STOP $! $$; wait"));
        const int pgid = s.waitStarted();
        QVERIFY(pgid > 0);
        QTRY_VERIFY_WITH_TIMEOUT(
            readFile(QStringLiteral("/proc/%1/stat").arg(pgid)).contains(") T "), WaitMs);
        const int background = readFile(a.workdir + QStringLiteral("/bg.pid")).trimmed().toInt();
        QVERIFY(background > 0);
        if (cancel)
            s.signal(SIGTERM);
        QCOMPARE(s.wait(), 0);
        QVERIFY2(s.elapsedMs() < 50000, qPrintable(QString::number(s.elapsedMs()))); // grace: 100 s

        const auto state = keyValues(a.state);
        QCOMPARE(state.value("reason"), stopReason(cancel));
        QCOMPARE(state.value("exit_code"), QStringLiteral("7")); // its handler ran
        QCOMPARE(state.value("signal"), QStringLiteral("0"));
        const QByteArray log = readFile(a.log);
        QVERIFY2(log.contains(" O   handled\n"), log.constData());
        QVERIFY2(!log.contains("SIGKILL"), log.constData());
        QVERIFY(groupGone(pgid));
        QVERIFY(processGone(background));
    }

    // Processes that survive SIGKILL (here frozen by the cgroup v1 freezer, as processes stuck in
    // the kernel would be) must never be mixed with the next attempt's: the worker gives up on
    // them as an exec'ed supervisor does, then exits instead of serving another attempt. Only the
    // v1 freezer can make a process outlive SIGKILL: a cgroup v2 freeze lets fatal signals through
    // (frozenJobIsKilled shows it). Hybrid hosts (v1 freezer next to v2) run it; pure v2 hosts
    // skip it.
    void workerExitsWhenProcessesSurvive()
    {
        const QString freezer = QStringLiteral("/sys/fs/cgroup/freezer");
        if (::geteuid() != 0 || !QFileInfo::exists(freezer + QStringLiteral("/cgroup.procs")))
            QSKIP("needs root and the cgroup v1 freezer (a cgroup v2 freeze does not outlast "
                  "SIGKILL)");
        const QString cgroup = freezer + QStringLiteral("/baton-tst-supervisor-%1").arg(::getpid());
        if (!QDir().mkdir(cgroup))
            QSKIP("cannot create a freezer cgroup");
        // The frozen process comes to this test when the worker exits, to be reaped once thawed.
        QCOMPARE(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
        pid_t stuck = 0;
        auto thaw = qScopeGuard([&] {
            QFile state(cgroup + QStringLiteral("/freezer.state"));
            if (state.open(QIODevice::WriteOnly))
                state.write("THAWED"); // the pending SIGKILL then ends the process
            state.close();
            QElapsedTimer t;
            t.start();
            while (stuck > 0 && ::waitpid(stuck, nullptr, WNOHANG) == 0 && t.elapsed() < WaitMs)
                QTest::qWait(20);
            ::prctl(PR_SET_CHILD_SUBREAPER, 0);
            while (!QDir().rmdir(cgroup) && t.elapsed() < WaitMs)
                QTest::qWait(20);
        });

        const QString errors = diagnostics();
        Worker w(errors);
        QVERIFY(w.pid() > 0);
        const Attempt a = attempt();
        QVERIFY(w.start(Worker::argv(
            a, { "--grace", "0" },
            sh(QStringLiteral("sleep 300 & echo $! > '%1/cgroup.procs' && echo $! > bg.pid &&"
                              " echo FROZEN > '%1/freezer.state'")
                   .arg(cgroup)))));
        Report r(w);
        QVERIFY(r.readToEnd());
        const auto state = keyValues(a.state);
        QCOMPARE(state.value("reason"), QStringLiteral("completed"));
        QVERIFY(r.data().endsWith(expectedExitLine(state)));
        QVERIFY(readFile(a.log).contains("after SIGKILL; giving up on them"));
        stuck = readFile(a.workdir + QStringLiteral("/bg.pid")).trimmed().toInt();
        QVERIFY(stuck > 0 && !processGone(stuck));

        QVERIFY(r.readToEof()); // right after its exit line: the engine sees EOF
        QVERIFY(r.data().endsWith(expectedExitLine(state))); // nothing said after it
        QCOMPARE(w.wait(), 0); // by itself: the control socket is still open
        QVERIFY(readFile(errors).contains("processes of the last attempt are still alive"));
    }

    void workerBadUsage()
    {
        QProcess extra;
        extra.start(supervisorPath(), { "--worker", "extra" });
        QVERIFY(extra.waitForFinished(WaitMs));
        QCOMPARE(extra.exitStatus(), QProcess::NormalExit);
        QCOMPARE(extra.exitCode(), 2);
        QVERIFY(extra.readAllStandardError().contains("--worker takes no other argument"));
        QVERIFY(extra.readAllStandardOutput().isEmpty());

        // Standard input is a pipe here, not the engine's socket.
        QProcess noSocket;
        noSocket.start(supervisorPath(), { "--worker" });
        QVERIFY(noSocket.waitForFinished(WaitMs));
        QCOMPARE(noSocket.exitStatus(), QProcess::NormalExit);
        QCOMPARE(noSocket.exitCode(), 2);
        QVERIFY(noSocket.readAllStandardError().contains("SOCK_SEQPACKET"));
    }

    // The property the engine depends on: its death (kill -9) does not touch the attempt.
    void survivesParentKill()
    {
        const Attempt a = attempt();
        // Orphans come to this test process, so it can check how the supervisor ended.
        QCOMPARE(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
        auto restore = qScopeGuard([] { ::prctl(PR_SET_CHILD_SUBREAPER, 0); });

        // The "engine": a shell whose child is the supervisor, sharing its stdout pipe.
        QProcess engine;
        engine.start("/bin/sh",
                     QStringList { "-c", "\"$@\" & wait", "sh", supervisorPath(), "--state",
                                   a.state, "--log", a.log, "--workdir", a.workdir, "--", "/bin/sh",
                                   "-c", "sleep 2; echo finished > result; echo finished" });
        QElapsedTimer t;
        t.start();
        QByteArray out;
        while (!out.contains('\n') && t.elapsed() < WaitMs) {
            engine.waitForReadyRead(50);
            out += engine.readAllStandardOutput();
        }
        QVERIFY(out.startsWith("started "));
        const pid_t supervisorPid = keyValues(a.state).value("supervisor_pid").toInt();
        QVERIFY(supervisorPid > 0);

        engine.kill(); // SIGKILL; QProcess then closes its end of the pipe
        QVERIFY(engine.waitForFinished(WaitMs));
        QVERIFY(!keyValues(a.state).contains("end")); // still running: no exit record yet

        int status = 0;
        pid_t reaped = 0;
        t.restart();
        while ((reaped = ::waitpid(supervisorPid, &status, WNOHANG)) == 0 && t.elapsed() < WaitMs)
            QTest::qWait(20);
        QCOMPARE(reaped, supervisorPid);
        // Not killed by SIGPIPE when writing "exit ..." to the dead engine's pipe.
        QVERIFY(WIFEXITED(status));
        QCOMPARE(WEXITSTATUS(status), 0);
        QCOMPARE(readFile(a.workdir + QStringLiteral("/result")), QByteArray("finished\n"));
        const auto state = keyValues(a.state);
        QCOMPARE(state.value("reason"), QStringLiteral("completed"));
        QCOMPARE(state.value("exit_code"), QStringLiteral("0"));
        QVERIFY(readFile(a.state).endsWith("\nend=1\n"));
        QVERIFY(readFile(a.log).contains(" O   finished\n"));
        // The lock died with the supervisor: the engine's liveness probe now succeeds.
        const int fd = ::open(qPrintable(a.state), O_RDWR | O_CLOEXEC);
        QVERIFY(fd >= 0);
        QCOMPARE(::flock(fd, LOCK_EX | LOCK_NB), 0);
        ::close(fd);
    }
};

QTEST_GUILESS_MAIN(TestSupervisor)
#include "tst_supervisor.moc"
