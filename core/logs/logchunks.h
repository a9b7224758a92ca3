#pragma once

#include <QByteArray>
#include <functional>

namespace Baton {

class Store;

/// Attempt logs stored in the database (attempt_log_chunks: LogShipper writes them, LogMirror
/// and `baton workspace copy` read them). The two rules every user of them shares, written once.
namespace LogChunks {

/// Whether the attempt logs of @p store travel through its database: a team workspace, whose
/// consoles may be on other machines (its engines ship their logs, every reader fetches them).
/// An SQLite workspace is one machine's: its logs are read from their files, and its engine pays
/// nothing for shipping.
bool travelThroughDatabase(const Store &store);

/// Passes @p sink the bytes of attempt @p attemptId's log from byte @p from on, in order, a few
/// chunks (a few MiB: the driver holds a whole result) per call: one range scan of the key from
/// the chunk holding byte @p from. Returns the byte after the last one passed (@p from when the
/// database holds nothing after it yet). Throws Baton::Error when the store fails or bytes are
/// missing before the next chunk.
qint64 read(const Store &store, qint64 attemptId, qint64 from,
            const std::function<void(const QByteArray &bytes)> &sink);

} // namespace LogChunks

} // namespace Baton
