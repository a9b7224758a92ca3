#include "logreader.h"

#include <QByteArrayMatcher>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace Baton {

namespace {

void asciiLower(QByteArray &bytes)
{
    char *p = bytes.data();
    for (qsizetype i = 0, n = bytes.size(); i < n; ++i) {
        if (p[i] >= 'A' && p[i] <= 'Z')
            p[i] = char(p[i] - 'A' + 'a');
    }
}

/// Calls @p visit(lineBegin, lineEnd, next) for each line of @p block (positions in block); a
/// last segment without a newline is a line too. Stops when visit returns false.
template<typename Visit>
void forEachLine(const QByteArray &block, Visit visit)
{
    const char *data = block.constData();
    qsizetype begin = 0;
    const qsizetype size = block.size();
    while (begin < size) {
        const auto *nl
            = static_cast<const char *>(memchr(data + begin, '\n', size_t(size - begin)));
        const qsizetype end = nl ? nl - data : size;
        const qsizetype next = nl ? end + 1 : size;
        if (!visit(begin, end, next))
            return;
        begin = next;
    }
}

} // namespace

bool LogReader::open(const QString &path, QString *error)
{
    close();
    m_path = path;
    // open(2) itself rather than QFile's: its errno tells a missing file (an empty log) from one
    // that cannot be read.
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        const int code = errno;
        if (code == ENOENT) {
            m_open = true;
            return true;
        }
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, QString::fromLocal8Bit(strerror(code)));
        return false;
    }
    struct stat st;
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) { // open(2) takes a directory, read(2) not
        ::close(fd);
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, QString::fromLocal8Bit(strerror(EISDIR)));
        return false;
    }
    // Unbuffered: every read is a pread of what is asked, nothing is kept between calls.
    if (!m_file.open(fd, QIODevice::ReadOnly | QIODevice::Unbuffered,
                     QFileDevice::AutoCloseHandle)) {
        ::close(fd);
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, m_file.errorString());
        return false;
    }
    m_open = true;
    return true;
}

void LogReader::close()
{
    m_file.close();
    m_open = false;
}

qint64 LogReader::size() const
{
    return m_file.isOpen() ? m_file.size() : 0;
}

QByteArray LogReader::readAt(qint64 offset, qint64 size)
{
    if (!m_file.isOpen() || size <= 0 || !m_file.seek(offset))
        return {};
    QByteArray bytes(size, Qt::Uninitialized);
    const qint64 n = m_file.read(bytes.data(), size);
    bytes.resize(std::max<qint64>(0, n));
    return bytes;
}

QByteArray LogReader::forwardBlock(qint64 from, qint64 bytes)
{
    const qint64 total = size();
    if (from >= total)
        return {};
    QByteArray block = readAt(from, std::min(bytes, total - from));
    if (from + block.size() >= total)
        return block; // the end of the file: a last line without newline counts
    const qsizetype nl = block.lastIndexOf('\n');
    if (nl >= 0) {
        block.truncate(nl + 1);
        return block;
    }
    // One line longer than the block: read on until its end (or a piece of MaxLineBytes).
    while (block.size() < MaxLineBytes && from + block.size() < total) {
        const QByteArray more
            = readAt(from + block.size(), std::min(ChunkSize, MaxLineBytes - block.size()));
        if (more.isEmpty())
            break;
        const qsizetype at = more.indexOf('\n');
        if (at >= 0) {
            block.append(more.constData(), at + 1);
            return block;
        }
        block.append(more);
    }
    return block;
}

QByteArray LogReader::backwardBlock(qint64 end, qint64 bytes, qint64 *start)
{
    end = std::min(end, size());
    if (end <= 0) {
        *start = 0;
        return {};
    }
    qint64 begin = std::max<qint64>(0, end - bytes);
    QByteArray block = readAt(begin, end - begin);
    if (begin == 0) {
        *start = 0;
        return block;
    }
    // The block starts mid-line: drop up to the first newline that is not the block's last
    // byte (that one ends the last line).
    const qsizetype nl = QByteArrayView(block).first(block.size() - 1).indexOf('\n');
    if (nl >= 0) {
        *start = begin + nl + 1;
        return block.mid(nl + 1);
    }
    // One line longer than the block: read back to its start (or a piece of MaxLineBytes).
    while (begin > 0 && block.size() < MaxLineBytes) {
        const qint64 from = std::max<qint64>(0, begin - ChunkSize);
        const QByteArray more = readAt(from, begin - from);
        const qsizetype at = more.lastIndexOf('\n');
        if (at >= 0) {
            block.prepend(more.constData() + at + 1, more.size() - at - 1);
            *start = from + at + 1;
            return block;
        }
        block.prepend(more);
        begin = from;
    }
    *start = begin;
    return block;
}

QList<LogLine> LogReader::linesFrom(qint64 offset, int maxLines)
{
    QList<LogLine> lines;
    qint64 pos = std::max<qint64>(0, offset);
    // Records are short: ask for about what the lines need, not a whole chunk each time.
    const qint64 want = std::clamp<qint64>(qint64(maxLines) * 160, 4096, ChunkSize);
    while (lines.size() < maxLines) {
        const QByteArray block = forwardBlock(pos, want);
        if (block.isEmpty())
            break;
        forEachLine(block, [&](qsizetype begin, qsizetype end, qsizetype next) {
            lines << LogLine::parse(QByteArrayView(block).sliced(begin, end - begin), pos + begin,
                                    pos + next);
            return lines.size() < maxLines;
        });
        pos += block.size();
    }
    return lines;
}

QList<LogLine> LogReader::linesBefore(qint64 end, int maxLines)
{
    QList<LogLine> lines; // newest first while collecting
    qint64 pos = std::min(end, size());
    const qint64 want = std::clamp<qint64>(qint64(maxLines) * 160, 4096, ChunkSize);
    while (lines.size() < maxLines && pos > 0) {
        qint64 start = 0;
        const QByteArray block = backwardBlock(pos, want, &start);
        if (block.isEmpty())
            break;
        QList<LogLine> part;
        forEachLine(block, [&](qsizetype begin, qsizetype e, qsizetype next) {
            part << LogLine::parse(QByteArrayView(block).sliced(begin, e - begin), start + begin,
                                   start + next);
            return true;
        });
        for (qsizetype i = part.size() - 1; i >= 0 && lines.size() < maxLines; --i)
            lines << part.at(i);
        pos = start;
    }
    std::reverse(lines.begin(), lines.end());
    return lines;
}

qint64 LogReader::lineStart(qint64 offset)
{
    offset = std::clamp<qint64>(offset, 0, size());
    qint64 pos = offset;
    while (pos > 0 && offset - pos < MaxLineBytes) {
        const qint64 from = std::max<qint64>(0, pos - 4096);
        const QByteArray bytes = readAt(from, pos - from);
        const qsizetype nl = bytes.lastIndexOf('\n');
        if (nl >= 0)
            return from + nl + 1;
        pos = from;
    }
    return pos;
}

qint64 LogReader::countLines(qint64 from, qint64 to)
{
    qint64 count = 0;
    for (qint64 pos = std::max<qint64>(0, from); pos < to;) {
        const QByteArray bytes = readAt(pos, std::min(ChunkSize, to - pos));
        if (bytes.isEmpty())
            break;
        count += bytes.count('\n');
        pos += bytes.size();
    }
    return count;
}

LogReader::Match LogReader::find(const QString &needle, Qt::CaseSensitivity cs, qint64 from,
                                 qint64 limit, bool forward, qint64 *resume)
{
    *resume = -1;
    QByteArray pattern = needle.toUtf8();
    if (pattern.isEmpty())
        return {};
    const bool fold = cs == Qt::CaseInsensitive;
    if (fold)
        asciiLower(pattern);
    const QByteArrayMatcher matcher(pattern);

    // Checks a hit at @p h in @p block: inside one line's text, not its header.
    const auto accept
        = [&](const QByteArray &block, qint64 blockStart, qsizetype h, Match *match) -> qsizetype {
        const qsizetype ls = h == 0 ? 0 : block.lastIndexOf('\n', h - 1) + 1;
        qsizetype le = block.indexOf('\n', h);
        if (le < 0)
            le = block.size();
        const QByteArrayView line = QByteArrayView(block).sliced(ls, le - ls);
        const qsizetype textStart = LogLine::isRecord(line) ? LogLine::HeaderSize : 0;
        if (h - ls < textStart || h + pattern.size() > le)
            return -1;
        match->lineOffset = blockStart + ls;
        match->column
            = int(QString::fromUtf8(block.constData() + ls + textStart, h - ls - textStart).size());
        match->length = int(QString::fromUtf8(block.constData() + h, pattern.size()).size());
        return h;
    };

    const qint64 total = size();
    if (forward) {
        qint64 pos = std::max<qint64>(0, from);
        while (pos < total) {
            const QByteArray block = forwardBlock(pos, ChunkSize);
            if (block.isEmpty())
                break;
            QByteArray hay = block;
            if (fold)
                asciiLower(hay);
            for (qsizetype h = matcher.indexIn(hay, 0); h >= 0; h = matcher.indexIn(hay, h + 1)) {
                Match m;
                if (accept(block, pos, h, &m) >= 0) {
                    *resume = pos + block.size() < total ? pos + block.size() : -1;
                    return m;
                }
            }
            pos += block.size();
            if (pos >= limit)
                break;
        }
        *resume = pos < total ? pos : -1;
        return {};
    }

    qint64 pos = std::min(from, total);
    while (pos > 0) {
        qint64 start = 0;
        const QByteArray block = backwardBlock(pos, ChunkSize, &start);
        if (block.isEmpty())
            break;
        QByteArray hay = block;
        if (fold)
            asciiLower(hay);
        for (qsizetype h = hay.lastIndexOf(pattern); h >= 0;
             h = h == 0 ? -1 : hay.lastIndexOf(pattern, h - 1)) {
            Match m;
            if (accept(block, start, h, &m) >= 0) {
                *resume = start > 0 ? start : -1;
                return m;
            }
        }
        pos = start;
        if (pos <= limit)
            break;
    }
    *resume = pos > 0 ? pos : -1;
    return {};
}

qint64 LogReader::findErrorLike(qint64 from, qint64 limit, qint64 *firstStderr, qint64 *resume)
{
    const qint64 total = size();
    qint64 pos = std::max<qint64>(0, from);
    qint64 found = -1;
    while (pos < total && found < 0) {
        const QByteArray block = forwardBlock(pos, ChunkSize);
        if (block.isEmpty())
            break;
        forEachLine(block, [&](qsizetype begin, qsizetype end, qsizetype) {
            const QByteArrayView line = QByteArrayView(block).sliced(begin, end - begin);
            if (*firstStderr < 0) {
                const LogStream s = LogLine::streamOf(line);
                if (s == LogStream::Err || s == LogStream::Note)
                    *firstStderr = pos + begin;
            }
            if (LogRules::isErrorLike(line)) {
                found = pos + begin;
                return false;
            }
            return true;
        });
        if (found >= 0)
            break;
        pos += block.size();
        if (pos >= limit)
            break;
    }
    *resume = found < 0 && pos < total ? pos : -1;
    return found;
}

} // namespace Baton
