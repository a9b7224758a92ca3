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
// Protocol (its messages are core/protocol's: workerrequest.h, reportline.h). The engine starts
// `baton-supervisor --worker` (no other argument) with fd 0 = one end of an AF_UNIX
// SOCK_SEQPACKET socketpair (the control socket), fd 1 = /dev/null, fd 2 = its diagnostics log. Once at start the worker leads its own session, becomes a child subreaper,
// blocks SIGCHLD/TERM/INT/HUP (read through one signalfd) and ignores SIGPIPE, moves the control
// socket to a close-on-exec descriptor >= 3 with /dev/null on fd 0 (no job ever inherits it) and
// closes every other descriptor it was given. Everything of an attempt then travels on that
// socket: no pipe, no descriptor per attempt (each cost the engine system calls and a watcher).
//   engine -> worker  one message (at most 256 KiB) per attempt, no descriptor: the supervisor's
//                     argv (argv[0] included), each NUL-terminated, then an empty string, then
//                     the job's environment, each entry NUL-terminated.
//   worker -> engine  the attempt's report lines, each message one or more complete lines: what
//                     an exec'ed supervisor writes on its stdout ("started ...", "exit ..."),
//                     after "supervisor PID\n" (PID: the worker's own; held back and sent in the
//                     same message as the attempt's first line, so that a short attempt wakes the
//                     engine once). An attempt ends with exactly one of: its "exit ..." line (sent
//                     once the state file's lock is released), or "done\n" when it ended without
//                     an exit record (a usage error, a claimed state file, a refused message...).
//                     Then the worker reads the next message.
// For each message the worker discards the signals pending (a cancel meant for an earlier attempt
// never cancels this one; SIGTERM/INT/HUP received between attempts are ignored so) and runs it as
// `baton-supervisor ARGV...` would with the message's environment: same options, usage errors,
// claim, files, lines, exit record, timeout/cancel (SIGTERM/INT/HUP to the worker) and cleanup.
// What would end an exec'ed supervisor (a usage error, a claimed state file...) ends only the
// attempt, with the same message on stderr (--help's text goes to the worker's stdout: nowhere).
// A message with descriptors attached, or malformed (no empty string after argv, truncated), is
// refused: its descriptors are closed, one line goes to stderr and the worker says "done" only.
// Reports are sent with MSG_NOSIGNAL: when the engine is gone the attempt still runs to its end
// and writes its state file (the durable record), and the worker exits at its next read.
// Exit status: 0 when the engine closes its end (or dies), or after an attempt whose processes
// could not all be killed (right after its "exit" line; the engine then sees EOF); 2 on bad usage
// (an argument after --worker, fd 0 not a SEQPACKET socket); 4 when reading the socket fails.

#include <string>

namespace Baton {

/// Runs one attempt in this process, as `baton-supervisor ARGV...` would, reading its signals
/// from @p signalFd; returns the exit status such a supervisor would have had.
using SuperviseFunction = int (*)(int argc, char **argv, int signalFd);

/// The worker's control socket once it serves attempts; -1 in an exec'ed supervisor (it reports
/// on its stdout).
extern int controlSocket;
/// Sends @p lines (complete lines) to the engine as one message, after the "supervisor PID" line
/// still held back, if any. @p isExit: they end with the attempt's exit line, the last thing
/// said for it. Never fails: without an engine the attempt goes on, its state file says the rest.
void report(const std::string &lines, bool isExit);
/// True in a worker: its fd 0 is /dev/null for good (a job's stdin is a dup2 of nothing new).
extern bool stdinIsDevNull;

/// Serves the control socket on fd 0 until EOF. The process is set up already (session,
/// subreaper, signals blocked and read through @p signalFd, SIGPIPE ignored, no stray
/// descriptors). Returns the worker's exit status.
int runWorker(int signalFd, SuperviseFunction supervise);

} // namespace Baton
