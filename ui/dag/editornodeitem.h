#pragma once

#include "graph/pipelinegraph.h"

#include <QGraphicsItem>

namespace Baton::Ui {

class EditorScene;

/// A task on the editor's canvas. Holds only its id: name, job, technology, version and run
/// state are read from the scene's PipelineGraphModel when painting, and its position follows
/// the model (nodeMoved). Drag the body to move it (the model is told as it moves); drag from
/// the output port on the right to connect it to another task.
class EditorNodeItem : public QGraphicsItem
{
public:
    enum { Type = UserType + 11 };

    EditorNodeItem(EditorScene *scene, NodeId id);

    NodeId id() const { return m_id; }
    /// Where edges leave and arrive, in scene coordinates.
    QPointF outPort() const;
    QPointF inPort() const;
    /// Whether @p scenePos is on the output port (a press there starts a connection).
    bool isOnOutPort(const QPointF &scenePos) const;

    int type() const override { return Type; }
    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseMoveEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseReleaseEvent(QGraphicsSceneMouseEvent *event) override;
    void hoverEnterEvent(QGraphicsSceneHoverEvent *event) override;
    void hoverMoveEvent(QGraphicsSceneHoverEvent *event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent *event) override;
    QVariant itemChange(GraphicsItemChange change, const QVariant &value) override;

private:
    EditorScene *m_scene;
    NodeId m_id;
    bool m_hovered = false;
    bool m_portHovered = false;
    bool m_connecting = false;
};

} // namespace Baton::Ui
