// Drives the real `baton` binary as a user or a script would.
#include "fixture.h"

#include <QCryptographicHash>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Baton::IntegrationTest;

namespace {

Result baton(const QStringList &args,
             const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    return runBaton(args, env);
}

// Every file below dir, relative path → (content, executable).
QMap<QString, QPair<QByteArray, bool>> tree(const QString &dir)
{
    QMap<QString, QPair<QByteArray, bool>> files;
    QDirIterator it(dir, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        QFile f(path);
        f.open(QIODevice::ReadOnly);
        files.insert(QDir(dir).relativeFilePath(path),
                     { f.readAll(), QFileInfo(path).isExecutable() });
    }
    return files;
}

QByteArray hashFile(const QString &path)
{
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

} // namespace

class TestCli : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_tmp;
    TestWorkspaces m_spaces;
    /// A new workspace's address: a directory, or a new database on a PostgreSQL run.
    QString ws(const QString &name) { return m_spaces.address(m_tmp.filePath(name)); }
    QString path(const QString &name) const { return m_tmp.filePath(name); }

private Q_SLOTS:
    void versionAndHelp()
    {
        const Result v = baton({ QStringLiteral("--version") });
        QCOMPARE(v.exitCode, 0);
        QVERIFY(v.out.startsWith(QStringLiteral("baton ")));
        const Result h = baton({ QStringLiteral("--help") });
        QCOMPARE(h.exitCode, 0);
        for (const char *cmd : { "init", "import", "export", "projects", "jobs", "pipelines" })
            QVERIFY2(h.out.contains(QLatin1String(cmd)), cmd);
        const Result ch = baton({ QStringLiteral("import"), QStringLiteral("--help") });
        QCOMPARE(ch.exitCode, 0);
        QVERIFY(ch.out.contains(QStringLiteral("PATH")));
    }

    // `baton` with no command is the console: it execs baton-console (same process, same
    // arguments), which opens the workspace and draws its window.
    void noCommandOpensTheConsole()
    {
        const QString dir = ws(QStringLiteral("console"));
        const QString shot = m_tmp.filePath(QStringLiteral("console.png"));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        env.insert(QStringLiteral("BATON_SCREENSHOT"), shot);
        const Result r = baton({ QStringLiteral("--log-level"), QStringLiteral("info"),
                                 QStringLiteral("--workspace"), dir },
                               env);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.err.contains(QStringLiteral("baton: saved ") + shot));
        QVERIFY(QFileInfo(shot).size() > 1000);
        QVERIFY(m_spaces.holdsWorkspace(dir)); // the console created it
        // Its log names the workspace as --workspace does (a team workspace by its address,
        // not by this machine's directory of its files).
        const QString log
            = readAll(TestWorkspaces::filesOf(dir) + QStringLiteral("/logs/baton.log"));
        QVERIFY2(log.contains(QStringLiteral("console opened workspace ") + dir + u'\n'),
                 qPrintable(log));

        // The console takes no command: those are baton's.
        QProcess p;
        p.start(
            QFileInfo(QStringLiteral(BATON_BINARY)).dir().filePath(QStringLiteral("baton-console")),
            { QStringLiteral("--workspace"), dir, QStringLiteral("runs") });
        QVERIFY(p.waitForFinished(30000));
        QCOMPARE(p.exitCode(), 2);
        QVERIFY(p.readAllStandardError().contains("takes no command ('runs')"));
    }

    // The headless commands never load GUI libraries: faster start, and a server running
    // `baton engine` needs no X11/OpenGL libraries.
    void commandsLoadNoGuiLibrary()
    {
        const QString dir = ws(QStringLiteral("headless"));
        QCOMPARE(baton({ QStringLiteral("--workspace"), dir, QStringLiteral("init") }).exitCode, 0);
        QProcess engine;
        engine.start(QStringLiteral(BATON_BINARY),
                     { QStringLiteral("--workspace"), dir, QStringLiteral("engine") });
        QVERIFY(engine.waitForStarted());
        QString maps;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                QFile f(QStringLiteral("/proc/%1/maps").arg(engine.processId()));
                if (!f.open(QIODevice::ReadOnly))
                    return false;
                maps = QString::fromUtf8(f.readAll());
                return maps.contains(QLatin1String("libQt6Sql")); // running, store open
            }(),
            20000);
        // It says which workspace it runs on, as --workspace names it.
        QTRY_VERIFY_WITH_TIMEOUT(engine.canReadLine(), 20000);
        const QString said = QString::fromUtf8(engine.readLine());
        QVERIFY2(said.contains(QStringLiteral(" running on ") + dir + QStringLiteral(" (Ctrl+C")),
                 qPrintable(said));
        engine.terminate();
        QVERIFY(engine.waitForFinished(20000));
        QVERIFY2(!maps.contains(QLatin1String("libQt6Gui")), "the engine mapped libQt6Gui");
        QVERIFY(!maps.contains(QLatin1String("libQt6Widgets")));
        QVERIFY(!maps.contains(QLatin1String("libX11")));
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown command")
            << QStringList { "frobnicate" } << "unknown command 'frobnicate'";
        QTest::newRow("unknown option") << QStringList { "--frob" } << "unknown option '--frob'";
        QTest::newRow("bad log level")
            << QStringList { "--log-level", "loud", "projects" } << "unknown level 'loud'";
        QTest::newRow("workspace without value")
            << QStringList { "projects", "--workspace" } << "--workspace needs a value";
        QTest::newRow("unknown command option")
            << QStringList { "projects", "--yaml" } << "Unknown option 'yaml'";
        QTest::newRow("import without path")
            << QStringList { "import" } << "usage: baton import PATH";
    }
    void usageErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Result r = baton(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }

    void missingWorkspaceIsAnErrorNotCreated()
    {
        const QString dir = ws(QStringLiteral("nowhere"));
        const Result r = baton({ QStringLiteral("--workspace"), dir, QStringLiteral("projects") });
        QCOMPARE(r.exitCode, 1);
        // A directory that is not there; on PostgreSQL, an empty database.
        const QString where = TestWorkspaces::onPostgres() ? QStringLiteral("no workspace in ")
                                                           : QStringLiteral("no workspace at ");
        QVERIFY2(r.err.contains(where + dir), qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("baton init")), qPrintable(r.err));
        QVERIFY(!m_spaces.holdsWorkspace(dir));
        if (!TestWorkspaces::onPostgres())
            QVERIFY(!QFileInfo::exists(dir));
    }

    void demoWorkspaceListings()
    {
        const QString dir = ws(QStringLiteral("demo"));
        const Result init = baton({ QStringLiteral("--workspace"), dir, QStringLiteral("init"),
                                    QStringLiteral("--demo") });
        QCOMPARE(init.exitCode, 0);
        QVERIFY2(init.out.contains(QStringLiteral("created workspace")), qPrintable(init.out));
        QVERIFY(m_spaces.holdsWorkspace(dir));
        QVERIFY(QFile::exists(TestWorkspaces::filesOf(dir) + QStringLiteral("/logs/baton.log")));

        // $BATON_WORKSPACE is honoured when there is no --workspace.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("BATON_WORKSPACE"), dir);
        const Result projects
            = baton({ QStringLiteral("projects"), QStringLiteral("--json") }, env);
        QCOMPARE(projects.exitCode, 0);
        const QJsonArray list = jsonArray(projects.out);
        QCOMPARE(list.size(), 2);
        QCOMPARE(list[0][QLatin1String("name")].toString(), QStringLiteral("churn"));
        QCOMPARE(list[0][QLatin1String("environments")].toArray().size(), 4);
        QCOMPARE(list[0][QLatin1String("environments")][3][QLatin1String("name")].toString(),
                 QStringLiteral("prod"));

        const Result jobs = baton({ QStringLiteral("jobs"), QStringLiteral("--project"),
                                    QStringLiteral("churn"), QStringLiteral("--json") },
                                  env);
        QCOMPARE(jobs.exitCode, 0);
        const QJsonArray jobList = jsonArray(jobs.out);
        QVERIFY(jobList.size() >= 5);
        // The demo's release history made v2 of extract, train and score (model v7).
        for (const QJsonValue &j : jobList) {
            const QString name = j[QLatin1String("name")].toString();
            const bool changed = name == QLatin1String("extract") || name == QLatin1String("train")
                || name == QLatin1String("score");
            QCOMPARE(j[QLatin1String("version")].toInt(), changed ? 2 : 1);
        }

        const Result pipelines
            = baton({ QStringLiteral("pipelines"), QStringLiteral("--json") }, env);
        QCOMPARE(pipelines.exitCode, 0);
        bool sawNightly = false;
        for (const QJsonValue &p : jsonArray(pipelines.out)) {
            if (p[QLatin1String("name")].toString() != QLatin1String("nightly"))
                continue;
            sawNightly = true;
            QCOMPARE(p[QLatin1String("schedule")][QLatin1String("timezone")].toString(),
                     QStringLiteral("Europe/Paris"));
            bool sawFailedEdge = false;
            for (const QJsonValue &t : p[QLatin1String("tasks")].toArray()) {
                for (const QJsonValue &a : t[QLatin1String("after")].toArray())
                    sawFailedEdge |= a[QLatin1String("when")].toString() == QLatin1String("failed");
            }
            QVERIFY(sawFailedEdge);
        }
        QVERIFY(sawNightly);

        const Result table = baton({ QStringLiteral("pipelines") }, env);
        QCOMPARE(table.exitCode, 0);
        QVERIFY(table.out.startsWith(QStringLiteral("PROJECT")));
        QVERIFY(table.out.contains(QStringLiteral("0 2 * * * (Europe/Paris)")));

        // init --demo again changes nothing.
        const Result again = baton({ QStringLiteral("--workspace"), dir, QStringLiteral("init"),
                                     QStringLiteral("--demo") });
        QCOMPARE(again.exitCode, 0);
        QVERIFY2(again.out.contains(QStringLiteral("already exists")), qPrintable(again.out));
        // (The demo is only imported into a workspace without projects: it has a history.)
        QVERIFY2(again.out.contains(QStringLiteral("nothing changed")), qPrintable(again.out));
        const Result jobsAgain = baton({ QStringLiteral("jobs"), QStringLiteral("--project"),
                                         QStringLiteral("churn"), QStringLiteral("--json") },
                                       env);
        QCOMPARE(jobsAgain.out, jobs.out);
    }

    void exportImportExportIsIdentical()
    {
        const QString a = ws(QStringLiteral("rt-a"));
        const QString b = ws(QStringLiteral("rt-b"));
        QCOMPARE(baton({ QStringLiteral("--workspace"), a, QStringLiteral("init"),
                         QStringLiteral("--demo") })
                     .exitCode,
                 0);
        const QString out1 = path(QStringLiteral("export1"));
        const QString out2 = path(QStringLiteral("export2"));
        const Result e1
            = baton({ QStringLiteral("--workspace"), a, QStringLiteral("export"), out1 });
        QCOMPARE(e1.exitCode, 0);
        QVERIFY(QFile::exists(out1 + QStringLiteral("/churn/project.yaml")));

        // Into a fresh workspace and back out: byte-identical files, exec bits kept.
        const Result imp
            = baton({ QStringLiteral("--workspace"), b, QStringLiteral("import"), out1 });
        QCOMPARE(imp.exitCode, 0);
        const Result e2
            = baton({ QStringLiteral("--workspace"), b, QStringLiteral("export"), out2 });
        QCOMPARE(e2.exitCode, 0);
        const auto t1 = tree(out1);
        const auto t2 = tree(out2);
        QVERIFY(t1.size() >= 10);
        QCOMPARE(t1.keys(), t2.keys());
        for (auto it = t1.constBegin(); it != t1.constEnd(); ++it) {
            QVERIFY2(it.value().first == t2.value(it.key()).first, qPrintable(it.key()));
            QCOMPARE(it.value().second, t2.value(it.key()).second);
        }
        QVERIFY(t1.value(QStringLiteral("churn/extract.sh")).second);

        // Re-importing the export into the original workspace creates no version.
        const Result same
            = baton({ QStringLiteral("--workspace"), a, QStringLiteral("import"), out1 });
        QCOMPARE(same.exitCode, 0);
        QVERIFY2(same.out.contains(QStringLiteral("0 new version(s)")), qPrintable(same.out));

        // Secrets never leave the workspace.
        for (auto it = t1.constBegin(); it != t1.constEnd(); ++it)
            QVERIFY(!it.value().first.contains("pd-demo-7f3a9c1e"));
    }

    void changedFileMakesNewVersion()
    {
        const QString dir = ws(QStringLiteral("changes"));
        const QString src = path(QStringLiteral("changes-src"));
        QCOMPARE(baton({ QStringLiteral("--workspace"), dir, QStringLiteral("init"),
                         QStringLiteral("--demo") })
                     .exitCode,
                 0);
        QCOMPARE(
            baton({ QStringLiteral("--workspace"), dir, QStringLiteral("export"), src }).exitCode,
            0);
        QFile script(src + QStringLiteral("/churn/train.py"));
        QVERIFY(script.open(QIODevice::Append));
        script.write("\n# tuned\n");
        script.close();
        const Result r = baton({ QStringLiteral("--workspace"), dir, QStringLiteral("import"),
                                 src + QStringLiteral("/churn/project.yaml") });
        QCOMPARE(r.exitCode, 0);
        // The demo starts with a release history: train v2 and nightly v3 are the latest.
        QVERIFY2(r.out.contains(QStringLiteral("churn/train v3 (new version)")), qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("churn/nightly v4 (new version)")),
                 qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("churn/extract v2 (unchanged)")), qPrintable(r.out));
    }

    void badImportChangesNothing()
    {
        const QString dir = ws(QStringLiteral("bad"));
        QCOMPARE(baton({ QStringLiteral("--workspace"), dir, QStringLiteral("init"),
                         QStringLiteral("--demo") })
                     .exitCode,
                 0);
        const Result before = baton({ QStringLiteral("--workspace"), dir, QStringLiteral("jobs"),
                                      QStringLiteral("--json") });
        const QString yaml = path(QStringLiteral("broken.yaml"));
        QFile f(yaml);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("project: churn\njobs:\n  - name: extract\n    comand: ./x.sh\n");
        f.close();
        const Result r
            = baton({ QStringLiteral("--workspace"), dir, QStringLiteral("import"), yaml });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(yaml + QStringLiteral(":4:5:")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("did you mean 'command'")), qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("the workspace was not changed")),
                 qPrintable(r.err));
        const Result after = baton({ QStringLiteral("--workspace"), dir, QStringLiteral("jobs"),
                                     QStringLiteral("--json") });
        QCOMPARE(after.out, before.out);

        const Result missing = baton({ QStringLiteral("--workspace"), dir, QStringLiteral("import"),
                                       path(QStringLiteral("no-such.yaml")) });
        QCOMPARE(missing.exitCode, 1);
        QVERIFY(missing.err.contains(QStringLiteral("no such file")));
    }

    void refusesNewerWorkspace()
    {
        const QString dir = ws(QStringLiteral("newer"));
        QCOMPARE(baton({ QStringLiteral("--workspace"), dir, QStringLiteral("init") }).exitCode, 0);
        // The schema version as a newer Baton would leave it, and what the workspace holds then.
        QByteArray before;
        if (const Baton::Test::PgDatabase *pg = m_spaces.database(dir)) {
            QCOMPARE(pg->exec(QStringLiteral("UPDATE baton.schema_version SET version = 4242")),
                     QString());
            before = pg->contentDigest().toLatin1();
        } else {
            {
                QSqlDatabase db
                    = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("n"));
                db.setDatabaseName(dir + QStringLiteral("/baton.db"));
                QVERIFY(db.open());
                QSqlQuery(db).exec(QStringLiteral("PRAGMA user_version = 4242"));
                QSqlQuery(db).exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
                db.close();
            }
            QSqlDatabase::removeDatabase(QStringLiteral("n"));
            before = hashFile(dir + QStringLiteral("/baton.db"));
        }
        QVERIFY(!before.isEmpty());
        for (const QStringList &args :
             { QStringList { QStringLiteral("projects") },
               QStringList { QStringLiteral("settings"), QStringLiteral("timezone"),
                             QStringLiteral("Europe/Paris") } }) {
            const Result r = baton(inWorkspace(dir, args));
            QCOMPARE(r.exitCode, 1);
            QVERIFY2(r.err.contains(QStringLiteral("newer Baton")), qPrintable(r.err));
            QVERIFY2(r.err.contains(dir), qPrintable(r.err)); // names the workspace
        }
        if (const Baton::Test::PgDatabase *pg = m_spaces.database(dir))
            QCOMPARE(pg->contentDigest().toLatin1(), before);
        else
            QCOMPARE(hashFile(dir + QStringLiteral("/baton.db")), before);
    }

    void runWaitShowLogsAndRerun()
    {
        const QString dir = ws(QStringLiteral("runs"));
        QCOMPARE(baton({ QStringLiteral("--workspace"), dir, QStringLiteral("init"),
                         QStringLiteral("--demo") })
                     .exitCode,
                 0);
        // The demo pipeline really runs and reports its business metrics.
        const Result ok = baton({ QStringLiteral("--workspace"), dir, QStringLiteral("run"),
                                  QStringLiteral("churn/nightly"), QStringLiteral("--wait"),
                                  QStringLiteral("--json") });
        QVERIFY2(ok.exitCode == 0, qPrintable(ok.err));
        const QJsonObject run = jsonArray(ok.out).at(0).toObject();
        QCOMPARE(run[QLatin1String("state")].toString(), QStringLiteral("succeeded"));
        QCOMPARE(run[QLatin1String("environment")].toString(), QStringLiteral("dev"));
        QStringList metricNames;
        for (const QJsonValue &m : run[QLatin1String("metrics")].toArray())
            metricNames << m[QLatin1String("name")].toString();
        QVERIFY2(metricNames.contains(QStringLiteral("false_positive_rate")),
                 qPrintable(metricNames.join(QLatin1Char(','))));

        // A failing run exits 1 and names the failing task; the alert runs.
        const Result bad
            = baton({ QStringLiteral("--workspace"), dir, QStringLiteral("run"),
                      QStringLiteral("churn/nightly"), QStringLiteral("--env"),
                      QStringLiteral("prod"), QStringLiteral("--param"),
                      QStringLiteral("SIMULATE_FAILURE=train"), QStringLiteral("--wait") });
        QCOMPARE(bad.exitCode, 1);
        QVERIFY2(bad.err.contains(QStringLiteral("train: failed")), qPrintable(bad.err));
        QVERIFY2(bad.out.contains(QStringLiteral("alert")), qPrintable(bad.out));

        const Result show = baton({ QStringLiteral("--workspace"), dir, QStringLiteral("show"),
                                    QStringLiteral("2"), QStringLiteral("--json") });
        QCOMPARE(show.exitCode, 0);
        const QJsonObject shown = jsonArray(show.out).at(0).toObject();
        QCOMPARE(shown[QLatin1String("state")].toString(), QStringLiteral("failed"));
        QCOMPARE(shown[QLatin1String("parameters")][QLatin1String("SIMULATE_FAILURE")].toString(),
                 QStringLiteral("train"));
        // States leave as the stored names (never labels such as "upstream failed"), for the
        // run, its tasks and their attempts alike.
        QStringList taskStates;
        for (const QJsonValue &t : shown[QLatin1String("tasks")].toArray()) {
            QStringList attempts;
            for (const QJsonValue &a : t[QLatin1String("attempts")].toArray())
                attempts << a[QLatin1String("state")].toString();
            taskStates << QStringLiteral("%1=%2 [%3]")
                              .arg(t[QLatin1String("name")].toString(),
                                   t[QLatin1String("state")].toString(), attempts.join(u','));
        }
        QCOMPARE(taskStates,
                 QStringList({ "extract=succeeded [succeeded]", "clean=succeeded [succeeded]",
                               "train=failed [failed]", "score=upstream_failed []",
                               "report=upstream_failed []", "alert=succeeded [succeeded]" }));

        const Result logs = baton({ QStringLiteral("--workspace"), dir, QStringLiteral("logs"),
                                    QStringLiteral("2"), QStringLiteral("alert") });
        QCOMPARE(logs.exitCode, 0);
        QVERIFY2(logs.out.contains(QStringLiteral("==> alert attempt 1 <==")),
                 qPrintable(logs.out));
        QVERIFY2(logs.out.contains(QStringLiteral(" E ")), qPrintable(logs.out));
        // The prod-only secret never reaches a log.
        const Result allLogs = baton(
            { QStringLiteral("--workspace"), dir, QStringLiteral("logs"), QStringLiteral("2") });
        QVERIFY(!allLogs.out.contains(QStringLiteral("pd-demo-7f3a9c1e")));

        const Result runs = baton({ QStringLiteral("--workspace"), dir, QStringLiteral("runs"),
                                    QStringLiteral("--json") });
        QCOMPARE(jsonArray(runs.out).size(), 2);
        QCOMPARE(jsonArray(runs.out).at(0)[QLatin1String("state")].toString(),
                 QStringLiteral("failed"));
        QCOMPARE(jsonArray(runs.out).at(1)[QLatin1String("state")].toString(),
                 QStringLiteral("succeeded"));

        // Rerun needs --failed; a succeeded run has nothing to rerun; a finished run cannot
        // be cancelled; unknown runs and tasks are named.
        QCOMPARE(baton({ QStringLiteral("--workspace"), dir, QStringLiteral("rerun"),
                         QStringLiteral("2") })
                     .exitCode,
                 2);
        const Result noRerun = baton({ QStringLiteral("--workspace"), dir, QStringLiteral("rerun"),
                                       QStringLiteral("1"), QStringLiteral("--failed") });
        QCOMPARE(noRerun.exitCode, 1);
        QVERIFY(noRerun.err.contains(QStringLiteral("nothing failed")));
        const Result noCancel = baton(
            { QStringLiteral("--workspace"), dir, QStringLiteral("cancel"), QStringLiteral("1") });
        QCOMPARE(noCancel.exitCode, 1);
        QVERIFY(noCancel.err.contains(QStringLiteral("already finished")));
        const Result noRun = baton(
            { QStringLiteral("--workspace"), dir, QStringLiteral("show"), QStringLiteral("99") });
        QCOMPARE(noRun.exitCode, 1);
        QVERIFY(noRun.err.contains(QStringLiteral("no run 99")));
        const Result notId = baton(
            { QStringLiteral("--workspace"), dir, QStringLiteral("logs"), QStringLiteral("abc") });
        QCOMPARE(notId.exitCode, 1);
        QVERIFY(notId.err.contains(QStringLiteral("'abc' is not a run id")));
        const Result noTask = baton({ QStringLiteral("--workspace"), dir, QStringLiteral("logs"),
                                      QStringLiteral("1"), QStringLiteral("nope") });
        QCOMPARE(noTask.exitCode, 1);
        QVERIFY(noTask.err.contains(QStringLiteral("no task 'nope'")));
        const Result badEnv = baton({ QStringLiteral("--workspace"), dir, QStringLiteral("run"),
                                      QStringLiteral("churn/nightly"), QStringLiteral("--env"),
                                      QStringLiteral("qa") });
        QCOMPARE(badEnv.exitCode, 1);
        QVERIFY(badEnv.err.contains(QStringLiteral("no environment 'qa'")));
        const Result badParam = baton({ QStringLiteral("--workspace"), dir, QStringLiteral("run"),
                                        QStringLiteral("churn/nightly"), QStringLiteral("--param"),
                                        QStringLiteral("novalue") });
        QCOMPARE(badParam.exitCode, 2);

        // Rerun the failed run without the failure: only the failed tasks run again.
        // (The parameter stays with the run, so this one fails again the same way.)
        const Result rerun
            = baton({ QStringLiteral("--workspace"), dir, QStringLiteral("rerun"),
                      QStringLiteral("2"), QStringLiteral("--failed"), QStringLiteral("--wait") });
        QCOMPARE(rerun.exitCode, 1);
        const Result after = baton({ QStringLiteral("--workspace"), dir, QStringLiteral("show"),
                                     QStringLiteral("2"), QStringLiteral("--json") });
        for (const QJsonValue &t : jsonArray(after.out).at(0)[QLatin1String("tasks")].toArray()) {
            const QString name = t[QLatin1String("name")].toString();
            const int attempts = t[QLatin1String("attempts")].toArray().size();
            if (name == QLatin1String("extract"))
                QCOMPARE(attempts, 1); // succeeded the first time: kept
            if (name == QLatin1String("train"))
                QCOMPARE(attempts, 2);
        }
    }

    // An attempt that wrote nothing has no log file: `baton logs` prints nothing for it and exits
    // 0, prints the others' logs as always, and --follow picks a log up when it appears.
    void logsOfSilentAttempts()
    {
        const QString dir = ws(QStringLiteral("silent"));
        const QString src = path(QStringLiteral("silent-src"));
        QDir().mkpath(src);
        QFile yaml(src + QStringLiteral("/project.yaml"));
        QVERIFY(yaml.open(QIODevice::WriteOnly));
        yaml.write("project: quietp\n"
                   "jobs:\n"
                   "  - {name: quiet, command: 'true'}\n"
                   "  - {name: loud, command: 'echo hello-from-loud; echo oops-from-loud >&2'}\n"
                   "  - {name: late, command: 'while [ ! -e \"$GO\" ]; do sleep 0.05; done;"
                   " echo late-line'}\n"
                   "pipelines:\n"
                   "  - name: all\n"
                   "    tasks: [{job: quiet}, {job: loud}, {job: late}]\n");
        yaml.close();
        QCOMPARE(
            baton({ QStringLiteral("--workspace"), dir, QStringLiteral("import"), src }).exitCode,
            0);
        const QString go = path(QStringLiteral("silent-go"));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("GO"), go);
        QProcess runner;
        runner.setProcessEnvironment(env);
        runner.start(QStringLiteral(BATON_BINARY),
                     { QStringLiteral("--workspace"), dir, QStringLiteral("run"),
                       QStringLiteral("quietp/all"), QStringLiteral("--wait") });
        QVERIFY(runner.waitForStarted());
        // "late" runs, silent until told: its log does not exist yet.
        const QString runDir = TestWorkspaces::filesOf(dir) + QStringLiteral("/runs/1/");
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(runDir + QStringLiteral("late.1.state")), 30000);
        QVERIFY(!QFile::exists(runDir + QStringLiteral("late.1.log")));
        QProcess follower;
        follower.start(QStringLiteral(BATON_BINARY),
                       { QStringLiteral("--workspace"), dir, QStringLiteral("logs"),
                         QStringLiteral("1"), QStringLiteral("late"), QStringLiteral("--follow") });
        QVERIFY(follower.waitForStarted());
        QTest::qWait(800); // a few of its looks at the missing log
        QCOMPARE(follower.state(), QProcess::Running);
        QVERIFY(!QFile::exists(runDir + QStringLiteral("late.1.log")));
        QFile goFile(go);
        QVERIFY(goFile.open(QIODevice::WriteOnly));
        goFile.close();
        QVERIFY(runner.waitForFinished(60000));
        QCOMPARE(runner.exitCode(), 0);
        QVERIFY(follower.waitForFinished(60000));
        QCOMPARE(follower.exitCode(), 0);
        const QString followed = QString::fromUtf8(follower.readAllStandardOutput());
        QVERIFY2(followed.startsWith(QStringLiteral("==> late attempt 1 <==\n")),
                 qPrintable(followed));
        QVERIFY2(followed.contains(QStringLiteral(" O   late-line")), qPrintable(followed));

        // The silent task: no file, but its path is recorded, where the log would be.
        const Result show = baton({ QStringLiteral("--workspace"), dir, QStringLiteral("show"),
                                    QStringLiteral("1"), QStringLiteral("--json") });
        QCOMPARE(show.exitCode, 0);
        QString quietLog;
        for (const QJsonValue &t : jsonArray(show.out).at(0)[QLatin1String("tasks")].toArray()) {
            QCOMPARE(t[QLatin1String("state")].toString(), QStringLiteral("succeeded"));
            if (t[QLatin1String("name")].toString() == QLatin1String("quiet"))
                quietLog = t[QLatin1String("attempts")][0][QLatin1String("log")].toString();
        }
        QCOMPARE(quietLog, runDir + QStringLiteral("quiet.1.log"));
        QVERIFY(!QFile::exists(quietLog));
        QVERIFY(QFile::exists(runDir + QStringLiteral("quiet.1.state")));

        const Result quiet = baton({ QStringLiteral("--workspace"), dir, QStringLiteral("logs"),
                                     QStringLiteral("1"), QStringLiteral("quiet") });
        QCOMPARE(quiet.exitCode, 0);
        QCOMPARE(quiet.out, QString());
        QCOMPARE(quiet.err, QString());
        const Result quietFollow
            = baton({ QStringLiteral("--workspace"), dir, QStringLiteral("logs"),
                      QStringLiteral("1"), QStringLiteral("quiet"), QStringLiteral("--follow") });
        QCOMPARE(quietFollow.exitCode, 0);
        QCOMPARE(quietFollow.out, QString());
        const Result all = baton(
            { QStringLiteral("--workspace"), dir, QStringLiteral("logs"), QStringLiteral("1") });
        QCOMPARE(all.exitCode, 0);
        QVERIFY2(!all.out.contains(QStringLiteral("==> quiet")), qPrintable(all.out));
        QVERIFY2(all.out.contains(QStringLiteral("==> loud attempt 1 <==")), qPrintable(all.out));
        QVERIFY2(all.out.contains(QStringLiteral(" O   hello-from-loud")), qPrintable(all.out));
        QVERIFY2(all.out.contains(QStringLiteral(" E   oops-from-loud")), qPrintable(all.out));
        QVERIFY2(all.out.contains(QStringLiteral(" O   late-line")), qPrintable(all.out));
    }

    void scheduleNextAndBackfill()
    {
        const Result next = baton({ QStringLiteral("schedule"), QStringLiteral("next"),
                                    QStringLiteral("30 2 * * *"), QStringLiteral("--tz"),
                                    QStringLiteral("Europe/Paris"), QStringLiteral("--from"),
                                    QStringLiteral("2026-03-28T12:00:00+01:00"),
                                    QStringLiteral("--count"), QStringLiteral("2") });
        QCOMPARE(next.exitCode, 0);
        // 02:30 does not exist on 2026-03-29 in Paris: it fires once right after the gap.
        QCOMPARE(next.out,
                 QStringLiteral("2026-03-29T03:00:00+02:00\n2026-03-30T02:30:00+02:00\n"));
        const Result bad = baton(
            { QStringLiteral("schedule"), QStringLiteral("next"), QStringLiteral("0 24 * * *") });
        QCOMPARE(bad.exitCode, 1);
        QVERIFY2(bad.err.contains(QStringLiteral("hour field: '24'")), qPrintable(bad.err));
        const Result badZone
            = baton({ QStringLiteral("schedule"), QStringLiteral("next"), QStringLiteral("@daily"),
                      QStringLiteral("--tz"), QStringLiteral("Mars/Olympus") });
        QCOMPARE(badZone.exitCode, 1);

        // A daily pipeline whose job records its logical date as a metric-free file per run.
        const QString dir = ws(QStringLiteral("backfill"));
        const QString src = path(QStringLiteral("backfill-src"));
        QDir().mkpath(src);
        QFile yaml(src + QStringLiteral("/project.yaml"));
        QVERIFY(yaml.open(QIODevice::WriteOnly));
        yaml.write("project: daily\n"
                   "jobs:\n"
                   "  - {name: stamp, command: 'echo \"$BATON_LOGICAL_DATE\" >> \"$STAMPS\"'}\n"
                   "pipelines:\n"
                   "  - name: load\n"
                   "    schedule: \"0 6 * * *\"\n"
                   "    timezone: America/New_York\n"
                   "    tasks: [{job: stamp}]\n");
        yaml.close();
        QCOMPARE(
            baton({ QStringLiteral("--workspace"), dir, QStringLiteral("import"), src }).exitCode,
            0);
        const QString stamps = path(QStringLiteral("stamps.txt"));
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("STAMPS"), stamps);
        const QStringList args { QStringLiteral("--workspace"),  dir,
                                 QStringLiteral("backfill"),     QStringLiteral("daily/load"),
                                 QStringLiteral("--from"),       QStringLiteral("2026-10-31"),
                                 QStringLiteral("--to"),         QStringLiteral("2026-11-02"),
                                 QStringLiteral("--max-active"), QStringLiteral("2") };
        const Result first = baton(args, env);
        QVERIFY2(first.exitCode == 0, qPrintable(first.err + first.out));
        QVERIFY2(first.out.contains(QStringLiteral("3 fire time(s)")), qPrintable(first.out));
        QVERIFY2(first.out.contains(QStringLiteral("backfill: 3/3 done (0 failed)")),
                 qPrintable(first.out));
        QFile f(stamps);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QStringList dates
            = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        f.close();
        dates.sort();
        // New York leaves daylight time at 02:00 on 1 Nov 2026: each run knows its own offset.
        QCOMPARE(dates,
                 (QStringList { QStringLiteral("2026-10-31T06:00:00-04:00"),
                                QStringLiteral("2026-11-01T06:00:00-05:00"),
                                QStringLiteral("2026-11-02T06:00:00-05:00") }));
        // Running it again resumes: nothing runs twice.
        const Result again = baton(args, env);
        QCOMPARE(again.exitCode, 0);
        QVERIFY2(again.out.contains(QStringLiteral("3 run(s) already existed")),
                 qPrintable(again.out));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(f.readAll()).count(QLatin1Char('\n')), 3);
        const Result reversed = baton({ QStringLiteral("--workspace"), dir,
                                        QStringLiteral("backfill"), QStringLiteral("daily/load"),
                                        QStringLiteral("--from"), QStringLiteral("2026-11-05"),
                                        QStringLiteral("--to"), QStringLiteral("2026-11-01") });
        QCOMPARE(reversed.exitCode, 1);
        QVERIFY2(reversed.err.contains(QStringLiteral("empty or reversed")),
                 qPrintable(reversed.err));
    }

    void settings()
    {
        const QString dir = ws(QStringLiteral("settings"));
        QCOMPARE(baton({ QStringLiteral("--workspace"), dir, QStringLiteral("init") }).exitCode, 0);
        const Result list
            = baton({ QStringLiteral("--workspace"), dir, QStringLiteral("settings") });
        QCOMPARE(list.exitCode, 0);
        QVERIFY(list.out.contains(QStringLiteral("log_cap_bytes")));
        QCOMPARE(baton({ QStringLiteral("--workspace"), dir, QStringLiteral("settings"),
                         QStringLiteral("timezone"), QStringLiteral("Europe/Paris") })
                     .exitCode,
                 0);
        QVERIFY(baton({ QStringLiteral("--workspace"), dir, QStringLiteral("settings"),
                        QStringLiteral("timezone") })
                    .out.contains(QStringLiteral("Europe/Paris")));
        const Result badZone
            = baton({ QStringLiteral("--workspace"), dir, QStringLiteral("settings"),
                      QStringLiteral("timezone"), QStringLiteral("Europe/Pariss") });
        QCOMPARE(badZone.exitCode, 1);
        QVERIFY(badZone.err.contains(QStringLiteral("unknown time zone 'Europe/Pariss'")));
        const Result badNumber
            = baton({ QStringLiteral("--workspace"), dir, QStringLiteral("settings"),
                      QStringLiteral("max_parallel"), QStringLiteral("0") });
        QCOMPARE(badNumber.exitCode, 1);
        QVERIFY(badNumber.err.contains(QStringLiteral("max_parallel: expected a whole number")));
        const Result badKey
            = baton({ QStringLiteral("--workspace"), dir, QStringLiteral("settings"),
                      QStringLiteral("colour"), QStringLiteral("blue") });
        QCOMPARE(badKey.exitCode, 1);
        QVERIFY(badKey.err.contains(QStringLiteral("unknown setting 'colour'")));
        // The failed attempts changed nothing.
        QVERIFY(baton({ QStringLiteral("--workspace"), dir, QStringLiteral("settings"),
                        QStringLiteral("timezone") })
                    .out.contains(QStringLiteral("Europe/Paris")));
    }

    void exportUnknownProject()
    {
        const QString dir = ws(QStringLiteral("exp"));
        QCOMPARE(baton({ QStringLiteral("--workspace"), dir, QStringLiteral("init"),
                         QStringLiteral("--demo") })
                     .exitCode,
                 0);
        const QString out = path(QStringLiteral("exp-out"));
        const Result r = baton({ QStringLiteral("--workspace"), dir, QStringLiteral("export"), out,
                                 QStringLiteral("--project"), QStringLiteral("nope") });
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains(QStringLiteral("no project named 'nope'")));
        QVERIFY(!QFileInfo::exists(out));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
