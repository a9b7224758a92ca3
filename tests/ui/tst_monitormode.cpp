#include "engine/runservice.h"
#include "monitoring/monitormode.h"
#include "monitoring/runcarddelegate.h"
#include "monitoring/runsfiltermodel.h"
#include "monitoring/runstablemodel.h"
#include "monitoring/runtimelineview.h"
#include "runs/runactions.h"
#include "store/projectwriter.h"
#include "store/settings.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "uitestdata.h"
#include "widgets/backgroundtask.h"

#include <QAbstractButton>
#include <QAbstractItemModelTester>
#include <QAbstractProxyModel>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <memory>
#include <vector>

using namespace Baton;
using Baton::Ui::MonitorMode;
using Baton::Ui::RunsTableModel;

namespace {

constexpr int kIntervalMs = 100;
constexpr int kWaitMs = 10000;

QList<qint64> idsInOrder(const QAbstractItemModel *model)
{
    QList<qint64> ids;
    for (int r = 0; r < model->rowCount(); ++r)
        ids << model->index(r, 0).data(RunsTableModel::RunIdRole).toLongLong();
    return ids;
}

QStringList comboItems(const QComboBox *combo)
{
    QStringList items;
    for (int i = 0; i < combo->count(); ++i)
        items << combo->itemText(i);
    return items;
}

} // namespace

class TestMonitorMode : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void showsRunsNewestFirst();
    void emptyWorkspaceSaysHowToRun();
    void countsAndPanelsFollowARun();
    void runningDurationTicks();
    void recentFailuresListsTheLatest();
    void filtersNarrowTheTable();
    void timeRangeNarrowsTheTable();
    void deletedRunsLeave();
    void pollFailureIsShownUntilTheStoreRecovers();
    void pollIntervalReachesTheMonitor();
    void searchShortcutFocusesTheSearchBox();
    void clickingACardSelectsTheRun();
    void runningCountsWhatRunsAndWaitingSaysWhy();
    void timelineShowsRunsPerPipeline();

private:
    qint64 createRun(const QString &project, const QString &pipeline, const QString &environment)
    {
        RunRequest request;
        request.project = project;
        request.pipeline = pipeline;
        request.environment = environment;
        request.actor = QStringLiteral("alice");
        return RunService::createRun(m_ws->store(), request);
    }
    qint64 createChurnRun(const QString &environment = QStringLiteral("dev"))
    {
        return createRun(QStringLiteral("churn"), QStringLiteral("nightly"), environment);
    }

    // What the engine would write, one transaction per step.
    void setRun(qint64 id, const QString &state, qint64 startedAt = 0, qint64 finishedAt = 0)
    {
        m_ws->store().transaction([&](QSqlDatabase &tx) {
            Sql::exec(tx,
                      QStringLiteral("UPDATE runs SET state = ?, started_at = ?, finished_at = ? "
                                     "WHERE id = ?"),
                      { state, startedAt > 0 ? QVariant(startedAt) : QVariant(),
                        finishedAt > 0 ? QVariant(finishedAt) : QVariant(), id });
        });
    }
    void setTasks(qint64 id, const QString &state, int count)
    {
        m_ws->store().transaction([&](QSqlDatabase &tx) {
            Sql::exec(tx,
                      QStringLiteral("UPDATE task_runs SET state = ? WHERE id IN (SELECT id FROM "
                                     "task_runs WHERE run_id = ? ORDER BY id LIMIT ?)"),
                      { state, id, count });
        });
    }

    // One task of run @p id starts running at @p startedAt, with its attempt, as the engine
    // records it: the run then really runs (issue #17).
    void startTask(qint64 id, qint64 startedAt)
    {
        m_ws->store().transaction([&](QSqlDatabase &tx) {
            const qint64 task = Sql::scalar(tx,
                                            QStringLiteral("SELECT id FROM task_runs WHERE "
                                                           "run_id = ? AND state = 'queued' "
                                                           "ORDER BY id LIMIT 1"),
                                            { id })
                                    .toLongLong();
            Sql::exec(tx,
                      QStringLiteral("UPDATE task_runs SET state = 'running', started_at = ? "
                                     "WHERE id = ?"),
                      { startedAt, task });
            Sql::exec(tx,
                      QStringLiteral("INSERT INTO task_attempts (task_run_id, number, state, "
                                     "started_at, running_at_us) VALUES (?, 1, 'running', ?, ?)"),
                      { task, startedAt, startedAt * 1000 });
        });
    }

    // A mode polling every kIntervalMs, with a tester on every model it made, attached before
    // the first batch arrives.
    std::unique_ptr<MonitorMode> makeMode()
    {
        auto mode = std::make_unique<MonitorMode>(m_ws.get());
        mode->setPollInterval(kIntervalMs);
        auto *limit = qobject_cast<QAbstractProxyModel *>(mode->failuresModel());
        QList<QAbstractItemModel *> models { mode->runsModel(), mode->filterModel(),
                                             mode->runningModel(), mode->queuedModel(),
                                             mode->failuresModel() };
        if (limit)
            models << limit->sourceModel();
        for (QAbstractItemModel *model : models)
            m_testers.push_back(std::make_unique<QAbstractItemModelTester>(model));
        return mode;
    }

    static QString stateText(MonitorMode &mode, const QString &state)
    {
        QAbstractButton *button = mode.stateButton(parseRunState(state, 0));
        return button ? button->text() : QStringLiteral("(no button)");
    }

    static QLabel *countLabel(MonitorMode &mode, const char *panel)
    {
        return mode.findChild<QLabel *>(QLatin1String(panel) + QStringLiteral("Count"));
    }

    static QString detail(QListView *view, int row)
    {
        auto *delegate = qobject_cast<Ui::RunCardDelegate *>(view->itemDelegate());
        return delegate ? delegate->detailText(view->model()->index(row, 0)) : QString();
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Workspace> m_ws;
    std::vector<std::unique_ptr<QAbstractItemModelTester>> m_testers;
};

void TestMonitorMode::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_ws = std::make_unique<Workspace>(m_dir->path(), Workspace::Mode::CreateIfMissing);
    ProjectWriter::apply(m_ws->store(), { UiTest::churnProject(), UiTest::inventoryProject() },
                         QStringLiteral("tester"));
}

void TestMonitorMode::cleanup()
{
    m_testers.clear();
    // The mode's run actions, tasks menu and run-again read on BackgroundTask jobs, which may
    // outlive the mode but never the workspace (a tasks-menu read once crashed on a closed store).
    Ui::BackgroundTask::drain();
    m_ws.reset();
    m_dir.reset();
}

void TestMonitorMode::showsRunsNewestFirst()
{
    const qint64 first = createChurnRun(QStringLiteral("dev"));
    const qint64 second = createChurnRun(QStringLiteral("staging"));
    const qint64 third
        = createRun(QStringLiteral("inventory"), QStringLiteral("hourly"), QStringLiteral("prod"));
    auto mode = makeMode();
    QTableView *table = mode->runsView();
    QTRY_COMPARE_WITH_TIMEOUT(table->model()->rowCount(), 3, kWaitMs);
    QVERIFY(mode->isLoaded());
    QVERIFY(!mode->isShowingEmptyState());
    QCOMPARE(idsInOrder(table->model()), (QList<qint64> { third, second, first }));
    QVERIFY(table->isSortingEnabled());
    const QModelIndex top = table->model()->index(0, RunsTableModel::PipelineColumn);
    QCOMPARE(top.data().toString(), QStringLiteral("inventory/hourly"));
    QCOMPARE(top.siblingAtColumn(RunsTableModel::StateColumn).data().toString(),
             QStringLiteral("queued"));
    QCOMPARE(top.siblingAtColumn(RunsTableModel::EnvironmentColumn).data().toString(),
             QStringLiteral("prod"));

    // The filter bar offers what the runs have.
    QCOMPARE(comboItems(mode->projectCombo()),
             (QStringList { "All projects", "churn", "inventory" }));
    QCOMPARE(comboItems(mode->environmentCombo()),
             (QStringList { "All environments", "dev", "prod", "staging" }));
    QCOMPARE(comboItems(mode->pipelineCombo()),
             (QStringList { "All pipelines", "hourly", "nightly" }));
    auto *shown = mode->findChild<QLabel *>(QStringLiteral("runsShown"));
    QVERIFY(shown);
    QCOMPARE(shown->text(), QStringLiteral("3 runs"));

    // Sorting by another column and back keeps working on raw values.
    table->sortByColumn(RunsTableModel::RunColumn, Qt::AscendingOrder);
    QCOMPARE(idsInOrder(table->model()), (QList<qint64> { first, second, third }));
}

void TestMonitorMode::emptyWorkspaceSaysHowToRun()
{
    auto mode = makeMode();
    QTRY_VERIFY_WITH_TIMEOUT(mode->isLoaded(), kWaitMs);
    QVERIFY(mode->isShowingEmptyState());
    auto *message = mode->findChild<QLabel *>(QStringLiteral("monitorEmptyState"));
    QVERIFY(message);
    QVERIFY2(message->text().contains(QStringLiteral("No runs yet")), qPrintable(message->text()));
    QVERIFY(message->text().contains(QStringLiteral("Pipelines mode")));
    QVERIFY(message->text().contains(QStringLiteral("Ctrl+R")));
    // Not the default workspace: the command names it.
    QVERIFY2(message->text().contains(
                 QStringLiteral("baton --workspace %1 run")
                     .arg(QDir::toNativeSeparators(QDir::cleanPath(m_ws->directory())))),
             qPrintable(message->text()));
    QSignalSpy requested(mode.get(), &MonitorMode::pipelinesModeRequested);
    Q_EMIT message->linkActivated(QStringLiteral("#pipelines"));
    QCOMPARE(requested.count(), 1);

    const qint64 id = createChurnRun();
    QTRY_VERIFY_WITH_TIMEOUT(!mode->isShowingEmptyState(), kWaitMs);
    QCOMPARE(idsInOrder(mode->runsView()->model()), QList<qint64> { id });
}

void TestMonitorMode::countsAndPanelsFollowARun()
{
    const qint64 id = createChurnRun(QStringLiteral("staging"));
    auto mode = makeMode();
    QTRY_COMPARE_WITH_TIMEOUT(stateText(*mode, QStringLiteral("queued")),
                              QStringLiteral("queued 1"), kWaitMs);
    QCOMPARE(stateText(*mode, QStringLiteral("running")), QStringLiteral("running 0"));
    QCOMPARE(stateText(*mode, QStringLiteral("failed")), QStringLiteral("failed 0"));
    QCOMPARE(toString(mode->filterStates().first()), QStringLiteral("queued"));
    QCOMPARE(idsInOrder(mode->queuedModel()), QList<qint64> { id });
    QCOMPARE(mode->runningModel()->rowCount(), 0);
    QCOMPARE(countLabel(*mode, "queuedPanel")->text(), QStringLiteral("1"));
    QCOMPARE(countLabel(*mode, "runningPanel")->text(), QStringLiteral("0"));
    QVERIFY(detail(mode->queuedView(), 0).startsWith(QStringLiteral("staging · queued ")));
    QVERIFY(!mode->runningView()->isVisibleTo(mode.get())); // its placeholder instead

    // queued → running: two of seven tasks done, a third running.
    const qint64 started = QDateTime::currentMSecsSinceEpoch() - 5000;
    setTasks(id, QStringLiteral("succeeded"), 2);
    startTask(id, started);
    setRun(id, QStringLiteral("running"), started);
    QTRY_COMPARE_WITH_TIMEOUT(stateText(*mode, QStringLiteral("running")),
                              QStringLiteral("running 1"), kWaitMs);
    QCOMPARE(stateText(*mode, QStringLiteral("queued")), QStringLiteral("queued 0"));
    QCOMPARE(idsInOrder(mode->runningModel()), QList<qint64> { id });
    QCOMPARE(mode->queuedModel()->rowCount(), 0);
    QCOMPARE(countLabel(*mode, "runningPanel")->text(), QStringLiteral("1"));
    QCOMPARE(countLabel(*mode, "queuedPanel")->text(), QStringLiteral("0"));
    QVERIFY(mode->runningView()->isVisibleTo(mode.get()));
    const QModelIndex running = mode->runningModel()->index(0, 0);
    QCOMPARE(running.data(RunsTableModel::ProgressRole).toDouble(), 2.0 / 7.0);
    const QString elapsed = detail(mode->runningView(), 0);
    QVERIFY2(elapsed.startsWith(QStringLiteral("staging · ")) && elapsed.endsWith(QLatin1Char('s')),
             qPrintable(elapsed));

    // running → failed: into the failures panel, out of the running one.
    setTasks(id, QStringLiteral("failed"), 3);
    setRun(id, QStringLiteral("failed"), started, QDateTime::currentMSecsSinceEpoch());
    QTRY_COMPARE_WITH_TIMEOUT(stateText(*mode, QStringLiteral("failed")),
                              QStringLiteral("failed 1"), kWaitMs);
    QCOMPARE(stateText(*mode, QStringLiteral("running")), QStringLiteral("running 0"));
    QCOMPARE(mode->runningModel()->rowCount(), 0);
    QCOMPARE(idsInOrder(mode->failuresModel()), QList<qint64> { id });
    QCOMPARE(countLabel(*mode, "failuresPanel")->text(), QStringLiteral("1"));
    QVERIFY2(detail(mode->failuresView(), 0).startsWith(QStringLiteral("staging · failed ")),
             qPrintable(detail(mode->failuresView(), 0)));
    // The table says the same.
    QCOMPARE(toString(mode->runsView()
                          ->model()
                          ->index(0, RunsTableModel::StateColumn)
                          .data(RunsTableModel::StateRole)
                          .value<RunState>()),
             QStringLiteral("failed"));
}

void TestMonitorMode::runningDurationTicks()
{
    const qint64 id = createChurnRun();
    startTask(id, QDateTime::currentMSecsSinceEpoch() - 65'000);
    setRun(id, QStringLiteral("running"), QDateTime::currentMSecsSinceEpoch() - 65'000);
    auto mode = makeMode();
    QTRY_COMPARE_WITH_TIMEOUT(mode->runningModel()->rowCount(), 1, kWaitMs);
    QSignalSpy changes(mode->runsModel(), &QAbstractItemModel::dataChanged);
    const QModelIndex duration
        = mode->runningModel()->index(0, 0).siblingAtColumn(RunsTableModel::DurationColumn);
    QVERIFY2(duration.data().toString().startsWith(QStringLiteral("1m ")),
             qPrintable(duration.data().toString()));
    // Nothing in the store moves; the clock does, and says so for the Duration column alone.
    const auto ticked = [&changes] {
        for (const QList<QVariant> &change : std::as_const(changes)) {
            const auto from = change.at(0).toModelIndex();
            const auto to = change.at(1).toModelIndex();
            if (from.column() == RunsTableModel::DurationColumn
                && to.column() == RunsTableModel::DurationColumn)
                return true;
        }
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(ticked(), 3000);
    // From the first tick on, the text follows the model's clock, not the wall clock.
    const QString before = duration.data().toString();
    QTRY_VERIFY_WITH_TIMEOUT(duration.data().toString() != before, 3000);
    QVERIFY(duration.data().toString().startsWith(QStringLiteral("1m ")));
}

void TestMonitorMode::recentFailuresListsTheLatest()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const int count = MonitorMode::RecentFailureCount + 2;
    QList<qint64> ids;
    for (int i = 0; i < count; ++i) {
        const qint64 id = createChurnRun();
        ids << id;
        // The older the run, the later it failed: "recent" is by finish, not by id.
        setRun(id, i % 2 ? QStringLiteral("timed_out") : QStringLiteral("failed"), now - 3'600'000,
               now - 60'000 * (i + 1));
    }
    const qint64 succeeded = createChurnRun();
    setRun(succeeded, QStringLiteral("succeeded"), now - 1000, now);

    auto mode = makeMode();
    QTRY_COMPARE_WITH_TIMEOUT(mode->runsModel()->rowCount(), count + 1, kWaitMs);
    QAbstractItemModel *failures = mode->failuresModel();
    QCOMPARE(failures->rowCount(), MonitorMode::RecentFailureCount);
    QList<qint64> expected = ids.mid(0, MonitorMode::RecentFailureCount);
    QCOMPARE(idsInOrder(failures), expected);
    QCOMPARE(countLabel(*mode, "failuresPanel")->text(), QString::number(count)); // all of them

    // A new failure, finished now, goes on top; the oldest shown drops off.
    const qint64 fresh = createChurnRun(QStringLiteral("prod"));
    setRun(fresh, QStringLiteral("lost"), now - 1000, QDateTime::currentMSecsSinceEpoch());
    QTRY_COMPARE_WITH_TIMEOUT(failures->index(0, 0).data(RunsTableModel::RunIdRole).toLongLong(),
                              fresh, kWaitMs);
    QCOMPARE(failures->rowCount(), MonitorMode::RecentFailureCount);
    expected.prepend(fresh);
    expected.removeLast();
    QCOMPARE(idsInOrder(failures), expected);
    QVERIFY(detail(mode->failuresView(), 0).startsWith(QStringLiteral("prod · lost ")));
    QCOMPARE(countLabel(*mode, "failuresPanel")->text(), QString::number(count + 1));
}

void TestMonitorMode::filtersNarrowTheTable()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 queued = createChurnRun(QStringLiteral("dev"));
    const qint64 running = createChurnRun(QStringLiteral("staging"));
    startTask(running, now - 1000);
    setRun(running, QStringLiteral("running"), now - 1000);
    const qint64 failed
        = createRun(QStringLiteral("inventory"), QStringLiteral("hourly"), QStringLiteral("prod"));
    setRun(failed, QStringLiteral("failed"), now - 5000, now - 1000);
    const qint64 succeeded
        = createRun(QStringLiteral("inventory"), QStringLiteral("hourly"), QStringLiteral("dev"));
    setRun(succeeded, QStringLiteral("succeeded"), now - 5000, now - 2000);

    auto mode = makeMode();
    const QAbstractItemModel *table = mode->runsView()->model();
    QTRY_COMPARE_WITH_TIMEOUT(table->rowCount(), 4, kWaitMs);
    auto *shown = mode->findChild<QLabel *>(QStringLiteral("runsShown"));
    auto *clear = mode->findChild<QAbstractButton *>(QStringLiteral("clearFilters"));
    QVERIFY(shown && clear);
    QVERIFY(!clear->isEnabled());

    // Free text.
    mode->searchEdit()->setText(QStringLiteral("inventory"));
    QCOMPARE(idsInOrder(table), (QList<qint64> { succeeded, failed }));
    QCOMPARE(shown->text(), QStringLiteral("2 of 4 runs"));
    QVERIFY(clear->isEnabled());
    mode->searchEdit()->setText(QStringLiteral("#%1").arg(running));
    QCOMPARE(idsInOrder(table), QList<qint64> { running });
    mode->searchEdit()->setText(QStringLiteral("no-such-run"));
    QCOMPARE(table->rowCount(), 0);
    QVERIFY(mode->isShowingNoMatch());
    QVERIFY(!mode->isShowingEmptyState()); // runs exist: this is not the first-run page
    mode->searchEdit()->clear();
    QVERIFY(!mode->isShowingNoMatch());
    QCOMPARE(table->rowCount(), 4);

    // State toggles: one narrows, two widen; the counts stay those of every run.
    mode->stateButton(RunState::Failed)->click();
    QCOMPARE(idsInOrder(table), QList<qint64> { failed });
    mode->stateButton(RunState::Queued)->click();
    QCOMPARE(idsInOrder(table), (QList<qint64> { failed, queued }));
    QCOMPARE(stateText(*mode, QStringLiteral("succeeded")), QStringLiteral("succeeded 1"));
    QCOMPARE(shown->text(), QStringLiteral("2 of 4 runs"));
    // The panels are not filtered by the bar.
    QCOMPARE(mode->runningModel()->rowCount(), 1);
    clear->click();
    QCOMPARE(table->rowCount(), 4);
    QVERIFY(!mode->stateButton(RunState::Failed)->isChecked());
    QVERIFY(mode->filterModel()->states().isEmpty());

    // Project, then pipeline and environment within it.
    QComboBox *project = mode->projectCombo();
    project->setCurrentIndex(project->findText(QStringLiteral("churn")));
    QCOMPARE(idsInOrder(table), (QList<qint64> { running, queued }));
    QCOMPARE(comboItems(mode->pipelineCombo()), (QStringList { "All pipelines", "nightly" }));
    QComboBox *environment = mode->environmentCombo();
    environment->setCurrentIndex(environment->findText(QStringLiteral("staging")));
    QCOMPARE(idsInOrder(table), QList<qint64> { running });
    environment->setCurrentIndex(environment->findText(QStringLiteral("dev")));
    QCOMPARE(idsInOrder(table), QList<qint64> { queued });
    project->setCurrentIndex(0);
    QCOMPARE(idsInOrder(table), (QList<qint64> { succeeded, queued }));
    QComboBox *pipeline = mode->pipelineCombo();
    QCOMPARE(comboItems(pipeline), (QStringList { "All pipelines", "hourly", "nightly" }));
    pipeline->setCurrentIndex(pipeline->findText(QStringLiteral("hourly")));
    QCOMPARE(idsInOrder(table), QList<qint64> { succeeded });

    // A new run that matches shows up under the filters; one that does not, does not.
    const qint64 another
        = createRun(QStringLiteral("inventory"), QStringLiteral("hourly"), QStringLiteral("dev"));
    const qint64 other = createChurnRun(QStringLiteral("dev"));
    QTRY_COMPARE_WITH_TIMEOUT(mode->runsModel()->rowCount(), 6, kWaitMs);
    QCOMPARE(idsInOrder(table), (QList<qint64> { another, succeeded }));
    QVERIFY(!idsInOrder(table).contains(other));
    QCOMPARE(pipeline->currentText(), QStringLiteral("hourly")); // refills keep the choice
    mode->clearFilters();
    QCOMPARE(table->rowCount(), 6);
}

void TestMonitorMode::timeRangeNarrowsTheTable()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 day = 24 * 3'600'000LL;
    const qint64 old = createChurnRun();
    m_ws->store().transaction([&](QSqlDatabase &tx) {
        Sql::exec(tx,
                  QStringLiteral("UPDATE runs SET state = 'succeeded', created_at = ?, "
                                 "started_at = ?, finished_at = ? WHERE id = ?"),
                  { now - 3 * day, now - 3 * day + 1000, now - 3 * day + 60'000, old });
    });
    const qint64 recent = createChurnRun();
    auto mode = makeMode();
    const QAbstractItemModel *table = mode->runsView()->model();
    QTRY_COMPARE_WITH_TIMEOUT(table->rowCount(), 2, kWaitMs);
    QComboBox *range = mode->timeRangeCombo();
    QCOMPARE(comboItems(range),
             (QStringList { "Any time", "Last hour", "Last 24 hours", "Last 7 days" }));
    range->setCurrentIndex(range->findText(QStringLiteral("Last 24 hours")));
    QCOMPARE(idsInOrder(table), QList<qint64> { recent });
    QVERIFY(mode->filterModel()->from() > now - day - 60'000);
    range->setCurrentIndex(range->findText(QStringLiteral("Last 7 days")));
    QCOMPARE(idsInOrder(table), (QList<qint64> { recent, old }));
    range->setCurrentIndex(range->findText(QStringLiteral("Last hour")));
    QCOMPARE(idsInOrder(table), QList<qint64> { recent });
    range->setCurrentIndex(0);
    QCOMPARE(table->rowCount(), 2);
    QCOMPARE(mode->filterModel()->from(), 0);
}

void TestMonitorMode::deletedRunsLeave()
{
    const qint64 keep = createChurnRun();
    const qint64 gone = createChurnRun();
    auto mode = makeMode();
    QTRY_COMPARE_WITH_TIMEOUT(mode->runsModel()->rowCount(), 2, kWaitMs);
    QCOMPARE(stateText(*mode, QStringLiteral("queued")), QStringLiteral("queued 2"));
    m_ws->store().transaction([&](QSqlDatabase &tx) {
        Sql::exec(tx, QStringLiteral("DELETE FROM runs WHERE id = ?"), { gone });
    });
    QTRY_COMPARE_WITH_TIMEOUT(idsInOrder(mode->runsView()->model()), QList<qint64> { keep },
                              kWaitMs);
    QCOMPARE(stateText(*mode, QStringLiteral("queued")), QStringLiteral("queued 1"));
    QCOMPARE(idsInOrder(mode->queuedModel()), QList<qint64> { keep });
}

void TestMonitorMode::pollFailureIsShownUntilTheStoreRecovers()
{
    const qint64 id = createChurnRun();
    auto mode = makeMode();
    QTRY_COMPARE_WITH_TIMEOUT(mode->runsModel()->rowCount(), 1, kWaitMs);
    auto *banner = mode->findChild<QLabel *>(QStringLiteral("monitorError"));
    QVERIFY(banner);
    QVERIFY(banner->isHidden());

    // The runs table goes away under the monitor: it says so and keeps the last good rows.
    QSignalSpy failures(mode.get(), &MonitorMode::pollFailed);
    const auto rename = [this](const char *from, const char *to) {
        m_ws->store().transaction([&](QSqlDatabase &tx) {
            Sql::exec(tx,
                      QStringLiteral("ALTER TABLE %1 RENAME TO %2")
                          .arg(QLatin1String(from), QLatin1String(to)));
        });
    };
    rename("runs", "runs_away");
    QVERIFY(failures.wait(kWaitMs));
    QVERIFY(!mode->lastError().isEmpty());
    QVERIFY(!banner->isHidden());
    QVERIFY2(banner->text().contains(mode->lastError()), qPrintable(banner->text()));
    QCOMPARE(idsInOrder(mode->runsView()->model()), QList<qint64> { id });

    rename("runs_away", "runs");
    QTRY_VERIFY_WITH_TIMEOUT(mode->lastError().isEmpty(), kWaitMs);
    QVERIFY(banner->isHidden());
    QCOMPARE(idsInOrder(mode->runsView()->model()), QList<qint64> { id });
}

void TestMonitorMode::pollIntervalReachesTheMonitor()
{
    auto mode = makeMode();
    QCOMPARE(mode->pollInterval(), kIntervalMs);
    QComboBox *combo = mode->pollIntervalCombo();
    // The offered choices, plus the one set here.
    for (const int ms : { 500, 1000, 2000, 5000, kIntervalMs })
        QVERIFY2(combo->findData(ms) >= 0, qPrintable(QString::number(ms)));
    QCOMPARE(combo->currentData().toInt(), kIntervalMs);
    QTRY_VERIFY_WITH_TIMEOUT(mode->isLoaded(), kWaitMs);

    QSignalSpy cycles(mode.get(), &MonitorMode::cycleCompleted);
    QTest::qWait(1000);
    QVERIFY2(cycles.count() >= 4, qPrintable(QString::number(cycles.count()))); // ~10

    // Five seconds between polls, chosen as a user does.
    combo->setCurrentIndex(combo->findData(5000));
    QCOMPARE(mode->pollInterval(), 5000);
    QTest::qWait(200); // a cycle already on its way may still land
    cycles.clear();
    QTest::qWait(1500);
    QVERIFY2(cycles.count() <= 1, qPrintable(QString::number(cycles.count())));

    combo->setCurrentIndex(combo->findData(kIntervalMs));
    QTest::qWait(200);
    cycles.clear();
    QTest::qWait(1000);
    QVERIFY2(cycles.count() >= 4, qPrintable(QString::number(cycles.count())));
    // A forced refresh is one more cycle, at once.
    mode->setPollInterval(5000);
    QTest::qWait(200);
    cycles.clear();
    mode->refreshNow();
    QVERIFY(cycles.wait(1000));
}

void TestMonitorMode::searchShortcutFocusesTheSearchBox()
{
    createChurnRun();
    auto mode = makeMode();
    mode->resize(1100, 700);
    mode->show();
    mode->activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(mode.get()));
    QTRY_VERIFY_WITH_TIMEOUT(!mode->isShowingEmptyState(), kWaitMs);
    mode->runsView()->setFocus();
    QVERIFY(!mode->searchEdit()->hasFocus());
    QCOMPARE(mode->searchAction()->shortcut(), QKeySequence(QStringLiteral("Ctrl+F")));
    QTest::keyClick(mode->runsView(), Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(mode->searchEdit()->hasFocus());
    QTest::keyClicks(mode->searchEdit(), QStringLiteral("inventory"));
    QCOMPARE(mode->filterModel()->text(), QStringLiteral("inventory"));
    QCOMPARE(mode->runsView()->model()->rowCount(), 0);
}

void TestMonitorMode::clickingACardSelectsTheRun()
{
    const qint64 queued = createChurnRun(QStringLiteral("dev"));
    const qint64 other
        = createRun(QStringLiteral("inventory"), QStringLiteral("hourly"), QStringLiteral("prod"));
    auto mode = makeMode();
    mode->resize(1100, 700);
    mode->show();
    QVERIFY(QTest::qWaitForWindowExposed(mode.get()));
    QTRY_COMPARE_WITH_TIMEOUT(mode->queuedModel()->rowCount(), 2, kWaitMs);
    QCOMPARE(mode->currentRun(), 0);

    // The run is hidden by the search: selecting it clears the filters, as the tree does.
    mode->searchEdit()->setText(QStringLiteral("inventory"));
    QListView *view = mode->queuedView();
    const int row = idsInOrder(view->model()).indexOf(queued);
    QVERIFY(row >= 0);
    const QRect rect = view->visualRect(view->model()->index(row, 0));
    QVERIFY(!rect.isEmpty());
    QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, rect.center());
    QCOMPARE(mode->currentRun(), queued);
    QVERIFY(mode->searchEdit()->text().isEmpty());
    QCOMPARE(mode->runsView()->model()->rowCount(), 2);

    QVERIFY(mode->selectRun(other));
    QCOMPARE(mode->currentRun(), other);
    QVERIFY(!mode->selectRun(9999));
}

// Issue #17: "Running now 5 / Queued: nothing" while runs waited for a free place. Running now
// lists runs of which an attempt runs; Waiting lists the others with core's reason; the places
// in use show with the workspace limit, which the operator changes here (audited).
void TestMonitorMode::runningCountsWhatRunsAndWaitingSaysWhy()
{
    Settings::set(m_ws->store(), QStringLiteral("max_parallel"), QStringLiteral("1"),
                  QStringLiteral("tester"));
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 busy = createChurnRun();
    startTask(busy, now - 3000);
    setRun(busy, QStringLiteral("running"), now - 3000);
    const qint64 blocked = createChurnRun(QStringLiteral("staging"));
    setRun(blocked, QStringLiteral("running"), now - 2000); // started, nothing of it runs
    const qint64 queued = createChurnRun(QStringLiteral("prod"));
    auto mode = makeMode();
    QTRY_COMPARE_WITH_TIMEOUT(mode->runsModel()->rowCount(), 3, kWaitMs);
    QTRY_COMPARE_WITH_TIMEOUT(idsInOrder(mode->runningModel()), QList<qint64> { busy }, kWaitMs);
    QCOMPARE(countLabel(*mode, "runningPanel")->text(), QStringLiteral("1"));
    QCOMPARE(idsInOrder(mode->queuedModel()), (QList<qint64> { blocked, queued }));
    QCOMPARE(countLabel(*mode, "queuedPanel")->text(), QStringLiteral("2"));
    const RunRow waiting
        = mode->queuedModel()->index(0, 0).data(RunsTableModel::RunRowRole).value<RunRow>();
    QCOMPARE(waiting.wait.kind, WaitReason::Kind::WorkspaceLimit);
    QVERIFY2(waiting.wait.text.contains(QLatin1String("workspace limit (1 of 1 in use)")),
             qPrintable(waiting.wait.text));
    QCOMPARE(
        mode->queuedModel()->index(1, 0).data(RunsTableModel::RunRowRole).value<RunRow>().wait.kind,
        WaitReason::Kind::NoEngine);
    QTRY_COMPARE_WITH_TIMEOUT(mode->workspaceLimitButton()->text(),
                              QStringLiteral("1 of 1 places in use"), kWaitMs);

    // The operator raises the limit from here: core's settings, audited, off the GUI thread.
    int offered = -1;
    mode->setLimitHandler([&offered](int current) -> std::optional<int> {
        offered = current;
        return 3;
    });
    mode->workspaceLimitButton()->click();
    QCOMPARE(offered, 1);
    QTRY_COMPARE_WITH_TIMEOUT(mode->workspaceLimitButton()->text(),
                              QStringLiteral("1 of 3 places in use"), kWaitMs);
    QCOMPARE(Settings::value(m_ws->store().db(), QStringLiteral("max_parallel")),
             QStringLiteral("3"));
    QCOMPARE(Sql::scalar(m_ws->store().db(),
                         QStringLiteral("SELECT count(*) FROM audit_events WHERE action = "
                                        "'setting.update' AND object_name = 'max_parallel'"))
                 .toInt(),
             2);
    // Cancelled: nothing changes.
    mode->setLimitHandler([](int) { return std::optional<int>(); });
    mode->workspaceLimitButton()->click();
    QTRY_COMPARE_WITH_TIMEOUT(mode->runActions()->pending(), 0, kWaitMs);
    QCOMPARE(Settings::value(m_ws->store().db(), QStringLiteral("max_parallel")),
             QStringLiteral("3"));
}

// The timeline across runs: a lane per pipeline, a bar per run in its state, hover for the
// run, double-click opens it.
void TestMonitorMode::timelineShowsRunsPerPipeline()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 failed = createChurnRun();
    setRun(failed, QStringLiteral("failed"), now - 2 * 3600000, now - 3600000);
    const qint64 running
        = createRun(QStringLiteral("inventory"), QStringLiteral("hourly"), QStringLiteral("prod"));
    startTask(running, now - 1800000);
    setRun(running, QStringLiteral("running"), now - 1800000);
    const qint64 old = createChurnRun(); // ended before the window
    setRun(old, QStringLiteral("succeeded"), now - 30 * 3600000, now - 29 * 3600000);
    auto mode = makeMode();
    mode->resize(1200, 800);
    mode->show();
    QVERIFY(QTest::qWaitForWindowExposed(mode.get()));
    QTRY_COMPARE_WITH_TIMEOUT(mode->runsModel()->rowCount(), 3, kWaitMs);
    mode->showTimeline(true);
    Ui::RunTimelineView *timeline = mode->timelineView();
    QVERIFY(timeline->isVisible());
    QCOMPARE(timeline->lanes().size(), 2);
    QCOMPARE(timeline->lanes().at(0).pipeline, QStringLiteral("churn/nightly"));
    QCOMPARE(timeline->lanes().at(0).bars.size(), 1); // the old run is out of the 6 hours
    QCOMPARE(toString(timeline->lanes().at(0).bars.first().state), QStringLiteral("failed"));
    QCOMPARE(timeline->lanes().at(1).pipeline, QStringLiteral("inventory/hourly"));
    QVERIFY(timeline->lanes().at(1).bars.first().live);
    QVERIFY(!timeline->lanes().at(1).bars.first().waiting); // an attempt of it runs

    const QRect bar = timeline->barRect(failed);
    QVERIFY(!bar.isEmpty());
    QVERIFY(timeline->barRect(failed).right() < timeline->barRect(running).left());
    const QString tip = timeline->toolTipAt(bar.center());
    QVERIFY2(tip.contains(QStringLiteral("Run #%1").arg(failed)) && tip.contains(u"failed"),
             qPrintable(tip));
    QSignalSpy opened(mode.get(), &MonitorMode::runActivated);
    QTest::mouseDClick(timeline, Qt::LeftButton, {}, timeline->barRect(running).center());
    QCOMPARE(opened.size(), 1);
    QCOMPARE(opened.first().at(0).toLongLong(), running);
    // A wider window brings the old run in.
    mode->timelineHoursCombo()->setCurrentIndex(mode->timelineHoursCombo()->findData(72));
    QCOMPARE(timeline->lanes().at(0).bars.size(), 2);
}

QTEST_MAIN(TestMonitorMode)
#include "tst_monitormode.moc"
