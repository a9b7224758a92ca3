#include "pipelinesmode.h"

#include "catalogcompare.h"
#include "catalogfeed.h"
#include "dag/editorview.h"
#include "dag/pipelineeditor.h"
#include "dag/pipelinegraphview.h"
#include "detailspanel.h"
#include "pipelineruns.h"
#include "store/workspace.h"
#include "store/workspacecommand.h"
#include "widgets/emptystate.h"
#include "widgets/icons.h"
#include "widgets/theme.h"

#include <QAction>
#include <QDir>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMessageBox>
#include <QSettings>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QTreeView>
#include <QVBoxLayout>

namespace Baton::Ui {

namespace {

using Kind = ProjectTreeModel::Kind;

enum Page { ContentPage, EmptyPage };

// Expand a new project's groups fully when they are short, otherwise only its pipelines.
constexpr int kExpandJobsUpTo = 12;

} // namespace

PipelinesMode::PipelinesMode(QWidget *parent)
    : Mode(parent)
    , m_model(new ProjectTreeModel(this))
    , m_proxy(new QSortFilterProxyModel(this))
    , m_pages(new QStackedWidget(this))
    , m_emptyState(new QLabel(this))
    , m_splitter(new QSplitter(Qt::Horizontal, this))
    , m_treePanel(new QWidget(this))
    , m_filter(new QLineEdit(this))
    , m_tree(new QTreeView(this))
    , m_centralSplitter(new QSplitter(Qt::Vertical, this))
    , m_graph(new PipelineGraphView(this))
    , m_details(new DetailsPanel(this))
    , m_rightStack(new QStackedWidget(this))
    , m_editor(new PipelineEditor(this))
    , m_editAction(new QAction(tr("&Edit Pipeline"), this))
    , m_menu(new QMenu(tr("&Pipeline"), this))
{
    setObjectName(QStringLiteral("pipelinesMode"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_pages);

    // Capture the tree's state while the old rows still exist (before the proxy resets), and
    // restore it after the proxy and the view have reset.
    connect(m_model, &QAbstractItemModel::modelAboutToBeReset, this,
            &PipelinesMode::captureTreeState);
    m_proxy->setSourceModel(m_model);
    m_proxy->setRecursiveFilteringEnabled(true);
    m_proxy->setAutoAcceptChildRows(true);
    m_proxy->setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy->setFilterKeyColumn(ProjectTreeModel::NameColumn);

    auto *treeLayout = new QVBoxLayout(m_treePanel);
    treeLayout->setContentsMargins(6, 6, 0, 0);
    treeLayout->setSpacing(6);
    m_filter->setObjectName(QStringLiteral("treeFilter"));
    m_filter->setPlaceholderText(tr("Filter projects, pipelines, jobs"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setAccessibleName(tr("Filter the project tree"));
    treeLayout->addWidget(m_filter);
    m_tree->setObjectName(QStringLiteral("projectTree"));
    m_tree->setAccessibleName(tr("Projects"));
    m_tree->setModel(m_proxy);
    m_tree->setUniformRowHeights(true);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_tree->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_tree->setAnimated(true);
    m_tree->setIconSize(QSize(16, 16));
    m_tree->header()->setStretchLastSection(false);
    m_tree->header()->setSectionResizeMode(ProjectTreeModel::NameColumn, QHeaderView::Stretch);
    m_tree->header()->setSectionResizeMode(ProjectTreeModel::VersionColumn,
                                           QHeaderView::ResizeToContents);
    m_tree->header()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    treeLayout->addWidget(m_tree, 1);
    connect(m_proxy, &QAbstractItemModel::modelReset, this, &PipelinesMode::restoreTreeState);
    connect(m_tree->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &PipelinesMode::onCurrentChanged);
    connect(m_filter, &QLineEdit::textChanged, this, &PipelinesMode::applyFilter);

    m_centralSplitter->setObjectName(QStringLiteral("centralSplitter"));
    m_centralSplitter->addWidget(m_graph);
    m_centralSplitter->addWidget(m_details);
    m_centralSplitter->setChildrenCollapsible(false);
    m_centralSplitter->setStretchFactor(0, 3);
    m_centralSplitter->setStretchFactor(1, 2);
    m_centralSplitter->setSizes({ 480, 320 });
    m_graph->setVisible(false);

    m_splitter->setObjectName(QStringLiteral("pipelinesSplitter"));
    m_splitter->addWidget(m_treePanel);
    // The right-hand side: the pipeline's graph and details, or the DAG editor in their place.
    m_rightStack->setObjectName(QStringLiteral("pipelinesRightStack"));
    m_rightStack->addWidget(m_centralSplitter);
    m_rightStack->addWidget(m_editor);
    m_splitter->addWidget(m_rightStack);
    m_splitter->setCollapsible(1, false);
    m_splitter->setStretchFactor(0, 0);
    m_splitter->setStretchFactor(1, 1);
    m_splitter->setSizes({ 300, 1000 });
    m_pages->addWidget(m_splitter);

    // The empty state: a large mark over how to get projects in.
    m_emptyState->setObjectName(QStringLiteral("emptyState"));
    m_emptyState->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_pages->addWidget(emptyStatePage(Icons::pipelinesMode(), m_emptyState, this));
    m_pages->setCurrentIndex(ContentPage);

    connect(m_graph, &PipelineGraphView::taskSelected, m_details, &DetailsPanel::selectTask);
    connect(m_details, &DetailsPanel::taskSelected, m_graph, &PipelineGraphView::selectTask);

    m_editAction->setObjectName(QStringLiteral("editPipelineAction"));
    m_editAction->setIconText(tr("Edit…"));
    m_editAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    m_editAction->setStatusTip(tr("Change the pipeline's tasks and dependencies in the editor"));
    connect(m_editAction, &QAction::triggered, this, &PipelinesMode::openEditor);
    addAction(m_editAction);
    connect(this, &PipelinesMode::shownItemChanged, this, &PipelinesMode::updateEditAction);
    connect(m_editor, &PipelineEditor::closeRequested, this, [this] { closeEditor(); });
    connect(m_editor, &PipelineEditor::saved, this, &PipelinesMode::pipelineSaved);
    connect(this, &PipelinesMode::pipelineSaved, this, &Mode::wroteWorkspace);
    createViewActions();
    m_menu->setObjectName(QStringLiteral("pipelineMenu"));
    m_menu->addAction(m_editAction);

    m_details->showMessage(tr("Loading the workspace…"));
    updateEmptyState();
    updateEditAction();
}

PipelinesMode::~PipelinesMode() = default;

void PipelinesMode::setStore(const Store *store)
{
    m_editor->setStore(store);
}

bool PipelinesMode::isEditing() const
{
    return m_rightStack->currentWidget() == m_editor;
}

void PipelinesMode::updateEditAction()
{
    m_editAction->setEnabled(currentPipeline() != nullptr && !isEditing());
}

bool PipelinesMode::openEditor()
{
    const PipelineInfo *pipeline = currentPipeline();
    if (!pipeline)
        return false;
    QList<JobInfo> jobs;
    for (const JobInfo &j : std::as_const(m_snapshot.jobs)) {
        if (j.project == pipeline->project)
            jobs << j;
    }
    m_editor->open(*pipeline, jobs);
    // The editor has its own job list: give the canvas the tree's room while editing.
    m_treeBeforeEditing = isTreeVisible();
    setTreeVisible(false);
    m_rightStack->setCurrentWidget(m_editor);
    m_editor->view()->setFocus();
    updateEditAction();
    return true;
}

bool PipelinesMode::closeEditor(bool discard)
{
    if (!isEditing())
        return true;
    if (!discard && m_editor->isModified()) {
        const auto answer = QMessageBox::question(
            this, tr("Unsaved changes"),
            tr("%1 has changes that are not saved. Discard them?")
                .arg(m_editor->model()->pipelineName()),
            QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer != QMessageBox::Discard)
            return false;
    }
    m_editor->setOverlayRun(0);
    m_rightStack->setCurrentWidget(m_centralSplitter);
    setTreeVisible(m_treeBeforeEditing);
    m_tree->setFocus();
    updateEditAction();
    return true;
}

void PipelinesMode::setWorkspaceDirectory(const QString &directory)
{
    m_workspaceDirectory = directory;
    updateEmptyState();
}

void PipelinesMode::updateEmptyState()
{
    // The import has to target this workspace: spell out --workspace when it is not the default.
    const QString command
        = WorkspaceCommand::forAddress(m_workspaceDirectory, QStringLiteral("import PATH"));
    const QString dir = m_workspaceDirectory;
    const QString muted = Theme::mutedText(palette()).name();
    m_emptyState->setText(
        tr("<p style=\"font-size:x-large\"><b>No projects yet</b></p>"
           "<p>Import jobs-as-code with <code>%1</code></p>"
           "<p style=\"color:%2\">or start from the demo projects with "
           "<code>baton init --demo</code>.<br>The console picks up imports by itself.</p>"
           "<p style=\"color:%2\">Workspace: %3</p>")
            .arg(command.toHtmlEscaped(), muted, QDir::toNativeSeparators(dir).toHtmlEscaped()));
    m_pages->setCurrentIndex(m_hasSnapshot && m_snapshot.projects.isEmpty() ? EmptyPage
                                                                            : ContentPage);
}

bool PipelinesMode::isShowingEmptyState() const
{
    return m_pages->currentIndex() == EmptyPage;
}

QModelIndex PipelinesMode::toView(const QModelIndex &source) const
{
    return m_proxy->mapFromSource(source);
}

QModelIndex PipelinesMode::toSource(const QModelIndex &view) const
{
    return m_proxy->mapToSource(view);
}

QStringList PipelinesMode::expandedKeys() const
{
    QStringList keys;
    std::function<void(const QModelIndex &)> walk = [&](const QModelIndex &parent) {
        for (int r = 0; r < m_proxy->rowCount(parent); ++r) {
            const QModelIndex index = m_proxy->index(r, 0, parent);
            if (m_tree->isExpanded(index)) {
                keys << m_model->key(toSource(index)).toString();
                walk(index);
            }
        }
    };
    walk(QModelIndex());
    return keys;
}

void PipelinesMode::setExpandedKeys(const QStringList &keys)
{
    for (const QString &text : keys) {
        const QModelIndex index = toView(m_model->indexOf(ProjectTreeModel::Key::fromString(text)));
        if (index.isValid())
            m_tree->setExpanded(index, true);
    }
}

void PipelinesMode::captureTreeState()
{
    m_savedExpanded = expandedKeys();
    m_savedCurrent = currentKey();
}

void PipelinesMode::restoreTreeState()
{
    m_restoring = true;
    setExpandedKeys(m_savedExpanded);
    const QModelIndex current = toView(m_model->indexOf(m_savedCurrent));
    if (current.isValid()) {
        m_tree->selectionModel()->setCurrentIndex(
            current, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    }
    m_restoring = false;
}

void PipelinesMode::expandNewProjects()
{
    for (const ProjectInfo &project : std::as_const(m_snapshot.projects)) {
        if (m_knownProjects.contains(project.name))
            continue;
        m_knownProjects.insert(project.name);
        const QModelIndex index = toView(m_model->indexOf({ Kind::Project, project.name, {} }));
        if (!index.isValid())
            continue;
        m_tree->setExpanded(index, true);
        m_tree->setExpanded(toView(m_model->indexOf({ Kind::PipelineGroup, project.name, {} })),
                            true);
        if (project.jobCount + project.pipelineCount <= kExpandJobsUpTo)
            m_tree->setExpanded(toView(m_model->indexOf({ Kind::JobGroup, project.name, {} })),
                                true);
    }
}

void PipelinesMode::applySnapshot(const CatalogSnapshot &snapshot)
{
    const bool first = !m_hasSnapshot;
    const bool wasEmpty = m_snapshot.projects.isEmpty();
    m_snapshot = snapshot;
    m_hasSnapshot = true;
    m_model->setSnapshot(m_snapshot);
    if (isEditing())
        m_editor->updateJobs(m_snapshot.jobs); // the edits stay; new job versions show

    if (first && m_pendingExpanded) {
        setExpandedKeys(*m_pendingExpanded);
        for (const ProjectInfo &project : std::as_const(m_snapshot.projects))
            m_knownProjects.insert(project.name);
        m_pendingExpanded.reset();
    }
    expandNewProjects();
    if (!m_filter->text().isEmpty())
        m_tree->expandAll();

    if (first || (wasEmpty && !currentKey().isValid())) {
        // Open where the user left off, else on the first pipeline: something to look at.
        ProjectTreeModel::Key key = ProjectTreeModel::Key::fromString(m_pendingCurrent);
        m_pendingCurrent.clear();
        if (!m_model->indexOf(key).isValid()) {
            key = {};
            if (!m_snapshot.pipelines.isEmpty()) {
                key = { Kind::Pipeline, m_snapshot.pipelines.first().project,
                        m_snapshot.pipelines.first().name };
            } else if (!m_snapshot.projects.isEmpty()) {
                key = { Kind::Project, m_snapshot.projects.first().name, {} };
            }
        }
        if (key.isValid())
            selectItem(key);
    }
    updateEmptyState();
    showItem(currentKey(), false);
}

bool PipelinesMode::selectItem(const ProjectTreeModel::Key &key)
{
    const QModelIndex source = m_model->indexOf(key);
    if (!source.isValid())
        return false;
    QModelIndex index = toView(source);
    if (!index.isValid()) {
        m_filter->clear(); // the filter hides it
        index = toView(source);
    }
    if (!index.isValid())
        return false;
    m_tree->selectionModel()->setCurrentIndex(
        index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_tree->scrollTo(index);
    return true;
}

ProjectTreeModel::Key PipelinesMode::currentKey() const
{
    return m_model->key(toSource(m_tree->selectionModel()->currentIndex()));
}

void PipelinesMode::onCurrentChanged()
{
    if (m_restoring)
        return; // applySnapshot() shows the result once the tree is back
    showItem(currentKey(), false);
}

const ProjectInfo *PipelinesMode::findProject(const QString &name) const
{
    for (const ProjectInfo &p : m_snapshot.projects) {
        if (p.name == name)
            return &p;
    }
    return nullptr;
}

const JobInfo *PipelinesMode::findJob(const QString &project, const QString &name) const
{
    for (const JobInfo &j : m_snapshot.jobs) {
        if (j.project == project && j.name == name)
            return &j;
    }
    return nullptr;
}

const PipelineInfo *PipelinesMode::findPipeline(const QString &project, const QString &name) const
{
    for (const PipelineInfo &p : m_snapshot.pipelines) {
        if (p.project == project && p.name == name)
            return &p;
    }
    return nullptr;
}

bool PipelinesMode::unchanged(const ProjectTreeModel::Key &key) const
{
    // What the right side draws for a key depends on its project's record, the project's
    // pipelines (tables, "used in") and, for a job, the job.
    auto projectSlice = [&](const CatalogSnapshot &s) {
        CatalogSnapshot slice;
        for (const ProjectInfo &p : s.projects) {
            if (p.name == key.project)
                slice.projects << p;
        }
        for (const PipelineInfo &p : s.pipelines) {
            if (p.project == key.project)
                slice.pipelines << p;
        }
        for (const JobInfo &j : s.jobs) {
            if (j.project == key.project && key.kind == Kind::Job && j.name == key.name)
                slice.jobs << j;
        }
        return slice;
    };
    return sameCatalog(projectSlice(m_shownFrom), projectSlice(m_snapshot));
}

const PipelineInfo *PipelinesMode::currentPipeline() const
{
    const ProjectTreeModel::Key key = currentKey();
    return key.kind == Kind::Pipeline ? findPipeline(key.project, key.name) : nullptr;
}

const ProjectInfo *PipelinesMode::currentProject() const
{
    const ProjectTreeModel::Key key = currentKey();
    return key.isValid() ? findProject(key.project) : nullptr;
}

void PipelinesMode::showItem(const ProjectTreeModel::Key &key, bool force)
{
    if (!force && m_showingSomething && key == m_shownKey && unchanged(key))
        return;
    showItemNow(key);
    Q_EMIT shownItemChanged();
}

void PipelinesMode::showItemNow(const ProjectTreeModel::Key &key)
{
    const ProjectTreeModel::Key previous = m_shownKey;
    m_shownKey = key;
    m_shownFrom = m_snapshot;
    m_showingSomething = true;

    const PipelineInfo *pipeline
        = key.kind == Kind::Pipeline ? findPipeline(key.project, key.name) : nullptr;
    if (pipeline) {
        m_graph->setPipeline(*pipeline);
        m_graph->setVisible(true);
        m_details->showPipeline(*pipeline);
        m_details->selectTask(m_graph->selectedTask());
        return;
    }
    m_graph->clear();
    m_graph->setVisible(false);

    if (key.kind == Kind::Job) {
        if (const JobInfo *job = findJob(key.project, key.name)) {
            QList<DetailsPanel::JobUse> uses;
            for (const PipelineInfo &p : std::as_const(m_snapshot.pipelines)) {
                if (p.project != job->project)
                    continue;
                for (const TaskInfo &t : p.tasks) {
                    if (t.job == job->name)
                        uses.append({ p.name, t.name, t.jobVersion });
                }
            }
            m_details->showJob(*job, uses);
            return;
        }
    } else if (key.isValid()) {
        if (const ProjectInfo *project = findProject(key.project)) {
            QList<PipelineInfo> pipelines;
            for (const PipelineInfo &p : std::as_const(m_snapshot.pipelines)) {
                if (p.project == project->name)
                    pipelines << p;
            }
            m_details->showProject(*project, pipelines);
            return;
        }
    }
    if (previous.isValid() && !key.isValid() && !previous.name.isEmpty()) {
        m_details->showMessage(
            tr("“%1” is no longer in the workspace (removed or renamed).").arg(previous.name));
    } else if (m_snapshot.projects.isEmpty()) {
        m_details->showMessage(m_hasSnapshot ? tr("No projects yet.")
                                             : tr("Loading the workspace…"));
    } else {
        m_details->showMessage(
            tr("Select a project, pipeline or job in the tree to see its details."));
    }
}

void PipelinesMode::applyFilter(const QString &text)
{
    const bool wasFiltering = !m_proxy->filterRegularExpression().pattern().isEmpty();
    if (!wasFiltering && !text.isEmpty())
        m_expandedBeforeFilter = expandedKeys();
    m_proxy->setFilterFixedString(text);
    if (!text.isEmpty()) {
        m_tree->expandAll();
    } else if (wasFiltering) {
        m_tree->collapseAll();
        setExpandedKeys(m_expandedBeforeFilter);
        const QModelIndex current = m_tree->selectionModel()->currentIndex();
        if (current.isValid())
            m_tree->scrollTo(current);
    }
}

void PipelinesMode::focusFilter()
{
    if (!isTreeVisible())
        setTreeVisible(true);
    m_filter->setFocus(Qt::ShortcutFocusReason);
    m_filter->selectAll();
}

bool PipelinesMode::isTreeVisible() const
{
    return !m_treePanel->isHidden();
}

void PipelinesMode::setTreeVisible(bool visible)
{
    if (visible == isTreeVisible())
        return;
    m_treePanel->setVisible(visible);
    Q_EMIT treeVisibilityChanged(visible);
}

QString PipelinesMode::displayName() const
{
    return tr("Pipelines");
}

QIcon PipelinesMode::icon() const
{
    return Icons::pipelinesMode();
}

QKeySequence PipelinesMode::shortcut() const
{
    return QKeySequence(Qt::CTRL | Qt::Key_2);
}

void PipelinesMode::applyContext(const QVariantMap &context)
{
    const QString item = context.value(QStringLiteral("item")).toString();
    if (item.isEmpty())
        return;
    if (m_hasSnapshot)
        selectItem(ProjectTreeModel::Key::fromString(item));
    else
        m_pendingCurrent = item; // selected when the first snapshot arrives
}

QWidget *PipelinesMode::initialFocus() const
{
    return m_tree;
}

void PipelinesMode::activated()
{
    for (QAction *action : std::as_const(m_viewActions))
        action->setEnabled(true);
    if (m_runs)
        m_runs->setShown(true);
}

void PipelinesMode::deactivated()
{
    for (QAction *action : std::as_const(m_viewActions))
        action->setEnabled(false);
    if (m_runs)
        m_runs->setShown(false); // where the selection is not in sight
}

void PipelinesMode::workspaceWritten()
{
    if (m_catalog)
        m_catalog->refresh();
}

void PipelinesMode::setWorkspace(Baton::Workspace *workspace)
{
    Q_ASSERT(workspace && !m_runs);
    setWorkspaceDirectory(workspace->address());
    setStore(&workspace->store());
    m_catalog = new CatalogFeed(&workspace->store(), this);
    connect(m_catalog, &CatalogFeed::snapshotReady, this, &PipelinesMode::applySnapshot);
    m_runs = new PipelineRuns(workspace, this, this);
    m_runs->setShown(isVisible());
    m_menu->insertActions(m_editAction, { m_runs->runAction(), m_runs->pauseScheduleAction() });
    m_details->setPipelineActions(
        { m_runs->runAction(), m_runs->pauseScheduleAction(), m_editAction });
    connect(m_runs, &PipelineRuns::statusMessage, this, &Mode::statusMessage);
    connect(m_runs, &PipelineRuns::wroteWorkspace, this, &Mode::wroteWorkspace);
}

void PipelinesMode::createViewActions()
{
    auto *toggleTree = new QAction(tr("Show Project &Tree"), this);
    toggleTree->setCheckable(true);
    toggleTree->setChecked(isTreeVisible());
    toggleTree->setShortcut(QKeySequence(Qt::ALT | Qt::Key_0));
    connect(toggleTree, &QAction::toggled, this, &PipelinesMode::setTreeVisible);
    connect(this, &PipelinesMode::treeVisibilityChanged, toggleTree, &QAction::setChecked);

    auto *filter = new QAction(tr("&Filter Project Tree"), this);
    filter->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_F));
    connect(filter, &QAction::triggered, this, [this] {
        if (isEditing())
            m_editor->focusTaskSearch(); // Ctrl+F finds a task while editing
        else
            focusFilter();
    });

    auto *separator = new QAction(this);
    separator->setSeparator(true);

    // One binding per key: these act on the canvas that shows, the editor's while editing
    // (the editor binds no Ctrl+0 or Ctrl+F of its own: two made "Ambiguous shortcut overload").
    auto *fit = new QAction(tr("&Fit Graph"), this);
    fit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    connect(fit, &QAction::triggered, this, [this] {
        if (isEditing())
            m_editor->view()->fitGraph();
        else
            m_graph->fitGraph();
    });

    auto *zoomIn = new QAction(tr("Zoom &In"), this);
    zoomIn->setShortcut(QKeySequence::ZoomIn);
    connect(zoomIn, &QAction::triggered, this, [this] {
        if (isEditing())
            m_editor->view()->zoomIn();
        else
            m_graph->zoomIn();
    });

    auto *zoomOut = new QAction(tr("Zoom &Out"), this);
    zoomOut->setShortcut(QKeySequence::ZoomOut);
    connect(zoomOut, &QAction::triggered, this, [this] {
        if (isEditing())
            m_editor->view()->zoomOut();
        else
            m_graph->zoomOut();
    });

    m_viewActions = { toggleTree, filter, separator, fit, zoomIn, zoomOut };
    deactivated(); // enabled while the window shows this mode
}

void PipelinesMode::saveState(QSettings &settings) const
{
    settings.setValue(QStringLiteral("splitter"), m_splitter->saveState());
    settings.setValue(QStringLiteral("centralSplitter"), m_centralSplitter->saveState());
    settings.setValue(QStringLiteral("treeHeader"), m_tree->header()->saveState());
    settings.setValue(QStringLiteral("treeVisible"), isTreeVisible());
    const ProjectTreeModel::Key key = currentKey();
    if (key.isValid())
        settings.setValue(QStringLiteral("current"), key.toString());
    if (m_hasSnapshot) {
        settings.setValue(QStringLiteral("expanded"),
                          m_filter->text().isEmpty() ? expandedKeys() : m_expandedBeforeFilter);
    }
}

void PipelinesMode::restoreState(QSettings &settings)
{
    m_splitter->restoreState(settings.value(QStringLiteral("splitter")).toByteArray());
    m_centralSplitter->restoreState(
        settings.value(QStringLiteral("centralSplitter")).toByteArray());
    m_tree->header()->restoreState(settings.value(QStringLiteral("treeHeader")).toByteArray());
    setTreeVisible(settings.value(QStringLiteral("treeVisible"), true).toBool());
    m_pendingCurrent = settings.value(QStringLiteral("current")).toString();
    if (settings.contains(QStringLiteral("expanded")))
        m_pendingExpanded = settings.value(QStringLiteral("expanded")).toStringList();
}

} // namespace Baton::Ui
