#pragma once

#include "model/runstate.h"

#include <QGraphicsItem>
#include <QPainterPath>
#include <QPen>

namespace Baton::Ui {

class TaskNodeItem;

/// A dependency between two tasks: a curved arrow styled by its condition (on success: solid,
/// on failure: red and dashed, always: dotted), the latter two labelled.
class DependencyEdgeItem : public QGraphicsItem
{
public:
    enum { Type = UserType + 2 };

    /// @p route is the polyline the curve passes through (scene coordinates), from the upstream
    /// task's out port to the downstream task's in port; the nodes must outlive the edge.
    DependencyEdgeItem(const TaskNodeItem *from, const TaskNodeItem *to, EdgeCondition condition,
                       const QList<QPointF> &route);

    QString from() const;
    QString to() const;
    EdgeCondition condition() const { return m_condition; }
    /// "failed" / "always", empty for the default (success) condition.
    QString label() const;
    /// The pen this edge is drawn with in @p palette (style depends on the condition only).
    QPen pen(const QPalette &palette) const;
    QPainterPath path() const { return m_path; }
    bool isHighlighted() const;

    int type() const override { return Type; }
    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

private:
    QRectF labelRect() const;

    const TaskNodeItem *m_from;
    const TaskNodeItem *m_to;
    EdgeCondition m_condition;
    QPainterPath m_path;
    QPointF m_tip;
    QPointF m_labelAnchor;
};

} // namespace Baton::Ui
