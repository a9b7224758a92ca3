#include "workerpool.h"

#include <QDateTime>
#include <QSocketNotifier>
#include <cerrno>
#include <cstring>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>
#include <utility>

namespace Baton {

WorkerPool::WorkerPool(QObject *context, Spawn spawn, std::function<void(quint64)> readable)
    : m_context(context)
    , m_spawn(std::move(spawn))
    , m_readable(std::move(readable))
{ }

WorkerPool::Worker *WorkerPool::find(quint64 workerId)
{
    for (Worker &w : m_workers) {
        if (w.id == workerId)
            return &w;
    }
    return nullptr;
}

int WorkerPool::idleOrNew(const QString &program)
{
    for (size_t i = 0; i < m_workers.size(); ++i) {
        if (m_workers[i].attemptId == 0)
            return int(i);
    }
    return start(program);
}

int WorkerPool::start(const QString &program)
{
    if (qEnvironmentVariable("BATON_SUPERVISOR_WORKERS") == u"0" || m_failures >= 3)
        return -1;
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0) {
        ++m_failures;
        return -1;
    }
    const QByteArray path = program.toLocal8Bit();
    char *argv[]
        = { const_cast<char *>(path.constData()), const_cast<char *>("--worker"), nullptr };
    pid_t pid = 0;
    const int rc = m_spawn(argv, sv[1], &pid);
    ::close(sv[1]);
    if (rc != 0) {
        ::close(sv[0]);
        ++m_failures;
        spdlog::warn("cannot start a supervisor worker: {}", std::strerror(rc));
        return -1;
    }
    Worker w;
    w.id = m_nextId++;
    w.fd = sv[0];
    w.pid = pid;
    // One watcher for all its attempts: adding and removing one per attempt cost the event loop
    // several system calls each time.
    w.notifier = new QSocketNotifier(w.fd, QSocketNotifier::Read, m_context);
    QObject::connect(w.notifier, &QSocketNotifier::activated, m_context,
                     [readable = m_readable, id = w.id] { readable(id); });
    m_workers.push_back(w);
    return int(m_workers.size()) - 1;
}

qint64 WorkerPool::retire(int index)
{
    const Worker &w = m_workers[size_t(index)];
    w.notifier->setEnabled(false);
    w.notifier->deleteLater(); // we may be in its own activation
    ::close(w.fd);
    const qint64 pid = w.pid;
    m_workers.erase(m_workers.begin() + index);
    return pid;
}

QList<int> WorkerPool::idleTooLong(qint64 nowMs) const
{
    QList<int> indices;
    int idle = 0;
    for (int i = int(m_workers.size()) - 1; i >= 0; --i) {
        const Worker &w = m_workers[size_t(i)];
        if (w.attemptId == 0 && ++idle > 2 && nowMs - w.idleSinceMs > 30000)
            indices << i;
    }
    return indices;
}

bool WorkerPool::send(int fd, const QByteArray &request)
{
    return request.size() <= MaxRequest
        && ::send(fd, request.constData(), size_t(request.size()), MSG_NOSIGNAL | MSG_DONTWAIT)
        == request.size();
}

bool WorkerPool::receive(quint64 workerId)
{
    Worker *w = find(workerId);
    if (!w)
        return false;
    // One call takes all there is: its messages, and the end of file after them when the worker
    // is gone (as empty messages: a worker never sends one).
    constexpr unsigned Batch = 4;
    char data[Batch][4096];
    iovec iov[Batch];
    mmsghdr messages[Batch];
    std::memset(messages, 0, sizeof messages);
    for (unsigned i = 0; i < Batch; ++i) {
        iov[i] = { data[i], sizeof data[i] };
        messages[i].msg_hdr.msg_iov = &iov[i];
        messages[i].msg_hdr.msg_iovlen = 1;
    }
    int n;
    do
        n = ::recvmmsg(w->fd, messages, Batch, MSG_DONTWAIT, nullptr);
    while (n < 0 && errno == EINTR);
    bool gone = n < 0 && errno != EAGAIN && errno != EWOULDBLOCK;
    for (int i = 0; i < n && !gone; ++i) {
        if (messages[i].msg_len == 0 || (messages[i].msg_hdr.msg_flags & MSG_TRUNC))
            gone = true; // a truncated message: not a worker we understand, let it go
        else
            w->buffer.append(data[i], qsizetype(messages[i].msg_len));
    }
    return !gone;
}

WorkerPool::Handed WorkerPool::takeAttempt(Worker &worker)
{
    Handed handed;
    handed.attemptId = std::exchange(worker.attemptId, 0);
    handed.attemptDir = std::exchange(worker.attemptDir, QString());
    handed.request = std::exchange(worker.request, QByteArray());
    handed.claimed = std::exchange(worker.claimed, false);
    handed.cancelPending = std::exchange(worker.cancelPending, false);
    handed.stale = std::exchange(worker.stale, false);
    worker.supervisorPid = 0;
    worker.idleSinceMs = QDateTime::currentMSecsSinceEpoch();
    return handed;
}

bool WorkerPool::heldElsewhere(qint64 attemptId, quint64 except) const
{
    for (const Worker &w : m_workers) {
        if (w.id == except)
            continue;
        if ((w.attemptId == attemptId && !w.stale)
            || (w.next.attemptId == attemptId && !w.next.stale))
            return true;
    }
    return false;
}

void WorkerPool::markCopiesStale(qint64 attemptId, quint64 winner)
{
    for (Worker &w : m_workers) {
        if (w.id == winner)
            continue;
        if (w.attemptId == attemptId)
            w.stale = true;
        if (w.next.attemptId == attemptId)
            w.next.stale = true;
    }
}

bool WorkerPool::canFollow(qint64 attemptId) const
{
    for (const Worker &w : m_workers) {
        if (w.attemptId == attemptId && !w.stale)
            return w.next.attemptId == 0;
    }
    return false;
}

} // namespace Baton
