#include "logging.h"

#include <QDir>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace Baton::Logging {

std::optional<spdlog::level::level_enum> parseLevel(const QString &text)
{
    const QString t = text.trimmed().toLower();
    static const std::pair<const char *, spdlog::level::level_enum> levels[] = {
        { "trace", spdlog::level::trace },       { "debug", spdlog::level::debug },
        { "info", spdlog::level::info },         { "warn", spdlog::level::warn },
        { "warning", spdlog::level::warn },      { "error", spdlog::level::err },
        { "critical", spdlog::level::critical }, { "off", spdlog::level::off },
    };
    for (const auto &[name, level] : levels) {
        if (t == QLatin1String(name))
            return level;
    }
    return std::nullopt;
}

void initStderr(spdlog::level::level_enum level)
{
    auto sink = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    sink->set_pattern("baton: %^%l%$: %v");
    auto logger = std::make_shared<spdlog::logger>("baton", sink);
    logger->set_level(level);
    spdlog::set_default_logger(logger);
}

void attachWorkspace(const QString &logsDirectory)
{
    auto logger = spdlog::default_logger();
    QDir().mkpath(logsDirectory);
    const std::string path
        = QDir(logsDirectory).filePath(QStringLiteral("baton.log")).toStdString();
    try {
        auto file
            = std::make_shared<spdlog::sinks::rotating_file_sink_mt>(path, 5 * 1024 * 1024, 3);
        file->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z [%P] %l: %v");
        // The file keeps everything at the chosen level even when stderr is quieter.
        file->set_level(logger->level());
        logger->sinks().push_back(file);
        logger->flush_on(spdlog::level::warn);
    } catch (const spdlog::spdlog_ex &e) {
        logger->warn("cannot write the workspace log {}: {}", path, e.what());
    }
}

} // namespace Baton::Logging
