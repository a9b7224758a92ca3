// Operator actions of the console: enabled by the rules of core, confirmed, run off the GUI
// thread, and wired to the Monitor's runs table (selection, toolbar, context menu, shortcuts).
#include "engine/runservice.h"
#include "monitoring/monitormode.h"
#include "monitoring/runsfiltermodel.h"
#include "monitoring/runstablemodel.h"
#include "runs/reasondialog.h"
#include "runs/runactions.h"
#include "runs/tasksmenu.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "uitestdata.h"
#include "widgets/backgroundtask.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QDialogButtonBox>
#include <QItemSelectionModel>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <QToolBar>
#include <memory>

using namespace Baton;
using Baton::Ui::MonitorMode;
using Baton::Ui::ReasonDialog;
using Baton::Ui::RunActions;
using Baton::Ui::RunsTableModel;

namespace {

RunRow row(qint64 id, const QString &state)
{
    RunRow r;
    r.id = id;
    r.state = parseRunState(state, id);
    r.derive();
    return r;
}

} // namespace

class TestRunActions : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Workspace> m_ws;
    qint64 m_running = 0;
    qint64 m_failed = 0;
    qint64 m_succeeded = 0;
    QStringList m_confirmations;
    bool m_answer = true;

    qint64 createRun(const QString &state)
    {
        RunRequest request;
        request.project = QStringLiteral("churn");
        request.pipeline = QStringLiteral("nightly");
        request.actor = QStringLiteral("alice");
        const qint64 id = RunService::createRun(m_ws->store(), request);
        m_ws->store().transaction([&](QSqlDatabase &tx) {
            Sql::exec(tx, QStringLiteral("UPDATE runs SET state = ? WHERE id = ?"), { state, id });
            if (state == QLatin1String("failed"))
                Sql::exec(tx,
                          QStringLiteral("UPDATE task_runs SET state = CASE task_name WHEN "
                                         "'train' THEN 'failed' ELSE 'succeeded' END WHERE "
                                         "run_id = ?"),
                          { id });
        });
        return id;
    }

    int requests(const QString &kind) const
    {
        return Sql::scalar(m_ws->store().db(),
                           QStringLiteral("SELECT count(*) FROM requests WHERE kind = ?"), { kind })
            .toInt();
    }

    void answerConfirmations(RunActions *actions)
    {
        actions->setConfirmHandler([this](const QString &title, const QString &text) {
            m_confirmations << title + QLatin1Char('|') + text;
            return m_answer;
        });
    }

    std::unique_ptr<MonitorMode>
    loadedMode(std::vector<std::unique_ptr<QAbstractItemModelTester>> &testers)
    {
        auto mode = std::make_unique<MonitorMode>(m_ws.get());
        mode->setPollInterval(100);
        testers.push_back(std::make_unique<QAbstractItemModelTester>(mode->runsModel()));
        testers.push_back(std::make_unique<QAbstractItemModelTester>(mode->filterModel()));
        if (!QTest::qWaitFor([&] { return mode->runsModel()->rowCount() == 3; }, 10000))
            return nullptr;
        return mode;
    }

    void select(MonitorMode &mode, const QList<qint64> &ids)
    {
        QItemSelectionModel *selection = mode.runsView()->selectionModel();
        selection->clearSelection();
        for (const qint64 id : ids) {
            const QModelIndex source = mode.runsModel()->index(mode.runsModel()->rowOf(id), 0);
            selection->select(mode.filterModel()->mapFromSource(source),
                              QItemSelectionModel::Select | QItemSelectionModel::Rows);
        }
    }

private Q_SLOTS:
    void init()
    {
        m_dir = std::make_unique<QTemporaryDir>();
        m_ws = std::make_unique<Workspace>(m_dir->path(), Workspace::Mode::CreateIfMissing);
        ProjectWriter::apply(m_ws->store(), { UiTest::churnProject() }, QStringLiteral("tester"));
        m_running = createRun(QStringLiteral("running"));
        m_failed = createRun(QStringLiteral("failed"));
        m_succeeded = createRun(QStringLiteral("succeeded"));
        m_confirmations.clear();
        m_answer = true;
        qputenv("BATON_USER", "olga");
    }
    void cleanup()
    {
        Baton::Ui::BackgroundTask::drain(); // jobs may outlive their widgets, never the workspace
        m_ws.reset();
    }

    void runActionsFollowTheSelection_data()
    {
        QTest::addColumn<QStringList>("states");
        QTest::addColumn<bool>("cancel");
        QTest::addColumn<bool>("rerun");
        QTest::addColumn<bool>("remove");
        QTest::newRow("nothing") << QStringList {} << false << false << false;
        QTest::newRow("running") << QStringList { "running" } << true << false << false;
        QTest::newRow("queued") << QStringList { "queued" } << true << false << false;
        QTest::newRow("failed") << QStringList { "failed" } << false << true << true;
        QTest::newRow("succeeded") << QStringList { "succeeded" } << false << false << true;
        QTest::newRow("mixed") << QStringList { "running", "succeeded", "lost" } << true << true
                               << true;
    }
    void runActionsFollowTheSelection()
    {
        QFETCH(QStringList, states);
        QFETCH(bool, cancel);
        QFETCH(bool, rerun);
        QFETCH(bool, remove);
        QWidget parent;
        RunActions actions(m_ws.get(), &parent);
        QList<RunRow> rows;
        for (int i = 0; i < states.size(); ++i)
            rows << row(i + 1, states[i]);
        actions.setRuns(rows);
        QCOMPARE(actions.cancelRunsAction()->isEnabled(), cancel);
        QCOMPARE(actions.rerunFailedAction()->isEnabled(), rerun);
        QCOMPARE(actions.deleteRunsAction()->isEnabled(), remove);
        QCOMPARE(actions.runAgainAction()->isEnabled(), states.size() == 1); // one run: its own
        QCOMPARE(actions.runIds().size(), states.size());
        for (QAction *a : actions.runActions() + actions.taskActions()) {
            QVERIFY2(!a->shortcut().isEmpty(), qPrintable(a->objectName()));
            QCOMPARE(a->shortcutContext(), Qt::WidgetWithChildrenShortcut);
        }
        if (states.size() > 1)
            QCOMPARE(actions.cancelRunsAction()->text(), QStringLiteral("&Cancel 3 Runs"));
    }

    void taskActionsFollowTheTask_data()
    {
        QTest::addColumn<QString>("state");
        QTest::addColumn<bool>("cancel");
        QTest::addColumn<bool>("retry");
        QTest::addColumn<bool>("succeeded");
        QTest::addColumn<bool>("failed");
        QTest::newRow("none") << QString() << false << false << false << false;
        QTest::newRow("running") << "running" << true << false << false << false;
        QTest::newRow("failed") << "failed" << false << true << true << false;
        QTest::newRow("succeeded") << "succeeded" << false << false << false << true;
        QTest::newRow("queued") << "queued" << true << false << true << true;
    }
    void taskActionsFollowTheTask()
    {
        QFETCH(QString, state);
        QFETCH(bool, cancel);
        QFETCH(bool, retry);
        QFETCH(bool, succeeded);
        QFETCH(bool, failed);
        QWidget parent;
        RunActions actions(m_ws.get(), &parent);
        // No task chosen: its state does not matter.
        actions.setTask(m_failed, state.isEmpty() ? QString() : QStringLiteral("train"),
                        state.isEmpty() ? RunState::Queued : parseRunState(state, m_failed));
        QCOMPARE(actions.cancelTaskAction()->isEnabled(), cancel);
        QCOMPARE(actions.retryTaskAction()->isEnabled(), retry);
        QCOMPARE(actions.markSucceededAction()->isEnabled(), succeeded);
        QCOMPARE(actions.markFailedAction()->isEnabled(), failed);
    }

    void monitorSelectionCancelsAfterConfirmation()
    {
        std::vector<std::unique_ptr<QAbstractItemModelTester>> testers;
        auto mode = loadedMode(testers);
        QVERIFY(mode);
        RunActions *actions = mode->runActions();
        answerConfirmations(actions);
        // The table offers the actions: shortcuts, a toolbar, a context menu.
        QTableView *table = mode->runsView();
        QCOMPARE(table->selectionMode(), QAbstractItemView::ExtendedSelection);
        QCOMPARE(table->contextMenuPolicy(), Qt::CustomContextMenu);
        for (QAction *a : actions->runActions())
            QVERIFY(table->actions().contains(a));
        auto *bar = mode->findChild<QToolBar *>(QStringLiteral("runActionsBar"));
        QVERIFY(bar);
        QCOMPARE(bar->actions(), actions->runActions());
        QVERIFY(!actions->cancelRunsAction()->isEnabled());

        select(*mode, { m_running, m_failed });
        QCOMPARE(mode->selectedRuns().size(), 2);
        QVERIFY(actions->cancelRunsAction()->isEnabled());
        QVERIFY(actions->rerunFailedAction()->isEnabled());

        // Declined: nothing is written.
        m_answer = false;
        actions->cancelRunsAction()->trigger();
        QCOMPARE(m_confirmations.size(), 1);
        QVERIFY2(m_confirmations.first().contains(QStringLiteral("#%1").arg(m_running)),
                 qPrintable(m_confirmations.first()));
        QTest::qWait(50);
        QCOMPARE(requests(QStringLiteral("cancel")), 0);

        // Accepted: one request, for the run that can be cancelled only, off the GUI thread.
        m_answer = true;
        QSignalSpy finished(actions, &RunActions::finished);
        actions->cancelRunsAction()->trigger();
        QTRY_COMPARE(finished.size(), 1);
        QCOMPARE(finished.first().first().toString(), QStringLiteral("Cancel requested for 1 run"));
        QCOMPARE(requests(QStringLiteral("cancel")), 1);
        QCOMPARE(actions->pending(), 0);
    }

    void deleteKeepsRunsStillMovingAndAsksFirst()
    {
        std::vector<std::unique_ptr<QAbstractItemModelTester>> testers;
        auto mode = loadedMode(testers);
        QVERIFY(mode);
        RunActions *actions = mode->runActions();
        answerConfirmations(actions);
        select(*mode, { m_running, m_failed, m_succeeded });
        QVERIFY(actions->deleteRunsAction()->isEnabled());
        QCOMPARE(actions->deleteRunsAction()->text(), QStringLiteral("&Delete 3 Runs…"));
        QSignalSpy finished(actions, &RunActions::finished);
        actions->deleteRunsAction()->trigger();
        QCOMPARE(m_confirmations.size(), 1);
        QVERIFY2(m_confirmations.first().contains(QStringLiteral("Delete 2 runs")),
                 qPrintable(m_confirmations.first()));
        QVERIFY(m_confirmations.first().contains(QStringLiteral("1 run of the selection still "
                                                                "running is kept")));
        QTRY_COMPARE(finished.size(), 1);
        QCOMPARE(requests(QStringLiteral("delete")), 2);
    }

    void rerunFailedQueuesTheRunAgain()
    {
        std::vector<std::unique_ptr<QAbstractItemModelTester>> testers;
        auto mode = loadedMode(testers);
        QVERIFY(mode);
        select(*mode, { m_failed });
        QSignalSpy finished(mode->runActions(), &RunActions::finished);
        mode->runActions()->rerunFailedAction()->trigger();
        QTRY_COMPARE(finished.size(), 1);
        QVERIFY(RunService::runState(m_ws->store().db(), m_failed) == RunState::Queued);
        // The monitor refreshes at once: the table shows the run queued again.
        QTRY_COMPARE(toString(mode->runsModel()->runAt(mode->runsModel()->rowOf(m_failed)).state),
                     QStringLiteral("queued"));
        QTRY_VERIFY(!mode->runActions()->rerunFailedAction()->isEnabled());
    }

    void markAsksForAReason()
    {
        QWidget parent;
        RunActions actions(m_ws.get(), &parent);
        actions.setTask(m_failed, QStringLiteral("train"), RunState::Failed);
        std::optional<QString> answer;
        QStringList asked;
        actions.setReasonHandler([&](const QString &title, const QString &label) {
            asked << title + QLatin1Char('|') + label;
            return answer;
        });
        QSignalSpy finished(&actions, &RunActions::finished);
        QSignalSpy failed(&actions, &RunActions::failed);
        actions.markSucceededAction()->trigger(); // cancelled dialog
        QCOMPARE(asked.size(), 1);
        QVERIFY(asked.first().contains(QStringLiteral("Why is task train of run")));
        answer = QStringLiteral("   ");
        actions.markSucceededAction()->trigger(); // blank reason
        QCOMPARE(failed.size(), 1);
        QVERIFY(failed.first().first().toString().contains(QStringLiteral("reason is required")));
        answer = QStringLiteral("re-loaded by hand");
        actions.markSucceededAction()->trigger();
        QTRY_COMPARE(finished.size(), 1);
        QCOMPARE(requests(QStringLiteral("mark")), 1);
        QVERIFY(Sql::scalar(m_ws->store().db(), QStringLiteral("SELECT payload FROM requests"))
                    .toString()
                    .contains(QStringLiteral("re-loaded by hand")));
        QCOMPARE(
            Sql::scalar(m_ws->store().db(), QStringLiteral("SELECT requested_by FROM requests"))
                .toString(),
            QStringLiteral("olga"));
    }

    void reasonIsRequiredInTheDialogAndKeptOnRefusal()
    {
        // The dialog itself refuses a blank reason: OK stays disabled.
        ReasonDialog dialog(QStringLiteral("Mark Task Succeeded"), QStringLiteral("Why?"), {});
        QPushButton *ok = dialog.buttons()->button(QDialogButtonBox::Ok);
        QVERIFY(!ok->isEnabled());
        dialog.editor()->setPlainText(QStringLiteral("  \n "));
        QVERIFY(!ok->isEnabled());
        dialog.editor()->setPlainText(QStringLiteral(" loaded by hand "));
        QVERIFY(ok->isEnabled());
        QCOMPARE(dialog.reason(), QStringLiteral("loaded by hand"));

        // Through the action (the real dialog): the run was deleted meanwhile, core refuses,
        // and the next Mark dialog of that task starts with what was typed.
        QWidget parent;
        RunActions actions(m_ws.get(), &parent);
        actions.setTask(999, QStringLiteral("train"), RunState::Failed);
        QSignalSpy failed(&actions, &RunActions::failed);
        QStringList shown;
        const auto answer = [&shown](const QString &type, bool accept) {
            QTimer::singleShot(0, [&shown, type, accept] {
                auto *d = qobject_cast<ReasonDialog *>(QApplication::activeModalWidget());
                if (!d) {
                    shown << QStringLiteral("no reason dialog");
                    if (QWidget *other = QApplication::activeModalWidget())
                        other->close(); // whatever asked, so that the test goes on
                    return;
                }
                shown << d->editor()->toPlainText()
                        + (d->buttons()->button(QDialogButtonBox::Ok)->isEnabled()
                               ? QStringLiteral("|ok")
                               : QStringLiteral("|no ok"));
                if (!type.isEmpty())
                    d->editor()->setPlainText(type);
                if (accept)
                    d->buttons()->button(QDialogButtonBox::Ok)->click();
                else
                    d->reject();
            });
        };
        answer(QStringLiteral("re-loaded by hand"), true);
        actions.markSucceededAction()->trigger();
        QTRY_COMPARE(failed.size(), 1);
        QCOMPARE(shown, QStringList { QStringLiteral("|no ok") });
        QCOMPARE(actions.reasonDraft(), QStringLiteral("re-loaded by hand"));
        answer(QString(), false);
        actions.markSucceededAction()->trigger();
        QCOMPARE(shown.value(1), QStringLiteral("re-loaded by hand|ok"));
    }

    void retryAndCancelTaskWriteRequests()
    {
        QWidget parent;
        RunActions actions(m_ws.get(), &parent);
        answerConfirmations(&actions);
        QSignalSpy finished(&actions, &RunActions::finished);
        actions.setTask(m_failed, QStringLiteral("train"), RunState::Failed);
        actions.retryTaskAction()->trigger();
        QTRY_COMPARE(finished.size(), 1);
        QCOMPARE(requests(QStringLiteral("retry")), 1);
        actions.setTask(m_running, QStringLiteral("extract"), RunState::Queued);
        actions.cancelTaskAction()->trigger();
        QTRY_COMPARE(finished.size(), 2);
        QCOMPARE(m_confirmations.size(), 1);
        QCOMPARE(requests(QStringLiteral("cancel")), 1);
    }

    void refusalIsReported()
    {
        // The table showed run 999 failed; someone deleted it since.
        QWidget parent;
        RunActions actions(m_ws.get(), &parent);
        QSignalSpy failed(&actions, &RunActions::failed);
        actions.setRuns({ row(999, QStringLiteral("failed")) });
        actions.rerunFailedAction()->trigger();
        QTRY_COMPARE(failed.size(), 1);
        QVERIFY2(failed.first().first().toString().contains(QStringLiteral("no run 999")),
                 qPrintable(failed.first().first().toString()));
    }

    void tasksMenuOffersTheTaskActionsOfOneRun()
    {
        std::vector<std::unique_ptr<QAbstractItemModelTester>> testers;
        auto mode = loadedMode(testers);
        QVERIFY(mode);
        Ui::TasksMenu *menu = mode->tasksMenu();
        QVERIFY(menu);
        select(*mode, { m_running, m_failed });
        QCOMPARE(menu->runId(), 0); // several runs: no task menu
        QVERIFY(!menu->isEnabled());
        QSignalSpy loaded(menu, &Ui::TasksMenu::loaded);
        select(*mode, { m_failed });
        QCOMPARE(menu->runId(), m_failed);
        QTRY_COMPARE(loaded.size(), 1);
        QCOMPARE(menu->tasks().size(), 7);
        QCOMPARE(menu->title(), QStringLiteral("&Tasks of #%1").arg(m_failed));
        auto *train = menu->findChild<QMenu *>(QStringLiteral("task:train"));
        QVERIFY(train);
        const auto action = [](QMenu *m, const char *name) {
            for (QAction *a : m->actions()) {
                if (a->objectName() == QLatin1String(name))
                    return a;
            }
            return static_cast<QAction *>(nullptr);
        };
        QVERIFY(action(train, "retryTaskAction")->isEnabled());
        QVERIFY(!action(train, "cancelTaskAction")->isEnabled());
        QVERIFY(!action(train, "markFailedAction")->isEnabled());
        auto *extract = menu->findChild<QMenu *>(QStringLiteral("task:extract"));
        QVERIFY(extract && !action(extract, "retryTaskAction")->isEnabled());
        QVERIFY(action(extract, "markFailedAction")->isEnabled());

        QSignalSpy finished(mode->runActions(), &RunActions::finished);
        action(train, "retryTaskAction")->trigger();
        QTRY_COMPARE(finished.size(), 1);
        QCOMPARE(requests(QStringLiteral("retry")), 1);
        QVERIFY(Sql::scalar(m_ws->store().db(), QStringLiteral("SELECT payload FROM requests"))
                    .toString()
                    .contains(QStringLiteral("\"task\":\"train\"")));
    }

    // A queued task of the selected run says why it waits (core's WaitReasons, the engine's
    // launch rule): on hover and atop its actions; a task that runs or ended says nothing.
    void tasksMenuSaysWhyAQueuedTaskWaits()
    {
        m_ws->store().transaction([&](QSqlDatabase &tx) {
            Sql::exec(tx, QStringLiteral("UPDATE runs SET parallelism = 1 WHERE id = ?"),
                      { m_running });
            Sql::exec(tx,
                      QStringLiteral("UPDATE task_runs SET state = CASE task_name WHEN 'extract' "
                                     "THEN 'succeeded' WHEN 'clean' THEN 'running' ELSE state "
                                     "END WHERE run_id = ?"),
                      { m_running });
        });
        std::vector<std::unique_ptr<QAbstractItemModelTester>> testers;
        auto mode = loadedMode(testers);
        QVERIFY(mode);
        Ui::TasksMenu *menu = mode->tasksMenu();
        QSignalSpy loaded(menu, &Ui::TasksMenu::loaded);
        select(*mode, { m_running });
        QTRY_COMPARE(loaded.size(), 1);
        QVERIFY(menu->toolTipsVisible());
        const auto why = [menu](const QString &task) {
            auto *sub = menu->findChild<QMenu *>(QStringLiteral("task:") + task);
            if (!sub)
                return QStringLiteral("<no menu>");
            QString text;
            for (QAction *a : sub->actions()) {
                if (a->objectName() == QLatin1String("waitReason")) {
                    if (a->isEnabled() || a->text() != sub->menuAction()->toolTip())
                        return QStringLiteral("<inconsistent>");
                    text = a->text();
                }
            }
            return text;
        };
        QCOMPARE(why(QStringLiteral("features")),
                 QStringLiteral("waits for a free place: run limit (1 of 1 in use by this run)"));
        QCOMPARE(why(QStringLiteral("train")), QStringLiteral("waits for 2 upstream tasks to end"));
        QCOMPARE(why(QStringLiteral("clean")), QString()); // it runs
        QCOMPARE(why(QStringLiteral("extract")), QString()); // it ended
    }

    void deleteKeyAsksInTheTable()
    {
        std::vector<std::unique_ptr<QAbstractItemModelTester>> testers;
        auto mode = loadedMode(testers);
        QVERIFY(mode);
        m_answer = false;
        answerConfirmations(mode->runActions());
        mode->show();
        QVERIFY(QTest::qWaitForWindowActive(mode.get()));
        select(*mode, { m_succeeded });
        mode->runsView()->setFocus();
        QTest::keyClick(mode->runsView(), Qt::Key_Delete);
        QCOMPARE(m_confirmations.size(), 1);
        QVERIFY(m_confirmations.first().startsWith(QStringLiteral("Delete Runs|")));
    }
};

QTEST_MAIN(TestRunActions)
#include "tst_runactions.moc"
