#include "minimapview.h"

#include "dagview.h"

#include <QMouseEvent>
#include <QPainter>

namespace Baton::Ui {

MinimapView::MinimapView(DagView *main, QWidget *parent)
    : QGraphicsView(main->scene(), parent)
    , m_main(main)
{
    setObjectName(QStringLiteral("minimap"));
    setAccessibleName(tr("Minimap"));
    setInteractive(false);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setRenderHints({});
    setFrameShape(QFrame::StyledPanel);
    setCursor(Qt::PointingHandCursor);
    setFixedSize(200, 130);
    connect(main, &DagView::visibleRectChanged, viewport(), qOverload<>(&QWidget::update));
    connect(main->scene(), &QGraphicsScene::sceneRectChanged, this, &MinimapView::refit);
}

void MinimapView::refit()
{
    const QRectF r = scene()->sceneRect();
    if (!r.isEmpty())
        fitInView(r, Qt::KeepAspectRatio);
    viewport()->update();
}

void MinimapView::resizeEvent(QResizeEvent *event)
{
    QGraphicsView::resizeEvent(event);
    refit();
}

void MinimapView::mousePressEvent(QMouseEvent *event)
{
    m_main->centerOn(mapToScene(event->position().toPoint()));
    event->accept();
}

void MinimapView::mouseMoveEvent(QMouseEvent *event)
{
    if (event->buttons() & Qt::LeftButton)
        m_main->centerOn(mapToScene(event->position().toPoint()));
    event->accept();
}

void MinimapView::wheelEvent(QWheelEvent *event)
{
    event->ignore(); // the overview never scrolls
}

void MinimapView::drawBackground(QPainter *painter, const QRectF &rect)
{
    QColor fill = palette().color(QPalette::Window);
    painter->fillRect(rect, fill);
}

void MinimapView::drawForeground(QPainter *painter, const QRectF &)
{
    QColor highlight = palette().color(QPalette::Highlight);
    QPen pen(highlight, 0);
    painter->setPen(pen);
    highlight.setAlpha(40);
    painter->setBrush(highlight);
    painter->drawRect(m_main->visibleSceneRect());
}

} // namespace Baton::Ui
