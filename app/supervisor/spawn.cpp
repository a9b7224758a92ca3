#include "spawn.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <string_view>
#include <unistd.h>

namespace Baton {

// The signals this process ignores (SIGPIPE, and whatever its parent left ignored): exec keeps
// an ignored disposition, so the job's child resets exactly these. Read once per process: the
// supervisor's dispositions are set in setUp() and never change afterwards.
const std::vector<int> &ignoredSignals()
{
    static const std::vector<int> ignored = [] {
        std::vector<int> list;
        for (int sig = 1; sig < NSIG; ++sig) {
            struct sigaction sa = {};
            if (sig != SIGKILL && sig != SIGSTOP && sigaction(sig, nullptr, &sa) == 0
                && sa.sa_handler == SIG_IGN)
                list.push_back(sig);
        }
        return list;
    }();
    return ignored;
}

std::string resolveProgram(const char *program, char *const *env)
{
    if (strchr(program, '/'))
        return program;
    const char *path = "/usr/local/bin:/usr/bin:/bin";
    for (char *const *var = env; *var; ++var) {
        if (strncmp(*var, "PATH=", 5) == 0)
            path = *var + 5;
    }
    int error = ENOENT;
    for (std::string_view rest = path;;) {
        const size_t colon = rest.find(':');
        std::string dir(rest.substr(0, colon));
        const std::string candidate = (dir.empty() ? std::string(".") : dir) + "/" + program;
        if (access(candidate.c_str(), X_OK) == 0)
            return candidate;
        if (errno == EACCES)
            error = EACCES;
        if (colon == rest.npos)
            break;
        rest = rest.substr(colon + 1);
    }
    errno = error;
    return {};
}

// Starts the job with vfork(): nothing of our address space is copied, and the child runs the
// few system calls it needs (process group, descriptors, directory, ignored signals, mask,
// execve) instead of posix_spawn's reset of all 64 dispositions. The child only calls
// async-signal-safe functions and writes nothing of ours but @p failed.
pid_t vforkJob(const char *path, char *const *argv, char *const *env, int devNull, int out, int err,
               const char *workdir, SpawnError *failed)
{
    const std::vector<int> &ignored = ignoredSignals();
    const int *ignoredBegin = ignored.data();
    const int *ignoredEnd = ignoredBegin + ignored.size();
    sigset_t none;
    sigemptyset(&none);
    volatile SpawnError *report = failed;
    const pid_t pid = vfork();
    if (pid == 0) {
        setpgid(0, 0);
        if (devNull != STDIN_FILENO)
            dup2(devNull, STDIN_FILENO);
        dup2(out, STDOUT_FILENO);
        dup2(err, STDERR_FILENO);
        if (chdir(workdir) != 0) {
            report->error = errno;
            report->step = 1;
            _exit(127);
        }
        struct sigaction defaults = {};
        defaults.sa_handler = SIG_DFL;
        for (const int *sig = ignoredBegin; sig != ignoredEnd; ++sig)
            sigaction(*sig, &defaults, nullptr);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        execve(path, argv, env);
        report->error = errno;
        report->step = 2;
        _exit(127);
    }
    if (pid < 0) {
        failed->error = errno;
        failed->step = 2;
    }
    return pid;
}

} // namespace Baton
