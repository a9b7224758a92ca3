// The run detail, Gantt and compare views over a real workspace with recorded runs, offscreen.
#include "core/rundata.h"
#include "core/testspecs.h"
#include "logs/logview.h"
#include "logs/logviewer.h"
#include "mainwindow/documenttabs.h"
#include "mainwindow/mainwindow.h"
#include "monitoring/monitormode.h"
#include "monitoring/runstablemodel.h"
#include "review/reviewpanel.h"
#include "runs/ganttview.h"
#include "runs/runcomparemodel.h"
#include "runs/runcompareview.h"
#include "runs/rundetailview.h"
#include "runs/runfactsmodel.h"
#include "runs/runtasksmodel.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "widgets/backgroundtask.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QLabel>
#include <QPushButton>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

using namespace Baton;
using namespace Baton::Ui;
using namespace Baton::Test;

namespace {

constexpr qint64 T0 = 1795000000000;
const QString kSecret = QStringLiteral("param-secret-42");

QStringList column(const QAbstractItemModel *model, int col, const QModelIndex &parent = {})
{
    QStringList out;
    for (int r = 0; r < model->rowCount(parent); ++r)
        out << model->index(r, col, parent).data().toString();
    return out;
}

bool anyCellContains(const QAbstractItemModel *model, const QString &text)
{
    for (int r = 0; r < model->rowCount(); ++r) {
        for (int c = 0; c < model->columnCount(); ++c) {
            if (model->index(r, c).data().toString().contains(text)
                || model->index(r, c).data(Qt::ToolTipRole).toString().contains(text))
                return true;
        }
    }
    return false;
}

} // namespace

class TestRunDetailView : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<Workspace> m_ws;
    int m_counter = 0;

    qint64 goodRun()
    {
        const qint64 run = queueRun(m_ws->store(), QStringLiteral("churn"),
                                    QStringLiteral("nightly"), QStringLiteral("dev"),
                                    { { QStringLiteral("BATCH"), QStringLiteral("500") } });
        recordTask(*m_ws, run, QStringLiteral("extract"), QStringLiteral("succeeded"),
                   { { QStringLiteral("succeeded"), 0, T0, T0 + 4000, record('O', "ok"), {} } });
        recordTask(
            *m_ws, run, QStringLiteral("train"), QStringLiteral("succeeded"),
            { { QStringLiteral("succeeded"), 0, T0 + 4100, T0 + 9000, record('O', "fit"), {} } });
        recordTask(*m_ws, run, QStringLiteral("score"), QStringLiteral("succeeded"),
                   { { QStringLiteral("succeeded"), 0, T0 + 9100, T0 + 12000, {}, {} } });
        recordTask(*m_ws, run, QStringLiteral("alert"), QStringLiteral("skipped"), {});
        recordMetric(*m_ws, run, QStringLiteral("train"), QStringLiteral("auc"), 0.84);
        recordRun(*m_ws, run, QStringLiteral("succeeded"), T0, T0 + 12000);
        return run;
    }

    qint64 failedRun()
    {
        const qint64 run = queueRun(m_ws->store(), QStringLiteral("churn"),
                                    QStringLiteral("nightly"), QStringLiteral("prod"),
                                    { { QStringLiteral("BATCH"), QStringLiteral("800") },
                                      { QStringLiteral("API_TOKEN"), kSecret } });
        recordTask(*m_ws, run, QStringLiteral("extract"), QStringLiteral("succeeded"),
                   { { QStringLiteral("failed"), 1, T0, T0 + 2000,
                       record('O', "fetching") + record('E', "connection reset"),
                       QStringLiteral("exit 1") },
                     { QStringLiteral("succeeded"),
                       0,
                       T0 + 5000,
                       T0 + 9000,
                       record('O', "extracted 100 rows"),
                       {} } });
        recordTask(*m_ws, run, QStringLiteral("train"), QStringLiteral("failed"),
                   { { QStringLiteral("failed"), 2, T0 + 9100, T0 + 30000,
                       record('O', "training") + record('E', "Traceback: model diverged"),
                       QStringLiteral("exit 2") } });
        recordTask(*m_ws, run, QStringLiteral("score"), QStringLiteral("upstream_failed"), {});
        recordTask(*m_ws, run, QStringLiteral("alert"), QStringLiteral("succeeded"),
                   { { QStringLiteral("succeeded"), 0, T0 + 30100, T0 + 30300, {}, {} } });
        recordMetric(*m_ws, run, QStringLiteral("extract"), QStringLiteral("rows"), 100);
        recordMetric(*m_ws, run, QStringLiteral("train"), QStringLiteral("auc"), 0.61);
        recordRun(*m_ws, run, QStringLiteral("failed"), T0, T0 + 30300);
        return run;
    }

    std::unique_ptr<RunDetailView> open(qint64 run, int interval = 1000)
    {
        auto view = std::make_unique<RunDetailView>(&m_ws->store(), run, nullptr, interval);
        view->resize(1200, 800);
        view->show();
        RunDetailView *raw = view.get();
        [raw] {
            QTRY_VERIFY(raw->isLoaded());
        }();
        return view;
    }

private Q_SLOTS:
    void cleanup()
    {
        Baton::Ui::BackgroundTask::drain(); // jobs may outlive widgets, never the workspace
    }

    void init()
    {
        m_ws = std::make_unique<Workspace>(m_dir.filePath(QString::number(++m_counter)),
                                           Workspace::Mode::CreateIfMissing);
        ProjectWriter::apply(m_ws->store(), { churnProject() }, QStringLiteral("tester"));
    }

    void showsTasksAndAttempts()
    {
        const qint64 run = failedRun();
        auto view = open(run);
        RunTasksModel *model = view->tasksModel();
        QAbstractItemModelTester tester(model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(column(model, RunTasksModel::NameColumn),
                 QStringList({ "extract", "train", "score", "alert" }));
        QCOMPARE(column(model, RunTasksModel::StateColumn),
                 QStringList({ "succeeded", "failed", "upstream failed", "succeeded" }));
        const QModelIndex extract = model->taskIndex(QStringLiteral("extract"));
        QCOMPARE(model->rowCount(extract), 2);
        QCOMPARE(column(model, RunTasksModel::ExitColumn, extract), QStringList({ "1", "0" }));
        QCOMPARE(column(model, RunTasksModel::DurationColumn, extract),
                 QStringList({ "2.0 s", "4.0 s" }));
        QCOMPARE(column(model, RunTasksModel::StateColumn, extract),
                 QStringList({ "failed", "succeeded" }));
        QCOMPARE(model->index(0, RunTasksModel::AttemptsColumn).data().toInt(), 2);
        QCOMPARE(model->index(0, RunTasksModel::VersionColumn).data().toString(),
                 QStringLiteral("extract v1"));
        QCOMPARE(model->index(1, RunTasksModel::ExitColumn).data().toInt(), 2);
        QCOMPARE(model->rowCount(model->taskIndex(QStringLiteral("score"))), 0);
        QVERIFY(view->headerLabel()->text().contains(QStringLiteral("Run %1").arg(run)));
        QVERIFY(view->headerLabel()->text().contains(QLatin1String("failed")));
        QCOMPARE(view->title(), QStringLiteral("Run %1 · churn/nightly").arg(run));
    }

    void versionsVariablesMetrics()
    {
        auto view = open(failedRun());
        RunFactsModel *versions = view->versionsModel();
        RunFactsModel *variables = view->variablesModel();
        RunFactsModel *metrics = view->metricsModel();
        QAbstractItemModelTester t1(versions,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(variables,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t3(metrics,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(column(versions, 0), QStringList({ "extract", "train", "score", "alert" }));
        QCOMPARE(versions->text(0, 2), QStringLiteral("v1"));
        QCOMPARE(versions->text(0, 4), QStringLiteral("./extract.sh"));
        QCOMPARE(versions->text(3, 1), QStringLiteral("notify"));
        QCOMPARE(versions->text(0, 5).size(), 12);

        // The secret: masked as a parameter and as a variable, never anywhere in clear.
        const QStringList names = column(variables, 0);
        const int param = int(names.indexOf(QStringLiteral("API_TOKEN")));
        QVERIFY(param >= 0);
        QCOMPARE(variables->text(param, 1), QStringLiteral("***"));
        QVERIFY(variables->index(param, 1).data(RunFactsModel::SecretRole).toBool());
        QVERIFY(!anyCellContains(variables, kSecret));
        QVERIFY(names.contains(QStringLiteral("DB_URL")));
        QVERIFY(names.contains(QStringLiteral("BATON_ENV")));
        QCOMPARE(variables->text(int(names.indexOf(QStringLiteral("BATCH"))), 1),
                 QStringLiteral("800"));

        QCOMPARE(column(metrics, 0), QStringList({ "rows", "auc" }));
        QCOMPARE(column(metrics, 1), QStringList({ "100", "0.61" }));
        QCOMPARE(column(metrics, 2), QStringList({ "extract", "train" }));
        QCOMPARE(view->sections()->tabText(3), QStringLiteral("Metrics (2)"));
        // This run was written without the engine's record of its variables: the tab says the
        // values are today's definitions.
        QCOMPARE(view->sections()->tabText(2), QStringLiteral("Variables"));
        QVERIFY(view->sections()->tabToolTip(2).startsWith(QLatin1String("Today's definitions")));
    }

    void ganttShowsRetriesAsBars()
    {
        auto view = open(failedRun());
        GanttView *gantt = view->ganttView();
        QTRY_VERIFY(gantt->isVisible());
        const QRect first = gantt->barRect(QStringLiteral("extract"), 1);
        const QRect second = gantt->barRect(QStringLiteral("extract"), 2);
        QVERIFY(!first.isEmpty());
        QVERIFY(!second.isEmpty());
        QVERIFY(second.left() > first.right()); // the backoff wait lies between them
        QCOMPARE(first.top(), second.top()); // one row per task
        const QRect train = gantt->barRect(QStringLiteral("train"), 1);
        QVERIFY(train.top() > first.top());
        QVERIFY(train.left() >= second.right() - 1);
        QVERIFY(gantt->barRect(QStringLiteral("score"), 1).isEmpty()); // never ran
        QCOMPARE(gantt->timeRange(), qMakePair(T0, T0 + 30300));
        const QString tip = gantt->toolTipAt(first.center());
        QVERIFY2(tip.contains(QLatin1String("attempt 1"))
                     && tip.contains(QLatin1String("exit code 1")),
                 qPrintable(tip));
        // Clicking a bar selects that attempt and shows its log.
        QTest::mouseClick(gantt, Qt::LeftButton, {}, first.center());
        QCOMPARE(view->shownAttempt(), qMakePair(QStringLiteral("extract"), 1));
        QTRY_VERIFY(view->logViewer()->view()->visibleLines().size() == 2);
        QCOMPARE(view->logViewer()->view()->visibleLines().last().text,
                 QStringLiteral("connection reset"));
        QCOMPARE(view->tasksView()->currentIndex().data(RunTasksModel::AttemptRole).toInt(), 1);
    }

    void opensOnTheFailureLog()
    {
        auto view = open(failedRun());
        // The first failed task, its last attempt.
        QCOMPARE(view->shownAttempt().first, QStringLiteral("train"));
        QTRY_COMPARE(view->logViewer()->view()->visibleLines().size(), 2);
        QCOMPARE(view->logViewer()->view()->visibleLines().last().text,
                 QStringLiteral("Traceback: model diverged"));
        QCOMPARE(view->logViewer()->view()->visibleLines().last().stream, LogStream::Err);
        // Choosing another task in the tree switches the log.
        view->tasksView()->setCurrentIndex(
            view->tasksModel()->taskIndex(QStringLiteral("extract")));
        QTRY_COMPARE(view->logViewer()->view()->visibleLines().size(), 1);
        QCOMPARE(view->logViewer()->view()->visibleLines().first().text,
                 QStringLiteral("extracted 100 rows"));
        QSignalSpy openLog(view.get(), &RunDetailView::openLogRequested);
        view->findChild<QPushButton *>(QStringLiteral("openLogButton"))->click();
        QCOMPARE(openLog.count(), 1);
        QVERIFY(openLog.at(0).at(0).toString().endsWith(QLatin1String("/extract.2/log")));
        QCOMPARE(openLog.at(0).at(2).toBool(), false); // over: not live
        // A task whose attempt wrote nothing has no log file: shown as no output, no error.
        view->tasksView()->setCurrentIndex(view->tasksModel()->taskIndex(QStringLiteral("alert")));
        QTRY_COMPARE(view->shownAttempt().first, QStringLiteral("alert"));
        LogView *log = view->logViewer()->view();
        QVERIFY(log->path().endsWith(QLatin1String("/alert.1/log")));
        QVERIFY(!QFile::exists(log->path()));
        QTRY_VERIFY(!log->isLoading());
        QVERIFY(log->visibleLines().isEmpty());
        QCOMPARE(log->openError(), QString());
        QVERIFY(!log->isLive());
        QVERIFY2(log->placeholderText().startsWith(QLatin1String("No output\n")),
                 qPrintable(log->placeholderText()));
        // The status line follows the view's state on the next event: wait for it.
        QTRY_VERIFY2(view->logViewer()->statusLabel()->text().contains(QLatin1String("no output")),
                     qPrintable(view->logViewer()->statusLabel()->text()));
    }

    void liveRefreshAppliesBatches()
    {
        const qint64 run
            = queueRun(m_ws->store(), QStringLiteral("churn"), QStringLiteral("nightly"));
        auto view = open(run, 30);
        RunTasksModel *model = view->tasksModel();
        QAbstractItemModelTester tester(model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy resets(model, &QAbstractItemModel::modelReset);
        QSignalSpy inserts(model, &QAbstractItemModel::rowsInserted);
        QCOMPARE(column(model, RunTasksModel::StateColumn),
                 QStringList({ "queued", "queued", "queued", "queued" }));
        recordRun(*m_ws, run, QStringLiteral("running"), T0, 0);
        recordTask(
            *m_ws, run, QStringLiteral("extract"), QStringLiteral("running"),
            { { QStringLiteral("running"), std::nullopt, T0, 0, record('O', "working"), {} } });
        QTRY_COMPARE(model->index(0, RunTasksModel::StateColumn).data().toString(),
                     QStringLiteral("running"));
        QCOMPARE(model->rowCount(model->taskIndex(QStringLiteral("extract"))), 1);
        QCOMPARE(resets.count(), 0); // the same tasks: rows change in place
        QCOMPARE(inserts.count(), 1);
        QVERIFY(model->index(0, 0).data(RunTasksModel::LiveRole).toBool());
        QVERIFY(!view->detail().terminal);
        // The running attempt's log is shown as it grows.
        QTRY_COMPARE(view->shownAttempt().first, QStringLiteral("extract"));
        QTRY_COMPARE(view->logViewer()->view()->visibleLines().size(), 1);
        QFile log(model->index(0, 0).data(RunTasksModel::LogPathRole).toString());
        QVERIFY(log.open(QIODevice::Append));
        log.write(record('O', "more work"));
        log.close();
        QTRY_COMPARE(view->logViewer()->view()->visibleLines().last().text,
                     QStringLiteral("more work"));
    }

    void compareWithAnotherRun()
    {
        const qint64 good = goodRun();
        const qint64 bad = failedRun();
        auto view = open(bad);
        QTRY_COMPARE(view->compareCombo()->count(), 1);
        QCOMPARE(view->compareCombo()->currentData().toLongLong(), good);
        QVERIFY(view->compareButton()->isEnabled());
        QSignalSpy requested(view.get(), &RunDetailView::compareRequested);
        view->compareButton()->click();
        QCOMPARE(requested.count(), 1);
        QCOMPARE(requested.at(0).at(0).toLongLong(), bad);
        QCOMPARE(requested.at(0).at(1).toLongLong(), good);

        RunCompareView compare(&m_ws->store(), good, bad);
        compare.resize(1200, 800);
        compare.show();
        QTRY_VERIFY(compare.isLoaded());
        RunCompareModel *tasks = compare.tasksModel();
        RunCompareModel *fields = compare.fieldsModel();
        RunCompareModel *metrics = compare.metricsModel();
        QAbstractItemModelTester t1(tasks, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(fields, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t3(metrics,
                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(column(tasks, RunCompareModel::TaskColumn),
                 QStringList({ "extract", "train", "score", "alert" }));
        // train: succeeded vs failed, and slower; both cells flagged.
        QCOMPARE(tasks->index(1, RunCompareModel::StateAColumn).data().toString(),
                 QStringLiteral("succeeded"));
        QCOMPARE(tasks->index(1, RunCompareModel::StateBColumn).data().toString(),
                 QStringLiteral("failed"));
        QVERIFY(tasks->index(1, RunCompareModel::StateBColumn)
                    .data(RunCompareModel::DiffersRole)
                    .toBool());
        QVERIFY(tasks->index(1, RunCompareModel::DurationBColumn)
                    .data(RunCompareModel::DiffersRole)
                    .toBool());
        QVERIFY(!tasks->index(1, RunCompareModel::VersionAColumn)
                     .data(RunCompareModel::DiffersRole)
                     .toBool());
        QCOMPARE(tasks->index(0, RunCompareModel::AttemptsColumn).data().toString(),
                 QStringLiteral("1 / 2"));
        QVERIFY(tasks->index(0, RunCompareModel::AttemptsColumn)
                    .data(RunCompareModel::DiffersRole)
                    .toBool());
        const QStringList fieldNames = column(fields, RunCompareModel::FieldColumn);
        const int env = int(fieldNames.indexOf(QStringLiteral("environment")));
        QCOMPARE(fields->index(env, RunCompareModel::AColumn).data().toString(),
                 QStringLiteral("dev"));
        QCOMPARE(fields->index(env, RunCompareModel::BColumn).data().toString(),
                 QStringLiteral("prod"));
        QVERIFY(fields->index(env, RunCompareModel::BColumn)
                    .data(RunCompareModel::DiffersRole)
                    .toBool());
        const int version = int(fieldNames.indexOf(QStringLiteral("pipeline version")));
        QVERIFY(!fields->index(version, 1).data(RunCompareModel::DiffersRole).toBool());
        QVERIFY(!anyCellContains(fields, kSecret));
        QCOMPARE(column(metrics, 0), QStringList({ "auc (train)", "rows (extract)" }));
        QVERIFY(compare.summaryLabel()->text().contains(QLatin1String("difference")));

        // Only differences: equal rows go away.
        const int allFields = fields->rowCount();
        compare.onlyDifferencesCheck()->setChecked(true);
        QVERIFY(fields->rowCount() < allFields);
        for (int r = 0; r < fields->rowCount(); ++r)
            QVERIFY(fields->index(r, 0).data(RunCompareModel::DiffersRole).toBool());
        QCOMPARE(column(tasks, RunCompareModel::TaskColumn),
                 QStringList({ "extract", "train", "score", "alert" }));
    }

    void closingACompareTabMidReadDoesNotWait()
    {
        // The comparison is read on its lane; a job ahead of it holds the lane, so the read is
        // in flight when the tab closes.
        const qint64 good = goodRun();
        const qint64 bad = failedRun();
        QSemaphore gate;
        QObject holder;
        BackgroundTask::run(
            &holder, BackgroundTask::lane(QStringLiteral("compare")), [&gate] { gate.acquire(); },
            [] {});
        auto *compare = new RunCompareView(&m_ws->store(), good, bad);
        delete compare; // returns at once: it used to wait for its pool
        QCOMPARE(BackgroundTask::activeJobs(), 2); // the holder and the comparison: not run
        gate.release();
        BackgroundTask::drain();
        QCoreApplication::processEvents();
        QCOMPARE(BackgroundTask::activeJobs(), 0);
    }

    void missingRun()
    {
        RunDetailView view(&m_ws->store(), 777, nullptr, 0);
        QSignalSpy failed(&view, &RunDetailView::loadFailed);
        QTRY_COMPARE(failed.count(), 1);
        QCOMPARE(view.lastError(), QStringLiteral("no run 777"));
        QVERIFY(!view.isLoaded());
        RunCompareView compare(&m_ws->store(), 777, 778);
        QTRY_COMPARE(compare.lastError(), QStringLiteral("no run 777"));
        QVERIFY(!compare.isLoaded());
    }

    void opensAsTabsInTheMainWindow()
    {
        const qint64 good = goodRun();
        const qint64 bad = failedRun();
        MainWindow window(m_ws.get());
        window.setPollInterval(0);
        window.show();
        DocumentTabs *tabs = window.documentTabs();
        QCOMPARE(tabs->documentCount(), 0);
        // Activating a run in the Monitor opens its detail as a tab.
        Q_EMIT window.monitorMode()->runActivated(bad);
        QCOMPARE(tabs->documentCount(), 1);
        auto *detail = qobject_cast<RunDetailView *>(tabs->currentWidget());
        QVERIFY(detail);
        QCOMPARE(detail->runId(), bad);
        QTRY_VERIFY(detail->isLoaded());
        QTRY_COMPARE(tabs->tabText(1), QStringLiteral("Run %1 · churn/nightly").arg(bad));
        // The same run again: the same tab.
        window.openRun(bad);
        QCOMPARE(tabs->documentCount(), 1);
        // Compare from the detail opens a comparison tab.
        Q_EMIT detail->compareRequested(bad, good);
        QCOMPARE(tabs->documentCount(), 2);
        QVERIFY(qobject_cast<RunCompareView *>(tabs->currentWidget()));
        // A mode switch shows the mode's page; Ctrl+W closes a document, never the mode page.
        window.setCurrentMode(QStringLiteral("Pipelines"));
        QCOMPARE(tabs->currentIndex(), 0);
        QCOMPARE(tabs->tabText(0), QStringLiteral("Pipelines"));
        tabs->closeDocument(0);
        QCOMPARE(tabs->documentCount(), 2);
        tabs->setCurrentIndex(2);
        tabs->closeDocument(2);
        QCOMPARE(tabs->documentCount(), 1);
        Q_EMIT detail->openLogRequested(detail->logViewer()->path(), QStringLiteral("train log"),
                                        false);
        QCOMPARE(tabs->documentCount(), 2);
        QVERIFY(qobject_cast<LogViewer *>(tabs->currentWidget()));

        // Enter on a run in the Monitor's table opens it (the good run: a new tab).
        window.setCurrentMode(QStringLiteral("Monitor"));
        QTableView *table = window.monitorMode()->runsView();
        QTRY_COMPARE(table->model()->rowCount(), 2);
        for (int row = 0; row < table->model()->rowCount(); ++row) {
            const QModelIndex index = table->model()->index(row, 0);
            if (index.data(RunsTableModel::RunIdRole).toLongLong() == good)
                table->setCurrentIndex(index);
        }
        table->setFocus();
        QTest::keyClick(table, Qt::Key_Return);
        QCOMPARE(tabs->documentCount(), 3);
        auto *opened = qobject_cast<RunDetailView *>(tabs->currentWidget());
        QVERIFY(opened);
        QCOMPARE(opened->runId(), good);
    }

    void detailTabOffersTaskActionsAndReview()
    {
        const qint64 bad = failedRun();
        MainWindow window(m_ws.get());
        window.setPollInterval(0);
        window.show();
        QTRY_VERIFY(window.monitorMode()->runsModel()->rowOf(bad) >= 0);
        window.openRun(bad);
        auto *detail = qobject_cast<RunDetailView *>(window.documentTabs()->currentWidget());
        QVERIFY(detail);
        QTRY_VERIFY(detail->isLoaded());

        // The review panel is a section of the run's detail, showing this run.
        auto *review = detail->findChild<ReviewPanel *>(QStringLiteral("runReviewPanel"));
        QVERIFY(review);
        QCOMPARE(detail->sections()->tabText(detail->sections()->indexOf(review)),
                 QStringLiteral("Review"));
        QTRY_VERIFY(review->stateLabel()->text().contains(QStringLiteral("Awaiting review")));

        // The task list carries the task actions, enabled by the selected task's state.
        QTreeView *tasks = detail->tasksView();
        const QList<QAction *> actions = tasks->actions();
        QAction *retry = nullptr;
        for (QAction *a : actions) {
            if (a->objectName() == QLatin1String("retryTaskAction"))
                retry = a;
        }
        QVERIFY2(retry, "no Retry action on the task list");
        QModelIndex train, extract;
        for (int row = 0; row < tasks->model()->rowCount(); ++row) {
            const QModelIndex i = tasks->model()->index(row, 0);
            if (i.data(RunTasksModel::TaskNameRole).toString() == QLatin1String("train"))
                train = i;
            if (i.data(RunTasksModel::TaskNameRole).toString() == QLatin1String("extract"))
                extract = i;
        }
        QVERIFY(train.isValid() && extract.isValid());
        tasks->setCurrentIndex(extract);
        QVERIFY(!retry->isEnabled()); // succeeded: nothing to retry
        tasks->setCurrentIndex(train);
        QVERIFY(retry->isEnabled()); // failed: retry it
        // An attempt row acts on its task.
        tasks->setCurrentIndex(tasks->model()->index(0, 0, train));
        QVERIFY(retry->isEnabled());
        const int before
            = Sql::scalar(m_ws->store().db(), QStringLiteral("SELECT count(*) FROM requests"))
                  .toInt();
        retry->trigger();
        QTRY_COMPARE(Sql::scalar(m_ws->store().db(),
                                 QStringLiteral("SELECT count(*) FROM requests WHERE kind LIKE "
                                                "'%retry%'"))
                         .toInt(),
                     1);
        QCOMPARE(Sql::scalar(m_ws->store().db(), QStringLiteral("SELECT count(*) FROM requests"))
                     .toInt(),
                 before + 1);
    }
};

QTEST_MAIN(TestRunDetailView)
#include "tst_rundetailview.moc"
