#include "mainwindow.h"

#include "audit/auditmode.h"
#include "dag/pipelinegraphview.h"
#include "dashboards/alertnotification.h"
#include "dashboards/dashboardsmode.h"
#include "documenttabs.h"
#include "engine/enginehost.h"
#include "moderail.h"
#include "monitoring/monitormode.h"
#include "monitoring/runstablemodel.h"
#include "notifications/traynotifier.h"
#include "palette/palettecontroller.h"
#include "pipelines/catalogfeed.h"
#include "pipelines/detailspanel.h"
#include "pipelines/pipelineruns.h"
#include "pipelines/pipelinesmode.h"
#include "pipelines/projecttreemodel.h"
#include "quitguard.h"
#include "releases/releasesmode.h"
#include "review/reviewmode.h"
#include "review/reviewpanel.h"
#include "runs/runactions.h"
#include "runs/runagain.h"
#include "runs/rundetailview.h"
#include "runs/rundialog.h"
#include "runs/runtasksmodel.h"
#include "store/sql.h"
#include "store/sqldialect.h"
#include "store/workspace.h"
#include "widgets/mode.h"
#include "widgets/theme.h"
#include "workspace/workspaceactions.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QScreen>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTableView>
#include <QTime>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

namespace Baton::Ui {

namespace {

const QString kOrganization = QStringLiteral("Baton");
const QString kApplication = QStringLiteral("baton");

// A page that is not a mode unit of its own (a later issue's page, a test's scratch page):
// its title is its id, and it keeps no state.
class PageMode : public Mode
{
public:
    PageMode(const QString &name, const QIcon &icon, const QKeySequence &shortcut, QWidget *page,
             QWidget *parent)
        : Mode(parent)
        , m_name(name)
        , m_icon(icon)
        , m_shortcut(shortcut)
    {
        auto *layout = new QVBoxLayout(this);
        layout->setContentsMargins(0, 0, 0, 0);
        layout->addWidget(page);
    }

    QString id() const override { return m_name; }
    QString displayName() const override { return m_name; }
    QIcon icon() const override { return m_icon; }
    QKeySequence shortcut() const override { return m_shortcut; }

private:
    QString m_name;
    QIcon m_icon;
    QKeySequence m_shortcut;
};

} // namespace

MainWindow::MainWindow(Baton::Workspace *workspace, QWidget *parent)
    : QMainWindow(parent)
    , m_workspace(workspace)
    , m_rail(new ModeRail(this))
    , m_modeStack(new QStackedWidget(this))
    , m_pipelines(new PipelinesMode(this))
    , m_modeActions(new QActionGroup(this))
{
    Q_ASSERT(workspace);
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("%1 — Baton").arg(QDir(workspace->address()).dirName()));

    auto *central = new QWidget(this);
    auto *layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_rail);
    // Runs, comparisons and logs open as tabs beside the current mode's page.
    m_documents = new DocumentTabs(&workspace->store(), m_modeStack, central);
    layout->addWidget(m_documents, 1);
    setCentralWidget(central);
    m_modeActions->setExclusive(true);
    connect(m_rail, &ModeRail::currentChanged, this, &MainWindow::onModeChanged);

    createActions();
    createMenus();
    createStatusBar();

    // The modes, in rail order (DESIGN.md's map: Monitor first and the default, Audit last).
    // The one place that names them: from here on the window knows them only as Mode.
    m_monitor = new MonitorMode(workspace, this);
    m_releases = new ReleasesMode(workspace, this);
    m_dashboards = new DashboardsMode(workspace, this);
    // Review: the Monitor's runs, seen by a data steward.
    m_review = new ReviewMode(workspace, m_monitor->runsModel(), this);
    m_pipelines->setWorkspace(workspace);
    connect(m_monitor, &MonitorMode::deltaApplied, m_review, &ReviewMode::onRunsChanged);
    for (Mode *mode : QList<Mode *> { m_monitor, m_pipelines, m_releases, m_dashboards, m_review,
                                      new AuditMode(workspace, this) })
        addMode(mode);

    // The monitor reads the lease every cycle: a fresher heartbeat than the catalog's.
    connect(m_monitor, &MonitorMode::engineStatusChanged, this, &MainWindow::updateEngineLabel);
    connect(m_monitor, &MonitorMode::connectionLost, this, [this](const QString &why) {
        m_monitorLost = true;
        setReconnecting(true, why);
    });
    connect(m_monitor, &MonitorMode::reconnected, this, [this] {
        m_monitorLost = false;
        setReconnecting(false);
    });
    // A read that does not come back: the server stopped answering (the monitor's thread
    // waits for it, never the window); the next cycle that ends says it answers again.
    m_sinceCycle.start();
    connect(m_monitor, &MonitorMode::cycleCompleted, this, [this] {
        m_sinceCycle.restart();
        if (m_stalled) {
            m_stalled = false;
            if (!m_monitorLost)
                setReconnecting(false);
        }
    });
    auto *stallCheck = new QTimer(this);
    connect(stallCheck, &QTimer::timeout, this, [this] {
        const qint64 limit = std::max(10000, 3 * m_monitor->pollInterval());
        if (m_stalled || m_sinceCycle.elapsed() < limit)
            return;
        m_stalled = true;
        setReconnecting(true, tr("The workspace has not answered for %1 s.").arg(limit / 1000));
    });
    if (m_workspace->store().dialect() == Dialect::Postgres) // a local file has no server
        stallCheck->start(1000);
    PipelineRuns *runs = m_pipelines->runs();
    connect(runs, &PipelineRuns::runQueued, this, &MainWindow::runQueued);
    connect(runs, &PipelineRuns::runFailed, this, &MainWindow::runFailed);
    connect(runs, &PipelineRuns::scheduleUpdated, this, &MainWindow::scheduleUpdated);
    connect(runs, &PipelineRuns::scheduleUpdateFailed, this, &MainWindow::scheduleUpdateFailed);
    // Firing alerts notify in the window whatever mode is shown.
    m_alertNotification = new AlertNotification(centralWidget());
    connect(m_dashboards, &DashboardsMode::alertsFired, m_alertNotification,
            &AlertNotification::notify);
    connect(m_alertNotification, &AlertNotification::showRequested, this, [this] {
        activateMode(m_dashboards->id(), { { QStringLiteral("alerts"), true } });
    });

    // After the mode's own connection: the tree shows the snapshot before catalogApplied().
    connect(m_pipelines->catalog(), &CatalogFeed::snapshotReady, this, &MainWindow::onSnapshot);
    connect(m_pipelines->catalog(), &CatalogFeed::failed, this, &MainWindow::onFailure);

    setUpOperations();
    m_workspaceActions = new WorkspaceActions(this);

    m_quitGuard = new QuitGuard(this);
    connect(m_quitGuard, &QuitGuard::closeApproved, this, &QWidget::close);
    // Ctrl+K and Help → Keyboard Shortcuts, once every mode and menu is in place.
    m_paletteController = new PaletteController(this);
    m_viewMenu->insertAction(m_viewMenu->actions().value(1), m_paletteController->paletteAction());
    m_helpMenu->insertAction(m_aboutAction, m_paletteController->shortcutsAction());
    m_helpMenu->insertSeparator(m_aboutAction);

    restoreLayout();
    // Keyboard users land in the current mode's main list, not in a filter box.
    if (QWidget *focus = m_modes.at(m_rail->currentIndex())->initialFocus())
        focus->setFocus();
    refresh();
}

MainWindow::~MainWindow()
{
    saveLayout();
    m_engineHost.reset(); // releases the lease; running attempts carry on
}

int MainWindow::addMode(Mode *mode)
{
    Q_ASSERT(mode && indexOfMode(mode->id()) < 0);
    // In the list and the stack before the rail: its first button becomes current at once.
    m_modes << mode;
    m_modeStack->addWidget(mode);
    const int index = m_rail->addMode(mode->displayName(), mode->icon());
    auto *action = new QAction(mode->icon(), mode->displayName(), this);
    action->setCheckable(true);
    action->setData(index);
    if (!mode->shortcut().isEmpty()) {
        action->setShortcut(mode->shortcut());
        m_rail->setModeToolTip(
            index,
            QStringLiteral("%1 (%2)").arg(mode->displayName(),
                                          mode->shortcut().toString(QKeySequence::NativeText)));
    }
    m_modeActions->addAction(action);
    m_viewMenu->insertAction(m_modesEnd, action);
    connect(action, &QAction::triggered, this, [this, index] {
        m_rail->setCurrentIndex(index);
        m_documents->showHome(); // also when the mode was already the current one
    });
    if (QMenu *menu = mode->menu())
        menuBar()->insertMenu(m_helpMenu->menuAction(), menu);
    const QList<QAction *> viewActions = mode->viewActions();
    if (!viewActions.isEmpty()) {
        if (!m_viewMenu->actions().constLast()->isSeparator())
            m_viewMenu->addSeparator();
        m_viewMenu->addActions(viewActions);
    }

    connect(mode, &Mode::requestMode, this, &MainWindow::activateMode);
    connect(mode, &Mode::runRequested, this, &MainWindow::openRun);
    connect(mode, &Mode::wroteWorkspace, this, &MainWindow::onWorkspaceWritten);
    connect(mode, &Mode::statusMessage, this, [this](const QString &message, int timeout) {
        statusBar()->showMessage(message, timeout);
    });
    connect(mode, &Mode::badgeChanged, this,
            [this, index](const QString &text) { m_rail->setBadge(index, text); });

    if (m_rail->currentIndex() == index)
        onModeChanged(index);
    if (mode->id() == m_pendingMode || mode->displayName() == m_pendingMode) {
        m_pendingMode.clear();
        m_rail->setCurrentIndex(index);
    }
    return index;
}

int MainWindow::addMode(const QString &name, const QIcon &icon, QWidget *page)
{
    const int index = int(m_modes.size());
    const QKeySequence shortcut
        = index < 9 ? QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + index)) : QKeySequence();
    return addMode(new PageMode(name, icon, shortcut, page, this));
}

QStringList MainWindow::modes() const
{
    QStringList names;
    for (const Mode *mode : m_modes)
        names << mode->displayName();
    return names;
}

QString MainWindow::currentMode() const
{
    const Mode *mode = currentModeUnit();
    return mode ? mode->displayName() : QString();
}

Mode *MainWindow::currentModeUnit() const
{
    return m_modes.value(m_rail->currentIndex());
}

Mode *MainWindow::mode(const QString &id) const
{
    return m_modes.value(indexOfMode(id));
}

int MainWindow::indexOfMode(const QString &id) const
{
    for (int i = 0; i < m_modes.size(); ++i) {
        if (m_modes.at(i)->id() == id)
            return i;
    }
    return -1;
}

bool MainWindow::setCurrentMode(const QString &name)
{
    int index = indexOfMode(name);
    for (int i = 0; index < 0 && i < m_modes.size(); ++i) {
        if (m_modes.at(i)->displayName() == name)
            index = i;
    }
    if (index < 0)
        return false;
    m_pendingMode.clear();
    m_rail->setCurrentIndex(index);
    m_documents->showHome();
    return true;
}

bool MainWindow::activateMode(const QString &id, const QVariantMap &context)
{
    const int index = indexOfMode(id);
    if (index < 0)
        return false;
    m_pendingMode.clear();
    m_rail->setCurrentIndex(index);
    m_documents->showHome();
    m_modes.at(index)->applyContext(context); // shown first: a selection scrolls into sight
    return true;
}

void MainWindow::onModeChanged(int index)
{
    Mode *mode = m_modes.value(index);
    if (!mode)
        return;
    if (mode != m_activeMode) {
        if (m_activeMode)
            m_activeMode->deactivated();
        m_activeMode = mode;
        mode->activated();
    }
    m_modeStack->setCurrentIndex(index);
    m_documents->setHomeTitle(mode->displayName());
    m_documents->showHome();
    const auto actions = m_modeActions->actions();
    for (QAction *action : actions) {
        if (action->data().toInt() == index)
            action->setChecked(true);
    }
}

void MainWindow::onWorkspaceWritten()
{
    for (Mode *mode : std::as_const(m_modes)) // Pipelines reads the catalog again
        mode->workspaceWritten();
}

QTreeView *MainWindow::projectTree() const
{
    return m_pipelines->projectTree();
}

ProjectTreeModel *MainWindow::projectTreeModel() const
{
    return m_pipelines->projectTreeModel();
}

PipelineGraphView *MainWindow::graphView() const
{
    return m_pipelines->graphView();
}

DetailsPanel *MainWindow::detailsPanel() const
{
    return m_pipelines->detailsPanel();
}

void MainWindow::createActions()
{
    m_quitAction = new QAction(tr("&Quit"), this);
    m_quitAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    m_quitAction->setMenuRole(QAction::QuitRole);
    connect(m_quitAction, &QAction::triggered, this, &QWidget::close);

    m_refreshAction = new QAction(tr("&Refresh"), this);
    m_refreshAction->setShortcut(QKeySequence(Qt::Key_F5));
    m_refreshAction->setStatusTip(tr("Read the workspace again now"));
    connect(m_refreshAction, &QAction::triggered, this, &MainWindow::refresh);

    m_aboutAction = new QAction(tr("&About Baton"), this);
    m_aboutAction->setMenuRole(QAction::AboutRole);
    connect(m_aboutAction, &QAction::triggered, this, &MainWindow::showAbout);

    m_aboutQtAction = new QAction(tr("About &Qt"), this);
    m_aboutQtAction->setMenuRole(QAction::AboutQtRole);
    connect(m_aboutQtAction, &QAction::triggered, qApp, &QApplication::aboutQt);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_quitAction);

    m_viewMenu = menuBar()->addMenu(tr("&View"));
    m_viewMenu->addAction(m_refreshAction);
    m_viewMenu->addSeparator();
    // addMode() inserts the modes above this, and each mode's own actions below it.
    m_modesEnd = m_viewMenu->addSeparator();

    m_helpMenu = menuBar()->addMenu(tr("&Help"));
    m_helpMenu->addAction(m_aboutAction);
    m_helpMenu->addAction(m_aboutQtAction);
}

void MainWindow::createStatusBar()
{
    m_workspaceLabel = new QLabel(this);
    m_workspaceLabel->setObjectName(QStringLiteral("statusWorkspace"));
    m_workspaceLabel->setText(
        tr("Workspace: %1").arg(QDir::toNativeSeparators(m_workspace->address())));
    m_workspaceLabel->setToolTip(
        tr("Database: %1").arg(QDir::toNativeSeparators(m_workspace->databasePath())));
    m_workspaceLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_errorLabel = new QLabel(this);
    m_errorLabel->setObjectName(QStringLiteral("statusError"));
    m_errorLabel->setVisible(false);
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);

    m_engineLabel = new QLabel(this);
    m_engineLabel->setObjectName(QStringLiteral("statusEngine"));
    m_engineLabel->setText(tr("engine: not running"));
    m_engineLabel->setToolTip(tr("No engine holds this workspace: schedules do not fire and "
                                 "runs do not start."));

    m_refreshedLabel = new QLabel(this);
    m_refreshedLabel->setObjectName(QStringLiteral("statusRefreshed"));
    m_refreshedLabel->setText(tr("loading…"));

    statusBar()->addWidget(m_workspaceLabel);
    statusBar()->addWidget(m_errorLabel, 1);
    statusBar()->addPermanentWidget(m_engineLabel);
    statusBar()->addPermanentWidget(m_refreshedLabel);
    updateErrorStyle();
}

void MainWindow::startEmbeddedEngine()
{
    if (m_engineHost)
        return;
    m_engineHost = std::make_unique<EngineHost>(m_workspace);
    connect(m_engineHost.get(), &EngineHost::stateChanged, this,
            [this](bool running, const QString &detail) {
                m_engineDetail = detail; // why not running, or what troubles it while it runs
                refresh();
            });
}

void MainWindow::setHeadlessEngineLauncher(std::function<bool(QString *error)> launcher)
{
    m_quitGuard->setLauncher(std::move(launcher));
}

void MainWindow::updateEngineLabel(const QString &holder, qint64 heartbeatAt, qint64 expiresAt)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_engineRunning = !holder.isEmpty() && expiresAt > now;
    m_pipelines->runs()->setEngineRunning(m_engineRunning); // a queued run's message says so
    m_engineHere = m_engineRunning && m_engineHost && holder == m_engineHost->holder();
    if (!m_engineRunning) {
        m_engineLabel->setText(tr("engine: not running"));
        m_engineLabel->setToolTip(m_engineDetail.isEmpty()
                                      ? tr("No engine holds this workspace: schedules do not "
                                           "fire and runs do not start.")
                                      : m_engineDetail);
        return;
    }
    const qint64 age = std::max<qint64>(0, (now - heartbeatAt) / 1000);
    const bool mine = m_engineHost && holder == m_engineHost->holder();
    if (mine && !m_engineDetail.isEmpty()) { // e.g. a full disk: it keeps trying
        m_engineLabel->setText(tr("engine: in this console · cannot write, retrying"));
        m_engineLabel->setToolTip(m_engineDetail);
        return;
    }
    m_engineLabel->setText(mine ? tr("engine: in this console · heartbeat %1 s ago").arg(age)
                                : tr("engine: %1 · heartbeat %2 s ago")
                                      .arg(holder.section(QLatin1Char(':'), 0, 1))
                                      .arg(age));
    m_engineLabel->setToolTip(
        tr("Engine %1 holds this workspace; its lease expires at %2.")
            .arg(holder,
                 QDateTime::fromMSecsSinceEpoch(expiresAt).toString(QStringLiteral("HH:mm:ss"))));
}

void MainWindow::updateErrorStyle()
{
    m_errorLabel->setStyleSheet(
        QStringLiteral("color: %1; font-weight: bold;").arg(Theme::failure(palette()).name()));
    QPalette engine = m_engineLabel->palette();
    engine.setColor(QPalette::WindowText, Theme::mutedText(palette()));
    m_engineLabel->setPalette(engine);
}

void MainWindow::changeEvent(QEvent *event)
{
    QMainWindow::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && m_errorLabel)
        updateErrorStyle();
}

void MainWindow::refresh()
{
    m_pipelines->catalog()->refresh();
}

int MainWindow::pollInterval() const
{
    return m_pipelines->catalog()->pollInterval();
}

void MainWindow::setPollInterval(int milliseconds)
{
    m_pipelines->catalog()->setPollInterval(milliseconds);
}

QString MainWindow::lastError() const
{
    return m_pipelines->catalog()->lastError();
}

QDateTime MainWindow::lastRefresh() const
{
    return m_pipelines->catalog()->lastRefresh();
}

void MainWindow::onSnapshot(const Baton::CatalogSnapshot &snapshot)
{
    m_errorLabel->clear();
    m_errorLabel->setVisible(false);
    m_reconnecting = false;
    m_refreshedLabel->setText(
        tr("refreshed %1").arg(lastRefresh().toString(QStringLiteral("HH:mm:ss"))));
    m_refreshedLabel->setToolTip(tr("The workspace is read every %1 s; press F5 to read it now.")
                                     .arg(QString::number(qMax(1, pollInterval() / 1000))));
    updateEngineLabel(snapshot.engineHolder, snapshot.engineHeartbeatAt, snapshot.engineExpiresAt);
    Q_EMIT catalogApplied();
}

void MainWindow::onFailure(const QString &message)
{
    if (Sql::isConnectionLoss(message)) {
        setReconnecting(true, message); // not an error of the workspace: it comes back by itself
        return;
    }
    m_errorLabel->setText(tr("Refresh failed: %1").arg(message));
    m_errorLabel->setToolTip(tr("The workspace could not be read; what is shown is from the last "
                                "good refresh.\n\n%1")
                                 .arg(message));
    m_errorLabel->setVisible(true);
    Q_EMIT refreshFailed(message);
}

void MainWindow::setReconnecting(bool reconnecting, const QString &why)
{
    if (!reconnecting && !m_reconnecting)
        return;
    m_reconnecting = reconnecting;
    if (reconnecting) {
        m_refreshedLabel->setText(tr("reconnecting…"));
        m_refreshedLabel->setToolTip(tr("The team workspace does not answer; what is shown is "
                                        "from the last good refresh.\n\n%1")
                                         .arg(why));
        return;
    }
    m_refreshedLabel->setText(
        tr("refreshed %1").arg(QTime::currentTime().toString(QStringLiteral("HH:mm:ss"))));
    m_refreshedLabel->setToolTip(tr("The workspace is read every %1 s; press F5 to read it now.")
                                     .arg(QString::number(qMax(1, pollInterval() / 1000))));
}

QAction *MainWindow::runPipelineAction() const
{
    return m_pipelines->runs()->runAction();
}

QAction *MainWindow::pauseScheduleAction() const
{
    return m_pipelines->runs()->pauseScheduleAction();
}

RunDialog *MainWindow::runDialog() const
{
    return m_pipelines->runs()->runDialog();
}

int MainWindow::pendingRuns() const
{
    return m_pipelines->runs()->pendingRuns();
}

void MainWindow::runPipeline()
{
    m_pipelines->runs()->runPipeline();
}

void MainWindow::submitRun(const Baton::RunRequest &request)
{
    m_pipelines->runs()->submitRun(request);
}

void MainWindow::setSchedulePaused(const QString &project, const QString &pipeline, bool paused)
{
    m_pipelines->runs()->setSchedulePaused(project, pipeline, paused);
}

void MainWindow::openRun(qint64 runId)
{
    if (runId <= 0)
        return;
    RunDetailView *view = m_documents->openRun(runId);
    if (view && !view->property("batonOperations").toBool())
        addRunOperations(view);
}

void MainWindow::addRunOperations(RunDetailView *view)
{
    view->setProperty("batonOperations", true);
    // Task actions on the run's task list: the same rules and shortcuts as everywhere.
    auto *actions = new RunActions(m_workspace, view);
    QTreeView *tasks = view->tasksView();
    tasks->addActions(actions->taskActions());
    tasks->setContextMenuPolicy(Qt::ActionsContextMenu);
    const auto updateTask = [view, actions] {
        QModelIndex i = view->tasksView()->currentIndex();
        if (i.parent().isValid())
            i = i.parent(); // an attempt row acts on its task
        i = i.siblingAtColumn(0);
        actions->setTask(view->runId(), i.data(RunTasksModel::TaskNameRole).toString(),
                         i.data(RunTasksModel::StateRole).value<RunState>());
    };
    connect(tasks->selectionModel(), &QItemSelectionModel::currentChanged, actions, updateTask);
    connect(view, &RunDetailView::detailApplied, actions, updateTask); // states move
    connect(actions, &RunActions::finished, this, [this, view](const QString &message) {
        statusBar()->showMessage(message, 20000);
        view->refreshNow();
        onWorkspaceWritten();
    });
    connect(actions, &RunActions::failed, this, &MainWindow::reportRefusal);
    // The run itself: run it again with changes, from the task list's context menu too.
    auto *separator = new QAction(tasks);
    separator->setSeparator(true);
    tasks->addActions({ separator, actions->runAgainAction() });
    view->addAction(actions->runAgainAction());
    const auto updateRun = [view, actions] {
        RunRow run;
        run.id = view->runId();
        actions->setRuns(view->isLoaded() ? QList<RunRow> { run } : QList<RunRow> {});
    };
    updateRun();
    connect(view, &RunDetailView::detailApplied, actions, updateRun);
    connect(actions, &RunActions::runAgainRequested, m_runAgain, &RunAgain::open);

    // The data steward's notes and sign-off, beside the run's facts.
    auto *review = new ReviewPanel(m_workspace, view);
    review->setObjectName(QStringLiteral("runReviewPanel"));
    view->sections()->addTab(review, tr("Review"));
    const auto updateReview = [this, view, review] {
        const RunsTableModel *model = m_monitor->runsModel();
        const int row = model->rowOf(view->runId());
        if (row >= 0)
            review->setRun(model->runAt(row));
    };
    updateReview();
    connect(m_monitor, &MonitorMode::runsApplied, review, updateReview);
    connect(view, &RunDetailView::detailApplied, review, updateReview);
    connect(review, &ReviewPanel::reviewed, this, &MainWindow::onWorkspaceWritten);
}

void MainWindow::reportRefusal(const QString &message)
{
    statusBar()->showMessage(tr("Action refused: %1").arg(message), 20000);
    auto *box = new QMessageBox(QMessageBox::Warning, tr("Action Refused"),
                                tr("The action could not be done."), QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("actionFailedMessage"));
    box->setInformativeText(message);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::openCompare(qint64 runA, qint64 runB)
{
    if (runA > 0 && runB > 0)
        m_documents->openCompare(runA, runB);
}

void MainWindow::showAbout()
{
    QMessageBox::about(
        this, tr("About Baton"),
        tr("<h3>Baton %1</h3>"
           "<p>A DataOps operations console: release, operate and monitor data jobs.</p>"
           "<p>Workspace: <code>%2</code><br>Database: <code>%3</code></p>"
           "<p>Built with Qt %4 (running on %5).</p>")
            .arg(QStringLiteral(BATON_VERSION),
                 QDir::toNativeSeparators(m_workspace->address()).toHtmlEscaped(),
                 QDir::toNativeSeparators(m_workspace->databasePath()).toHtmlEscaped(),
                 QStringLiteral(QT_VERSION_STR), QString::fromLatin1(qVersion())));
}

void MainWindow::saveLayout()
{
    QSettings settings(kOrganization, kApplication);
    settings.beginGroup(QStringLiteral("mainwindow"));
    settings.setValue(QStringLiteral("geometry"), saveGeometry());
    settings.setValue(QStringLiteral("state"), saveState());
    if (const Mode *mode = currentModeUnit())
        settings.setValue(QStringLiteral("mode"), mode->id());
    settings.endGroup();
    // Each mode's state in the group named by its id.
    for (const Mode *mode : std::as_const(m_modes)) {
        settings.beginGroup(mode->id());
        mode->saveState(settings);
        settings.endGroup();
    }
}

void MainWindow::restoreLayout()
{
    QSettings settings(kOrganization, kApplication);
    settings.beginGroup(QStringLiteral("mainwindow"));
    const bool restored = restoreGeometry(settings.value(QStringLiteral("geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("state")).toByteArray());
    const QString mode = settings.value(QStringLiteral("mode")).toString();
    settings.endGroup();
    if (!restored) {
        QSize size(1400, 850);
        if (const QScreen *screen = QGuiApplication::primaryScreen())
            size = size.boundedTo(screen->availableSize() * 0.9);
        resize(size);
    }
    // A mode added after construction (by a later issue's code) is switched to when it arrives.
    // Older settings name the mode by its title: setCurrentMode() takes either.
    if (!mode.isEmpty() && !setCurrentMode(mode))
        m_pendingMode = mode;
    for (Mode *m : std::as_const(m_modes)) {
        settings.beginGroup(m->id());
        m->restoreState(settings);
        settings.endGroup();
    }
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    // The embedded engine quits with the console: ask first while it has work.
    int running = 0;
    int queued = 0;
    const RunsTableModel *runs = m_monitor->runsModel();
    for (int row = 0; row < runs->rowCount(); ++row) {
        const RunRow run = runs->runAt(row);
        if (!run.terminal)
            ++(run.state == RunState::Queued ? queued : running);
    }
    if (!m_quitGuard->allowClose(m_engineHere, running, queued)) {
        event->ignore();
        return;
    }
    saveLayout();
    QMainWindow::closeEvent(event);
}

void MainWindow::setUpOperations()
{
    // Operator actions report in the status bar; a refusal also in a message box.
    RunActions *actions = m_monitor->runActions();
    connect(actions, &RunActions::finished, this,
            [this](const QString &message) { statusBar()->showMessage(message, 20000); });
    connect(actions, &RunActions::failed, this, &MainWindow::reportRefusal);
    m_runAgain = new RunAgain(m_workspace, this);
    connect(actions, &RunActions::runAgainRequested, m_runAgain, &RunAgain::open);
    connect(m_runAgain, &RunAgain::failed, this, &MainWindow::reportRefusal);
    connect(m_runAgain, &RunAgain::queued, this,
            [this](qint64 runId, qint64, const QString &message) {
                statusBar()->showMessage(message, 20000);
                onWorkspaceWritten();
                openRun(runId);
            });
    // Before Help, which stays last.
    QMenu *runs = new QMenu(tr("R&uns"), this);
    const QList<QAction *> menus = menuBar()->actions();
    menuBar()->insertMenu(menus.isEmpty() ? nullptr : menus.last(), runs);
    runs->setObjectName(QStringLiteral("runsMenu"));
    runs->addActions(actions->runActions());

    // Failure notifications: fed by the monitor's batches, offered per project.
    m_notifier = new TrayNotifier(this);
    connect(m_monitor, &MonitorMode::deltaApplied, m_notifier, &TrayNotifier::onRunsChanged);
    connect(m_monitor, &MonitorMode::runsApplied, this, [this] {
        QSet<QString> projects;
        RunsTableModel *model = m_monitor->runsModel();
        for (int row = 0; row < model->rowCount(); ++row)
            projects.insert(model->runAt(row).project);
        m_notifier->setProjects(QStringList(projects.cbegin(), projects.cend()));
    });
    // A click on a failure notification opens the failed run.
    connect(m_notifier, &TrayNotifier::runActivated, this, [this](qint64 runId) {
        activateMode(m_monitor->id(), { { QStringLiteral("run"), runId } });
        openRun(runId);
    });
    runs->addSeparator();
    runs->addMenu(m_notifier->menu());
}

} // namespace Baton::Ui
