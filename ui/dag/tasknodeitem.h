#pragma once

#include "store/catalog.h"

#include <QGraphicsItem>

namespace Baton::Ui {

/// A task of a read-only pipeline graph: a rounded card with the task name, the job it runs
/// (when named differently), the technology and the job version.
class TaskNodeItem : public QGraphicsItem
{
public:
    enum { Type = UserType + 1 };

    TaskNodeItem(const TaskInfo &task, const QSizeF &size);

    /// The size that fits @p task's texts in @p font, within sensible bounds.
    static QSizeF preferredSize(const TaskInfo &task, const QFont &font);
    /// The colour of a technology's stripe: stable per name, readable on light and dark.
    static QColor technologyColor(const QString &technology);

    QString name() const { return m_task.name; }
    const TaskInfo &task() const { return m_task; }
    QSizeF size() const { return m_size; }
    /// Where edges leave and arrive, in scene coordinates.
    QPointF outPort() const { return mapToScene(QPointF(m_size.width(), m_size.height() / 2)); }
    QPointF inPort() const { return mapToScene(QPointF(0, m_size.height() / 2)); }

    int type() const override { return Type; }
    QRectF boundingRect() const override;
    QPainterPath shape() const override;
    void paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget) override;

protected:
    void hoverEnterEvent(QGraphicsSceneHoverEvent *event) override;
    void hoverLeaveEvent(QGraphicsSceneHoverEvent *event) override;
    QVariant itemChange(GraphicsItemChange change, const QVariant &value) override;

private:
    static QString subtitle(const TaskInfo &task);

    TaskInfo m_task;
    QSizeF m_size;
    bool m_hovered = false;
};

} // namespace Baton::Ui
