#pragma once

#include "logs/logline.h"

#include <QByteArray>
#include <QFile>
#include <QList>
#include <QString>

namespace Baton {

/// Bounded reads of one log file: a few lines around an offset, the last lines (a reverse scan
/// from the end), the start of the line holding a byte, and search slices. Every call reads at
/// most a few chunks, so memory and latency do not depend on the size of the log. Offsets are
/// bytes; a "line start" is 0 or the byte after a newline.
///
/// Synchronous and not thread-safe: LogWorker drives one on its own thread.
class LogReader
{
public:
    static constexpr qint64 ChunkSize = 256 * 1024;
    /// A line longer than this (only in a foreign file: records are at most 64 KiB + header) is
    /// shown in pieces of this size.
    static constexpr qint64 MaxLineBytes = 1024 * 1024;

    LogReader() = default;
    /// Opens @p path. A file that does not exist is an empty log, not an error: an attempt that
    /// wrote nothing has no log file (the supervisor creates it with its first record), and a
    /// starting attempt has none yet. False (with @p error naming the file) when it exists but
    /// cannot be read.
    bool open(const QString &path, QString *error = nullptr);
    void close();
    /// A log was opened: an existing file, or a missing one read as empty.
    bool isOpen() const { return m_open; }
    /// The file exists and is open (false for a missing log, read as empty).
    bool exists() const { return m_file.isOpen(); }
    QString path() const { return m_path; }
    /// The file's size now (it grows while the attempt runs); 0 for a missing log.
    qint64 size() const;

    /// Up to @p maxLines lines starting at line start @p offset, in file order.
    QList<LogLine> linesFrom(qint64 offset, int maxLines);
    /// Up to @p maxLines lines that end at or before @p end (a line start, or the file's size),
    /// in file order: the last lines of the file when @p end is its size.
    QList<LogLine> linesBefore(qint64 end, int maxLines);
    /// The start of the line holding byte @p offset (clamped to the file).
    qint64 lineStart(qint64 offset);
    /// Newlines in [@p from, @p to).
    qint64 countLines(qint64 from, qint64 to);

    /// A match of a search: the line, and where the text matched in the line's text
    /// (in QString characters, for highlighting).
    struct Match
    {
        qint64 lineOffset = -1;
        int column = -1;
        int length = 0;
        bool isValid() const { return lineOffset >= 0; }
    };
    /// One slice of a search through the lines' text (never their headers). Forward: the first
    /// match among lines starting in [@p from, @p limit); backward: the last match among lines
    /// starting in [@p limit, @p from). @p resume is where the next slice starts (forward: a
    /// line start ≥ limit; backward: a line start ≤ limit), or -1 when the file's end (start)
    /// was reached. Case folding is ASCII only: other letters match exactly.
    Match find(const QString &needle, Qt::CaseSensitivity cs, qint64 from, qint64 limit,
               bool forward, qint64 *resume);

    /// One slice of the scan for the first error line (LogRules): lines starting in
    /// [@p from, @p limit). Returns the offset of the first error-like line, else -1; sets
    /// @p firstStderr to the first stderr line seen when it was still -1; @p resume as for find().
    qint64 findErrorLike(qint64 from, qint64 limit, qint64 *firstStderr, qint64 *resume);

    /// Reads the bytes [offset, offset + size) (fewer at the end of the file).
    QByteArray readAt(qint64 offset, qint64 size);
    /// Whole lines starting at line start @p from: about @p bytes of them, at least one (a
    /// last line without newline included).
    QByteArray forwardBlock(qint64 from, qint64 bytes);

private:
    /// Whole lines ending at @p end: about @p bytes of them, at least one; @p start receives
    /// the offset of the block's first byte (a line start).
    QByteArray backwardBlock(qint64 end, qint64 bytes, qint64 *start);

    mutable QFile m_file;
    QString m_path;
    bool m_open = false;
};

} // namespace Baton
