// Drives the real `baton-supervisor` with real processes: what the engine relies on to survive
// its own death (kill -9) with nothing lost and nothing run twice.
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
#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <functional>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

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

// "key=value" lines of the status and exit files.
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

qint64 vmHwmKiB(qint64 pid)
{
    const QByteArray status = readFile(QStringLiteral("/proc/%1/status").arg(pid));
    const QRegularExpression re(QStringLiteral("VmHWM:\\s+(\\d+) kB"));
    const auto m = re.match(QString::fromLatin1(status));
    return m.hasMatch() ? m.captured(1).toLongLong() : -1;
}

// One supervisor process, its stdout collected as it comes.
class Supervisor
{
public:
    Supervisor(const QString &dir, const QStringList &options, const QStringList &program,
               const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment(),
               const QString &workdir = QDir::tempPath(), const QStringList &launcher = {})
    {
        m_process.setProcessEnvironment(env);
        const QStringList args
            = QStringList { QStringLiteral("--dir"), dir, QStringLiteral("--workdir"), workdir }
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
    int waitStarted(int timeoutMs = 5000)
    {
        QElapsedTimer t;
        t.start();
        while (!m_out.contains('\n') && t.elapsed() < timeoutMs) {
            m_process.waitForReadyRead(50);
            m_out += m_process.readAllStandardOutput();
        }
        const QByteArray first = m_out.left(m_out.indexOf('\n'));
        return first.startsWith("started ") ? first.mid(8).toInt() : 0;
    }

    // The supervisor's exit code, or -1 if it crashed or did not finish in time.
    int wait(int timeoutMs = 20000, const std::function<void()> &whileRunning = {})
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

} // namespace

class TestSupervisor : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_tmp;
    int m_attempts = 0;

    // A fresh, empty attempt directory.
    QString attemptDir()
    {
        const QString dir = m_tmp.filePath(QStringLiteral("attempt-%1").arg(++m_attempts));
        QDir().mkpath(dir);
        return dir;
    }
    static QString file(const QString &dir, const char *name)
    {
        return dir + QLatin1Char('/') + QLatin1String(name);
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
        const QString d = QStringLiteral("DIR");
        const QString w = QStringLiteral("--workdir=/tmp");
        QTest::newRow("nothing") << QStringList();
        QTest::newRow("no --dir") << QStringList { w, "--", "true" };
        QTest::newRow("no --workdir") << QStringList { "--dir", d, "--", "true" };
        QTest::newRow("no command") << QStringList { "--dir", d, w, "--" };
        QTest::newRow("no --") << QStringList { "--dir", d, w, "true" };
        QTest::newRow("unknown option")
            << QStringList { "--dir", d, w, "--frob", "1", "--", "true" };
        QTest::newRow("missing value") << QStringList { "--dir", d, w, "--timeout" };
        QTest::newRow("bad timeout")
            << QStringList { "--dir", d, w, "--timeout", "soon", "--", "true" };
        QTest::newRow("negative grace")
            << QStringList { "--dir", d, w, "--grace=-1", "--", "true" };
        QTest::newRow("bad log cap")
            << QStringList { "--dir", d, w, "--log-cap", "1MB", "--", "true" };
        QTest::newRow("no such dir") << QStringList { "--dir", d + "/missing", w, "--", "true" };
    }
    void badUsage()
    {
        QFETCH(QStringList, args);
        const QString dir = attemptDir();
        args.replaceInStrings(QStringLiteral("DIR"), dir);
        QProcess p;
        p.start(supervisorPath(), args);
        QVERIFY(p.waitForFinished(5000));
        QCOMPARE(p.exitStatus(), QProcess::NormalExit);
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(p.readAllStandardError().startsWith("baton-supervisor: "));
        QVERIFY(p.readAllStandardOutput().isEmpty());
        QCOMPARE(QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot), QStringList());
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
        const QString dir = attemptDir();
        Supervisor s(dir, {}, sh(command));
        QCOMPARE(s.wait(), 0);
        const auto exit = keyValues(file(dir, "exit"));
        QCOMPARE(exit.value("exit_code"), QString::number(exitCode));
        QCOMPARE(exit.value("signal"), QString::number(signal));
        QCOMPARE(exit.value("reason"), QStringLiteral("completed"));
        QCOMPARE(exit.value("truncated"), QStringLiteral("0"));
        const int pgid = keyValues(file(dir, "status")).value("pgid").toInt();
        QCOMPARE(
            s.out(),
            QStringLiteral("started %1\nexit %2 completed\n").arg(pgid).arg(exitCode).toUtf8());
    }

    // An ignored SIGCHLD is inherited through exec and would make the kernel reap the job before
    // the supervisor can read its exit status.
    void inheritedIgnoredSigchld()
    {
        const QString dir = attemptDir();
        QProcess p;
        p.setChildProcessModifier([] { ::signal(SIGCHLD, SIG_IGN); });
        p.start(supervisorPath(),
                QStringList { "--dir", dir, "--workdir", dir, "--" } + sh("exit 7"));
        QVERIFY(p.waitForFinished(5000));
        QCOMPARE(p.exitCode(), 0);
        QCOMPARE(keyValues(file(dir, "exit")).value("exit_code"), QStringLiteral("7"));
    }

    void statusFile()
    {
        const QString dir = attemptDir();
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        Supervisor s(dir, {}, sh("echo $$"));
        const int startedPgid = s.waitStarted();
        const qint64 supervisorPid = s.pid();
        QCOMPARE(s.wait(), 0);
        const qint64 after = QDateTime::currentMSecsSinceEpoch();

        const auto status = keyValues(file(dir, "status"));
        QCOMPARE(status.size(), 3);
        QCOMPARE(status.value("supervisor_pid").toLongLong(), supervisorPid);
        QCOMPARE(status.value("pgid").toInt(), startedPgid);
        // The main child (sh) leads the group: its $$ is the pgid.
        QCOMPARE(texts(parseLog(readFile(file(dir, "log"))), 'O'),
                 QList<QByteArray> { QByteArray::number(startedPgid) });
        const qint64 startedAt = status.value("started_at").toLongLong();
        QVERIFY(startedAt >= before && startedAt <= after);

        const auto exit = keyValues(file(dir, "exit"));
        QCOMPARE(exit.size(), 7);
        QCOMPARE(exit.value("started_at").toLongLong(), startedAt);
        const qint64 finishedAt = exit.value("finished_at").toLongLong();
        QVERIFY(finishedAt >= startedAt && finishedAt <= after);
        QCOMPARE(exit.value("log_bytes").toLongLong(), QFileInfo(file(dir, "log")).size());
        // Written atomically: no temporary left behind.
        QCOMPARE(QDir(dir).entryList(QDir::Files, QDir::Name),
                 (QStringList { "exit", "lock", "log", "status" }));
    }

    void logRecords()
    {
        const QString dir = attemptDir();
        const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-1);
        Supervisor s(dir, {},
                     sh("echo out1; echo err1 >&2; echo out2; printf 'cr\\r\\n'; "
                        "echo err2 >&2; echo; printf 'no newline'"));
        QCOMPARE(s.wait(), 0);
        const QDateTime after = QDateTime::currentDateTimeUtc().addSecs(1);
        const QList<Record> records = parseLog(readFile(file(dir, "log")));
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
        const QString dir = attemptDir();
        QByteArray bytes;
        for (int round = 0; round < 3; ++round) {
            for (int i = 0; i < 256; ++i)
                bytes += char(i);
        }
        bytes += QByteArray("\0\0end", 5); // no trailing newline
        const QString data = m_tmp.filePath(QStringLiteral("bytes.bin"));
        writeFile(data, bytes);
        Supervisor s(dir, {}, sh(QStringLiteral("cat '%1'; cat '%1' >&2").arg(data)));
        QCOMPARE(s.wait(), 0);
        const QList<Record> records = parseLog(readFile(file(dir, "log")));
        for (const Record &r : records)
            QVERIFY(r.time.isValid());
        QCOMPARE(reassemble(records, 'O'), bytes);
        QCOMPARE(reassemble(records, 'E'), bytes);
        QCOMPARE(records.last().flag, '+');
    }

    void longLine()
    {
        const QString dir = attemptDir();
        Supervisor s(dir, {}, sh("head -c 200000 /dev/zero | tr '\\0' y; echo; echo after"));
        QCOMPARE(s.wait(), 0);
        const QList<Record> records = parseLog(readFile(file(dir, "log")));
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
        const QString dir = attemptDir();
        Supervisor s(dir, {}, sh("no-such-command-4711"));
        QCOMPARE(s.wait(), 0);
        const auto exit = keyValues(file(dir, "exit"));
        QCOMPARE(exit.value("exit_code"), QStringLiteral("127"));
        QCOMPARE(exit.value("reason"), QStringLiteral("completed")); // sh ran: it said 127
        const QList<Record> records = parseLog(readFile(file(dir, "log")));
        QCOMPARE(records.size(), 1);
        QCOMPARE(records[0].stream, 'E');
        QVERIFY(records[0].text.contains("no-such-command-4711"));
        QVERIFY(records[0].text.contains("not found"));
        QVERIFY(s.out().endsWith("exit 127 completed\n"));
    }

    // The program itself cannot be started: it never ran, unlike a shell reporting 127.
    void spawnFailed_data()
    {
        QTest::addColumn<QStringList>("program");
        QTest::addColumn<QString>("workdir");
        QTest::addColumn<QByteArray>("message");
        QTest::newRow("no such program")
            << QStringList { "/nonexistent/program", "arg" } << QDir::tempPath()
            << QByteArray("baton: cannot run /nonexistent/program: No such file or directory");
        QTest::newRow("no such workdir")
            << QStringList { "/bin/true" } << "/nonexistent/workdir"
            << QByteArray("baton: cannot change to working directory /nonexistent/workdir: "
                          "No such file or directory");
    }
    void spawnFailed()
    {
        QFETCH(QStringList, program);
        QFETCH(QString, workdir);
        QFETCH(QByteArray, message);
        const QString dir = attemptDir();
        Supervisor s(dir, {}, program, QProcessEnvironment::systemEnvironment(), workdir);
        QCOMPARE(s.wait(), 0);
        const auto exit = keyValues(file(dir, "exit"));
        QCOMPARE(exit.value("exit_code"), QStringLiteral("127"));
        QCOMPARE(exit.value("reason"), QStringLiteral("spawn_failed"));
        QCOMPARE(texts(parseLog(readFile(file(dir, "log"))), 'E'), QList<QByteArray> { message });
        QVERIFY(s.out().endsWith("exit 127 spawn_failed\n"));
    }

    void timeout_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<int>("signal");
        QTest::addColumn<int>("minMs");
        QTest::addColumn<int>("maxMs");
        QTest::newRow("stops on SIGTERM") << "sleep 100" << 15 << 900 << 4000;
        // An ignored signal is inherited: sleep ignores SIGTERM too.
        QTest::newRow("ignores SIGTERM") << "trap '' TERM; sleep 100" << 9 << 1900 << 5000;
    }
    void timeout()
    {
        QFETCH(QString, command);
        QFETCH(int, signal);
        QFETCH(int, minMs);
        QFETCH(int, maxMs);
        const QString dir = attemptDir();
        Supervisor s(dir, { "--timeout", "1", "--grace", "1" }, sh(command));
        const int pgid = s.waitStarted();
        QVERIFY(pgid > 0);
        QCOMPARE(s.wait(), 0);
        QVERIFY2(s.elapsedMs() >= minMs && s.elapsedMs() <= maxMs,
                 qPrintable(QString::number(s.elapsedMs())));
        const auto exit = keyValues(file(dir, "exit"));
        QCOMPARE(exit.value("reason"), QStringLiteral("timed_out"));
        QCOMPARE(exit.value("signal"), QString::number(signal));
        QCOMPARE(exit.value("exit_code"), QString::number(128 + signal));
        const QByteArray log = readFile(file(dir, "log"));
        QVERIFY(
            log.contains(" E ! [baton: timeout after 1s: sent SIGTERM to the process group]\n"));
        QCOMPARE(log.contains("sent SIGKILL to the process group"), signal == 9);
        QVERIFY(groupGone(pgid));
        QVERIFY(s.out().endsWith(QStringLiteral("exit %1 timed_out\n").arg(128 + signal).toUtf8()));
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
        const QString dir = attemptDir();
        const QStringList launcher
            = ignoredByParent ? sh("trap '' INT TERM HUP; exec \"$0\" \"$@\"") : QStringList();
        // A group of several processes: the shell, a background sleep, a foreground sleep.
        Supervisor s(dir, { "--grace", "5" }, sh("sleep 100 & sleep 100"),
                     QProcessEnvironment::systemEnvironment(), QDir::tempPath(), launcher);
        const int pgid = s.waitStarted();
        QVERIFY(pgid > 0);
        s.signal(signal);
        QCOMPARE(s.wait(), 0);
        QVERIFY2(s.elapsedMs() < 3000, qPrintable(QString::number(s.elapsedMs())));
        const auto exit = keyValues(file(dir, "exit"));
        QCOMPARE(exit.value("reason"), QStringLiteral("cancelled"));
        QCOMPARE(exit.value("exit_code"), QStringLiteral("143"));
        QVERIFY(readFile(file(dir, "log"))
                    .contains(QStringLiteral(
                                  "[baton: cancelled by %1: sent SIGTERM to the process group]")
                                  .arg(name)
                                  .toUtf8()));
        QVERIFY(groupGone(pgid));
    }

    // A second request does not wait for the grace period.
    void cancelTwice()
    {
        const QString dir = attemptDir();
        Supervisor s(dir, { "--grace", "30" }, sh("trap '' TERM; echo ready; sleep 100"));
        const int pgid = s.waitStarted();
        QVERIFY(pgid > 0);
        QTRY_VERIFY_WITH_TIMEOUT(readFile(file(dir, "log")).contains(" O   ready\n"), 5000);
        s.signal(SIGTERM);
        QTest::qWait(300);
        s.signal(SIGTERM);
        QCOMPARE(s.wait(), 0);
        QVERIFY(s.elapsedMs() < 5000);
        const auto exit = keyValues(file(dir, "exit"));
        QCOMPARE(exit.value("reason"), QStringLiteral("cancelled"));
        QCOMPARE(exit.value("signal"), QStringLiteral("9"));
        QVERIFY(readFile(file(dir, "log")).contains("SIGTERM received again: sent SIGKILL"));
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
        const QString dir = attemptDir();
        Supervisor s(dir, {}, sh(command), QProcessEnvironment::systemEnvironment(), dir);
        const int pgid = s.waitStarted();
        QCOMPARE(s.wait(), 0);
        QVERIFY2(s.elapsedMs() < 4000, qPrintable(QString::number(s.elapsedMs())));
        const int leftover = readFile(file(dir, "bg.pid")).trimmed().toInt();
        QVERIFY(leftover > 0);
        QVERIFY(processGone(leftover)); // killed, and reaped by the supervisor
        QVERIFY(groupGone(pgid));
        const auto exit = keyValues(file(dir, "exit"));
        QCOMPARE(exit.value("reason"), QStringLiteral("completed"));
        QCOMPARE(exit.value("exit_code"), QStringLiteral("0"));
        QVERIFY(readFile(file(dir, "log")).contains("the job exited but left processes running"));
    }

    void logCap()
    {
        const QString dir = attemptDir();
        const qint64 cap = 1000000;
        // 100 MB without a newline, then 20 MB of short lines: the job must never block, and its
        // writes must all succeed (&&: a closed pipe would fail the job).
        Supervisor s(dir, { "--log-cap", QString::number(cap) },
                     sh("head -c 100000000 /dev/zero | tr '\\0' x && yes | head -c 20000000 &&"
                        " sleep 0.3"));
        qint64 peakKiB = -1;
        const qint64 pid = s.pid();
        QCOMPARE(s.wait(20000, [&] { peakKiB = std::max(peakKiB, vmHwmKiB(pid)); }), 0);
        QVERIFY2(peakKiB > 0 && peakKiB < 20 * 1024, qPrintable(QString::number(peakKiB)));
        const auto exit = keyValues(file(dir, "exit"));
        QCOMPARE(exit.value("reason"), QStringLiteral("completed"));
        QCOMPARE(exit.value("exit_code"), QStringLiteral("0"));
        QCOMPARE(exit.value("truncated"), QStringLiteral("1"));
        const qint64 size = QFileInfo(file(dir, "log")).size();
        QCOMPARE(exit.value("log_bytes").toLongLong(), size);
        QVERIFY2(size <= cap + 200 && size > cap - 70000, qPrintable(QString::number(size)));
        const QList<Record> records = parseLog(readFile(file(dir, "log")));
        QCOMPARE(records.last().text,
                 QByteArray("[baton: log truncated at 1000000 bytes; further output discarded]"));
        QCOMPARE(records.last().flag, '!');
    }

    void environment()
    {
        const QString dir = attemptDir();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("API_TOKEN", "s3cr3t-V@lue");
        env.insert("DB_CERT", "line-one-secret\nline-two-secret");
        env.insert("SHORT", "ab"); // too short to mask
        env.insert("PLAIN", "visible-value");
        env.insert("BATON_SUPERVISOR_SECRET_NAMES", "API_TOKEN,DB_CERT,SHORT,NOT_SET");
        env.insert("BATON_SUPERVISOR_OTHER", "private");
        Supervisor s(dir, {},
                     sh("echo \"token=$API_TOKEN\"; echo \"twice:$API_TOKEN$API_TOKEN\" >&2;"
                        " printf '%s\\n' \"$DB_CERT\"; echo \"plain=$PLAIN short=$SHORT\";"
                        " echo \"sup=${BATON_SUPERVISOR_OTHER-unset}"
                        "/${BATON_SUPERVISOR_SECRET_NAMES-unset}\";"
                        " env | grep -c '^BATON_SUPERVISOR_';"
                        // A secret across the 64 KiB split of an over-long line.
                        " head -c 65530 /dev/zero | tr '\\0' a; echo \"$API_TOKEN\""),
                     env);
        QCOMPARE(s.wait(), 0);
        const QByteArray log = readFile(file(dir, "log"));
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

    void lockedBySomeoneElse()
    {
        const QString dir = attemptDir();
        const QString marker = file(dir, "ran");
        // The engine checking liveness holds the lock for a moment: the supervisor must not run.
        const int fd = ::open(qPrintable(file(dir, "lock")), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        QVERIFY(fd >= 0);
        QCOMPARE(::flock(fd, LOCK_EX | LOCK_NB), 0);
        Supervisor s(dir, {}, sh("touch '" + marker + "'"));
        QCOMPARE(s.wait(), 3);
        ::close(fd);
        QVERIFY(s.err().contains("locked"));
        QVERIFY(!QFile::exists(marker));
        QCOMPARE(QDir(dir).entryList(QDir::Files), QStringList { "lock" });
    }

    void secondSupervisor()
    {
        const QString dir = attemptDir();
        const QString marker = file(dir, "ran");
        Supervisor first(dir, {}, sh("echo first; sleep 100"));
        QVERIFY(first.waitStarted() > 0);
        // The log is flushed whenever the supervisor waits: the engine can tail it.
        QTRY_VERIFY_WITH_TIMEOUT(readFile(file(dir, "log")).contains(" O   first\n"), 5000);
        // The lock is held while the job runs, so a liveness probe fails to take it.
        const int fd = ::open(qPrintable(file(dir, "lock")), O_RDWR | O_CLOEXEC);
        QVERIFY(fd >= 0);
        QCOMPARE(::flock(fd, LOCK_EX | LOCK_NB), -1);
        ::close(fd);

        Supervisor second(dir, {}, sh("touch '" + marker + "'"));
        QCOMPARE(second.wait(), 3);
        QVERIFY(second.out().isEmpty());
        QVERIFY(!QFile::exists(marker));

        first.signal(SIGTERM);
        QCOMPARE(first.wait(), 0);
        QCOMPARE(keyValues(file(dir, "exit")).value("reason"), QStringLiteral("cancelled"));
        QVERIFY(readFile(file(dir, "log")).contains(" O   first\n")); // not clobbered
    }

    void closedAttempt_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("abandoned by the engine") << "abandoned";
        QTest::newRow("already started") << "status";
        QTest::newRow("already finished") << "exit";
    }
    void closedAttempt()
    {
        QFETCH(QString, name);
        const QString dir = attemptDir();
        const QString marker = file(dir, "ran");
        writeFile(dir + '/' + name, "exit_code=0\n");
        Supervisor s(dir, {}, sh("touch '" + marker + "'"));
        QCOMPARE(s.wait(), 3);
        QVERIFY(s.err().contains(name.toUtf8() + " exists"));
        QVERIFY(!QFile::exists(marker));
        QCOMPARE(readFile(dir + '/' + name), QByteArray("exit_code=0\n"));
        QStringList expected { "lock", name };
        expected.sort();
        QCOMPARE(QDir(dir).entryList(QDir::Files, QDir::Name), expected); // no log, no status
    }

    // The property the engine depends on: its death (kill -9) does not touch the attempt.
    void survivesParentKill()
    {
        const QString dir = attemptDir();
        // Orphans come to this test process, so it can check how the supervisor ended.
        QCOMPARE(::prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
        auto restore = qScopeGuard([] { ::prctl(PR_SET_CHILD_SUBREAPER, 0); });

        // The "engine": a shell whose child is the supervisor, sharing its stdout pipe.
        QProcess engine;
        engine.start("/bin/sh",
                     QStringList { "-c", "\"$@\" & wait", "sh", supervisorPath(), "--dir", dir,
                                   "--workdir", dir, "--", "/bin/sh", "-c",
                                   "sleep 1; echo finished > result; echo finished" });
        QElapsedTimer t;
        t.start();
        QByteArray out;
        while (!out.contains('\n') && t.elapsed() < 5000) {
            engine.waitForReadyRead(50);
            out += engine.readAllStandardOutput();
        }
        QVERIFY(out.startsWith("started "));
        const pid_t supervisorPid = keyValues(file(dir, "status")).value("supervisor_pid").toInt();
        QVERIFY(supervisorPid > 0);

        engine.kill(); // SIGKILL; QProcess then closes its end of the pipe
        QVERIFY(engine.waitForFinished(5000));
        QVERIFY(!QFile::exists(file(dir, "exit")));

        int status = 0;
        pid_t reaped = 0;
        t.restart();
        while ((reaped = ::waitpid(supervisorPid, &status, WNOHANG)) == 0 && t.elapsed() < 10000)
            QTest::qWait(20);
        QCOMPARE(reaped, supervisorPid);
        // Not killed by SIGPIPE when writing "exit ..." to the dead engine's pipe.
        QVERIFY(WIFEXITED(status));
        QCOMPARE(WEXITSTATUS(status), 0);
        QCOMPARE(readFile(file(dir, "result")), QByteArray("finished\n"));
        const auto exit = keyValues(file(dir, "exit"));
        QCOMPARE(exit.value("reason"), QStringLiteral("completed"));
        QCOMPARE(exit.value("exit_code"), QStringLiteral("0"));
        QVERIFY(readFile(file(dir, "log")).contains(" O   finished\n"));
        // The lock died with the supervisor: the engine's liveness probe now succeeds.
        const int fd = ::open(qPrintable(file(dir, "lock")), O_RDWR | O_CLOEXEC);
        QCOMPARE(::flock(fd, LOCK_EX | LOCK_NB), 0);
        ::close(fd);
    }
};

QTEST_GUILESS_MAIN(TestSupervisor)
#include "tst_supervisor.moc"
