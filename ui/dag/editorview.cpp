#include "editorview.h"

#include "editorscene.h"

#include <QKeyEvent>
#include <QMimeData>
#include <QPainter>
#include <QScrollBar>
#include <QTimer>
#include <cmath>

namespace Baton::Ui {

namespace {
constexpr qreal kMinZoom = 0.01; // a 10,000-task graph still fits
constexpr qreal kMaxZoom = 4.0;
} // namespace

EditorView::EditorView(EditorScene *scene, QWidget *parent)
    : QGraphicsView(scene, parent)
    , m_scene(scene)
{
    setObjectName(QStringLiteral("editorView"));
    setAccessibleName(tr("Pipeline editor canvas"));
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    setDragMode(QGraphicsView::RubberBandDrag);
    setRubberBandSelectionMode(Qt::IntersectsItemShape);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setResizeAnchor(QGraphicsView::AnchorViewCenter);
    // Minimal updates: a moved card repaints its neighbourhood, not the whole canvas.
    setViewportUpdateMode(QGraphicsView::MinimalViewportUpdate);
    setOptimizationFlags(QGraphicsView::DontSavePainterState);
    setFrameShape(QFrame::NoFrame);
    setAcceptDrops(true);
    setMinimumSize(200, 150);
}

QString EditorView::jobMimeType()
{
    return QStringLiteral("application/x-baton-job");
}

QRectF EditorView::visibleSceneRect() const
{
    return mapToScene(viewport()->rect()).boundingRect();
}

QPointF EditorView::viewCentre() const
{
    return mapToScene(viewport()->rect().center());
}

void EditorView::fitWhenShown()
{
    m_fitPending = !isVisible();
    fitGraph();
}

void EditorView::fitGraph()
{
    const QRectF bounds = m_scene->itemsBoundingRect().adjusted(-24, -24, 24, 24);
    if (bounds.isEmpty() || viewport()->width() <= 1 || viewport()->height() <= 1)
        return;
    const qreal sx = viewport()->width() / bounds.width();
    const qreal sy = viewport()->height() / bounds.height();
    const qreal scale = qBound(kMinZoom, qMin(qMin(sx, sy), 1.0), kMaxZoom);
    setTransform(QTransform::fromScale(scale, scale));
    centerOn(bounds.center());
    Q_EMIT visibleRectChanged();
}

void EditorView::zoomIn()
{
    zoomBy(1.2);
}

void EditorView::zoomOut()
{
    zoomBy(1 / 1.2);
}

void EditorView::zoomBy(qreal factor)
{
    m_fitPending = false; // the user chose a zoom: keep it
    const qreal current = zoom();
    const qreal next = qBound(kMinZoom, current * factor, kMaxZoom);
    if (qFuzzyCompare(next, current))
        return;
    scale(next / current, next / current);
    Q_EMIT visibleRectChanged();
}

void EditorView::revealTask(NodeId id)
{
    if (!m_scene->model()->hasTask(id))
        return;
    m_fitPending = false;
    if (zoom() < 0.6)
        setTransform(QTransform::fromScale(1.0, 1.0));
    const QSizeF card = m_scene->cardSize();
    centerOn(m_scene->model()->position(id) + QPointF(card.width() / 2, card.height() / 2));
    Q_EMIT visibleRectChanged();
}

void EditorView::wheelEvent(QWheelEvent *event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        const qreal steps = event->angleDelta().y() / 120.0;
        if (steps != 0)
            zoomBy(std::pow(1.15, steps));
        event->accept();
        return;
    }
    QGraphicsView::wheelEvent(event);
}

void EditorView::keyPressEvent(QKeyEvent *event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        if (event->key() == Qt::Key_Plus || event->key() == Qt::Key_Equal) {
            zoomIn();
            return;
        }
        if (event->key() == Qt::Key_Minus) {
            zoomOut();
            return;
        }
    }
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        m_spaceHeld = true;
        viewport()->setCursor(Qt::OpenHandCursor);
        return;
    }
    QGraphicsView::keyPressEvent(event);
}

void EditorView::keyReleaseEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        m_spaceHeld = false;
        viewport()->unsetCursor();
        return;
    }
    QGraphicsView::keyReleaseEvent(event);
}

void EditorView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::MiddleButton || (event->button() == Qt::LeftButton && m_spaceHeld)) {
        m_panning = true;
        m_fitPending = false;
        m_panFrom = event->position().toPoint();
        viewport()->setCursor(Qt::ClosedHandCursor);
        event->accept();
        return;
    }
    QGraphicsView::mousePressEvent(event);
}

void EditorView::mouseMoveEvent(QMouseEvent *event)
{
    if (m_panning) {
        const QPoint delta = event->position().toPoint() - m_panFrom;
        m_panFrom = event->position().toPoint();
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() - delta.x());
        verticalScrollBar()->setValue(verticalScrollBar()->value() - delta.y());
        event->accept();
        return;
    }
    QGraphicsView::mouseMoveEvent(event);
}

void EditorView::mouseReleaseEvent(QMouseEvent *event)
{
    if (m_panning) {
        m_panning = false;
        if (m_spaceHeld)
            viewport()->setCursor(Qt::OpenHandCursor);
        else
            viewport()->unsetCursor();
        event->accept();
        return;
    }
    QGraphicsView::mouseReleaseEvent(event);
}

void EditorView::resizeEvent(QResizeEvent *event)
{
    QGraphicsView::resizeEvent(event);
    if (m_fitPending && isVisible())
        fitGraph();
    Q_EMIT visibleRectChanged();
}

void EditorView::showEvent(QShowEvent *event)
{
    QGraphicsView::showEvent(event);
    if (!m_fitPending)
        return;
    fitGraph();
    // Layouts may still settle after the first show: fit once more, then leave the zoom alone.
    QTimer::singleShot(0, this, [this] {
        if (m_fitPending)
            fitGraph();
        m_fitPending = false;
    });
}

void EditorView::scrollContentsBy(int dx, int dy)
{
    QGraphicsView::scrollContentsBy(dx, dy);
    Q_EMIT visibleRectChanged();
}

void EditorView::dragEnterEvent(QDragEnterEvent *event)
{
    if (event->mimeData()->hasFormat(jobMimeType()))
        event->acceptProposedAction();
    else
        QGraphicsView::dragEnterEvent(event);
}

void EditorView::dragMoveEvent(QDragMoveEvent *event)
{
    if (event->mimeData()->hasFormat(jobMimeType()))
        event->acceptProposedAction();
    else
        QGraphicsView::dragMoveEvent(event);
}

void EditorView::dropEvent(QDropEvent *event)
{
    if (!event->mimeData()->hasFormat(jobMimeType())) {
        QGraphicsView::dropEvent(event);
        return;
    }
    const QString job = QString::fromUtf8(event->mimeData()->data(jobMimeType()));
    event->acceptProposedAction();
    Q_EMIT jobDropped(job, mapToScene(event->position().toPoint()));
}

void EditorView::drawBackground(QPainter *painter, const QRectF &rect)
{
    const QPalette pal = palette();
    painter->fillRect(rect, pal.color(QPalette::Base));
    if (zoom() < 0.45)
        return;
    const qreal step = 24;
    QColor dot = pal.color(QPalette::Text);
    dot.setAlpha(pal.color(QPalette::Base).lightness() < 128 ? 40 : 28);
    painter->setPen(QPen(dot, 1.6 / zoom(), Qt::SolidLine, Qt::RoundCap));
    const qreal left = std::floor(rect.left() / step) * step;
    const qreal top = std::floor(rect.top() / step) * step;
    QVector<QPointF> points;
    for (qreal x = left; x < rect.right(); x += step) {
        for (qreal y = top; y < rect.bottom(); y += step)
            points << QPointF(x, y);
    }
    painter->drawPoints(points.constData(), int(points.size()));
}

} // namespace Baton::Ui
