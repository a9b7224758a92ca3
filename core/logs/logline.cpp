#include "logline.h"

#include <algorithm>
#include <cstring>

namespace Baton {

namespace {

bool digits(QByteArrayView v, int from, int count)
{
    for (int i = from; i < from + count; ++i) {
        if (v[i] < '0' || v[i] > '9')
            return false;
    }
    return true;
}

int number(QByteArrayView v, int from, int count)
{
    int n = 0;
    for (int i = from; i < from + count; ++i)
        n = n * 10 + (v[i] - '0');
    return n;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil): no
// QDateTime per line, as a screen of a huge log parses thousands of them.
qint64 daysFromCivil(int y, int m, int d)
{
    y -= m <= 2;
    const qint64 era = (y >= 0 ? y : y - 399) / 400;
    const int yoe = int(y - era * 400);
    const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

bool containsFolded(QByteArrayView text, QByteArrayView word)
{
    if (text.size() < word.size())
        return false;
    const qsizetype last = text.size() - word.size();
    for (qsizetype i = 0; i <= last; ++i) {
        if (lower(text[i]) != word[0])
            continue;
        qsizetype j = 1;
        while (j < word.size() && lower(text[i + j]) == word[j])
            ++j;
        if (j == word.size())
            return true;
    }
    return false;
}

} // namespace

bool LogLine::isRecord(QByteArrayView v)
{
    // "2026-11-23T20:05:01.123Z O   ": fixed positions, checked without allocating.
    if (v.size() < HeaderSize - 1)
        return false;
    if (!digits(v, 0, 4) || v[4] != '-' || !digits(v, 5, 2) || v[7] != '-' || !digits(v, 8, 2)
        || v[10] != 'T' || !digits(v, 11, 2) || v[13] != ':' || !digits(v, 14, 2) || v[16] != ':'
        || !digits(v, 17, 2) || v[19] != '.' || !digits(v, 20, 3) || v[23] != 'Z' || v[24] != ' '
        || v[26] != ' ')
        return false;
    const char s = v[25];
    const char f = v[27];
    if (s != 'O' && s != 'E')
        return false;
    if (f != ' ' && f != '+' && f != '!')
        return false;
    // A record with empty text may have lost its trailing space to an editor; accept both.
    return v.size() == HeaderSize - 1 || v[28] == ' ';
}

LogStream LogLine::streamOf(QByteArrayView v)
{
    if (!isRecord(v))
        return LogStream::Raw;
    if (v[27] == '!')
        return LogStream::Note;
    return v[25] == 'E' ? LogStream::Err : LogStream::Out;
}

LogLine LogLine::parse(QByteArrayView v, qint64 offset, qint64 next)
{
    LogLine line;
    line.offset = offset;
    line.next = next;
    if (!v.isEmpty() && v.back() == '\r')
        v.chop(1); // a CRLF file opened by hand: the \r is not part of the text
    line.stream = streamOf(v);
    if (line.stream == LogStream::Raw) {
        line.text = QString::fromUtf8(v);
        return line;
    }
    line.partial = v[27] == '+';
    const qint64 days = daysFromCivil(number(v, 0, 4), number(v, 5, 2), number(v, 8, 2));
    line.timeMs = ((days * 24 + number(v, 11, 2)) * 60 + number(v, 14, 2)) * 60000
        + number(v, 17, 2) * 1000 + number(v, 20, 3);
    line.text = v.size() > HeaderSize ? QString::fromUtf8(v.sliced(HeaderSize)) : QString();
    return line;
}

const QList<QByteArrayView> &LogRules::errorWords()
{
    static const QList<QByteArrayView> words { "error", "exception", "traceback", "fatal",
                                               "panic", "failed",    "failure" };
    return words;
}

bool LogRules::isErrorLike(QByteArrayView line)
{
    const LogStream stream = LogLine::streamOf(line);
    if (stream == LogStream::Note)
        return true;
    if (stream == LogStream::Out)
        return false;
    const QByteArrayView text
        = stream == LogStream::Raw ? line : line.sliced(std::min<qsizetype>(line.size(), 29));
    const auto &words = errorWords();
    return std::any_of(words.begin(), words.end(),
                       [&](QByteArrayView w) { return containsFolded(text, w); });
}

} // namespace Baton
