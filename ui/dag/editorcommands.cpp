#include "editorcommands.h"

#include <QCoreApplication>
#include <memory>

namespace Baton::Ui {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("EditorCommands", text);
}

struct Edge
{
    NodeId from;
    NodeId to;
    EdgeCondition condition;
};

} // namespace

ModelCommand::ModelCommand(const QString &text, std::function<void()> redo,
                           std::function<void()> undo, QUndoCommand *parent)
    : QUndoCommand(text, parent)
    , m_redo(std::move(redo))
    , m_undo(std::move(undo))
{ }

void ModelCommand::redo()
{
    if (m_isMove) {
        m_model->setPositions(m_after);
        return;
    }
    if (m_redo)
        m_redo();
}

void ModelCommand::undo()
{
    if (m_isMove) {
        m_model->setPositions(m_before);
        return;
    }
    if (m_undo)
        m_undo();
}

ModelCommand *ModelCommand::move(PipelineGraphModel *model, const QHash<NodeId, QPointF> &before,
                                 const QHash<NodeId, QPointF> &after, const QString &text)
{
    auto *c = new ModelCommand(text, {}, {});
    c->m_isMove = true;
    c->m_model = model;
    c->m_before = before;
    c->m_after = after;
    return c;
}

namespace EditorCommands {

QUndoCommand *addTask(PipelineGraphModel *model, const EditorTask &task, CreatedIds *created)
{
    return addTasks(model, { task }, {}, tr("Add task %1").arg(task.name), created);
}

QUndoCommand *remove(PipelineGraphModel *model, const QList<NodeId> &tasks,
                     const QList<std::pair<NodeId, NodeId>> &edges)
{
    QList<std::pair<NodeId, EditorTask>> removedTasks;
    QList<Edge> removedEdges;
    QSet<quint64> seen;
    auto noteEdge = [&](NodeId from, NodeId to) {
        const quint64 k = (quint64(quint32(from)) << 32) | quint32(to);
        if (seen.contains(k) || !model->hasEdge(from, to))
            return;
        seen.insert(k);
        removedEdges.append({ from, to, *model->condition(from, to) });
    };
    for (const auto &[from, to] : edges)
        noteEdge(from, to);
    for (NodeId id : tasks) {
        if (!model->hasTask(id))
            continue;
        removedTasks.append({ id, model->task(id) });
        for (NodeId s : model->graph().successors(id))
            noteEdge(id, s);
        for (NodeId p : model->graph().predecessors(id))
            noteEdge(p, id);
    }
    QString text;
    if (removedTasks.size() == 1 && removedEdges.isEmpty())
        text = tr("Delete task %1").arg(removedTasks.first().second.name);
    else if (removedTasks.isEmpty() && removedEdges.size() == 1)
        text = tr("Delete dependency");
    else
        text = tr("Delete %1 task(s) and %2 dependency(ies)")
                   .arg(removedTasks.size())
                   .arg(removedEdges.size());
    return new ModelCommand(
        text,
        [model, removedTasks, removedEdges] {
            for (const Edge &e : removedEdges)
                model->disconnectTasks(e.from, e.to);
            for (const auto &t : removedTasks)
                model->removeTask(t.first);
        },
        [model, removedTasks, removedEdges] {
            for (const auto &t : removedTasks)
                model->addTask(t.second, t.first);
            for (const Edge &e : removedEdges)
                model->connectTasks(e.from, e.to, e.condition);
        });
}

QUndoCommand *connect(PipelineGraphModel *model, NodeId from, NodeId to, EdgeCondition condition)
{
    return new ModelCommand(
        tr("Connect %1 → %2").arg(model->taskName(from), model->taskName(to)),
        [model, from, to, condition] { model->connectTasks(from, to, condition); },
        [model, from, to] { model->disconnectTasks(from, to); });
}

QUndoCommand *reconnect(PipelineGraphModel *model, NodeId from, NodeId oldTo, NodeId newTo)
{
    const EdgeCondition condition = model->condition(from, oldTo).value_or(EdgeCondition::Success);
    return new ModelCommand(
        tr("Reconnect %1 → %2").arg(model->taskName(from), model->taskName(newTo)),
        [model, from, oldTo, newTo, condition] {
            model->disconnectTasks(from, oldTo);
            model->connectTasks(from, newTo, condition);
        },
        [model, from, oldTo, newTo, condition] {
            model->disconnectTasks(from, newTo);
            model->connectTasks(from, oldTo, condition);
        });
}

QUndoCommand *setCondition(PipelineGraphModel *model, NodeId from, NodeId to,
                           EdgeCondition condition)
{
    const EdgeCondition before = model->condition(from, to).value_or(EdgeCondition::Success);
    return new ModelCommand(
        tr("Run %1 on %2 of %3")
            .arg(model->taskName(to), toString(condition), model->taskName(from)),
        [model, from, to, condition] { model->setCondition(from, to, condition); },
        [model, from, to, before] { model->setCondition(from, to, before); });
}

QUndoCommand *updateTask(PipelineGraphModel *model, NodeId id, const EditorTask &after)
{
    const EditorTask before = model->task(id);
    return new ModelCommand(
        before.name == after.name ? tr("Edit task %1").arg(after.name)
                                  : tr("Rename task %1 to %2").arg(before.name, after.name),
        [model, id, after] { model->updateTask(id, after); },
        [model, id, before] { model->updateTask(id, before); });
}

QUndoCommand *addTasks(PipelineGraphModel *model, const QList<EditorTask> &tasks,
                       const QList<std::tuple<int, int, EdgeCondition>> &edges, const QString &text,
                       CreatedIds *created)
{
    auto ids = std::make_shared<QList<NodeId>>();
    if (created)
        *created = ids;
    return new ModelCommand(
        text,
        [model, tasks, edges, ids] {
            // The first time new ids; after an undo the same ids again.
            const bool again = !ids->isEmpty();
            QList<NodeId> now;
            for (int i = 0; i < tasks.size(); ++i)
                now << model->addTask(tasks.at(i), again ? ids->at(i) : -1);
            *ids = now;
            for (const auto &[a, b, condition] : edges)
                model->connectTasks(now.at(a), now.at(b), condition);
        },
        [model, ids] {
            for (NodeId id : *ids)
                model->removeTask(id);
        });
}

} // namespace EditorCommands

} // namespace Baton::Ui
