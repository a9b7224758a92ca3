#pragma once

// Reusable supervisor workers: `baton-supervisor --worker`.
//
// Why: an exec'ed supervisor per attempt costs exec, page faults and libc start-up, and even
// forking one from a fork server per attempt (the former `--zygote`) cost ~250 µs of CPU per
// attempt in fork, process set-up and teardown, the largest overhead left per task. A worker is
// one long-lived process that supervises attempts one after the other, each exactly as an exec'ed
// supervisor would. Attempts stay isolated because a worker only ever has one attempt's process
// tree: it takes the next attempt only once the previous one's processes are all gone (it exits
// instead when some outlived the cleanup), and every descriptor, the environment and the log
// writer of an attempt are dropped before the next one starts.
//
// Protocol. The engine starts `baton-supervisor --worker` (no other argument) with fd 0 = one end
// of an AF_UNIX SOCK_SEQPACKET socketpair (the control socket), fd 1 = /dev/null, fd 2 = its
// diagnostics log. Once at start the worker leads its own session, becomes a child subreaper,
// blocks SIGCHLD/TERM/INT/HUP (read through one signalfd) and ignores SIGPIPE, moves the control
// socket to a close-on-exec descriptor >= 3 with /dev/null on fd 0 (no job ever inherits it) and
// closes every other descriptor it was given. Then, for each message (at most 256 KiB):
//   payload      the supervisor's argv (argv[0] included), each NUL-terminated, then an empty
//                string, then the job's environment, each entry NUL-terminated;
//   SCM_RIGHTS   exactly one descriptor: the attempt's report pipe, its standard output.
// the worker discards the signals pending (a cancel meant for an earlier attempt never cancels
// this one; SIGTERM/INT/HUP received between attempts are ignored so), puts the pipe on fd 1,
// writes "supervisor PID\n" there (PID: the worker's own; held back and written together with the
// attempt's first line, "started ..." or "exit ...", or at the attempt's end), and runs it as
// `baton-supervisor ARGV...` would with the message's environment: same options, usage errors,
// claim, files, lines on stdout, exit record, timeout/cancel (SIGTERM/INT/HUP to the worker)
// and cleanup. What would end an exec'ed supervisor (a usage error, a claimed state file...) ends
// only the attempt, with the same message on stderr. Afterwards the worker closes all that the
// attempt opened (the state file's lock is released before the "exit" line), puts /dev/null back
// on fd 1 (the engine sees EOF on the pipe: the attempt is over) and waits for the next message.
// A malformed message (no descriptor or several, no empty string after argv, truncated) gets one
// line on stderr; its descriptors are closed, so the engine sees EOF with nothing said.
// Exit status: 0 when the engine closes its end (or dies), or after an attempt whose processes
// could not all be killed; 2 on bad usage (an argument after --worker, fd 0 not a SEQPACKET
// socket); 4 when reading the socket fails.

#include <string>

namespace Baton {

/// Runs one attempt in this process, as `baton-supervisor ARGV...` would, reading its signals
/// from @p signalFd; returns the exit status such a supervisor would have had.
using SuperviseFunction = int (*)(int argc, char **argv, int signalFd);

/// What the worker has to say on the attempt's pipe before anything else ("supervisor PID\n"):
/// the supervisor's first line to stdout goes out in the same write (one wake-up of the engine
/// fewer per attempt), and the worker writes whatever is left when the attempt ends.
extern std::string pendingReport;
/// True in a worker: its fd 0 is /dev/null for good (a job's stdin is a dup2 of nothing new).
extern bool stdinIsDevNull;

/// Serves the control socket on fd 0 until EOF. The process is set up already (session,
/// subreaper, signals blocked and read through @p signalFd, SIGPIPE ignored, no stray
/// descriptors). Returns the worker's exit status.
int runWorker(int signalFd, SuperviseFunction supervise);

} // namespace Baton
