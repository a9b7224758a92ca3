#include "axisscale.h"

#include <QDateTime>
#include <QDateTimeAxis>
#include <QLocale>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

namespace Baton::Ui {

namespace {

constexpr qint64 kHourMs = 3600 * 1000;
constexpr qint64 kDayMs = 24 * kHourMs;

// The fewest decimals that print every multiple of @p step exactly.
int decimalsFor(double step)
{
    for (int d = 0; d < 15; ++d) {
        const double scaled = step * std::pow(10.0, d);
        if (std::fabs(scaled - std::round(scaled)) <= 1e-9 * scaled)
            return d;
    }
    return 15;
}

} // namespace

QString ValueScale::labelFormat() const
{
    return QStringLiteral("%.%1f").arg(decimals);
}

QString ValueScale::label(double value) const
{
    QLocale locale;
    locale.setNumberOptions(locale.numberOptions() & ~QLocale::OmitGroupSeparator);
    return locale.toString(value, 'f', decimals);
}

QString readableNumber(double value)
{
    if (!std::isfinite(value))
        return QString::number(value);
    QLocale locale;
    locale.setNumberOptions(locale.numberOptions() & ~QLocale::OmitGroupSeparator);
    if (value == 0)
        return locale.toString(0);
    const int magnitude = int(std::floor(std::log10(std::fabs(value))));
    const int decimals = std::clamp(3 - magnitude, 0, 12);
    QString text = locale.toString(value, 'f', decimals);
    if (decimals > 0) {
        // 0.1000 → 0.1: the significant digits, not padding.
        while (text.endsWith(locale.zeroDigit()))
            text.chop(1);
        if (text.endsWith(locale.decimalPoint()))
            text.chop(locale.decimalPoint().size());
    }
    return text;
}

ValueScale valueScale(double low, double high, int ticks)
{
    if (!std::isfinite(low) || !std::isfinite(high))
        return {};
    if (high < low)
        std::swap(low, high);
    if (high - low <= std::max(std::fabs(high), std::fabs(low)) * 1e-12) {
        // One value (or several equal ones): a band around it, 10 % each side, or ±1 at 0.
        const double around = low == 0 ? 1.0 : std::fabs(low) * 0.1;
        low -= around;
        high += around;
    }
    const double raw = (high - low) / std::max(1, ticks - 1);
    const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
    double step = 10 * magnitude;
    for (const double m : { 1.0, 2.0, 2.5, 5.0, 10.0 }) {
        if (raw <= m * magnitude * (1 + 1e-9)) {
            step = m * magnitude;
            break;
        }
    }
    ValueScale s;
    s.step = step;
    s.min = std::floor(low / step + 1e-9) * step + 0.0; // + 0.0: never "-0"
    s.max = std::ceil(high / step - 1e-9) * step + 0.0;
    if (s.max <= s.min)
        s.max = s.min + step;
    s.decimals = decimalsFor(step);
    return s;
}

void applyValueScale(QValueAxis *axis, const ValueScale &scale)
{
    axis->setRange(scale.min, scale.max);
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(0.0);
    axis->setTickInterval(scale.step);
    axis->setLabelFormat(scale.labelFormat());
}

QString timeLabelFormat(qint64 spanMs, bool crossesDays)
{
    if (spanMs > 300 * kDayMs)
        return QStringLiteral("MMM yyyy");
    if (spanMs >= 2 * kDayMs)
        return QStringLiteral("MMM d");
    if (spanMs < 10 * 60 * 1000)
        return QStringLiteral("HH:mm:ss");
    return crossesDays ? QStringLiteral("MMM d HH:mm") : QStringLiteral("HH:mm");
}

void applyTimeScale(QDateTimeAxis *axis, qint64 from, qint64 to)
{
    if (to <= from)
        to = from + kHourMs;
    QDateTime start = QDateTime::fromMSecsSinceEpoch(from);
    QDateTime end = QDateTime::fromMSecsSinceEpoch(to);
    const bool crossesDays = start.date() != end.date();
    if (to - from >= 2 * kDayMs) {
        // Whole days, a tick at each midnight while they fit (points sit inside their day).
        start = start.date().startOfDay();
        end = end.date().addDays(1).startOfDay();
        const qint64 days = start.daysTo(end);
        int intervals = int(days);
        if (days > 12) {
            intervals = 6;
            for (int n = 8; n >= 4; --n) {
                if (days % n == 0) {
                    intervals = n;
                    break;
                }
            }
        }
        axis->setRange(start, end);
        axis->setTickCount(intervals + 1);
        axis->setFormat(timeLabelFormat(to - from, true));
        return;
    }
    // Under two days: a margin of a twentieth each side, at least a minute.
    const qint64 margin = std::max<qint64>((to - from) / 20, 60 * 1000);
    axis->setRange(start.addMSecs(-margin), end.addMSecs(margin));
    axis->setTickCount(6);
    axis->setFormat(timeLabelFormat(to - from, crossesDays));
}

} // namespace Baton::Ui
