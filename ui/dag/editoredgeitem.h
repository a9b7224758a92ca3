#pragma once

#include "graph/pipelinegraph.h"

#include <QGraphicsItem>
#include <QPainterPath>

namespace Baton::Ui {

class EditorScene;

/// A dependency on the editor's canvas: a curve from the upstream task's output port to the
/// downstream task's input port, styled by the condition the model holds (success: solid,
/// failed: red dashed, always: dotted; the latter two labelled). Holds only its two ids; the
/// scene calls updateGeometry() when an end moves. Drag its arrow head to another task to
/// reconnect it.
class EditorEdgeItem : public QGraphicsItem
{
public:
    enum { Type = UserType + 12 };

    EditorEdgeItem(EditorScene *scene, NodeId from, NodeId to);

    NodeId from() const { return m_from; }
    NodeId to() const { return m_to; }
    /// Recomputes the curve from the ends' current positions.
    void updateGeometry();
    QPainterPath path() const { return m_path; }
    QPointF tip() const { return m_tip; }
    /// "failed" / "always", empty for on-success edges.
    QString label() const;
    QPen pen(const QPalette &palette) const;

    int type() const override { return Type; }
    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseMoveEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseReleaseEvent(QGraphicsSceneMouseEvent *event) override;

private:
    QRectF labelRect() const;

    EditorScene *m_scene;
    NodeId m_from;
    NodeId m_to;
    QPainterPath m_path;
    QPointF m_start;
    QPointF m_tip;
    QPointF m_labelAnchor;
    QRectF m_bounds;
    bool m_reconnecting = false;
};

} // namespace Baton::Ui
