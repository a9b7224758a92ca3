#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

namespace Baton {

/// Turns the job's stdout/stderr bytes into log records, one per line of output:
///
///     YYYY-MM-DDTHH:MM:SS.mmmZ S F TEXT\n
///
/// S is `O` (stdout) or `E` (stderr). F is ' ' for a complete line, '+' for a record that was
/// not ended by a newline (EOF without newline, or a line longer than MaxLine split into pieces:
/// a reader joins a '+' record with the next record of the same stream), '!' for the
/// supervisor's own messages. TEXT is the raw bytes of the line (NUL, '\r', invalid UTF-8 kept).
///
/// Memory is fixed (one line buffer per stream + one output buffer) whatever the job prints.
class LogWriter
{
public:
    enum Stream { Out = 0, Err = 1 };
    static constexpr size_t MaxLine = 64 * 1024;
    static constexpr size_t HeaderSize = 29; // "2024-01-02T03:04:05.678Z O   "

    /// fd: the log file, opened for writing; cap: byte limit of the log (0 = unlimited);
    /// secrets: values replaced by `***` wherever they occur in a line.
    LogWriter(int fd, uint64_t cap, std::vector<std::string> secrets);
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
    /// Writes buffered records to the file (called before the supervisor sleeps in poll()).
    void flush();

    uint64_t bytes() const { return m_bytes; }
    bool truncated() const { return m_truncated; }

private:
    // Small fields first, buffers last: every page a fresh supervisor writes costs a page fault;
    // a short log touches the first page of each buffer only.
    struct Line
    {
        size_t size = 0;
        char data[MaxLine];
    };

    void record(Stream stream, char flag, char *text, size_t size, bool mask);
    void append(const char *data, size_t size);
    size_t maskSecrets(char *text, size_t size) const;
    void stamp();

    int m_fd;
    uint64_t m_cap;
    std::vector<std::string> m_secrets; // longest first, so a secret containing another wins
    size_t m_keep = 0; // bytes held back when splitting a long line, so a secret is never cut
    uint64_t m_bytes = 0;
    bool m_truncated = false;
    bool m_failed = false;
    char m_stamp[25] = {};
    int64_t m_stampSecond = -1;
    size_t m_outSize = 0;
    Line m_lines[2];
    char m_out[MaxLine + 4096];
};

} // namespace Baton
