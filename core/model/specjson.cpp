#include "specjson.h"

namespace Baton {

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
    if (json.contains(QLatin1String("retries")))
        s.retries = json.value(QLatin1String("retries")).toInt();
    if (json.contains(QLatin1String("retry_delay")))
        s.retryDelaySeconds = json.value(QLatin1String("retry_delay")).toInt();
    if (json.contains(QLatin1String("timeout")))
        s.timeoutSeconds = json.value(QLatin1String("timeout")).toInt();
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
    if (json.contains(QLatin1String("cpus")))
        r.cpus = json.value(QLatin1String("cpus")).toInt();
    r.memory = json.value(QLatin1String("memory")).toString();
    return r;
}

} // namespace Baton
