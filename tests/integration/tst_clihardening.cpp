// The CLI under hostile or careless input (issue #16): numbers, usage errors, terminal escapes,
// secrets in parameters, progress through a pipe, workspace permissions, read-only workspaces.
// Drives the real `baton` binary.
#include "fixture.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QScopeGuard>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>
#include <unistd.h>

using namespace Baton::IntegrationTest;

namespace {

/// Runs baton; as user nobody (through setpriv) when @p asOther and this test runs as root,
/// since root writes through every permission.
Result baton(const QStringList &args, bool asOther = false)
{
    if (asOther && ::geteuid() == 0) {
        return runProgram(
            QStringLiteral("setpriv"),
            QStringList { QStringLiteral("--reuid=65534"), QStringLiteral("--regid=65534"),
                          QStringLiteral("--clear-groups"), QStringLiteral(BATON_BINARY) }
                + args);
    }
    return runBaton(args);
}

int mode(const QString &path)
{
    struct stat st
    {
    };
    return ::lstat(QFile::encodeName(path).constData(), &st) == 0 ? int(st.st_mode & 07777) : -1;
}

const QByteArray kProject = "project: p\n"
                            "environments: [dev]\n"
                            "variables:\n"
                            "  - {name: TOKEN, value: s3cr3t-in-file, secret: true}\n"
                            "jobs:\n"
                            "  - {name: hello, command: \"echo hello from the job\"}\n"
                            "  - name: gate\n"
                            "    command: \"echo waiting; while [ ! -f \\\"$RELEASE\\\" ]; do "
                            "sleep 0.05; done; echo done\"\n"
                            "pipelines:\n"
                            "  - {name: quick, tasks: [{job: hello}]}\n"
                            "  - {name: gated, tasks: [{job: gate}]}\n";

} // namespace

class TestCliHardening : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_tmp;
    TestWorkspaces m_spaces;
    int m_n = 0;

    /// A new workspace with the project imported (a new database on a PostgreSQL run).
    QString workspace()
    {
        const QString dir = m_spaces.address(m_tmp.filePath(QStringLiteral("ws%1").arg(++m_n)));
        const QString yaml = m_tmp.filePath(QStringLiteral("p%1.yaml").arg(m_n));
        if (!writeFile(yaml, kProject))
            return {};
        const Result r
            = baton({ QStringLiteral("--workspace"), dir, QStringLiteral("import"), yaml });
        if (r.exitCode != 0)
            qWarning("import failed: %s", qPrintable(r.err));
        return dir;
    }
    Result in(const QString &dir, const QStringList &args, bool asOther = false)
    {
        return baton(inWorkspace(dir, args), asOther);
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_tmp.isValid()); }

    // #16 item 10: one parser, with its range, for every number on the command line.
    void numbers_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        const QString limit = QStringLiteral("--limit: expected a whole number from 1 to 100000");
        QTest::newRow("runs --limit abc") << QStringList { "runs", "--limit", "abc" } << 2
                                          << limit + QStringLiteral(", got 'abc'");
        QTest::newRow("runs --limit 1x") << QStringList { "runs", "--limit", "1x" } << 2 << limit;
        QTest::newRow("runs --limit 0") << QStringList { "runs", "--limit", "0" } << 2 << limit;
        QTest::newRow("runs --limit huge")
            << QStringList { "runs", "--limit", "99999999999999999999" } << 2 << limit;
        QTest::newRow("runs --limit -1") << QStringList { "runs", "--limit", "-1" } << 2 << limit;
        QTest::newRow("runs --limit=-1") << QStringList { "runs", "--limit=-1" } << 2 << limit;
        QTest::newRow("show -1") << QStringList { "show", "-1" } << 1
                                 << "'-1' is not a run id (a positive number";
        QTest::newRow("cancel -1") << QStringList { "cancel", "-1" } << 1 << "'-1' is not a run id";
        QTest::newRow("logs -5 hello")
            << QStringList { "logs", "-5", "hello" } << 1 << "'-5' is not a run id";
        QTest::newRow("settings max_parallel -1")
            << QStringList { "settings", "max_parallel", "-1" } << 1
            << "max_parallel: expected a whole number from 1 to 4096, got '-1'";
        QTest::newRow("settings kill_grace_seconds huge")
            << QStringList { "settings", "kill_grace_seconds", "99999999999" } << 1
            << "kill_grace_seconds: expected a whole number from 0 to 86400, got '99999999999'";
        QTest::newRow("run --parallelism -2")
            << QStringList { "run", "p/quick", "--parallelism", "-2" } << 2
            << "--parallelism: expected a whole number from 1 to 4096, got '-2'";
        QTest::newRow("schedule next --count 0")
            << QStringList { "schedule", "next", "* * * * *", "--count", "0" } << 2
            << "--count: expected a whole number from 1 to 100000, got '0'";
        QTest::newRow("engine --parallelism x")
            << QStringList { "engine", "--parallelism", "x" } << 2
            << "--parallelism: expected a whole number from 1 to 4096, got 'x'";
    }
    void numbers()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const QString dir = workspace();
        const Result r = in(dir, args);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY(!r.err.contains(QStringLiteral("Unknown option")));
        // Refused means unchanged: no run, the settings as they were.
        QCOMPARE(in(dir, { QStringLiteral("runs") }).out.count(QLatin1Char('\n')), 1);
        const Result grace
            = in(dir, { QStringLiteral("settings"), QStringLiteral("kill_grace_seconds") });
        QVERIFY2(grace.out.contains(QRegularExpression(QStringLiteral("kill_grace_seconds +10 "))),
                 qPrintable(grace.out));
    }

    // A negative number reaches the command in its place among the arguments, and options
    // around it stay options.
    void negativeNumbersKeepTheirPlace()
    {
        const QString dir = workspace();
        const Result retry
            = in(dir, { QStringLiteral("retry"), QStringLiteral("-1"), QStringLiteral("hello") });
        QCOMPARE(retry.exitCode, 1);
        QVERIFY2(retry.err.contains(QStringLiteral("'-1' is not a run id")), qPrintable(retry.err));
        const Result json
            = in(dir, { QStringLiteral("show"), QStringLiteral("--json"), QStringLiteral("-1") });
        QCOMPARE(json.exitCode, 1);
        QVERIFY2(json.err.contains(QStringLiteral("'-1' is not a run id")), qPrintable(json.err));
        const Result bad = in(dir, { QStringLiteral("runs"), QStringLiteral("-x") });
        QCOMPARE(bad.exitCode, 2);
        QVERIFY(bad.err.contains(QStringLiteral("Unknown option 'x'")));
    }

    // #16 item 13: both --param mistakes are usage errors.
    void paramMistakesAreUsageErrors_data()
    {
        QTest::addColumn<QString>("param");
        QTest::addColumn<QString>("message");
        QTest::newRow("no =") << "NOEQ"
                              << "--param 'NOEQ': expected NAME=VALUE";
        QTest::newRow("bad name") << "1X=v"
                                  << "--param 1X: not a valid variable name";
    }
    void paramMistakesAreUsageErrors()
    {
        QFETCH(QString, param);
        QFETCH(QString, message);
        const QString dir = workspace();
        const Result r = in(
            dir,
            { QStringLiteral("run"), QStringLiteral("p/quick"), QStringLiteral("--param"), param });
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QCOMPARE(in(dir, { QStringLiteral("runs") }).out.count(QLatin1Char('\n')), 1); // no run
    }

    // #16 item 13: `schedule next` of an expression that never fires says so and fails.
    void scheduleNextThatNeverFires()
    {
        const Result r = baton(
            { QStringLiteral("schedule"), QStringLiteral("next"), QStringLiteral("0 0 30 2 *") });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("\"0 0 30 2 *\" never fires")), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }

    // #16 item 4: a run parameter that overrides a secret is a secret in show, show --json
    // and runs --json (as in logs and compare); other parameters are shown as given.
    void parameterOverridingASecretIsMasked()
    {
        const QString dir = workspace();
        const Result run
            = in(dir,
                 { QStringLiteral("run"), QStringLiteral("p/quick"), QStringLiteral("--param"),
                   QStringLiteral("TOKEN=hunter2-override"), QStringLiteral("--param"),
                   QStringLiteral("PLAIN=visible"), QStringLiteral("--wait") });
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY(!run.out.contains(QStringLiteral("hunter2")));
        const Result show = in(dir, { QStringLiteral("show"), QStringLiteral("1") });
        QCOMPARE(show.exitCode, 0);
        QVERIFY2(!show.out.contains(QStringLiteral("hunter2")), qPrintable(show.out));
        QVERIFY2(show.out.contains(QStringLiteral("TOKEN=***")), qPrintable(show.out));
        QVERIFY(show.out.contains(QStringLiteral("PLAIN=visible")));
        for (const QStringList &args :
             { QStringList { QStringLiteral("show"), QStringLiteral("1"),
                             QStringLiteral("--json") },
               QStringList { QStringLiteral("runs"), QStringLiteral("--json") } }) {
            const Result r = in(dir, args);
            QCOMPARE(r.exitCode, 0);
            QVERIFY2(!r.out.contains(QStringLiteral("hunter2")), qPrintable(r.out));
            const QJsonObject params = QJsonDocument::fromJson(r.out.toUtf8())
                                           .array()
                                           .at(0)[QLatin1String("parameters")]
                                           .toObject();
            QCOMPARE(params[QLatin1String("TOKEN")].toString(), QStringLiteral("***"));
            QCOMPARE(params[QLatin1String("PLAIN")].toString(), QStringLiteral("visible"));
        }
    }

    // #17, retry with changed parameters: `rerun RUN --new` makes a new run from the old one;
    // an unchanged secret reaches the job (its hash says so, never its value), a changed value
    // replaces the old one; mistakes are refused and create nothing.
    void rerunNewWithChangedParameters()
    {
        const QString dir = m_spaces.address(m_tmp.filePath(QStringLiteral("rerun")));
        const QString yaml = m_tmp.filePath(QStringLiteral("rerun.yaml"));
        QVERIFY(writeFile(yaml,
                          "project: v\n"
                          "environments: [dev, prod]\n"
                          "variables:\n"
                          "  - {name: TOKEN, value: s3cr3t-in-file, secret: true}\n"
                          "  - {name: LEVEL, value: \"1\"}\n"
                          "jobs:\n"
                          "  - name: hash\n"
                          "    command: |\n"
                          "      printf 'len=%s sha=%s level=%s\\n' \"${#TOKEN}\" \"$(printf %s "
                          "\"$TOKEN\" | sha256sum | cut -d' ' -f1)\" \"$LEVEL\"\n"
                          "pipelines:\n"
                          "  - {name: check, tasks: [{job: hash}]}\n"));
        QCOMPARE(
            baton({ QStringLiteral("--workspace"), dir, QStringLiteral("import"), yaml }).exitCode,
            0);
        const auto seen = [&](const QString &run, const QString &secret, const QString &level) {
            const Result logs = in(dir, { QStringLiteral("logs"), run, QStringLiteral("hash") });
            const QString sha = QString::fromLatin1(
                QCryptographicHash::hash(secret.toUtf8(), QCryptographicHash::Sha256).toHex());
            const bool ok = logs.out.contains(
                QStringLiteral("len=%1 sha=%2 level=%3").arg(secret.size()).arg(sha, level));
            if (!ok)
                qWarning("run %s logged: %s%s", qPrintable(run), qPrintable(logs.out),
                         qPrintable(logs.err));
            return ok;
        };
        const auto runCount = [&] {
            return QJsonDocument::fromJson(
                       in(dir, { QStringLiteral("runs"), QStringLiteral("--json") }).out.toUtf8())
                .array()
                .size();
        };
        const QString secret = QStringLiteral("param-secret-5150");
        Result r = in(dir,
                      { QStringLiteral("run"), QStringLiteral("v/check"), QStringLiteral("--param"),
                        QStringLiteral("TOKEN=") + secret, QStringLiteral("--param"),
                        QStringLiteral("LEVEL=2"), QStringLiteral("--wait") });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(seen(QStringLiteral("1"), secret, QStringLiteral("2")));

        r = in(dir,
               { QStringLiteral("rerun"), QStringLiteral("1"), QStringLiteral("--new"),
                 QStringLiteral("--param"), QStringLiteral("LEVEL=3"), QStringLiteral("--wait") });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral("run 2 queued: v/check, again from run 1")),
                 qPrintable(r.out));
        QVERIFY(!r.out.contains(secret));
        QVERIFY(seen(QStringLiteral("2"), secret, QStringLiteral("3")));
        const Result show = in(dir, { QStringLiteral("show"), QStringLiteral("2") });
        QVERIFY2(show.out.contains(QStringLiteral("TOKEN=***")), qPrintable(show.out));
        QVERIFY(!show.out.contains(secret));

        // A new value replaces the secret; --unset leaves it to the project's own.
        r = in(dir,
               { QStringLiteral("rerun"), QStringLiteral("2"), QStringLiteral("--param"),
                 QStringLiteral("TOKEN=other-value-99"), QStringLiteral("--wait") });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(seen(QStringLiteral("3"), QStringLiteral("other-value-99"), QStringLiteral("3")));
        r = in(dir,
               { QStringLiteral("rerun"), QStringLiteral("1"), QStringLiteral("--unset"),
                 QStringLiteral("TOKEN"), QStringLiteral("--unset"), QStringLiteral("LEVEL"),
                 QStringLiteral("--wait") });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(seen(QStringLiteral("4"), QStringLiteral("s3cr3t-in-file"), QStringLiteral("1")));

        const QList<std::tuple<QStringList, int, QString>> mistakes {
            { { "rerun", "1", "--param", "LEVLE=3" }, 1, "did you mean 'LEVEL'?" },
            { { "rerun", "1", "--param", "DRY_RUN=1" },
              1,
              "'DRY_RUN' is neither a variable of the pipeline's project nor a parameter" },
            { { "rerun", "1", "--param", "=3" }, 2, "--param '=3': expected NAME=VALUE" },
            { { "rerun", "1", "--unset", "NOPE" }, 1, "run 1 has no parameter NOPE" },
            { { "rerun", "1", "--env", "qa" }, 1, "has no environment 'qa'" },
            { { "rerun", "99", "--new" }, 1, "no run 99" },
            { { "rerun", "1" }, 2, "usage: baton rerun RUN --failed" },
            { { "rerun", "1", "--failed", "--param", "LEVEL=3" }, 2, "baton rerun RUN --new" },
        };
        const int runs = runCount();
        QCOMPARE(runs, 4);
        for (const auto &[args, exitCode, message] : mistakes) {
            const Result m = in(dir, args);
            QVERIFY2(m.exitCode == exitCode,
                     qPrintable(args.join(u' ') + QLatin1String(": ") + m.err));
            QVERIFY2(m.err.contains(message),
                     qPrintable(args.join(u' ') + QLatin1String(": ") + m.err));
            QCOMPARE(runCount(), runs);
        }
    }

    // #16 item 13: an empty TASK is an error, not every task; what `show` prints cannot drive
    // the terminal; a request waiting for an engine is worded as a request.
    void logsShowAndRequestWording()
    {
        const QString dir = workspace();
        const Result run = in(
            dir, { QStringLiteral("run"), QStringLiteral("p/quick"), QStringLiteral("--wait") });
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));

        const Result emptyTask
            = in(dir, { QStringLiteral("logs"), QStringLiteral("1"), QString() });
        QCOMPARE(emptyTask.exitCode, 2);
        QVERIFY2(emptyTask.err.contains(QStringLiteral("TASK is empty")),
                 qPrintable(emptyTask.err));
        QVERIFY(!emptyTask.out.contains(QStringLiteral("hello from the job")));

        const QString hostile = QStringLiteral("\x1b]0;pwned\x07\x1b[31mred\rtext");
        QCOMPARE(in(dir, { QStringLiteral("annotate"), QStringLiteral("1"), hostile }).exitCode, 0);
        const Result show = in(dir, { QStringLiteral("show"), QStringLiteral("1") });
        QCOMPARE(show.exitCode, 0);
        QVERIFY2(!show.out.contains(QChar(0x1b)) && !show.out.contains(QChar(0x07))
                     && !show.out.contains(QLatin1Char('\r')),
                 qPrintable(show.out));
        QVERIFY2(show.out.contains(QStringLiteral("\\e]0;pwned\\x07\\e[31mred\\x0dtext")),
                 qPrintable(show.out));

        // No engine runs: the deletion is requested, and said so in those words.
        const Result del
            = in(dir, { QStringLiteral("delete"), QStringLiteral("1"), QStringLiteral("--yes") });
        QCOMPARE(del.exitCode, 0);
        QVERIFY2(del.out.contains(QStringLiteral("deletion of run 1 requested (request ")),
                 qPrintable(del.out));
        QVERIFY(!del.out.contains(QStringLiteral("deleted requested")));
    }

    // #16 item 11: `run --wait` into a pipe prints each progress line as it happens.
    void progressIsNotBufferedInAPipe()
    {
        const QString dir = workspace();
        const QString release = m_tmp.filePath(QStringLiteral("release-%1").arg(m_n));
        QProcess p;
        p.start(QStringLiteral(BATON_BINARY),
                { QStringLiteral("--workspace"), dir, QStringLiteral("run"),
                  QStringLiteral("p/gated"), QStringLiteral("--param"),
                  QStringLiteral("RELEASE=") + release, QStringLiteral("--wait") });
        QVERIFY(p.waitForStarted());
        // The task is held until the file exists: a line read now came before the end.
        QString seen;
        QTRY_VERIFY_WITH_TIMEOUT((seen += QString::fromUtf8(p.readAllStandardOutput()),
                                  seen.contains(QStringLiteral("gate"))),
                                 30000);
        QCOMPARE(p.state(), QProcess::Running);
        QFile(release).open(QIODevice::WriteOnly);
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 0);
    }

    // #16 item 3: a workspace, its database, its logs and its runs' files are its owner's only,
    // whatever the umask; one made before is tightened when opened. On a team workspace the
    // same holds for this machine's directory of its files (~/.local/share/baton/team/<id>).
    void workspaceIsPrivate()
    {
        const mode_t previous = ::umask(022);
        const QString dir = workspace();
        const Result run = in(
            dir, { QStringLiteral("run"), QStringLiteral("p/quick"), QStringLiteral("--wait") });
        ::umask(previous);
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        // Where the files are, as the run names them (opening the workspace here would tighten).
        const Result show
            = in(dir, { QStringLiteral("show"), QStringLiteral("1"), QStringLiteral("--json") });
        const QString log = QJsonDocument::fromJson(show.out.toUtf8())
                                .array()
                                .at(0)[QLatin1String("tasks")][0][QLatin1String("attempts")][0]
                                      [QLatin1String("log")]
                                .toString(); // FILES/runs/1/hello.1.log
        const QString files = QFileInfo(log).dir().absoluteFilePath(QStringLiteral("../.."));
        QVERIFY2(QFileInfo::exists(files + QStringLiteral("/runs")), qPrintable(show.out));
        QCOMPARE(QDir::cleanPath(files) == dir, !TestWorkspaces::onPostgres());
        const QString database
            = TestWorkspaces::onPostgres() ? QString() : dir + QStringLiteral("/baton.db");
        QCOMPARE(mode(files), 0700);
        if (!database.isEmpty())
            QCOMPARE(mode(database), 0600);
        QCOMPARE(mode(files + QStringLiteral("/logs")), 0700);
        QCOMPARE(mode(files + QStringLiteral("/logs/baton.log")), 0600);
        QCOMPARE(mode(files + QStringLiteral("/runs")), 0700);
        // What the supervisor writes for an attempt: its output and its state record.
        int logs = 0;
        QDirIterator it(files + QStringLiteral("/runs"), QDir::Files | QDir::Hidden,
                        QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            const QString name = it.fileName();
            if (name.endsWith(QLatin1String(".log")) || name.contains(QLatin1String("state"))) {
                ++logs;
                QVERIFY2(mode(path) == 0600, qPrintable(path));
            }
        }
        QVERIFY(logs > 0);

        // Made world-readable by hand (or by an older Baton): tightened on the next open.
        QVERIFY(::chmod(QFile::encodeName(files).constData(), 0755) == 0);
        if (!database.isEmpty())
            QVERIFY(::chmod(QFile::encodeName(database).constData(), 0644) == 0);
        QVERIFY(
            ::chmod(QFile::encodeName(files + QStringLiteral("/logs/baton.log")).constData(), 0644)
            == 0);
        QCOMPARE(in(dir, { QStringLiteral("projects") }).exitCode, 0);
        QCOMPARE(mode(files), 0700);
        if (!database.isEmpty())
            QCOMPARE(mode(database), 0600);
        QCOMPARE(mode(files + QStringLiteral("/logs/baton.log")), 0600);
    }

    // #16 item 7: a workspace this user cannot write is read, not reported corrupt; a write
    // says "read-only" and changes nothing. On PostgreSQL: a login that may only read.
    void readOnlyWorkspace()
    {
        if (TestWorkspaces::onPostgres())
            return readOnlyLogin();
        if (::geteuid() == 0 && QStandardPaths::findExecutable(QStringLiteral("setpriv")).isEmpty())
            QSKIP("running as root without setpriv: cannot be a user without write access");
        const QString dir = workspace();
        const Result run = in(
            dir, { QStringLiteral("run"), QStringLiteral("p/quick"), QStringLiteral("--wait") });
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QVERIFY(!QFile::exists(dir + QStringLiteral("/baton.db-wal"))); // closed cleanly
        // Readable by the other user, writable by nobody but root.
        QVERIFY(::chmod(QFile::encodeName(m_tmp.path()).constData(), 0755) == 0);
        QProcess::execute(QStringLiteral("chmod"),
                          { QStringLiteral("-R"), QStringLiteral("a+rX,a-w"), dir });
        const QByteArray before = [&] {
            QFile f(dir + QStringLiteral("/baton.db"));
            f.open(QIODevice::ReadOnly);
            return f.readAll();
        }();

        expectReadsWork(dir, true);
        const Result write = in(
            dir, { QStringLiteral("annotate"), QStringLiteral("1"), QStringLiteral("note") }, true);
        QCOMPARE(write.exitCode, 1);
        QVERIFY2(write.err.contains(QStringLiteral("read-only")), qPrintable(write.err));
        QVERIFY(!write.err.contains(QStringLiteral("corrupt")));
        QFile f(dir + QStringLiteral("/baton.db"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), before);
        QVERIFY(!QFile::exists(dir + QStringLiteral("/baton.db-wal")));
        QProcess::execute(QStringLiteral("chmod"),
                          { QStringLiteral("-R"), QStringLiteral("u+w"), dir });
    }

private:
    /// Reading commands on @p dir succeed and show the run's log.
    void expectReadsWork(const QString &dir, bool asOther)
    {
        for (const QStringList &args :
             { QStringList { QStringLiteral("runs") },
               QStringList { QStringLiteral("show"), QStringLiteral("1") },
               QStringList { QStringLiteral("logs"), QStringLiteral("1") },
               QStringList { QStringLiteral("projects") } }) {
            const Result r = in(dir, args, asOther);
            QVERIFY2(r.exitCode == 0,
                     qPrintable(args.join(QLatin1Char(' ')) + QLatin1Char(':') + r.err));
            QVERIFY2(!r.err.contains(QStringLiteral("corrupt")), qPrintable(r.err));
        }
        const Result logs = in(dir, { QStringLiteral("logs"), QStringLiteral("1") }, asOther);
        QVERIFY2(logs.out.contains(QStringLiteral("hello from the job")), qPrintable(logs.out));
    }

    // readOnlyWorkspace on a team workspace: a login granted SELECT only reads (its logs from
    // the database); every write says read-only and the database holds what it held.
    void readOnlyLogin()
    {
        const QString dir = workspace();
        const Result run = in(
            dir, { QStringLiteral("run"), QStringLiteral("p/quick"), QStringLiteral("--wait") });
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        const Baton::Test::PgDatabase *pg = m_spaces.database(dir);
        QVERIFY(pg);
        const QString role = QStringLiteral("reader_") + pg->name().right(8);
        QCOMPARE(Baton::Test::pgAdmin(QStringLiteral("CREATE ROLE %1 LOGIN").arg(role)), QString());
        const auto dropRole = qScopeGuard([&] {
            pg->exec(QStringLiteral("REVOKE ALL ON ALL TABLES IN SCHEMA baton FROM %1; REVOKE "
                                    "USAGE ON SCHEMA baton FROM %1")
                         .arg(role));
            Baton::Test::pgAdmin(QStringLiteral("DROP ROLE %1").arg(role));
        });
        QCOMPARE(pg->exec(QStringLiteral("GRANT USAGE ON SCHEMA baton TO %1; GRANT SELECT ON ALL "
                                         "TABLES IN SCHEMA baton TO %1")
                              .arg(role)),
                 QString());
        const QString reader = QString(dir).replace(QStringLiteral("postgres@"), role + u'@');
        const QString before = pg->contentDigest();
        QVERIFY(!before.isEmpty());

        expectReadsWork(reader, false);
        for (const QStringList &args :
             { QStringList { QStringLiteral("annotate"), QStringLiteral("1"),
                             QStringLiteral("note") },
               QStringList { QStringLiteral("run"), QStringLiteral("p/quick") },
               QStringList { QStringLiteral("settings"), QStringLiteral("timezone"),
                             QStringLiteral("Europe/Paris") } }) {
            const Result write = in(reader, args);
            QVERIFY2(write.exitCode == 1, qPrintable(args.join(u' ') + u':' + write.err));
            QVERIFY2(write.err.contains(QStringLiteral("read-only")), qPrintable(write.err));
            QVERIFY2(write.err.contains(QStringLiteral("postgresql://") + role + u'@'),
                     qPrintable(write.err)); // names the workspace as this login reaches it
        }
        QCOMPARE(pg->contentDigest(), before);
    }
};

QTEST_GUILESS_MAIN(TestCliHardening)
#include "tst_clihardening.moc"
