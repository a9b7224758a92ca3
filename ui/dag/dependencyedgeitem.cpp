#include "dependencyedgeitem.h"

#include "dagscene.h"
#include "tasknodeitem.h"
#include "widgets/theme.h"

#include <QApplication>
#include <QFontMetricsF>
#include <QGraphicsSceneMouseEvent>
#include <QPainter>
#include <QPainterPathStroker>
#include <QStyleOptionGraphicsItem>
#include <QWidget>

namespace Baton::Ui {

namespace {

constexpr qreal kArrowLength = 9;
constexpr qreal kArrowHalfWidth = 4.5;
constexpr qreal kWidth = 1.6;
constexpr qreal kHeadGrab = 14; // a press this close to the head picks the edge up
constexpr qreal kLowDetail = 0.3;

QFont labelFont(const QFont &base)
{
    QFont f = base;
    f.setPointSizeF(base.pointSizeF() > 0 ? base.pointSizeF() * 0.85 : 8);
    return f;
}

} // namespace

DependencyEdgeItem::DependencyEdgeItem(DagScene *scene, NodeId from, NodeId to)
    : m_scene(scene)
    , m_from(from)
    , m_to(to)
{
    setZValue(0);
    updateFlags();
    updateGeometry();
}

QColor DependencyEdgeItem::conditionColor(EdgeCondition condition, bool dark)
{
    switch (condition) {
    case EdgeCondition::Failed:
        return dark ? QColor(0xf0, 0x71, 0x6a) : QColor(0xc9, 0x3a, 0x33);
    case EdgeCondition::Always:
        return dark ? QColor(0x9d, 0xb4, 0xdc) : QColor(0x4f, 0x66, 0x94);
    case EdgeCondition::Success:
        break;
    }
    return {};
}

void DependencyEdgeItem::updateFlags()
{
    // Read-only, a click on an edge selects nothing (only tasks are picked in the graph).
    setFlag(ItemIsSelectable, !m_scene->isReadOnly());
    if (m_scene->isReadOnly())
        setSelected(false);
}

EdgeCondition DependencyEdgeItem::condition() const
{
    return m_scene->model()->condition(m_from, m_to).value_or(EdgeCondition::Success);
}

QString DependencyEdgeItem::label() const
{
    switch (condition()) {
    case EdgeCondition::Success:
        return {};
    case EdgeCondition::Failed:
        return QObject::tr("failed");
    case EdgeCondition::Always:
        return QObject::tr("always");
    }
    return {};
}

QString DependencyEdgeItem::toolTipText() const
{
    const PipelineGraphModel *model = m_scene->model();
    return QObject::tr("%1 → %2 (%3)")
        .arg(model->taskName(m_from), model->taskName(m_to), toString(condition()));
}

void DependencyEdgeItem::updateGeometry()
{
    const TaskNodeItem *a = m_scene->nodeItem(m_from);
    const TaskNodeItem *b = m_scene->nodeItem(m_to);
    if (!a || !b)
        return;
    prepareGeometryChange();
    m_start = a->outPort();
    m_tip = b->inPort();
    // Through the route's points, one curve a stretch; the arrow head covers the last bit.
    QList<QPointF> points { m_start };
    points << m_scene->route(m_from, m_to);
    points << m_tip - QPointF(kArrowLength, 0);
    m_path = QPainterPath(m_start);
    QPainterPath lastStretch;
    for (qsizetype i = 1; i < points.size(); ++i) {
        const QPointF p = points.at(i - 1);
        const QPointF q = points.at(i);
        const qreal dx = qMax<qreal>(30, std::abs(q.x() - p.x()) / 2);
        const QPointF c1(p.x() + dx, p.y());
        const QPointF c2(q.x() - dx, q.y());
        m_path.cubicTo(c1, c2, q);
        if (i == points.size() - 1) {
            lastStretch.moveTo(p);
            lastStretch.cubicTo(c1, c2, q);
        }
    }
    // Labels sit on the stretch entering the downstream task: where the condition applies.
    m_labelAnchor = lastStretch.pointAtPercent(0.5);
    m_bounds = m_path.controlPointRect();
    m_bounds |= QRectF(m_tip - QPointF(kArrowLength, kArrowHalfWidth),
                       QSizeF(kArrowLength, 2 * kArrowHalfWidth));
    if (!label().isEmpty())
        m_bounds |= labelRect().adjusted(-2, -2, 2, 2);
    m_bounds.adjust(-4, -4, 4, 4);
    update();
}

bool DependencyEdgeItem::isHighlighted() const
{
    if (isSelected())
        return true;
    const TaskNodeItem *a = m_scene->nodeItem(m_from);
    const TaskNodeItem *b = m_scene->nodeItem(m_to);
    return (a && a->isSelected()) || (b && b->isSelected());
}

QPen DependencyEdgeItem::pen(const QPalette &palette) const
{
    const bool dark = Theme::isDark(palette);
    const bool selected = isSelected();
    const bool highlighted = isHighlighted();
    QPen pen;
    pen.setWidthF(selected ? kWidth + 1.2 : highlighted ? kWidth + 0.9 : kWidth);
    pen.setCapStyle(Qt::RoundCap);
    pen.setJoinStyle(Qt::RoundJoin);
    const EdgeCondition c = condition();
    switch (c) {
    case EdgeCondition::Success:
        pen.setColor(Theme::mix(palette.color(QPalette::Text), palette.color(QPalette::Base),
                                selected          ? 0.15
                                    : highlighted ? 0.2
                                                  : 0.45));
        break;
    case EdgeCondition::Failed:
        pen.setColor(conditionColor(c, dark));
        pen.setStyle(Qt::DashLine);
        pen.setCapStyle(Qt::FlatCap);
        break;
    case EdgeCondition::Always:
        pen.setColor(conditionColor(c, dark));
        pen.setStyle(Qt::DotLine);
        pen.setWidthF(pen.widthF() + 0.4);
        break;
    }
    if (selected)
        pen.setColor(palette.color(QPalette::Highlight));
    return pen;
}

QRectF DependencyEdgeItem::labelRect() const
{
    const QFontMetricsF fm(labelFont(QApplication::font()));
    const QString text = label();
    const QSizeF size(fm.horizontalAdvance(text) + 10, fm.height() + 2);
    return QRectF(m_labelAnchor - QPointF(size.width() / 2, size.height() / 2), size);
}

QRectF DependencyEdgeItem::boundingRect() const
{
    return m_bounds;
}

QPainterPath DependencyEdgeItem::shape() const
{
    QPainterPathStroker stroker;
    stroker.setWidth(9);
    QPainterPath s = stroker.createStroke(m_path);
    if (!m_scene->isReadOnly())
        s.addEllipse(m_tip, kHeadGrab / 2, kHeadGrab / 2);
    if (!label().isEmpty())
        s.addRect(labelRect());
    return s;
}

void DependencyEdgeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option,
                               QWidget *widget)
{
    if (m_path.isEmpty())
        return;
    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());
    if (lod < kLowDetail) {
        // Far out: a straight one-pixel line, no antialiasing (the big-graph fast path).
        painter->setRenderHint(QPainter::Antialiasing, false);
        painter->setPen(m_scene->hairline(condition()));
        painter->drawLine(m_start, m_tip);
        return;
    }
    const QPalette pal = widget ? widget->palette() : QApplication::palette();
    const QPen p = pen(pal);
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(p);
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(m_path);

    QPolygonF head;
    head << m_tip << m_tip - QPointF(kArrowLength, kArrowHalfWidth)
         << m_tip - QPointF(kArrowLength, -kArrowHalfWidth);
    painter->setPen(QPen(p.color(), 1.0, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    painter->setBrush(p.color());
    painter->drawPolygon(head);

    const QString text = label();
    if (text.isEmpty() || lod < 0.5)
        return;
    const QRectF box = labelRect();
    QColor fill = pal.color(QPalette::Base);
    fill.setAlpha(235);
    QColor outline = p.color();
    outline.setAlpha(110);
    painter->setPen(QPen(outline, 1.0));
    painter->setBrush(fill);
    painter->drawRoundedRect(box, box.height() / 2, box.height() / 2);
    painter->setFont(labelFont(widget ? widget->font() : QApplication::font()));
    painter->setPen(p.color());
    painter->drawText(box, Qt::AlignCenter, text);
}

void DependencyEdgeItem::mousePressEvent(QGraphicsSceneMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && !m_scene->isReadOnly()
        && QLineF(event->scenePos(), m_tip).length() <= kHeadGrab) {
        m_reconnecting = true;
        setSelected(true);
        m_scene->beginConnection(m_from, event->scenePos(), m_to);
        event->accept();
        return;
    }
    QGraphicsItem::mousePressEvent(event);
}

void DependencyEdgeItem::mouseMoveEvent(QGraphicsSceneMouseEvent *event)
{
    if (m_reconnecting)
        m_scene->updateConnection(event->scenePos());
    else
        QGraphicsItem::mouseMoveEvent(event);
}

void DependencyEdgeItem::mouseReleaseEvent(QGraphicsSceneMouseEvent *event)
{
    if (m_reconnecting) {
        m_reconnecting = false;
        // The scene may delete this item in answer (a reconnect): touch nothing after.
        m_scene->finishConnection(event->scenePos());
        return;
    }
    QGraphicsItem::mouseReleaseEvent(event);
}

} // namespace Baton::Ui
