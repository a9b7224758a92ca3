#include "logrecord.h"

#include <cstring>

namespace Baton::Protocol::LogRecord {

namespace {

bool digits(std::string_view v, std::size_t from, std::size_t count, int *value)
{
    int n = 0;
    for (std::size_t i = from; i < from + count; ++i) {
        if (v[i] < '0' || v[i] > '9')
            return false;
        n = n * 10 + (v[i] - '0');
    }
    *value = n;
    return true;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t daysFromCivil(int y, int m, int d)
{
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = int(y - era * 400);
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

int daysInMonth(int y, int m)
{
    static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

} // namespace

void writeStampSeconds(std::time_t seconds, char *stamp)
{
    tm utc {};
    gmtime_r(&seconds, &utc);
    char text[StampSize + 1];
    strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S.", &utc);
    std::memcpy(stamp, text, 20);
}

void writeStampMillis(int ms, char *stamp)
{
    stamp[20] = char('0' + ms / 100);
    stamp[21] = char('0' + ms / 10 % 10);
    stamp[22] = char('0' + ms % 10);
    stamp[23] = 'Z';
}

void writeHeader(const char *stamp, Stream stream, Flag flag, char *header)
{
    std::memcpy(header, stamp, StampSize);
    header[24] = ' ';
    header[25] = char(stream);
    header[26] = ' ';
    header[27] = char(flag);
    header[28] = ' ';
}

std::string format(std::int64_t timeMs, Stream stream, Flag flag, std::string_view text)
{
    char stamp[StampSize];
    const std::int64_t seconds = timeMs / 1000;
    writeStampSeconds(std::time_t(seconds), stamp);
    writeStampMillis(int(timeMs - seconds * 1000), stamp);
    std::string record(HeaderSize, ' ');
    writeHeader(stamp, stream, flag, record.data());
    record.append(text);
    record += '\n';
    return record;
}

std::string formatNote(std::int64_t timeMs, std::string_view message)
{
    return format(timeMs, Stream::Err, Flag::Note,
                  std::string(NotePrefix) + std::string(message) + std::string(NoteSuffix));
}

bool parse(std::string_view v, Record *record, std::string *error)
{
    *record = Record {};
    // Readers test every line of a log with this: a line that is not a record costs no
    // allocation unless the caller asks why.
    const auto refuse = [error](const auto &why) {
        if (error)
            *error = why();
        return false;
    };
    const auto stampText = [v] {
        return std::string(v.substr(0, StampSize));
    };
    if (v.size() < HeaderSize)
        return refuse([&] {
            return "truncated record: " + std::to_string(v.size()) + " bytes, a header has "
                + std::to_string(HeaderSize);
        });
    int y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
    const bool shaped = v[4] == '-' && v[7] == '-' && v[10] == 'T' && v[13] == ':' && v[16] == ':'
        && v[19] == '.' && v[23] == 'Z' && v[24] == ' ' && v[26] == ' ' && v[28] == ' ';
    if (!shaped || !digits(v, 0, 4, &y) || !digits(v, 5, 2, &mo) || !digits(v, 8, 2, &d)
        || !digits(v, 11, 2, &h) || !digits(v, 14, 2, &mi) || !digits(v, 17, 2, &s)
        || !digits(v, 20, 3, &ms))
        return refuse([&] {
            return "bad time stamp '" + stampText() + "' (expected YYYY-MM-DDTHH:MM:SS.mmmZ)";
        });
    if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 60)
        return refuse([&] { return "time stamp out of range '" + stampText() + "'"; });
    const char stream = v[25];
    const char flag = v[27];
    if (stream != char(Stream::Out) && stream != char(Stream::Err))
        return refuse(
            [&] { return std::string("unknown stream '") + stream + "' (expected O or E)"; });
    if (flag != char(Flag::Whole) && flag != char(Flag::Partial) && flag != char(Flag::Note))
        return refuse(
            [&] { return std::string("unknown flag '") + flag + "' (expected ' ', '+' or '!')"; });
    const std::size_t limit = MaxText + (flag == char(Flag::Note) ? NotePrefix.size() + 1 : 0);
    if (v.size() - HeaderSize > limit)
        return refuse([&] {
            return "record text of " + std::to_string(v.size() - HeaderSize)
                + " bytes, longer than " + std::to_string(limit);
        });
    record->timeMs = ((daysFromCivil(y, mo, d) * 24 + h) * 60 + mi) * 60000 + s * 1000 + ms;
    record->stream = Stream(stream);
    record->flag = Flag(flag);
    record->text = v.substr(HeaderSize);
    return true;
}

} // namespace Baton::Protocol::LogRecord
