// A console on another machine (#19, "no shared filesystem is needed"): an engine runs a job on
// a team workspace in PostgreSQL (the test server ctest starts) and ships its log into the
// database, secrets masked; then `baton` with a fresh HOME, the engine's run directory moved
// away, still shows the log, the job's metrics and its files, all read from the database.

#include "core/pgserver.h"
#include "fixture.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/workspace.h"

#include <QDir>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

using namespace Baton;
using namespace Baton::IntegrationTest;

class TestTeamLogs : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { BATON_REQUIRE_PG(); }

    void logsMetricsAndFilesShowWithoutTheEnginesFiles()
    {
        Test::PgDatabase pg;
        QCOMPARE(pg.error(), QString());
        QTemporaryDir elsewhere;
        qint64 runId = 0;
        QString engineLog;
        {
            Workspace ws(pg.url(), Workspace::Mode::CreateIfMissing);
            JobSpec talk = job(
                QStringLiteral("talk"),
                QStringLiteral("echo hello from the job; echo \"token is $TOKEN\"; i=0; while [ $i "
                               "-lt 20000 ]; do echo \"line $i of the output\"; i=$((i+1)); "
                               "done; echo 'rows 42' > \"$BATON_METRICS_FILE\"; echo the end >&2"));
            talk.files << JobFile { QStringLiteral("notes.txt"), "kept in the database\n", false };
            ProjectWriter::apply(ws.store(),
                                 { pipeProject({ talk }, { task(QStringLiteral("talk")) },
                                               { { QStringLiteral("TOKEN"),
                                                   QStringLiteral("tok-TEAM-4711"),
                                                   true,
                                                   {},
                                                   {} } }) },
                                 QStringLiteral("tester"));
            RunRequest request;
            request.project = QStringLiteral("proj");
            request.pipeline = QStringLiteral("pipe");
            request.actor = QStringLiteral("tester");
            runId = RunService::createRun(ws.store(), request);

            Engine engine(&ws, engineOptions());
            QString error;
            QVERIFY2(engine.start(&error), qPrintable(error));
            QTRY_VERIFY_WITH_TIMEOUT(
                RunService::runState(ws.store().db(), runId)
                    && isTerminal(*RunService::runState(ws.store().db(), runId)),
                30000);
            const RunSummary r = RunService::run(ws.store().db(), runId);
            QCOMPARE(toString(r.state), QStringLiteral("succeeded"));
            engineLog = findTask(r, QStringLiteral("talk"))->attemptList.at(0).logPath;

            // Shipped whole while the engine runs on: the chunks are the supervisor's file,
            // secret masked, and the value never reached the database.
            const QString complete = QStringLiteral(
                "SELECT l.complete FROM attempt_logs l JOIN task_attempts a ON a.id = "
                "l.attempt_id WHERE a.log_path = ?");
            QTRY_COMPARE_WITH_TIMEOUT(Sql::scalar(ws.store().db(), complete, { engineLog }).toInt(),
                                      1, 20000);
            QByteArray shipped;
            QSqlQuery chunks = Sql::exec(
                ws.store().db(),
                QStringLiteral("SELECT c.bytes FROM attempt_log_chunks c JOIN task_attempts a ON "
                               "a.id = c.attempt_id WHERE a.log_path = ? ORDER BY c.byte_offset"),
                { engineLog });
            int count = 0;
            while (chunks.next()) {
                shipped += chunks.value(0).toByteArray();
                ++count;
            }
            QVERIFY2(count > 1, "a log of several chunks");
            QCOMPARE(shipped, readAll(engineLog).toUtf8());
            QVERIFY(shipped.contains("token is ***"));
            QVERIFY(!shipped.contains("tok-TEAM-4711"));
            // The engine's files go away (another machine has none of them).
            engine.stop();
            QVERIFY(QDir().rename(ws.runsDirectory(), elsewhere.filePath(QStringLiteral("runs"))));
        }
        QVERIFY(!QFileInfo::exists(engineLog));

        // Another person's machine: a fresh HOME, no run files.
        QTemporaryDir home;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("HOME"), home.path());
        env.remove(QStringLiteral("XDG_DATA_HOME"));
        env.remove(QStringLiteral("XDG_CACHE_HOME"));
        Result logs = runBaton(
            inWorkspace(pg.url(), { QStringLiteral("logs"), QString::number(runId) }), env);
        QVERIFY2(logs.exitCode == 0, qPrintable(logs.err));
        QVERIFY2(logs.out.startsWith(QStringLiteral("==> talk attempt 1 <==\n")),
                 qPrintable(logs.out.left(200)));
        for (const QString &line :
             { QStringLiteral(" O   hello from the job\n"), QStringLiteral(" O   token is ***\n"),
               QStringLiteral(" O   line 19999 of the output\n"),
               QStringLiteral(" E   the end\n") })
            QVERIFY2(logs.out.contains(line), qPrintable(line));
        QVERIFY(!logs.out.contains(QStringLiteral("tok-TEAM-4711")));
        // The cache is under the workspace's directory in that HOME, private.
        const QStringList cached = QDir(home.filePath(QStringLiteral(".local/share/baton/team")))
                                       .entryList(QDir::Dirs | QDir::NoDotAndDotDot);
        QCOMPARE(cached.size(), 1);
        const QFileInfo cacheDir(home.filePath(
            QStringLiteral(".local/share/baton/team/%1/log-cache").arg(cached.first())));
        QVERIFY(cacheDir.isDir());
        QCOMPARE(cacheDir.permissions() & (QFile::ReadGroup | QFile::ReadOther),
                 QFile::Permissions()); // 0700: every job's output is in it

        // --follow on the finished run prints the same and ends.
        Result follow = runBaton(inWorkspace(pg.url(),
                                             { QStringLiteral("logs"), QString::number(runId),
                                               QStringLiteral("--follow") }),
                                 env);
        QVERIFY2(follow.exitCode == 0, qPrintable(follow.err));
        QCOMPARE(follow.out, logs.out);

        Result show = runBaton(
            inWorkspace(pg.url(), { QStringLiteral("show"), QString::number(runId) }), env);
        QVERIFY2(show.exitCode == 0, qPrintable(show.err));
        QVERIFY2(show.out.contains(QStringLiteral("metric rows = 42")), qPrintable(show.out));
        Result jobs = runBaton(
            inWorkspace(pg.url(), { QStringLiteral("jobs"), QStringLiteral("--json") }), env);
        QVERIFY2(jobs.exitCode == 0, qPrintable(jobs.err));
        QVERIFY2(jobs.out.contains(QStringLiteral("notes.txt")), qPrintable(jobs.out));
    }

    // `baton run --wait` stops its engine as soon as the run ends: the logs it leaves in the
    // database are whole by then, not left for some later engine on this host.
    void runWaitLeavesWholeLogs()
    {
        Test::PgDatabase pg;
        QCOMPARE(pg.error(), QString());
        Workspace ws(pg.url(), Workspace::Mode::CreateIfMissing);
        ProjectWriter::apply(
            ws.store(),
            { pipeProject({ job(QStringLiteral("a"), QStringLiteral("seq 1 30000; echo done-a")) },
                          { task(QStringLiteral("a")) }) },
            QStringLiteral("tester"));
        const Result run = runBaton(inWorkspace(
            pg.url(),
            { QStringLiteral("run"), QStringLiteral("proj/pipe"), QStringLiteral("--wait") }));
        QVERIFY2(run.exitCode == 0, qPrintable(run.err));
        QSqlQuery q = Sql::exec(ws.store().db(),
                                QStringLiteral("SELECT a.log_path, l.bytes, l.complete FROM "
                                               "task_attempts a LEFT JOIN attempt_logs l ON "
                                               "l.attempt_id = a.id ORDER BY a.id"));
        int attempts = 0;
        while (q.next()) {
            ++attempts;
            QCOMPARE(q.value(2).toInt(), 1); // complete at once: nothing waited for
            QCOMPARE(q.value(1).toLongLong(), QFileInfo(q.value(0).toString()).size());
        }
        QVERIFY2(attempts == 1, qPrintable(run.out));
    }
};

QTEST_GUILESS_MAIN(TestTeamLogs)
#include "tst_teamlogs.moc"
