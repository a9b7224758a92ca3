#include "access/identity.h"
#include "access/roles.h"
#include "core/pgserver.h"
#include "mainwindow/mainwindow.h"
#include "notifications/traynotifier.h"
#include "pipelines/pipelinesmode.h"
#include "pipelines/projecttreemodel.h"
#include "store/catalog.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "uitestdata.h"
#include "widgets/backgroundtask.h"
#include "workspace/workspaceactions.h"

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>
#include <memory>

using namespace Baton;
using Baton::Ui::MainWindow;
using Baton::Ui::ProjectTreeModel;
using Baton::Ui::WorkspaceActions;

namespace {

void writeFile(const QString &path, const QByteArray &content)
{
    QDir().mkpath(QFileInfo(path).path());
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(content);
}

QStringList menuTexts(const QMenu *menu)
{
    QStringList texts;
    for (const QAction *a : menu->actions()) {
        if (!a->isSeparator())
            texts << a->text();
    }
    return texts;
}

QMessageBox *openBox(const QString &objectName)
{
    for (QWidget *w : QApplication::topLevelWidgets()) {
        auto *box = qobject_cast<QMessageBox *>(w);
        if (box && box->objectName() == objectName && box->isVisible())
            return box;
    }
    return nullptr;
}

const QByteArray kGoodProject = "project: sales\n"
                                "environments: [dev, prod]\n"
                                "jobs:\n"
                                "  - name: load\n"
                                "    command: echo load\n"
                                "pipelines:\n"
                                "  - name: daily\n"
                                "    tasks:\n"
                                "      - job: load\n";

} // namespace

// File → New / Open / Recent workspace, Import, Export; what they do to the workspace and how
// they report it. Everything is driven through the actions' slots (no native file dialogs).
class TestWorkspaceActions : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_settingsDir;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Workspace> m_ws;
    QStringList m_launched;

    int projectCount() const { return int(Catalog::projects(m_ws->store().db()).size()); }
    void closeBoxes()
    {
        for (QWidget *w : QApplication::topLevelWidgets()) {
            if (qobject_cast<QMessageBox *>(w))
                w->close();
        }
    }
    // A window whose workspace switches are recorded instead of starting a console.
    std::unique_ptr<MainWindow> window()
    {
        auto w = std::make_unique<MainWindow>(m_ws.get());
        w->workspaceActions()->setLauncher([this](const QString &dir, QString *) {
            m_launched << dir;
            return true;
        });
        return w;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
    }
    void init()
    {
        QSettings(QStringLiteral("Baton"), QStringLiteral("baton")).clear();
        m_launched.clear();
        m_ws.reset();
        m_dir = std::make_unique<QTemporaryDir>();
        m_ws = std::make_unique<Workspace>(m_dir->filePath(QStringLiteral("ws")),
                                           Workspace::Mode::CreateIfMissing);
        ProjectWriter::apply(m_ws->store(), { UiTest::churnProject() }, QStringLiteral("tester"));
    }
    void cleanup()
    {
        Baton::Ui::BackgroundTask::drain(); // jobs may outlive widgets, never the workspace
        closeBoxes();
    }

    void fileMenuOffersTheWorkspaceActions()
    {
        auto w = window();
        const QMenu *file = w->menuBar()->actions().first()->menu();
        const QStringList texts = menuTexts(file);
        QCOMPARE(
            texts.mid(0, 7),
            (QStringList { "&New Workspace…", "&Open Workspace…", "&Connect to Team Workspace…",
                           "Open &Recent", "&Import Jobs-as-Code File…",
                           "Import Jobs-as-Code &Directory…", "&Export Jobs-as-Code…" }));
        QCOMPARE(texts.last(), QStringLiteral("&Quit"));
        // Settings under Tools, Backfill under Pipeline.
        QStringList menus;
        for (QAction *m : w->menuBar()->actions())
            menus << m->text();
        QVERIFY(menus.contains(QStringLiteral("&Tools")));
        QStringList pipeline;
        for (QAction *m : w->menuBar()->actions()) {
            if (m->text() == QLatin1String("&Pipeline"))
                pipeline = menuTexts(m->menu());
        }
        for (const char *entry :
             { "&Backfill…", "New &Job…", "New P&ipeline…", "Edit S&chedule…", "&Variables…" })
            QVERIFY2(pipeline.contains(QString::fromUtf8(entry)), entry);
        // The project tree's context menu offers them too.
        const QList<QAction *> context = w->projectTree()->actions();
        QVERIFY(context.contains(w->workspaceActions()->backfillAction()));
        QCOMPARE(w->projectTree()->contextMenuPolicy(), Qt::ActionsContextMenu);
    }

    // Backfill… only on a pipeline with a schedule.
    void backfillFollowsTheSelection()
    {
        auto w = window();
        QSignalSpy applied(w.get(), &MainWindow::catalogApplied);
        QVERIFY(applied.wait(10000));
        QAction *backfill = w->workspaceActions()->backfillAction();
        QVERIFY(!backfill->isEnabled());
        QVERIFY(w->setCurrentMode(QStringLiteral("Pipelines")));
        QVERIFY(
            w->pipelinesMode()->selectItem({ ProjectTreeModel::Kind::Pipeline,
                                             QStringLiteral("churn"), QStringLiteral("nightly") }));
        QTRY_VERIFY(backfill->isEnabled());
        QVERIFY(w->pipelinesMode()->selectItem(
            { ProjectTreeModel::Kind::Job, QStringLiteral("churn"), QStringLiteral("train") }));
        QTRY_VERIFY(!backfill->isEnabled());
    }

    // The workspace opened is remembered; it shows in Open Recent, but is not offered there
    // (it is already open); another remembered one is, and choosing it switches.
    void recentWorkspacesAreRememberedAndOffered()
    {
        QTemporaryDir other;
        Workspace otherWs(other.path(), Workspace::Mode::CreateIfMissing);
        QSettings(QStringLiteral("Baton"), QStringLiteral("baton"))
            .setValue(QStringLiteral("workspaces/recent"), QStringList { other.path() });
        auto w = window();
        const QStringList recent = WorkspaceActions::recentWorkspaces();
        QCOMPARE(recent, (QStringList { m_ws->directory(), other.path() }));
        QMenu *menu = w->workspaceActions()->recentMenu();
        QAction *current = menu->actions().at(0);
        QAction *previous = menu->actions().at(1);
        QVERIFY(!current->isEnabled());
        QVERIFY(current->text().contains(QStringLiteral("this window")));
        QVERIFY(previous->isEnabled());
        w->show();
        previous->trigger();
        QCOMPARE(m_launched, QStringList { other.path() });
        QVERIFY(!w->isVisible()); // this console closed: the other one takes over
    }

    // File → Connect to Team Workspace…: the server is asked off the GUI thread, then the
    // console switches to the address; it is remembered (no password: it has none) and shown
    // in Open Recent as a team workspace, which asks the server again when chosen.
    void teamWorkspaceIsConnectedAndRemembered()
    {
        BATON_REQUIRE_PG();
        Test::PgDatabase pg;
        QCOMPARE(pg.error(), QString());
        {
            Workspace team(pg.url(), Workspace::Mode::CreateIfMissing);
        }
        {
            auto w = window();
            w->show();
            const QMenu *file = w->menuBar()->actions().first()->menu();
            QVERIFY(file->actions().contains(w->workspaceActions()->connectTeamAction()));
            w->workspaceActions()->connectTeam(pg.url());
            QTRY_COMPARE(m_launched, QStringList { pg.url() });
            QVERIFY(!w->isVisible());
        }
        QCOMPARE(WorkspaceActions::recentWorkspaces().value(0), pg.url());
        m_launched.clear();
        auto w = window();
        w->show();
        QAction *team = nullptr;
        for (QAction *a : w->workspaceActions()->recentMenu()->actions()) {
            if (a->data().toString() == pg.url())
                team = a;
        }
        QVERIFY(team);
        QVERIFY2(team->text().contains(pg.name()) && team->text().contains(QLatin1String("(team)")),
                 qPrintable(team->text()));
        QVERIFY(team->isEnabled());
        team->trigger();
        QTRY_COMPARE(m_launched, QStringList { pg.url() });
    }

    // An empty database is not made a workspace unless asked; asked, the creator administers it.
    void emptyTeamDatabaseIsCreatedOnlyWhenAsked()
    {
        BATON_REQUIRE_PG();
        Test::PgDatabase pg;
        auto w = window();
        w->show();
        QSignalSpy failed(w->workspaceActions(), &WorkspaceActions::failed);
        w->workspaceActions()->connectTeam(pg.url());
        QVERIFY(failed.wait(20000));
        QVERIFY2(failed.at(0).at(0).toString().contains(QLatin1String("no workspace in")),
                 qPrintable(failed.at(0).at(0).toString()));
        QVERIFY(openBox(QStringLiteral("workspaceFailedMessage")));
        QVERIFY(m_launched.isEmpty());
        QVERIFY(w->isVisible());
        QVERIFY(!pg.holdsBatonSchema());
        QVERIFY(!WorkspaceActions::recentWorkspaces().contains(pg.url()));
        closeBoxes();

        QSignalSpy created(w->workspaceActions(), &WorkspaceActions::workspaceCreated);
        w->workspaceActions()->connectTeam(pg.url(), true);
        QVERIFY(created.wait(20000));
        QVERIFY(created.at(0).at(1).toStringList().first().startsWith(
            QStringLiteral("created workspace")));
        QTRY_COMPARE(m_launched, QStringList { pg.url() });
        Workspace made(pg.url(), Workspace::Mode::MustExist);
        QVERIFY(Roles::has(made.store().db(), currentUser(), QStringLiteral("admin")));
    }

    // A wrong address is refused before anything is asked of a server, a password in it is
    // never echoed, an unreachable server is reported; nothing starts and nothing is remembered.
    void badTeamAddressesAreRefused_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("expected");
        QTest::newRow("password") << QStringLiteral("postgresql://alice:s3cr3t-pw@127.0.0.1/baton")
                                  << QStringLiteral("password");
        QTest::newRow("not an address")
            << QStringLiteral("/tmp/some/dir") << QStringLiteral("is not a PostgreSQL address");
        QTest::newRow("bad port") << QStringLiteral("postgresql://127.0.0.1:notaport/baton")
                                  << QStringLiteral("notaport");
        QTest::newRow("no server") << QStringLiteral("postgresql://127.0.0.1:1/baton")
                                   << QStringLiteral("cannot connect to the team workspace");
    }
    void badTeamAddressesAreRefused()
    {
        QFETCH(QString, address);
        QFETCH(QString, expected);
        auto w = window();
        w->show();
        QSignalSpy failed(w->workspaceActions(), &WorkspaceActions::failed);
        w->workspaceActions()->connectTeam(address);
        QTRY_COMPARE_WITH_TIMEOUT(failed.size(), 1, 20000);
        const QString message = failed.at(0).at(0).toString();
        QVERIFY2(message.contains(expected), qPrintable(message));
        QVERIFY2(!message.contains(QLatin1String("s3cr3t-pw")), qPrintable(message));
        QMessageBox *box = openBox(QStringLiteral("workspaceFailedMessage"));
        QVERIFY(box);
        QVERIFY(!box->text().contains(QLatin1String("s3cr3t-pw")));
        QVERIFY(!box->detailedText().contains(QLatin1String("s3cr3t-pw")));
        QVERIFY(m_launched.isEmpty());
        QVERIFY(w->isVisible());
        QCOMPARE(WorkspaceActions::recentWorkspaces(), QStringList { m_ws->directory() });
    }

    // Opening a directory without a workspace is refused with a clear message; nothing starts.
    void switchingToANonWorkspaceIsRefused()
    {
        QTemporaryDir empty;
        auto w = window();
        w->show();
        QSignalSpy failed(w->workspaceActions(), &WorkspaceActions::failed);
        QVERIFY(!w->workspaceActions()->switchTo(empty.path()));
        QVERIFY(m_launched.isEmpty());
        QVERIFY(w->isVisible());
        QCOMPARE(failed.size(), 1);
        QVERIFY(failed.at(0).at(0).toString().contains(QStringLiteral("holds no workspace")));
        QVERIFY(openBox(QStringLiteral("workspaceFailedMessage")));
        QVERIFY(!QFile::exists(QDir(empty.path()).filePath(QStringLiteral("baton.db"))));
    }

    // New Workspace: core's init (the creator administers it), then the console switches.
    void newWorkspaceIsCreatedAndOpened()
    {
        QTemporaryDir parent;
        const QString dir = QDir(parent.path()).filePath(QStringLiteral("team/new-ws"));
        auto w = window();
        w->show();
        QSignalSpy created(w->workspaceActions(), &WorkspaceActions::workspaceCreated);
        w->workspaceActions()->createWorkspace(dir);
        QVERIFY(created.wait(10000));
        QVERIFY(created.at(0).at(1).toStringList().first().startsWith(
            QStringLiteral("created workspace")));
        QCOMPARE(m_launched, QStringList { dir });
        Workspace made(dir, Workspace::Mode::MustExist);
        QVERIFY(Roles::has(made.store().db(), currentUser(), QStringLiteral("admin")));
        QVERIFY(WorkspaceActions::recentWorkspaces().contains(dir));
    }

    // A file in the way: refused, the message says why, nothing is launched.
    void newWorkspaceOverAFileIsRefused()
    {
        QTemporaryDir parent;
        const QString file = QDir(parent.path()).filePath(QStringLiteral("taken"));
        writeFile(file, "not a directory");
        auto w = window();
        QSignalSpy failed(w->workspaceActions(), &WorkspaceActions::failed);
        w->workspaceActions()->createWorkspace(file);
        QVERIFY(failed.wait(10000));
        QVERIFY(failed.at(0).at(0).toString().contains(QStringLiteral("is a file")));
        QVERIFY(m_launched.isEmpty());
        QFile f(file);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("not a directory"));
    }

    // Import is all or nothing, off the GUI thread: one bad file among good ones changes
    // nothing, and the dialog names file:line for every error.
    void importRefusesBadInputWithFileAndLine()
    {
        QTemporaryDir src;
        writeFile(src.filePath(QStringLiteral("a/sales.yaml")), kGoodProject);
        writeFile(src.filePath(QStringLiteral("b/broken.yaml")),
                  "project: broken\n"
                  "jobs:\n"
                  "  - name: load\n"
                  "    command: echo\n"
                  "    retries: lots\n");
        auto w = window();
        QSignalSpy failed(w->workspaceActions(), &WorkspaceActions::importFailed);
        w->workspaceActions()->importPath(src.path());
        QVERIFY(failed.wait(10000));
        const QStringList errors = failed.at(0).at(0).toStringList();
        QVERIFY(!errors.isEmpty());
        QVERIFY2(errors.first().contains(QStringLiteral("broken.yaml:5")),
                 qPrintable(errors.join('\n')));
        QMessageBox *box = openBox(QStringLiteral("importFailedMessage"));
        QVERIFY(box);
        QVERIFY(box->text().contains(QStringLiteral("the workspace was not changed")));
        QVERIFY(box->text().contains(QStringLiteral("broken.yaml:5")));
        QCOMPARE(projectCount(), 1); // sales, although valid, was not imported
    }

    void importOfAMissingPathIsRefused()
    {
        auto w = window();
        QSignalSpy failed(w->workspaceActions(), &WorkspaceActions::importFailed);
        w->workspaceActions()->importPath(m_dir->filePath(QStringLiteral("nowhere.yaml")));
        QVERIFY(failed.wait(10000));
        QVERIFY(failed.at(0).at(0).toStringList().first().contains(
            QStringLiteral("nowhere.yaml: error: no such file or directory")));
        QCOMPARE(projectCount(), 1);
    }

    void importAddsProjectsAndRefreshes()
    {
        QTemporaryDir src;
        writeFile(src.filePath(QStringLiteral("sales.yaml")), kGoodProject);
        auto w = window();
        QSignalSpy applied(w.get(), &MainWindow::catalogApplied);
        QVERIFY(applied.wait(10000));
        QSignalSpy imported(w->workspaceActions(), &WorkspaceActions::imported);
        w->workspaceActions()->importPath(src.filePath(QStringLiteral("sales.yaml")));
        QVERIFY(imported.wait(10000));
        QCOMPARE(projectCount(), 2);
        QVERIFY(openBox(QStringLiteral("importDoneMessage")));
        // The catalog is read again: the new project appears without F5.
        QTRY_VERIFY_WITH_TIMEOUT(w->projectTreeModel()->rowCount() == 2, 10000);
        // Audited as the CLI's import is.
        QVERIFY(Sql::scalar(m_ws->store().db(),
                            QStringLiteral("SELECT count(*) FROM audit_events WHERE "
                                           "object_name LIKE 'sales%'"))
                    .toInt()
                > 0);
    }

    void exportWritesOneOrEveryProject()
    {
        QTemporaryDir out;
        auto w = window();
        QSignalSpy exported(w->workspaceActions(), &WorkspaceActions::exported);
        w->workspaceActions()->exportTo(out.path(), QStringLiteral("churn"));
        QVERIFY(exported.wait(10000));
        QVERIFY(QFile::exists(out.filePath(QStringLiteral("churn/project.yaml"))));
        QVERIFY(openBox(QStringLiteral("exportDoneMessage")));
    }

    // An unknown project: refused before anything is written.
    void exportOfAnUnknownProjectWritesNothing()
    {
        QTemporaryDir out;
        auto w = window();
        QSignalSpy failed(w->workspaceActions(), &WorkspaceActions::failed);
        w->workspaceActions()->exportTo(out.path(), QStringLiteral("nope"));
        QVERIFY(failed.wait(10000));
        QVERIFY(failed.at(0).at(0).toString().contains(QStringLiteral("nope")));
        QCOMPARE(QDir(out.path()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).size(), 0);
        QVERIFY(openBox(QStringLiteral("exportFailedMessage")));
    }

    // Runs → Notify When a Run Fails offers every project of the workspace, also one that has
    // never run (it listed only projects with runs).
    void notificationsOfferProjectsWithoutRuns()
    {
        auto w = window();
        QSignalSpy applied(w.get(), &MainWindow::catalogApplied);
        QVERIFY(applied.wait(10000));
        QVERIFY(w->notifier()->projects().contains(QStringLiteral("churn")));
        QStringList offered;
        for (QAction *a : w->notifier()->menu()->actions())
            offered << a->text();
        QVERIFY(offered.contains(QStringLiteral("churn")));
        w->notifier()->menu()->actions().at(offered.indexOf(QStringLiteral("churn")))->trigger();
        QVERIFY(w->notifier()->isProjectEnabled(QStringLiteral("churn")));
    }
};

QTEST_MAIN(TestWorkspaceActions)
#include "tst_workspaceactions.moc"
