#include "logwriter.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <unistd.h>

namespace Baton {

namespace LogRecord = Protocol::LogRecord;

LogWriter::LogWriter(const char *path, uint64_t cap, std::vector<std::string> secrets)
    : m_path(path)
    , m_cap(cap)
    , m_secrets(std::move(secrets))
{
    std::sort(m_secrets.begin(), m_secrets.end(),
              [](const std::string &a, const std::string &b) { return a.size() > b.size(); });
    m_secrets.erase(std::unique(m_secrets.begin(), m_secrets.end()), m_secrets.end());
    if (!m_secrets.empty())
        m_keep = std::min(m_secrets.front().size() - 1, MaxLine / 2);
}

LogWriter::~LogWriter()
{
    if (m_fd >= 0)
        close(m_fd);
}

ssize_t LogWriter::readFrom(Stream stream, int fd)
{
    Line &line = m_lines[stream];
    if (m_truncated) {
        // Keep the pipe flowing so that the job never blocks on a full pipe, but drop the bytes.
        line.size = 0;
        return read(fd, line.data, MaxLine);
    }
    const ssize_t n = read(fd, line.data + line.size, MaxLine - line.size);
    if (n <= 0)
        return n;
    stamp(); // one timestamp per read: the lines of one chunk arrived together
    size_t begin = 0;
    size_t scan = line.size; // the bytes before had no newline
    line.size += size_t(n);
    while (auto *nl = static_cast<char *>(memchr(line.data + scan, '\n', line.size - scan))) {
        const size_t end = size_t(nl - line.data);
        record(stream, LogRecord::Flag::Whole, line.data + begin, end - begin, true);
        if (m_truncated) {
            line.size = 0;
            return n;
        }
        begin = scan = end + 1;
    }
    line.size -= begin;
    memmove(line.data, line.data + begin, line.size);
    if (line.size == MaxLine) {
        // An over-long line: write it in pieces. The last bytes are held back, as they may be
        // the beginning of a secret that continues in the next read.
        const size_t size = maskSecrets(line.data, line.size);
        const size_t keep = std::min(m_keep, size);
        if (size > keep)
            record(stream, LogRecord::Flag::Partial, line.data, size - keep, false);
        memmove(line.data, line.data + size - keep, keep);
        line.size = keep;
    }
    return n;
}

void LogWriter::finish(Stream stream)
{
    Line &line = m_lines[stream];
    if (line.size > 0 && !m_truncated) {
        stamp();
        record(stream, LogRecord::Flag::Partial, line.data, line.size, true);
    }
    line.size = 0;
}

void LogWriter::note(const std::string &message)
{
    if (m_failed)
        return;
    stamp();
    char header[HeaderSize];
    LogRecord::writeHeader(m_stamp, LogRecord::Stream::Err, LogRecord::Flag::Note, header);
    append(header, sizeof header);
    append(LogRecord::NotePrefix.data(), LogRecord::NotePrefix.size());
    append(message.data(), message.size());
    append(LogRecord::NoteSuffix.data(), LogRecord::NoteSuffix.size());
    append("\n", 1);
}

void LogWriter::record(Stream stream, LogRecord::Flag flag, char *text, size_t size, bool mask)
{
    if (m_truncated || m_failed)
        return;
    if (mask)
        size = maskSecrets(text, size);
    if (m_cap > 0 && m_bytes + HeaderSize + size + 1 > m_cap) {
        m_truncated = true;
        note("log truncated at " + std::to_string(m_cap) + " bytes; further output discarded");
        return;
    }
    char header[HeaderSize];
    LogRecord::writeHeader(m_stamp, stream == Out ? LogRecord::Stream::Out : LogRecord::Stream::Err,
                           flag, header);
    append(header, sizeof header);
    append(text, size);
    append("\n", 1);
}

void LogWriter::append(const char *data, size_t size)
{
    while (size > 0) {
        if (m_outSize == sizeof m_out)
            flush();
        if (m_failed)
            return;
        const size_t chunk = std::min(size, sizeof m_out - m_outSize);
        memcpy(m_out + m_outSize, data, chunk);
        m_outSize += chunk;
        m_bytes += chunk; // counted when buffered, taken back by flush() if the write fails
        data += chunk;
        size -= chunk;
    }
}

void LogWriter::flush()
{
    if (m_outSize == 0)
        return; // nothing to write: a silent attempt never creates its log
    if (m_fd < 0 && !m_failed) {
        // The first byte: create the file now (the flags the up-front open had). Most jobs print
        // nothing, and every inode created per attempt costs the engine time.
        // 0600: a job's output may hold anything; the workspace is its owner's alone.
        m_fd = open(m_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (m_fd < 0)
            stop(errno);
    }
    size_t done = 0;
    while (done < m_outSize && !m_failed) {
        const ssize_t n = write(m_fd, m_out + done, m_outSize - done);
        if (n > 0)
            done += size_t(n);
        else if (n < 0 && errno != EINTR)
            stop(errno);
    }
    m_bytes -= m_outSize - done; // counted when buffered: what was not written is not in the log
    m_outSize = 0;
}

void LogWriter::stop(int error)
{
    // Disk full, the directory removed or made read-only under us, or similar: the job must not
    // suffer for it. Stop logging, count the log as truncated, keep draining the pipes.
    m_failed = m_truncated = true;
    m_error = error;
}

void LogWriter::sync()
{
    if (m_fd >= 0)
        fdatasync(m_fd);
}

std::string LogWriter::errorMessage() const
{
    if (m_error == 0)
        return {};
    return std::string(m_fd < 0 ? "cannot create log file '" : "cannot write log file '") + m_path
        + "': " + strerror(m_error);
}

size_t LogWriter::maskSecrets(char *text, size_t size) const
{
    // "***" is never longer than a secret (length >= 3), so masking works in place.
    for (const std::string &secret : m_secrets) {
        if (size < secret.size())
            continue;
        size_t in = 0;
        size_t out = 0;
        while (in < size) {
            const auto *hit = static_cast<const char *>(
                memmem(text + in, size - in, secret.data(), secret.size()));
            const size_t end = hit ? size_t(hit - text) : size;
            memmove(text + out, text + in, end - in);
            out += end - in;
            if (!hit)
                break;
            memcpy(text + out, "***", 3);
            out += 3;
            in = end + secret.size();
        }
        size = out;
    }
    return size;
}

void LogWriter::stamp()
{
    timespec now {};
    clock_gettime(CLOCK_REALTIME, &now);
    if (now.tv_sec != m_stampSecond) {
        // gmtime_r and strftime once per second at most: a chatty job prints millions of lines.
        LogRecord::writeStampSeconds(now.tv_sec, m_stamp);
        m_stampSecond = now.tv_sec;
    }
    LogRecord::writeStampMillis(int(now.tv_nsec / 1000000), m_stamp);
}

} // namespace Baton
