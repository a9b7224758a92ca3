#include "dagview.h"

#include <QKeyEvent>
#include <QPainter>
#include <QTimer>
#include <QWheelEvent>
#include <cmath>

namespace Baton::Ui {

namespace {
constexpr qreal kMinZoom = 0.01; // a 10,000-task graph still fits
constexpr qreal kMaxZoom = 4.0;
constexpr qreal kMaxFitZoom = 1.0; // fitting never blows a small graph up past 100 %
constexpr qreal kFitMargin = 24;
} // namespace

DagView::DagView(QGraphicsScene *scene, FitPolicy policy, QWidget *parent)
    : QGraphicsView(scene, parent)
    , m_policy(policy)
    , m_autoFit(policy == FitPolicy::UntilZoomed)
{
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setResizeAnchor(QGraphicsView::AnchorViewCenter);
    setFrameShape(QFrame::NoFrame);
}

QRectF DagView::visibleSceneRect() const
{
    return mapToScene(viewport()->rect()).boundingRect();
}

QPointF DagView::viewCentre() const
{
    return mapToScene(viewport()->rect().center());
}

bool DagView::hasContent() const
{
    return true;
}

void DagView::fitWhenShown()
{
    m_autoFit = !isVisible();
    fitGraph();
}

void DagView::fitGraph()
{
    if (m_policy == FitPolicy::UntilZoomed)
        m_autoFit = true;
    const QRectF bounds
        = scene()->itemsBoundingRect().adjusted(-kFitMargin, -kFitMargin, kFitMargin, kFitMargin);
    if (!hasContent() || scene()->items().isEmpty() || viewport()->width() <= 1
        || viewport()->height() <= 1)
        return;
    const qreal sx = viewport()->width() / bounds.width();
    const qreal sy = viewport()->height() / bounds.height();
    const qreal scale = qBound(kMinZoom, qMin(qMin(sx, sy), kMaxFitZoom), kMaxZoom);
    setTransform(QTransform::fromScale(scale, scale));
    centerOn(bounds.center());
    Q_EMIT visibleRectChanged();
}

void DagView::zoomIn()
{
    zoomBy(1.2);
}

void DagView::zoomOut()
{
    zoomBy(1 / 1.2);
}

void DagView::zoomBy(qreal factor)
{
    m_autoFit = false; // the user chose a zoom: keep it
    const qreal current = zoom();
    const qreal next = qBound(kMinZoom, current * factor, kMaxZoom);
    if (qFuzzyCompare(next, current))
        return;
    scale(next / current, next / current);
    Q_EMIT visibleRectChanged();
}

void DagView::wheelEvent(QWheelEvent *event)
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

void DagView::keyPressEvent(QKeyEvent *event)
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
    if (event->key() == Qt::Key_Escape && !scene()->selectedItems().isEmpty()) {
        scene()->clearSelection();
        return;
    }
    QGraphicsView::keyPressEvent(event);
}

void DagView::resizeEvent(QResizeEvent *event)
{
    QGraphicsView::resizeEvent(event);
    if (m_autoFit && (m_policy == FitPolicy::UntilZoomed || isVisible()))
        fitGraph();
    Q_EMIT visibleRectChanged();
}

void DagView::showEvent(QShowEvent *event)
{
    QGraphicsView::showEvent(event);
    if (!m_autoFit)
        return;
    fitGraph();
    if (m_policy == FitPolicy::UntilShown) {
        // Layouts may still settle after the first show: fit once more, then leave the zoom.
        QTimer::singleShot(0, this, [this] {
            if (m_autoFit)
                fitGraph();
            m_autoFit = false;
        });
    }
}

void DagView::scrollContentsBy(int dx, int dy)
{
    QGraphicsView::scrollContentsBy(dx, dy);
    Q_EMIT visibleRectChanged();
}

void DagView::changeEvent(QEvent *event)
{
    QGraphicsView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)
        viewport()->update();
}

void DagView::drawBackground(QPainter *painter, const QRectF &rect)
{
    const QPalette pal = palette();
    painter->fillRect(rect, pal.color(QPalette::Base));
    if (!hasContent() || zoom() < 0.45)
        return;
    // A faint dot grid: gives the canvas depth and makes panning visible.
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
