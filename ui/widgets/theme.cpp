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

QColor stateColor(const QPalette &palette, std::optional<RunState> s)
{
    if (!s)
        return mutedText(palette);
    // The class is core's (toneOf), the one the CLI's marks follow, so a screen cannot colour a
    // state against it; within a class, the palette of the field (Airflow, Dagster) tells them
    // apart: grey waits, blue moves, orange ran out of time, purple vanished.
    const bool dark = isDark(palette);
    switch (toneOf(*s)) {
    case StateTone::Good:
        return success(palette);
    case StateTone::Active:
        if (*s == RunState::Queued)
            return dark ? QColor(0x9a, 0xa5, 0xb4) : QColor(0x7a, 0x86, 0x96);
        if (*s == RunState::Starting)
            return dark ? QColor(0x7d, 0xc4, 0xe8) : QColor(0x3b, 0x9c, 0xc9);
        return dark ? QColor(0x5a, 0xa2, 0xf0) : QColor(0x25, 0x6f, 0xd1);
    case StateTone::Bad:
        if (*s == RunState::TimedOut)
            return dark ? QColor(0xf0, 0x9a, 0x4b) : QColor(0xd2, 0x69, 0x12);
        if (*s == RunState::Lost)
            return dark ? QColor(0xc0, 0x8c, 0xe6) : QColor(0x8e, 0x4e, 0xc6);
        return failure(palette);
    case StateTone::Neutral:
        if (*s == RunState::Cancelled)
            return dark ? QColor(0xc8, 0xb0, 0x6a) : QColor(0x9c, 0x83, 0x3a);
        return mutedText(palette);
    }
    return mutedText(palette);
}

} // namespace Baton::Ui::Theme
