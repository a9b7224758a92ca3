#pragma once

#include "projecttreemodel.h"
#include "store/catalog.h"
#include "widgets/mode.h"

#include <QSet>
#include <QWidget>
#include <optional>

class QAction;
class QLabel;
class QMenu;
class QLineEdit;
class QSettings;
class QSortFilterProxyModel;
class QSplitter;
class QStackedWidget;
class QTreeView;

namespace Baton {
class Store;
class Workspace;
} // namespace Baton

namespace Baton::Ui {

class CatalogFeed;
class DetailsPanel;
class PipelineEditor;
class PipelineRuns;
class PipelineGraphView;

/// The Pipelines mode: the project tree on the left; on the right the selected pipeline's graph
/// over the details of whatever is selected. Shows a friendly empty state when the workspace
/// has no projects. Knows nothing about threads: the main window feeds it snapshots.
class PipelinesMode : public Mode
{
    Q_OBJECT
public:
    explicit PipelinesMode(QWidget *parent = nullptr);
    ~PipelinesMode() override;

    /// Shows @p snapshot, keeping the selection, expansion and graph zoom where they still apply.
    void applySnapshot(const CatalogSnapshot &snapshot);
    const CatalogSnapshot &snapshot() const { return m_snapshot; }
    bool hasSnapshot() const { return m_hasSnapshot; }

    /// The workspace directory, for the empty state's hints.
    void setWorkspaceDirectory(const QString &directory);

    QTreeView *projectTree() const { return m_tree; }
    ProjectTreeModel *projectTreeModel() const { return m_model; }
    PipelineGraphView *graphView() const { return m_graph; }
    DetailsPanel *detailsPanel() const { return m_details; }
    QLineEdit *filterEdit() const { return m_filter; }

    /// Selects @p key in the tree (clearing a filter that hides it); false when absent.
    bool selectItem(const ProjectTreeModel::Key &key);
    ProjectTreeModel::Key currentKey() const;
    /// The pipeline the right-hand side shows (nullptr when it shows something else).
    const PipelineInfo *currentPipeline() const;
    /// The project of what is selected (nullptr when nothing is).
    const ProjectInfo *currentProject() const;
    /// True while the empty state ("No projects yet") is shown.
    bool isShowingEmptyState() const;

    bool isTreeVisible() const;
    void setTreeVisible(bool visible);

    /// The workspace the editor saves into and reads runs from (must outlive this).
    void setStore(const Store *store);
    /// The workspace whose pipelines this mode runs and pauses (must outlive this): sets the
    /// directory and the store, and adds Run Pipeline… and Pause Schedule to the Pipeline menu
    /// and the details' toolbar.
    void setWorkspace(Baton::Workspace *workspace);
    /// Run Pipeline… and Pause Schedule, once setWorkspace() has been called (else nullptr).
    PipelineRuns *runs() const { return m_runs; }
    /// The catalog read on its own thread and shown here, once setWorkspace() has been called
    /// (else nullptr: the snapshots come from applySnapshot() alone).
    CatalogFeed *catalog() const { return m_catalog; }
    /// Pipeline → Edit Pipeline (Ctrl+E): opens the DAG editor on the selected pipeline.
    QAction *editAction() const { return m_editAction; }
    PipelineEditor *editor() const { return m_editor; }
    /// True while the DAG editor replaces the graph and details.
    bool isEditing() const;

    QString id() const override { return QStringLiteral("pipelines"); }
    QString displayName() const override;
    QIcon icon() const override;
    QKeySequence shortcut() const override;
    void saveState(QSettings &settings) const override;
    void restoreState(QSettings &settings) override;
    /// {"item": a ProjectTreeModel::Key's string} selects that project, pipeline or job
    /// (once the catalog arrives when it has not yet).
    void applyContext(const QVariantMap &context) override;
    /// Show Project Tree, Filter, Fit Graph, Zoom In / Out: they act on the canvas that shows,
    /// the editor's while editing.
    QList<QAction *> viewActions() const override { return m_viewActions; }
    /// Pipeline: Run Pipeline…, Pause Schedule, Edit Pipeline.
    QMenu *menu() const override { return m_menu; }
    QWidget *initialFocus() const override;
    void activated() override;
    void deactivated() override;
    /// Reads the catalog again.
    void workspaceWritten() override;

public Q_SLOTS:
    void focusFilter();
    /// Opens the editor on the selected pipeline; false when no pipeline is selected.
    bool openEditor();
    /// Leaves the editor; with unsaved edits asks first unless @p discard.
    bool closeEditor(bool discard = false);

Q_SIGNALS:
    void treeVisibilityChanged(bool visible);
    /// What the right-hand side shows changed: another item, new data, or it went away.
    void shownItemChanged();
    /// The editor stored a new version (the catalog should be refreshed).
    void pipelineSaved(const QString &project, const QString &pipeline, int version);

private:
    void onCurrentChanged();
    bool unchanged(const ProjectTreeModel::Key &key) const;
    void showItem(const ProjectTreeModel::Key &key, bool force);
    void showItemNow(const ProjectTreeModel::Key &key);
    void captureTreeState();
    void restoreTreeState();
    void expandNewProjects();
    void applyFilter(const QString &text);
    QModelIndex toView(const QModelIndex &source) const;
    QModelIndex toSource(const QModelIndex &view) const;
    QStringList expandedKeys() const;
    void setExpandedKeys(const QStringList &keys);
    void updateEmptyState();
    void updateEditAction();
    void createViewActions();

    const ProjectInfo *findProject(const QString &name) const;
    const JobInfo *findJob(const QString &project, const QString &name) const;
    const PipelineInfo *findPipeline(const QString &project, const QString &name) const;

    CatalogSnapshot m_snapshot;
    bool m_hasSnapshot = false;
    QString m_workspaceDirectory;

    ProjectTreeModel *m_model;
    QSortFilterProxyModel *m_proxy;
    QStackedWidget *m_pages;
    QLabel *m_emptyState;
    QSplitter *m_splitter;
    QWidget *m_treePanel;
    QLineEdit *m_filter;
    QTreeView *m_tree;
    QSplitter *m_centralSplitter;
    PipelineGraphView *m_graph;
    DetailsPanel *m_details;
    QStackedWidget *m_rightStack;
    PipelineEditor *m_editor;
    QAction *m_editAction;
    QList<QAction *> m_viewActions;
    QMenu *m_menu;
    PipelineRuns *m_runs = nullptr;
    CatalogFeed *m_catalog = nullptr;
    bool m_treeBeforeEditing = true;

    // What the right-hand side currently shows, to skip redrawing identical data on each poll.
    ProjectTreeModel::Key m_shownKey;
    bool m_showingSomething = false;
    CatalogSnapshot m_shownFrom; // implicitly shared: cheap to keep

    QSet<QString> m_knownProjects;
    QStringList m_savedExpanded; // across a model reset
    ProjectTreeModel::Key m_savedCurrent;
    QStringList m_expandedBeforeFilter; // restored when the filter is cleared
    QString m_pendingCurrent; // from settings, until the first snapshot
    std::optional<QStringList> m_pendingExpanded;
    bool m_restoring = false;
};

} // namespace Baton::Ui
