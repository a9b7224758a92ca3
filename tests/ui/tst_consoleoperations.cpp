// How the main window wires the operations: the Review mode, the Runs menu, notifications.
#include "access/reviewservice.h"
#include "engine/runservice.h"
#include "mainwindow/mainwindow.h"
#include "monitoring/monitormode.h"
#include "monitoring/runstablemodel.h"
#include "notifications/traynotifier.h"
#include "review/reviewhistorymodel.h"
#include "review/reviewmode.h"
#include "review/reviewpanel.h"
#include "runs/runactions.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "uitestdata.h"
#include "widgets/backgroundtask.h"

#include <QAction>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QSettings>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace Baton;
using Baton::Ui::MainWindow;

class TestConsoleOperations : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_settingsDir;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Workspace> m_ws;
    qint64 m_failed = 0;

    QString reviewOf(MainWindow &w, qint64 id) const
    {
        Ui::RunsTableModel *model = w.monitorMode()->runsModel();
        const int row = model->rowOf(id);
        return row < 0 ? QString() : model->runAt(row).review;
    }

private Q_SLOTS:
    void initTestCase()
    {
        // Never touch the developer's settings, nor another test's.
        QVERIFY(m_settingsDir.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
    }
    void init()
    {
        qputenv("BATON_USER", "dana");
        QSettings(QStringLiteral("Baton"), QStringLiteral("baton")).clear();
        m_dir = std::make_unique<QTemporaryDir>();
        m_ws = std::make_unique<Workspace>(m_dir->path(), Workspace::Mode::CreateIfMissing);
        ProjectWriter::apply(m_ws->store(), { UiTest::churnProject() }, QStringLiteral("tester"));
        RunRequest r;
        r.project = QStringLiteral("churn");
        r.pipeline = QStringLiteral("nightly");
        r.actor = QStringLiteral("alice");
        m_failed = RunService::createRun(m_ws->store(), r);
        Sql::exec(m_ws->store().db(),
                  QStringLiteral("UPDATE runs SET state = 'failed', finished_at = 5 WHERE id = ?"),
                  { m_failed });
    }
    void cleanup()
    {
        Baton::Ui::BackgroundTask::drain(); // jobs may outlive their widgets, never the workspace
        m_ws.reset();
    }

    void reviewModeAndRunsMenu()
    {
        MainWindow w(m_ws.get());
        QVERIFY(w.modes().contains(QStringLiteral("Review")));
        QVERIFY(w.reviewMode());
        // The Runs menu holds the Monitor's run actions and the notifications, before Help.
        auto *runs = w.findChild<QMenu *>(QStringLiteral("runsMenu"));
        QVERIFY(runs);
        for (QAction *a : w.monitorMode()->runActions()->runActions())
            QVERIFY(runs->actions().contains(a));
        QVERIFY(runs->actions().contains(w.notifier()->menu()->menuAction()));
        const QList<QAction *> menus = w.menuBar()->actions();
        QCOMPARE(menus.at(menus.size() - 2), runs->menuAction());

        // A sign-off in the Review mode reaches the Monitor's table at once.
        QVERIFY(w.setCurrentMode(QStringLiteral("Review")));
        QTRY_COMPARE(w.reviewMode()->currentRun(), m_failed);
        Ui::ReviewPanel *panel = w.reviewMode()->reviewPanel();
        panel->commentEdit()->setPlainText(QStringLiteral("known bad input"));
        panel->rejectAction()->trigger();
        QTRY_COMPARE(reviewOf(w, m_failed), QStringLiteral("rejected"));
        QTRY_VERIFY(w.statusBar()->currentMessage().contains(QStringLiteral("Review of run")));
    }

    void signOffFromElsewhereShowsInTheHistory()
    {
        MainWindow w(m_ws.get());
        w.show();
        QVERIFY(w.setCurrentMode(QStringLiteral("Review")));
        QTRY_VERIFY(w.monitorMode()->isLoaded());
        QCOMPARE(w.reviewMode()->signOffsModel()->rowCount(), 0);
        // Another console, or the CLI, signs the run off.
        ReviewService::signOff(m_ws->store(), m_failed, true, QStringLiteral("ok by phone"),
                               QStringLiteral("erin"));
        QTRY_COMPARE_WITH_TIMEOUT(w.reviewMode()->signOffsModel()->rowCount(), 1, 10000);
    }

    void notificationOpensTheRun()
    {
        MainWindow w(m_ws.get());
        QVERIFY(w.setCurrentMode(QStringLiteral("Review")));
        QTRY_VERIFY(w.monitorMode()->isLoaded());
        // The menu offers the projects the console has seen runs of.
        QTRY_VERIFY(w.notifier()->projects().contains(QStringLiteral("churn")));
        Q_EMIT w.notifier()->runActivated(m_failed);
        QCOMPARE(w.currentMode(), QStringLiteral("Monitor"));
        QCOMPARE(w.monitorMode()->currentRun(), m_failed);
    }

    void refusedActionIsExplained()
    {
        MainWindow w(m_ws.get());
        Ui::RunActions *actions = w.monitorMode()->runActions();
        RunRow gone;
        gone.id = 999;
        gone.state = RunState::Failed;
        actions->setRuns({ gone });
        actions->rerunFailedAction()->trigger();
        QTRY_VERIFY(w.findChild<QMessageBox *>(QStringLiteral("actionFailedMessage")));
        auto *box = w.findChild<QMessageBox *>(QStringLiteral("actionFailedMessage"));
        QVERIFY2(box->informativeText().contains(QStringLiteral("no run 999")),
                 qPrintable(box->informativeText()));
        QVERIFY(w.statusBar()->currentMessage().startsWith(QStringLiteral("Action refused")));
        box->close();
    }
};

QTEST_MAIN(TestConsoleOperations)
#include "tst_consoleoperations.moc"
