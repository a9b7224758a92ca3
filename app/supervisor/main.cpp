// baton-supervisor: runs one task attempt for the engine, and outlives it.
//
// The engine may be killed with SIGKILL at any moment; the supervisor owns what must survive
// that: the job's process group, its log, its timeout, and the record of how it ended.
//
//   baton-supervisor --state STATE_FILE --log LOG_FILE --workdir WORKDIR [--timeout SECONDS]
//                    [--grace SECONDS] [--log-cap BYTES] [--durable] -- PROGRAM [ARGS...]
//
// The files and lines below are written (and read by the engine) with core/protocol: the one
// definition of their format. The pieces: options.h (arguments), spawn.h (starting the job),
// supervisor.h (one attempt), logwriter.h (the log), worker.h (attempts in a row).
//
// At most two files per attempt, as few as possible because every file costs the engine time:
//   STATE  the attempt's record, and its claim and liveness lock in one file. Created with O_EXCL
//          (it exists = the attempt was claimed: an attempt runs at most once, a retry is a new
//          file) and flock()ed until its record is complete or the attempt ends otherwise (the
//          supervisor exits, however it exits, or a worker moves on): whoever can take the lock
//          knows that no supervisor runs this attempt any more. The lock is released before the
//          "exit" line below is written. Lines are only appended, each group in one write():
//            supervisor_pid=N\nstarted_at=MS\n  before the job is started: without this line
//                                               the job never ran;
//            pgid=N\n                           once it runs (its own group; its session is
//                                               supervisor_pid, as the supervisor leads one);
//            log_error=TEXT\n                   if the log could not be created or written (the
//                                               job went on, its output was dropped);
//            exit_code=N\nsignal=N\nreason=R\nfinished_at=MS\nfinished_at_us=US\nlog_bytes=N\n
//            truncated=0|1\n
//            end=1\n                            at the end (R: completed, timed_out, cancelled,
//                                               spawn_failed); without end=1 there is no record.
//          The engine appends "abandoned=MS\n" under the lock when it gives up on an attempt
//          whose supervisor never locked it: a supervisor finding the file non-empty exits 3.
//   LOG    one record per line of output, see logwriter.h. Created when the first record is
//          written: an attempt that wrote nothing (a silent job, no supervisor note) has no log
//          file, and readers take it for an empty log.
// With --durable the log and STATE are also synced before the exit record counts, so it
// survives power loss, not only crashes (milliseconds per attempt on ordinary disks, so off by
// default, matching the store's own synchronous=NORMAL).
// The job is started with vfork() + execve() (our address space is not copied), in its
// own process group, in WORKDIR, stdin from /dev/null, default signal dispositions and mask.
// Standard output: "started PGID STARTED_US\n" once the job runs (said 2 ms after it started, or
// right before the exit line when the job was over sooner: one wake-up of the engine for a short
// job; STARTED_US is when it was started, in µs since the epoch), then one line at the end:
// "exit CODE REASON SIGNAL STARTED_AT FINISHED_AT LOG_BYTES TRUNCATED FINISHED_US\n" (the values
// of STATE, so the engine need not read the file; FINISHED_US is finished_at_us, and
// " log_error TEXT" follows when the output could not be logged).
// `baton-supervisor --worker` supervises attempts sent by the engine over a socket instead, one
// after the other in one long-lived process (see worker.h); each behaves exactly as above, its
// lines going to the engine on that socket.
// Exit status: 0 = the exit record was written; 2 = bad usage (nothing created); 3 = not run (STATE
// existed already or was locked or abandoned); 4 = the supervisor's own files could not be
// written (nothing was run, or the exit record is missing).

#include "options.h"
#include "supervisor.h"
#include "worker.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string_view>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

namespace {

using namespace Baton;

// What a supervisor needs from its process, once for its life (a worker's too). Returns the
// signalfd that reads SIGCHLD, SIGTERM, SIGINT and SIGHUP, or -1 (errno set).
int setUpProcess()
{
    // posix_spawn's POSIX_SPAWN_SETSID normally did it: out of the engine's session, a
    // terminal's SIGHUP or Ctrl-C aimed at the engine does not reach the job. Leading a session
    // also gives the engine a handle on everything the attempt started: session = our pid.
    if (getsid(0) != getpid())
        setsid();

    // Before any job is spawned, so that no orphan can slip to init before it: descendants whose
    // parent exits are re-parented to us, and can be killed and reaped.
    prctl(PR_SET_CHILD_SUBREAPER, 1);

    // Signals arrive through a signalfd, so they are handled in the poll() loop. Dispositions are
    // reset too: an inherited SIG_IGN for SIGCHLD makes the kernel reap our children itself, and
    // we would wait forever for an exit status that never comes.
    sigset_t handled;
    sigemptyset(&handled);
    for (int sig : { SIGCHLD, SIGTERM, SIGINT, SIGHUP })
        sigaddset(&handled, sig);
    sigprocmask(SIG_BLOCK, &handled, nullptr);
    for (int sig : { SIGCHLD, SIGTERM, SIGINT, SIGHUP })
        signal(sig, SIG_DFL);
    signal(SIGPIPE, SIG_IGN); // the engine reading our stdout may be gone: carry on
    return signalfd(-1, &handled, SFD_CLOEXEC | SFD_NONBLOCK);
}

// With fds 0-2 closed by our caller, pipe() could hand out 1 or 2 and dup2() in the child would
// clobber them: occupy them first.
void occupyStandardDescriptors()
{
    for (int fd = 0; fd < 3; ++fd) {
        if (fcntl(fd, F_GETFD) < 0)
            open("/dev/null", O_RDWR);
    }
}

// Parses an attempt's arguments; false with @p status when it must not run (--help, bad usage:
// said on stdout or stderr, nothing created).
bool parse(int argc, char **argv, SupervisorOptions *options, int *status)
{
    const ParsedOptions parsed = parseOptions(argc, argv);
    switch (parsed.outcome) {
    case ParsedOptions::Outcome::Run:
        *options = parsed.options;
        return true;
    case ParsedOptions::Outcome::Help:
        fputs(SupervisorUsage, stdout);
        *status = 0;
        return false;
    case ParsedOptions::Outcome::Bad:
        fprintf(stderr, "baton-supervisor: %s\n", parsed.error.c_str());
        if (parsed.showUsage)
            fputs(SupervisorUsage, stderr);
        *status = ExitUsage;
        return false;
    }
    return false;
}

// One attempt in a worker: the process is set up already, and its descriptors are its own.
int superviseInWorker(int argc, char **argv, int signalFd)
{
    SupervisorOptions options;
    int status = 0;
    if (!parse(argc, argv, &options, &status))
        return status;
    return superviseAttempt(options, signalFd);
}

} // namespace

int main(int argc, char **argv)
{
    if (argc >= 2 && std::string_view(argv[1]) == "--worker") {
        if (argc != 2) {
            fputs("baton-supervisor: --worker takes no other argument\n"
                  "usage: baton-supervisor --worker   (fd 0: the engine's control socket)\n",
                  stderr);
            return ExitUsage;
        }
        occupyStandardDescriptors();
        close_range(3, ~0U, 0); // leaked by the engine: see below
        const int signalFd = setUpProcess();
        if (signalFd < 0) {
            fprintf(stderr, "baton-supervisor --worker: signalfd: %s\n", strerror(errno));
            return ExitSetupFailed;
        }
        return runWorker(signalFd, superviseInWorker);
    }

    occupyStandardDescriptors();
    SupervisorOptions options;
    int status = 0;
    if (!parse(argc, argv, &options, &status))
        return status;
    // Descriptors leaked by the engine (a listening socket, a database) must not stay open in a
    // process that outlives it.
    close_range(3, ~0U, 0);
    const int signalFd = setUpProcess();
    if (signalFd < 0) {
        fprintf(stderr, "baton-supervisor: signalfd: %s\n", strerror(errno));
        return ExitSetupFailed;
    }
    return superviseAttempt(options, signalFd);
}
