#pragma once

#include "projectspec.h"

#include <QJsonObject>

namespace Baton {

/// JSON forms stored in the settings / resources columns and hashed into versions. Unset fields
/// are left out (so a version's hash does not change when a setting is added to Baton); read
/// back, a field that is not a whole number counts as unset.
QJsonObject toJson(const RunSettings &settings);
RunSettings runSettingsFromJson(const QJsonObject &json);
QJsonObject toJson(const Resources &resources);
Resources resourcesFromJson(const QJsonObject &json);

} // namespace Baton
