// The Review mode and the review panel: scopes, sign-offs and notes written off the GUI thread.
#include "access/auditlog.h"
#include "access/reviewservice.h"
#include "engine/runservice.h"
#include "monitoring/monitormode.h"
#include "monitoring/runsfiltermodel.h"
#include "monitoring/runstablemodel.h"
#include "review/reviewhistorymodel.h"
#include "review/reviewmode.h"
#include "review/reviewpanel.h"
#include "runs/rundetailview.h"
#include "runs/runfactsmodel.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "uitestdata.h"
#include "widgets/backgroundtask.h"

#include <QAbstractItemModelTester>
#include <QAction>
#include <QComboBox>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace Baton;
using Baton::Ui::MonitorMode;
using Baton::Ui::ReviewHistoryModel;
using Baton::Ui::ReviewMode;
using Baton::Ui::ReviewPanel;
using Baton::Ui::RunsTableModel;

namespace {

QList<qint64> ids(const QAbstractItemModel *model)
{
    QList<qint64> out;
    for (int r = 0; r < model->rowCount(); ++r)
        out << model->index(r, 0).data(RunsTableModel::RunIdRole).toLongLong();
    std::sort(out.begin(), out.end());
    return out;
}

// The run ids in the order the view shows them.
QList<qint64> shownIds(const QAbstractItemModel *model)
{
    QList<qint64> out;
    for (int r = 0; r < model->rowCount(); ++r)
        out << model->index(r, 0).data(RunsTableModel::RunIdRole).toLongLong();
    return out;
}

} // namespace

class TestReviewMode : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Workspace> m_ws;
    std::unique_ptr<MonitorMode> m_monitor;
    std::unique_ptr<ReviewMode> m_mode;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> m_testers;
    qint64 m_succeeded = 0;
    qint64 m_failed = 0;
    qint64 m_running = 0;
    qint64 m_approved = 0;

    qint64 createRun(const QString &state)
    {
        RunRequest request;
        request.project = QStringLiteral("churn");
        request.pipeline = QStringLiteral("nightly");
        request.actor = QStringLiteral("alice");
        const qint64 id = RunService::createRun(m_ws->store(), request);
        Sql::exec(
            m_ws->store().db(),
            QStringLiteral("UPDATE runs SET state = ?, finished_at = ? WHERE id = ?"),
            { state, state == QLatin1String("running") ? QVariant() : QVariant(id * 1000), id });
        return id;
    }

    QString reviewOf(qint64 id) const
    {
        RunsTableModel *model = m_monitor->runsModel();
        const int row = model->rowOf(id);
        return row < 0 ? QString() : model->runAt(row).review;
    }

private Q_SLOTS:
    void init()
    {
        qputenv("BATON_USER", "dana");
        m_dir = std::make_unique<QTemporaryDir>();
        m_ws = std::make_unique<Workspace>(m_dir->path(), Workspace::Mode::CreateIfMissing);
        ProjectWriter::apply(m_ws->store(), { UiTest::churnProject() }, QStringLiteral("tester"));
        m_succeeded = createRun(QStringLiteral("succeeded"));
        m_failed = createRun(QStringLiteral("failed"));
        m_running = createRun(QStringLiteral("running"));
        m_approved = createRun(QStringLiteral("succeeded"));
        ReviewService::signOff(m_ws->store(), m_approved, true, QStringLiteral("fine"),
                               QStringLiteral("erin"));

        m_monitor = std::make_unique<MonitorMode>(m_ws.get());
        m_monitor->setPollInterval(100);
        m_mode = std::make_unique<ReviewMode>(m_ws.get(), m_monitor->runsModel());
        connect(m_mode.get(), &ReviewMode::reviewed, m_monitor.get(), &MonitorMode::refreshNow);
        m_testers.push_back(std::make_unique<QAbstractItemModelTester>(m_mode->runsFilter()));
        m_testers.push_back(std::make_unique<QAbstractItemModelTester>(m_mode->signOffsModel()));
        m_testers.push_back(
            std::make_unique<QAbstractItemModelTester>(m_mode->reviewPanel()->historyModel()));
        QTRY_COMPARE(m_monitor->runsModel()->rowCount(), 4);
    }
    void cleanup()
    {
        m_testers.clear();
        m_mode.reset();
        m_monitor.reset();
        Baton::Ui::BackgroundTask::drain(); // jobs may outlive their widgets, never the workspace
        m_ws.reset();
    }

    void scopesFilterByReviewState_data()
    {
        QTest::addColumn<int>("scope");
        QTest::addColumn<QString>("expected"); // which of the runs, by name
        QTest::newRow("awaiting") << int(ReviewMode::AwaitingReview) << "succeeded failed";
        QTest::newRow("approved") << int(ReviewMode::Approved) << "approved";
        QTest::newRow("rejected") << int(ReviewMode::Rejected) << "";
        QTest::newRow("all finished")
            << int(ReviewMode::AllFinished) << "succeeded failed approved";
    }
    void scopesFilterByReviewState()
    {
        QFETCH(int, scope);
        QFETCH(QString, expected);
        const QHash<QString, qint64> byName { { QStringLiteral("succeeded"), m_succeeded },
                                              { QStringLiteral("failed"), m_failed },
                                              { QStringLiteral("approved"), m_approved } };
        QList<qint64> want;
        for (const QString &name : expected.split(QLatin1Char(' '), Qt::SkipEmptyParts))
            want << byName.value(name);
        std::sort(want.begin(), want.end());
        m_mode->setScope(ReviewMode::Scope(scope));
        QCOMPARE(m_mode->scope(), ReviewMode::Scope(scope));
        QCOMPARE(ids(m_mode->runsFilter()), want);
        QVERIFY(!ids(m_mode->runsFilter()).contains(m_running)); // nothing to sign off yet
    }

    void newestRunWaitingIsShownAndApproved()
    {
        // The queue opens on the newest run awaiting review.
        QTRY_COMPARE(m_mode->currentRun(), m_failed);
        ReviewPanel *panel = m_mode->reviewPanel();
        QCOMPARE(panel->runId(), m_failed);
        QVERIFY(panel->stateLabel()->text().contains(QStringLiteral("Awaiting review")));
        QVERIFY(panel->approveAction()->isEnabled());
        QVERIFY(!panel->rejectAction()->isEnabled()); // a rejection needs a comment
        QVERIFY(!panel->annotateAction()->isEnabled());

        QSignalSpy reviewed(m_mode.get(), &ReviewMode::reviewed);
        panel->commentEdit()->setPlainText(QStringLiteral("retrained, numbers fine"));
        QVERIFY(panel->rejectAction()->isEnabled());
        panel->approveAction()->trigger();
        QTRY_COMPARE(reviewed.size(), 1);
        QCOMPARE(reviewed.first().first().toLongLong(), m_failed);
        QCOMPARE(ReviewService::reviewState(m_ws->store().db(), m_failed),
                 QStringLiteral("approved"));
        QVERIFY(panel->commentEdit()->toPlainText().isEmpty()); // used, so cleared
        // The monitor sees it; the run leaves the queue; the sign-off history has it first.
        QTRY_COMPARE(reviewOf(m_failed), QStringLiteral("approved"));
        QTRY_VERIFY(!ids(m_mode->runsFilter()).contains(m_failed));
        QTRY_COMPARE(m_mode->currentRun(), m_succeeded); // the next one in the queue
        QTRY_VERIFY(m_mode->signOffsModel()->rowCount() == 2);
        const QModelIndex first = m_mode->signOffsModel()->index(0, ReviewHistoryModel::TextColumn);
        QCOMPARE(first.data().toString(), QStringLiteral("retrained, numbers fine"));
        QCOMPARE(first.data(ReviewHistoryModel::RunIdRole).toLongLong(), m_failed);
        QCOMPARE(
            m_mode->signOffsModel()->index(0, ReviewHistoryModel::AuthorColumn).data().toString(),
            QStringLiteral("dana"));
    }

    void queueIsNewestFirstAndSortsByEachColumn()
    {
        m_mode->setScope(ReviewMode::AllFinished);
        QTableView *table = m_mode->runsView();
        // Newest first: the run ids, descending.
        QCOMPARE(shownIds(m_mode->runsFilter()),
                 QList<qint64>({ m_approved, m_failed, m_succeeded }));
        // A click on a header sorts by that column's own values, not by when the run finished.
        table->sortByColumn(RunsTableModel::StateColumn, Qt::AscendingOrder);
        QStringList states;
        for (int r = 0; r < m_mode->runsFilter()->rowCount(); ++r)
            states << toString(m_mode->runsFilter()
                                   ->index(r, 0)
                                   .data(RunsTableModel::StateRole)
                                   .value<RunState>());
        QCOMPARE(states, QStringList({ "failed", "succeeded", "succeeded" }));
        table->sortByColumn(RunsTableModel::ReviewColumn, Qt::DescendingOrder);
        QCOMPARE(m_mode->runsFilter()->index(0, 0).data(RunsTableModel::ReviewRole).toString(),
                 QStringLiteral("pending"));
        QCOMPARE(m_mode->runsFilter()->index(2, 0).data(RunsTableModel::ReviewRole).toString(),
                 QStringLiteral("approved"));
        table->sortByColumn(RunsTableModel::RunColumn, Qt::AscendingOrder);
        QCOMPARE(shownIds(m_mode->runsFilter()),
                 QList<qint64>({ m_succeeded, m_failed, m_approved }));
    }

    void openingARunShowsItsDetailInPlace_data()
    {
        QTest::addColumn<QString>("how");
        QTest::newRow("double-click") << "double-click";
        QTest::newRow("Enter") << "enter";
        QTest::newRow("context menu") << "menu";
    }
    void openingARunShowsItsDetailInPlace()
    {
        QFETCH(QString, how);
        m_mode->resize(1400, 800);
        m_mode->show();
        QVERIFY(QTest::qWaitForWindowActive(m_mode.get()));
        QTableView *table = m_mode->runsView();
        QTRY_COMPARE(m_mode->currentRun(), m_failed);
        QVERIFY(!m_mode->findChild<Baton::Ui::RunDetailView *>()); // nothing opened yet
        const int row = shownIds(m_mode->runsFilter()).indexOf(m_succeeded);
        QVERIFY(row >= 0);
        const QModelIndex index = m_mode->runsFilter()->index(row, RunsTableModel::PipelineColumn);
        if (how == QLatin1String("double-click")) {
            const QPoint at = table->visualRect(index).center();
            QTest::mouseClick(table->viewport(), Qt::LeftButton, {}, at);
            QTest::mouseDClick(table->viewport(), Qt::LeftButton, {}, at);
        } else if (how == QLatin1String("enter")) {
            table->setFocus();
            table->selectionModel()->setCurrentIndex(
                index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            QTest::keyClick(table, Qt::Key_Return);
        } else {
            table->selectionModel()->setCurrentIndex(
                index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
            QCOMPARE(table->contextMenuPolicy(), Qt::ActionsContextMenu);
            QAction *open = nullptr;
            for (QAction *action : table->actions()) {
                if (action->text().remove(QLatin1Char('&')) == QLatin1String("Open Run"))
                    open = action;
            }
            QVERIFY(open);
            QVERIFY(open->isEnabled());
            open->trigger();
        }
        auto *detail = m_mode->findChild<Baton::Ui::RunDetailView *>();
        QVERIFY(detail);
        QVERIFY(detail->isVisible());
        QCOMPARE(detail->runId(), m_succeeded);
        QCOMPARE(m_mode->reviewPanel()->runId(), m_succeeded); // beside its sign-off
        QVERIFY(m_mode->reviewPanel()->isVisible());
        QTRY_VERIFY(detail->isLoaded());
        QVERIFY(detail->versionsModel()->rowCount() > 0);
        QVERIFY(detail->headerLabel()->text().contains(QStringLiteral("nightly")));

        // Opened, it follows the current run down the queue.
        table->selectionModel()->setCurrentIndex(
            m_mode->runsFilter()->index(shownIds(m_mode->runsFilter()).indexOf(m_failed), 0),
            QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        QCOMPARE(m_mode->openedRun()->runId(), m_failed);
        QCOMPARE(m_mode->findChildren<Baton::Ui::RunDetailView *>().size(), 1);
        QSignalSpy tab(m_mode.get(), &ReviewMode::openRunRequested);
        m_mode->openInTabAction()->trigger();
        QCOMPARE(tab.size(), 1);
        QCOMPARE(tab.first().first().toLongLong(), m_failed);
        m_mode->closeRunAction()->trigger();
        QVERIFY(!m_mode->openedRun());
        QVERIFY(!m_mode->findChild<Baton::Ui::RunDetailView *>());
    }

    void bulkSignOffAppliesOneCommentToEachRun()
    {
        m_mode->setScope(ReviewMode::AwaitingReview);
        QTableView *table = m_mode->runsView();
        QCOMPARE(table->selectionMode(), QAbstractItemView::ExtendedSelection);
        table->selectAll();
        QCOMPARE(m_mode->selectedRuns(), QList<qint64>({ m_failed, m_succeeded }));
        ReviewPanel *panel = m_mode->reviewPanel();
        QVERIFY(panel->isBulk());
        QCOMPARE(panel->runIds(), QList<qint64>({ m_failed, m_succeeded }));
        QVERIFY(panel->approveAction()->isEnabled());
        QVERIFY(!panel->rejectAction()->isEnabled()); // a rejection needs its comment
        panel->commentEdit()->setPlainText(QStringLiteral("late partition, both"));
        QVERIFY(panel->rejectAction()->isEnabled());
        QVERIFY(!panel->annotateAction()->isEnabled()); // a note is about one run

        QSignalSpy reviewed(m_mode.get(), &ReviewMode::reviewed);
        panel->rejectAction()->trigger();
        QTRY_COMPARE(reviewed.size(), 2);
        for (const qint64 id : { m_failed, m_succeeded }) {
            QCOMPARE(ReviewService::reviewState(m_ws->store().db(), id),
                     QStringLiteral("rejected"));
            QCOMPARE(ReviewService::history(m_ws->store().db(), id).last().text,
                     QStringLiteral("late partition, both"));
        }
        // Each run's sign-off is audited on its own.
        QSet<qint64> audited;
        for (const AuditEvent &e : AuditLog::recent(m_ws->store().db(), 10)) {
            if (e.action == QLatin1String("run.reject"))
                audited.insert(e.objectId);
        }
        QCOMPARE(audited, QSet<qint64>({ m_failed, m_succeeded }));
        QTRY_VERIFY(ids(m_mode->runsFilter()).isEmpty()); // the queue is done
        QVERIFY(panel->commentEdit()->toPlainText().isEmpty());
    }

    void notesAndRejectionShowInTheHistory()
    {
        m_mode->setScope(ReviewMode::AllFinished); // the run stays listed once signed off
        QVERIFY(m_mode->selectRun(m_succeeded));
        ReviewPanel *panel = m_mode->reviewPanel();
        QCOMPARE(panel->runId(), m_succeeded);
        QSignalSpy loaded(panel, &ReviewPanel::historyLoaded);
        panel->commentEdit()->setPlainText(QStringLiteral("row counts look low"));
        panel->annotateAction()->trigger();
        QTRY_COMPARE(panel->historyModel()->rowCount(), 1);
        panel->commentEdit()->setPlainText(QStringLiteral("missing Monday's partition"));
        panel->rejectAction()->trigger();
        QTRY_COMPARE(panel->historyModel()->rowCount(), 2);
        const ReviewHistoryModel *h = panel->historyModel();
        QCOMPARE(h->index(0, ReviewHistoryModel::KindColumn).data().toString(),
                 QStringLiteral("note"));
        QCOMPARE(h->index(1, ReviewHistoryModel::KindColumn).data().toString(),
                 QStringLiteral("rejected"));
        QCOMPARE(h->index(1, ReviewHistoryModel::KindColumn).data(ReviewHistoryModel::KindRole),
                 QVariant(QStringLiteral("rejected")));
        QCOMPARE(h->index(1, ReviewHistoryModel::TextColumn).data().toString(),
                 QStringLiteral("missing Monday's partition"));
        QTRY_COMPARE(reviewOf(m_succeeded), QStringLiteral("rejected"));
        m_mode->setScope(ReviewMode::Rejected);
        QCOMPARE(ids(m_mode->runsFilter()), QList<qint64>({ m_succeeded }));
        // The table says it too: "rejected · 1 note".
        const int row = m_monitor->runsModel()->rowOf(m_succeeded);
        QCOMPARE(m_monitor->runsModel()->index(row, RunsTableModel::ReviewColumn).data().toString(),
                 QStringLiteral("rejected · 1 note"));
    }

    void runningRunCanOnlyBeAnnotated()
    {
        QVERIFY(!m_mode->selectRun(m_running)); // not in any scope: nothing to sign off yet
        ReviewPanel panel(m_ws.get());
        const RunsTableModel *model = m_monitor->runsModel();
        panel.setRun(model->runAt(model->rowOf(m_running)));
        panel.commentEdit()->setPlainText(QStringLiteral("watch the train step"));
        QVERIFY(!panel.approveAction()->isEnabled());
        QVERIFY(!panel.rejectAction()->isEnabled());
        QVERIFY(panel.annotateAction()->isEnabled());
        QVERIFY(panel.stateLabel()->text().contains(QStringLiteral("Not finished")));
        panel.annotateAction()->trigger();
        QTRY_COMPARE(panel.historyModel()->rowCount(), 1);
    }

    void errorsAreShownInThePanel()
    {
        QVERIFY(m_mode->selectRun(m_approved));
        ReviewPanel *panel = m_mode->reviewPanel();
        QTRY_COMPARE(panel->historyModel()->rowCount(), 1);
        // Deleted by someone else while shown: the write is refused with core's reason. The
        // monitor stops polling first: its next poll would drop the run and move the selection,
        // which is right, but not what this test looks at.
        m_monitor->setPollInterval(3600 * 1000);
        QTest::qWait(50); // a poll already in flight lands before the delete
        Sql::exec(m_ws->store().db(), QStringLiteral("DELETE FROM runs WHERE id = ?"),
                  { m_approved });
        QSignalSpy failed(panel, &ReviewPanel::failed);
        panel->commentEdit()->setPlainText(QStringLiteral("too late"));
        panel->annotateAction()->trigger();
        QTRY_COMPARE(failed.size(), 1);
        QVERIFY2(panel->lastError().contains(QStringLiteral("no run %1").arg(m_approved)),
                 qPrintable(panel->lastError()));
        QCOMPARE(panel->commentEdit()->toPlainText(), QStringLiteral("too late")); // kept
    }
};

QTEST_MAIN(TestReviewMode)
#include "tst_reviewmode.moc"
