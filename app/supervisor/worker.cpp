#include "worker.h"

#include "protocol/reportline.h"
#include "protocol/workerrequest.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <string>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <utility>
#include <vector>

extern char **environ;

namespace Baton {

int controlSocket = -1;
bool stdinIsDevNull = false;

namespace {

std::string pendingReport; // "supervisor PID\n" until the attempt's first message
bool exitReported = false; // the attempt's exit line went out (or would have)
bool engineGone = false; // a send found the engine's end closed: say nothing more

constexpr size_t MaxMessage = 256 * 1024; // the engine execs a supervisor for larger requests
constexpr int MaxFds = 4; // room to see (and close) what a wrong sender passes

// One message. Blocking, as a write to a pipe would be: the engine reads what we say.
void sendMessage(const std::string &text)
{
    if (engineGone || text.empty())
        return;
    while (send(controlSocket, text.data(), text.size(), MSG_NOSIGNAL) < 0) {
        if (errno == EINTR)
            continue;
        // The engine closed its end or died: the attempt goes on all the same (its state file is
        // the record the next engine reads), and our next read sees EOF.
        engineGone = true;
        if (errno != EPIPE && errno != ECONNRESET)
            fprintf(stderr, "baton-supervisor --worker: send: %s\n", strerror(errno));
        return;
    }
}

// Signals that came before this attempt are not for it: a cancel sent for the previous attempt
// (or while idle) must not cancel this one. Children that exited are reaped with them.
void discardPendingSignals(int signalFd)
{
    signalfd_siginfo info;
    while (read(signalFd, &info, sizeof info) == sizeof info) { }
    while (waitpid(-1, nullptr, WNOHANG) > 0) { }
}

// Whether some descendant of the last attempt is still alive (all are our children: we are their
// subreaper). Exited ones are reaped on the way.
bool childrenRemain()
{
    for (;;) {
        const pid_t pid = waitpid(-1, nullptr, WNOHANG);
        if (pid > 0)
            continue;
        if (pid == 0)
            return true;
        if (errno != EINTR)
            return false; // ECHILD
    }
}

} // namespace

void report(const std::string &lines, bool isExit)
{
    if (isExit)
        exitReported = true;
    sendMessage(std::exchange(pendingReport, std::string()) + lines);
}

int runWorker(int signalFd, SuperviseFunction supervise)
{
    int type = 0;
    socklen_t typeSize = sizeof type;
    if (getsockopt(STDIN_FILENO, SOL_SOCKET, SO_TYPE, &type, &typeSize) != 0
        || type != SOCK_SEQPACKET) {
        fputs("baton-supervisor --worker: fd 0 must be an AF_UNIX SOCK_SEQPACKET socket\n", stderr);
        return 2;
    }
    // The control socket moves out of the standard descriptors, close-on-exec: no job may ever
    // inherit it (it could then start attempts, or keep the engine from seeing our EOF).
    const int socketFd = fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3);
    const int devNull = open("/dev/null", O_RDWR | O_CLOEXEC);
    controlSocket = socketFd;
    if (socketFd < 0 || devNull < 0) {
        fprintf(stderr, "baton-supervisor --worker: %s\n", strerror(errno));
        return 4;
    }
    dup2(devNull, STDIN_FILENO);
    stdinIsDevNull = true;
    close(devNull);
    // Blocking reads: the engine's end may be non-blocking, ours is our own file description.
    fcntl(socketFd, F_SETFL, fcntl(socketFd, F_GETFL) & ~O_NONBLOCK);

    char **const ownEnvironment = environ;
    static char buffer[MaxMessage];
    for (;;) {
        iovec iov { buffer, sizeof buffer };
        alignas(cmsghdr) char control[CMSG_SPACE(MaxFds * sizeof(int))];
        msghdr msg {};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        const ssize_t n = recvmsg(socketFd, &msg, MSG_CMSG_CLOEXEC);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "baton-supervisor --worker: recvmsg: %s\n", strerror(errno));
            return 4;
        }
        std::vector<int> fds;
        for (cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
                continue;
            const size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (size_t i = 0; i < count; ++i) {
                int fd = -1;
                memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
                fds.push_back(fd);
            }
        }
        if (n == 0 && fds.empty()) {
            // End of file, or an empty message: only a closed peer also reports a hang-up.
            pollfd p { socketFd, POLLIN | POLLRDHUP, 0 };
            if (poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLRDHUP)))
                return 0; // the engine closed its end, or died
        }
        std::vector<char *> argv, env;
        if (!fds.empty() || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
            || !Protocol::splitWorkerRequest(buffer, size_t(n), &argv, &env)) {
            // Nothing of ours travels with a request: a descriptor is not taken, and the attempt
            // never starts (the engine may run it elsewhere).
            fprintf(stderr,
                    "baton-supervisor --worker: malformed request (%zd bytes, %zu descriptors)\n",
                    n, fds.size());
            for (int fd : fds)
                close(fd);
            sendMessage(std::string(Protocol::DoneLine));
            continue;
        }

        discardPendingSignals(signalFd);
        pendingReport = Protocol::supervisorLine(getpid());
        exitReported = false;
        environ = env.data();
        supervise(int(argv.size()) - 1, argv.data(), signalFd);
        environ = ownEnvironment;
        // Only --help writes through stdio (to our /dev/null); its buffer must not stay for the
        // next attempt.
        fflush(stdout);
        clearerr(stdout);
        // Everything of the attempt is closed by now (the state file's lock first of all).
        if (!exitReported)
            report(std::string(Protocol::DoneLine), false);

        if (childrenRemain()) {
            // Processes of that attempt survived SIGKILL (stuck in the kernel): they must never be
            // mixed with the next attempt's. Exit; they go to init, as an exec'ed supervisor's do.
            fputs("baton-supervisor --worker: processes of the last attempt are still alive; "
                  "exiting\n",
                  stderr);
            return 0;
        }
    }
}

} // namespace Baton
