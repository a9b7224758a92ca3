#pragma once

#include "cli.h"
#include "store/workspace.h"

#include <memory>

namespace Baton {
class Engine;
}

namespace Baton::Cli {

/// A run id from the command line; throws Baton::Error naming @p text when it is not one.
qint64 parseRunId(const QString &text);
/// The workspace the global options name, with its log file attached.
std::unique_ptr<Workspace> openWorkspace(const GlobalOptions &options,
                                         Workspace::Mode mode = Workspace::Mode::MustExist);
/// Whether some engine holds the workspace right now.
bool engineAlive(const Workspace &ws);
/// An engine run by this command for as long as it waits, when no other engine holds the
/// workspace; null when another one does (then the command follows the store).
std::unique_ptr<Engine> engineIfNone(Workspace &ws, int maxParallel = 0);

} // namespace Baton::Cli
