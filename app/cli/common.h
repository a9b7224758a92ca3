#pragma once

#include "cli.h"
#include "store/workspace.h"
#include "util/error.h"

#include <QCommandLineParser>
#include <memory>

namespace Baton {
class Engine;
}

namespace Baton::Cli {

/// A mistake in how a command was called, found after its options were parsed: printed as
/// "baton COMMAND: MESSAGE" with exit code 2 (usage), as QCommandLineParser's own.
class UsageError : public Error
{
public:
    using Error::Error;
};

/// A run id from the command line; throws Baton::Error naming @p text when it is not one.
qint64 parseRunId(const QString &text);
/// The whole number given to option --@p name (its default when not given), within
/// [@p minimum, @p maximum]; throws UsageError ("--limit: expected a whole number from 1 to
/// 100000, got '1x'") otherwise. Every numeric option goes through it.
qint64 numberOption(const QCommandLineParser &parser, const QString &name, qint64 minimum,
                    qint64 maximum);
/// The workspace the global options name, with its log file attached.
std::unique_ptr<Workspace> openWorkspace(const GlobalOptions &options,
                                         Workspace::Mode mode = Workspace::Mode::MustExist);
/// Whether some engine holds the workspace right now.
bool engineAlive(const Workspace &ws);
/// An engine run by this command for as long as it waits, when no other engine holds the
/// workspace; null when another one does (then the command follows the store).
std::unique_ptr<Engine> engineIfNone(Workspace &ws, int maxParallel = 0);

} // namespace Baton::Cli
