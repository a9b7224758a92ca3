#pragma once

#include "monitoring/runrow.h"
#include "widgets/mode.h"

#include <QHash>
#include <QMap>
#include <QStringList>
#include <QWidget>
#include <functional>
#include <optional>

class QAbstractButton;
class QAbstractItemModel;
class QAction;
class QComboBox;
class QFrame;
class QLabel;
class QLineEdit;
class QListView;
class QSettings;
class QSplitter;
class QStackedWidget;
class QTabWidget;
class QTableView;
class QThread;
class QTimer;
class QToolButton;

namespace Baton {
class RunMonitor;
class Workspace;
} // namespace Baton

namespace Baton::Ui {

class RowLimitProxyModel;
class RunActions;
class RunTimelineView;
class TasksMenu;
class RunsFilterModel;
class RunsTableModel;

/// The Monitor mode, for ops managers (DESIGN.md, "The console's map"): what is running, what
/// waits, what failed, and every recent run in a table with filters.
///
/// It owns the polling thread: a RunMonitor moved to a QThread reads the store and sends
/// RunsDelta batches, which one RunsTableModel applies. The panels and the table are views over
/// that one model through RunsFilterModel instances; nothing here reads the store or decides
/// what a state means. A 1 s timer moves the model's clock so running durations tick.
class MonitorMode : public Mode
{
    Q_OBJECT
public:
    static constexpr int DefaultPollIntervalMs = 1000;
    /// How many failures the Recent failures panel lists.
    static constexpr int RecentFailureCount = 10;

    /// Starts polling @p workspace at once; @p workspace must outlive the mode.
    explicit MonitorMode(Baton::Workspace *workspace, QWidget *parent = nullptr);
    ~MonitorMode() override;

    RunsTableModel *runsModel() const { return m_model; }
    /// What the runs table shows: the runs model through the filter bar's filters.
    RunsFilterModel *filterModel() const { return m_filter; }
    /// The panels' models: running (and starting) runs, queued runs, the latest failures.
    QAbstractItemModel *runningModel() const;
    QAbstractItemModel *queuedModel() const;
    QAbstractItemModel *failuresModel() const;

    QTableView *runsView() const { return m_table; }
    QListView *runningView() const { return m_runningPanel.view; }
    QListView *queuedView() const { return m_queuedPanel.view; }
    QListView *failuresView() const { return m_failuresPanel.view; }
    QComboBox *projectCombo() const { return m_projectCombo; }
    QComboBox *pipelineCombo() const { return m_pipelineCombo; }
    QComboBox *environmentCombo() const { return m_environmentCombo; }
    QComboBox *timeRangeCombo() const { return m_timeRangeCombo; }
    QComboBox *pollIntervalCombo() const { return m_intervalCombo; }
    QLineEdit *searchEdit() const { return m_search; }
    /// Focuses the search box (Ctrl+F while this mode is shown).
    QAction *searchAction() const { return m_searchAction; }
    /// The run states the filter bar has a toggle for, in order.
    QList<RunState> filterStates() const { return m_stateOrder; }
    /// The toggle filtering on @p state (its text carries the live count), or nullptr.
    QAbstractButton *stateButton(RunState state) const;

    /// The monitor's polling interval, as set in the filter bar.
    int pollInterval() const;
    /// True once the first poll has been applied.
    bool isLoaded() const { return m_loaded; }
    /// True while the "No runs yet" page is shown instead of the panels and the table.
    bool isShowingEmptyState() const;
    /// True while the table says that no run matches the filters.
    bool isShowingNoMatch() const;
    /// The last polling error, empty after a good cycle.
    QString lastError() const { return m_lastError; }

    /// The run selected in the table, or 0.
    qint64 currentRun() const;
    /// Selects run @p id in the table (clearing filters that hide it); false when it is not
    /// among the tracked runs.
    bool selectRun(qint64 id);

    /// The operator actions on the table's selection: toolbar, context menu and shortcuts.
    RunActions *runActions() const { return m_runActions; }
    /// The task actions of the one selected run (in the context menu).
    TasksMenu *tasksMenu() const { return m_tasksMenu; }
    /// The runs selected in the table, in view order.
    QList<qint64> selectedRuns() const;
    /// The timeline across runs (a tab beside the runs table) and its window in hours.
    RunTimelineView *timelineView() const { return m_timeline; }
    QComboBox *timelineHoursCombo() const { return m_timelineHours; }
    /// Shows the timeline tab (true) or the runs table (false).
    void showTimeline(bool shown);
    /// The workspace's places (attempts running, the limit) with the button that changes it.
    QToolButton *workspaceLimitButton() const { return m_limitButton; }
    /// Asks for the new workspace limit (nullopt: cancelled); replaceable for tests.
    using LimitHandler = std::function<std::optional<int>(int current)>;
    void setLimitHandler(LimitHandler handler) { m_limitHandler = std::move(handler); }
    /// Asks for a new workspace limit and sets it (audited, off the GUI thread).
    void changeWorkspaceLimit();

    QString id() const override { return QStringLiteral("monitor"); }
    QString displayName() const override;
    QIcon icon() const override;
    QKeySequence shortcut() const override;
    void saveState(QSettings &settings) const override;
    void restoreState(QSettings &settings) override;
    /// {"run": id} selects that run.
    void applyContext(const QVariantMap &context) override;
    QWidget *initialFocus() const override;
    void workspaceWritten() override { refreshNow(); }

public Q_SLOTS:
    /// Sets the polling interval (a value the combo does not offer is added to it).
    void setPollInterval(int milliseconds);
    /// Polls now: a run just queued from this console shows up without waiting for the timer.
    void refreshNow();
    void focusSearch();
    void clearFilters();

Q_SIGNALS:
    /// A batch from the monitor is on screen (models, counts, panels).
    void runsApplied();
    /// The batch just applied, for whoever reacts to what changed (notifications).
    void deltaApplied(const Baton::RunsDelta &delta);
    /// The monitor finished a polling cycle that took @p microseconds (one per interval).
    void cycleCompleted(qint64 microseconds);
    /// The engine lease as the monitor last read it (empty holder: no engine).
    void engineStatusChanged(const QString &holder, qint64 heartbeatAt, qint64 expiresAt);
    void pollFailed(const QString &message);
    /// The team workspace's server stopped answering; the monitor keeps reconnecting.
    void connectionLost(const QString &message);
    void reconnected();
    /// The empty state's link to the Pipelines mode was followed.
    void pipelinesModeRequested();
    /// A run was activated (double-click or Enter) in the table or a panel: open its detail.
    void runActivated(qint64 runId);

protected:
    void changeEvent(QEvent *event) override;

private:
    struct Panel
    {
        QFrame *frame = nullptr;
        QLabel *count = nullptr;
        QStackedWidget *stack = nullptr;
        QListView *view = nullptr;
        QLabel *placeholder = nullptr;
        RunState state = RunState::Queued; ///< what its count is coloured as
    };

    Panel createPanel(const QString &objectName, const QString &title, RunState state,
                      QAbstractItemModel *model, int kind, const QString &placeholder);
    QWidget *createFilterBar();
    void onRunsChanged(const Baton::RunsDelta &delta);
    void onPollFailed(const QString &message);
    void onEngineStatus(const QString &holder, qint64 heartbeatAt, qint64 expiresAt);
    void tick();
    void updateCounts();
    void updateFilterChoices();
    void updatePipelineChoices();
    void updateShown();
    void updateEmptyState();
    void updateErrorStyle();
    void applyStates();
    void applyTimeRange();
    void onIntervalChosen();
    void setUpRunActions(Baton::Workspace *workspace);
    void updateRunActions();

    RunMonitor *m_monitor; // lives on m_thread; deletes itself when the thread finishes
    QThread *m_thread;
    RunsTableModel *m_model;
    RunsFilterModel *m_filter;
    RunsFilterModel *m_running;
    RunsFilterModel *m_queued;
    RunsFilterModel *m_failures; // every failure tracked, newest first
    RowLimitProxyModel *m_recentFailures;
    QTimer *m_clock;
    int m_ticks = 0;

    QLabel *m_errorBanner = nullptr;
    QStackedWidget *m_pages = nullptr;
    QLabel *m_emptyState = nullptr;
    QSplitter *m_splitter = nullptr;
    Panel m_runningPanel;
    Panel m_queuedPanel;
    Panel m_failuresPanel;

    QComboBox *m_projectCombo = nullptr;
    QComboBox *m_pipelineCombo = nullptr;
    QComboBox *m_environmentCombo = nullptr;
    QComboBox *m_timeRangeCombo = nullptr;
    QComboBox *m_intervalCombo = nullptr;
    QLineEdit *m_search = nullptr;
    QAction *m_searchAction = nullptr;
    QList<RunState> m_stateOrder;
    QMap<RunState, QToolButton *> m_stateButtons;
    QLabel *m_shownLabel = nullptr;
    QToolButton *m_clearButton = nullptr;
    QStackedWidget *m_tablePages = nullptr;
    QTableView *m_table = nullptr;
    QLabel *m_noMatch = nullptr;

    // What the combos were last filled with, to leave them alone when nothing new was seen.
    QMap<QString, QStringList> m_seenPipelines; // project → pipelines
    QStringList m_seenEnvironments;
    QString m_workspaceDirectory;
    bool m_loaded = false;
    QString m_lastError;
    RunActions *m_runActions = nullptr;
    TasksMenu *m_tasksMenu = nullptr;
    Baton::RunRow m_tasksRun; // the run the tasks menu was last read for
    QTabWidget *m_runsTabs = nullptr;
    RunTimelineView *m_timeline = nullptr;
    QComboBox *m_timelineHours = nullptr;
    void updateTimeline();
    QToolButton *m_limitButton = nullptr;
    LimitHandler m_limitHandler;
    int m_placesRunning = 0;
    int m_placesLimit = 0; // the max_parallel setting; 0: unset
    void onPlacesChanged(int running, int limit);
};

} // namespace Baton::Ui
