#pragma once

// The attempt log's record format: written by baton-supervisor (app/supervisor/logwriter.h), one
// record per line of the job's output:
//
//     YYYY-MM-DDTHH:MM:SS.mmmZ S F TEXT\n
//
// S is `O` (stdout) or `E` (stderr). F is ' ' for a complete line, '+' for a record that was not
// ended by a newline (EOF without newline, or a line longer than MaxText split into pieces: a
// reader joins a '+' record with the next record of the same stream), '!' for the supervisor's
// own notes (`E !`, text "[baton: MESSAGE]"). TEXT is the raw bytes of the line. Plain C++, no Qt.

#include <cstddef>
#include <cstdint>
#include <ctime>
#include <string>
#include <string_view>

namespace Baton::Protocol::LogRecord {

constexpr std::size_t StampSize = 24; ///< "2024-01-02T03:04:05.678Z"
constexpr std::size_t HeaderSize = 29; ///< "2024-01-02T03:04:05.678Z O   "
/// The longest TEXT the supervisor writes in one record (a longer line is split).
constexpr std::size_t MaxText = 64 * 1024;

enum class Stream : char { Out = 'O', Err = 'E' };
enum class Flag : char { Whole = ' ', Partial = '+', Note = '!' };
inline constexpr std::string_view NotePrefix = "[baton: ";
inline constexpr std::string_view NoteSuffix = "]";

/// Writes "YYYY-MM-DDTHH:MM:SS." (the first 20 bytes of a stamp) for @p seconds since the epoch
/// (UTC): done once per second at most by a writer, as a chatty job prints millions of lines.
void writeStampSeconds(std::time_t seconds, char *stamp);
/// Writes "mmmZ" (bytes 20-23 of a stamp).
void writeStampMillis(int ms, char *stamp);
/// Writes a record's header from a whole stamp.
void writeHeader(const char *stamp, Stream stream, Flag flag, char *header);

/// One whole record with its '\n' (@p timeMs: ms since the epoch, UTC).
std::string format(std::int64_t timeMs, Stream stream, Flag flag, std::string_view text);
/// A supervisor note's record: `E !` with text "[baton: MESSAGE]".
std::string formatNote(std::int64_t timeMs, std::string_view message);

struct Record
{
    std::int64_t timeMs = 0;
    Stream stream = Stream::Out;
    Flag flag = Flag::Whole;
    std::string_view text; ///< into the parsed line
};

/// Parses one record, without its '\n'. False with @p error saying what is wrong for a line that
/// is not one: shorter than a header (truncated), a stamp that is not a UTC time with ms (a bad
/// number or date), an unknown stream or flag, TEXT longer than MaxText (or a note's longer than
/// MaxText + its brackets). @p error may be null (a reader that only asks whether a line is one).
bool parse(std::string_view line, Record *record, std::string *error = nullptr);

} // namespace Baton::Protocol::LogRecord
