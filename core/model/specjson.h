#pragma once

#include "projectspec.h"

#include <QJsonObject>

namespace Baton {

/// JSON forms stored in the settings / resources columns and hashed into versions.
QJsonObject toJson(const RunSettings &settings);
RunSettings runSettingsFromJson(const QJsonObject &json);
QJsonObject toJson(const Resources &resources);
Resources resourcesFromJson(const QJsonObject &json);

} // namespace Baton
