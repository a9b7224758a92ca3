// A team workspace's PostgreSQL server restarting (`pg_ctl restart -m fast`) while a real
// `baton engine` runs a pipeline on it: the engine reconnects by itself, the run finishes, and
// no transition is lost or doubled. And the connection cut right after a COMMIT (the reply
// lost): the engine neither loses nor repeats what the server committed. The test starts its own
// server (tests/support/pg-server.sh): restarting the suite's shared one would cut every other
// test's connections.

#include "core/pgproxy.h"
#include "core/pgserver.h"
#include "fixture.h"

#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Baton;
using namespace Baton::IntegrationTest;

namespace {

const QString kServerScript = QStringLiteral(BATON_SOURCE_DIR "/tests/support/pg-server.sh");

// The restarts cut connections: each question gets its own connection (an invalid QVariant
// while the server is away).
QVariant ask(const Test::PgDatabase &pg, const QString &sql)
{
    static int counter = 0;
    const QString name = QStringLiteral("restart-probe-%1").arg(++counter);
    QVariant value;
    {
        const QString url = Test::pgServerUrl();
        QSqlDatabase c = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        c.setHostName(QStringLiteral("127.0.0.1"));
        c.setPort(url.section(QLatin1Char(':'), -1).toInt());
        c.setUserName(QStringLiteral("postgres"));
        c.setDatabaseName(pg.name());
        if (c.open()) {
            QSqlQuery q(c);
            if (q.exec(QStringLiteral("SET search_path = baton")) && q.exec(sql) && q.next())
                value = q.value(0);
        }
        c.close();
    }
    QSqlDatabase::removeDatabase(name);
    return value;
}

} // namespace

class TestServerRestart : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_tmp;
    QString m_server; // pg-server.sh's directory for this test's own server

private Q_SLOTS:
    void initTestCase()
    {
        const QString bin
            = qEnvironmentVariable("BATON_PG_BIN", QStringLiteral("/usr/lib/postgresql/15/bin"));
        if (!QFileInfo(bin + QStringLiteral("/pg_ctl")).isExecutable())
            QSKIP("no PostgreSQL server installed (apt-get install postgresql)");
        m_server = m_tmp.filePath(QStringLiteral("pg"));
        const Result r = runProgram(kServerScript, { QStringLiteral("start"), m_server });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        // Test::PgDatabase and pgServerUrl() find the server here.
        qputenv("BATON_TEST_PG_DIR", m_server.toUtf8());
    }
    void cleanupTestCase()
    {
        if (!m_server.isEmpty())
            runProgram(kServerScript, { QStringLiteral("stop"), m_server });
    }

    void engineOutlivesAServerRestart()
    {
        Test::PgDatabase pg;
        QCOMPARE(pg.error(), QString());
        // Three chains of five short tasks, two at a time: attempts end while the server is
        // away. `flaky` fails its first attempt (retries: 1), so it has exactly two.
        const QString flag = m_tmp.filePath(QStringLiteral("flaky-failed-once"));
        QString yaml = QStringLiteral("project: proj\n"
                                      "jobs:\n"
                                      "  - {name: step, command: \"sleep 0.4\"}\n"
                                      "  - name: flaky\n"
                                      "    command: \"test -e '%1' || { touch '%1'; exit 3; }\"\n"
                                      "    retries: 1\n"
                                      "pipelines:\n"
                                      "  - name: pipe\n"
                                      "    tasks:\n")
                           .arg(flag);
        for (int c = 0; c < 3; ++c) {
            for (int i = 0; i < 5; ++i) {
                const QString name = QStringLiteral("c%1_%2").arg(c).arg(i);
                const QString job
                    = c == 1 && i == 3 ? QStringLiteral("flaky") : QStringLiteral("step");
                yaml += i == 0 ? QStringLiteral("      - {name: %1, job: %2}\n").arg(name, job)
                               : QStringLiteral("      - {name: %1, job: %2, after: [c%3_%4]}\n")
                                     .arg(name, job)
                                     .arg(c)
                                     .arg(i - 1);
            }
        }
        const QString file = m_tmp.filePath(QStringLiteral("proj.yaml"));
        QVERIFY(writeFile(file, yaml.toUtf8()));
        Result r = runBaton(inWorkspace(pg.url(), { QStringLiteral("init") }));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = runBaton(inWorkspace(pg.url(), { QStringLiteral("import"), file }));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));

        QProcess engine;
        engine.setProcessChannelMode(QProcess::MergedChannels);
        engine.start(QStringLiteral(BATON_BINARY),
                     inWorkspace(pg.url(),
                                 { QStringLiteral("engine"), QStringLiteral("--parallelism"),
                                   QStringLiteral("2") }));
        QVERIFY(engine.waitForStarted(10000));
        r = runBaton(inWorkspace(pg.url(), { QStringLiteral("run"), QStringLiteral("proj/pipe") }));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto count = [&](const QString &sql) {
            return ask(pg, sql).toInt();
        };
        // Under way: some tasks done, most still to come.
        QTRY_VERIFY_WITH_TIMEOUT(
            count(QStringLiteral("SELECT count(*) FROM task_runs WHERE state = 'succeeded'")) >= 2,
            30000);
        QVERIFY(count(QStringLiteral("SELECT count(*) FROM task_runs WHERE state = 'running'"))
                > 0);

        r = runProgram(kServerScript, { QStringLiteral("restart"), m_server });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));

        QTRY_COMPARE_WITH_TIMEOUT(ask(pg, QStringLiteral("SELECT state FROM runs")).toString(),
                                  QStringLiteral("succeeded"), 60000);
        QCOMPARE(engine.state(), QProcess::Running); // it carried on by itself

        // Every task once, with exactly the attempts it should have had, numbered 1..n, each
        // recorded once: nothing lost, nothing doubled.
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM task_runs WHERE state = "
                                      "'succeeded'")),
                 15);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM task_attempts")), 16);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM task_runs t WHERE t.attempts <> "
                                      "(SELECT count(*) FROM task_attempts a WHERE "
                                      "a.task_run_id = t.id) OR t.attempts <> (CASE WHEN "
                                      "t.task_name = 'c1_3' THEN 2 ELSE 1 END)")),
                 0);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM task_attempts a JOIN task_runs t ON "
                                      "t.id = a.task_run_id WHERE a.number > t.attempts OR "
                                      "a.finished_at IS NULL OR a.running_at_us IS NULL OR "
                                      "a.state <> CASE WHEN t.task_name = 'c1_3' AND a.number = "
                                      "1 THEN 'failed' ELSE 'succeeded' END")),
                 0);
        // The rollups the triggers keep count each transition once.
        QCOMPARE(count(QStringLiteral("SELECT sum(runs) FROM run_daily")), 1);
        QCOMPARE(count(QStringLiteral("SELECT sum(tasks) FROM task_duration_daily")), 15);

        // The engine said it lost the workspace, and that it has it back.
        engine.terminate();
        QVERIFY(engine.waitForFinished(10000));
        const QString log = QString::fromUtf8(engine.readAll());
        QVERIFY2(log.contains(QLatin1String("lost the connection to the team workspace")),
                 qPrintable(log));
        QVERIFY2(log.contains(QLatin1String("the workspace takes writes again")), qPrintable(log));
        QVERIFY2(!log.contains(QLatin1String("Unable to free statement")), qPrintable(log));
    }

    // The wire is cut after the engine sent COMMIT, the server committed, and the reply never
    // came back — five times during one run. Taking it for a rollback would write the
    // transitions again (an attempt started twice, or refused for ever as a duplicate); the
    // engine's store asks the server and carries on. Every task ran once.
    void engineCarriesOnWhenACommitsReplyIsLost()
    {
        Test::PgDatabase pg;
        QCOMPARE(pg.error(), QString());
        QString yaml = QStringLiteral("project: proj\n"
                                      "jobs:\n"
                                      "  - {name: step, command: \"sleep 0.2\"}\n"
                                      "pipelines:\n"
                                      "  - name: pipe\n"
                                      "    tasks:\n");
        for (int c = 0; c < 3; ++c) {
            for (int i = 0; i < 6; ++i) {
                const QString name = QStringLiteral("c%1_%2").arg(c).arg(i);
                yaml += i == 0 ? QStringLiteral("      - {name: %1, job: step}\n").arg(name)
                               : QStringLiteral("      - {name: %1, job: step, after: [c%2_%3]}\n")
                                     .arg(name)
                                     .arg(c)
                                     .arg(i - 1);
            }
        }
        const QString file = m_tmp.filePath(QStringLiteral("cut.yaml"));
        QVERIFY(writeFile(file, yaml.toUtf8()));
        Result r = runBaton(inWorkspace(pg.url(), { QStringLiteral("init") }));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = runBaton(inWorkspace(pg.url(), { QStringLiteral("import"), file }));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));

        // Only the engine goes through the proxy.
        Test::PgProxy proxy(Test::pgServerUrl().section(QLatin1Char(':'), -1).toInt());
        const QString proxied
            = QStringLiteral("postgresql://postgres@127.0.0.1:%1/%2?sslmode=disable")
                  .arg(proxy.port())
                  .arg(pg.name());
        QProcess engine;
        engine.setProcessChannelMode(QProcess::MergedChannels);
        engine.start(QStringLiteral(BATON_BINARY),
                     inWorkspace(proxied,
                                 { QStringLiteral("engine"), QStringLiteral("--parallelism"),
                                   QStringLiteral("3") }));
        QVERIFY(engine.waitForStarted(10000));
        r = runBaton(inWorkspace(pg.url(), { QStringLiteral("run"), QStringLiteral("proj/pipe") }));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const auto count = [&](const QString &sql) {
            return ask(pg, sql).toInt();
        };
        for (int cut = 0; cut < 5; ++cut) {
            proxy.armNextCommit(Test::PgProxy::Cut::ReplyAfterCommit);
            QTRY_COMPARE_WITH_TIMEOUT(proxy.cuts(), cut + 1, 30000);
        }
        QTRY_COMPARE_WITH_TIMEOUT(ask(pg, QStringLiteral("SELECT state FROM runs")).toString(),
                                  QStringLiteral("succeeded"), 60000);
        QCOMPARE(engine.state(), QProcess::Running);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM task_runs WHERE state = "
                                      "'succeeded'")),
                 18);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM task_attempts")), 18);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM task_runs WHERE attempts <> 1")), 0);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM task_attempts WHERE finished_at IS "
                                      "NULL OR state <> 'succeeded'")),
                 0);
        QCOMPARE(count(QStringLiteral("SELECT sum(tasks) FROM task_duration_daily")), 18);

        engine.terminate();
        QVERIFY(engine.waitForFinished(10000));
        const QString log = QString::fromUtf8(engine.readAll());
        QVERIFY2(log.contains(QLatin1String("the server says the transaction committed")),
                 qPrintable(log));
    }
};

QTEST_GUILESS_MAIN(TestServerRestart)
#include "tst_serverrestart.moc"
