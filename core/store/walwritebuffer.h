#pragma once

#include <cstdint>

namespace Baton {

/// Makes SQLite write each commit to the write-ahead log in one system call.
///
/// SQLite writes a WAL frame as two writes (its 24-byte header, then the page): a task's
/// transition, six pages, cost twelve write() calls on the engine's critical path, each a trip
/// through the file system (on ext4 noticeably dearer than on tmpfs). This VFS sits over the
/// default one and gathers the contiguous writes to a WAL file in memory until the commit's last
/// frame, then writes them at once. Nothing changes on disk or in what readers see: a commit is
/// published to other connections (the WAL index header) only after the write call that
/// contains it returns, so no reader can see a frame that is not in the file, and frames lost
/// with a crashed process belonged to a transaction that had not committed. Reads, syncs,
/// truncation, size queries, file controls, a non-contiguous write or a full buffer (64 KiB:
/// the unix VFS writes at most 128 KiB - 1 per call) write what is gathered first.
struct WalWriteBuffer
{
    /// Registers the VFS as the process's default, once; every connection opened afterwards
    /// uses it. $BATON_SQLITE_WAL_BUFFER=0 leaves SQLite's own default. False if not installed.
    static bool install();
    /// Write calls passed on for WAL files, and writes SQLite asked for (tests, diagnostics).
    struct Counts
    {
        int64_t walWritesAsked = 0;
        int64_t walWritesIssued = 0;
    };
    static Counts counts();
};

} // namespace Baton
