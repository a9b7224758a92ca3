#pragma once

// One attempt, supervised: the state file's claim and record, the job's process group, its log,
// its timeout and cancel, and the cleanup of what it leaves behind (see main.cpp for the files
// and lines, and core/protocol for their format).

#include "options.h"

namespace Baton {

/// Exit statuses of baton-supervisor (and of each attempt in a worker), besides 0 = the exit
/// record was written.
constexpr int ExitUsage = 2; ///< bad usage: nothing created
constexpr int ExitNotRun = 3; ///< the state file existed already, or was locked or abandoned
constexpr int ExitSetupFailed = 4; ///< our own files could not be written

/// Runs the attempt of @p options in this process, which is set up already (a session leader and
/// child subreaper, with SIGCHLD/TERM/INT/HUP blocked and read through @p signalFd). Returns the
/// exit status; what went wrong, if anything, is on stderr.
int superviseAttempt(const SupervisorOptions &options, int signalFd);

} // namespace Baton
