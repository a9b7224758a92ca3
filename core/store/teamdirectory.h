#pragma once

#include <QString>

namespace Baton {

class Store;

/// Where this machine keeps a team workspace's files (the run files of the attempts it starts,
/// its cache of logs read from the database): ~/.local/share/baton/team/<workspace id>. The
/// workspace id keeps two team workspaces (or a re-created one) apart. Reads the id from
/// @p store; throws Baton::Error.
QString teamDirectory(const Store &store);

} // namespace Baton
