// The console's modes as units (#18): every mode the window hosts implements Mode, and the
// window only hosts them — rail, shortcuts and View menu built from the list, state saved and
// restored through the interface, requestMode() routed with its context.

#include "audit/auditmode.h"
#include "dashboards/dashboardsmode.h"
#include "engine/runservice.h"
#include "mainwindow/documenttabs.h"
#include "mainwindow/mainwindow.h"
#include "mainwindow/moderail.h"
#include "monitoring/monitormode.h"
#include "monitoring/runstablemodel.h"
#include "pipelines/pipelinesmode.h"
#include "pipelines/projecttreemodel.h"
#include "releases/deploymentmatrixmodel.h"
#include "releases/releasesmode.h"
#include "review/reviewmode.h"
#include "runs/rundetailview.h"
#include "store/projectwriter.h"
#include "store/workspace.h"
#include "uitestdata.h"
#include "widgets/backgroundtask.h"
#include "widgets/mode.h"

#include <QAction>
#include <QActionGroup>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QSet>
#include <QSettings>
#include <QSignalSpy>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>

using namespace Baton;
using Baton::Ui::MainWindow;
using Baton::Ui::Mode;
using Key = Baton::Ui::ProjectTreeModel::Key;
using Kind = Baton::Ui::ProjectTreeModel::Kind;

namespace {

// The View menu's entries that switch modes (the window's mode action group), in menu order.
QList<QAction *> modeEntries(MainWindow &w)
{
    QList<QAction *> entries;
    for (QAction *top : w.menuBar()->actions()) {
        if (top->text() != QLatin1String("&View"))
            continue;
        for (QAction *action : top->menu()->actions()) {
            if (action->actionGroup())
                entries << action;
        }
    }
    return entries;
}

qint64 queueRun(const Store &store, const QString &environment)
{
    RunRequest request;
    request.project = QStringLiteral("churn");
    request.pipeline = QStringLiteral("nightly");
    request.environment = environment;
    request.actor = QStringLiteral("tester");
    return RunService::createRun(store, request);
}

} // namespace

class TestModes : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void cleanup()
    {
        Baton::Ui::BackgroundTask::drain(); // jobs may outlive widgets, never the workspace
    }

    void everyModeIsAUnit();
    void railAndViewMenuListExactlyTheModes();
    void viewActionsFollowTheirMode();
    void monitorStateRoundTrips();
    void pipelinesStateRoundTrips();
    void everyModeRestoresWhatItSaved();
    void requestModeSwitchesWithTheContext();
    void requestForAnUnknownModeChangesNothing();
    void runsBadgesAndWritesGoThroughTheWindow();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Workspace> m_ws;
    QTemporaryDir m_settingsDir;
};

void TestModes::initTestCase()
{
    // Never touch the developer's real settings.
    QStandardPaths::setTestModeEnabled(true);
    QVERIFY(m_settingsDir.isValid());
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
}

void TestModes::init()
{
    QSettings(QStringLiteral("Baton"), QStringLiteral("baton")).clear();
    m_ws.reset();
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_ws = std::make_unique<Workspace>(m_dir->path(), Workspace::Mode::CreateIfMissing);
    ProjectWriter::apply(m_ws->store(), { UiTest::churnProject() }, QStringLiteral("tester"));
}

void TestModes::everyModeIsAUnit()
{
    MainWindow w(m_ws.get());
    const QList<Mode *> modes = w.modeList();
    QStringList ids;
    for (const Mode *mode : modes)
        ids << mode->id();
    // DESIGN.md's map, in rail order.
    QCOMPARE(ids,
             (QStringList { "monitor", "pipelines", "releases", "dashboards", "review", "audit" }));
    QVERIFY(w.mode(QStringLiteral("monitor")) == w.monitorMode());
    QVERIFY(w.mode(QStringLiteral("pipelines")) == w.pipelinesMode());
    QVERIFY(w.mode(QStringLiteral("releases")) == w.releasesMode());
    QVERIFY(w.mode(QStringLiteral("dashboards")) == w.dashboardsMode());
    QVERIFY(w.mode(QStringLiteral("review")) == w.reviewMode());
    QVERIFY(!w.mode(QStringLiteral("Monitor"))); // ids are not titles

    QSet<QString> names;
    QSet<QString> shortcuts;
    const auto *stack = qobject_cast<QStackedWidget *>(w.monitorMode()->parentWidget());
    QVERIFY(stack);
    for (int i = 0; i < modes.size(); ++i) {
        const Mode *mode = modes.at(i);
        QVERIFY2(!mode->displayName().isEmpty(), qPrintable(mode->id()));
        QVERIFY2(!mode->icon().isNull(), qPrintable(mode->id()));
        QVERIFY2(!mode->shortcut().isEmpty(), qPrintable(mode->id()));
        names.insert(mode->displayName());
        shortcuts.insert(mode->shortcut().toString());
        // Ctrl+1 … by rail position, as before modes were units.
        QCOMPARE(mode->shortcut(), QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)));
        QVERIFY(stack->widget(i) == mode); // the window's page is the mode itself
    }
    QCOMPARE(names.size(), modes.size());
    QCOMPARE(shortcuts.size(), modes.size());
}

void TestModes::railAndViewMenuListExactlyTheModes()
{
    MainWindow w(m_ws.get());
    w.show();
    w.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&w));
    // A page added later is a mode like the others.
    w.addMode(QStringLiteral("Scratch"), QIcon(), new QLabel(QStringLiteral("scratch")));
    const QList<Mode *> modes = w.modeList();
    QCOMPARE(modes.size(), 7);
    QCOMPARE(modes.last()->id(), QStringLiteral("Scratch"));

    Ui::ModeRail *rail = w.modeRail();
    QCOMPARE(rail->count(), modes.size());
    const QList<QAction *> entries = modeEntries(w);
    QCOMPARE(entries.size(), modes.size());
    for (int i = 0; i < modes.size(); ++i) {
        QCOMPARE(rail->modeName(i), modes.at(i)->displayName());
        QCOMPARE(entries.at(i)->text(), modes.at(i)->displayName());
        QCOMPARE(entries.at(i)->shortcut(), modes.at(i)->shortcut());
    }
    QCOMPARE(w.modes().size(), modes.size());

    // A mode's own menu is on the menu bar, before Help: File, View, Pipeline, Runs, Help.
    QMenu *pipeline = w.pipelinesMode()->menu();
    QVERIFY(pipeline);
    QStringList bar;
    for (QAction *top : w.menuBar()->actions())
        bar << top->text();
    QCOMPARE(bar.indexOf(pipeline->title()), bar.indexOf(QStringLiteral("&View")) + 1);
    QCOMPARE(bar.last(), QStringLiteral("&Help"));
    QVERIFY(pipeline->actions().contains(w.runPipelineAction()));
    QVERIFY(pipeline->actions().contains(w.pipelinesMode()->editAction()));

    // The View entry, the shortcut and the rail each switch to their mode.
    for (int i = modes.size() - 1; i >= 0; --i) {
        entries.at(i)->trigger();
        QCOMPARE(w.currentModeUnit()->id(), modes.at(i)->id());
        QVERIFY(modes.at(i)->isVisible());
        QVERIFY(entries.at(i)->isChecked());
    }
    QTest::keySequence(&w, w.releasesMode()->shortcut());
    QCOMPARE(w.currentMode(), w.releasesMode()->displayName());
    QVERIFY(w.releasesMode()->isVisible());
    QVERIFY(!w.monitorMode()->isVisible());
    rail->setCurrentIndex(modes.indexOf(w.pipelinesMode()));
    QCOMPARE(w.currentModeUnit()->id(), w.pipelinesMode()->id());
    QVERIFY(entries.at(1)->isChecked());
}

void TestModes::viewActionsFollowTheirMode()
{
    MainWindow w(m_ws.get());
    Ui::PipelinesMode *pipelines = w.pipelinesMode();
    const QList<QAction *> actions = pipelines->viewActions();
    QVERIFY(!actions.isEmpty());
    QMenu *view = nullptr;
    for (QAction *top : w.menuBar()->actions()) {
        if (top->text() == QLatin1String("&View"))
            view = top->menu();
    }
    QVERIFY(view);
    for (QAction *action : actions)
        QVERIFY2(view->actions().contains(action), qPrintable(action->text()));
    const auto enabled = [&] {
        int n = 0;
        for (QAction *action : actions)
            n += action->isSeparator() ? 0 : action->isEnabled();
        return n;
    };
    const int nonSeparators = int(std::count_if(actions.cbegin(), actions.cend(),
                                                [](QAction *a) { return !a->isSeparator(); }));
    QCOMPARE(w.currentModeUnit()->id(), w.monitorMode()->id());
    QCOMPARE(enabled(), 0); // they act on the Pipelines mode only
    QVERIFY(w.setCurrentMode(QStringLiteral("pipelines")));
    QCOMPARE(enabled(), nonSeparators);
    QVERIFY(w.setCurrentMode(QStringLiteral("Audit"))); // by title too
    QCOMPARE(enabled(), 0);
}

void TestModes::monitorStateRoundTrips()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("state.ini")), QSettings::IniFormat);
    QList<int> sizes;
    QVERIFY(queueRun(m_ws->store(), QStringLiteral("dev")) > 0); // the panels, not "No runs yet"
    {
        Ui::MonitorMode first(m_ws.get());
        first.resize(1200, 800);
        first.show();
        QVERIFY(QTest::qWaitForWindowExposed(&first));
        QTRY_VERIFY_WITH_TIMEOUT(first.isLoaded(), 10000);
        QVERIFY(!first.isShowingEmptyState());
        auto *splitter = first.findChild<QSplitter *>(QStringLiteral("monitorSplitter"));
        QVERIFY(splitter);
        QList<int> moved = splitter->sizes();
        QCOMPARE(moved.size(), 2);
        moved[0] += 120;
        moved[1] -= 120;
        splitter->setSizes(moved);
        sizes = splitter->sizes();
        QCOMPARE(sizes, moved);
        first.setPollInterval(5000);
        settings.beginGroup(first.id());
        first.saveState(settings);
        settings.endGroup();
    }
    Ui::MonitorMode second(m_ws.get());
    second.resize(1200, 800);
    second.show();
    QVERIFY(QTest::qWaitForWindowExposed(&second));
    QTRY_VERIFY_WITH_TIMEOUT(second.isLoaded(), 10000);
    auto *splitter = second.findChild<QSplitter *>(QStringLiteral("monitorSplitter"));
    QVERIFY(splitter->sizes() != sizes);
    QVERIFY(second.pollInterval() != 5000);
    settings.beginGroup(second.id());
    second.restoreState(settings);
    settings.endGroup();
    QCOMPARE(splitter->sizes(), sizes);
    QCOMPARE(second.pollInterval(), 5000);
}

void TestModes::pipelinesStateRoundTrips()
{
    QTemporaryDir dir;
    QSettings settings(dir.filePath(QStringLiteral("state.ini")), QSettings::IniFormat);
    QList<int> sizes;
    {
        Ui::PipelinesMode first;
        first.resize(1200, 800);
        first.show();
        QVERIFY(QTest::qWaitForWindowExposed(&first));
        // The tree beside the graph and details.
        auto *splitter = first.findChild<QSplitter *>(QStringLiteral("pipelinesSplitter"));
        QVERIFY(splitter);
        QList<int> moved = splitter->sizes();
        QCOMPARE(moved.size(), 2);
        moved[0] += 150;
        moved[1] -= 150;
        splitter->setSizes(moved);
        sizes = splitter->sizes();
        QCOMPARE(sizes, moved);
        settings.beginGroup(first.id());
        first.saveState(settings);
        settings.endGroup();
        first.setTreeVisible(false);
        settings.beginGroup(QStringLiteral("hidden"));
        first.saveState(settings);
        settings.endGroup();
    }
    Ui::PipelinesMode second;
    second.resize(1200, 800);
    second.show();
    QVERIFY(QTest::qWaitForWindowExposed(&second));
    auto *splitter = second.findChild<QSplitter *>(QStringLiteral("pipelinesSplitter"));
    QVERIFY(splitter->sizes() != sizes);
    settings.beginGroup(second.id());
    second.restoreState(settings);
    settings.endGroup();
    QCOMPARE(splitter->sizes(), sizes);

    // The tree hidden, and the View menu's toggle following it.
    QVERIFY(second.isTreeVisible());
    QAction *toggle = second.viewActions().value(0);
    QVERIFY(toggle && toggle->isCheckable() && toggle->isChecked());
    settings.beginGroup(QStringLiteral("hidden"));
    second.restoreState(settings);
    settings.endGroup();
    QVERIFY(!second.isTreeVisible());
    QVERIFY(!toggle->isChecked());
}

void TestModes::everyModeRestoresWhatItSaved()
{
    // Through the window: what each mode saved, a new window's mode restores and saves again
    // unchanged (a mode whose restoreState() dropped something would save its default).
    QMap<QString, QVariantMap> saved;
    {
        MainWindow w(m_ws.get());
        w.monitorMode()->setPollInterval(5000);
        w.pipelinesMode()->setTreeVisible(false);
        QVERIFY(w.setCurrentMode(QStringLiteral("releases")));
        w.saveLayout();
        QSettings settings(QStringLiteral("Baton"), QStringLiteral("baton"));
        for (const Mode *mode : w.modeList()) {
            settings.beginGroup(mode->id());
            for (const QString &key : settings.allKeys())
                saved[mode->id()].insert(key, settings.value(key));
            settings.endGroup();
        }
        QCOMPARE(settings.value(QStringLiteral("mainwindow/mode")).toString(),
                 QStringLiteral("releases"));
    }
    QCOMPARE(saved.value(QStringLiteral("monitor")).value(QStringLiteral("pollInterval")).toInt(),
             5000);
    QCOMPARE(saved.value(QStringLiteral("pipelines")).value(QStringLiteral("treeVisible")),
             QVariant(false));

    MainWindow w(m_ws.get());
    QCOMPARE(w.currentModeUnit()->id(), w.releasesMode()->id());
    QCOMPARE(w.monitorMode()->pollInterval(), 5000);
    QVERIFY(!w.pipelinesMode()->isTreeVisible());
    QTemporaryDir dir;
    QSettings again(dir.filePath(QStringLiteral("again.ini")), QSettings::IniFormat);
    for (const Mode *mode : w.modeList()) {
        again.beginGroup(mode->id());
        mode->saveState(again);
        QVariantMap values;
        for (const QString &key : again.allKeys())
            values.insert(key, again.value(key));
        again.endGroup();
        QCOMPARE(values.keys(), saved.value(mode->id()).keys());
        for (auto it = values.cbegin(); it != values.cend(); ++it) {
            if (it.key() == QLatin1String("expanded"))
                continue; // written once the catalog has arrived: not yet in the new window
            QVERIFY2(it.value() == saved.value(mode->id()).value(it.key()),
                     qPrintable(mode->id() + QLatin1Char('/') + it.key()));
        }
    }
}

void TestModes::requestModeSwitchesWithTheContext()
{
    const qint64 older = queueRun(m_ws->store(), QStringLiteral("dev"));
    const qint64 newer = queueRun(m_ws->store(), QStringLiteral("staging"));
    QVERIFY(older > 0 && newer > older);
    MainWindow w(m_ws.get());
    QSignalSpy applied(&w, &MainWindow::catalogApplied);
    w.resize(1400, 900);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    Ui::MonitorMode *monitor = w.monitorMode();
    Ui::ReleasesMode *releases = w.releasesMode();
    QTRY_VERIFY_WITH_TIMEOUT(monitor->runsModel()->rowOf(older) >= 0, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(releases->isLoaded(), 10000);
    QTRY_VERIFY_WITH_TIMEOUT(!applied.isEmpty(), 10000);

    // Monitor asks Releases to show a version: nightly in staging.
    QCOMPARE(w.currentModeUnit()->id(), monitor->id());
    Q_EMIT monitor->requestMode(QStringLiteral("releases"),
                                { { QStringLiteral("project"), QStringLiteral("churn") },
                                  { QStringLiteral("name"), QStringLiteral("nightly") },
                                  { QStringLiteral("environment"), QStringLiteral("staging") } });
    QCOMPARE(w.currentModeUnit()->id(), releases->id());
    QVERIFY(releases->isVisible());
    const auto shownCell = [releases] {
        const QModelIndex cell = releases->matrixView()->currentIndex();
        if (!cell.isValid())
            return QString();
        return releases->matrixModel()->rowAt(cell.row())->name + QLatin1Char('@')
            + releases->matrixModel()->environmentAt(cell.column());
    };
    QCOMPARE(shownCell(), QStringLiteral("nightly@staging"));

    // Releases asks the Monitor to show a run: the older one, not the newest on top.
    QVERIFY(monitor->currentRun() != older);
    Q_EMIT releases->requestMode(QStringLiteral("monitor"), { { QStringLiteral("run"), older } });
    QCOMPARE(w.currentModeUnit()->id(), monitor->id());
    QCOMPARE(monitor->currentRun(), older);

    // Monitor asks Pipelines for a job.
    const Key report { Kind::Job, QStringLiteral("churn"), QStringLiteral("report") };
    Q_EMIT monitor->requestMode(QStringLiteral("pipelines"),
                                { { QStringLiteral("item"), report.toString() } });
    QCOMPARE(w.currentModeUnit()->id(), w.pipelinesMode()->id());
    QCOMPARE(w.pipelinesMode()->currentKey(), report);

    // A context naming what is not there switches all the same and leaves the mode as it was.
    Q_EMIT monitor->requestMode(QStringLiteral("releases"),
                                { { QStringLiteral("project"), QStringLiteral("nope") },
                                  { QStringLiteral("name"), QStringLiteral("nightly") },
                                  { QStringLiteral("environment"), QStringLiteral("dev") } });
    QCOMPARE(w.currentModeUnit()->id(), releases->id());
    QCOMPARE(shownCell(), QStringLiteral("nightly@staging"));
    Q_EMIT releases->requestMode(QStringLiteral("monitor"),
                                 { { QStringLiteral("run"), newer + 1000 } });
    QCOMPARE(w.currentModeUnit()->id(), monitor->id());
    QCOMPARE(monitor->currentRun(), older);
}

void TestModes::requestForAnUnknownModeChangesNothing()
{
    MainWindow w(m_ws.get());
    QVERIFY(w.setCurrentMode(QStringLiteral("review")));
    Q_EMIT w.monitorMode()->requestMode(QStringLiteral("nope"), { { QStringLiteral("run"), 1 } });
    QCOMPARE(w.currentModeUnit()->id(), w.reviewMode()->id());
    QVERIFY(!w.activateMode(QStringLiteral("Monitor"))); // a title is not an id
    QCOMPARE(w.currentModeUnit()->id(), w.reviewMode()->id());
    QVERIFY(!w.setCurrentMode(QStringLiteral("nope")));
    QCOMPARE(w.currentModeUnit()->id(), w.reviewMode()->id());
}

void TestModes::runsBadgesAndWritesGoThroughTheWindow()
{
    MainWindow w(m_ws.get());
    Ui::MonitorMode *monitor = w.monitorMode();
    monitor->setPollInterval(60000); // only a write's notice can bring a new run in time
    QSignalSpy polled(monitor, &Ui::MonitorMode::runsApplied);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QTRY_VERIFY_WITH_TIMEOUT(!polled.isEmpty(), 10000); // the first poll

    // A mode wrote to the workspace: the monitor reads again at once.
    const qint64 run = queueRun(m_ws->store(), QStringLiteral("dev"));
    QVERIFY(monitor->runsModel()->rowOf(run) < 0);
    Q_EMIT w.releasesMode()->wroteWorkspace();
    QTRY_VERIFY_WITH_TIMEOUT(monitor->runsModel()->rowOf(run) >= 0, 5000);

    // A mode asks for a run: it opens as a tab.
    QVERIFY(!w.documentTabs()->runView(run));
    Q_EMIT w.dashboardsMode()->runRequested(run);
    QVERIFY(w.documentTabs()->runView(run));
    QCOMPARE(w.documentTabs()->currentWidget(), w.documentTabs()->runView(run));

    // A mode's badge shows on its own rail button only.
    const int dashboards = w.modeList().indexOf(w.dashboardsMode());
    Q_EMIT w.dashboardsMode()->badgeChanged(QStringLiteral("3"));
    QCOMPARE(w.modeRail()->badge(dashboards), QStringLiteral("3"));
    for (int i = 0; i < w.modeRail()->count(); ++i) {
        if (i != dashboards)
            QCOMPARE(w.modeRail()->badge(i), QString());
    }
    Q_EMIT w.dashboardsMode()->badgeChanged(QString());
    QCOMPARE(w.modeRail()->badge(dashboards), QString());
}

QTEST_MAIN(TestModes)
#include "tst_modes.moc"
