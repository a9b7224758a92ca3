#include "tasknodeitem.h"

#include "dagscene.h"
#include "widgets/theme.h"

#include <QApplication>
#include <QFontMetricsF>
#include <QGraphicsSceneMouseEvent>
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
constexpr qreal kPortRadius = 5;
constexpr qreal kPortGrab = 11; // generous: a port is small, a finger or a trackpad is not
constexpr qreal kLowDetail = 0.3; // below this scale a card is a plain block

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

QString versionText(const EditorJob *job)
{
    return job ? QStringLiteral("v%1").arg(job->version) : QObject::tr("no job");
}

QString subtitle(const QString &name, const QString &job, const QString &technology,
                 std::optional<RunState> state)
{
    QStringList parts;
    if (job != name)
        parts << QObject::tr("runs %1").arg(job);
    parts << (technology.isEmpty() ? QObject::tr("no technology") : technology);
    if (state)
        parts << toString(*state);
    return parts.join(QStringLiteral(" · "));
}

} // namespace

TaskNodeItem::TaskNodeItem(DagScene *scene, NodeId id)
    : m_scene(scene)
    , m_id(id)
{
    setAcceptHoverEvents(true);
    setZValue(1);
    updateFlags();
}

void TaskNodeItem::updateFlags()
{
    const bool readOnly = m_scene->isReadOnly();
    prepareGeometryChange(); // the ports come or go
    setFlag(ItemIsSelectable);
    setFlag(ItemSendsGeometryChanges);
    setFlag(ItemIsMovable, !readOnly);
    if (readOnly)
        setCursor(Qt::PointingHandCursor);
    else
        unsetCursor();
    m_portHovered = false;
    update();
}

QSizeF TaskNodeItem::preferredSize(const QString &name, const QString &job,
                                   const QString &technology, int version, const QFont &font)
{
    const QFontMetricsF title(titleFont(font));
    const QFontMetricsF small(smallFont(font));
    const EditorJob chip { job, technology, version, {} };
    const qreal top
        = title.horizontalAdvance(name) + 10 + small.horizontalAdvance(versionText(&chip)) + 12;
    const qreal bottom = small.horizontalAdvance(subtitle(name, job, technology, {}));
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

QPointF TaskNodeItem::outPort() const
{
    const QSizeF s = m_scene->cardSize();
    return pos() + QPointF(s.width(), s.height() / 2);
}

QPointF TaskNodeItem::inPort() const
{
    return pos() + QPointF(0, m_scene->cardSize().height() / 2);
}

bool TaskNodeItem::isOnOutPort(const QPointF &scenePos) const
{
    return !m_scene->isReadOnly() && QLineF(scenePos, outPort()).length() <= kPortGrab;
}

QString TaskNodeItem::toolTipText() const
{
    const PipelineGraphModel *model = m_scene->model();
    if (!model || !model->hasTask(m_id))
        return {};
    const EditorTask &task = model->taskRef(m_id);
    const EditorJob *job = model->job(task.job);
    QString tip = QStringLiteral("<b>%1</b>").arg(task.name.toHtmlEscaped());
    tip += QStringLiteral("<br>job %1 %2").arg(task.job.toHtmlEscaped(), versionText(job));
    if (job && !job->technology.isEmpty())
        tip += QStringLiteral(" · ") + job->technology.toHtmlEscaped();
    const std::optional<RunState> state = model->taskState(m_id);
    if (state)
        tip += QStringLiteral(" · ") + toString(*state);
    if (job && !job->command.isEmpty())
        tip += QStringLiteral("<br><code>%1</code>").arg(job->command.toHtmlEscaped());
    return tip;
}

QRectF TaskNodeItem::boundingRect() const
{
    const qreal side = m_scene->isReadOnly() ? 3 : kPortRadius + 2; // ports stick out
    return QRectF(QPointF(0, 0), m_scene->cardSize()).adjusted(-side, -3, side, 4);
}

QPainterPath TaskNodeItem::shape() const
{
    const QSizeF s = m_scene->cardSize();
    QPainterPath path;
    path.addRoundedRect(QRectF(QPointF(0, 0), s), kRadius, kRadius);
    if (!m_scene->isReadOnly())
        path.addEllipse(QPointF(s.width(), s.height() / 2), kPortGrab, kPortGrab);
    return path;
}

void TaskNodeItem::paint(QPainter *painter, const QStyleOptionGraphicsItem *option, QWidget *widget)
{
    const PipelineGraphModel *model = m_scene->model();
    if (!model || !model->hasTask(m_id))
        return;
    const EditorTask &task = model->taskRef(m_id);
    const std::optional<RunState> state = model->taskState(m_id);
    const qreal lod = option->levelOfDetailFromTransform(painter->worldTransform());
    const QSizeF size = m_scene->cardSize();
    const QRectF r(QPointF(0, 0), size);
    if (lod < kLowDetail) {
        // Far out: a block in its colour, no antialiasing, no text (the big-graph fast path).
        QColor c = !state ? m_scene->jobColor(task.job)
                          : Theme::stateColor(QApplication::palette(), state);
        if (isSelected())
            c = QApplication::palette().color(QPalette::Highlight);
        painter->setRenderHint(QPainter::Antialiasing, false);
        painter->fillRect(r, c);
        return;
    }
    const QPalette pal = widget ? widget->palette() : QApplication::palette();
    const EditorJob *job = model->job(task.job);
    const QString technology = job ? job->technology : QString();
    const bool selected = isSelected();
    const bool dark = Theme::isDark(pal);
    const QColor accent = !state ? m_scene->jobColor(task.job) : Theme::stateColor(pal, state);

    painter->setRenderHint(QPainter::Antialiasing);
    QColor fill = pal.color(QPalette::Base);
    if (dark)
        fill = fill.lighter(125);
    if (state)
        fill = Theme::mix(fill, accent, dark ? 0.28 : 0.16); // the run overlay's tint
    if (m_hovered && !selected)
        fill = dark ? fill.lighter(112) : fill.darker(103);
    QColor border = !state ? pal.color(QPalette::Mid) : accent;
    qreal borderWidth = !state ? 1.0 : 1.6;
    if (selected) {
        border = pal.color(QPalette::Highlight);
        borderWidth = 2.4;
    } else if (m_hovered && !state) {
        border = pal.color(QPalette::Highlight).lighter(dark ? 100 : 130);
    }

    if (lod > 0.5) {
        painter->setPen(Qt::NoPen);
        painter->setBrush(QColor(0, 0, 0, dark ? 90 : 26));
        painter->drawRoundedRect(r.translated(0, 1.5), kRadius, kRadius);
    }
    QPainterPath card;
    card.addRoundedRect(r, kRadius, kRadius);
    painter->setPen(Qt::NoPen);
    painter->setBrush(fill);
    painter->drawPath(card);
    painter->save();
    painter->setClipPath(card);
    painter->fillRect(QRectF(r.left(), r.top(), kStripe, r.height()), accent);
    painter->restore();
    painter->setPen(QPen(border, borderWidth));
    painter->setBrush(Qt::NoBrush);
    painter->drawRoundedRect(
        r.adjusted(borderWidth / 2, borderWidth / 2, -borderWidth / 2, -borderWidth / 2), kRadius,
        kRadius);

    if (!m_scene->isReadOnly()) {
        // Ports: in on the left, out on the right (the one to drag from).
        const QColor portFill
            = m_portHovered ? pal.color(QPalette::Highlight) : pal.color(QPalette::Base);
        painter->setPen(
            QPen(m_portHovered ? pal.color(QPalette::Highlight) : pal.color(QPalette::Mid), 1.4));
        painter->setBrush(portFill);
        painter->drawEllipse(QPointF(size.width(), size.height() / 2), kPortRadius, kPortRadius);
        painter->setBrush(pal.color(QPalette::Base));
        painter->drawEllipse(QPointF(0, size.height() / 2), kPortRadius - 1, kPortRadius - 1);
    }

    const QFont base = widget ? widget->font() : QApplication::font();
    const QFont title = titleFont(base);
    const QFont small = smallFont(base);
    const QFontMetricsF tm(title);
    const QFontMetricsF sm(small);
    const qreal left = kStripe + kPadX;
    const qreal right = size.width() - kPadX;
    const qreal top = (size.height() - tm.height() - 4 - sm.height()) / 2;

    const QString version = versionText(job);
    const qreal chipW = sm.horizontalAdvance(version) + 10;
    const qreal chipH = sm.height() + 2;
    const QRectF chip(right - chipW, top + (tm.height() - chipH) / 2, chipW, chipH);
    QColor chipFill = job ? pal.color(QPalette::Highlight) : Theme::failure(pal);
    chipFill.setAlpha(dark ? 70 : 38);
    painter->setPen(Qt::NoPen);
    painter->setBrush(chipFill);
    painter->drawRoundedRect(chip, chipH / 2, chipH / 2);
    painter->setFont(small);
    painter->setPen(pal.color(QPalette::Text));
    painter->drawText(chip, Qt::AlignCenter, version);

    painter->setFont(title);
    const QRectF titleRect(left, top, chip.left() - 6 - left, tm.height());
    painter->drawText(titleRect, Qt::AlignLeft | Qt::AlignVCenter,
                      tm.elidedText(task.name, Qt::ElideRight, titleRect.width()));

    painter->setFont(small);
    painter->setPen(Theme::mutedText(pal));
    const QRectF subRect(left, top + tm.height() + 4, right - left, sm.height());
    painter->drawText(subRect, Qt::AlignLeft | Qt::AlignVCenter,
                      sm.elidedText(subtitle(task.name, task.job, technology, state),
                                    Qt::ElideRight, subRect.width()));
}

void TaskNodeItem::mousePressEvent(QGraphicsSceneMouseEvent *event)
{
    if (event->button() == Qt::LeftButton && isOnOutPort(event->scenePos())) {
        m_connecting = true;
        m_scene->beginConnection(m_id, event->scenePos());
        event->accept();
        return;
    }
    QGraphicsItem::mousePressEvent(event);
    if (event->button() == Qt::LeftButton)
        m_scene->noteMoveStart();
}

void TaskNodeItem::mouseMoveEvent(QGraphicsSceneMouseEvent *event)
{
    if (m_connecting) {
        m_scene->updateConnection(event->scenePos());
        return;
    }
    QGraphicsItem::mouseMoveEvent(event);
}

void TaskNodeItem::mouseReleaseEvent(QGraphicsSceneMouseEvent *event)
{
    if (m_connecting) {
        m_connecting = false;
        m_scene->finishConnection(event->scenePos());
        return;
    }
    QGraphicsItem::mouseReleaseEvent(event);
    if (event->button() == Qt::LeftButton)
        m_scene->noteMoveEnd();
}

void TaskNodeItem::hoverEnterEvent(QGraphicsSceneHoverEvent *event)
{
    m_hovered = true;
    hoverMoveEvent(event);
}

void TaskNodeItem::hoverMoveEvent(QGraphicsSceneHoverEvent *event)
{
    const bool onPort = isOnOutPort(event->scenePos());
    if (onPort != m_portHovered) {
        m_portHovered = onPort;
        setCursor(onPort ? Qt::CrossCursor : Qt::ArrowCursor);
    }
    update();
}

void TaskNodeItem::hoverLeaveEvent(QGraphicsSceneHoverEvent *)
{
    m_hovered = false;
    m_portHovered = false;
    if (!m_scene->isReadOnly())
        unsetCursor();
    update();
}

QVariant TaskNodeItem::itemChange(GraphicsItemChange change, const QVariant &value)
{
    // The model is the truth: a drag tells it, and edges follow its nodeMoved signal.
    if (change == ItemPositionHasChanged && !m_scene->isSyncing())
        m_scene->model()->setPosition(m_id, value.toPointF());
    if (change == ItemSelectedHasChanged)
        m_scene->updateEdgesOf(m_id); // edges touching a selected task are drawn emphasised
    return QGraphicsItem::itemChange(change, value);
}

} // namespace Baton::Ui
