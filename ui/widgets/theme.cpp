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

QColor success(const QPalette &palette)
{
    return isDark(palette) ? QColor(0x4c, 0xc2, 0x6f) : QColor(0x2e, 0x9d, 0x4f);
}

QColor stateColor(const QPalette &palette, const QString &state)
{
    // The palette of the field (Airflow, Dagster): grey waits, blue moves, green went well,
    // red went wrong, orange ran out of time, purple vanished.
    const bool dark = isDark(palette);
    if (state == QLatin1String("queued"))
        return dark ? QColor(0x9a, 0xa5, 0xb4) : QColor(0x7a, 0x86, 0x96);
    if (state == QLatin1String("starting"))
        return dark ? QColor(0x7d, 0xc4, 0xe8) : QColor(0x3b, 0x9c, 0xc9);
    if (state == QLatin1String("running"))
        return dark ? QColor(0x5a, 0xa2, 0xf0) : QColor(0x25, 0x6f, 0xd1);
    if (state == QLatin1String("succeeded"))
        return success(palette);
    if (state == QLatin1String("failed") || state == QLatin1String("upstream_failed"))
        return failure(palette);
    if (state == QLatin1String("timed_out"))
        return dark ? QColor(0xf0, 0x9a, 0x4b) : QColor(0xd2, 0x69, 0x12);
    if (state == QLatin1String("lost"))
        return dark ? QColor(0xc0, 0x8c, 0xe6) : QColor(0x8e, 0x4e, 0xc6);
    if (state == QLatin1String("cancelled"))
        return dark ? QColor(0xc8, 0xb0, 0x6a) : QColor(0x9c, 0x83, 0x3a);
    return mutedText(palette);
}

} // namespace Baton::Ui::Theme
