#pragma once

#include <QString>
#include <optional>
#include <spdlog/common.h>

namespace Baton::Logging {

/// "trace", "debug", "info", "warn", "error", "critical", "off"; nullopt for anything else.
std::optional<spdlog::level::level_enum> parseLevel(const QString &text);

/// Logs to stderr only (before a workspace is known).
void initStderr(spdlog::level::level_enum level);

/// Adds a rotating log file (logs/baton.log, 5 MiB x 3) in the workspace to the stderr sink.
void attachWorkspace(const QString &logsDirectory);

} // namespace Baton::Logging
