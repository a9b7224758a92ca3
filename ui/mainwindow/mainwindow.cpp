#include "mainwindow.h"

#include "access/identity.h"
#include "audit/auditmode.h"
#include "dag/editorview.h"
#include "dag/pipelineeditor.h"
#include "dag/pipelinegraphview.h"
#include "dashboards/alertnotification.h"
#include "dashboards/dashboardsmode.h"
#include "detailspanel.h"
#include "documenttabs.h"
#include "engine/enginehost.h"
#include "moderail.h"
#include "monitoring/monitormode.h"
#include "monitoring/runstablemodel.h"
#include "notifications/traynotifier.h"
#include "palette/palettecontroller.h"
#include "pipelinesmode.h"
#include "projecttreemodel.h"
#include "quitguard.h"
#include "releases/releasesmode.h"
#include "review/reviewmode.h"
#include "review/reviewpanel.h"
#include "runs/runactions.h"
#include "runs/runagain.h"
#include "runs/rundetailview.h"
#include "runs/rundialog.h"
#include "runs/runtasksmodel.h"
#include "scheduling/scheduleservice.h"
#include "store/catalogworker.h"
#include "store/workspace.h"
#include "util/error.h"
#include "widgets/actionicons.h"
#include "widgets/backgroundtask.h"
#include "widgets/icons.h"
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
#include <QThread>
#include <QTimer>
#include <QTreeView>

namespace Baton::Ui {

namespace {

const QString kOrganization = QStringLiteral("Baton");
const QString kApplication = QStringLiteral("baton");

QString runSettingsKey(const QString &project, const QString &pipeline, const char *what)
{
    return QStringLiteral("runs/%1/%2/%3").arg(project, pipeline, QLatin1String(what));
}

QString monitorModeName()
{
    return MainWindow::tr("Monitor");
}

QString auditModeName()
{
    return MainWindow::tr("Audit");
}

QString pipelinesModeName()
{
    return MainWindow::tr("Pipelines");
}

} // namespace

MainWindow::MainWindow(Baton::Workspace *workspace, QWidget *parent)
    : QMainWindow(parent)
    , m_workspace(workspace)
    , m_thread(new QThread(this))
    , m_worker(new CatalogWorker(&workspace->store()))
    , m_pollTimer(new QTimer(this))
    , m_rail(new ModeRail(this))
    , m_modeStack(new QStackedWidget(this))
    , m_pipelines(new PipelinesMode(this))
    , m_modeActions(new QActionGroup(this))
{
    Q_ASSERT(workspace);
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("%1 — Baton").arg(QDir(workspace->directory()).dirName()));

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

    // Monitor first (DESIGN.md: the default mode, Ctrl+1), then Pipelines (Ctrl+2).
    m_monitor = new MonitorMode(workspace, this);
    addMode(monitorModeName(), Icons::monitorMode(), m_monitor);
    connect(m_monitor, &MonitorMode::pipelinesModeRequested, this,
            [this] { setCurrentMode(pipelinesModeName()); });
    // A run queued from here shows at once, not at the monitor's next tick.
    connect(this, &MainWindow::runQueued, m_monitor, &MonitorMode::refreshNow);
    // The monitor reads the lease every cycle: a fresher heartbeat than the catalog's.
    connect(m_monitor, &MonitorMode::engineStatusChanged, this, &MainWindow::updateEngineLabel);
    connect(m_monitor, &MonitorMode::runActivated, this, &MainWindow::openRun);

    m_pipelines->setWorkspaceDirectory(workspace->directory());
    addMode(pipelinesModeName(), Icons::pipelinesMode(), m_pipelines);
    connect(m_pipelines, &PipelinesMode::treeVisibilityChanged, m_toggleTreeAction,
            &QAction::setChecked);
    m_pipelines->detailsPanel()->setPipelineActions(
        { m_runAction, m_pauseScheduleAction, m_pipelines->editAction() });
    m_pipelines->setStore(&workspace->store());
    connect(m_pipelines, &PipelinesMode::pipelineSaved, this, &MainWindow::refresh);
    // Releases third (Ctrl+3): the release manager's matrix, promotions and approvals.
    m_releases = new ReleasesMode(workspace, this);
    addMode(tr("Releases"), Icons::releasesMode(), m_releases);
    connect(m_releases, &ReleasesMode::statusMessage, this,
            [this](const QString &message) { statusBar()->showMessage(message, 20000); });
    // A promotion changes what runs where: the catalog and the monitor read it again.
    connect(m_releases, &ReleasesMode::actionFinished, this, &MainWindow::refresh);
    connect(m_pipelines, &PipelinesMode::shownItemChanged, this, &MainWindow::updateRunAction);
    updateRunAction();

    // Dashboards (issue #8): its own polling thread; firing alerts badge its rail button and
    // notify in the window whatever mode is shown.
    m_dashboards = new DashboardsMode(workspace, this);
    const int dashboards = addMode(tr("Dashboards"), DashboardsMode::icon(), m_dashboards);
    m_alertNotification = new AlertNotification(centralWidget());
    connect(m_dashboards, &DashboardsMode::openAlertsChanged, this, [this, dashboards](int open) {
        m_rail->setBadge(dashboards, open > 0 ? QString::number(open) : QString());
    });
    connect(m_dashboards, &DashboardsMode::alertsFired, m_alertNotification,
            &AlertNotification::notify);
    connect(m_alertNotification, &AlertNotification::showRequested, this, [this] {
        setCurrentMode(tr("Dashboards"));
        m_dashboards->showAlerts();
    });
    connect(m_dashboards, &DashboardsMode::openRunRequested, this, &MainWindow::openRun);

    // The worker/controller pattern: the worker lives on its own thread with its own SQLite
    // connection; requests go to it as queued calls, snapshots come back as queued signals.
    m_thread->setObjectName(QStringLiteral("baton-catalog"));
    m_worker->moveToThread(m_thread);
    connect(m_worker, &CatalogWorker::snapshotReady, this, &MainWindow::onSnapshot);
    connect(m_worker, &CatalogWorker::failed, this, &MainWindow::onFailure);
    m_thread->start();

    connect(m_pollTimer, &QTimer::timeout, this, &MainWindow::poll);
    m_pollTimer->start(DefaultPollIntervalMs);

    setUpOperations();
    m_workspaceActions = new WorkspaceActions(this);
    // Audit last, as on DESIGN.md's map (the other modes come before it).
    addMode(auditModeName(), Icons::auditMode(), new AuditMode(workspace, this));

    m_quitGuard = new QuitGuard(this);
    connect(m_quitGuard, &QuitGuard::closeApproved, this, &QWidget::close);
    // Ctrl+K and Help → Keyboard Shortcuts, once every mode and menu is in place.
    m_paletteController = new PaletteController(this);
    m_viewMenu->insertAction(m_viewMenu->actions().value(1), m_paletteController->paletteAction());
    m_helpMenu->insertAction(m_aboutAction, m_paletteController->shortcutsAction());
    m_helpMenu->insertSeparator(m_aboutAction);

    restoreLayout();
    // Keyboard users land in the current mode's main list, not in a filter box.
    if (m_modeStack->currentWidget() == m_pipelines)
        m_pipelines->projectTree()->setFocus();
    else
        m_monitor->runsView()->setFocus();
    refresh();
}

MainWindow::~MainWindow()
{
    saveLayout();
    m_engineHost.reset(); // releases the lease; running attempts carry on
    m_pollTimer->stop();
    m_thread->quit();
    m_thread->wait();
    // The thread has finished: nothing runs the worker any more, so delete it from here.
    delete m_worker;
}

int MainWindow::addMode(const QString &name, const QIcon &icon, QWidget *page)
{
    const int index = m_rail->addMode(name, icon);
    m_modeStack->addWidget(page);
    auto *action = new QAction(icon, name, this);
    action->setCheckable(true);
    action->setData(index);
    if (index < 9) {
        action->setShortcut(QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + index)));
        m_rail->setModeToolTip(index,
                               QStringLiteral("%1 (%2)").arg(
                                   name, action->shortcut().toString(QKeySequence::NativeText)));
    }
    m_modeActions->addAction(action);
    m_viewMenu->insertAction(m_modesEnd, action);
    connect(action, &QAction::triggered, this, [this, index] {
        m_rail->setCurrentIndex(index);
        m_documents->showHome(); // also when the mode was already the current one
    });
    if (m_rail->currentIndex() == index)
        onModeChanged(index);
    if (name == m_pendingMode) {
        m_pendingMode.clear();
        m_rail->setCurrentIndex(index);
    }
    return index;
}

QStringList MainWindow::modes() const
{
    QStringList names;
    for (int i = 0; i < m_rail->count(); ++i)
        names << m_rail->modeName(i);
    return names;
}

QString MainWindow::currentMode() const
{
    return m_rail->modeName(m_rail->currentIndex());
}

bool MainWindow::setCurrentMode(const QString &name)
{
    const int index = m_rail->indexOf(name);
    if (index < 0)
        return false;
    m_pendingMode.clear();
    m_rail->setCurrentIndex(index);
    m_documents->showHome();
    return true;
}

void MainWindow::onModeChanged(int index)
{
    m_modeStack->setCurrentIndex(index);
    m_documents->setHomeTitle(m_rail->modeName(index));
    m_documents->showHome();
    const auto actions = m_modeActions->actions();
    for (QAction *action : actions) {
        if (action->data().toInt() == index)
            action->setChecked(true);
    }
    const bool pipelines = m_modeStack->currentWidget() == m_pipelines;
    for (QAction *action :
         { m_toggleTreeAction, m_filterAction, m_fitAction, m_zoomInAction, m_zoomOutAction }) {
        action->setEnabled(pipelines);
    }
    updateRunAction();
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

    m_toggleTreeAction = new QAction(tr("Show Project &Tree"), this);
    m_toggleTreeAction->setCheckable(true);
    m_toggleTreeAction->setChecked(true);
    m_toggleTreeAction->setShortcut(QKeySequence(Qt::ALT | Qt::Key_0));
    connect(m_toggleTreeAction, &QAction::toggled, m_pipelines, &PipelinesMode::setTreeVisible);

    m_filterAction = new QAction(tr("&Filter Project Tree"), this);
    m_filterAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_F));
    connect(m_filterAction, &QAction::triggered, this, [this] {
        if (m_pipelines->isEditing())
            m_pipelines->editor()->focusTaskSearch(); // Ctrl+F finds a task while editing
        else
            m_pipelines->focusFilter();
    });

    // One binding per key: these act on the canvas that shows, the editor's while editing
    // (the editor binds no Ctrl+0 or Ctrl+F of its own: two made "Ambiguous shortcut overload").
    m_fitAction = new QAction(tr("&Fit Graph"), this);
    m_fitAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    connect(m_fitAction, &QAction::triggered, this, [this] {
        if (m_pipelines->isEditing())
            m_pipelines->editor()->view()->fitGraph();
        else
            graphView()->fitGraph();
    });

    m_zoomInAction = new QAction(tr("Zoom &In"), this);
    m_zoomInAction->setShortcut(QKeySequence::ZoomIn);
    connect(m_zoomInAction, &QAction::triggered, this, [this] {
        if (m_pipelines->isEditing())
            m_pipelines->editor()->view()->zoomIn();
        else
            graphView()->zoomIn();
    });

    m_zoomOutAction = new QAction(tr("Zoom &Out"), this);
    m_zoomOutAction->setShortcut(QKeySequence::ZoomOut);
    connect(m_zoomOutAction, &QAction::triggered, this, [this] {
        if (m_pipelines->isEditing())
            m_pipelines->editor()->view()->zoomOut();
        else
            graphView()->zoomOut();
    });

    m_runAction = new QAction(Icons::run(), tr("&Run Pipeline…"), this);
    m_runAction->setObjectName(QStringLiteral("runPipelineAction"));
    m_runAction->setIconText(tr("Run…"));
    m_runAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_runAction->setStatusTip(tr("Run the selected pipeline now, with parameters"));
    connect(m_runAction, &QAction::triggered, this, &MainWindow::runPipeline);

    m_pauseScheduleAction = new QAction(tr("&Pause Schedule"), this);
    m_pauseScheduleAction->setObjectName(QStringLiteral("pauseScheduleAction"));
    m_pauseScheduleAction->setStatusTip(tr("Stop or restart the selected pipeline's schedule"));
    connect(m_pauseScheduleAction, &QAction::triggered, this, [this] {
        if (const PipelineInfo *p = m_pipelines->currentPipeline())
            setSchedulePaused(p->project, p->name, !p->schedulePaused);
    });

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
    m_modesEnd = m_viewMenu->addSeparator(); // addMode() inserts the modes above this
    m_viewMenu->addAction(m_toggleTreeAction);
    m_viewMenu->addAction(m_filterAction);
    m_viewMenu->addSeparator();
    m_viewMenu->addAction(m_fitAction);
    m_viewMenu->addAction(m_zoomInAction);
    m_viewMenu->addAction(m_zoomOutAction);

    QMenu *pipeline = menuBar()->addMenu(tr("&Pipeline"));
    pipeline->addAction(m_runAction);
    pipeline->addAction(m_pauseScheduleAction);
    pipeline->addAction(m_pipelines->editAction());

    m_helpMenu = menuBar()->addMenu(tr("&Help"));
    m_helpMenu->addAction(m_aboutAction);
    m_helpMenu->addAction(m_aboutQtAction);
}

void MainWindow::createStatusBar()
{
    m_workspaceLabel = new QLabel(this);
    m_workspaceLabel->setObjectName(QStringLiteral("statusWorkspace"));
    m_workspaceLabel->setText(
        tr("Workspace: %1").arg(QDir::toNativeSeparators(m_workspace->directory())));
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
    if (m_inFlight) {
        m_refreshAgain = true; // the answer in flight may predate what the caller wants
        return;
    }
    m_inFlight = true;
    QMetaObject::invokeMethod(m_worker, &CatalogWorker::refresh, Qt::QueuedConnection);
}

void MainWindow::poll()
{
    if (!m_inFlight)
        refresh();
}

int MainWindow::pollInterval() const
{
    return m_pollTimer->isActive() ? m_pollTimer->interval() : 0;
}

void MainWindow::setPollInterval(int milliseconds)
{
    if (milliseconds <= 0) {
        m_pollTimer->stop();
        return;
    }
    m_pollTimer->start(milliseconds);
}

void MainWindow::onSnapshot(const Baton::CatalogSnapshot &snapshot)
{
    m_inFlight = false;
    m_lastError.clear();
    m_errorLabel->clear();
    m_errorLabel->setVisible(false);
    m_lastRefresh = QDateTime::fromMSecsSinceEpoch(snapshot.takenAt);
    m_refreshedLabel->setText(
        tr("refreshed %1").arg(m_lastRefresh.toString(QStringLiteral("HH:mm:ss"))));
    m_refreshedLabel->setToolTip(
        tr("The workspace is read every %1 s; press F5 to read it now.")
            .arg(QString::number(qMax(1, m_pollTimer->interval() / 1000))));

    m_pipelines->applySnapshot(snapshot);
    updateEngineLabel(snapshot.engineHolder, snapshot.engineHeartbeatAt, snapshot.engineExpiresAt);
    Q_EMIT catalogApplied();

    if (m_refreshAgain) {
        m_refreshAgain = false;
        refresh();
    }
}

void MainWindow::onFailure(const QString &message)
{
    m_inFlight = false;
    m_lastError = message;
    m_errorLabel->setText(tr("Refresh failed: %1").arg(message));
    m_errorLabel->setToolTip(tr("The workspace could not be read; what is shown is from the last "
                                "good refresh.\n\n%1")
                                 .arg(message));
    m_errorLabel->setVisible(true);
    Q_EMIT refreshFailed(message);

    if (m_refreshAgain) {
        m_refreshAgain = false;
        refresh();
    }
}

void MainWindow::updateRunAction()
{
    const PipelineInfo *pipeline = m_pipelines->currentPipeline();
    const bool enabled = pipeline && m_modeStack->currentWidget() == m_pipelines;
    m_runAction->setEnabled(enabled);
    // Pause/resume only where there is a schedule; the label says what a click will do.
    const bool scheduled = pipeline && !pipeline->schedule.isEmpty();
    m_pauseScheduleAction->setVisible(scheduled);
    m_pauseScheduleAction->setEnabled(enabled && scheduled);
    m_pauseScheduleAction->setText(scheduled && pipeline->schedulePaused ? tr("Resume &Schedule")
                                                                         : tr("&Pause Schedule"));
    m_pauseScheduleAction->setIconText(
        scheduled && pipeline->schedulePaused ? tr("Resume schedule") : tr("Pause schedule"));
    m_runAction->setToolTip(
        pipeline ? tr("Run %1/%2 now (%3)")
                       .arg(pipeline->project, pipeline->name,
                            m_runAction->shortcut().toString(QKeySequence::NativeText))
                 : tr("Select a pipeline to run it"));
}

RunDialog *MainWindow::runDialog() const
{
    return m_runDialog.data();
}

void MainWindow::runPipeline()
{
    if (m_runDialog) {
        m_runDialog->raise();
        m_runDialog->activateWindow();
        return;
    }
    const PipelineInfo *pipeline = m_pipelines->currentPipeline();
    const ProjectInfo *project = m_pipelines->currentProject();
    if (!pipeline || !project)
        return;
    auto *dialog = new RunDialog(*project, *pipeline, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // Start from the environment and limit used last time for this pipeline; parameter values
    // are not kept (they may be secrets).
    QSettings settings(kOrganization, kApplication);
    dialog->setEnvironment(
        settings.value(runSettingsKey(project->name, pipeline->name, "environment")).toString());
    dialog->setParallelism(
        settings.value(runSettingsKey(project->name, pipeline->name, "parallelism"), 0).toInt());
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const RunRequest request = dialog->request();
        QSettings settings(kOrganization, kApplication);
        settings.setValue(runSettingsKey(request.project, request.pipeline, "environment"),
                          request.environment);
        settings.setValue(runSettingsKey(request.project, request.pipeline, "parallelism"),
                          request.parallelism);
        submitRun(request);
    });
    m_runDialog = dialog;
    dialog->open();
}

void MainWindow::submitRun(const Baton::RunRequest &request)
{
    RunRequest submitted = request;
    if (submitted.actor.isEmpty())
        submitted.actor = currentUser();
    ++m_pendingRuns;
    statusBar()->showMessage(
        tr("Queuing a run of %1/%2…").arg(submitted.project, submitted.pipeline));
    const Store *store = &m_workspace->store();
    // The store is written on a worker thread (with that thread's own connection), one request
    // after another; the outcome comes back to the GUI thread. A request in flight when the
    // window closes still lands (the console drains jobs before the workspace closes).
    QThreadPool *lane = BackgroundTask::lane(QStringLiteral("run-submit"));
    BackgroundTask::run(this, lane, [this, store, submitted] {
        qint64 runId = 0;
        QString environment = submitted.environment;
        const QString error = failureOf([&] { runId = RunService::createRun(*store, submitted); });
        if (runId > 0) {
            try {
                // An empty environment means the project's first one: name the one it got.
                environment = RunService::run(store->db(), runId).environment;
            } catch (const std::exception &) {
                // The run is queued all the same; the request's name will do.
            }
        }
        return [this, runId, submitted, environment, error] {
            if (error.isEmpty())
                onRunQueued(runId, submitted, environment);
            else
                onRunFailed(submitted, error);
        };
    });
}

void MainWindow::setSchedulePaused(const QString &project, const QString &pipeline, bool paused)
{
    const Store *store = &m_workspace->store();
    const QString actor = currentUser();
    // Written on the pool thread like a run request; the answer comes back queued.
    BackgroundTask::run(
        this, BackgroundTask::lane(QStringLiteral("run-submit")),
        [this, store, project, pipeline, paused, actor] {
            const QString error = failureOf(
                [&] { ScheduleService::setPaused(*store, project, pipeline, paused, actor); });
            return [this, project, pipeline, paused, error] {
                const QString name = project + QLatin1Char('/') + pipeline;
                if (!error.isEmpty()) {
                    statusBar()->showMessage(tr("Schedule of %1 unchanged: %2").arg(name, error),
                                             20000);
                    Q_EMIT scheduleUpdateFailed(error);
                    return;
                }
                statusBar()->showMessage(paused ? tr("Schedule of %1 paused").arg(name)
                                                : tr("Schedule of %1 resumed").arg(name),
                                         20000);
                Q_EMIT scheduleUpdated(name, paused);
                refresh();
            };
        });
}

void MainWindow::onRunQueued(qint64 runId, const Baton::RunRequest &request,
                             const QString &environment)
{
    --m_pendingRuns;
    QString message = tr("run %1 queued: %2/%3").arg(runId).arg(request.project, request.pipeline);
    if (!environment.isEmpty())
        message += tr(" in %1").arg(environment);
    if (!m_engineRunning)
        message += tr(" — no engine is running yet: it starts when one does");
    statusBar()->showMessage(message, 20000);
    Q_EMIT runQueued(runId);
    refresh();
}

void MainWindow::onRunFailed(const Baton::RunRequest &request, const QString &message)
{
    --m_pendingRuns;
    statusBar()->showMessage(tr("Run of %1/%2 not queued").arg(request.project, request.pipeline),
                             20000);
    auto *box
        = new QMessageBox(QMessageBox::Warning, tr("Run Not Queued"),
                          tr("%1/%2 could not be queued.").arg(request.project, request.pipeline),
                          QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("runFailedMessage"));
    box->setInformativeText(message);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    Q_EMIT runFailed(message);
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
        m_monitor->refreshNow();
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
    connect(review, &ReviewPanel::reviewed, m_monitor, &MonitorMode::refreshNow);
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
                 QDir::toNativeSeparators(m_workspace->directory()).toHtmlEscaped(),
                 QDir::toNativeSeparators(m_workspace->databasePath()).toHtmlEscaped(),
                 QStringLiteral(QT_VERSION_STR), QString::fromLatin1(qVersion())));
}

void MainWindow::saveLayout()
{
    QSettings settings(kOrganization, kApplication);
    settings.beginGroup(QStringLiteral("mainwindow"));
    settings.setValue(QStringLiteral("geometry"), saveGeometry());
    settings.setValue(QStringLiteral("state"), saveState());
    settings.setValue(QStringLiteral("mode"), currentMode());
    settings.endGroup();
    m_monitor->saveSettings(settings);
    m_pipelines->saveSettings(settings);
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
    if (!mode.isEmpty() && !setCurrentMode(mode))
        m_pendingMode = mode;
    m_monitor->restoreSettings(settings);
    m_pipelines->restoreSettings(settings);
    m_toggleTreeAction->setChecked(m_pipelines->isTreeVisible());
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
    // Review mode: the Monitor's runs, seen by a data steward.
    m_review = new ReviewMode(m_workspace, m_monitor->runsModel(), this);
    addMode(tr("Review"), Icons::reviewMode(), m_review);
    connect(m_review, &ReviewMode::reviewed, m_monitor, &MonitorMode::refreshNow);
    connect(m_monitor, &MonitorMode::deltaApplied, m_review, &ReviewMode::onRunsChanged);
    connect(m_review, &ReviewMode::reviewed, this, [this](qint64 runId) {
        statusBar()->showMessage(tr("Review of run %1 saved").arg(runId), 10000);
    });

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
                m_monitor->refreshNow();
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
        setCurrentMode(monitorModeName());
        m_monitor->selectRun(runId);
        openRun(runId);
    });
    runs->addSeparator();
    runs->addMenu(m_notifier->menu());
}

} // namespace Baton::Ui
