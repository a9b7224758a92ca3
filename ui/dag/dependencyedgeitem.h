#pragma once

#include "graph/pipelinegraph.h"

#include <QGraphicsItem>
#include <QPainterPath>

namespace Baton::Ui {

class DagScene;

/// A dependency of a DAG scene: a curve from the upstream task's output port to the downstream
/// task's input port (through the scene's route for it, if any), styled by the condition the
/// model holds (success: solid, failed: red dashed, always: dotted; the latter two labelled),
/// emphasised while it or one of its tasks is selected. Holds only its two ids and the curve
/// computed from them; the scene calls updateGeometry() when an end moves. When the scene is
/// editable, drag its arrow head to another task to reconnect it.
class DependencyEdgeItem : public QGraphicsItem
{
public:
    enum { Type = UserType + 12 };

    DependencyEdgeItem(DagScene *scene, NodeId from, NodeId to);

    /// The colour of a failed / always edge (a success edge follows the text colour).
    static QColor conditionColor(EdgeCondition condition, bool dark);

    NodeId from() const { return m_from; }
    NodeId to() const { return m_to; }
    /// Recomputes the curve from the ends' current positions.
    void updateGeometry();
    /// Follows the scene's read-only flag (selectable or not).
    void updateFlags();
    QPainterPath path() const { return m_path; }
    QPointF tip() const { return m_tip; }
    /// "failed" / "always", empty for on-success edges.
    QString label() const;
    /// The pen this edge is drawn with in @p palette.
    QPen pen(const QPalette &palette) const;
    /// Whether it is drawn emphasised: selected, or touching a selected task.
    bool isHighlighted() const;
    /// "from → to (condition)", from the model.
    QString toolTipText() const;

    int type() const override { return Type; }
    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

protected:
    void mousePressEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseMoveEvent(QGraphicsSceneMouseEvent *event) override;
    void mouseReleaseEvent(QGraphicsSceneMouseEvent *event) override;

private:
    EdgeCondition condition() const;
    QRectF labelRect() const;

    DagScene *m_scene;
    NodeId m_from;
    NodeId m_to;
    // Derived from the ends' positions and the route, cached for painting.
    QPainterPath m_path;
    QPointF m_start;
    QPointF m_tip;
    QPointF m_labelAnchor;
    QRectF m_bounds;
    bool m_reconnecting = false;
};

} // namespace Baton::Ui
