#pragma once

#include "graph/pipelinegraphmodel.h"
#include "store/catalog.h"

#include <QHash>
#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QListView;
class QListWidget;
class QSortFilterProxyModel;
class QTimer;
class QToolBar;
class QUndoStack;

namespace Baton {
class Store;
}

namespace Baton::Ui {

class DagScene;
class EditorView;
class JobListModel;
class MinimapView;
class TaskPropertiesPanel;

/// The visual DAG editor: a searchable job palette to drag tasks from, the canvas (connect by
/// dragging from a task's output port, reconnect by dragging an arrow's head, rubber-band
/// multi-selection, copy/paste, Delete), automatic left-to-right layout plus manual moves,
/// zoom, pan, fit, a minimap and task search, full undo/redo, a side panel for task and
/// dependency properties, the list of problems that block a save (click one to select it),
/// saving as a new version with a message and the diff, and a live overlay that colours
/// tasks with the states of a chosen run.
///
/// Every edit is a command on a QUndoStack that calls PipelineGraphModel, so core's rules
/// hold; store access (saving, the overlay's polling) runs on a worker thread.
class PipelineEditor : public QWidget
{
    Q_OBJECT
public:
    explicit PipelineEditor(QWidget *parent = nullptr);
    ~PipelineEditor() override;

    /// The workspace to save into and read runs from (must outlive the editor).
    void setStore(const Store *store);
    /// Starts editing @p pipeline with @p jobs (those of its project): lays it out, fits it,
    /// clears the undo history.
    void open(const PipelineInfo &pipeline, const QList<JobInfo> &jobs);
    /// New job versions arrived (a catalog refresh): the palette and cards follow; the edits
    /// stay.
    void updateJobs(const QList<JobInfo> &jobs);
    bool isOpen() const { return !m_model->pipelineName().isEmpty(); }
    /// Unsaved edits?
    bool isModified() const;

    PipelineGraphModel *model() const { return m_model; }
    DagScene *scene() const { return m_scene; }
    EditorView *view() const { return m_view; }
    MinimapView *minimap() const { return m_minimap; }
    QUndoStack *undoStack() const { return m_undo; }
    TaskPropertiesPanel *propertiesPanel() const { return m_properties; }
    QListWidget *problemsList() const { return m_problems; }
    QListView *paletteView() const { return m_paletteView; }
    JobListModel *jobListModel() const { return m_jobs; }
    QSortFilterProxyModel *paletteProxy() const { return m_paletteProxy; }
    QLineEdit *paletteFilter() const { return m_paletteFilter; }
    QLineEdit *searchEdit() const { return m_search; }
    QComboBox *overlayCombo() const { return m_runCombo; }
    QAction *saveAction() const { return m_saveAction; }
    /// The last message shown in the editor's banner (refusals, save results).
    QString message() const { return m_lastMessage; }
    /// Whether the banner shows now (an error goes at the next edit).
    bool isBannerShown() const;

    /// Adds a task running @p job at @p scenePos (undoable); returns its id, or -1.
    NodeId addTaskForJob(const QString &job, const QPointF &scenePos);
    /// Connects from → to on success (undoable), or refuses with a banner naming why (a cycle
    /// is spelled out). What a drag between ports does.
    bool requestConnection(NodeId from, NodeId to);
    /// Deletes the selected tasks and dependencies (undoable).
    void deleteSelection();
    void copySelection();
    void paste();
    /// Lays every task out again (undoable).
    void autoLayout();
    /// Selects and reveals the first task whose name contains @p text; false when none.
    bool findTask(const QString &text);
    /// Saves with @p message off the GUI thread; answers with saved() or saveFailed(). Refused
    /// at once (saveFailed) when there are problems or nothing changed.
    void saveWithMessage(const QString &message);
    /// Colours tasks by the states of run @p runId (0: no overlay) and keeps following it.
    void setOverlayRun(qint64 runId);
    qint64 overlayRun() const { return m_overlayRun; }

public Q_SLOTS:
    /// Puts the cursor in the task search box: Ctrl+F in the console (the main window's one
    /// Ctrl+F action comes here while the editor shows).
    void focusTaskSearch();
    /// Save…: checks, then asks for a message showing the diff (window-modal).
    void save();
    /// Reloads the recent runs of this pipeline into the overlay picker.
    void refreshRuns();

Q_SIGNALS:
    void saved(const QString &project, const QString &pipeline, int version);
    void saveFailed(const QString &message);
    void messageShown(const QString &message);
    /// The user asked to leave the editor (the owner decides about unsaved edits).
    void closeRequested();
    /// Task states for the overlay were applied (after each poll that found a change).
    void overlayUpdated();

private:
    void createActions();
    QWidget *createPalette();
    QWidget *createSidePanel();
    void showMessage(const QString &text, bool error = false);
    void updateTitle();
    void updateProblems();
    void updateActions();
    void onSelectionChanged();
    void onProblemActivated();
    void onJobDropped(const QString &job, const QPointF &scenePos);
    void onMovesFinished(const QHash<NodeId, QPointF> &before, const QHash<NodeId, QPointF> &after);
    QHash<NodeId, QPointF> layoutPositions() const;
    void pollOverlay();

    const Store *m_store = nullptr;
    PipelineGraphModel *m_model;
    QUndoStack *m_undo;
    DagScene *m_scene;
    EditorView *m_view;
    MinimapView *m_minimap;
    JobListModel *m_jobs;
    QSortFilterProxyModel *m_paletteProxy;
    QLineEdit *m_paletteFilter = nullptr;
    QListView *m_paletteView = nullptr;
    TaskPropertiesPanel *m_properties;
    QListWidget *m_problems = nullptr;
    QLabel *m_problemsTitle = nullptr;
    QLabel *m_title;
    QLabel *m_banner;
    QTimer *m_bannerTimer;
    QToolBar *m_toolbar;
    QLineEdit *m_search;
    QComboBox *m_runCombo;
    QTimer *m_overlayTimer;
    QString m_lastMessage;
    QString m_project;
    qint64 m_overlayRun = 0;
    bool m_polling = false;
    bool m_saving = false;
    bool m_problemsDirty = false;
    bool m_bannerError = false; // the banner shows a refusal: the next edit clears it

    QAction *m_saveAction = nullptr;
    QAction *m_undoAction = nullptr;
    QAction *m_redoAction = nullptr;
    QAction *m_deleteAction = nullptr;
    QAction *m_copyAction = nullptr;
    QAction *m_pasteAction = nullptr;
    QAction *m_selectAllAction = nullptr;
    QAction *m_layoutAction = nullptr;
    QAction *m_fitAction = nullptr;
    QAction *m_findAction = nullptr;
    QAction *m_closeAction = nullptr;
};

} // namespace Baton::Ui
