#include "actionicons.h"

#include "paintediconengine.h"
#include "theme.h"

#include <QPainter>
#include <QPainterPath>

namespace Baton::Ui::Icons {

namespace {

QIcon painted(PaintedIconEngine::Painter painter)
{
    return QIcon(new PaintedIconEngine(std::move(painter)));
}

QColor inkFor(const QPalette &palette, QIcon::Mode mode, QIcon::State state = QIcon::Off)
{
    if (mode == QIcon::Disabled)
        return Theme::mutedText(palette);
    if (state == QIcon::On)
        return palette.color(QPalette::Highlight);
    return mode == QIcon::Selected ? palette.color(QPalette::HighlightedText)
                                   : palette.color(QPalette::WindowText);
}

QColor accent(const QPalette &palette, QIcon::Mode mode, const QColor &colour)
{
    return mode == QIcon::Disabled ? Theme::mutedText(palette) : colour;
}

QPen pen(const QColor &c, qreal width = 1.8)
{
    return QPen(c, width, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
}

} // namespace

QIcon reviewMode()
{
    return painted([](QPainter &p, const QPalette &palette, QIcon::Mode mode, QIcon::State state) {
        const QColor c = inkFor(palette, mode, state);
        p.setPen(pen(c, 1.6));
        p.setBrush(Qt::NoBrush);
        QPainterPath page;
        page.moveTo(14, 2.5);
        page.lineTo(5, 2.5);
        page.lineTo(5, 21.5);
        page.lineTo(19, 21.5);
        page.lineTo(19, 7.5);
        page.closeSubpath();
        page.moveTo(14, 2.5);
        page.lineTo(14, 7.5);
        page.lineTo(19, 7.5);
        p.drawPath(page);
        QPainterPath check;
        check.moveTo(8.5, 14);
        check.lineTo(11, 16.5);
        check.lineTo(15.5, 11);
        p.drawPath(check);
    });
}

QIcon cancel()
{
    return painted([](QPainter &p, const QPalette &palette, QIcon::Mode mode, QIcon::State) {
        const QColor c = accent(palette, mode, Theme::failure(palette));
        p.setPen(pen(c));
        p.setBrush(Qt::NoBrush);
        p.drawEllipse(QPointF(12, 12), 8.5, 8.5);
        p.setBrush(c);
        p.setPen(Qt::NoPen);
        p.drawRoundedRect(QRectF(8.5, 8.5, 7, 7), 1, 1);
    });
}

QIcon retry()
{
    return painted([](QPainter &p, const QPalette &palette, QIcon::Mode mode, QIcon::State) {
        const QColor c = accent(palette, mode, Theme::success(palette));
        p.setPen(pen(c, 2.0));
        p.setBrush(Qt::NoBrush);
        p.drawArc(QRectF(4, 4, 16, 16), 60 * 16, 280 * 16);
        QPainterPath head;
        head.moveTo(16.5, 2.5);
        head.lineTo(16.5, 7.8);
        head.lineTo(11.2, 7.8);
        p.drawPath(head);
    });
}

QIcon remove()
{
    return painted([](QPainter &p, const QPalette &palette, QIcon::Mode mode, QIcon::State) {
        const QColor c = inkFor(palette, mode);
        p.setPen(pen(c, 1.6));
        p.setBrush(Qt::NoBrush);
        p.drawLine(QPointF(4, 6), QPointF(20, 6));
        p.drawLine(QPointF(9.5, 6), QPointF(10, 3));
        p.drawLine(QPointF(10, 3), QPointF(14, 3));
        p.drawLine(QPointF(14, 3), QPointF(14.5, 6));
        QPainterPath bin;
        bin.moveTo(6, 6);
        bin.lineTo(7.2, 21);
        bin.lineTo(16.8, 21);
        bin.lineTo(18, 6);
        p.drawPath(bin);
        p.drawLine(QPointF(10, 10), QPointF(10, 17));
        p.drawLine(QPointF(14, 10), QPointF(14, 17));
    });
}

QIcon approve()
{
    return painted([](QPainter &p, const QPalette &palette, QIcon::Mode mode, QIcon::State) {
        const QColor c = accent(palette, mode, Theme::success(palette));
        p.setPen(pen(c, 2.4));
        QPainterPath check;
        check.moveTo(4.5, 12.5);
        check.lineTo(9.5, 17.5);
        check.lineTo(19.5, 6.5);
        p.drawPath(check);
    });
}

QIcon reject()
{
    return painted([](QPainter &p, const QPalette &palette, QIcon::Mode mode, QIcon::State) {
        const QColor c = accent(palette, mode, Theme::failure(palette));
        p.setPen(pen(c, 2.4));
        p.drawLine(QPointF(6, 6), QPointF(18, 18));
        p.drawLine(QPointF(18, 6), QPointF(6, 18));
    });
}

QIcon annotate()
{
    return painted([](QPainter &p, const QPalette &palette, QIcon::Mode mode, QIcon::State) {
        const QColor c = inkFor(palette, mode);
        p.setPen(pen(c, 1.6));
        p.setBrush(Qt::NoBrush);
        QPainterPath bubble;
        bubble.addRoundedRect(QRectF(3, 4, 18, 12.5), 2.5, 2.5);
        p.drawPath(bubble);
        QPainterPath tail;
        tail.moveTo(8, 16.5);
        tail.lineTo(7, 21);
        tail.lineTo(12, 16.5);
        p.drawPath(tail);
        p.drawLine(QPointF(7, 8.5), QPointF(17, 8.5));
        p.drawLine(QPointF(7, 12), QPointF(14, 12));
    });
}

} // namespace Baton::Ui::Icons
