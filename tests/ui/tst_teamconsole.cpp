// A console on a team workspace (issue #19): what other processes commit (a `baton` CLI as
// another user, a `baton engine`) shows live, and a server that stops answering shows as
// "reconnecting…" in the status bar, then comes back by itself. Needs the test PostgreSQL
// server (ctest's `postgresql` fixture).

#include "core/pgserver.h"
#include "integration/fixture.h"
#include "logs/logview.h"
#include "logs/logviewer.h"
#include "mainwindow/documenttabs.h"
#include "mainwindow/mainwindow.h"
#include "monitoring/monitormode.h"
#include "monitoring/runstablemodel.h"
#include "releases/releasesmode.h"
#include "runs/rundetailview.h"
#include "runs/runfactsmodel.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "widgets/backgroundtask.h"

#include <QDir>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProcess>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <memory>

using namespace Baton;
using namespace Baton::IntegrationTest;
using Baton::Ui::MainWindow;

namespace {

constexpr int kWaitMs = 60000;

QString labelText(const MainWindow &w, const QString &name)
{
    const auto *label = w.findChild<QLabel *>(name);
    return label ? label->text() : QStringLiteral("(no label %1)").arg(name);
}

// The status bar whole, for a failure's message.
QString statusBar(const MainWindow &w)
{
    return labelText(w, QStringLiteral("statusError")) + QStringLiteral(" | ")
        + labelText(w, QStringLiteral("statusEngine")) + QStringLiteral(" | ")
        + labelText(w, QStringLiteral("statusRefreshed"));
}

bool refreshed(const MainWindow &w)
{
    return labelText(w, QStringLiteral("statusRefreshed")).startsWith(QLatin1String("refreshed"));
}

} // namespace

class TestTeamConsole : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<Test::PgDatabase> m_pg;
    std::unique_ptr<Workspace> m_ws;
    QString m_blocked;
    QList<qint64> m_stopped; // the server processes of the console's connections, paused

    void resumeServer()
    {
        for (const qint64 pid : std::as_const(m_stopped))
            ::kill(pid_t(pid), SIGCONT);
        m_stopped.clear();
    }

    QString url() const { return m_pg->url(); }

    int rowOf(const MainWindow &w, qint64 run) const
    {
        return w.monitorMode()->runsModel()->rowOf(run);
    }

    const RunRow *row(const MainWindow &w, qint64 run) const
    {
        const int r = rowOf(w, run);
        return r < 0 ? nullptr : &w.monitorMode()->runsModel()->runAt(r);
    }

private Q_SLOTS:
    void init()
    {
        BATON_REQUIRE_PG();
        m_pg = std::make_unique<Test::PgDatabase>();
        QCOMPARE(m_pg->error(), QString());
        m_ws = std::make_unique<Workspace>(url(), Workspace::Mode::CreateIfMissing);
        ProjectWriter::apply(m_ws->store(),
                             { pipeProject({ job(QStringLiteral("hello"),
                                                 QStringLiteral("echo hello from the engine")) },
                                           { task(QStringLiteral("hello")) }) },
                             QStringLiteral("alice"));
    }

    void cleanup()
    {
        resumeServer();
        Baton::Ui::BackgroundTask::drain(); // jobs may outlive widgets, never the workspace
        if (!m_blocked.isEmpty())
            Test::pgAdmin(
                QStringLiteral("ALTER DATABASE %1 ALLOW_CONNECTIONS true").arg(m_blocked));
        m_blocked.clear();
        m_ws.reset();
        m_pg.reset();
    }

    // The test: a console sees live a run that an engine in another process runs, and
    // a sign-off another person makes with the CLI in a third.
    void otherProcessesShowLive()
    {
        MainWindow w(m_ws.get());
        w.show();
        QTRY_VERIFY2_WITH_TIMEOUT(refreshed(w), qPrintable(statusBar(w)), kWaitMs);
        // The workspace is named by its address, not by this machine's run-file directory.
        QCOMPARE(labelText(w, QStringLiteral("statusWorkspace")),
                 QStringLiteral("Workspace: ") + m_ws->address());

        QProcess engine;
        engine.setProcessEnvironment(asUser(QStringLiteral("engine")));
        engine.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        engine.start(QStringLiteral(BATON_BINARY),
                     inWorkspace(url(), { QStringLiteral("engine") }));
        QVERIFY(engine.waitForStarted());

        Result r
            = runBaton(inWorkspace(url(), { QStringLiteral("run"), QStringLiteral("proj/pipe") }),
                       asUser(QStringLiteral("bob")));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const qint64 run
            = Sql::scalar(m_ws->store().db(), QStringLiteral("SELECT max(id) FROM runs"))
                  .toLongLong();
        QVERIFY(run > 0);
        QTRY_VERIFY_WITH_TIMEOUT(row(w, run) != nullptr, kWaitMs);
        QCOMPARE(row(w, run)->requestedBy, QStringLiteral("bob"));
        QTRY_COMPARE_WITH_TIMEOUT(toString(row(w, run)->state), QStringLiteral("succeeded"),
                                  kWaitMs);
        // The engine of the other process holds the workspace, as the status bar says.
        QTRY_VERIFY_WITH_TIMEOUT(
            labelText(w, QStringLiteral("statusEngine")).contains(QLatin1String("heartbeat")),
            kWaitMs);

        r = runBaton(inWorkspace(url(),
                                 { QStringLiteral("review"), QString::number(run),
                                   QStringLiteral("--approve") }),
                     asUser(QStringLiteral("carol")));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QTRY_COMPARE_WITH_TIMEOUT(row(w, run)->review, QStringLiteral("approved"), kWaitMs);

        engine.terminate();
        QVERIFY(engine.waitForFinished(kWaitMs));
    }

    // A console on a machine without the workspace's directory (#19): the engine ran the job on
    // another machine (a HOME of its own, gone since, with every file of the run); the console's
    // run tab shows the log and the metrics, and the Releases' diff the job's file, all read
    // from the database.
    void anotherMachineShowsLogsMetricsAndFiles()
    {
        JobSpec talk = job(QStringLiteral("talk"),
                           QStringLiteral("echo hello from the far engine; echo 'rows 42' > "
                                          "\"$BATON_METRICS_FILE\""));
        talk.files << JobFile { QStringLiteral("notes.txt"), "kept in the database\n", false };
        ProjectSpec far = pipeProject({ talk }, { task(QStringLiteral("talk")) });
        far.name = QStringLiteral("far");
        ProjectWriter::apply(m_ws->store(), { far }, QStringLiteral("alice"));
        auto engineHome = std::make_unique<QTemporaryDir>();
        QProcessEnvironment env = asUser(QStringLiteral("engine"));
        env.insert(QStringLiteral("HOME"), engineHome->path());
        for (const char *xdg : { "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME" })
            env.remove(QString::fromLatin1(xdg));
        const Result r = runBaton(inWorkspace(url(),
                                              { QStringLiteral("run"), QStringLiteral("far/pipe"),
                                                QStringLiteral("--wait") }),
                                  env);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        const qint64 run
            = Sql::scalar(m_ws->store().db(), QStringLiteral("SELECT max(id) FROM runs"))
                  .toLongLong();
        const QString logPath = Sql::scalar(m_ws->store().db(),
                                            QStringLiteral("SELECT max(log_path) FROM "
                                                           "task_attempts"))
                                    .toString();
        QVERIFY2(logPath.startsWith(engineHome->path()), qPrintable(logPath));
        engineHome.reset(); // that machine is gone
        QVERIFY(!QFileInfo::exists(logPath));

        MainWindow w(m_ws.get());
        w.show();
        QTRY_VERIFY2_WITH_TIMEOUT(refreshed(w), qPrintable(statusBar(w)), kWaitMs);
        w.openRun(run);
        Ui::RunDetailView *view = w.documentTabs()->runView(run);
        QVERIFY(view);
        const auto metrics = [view] {
            QStringList cells;
            const Ui::RunFactsModel *m = view->metricsModel();
            for (int row = 0; row < m->rowCount(); ++row) {
                for (int c = 0; c < m->columnCount(); ++c)
                    cells << m->index(row, c).data().toString();
            }
            return cells;
        };
        QTRY_VERIFY2_WITH_TIMEOUT(metrics().contains(QStringLiteral("rows"))
                                      && metrics().contains(QStringLiteral("42")),
                                  qPrintable(metrics().join(u',')), kWaitMs);
        view->showAttempt(QStringLiteral("talk"));
        const auto logText = [view] {
            QStringList lines;
            for (const LogLine &line : view->logViewer()->view()->visibleLines())
                lines << line.text;
            return lines;
        };
        QTRY_VERIFY2_WITH_TIMEOUT(logText().contains(QStringLiteral("hello from the far engine")),
                                  qPrintable(logText().join(u'\n')), kWaitMs);

        // The job's file, as the Releases' diff of its first version shows it.
        Ui::ReleasesMode *releases = w.releasesMode();
        QTRY_VERIFY_WITH_TIMEOUT(releases->setProject(QStringLiteral("far")), kWaitMs);
        QSignalSpy history(releases, &Ui::ReleasesMode::historyShown);
        QVERIFY(releases->selectCell(QStringLiteral("talk")));
        QTRY_COMPARE_WITH_TIMEOUT(history.count(), 1, kWaitMs);
        releases->historyView()->selectRow(0);
        QSignalSpy diffs(releases, &Ui::ReleasesMode::diffShown);
        releases->diffSelected();
        QTRY_COMPARE_WITH_TIMEOUT(diffs.count(), 1, kWaitMs);
        const QString diff = releases->diffView()->toPlainText();
        QVERIFY2(diff.contains(QStringLiteral("notes.txt"))
                     && diff.contains(QStringLiteral("kept in the database")),
                 qPrintable(diff));
    }

    void lostServerShowsReconnecting()
    {
        MainWindow w(m_ws.get());
        w.show();
        QTRY_VERIFY2_WITH_TIMEOUT(refreshed(w), qPrintable(statusBar(w)), kWaitMs);

        // The server drops the console's connections and lets no new one in.
        const QSqlDatabase db = m_ws->store().db();
        m_blocked = Sql::scalar(db, QStringLiteral("SELECT current_database()")).toString();
        QCOMPARE(Test::pgAdmin(
                     QStringLiteral("ALTER DATABASE %1 ALLOW_CONNECTIONS false").arg(m_blocked)),
                 QString());
        QCOMPARE(Test::pgAdmin(QStringLiteral("SELECT pg_terminate_backend(pid) FROM "
                                              "pg_stat_activity WHERE datname = '%1'")
                                   .arg(m_blocked)),
                 QString());
        QTRY_COMPARE_WITH_TIMEOUT(labelText(w, QStringLiteral("statusRefreshed")),
                                  QStringLiteral("reconnecting…"), kWaitMs);

        QCOMPARE(Test::pgAdmin(
                     QStringLiteral("ALTER DATABASE %1 ALLOW_CONNECTIONS true").arg(m_blocked)),
                 QString());
        m_blocked.clear();
        QTRY_VERIFY2_WITH_TIMEOUT(refreshed(w), qPrintable(statusBar(w)), kWaitMs);
    }

    // A server that stops answering without closing anything (its processes paused): every
    // read waits on a worker thread, the window says so, and recovers when the server does.
    void unansweredServerShowsReconnecting()
    {
        MainWindow w(m_ws.get());
        w.show();
        QTRY_VERIFY2_WITH_TIMEOUT(refreshed(w), qPrintable(statusBar(w)), kWaitMs);
        QSqlQuery q = Sql::exec(m_ws->store().db(),
                                QStringLiteral("SELECT pid FROM pg_stat_activity WHERE datname = "
                                               "current_database() AND pid <> pg_backend_pid()"));
        while (q.next())
            m_stopped << q.value(0).toLongLong();
        QVERIFY(!m_stopped.isEmpty());
        for (const qint64 pid : std::as_const(m_stopped))
            QCOMPARE(::kill(pid_t(pid), SIGSTOP), 0);
        QTRY_COMPARE_WITH_TIMEOUT(labelText(w, QStringLiteral("statusRefreshed")),
                                  QStringLiteral("reconnecting…"), kWaitMs);
        QVERIFY2(w.findChild<QLabel *>(QStringLiteral("statusRefreshed"))
                     ->toolTip()
                     .contains(QLatin1String("has not answered")),
                 qPrintable(w.findChild<QLabel *>(QStringLiteral("statusRefreshed"))->toolTip()));

        resumeServer();
        QTRY_VERIFY2_WITH_TIMEOUT(refreshed(w), qPrintable(statusBar(w)), kWaitMs);
    }
};

QTEST_MAIN(TestTeamConsole)
#include "tst_teamconsole.moc"
