#include "attemptfiles.h"

#include "protocol/canceltoken.h"

#include <QDateTime>
#include <QFile>
#include <csignal>
#include <cstdlib>
#include <dirent.h>
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace Baton::AttemptFiles {

namespace {

// Processes of session @p sid (the supervisor is a session leader, so its job's processes are in
// its session unless they left it on purpose).
QList<pid_t> sessionMembers(pid_t sid)
{
    QList<pid_t> members;
    DIR *proc = ::opendir("/proc");
    if (!proc)
        return members;
    while (const dirent *entry = ::readdir(proc)) {
        char *end = nullptr;
        const long pid = std::strtol(entry->d_name, &end, 10);
        if (*end != '\0' || pid <= 1)
            continue;
        if (::getsid(pid_t(pid)) == sid)
            members << pid_t(pid);
    }
    ::closedir(proc);
    return members;
}

} // namespace

Protocol::AttemptRecord read(const QString &statePath, QString *error)
{
    Protocol::AttemptRecord record;
    if (error)
        error->clear();
    QFile f(statePath);
    if (!f.open(QIODevice::ReadOnly))
        return record;
    const QByteArray text = f.read(qint64(Protocol::MaxRecordSize));
    std::string why;
    if (!Protocol::parseAttemptRecord(std::string_view(text.constData(), size_t(text.size())),
                                      &record, &why)
        && error)
        *error = QString::fromStdString(why);
    return record;
}

AttemptExit toExit(const Protocol::ExitRecord &record)
{
    AttemptExit exit;
    exit.exitCode = record.exitCode;
    exit.signal = record.signal;
    exit.reason = QString::fromLatin1(Protocol::reasonName(record.reason));
    exit.startedAt = record.startedAt;
    exit.finishedAt = record.finishedAt;
    exit.finishedAtUs = record.finishedAtUs;
    exit.logBytes = record.logBytes;
    exit.truncated = record.truncated;
    exit.logError = QString::fromStdString(record.logError);
    return exit;
}

bool supervisorAlive(const QString &statePath)
{
    const QByteArray path = statePath.toLocal8Bit();
    const int fd = ::open(path.constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool held = ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    ::close(fd); // releases our lock if we got it
    return held;
}

bool parseReport(const QByteArray &line, Protocol::ReportLine *report)
{
    std::string error;
    if (Protocol::parseReportLine(std::string_view(line.constData(), size_t(line.size())), report,
                                  &error))
        return true;
    spdlog::warn("supervisor report not understood: {}", error);
    return false;
}

bool markAbandoned(int fd)
{
    const std::string mark = Protocol::abandonedRecord(QDateTime::currentMSecsSinceEpoch());
    return ::write(fd, mark.data(), mark.size()) == ssize_t(mark.size());
}

bool abandonUnclaimed(const QString &statePath)
{
    const QByteArray path = statePath.toLocal8Bit();
    const int fd = ::open(path.constData(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0)
        return false;
    struct stat st
    {
    };
    bool abandoned = false;
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0 && ::fstat(fd, &st) == 0 && st.st_size == 0)
        abandoned = markAbandoned(fd);
    ::close(fd);
    return abandoned;
}

void killLeftovers(const QString &statePath)
{
    // A supervisor pid that was reused since is no session leader of ours: getsid() tells.
    const Protocol::AttemptRecord record = read(statePath);
    const qint64 pgid = record.pgid;
    const qint64 supervisor = record.supervisorPid;
    if (supervisor <= 1)
        return; // the job never started
    if (pgid > 1 && ::getsid(pid_t(pgid)) == pid_t(supervisor))
        ::kill(pid_t(-pgid), SIGKILL);
    if (::kill(pid_t(supervisor), 0) != 0) { // the session leader is gone, its session is ours
        for (const pid_t pid : sessionMembers(pid_t(supervisor)))
            ::kill(pid, SIGKILL);
    }
}

void cancelSupervisor(pid_t pid, const QString &statePath)
{
    sigval value {};
    value.sival_int = int(cancelToken(statePath.toLocal8Bit().constData()));
    ::sigqueue(pid, SIGTERM, value);
}

} // namespace Baton::AttemptFiles
