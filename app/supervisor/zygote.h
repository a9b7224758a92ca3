#pragma once

// A fork server for supervisors. Exec'ing a fresh supervisor for every attempt costs a few
// hundred microseconds (exec, page faults, libc start-up); forking an already running, small,
// single-threaded process costs a fraction of that.
//
// The engine starts `baton-supervisor --zygote` with one end of an AF_UNIX SOCK_SEQPACKET pair
// as its standard input, and sends one message per attempt:
//   payload  the supervisor's argv (argv[0] included), each NUL-terminated, then an empty
//            string, then the job's environment, each entry NUL-terminated;
//   SCM_RIGHTS  one descriptor: what becomes the supervisor's standard output (the pipe the
//            engine reads "started"/"exit" lines from).
// For each message the zygote forks; the child writes "supervisor PID\n" on that descriptor and
// then runs exactly as an exec'ed supervisor would (same options, same files, own session).
// The zygote reaps its children and exits when the engine closes its end (or dies): the
// supervisors it forked are not affected and keep running, as exec'ed ones do.

namespace Baton {

using SuperviseFunction = int (*)(int argc, char **argv);

/// Serves fork requests on @p socketFd until EOF; returns the zygote's exit status.
int runZygote(int socketFd, SuperviseFunction supervise);

} // namespace Baton
