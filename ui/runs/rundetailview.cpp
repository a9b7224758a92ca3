#include "rundetailview.h"

#include "ganttview.h"
#include "logs/logview.h"
#include "logs/logviewer.h"
#include "model/durationformat.h"
#include "model/runstate.h"
#include "monitoring/rundetailwatcher.h"
#include "runfactsmodel.h"
#include "runtasksmodel.h"
#include "store/store.h"
#include "widgets/adaptiverow.h"
#include "widgets/adaptivesplitter.h"
#include "widgets/icons.h"
#include "widgets/theme.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QThread>
#include <QTimer>
#include <QTreeView>
#include <QVBoxLayout>

namespace Baton::Ui {

namespace {

QTableView *factsTable(RunFactsModel *model, const QString &name, QWidget *parent)
{
    auto *view = new QTableView(parent);
    view->setObjectName(name);
    view->setModel(model);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setAlternatingRowColors(true);
    view->setShowGrid(false);
    view->setWordWrap(false);
    view->verticalHeader()->setVisible(false);
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    return view;
}

} // namespace

RunDetailView::RunDetailView(const Baton::Store *store, qint64 runId, QWidget *parent,
                             int pollIntervalMs)
    : QWidget(parent)
    , m_store(store)
    , m_runId(runId)
    , m_thread(new QThread(this))
    , m_watcher(new RunDetailWatcher(store))
    , m_clock(new QTimer(this))
    , m_header(new QLabel(this))
    , m_subheader(new QLabel(this))
    , m_error(new QLabel(this))
    , m_gantt(new GanttView(this))
    , m_sections(new QTabWidget(this))
    , m_tasks(new QTreeView(this))
    , m_tasksModel(new RunTasksModel(this))
    , m_versions(new RunFactsModel(RunFactsModel::Kind::Versions, this))
    , m_variables(new RunFactsModel(RunFactsModel::Kind::Variables, this))
    , m_metrics(new RunFactsModel(RunFactsModel::Kind::Metrics, this))
    , m_log(new LogViewer(this))
    , m_compareCombo(new QComboBox(this))
    , m_compareButton(new QPushButton(tr("Compare"), this))
    , m_openLogButton(new QPushButton(tr("Open Log in Tab"), this))
{
    setObjectName(QStringLiteral("runDetail"));
    m_log->view()->setStore(store); // a team workspace's logs come from its database
    m_header->setObjectName(QStringLiteral("runHeader"));
    m_header->setTextFormat(Qt::RichText);
    m_header->setText(tr("<b>Run %1</b> — loading…").arg(runId));
    m_subheader->setObjectName(QStringLiteral("runSubheader"));
    m_subheader->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setObjectName(QStringLiteral("runError"));
    m_error->setVisible(false);
    m_error->setWordWrap(true);

    m_compareCombo->setObjectName(QStringLiteral("compareWith"));
    m_compareCombo->setToolTip(tr("Another run of this pipeline"));
    m_compareCombo->setMinimumContentsLength(16);
    m_compareCombo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_compareButton->setObjectName(QStringLiteral("compareButton"));
    m_compareButton->setEnabled(false);
    m_openLogButton->setObjectName(QStringLiteral("openLogButton"));
    m_openLogButton->setEnabled(false);

    // The run's titles, then Compare and Open Log: under the titles when the tab is narrow
    // (1024×700), the titles wrapping, so that the header never widens the window.
    m_header->setWordWrap(true);
    m_subheader->setWordWrap(true);
    auto *headerRow = new AdaptiveRow(this);
    headerRow->setObjectName(QStringLiteral("runHeaderRow"));
    auto *titles = new QVBoxLayout;
    titles->setSpacing(2);
    titles->addWidget(m_header);
    titles->addWidget(m_subheader);
    headerRow->addLayout(titles, 1);
    auto *compare = new QHBoxLayout;
    compare->addWidget(new QLabel(tr("Compare with"), this));
    compare->addWidget(m_compareCombo);
    compare->addWidget(m_compareButton);
    headerRow->addLayout(compare);
    headerRow->addWidget(m_openLogButton);

    auto *ganttScroll = new QScrollArea(this);
    ganttScroll->setObjectName(QStringLiteral("ganttScroll"));
    ganttScroll->setWidget(m_gantt);
    ganttScroll->setWidgetResizable(true);
    ganttScroll->setFrameShape(QFrame::StyledPanel);

    m_tasks->setObjectName(QStringLiteral("runTasks"));
    m_tasks->setModel(m_tasksModel);
    m_tasks->setAlternatingRowColors(true);
    m_tasks->setUniformRowHeights(true);
    m_tasks->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tasks->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_tasks->header()->setStretchLastSection(true);
    // Room for what the columns hold, measured.
    const auto fit = [this](const QString &sample) {
        return fontMetrics().horizontalAdvance(sample) + 24;
    };
    m_tasks->header()->resizeSection(RunTasksModel::NameColumn,
                                     fit(QStringLiteral("attempt 10 MMMM")));
    m_tasks->header()->resizeSection(RunTasksModel::VersionColumn,
                                     fit(QStringLiteral("reconcile v10")));
    m_tasks->header()->resizeSection(RunTasksModel::StateColumn,
                                     fit(QStringLiteral("● upstream failed")));
    m_tasks->header()->resizeSection(RunTasksModel::AttemptsColumn, fit(tr("Attempts")));
    m_tasks->header()->resizeSection(RunTasksModel::ExitColumn, fit(tr("Exit code")));
    m_tasks->header()->resizeSection(RunTasksModel::StartedColumn, fit(QStringLiteral("00:00:00")));
    m_tasks->header()->resizeSection(RunTasksModel::DurationColumn, fit(QStringLiteral("00m 00s")));

    m_sections->setObjectName(QStringLiteral("runSections"));
    m_sections->setDocumentMode(true);
    m_sections->addTab(m_tasks, tr("Tasks"));
    m_sections->addTab(factsTable(m_versions, QStringLiteral("runVersions"), this), tr("Versions"));
    m_sections->addTab(factsTable(m_variables, QStringLiteral("runVariables"), this),
                       tr("Variables"));
    m_sections->addTab(factsTable(m_metrics, QStringLiteral("runMetrics"), this), tr("Metrics"));

    // Tasks beside the log, or above it when the tab is narrow (1024×700, Review's pane).
    auto *lower = new AdaptiveSplitter(this);
    lower->setObjectName(QStringLiteral("runLowerSplitter"));
    lower->addWidget(m_sections);
    lower->addWidget(m_log);
    lower->setStretchFactor(0, 1);
    lower->setStretchFactor(1, 1);
    lower->setSizes({ 600, 500 });
    auto *split = new QSplitter(Qt::Vertical, this);
    split->setObjectName(QStringLiteral("runSplitter"));
    split->addWidget(ganttScroll);
    split->addWidget(lower);
    split->setStretchFactor(0, 0);
    split->setStretchFactor(1, 1);
    split->setSizes({ 10 * fontMetrics().height(), 500 });

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    layout->addWidget(headerRow);
    layout->addWidget(m_error);
    layout->addWidget(split, 1);

    connect(m_tasks->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex &current) {
                if (!current.isValid())
                    return;
                showAttempt(current.data(RunTasksModel::TaskNameRole).toString(),
                            current.data(RunTasksModel::AttemptRole).toInt());
            });
    connect(m_gantt, &GanttView::attemptClicked, this, [this](const QString &task, int attempt) {
        const QModelIndex index = attempt > 0 ? m_tasksModel->attemptIndex(task, attempt)
                                              : m_tasksModel->taskIndex(task);
        if (attempt > 0)
            m_tasks->expand(index.parent());
        m_tasks->setCurrentIndex(index);
    });
    connect(m_compareButton, &QPushButton::clicked, this, [this] {
        const qint64 other = m_compareCombo->currentData().toLongLong();
        if (other > 0)
            Q_EMIT compareRequested(m_runId, other);
    });
    connect(m_openLogButton, &QPushButton::clicked, this, [this] {
        if (!m_logPath.isEmpty())
            Q_EMIT openLogRequested(
                m_logPath, QStringLiteral("%1 · %2").arg(title(), m_log->title()), m_logLive);
    });

    // The worker/controller pattern: reads on the watcher's thread, batches back here queued.
    m_thread->setObjectName(QStringLiteral("baton-run-%1").arg(runId));
    m_watcher->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_watcher, &QObject::deleteLater);
    connect(m_watcher, &RunDetailWatcher::loaded, this, &RunDetailView::onLoaded);
    connect(m_watcher, &RunDetailWatcher::failed, this, &RunDetailView::onFailed);
    m_thread->start();
    QMetaObject::invokeMethod(
        m_watcher, [w = m_watcher, runId, pollIntervalMs] { w->watch(runId, pollIntervalMs); },
        Qt::QueuedConnection);
    loadSiblings();

    connect(m_clock, &QTimer::timeout, this, &RunDetailView::tick);
}

RunDetailView::~RunDetailView()
{
    m_thread->quit();
    m_thread->wait();
}

const Baton::RunDetail &RunDetailView::detail() const
{
    return m_tasksModel->detail();
}

QString RunDetailView::title() const
{
    const RunDetail &d = detail();
    return d.id > 0 ? tr("Run %1 · %2/%3").arg(d.id).arg(d.project, d.pipeline)
                    : tr("Run %1").arg(m_runId);
}

void RunDetailView::refreshNow()
{
    QMetaObject::invokeMethod(m_watcher, &RunDetailWatcher::refreshNow, Qt::QueuedConnection);
}

void RunDetailView::loadSiblings()
{
    const Store *store = m_store;
    const qint64 runId = m_runId;
    QPointer<RunDetailView> self(this);
    // Read on the watcher's thread (its connection); the answer comes back queued.
    QMetaObject::invokeMethod(
        m_watcher,
        [store, runId, self, target = this] {
            QList<RunDetails::RunChoice> choices;
            try {
                choices = RunDetails::siblings(store->db(), runId);
            } catch (const std::exception &) {
                return; // the combo stays empty; the detail reports store errors itself
            }
            QMetaObject::invokeMethod(
                target,
                [self, choices] {
                    if (!self)
                        return;
                    self->m_compareCombo->clear();
                    for (const RunDetails::RunChoice &c : choices) {
                        self->m_compareCombo->addItem(
                            Icons::stateDot(c.state),
                            tr("#%1 · %2 · %3")
                                .arg(c.id)
                                .arg(stateLabel(c.state), RunTasksModel::timeText(c.createdAt)),
                            c.id);
                    }
                    self->m_compareButton->setEnabled(!choices.isEmpty());
                    if (choices.isEmpty())
                        self->m_compareCombo->setPlaceholderText(tr("no other run yet"));
                },
                Qt::QueuedConnection);
        },
        Qt::QueuedConnection);
}

void RunDetailView::onLoaded(const Baton::RunDetail &detail)
{
    const bool first = !m_loaded;
    m_loaded = true;
    m_lastError.clear();
    m_error->setVisible(false);
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_tasksModel->setNow(now);
    m_tasksModel->setDetail(detail);
    m_gantt->setNow(now);
    m_gantt->setDetail(detail);
    m_versions->setDetail(detail);
    m_variables->setDetail(detail);
    m_sections->setTabToolTip(2,
                              detail.variablesRecorded
                                  ? tr("As this run's jobs got them, recorded when it started")
                                  : tr("Today's definitions: this run started before Baton "
                                       "recorded variables per run"));
    m_metrics->setDetail(detail);
    m_sections->setTabText(
        3,
        detail.metrics.isEmpty() ? tr("Metrics") : tr("Metrics (%1)").arg(detail.metrics.size()));
    updateHeader();
    if (detail.terminal)
        m_clock->stop();
    else if (!m_clock->isActive())
        m_clock->start(1000);

    if (first && !detail.tasks.isEmpty()) {
        // Open on what an operator wants first: a failure, else what runs, else a task that
        // needed retries, else the last to run.
        QString task;
        const auto pick = [&](auto wanted) {
            for (const TaskDetail &t : detail.tasks) {
                if (task.isEmpty() && wanted(t))
                    task = t.name;
            }
        };
        // A task that failed by itself, not one an upstream failure decided away.
        pick([](const TaskDetail &t) { return failedItself(t.state); });
        pick([](const TaskDetail &t) { return isActive(t.state) && t.state != RunState::Queued; });
        pick([](const TaskDetail &t) { return t.attemptList.size() > 1; }); // it needed retries
        for (auto it = detail.tasks.crbegin(); task.isEmpty() && it != detail.tasks.crend(); ++it) {
            if (!it->attemptList.isEmpty())
                task = it->name;
        }
        if (task.isEmpty())
            task = detail.tasks.first().name;
        for (const TaskDetail &t : detail.tasks) {
            if (t.attemptList.size() > 1)
                m_tasks->expand(m_tasksModel->taskIndex(t.name)); // retries in plain sight
        }
        m_tasks->setCurrentIndex(m_tasksModel->taskIndex(task));
        showAttempt(task, 0);
    } else {
        updateLog();
    }
    Q_EMIT detailApplied();
}

void RunDetailView::onFailed(qint64, const QString &message)
{
    m_lastError = message;
    m_error->setText(
        m_loaded ? tr("Could not refresh this run: %1 (showing what was last read)").arg(message)
                 : tr("Could not open run %1: %2").arg(m_runId).arg(message));
    QPalette p = m_error->palette();
    p.setColor(QPalette::WindowText, Theme::failure(palette()));
    m_error->setPalette(p);
    m_error->setVisible(true);
    if (!m_loaded)
        m_header->setText(tr("<b>Run %1</b>").arg(m_runId));
    Q_EMIT loadFailed(message);
}

void RunDetailView::updateHeader()
{
    const RunDetail &d = detail();
    const QString colour = Theme::stateColor(palette(), d.state).name();
    m_header->setText(
        tr("<span style=\"font-size:large\"><b>Run %1</b> &nbsp;%2/%3 "
           "<span style=\"color:%4\">v%5</span> · %6 · "
           "<span style=\"color:%7\">● %8</span></span>")
            .arg(d.id)
            .arg(d.project.toHtmlEscaped(), d.pipeline.toHtmlEscaped(),
                 Theme::mutedText(palette()).name())
            .arg(d.pipelineVersion)
            .arg(d.environment.isEmpty() ? tr("no environment") : d.environment.toHtmlEscaped(),
                 colour, stateLabel(d.state)));
    QStringList parts;
    parts << tr("%1 by %2").arg(d.trigger, d.requestedBy.isEmpty() ? tr("nobody") : d.requestedBy);
    if (!d.logicalDate.isEmpty())
        parts << tr("logical date %1").arg(d.logicalDate);
    parts << tr("queued %1").arg(RunTasksModel::timeText(d.createdAt));
    if (d.startedAt > 0)
        parts << tr("started %1").arg(RunTasksModel::timeText(d.startedAt));
    const qint64 ms = d.durationMs(QDateTime::currentMSecsSinceEpoch());
    if (ms > 0)
        parts << (d.terminal ? tr("ran %1") : tr("active for %1")).arg(durationText(ms));
    if (d.rerunOf > 0)
        parts << tr("rerun of %1").arg(d.rerunOf);
    if (!d.reason.isEmpty())
        parts << d.reason;
    parts << tr("pipeline %1").arg(d.pipelineHash.left(12));
    m_subheader->setText(parts.join(QStringLiteral("  ·  ")));
}

void RunDetailView::showAttempt(const QString &task, int attempt)
{
    m_logTask = task;
    m_logAttempt = attempt;
    m_gantt->setCurrentTask(task);
    updateLog();
}

void RunDetailView::updateLog()
{
    const TaskDetail *task = detail().task(m_logTask);
    const AttemptDetail *attempt = nullptr;
    if (task && !task->attemptList.isEmpty()) {
        attempt = m_logAttempt > 0 && m_logAttempt <= task->attemptList.size()
            ? &task->attemptList.at(m_logAttempt - 1)
            : &task->attemptList.last();
    }
    const QString path = attempt ? attempt->logPath : QString();
    const bool live = attempt && attempt->finishedAt == 0;
    m_logLive = live;
    if (path != m_logPath) {
        m_logPath = path;
        m_log->setLog(
            path, attempt ? tr("%1 · attempt %2").arg(task->name).arg(attempt->number) : m_logTask,
            live);
    } else {
        m_log->setLive(live);
    }
    m_openLogButton->setEnabled(!path.isEmpty());
}

void RunDetailView::tick()
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    m_tasksModel->setNow(now);
    m_gantt->setNow(now);
    updateHeader();
}

} // namespace Baton::Ui
