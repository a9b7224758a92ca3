#pragma once

#include "graph/pipelinediff.h"
#include "graph/pipelinegraph.h"
#include "graph/pipelinerules.h"
#include "model/projectspec.h"
#include "model/runstate.h"

#include <QHash>
#include <QObject>
#include <QPointF>
#include <optional>
#include <vector>

namespace Baton {

/// A task as the editor holds it: what a TaskSpec says, minus its dependencies (those are the
/// graph's edges), plus where it sits on the canvas.
struct EditorTask
{
    QString name;
    QString job;
    RunSettings settings;
    QPointF position;
    bool operator==(const EditorTask &) const = default;
};

/// A job the pipeline may run: what the palette lists and what a task's card shows.
struct EditorJob
{
    QString name;
    QString technology;
    int version = 0;
    QString command;
};

/// The DAG editor's model: a PipelineGraph plus each task's properties and position, behind an
/// API whose every change is announced by a signal (QtNodes v3's AbstractGraphModel split).
/// The scene draws only from here and the undo commands call only this API, so the rules
/// hold whatever the screen does: a connection that would close a cycle is refused with the
/// cycle named, and validate() applies the same PipelineRules as jobs-as-code import.
class PipelineGraphModel : public QObject
{
    Q_OBJECT
public:
    explicit PipelineGraphModel(QObject *parent = nullptr);

    /// Replaces everything with @p spec (version @p version of project/pipeline); positions
    /// all start at (0, 0) until a layout sets them. Emits modelReset().
    void load(const QString &project, const PipelineSpec &spec, int version);
    /// The jobs of the project, for the palette and the cards. Emits jobsChanged().
    void setJobs(const QList<EditorJob> &jobs);
    const QList<EditorJob> &jobs() const { return m_jobs; }
    /// The job called @p name, or nullptr.
    const EditorJob *job(const QString &name) const;

    QString project() const { return m_project; }
    QString pipelineName() const { return m_base.name; }
    /// The stored version the edits started from (0: none).
    int baseVersion() const { return m_baseVersion; }
    const PipelineSpec &baseSpec() const { return m_base; }
    /// Makes the current definition the new base (after a save as version @p version).
    void markSaved(int version);

    const PipelineGraph &graph() const { return m_graph; }
    /// Live task ids in creation order (the order tasks are written in).
    std::vector<NodeId> taskIds() const { return m_graph.nodes(); }
    int taskCount() const { return int(m_graph.nodeCount()); }
    int edgeCount() const { return int(m_graph.edgeCount()); }
    bool hasTask(NodeId id) const { return m_graph.hasNode(id); }
    /// The task's properties; a default EditorTask for an unknown id.
    EditorTask task(NodeId id) const;
    /// The same without a copy, for painting; only valid for a live id, until the next change.
    const EditorTask &taskRef(NodeId id) const { return m_tasks[std::size_t(id)]; }
    QString taskName(NodeId id) const { return m_graph.name(id); }
    QPointF position(NodeId id) const;
    /// The first live task called @p name.
    std::optional<NodeId> findTask(const QString &name) const { return m_graph.find(name); }
    bool hasEdge(NodeId from, NodeId to) const { return m_graph.hasEdge(from, to); }
    std::optional<EdgeCondition> condition(NodeId from, NodeId to) const
    {
        return m_graph.condition(from, to);
    }
    /// Every edge, by upstream task then insertion order.
    std::vector<std::pair<NodeId, NodeId>> edges() const;

    /// Adds a task and returns its id; @p restoreId >= 0 brings back a removed task under its
    /// old id (undo). Emits nodeAdded().
    NodeId addTask(const EditorTask &task, NodeId restoreId = -1);
    /// Removes a task and its edges (edgeRemoved() for each, then nodeRemoved()).
    bool removeTask(NodeId id);
    /// Changes name, job and settings (not the position). Names are not refused here: a
    /// duplicate or invalid one shows up in validate() and blocks a save. Emits nodeUpdated().
    bool updateTask(NodeId id, const EditorTask &task);
    /// Emits nodeMoved().
    void setPosition(NodeId id, const QPointF &position);
    /// Moves many tasks at once (a layout): one positionsChanged() instead of a signal each.
    void setPositions(const QHash<NodeId, QPointF> &positions);
    /// Every live task's position, by id.
    QHash<NodeId, QPointF> positions() const;

    /// Why from → to cannot be added (self loop, duplicate, missing task, a cycle named in
    /// order), or empty when it can.
    QString connectionError(NodeId from, NodeId to) const;
    /// Adds from → to unless connectionError() says otherwise; then @p error (if given)
    /// receives it and nothing changes. Emits edgeAdded().
    bool connectTasks(NodeId from, NodeId to, EdgeCondition condition, QString *error = nullptr);
    /// Emits edgeRemoved().
    bool disconnectTasks(NodeId from, NodeId to);
    /// Emits edgeUpdated().
    bool setCondition(NodeId from, NodeId to, EdgeCondition condition);

    /// @p base when no task has it, else base_2, base_3, …
    QString uniqueTaskName(const QString &base) const;

    /// The pipeline as edited: the base definition with these tasks, in id order, each
    /// 'after' in edge insertion order (so export → import reproduces it exactly).
    PipelineSpec toSpec() const;
    /// Every broken rule (PipelineRules, with the project's jobs). PipelineIssue::task indexes
    /// taskIds(); issueTask()/issueEdge() translate.
    QList<PipelineIssue> validate() const;
    NodeId issueTask(const PipelineIssue &issue) const;
    /// The edge a dependency issue is about: {-1, -1} when none.
    std::pair<NodeId, NodeId> issueEdge(const PipelineIssue &issue) const;
    /// What changed since the base version.
    PipelineDiff diff() const { return diffPipelines(m_base, toSpec()); }
    bool isModified() const { return !diff().isEmpty(); }

    /// The live overlay: task name → its state in the run shown; empty clears it.
    /// Emits taskStatesChanged() only when something differs.
    void setTaskStates(const QHash<QString, RunState> &states);
    /// None: the overlaid run has no such task (or no run is overlaid).
    std::optional<RunState> taskState(NodeId id) const
    {
        const auto it = m_states.constFind(m_graph.name(id));
        return it == m_states.cend() ? std::nullopt : std::optional<RunState>(*it);
    }
    bool hasTaskStates() const { return !m_states.isEmpty(); }

Q_SIGNALS:
    void modelReset();
    void jobsChanged();
    void nodeAdded(Baton::NodeId id);
    void nodeRemoved(Baton::NodeId id);
    void nodeUpdated(Baton::NodeId id);
    void nodeMoved(Baton::NodeId id);
    /// Many tasks moved at once (setPositions).
    void positionsChanged();
    void edgeAdded(Baton::NodeId from, Baton::NodeId to);
    void edgeRemoved(Baton::NodeId from, Baton::NodeId to);
    void edgeUpdated(Baton::NodeId from, Baton::NodeId to);
    void taskStatesChanged();
    /// After any change to the definition (not positions or states).
    void changed();

private:
    QString m_project;
    PipelineSpec m_base;
    int m_baseVersion = 0;
    PipelineGraph m_graph;
    std::vector<EditorTask> m_tasks; // by NodeId; name mirrors the graph's
    QList<EditorJob> m_jobs;
    QHash<QString, RunState> m_states;
};

} // namespace Baton
