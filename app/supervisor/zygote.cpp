#include "zygote.h"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <string>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char **environ;

namespace Baton {

namespace {

constexpr size_t MaxMessage = 256 * 1024; // the engine execs a supervisor for larger requests

// Splits "a\0b\0\0c\0" into argv {a, b} and env {c}; false when malformed.
bool parse(char *data, size_t size, std::vector<char *> *argv, std::vector<char *> *env)
{
    if (size == 0 || data[size - 1] != '\0')
        return false;
    std::vector<char *> *into = argv;
    for (size_t i = 0; i < size;) {
        char *item = data + i;
        const size_t length = strlen(item);
        i += length + 1;
        if (length == 0 && into == argv)
            into = env;
        else if (length > 0)
            into->push_back(item);
    }
    if (into != env || argv->empty())
        return false;
    argv->push_back(nullptr);
    env->push_back(nullptr);
    return true;
}

void writeLine(int fd, const std::string &line)
{
    const char *p = line.data();
    size_t left = line.size();
    while (left > 0) {
        const ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        p += n;
        left -= size_t(n);
    }
}

} // namespace

int runZygote(int socketFd, SuperviseFunction supervise)
{
    sigset_t chld;
    sigemptyset(&chld);
    sigaddset(&chld, SIGCHLD);
    sigprocmask(SIG_BLOCK, &chld, nullptr);
    const int signalFd = signalfd(-1, &chld, SFD_CLOEXEC | SFD_NONBLOCK);
    if (signalFd < 0) {
        fprintf(stderr, "baton-supervisor --zygote: signalfd: %s\n", strerror(errno));
        return 4;
    }
    static char buffer[MaxMessage];
    for (;;) {
        pollfd fds[] = { { socketFd, POLLIN, 0 }, { signalFd, POLLIN, 0 } };
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR)
                continue;
            return 4;
        }
        if (fds[1].revents) {
            signalfd_siginfo info;
            while (read(signalFd, &info, sizeof info) == sizeof info) { }
            while (waitpid(-1, nullptr, WNOHANG) > 0) { }
        }
        if (!fds[0].revents)
            continue;

        iovec iov { buffer, sizeof buffer };
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
        msghdr msg {};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        const ssize_t n = recvmsg(socketFd, &msg, MSG_CMSG_CLOEXEC);
        if (n == 0)
            return 0; // the engine closed its end, or died: the supervisors carry on alone
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            fprintf(stderr, "baton-supervisor --zygote: recvmsg: %s\n", strerror(errno));
            return 4;
        }
        int outFd = -1;
        for (cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
                memcpy(&outFd, CMSG_DATA(c), sizeof outFd);
        }
        std::vector<char *> argv, env;
        if (outFd < 0 || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC))
            || !parse(buffer, size_t(n), &argv, &env)) {
            // The engine sees its pipe close without a word: the attempt never started.
            fprintf(stderr, "baton-supervisor --zygote: malformed request (%zd bytes)\n", n);
            if (outFd >= 0)
                close(outFd);
            continue;
        }
        const pid_t pid = fork();
        if (pid == 0) {
            close(socketFd);
            close(signalFd);
            if (outFd != STDOUT_FILENO) {
                dup2(outFd, STDOUT_FILENO); // dup2 clears close-on-exec
                close(outFd);
            }
            const int devNull = open("/dev/null", O_RDONLY | O_CLOEXEC);
            if (devNull >= 0) {
                dup2(devNull, STDIN_FILENO);
                close(devNull);
            }
            sigset_t none;
            sigemptyset(&none);
            sigprocmask(SIG_SETMASK, &none, nullptr);
            environ = env.data();
            writeLine(STDOUT_FILENO, "supervisor " + std::to_string(getpid()) + "\n");
            exit(supervise(int(argv.size()) - 1, argv.data()));
        }
        if (pid < 0)
            fprintf(stderr, "baton-supervisor --zygote: fork: %s\n", strerror(errno));
        close(outFd); // the child has it; on failure the engine sees EOF
    }
}

} // namespace Baton
