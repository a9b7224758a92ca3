#include "supervisor.h"

#include "logwriter.h"
#include "protocol/attemptrecord.h"
#include "protocol/canceltoken.h"
#include "protocol/reportline.h"
#include "spawn.h"
#include "worker.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <fcntl.h>
#include <optional>
#include <poll.h>
#include <signal.h>
#include <string>
#include <string_view>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>
#include <vector>

extern char **environ;

namespace Baton {

namespace {

constexpr int64_t LeftoverGraceMs = 1000; // for processes the job left behind when it exited
constexpr int64_t KillRescanMs = 50; // re-parented orphans raise no signal: look again
constexpr int64_t KillGiveUpMs = 5000; // a process stuck in the kernel (D state) ignores SIGKILL
constexpr int64_t DrainMs = 2000;
constexpr int64_t StartedDelayMs = 2; // see spawn()

// Ends the attempt with an exit status: an exec'ed supervisor exits with it, a worker goes on with
// the next attempt. Thrown once the message is on stderr.
struct AttemptEnded
{
    int status;
};

// The attempt's log writer, in static storage: it holds fixed buffers (~200 KiB), and a worker
// re-creates it for every attempt in the same pages instead of faulting in fresh ones.
std::optional<LogWriter> attemptLog;

int64_t clockMs(clockid_t clock)
{
    timespec ts {};
    clock_gettime(clock, &ts);
    return int64_t(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

[[noreturn]] void fail(int code, const char *format, ...)
{
    va_list args;
    va_start(args, format);
    fputs("baton-supervisor: ", stderr);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    va_end(args);
    throw AttemptEnded { code };
}

bool writeAll(int fd, const char *data, size_t size)
{
    while (size > 0) {
        const ssize_t n = write(fd, data, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        size -= size_t(n);
    }
    return true;
}

bool writeAll(int fd, const std::string &text)
{
    return writeAll(fd, text.data(), text.size());
}

std::string seconds(double value)
{
    char text[32];
    snprintf(text, sizeof text, "%gs", value);
    return text;
}

// The directory part of @p path, as spelt ("." for a bare name): equal strings, same directory.
std::string_view directoryOf(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return ".";
    return slash == path ? std::string_view("/") : std::string_view(path, size_t(slash - path));
}

// Values of the variables named in BATON_SUPERVISOR_SECRET_NAMES. Each line of a multi-line
// value counts on its own, as the log is matched line by line.
std::vector<std::string> secretValues()
{
    std::vector<std::string> secrets;
    const char *names = getenv("BATON_SUPERVISOR_SECRET_NAMES");
    if (!names)
        return secrets;
    std::string_view rest = names;
    while (!rest.empty()) {
        const size_t comma = rest.find(',');
        const std::string name(rest.substr(0, comma));
        rest = comma == rest.npos ? std::string_view() : rest.substr(comma + 1);
        const char *value = name.empty() ? nullptr : getenv(name.c_str());
        for (std::string_view lines = value ? value : ""; !lines.empty();) {
            const size_t nl = lines.find('\n');
            std::string_view line = lines.substr(0, nl);
            lines = nl == lines.npos ? std::string_view() : lines.substr(nl + 1);
            if (line.ends_with('\r'))
                line.remove_suffix(1);
            if (line.size() >= 3) // shorter values would mask ordinary text everywhere
                secrets.emplace_back(line);
        }
    }
    return secrets;
}

class Supervisor
{
public:
    Supervisor(const SupervisorOptions &options, int signalFd)
        : m_options(options)
        , m_signalFd(signalFd)
    { }
    // Whatever way the attempt ends: a worker goes on, so nothing of this one may stay open (the
    // state file's lock in particular).
    ~Supervisor();
    Supervisor(const Supervisor &) = delete;
    Supervisor &operator=(const Supervisor &) = delete;
    int run();

private:
    using Reason = Protocol::EndReason;
    enum class Cleanup { None, Terminating, Killing, Draining };

    void setUp();
    void spawn();
    void spawnFailed(int error, bool inWorkdir);
    void sayStarted()
    {
        say(std::exchange(m_startedLine, std::string()));
        m_startedDueAt = -1;
    }
    void loop();
    bool stepCleanup(int64_t now);
    int pollTimeout() const;
    void handleSignals();
    void stop(Reason reason, const std::string &why);
    void readStream(LogWriter::Stream stream);
    bool reapChildren();
    void signalTree(int signal);
    int finish();
    void recordLogError(); // once, if logging failed
    // Our lines for the engine: on stdout, or in a worker as one message on its socket.
    void say(const std::string &lines, bool isExit = false)
    {
        if (controlSocket >= 0)
            report(lines, isExit);
        else
            writeAll(STDOUT_FILENO, lines);
    }

    SupervisorOptions m_options;
    int m_stateFd = -1; // flock()ed until the record is complete
    std::string m_startedLine; // "started PGID US\n" until said
    int64_t m_startedDueAt = -1; // when to say it (monotonic ms), -1: said or none
    int m_signalFd = -1; // the process's, not closed here
    int m_outFd = -1;
    int m_errFd = -1;
    LogWriter *m_log = nullptr; // owns the log's descriptor, once it exists
    std::string m_logError; // once recorded; said again at the end of the exit line
    pid_t m_child = -1;
    int64_t m_startedAt = 0;
    int64_t m_finishedAt = 0;
    Reason m_reason = Reason::Completed;
    bool m_mainExited = false;
    int m_mainStatus = 0;
    bool m_haveChildren = true;
    bool m_stopping = false; // SIGTERM sent to the group (timeout or cancel)
    int64_t m_timeoutAt = -1;
    int64_t m_killAt = -1;
    Cleanup m_cleanup = Cleanup::None;
    int64_t m_cleanupAt = -1;
    int64_t m_giveUpAt = -1;
};

Supervisor::~Supervisor()
{
    attemptLog.reset(); // closes the log
    for (int fd : { m_stateFd, m_outFd, m_errFd }) {
        if (fd >= 0)
            close(fd);
    }
}

void Supervisor::setUp()
{
    // The claim: whoever creates the state file runs the attempt, nobody else ever does (a retry
    // is a new state file).
    const char *state = m_options.state;
    m_stateFd = open(state, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (m_stateFd < 0) {
        if (errno == EEXIST)
            fail(ExitNotRun, "%s exists: the attempt was already claimed; not running", state);
        if (errno == ENOENT)
            fail(ExitUsage, "state file '%s': no such directory", state);
        fail(ExitSetupFailed, "state file '%s': %s", state, strerror(errno));
    }
    // The lock is the liveness signal: held until this process exits, released by the kernel
    // however it exits. O_CLOEXEC keeps the job from inheriting (and holding) it.
    if (flock(m_stateFd, LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK)
            fail(ExitNotRun, "%s is locked by another process; not running", state);
        fail(ExitSetupFailed, "%s: flock: %s", state, strerror(errno));
    }
    // Between our create and our lock, the engine may have found the file unlocked, taken the
    // attempt for dead and appended "abandoned=": it must not run.
    struct stat st;
    if (fstat(m_stateFd, &st) != 0)
        fail(ExitSetupFailed, "%s: fstat: %s", state, strerror(errno));
    if (st.st_size != 0)
        fail(ExitNotRun, "%s is not empty: the attempt was abandoned; not running", state);

    // The log is created by its first write (LogWriter), not here: a silent attempt leaves none.
    // A place where it cannot be created is still refused before the job runs, as far as that
    // costs nothing: in the state file's directory (where the engine puts both), creating the
    // state file proved the directory writable; elsewhere, one access() on its directory.
    const char *log = m_options.log;
    if (const std::string_view logDir = directoryOf(log);
        logDir != directoryOf(state) && access(std::string(logDir).c_str(), W_OK | X_OK) != 0)
        fail(ExitSetupFailed, "log file '%s': %s", log, strerror(errno));
    m_log = &attemptLog.emplace(log, m_options.logCap, secretValues());
}

int Supervisor::run()
{
    setUp();
    spawn();
    if (m_reason == Reason::SpawnFailed)
        return finish();
    if (m_options.timeout > 0)
        m_timeoutAt = clockMs(CLOCK_MONOTONIC) + std::llround(m_options.timeout * 1000);
    loop();
    return finish();
}

// Starts the job (see vforkJob): fork() copied the page tables of the log buffers for every
// attempt, and posix_spawn() reset all 64 signal dispositions one system call at a time.
void Supervisor::spawn()
{
    // The job's environment: ours, minus the variables meant for the supervisor.
    std::vector<char *> env;
    for (char **var = environ; *var; ++var) {
        if (strncmp(*var, "BATON_SUPERVISOR_", 17) != 0)
            env.push_back(*var);
    }
    env.push_back(nullptr);

    int out[2], err[2];
    for (int *p : { out, err }) {
        if (pipe2(p, O_CLOEXEC) != 0)
            fail(ExitSetupFailed, "pipe: %s", strerror(errno));
    }
    for (int fd : { out[0], err[0] })
        fcntl(fd, F_SETFL, O_NONBLOCK);

    // Every one of our descriptors is close-on-exec (the engine's were closed at start): the job
    // gets 0, 1 and 2 only.
    // A worker keeps /dev/null on its fd 0 for good: no open() per attempt there.
    const int devNull = stdinIsDevNull ? STDIN_FILENO : open("/dev/null", O_RDONLY | O_CLOEXEC);
    if (devNull < 0)
        fail(ExitSetupFailed, "/dev/null: %s", strerror(errno));
    ignoredSignals(); // computed before vfork(): the child must not allocate

    // Recorded before the job starts, so that "no supervisor_pid line" proves it never ran (the
    // engine may then start the attempt again). One write(): a reader sees all of it or none.
    timespec realtime {};
    clock_gettime(CLOCK_REALTIME, &realtime);
    const int64_t startedUs = int64_t(realtime.tv_sec) * 1000000 + realtime.tv_nsec / 1000;
    m_startedAt = startedUs / 1000;
    const std::string started = Protocol::startedRecord(getpid(), m_startedAt);
    if (!writeAll(m_stateFd, started) || (m_options.durable && fdatasync(m_stateFd) != 0)) {
        const int error = errno;
        if (devNull != STDIN_FILENO)
            close(devNull);
        fail(ExitSetupFailed, "%s: %s", m_options.state, strerror(error));
    }

    SpawnError failed;
    // The engine leaves the directory of a job without files to us: one mkdir fewer on its
    // critical path, done here in parallel with it.
    if (m_options.makeWorkdir && mkdir(m_options.workdir, 0700) != 0 && errno != EEXIST)
        failed = { errno, 1 };
    const std::string path
        = failed.error ? std::string() : resolveProgram(m_options.program[0], env.data());
    if (!failed.error && path.empty())
        failed = { errno, 2 };
    if (!failed.error) {
        m_child = vforkJob(path.c_str(), m_options.program, env.data(), devNull, out[1], err[1],
                           m_options.workdir, &failed);
        if (failed.error != 0 && m_child > 0)
            waitpid(m_child, nullptr, 0); // it exited 127 without running anything
    }
    for (int fd : { out[1], err[1], devNull }) {
        if (fd != STDIN_FILENO)
            close(fd);
    }
    m_outFd = out[0];
    m_errFd = err[0];
    if (failed.error != 0) {
        spawnFailed(failed.error, failed.step == 1);
        return;
    }

    // The job is running: the engine kills it by group even when we are gone. Nothing is lost if
    // this write fails: the session (supervisor_pid) reaches the group too.
    if (!writeAll(m_stateFd, Protocol::pgidRecord(m_child)))
        m_log->note(std::string("cannot record the process group: ") + strerror(errno));
    // Said StartedDelayMs later, or together with the exit line if the job is over by then: a
    // short job costs the engine one wake-up instead of two. The line carries when it started.
    m_startedLine = Protocol::startedLine(m_child, startedUs);
    m_startedDueAt = clockMs(CLOCK_MONOTONIC) + StartedDelayMs;
}

// The job could not be started, so no job ran: say which step failed.
void Supervisor::spawnFailed(int error, bool inWorkdir)
{
    m_reason = Reason::SpawnFailed;
    m_child = -1;
    if (inWorkdir) {
        m_log->note(std::string("cannot change to working directory ") + m_options.workdir + ": "
                    + strerror(error));
    } else {
        m_log->note(std::string("cannot run ") + m_options.program[0] + ": " + strerror(error));
    }
}

void Supervisor::loop()
{
    for (;;) {
        const int64_t now = clockMs(CLOCK_MONOTONIC);
        if (m_startedDueAt >= 0 && now >= m_startedDueAt)
            sayStarted();
        if (!m_mainExited) {
            if (!m_stopping && m_timeoutAt >= 0 && now >= m_timeoutAt)
                stop(Reason::TimedOut, "timeout after " + seconds(m_options.timeout));
            if (m_killAt >= 0 && now >= m_killAt) {
                kill(-m_child, SIGKILL);
                m_killAt = -1;
                m_log->note("still running " + seconds(m_options.grace)
                            + " after SIGTERM: sent SIGKILL to the process group");
            }
        } else if (stepCleanup(now)) {
            return;
        }
        m_log->flush(); // the engine tails the log: no record waits while we sleep
        recordLogError();

        pollfd fds[]
            = { { m_signalFd, POLLIN, 0 }, { m_outFd, POLLIN, 0 }, { m_errFd, POLLIN, 0 } };
        if (poll(fds, 3, pollTimeout()) < 0)
            continue; // EINTR (SIGSTOP/SIGCONT): the handled signals are blocked
        if (fds[0].revents)
            handleSignals();
        if (fds[1].revents)
            readStream(LogWriter::Out);
        if (fds[2].revents)
            readStream(LogWriter::Err);
    }
}

// After the main child exited: terminate what it left behind, then drain the pipes.
// Returns true when done.
bool Supervisor::stepCleanup(int64_t now)
{
    if (m_cleanup == Cleanup::None) {
        if (m_haveChildren) {
            m_log->note("the job exited but left processes running: sent SIGTERM to them");
            signalTree(SIGTERM);
            m_cleanup = Cleanup::Terminating;
            m_cleanupAt
                = now + std::min<int64_t>(LeftoverGraceMs, std::llround(m_options.grace * 1000));
        } else {
            m_cleanup = Cleanup::Draining;
            m_cleanupAt = now + DrainMs;
        }
    }
    if (m_cleanup == Cleanup::Terminating || m_cleanup == Cleanup::Killing) {
        if (!m_haveChildren) {
            m_cleanup = Cleanup::Draining;
            m_cleanupAt = now + DrainMs;
        } else if (m_cleanup == Cleanup::Terminating && now >= m_cleanupAt) {
            m_log->note("sent SIGKILL to the processes the job left running");
            signalTree(SIGKILL);
            m_cleanup = Cleanup::Killing;
            m_cleanupAt = now + KillRescanMs;
            m_giveUpAt = now + KillGiveUpMs;
        } else if (m_cleanup == Cleanup::Killing && now >= m_giveUpAt) {
            // Nothing more to do: when we exit, init inherits and reaps them.
            m_log->note("processes still alive " + seconds(KillGiveUpMs / 1000.0)
                        + " after SIGKILL; giving up on them");
            return true;
        } else if (m_cleanup == Cleanup::Killing && now >= m_cleanupAt) {
            signalTree(SIGKILL);
            m_cleanupAt = now + KillRescanMs;
        }
    }
    if (m_cleanup == Cleanup::Draining) {
        if (m_outFd < 0 && m_errFd < 0)
            return true;
        if (now >= m_cleanupAt) {
            // Every process of the job is gone, yet a write end is still open: a process outside
            // our tree holds it (it was passed over a socket, or a debugger took it). Do not wait
            // for it forever.
            m_log->note("output still open " + seconds(DrainMs / 1000.0)
                        + " after the job's processes ended; stopped reading");
            return true;
        }
    }
    return false;
}

int Supervisor::pollTimeout() const
{
    int64_t next = -1;
    const auto consider = [&next](int64_t at) {
        if (at >= 0 && (next < 0 || at < next))
            next = at;
    };
    if (!m_mainExited) {
        if (!m_stopping)
            consider(m_timeoutAt);
        consider(m_killAt);
    } else {
        consider(m_cleanupAt);
        if (m_cleanup == Cleanup::Killing)
            consider(m_giveUpAt);
    }
    consider(m_startedDueAt);
    if (next < 0)
        return -1;
    return int(std::clamp<int64_t>(next - clockMs(CLOCK_MONOTONIC), 0, INT_MAX));
}

void Supervisor::handleSignals()
{
    signalfd_siginfo info {};
    bool childEvent = false;
    while (read(m_signalFd, &info, sizeof info) == sizeof info) {
        const int sig = int(info.ssi_signo);
        if (sig == SIGCHLD) {
            childEvent = true;
        } else if (info.ssi_code == SI_QUEUE
                   && uint32_t(info.ssi_int) != cancelToken(m_options.state)) {
            // The engine's cancel of another attempt: a worker's previous one, which ended
            // before the request came.
        } else if (!m_mainExited && !m_stopping) {
            stop(Reason::Cancelled, "cancelled by SIG" + std::string(sigabbrev_np(sig)));
        } else if (!m_mainExited) {
            // Asked again while waiting for the grace period: do not wait any longer.
            kill(-m_child, SIGKILL);
            m_killAt = -1;
            m_log->note("SIG" + std::string(sigabbrev_np(sig))
                        + " received again: sent SIGKILL to the process group");
        } else if (m_cleanup == Cleanup::Terminating) {
            m_cleanupAt = 0; // the job is over already: cut the cleanup short
        }
    }
    if (childEvent)
        m_haveChildren = reapChildren();
}

void Supervisor::stop(Reason reason, const std::string &why)
{
    m_stopping = true;
    m_reason = reason;
    kill(-m_child, SIGTERM);
    kill(-m_child, SIGCONT); // a stopped process only acts on SIGTERM once continued
    m_log->note(why + ": sent SIGTERM to the process group");
    m_killAt = clockMs(CLOCK_MONOTONIC) + std::llround(m_options.grace * 1000);
}

void Supervisor::readStream(LogWriter::Stream stream)
{
    int &fd = stream == LogWriter::Out ? m_outFd : m_errFd;
    const ssize_t n = m_log->readFrom(stream, fd);
    if (n > 0 || (n < 0 && (errno == EAGAIN || errno == EINTR)))
        return;
    m_log->finish(stream);
    close(fd);
    fd = -1;
}

// Reaps every child that exited. Returns whether children remain: with PR_SET_CHILD_SUBREAPER
// every orphaned descendant becomes our child, so none left means the job's whole tree is gone.
bool Supervisor::reapChildren()
{
    for (;;) {
        int status = 0;
        const pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid > 0) {
            if (pid == m_child) {
                m_mainExited = true;
                m_mainStatus = status;
            }
            continue;
        }
        if (pid == 0)
            return true;
        if (errno != EINTR)
            return false; // ECHILD
    }
}

void Supervisor::signalTree(int sig)
{
    // The group reaches descendants whose parent still lives. (Once the tree is empty the group id
    // could be recycled, which is why this only runs while children remain.)
    kill(-m_child, sig);
    if (sig == SIGTERM)
        kill(-m_child, SIGCONT);
    // Our children by PPid reach those that left the group (setsid, setpgid) and were re-parented
    // to us; their own children come to us when they die, and the next scan finds them.
    DIR *proc = opendir("/proc");
    if (!proc)
        return;
    const pid_t self = getpid();
    while (const dirent *entry = readdir(proc)) {
        char *end = nullptr;
        const long pid = strtol(entry->d_name, &end, 10);
        if (*end != '\0' || pid <= 0)
            continue;
        char path[64];
        snprintf(path, sizeof path, "/proc/%ld/stat", pid);
        const int fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        char stat[512];
        const ssize_t n = read(fd, stat, sizeof stat - 1);
        close(fd);
        if (n <= 0)
            continue;
        stat[n] = '\0';
        // "pid (comm) state ppid ...": comm may contain anything, so parse after its last ')'.
        const char *close = strrchr(stat, ')');
        int ppid = 0;
        if (close && sscanf(close + 1, " %*c %d", &ppid) == 1 && ppid == self) {
            kill(pid_t(pid), sig);
            if (sig == SIGTERM)
                kill(pid_t(pid), SIGCONT);
        }
    }
    closedir(proc);
}

int Supervisor::finish()
{
    int exitCode = 127;
    int sig = 0;
    if (m_reason != Reason::SpawnFailed) {
        if (WIFSIGNALED(m_mainStatus)) {
            sig = WTERMSIG(m_mainStatus);
            exitCode = 128 + sig;
        } else {
            exitCode = WEXITSTATUS(m_mainStatus);
        }
    }
    timespec endedAt {};
    clock_gettime(CLOCK_REALTIME, &endedAt);
    m_finishedAt = int64_t(endedAt.tv_sec) * 1000 + endedAt.tv_nsec / 1000000;
    // µs, for the engine: an attempt queued behind this one could start from here on.
    const int64_t finishedUs = int64_t(endedAt.tv_sec) * 1000000 + endedAt.tv_nsec / 1000;
    m_log->flush();
    if (m_options.durable)
        m_log->sync(); // the record must never describe a log that is not on disk
    recordLogError();

    Protocol::ExitRecord exit;
    exit.exitCode = exitCode;
    exit.signal = sig;
    exit.reason = m_reason;
    exit.startedAt = m_startedAt;
    exit.finishedAt = m_finishedAt;
    exit.finishedAtUs = finishedUs;
    exit.logBytes = int64_t(m_log->bytes());
    exit.truncated = m_log->truncated();
    exit.logError = m_logError;
    // One write(), "end=1" last: a reader that sees end=1 sees the whole record.
    const std::string record = Protocol::exitRecord(exit);
    if (!writeAll(m_stateFd, record) || (m_options.durable && fsync(m_stateFd) != 0))
        fail(ExitSetupFailed, "%s: %s", m_options.state, strerror(errno));
    // The record is complete: the lock goes now, so that an engine reading the line below finds
    // the attempt over by the state file too.
    close(m_stateFd);
    m_stateFd = -1;
    // A "started" line still waiting goes first, in the same write.
    const std::string started = std::exchange(m_startedLine, std::string());
    m_startedDueAt = -1;
    say(started + Protocol::exitLine(exit), true);
    return 0;
}

// The log could not be created when the first record came (or could not be written any more).
// The job goes on: failing or killing it for its log would lose its work and its result, while
// this loses its output only (the rule for a full disk in LogWriter). Why is said where it can
// be found without the log: on our stderr (the engine's diagnostics log) and in the state file
// (whose exit record then says truncated=1).
void Supervisor::recordLogError()
{
    if (m_log->error() == 0 || !m_logError.empty())
        return; // no failure, or said already
    // One line of the state file, and the tail of the exit line.
    const std::string message = Protocol::logErrorText(m_log->errorMessage());
    m_logError = message;
    fprintf(stderr, "baton-supervisor: %s; the job goes on, its output is discarded\n",
            message.c_str());
    writeAll(m_stateFd, Protocol::logErrorRecord(message));
}

} // namespace

int superviseAttempt(const SupervisorOptions &options, int signalFd)
{
    try {
        return Supervisor(options, signalFd).run();
    } catch (const AttemptEnded &ended) {
        return ended.status;
    }
}

} // namespace Baton
