#include "common.h"

#include "engine/engine.h"
#include "engine/enginelease.h"
#include "util/error.h"
#include "util/logging.h"
#include "util/number.h"

#include <QDateTime>
#include <spdlog/spdlog.h>

namespace Baton::Cli {

std::unique_ptr<Workspace> openWorkspace(const GlobalOptions &options, Workspace::Mode mode)
{
    auto ws = std::make_unique<Workspace>(Workspace::resolveDirectory(options.workspace), mode);
    // A read-only workspace is read, not logged to (reads work; writes say "read-only").
    if (!ws->store().readOnly())
        Logging::attachWorkspace(ws->logsDirectory());
    spdlog::debug("workspace {}", ws->address().toStdString());
    return ws;
}

bool engineAlive(const Workspace &ws)
{
    const auto lease = EngineLease::current(ws.store().db());
    return lease && lease->alive(QDateTime::currentMSecsSinceEpoch());
}

std::unique_ptr<Engine> engineIfNone(Workspace &ws, int maxParallel)
{
    if (engineAlive(ws))
        return nullptr;
    EngineOptions options;
    options.maxParallel = maxParallel;
    auto engine = std::make_unique<Engine>(&ws, options);
    QString error;
    if (!engine->start(&error)) {
        // Lost a race with an engine that just started: follow from the store instead.
        spdlog::info("in-process engine not started: {}", error.toStdString());
        return nullptr;
    }
    return engine;
}

qint64 parseRunId(const QString &text)
{
    const auto id = parseWholeNumber(text, 1);
    if (!id)
        throw Error(
            QStringLiteral("'%1' is not a run id (a positive number, see 'baton runs')").arg(text));
    return *id;
}

qint64 numberOption(const QCommandLineParser &parser, const QString &name, qint64 minimum,
                    qint64 maximum)
{
    QString problem;
    const auto n = parseWholeNumber(parser.value(name), minimum, maximum, &problem);
    if (!n)
        throw UsageError(QStringLiteral("--%1: %2").arg(name, problem));
    return *n;
}

} // namespace Baton::Cli
