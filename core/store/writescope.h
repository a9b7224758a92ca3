#pragma once

namespace Baton::WriteScope {

/// Whether the calling thread is inside Store::transaction(), i.e. holds the workspace's write
/// lock: what a writer that reads before it writes (the audit chain's head) relies on.
bool active();

} // namespace Baton::WriteScope
