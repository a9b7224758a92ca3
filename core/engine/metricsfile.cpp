#include "metricsfile.h"

#include <QRegularExpression>
#include <cmath>

namespace Baton {

MetricsFile::Parsed MetricsFile::parse(const QByteArray &data)
{
    static const QRegularExpression re(
        QStringLiteral("^\\s*([A-Za-z_][A-Za-z0-9_.:-]{0,127})\\s*[=\\s]\\s*(\\S+)\\s*$"));
    Parsed parsed;
    int lineNo = 0;
    for (const QByteArray &raw : data.split('\n')) {
        ++lineNo;
        const QString line = QString::fromUtf8(raw).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const auto m = re.match(line);
        bool ok = false;
        const double value = m.hasMatch() ? m.captured(2).toDouble(&ok) : 0.0;
        if (!m.hasMatch() || !ok || !std::isfinite(value)) {
            parsed.ignored.append({ lineNo, line });
            continue;
        }
        parsed.values.append({ m.captured(1), value });
    }
    return parsed;
}

} // namespace Baton
