#pragma once

#include "graph/pipelinegraphmodel.h"

#include <QHash>
#include <QPointF>
#include <QUndoCommand>
#include <functional>
#include <memory>

namespace Baton::Ui {

/// An undo step as a pair of calls on the PipelineGraphModel (QtNodes' commands work the same
/// way): the scene never changes by itself, so undo and redo only have to replay model calls.
class ModelCommand : public QUndoCommand
{
public:
    ModelCommand(const QString &text, std::function<void()> redo, std::function<void()> undo,
                 QUndoCommand *parent = nullptr);

    void redo() override;
    void undo() override;

    /// Moves tasks from @p before to @p after (one drag, or a whole layout).
    static ModelCommand *move(PipelineGraphModel *model, const QHash<NodeId, QPointF> &before,
                              const QHash<NodeId, QPointF> &after, const QString &text);

private:
    std::function<void()> m_redo;
    std::function<void()> m_undo;
    bool m_isMove = false;
    PipelineGraphModel *m_model = nullptr;
    QHash<NodeId, QPointF> m_before;
    QHash<NodeId, QPointF> m_after;
};

/// The editor's undoable edits, each built from model calls. Every function returns a command
/// to push (its first redo() performs the edit).
namespace EditorCommands {

/// The ids of the tasks an add command created, filled when it is pushed (redo).
using CreatedIds = std::shared_ptr<QList<NodeId>>;

/// Adds one task.
QUndoCommand *addTask(PipelineGraphModel *model, const EditorTask &task,
                      CreatedIds *created = nullptr);
/// Removes tasks (with every edge touching them) and edges; undo restores them with their ids,
/// positions and conditions.
QUndoCommand *remove(PipelineGraphModel *model, const QList<NodeId> &tasks,
                     const QList<std::pair<NodeId, NodeId>> &edges);
/// Adds from → to; the caller checks PipelineGraphModel::connectionError() first.
QUndoCommand *connect(PipelineGraphModel *model, NodeId from, NodeId to, EdgeCondition condition);
/// Moves the head of from → oldTo to newTo, keeping its condition.
QUndoCommand *reconnect(PipelineGraphModel *model, NodeId from, NodeId oldTo, NodeId newTo);
QUndoCommand *setCondition(PipelineGraphModel *model, NodeId from, NodeId to,
                           EdgeCondition condition);
/// Name, job and settings of one task.
QUndoCommand *updateTask(PipelineGraphModel *model, NodeId id, const EditorTask &after);
/// Adds tasks and the edges among them (indices into @p tasks) as one step: paste.
QUndoCommand *addTasks(PipelineGraphModel *model, const QList<EditorTask> &tasks,
                       const QList<std::tuple<int, int, EdgeCondition>> &edges, const QString &text,
                       CreatedIds *created = nullptr);

} // namespace EditorCommands

} // namespace Baton::Ui
