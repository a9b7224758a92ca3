#pragma once

#include "graph/pipelinegraph.h"

#include <QGraphicsView>

namespace Baton::Ui {

class EditorScene;

/// The editor's canvas: rubber-band multi-selection, Ctrl+wheel (or Ctrl+=/Ctrl+-) to zoom,
/// middle button or Space+drag to pan, and drops of jobs from the palette (MIME type
/// jobMimeType(), the job name as UTF-8).
class EditorView : public QGraphicsView
{
    Q_OBJECT
public:
    explicit EditorView(EditorScene *scene, QWidget *parent = nullptr);

    static QString jobMimeType();

    EditorScene *editorScene() const { return m_scene; }
    qreal zoom() const { return transform().m11(); }
    /// The part of the scene the viewport shows.
    QRectF visibleSceneRect() const;
    /// Scene position of the viewport's centre (where keyboard-added tasks go).
    QPointF viewCentre() const;

    /// Fits now, and again once the viewport has its real size: a hidden view (the editor is
    /// opened before it is shown) would fit into a stale size and open zoomed far out.
    void fitWhenShown();
    bool isFitPending() const { return m_fitPending; }

public Q_SLOTS:
    /// Shows every task (never enlarging past 100 %).
    void fitGraph();
    void zoomIn();
    void zoomOut();
    /// Centres on @p id, zooming in to 100 % when far out.
    void revealTask(Baton::NodeId id);

Q_SIGNALS:
    /// A job was dropped from the palette at @p scenePos.
    void jobDropped(const QString &job, const QPointF &scenePos);
    /// What the viewport shows changed (scroll, zoom, resize): the minimap follows.
    void visibleRectChanged();

protected:
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void keyReleaseEvent(QKeyEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dropEvent(QDropEvent *event) override;
    void drawBackground(QPainter *painter, const QRectF &rect) override;

private:
    void zoomBy(qreal factor);

    EditorScene *m_scene;
    bool m_spaceHeld = false;
    bool m_panning = false;
    bool m_fitPending = false;
    QPoint m_panFrom;
};

} // namespace Baton::Ui
