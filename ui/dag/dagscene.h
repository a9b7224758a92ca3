#pragma once

#include "graph/pipelinegraphmodel.h"

#include <QGraphicsScene>
#include <QHash>
#include <QPen>
#include <QPointer>

class QGraphicsPathItem;

namespace Baton::Ui {

class DependencyEdgeItem;
class TaskNodeItem;

/// The one scene of a pipeline's DAG, for the read-only graph and the editor alike: one item
/// per task and per dependency of a PipelineGraphModel, created, updated and destroyed only in
/// answer to the model's signals (QtNodes v3's BasicGraphicsScene). Items read everything they
/// draw from the model by id. Read-only is a flag (QtNodes' locked scene): tasks do not move,
/// ports are not drawn, and no gesture asks for an edit. When editable, gestures that would
/// change the definition are not applied here: they come out as requests (connectRequested,
/// reconnectRequested, movesFinished, deleteRequested) for the editor to turn into undoable
/// commands on the model.
class DagScene : public QGraphicsScene
{
    Q_OBJECT
public:
    explicit DagScene(PipelineGraphModel *model, QObject *parent = nullptr);
    ~DagScene() override;

    PipelineGraphModel *model() const { return m_model; }

    bool isReadOnly() const { return m_readOnly; }
    /// Read-only: no moves, no new or moved edges, no delete; selection still works.
    void setReadOnly(bool readOnly);

    /// Every card has this size, so that layers line up.
    QSizeF cardSize() const { return m_cardSize; }
    void setCardSize(const QSizeF &size);

    TaskNodeItem *nodeItem(NodeId id) const { return m_nodes.value(id); }
    DependencyEdgeItem *edgeItem(NodeId from, NodeId to) const
    {
        return m_edges.value(key(from, to));
    }
    int nodeItemCount() const { return int(m_nodes.size()); }
    int edgeItemCount() const { return int(m_edges.size()); }

    /// Points an edge passes through between its two ports (a layout's detour around the
    /// tasks in between); edges without a route are one curve. A route goes when an end moves.
    void setRoutes(const QHash<std::pair<NodeId, NodeId>, QList<QPointF>> &routes);
    QList<QPointF> route(NodeId from, NodeId to) const { return m_routes.value(key(from, to)); }

    QList<NodeId> selectedTasks() const;
    QList<std::pair<NodeId, NodeId>> selectedEdges() const;
    /// Replaces the selection.
    void selectTasks(const QList<NodeId> &ids);
    void selectEdge(NodeId from, NodeId to);
    /// Repaints the edges touching @p id (drawn emphasised while it is selected).
    void updateEdgesOf(NodeId id);

    /// Interactive connection: started by a press on an output port (or an edge's head, to
    /// reconnect it), followed by the mouse, finished on a task (request) or elsewhere (nothing).
    /// Refused while read-only.
    void beginConnection(NodeId from, const QPointF &scenePos, NodeId replacing = -1);
    void updateConnection(const QPointF &scenePos);
    void finishConnection(const QPointF &scenePos);
    bool isConnecting() const { return m_connectFrom >= 0; }
    /// The task under @p scenePos (the topmost card), or -1.
    NodeId taskAt(const QPointF &scenePos) const;

    /// Node moves by mouse: the start positions are noted on press, the model follows the
    /// drag, and the release reports the whole move once (one undo step).
    void noteMoveStart();
    void noteMoveEnd();
    /// Set while the scene itself positions items, so their itemChange does not echo back.
    bool isSyncing() const { return m_syncing; }

    /// The colour of a task's technology stripe (and of its block when zoomed far out), by
    /// job name; cached, since 10,000 cards ask on every repaint.
    QColor jobColor(const QString &job) const;
    /// The cosmetic pen of an arrow drawn far out (one pixel, by condition), cached.
    const QPen &hairline(EdgeCondition condition) const;
    /// The tooltip of what is at @p scenePos (a task: its job, version, technology and
    /// command; a dependency: its ends and condition), read from the model; empty elsewhere.
    QString toolTipAt(const QPointF &scenePos) const;

    /// Grows the scene rect to the items plus a margin (never shrinks while editing).
    void updateSceneRect();

Q_SIGNALS:
    void connectRequested(Baton::NodeId from, Baton::NodeId to);
    /// The head of from → oldTo was dropped on @p newTo.
    void reconnectRequested(Baton::NodeId from, Baton::NodeId oldTo, Baton::NodeId newTo);
    /// A mouse move of one or more tasks ended: positions before and after, by id.
    void movesFinished(const QHash<Baton::NodeId, QPointF> &before,
                       const QHash<Baton::NodeId, QPointF> &after);
    /// Delete was pressed with a selection.
    void deleteRequested();

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void helpEvent(QGraphicsSceneHelpEvent *event) override;

private:
    static quint64 key(NodeId from, NodeId to)
    {
        return (quint64(quint32(from)) << 32) | quint32(to);
    }
    void rebuild();
    void onNodeAdded(NodeId id);
    void onNodeRemoved(NodeId id);
    void onNodeMoved(NodeId id);
    void onPositionsChanged();
    void onEdgeAdded(NodeId from, NodeId to);
    void onEdgeRemoved(NodeId from, NodeId to);
    void onEdgeUpdated(NodeId from, NodeId to);
    void updateAllEdges();

    QPointer<PipelineGraphModel> m_model; // may go first when both are children of one owner
    QSizeF m_cardSize;
    bool m_readOnly = false;
    QHash<NodeId, TaskNodeItem *> m_nodes;
    QHash<quint64, DependencyEdgeItem *> m_edges;
    QHash<quint64, QList<QPointF>> m_routes;
    QGraphicsPathItem *m_rubberEdge = nullptr;
    NodeId m_connectFrom = -1;
    NodeId m_replacing = -1;
    QHash<NodeId, QPointF> m_moveStart;
    bool m_syncing = false;
    bool m_rebuilding = false;
    mutable QHash<QString, QColor> m_jobColors;
    mutable QList<QPen> m_hairlines; // by EdgeCondition
};

} // namespace Baton::Ui
