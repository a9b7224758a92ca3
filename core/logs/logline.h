#pragma once

#include <QByteArrayView>
#include <QList>
#include <QMetaType>
#include <QString>

namespace Baton {

/// Where a log line came from.
enum class LogStream : quint8 {
    Out, ///< the job's stdout (`O`)
    Err, ///< the job's stderr (`E`)
    Note, ///< the supervisor's own message (`E !`): signals, timeouts, truncation
    Raw, ///< a line that is not a record (a foreign file, a damaged line): shown as is
};

/// One line of an attempt log. The supervisor writes one record per line
/// (app/supervisor/logwriter.h):
///
///     YYYY-MM-DDTHH:MM:SS.mmmZ S F TEXT
///
/// S is the stream (`O`/`E`), F a flag (' ' whole line, '+' partial: the line goes on in the
/// next record of the same stream, '!' supervisor note), TEXT the raw bytes. A line is a record
/// exactly when the protocol's parser (protocol/logrecord.h, the supervisor's own) accepts it —
/// an empty record whose trailing space an editor trimmed apart; any other line is Raw.
struct LogLine
{
    static constexpr int HeaderSize = 29; ///< "2026-11-23T20:05:01.123Z O   "

    qint64 offset = 0; ///< byte offset of the line's first byte in the file
    qint64 next = 0; ///< byte offset just past the line and its newline
    qint64 timeMs = 0; ///< record time, ms since the epoch (UTC); 0 for a Raw line
    LogStream stream = LogStream::Raw;
    bool partial = false; ///< a '+' record
    QString text; ///< the record's text (UTF-8, invalid bytes replaced), the whole line for Raw

    bool isStderr() const { return stream == LogStream::Err || stream == LogStream::Note; }
    /// Where TEXT starts in the line's bytes: HeaderSize for a record, 0 for a Raw line.
    int textStart() const { return stream == LogStream::Raw ? 0 : HeaderSize; }
    bool operator==(const LogLine &) const = default;

    /// Parses one line (without its newline) that starts at byte @p offset.
    static LogLine parse(QByteArrayView line, qint64 offset, qint64 next);
    /// Whether @p line is a record header: the cheap test the scanners use before parsing.
    static bool isRecord(QByteArrayView line);
    /// The stream of a line without decoding its text.
    static LogStream streamOf(QByteArrayView line);
};

/// Baton's rule for "jump to the first error" (the console's log viewer, and anything else that
/// wants the line that explains a failure):
///
/// a line is **error-like** when it is a supervisor note (how the attempt ended: timeout, signal,
/// killed processes, truncation), or a stderr (or non-record) line whose text contains one of
/// `error`, `exception`, `traceback`, `fatal`, `panic`, `failed`, `failure` (ASCII case
/// ignored). The first error line of a log is its first error-like line; when there is none, it
/// is its first stderr line; when there is no stderr line either, there is no error line.
namespace LogRules {
bool isErrorLike(QByteArrayView line);
/// The keywords of isErrorLike(), lower case.
const QList<QByteArrayView> &errorWords();
} // namespace LogRules

} // namespace Baton

Q_DECLARE_METATYPE(Baton::LogLine)
