#include "specjson.h"

#include <limits>

namespace Baton {

namespace {
// A setting is set only by a whole number: anything else in the column (null, text, a fraction;
// a hand-edited or damaged row) leaves it unset, so the job's own value or the default applies
// instead of a made-up 0.
std::optional<int> wholeNumber(const QJsonObject &json, QLatin1String key)
{
    const QJsonValue v = json.value(key);
    if (!v.isDouble())
        return std::nullopt;
    const double d = v.toDouble();
    if (d != double(qint64(d)) || d < std::numeric_limits<int>::min()
        || d > std::numeric_limits<int>::max())
        return std::nullopt;
    return int(d);
}
} // namespace

QJsonObject toJson(const RunSettings &settings)
{
    QJsonObject o;
    if (settings.retries)
        o.insert(QStringLiteral("retries"), *settings.retries);
    if (settings.retryDelaySeconds)
        o.insert(QStringLiteral("retry_delay"), *settings.retryDelaySeconds);
    if (settings.timeoutSeconds)
        o.insert(QStringLiteral("timeout"), *settings.timeoutSeconds);
    return o;
}

RunSettings runSettingsFromJson(const QJsonObject &json)
{
    RunSettings s;
    s.retries = wholeNumber(json, QLatin1String("retries"));
    s.retryDelaySeconds = wholeNumber(json, QLatin1String("retry_delay"));
    s.timeoutSeconds = wholeNumber(json, QLatin1String("timeout"));
    return s;
}

QJsonObject toJson(const Resources &resources)
{
    QJsonObject o;
    if (resources.cpus)
        o.insert(QStringLiteral("cpus"), *resources.cpus);
    if (!resources.memory.isEmpty())
        o.insert(QStringLiteral("memory"), resources.memory);
    return o;
}

Resources resourcesFromJson(const QJsonObject &json)
{
    Resources r;
    r.cpus = wholeNumber(json, QLatin1String("cpus"));
    r.memory = json.value(QLatin1String("memory")).toString();
    return r;
}

} // namespace Baton
