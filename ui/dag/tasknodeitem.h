#pragma once

#include "graph/pipelinegraph.h"

#include <QGraphicsItem>

namespace Baton::Ui {

class DagScene;

/// A task of a DAG scene: a rounded card with the task name, the job it runs (when named
/// differently), the technology, the job version and, while a run is overlaid, its state.
/// Holds only its id: everything it draws is read from the scene's PipelineGraphModel when
/// painting, and its position follows the model (nodeMoved). When the scene is editable, drag
/// the body to move it (the model is told as it moves) and drag from the output port on the
/// right to connect it to another task; read-only, it can only be selected.
class TaskNodeItem : public QGraphicsItem
{
public:
    enum { Type = UserType + 11 };

    TaskNodeItem(DagScene *scene, NodeId id);

    /// The card size that fits a task's texts in @p font, within sensible bounds.
    static QSizeF preferredSize(const QString &name, const QString &job, const QString &technology,
                                int version, const QFont &font);
    /// The colour of a technology's stripe: stable per name, readable on light and dark.
    static QColor technologyColor(const QString &technology);

    NodeId id() const { return m_id; }
    /// Where edges leave and arrive, in scene coordinates.
    QPointF outPort() const;
    QPointF inPort() const;
    /// Whether @p scenePos is on the output port (a press there starts a connection); never
    /// while the scene is read-only.
    bool isOnOutPort(const QPointF &scenePos) const;
    /// The tooltip, from the model: name, job and version, technology, command.
    QString toolTipText() const;

    /// Follows the scene's read-only flag (movable or not).
    void updateFlags();
    /// Called by the scene before the card size changes.
    void prepareResize() { prepareGeometryChange(); }

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
    DagScene *m_scene;
    NodeId m_id;
    bool m_hovered = false;
    bool m_portHovered = false;
    bool m_connecting = false;
};

} // namespace Baton::Ui
