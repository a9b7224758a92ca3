#include "editorview.h"

#include "dagscene.h"

#include <QKeyEvent>
#include <QMimeData>
#include <QScrollBar>

namespace Baton::Ui {

EditorView::EditorView(DagScene *scene, QWidget *parent)
    : DagView(scene, FitPolicy::UntilShown, parent)
    , m_scene(scene)
{
    setObjectName(QStringLiteral("editorView"));
    setAccessibleName(tr("Pipeline editor canvas"));
    setDragMode(QGraphicsView::RubberBandDrag);
    setRubberBandSelectionMode(Qt::IntersectsItemShape);
    // Minimal updates: a moved card repaints its neighbourhood, not the whole canvas.
    setViewportUpdateMode(QGraphicsView::MinimalViewportUpdate);
    setOptimizationFlags(QGraphicsView::DontSavePainterState);
    setAcceptDrops(true);
    setMinimumSize(200, 150);
}

QString EditorView::jobMimeType()
{
    return QStringLiteral("application/x-baton-job");
}

void EditorView::revealTask(NodeId id)
{
    if (!m_scene->model()->hasTask(id))
        return;
    stopAutoFit();
    if (zoom() < 0.6)
        setTransform(QTransform::fromScale(1.0, 1.0));
    const QSizeF card = m_scene->cardSize();
    centerOn(m_scene->model()->position(id) + QPointF(card.width() / 2, card.height() / 2));
    Q_EMIT visibleRectChanged();
}

void EditorView::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Space && !event->isAutoRepeat()) {
        m_spaceHeld = true;
        viewport()->setCursor(Qt::OpenHandCursor);
        return;
    }
    DagView::keyPressEvent(event);
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
        stopAutoFit();
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

} // namespace Baton::Ui
