#pragma once

#include "engine/runservice.h"
#include "store/catalog.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QMainWindow>
#include <QPointer>
#include <QVariantMap>

class QAction;
class QActionGroup;
class QLabel;
class QMenu;
class QStackedWidget;
class QTreeView;

#include <functional>
#include <memory>

namespace Baton {
class EngineHost;
class Workspace;
} // namespace Baton

namespace Baton::Ui {

class AlertNotification;
class DashboardsMode;
class DetailsPanel;
class DocumentTabs;
class Mode;
class ModeRail;
class MonitorMode;
class PaletteController;
class PipelineGraphView;
class PipelinesMode;
class ProjectTreeModel;
class QuitGuard;
class ReleasesMode;
class RunDetailView;
class RunDialog;
class ReviewMode;
class RunAgain;
class TrayNotifier;
class WorkspaceActions;

/// The console's main window: a mode rail on the left, the current mode's page in the middle,
/// menus and a status bar (workspace, engine, last refresh).
///
/// It hosts the modes (ui/widgets/mode.h) and knows them only through that interface, but
/// for constructing the list. The status bar says when the Pipelines mode's catalog (read on
/// its own thread: ui/pipelines/catalogfeed) was last read, on start, on View → Refresh (F5)
/// and every pollInterval(). The window layout persists in QSettings("Baton", "baton").
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    /// @p workspace must outlive the window.
    explicit MainWindow(Baton::Workspace *workspace, QWidget *parent = nullptr);
    ~MainWindow() override;

    /// Hosts @p mode (its id unique): a button on the rail, a page in the central stack, a View
    /// menu entry with the mode's shortcut and its own View actions below the modes; its state
    /// is saved and restored with the window's, and its requestMode() is routed here.
    /// Returns its index.
    int addMode(Mode *mode);
    /// Hosts @p page as a mode of its own, titled @p name (Ctrl+ its position, up to 9).
    int addMode(const QString &name, const QIcon &icon, QWidget *page);
    /// The hosted modes, in rail order.
    QList<Mode *> modeList() const { return m_modes; }
    /// The mode with id @p id, or nullptr.
    Mode *mode(const QString &id) const;
    /// The modes' display names, in rail order.
    QStringList modes() const;
    QString currentMode() const;
    Mode *currentModeUnit() const;
    /// Switches to the mode with id or display name @p name; false when there is none.
    bool setCurrentMode(const QString &name);
    /// Switches to mode @p id and applies @p context to it (what requestMode() asks for);
    /// false, and nothing changes, when there is no such mode.
    bool activateMode(const QString &id, const QVariantMap &context = {});

    Baton::Workspace *workspace() const { return m_workspace; }
    ModeRail *modeRail() const { return m_rail; }
    /// The Monitor mode: the first mode, and the current one unless the settings say otherwise.
    MonitorMode *monitorMode() const { return m_monitor; }
    PipelinesMode *pipelinesMode() const { return m_pipelines; }
    /// The Review mode, for data stewards.
    ReviewMode *reviewMode() const { return m_review; }
    /// "Run Again with Changes…" of the Monitor's runs and of every run detail.
    RunAgain *runAgain() const { return m_runAgain; }
    /// Desktop notifications when a run fails (opt-in per project).
    TrayNotifier *notifier() const { return m_notifier; }
    /// The Releases mode (deployment matrix, promotions, approvals, rollbacks, runtimes).
    ReleasesMode *releasesMode() const { return m_releases; }
    /// Dashboards: operations charts, business metrics, alerts (badge on its rail button).
    DashboardsMode *dashboardsMode() const { return m_dashboards; }
    AlertNotification *alertNotification() const { return m_alertNotification; }
    QTreeView *projectTree() const;
    ProjectTreeModel *projectTreeModel() const;
    PipelineGraphView *graphView() const;
    DetailsPanel *detailsPanel() const;

    /// The last refresh's error, empty after a good one.
    QString lastError() const;
    /// When the shown catalog was read (invalid before the first snapshot).
    QDateTime lastRefresh() const;
    int pollInterval() const;
    /// 0 stops polling.
    void setPollInterval(int milliseconds);

    /// Writes the window layout to the settings (also done on close and destruction).
    void saveLayout();
    /// Runs the workspace's engine inside the console (on its own thread) whenever no other
    /// engine holds the workspace. The app calls this; tests usually do not.
    void startEmbeddedEngine();
    /// How "Keep Engine Running" starts `baton engine` detached when the console quits while
    /// its engine has work (the app sets it; without one the option is off).
    void setHeadlessEngineLauncher(std::function<bool(QString *error)> launcher);
    /// Asks before quitting while this console's engine has work.
    QuitGuard *quitGuard() const { return m_quitGuard; }
    /// The command palette (Ctrl+K) and Help → Keyboard Shortcuts.
    PaletteController *paletteController() const { return m_paletteController; }

    /// The Pipelines mode's runs (ui/pipelines/pipelineruns), named here for the screens that
    /// sit beside the modes (workspace and project edit actions) and for tests.
    /// Pipeline → Run Pipeline… (Ctrl+R): enabled while a pipeline is selected in Pipelines.
    QAction *runPipelineAction() const;
    /// The Run Pipeline dialog while it is open (nullptr otherwise).
    RunDialog *runDialog() const;
    /// Queues @p request off the GUI thread; answers with runQueued() or runFailed().
    void submitRun(const Baton::RunRequest &request);
    /// Pauses or resumes PROJECT/PIPELINE's schedule off the GUI thread; answers with
    /// scheduleUpdated or scheduleUpdateFailed.
    void setSchedulePaused(const QString &project, const QString &pipeline, bool paused);
    QAction *pauseScheduleAction() const;
    /// Submissions still on their way to the store.
    int pendingRuns() const;

    /// File → New/Open/Recent workspace, Import/Export; Tools → Settings; Pipeline → Backfill.
    WorkspaceActions *workspaceActions() const { return m_workspaceActions; }

    /// The central area: the current mode's page, then runs, comparisons and logs as tabs.
    DocumentTabs *documentTabs() const { return m_documents; }

public Q_SLOTS:
    /// Asks the worker thread for a fresh catalog; coalesces requests while one is in flight.
    void refresh();
    void showAbout();
    /// Opens the Run Pipeline dialog for the selected pipeline (window-modal, returns at once);
    /// accepting it submits the run.
    void runPipeline();
    /// Opens run @p runId's detail as a tab (or shows it when already open).
    void openRun(qint64 runId);
    /// Opens two runs side by side as a tab.
    void openCompare(qint64 runA, qint64 runB);

Q_SIGNALS:
    /// A snapshot has been applied to every screen.
    void catalogApplied();
    /// A refresh failed; the last good data stays on screen.
    void refreshFailed(const QString &message);
    /// A run asked for from this window is in the store, queued.
    void runQueued(qint64 runId);
    /// A schedule was paused or resumed from the console (@p pipeline is project/pipeline).
    void scheduleUpdated(const QString &pipeline, bool paused);
    void scheduleUpdateFailed(const QString &message);
    /// A run asked for from this window was refused; @p message is core's explanation.
    void runFailed(const QString &message);

protected:
    void closeEvent(QCloseEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void createActions();
    void createMenus();
    void createStatusBar();
    void restoreLayout();
    void onModeChanged(int index);
    int indexOfMode(const QString &id) const;
    /// A mode or an operation here wrote to the workspace: the catalog and every mode read it.
    void onWorkspaceWritten();
    void onSnapshot(const Baton::CatalogSnapshot &snapshot);
    void onFailure(const QString &message);
    /// The status bar says "reconnecting…" while the team workspace's server does not answer.
    void setReconnecting(bool reconnecting, const QString &why = {});
    void updateErrorStyle();
    void updateEngineLabel(const QString &holder, qint64 heartbeatAt, qint64 expiresAt);
    void setUpOperations();
    /// Task actions and the review panel on a run's detail tab.
    void addRunOperations(RunDetailView *view);
    /// An operator action was refused: status bar and a message box with core's reason.
    void reportRefusal(const QString &message);

    Baton::Workspace *m_workspace;

    ModeRail *m_rail;
    QStackedWidget *m_modeStack;
    QList<Mode *> m_modes; // in rail order: index i is the rail's button i and the stack's page i
    Mode *m_activeMode = nullptr;
    MonitorMode *m_monitor = nullptr;
    PipelinesMode *m_pipelines;
    ReleasesMode *m_releases = nullptr;
    DocumentTabs *m_documents = nullptr;
    DashboardsMode *m_dashboards = nullptr;
    AlertNotification *m_alertNotification = nullptr;

    QMenu *m_viewMenu = nullptr;
    QAction *m_modesEnd = nullptr;
    QActionGroup *m_modeActions;
    QAction *m_refreshAction = nullptr;
    QAction *m_quitAction = nullptr;
    QAction *m_aboutAction = nullptr;
    QAction *m_aboutQtAction = nullptr;
    bool m_engineRunning = false;

    QLabel *m_workspaceLabel = nullptr;
    QLabel *m_errorLabel = nullptr;
    QLabel *m_engineLabel = nullptr;
    QLabel *m_refreshedLabel = nullptr;

    std::unique_ptr<Baton::EngineHost> m_engineHost;
    bool m_engineHere = false; // this console's engine holds the workspace
    QuitGuard *m_quitGuard = nullptr;
    PaletteController *m_paletteController = nullptr;
    QMenu *m_helpMenu = nullptr;
    bool m_reconnecting = false;
    bool m_monitorLost = false; // the monitor reported connectionLost, not yet reconnected
    bool m_stalled = false; // the monitor's current cycle has not ended for too long
    QElapsedTimer m_sinceCycle;
    QString m_engineDetail; // why the embedded engine is not running, if it is not

    ReviewMode *m_review = nullptr;
    TrayNotifier *m_notifier = nullptr;
    RunAgain *m_runAgain = nullptr;
    WorkspaceActions *m_workspaceActions = nullptr;

    QString m_pendingMode; // restored before its mode was added
};

} // namespace Baton::Ui
