#pragma once

#include <QIcon>
#include <QIconEngine>
#include <QPalette>
#include <functional>

class QPainter;

namespace Baton::Ui {

/// An icon drawn with QPainter at whatever device size is asked for, so it stays crisp at
/// any scale factor, and in the palette of the moment, so it follows a dark theme.
class PaintedIconEngine : public QIconEngine
{
public:
    /// Paints on a 24 × 24 design grid (the painter is already scaled to the target size).
    using Painter = std::function<void(QPainter &, const QPalette &, QIcon::Mode, QIcon::State)>;

    explicit PaintedIconEngine(Painter painter);

    void paint(QPainter *painter, const QRect &rect, QIcon::Mode mode, QIcon::State state) override;
    QPixmap pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state) override;
    QIconEngine *clone() const override;
    QString key() const override;

private:
    Painter m_painter;
};

} // namespace Baton::Ui
