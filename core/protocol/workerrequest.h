#pragma once

// The request the engine sends a supervisor worker for one attempt (app/supervisor/worker.h), and
// splits back itself to exec a supervisor when no worker takes it: the supervisor's argv
// (argv[0] included), each item NUL-terminated, then an empty string, then the job's environment,
// each entry NUL-terminated. Items are never empty. Plain C++, no Qt.

#include <cstddef>
#include <vector>

namespace Baton::Protocol {

/// The largest request the engine sends a worker (larger ones go to an exec'ed supervisor); a
/// worker reads up to 256 KiB, to see a larger one whole and refuse it.
constexpr std::size_t MaxWorkerRequestSize = 200 * 1024;

/// Splits @p data (@p size bytes) into @p argv and @p env, each ending with a null pointer; the
/// pointers point into @p data. False when it is no request: empty, not ending with NUL, without
/// the empty string after argv, or without argv.
bool splitWorkerRequest(char *data, std::size_t size, std::vector<char *> *argv,
                        std::vector<char *> *env);

} // namespace Baton::Protocol
