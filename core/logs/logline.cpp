#include "logline.h"

#include "protocol/logrecord.h"

#include <algorithm>
#include <cstring>

namespace Baton {

namespace {

namespace Wire = Protocol::LogRecord;

// A record by the protocol's rule (the one the supervisor writes by): its header decides. The
// text's length is the writer's promise, not the reader's check: a longer line (another writer's)
// is still shown as the record it is. One leniency of a reader: an empty record whose trailing
// space an editor trimmed is read as that record.
bool parseRecord(QByteArrayView v, Wire::Record *record)
{
    if (v.size() < qsizetype(Wire::HeaderSize) - 1)
        return false;
    char header[Wire::HeaderSize];
    const size_t have = std::min(size_t(v.size()), Wire::HeaderSize);
    std::memcpy(header, v.data(), have);
    header[Wire::HeaderSize - 1] = have == Wire::HeaderSize ? header[Wire::HeaderSize - 1] : ' ';
    if (!Wire::parse(std::string_view(header, sizeof header), record))
        return false;
    record->text = std::string_view(v.data() + have, size_t(v.size()) - have);
    return true;
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
    Wire::Record record;
    return parseRecord(v, &record);
}

LogStream LogLine::streamOf(QByteArrayView v)
{
    Wire::Record record;
    if (!parseRecord(v, &record))
        return LogStream::Raw;
    if (record.flag == Wire::Flag::Note)
        return LogStream::Note;
    return record.stream == Wire::Stream::Err ? LogStream::Err : LogStream::Out;
}

LogLine LogLine::parse(QByteArrayView v, qint64 offset, qint64 next)
{
    LogLine line;
    line.offset = offset;
    line.next = next;
    if (!v.isEmpty() && v.back() == '\r')
        v.chop(1); // a CRLF file opened by hand: the \r is not part of the text
    Wire::Record record;
    if (!parseRecord(v, &record)) {
        line.text = QString::fromUtf8(v);
        return line;
    }
    line.stream = record.flag == Wire::Flag::Note ? LogStream::Note
        : record.stream == Wire::Stream::Err      ? LogStream::Err
                                                  : LogStream::Out;
    line.partial = record.flag == Wire::Flag::Partial;
    line.timeMs = record.timeMs;
    line.text = record.text.empty()
        ? QString()
        : QString::fromUtf8(record.text.data(), qsizetype(record.text.size()));
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
    const QByteArrayView text = stream == LogStream::Raw
        ? line
        : line.sliced(std::min<qsizetype>(line.size(), LogLine::HeaderSize));
    const auto &words = errorWords();
    return std::any_of(words.begin(), words.end(),
                       [&](QByteArrayView w) { return containsFolded(text, w); });
}

} // namespace Baton
