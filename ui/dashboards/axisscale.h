#pragma once

#include <QString>

class QDateTimeAxis;
class QValueAxis;

namespace Baton::Ui {

/// Round ticks for a value axis: the range starts and ends on a tick, the step is 1, 2, 2.5 or
/// 5 × 10^n, and labels carry exactly the decimals that step needs, so they read "0.125",
/// "12,000" or "0.00004" at any scale (never "1.2e+04", never cut to "…").
struct ValueScale
{
    double min = 0;
    double max = 1;
    double step = 0.2;
    int decimals = 1;
    /// The printf format QValueAxis takes ("%.2f").
    QString labelFormat() const;
    /// How a value reads on this axis ("12,000", "0.125"), as the axis draws it.
    QString label(double value) const;
};

/// A value for a legend or a table: four significant digits, group separators, never
/// scientific ("0.000044", "1,234,567", "0.1235").
QString readableNumber(double value);

/// At most about @p ticks ticks over [@p low, @p high]; a single value gets room around it.
ValueScale valueScale(double low, double high, int ticks = 6);
/// Range, ticks on every step (anchored at 0's multiples) and the label format.
void applyValueScale(QValueAxis *axis, const ValueScale &scale);

/// A time axis over [@p from, @p to] (ms UTC): whole local days at the ends with a tick each
/// midnight for spans of days ("MMM d", "MMM yyyy" past ten months), or the hours and minutes
/// ("HH:mm", with the day when it changes, "HH:mm:ss" under ten minutes) for shorter spans.
void applyTimeScale(QDateTimeAxis *axis, qint64 from, qint64 to);
/// The label format applyTimeScale chooses for a span of @p spanMs.
QString timeLabelFormat(qint64 spanMs, bool crossesDays);

} // namespace Baton::Ui
