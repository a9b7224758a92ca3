#pragma once

#include <QString>

namespace Baton::WorkspaceCommand {

/// `baton SUBCOMMAND` as a person would type it for the workspace at @p address (a directory,
/// or a team workspace's address): with `--workspace ADDRESS` unless it is the workspace baton
/// picks by itself ($BATON_WORKSPACE, else the default directory). The console's hints use it.
QString forAddress(const QString &address, const QString &subcommand);

} // namespace Baton::WorkspaceCommand
