#include "logworker.h"

#include "logmirror.h"
#include "util/error.h"

#include <QFile>
#include <QTimer>
#include <algorithm>
#include <utility>

namespace Baton {

LogWorker::LogWorker(QObject *parent)
    : QObject(parent)
{
    static const bool registered = [] {
        qRegisterMetaType<Baton::LogWindow>();
        qRegisterMetaType<Baton::LogIndexProgress>();
        qRegisterMetaType<Baton::LogFindResult>();
        return true;
    }();
    Q_UNUSED(registered);
}

LogWorker::~LogWorker()
{
    delete m_save.out;
}

void LogWorker::open(const QString &path)
{
    openMirrored(path, nullptr);
}

void LogWorker::openMirrored(const QString &path, const std::shared_ptr<LogMirror> &mirror)
{
    close();
    m_path = path;
    m_mirror = mirror;
    m_file = mirror ? QString() : path; // a cache is known after the first fetch
    QString error;
    if ((!m_mirror || pullMirror(&error)) && m_reader.open(m_file, &error))
        m_size = m_reader.size();
    Q_EMIT opened(path, m_size, error);
    if (!m_watch) {
        m_watch = new QTimer(this); // created here: on the worker's thread
        connect(m_watch, &QTimer::timeout, this, &LogWorker::watch);
    }
    // Watched even when missing: a running attempt's log appears with its first output.
    if (m_watchInterval > 0)
        m_watch->start(m_watchInterval);
    if (m_reader.isOpen())
        schedule();
}

void LogWorker::close()
{
    if (m_save.active)
        finishSave(QStringLiteral("the log was closed before it was saved"));
    m_reader.close();
    m_path.clear();
    m_file.clear();
    m_mirror.reset();
    m_mirrorError.clear();
    m_index.clear();
    m_size = 0;
    m_indexDone = false;
    m_search = {};
    m_errors = {};
    if (m_watch)
        m_watch->stop();
}

void LogWorker::setWatchInterval(int milliseconds)
{
    m_watchInterval = milliseconds;
    if (!m_watch)
        return;
    if (milliseconds > 0 && !m_path.isEmpty())
        m_watch->start(milliseconds);
    else
        m_watch->stop();
}

qint64 LogWorker::lineNumberOf(qint64 offset)
{
    if (offset > m_index.indexedBytes())
        return -1;
    const LogIndex::Checkpoint cp = m_index.checkpointAtOrBefore(offset);
    return cp.line + m_reader.countLines(cp.offset, offset);
}

void LogWorker::requestWindow(quint64 request, qint64 offset, int before, int after)
{
    LogWindow w;
    w.request = request;
    w.fileSize = m_reader.size();
    const qint64 anchor = m_reader.lineStart(offset);
    w.anchor = anchor;
    if (before > 0)
        w.lines = m_reader.linesBefore(anchor, before);
    if (after > 0)
        w.lines += m_reader.linesFrom(anchor, after);
    w.atStart = w.lines.isEmpty() || w.lines.first().offset == 0;
    w.atEnd = w.lines.isEmpty() || w.lines.last().next >= w.fileSize;
    if (!w.lines.isEmpty())
        w.firstLineNumber = lineNumberOf(w.lines.first().offset);
    Q_EMIT windowReady(w);
}

void LogWorker::requestTail(quint64 request, int count)
{
    LogWindow w;
    w.request = request;
    w.fileSize = m_reader.size();
    w.lines = m_reader.linesBefore(w.fileSize, count);
    w.atStart = w.lines.isEmpty() || w.lines.first().offset == 0;
    w.atEnd = true;
    if (!w.lines.isEmpty())
        w.firstLineNumber = lineNumberOf(w.lines.first().offset);
    Q_EMIT windowReady(w);
}

void LogWorker::find(quint64 request, const QString &needle, bool caseSensitive, qint64 from,
                     bool forward, bool wrap)
{
    m_search = {};
    m_search.request = request;
    m_search.needle = needle;
    m_search.cs = caseSensitive ? Qt::CaseSensitive : Qt::CaseInsensitive;
    m_search.forward = forward;
    m_search.wrap = wrap;
    m_search.start = m_search.pos = std::clamp<qint64>(from, 0, m_reader.size());
    m_search.active = !needle.isEmpty() && m_reader.isOpen();
    if (!m_search.active) {
        Q_EMIT found({ request, {}, false, false });
        return;
    }
    schedule();
}

void LogWorker::cancelFind()
{
    m_search.active = false;
}

void LogWorker::findFirstError(quint64 request)
{
    if (!m_reader.isOpen()) {
        Q_EMIT found({ request, {}, false, true });
        return;
    }
    if (m_errors.found >= 0) {
        Q_EMIT found({ request, { m_errors.found, 0, 0 }, false, true });
        return;
    }
    m_errors.requests << request;
    m_errors.active = true;
    schedule();
}

void LogWorker::save(quint64 request, const QString &target, bool textOnly)
{
    if (m_save.active) {
        Q_EMIT saved(request, target, QStringLiteral("a save is already in progress"));
        return;
    }
    if (!m_reader.isOpen()) {
        Q_EMIT saved(request, target, QStringLiteral("no log is open"));
        return;
    }
    auto *out = new QFile(target);
    if (!out->open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        const QString error = QStringLiteral("%1: %2").arg(target, out->errorString());
        delete out;
        Q_EMIT saved(request, target, error);
        return;
    }
    m_save = {};
    m_save.request = request;
    m_save.target = target;
    m_save.textOnly = textOnly;
    m_save.out = out;
    m_save.active = true;
    schedule();
}

void LogWorker::schedule()
{
    if (m_pumpQueued)
        return;
    m_pumpQueued = true;
    // Queued: requests that arrived meanwhile (windows, a new search) are handled first.
    QMetaObject::invokeMethod(this, &LogWorker::pump, Qt::QueuedConnection);
}

void LogWorker::pump()
{
    m_pumpQueued = false;
    if (!m_reader.isOpen())
        return;
    if (m_search.active)
        searchSlice();
    if (m_errors.active)
        errorSlice();
    if (m_save.active)
        saveSlice();
    if (!m_indexDone)
        indexSlice();
    if (m_search.active || m_errors.active || m_save.active || !m_indexDone)
        schedule();
}

void LogWorker::indexSlice()
{
    const qint64 end = std::min(m_size, m_index.indexedBytes() + SliceBytes);
    while (m_index.indexedBytes() < end) {
        const QByteArray bytes = m_reader.readAt(
            m_index.indexedBytes(), std::min(LogReader::ChunkSize, end - m_index.indexedBytes()));
        if (bytes.isEmpty())
            break;
        m_index.feed(bytes.constData(), bytes.size());
    }
    m_indexDone = m_index.indexedBytes() >= m_size;
    Q_EMIT indexProgress({ m_index.indexedBytes(), m_index.lineCount(), m_size, m_indexDone });
}

void LogWorker::searchSlice()
{
    Search &s = m_search;
    qint64 resume = -1;
    const qint64 limit = s.forward ? s.pos + SliceBytes : s.pos - SliceBytes;
    const LogReader::Match m = m_reader.find(s.needle, s.cs, s.pos, limit, s.forward, &resume);
    if (m.isValid()) {
        s.active = false;
        Q_EMIT found({ s.request, m, s.wrapped, false });
        return;
    }
    if (resume < 0) {
        if (s.wrap && !s.wrapped) {
            s.wrapped = true;
            s.pos = s.forward ? 0 : m_reader.size();
            return;
        }
        s.active = false;
        Q_EMIT found({ s.request, {}, s.wrapped, false });
        return;
    }
    s.pos = resume;
    // A wrapped search ends where it began: everything has been looked at once.
    if (s.wrapped && (s.forward ? s.pos >= s.start : s.pos <= s.start)) {
        s.active = false;
        Q_EMIT found({ s.request, {}, true, false });
    }
}

void LogWorker::errorSlice()
{
    qint64 resume = -1;
    const qint64 hit = m_reader.findErrorLike(m_errors.pos, m_errors.pos + SliceBytes,
                                              &m_errors.firstStderr, &resume);
    if (hit >= 0) {
        m_errors.found = hit;
        answerErrorScan(hit);
        return;
    }
    if (resume < 0) {
        // The whole log was read: the first stderr line stands in (LogRules). A log that grows
        // is scanned on from here next time.
        m_errors.pos = m_reader.size();
        answerErrorScan(m_errors.firstStderr);
        return;
    }
    m_errors.pos = resume;
}

void LogWorker::answerErrorScan(qint64 offset)
{
    m_errors.active = false;
    const QList<quint64> requests = std::exchange(m_errors.requests, {});
    for (quint64 request : requests) {
        LogFindResult r;
        r.request = request;
        r.errorScan = true;
        if (offset >= 0)
            r.match = { offset, 0, 0 };
        Q_EMIT found(r);
    }
}

void LogWorker::saveSlice()
{
    const qint64 end = std::min(m_size, m_save.pos + SliceBytes);
    while (m_save.pos < end) {
        const QByteArray block = m_reader.forwardBlock(m_save.pos, LogReader::ChunkSize);
        if (block.isEmpty())
            break;
        m_save.pos += block.size();
        if (!m_save.textOnly) {
            if (m_save.out->write(block) != block.size())
                return finishSave(m_save.out->errorString());
            continue;
        }
        QByteArray text;
        text.reserve(block.size());
        qsizetype begin = 0;
        while (begin < block.size()) {
            qsizetype nl = block.indexOf('\n', begin);
            const qsizetype end = nl < 0 ? block.size() : nl;
            const QByteArrayView line = QByteArrayView(block).sliced(begin, end - begin);
            text += LogLine::isRecord(line) && line.size() > LogLine::HeaderSize
                ? line.sliced(LogLine::HeaderSize)
                : (LogLine::isRecord(line) ? QByteArrayView() : line);
            text += '\n';
            begin = end + 1;
        }
        if (m_save.out->write(text) != text.size())
            return finishSave(m_save.out->errorString());
    }
    if (m_save.pos >= m_size)
        finishSave({});
}

void LogWorker::finishSave(const QString &error)
{
    QString message = error;
    if (m_save.out && !m_save.out->flush() && message.isEmpty())
        message = m_save.out->errorString();
    delete m_save.out;
    const Save done = std::exchange(m_save, {});
    Q_EMIT saved(done.request, done.target,
                 message.isEmpty() ? QString()
                                   : QStringLiteral("%1: %2").arg(done.target, message));
}

void LogWorker::setEndProbe(const std::function<bool()> &ended)
{
    m_endProbe = ended;
}

bool LogWorker::pullMirror(QString *error)
{
    try {
        m_mirror->fetch();
    } catch (const Error &e) {
        m_mirrorError = *error = e.message();
        return false;
    }
    m_file = m_mirror->cachePath(); // known once the attempt was found
    m_mirrorError.clear();
    return true;
}

void LogWorker::watch()
{
    if (m_mirror) {
        const bool failing = !m_mirrorError.isEmpty();
        QString error;
        if (!pullMirror(&error)) {
            Q_EMIT opened(m_path, m_size, error); // shown, and tried again at the next look
            return;
        }
        if (failing && m_reader.isOpen())
            Q_EMIT opened(m_path, m_size, QString()); // readable again
    }
    checkGrowth();
    // After the last look for growth: what was written before the end is read by then.
    if (m_endProbe && m_endProbe()) {
        m_endProbe = {};
        checkGrowth();
        Q_EMIT attemptEnded(m_path);
    }
}

void LogWorker::checkGrowth()
{
    if (!m_reader.isOpen()) {
        if (m_path.isEmpty() || !m_reader.open(m_file))
            return;
        m_size = m_reader.size();
        Q_EMIT opened(m_path, m_size, QString());
        schedule();
        return;
    }
    // Missing so far (empty): the attempt's first record creates it, and it reads as growth.
    if (!m_reader.exists()) {
        QString error;
        if (!m_reader.open(m_file, &error)) {
            Q_EMIT opened(m_path, 0, error); // there now, but unreadable: retried as above
            return;
        }
        if (!m_reader.exists())
            return;
    }
    const qint64 size = m_reader.size();
    if (size == m_size)
        return;
    if (size < m_size) {
        // Replaced or truncated by hand: what was indexed no longer holds.
        m_index.clear();
        m_errors = {};
    }
    m_size = size;
    m_indexDone = false;
    Q_EMIT sizeChanged(size);
    schedule();
}

} // namespace Baton
