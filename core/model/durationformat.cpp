#include "durationformat.h"

namespace Baton {

QString durationText(qint64 ms)
{
    ms = qMax<qint64>(0, ms);
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(ms);
    if (ms < 60000)
        return QStringLiteral("%1 s").arg(QString::number(double(ms) / 1000.0, 'f', 1));
    const qint64 s = ms / 1000;
    const auto two = [](qint64 n) {
        return QStringLiteral("%1").arg(n, 2, 10, QLatin1Char('0'));
    };
    if (s < 3600)
        return QStringLiteral("%1m %2s").arg(s / 60).arg(two(s % 60));
    if (s < 86400)
        return QStringLiteral("%1h %2m").arg(s / 3600).arg(two(s / 60 % 60));
    return QStringLiteral("%1d %2h").arg(s / 86400).arg(two(s / 3600 % 24));
}

QString durationTextOr(qint64 ms, const QString &none)
{
    return ms > 0 ? durationText(ms) : none;
}

} // namespace Baton
