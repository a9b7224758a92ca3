#include "access/identity.h"
#include "dag/pipelinegraphview.h"
#include "engine/runservice.h"
#include "mainwindow/mainwindow.h"
#include "mainwindow/moderail.h"
#include "mainwindow/quitguard.h"
#include "monitoring/monitormode.h"
#include "monitoring/runstablemodel.h"
#include "pipelines/detailspanel.h"
#include "pipelines/pipelinesmode.h"
#include "pipelines/projecttreemodel.h"
#include "runs/rundialog.h"
#include "scheduling/cronexpression.h"
#include "scheduling/scheduleservice.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "uitestdata.h"
#include "widgets/backgroundtask.h"
#include "widgets/theme.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QRegularExpression>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QSqlQuery>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <QToolButton>
#include <QTreeView>
#include <QTreeWidget>

using namespace Baton;
using Baton::Ui::MainWindow;
using Baton::Ui::ProjectTreeModel;
using Kind = ProjectTreeModel::Kind;

namespace {

QModelIndex viewIndex(const QTreeView *tree, const ProjectTreeModel::Key &key)
{
    // The tree shows the model through a filter proxy; find the row by its key.
    const QAbstractItemModel *model = tree->model();
    std::function<QModelIndex(const QModelIndex &)> find = [&](const QModelIndex &parent) {
        for (int r = 0; r < model->rowCount(parent); ++r) {
            const QModelIndex index = model->index(r, 0, parent);
            if (index.data(ProjectTreeModel::KeyRole).toString() == key.toString())
                return index;
            const QModelIndex inner = find(index);
            if (inner.isValid())
                return inner;
        }
        return QModelIndex();
    };
    return find({});
}

QStringList childNames(const QAbstractItemModel *model, const QModelIndex &parent)
{
    QStringList names;
    for (int r = 0; r < model->rowCount(parent); ++r)
        names << model->index(r, 0, parent).data().toString();
    return names;
}

void select(MainWindow &w, const ProjectTreeModel::Key &key)
{
    const QModelIndex index = viewIndex(w.projectTree(), key);
    QVERIFY2(index.isValid(), qPrintable(key.toString()));
    w.projectTree()->setCurrentIndex(index);
}

} // namespace

class TestMainWindow : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup()
    {
        Baton::Ui::BackgroundTask::drain(); // jobs may outlive widgets, never the workspace
    }

    void initTestCase();
    void init();
    void showsTheWorkspace();
    void showsDetailsOfWhatIsSelected();
    void graphAndTasksTableSelectTogether();
    void picksUpImportsKeepingSelectionAndExpansion();
    void unchangedRefreshLeavesTheScreenAlone();
    void failureKeepsLastGoodData();
    void emptyWorkspaceShowsHowToImport();
    void filterNarrowsTheTree();
    void layoutRoundTripsThroughSettings();
    void menusAndShortcuts();
    void rendersSomething();
    void embeddedEngineTakesTheWorkspaceOnce();
    void detailsPreviewTheNextFireTimes();
    void pausedAndBrokenSchedulesSaySo();
    void runActionFollowsTheSelection();
    void runPipelineFromTheDialog();
    void pauseAndResumeTheSchedule();
    void submittingNeverBlocksTheGuiThread();
    void refusedRunReportsCoreMessage_data();
    void refusedRunReportsCoreMessage();
    void monitorIsTheDefaultMode();
    void savedModeIsRestored();
    void queuedRunShowsInTheMonitorAtOnce();
    void monitorRendersRuns();
    void quitWhileTheEngineRunsWorkAsks_data();
    void quitWhileTheEngineRunsWorkAsks();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Workspace> m_ws;
    QTemporaryDir m_settingsDir;
};

void TestMainWindow::initTestCase()
{
    // Never touch the developer's real settings.
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_settingsDir.isValid());
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
}

void TestMainWindow::init()
{
    QSettings(QStringLiteral("Baton"), QStringLiteral("baton")).clear();
    QVERIFY(QSettings(QStringLiteral("Baton"), QStringLiteral("baton"))
                .fileName()
                .startsWith(m_settingsDir.path()));
    m_ws.reset();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_ws = std::make_unique<Workspace>(m_dir->path(), Workspace::Mode::CreateIfMissing);
    ProjectWriter::apply(m_ws->store(), { UiTest::churnProject() }, QStringLiteral("tester"));
}

void TestMainWindow::showsTheWorkspace()
{
    MainWindow w(m_ws.get());
    QSignalSpy applied(&w, &MainWindow::catalogApplied);
    QVERIFY(applied.wait(10000));

    const QAbstractItemModel *model = w.projectTree()->model();
    QCOMPARE(childNames(model, {}), QStringList { "churn" });
    const QModelIndex churn = model->index(0, 0);
    QVERIFY(w.projectTree()->isExpanded(churn)); // new projects open expanded
    QCOMPARE(childNames(model, viewIndex(w.projectTree(), { Kind::PipelineGroup, "churn", {} })),
             QStringList { "nightly" });
    QCOMPARE(
        childNames(model, viewIndex(w.projectTree(), { Kind::JobGroup, "churn", {} })),
        (QStringList { "clean", "cleanup", "extract", "features", "notify", "report", "train" }));
    const QModelIndex version = viewIndex(w.projectTree(), { Kind::Pipeline, "churn", "nightly" })
                                    .siblingAtColumn(ProjectTreeModel::VersionColumn);
    QCOMPARE(version.data().toString(), QStringLiteral("v1"));

    // Status bar: workspace, engine, refresh time.
    auto *workspace = w.findChild<QLabel *>(QStringLiteral("statusWorkspace"));
    QVERIFY(workspace && workspace->text().contains(QDir::toNativeSeparators(m_ws->directory())));
    auto *engine = w.findChild<QLabel *>(QStringLiteral("statusEngine"));
    QVERIFY(engine && engine->text() == QStringLiteral("engine: not running"));
    auto *refreshed = w.findChild<QLabel *>(QStringLiteral("statusRefreshed"));
    QVERIFY(refreshed && refreshed->text().startsWith(QStringLiteral("refreshed ")));
    QVERIFY(w.lastRefresh().isValid());
    QCOMPARE(w.modes().mid(0, 3), (QStringList { "Monitor", "Pipelines", "Releases" }));
    QVERIFY(w.modes().contains(QStringLiteral("Review")));
    QCOMPARE(w.modes().last(), QStringLiteral("Audit")); // last on DESIGN.md's map
    QVERIFY(w.modes().contains(QStringLiteral("Dashboards")));
    QCOMPARE(w.currentMode(), QStringLiteral("Monitor")); // the default (DESIGN.md)
}

void TestMainWindow::showsDetailsOfWhatIsSelected()
{
    MainWindow w(m_ws.get());
    QSignalSpy applied(&w, &MainWindow::catalogApplied);
    QVERIFY(applied.wait(10000));

    select(w, { Kind::Pipeline, "churn", "nightly" });
    QCOMPARE(
        w.graphView()->nodeNames(),
        (QStringList { "extract", "clean", "features", "train", "report", "alert", "cleanup" }));
    QCOMPARE(w.graphView()->edgeCount(), 7);
    QCOMPARE(w.graphView()->edgePen("train", "alert").style(), Qt::DashLine);
    QCOMPARE(w.graphView()->edgePen("report", "cleanup").style(), Qt::DotLine);
    QVERIFY(!w.graphView()->isHidden());
    Ui::DetailsPanel *details = w.detailsPanel();
    QCOMPARE(details->title(), QStringLiteral("nightly"));
    QVERIFY(details->field("Schedule").contains("0 2 * * *"));
    QVERIFY(details->field("Schedule").contains("Europe/Paris"));
    QCOMPARE(details->field("Max parallel"), QStringLiteral("2"));
    QCOMPARE(details->field("Version"), QStringLiteral("v1 of 1"));
    QCOMPARE(details->table()->topLevelItemCount(), 7);
    QCOMPARE(details->table()->topLevelItem(5)->text(0), QStringLiteral("alert"));
    QCOMPARE(details->table()->topLevelItem(5)->text(1), QStringLiteral("notify"));
    QCOMPARE(details->table()->topLevelItem(5)->text(2), QStringLiteral("v1"));

    select(w, { Kind::Job, "churn", "extract" });
    QVERIFY(w.graphView()->isHidden());
    QCOMPARE(details->title(), QStringLiteral("extract"));
    QCOMPARE(details->field("Command"), QStringLiteral("./extract.sh --since yesterday"));
    QCOMPARE(details->field("Technology"), QStringLiteral("bash"));
    QCOMPARE(details->field("Runtime"), QStringLiteral("5.2"));
    QVERIFY(details->field("Files").contains("common.sh"));
    QVERIFY(details->field("Settings").contains("2 retries"));
    QVERIFY(details->field("Settings").contains("timeout 10m"));
    QCOMPARE(details->field("Content hash").size(), 12);
    QCOMPARE(details->field("Author"), QStringLiteral("tester"));
    QVERIFY(!details->field("Created").isEmpty());
    QCOMPARE(details->table()->topLevelItemCount(), 1); // used in nightly
    QCOMPARE(details->table()->topLevelItem(0)->text(0), QStringLiteral("nightly"));

    select(w, { Kind::Job, "churn", "train" });
    QVERIFY(details->field("Resources").contains("4 CPUs"));
    QVERIFY(details->field("Resources").contains("8G"));

    select(w, { Kind::Project, "churn", {} });
    QCOMPARE(details->title(), QStringLiteral("churn"));
    QCOMPARE(details->field("Description"), QStringLiteral("Customer churn scoring"));
    QVERIFY(details->field("Environments").contains("dev → staging → preprod → prod"));
    QVERIFY(details->field("Environments").contains("(approval)"));
    QCOMPARE(details->field("Contains"), QStringLiteral("1 pipeline · 7 jobs"));
}

void TestMainWindow::graphAndTasksTableSelectTogether()
{
    MainWindow w(m_ws.get());
    QSignalSpy applied(&w, &MainWindow::catalogApplied);
    QVERIFY(applied.wait(10000));
    select(w, { Kind::Pipeline, "churn", "nightly" });

    w.graphView()->selectTask("train");
    QCOMPARE(w.detailsPanel()->selectedTask(), QStringLiteral("train"));
    QTreeWidget *table = w.detailsPanel()->table();
    table->setCurrentItem(table->topLevelItem(1)); // clean, as a click does
    QCOMPARE(w.graphView()->selectedTask(), QStringLiteral("clean"));
}

void TestMainWindow::picksUpImportsKeepingSelectionAndExpansion()
{
    MainWindow w(m_ws.get());
    QSignalSpy applied(&w, &MainWindow::catalogApplied);
    QVERIFY(applied.wait(10000));
    select(w, { Kind::Job, "churn", "train" });
    // Collapse the pipelines group: a reset must not reopen it (nor close the rest).
    w.projectTree()->setExpanded(viewIndex(w.projectTree(), { Kind::PipelineGroup, "churn", {} }),
                                 false);

    auto *model = w.projectTreeModel();
    QSignalSpy resets(model, &QAbstractItemModel::modelReset);
    ProjectWriter::apply(m_ws->store(), { UiTest::inventoryProject() }, QStringLiteral("tester"));
    w.refresh();
    QTRY_COMPARE_WITH_TIMEOUT(childNames(w.projectTree()->model(), {}),
                              (QStringList { "churn", "inventory" }), 10000);
    QCOMPARE(resets.count(), 1);

    QCOMPARE(w.pipelinesMode()->currentKey(),
             (ProjectTreeModel::Key { Kind::Job, "churn", "train" }));
    QCOMPARE(w.detailsPanel()->title(), QStringLiteral("train"));
    QVERIFY(
        w.projectTree()->isExpanded(viewIndex(w.projectTree(), { Kind::Project, "churn", {} })));
    QVERIFY(
        w.projectTree()->isExpanded(viewIndex(w.projectTree(), { Kind::JobGroup, "churn", {} })));
    QVERIFY(!w.projectTree()->isExpanded(
        viewIndex(w.projectTree(), { Kind::PipelineGroup, "churn", {} })));
    // The newcomer opens expanded.
    QVERIFY(w.projectTree()->isExpanded(
        viewIndex(w.projectTree(), { Kind::Project, "inventory", {} })));

    // A new version of the selected job: data changes in place, details follow.
    ProjectSpec churn = UiTest::churnProject();
    churn.jobs[3].command = QStringLiteral("python3 train.py --balanced");
    ProjectWriter::apply(m_ws->store(), { churn }, QStringLiteral("tester"));
    w.refresh();
    QTRY_COMPARE_WITH_TIMEOUT(w.detailsPanel()->field("Command"),
                              QStringLiteral("python3 train.py --balanced"), 10000);
    QCOMPARE(w.detailsPanel()->field("Version"), QStringLiteral("v2 of 2"));
    QCOMPARE(resets.count(), 1);
    QCOMPARE(viewIndex(w.projectTree(), { Kind::Job, "churn", "train" })
                 .siblingAtColumn(ProjectTreeModel::VersionColumn)
                 .data()
                 .toString(),
             QStringLiteral("v2"));
}

void TestMainWindow::unchangedRefreshLeavesTheScreenAlone()
{
    MainWindow w(m_ws.get());
    w.resize(1200, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QSignalSpy applied(&w, &MainWindow::catalogApplied);
    QVERIFY(applied.wait(10000));
    select(w, { Kind::Pipeline, "churn", "nightly" });
    w.graphView()->zoomIn();
    w.graphView()->selectTask("report");
    const qreal zoom = w.graphView()->zoom();

    QSignalSpy resets(w.projectTreeModel(), &QAbstractItemModel::modelReset);
    QSignalSpy changes(w.projectTreeModel(), &QAbstractItemModel::dataChanged);
    QSignalSpy taskChanges(w.graphView(), &Ui::PipelineGraphView::taskSelected);
    const int before = int(applied.count());
    w.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(applied.count() > before, 10000);
    QCOMPARE(resets.count(), 0);
    QCOMPARE(changes.count(), 0);
    QCOMPARE(taskChanges.count(), 0);
    QCOMPARE(w.graphView()->zoom(), zoom);
    QCOMPARE(w.graphView()->selectedTask(), QStringLiteral("report"));
    QCOMPARE(w.detailsPanel()->selectedTask(), QStringLiteral("report"));
}

void TestMainWindow::failureKeepsLastGoodData()
{
    MainWindow w(m_ws.get());
    QSignalSpy applied(&w, &MainWindow::catalogApplied);
    QSignalSpy failed(&w, &MainWindow::refreshFailed);
    QVERIFY(applied.wait(10000));

    // Break the catalog under the console's feet (from the test's own connection).
    QSqlQuery q(m_ws->store().db());
    QVERIFY(q.exec(QStringLiteral("ALTER TABLE pipelines RENAME TO pipelines_gone")));
    w.refresh();
    QVERIFY(failed.wait(10000));
    QVERIFY(!w.lastError().isEmpty());
    auto *error = w.findChild<QLabel *>(QStringLiteral("statusError"));
    QVERIFY(error);
    QVERIFY(!error->isHidden());
    QVERIFY(error->text().startsWith(QStringLiteral("Refresh failed")));
    QVERIFY(error->styleSheet().contains("color")); // drawn in red
    QCOMPARE(childNames(w.projectTree()->model(), {}), QStringList { "churn" }); // still there

    QVERIFY(q.exec(QStringLiteral("ALTER TABLE pipelines_gone RENAME TO pipelines")));
    w.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(w.lastError().isEmpty(), 10000);
    QVERIFY(error->isHidden());
}

void TestMainWindow::emptyWorkspaceShowsHowToImport()
{
    QTemporaryDir dir;
    Workspace empty(dir.path(), Workspace::Mode::CreateIfMissing);
    MainWindow w(&empty);
    QSignalSpy applied(&w, &MainWindow::catalogApplied);
    QVERIFY(applied.wait(10000));
    QVERIFY(w.pipelinesMode()->isShowingEmptyState());
    auto *message = w.findChild<QLabel *>(QStringLiteral("emptyState"));
    QVERIFY(message);
    QVERIFY(message->text().contains("No projects yet"));
    QVERIFY(message->text().contains("import PATH"));
    // Not the default workspace: the hint names it.
    QVERIFY(message->text().contains("--workspace " + empty.directory()));

    ProjectWriter::apply(empty.store(), { UiTest::inventoryProject() }, QStringLiteral("tester"));
    w.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(!w.pipelinesMode()->isShowingEmptyState(), 10000);
    // The first pipeline is opened for the user.
    QCOMPARE(w.graphView()->nodeNames(), (QStringList { "fetch", "load", "publish" }));
}

void TestMainWindow::filterNarrowsTheTree()
{
    ProjectWriter::apply(m_ws->store(), { UiTest::inventoryProject() }, QStringLiteral("tester"));
    MainWindow w(m_ws.get());
    QSignalSpy applied(&w, &MainWindow::catalogApplied);
    QVERIFY(applied.wait(10000));
    w.pipelinesMode()->filterEdit()->setText(QStringLiteral("publ"));
    const QAbstractItemModel *model = w.projectTree()->model();
    QCOMPARE(childNames(model, {}), QStringList { "inventory" });
    QVERIFY(viewIndex(w.projectTree(), { Kind::Job, "inventory", "publish" }).isValid());
    QVERIFY(!viewIndex(w.projectTree(), { Kind::Job, "inventory", "fetch" }).isValid());
    // Selecting something hidden clears the filter.
    QVERIFY(w.pipelinesMode()->selectItem({ Kind::Pipeline, "churn", "nightly" }));
    QVERIFY(w.pipelinesMode()->filterEdit()->text().isEmpty());
    QCOMPARE(childNames(model, {}), (QStringList { "churn", "inventory" }));
}

void TestMainWindow::layoutRoundTripsThroughSettings()
{
    QSize size;
    {
        MainWindow w(m_ws.get());
        QSignalSpy applied(&w, &MainWindow::catalogApplied);
        QVERIFY(applied.wait(10000));
        w.addMode(QStringLiteral("Scratch"), QIcon(), new QLabel(QStringLiteral("scratch")));
        w.resize(1111, 777);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        size = w.size();
        select(w, { Kind::Job, "churn", "report" });
        w.pipelinesMode()->setTreeVisible(false);
        QVERIFY(w.setCurrentMode(QStringLiteral("Scratch")));
        auto *splitter = w.findChild<QSplitter *>(QStringLiteral("centralSplitter"));
        QVERIFY(splitter);
        w.close(); // saves
    }
    QSettings settings(QStringLiteral("Baton"), QStringLiteral("baton"));
    QVERIFY(settings.contains(QStringLiteral("mainwindow/geometry")));
    QCOMPARE(settings.value(QStringLiteral("mainwindow/mode")).toString(),
             QStringLiteral("Scratch"));

    MainWindow w2(m_ws.get());
    QSignalSpy applied(&w2, &MainWindow::catalogApplied);
    QCOMPARE(w2.size(), size);
    QCOMPARE(w2.currentMode(), QStringLiteral("Monitor")); // Scratch does not exist yet…
    w2.addMode(QStringLiteral("Scratch"), QIcon(), new QLabel(QStringLiteral("scratch")));
    QCOMPARE(w2.currentMode(), QStringLiteral("Scratch")); // …and is current once it does
    QVERIFY(!w2.pipelinesMode()->isTreeVisible());
    QVERIFY(applied.wait(10000));
    QCOMPARE(w2.pipelinesMode()->currentKey(),
             (ProjectTreeModel::Key { Kind::Job, "churn", "report" }));
    QCOMPARE(w2.detailsPanel()->title(), QStringLiteral("report"));
}

void TestMainWindow::menusAndShortcuts()
{
    MainWindow w(m_ws.get());
    QSet<QString> shortcuts;
    QStringList texts;
    for (QAction *menu : w.menuBar()->actions()) {
        texts << menu->text();
        for (QAction *action : menu->menu()->actions()) {
            if (action->isSeparator())
                continue;
            texts << action->text();
            if (!action->shortcut().isEmpty()) {
                const QString key = action->shortcut().toString();
                QVERIFY2(!shortcuts.contains(key), qPrintable("duplicate shortcut " + key));
                shortcuts.insert(key);
            }
        }
    }
    QVERIFY(texts.contains("&File"));
    QVERIFY(texts.contains("&Quit"));
    QVERIFY(texts.contains("&Refresh"));
    QVERIFY(texts.contains("&Fit Graph"));
    QVERIFY(texts.contains("Show Project &Tree"));
    QVERIFY(texts.contains("&About Baton"));
    QVERIFY(shortcuts.contains(QKeySequence(QKeySequence::Refresh).toString()));
    QVERIFY(shortcuts.contains(QStringLiteral("Ctrl+0")));
    QVERIFY(shortcuts.contains(QStringLiteral("Ctrl+Q")));
    QVERIFY(shortcuts.contains(QStringLiteral("Ctrl+1"))); // the Monitor mode
    QVERIFY(shortcuts.contains(QStringLiteral("Ctrl+2"))); // the Pipelines mode
    QVERIFY(texts.contains("&Pipeline"));
    QVERIFY(texts.contains("&Run Pipeline…"));
    QVERIFY(shortcuts.contains(QStringLiteral("Ctrl+R")));

    // The tree toggle hides and shows the tree, and follows it.
    QAction *toggle = nullptr;
    for (QAction *menu : w.menuBar()->actions()) {
        for (QAction *action : menu->menu()->actions()) {
            if (action->text() == "Show Project &Tree")
                toggle = action;
        }
    }
    QVERIFY(toggle && toggle->isChecked());
    QVERIFY(!toggle->isEnabled()); // the tree is not in the Monitor mode
    QVERIFY(w.setCurrentMode(QStringLiteral("Pipelines")));
    QVERIFY(toggle->isEnabled());
    toggle->trigger();
    QVERIFY(!w.pipelinesMode()->isTreeVisible());
    w.pipelinesMode()->setTreeVisible(true);
    QVERIFY(toggle->isChecked());
}

void TestMainWindow::rendersSomething()
{
    ProjectWriter::apply(m_ws->store(), { UiTest::inventoryProject() }, QStringLiteral("tester"));
    MainWindow w(m_ws.get());
    w.resize(1400, 850);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QSignalSpy applied(&w, &MainWindow::catalogApplied);
    QVERIFY(applied.wait(10000));
    select(w, { Kind::Pipeline, "churn", "nightly" });
    QApplication::processEvents();

    const QString path = m_dir->filePath(QStringLiteral("mainwindow.png"));
    QVERIFY(w.grab().save(path));
    const QImage image(path);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), QSize(1400, 850) * image.devicePixelRatio());
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); y += 7) {
        for (int x = 0; x < image.width(); x += 7)
            colours.insert(image.pixel(x, y));
    }
    QVERIFY2(colours.size() > 20, qPrintable(QString::number(colours.size())));
}

void TestMainWindow::embeddedEngineTakesTheWorkspaceOnce()
{
    auto *first = new MainWindow(m_ws.get());
    first->setPollInterval(200);
    first->startEmbeddedEngine();
    auto *firstEngine = first->findChild<QLabel *>(QStringLiteral("statusEngine"));
    QTRY_VERIFY_WITH_TIMEOUT(
        firstEngine->text().startsWith(QStringLiteral("engine: in this console")), 10000);

    // A second console on the same workspace stands by and names the engine that holds it.
    MainWindow second(m_ws.get());
    second.setPollInterval(200);
    second.startEmbeddedEngine();
    auto *secondEngine = second.findChild<QLabel *>(QStringLiteral("statusEngine"));
    QTRY_VERIFY_WITH_TIMEOUT(secondEngine->text().startsWith(QStringLiteral("engine: ")), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!secondEngine->text().contains(QStringLiteral("not running")), 10000);
    QVERIFY2(!secondEngine->text().contains(QStringLiteral("in this console")),
             qPrintable(secondEngine->text()));

    // Closing the first console hands the workspace over to the second.
    delete first;
    QTRY_VERIFY_WITH_TIMEOUT(
        secondEngine->text().startsWith(QStringLiteral("engine: in this console")), 15000);
}

namespace {

int runCount(const Workspace &ws)
{
    QSqlQuery q(ws.store().db());
    if (!q.exec(QStringLiteral("SELECT COUNT(*) FROM runs")) || !q.next())
        return -1;
    return q.value(0).toInt();
}

} // namespace

void TestMainWindow::detailsPreviewTheNextFireTimes()
{
    ProjectWriter::apply(m_ws->store(), { UiTest::inventoryProject() }, QStringLiteral("tester"));
    MainWindow w(m_ws.get());
    QSignalSpy applied(&w, &MainWindow::catalogApplied);
    QVERIFY(applied.wait(10000));
    select(w, { Kind::Pipeline, "churn", "nightly" });

    // The first fire time, worked out here from the expression itself.
    const QTimeZone paris("Europe/Paris");
    const auto cron = CronExpression::parse(QStringLiteral("0 2 * * *"));
    QVERIFY(cron);
    const auto first = cron->next(QDateTime::currentDateTime().toTimeZone(paris), paris);
    QVERIFY(first);
    const QString offset = Ui::DetailsPanel::formatOffset(*first);
    QVERIFY2(offset == QStringLiteral("+01:00") || offset == QStringLiteral("+02:00"),
             qPrintable(offset));

    const QStringList lines = w.detailsPanel()->field("Next runs").split('\n');
    QVERIFY2(lines.size() >= 5, qPrintable(lines.join(" | ")));
    QCOMPARE(lines.first(),
             QLocale().toString(*first, QStringLiteral("ddd d MMM HH:mm")) + " (" + offset + ")");
    // Five fire times at 02:00 in Paris on consecutive days; the offset is repeated only
    // when it changes.
    for (int i = 0; i < 5; ++i) {
        QVERIFY2(lines.at(i).contains(QStringLiteral("02:00")), qPrintable(lines.at(i)));
        const QDateTime day = first->addDays(i);
        QVERIFY2(lines.at(i).contains(QLocale().toString(day, QStringLiteral("d MMM"))),
                 qPrintable(lines.at(i)));
        const bool offsetChanged
            = i > 0 && paris.offsetFromUtc(day) != paris.offsetFromUtc(first->addDays(i - 1));
        QCOMPARE(
            lines.at(i).contains(QRegularExpression(QStringLiteral("\\([+-]\\d\\d:\\d\\d\\)$"))),
            i == 0 || offsetChanged);
    }
    // Whoever is not in Paris also sees when that is for them.
    if (first->toLocalTime().offsetFromUtc() != first->offsetFromUtc()) {
        QCOMPARE(lines.size(), 6);
        QVERIFY(lines.last().startsWith(QStringLiteral("your time: ")));
    } else {
        QCOMPARE(lines.size(), 5);
    }
    // The preview sits right under the schedule.
    const QStringList labels = w.detailsPanel()->fieldLabels();
    QCOMPARE(labels.indexOf("Next runs"), labels.indexOf("Schedule") + 1);

    // An hourly UTC schedule: offset +00:00, 15 past each hour.
    select(w, { Kind::Pipeline, "inventory", "hourly" });
    const QStringList hourly = w.detailsPanel()->field("Next runs").split('\n');
    QVERIFY(hourly.size() >= 5);
    QVERIFY2(hourly.first().endsWith(QStringLiteral(":15 (+00:00)")), qPrintable(hourly.first()));
    QVERIFY2(hourly.at(1).endsWith(QStringLiteral(":15")), qPrintable(hourly.at(1)));

    // The project's pipelines table has the next fire time too.
    select(w, { Kind::Project, "churn", {} });
    QTreeWidget *table = w.detailsPanel()->table();
    QCOMPARE(table->headerItem()->text(4), QStringLiteral("Next run"));
    QCOMPARE(table->topLevelItem(0)->text(0), QStringLiteral("nightly"));
    QCOMPARE(table->topLevelItem(0)->text(2), QStringLiteral("7"));
    QVERIFY(table->topLevelItem(0)->text(3).startsWith(QStringLiteral("0 2 * * *")));
    QCOMPARE(table->topLevelItem(0)->text(4), lines.first());
    QCOMPARE(table->topLevelItem(0)->toolTip(4).count(QLatin1Char('\n')), 5); // all five
}

void TestMainWindow::pausedAndBrokenSchedulesSaySo()
{
    ScheduleService::setPaused(m_ws->store(), "churn", "nightly", true, "tester");
    MainWindow w(m_ws.get());
    QSignalSpy applied(&w, &MainWindow::catalogApplied);
    QVERIFY(applied.wait(10000));
    select(w, { Kind::Pipeline, "churn", "nightly" });
    QCOMPARE(w.detailsPanel()->field("Next runs"), QStringLiteral("paused — no upcoming runs"));
    select(w, { Kind::Project, "churn", {} });
    QCOMPARE(w.detailsPanel()->table()->topLevelItem(0)->text(4), QStringLiteral("paused"));

    // A schedule core cannot read: its error, in the failure colour.
    QSqlQuery q(m_ws->store().db());
    QVERIFY(q.exec(QStringLiteral("UPDATE schedules SET cron = '0 25 * * *', paused = 0")));
    select(w, { Kind::Pipeline, "churn", "nightly" });
    w.refresh();
    QTRY_VERIFY_WITH_TIMEOUT(
        w.detailsPanel()->field("Next runs").startsWith(QStringLiteral("cannot fire: ")), 10000);
    QVERIFY2(w.detailsPanel()->field("Next runs").contains(QStringLiteral("hour")),
             qPrintable(w.detailsPanel()->field("Next runs")));
    auto *fields = w.detailsPanel()->findChild<QTextBrowser *>(QStringLiteral("detailsFields"));
    QVERIFY(fields);
    QVERIFY(fields->toHtml().contains(Ui::Theme::failure(w.detailsPanel()->palette()).name(),
                                      Qt::CaseInsensitive));
}

void TestMainWindow::runActionFollowsTheSelection()
{
    MainWindow w(m_ws.get());
    QSignalSpy applied(&w, &MainWindow::catalogApplied);
    QVERIFY(applied.wait(10000));
    QAction *run = w.runPipelineAction();
    QVERIFY(run);
    QCOMPARE(run->shortcut(), QKeySequence(QStringLiteral("Ctrl+R")));

    select(w, { Kind::Pipeline, "churn", "nightly" });
    QCOMPARE(w.currentMode(), QStringLiteral("Monitor"));
    QVERIFY(!run->isEnabled()); // the selection is out of sight
    QVERIFY(w.setCurrentMode(QStringLiteral("Pipelines")));
    QVERIFY(run->isEnabled());
    // A button in the pipeline's details header too.
    QWidget *bar = w.detailsPanel()->pipelineActionsBar();
    QVERIFY(!bar->isHidden());
    auto *button = bar->findChild<QToolButton *>();
    QVERIFY(button && button->defaultAction() == run);

    select(w, { Kind::Job, "churn", "train" });
    QVERIFY(!run->isEnabled());
    QVERIFY(bar->isHidden());
    run->trigger(); // disabled: nothing opens
    QVERIFY(!w.runDialog());
    select(w, { Kind::Project, "churn", {} });
    QVERIFY(!run->isEnabled());
    select(w, { Kind::Pipeline, "churn", "nightly" });
    QVERIFY(run->isEnabled());

    // Only in the Pipelines mode, where the selection is in sight.
    w.addMode(QStringLiteral("Scratch"), QIcon(), new QLabel(QStringLiteral("scratch")));
    QVERIFY(w.setCurrentMode(QStringLiteral("Scratch")));
    QVERIFY(!run->isEnabled());
    QVERIFY(w.setCurrentMode(QStringLiteral("Pipelines")));
    QVERIFY(run->isEnabled());
}

void TestMainWindow::pauseAndResumeTheSchedule()
{
    MainWindow w(m_ws.get());
    QSignalSpy applied(&w, &MainWindow::catalogApplied);
    QVERIFY(applied.wait(10000));
    QVERIFY(w.setCurrentMode(QStringLiteral("Pipelines")));
    select(w, { Kind::Pipeline, "churn", "nightly" });
    QAction *pause = w.pauseScheduleAction();
    QVERIFY(pause && pause->isEnabled() && pause->isVisible());
    QCOMPARE(pause->text(), QStringLiteral("&Pause Schedule"));

    QSignalSpy updated(&w, &MainWindow::scheduleUpdated);
    pause->trigger();
    QVERIFY(updated.wait(10000));
    QCOMPARE(updated.at(0).at(0).toString(), QStringLiteral("churn/nightly"));
    QVERIFY(updated.at(0).at(1).toBool());
    auto pausedInStore = [this] {
        for (const ScheduleInfo &s : ScheduleService::list(m_ws->store().db(), 0)) {
            if (s.pipeline == QLatin1String("nightly"))
                return s.paused;
        }
        return false;
    };
    QVERIFY(pausedInStore());
    // Once the catalog shows it paused, the same action resumes it.
    QTRY_COMPARE_WITH_TIMEOUT(pause->text(), QStringLiteral("Resume &Schedule"), 10000);
    pause->trigger();
    QVERIFY(updated.wait(10000));
    QVERIFY(!updated.last().at(1).toBool());
    QVERIFY(!pausedInStore());

    // A pipeline without a schedule has nothing to pause; a vanished one is a clear error.
    select(w, { Kind::Job, "churn", "train" });
    QVERIFY(!pause->isEnabled());
    QSignalSpy failed(&w, &MainWindow::scheduleUpdateFailed);
    w.setSchedulePaused(QStringLiteral("churn"), QStringLiteral("nope"), true);
    QVERIFY(failed.wait(10000));
    QVERIFY(failed.at(0).at(0).toString().contains(QStringLiteral("no pipeline churn/nope")));
}

void TestMainWindow::runPipelineFromTheDialog()
{
    MainWindow w(m_ws.get());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QSignalSpy applied(&w, &MainWindow::catalogApplied);
    QVERIFY(applied.wait(10000));
    QVERIFY(w.setCurrentMode(QStringLiteral("Pipelines")));
    select(w, { Kind::Pipeline, "churn", "nightly" });
    QVERIFY(!w.runDialog());

    w.runPipelineAction()->trigger();
    Ui::RunDialog *dialog = w.runDialog();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    QCOMPARE(dialog->pipeline().name, QStringLiteral("nightly"));
    QCOMPARE(dialog->environments(), (QStringList { "dev", "staging", "preprod", "prod" }));
    QCOMPARE(dialog->environment(), QStringLiteral("dev"));
    QVERIFY(dialog->setEnvironment(QStringLiteral("staging")));
    dialog->setParameters({ { QStringLiteral("RUN_DAY"), QStringLiteral("2026-11-01") },
                            { QStringLiteral("MODE"), QStringLiteral("full") } });
    dialog->setParallelism(1);

    QSignalSpy queued(&w, &MainWindow::runQueued);
    QSignalSpy failed(&w, &MainWindow::runFailed);
    dialog->accept();
    QVERIFY(queued.wait(10000));
    QCOMPARE(failed.count(), 0);
    QCOMPARE(w.pendingRuns(), 0);
    const qint64 runId = queued.first().first().toLongLong();
    QVERIFY(runId > 0);
    QTRY_VERIFY(!w.runDialog()); // closed and gone

    // What the store has, read on this thread.
    const RunSummary run = RunService::run(m_ws->store().db(), runId);
    QCOMPARE(run.project, QStringLiteral("churn"));
    QCOMPARE(run.pipeline, QStringLiteral("nightly"));
    QCOMPARE(run.environment, QStringLiteral("staging"));
    QCOMPARE(toString(run.state), QStringLiteral("queued"));
    QCOMPARE(run.trigger, QStringLiteral("manual"));
    QCOMPARE(run.requestedBy, currentUser());
    const QMap<QString, QString> parameters { { "RUN_DAY", "2026-11-01" }, { "MODE", "full" } };
    QCOMPARE(run.parameters, parameters);
    QCOMPARE(run.tasks.size(), 7);
    QSqlQuery q(m_ws->store().db());
    QVERIFY(q.exec(QStringLiteral("SELECT parallelism FROM runs WHERE id = %1").arg(runId)));
    QVERIFY(q.next());
    QCOMPARE(q.value(0).toInt(), 1);

    QVERIFY2(w.statusBar()->currentMessage().startsWith(
                 QStringLiteral("run %1 queued: churn/nightly in staging").arg(runId)),
             qPrintable(w.statusBar()->currentMessage()));

    // The next time, the dialog starts from that environment and limit (not the values).
    w.runPipelineAction()->trigger();
    QVERIFY(w.runDialog());
    QCOMPARE(w.runDialog()->environment(), QStringLiteral("staging"));
    QCOMPARE(w.runDialog()->parallelism(), 1);
    QCOMPARE(w.runDialog()->parameterRowCount(), 0);
    w.runDialog()->reject();
    QTRY_VERIFY(!w.runDialog());
    QCOMPARE(runCount(*m_ws), 1);
}

void TestMainWindow::submittingNeverBlocksTheGuiThread()
{
    MainWindow w(m_ws.get());
    QSignalSpy applied(&w, &MainWindow::catalogApplied);
    QVERIFY(applied.wait(10000));
    w.setPollInterval(0);
    QSignalSpy queued(&w, &MainWindow::runQueued);

    // Hold the database's write lock from this thread: a submission on the GUI thread would
    // wait here for it (and this thread would never let go).
    QSqlQuery lock(m_ws->store().db());
    QVERIFY(lock.exec(QStringLiteral("BEGIN IMMEDIATE")));
    RunRequest request;
    request.project = QStringLiteral("churn");
    request.pipeline = QStringLiteral("nightly");
    QElapsedTimer timer;
    timer.start();
    w.submitRun(request);
    QVERIFY2(timer.elapsed() < 500, qPrintable(QString::number(timer.elapsed())));
    QCOMPARE(w.pendingRuns(), 1);
    QTest::qWait(300);
    QCOMPARE(queued.count(), 0);
    QVERIFY(lock.exec(QStringLiteral("COMMIT")));

    QVERIFY(queued.wait(10000));
    QCOMPARE(w.pendingRuns(), 0);
    const RunSummary run = RunService::run(m_ws->store().db(), queued.first().first().toLongLong());
    QCOMPARE(run.environment, QStringLiteral("dev")); // none given: the path's first
    QCOMPARE(run.requestedBy, currentUser()); // an empty actor is the current user
    QVERIFY2(w.statusBar()->currentMessage().contains(QStringLiteral("churn/nightly in dev")),
             qPrintable(w.statusBar()->currentMessage()));
}

void TestMainWindow::refusedRunReportsCoreMessage_data()
{
    QTest::addColumn<QString>("environment");
    QTest::addColumn<QString>("parameter");
    QTest::addColumn<QString>("message");
    QTest::newRow("unknown environment")
        << "qa"
        << "DAY"
        << "project 'churn' has no environment 'qa' (it has: dev, staging, preprod, prod)";
    QTest::newRow("bad parameter name") << "dev"
                                        << "1BAD"
                                        << "--param 1BAD: not a valid variable name (letters, "
                                           "digits and _ only, not starting with a digit)";
}

void TestMainWindow::refusedRunReportsCoreMessage()
{
    QFETCH(QString, environment);
    QFETCH(QString, parameter);
    QFETCH(QString, message);
    MainWindow w(m_ws.get());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QSignalSpy applied(&w, &MainWindow::catalogApplied);
    QVERIFY(applied.wait(10000));
    QSignalSpy queued(&w, &MainWindow::runQueued);
    QSignalSpy failed(&w, &MainWindow::runFailed);

    RunRequest request;
    request.project = QStringLiteral("churn");
    request.pipeline = QStringLiteral("nightly");
    request.environment = environment;
    request.parameters.insert(parameter, QStringLiteral("1"));
    w.submitRun(request);
    QVERIFY(failed.wait(10000));
    QCOMPARE(failed.first().first().toString(), message);
    QCOMPARE(queued.count(), 0);
    QCOMPARE(runCount(*m_ws), 0);
    QCOMPARE(w.pendingRuns(), 0);

    // Said in a message box (that does not block), with core's words.
    auto *box = w.findChild<QMessageBox *>(QStringLiteral("runFailedMessage"));
    QVERIFY(box);
    QVERIFY(box->isVisible());
    QCOMPARE(box->informativeText(), message);
    QVERIFY(box->text().contains(QStringLiteral("churn/nightly")));
    box->accept();
    QTRY_VERIFY(!w.findChild<QMessageBox *>(QStringLiteral("runFailedMessage")));
}

void TestMainWindow::monitorIsTheDefaultMode()
{
    MainWindow w(m_ws.get());
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QCOMPARE(w.modes().value(0), QStringLiteral("Monitor"));
    QCOMPARE(w.modes().value(1), QStringLiteral("Pipelines"));
    QCOMPARE(w.currentMode(), QStringLiteral("Monitor"));
    Ui::MonitorMode *monitor = w.monitorMode();
    QVERIFY(monitor);
    auto *stack = monitor->parentWidget();
    QVERIFY(qobject_cast<QStackedWidget *>(stack));
    QCOMPARE(qobject_cast<QStackedWidget *>(stack)->currentWidget(), monitor);
    QVERIFY(monitor->isVisible());
    QVERIFY(!w.pipelinesMode()->isVisible());

    // The View menu's mode actions: Ctrl+1 is Monitor, Ctrl+2 Pipelines.
    QAction *monitorAction = nullptr;
    QAction *pipelinesAction = nullptr;
    for (QAction *menu : w.menuBar()->actions()) {
        for (QAction *action : menu->menu()->actions()) {
            if (action->text() == QLatin1String("Monitor"))
                monitorAction = action;
            else if (action->text() == QLatin1String("Pipelines"))
                pipelinesAction = action;
        }
    }
    QVERIFY(monitorAction && pipelinesAction);
    QCOMPARE(monitorAction->shortcut(), QKeySequence(QStringLiteral("Ctrl+1")));
    QCOMPARE(pipelinesAction->shortcut(), QKeySequence(QStringLiteral("Ctrl+2")));
    QVERIFY(monitorAction->isChecked());

    // There and back again.
    pipelinesAction->trigger();
    QCOMPARE(w.currentMode(), QStringLiteral("Pipelines"));
    QVERIFY(w.pipelinesMode()->isVisible());
    QVERIFY(!monitor->isVisible());
    QVERIFY(pipelinesAction->isChecked());
    monitorAction->trigger();
    QCOMPARE(w.currentMode(), QStringLiteral("Monitor"));
    QVERIFY(monitor->isVisible());
    QVERIFY(monitorAction->isChecked());

    // The empty state's link leads to the Pipelines mode.
    QTRY_VERIFY_WITH_TIMEOUT(monitor->isLoaded(), 10000);
    QVERIFY(monitor->isShowingEmptyState());
    Q_EMIT monitor->pipelinesModeRequested();
    QCOMPARE(w.currentMode(), QStringLiteral("Pipelines"));
}

void TestMainWindow::savedModeIsRestored()
{
    {
        MainWindow w(m_ws.get());
        QVERIFY(w.setCurrentMode(QStringLiteral("Pipelines")));
        w.monitorMode()->setPollInterval(2000);
        w.saveLayout();
    }
    {
        MainWindow w(m_ws.get());
        QCOMPARE(w.currentMode(), QStringLiteral("Pipelines"));
        QCOMPARE(w.monitorMode()->pollInterval(), 2000); // the monitor's settings too
        QVERIFY(w.setCurrentMode(QStringLiteral("Monitor")));
        w.saveLayout();
    }
    MainWindow w(m_ws.get());
    QCOMPARE(w.currentMode(), QStringLiteral("Monitor"));
}

void TestMainWindow::queuedRunShowsInTheMonitorAtOnce()
{
    MainWindow w(m_ws.get());
    Ui::MonitorMode *monitor = w.monitorMode();
    // A minute between polls (set before the first poll's timer can fire): only the refresh
    // on runQueued can bring the run in time.
    monitor->setPollInterval(60000);
    QCOMPARE(monitor->pollInterval(), 60000);
    QSignalSpy applied(monitor, &Ui::MonitorMode::runsApplied);
    w.show();
    w.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    QTRY_VERIFY_WITH_TIMEOUT(!applied.isEmpty(), 10000); // the first poll
    QSignalSpy queued(&w, &MainWindow::runQueued);
    RunRequest request;
    request.project = QStringLiteral("churn");
    request.pipeline = QStringLiteral("nightly");
    request.environment = QStringLiteral("staging");
    w.submitRun(request);
    QVERIFY(queued.wait(10000));
    const qint64 runId = queued.first().first().toLongLong();
    QTRY_VERIFY_WITH_TIMEOUT(monitor->runsModel()->rowOf(runId) >= 0, 3000);
    QVERIFY(!monitor->isShowingEmptyState());
    QCOMPARE(monitor->runsView()->model()->rowCount(), 1);
    QCOMPARE(monitor->queuedModel()->rowCount(), 1);

    // Ctrl+F finds in the mode on screen: the runs here, the project tree in Pipelines.
    QTest::keyClick(&w, Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(monitor->searchEdit()->hasFocus());
    QVERIFY(w.setCurrentMode(QStringLiteral("Pipelines")));
    QTest::keyClick(&w, Qt::Key_F, Qt::ControlModifier);
    QTRY_VERIFY(w.pipelinesMode()->filterEdit()->hasFocus());
}

void TestMainWindow::monitorRendersRuns()
{
    // A few runs in the states an ops manager cares about, as the engine would leave them.
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    QList<qint64> ids;
    for (const char *environment : { "dev", "staging", "prod", "dev", "preprod" }) {
        RunRequest request;
        request.project = QStringLiteral("churn");
        request.pipeline = QStringLiteral("nightly");
        request.environment = QLatin1String(environment);
        request.actor = QStringLiteral("alice");
        ids << RunService::createRun(m_ws->store(), request);
    }
    const auto set = [this](qint64 id, const char *state, qint64 started, qint64 finished,
                            int doneTasks, const char *taskState) {
        m_ws->store().transaction([&](QSqlDatabase &tx) {
            Sql::exec(tx,
                      QStringLiteral("UPDATE runs SET state = ?, started_at = ?, finished_at = ? "
                                     "WHERE id = ?"),
                      { QLatin1String(state), started > 0 ? QVariant(started) : QVariant(),
                        finished > 0 ? QVariant(finished) : QVariant(), id });
            Sql::exec(tx,
                      QStringLiteral("UPDATE task_runs SET state = ? WHERE id IN (SELECT id FROM "
                                     "task_runs WHERE run_id = ? ORDER BY id LIMIT ?)"),
                      { QLatin1String(taskState), id, doneTasks });
        });
    };
    set(ids[0], "succeeded", now - 3'600'000, now - 3'300'000, 7, "succeeded");
    set(ids[1], "failed", now - 1'800'000, now - 1'700'000, 3, "failed");
    set(ids[2], "running", now - 125'000, 0, 4, "succeeded");
    set(ids[3], "timed_out", now - 900'000, now - 600'000, 5, "timed_out");
    // ids[4] stays queued.

    MainWindow w(m_ws.get());
    w.resize(1400, 850);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    Ui::MonitorMode *monitor = w.monitorMode();
    QTRY_COMPARE_WITH_TIMEOUT(monitor->runsView()->model()->rowCount(), 5, 10000);
    QSignalSpy applied(&w, &MainWindow::catalogApplied);
    QVERIFY(applied.wait(10000));
    QApplication::processEvents();

    const QImage image = w.grab().toImage();
    QVERIFY(!image.isNull());
    if (const QString path = qEnvironmentVariable("BATON_MONITOR_GRAB"); !path.isEmpty())
        QVERIFY(image.save(path)); // for a look by eye; tests never keep it
    // The states' colours are on screen: dots and bars in the panels and the table.
    QSet<QRgb> colours;
    for (int y = 0; y < image.height(); ++y) {
        const auto *line = reinterpret_cast<const QRgb *>(image.constScanLine(y));
        for (int x = 0; x < image.width(); ++x)
            colours.insert(line[x] | 0xff000000u);
    }
    const QPalette palette = monitor->palette();
    for (const char *state : { "succeeded", "failed", "running", "timed_out", "queued" }) {
        const QRgb rgb
            = Ui::Theme::stateColor(palette, parseRunState(QLatin1String(state), 0)).rgb();
        QVERIFY2(colours.contains(rgb), state);
    }
}

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"

void TestMainWindow::quitWhileTheEngineRunsWorkAsks_data()
{
    QTest::addColumn<QString>("answer"); // keep, quit, cancel, keep-fails
    QTest::newRow("keep the engine running") << "keep";
    QTest::newRow("quit anyway") << "quit";
    QTest::newRow("cancel") << "cancel";
    QTest::newRow("the headless engine cannot start") << "keep-fails";
}

void TestMainWindow::quitWhileTheEngineRunsWorkAsks()
{
    QFETCH(QString, answer);
    MainWindow w(m_ws.get());
    w.setPollInterval(200);
    int launched = 0;
    w.setHeadlessEngineLauncher([&](QString *error) {
        ++launched;
        if (answer == QLatin1String("keep-fails")) {
            *error = QStringLiteral("cannot find /nowhere/baton");
            return false;
        }
        return true;
    });
    w.startEmbeddedEngine();
    w.show();
    auto *engine = w.findChild<QLabel *>(QStringLiteral("statusEngine"));
    QTRY_VERIFY_WITH_TIMEOUT(engine->text().startsWith(QStringLiteral("engine: in this console")),
                             10000);
    // Idle: the console quits at once, nothing asked.
    QVERIFY(w.close());
    QVERIFY(!w.quitGuard()->question());
    w.show();

    // A run the engine is running (written as it would; this engine leaves it alone).
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    Sql::exec(m_ws->store().db(),
              QStringLiteral("INSERT INTO runs (project_id, pipeline_id, pipeline_version_id, "
                             "state, created_at, started_at) SELECT l.project_id, l.id, "
                             "(SELECT max(id) FROM pipeline_versions WHERE pipeline_id = l.id), "
                             "'running', ?, ? FROM pipelines l LIMIT 1"),
              { now, now });
    w.monitorMode()->refreshNow();
    QTRY_VERIFY(w.monitorMode()->runsModel()->rowCount() == 1);

    QVERIFY(!w.close()); // asked first
    QVERIFY(w.isVisible());
    QMessageBox *box = w.quitGuard()->question();
    QVERIFY(box);
    QVERIFY2(box->text().contains(QStringLiteral("1 run running")), qPrintable(box->text()));
    QVERIFY(box->informativeText().contains(QStringLiteral("baton engine")));
    auto *keep = box->findChild<QAbstractButton *>(QStringLiteral("keepEngineButton"));
    auto *quit = box->findChild<QAbstractButton *>(QStringLiteral("quitAnywayButton"));
    QVERIFY(keep && quit && box->button(QMessageBox::Cancel));
    QVERIFY(keep->isEnabled());
    if (answer.startsWith(QLatin1String("keep")))
        keep->click();
    else if (answer == QLatin1String("quit"))
        quit->click();
    else
        box->button(QMessageBox::Cancel)->click();

    if (answer == QLatin1String("keep")) {
        QTRY_VERIFY(!w.isVisible());
        QCOMPARE(launched, 1);
    } else if (answer == QLatin1String("quit")) {
        QTRY_VERIFY(!w.isVisible());
        QCOMPARE(launched, 0);
    } else if (answer == QLatin1String("cancel")) {
        QTRY_VERIFY(!w.quitGuard()->question());
        QVERIFY(w.isVisible());
        QCOMPARE(launched, 0);
        QVERIFY(!w.close()); // asked again next time
        QVERIFY(w.quitGuard()->question());
        w.quitGuard()->question()->button(QMessageBox::Cancel)->click();
    } else {
        // Not started: the work would be orphaned, so the console stays, and says why.
        QMessageBox *failed = nullptr;
        QTRY_VERIFY((failed = w.findChild<QMessageBox *>(QStringLiteral("headlessEngineFailed"))));
        QVERIFY(failed->informativeText().contains(QStringLiteral("/nowhere/baton")));
        QVERIFY(w.isVisible());
        QCOMPARE(launched, 1);
        failed->close();
    }
}
