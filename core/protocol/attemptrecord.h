#pragma once

// The attempt record: ATTEMPT_DIR.state, written by baton-supervisor (app/supervisor) and read by
// the engine's local executor (core/executors). Plain C++, no Qt: the supervisor links it
// statically.
//
// The file is the attempt's claim and liveness lock too (see app/supervisor/main.cpp); its lines
// are only appended, each group in one write():
//   supervisor_pid=N\nstarted_at=MS\n   before the job starts (without it the job never ran)
//   pgid=N\n                            once the job runs
//   log_error=TEXT\n                    when the log could not be created or written
//   exit_code=N\nsignal=N\nreason=R\nfinished_at=MS\nfinished_at_us=US\nlog_bytes=N\n
//   truncated=0|1\nend=1\n              the exit record: without end=1 there is none
//   abandoned=MS\n                      appended by the engine, under the lock, to an attempt that
//                                       no supervisor may run any more

#include <cstdint>
#include <string>
#include <string_view>

namespace Baton::Protocol {

/// How an attempt ended, as the supervisor records it (the engine adds `lost` and `not_started`
/// for attempts it found without a record).
enum class EndReason { Completed, TimedOut, Cancelled, SpawnFailed };
/// `completed`, `timed_out`, `cancelled`, `spawn_failed`.
const char *reasonName(EndReason reason);
/// The reason named @p name; false when it names none.
bool parseReason(std::string_view name, EndReason *reason);

/// The largest line either side writes or reads: a longer one is damage, not a record.
constexpr std::size_t MaxFieldSize = 16 * 1024;
/// The longest log error either record carries (longer messages are cut): it is a line of the
/// state file and the tail of the exit line, both within MaxFieldSize.
constexpr std::size_t MaxLogErrorSize = 8 * 1024;
/// What a reader reads of a record at most (a sound one is a few hundred bytes).
constexpr std::size_t MaxRecordSize = 64 * 1024;

/// The end of an attempt: the exit record of the state file, and the values of the exit line.
struct ExitRecord
{
    int exitCode = 0; ///< the job's exit status, 128 + N when killed by signal N, 127 not run
    int signal = 0;
    EndReason reason = EndReason::Completed;
    std::int64_t startedAt = 0; ///< ms since the epoch (the `started_at` line of the record)
    std::int64_t finishedAt = 0; ///< ms since the epoch
    std::int64_t finishedAtUs = 0; ///< µs since the epoch; 0 from a supervisor that did not say
    std::int64_t logBytes = 0;
    bool truncated = false;
    std::string logError; ///< why the output could not be logged, empty when it could

    bool operator==(const ExitRecord &) const = default;
};

/// "supervisor_pid=N\nstarted_at=MS\n": written before the job starts.
std::string startedRecord(std::int64_t supervisorPid, std::int64_t startedAtMs);
/// "pgid=N\n": once the job runs.
std::string pgidRecord(std::int64_t pgid);
/// "log_error=TEXT\n" (TEXT: @p message cut to MaxLogErrorSize, newlines made spaces; see
/// logErrorText()).
std::string logErrorRecord(std::string_view message);
/// @p message as the records carry it: one line of at most MaxLogErrorSize bytes.
std::string logErrorText(std::string_view message);
/// The exit record, "exit_code=..." to "end=1\n" (startedAt and logError are lines of their own,
/// written earlier).
std::string exitRecord(const ExitRecord &exit);
/// "abandoned=MS\n": the engine's mark.
std::string abandonedRecord(std::int64_t atMs);

/// What a state file says.
struct AttemptRecord
{
    std::int64_t supervisorPid = 0; ///< 0: no supervisor took the attempt (the job never ran)
    std::int64_t pgid = 0; ///< 0: the job did not run (or its group was not recorded)
    std::int64_t abandonedAt = 0; ///< 0: not abandoned
    bool hasExitCode = false;
    bool ended = false; ///< `end=1` was read
    ExitRecord exit; ///< with startedAt and logError, whatever the record has of them

    /// A whole exit record: a supervisor killed while writing one leaves none.
    bool complete() const { return ended && hasExitCode; }
};

/// Reads a state file's text into @p record. False at the first line that is not part of the
/// protocol (truncated, without '=', an unknown key, a bad number or value, longer than
/// MaxFieldSize), with @p error saying which line and why; @p record then holds what the lines
/// before it said, and is never complete(). A key may come twice (an attempt abandoned twice): the
/// last one counts.
bool parseAttemptRecord(std::string_view text, AttemptRecord *record, std::string *error);

} // namespace Baton::Protocol
