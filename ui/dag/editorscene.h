#pragma once

#include "graph/pipelinegraphmodel.h"

#include <QGraphicsScene>
#include <QHash>
#include <QPen>
#include <QPointer>

class QGraphicsPathItem;

namespace Baton::Ui {

class EditorEdgeItem;
class EditorNodeItem;

/// The DAG editor's scene: one item per task and per dependency of a PipelineGraphModel,
/// created, updated and destroyed only in answer to the model's signals (QtNodes v3's
/// BasicGraphicsScene). Gestures that would change the definition are not applied here: they
/// come out as requests (connectRequested, reconnectRequested, movesFinished) for the editor
/// to turn into undoable commands on the model.
class EditorScene : public QGraphicsScene
{
    Q_OBJECT
public:
    explicit EditorScene(PipelineGraphModel *model, QObject *parent = nullptr);
    ~EditorScene() override;

    PipelineGraphModel *model() const { return m_model; }
    /// Every card has this size, so that layers line up.
    QSizeF cardSize() const { return m_cardSize; }

    EditorNodeItem *nodeItem(NodeId id) const { return m_nodes.value(id); }
    EditorEdgeItem *edgeItem(NodeId from, NodeId to) const { return m_edges.value(key(from, to)); }
    int nodeItemCount() const { return int(m_nodes.size()); }
    int edgeItemCount() const { return int(m_edges.size()); }

    QList<NodeId> selectedTasks() const;
    QList<std::pair<NodeId, NodeId>> selectedEdges() const;
    /// Replaces the selection.
    void selectTasks(const QList<NodeId> &ids);
    void selectEdge(NodeId from, NodeId to);

    /// Interactive connection: started by a press on an output port (or an edge's head, to
    /// reconnect it), followed by the mouse, finished on a task (request) or elsewhere (nothing).
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

    /// Grows the scene rect to the items plus a margin (never shrinks while editing).
    void updateSceneRect();

Q_SIGNALS:
    void connectRequested(Baton::NodeId from, Baton::NodeId to);
    /// The head of from → oldTo was dropped on @p newTo.
    void reconnectRequested(Baton::NodeId from, Baton::NodeId oldTo, Baton::NodeId newTo);
    /// A mouse move of one or more tasks ended: positions before and after, by id.
    void movesFinished(const QHash<Baton::NodeId, QPointF> &before,
                       const QHash<Baton::NodeId, QPointF> &after);

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
    void repaintAll();

    QPointer<PipelineGraphModel> m_model; // may go first when both are children of one owner
    QSizeF m_cardSize;
    QHash<NodeId, EditorNodeItem *> m_nodes;
    QHash<quint64, EditorEdgeItem *> m_edges;
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
