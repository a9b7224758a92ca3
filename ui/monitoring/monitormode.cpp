#include "monitormode.h"

#include "model/runstate.h"
#include "monitoring/runmonitor.h"
#include "rowlimitproxymodel.h"
#include "runcarddelegate.h"
#include "runs/runactions.h"
#include "runs/tasksmenu.h"
#include "runsfiltermodel.h"
#include "runstabledelegate.h"
#include "runstablemodel.h"
#include "runtimelineview.h"
#include "store/workspace.h"
#include "store/workspacecommand.h"
#include "widgets/emptystate.h"
#include "widgets/icons.h"
#include "widgets/theme.h"

#include <QAction>
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QEvent>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QLocale>
#include <QMenu>
#include <QScrollArea>
#include <QSet>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableView>
#include <QThread>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

namespace Baton::Ui {

namespace {

enum Page { ContentPage, EmptyPage };
enum TablePage { TablePage, NoMatchPage };
enum PanelPage { ListPage, PlaceholderPage };

constexpr qint64 kHourMs = 3'600'000;
constexpr int kTimeRangeRefreshTicks = 30; // "last hour" moves on twice a minute

QString intervalLabel(int ms)
{
    return QStringLiteral("%1 s").arg(QLocale().toString(ms / 1000.0, 'g', 3));
}

} // namespace

MonitorMode::MonitorMode(Baton::Workspace *workspace, QWidget *parent)
    : Mode(parent)
    , m_monitor(new RunMonitor(&workspace->store()))
    , m_thread(new QThread(this))
    , m_model(new RunsTableModel(this))
    , m_filter(new RunsFilterModel(this))
    , m_running(new RunsFilterModel(this))
    , m_queued(new RunsFilterModel(this))
    , m_failures(new RunsFilterModel(this))
    , m_recentFailures(new RowLimitProxyModel(RecentFailureCount, this))
    , m_clock(new QTimer(this))
{
    Q_ASSERT(workspace);
    setObjectName(QStringLiteral("monitorMode"));
    m_workspaceDirectory = workspace->address();
    m_stateOrder = { RunState::Queued, RunState::Starting, RunState::Running, RunState::Succeeded,
                     RunState::Failed, RunState::TimedOut, RunState::Lost,    RunState::Cancelled };

    // The models: one table of runs, seen through filters. The panels' filters never change.
    m_filter->setObjectName(QStringLiteral("runsFilter"));
    m_filter->setSourceModel(m_model);
    m_running->setObjectName(QStringLiteral("runningRuns"));
    m_running->setSourceModel(m_model);
    // What really runs: runs with an attempt running (core's RunRow::working); the others,
    // queued or waiting for places or behind another attempt, are under Waiting with why.
    m_running->setActivity(RunsFilterModel::Activity::Working);
    m_running->setSortRole(RunsTableModel::StartedAtRole);
    m_running->sort(0, Qt::AscendingOrder); // the longest running first: the one to watch
    m_queued->setObjectName(QStringLiteral("queuedRuns"));
    m_queued->setSourceModel(m_model);
    m_queued->setActivity(RunsFilterModel::Activity::Waiting);
    m_queued->setSortRole(RunsTableModel::CreatedAtRole);
    m_queued->sort(0, Qt::AscendingOrder); // queue order: the next to start first
    m_failures->setObjectName(QStringLiteral("failedRuns"));
    m_failures->setSourceModel(m_model);
    // What the dashboards count as failures too: runs that failed by themselves.
    const QList<RunState> failures = runStatesWhere(failedItself, StateScope::Runs);
    m_failures->setStates(QSet<RunState>(failures.cbegin(), failures.cend()));
    m_failures->setSortRole(RunsTableModel::FinishedAtRole);
    m_failures->sort(0, Qt::DescendingOrder);
    m_recentFailures->setObjectName(QStringLiteral("recentFailures"));
    m_recentFailures->setSourceModel(m_failures);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 4);
    layout->setSpacing(6);
    m_errorBanner = new QLabel(this);
    m_errorBanner->setObjectName(QStringLiteral("monitorError"));
    m_errorBanner->setWordWrap(true);
    m_errorBanner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errorBanner->setVisible(false);
    layout->addWidget(m_errorBanner);
    m_pages = new QStackedWidget(this);
    layout->addWidget(m_pages, 1);

    // Content: the three panels over the filter bar and the table, in a splitter.
    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->setObjectName(QStringLiteral("monitorSplitter"));
    m_splitter->setChildrenCollapsible(false);
    auto *panels = new QWidget(m_splitter);
    auto *panelsLayout = new QHBoxLayout(panels);
    panelsLayout->setContentsMargins(0, 0, 0, 0);
    panelsLayout->setSpacing(8);
    m_runningPanel
        = createPanel(QStringLiteral("runningPanel"), tr("Running now"), RunState::Running,
                      m_running, int(RunCardDelegate::Kind::Running), tr("Nothing is running"));
    m_queuedPanel
        = createPanel(QStringLiteral("queuedPanel"), tr("Waiting"), RunState::Queued, m_queued,
                      int(RunCardDelegate::Kind::Queued), tr("Nothing is waiting"));
    m_runningPanel.count->setToolTip(tr("Runs with at least one attempt running"));
    m_queuedPanel.count->setToolTip(
        tr("Runs not finished of which nothing runs: queued, waiting for a free place, a "
           "retry's delay or another attempt; each card says why"));
    // The workspace's places under the Running title: how many run, of which limit; a click
    // changes the limit (the max_parallel setting, as `baton settings` does).
    m_limitButton = new QToolButton(m_runningPanel.frame);
    m_limitButton->setObjectName(QStringLiteral("workspaceLimitButton"));
    m_limitButton->setAutoRaise(true);
    m_limitButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_limitButton->setToolTip(tr("Attempts running in the workspace and its limit of attempts "
                                 "at once (the max_parallel setting). Click to change it."));
    connect(m_limitButton, &QToolButton::clicked, this, &MonitorMode::changeWorkspaceLimit);
    if (auto *box = qobject_cast<QVBoxLayout *>(m_runningPanel.frame->layout())) {
        auto *row = new QHBoxLayout;
        row->setContentsMargins(6, 0, 10, 0);
        row->addWidget(m_limitButton);
        row->addStretch(1);
        box->insertLayout(1, row);
    }
    m_limitHandler = [this](int current) -> std::optional<int> {
        bool ok = false;
        const int value = QInputDialog::getInt(
            this, tr("Workspace Limit"),
            tr("Most task attempts running at once in the workspace\n(0: the engine's CPU "
               "count). The engine applies it within a second; the change is audited."),
            current, 0, 100000, 1, &ok);
        return ok ? std::optional<int>(value) : std::nullopt;
    };
    onPlacesChanged(0, 0);
    m_failuresPanel
        = createPanel(QStringLiteral("failuresPanel"), tr("Recent failures"), RunState::Failed,
                      m_recentFailures, int(RunCardDelegate::Kind::Failure), tr("No failures"));
    m_failuresPanel.count->setToolTip(
        tr("Failed, timed-out and lost runs; the panel lists the latest %1.")
            .arg(RecentFailureCount));
    panelsLayout->addWidget(m_runningPanel.frame, 1);
    panelsLayout->addWidget(m_queuedPanel.frame, 1);
    panelsLayout->addWidget(m_failuresPanel.frame, 1);

    auto *runs = new QWidget(m_splitter);
    auto *runsLayout = new QVBoxLayout(runs);
    runsLayout->setContentsMargins(0, 0, 0, 0);
    runsLayout->setSpacing(4);
    runsLayout->addWidget(createFilterBar());

    m_table = new QTableView(runs);
    m_table->setObjectName(QStringLiteral("runsTable"));
    m_table->setAccessibleName(tr("Runs"));
    m_table->setModel(m_filter);
    m_table->setItemDelegate(new RunsTableDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->setTextElideMode(Qt::ElideRight);
    m_table->setHorizontalScrollMode(QAbstractItemView::ScrollPerPixel);
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 10);
    m_table->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    QHeaderView *header = m_table->horizontalHeader();
    header->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    header->setHighlightSections(false);
    header->setStretchLastSection(true);
    header->setSectionsMovable(true);
    // Room for what the columns hold (dates and durations measured, names in ems).
    const int em = fontMetrics().horizontalAdvance(QLatin1Char('M'));
    const auto fit = [this](const char *sample) {
        return fontMetrics().horizontalAdvance(QLatin1String(sample)) + 18;
    };
    const QList<QPair<int, int>> widths {
        { RunsTableModel::RunColumn, fit("#000000") },
        { RunsTableModel::PipelineColumn, 16 * em },
        { RunsTableModel::VersionColumn, fit("Version") },
        { RunsTableModel::EnvironmentColumn, 8 * em },
        { RunsTableModel::StateColumn, fit("upstream failed") },
        { RunsTableModel::TriggerColumn, fit("schedule") },
        { RunsTableModel::StartedColumn, fit("2000-00-00 00:00:00") },
        { RunsTableModel::DurationColumn, fit("00m 00s") },
        { RunsTableModel::ProgressColumn, 12 * em },
    };
    for (const auto &[column, width] : widths)
        header->resizeSection(column, width);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(RunsTableModel::RunColumn, Qt::DescendingOrder); // newest first

    m_noMatch = new QLabel(runs);
    m_noMatch->setObjectName(QStringLiteral("runsNoMatch"));
    m_noMatch->setAlignment(Qt::AlignCenter);
    m_noMatch->setTextFormat(Qt::RichText);
    m_noMatch->setText(tr("<p>No run matches these filters.</p><p><a href=\"#clear\">Clear "
                          "filters</a></p>"));
    connect(m_noMatch, &QLabel::linkActivated, this, &MonitorMode::clearFilters);
    m_tablePages = new QStackedWidget(runs);
    m_tablePages->addWidget(m_table);
    m_tablePages->addWidget(m_noMatch);
    // The runs as a table, or as a timeline across runs (what ran when, per pipeline).
    auto *timelinePage = new QWidget(runs);
    auto *timelineLayout = new QVBoxLayout(timelinePage);
    timelineLayout->setContentsMargins(0, 4, 0, 0);
    auto *timelineBar = new QHBoxLayout;
    timelineBar->addWidget(new QLabel(tr("Last"), timelinePage));
    m_timelineHours = new QComboBox(timelinePage);
    m_timelineHours->setObjectName(QStringLiteral("timelineHours"));
    for (int hours : { 1, 3, 6, 12, 24, 72 })
        m_timelineHours->addItem(tr("%n hour(s)", nullptr, hours), hours);
    m_timelineHours->setCurrentIndex(2);
    timelineBar->addWidget(m_timelineHours);
    auto *legend = new QLabel(tr("One lane per pipeline, a bar per run in its state's colour; "
                                 "hover for details, double-click to open"),
                              timelinePage);
    legend->setForegroundRole(QPalette::PlaceholderText);
    timelineBar->addWidget(legend, 1);
    timelineLayout->addLayout(timelineBar);
    m_timeline = new RunTimelineView(timelinePage);
    auto *scroll = new QScrollArea(timelinePage);
    scroll->setWidget(m_timeline);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    timelineLayout->addWidget(scroll, 1);
    connect(m_timelineHours, &QComboBox::currentIndexChanged, this,
            [this] { m_timeline->setHours(m_timelineHours->currentData().toInt()); });
    connect(m_timeline, &RunTimelineView::runActivated, this, &MonitorMode::runActivated);
    m_timeline->setHours(m_timelineHours->currentData().toInt());
    m_runsTabs = new QTabWidget(runs);
    m_runsTabs->setObjectName(QStringLiteral("runsTabs"));
    m_runsTabs->setDocumentMode(true);
    m_runsTabs->addTab(m_tablePages, tr("Runs"));
    m_runsTabs->addTab(timelinePage, tr("Timeline"));
    connect(m_runsTabs, &QTabWidget::currentChanged, this, &MonitorMode::updateTimeline);
    runsLayout->addWidget(m_runsTabs, 1);

    m_splitter->addWidget(panels);
    m_splitter->addWidget(runs);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({ 12 * fontMetrics().height(), 600 });
    m_pages->addWidget(m_splitter);

    // The empty state: a large mark over how to get a first run.
    m_emptyState = new QLabel(this);
    m_emptyState->setObjectName(QStringLiteral("monitorEmptyState"));
    m_emptyState->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse);
    connect(m_emptyState, &QLabel::linkActivated, this, &MonitorMode::pipelinesModeRequested);
    // Asked of the window, not of the Pipelines mode: modes never reach into each other.
    connect(this, &MonitorMode::pipelinesModeRequested, this,
            [this] { Q_EMIT requestMode(QStringLiteral("pipelines")); });
    connect(this, &MonitorMode::runActivated, this, &Mode::runRequested);
    m_pages->addWidget(emptyStatePage(Icons::monitorMode(), m_emptyState, this));

    // Ctrl+F searches the runs while this mode is shown (a hidden widget's shortcut sleeps).
    m_searchAction = new QAction(tr("Search Runs"), this);
    m_searchAction->setObjectName(QStringLiteral("searchRunsAction"));
    m_searchAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_F));
    m_searchAction->setShortcutContext(Qt::WindowShortcut);
    addAction(m_searchAction);
    connect(m_searchAction, &QAction::triggered, this, &MonitorMode::focusSearch);

    connect(m_filter, &RunsFilterModel::filtersChanged, this, &MonitorMode::updateShown);
    // A click on a card selects that run in the table (there is no run detail yet).
    for (QListView *view : { m_runningPanel.view, m_queuedPanel.view, m_failuresPanel.view }) {
        connect(view, &QAbstractItemView::clicked, this, [this](const QModelIndex &index) {
            selectRun(index.data(RunsTableModel::RunIdRole).toLongLong());
        });
    }
    for (QAbstractItemView *view : std::initializer_list<QAbstractItemView *> {
             m_table, m_runningPanel.view, m_queuedPanel.view, m_failuresPanel.view }) {
        connect(view, &QAbstractItemView::activated, this, [this](const QModelIndex &index) {
            Q_EMIT runActivated(index.data(RunsTableModel::RunIdRole).toLongLong());
        });
    }

    setUpRunActions(workspace);
    updateErrorStyle();
    updateCounts();
    updateShown();
    updateEmptyState();

    // The worker/controller pattern (DESIGN.md, "Threads"): the monitor polls on its own
    // thread with its own connection; batches arrive here as queued signals.
    m_thread->setObjectName(QStringLiteral("baton-monitor"));
    m_monitor->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_monitor, &QObject::deleteLater);
    connect(m_monitor, &RunMonitor::runsChanged, this, &MonitorMode::onRunsChanged);
    connect(m_monitor, &RunMonitor::failed, this, &MonitorMode::onPollFailed);
    connect(m_monitor, &RunMonitor::connectionLost, this, &MonitorMode::connectionLost);
    connect(m_monitor, &RunMonitor::reconnected, this, &MonitorMode::reconnected);
    connect(m_monitor, &RunMonitor::engineStatus, this, &MonitorMode::onEngineStatus);
    connect(m_monitor, &RunMonitor::placesChanged, this, &MonitorMode::onPlacesChanged);
    connect(m_monitor, &RunMonitor::cycleCost, this, &MonitorMode::cycleCompleted);
    m_thread->start();
    const int interval = pollInterval();
    QMetaObject::invokeMethod(
        m_monitor, [monitor = m_monitor, interval] { monitor->start(interval); },
        Qt::QueuedConnection);

    connect(m_clock, &QTimer::timeout, this, &MonitorMode::tick);
    m_clock->start(1000);
}

MonitorMode::~MonitorMode()
{
    // The monitor deletes itself once its thread has finished (deferred deletes still run).
    m_thread->quit();
    m_thread->wait();
}

MonitorMode::Panel MonitorMode::createPanel(const QString &objectName, const QString &title,
                                            RunState state, QAbstractItemModel *model, int kind,
                                            const QString &placeholder)
{
    Panel panel;
    panel.frame = new QFrame(this);
    panel.frame->setObjectName(objectName);
    panel.frame->setFrameShape(QFrame::StyledPanel);
    panel.frame->setAutoFillBackground(true);
    panel.frame->setBackgroundRole(QPalette::Base);
    auto *layout = new QVBoxLayout(panel.frame);
    layout->setContentsMargins(1, 6, 1, 1);
    layout->setSpacing(2);

    auto *head = new QHBoxLayout;
    head->setContentsMargins(10, 0, 10, 0);
    auto *titleLabel = new QLabel(title, panel.frame);
    QFont bold = titleLabel->font();
    bold.setBold(true);
    titleLabel->setFont(bold);
    head->addWidget(titleLabel);
    head->addStretch(1);
    panel.count = new QLabel(QStringLiteral("0"), panel.frame);
    panel.count->setObjectName(objectName + QStringLiteral("Count"));
    QFont big = bold;
    big.setPointSizeF(big.pointSizeF() * 1.35);
    panel.count->setFont(big);
    panel.state = state; // its count is coloured in updateErrorStyle()
    head->addWidget(panel.count);
    layout->addLayout(head);

    panel.stack = new QStackedWidget(panel.frame);
    panel.view = new QListView(panel.stack);
    panel.view->setObjectName(objectName + QStringLiteral("List"));
    panel.view->setAccessibleName(title);
    panel.view->setModel(model);
    panel.view->setItemDelegate(new RunCardDelegate(RunCardDelegate::Kind(kind), panel.view));
    panel.view->setFrameShape(QFrame::NoFrame);
    panel.view->setUniformItemSizes(true);
    panel.view->setSelectionMode(QAbstractItemView::NoSelection);
    panel.view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    panel.view->setMouseTracking(true);
    panel.view->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    panel.placeholder = new QLabel(placeholder, panel.stack);
    panel.placeholder->setObjectName(objectName + QStringLiteral("Placeholder"));
    panel.placeholder->setAlignment(Qt::AlignCenter);
    panel.placeholder->setForegroundRole(QPalette::PlaceholderText);
    panel.stack->addWidget(panel.view);
    panel.stack->addWidget(panel.placeholder);
    layout->addWidget(panel.stack, 1);
    return panel;
}

QWidget *MonitorMode::createFilterBar()
{
    auto *bar = new QWidget(this);
    bar->setObjectName(QStringLiteral("monitorFilterBar"));
    auto *rows = new QVBoxLayout(bar);
    rows->setContentsMargins(0, 4, 0, 0);
    rows->setSpacing(4);

    auto *top = new QHBoxLayout;
    top->setSpacing(6);
    const auto combo = [bar](const QString &name, const QString &any, const QString &accessible) {
        auto *box = new QComboBox(bar);
        box->setObjectName(name);
        box->setAccessibleName(accessible);
        box->setSizeAdjustPolicy(QComboBox::AdjustToContents);
        box->setMinimumContentsLength(10);
        if (!any.isEmpty())
            box->addItem(any, QString());
        return box;
    };
    m_projectCombo = combo(QStringLiteral("projectFilter"), tr("All projects"), tr("Project"));
    m_pipelineCombo = combo(QStringLiteral("pipelineFilter"), tr("All pipelines"), tr("Pipeline"));
    m_environmentCombo
        = combo(QStringLiteral("environmentFilter"), tr("All environments"), tr("Environment"));
    m_timeRangeCombo = combo(QStringLiteral("timeRangeFilter"), {}, tr("Time range"));
    m_timeRangeCombo->setMinimumContentsLength(0);
    m_timeRangeCombo->addItem(tr("Any time"), qint64(0));
    m_timeRangeCombo->addItem(tr("Last hour"), kHourMs);
    m_timeRangeCombo->addItem(tr("Last 24 hours"), 24 * kHourMs);
    m_timeRangeCombo->addItem(tr("Last 7 days"), 7 * 24 * kHourMs);
    m_timeRangeCombo->setToolTip(tr("Runs queued, running or finished in this period"));
    top->addWidget(m_projectCombo);
    top->addWidget(m_pipelineCombo);
    top->addWidget(m_environmentCombo);
    top->addWidget(m_timeRangeCombo);

    m_search = new QLineEdit(bar);
    m_search->setObjectName(QStringLiteral("runSearch"));
    m_search->setAccessibleName(tr("Search runs"));
    m_search->setPlaceholderText(tr("Search runs: #id, pipeline, environment, who… (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    top->addWidget(m_search, 1);

    auto *intervalLabelWidget = new QLabel(tr("Refresh every"), bar);
    m_intervalCombo = combo(QStringLiteral("pollInterval"), {}, tr("Refresh interval"));
    m_intervalCombo->setMinimumContentsLength(0);
    for (const int ms : { 500, 1000, 2000, 5000 })
        m_intervalCombo->addItem(intervalLabel(ms), ms);
    m_intervalCombo->setCurrentIndex(m_intervalCombo->findData(DefaultPollIntervalMs));
    m_intervalCombo->setToolTip(tr("How often the runs are read from the workspace"));
    intervalLabelWidget->setBuddy(m_intervalCombo);
    top->addSpacing(12);
    top->addWidget(intervalLabelWidget);
    top->addWidget(m_intervalCombo);
    rows->addLayout(top);

    auto *bottom = new QHBoxLayout;
    bottom->setSpacing(2);
    for (const RunState state : std::as_const(m_stateOrder)) {
        auto *button = new QToolButton(bar);
        button->setObjectName(QStringLiteral("stateFilter:") + toString(state));
        button->setCheckable(true);
        button->setAutoRaise(true);
        button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        button->setIcon(Icons::stateDot(state));
        button->setIconSize(QSize(12, 12));
        button->setToolTip(
            tr("Show only %1 runs (combine several to widen)").arg(stateLabel(state)));
        connect(button, &QToolButton::toggled, this, &MonitorMode::applyStates);
        m_stateButtons.insert(state, button);
        bottom->addWidget(button);
    }
    bottom->addStretch(1);
    m_shownLabel = new QLabel(bar);
    m_shownLabel->setObjectName(QStringLiteral("runsShown"));
    m_shownLabel->setForegroundRole(QPalette::PlaceholderText);
    bottom->addWidget(m_shownLabel);
    m_clearButton = new QToolButton(bar);
    m_clearButton->setObjectName(QStringLiteral("clearFilters"));
    m_clearButton->setText(tr("Clear filters"));
    m_clearButton->setAutoRaise(true);
    connect(m_clearButton, &QToolButton::clicked, this, &MonitorMode::clearFilters);
    bottom->addWidget(m_clearButton);
    rows->addLayout(bottom);

    connect(m_projectCombo, &QComboBox::currentIndexChanged, this, [this] {
        m_filter->setProject(m_projectCombo->currentData().toString());
        updatePipelineChoices();
    });
    connect(m_pipelineCombo, &QComboBox::currentIndexChanged, this,
            [this] { m_filter->setPipeline(m_pipelineCombo->currentData().toString()); });
    connect(m_environmentCombo, &QComboBox::currentIndexChanged, this,
            [this] { m_filter->setEnvironment(m_environmentCombo->currentData().toString()); });
    connect(m_timeRangeCombo, &QComboBox::currentIndexChanged, this, &MonitorMode::applyTimeRange);
    connect(m_search, &QLineEdit::textChanged, m_filter, &RunsFilterModel::setText);
    connect(m_intervalCombo, &QComboBox::currentIndexChanged, this, &MonitorMode::onIntervalChosen);
    return bar;
}

QAbstractItemModel *MonitorMode::runningModel() const
{
    return m_running;
}

QAbstractItemModel *MonitorMode::queuedModel() const
{
    return m_queued;
}

QAbstractItemModel *MonitorMode::failuresModel() const
{
    return m_recentFailures;
}

QAbstractButton *MonitorMode::stateButton(RunState state) const
{
    return m_stateButtons.value(state);
}

int MonitorMode::pollInterval() const
{
    return m_intervalCombo->currentData().toInt();
}

void MonitorMode::setPollInterval(int milliseconds)
{
    if (milliseconds <= 0)
        return;
    int index = m_intervalCombo->findData(milliseconds);
    if (index < 0) {
        index = 0;
        while (index < m_intervalCombo->count()
               && m_intervalCombo->itemData(index).toInt() < milliseconds) {
            ++index;
        }
        m_intervalCombo->insertItem(index, intervalLabel(milliseconds), milliseconds);
    }
    m_intervalCombo->setCurrentIndex(index);
}

void MonitorMode::onIntervalChosen()
{
    const int interval = pollInterval();
    if (interval <= 0)
        return;
    QMetaObject::invokeMethod(
        m_monitor, [monitor = m_monitor, interval] { monitor->setInterval(interval); },
        Qt::QueuedConnection);
}

void MonitorMode::refreshNow()
{
    QMetaObject::invokeMethod(m_monitor, &RunMonitor::refreshNow, Qt::QueuedConnection);
}

void MonitorMode::focusSearch()
{
    if (m_pages->currentIndex() != ContentPage)
        return;
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void MonitorMode::clearFilters()
{
    {
        // One refilter for the lot, not one per control.
        const QSignalBlocker projects(m_projectCombo);
        const QSignalBlocker pipelines(m_pipelineCombo);
        const QSignalBlocker environments(m_environmentCombo);
        const QSignalBlocker times(m_timeRangeCombo);
        const QSignalBlocker search(m_search);
        m_projectCombo->setCurrentIndex(0);
        m_pipelineCombo->setCurrentIndex(0);
        m_environmentCombo->setCurrentIndex(0);
        m_timeRangeCombo->setCurrentIndex(0);
        m_search->clear();
        for (QToolButton *button : std::as_const(m_stateButtons)) {
            const QSignalBlocker block(button);
            button->setChecked(false);
        }
    }
    updatePipelineChoices();
    m_filter->clearFilters();
}

void MonitorMode::applyStates()
{
    QSet<RunState> states;
    for (auto it = m_stateButtons.constBegin(); it != m_stateButtons.constEnd(); ++it) {
        if (it.value()->isChecked())
            states.insert(it.key());
    }
    m_filter->setStates(states);
}

void MonitorMode::applyTimeRange()
{
    const qint64 span = m_timeRangeCombo->currentData().toLongLong();
    m_filter->setTimeRange(span > 0 ? QDateTime::currentMSecsSinceEpoch() - span : 0, 0);
}

void MonitorMode::tick()
{
    m_model->setNow(QDateTime::currentMSecsSinceEpoch());
    // The cards show the Duration column's text from column 0: repaint them explicitly.
    m_runningPanel.view->viewport()->update();
    if (++m_ticks % kTimeRangeRefreshTicks == 0)
        applyTimeRange();
    updateTimeline(); // live bars grow to now
}

void MonitorMode::onRunsChanged(const Baton::RunsDelta &delta)
{
    m_model->applyDelta(delta);
    m_loaded = true;
    updateCounts();
    updateFilterChoices();
    updateShown();
    updateEmptyState();
    updateTimeline();
    Q_EMIT runsApplied();
    Q_EMIT deltaApplied(delta);
}

void MonitorMode::onPollFailed(const QString &message)
{
    m_lastError = message;
    m_errorBanner->setText(
        tr("Runs could not be read: %1 — showing the last good data; retrying.").arg(message));
    m_errorBanner->setVisible(true);
    Q_EMIT pollFailed(message);
}

void MonitorMode::onEngineStatus(const QString &holder, qint64 heartbeatAt, qint64 expiresAt)
{
    // Only a good cycle reports the lease: the store is readable again.
    if (!m_lastError.isEmpty()) {
        m_lastError.clear();
        m_errorBanner->clear();
        m_errorBanner->setVisible(false);
    }
    Q_EMIT engineStatusChanged(holder, heartbeatAt, expiresAt);
}

void MonitorMode::showTimeline(bool shown)
{
    m_runsTabs->setCurrentIndex(shown ? 1 : 0);
}

void MonitorMode::updateTimeline()
{
    // Laid out only while it shows: the table's rows are the timeline's runs.
    if (m_runsTabs->currentIndex() != 1)
        return;
    QList<RunRow> rows;
    rows.reserve(m_model->rowCount());
    for (int i = 0; i < m_model->rowCount(); ++i)
        rows << m_model->runAt(i);
    m_timeline->setRuns(rows, QDateTime::currentMSecsSinceEpoch());
}

void MonitorMode::onPlacesChanged(int running, int limit)
{
    m_placesRunning = running;
    m_placesLimit = limit;
    m_limitButton->setText(limit > 0 ? tr("%1 of %2 places in use").arg(running).arg(limit)
                                     : tr("%1 attempts running · limit: CPU count").arg(running));
    m_limitButton->setAccessibleName(m_limitButton->text());
}

void MonitorMode::changeWorkspaceLimit()
{
    if (!m_limitHandler || !m_runActions)
        return;
    const std::optional<int> value = m_limitHandler(m_placesLimit);
    if (!value || *value == m_placesLimit)
        return;
    m_runActions->setWorkspaceLimit(*value);
}

void MonitorMode::updateCounts()
{
    const QMap<RunState, int> counts = m_model->countsByState();
    for (const RunState state : std::as_const(m_stateOrder)) {
        QToolButton *button = m_stateButtons.value(state);
        const int n = counts.value(state);
        button->setText(QStringLiteral("%1 %2").arg(stateLabel(state)).arg(n));
        button->setAccessibleName(tr("%1: %2 runs").arg(stateLabel(state)).arg(n));
    }
    for (Panel *panel : { &m_runningPanel, &m_queuedPanel }) {
        const int rows = panel->view->model()->rowCount();
        panel->count->setText(QString::number(rows));
        panel->stack->setCurrentIndex(rows > 0 ? ListPage : PlaceholderPage);
    }
    m_failuresPanel.count->setText(QString::number(m_failures->rowCount()));
    m_failuresPanel.stack->setCurrentIndex(m_recentFailures->rowCount() > 0 ? ListPage
                                                                            : PlaceholderPage);
}

void MonitorMode::updateFilterChoices()
{
    QMap<QString, QSet<QString>> pipelines;
    QSet<QString> environments;
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const RunRow &run = m_model->runAt(row);
        pipelines[run.project].insert(run.pipeline);
        if (!run.environment.isEmpty())
            environments.insert(run.environment);
    }
    QMap<QString, QStringList> seen;
    for (auto it = pipelines.constBegin(); it != pipelines.constEnd(); ++it) {
        QStringList names(it.value().cbegin(), it.value().cend());
        names.sort(Qt::CaseInsensitive);
        seen.insert(it.key(), names);
    }
    QStringList seenEnvironments(environments.cbegin(), environments.cend());
    seenEnvironments.sort(Qt::CaseInsensitive);
    if (seen == m_seenPipelines && seenEnvironments == m_seenEnvironments)
        return;
    m_seenPipelines = seen;
    m_seenEnvironments = seenEnvironments;

    // Refill without touching the filters: a choice no longer seen stays (and stays chosen).
    const auto refill = [](QComboBox *combo, QStringList names) {
        const QString current = combo->currentData().toString();
        if (!current.isEmpty() && !names.contains(current))
            names << current;
        const QSignalBlocker block(combo);
        const QString any = combo->itemText(0);
        combo->clear();
        combo->addItem(any, QString());
        for (const QString &name : std::as_const(names))
            combo->addItem(name, name);
        combo->setCurrentIndex(std::max(0, combo->findData(current)));
    };
    refill(m_projectCombo, m_seenPipelines.keys());
    refill(m_environmentCombo, m_seenEnvironments);
    updatePipelineChoices();
}

void MonitorMode::updatePipelineChoices()
{
    const QString project = m_projectCombo->currentData().toString();
    QStringList names;
    if (!project.isEmpty()) {
        names = m_seenPipelines.value(project);
    } else {
        QSet<QString> all;
        for (const QStringList &list : std::as_const(m_seenPipelines))
            all.unite(QSet<QString>(list.cbegin(), list.cend()));
        names = QStringList(all.cbegin(), all.cend());
        names.sort(Qt::CaseInsensitive);
    }
    const QString current = m_pipelineCombo->currentData().toString();
    {
        const QSignalBlocker block(m_pipelineCombo);
        const QString any = m_pipelineCombo->itemText(0);
        m_pipelineCombo->clear();
        m_pipelineCombo->addItem(any, QString());
        for (const QString &name : std::as_const(names))
            m_pipelineCombo->addItem(name, name);
        // A pipeline the chosen project does not have is dropped from the filter.
        m_pipelineCombo->setCurrentIndex(std::max(0, m_pipelineCombo->findData(current)));
    }
    m_filter->setPipeline(m_pipelineCombo->currentData().toString());
}

void MonitorMode::updateShown()
{
    const int total = m_model->rowCount();
    const int shown = m_filter->rowCount();
    const bool filtering = !m_filter->project().isEmpty() || !m_filter->pipeline().isEmpty()
        || !m_filter->environment().isEmpty() || !m_filter->states().isEmpty()
        || m_filter->from() > 0 || m_filter->to() > 0 || !m_filter->text().isEmpty();
    const QString runs = total == 1 ? tr("1 run") : tr("%1 runs").arg(total);
    m_shownLabel->setText(filtering ? tr("%1 of %2").arg(shown).arg(runs) : runs);
    m_clearButton->setEnabled(filtering);
    m_tablePages->setCurrentIndex(total > 0 && shown == 0 ? NoMatchPage : TablePage);
}

void MonitorMode::updateEmptyState()
{
    if (!m_loaded) {
        m_emptyState->setText(tr("<p>Reading the runs…</p>"));
    } else {
        // `baton run` has to target this workspace: name it unless it is the default one.
        const QString command = WorkspaceCommand::forAddress(
            m_workspaceDirectory, QStringLiteral("run PROJECT/PIPELINE"));
        const QString muted = Theme::mutedText(palette()).name();
        m_emptyState->setText(
            tr("<p style=\"font-size:x-large\"><b>No runs yet</b></p>"
               "<p>Run a pipeline from the <a href=\"#pipelines\">Pipelines mode</a> (Ctrl+R) "
               "or with <code>%1</code></p>"
               "<p style=\"color:%2\">Runs show up here as soon as they are queued, and move "
               "live.</p>")
                .arg(command.toHtmlEscaped(), muted));
    }
    m_pages->setCurrentIndex(m_loaded && m_model->rowCount() > 0 ? ContentPage : EmptyPage);
}

bool MonitorMode::isShowingEmptyState() const
{
    return m_pages->currentIndex() == EmptyPage;
}

bool MonitorMode::isShowingNoMatch() const
{
    return m_tablePages->currentIndex() == NoMatchPage;
}

qint64 MonitorMode::currentRun() const
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    return current.isValid() ? current.data(RunsTableModel::RunIdRole).toLongLong() : 0;
}

bool MonitorMode::selectRun(qint64 id)
{
    const int sourceRow = m_model->rowOf(id);
    if (sourceRow < 0)
        return false;
    const QModelIndex source = m_model->index(sourceRow, RunsTableModel::RunColumn);
    QModelIndex index = m_filter->mapFromSource(source);
    if (!index.isValid()) {
        clearFilters(); // as the project tree does: what was asked for must be in sight
        index = m_filter->mapFromSource(source);
    }
    if (!index.isValid())
        return false;
    m_table->selectionModel()->setCurrentIndex(
        index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(index);
    return true;
}

void MonitorMode::updateErrorStyle()
{
    m_errorBanner->setStyleSheet(
        QStringLiteral("color: %1; font-weight: bold;").arg(Theme::failure(palette()).name()));
    for (const Panel *panel : { &m_runningPanel, &m_queuedPanel, &m_failuresPanel }) {
        // Text as well as WindowText: on the panel's Base background a label paints with Text.
        const QColor colour = Theme::stateColor(palette(), panel->state);
        QPalette colours = panel->count->palette();
        colours.setColor(QPalette::WindowText, colour);
        colours.setColor(QPalette::Text, colour);
        panel->count->setPalette(colours);
    }
}

void MonitorMode::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange && m_errorBanner) {
        updateErrorStyle();
        updateEmptyState();
    }
}

QString MonitorMode::displayName() const
{
    return tr("Monitor");
}

QIcon MonitorMode::icon() const
{
    return Icons::monitorMode();
}

QKeySequence MonitorMode::shortcut() const
{
    return QKeySequence(Qt::CTRL | Qt::Key_1); // the default mode (DESIGN.md)
}

void MonitorMode::applyContext(const QVariantMap &context)
{
    if (context.contains(QStringLiteral("run")))
        selectRun(context.value(QStringLiteral("run")).toLongLong());
}

QWidget *MonitorMode::initialFocus() const
{
    return m_table;
}

void MonitorMode::saveState(QSettings &settings) const
{
    settings.setValue(QStringLiteral("pollInterval"), pollInterval());
    settings.setValue(QStringLiteral("tableHeader"), m_table->horizontalHeader()->saveState());
    settings.setValue(QStringLiteral("splitter"), m_splitter->saveState());
}

void MonitorMode::restoreState(QSettings &settings)
{
    const int interval = settings.value(QStringLiteral("pollInterval"), 0).toInt();
    if (interval > 0)
        setPollInterval(interval);
    const QByteArray header = settings.value(QStringLiteral("tableHeader")).toByteArray();
    if (!header.isEmpty())
        m_table->horizontalHeader()->restoreState(header);
    const QByteArray splitter = settings.value(QStringLiteral("splitter")).toByteArray();
    if (!splitter.isEmpty())
        m_splitter->restoreState(splitter);
}

void MonitorMode::setUpRunActions(Baton::Workspace *workspace)
{
    m_runActions = new RunActions(workspace, this);
    m_tasksMenu = new TasksMenu(workspace, m_runActions, this);
    const QList<QAction *> actions = m_runActions->runActions();
    // Shortcuts work while the table has focus; the same actions fill the toolbar and menu.
    m_table->addActions(actions);
    auto *bar = new QToolBar(tr("Run actions"), this);
    bar->setObjectName(QStringLiteral("runActionsBar"));
    bar->setIconSize(QSize(16, 16));
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->addActions(actions);
    // Above the Runs / Timeline tabs (the table is inside one of them).
    if (auto *layout = qobject_cast<QVBoxLayout *>(m_runsTabs->parentWidget()->layout()))
        layout->insertWidget(layout->indexOf(m_runsTabs), bar);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_table, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        if (!m_table->indexAt(pos).isValid())
            return;
        QMenu menu(this);
        menu.setObjectName(QStringLiteral("runsContextMenu"));
        menu.addActions(m_runActions->runActions());
        if (m_tasksMenu->runId() > 0) {
            menu.addSeparator();
            menu.addMenu(m_tasksMenu);
        }
        menu.exec(m_table->viewport()->mapToGlobal(pos));
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &MonitorMode::updateRunActions);
    // A selected run that moves (e.g. finishes) changes what can be done with it.
    connect(this, &MonitorMode::runsApplied, this, &MonitorMode::updateRunActions);
    // What an action changed shows at once, not at the next poll.
    connect(m_runActions, &RunActions::finished, this, &MonitorMode::refreshNow);
    updateRunActions();
}

QList<qint64> MonitorMode::selectedRuns() const
{
    QList<qint64> ids;
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    for (const QModelIndex &index : rows)
        ids << index.data(RunsTableModel::RunIdRole).toLongLong();
    return ids;
}

void MonitorMode::updateRunActions()
{
    QList<RunRow> runs;
    const QModelIndexList rows = m_table->selectionModel()->selectedRows();
    for (const QModelIndex &index : rows)
        runs << index.data(RunsTableModel::RunRowRole).value<RunRow>();
    m_runActions->setRuns(runs);
    // One run selected: its tasks are read (again when the run moved) for the Tasks menu.
    const RunRow single = runs.size() == 1 ? runs.first() : RunRow {};
    if (!(single == m_tasksRun)) {
        m_tasksRun = single;
        m_tasksMenu->setRun(single.id);
    }
}

} // namespace Baton::Ui
