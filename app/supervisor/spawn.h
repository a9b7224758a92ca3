#pragma once

// Starting the job: the part of baton-supervisor that runs between vfork() and execve().

#include <string>
#include <sys/types.h>
#include <vector>

namespace Baton {

/// The signals this process ignores (SIGPIPE, and whatever its parent left ignored): the job's
/// child resets exactly these. Computed on the first call, which must come before vfork().
const std::vector<int> &ignoredSignals();

/// execvp's search, done before vfork(): "" when @p program is not found (with errno set).
std::string resolveProgram(const char *program, char *const *env);

/// Why the job could not be started.
struct SpawnError
{
    int error = 0; ///< errno of the step that failed, 0: the job runs
    int step = 0; ///< 1: chdir, 2: exec
};

/// Starts @p path in its own process group, in @p workdir, with @p devNull, @p out and @p err as
/// its standard descriptors, default signal dispositions and an empty mask (see spawn.cpp).
/// Returns its pid; on failure @p failed says which step failed (the child, if any, exits 127).
pid_t vforkJob(const char *path, char *const *argv, char *const *env, int devNull, int out, int err,
               const char *workdir, SpawnError *failed);

} // namespace Baton
