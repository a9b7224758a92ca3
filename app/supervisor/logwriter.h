#pragma once

#include "protocol/logrecord.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

namespace Baton {

/// Turns the job's stdout/stderr bytes into log records, one per line of output, in the format of
/// core/protocol/logrecord.h (TEXT is the raw bytes of the line: NUL, '\r', invalid UTF-8 kept).
///
/// Memory is fixed (one line buffer per stream + one output buffer) whatever the job prints.
///
/// The file is created when the first byte is written to it (flush() with something buffered):
/// an attempt that writes nothing, neither the job nor the supervisor, leaves no file (one inode
/// fewer per silent attempt). Readers take a missing log for an empty one.
class LogWriter
{
public:
    enum Stream { Out = 0, Err = 1 };
    static constexpr size_t MaxLine = Protocol::LogRecord::MaxText;
    static constexpr size_t HeaderSize = Protocol::LogRecord::HeaderSize;

    /// path: the log file, created (O_CREAT | O_TRUNC, 0644) on the first write, and must stay
    /// valid as long as the writer; cap: byte limit of the log (0 = unlimited); secrets: values
    /// replaced by `***` wherever they occur in a line.
    LogWriter(const char *path, uint64_t cap, std::vector<std::string> secrets);
    ~LogWriter();
    LogWriter(const LogWriter &) = delete;
    LogWriter &operator=(const LogWriter &) = delete;

    /// One read() from a pipe into the stream's buffer; complete lines become records.
    /// Returns read()'s result (0 = EOF, -1 = error with errno).
    ssize_t readFrom(Stream stream, int fd);
    /// The stream reached EOF: bytes left without a newline become a '+' record.
    void finish(Stream stream);
    /// A supervisor message (an `E !` record); still written after truncation, so that a capped
    /// log of a timed-out job still says why it ended.
    void note(const std::string &message);
    /// Writes buffered records to the file, creating it first if need be (called before the
    /// supervisor sleeps in poll()). Nothing buffered: nothing done, no file created.
    void flush();
    /// fdatasync() of the file, if it was created.
    void sync();

    uint64_t bytes() const { return m_bytes; }
    bool truncated() const { return m_truncated; }
    /// Whether the file exists (was created by this writer).
    bool created() const { return m_fd >= 0; }
    /// errno of the failure that stopped logging (the file could not be created, or written),
    /// 0: none. Logging stops for good then: the log counts as truncated, output is dropped.
    int error() const { return m_error; }
    /// A sentence saying what failed, e.g. "cannot create log file 'X': Permission denied";
    /// empty while error() is 0.
    std::string errorMessage() const;

private:
    // Small fields first, buffers last: every page a fresh supervisor writes costs a page fault;
    // a short log touches the first page of each buffer only.
    struct Line
    {
        size_t size = 0;
        char data[MaxLine];
    };

    void record(Stream stream, Protocol::LogRecord::Flag flag, char *text, size_t size, bool mask);
    void append(const char *data, size_t size);
    size_t maskSecrets(char *text, size_t size) const;
    void stamp();
    void stop(int error);

    const char *m_path;
    int m_fd = -1; // -1 until the first write creates the file
    int m_error = 0;
    uint64_t m_cap;
    std::vector<std::string> m_secrets; // longest first, so a secret containing another wins
    size_t m_keep = 0; // bytes held back when splitting a long line, so a secret is never cut
    uint64_t m_bytes = 0;
    bool m_truncated = false;
    bool m_failed = false;
    char m_stamp[Protocol::LogRecord::StampSize] = {};
    int64_t m_stampSecond = -1;
    size_t m_outSize = 0;
    Line m_lines[2];
    char m_out[MaxLine + 4096];
};

} // namespace Baton
