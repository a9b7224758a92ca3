#include "paintediconengine.h"

#include <QApplication>
#include <QPainter>
#include <QPixmap>

namespace Baton::Ui {

PaintedIconEngine::PaintedIconEngine(Painter painter)
    : m_painter(std::move(painter))
{ }

void PaintedIconEngine::paint(QPainter *painter, const QRect &rect, QIcon::Mode mode,
                              QIcon::State state)
{
    const qreal side = qMin(rect.width(), rect.height());
    if (side <= 0)
        return;
    painter->save();
    painter->setRenderHint(QPainter::Antialiasing);
    painter->translate(rect.x() + (rect.width() - side) / 2.0,
                       rect.y() + (rect.height() - side) / 2.0);
    painter->scale(side / 24.0, side / 24.0);
    if (mode == QIcon::Disabled)
        painter->setOpacity(0.4);
    m_painter(*painter, QApplication::palette(), mode, state);
    painter->restore();
}

QPixmap PaintedIconEngine::pixmap(const QSize &size, QIcon::Mode mode, QIcon::State state)
{
    QPixmap pm(size);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    paint(&p, QRect(QPoint(0, 0), size), mode, state);
    return pm;
}

QIconEngine *PaintedIconEngine::clone() const
{
    return new PaintedIconEngine(m_painter);
}

QString PaintedIconEngine::key() const
{
    return QStringLiteral("BatonPainted");
}

} // namespace Baton::Ui
