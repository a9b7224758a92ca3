#include "theme.h"

namespace Baton::Ui::Theme {

bool isDark(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightness() < 128;
}

QColor mix(const QColor &a, const QColor &b, qreal t)
{
    return QColor::fromRgbF(a.redF() * (1 - t) + b.redF() * t,
                            a.greenF() * (1 - t) + b.greenF() * t,
                            a.blueF() * (1 - t) + b.blueF() * t);
}

QColor mutedText(const QPalette &palette)
{
    return mix(palette.color(QPalette::WindowText), palette.color(QPalette::Window), 0.42);
}

QColor failure(const QPalette &palette)
{
    return isDark(palette) ? QColor(0xf0, 0x71, 0x6a) : QColor(0xc9, 0x3a, 0x33);
}

} // namespace Baton::Ui::Theme
