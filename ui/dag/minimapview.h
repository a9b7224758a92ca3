#pragma once

#include <QGraphicsView>

namespace Baton::Ui {

class DagView;

/// A small overview of a DAG scene with the part a DagView shows outlined; click or drag in it
/// to move that view there.
class MinimapView : public QGraphicsView
{
    Q_OBJECT
public:
    explicit MinimapView(DagView *main, QWidget *parent = nullptr);

public Q_SLOTS:
    /// Fits the whole scene again (after a layout, or the scene grew).
    void refit();

protected:
    void resizeEvent(QResizeEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void drawForeground(QPainter *painter, const QRectF &rect) override;
    void drawBackground(QPainter *painter, const QRectF &rect) override;

private:
    DagView *m_main;
};

} // namespace Baton::Ui
