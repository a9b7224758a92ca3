#include "pipelineeditor.h"

#include "dagscene.h"
#include "editorcommands.h"
#include "editorview.h"
#include "engine/runservice.h"
#include "joblistmodel.h"
#include "layeredlayout.h"
#include "minimapview.h"
#include "model/specjson.h"
#include "savepipelinedialog.h"
#include "store/pipelinesaver.h"
#include "store/store.h"
#include "taskpropertiespanel.h"
#include "util/error.h"
#include "widgets/backgroundtask.h"
#include "widgets/theme.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QMimeData>
#include <QPointer>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QTimer>
#include <QToolBar>
#include <QUndoStack>
#include <QVBoxLayout>

namespace Baton::Ui {

namespace {

constexpr qreal kColumnGap = 80;
constexpr int kOverlayPollMs = 1500;
constexpr int kRunsListed = 30;
const char kClipboardType[] = "application/x-baton-tasks";

QList<EditorJob> editorJobs(const QList<JobInfo> &jobs)
{
    QList<EditorJob> result;
    for (const JobInfo &j : jobs)
        result << EditorJob { j.name, j.technology, j.version, j.command };
    return result;
}

} // namespace

PipelineEditor::PipelineEditor(QWidget *parent)
    : QWidget(parent)
    , m_model(new PipelineGraphModel(this))
    , m_undo(new QUndoStack(this))
    , m_scene(new DagScene(m_model, this))
    , m_view(new EditorView(m_scene, this))
    , m_minimap(new MinimapView(m_view, m_view))
    , m_jobs(new JobListModel(this))
    , m_paletteProxy(new QSortFilterProxyModel(this))
    , m_properties(new TaskPropertiesPanel(m_model, this))
    , m_title(new QLabel(this))
    , m_banner(new QLabel(this))
    , m_bannerTimer(new QTimer(this))
    , m_toolbar(new QToolBar(this))
    , m_search(new QLineEdit(this))
    , m_runCombo(new QComboBox(this))
    , m_overlayTimer(new QTimer(this))
{
    setObjectName(QStringLiteral("pipelineEditor"));

    createActions();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);

    auto *header = new QHBoxLayout;
    header->setContentsMargins(10, 6, 6, 0);
    QFont titleFont = m_title->font();
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setObjectName(QStringLiteral("editorTitle"));
    header->addWidget(m_title, 1);
    layout->addLayout(header);

    m_toolbar->setObjectName(QStringLiteral("editorToolbar"));
    m_toolbar->setIconSize(QSize(16, 16));
    m_toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_toolbar->addAction(m_saveAction);
    m_toolbar->addSeparator();
    m_toolbar->addAction(m_undoAction);
    m_toolbar->addAction(m_redoAction);
    m_toolbar->addAction(m_deleteAction);
    m_toolbar->addSeparator();
    m_toolbar->addAction(m_layoutAction);
    m_toolbar->addAction(m_fitAction);
    m_toolbar->addSeparator();
    m_search->setObjectName(QStringLiteral("taskSearch"));
    m_search->setPlaceholderText(tr("Find a task (Ctrl+F)"));
    m_search->setClearButtonEnabled(true);
    m_search->setMaximumWidth(200);
    m_toolbar->addWidget(m_search);
    m_toolbar->addSeparator();
    auto *overlayLabel = new QLabel(tr(" Live overlay: "), this);
    m_toolbar->addWidget(overlayLabel);
    m_runCombo->setObjectName(QStringLiteral("overlayRun"));
    m_runCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_runCombo->setToolTip(tr("Colour the tasks with the states of a run, live"));
    m_runCombo->addItem(tr("none"), qint64(0));
    m_toolbar->addWidget(m_runCombo);
    auto *spacer = new QWidget(this);
    spacer->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_toolbar->addWidget(spacer);
    m_toolbar->addAction(m_closeAction);
    layout->addWidget(m_toolbar);

    m_banner->setObjectName(QStringLiteral("editorBanner"));
    m_banner->setWordWrap(true);
    m_banner->setMargin(8);
    m_banner->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_banner->hide();
    layout->addWidget(m_banner);
    m_bannerTimer->setSingleShot(true);
    m_bannerTimer->setInterval(12000);
    connect(m_bannerTimer, &QTimer::timeout, m_banner, &QWidget::hide);

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName(QStringLiteral("editorSplitter"));
    splitter->addWidget(createPalette());
    splitter->addWidget(m_view);
    splitter->addWidget(createSidePanel());
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setStretchFactor(2, 0);
    splitter->setCollapsible(1, false);
    splitter->setSizes({ 190, 800, 260 });
    layout->addWidget(splitter, 1);

    // The minimap floats in the canvas's bottom-right corner.
    m_minimap->raise();
    auto placeMinimap = [this] {
        const QRect r = m_view->viewport()->geometry();
        m_minimap->move(r.right() - m_minimap->width() - 10, r.bottom() - m_minimap->height() - 10);
    };
    connect(m_view, &EditorView::visibleRectChanged, this, placeMinimap);

    connect(m_scene, &QGraphicsScene::selectionChanged, this, &PipelineEditor::onSelectionChanged);
    // Queued: a gesture's item may be deleted by the command it causes.
    connect(
        m_scene, &DagScene::connectRequested, this,
        [this](NodeId from, NodeId to) { requestConnection(from, to); }, Qt::QueuedConnection);
    connect(
        m_scene, &DagScene::reconnectRequested, this,
        [this](NodeId from, NodeId oldTo, NodeId newTo) {
            if (!m_model->hasEdge(from, oldTo))
                return;
            // Judge the new edge without the old one: the cycle check must not count it.
            const EdgeCondition c = *m_model->condition(from, oldTo);
            m_model->disconnectTasks(from, oldTo);
            const QString why = m_model->connectionError(from, newTo);
            m_model->connectTasks(from, oldTo, c);
            if (!why.isEmpty()) {
                showMessage(tr("Not reconnected: %1").arg(why), true);
                return;
            }
            m_undo->push(EditorCommands::reconnect(m_model, from, oldTo, newTo));
            m_scene->selectEdge(from, newTo);
        },
        Qt::QueuedConnection);
    connect(m_scene, &DagScene::movesFinished, this, &PipelineEditor::onMovesFinished);
    connect(m_scene, &DagScene::deleteRequested, this, &PipelineEditor::deleteSelection);
    connect(m_view, &EditorView::jobDropped, this, &PipelineEditor::onJobDropped);
    connect(m_properties, &TaskPropertiesPanel::taskEdited, this,
            [this](NodeId id, const EditorTask &task) {
                m_undo->push(EditorCommands::updateTask(m_model, id, task));
            });
    connect(m_properties, &TaskPropertiesPanel::conditionEdited, this,
            [this](NodeId from, NodeId to, EdgeCondition condition) {
                m_undo->push(EditorCommands::setCondition(m_model, from, to, condition));
            });
    connect(m_properties, &TaskPropertiesPanel::editRefused, this,
            [this](const QString &message) { showMessage(message, true); });
    connect(m_model, &PipelineGraphModel::changed, this, [this] {
        // A refusal (a cycle named, a problem to fix) is about the state before this edit.
        if (m_bannerError)
            m_banner->hide();
        m_bannerError = false;
        // Validation runs once per burst of changes (a paste adds many tasks).
        if (m_problemsDirty)
            return;
        m_problemsDirty = true;
        QTimer::singleShot(0, this, [this] {
            m_problemsDirty = false;
            updateProblems();
            updateTitle();
            updateActions();
        });
    });
    connect(m_undo, &QUndoStack::cleanChanged, this, &PipelineEditor::updateTitle);
    connect(m_search, &QLineEdit::returnPressed, this, [this] {
        if (!m_search->text().trimmed().isEmpty() && !findTask(m_search->text().trimmed()))
            showMessage(tr("No task matches “%1”.").arg(m_search->text().trimmed()));
    });
    connect(m_runCombo, &QComboBox::activated, this,
            [this](int index) { setOverlayRun(m_runCombo->itemData(index).toLongLong()); });
    m_overlayTimer->setInterval(kOverlayPollMs);
    connect(m_overlayTimer, &QTimer::timeout, this, &PipelineEditor::pollOverlay);

    updateTitle();
    updateActions();
}

PipelineEditor::~PipelineEditor()
{
    // Store jobs in flight are not waited for: their answers to this object are dropped.
    m_overlayTimer->stop();
    m_undo->clear();
    // Children go in the order they were made: the model before the scene, whose clear() would
    // announce a selection change to the properties panel, which reads the model (a crash seen
    // ~1 in 25 test runs).
    m_scene->blockSignals(true);
}

void PipelineEditor::createActions()
{
    auto make = [this](const QString &text, const QKeySequence &key, const QString &name) {
        auto *a = new QAction(text, this);
        a->setObjectName(name);
        if (!key.isEmpty())
            a->setShortcut(key);
        // Only while the editor has focus: the main window has its own Ctrl+… keys.
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        addAction(a);
        return a;
    };
    m_saveAction = make(tr("&Save…"), QKeySequence::Save, QStringLiteral("editorSave"));
    m_saveAction->setToolTip(tr("Save as a new version (Ctrl+S)"));
    connect(m_saveAction, &QAction::triggered, this, &PipelineEditor::save);
    m_undoAction = m_undo->createUndoAction(this, tr("&Undo"));
    m_undoAction->setShortcut(QKeySequence::Undo);
    m_undoAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_undoAction->setObjectName(QStringLiteral("editorUndo"));
    addAction(m_undoAction);
    m_redoAction = m_undo->createRedoAction(this, tr("&Redo"));
    m_redoAction->setShortcuts({ QKeySequence::Redo, QKeySequence(Qt::CTRL | Qt::Key_Y) });
    m_redoAction->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_redoAction->setObjectName(QStringLiteral("editorRedo"));
    addAction(m_redoAction);
    m_deleteAction = make(tr("&Delete"), QKeySequence::Delete, QStringLiteral("editorDelete"));
    connect(m_deleteAction, &QAction::triggered, this, &PipelineEditor::deleteSelection);
    m_copyAction = make(tr("&Copy"), QKeySequence::Copy, QStringLiteral("editorCopy"));
    connect(m_copyAction, &QAction::triggered, this, &PipelineEditor::copySelection);
    m_pasteAction = make(tr("&Paste"), QKeySequence::Paste, QStringLiteral("editorPaste"));
    connect(m_pasteAction, &QAction::triggered, this, &PipelineEditor::paste);
    m_selectAllAction
        = make(tr("Select &All"), QKeySequence::SelectAll, QStringLiteral("editorSelectAll"));
    connect(m_selectAllAction, &QAction::triggered, this, [this] {
        // One container: begin() and end() of two temporaries made a range over freed memory.
        const std::vector<NodeId> ids = m_model->taskIds();
        m_scene->selectTasks(QList<NodeId>(ids.begin(), ids.end()));
    });
    m_layoutAction
        = make(tr("&Arrange"), QKeySequence(Qt::CTRL | Qt::Key_L), QStringLiteral("editorLayout"));
    m_layoutAction->setToolTip(tr("Lay the tasks out left to right (Ctrl+L)"));
    connect(m_layoutAction, &QAction::triggered, this, &PipelineEditor::autoLayout);
    // Ctrl+0 is the main window's View → Fit Graph, which fits this canvas while it shows:
    // a second binding here made the key ambiguous (it did nothing).
    m_fitAction = make(tr("&Fit"), QKeySequence(), QStringLiteral("editorFit"));
    m_fitAction->setToolTip(tr("Show the whole pipeline (Ctrl+0)"));
    connect(m_fitAction, &QAction::triggered, m_view, &EditorView::fitGraph);
    // Ctrl+F as well is the main window's (Filter Project Tree), which calls focusTaskSearch().
    m_findAction = make(tr("&Find Task"), QKeySequence(), QStringLiteral("editorFind"));
    connect(m_findAction, &QAction::triggered, this, &PipelineEditor::focusTaskSearch);
    m_closeAction = make(tr("Close Editor"), QKeySequence(), QStringLiteral("editorClose"));
    m_closeAction->setToolTip(tr("Back to the pipeline's details"));
    connect(m_closeAction, &QAction::triggered, this, &PipelineEditor::closeRequested);
}

QWidget *PipelineEditor::createPalette()
{
    auto *panel = new QWidget(this);
    auto *layout = new QVBoxLayout(panel);
    layout->setContentsMargins(6, 6, 0, 6);
    layout->setSpacing(6);
    auto *title = new QLabel(tr("Jobs"), panel);
    QFont bold = title->font();
    bold.setBold(true);
    title->setFont(bold);
    layout->addWidget(title);
    m_paletteFilter = new QLineEdit(panel);
    m_paletteFilter->setObjectName(QStringLiteral("paletteFilter"));
    m_paletteFilter->setPlaceholderText(tr("Search jobs"));
    m_paletteFilter->setClearButtonEnabled(true);
    layout->addWidget(m_paletteFilter);
    m_paletteProxy->setSourceModel(m_jobs);
    m_paletteProxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_paletteProxy->setSortCaseSensitivity(Qt::CaseInsensitive);
    m_paletteProxy->sort(0);
    connect(m_paletteFilter, &QLineEdit::textChanged, m_paletteProxy,
            &QSortFilterProxyModel::setFilterFixedString);
    m_paletteView = new QListView(panel);
    m_paletteView->setObjectName(QStringLiteral("jobPalette"));
    m_paletteView->setAccessibleName(tr("Jobs to add as tasks"));
    m_paletteView->setModel(m_paletteProxy);
    m_paletteView->setDragEnabled(true);
    m_paletteView->setDragDropMode(QAbstractItemView::DragOnly);
    m_paletteView->setDefaultDropAction(Qt::CopyAction);
    m_paletteView->setUniformItemSizes(true);
    m_paletteView->setIconSize(QSize(10, 10)); // the technology's colour, as on the cards
    m_paletteView->setToolTip(tr("Drag a job onto the canvas, or press Enter, to add a task"));
    layout->addWidget(m_paletteView, 1);
    // Keyboard path: Enter (or a double click) adds the job in the middle of the view.
    connect(m_paletteView, &QListView::activated, this, [this](const QModelIndex &index) {
        const NodeId id
            = addTaskForJob(index.data(JobListModel::JobNameRole).toString(), m_view->viewCentre());
        if (id >= 0)
            m_scene->selectTasks({ id });
    });
    return panel;
}

QWidget *PipelineEditor::createSidePanel()
{
    auto *panel = new QWidget(this);
    auto *layout = new QVBoxLayout(panel);
    layout->setContentsMargins(0, 0, 6, 6);
    layout->addWidget(m_properties);
    m_problemsTitle = new QLabel(panel);
    QFont bold = m_problemsTitle->font();
    bold.setBold(true);
    m_problemsTitle->setFont(bold);
    m_problemsTitle->setContentsMargins(8, 0, 0, 0);
    layout->addWidget(m_problemsTitle);
    m_problems = new QListWidget(panel);
    m_problems->setObjectName(QStringLiteral("editorProblems"));
    m_problems->setAccessibleName(tr("Problems that block saving"));
    m_problems->setWordWrap(true);
    m_problems->setToolTip(tr("Click a problem to select what it is about"));
    layout->addWidget(m_problems, 1);
    connect(m_problems, &QListWidget::itemClicked, this, &PipelineEditor::onProblemActivated);
    connect(m_problems, &QListWidget::itemActivated, this, &PipelineEditor::onProblemActivated);
    return panel;
}

void PipelineEditor::focusTaskSearch()
{
    m_search->setFocus(Qt::ShortcutFocusReason);
    m_search->selectAll();
}

void PipelineEditor::setStore(const Store *store)
{
    m_store = store;
}

void PipelineEditor::open(const PipelineInfo &pipeline, const QList<JobInfo> &jobs)
{
    m_project = pipeline.project;
    setOverlayRun(0);
    m_undo->clear();
    m_model->setJobs(editorJobs(jobs));
    m_jobs->setJobs(m_model->jobs());
    m_model->load(pipeline.project, Catalog::pipelineSpec(pipeline), pipeline.version);
    m_model->setPositions(layoutPositions());
    m_scene->setSceneRect(QRectF());
    m_scene->updateSceneRect();
    m_undo->setClean();
    m_view->fitWhenShown(); // 100 % or fit, whichever is smaller, in the size it is shown at
    m_minimap->refit();
    m_banner->hide();
    updateProblems();
    updateTitle();
    updateActions();
    refreshRuns();
}

void PipelineEditor::updateJobs(const QList<JobInfo> &jobs)
{
    QList<JobInfo> mine;
    for (const JobInfo &j : jobs) {
        if (j.project == m_project)
            mine << j;
    }
    const QList<EditorJob> next = editorJobs(mine);
    bool same = next.size() == m_model->jobs().size();
    for (qsizetype i = 0; same && i < next.size(); ++i) {
        const EditorJob &a = next.at(i);
        const EditorJob &b = m_model->jobs().at(i);
        same = a.name == b.name && a.version == b.version && a.technology == b.technology
            && a.command == b.command;
    }
    if (same)
        return;
    m_model->setJobs(next);
    m_jobs->setJobs(next);
    updateProblems();
}

bool PipelineEditor::isModified() const
{
    return isOpen() && m_model->isModified();
}

void PipelineEditor::showMessage(const QString &text, bool error)
{
    m_lastMessage = text;
    m_bannerError = error;
    const QPalette pal = palette();
    const QColor accent = error ? Theme::failure(pal) : pal.color(QPalette::Highlight);
    m_banner->setStyleSheet(
        QStringLiteral("QLabel#editorBanner { background: %1; border-left: "
                       "4px solid %2; }")
            .arg(Theme::mix(pal.color(QPalette::Base), accent, 0.14).name(), accent.name()));
    m_banner->setText(text);
    m_banner->show();
    m_bannerTimer->start();
    Q_EMIT messageShown(text);
}

bool PipelineEditor::isBannerShown() const
{
    return m_banner->isVisibleTo(this);
}

void PipelineEditor::updateTitle()
{
    if (!isOpen()) {
        m_title->setText(tr("No pipeline open"));
        return;
    }
    const bool modified = m_model->isModified();
    m_title->setText(tr("Editing %1/%2 · based on version %3%4")
                         .arg(m_model->project(), m_model->pipelineName())
                         .arg(m_model->baseVersion())
                         .arg(modified ? tr(" · modified") : QString()));
}

void PipelineEditor::updateActions()
{
    const bool open = isOpen();
    m_saveAction->setEnabled(open && !m_saving);
    m_layoutAction->setEnabled(open);
    m_fitAction->setEnabled(open);
}

void PipelineEditor::updateProblems()
{
    m_problems->clear();
    const QList<PipelineIssue> issues = isOpen() ? m_model->validate() : QList<PipelineIssue>();
    for (const PipelineIssue &issue : issues) {
        auto *item = new QListWidgetItem(issue.message, m_problems);
        const auto [from, to] = m_model->issueEdge(issue);
        item->setData(Qt::UserRole, m_model->issueTask(issue));
        item->setData(Qt::UserRole + 1, from);
        item->setData(Qt::UserRole + 2, to);
        item->setForeground(Theme::failure(palette()));
    }
    m_problemsTitle->setText(issues.isEmpty()
                                 ? tr("No problems")
                                 : tr("%n problem(s) block saving", nullptr, int(issues.size())));
    m_problems->setVisible(!issues.isEmpty());
}

void PipelineEditor::onProblemActivated()
{
    QListWidgetItem *item = m_problems->currentItem();
    if (!item)
        return;
    const NodeId task = item->data(Qt::UserRole).toInt();
    const NodeId from = item->data(Qt::UserRole + 1).toInt();
    const NodeId to = item->data(Qt::UserRole + 2).toInt();
    if (from >= 0 && m_model->hasEdge(from, to)) {
        m_scene->selectEdge(from, to);
        m_view->revealTask(to);
    } else if (m_model->hasTask(task)) {
        m_scene->selectTasks({ task });
        m_view->revealTask(task);
    }
}

void PipelineEditor::onSelectionChanged()
{
    m_properties->showSelection(m_scene->selectedTasks(), m_scene->selectedEdges());
    const bool any = !m_scene->selectedItems().isEmpty();
    m_deleteAction->setEnabled(any);
    m_copyAction->setEnabled(!m_scene->selectedTasks().isEmpty());
}

NodeId PipelineEditor::addTaskForJob(const QString &job, const QPointF &scenePos)
{
    if (!isOpen() || !m_model->job(job)) {
        showMessage(tr("There is no job “%1” in project %2.").arg(job, m_project), true);
        return -1;
    }
    const QSizeF card = m_scene->cardSize();
    EditorTask task;
    task.name = m_model->uniqueTaskName(job);
    task.job = job;
    task.position = scenePos - QPointF(card.width() / 2, card.height() / 2);
    EditorCommands::CreatedIds ids;
    m_undo->push(EditorCommands::addTask(m_model, task, &ids));
    return ids && !ids->isEmpty() ? ids->first() : -1;
}

void PipelineEditor::onJobDropped(const QString &job, const QPointF &scenePos)
{
    const NodeId id = addTaskForJob(job, scenePos);
    if (id >= 0) {
        m_scene->selectTasks({ id });
        m_view->setFocus();
    }
}

bool PipelineEditor::requestConnection(NodeId from, NodeId to)
{
    const QString why = m_model->connectionError(from, to);
    if (!why.isEmpty()) {
        showMessage(tr("Not connected: %1").arg(why), true);
        return false;
    }
    m_undo->push(EditorCommands::connect(m_model, from, to, EdgeCondition::Success));
    m_scene->selectEdge(from, to);
    return true;
}

void PipelineEditor::deleteSelection()
{
    const QList<NodeId> tasks = m_scene->selectedTasks();
    const auto edges = m_scene->selectedEdges();
    if (tasks.isEmpty() && edges.isEmpty())
        return;
    m_undo->push(EditorCommands::remove(m_model, tasks, edges));
}

void PipelineEditor::copySelection()
{
    const QList<NodeId> ids = m_scene->selectedTasks();
    if (ids.isEmpty())
        return;
    QHash<NodeId, int> index;
    QJsonArray tasks;
    for (NodeId id : ids) {
        const EditorTask t = m_model->task(id);
        index.insert(id, int(tasks.size()));
        tasks.append(QJsonObject { { QStringLiteral("name"), t.name },
                                   { QStringLiteral("job"), t.job },
                                   { QStringLiteral("settings"), toJson(t.settings) },
                                   { QStringLiteral("x"), t.position.x() },
                                   { QStringLiteral("y"), t.position.y() } });
    }
    QJsonArray edges;
    for (NodeId id : ids) {
        for (NodeId s : m_model->graph().successors(id)) {
            if (index.contains(s)) {
                edges.append(QJsonArray { index.value(id), index.value(s),
                                          toString(*m_model->condition(id, s)) });
            }
        }
    }
    const QByteArray json = QJsonDocument(QJsonObject { { QStringLiteral("tasks"), tasks },
                                                        { QStringLiteral("edges"), edges } })
                                .toJson(QJsonDocument::Compact);
    auto *mime = new QMimeData;
    mime->setData(QString::fromLatin1(kClipboardType), json);
    QStringList names;
    for (NodeId id : ids)
        names << m_model->taskName(id);
    mime->setText(names.join(QLatin1Char('\n')));
    QApplication::clipboard()->setMimeData(mime);
    showMessage(tr("Copied %n task(s).", nullptr, int(ids.size())));
}

void PipelineEditor::paste()
{
    const QMimeData *mime = QApplication::clipboard()->mimeData();
    if (!isOpen() || !mime || !mime->hasFormat(QString::fromLatin1(kClipboardType)))
        return;
    const QJsonObject root
        = QJsonDocument::fromJson(mime->data(QString::fromLatin1(kClipboardType))).object();
    QList<EditorTask> tasks;
    QSet<QString> taken;
    for (NodeId id : m_model->taskIds())
        taken.insert(m_model->taskName(id));
    for (const QJsonValue &v : root.value(QStringLiteral("tasks")).toArray()) {
        const QJsonObject o = v.toObject();
        EditorTask t;
        t.job = o.value(QStringLiteral("job")).toString();
        t.settings = runSettingsFromJson(o.value(QStringLiteral("settings")).toObject());
        // Copies get fresh names and sit a little below and right of the originals.
        QString name = o.value(QStringLiteral("name")).toString();
        QString base = name;
        for (int n = 2; taken.contains(name); ++n)
            name = QStringLiteral("%1_%2").arg(base).arg(n);
        taken.insert(name);
        t.name = name;
        t.position = QPointF(o.value(QStringLiteral("x")).toDouble() + 40,
                             o.value(QStringLiteral("y")).toDouble() + 40);
        tasks << t;
    }
    QList<std::tuple<int, int, EdgeCondition>> edges;
    for (const QJsonValue &v : root.value(QStringLiteral("edges")).toArray()) {
        const QJsonArray e = v.toArray();
        const int a = e.at(0).toInt(-1);
        const int b = e.at(1).toInt(-1);
        const auto c = edgeConditionFromString(e.at(2).toString());
        if (a >= 0 && b >= 0 && a < tasks.size() && b < tasks.size() && a != b && c)
            edges << std::make_tuple(a, b, *c);
    }
    if (tasks.isEmpty())
        return;
    EditorCommands::CreatedIds ids;
    m_undo->push(EditorCommands::addTasks(
        m_model, tasks, edges, tr("Paste %n task(s)", nullptr, int(tasks.size())), &ids));
    if (ids)
        m_scene->selectTasks(*ids);
}

QHash<NodeId, QPointF> PipelineEditor::layoutPositions() const
{
    return LayeredLayout::place(m_model->graph(), m_scene->cardSize(), kColumnGap).positions;
}

void PipelineEditor::autoLayout()
{
    if (!isOpen())
        return;
    const QHash<NodeId, QPointF> before = m_model->positions();
    const QHash<NodeId, QPointF> after = layoutPositions();
    if (before == after)
        return;
    m_undo->push(ModelCommand::move(m_model, before, after, tr("Arrange")));
    m_scene->updateSceneRect();
    m_view->fitGraph();
    m_minimap->refit();
}

void PipelineEditor::onMovesFinished(const QHash<NodeId, QPointF> &before,
                                     const QHash<NodeId, QPointF> &after)
{
    m_undo->push(ModelCommand::move(m_model, before, after,
                                    tr("Move %n task(s)", nullptr, int(after.size()))));
}

bool PipelineEditor::findTask(const QString &text)
{
    for (NodeId id : m_model->taskIds()) {
        if (m_model->taskName(id).contains(text, Qt::CaseInsensitive)) {
            m_scene->selectTasks({ id });
            m_view->revealTask(id);
            return true;
        }
    }
    return false;
}

void PipelineEditor::save()
{
    if (!isOpen() || m_saving)
        return;
    const QList<PipelineIssue> issues = m_model->validate();
    if (!issues.isEmpty()) {
        showMessage(tr("Fix %n problem(s) before saving: they are listed on the right.", nullptr,
                       int(issues.size())),
                    true);
        m_problems->setFocus();
        return;
    }
    const PipelineDiff diff = m_model->diff();
    if (diff.isEmpty()) {
        showMessage(tr("Nothing to save: the pipeline is the same as version %1.")
                        .arg(m_model->baseVersion()));
        return;
    }
    auto *dialog
        = new SavePipelineDialog(m_model->pipelineName(), m_model->baseVersion(), diff, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this,
            [this, dialog] { saveWithMessage(dialog->message()); });
    dialog->open();
}

void PipelineEditor::saveWithMessage(const QString &message)
{
    if (!isOpen() || m_saving)
        return;
    const QList<PipelineIssue> issues = m_model->validate();
    QString refusal;
    if (!issues.isEmpty())
        refusal = tr("Fix %n problem(s) before saving.", nullptr, int(issues.size()));
    else if (!m_model->isModified())
        refusal = tr("Nothing to save.");
    else if (!m_store)
        refusal = tr("No workspace to save into.");
    if (!refusal.isEmpty()) {
        showMessage(refusal, true);
        Q_EMIT saveFailed(refusal);
        return;
    }
    PipelineSaveRequest request;
    request.project = m_model->project();
    request.pipeline = m_model->toSpec();
    request.baseVersion = m_model->baseVersion();
    request.message = message;
    const Store *store = m_store;
    m_saving = true;
    updateActions();
    showMessage(tr("Saving %1…").arg(request.pipeline.name));
    // Written on the editor's lane (its own connection); the answer comes back queued. A save
    // in flight when the editor closes still lands; its answer is dropped.
    // One lane: one store operation at a time, in order.
    BackgroundTask::run(
        this, BackgroundTask::lane(QStringLiteral("editor-store")), [this, store, request] {
            PipelineSaveResult result;
            const QString error = failureOf([&] { result = PipelineSaver::save(*store, request); });
            return [this, request, result, error] {
                m_saving = false;
                updateActions();
                if (!error.isEmpty()) {
                    showMessage(tr("Not saved: %1").arg(error), true);
                    Q_EMIT saveFailed(error);
                    return;
                }
                m_model->markSaved(result.version);
                m_undo->setClean();
                updateTitle();
                showMessage(tr("Saved %1/%2 as version %3.")
                                .arg(request.project, request.pipeline.name)
                                .arg(result.version));
                Q_EMIT saved(request.project, request.pipeline.name, result.version);
            };
        });
}

void PipelineEditor::refreshRuns()
{
    if (!m_store || !isOpen())
        return;
    const Store *store = m_store;
    const QString project = m_model->project();
    const QString pipeline = m_model->pipelineName();
    BackgroundTask::run(
        this, BackgroundTask::lane(QStringLiteral("editor-store")),
        [this, store, project, pipeline] {
            QList<RunSummary> runs;
            bool read = true;
            try {
                for (const RunSummary &r : RunService::runs(store->db(), 500)) {
                    if (r.project == project && r.pipeline == pipeline && runs.size() < kRunsListed)
                        runs << r;
                }
            } catch (const std::exception &) {
                read = false;
            }
            return [this, runs, read] {
                if (!read)
                    return; // the picker keeps what it had; the next refresh tries again
                const qint64 keep = m_overlayRun;
                m_runCombo->clear();
                m_runCombo->addItem(tr("none"), qint64(0));
                for (const RunSummary &r : runs) {
                    m_runCombo->addItem(tr("#%1 %2 · %3 · v%4")
                                            .arg(r.id)
                                            .arg(toString(r.state),
                                                 QDateTime::fromMSecsSinceEpoch(r.createdAt)
                                                     .toString(QStringLiteral("dd MMM HH:mm")))
                                            .arg(r.pipelineVersion),
                                        r.id);
                }
                const int index = m_runCombo->findData(keep);
                m_runCombo->setCurrentIndex(index < 0 ? 0 : index);
            };
        });
}

void PipelineEditor::setOverlayRun(qint64 runId)
{
    m_overlayRun = runId;
    const int index = m_runCombo->findData(runId);
    if (index >= 0)
        m_runCombo->setCurrentIndex(index);
    if (runId == 0) {
        m_overlayTimer->stop();
        m_model->setTaskStates({});
        return;
    }
    pollOverlay();
    m_overlayTimer->start();
}

void PipelineEditor::pollOverlay()
{
    if (!m_store || m_overlayRun == 0 || m_polling)
        return;
    m_polling = true;
    const Store *store = m_store;
    const qint64 runId = m_overlayRun;
    BackgroundTask::run(
        this, BackgroundTask::lane(QStringLiteral("editor-store")), [this, store, runId] {
            QHash<QString, RunState> states;
            bool finished = false;
            try {
                for (const TaskRunSummary &t : RunService::taskStates(store->db(), runId))
                    states.insert(t.name, t.state);
                const auto state = RunService::runState(store->db(), runId);
                finished = state && isTerminal(*state);
            } catch (const std::exception &) { }
            return [this, runId, states, finished] {
                m_polling = false;
                if (runId != m_overlayRun)
                    return; // another run was picked meanwhile
                m_model->setTaskStates(states);
                if (finished)
                    m_overlayTimer->stop(); // nothing will change any more
                Q_EMIT overlayUpdated();
            };
        });
}

} // namespace Baton::Ui
