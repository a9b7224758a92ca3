#include "tasknodeitem.h"

#include "dependencyedgeitem.h"

#include <QApplication>
#include <QFontMetricsF>
#include <QGraphicsScene>
#include <QPainter>
#include <QStyleOptionGraphicsItem>
#include <QWidget>

namespace Baton::Ui {

namespace {

constexpr qreal kRadius = 7;
constexpr qreal kStripe = 5;
constexpr qreal kPadX = 12;
constexpr qreal kPadY = 8;
constexpr qreal kMinWidth = 140;
constexpr qreal kMaxWidth = 260;

QFont titleFont(const QFont &base)
{
    QFont f = base;
    f.setBold(true);
    return f;
}

QFont smallFont(const QFont &base)
{
    QFont f = base;
    f.setPointSizeF(base.pointSizeF() > 0 ? base.pointSizeF() * 0.88 : 8);
    return f;
}

QString versionText(const TaskInfo &task)
{
    return QStringLiteral("v%1").arg(task.jobVersion);
}

} // namespace

TaskNodeItem::TaskNodeItem(const TaskInfo &task, const QSizeF &size)
    : m_task(task)
    , m_size(size)
{
    setFlag(ItemIsSelectable);
    setAcceptHoverEvents(true);
    setCursor(Qt::PointingHandCursor);
    setZValue(1);
    QString tip = QStringLiteral("<b>%1</b>").arg(task.name.toHtmlEscaped());
    tip += QStringLiteral("<br>job %1 v%2").arg(task.job.toHtmlEscaped()).arg(task.jobVersion);
    if (!task.technology.isEmpty())
        tip += QStringLiteral(" · ") + task.technology.toHtmlEscaped();
    if (!task.command.isEmpty())
        tip += QStringLiteral("<br><code>%1</code>").arg(task.command.toHtmlEscaped());
    setToolTip(tip);
}

QString TaskNodeItem::subtitle(const TaskInfo &task)
{
    QStringList parts;
    if (task.job != task.name)
        parts << QObject::tr("runs %1").arg(task.job);
    parts << (task.technology.isEmpty() ? QObject::tr("no technology") : task.technology);
    return parts.join(QStringLiteral(" · "));
}

QSizeF TaskNodeItem::preferredSize(const TaskInfo &task, const QFont &font)
{
    const QFontMetricsF title(titleFont(font));
    const QFontMetricsF small(smallFont(font));
    const qreal top
        = title.horizontalAdvance(task.name) + 10 + small.horizontalAdvance(versionText(task)) + 12;
    const qreal bottom = small.horizontalAdvance(subtitle(task));
    const qreal width = qBound(kMinWidth, qMax(top, bottom) + kStripe + 2 * kPadX, kMaxWidth);
    const qreal height = kPadY * 2 + title.height() + 4 + small.height();
    return { std::ceil(width), std::ceil(height) };
}

QColor TaskNodeItem::technologyColor(const QString &technology)
{
    if (technology.isEmpty())
        return QColor(0x8a, 0x8f, 0x98);
    // A small stable hash (qHash is seeded per process), mapped to a hue.
    uint h = 0;
    for (QChar c : technology.toLower())
        h = h * 31 + c.unicode();
    return QColor::fromHsv(int((h * 47) % 360), 150, 205);
}

QRectF TaskNodeItem::boundingRect() const
{
    return QRectF(QPointF(0, 0), m_size).adjusted(-3, -3, 3, 4);
}

QPainterPath TaskNodeItem::shape() const
{
    QPainterPath path;
    path.addRoundedRect(QRectF(QPointF(0, 0), m_size), kRadius, kRadius);
    return path;
}

void TaskNodeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget)
{
    const QPalette pal = widget ? widget->palette() : QApplication::palette();
    const QFont font = widget ? widget->font() : QApplication::font();
    const QRectF r(QPointF(0, 0), m_size);
    const bool selected = isSelected();
    const bool dark = pal.color(QPalette::Base).lightness() < 128;
    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());

    painter->setRenderHint(QPainter::Antialiasing);

    // A soft drop shadow, skipped when zoomed far out.
    if (lod > 0.4) {
        QColor shadow(0, 0, 0, dark ? 90 : 28);
        painter->setPen(Qt::NoPen);
        painter->setBrush(shadow);
        painter->drawRoundedRect(r.translated(0, 1.5), kRadius, kRadius);
    }

    QColor fill = pal.color(QPalette::Base);
    if (dark)
        fill = fill.lighter(125);
    if (m_hovered && !selected)
        fill = dark ? fill.lighter(115) : fill.darker(103);
    QColor border = pal.color(QPalette::Mid);
    qreal borderWidth = 1.0;
    if (selected) {
        border = pal.color(QPalette::Highlight);
        borderWidth = 2.2;
    } else if (m_hovered) {
        border = pal.color(QPalette::Highlight).lighter(dark ? 100 : 130);
    }
    QPainterPath card;
    card.addRoundedRect(r, kRadius, kRadius);
    painter->setPen(Qt::NoPen);
    painter->setBrush(fill);
    painter->drawPath(card);

    // The technology stripe on the left, clipped to the card's rounded corner.
    painter->save();
    painter->setClipPath(card);
    painter->fillRect(QRectF(r.left(), r.top(), kStripe, r.height()),
                      technologyColor(m_task.technology));
    painter->restore();

    painter->setPen(QPen(border, borderWidth));
    painter->setBrush(Qt::NoBrush);
    painter->drawRoundedRect(
        r.adjusted(borderWidth / 2, borderWidth / 2, -borderWidth / 2, -borderWidth / 2), kRadius,
        kRadius);

    if (lod < 0.35)
        return; // too small to read: the card and stripe are enough

    const QFont title = titleFont(font);
    const QFont small = smallFont(font);
    const QFontMetricsF tm(title);
    const QFontMetricsF sm(small);
    const qreal left = kStripe + kPadX;
    const qreal right = m_size.width() - kPadX;

    // Version chip, top right.
    const QString version = versionText(m_task);
    const qreal chipW = sm.horizontalAdvance(version) + 10;
    const qreal chipH = sm.height() + 2;
    const QRectF chip(right - chipW, kPadY + (tm.height() - chipH) / 2, chipW, chipH);
    QColor chipFill = pal.color(QPalette::Highlight);
    chipFill.setAlpha(dark ? 70 : 38);
    painter->setPen(Qt::NoPen);
    painter->setBrush(chipFill);
    painter->drawRoundedRect(chip, chipH / 2, chipH / 2);
    painter->setFont(small);
    painter->setPen(pal.color(QPalette::Text));
    painter->drawText(chip, Qt::AlignCenter, version);

    painter->setFont(title);
    painter->setPen(pal.color(QPalette::Text));
    const QRectF titleRect(left, kPadY, chip.left() - 6 - left, tm.height());
    painter->drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter,
                      tm.elidedText(m_task.name, Qt::ElideRight, titleRect.width()));

    painter->setFont(small);
    painter->setPen(pal.color(QPalette::PlaceholderText));
    const QRectF subRect(left, kPadY + tm.height() + 4, right - left, sm.height());
    painter->drawText(subRect, Qt::AlignLeft | Qt::AlignVCenter,
                      sm.elidedText(subtitle(m_task), Qt::ElideRight, subRect.width()));
}

void TaskNodeItem::hoverEnterEvent(QGraphicsSceneHoverEvent *event)
{
    m_hovered = true;
    update();
    QGraphicsItem::hoverEnterEvent(event);
}

void TaskNodeItem::hoverLeaveEvent(QGraphicsSceneHoverEvent *event)
{
    m_hovered = false;
    update();
    QGraphicsItem::hoverLeaveEvent(event);
}

QVariant TaskNodeItem::itemChange(GraphicsItemChange change, const QVariant &value)
{
    if (change == ItemSelectedHasChanged && scene()) {
        // Edges touching a selected task are drawn emphasised.
        for (QGraphicsItem *item : scene()->items()) {
            if (auto *edge = qgraphicsitem_cast<DependencyEdgeItem *>(item)) {
                if (edge->from() == m_task.name || edge->to() == m_task.name)
                    edge->update();
            }
        }
    }
    return QGraphicsItem::itemChange(change, value);
}

} // namespace Baton::Ui
