#include "dependencyedgeitem.h"

#include "tasknodeitem.h"
#include "widgets/theme.h"

#include <QApplication>
#include <QFontMetricsF>
#include <QPainter>
#include <QPainterPathStroker>
#include <QStyleOptionGraphicsItem>
#include <QWidget>

namespace Baton::Ui {

namespace {

constexpr qreal kArrowLength = 9;
constexpr qreal kArrowHalfWidth = 4.5;
constexpr qreal kWidth = 1.6;

// The canvas is the Base colour: judge darkness on it, not on Window.
bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Base).lightness() < 128;
}

QFont labelFont(const QFont &base)
{
    QFont f = base;
    f.setPointSizeF(base.pointSizeF() > 0 ? base.pointSizeF() * 0.85 : 8);
    return f;
}

} // namespace

DependencyEdgeItem::DependencyEdgeItem(const TaskNodeItem *from, const TaskNodeItem *to,
                                       EdgeCondition condition, const QList<QPointF> &route)
    : m_from(from)
    , m_to(to)
    , m_condition(condition)
{
    setZValue(0);
    setAcceptHoverEvents(false);
    if (route.size() < 2)
        return;
    m_tip = route.last();
    QList<QPointF> points = route;
    points.last() -= QPointF(kArrowLength, 0); // the arrow head covers the last stretch
    m_path.moveTo(points.first());
    QPainterPath lastSegment;
    for (qsizetype i = 1; i < points.size(); ++i) {
        const QPointF p = points.at(i - 1);
        const QPointF q = points.at(i);
        const qreal dx = qMax<qreal>(24, (q.x() - p.x()) / 2);
        const QPointF c1(p.x() + dx, p.y());
        const QPointF c2(q.x() - dx, q.y());
        m_path.cubicTo(c1, c2, q);
        if (i == points.size() - 1) {
            lastSegment.moveTo(p);
            lastSegment.cubicTo(c1, c2, q);
        }
    }
    // Labels sit on the stretch entering the downstream task: where the condition applies.
    m_labelAnchor = lastSegment.pointAtPercent(0.5);
    setToolTip(
        QObject::tr("%1 → %2 (%3)").arg(from->name(), to->name(), Baton::toString(condition)));
}

QString DependencyEdgeItem::from() const
{
    return m_from->name();
}

QString DependencyEdgeItem::to() const
{
    return m_to->name();
}

QString DependencyEdgeItem::label() const
{
    switch (m_condition) {
    case EdgeCondition::Success:
        return {};
    case EdgeCondition::Failed:
        return QObject::tr("failed");
    case EdgeCondition::Always:
        return QObject::tr("always");
    }
    return {};
}

bool DependencyEdgeItem::isHighlighted() const
{
    return m_from->isSelected() || m_to->isSelected();
}

QPen DependencyEdgeItem::pen(const QPalette &palette) const
{
    const bool dark = isDark(palette);
    const QColor text = palette.color(QPalette::Text);
    const QColor base = palette.color(QPalette::Base);
    QPen pen;
    pen.setWidthF(isHighlighted() ? kWidth + 0.9 : kWidth);
    pen.setCapStyle(Qt::RoundCap);
    pen.setJoinStyle(Qt::RoundJoin);
    switch (m_condition) {
    case EdgeCondition::Success:
        pen.setColor(Theme::mix(text, base, isHighlighted() ? 0.2 : 0.45));
        pen.setStyle(Qt::SolidLine);
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
    return pen;
}

QRectF DependencyEdgeItem::labelRect() const
{
    if (label().isEmpty())
        return {};
    const QFontMetricsF fm(labelFont(QApplication::font()));
    const QSizeF size(fm.horizontalAdvance(label()) + 10, fm.height() + 2);
    return QRectF(m_labelAnchor - QPointF(size.width() / 2, size.height() / 2), size);
}

QRectF DependencyEdgeItem::boundingRect() const
{
    QRectF r = m_path.boundingRect();
    r |= QRectF(m_tip - QPointF(kArrowLength, kArrowHalfWidth),
                QSizeF(kArrowLength, 2 * kArrowHalfWidth));
    if (!label().isEmpty())
        r |= labelRect().adjusted(-2, -2, 2, 2);
    return r.adjusted(-3, -3, 3, 3);
}

QPainterPath DependencyEdgeItem::shape() const
{
    QPainterPathStroker stroker;
    stroker.setWidth(8);
    QPainterPath s = stroker.createStroke(m_path);
    if (!label().isEmpty())
        s.addRect(labelRect());
    return s;
}

void DependencyEdgeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option,
                               QWidget *widget)
{
    if (m_path.isEmpty())
        return;
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
    if (text.isEmpty() || option->levelOfDetailFromTransform(painter->worldTransform()) < 0.45)
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

} // namespace Baton::Ui
