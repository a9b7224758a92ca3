#pragma once

#include <QGraphicsView>

namespace Baton::Ui {

class EditorView;

/// A small overview of the whole canvas with the part the editor shows outlined; click or
/// drag in it to move the editor's view there.
class MinimapView : public QGraphicsView
{
    Q_OBJECT
public:
    explicit MinimapView(EditorView *main, QWidget *parent = nullptr);

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
    EditorView *m_main;
};

} // namespace Baton::Ui
