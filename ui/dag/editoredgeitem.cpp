#include "editoredgeitem.h"

#include "editornodeitem.h"
#include "editorscene.h"
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

EditorEdgeItem::EditorEdgeItem(EditorScene *scene, NodeId from, NodeId to)
    : m_scene(scene)
    , m_from(from)
    , m_to(to)
{
    setFlag(ItemIsSelectable);
    setZValue(0);
    updateGeometry();
}

QString EditorEdgeItem::label() const
{
    switch (m_scene->model()->condition(m_from, m_to).value_or(EdgeCondition::Success)) {
    case EdgeCondition::Success:
        return {};
    case EdgeCondition::Failed:
        return QObject::tr("failed");
    case EdgeCondition::Always:
        return QObject::tr("always");
    }
    return {};
}

void EditorEdgeItem::updateGeometry()
{
    const EditorNodeItem *a = m_scene->nodeItem(m_from);
    const EditorNodeItem *b = m_scene->nodeItem(m_to);
    if (!a || !b)
        return;
    prepareGeometryChange();
    m_start = a->outPort();
    m_tip = b->inPort();
    const QPointF end = m_tip - QPointF(kArrowLength, 0);
    const qreal dx = qMax<qreal>(30, std::abs(end.x() - m_start.x()) / 2);
    m_path = QPainterPath(m_start);
    m_path.cubicTo(m_start + QPointF(dx, 0), end - QPointF(dx, 0), end);
    m_labelAnchor = m_path.pointAtPercent(0.5);
    m_bounds = m_path.controlPointRect();
    m_bounds |= QRectF(m_tip - QPointF(kArrowLength, kArrowHalfWidth),
                       QSizeF(kArrowLength, 2 * kArrowHalfWidth));
    if (!label().isEmpty())
        m_bounds |= labelRect().adjusted(-2, -2, 2, 2);
    m_bounds.adjust(-4, -4, 4, 4);
    const QString cond
        = toString(m_scene->model()->condition(m_from, m_to).value_or(EdgeCondition::Success));
    setToolTip(
        QObject::tr("%1 → %2 (%3)")
            .arg(m_scene->model()->taskName(m_from), m_scene->model()->taskName(m_to), cond));
    update();
}

QPen EditorEdgeItem::pen(const QPalette &palette) const
{
    const bool dark = Theme::isDark(palette);
    const bool emphasised = isSelected();
    QPen pen;
    pen.setWidthF(emphasised ? kWidth + 1.2 : kWidth);
    pen.setCapStyle(Qt::RoundCap);
    switch (m_scene->model()->condition(m_from, m_to).value_or(EdgeCondition::Success)) {
    case EdgeCondition::Success:
        pen.setColor(Theme::mix(palette.color(QPalette::Text), palette.color(QPalette::Base),
                                emphasised ? 0.15 : 0.45));
        break;
    case EdgeCondition::Failed:
        pen.setColor(dark ? QColor(0xf0, 0x71, 0x6a) : QColor(0xc9, 0x3a, 0x33));
        pen.setStyle(Qt::DashLine);
        pen.setCapStyle(Qt::FlatCap);
        break;
    case EdgeCondition::Always:
        pen.setColor(dark ? QColor(0x9d, 0xb4, 0xdc) : QColor(0x4f, 0x66, 0x94));
        pen.setStyle(Qt::DotLine);
        pen.setWidthF(pen.widthF() + 0.4);
        break;
    }
    if (emphasised)
        pen.setColor(palette.color(QPalette::Highlight));
    return pen;
}

QRectF EditorEdgeItem::labelRect() const
{
    const QFontMetricsF fm(labelFont(QApplication::font()));
    const QString text = label();
    const QSizeF size(fm.horizontalAdvance(text) + 10, fm.height() + 2);
    return QRectF(m_labelAnchor - QPointF(size.width() / 2, size.height() / 2), size);
}

QRectF EditorEdgeItem::boundingRect() const
{
    return m_bounds;
}

QPainterPath EditorEdgeItem::shape() const
{
    QPainterPathStroker stroker;
    stroker.setWidth(9);
    QPainterPath s = stroker.createStroke(m_path);
    s.addEllipse(m_tip, kHeadGrab / 2, kHeadGrab / 2);
    if (!label().isEmpty())
        s.addRect(labelRect());
    return s;
}

void EditorEdgeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option,
                           QWidget *widget)
{
    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());
    if (lod < kLowDetail) {
        // Far out: a straight one-pixel line, no antialiasing (the big-graph fast path).
        painter->setRenderHint(QPainter::Antialiasing, false);
        painter->setPen(m_scene->hairline(
            m_scene->model()->condition(m_from, m_to).value_or(EdgeCondition::Success)));
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
    painter->setPen(QPen(p.color(), 1.0));
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

void EditorEdgeItem::mousePressEvent(QGraphicsSceneMouseEvent *event)
{
    if (event->button() == Qt::LeftButton
        && QLineF(event->scenePos(), m_tip).length() <= kHeadGrab) {
        m_reconnecting = true;
        setSelected(true);
        m_scene->beginConnection(m_from, event->scenePos(), m_to);
        event->accept();
        return;
    }
    QGraphicsItem::mousePressEvent(event);
}

void EditorEdgeItem::mouseMoveEvent(QGraphicsSceneMouseEvent *event)
{
    if (m_reconnecting)
        m_scene->updateConnection(event->scenePos());
    else
        QGraphicsItem::mouseMoveEvent(event);
}

void EditorEdgeItem::mouseReleaseEvent(QGraphicsSceneMouseEvent *event)
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
