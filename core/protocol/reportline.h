#pragma once

// The report lines a supervisor says to the engine: on its stdout when exec'ed, on its worker's
// control socket otherwise (app/supervisor/worker.h). Read by core/executors. Plain C++, no Qt.
//   supervisor PID\n     a worker took the attempt (PID: the worker's own)
//   started PGID US\n    the job runs in process group PGID, started at US (µs since the epoch)
//   exit CODE REASON SIGNAL STARTED_AT FINISHED_AT LOG_BYTES TRUNCATED FINISHED_US[ log_error
//   TEXT]\n              the attempt is over: the values of its exit record (attemptrecord.h), so
//                        that the engine need not read the file
//   done\n               a worker's attempt ended without an exit record (a usage error, a claimed
//                        state file, a refused message...)

#include "attemptrecord.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace Baton::Protocol {

/// One report line, parsed.
struct ReportLine
{
    enum class Kind { Supervisor, Started, Exit, Done };
    Kind kind = Kind::Done;
    std::int64_t pid = 0; ///< Supervisor: the worker's PID; Started: the job's process group
    std::int64_t startedUs = 0; ///< Started
    ExitRecord exit; ///< Exit
};

std::string supervisorLine(std::int64_t pid);
std::string startedLine(std::int64_t pgid, std::int64_t startedUs);
/// The exit line of @p exit (with " log_error TEXT" when exit.logError is not empty).
std::string exitLine(const ExitRecord &exit);
inline constexpr std::string_view DoneLine = "done\n";

/// Parses one line, without its '\n'. False with @p error saying why for anything else: an
/// unknown word, a missing or extra field, a bad number or reason, a line longer than
/// MaxFieldSize. An exit line without FINISHED_US (an older supervisor) is read with 0.
bool parseReportLine(std::string_view line, ReportLine *report, std::string *error);

} // namespace Baton::Protocol
