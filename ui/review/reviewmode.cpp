#include "reviewmode.h"

#include "access/reviewservice.h"
#include "monitoring/runsfiltermodel.h"
#include "monitoring/runstabledelegate.h"
#include "monitoring/runstablemodel.h"
#include "reviewhistorymodel.h"
#include "reviewpanel.h"
#include "runs/rundetailview.h"
#include "store/workspace.h"
#include "widgets/actionicons.h"
#include "widgets/backgroundtask.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QSplitter>
#include <QTableView>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>
#include <algorithm>

namespace Baton::Ui {

namespace {

constexpr int kSignOffLimit = 200;

QLabel *heading(const QString &text, QWidget *parent)
{
    auto *label = new QLabel(text, parent);
    QFont bold = label->font();
    bold.setBold(true);
    label->setFont(bold);
    return label;
}

} // namespace

ReviewMode::ReviewMode(Baton::Workspace *workspace, RunsTableModel *runs, QWidget *parent)
    : Mode(parent)
    , m_workspace(workspace)
    , m_runs(runs)
    , m_filter(new RunsFilterModel(this))
    , m_signOffs(new ReviewHistoryModel(this))
{
    Q_ASSERT(workspace && runs);
    setObjectName(QStringLiteral("reviewMode"));
    m_filter->setObjectName(QStringLiteral("reviewRuns"));
    m_filter->setSourceModel(m_runs);
    m_filter->setFinishedOnly(true);
    // Each column sorts by its own value (RunsFilterModel's SortRole), as in the Monitor.

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 4);
    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->setObjectName(QStringLiteral("reviewSplitter"));
    layout->addWidget(m_splitter);

    auto *top = new QSplitter(Qt::Horizontal, m_splitter);
    m_top = top;
    top->setObjectName(QStringLiteral("reviewTopSplitter"));
    top->setChildrenCollapsible(false);
    auto *left = new QWidget(top);
    auto *leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    auto *bar = new QHBoxLayout;
    m_scopeCombo = new QComboBox(left);
    m_scopeCombo->setObjectName(QStringLiteral("reviewScope"));
    m_scopeCombo->setAccessibleName(tr("Which runs"));
    m_scopeCombo->addItem(tr("Awaiting review"), AwaitingReview);
    m_scopeCombo->addItem(tr("Approved"), Approved);
    m_scopeCombo->addItem(tr("Rejected"), Rejected);
    m_scopeCombo->addItem(tr("All finished runs"), AllFinished);
    m_search = new QLineEdit(left);
    m_search->setObjectName(QStringLiteral("reviewSearch"));
    m_search->setPlaceholderText(tr("Search: #id, pipeline, environment, who…"));
    m_search->setClearButtonEnabled(true);
    m_count = new QLabel(left);
    m_count->setObjectName(QStringLiteral("reviewCount"));
    m_count->setForegroundRole(QPalette::PlaceholderText);
    bar->addWidget(m_scopeCombo);
    bar->addWidget(m_search, 1);
    bar->addWidget(m_count);
    leftLayout->addLayout(bar);

    m_table = new QTableView(left);
    m_table->setObjectName(QStringLiteral("reviewRunsTable"));
    m_table->setAccessibleName(tr("Runs to review"));
    m_table->setModel(m_filter);
    m_table->setItemDelegate(new RunsTableDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection); // bulk sign-off
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->setWordWrap(false);
    m_table->setSortingEnabled(true);
    m_table->verticalHeader()->setVisible(false);
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 10);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    // What a steward judges a run by: what ran, where, how it ended and its review.
    for (const int column :
         { int(RunsTableModel::TriggerColumn), int(RunsTableModel::DurationColumn),
           int(RunsTableModel::ProgressColumn) })
        m_table->setColumnHidden(column, true);
    const int em = fontMetrics().horizontalAdvance(QLatin1Char('M'));
    const auto fit = [this](const char *sample) {
        return fontMetrics().horizontalAdvance(QLatin1String(sample)) + 18;
    };
    const QList<QPair<int, int>> widths {
        { RunsTableModel::RunColumn, fit("#000000") },
        { RunsTableModel::PipelineColumn, 12 * em },
        { RunsTableModel::VersionColumn, fit("Version") },
        { RunsTableModel::EnvironmentColumn, fit("Environment") },
        { RunsTableModel::StateColumn, fit("upstream failed") },
        { RunsTableModel::StartedColumn, fit("2000-00-00 00:00:00") },
        { RunsTableModel::TasksColumn, 9 * em },
    };
    for (const auto &[column, width] : widths)
        m_table->horizontalHeader()->resizeSection(column, width);
    leftLayout->addWidget(m_table, 1);

    // The run under review, opened in place between the queue and the sign-off.
    m_detailBox = new QWidget(top);
    m_detailBox->setObjectName(QStringLiteral("reviewRunDetail"));
    auto *detailLayout = new QVBoxLayout(m_detailBox);
    detailLayout->setContentsMargins(0, 0, 0, 0);
    auto *detailBar = new QHBoxLayout;
    detailBar->addStretch(1); // the run's own header says which run it is
    m_openAction = new QAction(tr("&Open Run"), this);
    m_openAction->setObjectName(QStringLiteral("reviewOpenRunAction"));
    m_openAction->setShortcut(QKeySequence(Qt::Key_Return));
    m_openAction->setShortcutContext(Qt::WidgetShortcut); // the queue's own Enter
    m_openAction->setToolTip(tr("Show the run's versions, parameters, metrics and logs beside "
                                "the sign-off (Enter, double-click)"));
    m_openInTabAction = new QAction(tr("Open in a &Tab"), this);
    m_openInTabAction->setObjectName(QStringLiteral("reviewOpenInTabAction"));
    m_openInTabAction->setToolTip(tr("Open the run as a tab of its own"));
    m_closeAction = new QAction(tr("&Close Run"), this);
    m_closeAction->setObjectName(QStringLiteral("reviewCloseRunAction"));
    m_closeAction->setToolTip(tr("Hide the run's detail"));
    for (QAction *action : { m_openInTabAction, m_closeAction }) {
        auto *b = new QToolButton(m_detailBox);
        b->setDefaultAction(action);
        b->setAutoRaise(true);
        detailBar->addWidget(b);
    }
    detailLayout->addLayout(detailBar);
    m_detailBox->setVisible(false);

    m_panel = new ReviewPanel(workspace, top);
    top->addWidget(left);
    top->addWidget(m_detailBox);
    top->addWidget(m_panel);
    top->setStretchFactor(0, 3);
    top->setStretchFactor(1, 4);
    top->setStretchFactor(2, 2);

    // Double-click, Enter and the context menu open the run; the menu also signs off.
    m_table->addAction(m_openAction);
    m_table->addAction(m_openInTabAction);
    auto *separator = new QAction(this);
    separator->setSeparator(true);
    m_table->addAction(separator);
    m_table->addAction(m_panel->approveAction());
    m_table->addAction(m_panel->rejectAction());
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    connect(m_table, &QAbstractItemView::activated, this, [this](const QModelIndex &index) {
        openRun(index.data(RunsTableModel::RunIdRole).toLongLong());
    });
    connect(m_openAction, &QAction::triggered, this, [this] { openRun(currentRun()); });
    connect(m_openInTabAction, &QAction::triggered, this, [this] {
        const qint64 id = m_detail ? m_detail->runId() : currentRun();
        if (id > 0)
            Q_EMIT openRunRequested(id);
    });
    connect(m_closeAction, &QAction::triggered, this, &ReviewMode::closeRun);

    auto *bottom = new QWidget(m_splitter);
    auto *bottomLayout = new QVBoxLayout(bottom);
    bottomLayout->setContentsMargins(0, 4, 0, 0);
    bottomLayout->addWidget(heading(tr("Sign-off history"), bottom));
    m_signOffsView = new QTreeView(bottom);
    m_signOffsView->setObjectName(QStringLiteral("signOffHistory"));
    m_signOffsView->setAccessibleName(tr("Sign-off history"));
    m_signOffsView->setModel(m_signOffs);
    m_signOffsView->setRootIsDecorated(false);
    m_signOffsView->setUniformRowHeights(true);
    m_signOffsView->setAlternatingRowColors(true);
    m_signOffsView->header()->setStretchLastSection(true);
    m_signOffsView->header()->resizeSection(
        ReviewHistoryModel::WhenColumn,
        fontMetrics().horizontalAdvance(QStringLiteral("2000-00-00 00:00")) + 24);
    m_signOffsView->header()->resizeSection(ReviewHistoryModel::PipelineColumn,
                                            14 * fontMetrics().horizontalAdvance(QLatin1Char('M')));
    bottomLayout->addWidget(m_signOffsView, 1);
    m_splitter->addWidget(top);
    m_splitter->addWidget(bottom);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 1);

    connect(m_scopeCombo, &QComboBox::currentIndexChanged, this, &ReviewMode::applyScope);
    connect(m_search, &QLineEdit::textChanged, m_filter, &RunsFilterModel::setText);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &ReviewMode::updateCurrent);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this,
            &ReviewMode::updateCurrent);
    // The shown run moves with the runs model (a sign-off from another console, a rerun).
    connect(m_runs, &QAbstractItemModel::dataChanged, this, &ReviewMode::updateCurrent);
    connect(m_runs, &QAbstractItemModel::modelReset, this, &ReviewMode::updateCurrent);
    for (const auto signal :
         { &QAbstractItemModel::rowsInserted, &QAbstractItemModel::rowsRemoved })
        connect(m_filter, signal, this, &ReviewMode::updateCount);
    connect(m_filter, &QAbstractItemModel::modelReset, this, &ReviewMode::updateCount);
    connect(m_filter, &RunsFilterModel::filtersChanged, this, &ReviewMode::updateCount);
    connect(m_panel, &ReviewPanel::reviewed, this, [this](qint64 runId) {
        refreshSignOffs();
        Q_EMIT reviewed(runId);
        Q_EMIT statusMessage(tr("Review of run %1 saved").arg(runId), 10000);
        Q_EMIT wroteWorkspace();
    });
    connect(m_signOffsView, &QAbstractItemView::doubleClicked, this,
            [this](const QModelIndex &index) {
                selectRun(index.data(ReviewHistoryModel::RunIdRole).toLongLong());
            });
    applyScope();
    m_table->sortByColumn(RunsTableModel::RunColumn, Qt::DescendingOrder); // newest first
}

ReviewMode::~ReviewMode() = default; // a read in flight is dropped, not waited for

ReviewMode::Scope ReviewMode::scope() const
{
    return Scope(m_scopeCombo->currentData().toInt());
}

void ReviewMode::setScope(Scope scope)
{
    m_scopeCombo->setCurrentIndex(std::max(0, m_scopeCombo->findData(int(scope))));
}

void ReviewMode::applyScope()
{
    switch (scope()) {
    case AwaitingReview:
        m_filter->setReviewStates({ QStringLiteral("pending") });
        break;
    case Approved:
        m_filter->setReviewStates({ QStringLiteral("approved") });
        break;
    case Rejected:
        m_filter->setReviewStates({ QStringLiteral("rejected") });
        break;
    case AllFinished:
        m_filter->setReviewStates({});
        break;
    }
    updateCount();
    updateCurrent();
}

void ReviewMode::updateCount()
{
    const int n = m_filter->rowCount();
    m_count->setText(n == 1 ? tr("1 run") : tr("%1 runs").arg(n));
    // A review queue: with nothing chosen, the newest run waiting is the one to look at.
    if (n > 0 && !m_table->selectionModel()->currentIndex().isValid()) {
        m_table->selectionModel()->setCurrentIndex(m_filter->index(0, RunsTableModel::RunColumn),
                                                   QItemSelectionModel::ClearAndSelect
                                                       | QItemSelectionModel::Rows);
    }
}

qint64 ReviewMode::currentRun() const
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    return current.isValid() ? current.data(RunsTableModel::RunIdRole).toLongLong() : 0;
}

QList<qint64> ReviewMode::selectedRuns() const
{
    QList<qint64> ids;
    for (int row = 0; row < m_filter->rowCount(); ++row) {
        const QModelIndex index = m_filter->index(row, RunsTableModel::RunColumn);
        if (m_table->selectionModel()->isRowSelected(row, {}))
            ids << index.data(RunsTableModel::RunIdRole).toLongLong();
    }
    return ids;
}

void ReviewMode::updateCurrent()
{
    const QModelIndex current = m_table->selectionModel()->currentIndex();
    const QModelIndexList rows = m_table->selectionModel()->selectedRows(RunsTableModel::RunColumn);
    if (rows.size() > 1) {
        QList<std::pair<int, RunRow>> selected;
        for (const QModelIndex &index : rows)
            selected.append(
                { index.row(), index.data(RunsTableModel::RunRowRole).value<RunRow>() });
        std::sort(selected.begin(), selected.end(),
                  [](const auto &a, const auto &b) { return a.first < b.first; });
        QList<RunRow> runs;
        for (const auto &[row, run] : selected)
            runs << run;
        m_panel->setRuns(runs);
    } else if (current.isValid()) {
        m_panel->setRun(current.data(RunsTableModel::RunRowRole).value<RunRow>());
    }
    // An opened run follows the current one down the queue.
    if (m_detail && current.isValid())
        showDetail(current.data(RunsTableModel::RunIdRole).toLongLong());
    if (rows.size() > 1 || current.isValid())
        return;
    // The run shown may have left the scope (just signed off): keep showing it while tracked.
    const int row = m_runs->rowOf(m_panel->runId());
    m_panel->setRun(row >= 0 ? m_runs->runAt(row) : RunRow {});
}

bool ReviewMode::selectRun(qint64 id)
{
    const int sourceRow = m_runs->rowOf(id);
    if (sourceRow < 0)
        return false;
    const QModelIndex source = m_runs->index(sourceRow, RunsTableModel::RunColumn);
    QModelIndex index = m_filter->mapFromSource(source);
    if (!index.isValid()) {
        m_search->clear();
        setScope(AllFinished);
        index = m_filter->mapFromSource(source);
    }
    if (!index.isValid())
        return false; // not finished: nothing to review yet
    m_table->selectionModel()->setCurrentIndex(
        index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(index);
    return true;
}

void ReviewMode::openRun(qint64 id)
{
    if (id <= 0)
        return;
    if (currentRun() != id)
        selectRun(id);
    const bool first = !m_detailBox->isVisible() && !m_detail;
    showDetail(id);
    if (first) {
        // Room for the run: the queue keeps its key columns, the sign-off its box. Once the
        // detail pane is laid out (it was hidden until now).
        QMetaObject::invokeMethod(
            this,
            [this] {
                const int width = m_top->width();
                m_top->setSizes({ width * 27 / 100, width * 51 / 100, width * 22 / 100 });
            },
            Qt::QueuedConnection);
    }
}

void ReviewMode::showDetail(qint64 id)
{
    if (m_detail && m_detail->runId() == id)
        return;
    delete m_detail; // its watcher thread stops with it
    // The same view as a run's tab: it reads the run on its own thread, never on this one.
    m_detail = new RunDetailView(&m_workspace->store(), id, m_detailBox);
    m_detail->setObjectName(QStringLiteral("reviewRunDetailView"));
    m_detailBox->layout()->addWidget(m_detail);
    connect(m_detail, &RunDetailView::compareRequested, this, &ReviewMode::compareRequested);
    connect(m_detail, &RunDetailView::openLogRequested, this, &ReviewMode::openLogRequested);
    m_detailBox->setVisible(true);
}

void ReviewMode::closeRun()
{
    delete m_detail;
    m_detail = nullptr;
    m_detailBox->setVisible(false);
    m_table->setFocus();
}

void ReviewMode::refreshSignOffs()
{
    if (m_signOffsInFlight) {
        m_signOffsAgain = true; // the answer in flight may predate what the caller wants
        return;
    }
    m_signOffsInFlight = true;
    const Store *store = &m_workspace->store();
    BackgroundTask::run(
        this, BackgroundTask::lane(QStringLiteral("review-signoffs")),
        [store] {
            try {
                return ReviewService::recentSignOffs(store->db(), kSignOffLimit);
            } catch (const std::exception &) {
                // The runs list shows read errors already.
                return QList<ReviewEntry> {};
            }
        },
        [this](const QList<ReviewEntry> &entries) {
            m_signOffsInFlight = false;
            m_signOffs->setEntries(entries);
            Q_EMIT signOffsLoaded();
            if (m_signOffsAgain) {
                m_signOffsAgain = false;
                refreshSignOffs();
            }
        });
}

void ReviewMode::onRunsChanged(const Baton::RunsDelta &delta)
{
    qint64 mark = m_reviewMark;
    for (const QList<RunRow> *rows : { &delta.added, &delta.updated }) {
        for (const RunRow &run : *rows)
            mark = std::max(mark, run.reviewUpdatedAt);
    }
    if (mark == m_reviewMark)
        return;
    const bool first = m_reviewMark == 0 && delta.reset;
    m_reviewMark = mark;
    if (first)
        return; // the history already on screen, or read when shown
    if (isVisible())
        refreshSignOffs();
    else
        m_signOffsStale = true;
}

void ReviewMode::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_signOffsStale = false;
    refreshSignOffs();
}

QString ReviewMode::displayName() const
{
    return tr("Review");
}

QIcon ReviewMode::icon() const
{
    return Icons::reviewMode();
}

QKeySequence ReviewMode::shortcut() const
{
    return QKeySequence(Qt::CTRL | Qt::Key_5);
}

void ReviewMode::applyContext(const QVariantMap &context)
{
    if (context.contains(QStringLiteral("run")))
        selectRun(context.value(QStringLiteral("run")).toLongLong());
}

QWidget *ReviewMode::initialFocus() const
{
    return m_table;
}

} // namespace Baton::Ui
