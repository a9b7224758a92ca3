#pragma once

#include <QGraphicsView>

namespace Baton::Ui {

/// What the pipeline graph and the editor's canvas share: Ctrl+wheel or Ctrl+=/Ctrl+- to zoom
/// (1 % to 400 %), fit (never enlarging past 100 %), Escape to clear the selection, the dot
/// grid on the Base colour, and visibleRectChanged() for a minimap.
class DagView : public QGraphicsView
{
    Q_OBJECT
public:
    /// When the view fits itself again without being asked.
    enum class FitPolicy {
        UntilZoomed, ///< on every resize and show, until the user zooms or pans
        UntilShown, ///< once shown at its real size (see fitWhenShown()), then never
    };

    explicit DagView(QGraphicsScene *scene, FitPolicy policy, QWidget *parent = nullptr);

    /// The current scale (1.0 = 100 %).
    qreal zoom() const { return transform().m11(); }
    /// The part of the scene the viewport shows.
    QRectF visibleSceneRect() const;
    /// Scene position of the viewport's centre.
    QPointF viewCentre() const;
    /// Whether the view will fit itself again (on resize or show).
    bool isAutoFit() const { return m_autoFit; }

    /// Fits now, and again once the viewport has its real size: a hidden view would fit into
    /// a stale size and open zoomed far out.
    void fitWhenShown();

public Q_SLOTS:
    /// Shows every item (never enlarging past 100 %).
    void fitGraph();
    void zoomIn();
    void zoomOut();

Q_SIGNALS:
    /// What the viewport shows changed (scroll, zoom, resize): the minimap follows.
    void visibleRectChanged();

protected:
    /// The user chose a zoom or a place: stop fitting.
    void stopAutoFit() { m_autoFit = false; }
    /// Whether there is anything to draw (else no grid and nothing to fit).
    virtual bool hasContent() const;

    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;
    void changeEvent(QEvent *event) override;
    void drawBackground(QPainter *painter, const QRectF &rect) override;

private:
    void zoomBy(qreal factor);

    FitPolicy m_policy;
    bool m_autoFit;
};

} // namespace Baton::Ui
