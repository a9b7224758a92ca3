#include "icons.h"

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

// Monochrome icons take the colour a selected row or a checked rail button gives its text.
QColor ink(const QPalette &palette, QIcon::Mode mode)
{
    return mode == QIcon::Selected ? palette.color(QPalette::HighlightedText)
                                   : palette.color(QPalette::WindowText);
}

void drawDag(QPainter &p, const QColor &nodes, const QColor &lines, qreal lineWidth,
             const QColor &outline = Qt::transparent)
{
    QPen pen(lines, lineWidth, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin);
    p.setPen(pen);
    p.setBrush(Qt::NoBrush);
    QPainterPath path;
    path.moveTo(6.5, 12);
    path.cubicTo(11, 12, 10, 6, 15, 6);
    path.moveTo(6.5, 12);
    path.cubicTo(11, 12, 10, 18, 15, 18);
    p.drawPath(path);
    p.setPen(outline.alpha() ? QPen(outline, 1.0) : QPen(Qt::NoPen));
    p.setBrush(nodes);
    p.drawRoundedRect(QRectF(2, 9, 6, 6), 1.5, 1.5);
    p.drawRoundedRect(QRectF(14, 3, 7.5, 6), 1.5, 1.5);
    p.drawRoundedRect(QRectF(14, 15, 7.5, 6), 1.5, 1.5);
}

} // namespace

QColor projectColor()
{
    return QColor(0x4a, 0x86, 0xd8);
}

QColor pipelineColor()
{
    return QColor(0x1f, 0xa2, 0x8f);
}

QColor jobColor()
{
    return QColor(0xd9, 0x8a, 0x1c);
}

QColor runColor()
{
    return QColor(0x2e, 0x9d, 0x4f);
}

QIcon project()
{
    return painted([](QPainter &p, const QPalette &, QIcon::Mode, QIcon::State) {
        const QColor c = projectColor();
        QPainterPath folder;
        folder.moveTo(2.5, 6);
        folder.lineTo(2.5, 19);
        folder.quadTo(2.5, 20.5, 4, 20.5);
        folder.lineTo(20, 20.5);
        folder.quadTo(21.5, 20.5, 21.5, 19);
        folder.lineTo(21.5, 8.5);
        folder.quadTo(21.5, 7, 20, 7);
        folder.lineTo(11.5, 7);
        folder.lineTo(9.5, 4.5);
        folder.lineTo(4, 4.5);
        folder.quadTo(2.5, 4.5, 2.5, 6);
        p.setPen(QPen(c.darker(130), 1.0));
        p.setBrush(c);
        p.drawPath(folder);
        // A cube mark: a project is a package of jobs and pipelines.
        p.setPen(QPen(Qt::white, 1.3, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.setBrush(Qt::NoBrush);
        QPainterPath cube;
        cube.moveTo(12, 10);
        cube.lineTo(16, 12);
        cube.lineTo(12, 14);
        cube.lineTo(8, 12);
        cube.closeSubpath();
        cube.moveTo(8, 12);
        cube.lineTo(8, 16);
        cube.lineTo(12, 18);
        cube.lineTo(16, 16);
        cube.lineTo(16, 12);
        cube.moveTo(12, 14);
        cube.lineTo(12, 18);
        p.drawPath(cube);
    });
}

QIcon pipeline()
{
    return painted([](QPainter &p, const QPalette &palette, QIcon::Mode mode, QIcon::State) {
        const QColor c = pipelineColor();
        // On a selected row, outline the nodes so they stand out from the highlight.
        drawDag(p, c, mode == QIcon::Selected ? ink(palette, mode) : c.darker(115), 1.6,
                mode == QIcon::Selected ? ink(palette, mode) : QColor(Qt::transparent));
    });
}

QIcon job()
{
    return painted([](QPainter &p, const QPalette &, QIcon::Mode, QIcon::State) {
        const QColor c = jobColor();
        p.setPen(QPen(c.darker(130), 1.0));
        p.setBrush(c);
        p.drawRoundedRect(QRectF(3, 4, 18, 16), 3, 3);
        // A prompt: a job is a command run in a package.
        p.setPen(QPen(Qt::white, 1.8, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.setBrush(Qt::NoBrush);
        QPainterPath prompt;
        prompt.moveTo(7, 9);
        prompt.lineTo(10.5, 12);
        prompt.lineTo(7, 15);
        p.drawPath(prompt);
        p.drawLine(QPointF(12.5, 15.5), QPointF(17, 15.5));
    });
}

QIcon group()
{
    return painted([](QPainter &p, const QPalette &palette, QIcon::Mode mode, QIcon::State) {
        QColor c = ink(palette, mode);
        c.setAlphaF(0.55);
        p.setPen(QPen(c, 1.4, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.setBrush(Qt::NoBrush);
        for (int i = 0; i < 3; ++i) {
            const qreal y = 6.5 + i * 5.5;
            p.drawLine(QPointF(9, y), QPointF(20.5, y));
            p.drawEllipse(QPointF(4.8, y), 1.3, 1.3);
        }
    });
}

QIcon pipelinesMode()
{
    return painted([](QPainter &p, const QPalette &palette, QIcon::Mode mode, QIcon::State state) {
        const QColor c
            = state == QIcon::On ? palette.color(QPalette::Highlight) : ink(palette, mode);
        drawDag(p, c, c, 1.7);
    });
}

QIcon auditMode()
{
    return painted([](QPainter &p, const QPalette &palette, QIcon::Mode mode, QIcon::State state) {
        const QColor c
            = state == QIcon::On ? palette.color(QPalette::Highlight) : ink(palette, mode);
        p.setPen(QPen(c, 1.6, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.setBrush(Qt::NoBrush);
        p.drawRoundedRect(QRectF(4.5, 4, 15, 17.5), 2, 2);
        p.drawRoundedRect(QRectF(8.5, 2.5, 7, 3), 1, 1); // the clip
        for (qreal y : { 10.0, 14.0, 18.0 }) {
            p.drawLine(QPointF(7.5, y), QPointF(9, y + 1.2)); // a tick
            p.drawLine(QPointF(9, y + 1.2), QPointF(10.5, y - 1));
            p.drawLine(QPointF(12.5, y), QPointF(17, y));
        }
    });
}

QIcon monitorMode()
{
    return painted([](QPainter &p, const QPalette &palette, QIcon::Mode mode, QIcon::State state) {
        const QColor c
            = state == QIcon::On ? palette.color(QPalette::Highlight) : ink(palette, mode);
        p.setPen(QPen(c, 1.6, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.setBrush(Qt::NoBrush);
        p.drawRoundedRect(QRectF(2.5, 3.5, 19, 14), 2, 2);
        p.drawLine(QPointF(9, 21), QPointF(15, 21));
        p.drawLine(QPointF(12, 17.5), QPointF(12, 21));
        // A pulse across the screen: something is being watched live.
        QPainterPath pulse;
        pulse.moveTo(5, 11);
        pulse.lineTo(8.5, 11);
        pulse.lineTo(10.5, 7);
        pulse.lineTo(13, 14.5);
        pulse.lineTo(15, 10);
        pulse.lineTo(19, 10);
        p.drawPath(pulse);
    });
}

QIcon releasesMode()
{
    return painted([](QPainter &p, const QPalette &palette, QIcon::Mode mode, QIcon::State state) {
        const QColor c
            = state == QIcon::On ? palette.color(QPalette::Highlight) : ink(palette, mode);
        p.setPen(QPen(c, 1.6, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.setBrush(Qt::NoBrush);
        // Three environments as steps, and an arrow climbing them: a promotion path.
        p.drawRect(QRectF(2.5, 15.5, 5, 5));
        p.drawRect(QRectF(9.5, 10.5, 5, 10));
        p.drawRect(QRectF(16.5, 5.5, 5, 15));
        QPainterPath arrow;
        arrow.moveTo(3, 11);
        arrow.lineTo(12, 4);
        p.drawPath(arrow);
        p.drawLine(QPointF(12, 4), QPointF(8.5, 4.2));
        p.drawLine(QPointF(12, 4), QPointF(11.2, 7.4));
    });
}

QIcon stateDot(std::optional<RunState> state)
{
    return painted([state](QPainter &p, const QPalette &palette, QIcon::Mode, QIcon::State) {
        const QColor c = Theme::stateColor(palette, state);
        p.setPen(QPen(c.darker(120), 1.0));
        p.setBrush(c);
        p.drawEllipse(QPointF(12, 12), 6, 6);
    });
}

QIcon run()
{
    return painted([](QPainter &p, const QPalette &palette, QIcon::Mode mode, QIcon::State) {
        QColor c = runColor();
        if (mode == QIcon::Disabled)
            c = Theme::mutedText(palette);
        QPainterPath triangle;
        triangle.moveTo(6.5, 4);
        triangle.lineTo(19.5, 12);
        triangle.lineTo(6.5, 20);
        triangle.closeSubpath();
        p.setPen(QPen(c.darker(115), 1.4, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.setBrush(c);
        p.drawPath(triangle);
    });
}

} // namespace Baton::Ui::Icons
