#include "logview.h"

#include "executors/localexecutor.h"
#include "logs/logchunks.h"
#include "logs/logmirror.h"
#include "widgets/theme.h"

#include <QApplication>
#include <QClipboard>
#include <QDateTime>
#include <QFontDatabase>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QThread>
#include <QToolTip>
#include <QWheelEvent>
#include <algorithm>

namespace Baton::Ui {

namespace {

// Positions of the vertical scroll bar over a file too large to scroll by lines.
constexpr int kByteScrollRange = 1000000;

QString timeText(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm:ss.zzz"))
                  : QString();
}

} // namespace

LogView::LogView(QWidget *parent)
    : QAbstractScrollArea(parent)
    , m_thread(new QThread(this))
    , m_worker(new LogWorker)
{
    setObjectName(QStringLiteral("logView"));
    setAccessibleName(tr("Log"));
    setFocusPolicy(Qt::StrongFocus);
    setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    viewport()->setCursor(Qt::IBeamCursor);
    viewport()->setAutoFillBackground(false);
    m_progress.done = true;

    // The worker/controller pattern: all file access on the worker's thread, answers queued.
    m_thread->setObjectName(QStringLiteral("baton-log"));
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &LogWorker::windowReady, this, &LogView::onWindow);
    connect(m_worker, &LogWorker::found, this, &LogView::onFound);
    connect(m_worker, &LogWorker::sizeChanged, this, &LogView::onSizeChanged);
    connect(m_worker, &LogWorker::attemptEnded, this, [this](const QString &path) {
        if (path == m_path)
            setLive(false);
    });
    connect(m_worker, &LogWorker::indexProgress, this, &LogView::onProgress);
    connect(m_worker, &LogWorker::opened, this,
            [this](const QString &path, qint64 size, const QString &error) {
                if (path != m_path)
                    return;
                const bool appeared = !m_openError.isEmpty() && error.isEmpty();
                m_openError = error;
                m_fileSize = size;
                if (appeared && m_pending == 0)
                    requestTail(); // the log exists now (a starting attempt)
                viewport()->update();
                Q_EMIT opened(path, error);
                Q_EMIT statusChanged();
            });
    connect(m_worker, &LogWorker::saved, this,
            [this](quint64, const QString &target, const QString &error) {
                Q_EMIT saved(target, error);
            });
    m_thread->start();

    connect(verticalScrollBar(), &QScrollBar::actionTriggered, this,
            [this](int action) { m_scrollAction = action; });
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, &LogView::onScrollValue);
    connect(horizontalScrollBar(), &QScrollBar::valueChanged, viewport(),
            qOverload<>(&QWidget::update));
}

LogView::~LogView()
{
    m_thread->quit();
    m_thread->wait();
}

void LogView::openFile(const QString &path, bool follow)
{
    m_path = path;
    m_openError.clear();
    m_lines.clear();
    m_firstLineNumber = -1;
    m_top = 0;
    m_fileSize = 0;
    m_atStart = m_atEnd = true;
    m_match = {};
    m_errorLine = -1;
    m_selAnchor = m_selEnd = -1;
    m_progress = {};
    m_progress.done = path.isEmpty();
    m_longestLine = 0;
    m_pending = 0;
    if (path.isEmpty()) {
        m_mirror.reset();
        QMetaObject::invokeMethod(m_worker, &LogWorker::close, Qt::QueuedConnection);
    } else {
        // A team workspace's log comes from its database: the engine may be on another machine.
        m_mirror = m_store && LogChunks::travelThroughDatabase(*m_store)
            ? std::make_shared<LogMirror>(*m_store, path)
            : nullptr;
        QMetaObject::invokeMethod(
            m_worker, [w = m_worker, path, mirror = m_mirror] { w->openMirrored(path, mirror); },
            Qt::QueuedConnection);
        requestTail();
    }
    updateEndProbe();
    if (m_follow != follow) {
        m_follow = follow;
        Q_EMIT followingChanged(follow);
    }
    syncScrollBars();
    viewport()->update();
    Q_EMIT statusChanged();
}

void LogView::setLive(bool live)
{
    if (live == m_live)
        return;
    m_live = live;
    updateEndProbe();
    viewport()->update();
    Q_EMIT liveChanged(live);
    Q_EMIT statusChanged();
}

void LogView::updateEndProbe()
{
    std::function<bool()> probe;
    if (m_live && m_mirror)
        probe = [mirror = m_mirror] {
            return mirror->complete();
        }; // shipped whole
    else if (m_live && !m_path.isEmpty())
        probe = [path = m_path] {
            return LocalExecutor::attemptOver(path);
        };
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, probe] { w->setEndProbe(probe); }, Qt::QueuedConnection);
}

QString LogView::placeholderText() const
{
    if (!m_openError.isEmpty())
        return tr("Cannot read the log (it is tried again every moment)\n\n%1").arg(m_openError);
    if (m_path.isEmpty())
        return tr("No log to show");
    if (m_pending != 0)
        return tr("Reading…");
    // An empty log, or none at all: the attempt wrote nothing (no file is created for that).
    return m_live ? tr("No output yet") : tr("No output\n\nThe attempt wrote nothing to its log.");
}

void LogView::setFollowing(bool follow)
{
    if (follow) {
        scrollToEnd();
        return;
    }
    if (m_follow) {
        m_follow = false;
        Q_EMIT followingChanged(false);
    }
}

int LogView::lineHeight() const
{
    return std::max(1, fontMetrics().lineSpacing());
}

int LogView::pageLines() const
{
    return std::max(1, viewport()->height() / lineHeight());
}

int LogView::maxTop() const
{
    // At the end of the file the last line sits at the bottom; elsewhere the window goes on.
    return std::max(0, int(m_lines.size()) - (m_atEnd ? pageLines() : 1));
}

QList<LogLine> LogView::visibleLines() const
{
    return m_lines.mid(m_top, pageLines());
}

qint64 LogView::topLineNumber() const
{
    return m_firstLineNumber >= 0 ? m_firstLineNumber + m_top + 1 : 0;
}

void LogView::requestTail()
{
    if (m_path.isEmpty())
        return;
    m_pending = ++m_requests;
    m_wantOffset = -1;
    const int count = pageLines() + Margin;
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, id = m_pending, count] { w->requestTail(id, count); },
        Qt::QueuedConnection);
}

void LogView::requestAt(qint64 offset, int above)
{
    if (m_path.isEmpty())
        return;
    m_pending = ++m_requests;
    m_wantOffset = offset;
    m_wantAbove = above;
    const int before = Margin + above;
    const int after = pageLines() + Margin;
    QMetaObject::invokeMethod(
        m_worker,
        [w = m_worker, id = m_pending, offset, before, after] {
            w->requestWindow(id, offset, before, after);
        },
        Qt::QueuedConnection);
}

void LogView::onWindow(const Baton::LogWindow &window)
{
    if (window.request != m_pending)
        return; // superseded by a later request
    m_pending = 0;
    m_lines = window.lines;
    m_firstLineNumber = window.firstLineNumber;
    m_atStart = window.atStart;
    m_atEnd = window.atEnd;
    m_fileSize = std::max(m_fileSize, window.fileSize);
    m_longestLine = 0;
    for (const LogLine &l : std::as_const(m_lines))
        m_longestLine = std::max<int>(m_longestLine, int(l.text.size()));
    if (window.anchor < 0 || m_wantOffset < 0) {
        m_top = maxTop(); // a tail: the last line at the bottom
    } else {
        int index = 0;
        while (index < m_lines.size() && m_lines.at(index).next <= window.anchor)
            ++index;
        m_top = std::clamp(index - m_wantAbove, 0, maxTop());
    }
    syncScrollBars();
    viewport()->update();
    Q_EMIT windowApplied();
    Q_EMIT statusChanged();
}

void LogView::onSizeChanged(qint64 size)
{
    const bool grew = size > m_fileSize;
    m_fileSize = size;
    if (grew)
        m_atEnd = false;
    if (m_follow && m_pending == 0)
        requestTail(); // one batch per growth report (the worker reports every 250 ms)
    syncScrollBars();
    Q_EMIT statusChanged();
}

void LogView::onProgress(const Baton::LogIndexProgress &progress)
{
    const bool numbersArrived = progress.done && !m_progress.done && m_firstLineNumber < 0;
    m_progress = progress;
    // Line numbers of what is on screen come with the next window once the index reaches it.
    if (numbersArrived && !m_lines.isEmpty() && m_pending == 0) {
        if (m_follow)
            requestTail();
        else
            requestAt(m_lines.at(m_top).offset, 0);
    }
    Q_EMIT statusChanged();
}

void LogView::setTop(int index)
{
    const int top = std::clamp(index, 0, maxTop());
    const bool changed = top != m_top;
    m_top = top;
    // Close to the edge of the window: read a new one around the top line.
    const bool nearStart = !m_atStart && m_top < Margin / 4;
    const bool nearEnd = !m_atEnd && m_top + pageLines() > m_lines.size() - Margin / 4;
    if ((nearStart || nearEnd) && m_pending == 0 && !m_lines.isEmpty())
        requestAt(m_lines.at(m_top).offset, 0);
    if (changed) {
        syncScrollBars();
        viewport()->update();
        Q_EMIT statusChanged();
    }
}

void LogView::scrollLines(int lines)
{
    if (lines < 0)
        setFollowing(false);
    if (m_lines.isEmpty())
        return;
    setTop(m_top + lines);
    // Scrolling down to the very end resumes following, as in a terminal.
    if (lines > 0 && m_atEnd && m_top >= maxTop() && !m_follow) {
        m_follow = true;
        Q_EMIT followingChanged(true);
    }
}

void LogView::scrollToStart()
{
    setFollowing(false);
    requestAt(0, 0);
}

void LogView::scrollToEnd()
{
    if (!m_follow) {
        m_follow = true;
        Q_EMIT followingChanged(true);
    }
    requestTail();
}

void LogView::syncScrollBars()
{
    m_syncing = true;
    QScrollBar *v = verticalScrollBar();
    if (m_atStart && m_atEnd) {
        // The whole file is in the window: scroll by lines.
        v->setRange(0, maxTop());
        v->setPageStep(pageLines());
        v->setSingleStep(1);
        v->setValue(m_top);
    } else if (m_fileSize > 0 && !m_lines.isEmpty()) {
        const qint64 top = m_lines.at(std::min<int>(m_top, int(m_lines.size()) - 1)).offset;
        const qint64 shown
            = m_lines.at(std::min<int>(m_top + pageLines(), int(m_lines.size())) - 1).next - top;
        v->setRange(0, kByteScrollRange);
        v->setPageStep(int(
            std::clamp<qint64>(shown * kByteScrollRange / m_fileSize, 1, kByteScrollRange / 2)));
        v->setSingleStep(1);
        const bool bottom = m_atEnd && m_top >= maxTop();
        v->setValue(bottom ? kByteScrollRange : int(top * kByteScrollRange / m_fileSize));
    } else {
        v->setRange(0, 0);
    }
    const int charWidth = fontMetrics().horizontalAdvance(QLatin1Char('M'));
    QScrollBar *h = horizontalScrollBar();
    h->setRange(
        0,
        std::max(0,
                 gutterWidth() + m_longestLine * charWidth + 2 * charWidth - viewport()->width()));
    h->setPageStep(viewport()->width());
    h->setSingleStep(charWidth * 4);
    m_syncing = false;
}

void LogView::onScrollValue(int value)
{
    if (m_syncing)
        return;
    const int action = std::exchange(m_scrollAction, 0);
    if (action == QAbstractSlider::SliderSingleStepAdd
        || action == QAbstractSlider::SliderSingleStepSub) {
        scrollLines(action == QAbstractSlider::SliderSingleStepAdd ? 1 : -1);
        syncScrollBars();
        return;
    }
    if (action == QAbstractSlider::SliderPageStepAdd
        || action == QAbstractSlider::SliderPageStepSub) {
        scrollLines(action == QAbstractSlider::SliderPageStepAdd ? pageLines() : -pageLines());
        syncScrollBars();
        return;
    }
    QScrollBar *v = verticalScrollBar();
    if (m_atStart && m_atEnd) {
        scrollLines(value - m_top);
        return;
    }
    if (value >= v->maximum()) {
        scrollToEnd();
        return;
    }
    setFollowing(false);
    requestAt(qint64(double(value) / kByteScrollRange * double(m_fileSize)), 0);
}

int LogView::gutterWidth() const
{
    const QFontMetrics fm = fontMetrics();
    const qint64 lines
        = std::max<qint64>({ m_progress.lines, m_firstLineNumber + m_lines.size(), qint64(99999) });
    const int digits = int(QString::number(lines).size());
    return fm.horizontalAdvance(QLatin1Char('9')) * (digits + 1)
        + fm.horizontalAdvance(QStringLiteral("00:00:00.000"))
        + 3 * fm.horizontalAdvance(QLatin1Char(' ')) + 6;
}

void LogView::paintEvent(QPaintEvent *)
{
    QPainter p(viewport());
    const QPalette pal = palette();
    const QRect area = viewport()->rect();
    p.fillRect(area, pal.color(QPalette::Base));
    const int lh = lineHeight();
    const QFontMetrics fm = fontMetrics();
    const int gutter = gutterWidth();
    const int charWidth = fm.horizontalAdvance(QLatin1Char('M'));
    const QColor muted = Theme::mutedText(pal);
    const QColor errorColour = Theme::failure(pal);
    const QColor text = pal.color(QPalette::Text);
    const QColor hit = Theme::isDark(pal) ? QColor(120, 100, 20) : QColor(255, 230, 120);
    const QColor currentHit = Theme::isDark(pal) ? QColor(190, 140, 20) : QColor(255, 170, 40);

    p.fillRect(QRect(0, 0, gutter - 4, area.height()),
               Theme::mix(pal.color(QPalette::Base), text, 0.05));
    if (m_lines.isEmpty()) {
        p.setPen(muted);
        p.drawText(area.adjusted(gutter, 0, 0, 0), Qt::AlignCenter | Qt::TextWordWrap,
                   placeholderText());
        return;
    }

    const auto [selFrom, selTo] = selection();
    const int hscroll = horizontalScrollBar()->value();
    const int count = std::min<int>(pageLines() + 1, int(m_lines.size()) - m_top);
    QFont italic = font();
    italic.setItalic(true);
    for (int i = 0; i < count; ++i) {
        const LogLine &line = m_lines.at(m_top + i);
        const int y = i * lh;
        const QRect row(0, y, area.width(), lh);
        const bool selected = selFrom >= 0 && line.offset >= selFrom && line.offset <= selTo;
        if (selected)
            p.fillRect(row, pal.color(QPalette::Highlight));
        else if (line.offset == m_errorLine)
            p.fillRect(row, Theme::mix(pal.color(QPalette::Base), errorColour, 0.18));
        else if (line.offset == m_match.lineOffset)
            p.fillRect(row, Theme::mix(pal.color(QPalette::Base), currentHit, 0.25));

        // Gutter: line number, time, and a stripe for stderr.
        p.setFont(font());
        p.setPen(selected ? pal.color(QPalette::HighlightedText) : muted);
        int x = 4;
        const int numberWidth = gutter - 6 - fm.horizontalAdvance(QStringLiteral("00:00:00.000"))
            - 3 * fm.horizontalAdvance(QLatin1Char(' '));
        if (m_firstLineNumber >= 0) {
            p.drawText(QRect(x, y, numberWidth - 4, lh), Qt::AlignRight | Qt::AlignVCenter,
                       QString::number(m_firstLineNumber + m_top + i + 1));
        }
        x += numberWidth;
        p.drawText(QRect(x, y, gutter - x, lh), Qt::AlignLeft | Qt::AlignVCenter,
                   timeText(line.timeMs));
        if (line.isStderr())
            p.fillRect(QRect(gutter - 7, y, 3, lh),
                       line.stream == LogStream::Note ? muted : errorColour);

        // Text, scrolled horizontally, clipped to the right of the gutter.
        p.save();
        p.setClipRect(QRect(gutter, y, area.width() - gutter, lh));
        const int tx = gutter + charWidth / 2 - hscroll;
        if (!m_needle.isEmpty()) {
            for (qsizetype at = line.text.indexOf(m_needle, 0, m_cs); at >= 0;
                 at = line.text.indexOf(m_needle, at + m_needle.size(), m_cs)) {
                const int x0 = tx + fm.horizontalAdvance(line.text.left(at));
                const int w = fm.horizontalAdvance(line.text.mid(at, m_needle.size()));
                const bool current = line.offset == m_match.lineOffset && at == m_match.column;
                p.fillRect(QRect(x0, y + 1, w, lh - 2), current ? currentHit : hit);
            }
        }
        QColor colour = line.stream == LogStream::Err ? errorColour
            : line.stream == LogStream::Note          ? muted
                                                      : text;
        if (selected)
            colour = pal.color(QPalette::HighlightedText);
        p.setPen(colour);
        p.setFont(line.stream == LogStream::Note ? italic : font());
        p.drawText(QPoint(tx, y + fm.ascent() + (lh - fm.height()) / 2), line.text);
        if (line.partial) {
            // The line goes on in the next record of its stream (no newline, or a split line).
            p.setPen(muted);
            p.drawText(QPoint(tx + fm.horizontalAdvance(line.text) + charWidth / 2,
                              y + fm.ascent() + (lh - fm.height()) / 2),
                       QStringLiteral("↩"));
        }
        p.restore();
    }
}

void LogView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    if (m_follow && !m_lines.isEmpty())
        m_top = maxTop();
    else
        m_top = std::clamp(m_top, 0, maxTop());
    // A taller screen than the window: read one that fills it.
    if (!m_lines.isEmpty() && m_pending == 0 && m_lines.size() < pageLines() + Margin
        && !(m_atStart && m_atEnd)) {
        if (m_follow)
            requestTail();
        else
            requestAt(m_lines.at(m_top).offset, 0);
    }
    syncScrollBars();
}

void LogView::wheelEvent(QWheelEvent *event)
{
    const int steps = event->angleDelta().y() / 40; // three lines per notch
    if (steps != 0)
        scrollLines(-steps);
    const int dx = event->angleDelta().x();
    if (dx != 0)
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() - dx);
    event->accept();
}

void LogView::keyPressEvent(QKeyEvent *event)
{
    if (event->matches(QKeySequence::Copy)) {
        copy();
        return;
    }
    const bool ctrl = event->modifiers() & Qt::ControlModifier;
    switch (event->key()) {
    case Qt::Key_Up:
        scrollLines(-1);
        break;
    case Qt::Key_Down:
        scrollLines(1);
        break;
    case Qt::Key_PageUp:
        scrollLines(-pageLines());
        break;
    case Qt::Key_PageDown:
        scrollLines(pageLines());
        break;
    case Qt::Key_Home:
        if (ctrl)
            scrollToStart();
        else
            horizontalScrollBar()->setValue(0);
        break;
    case Qt::Key_End:
        scrollToEnd();
        break;
    case Qt::Key_Left:
        horizontalScrollBar()->triggerAction(QAbstractSlider::SliderSingleStepSub);
        break;
    case Qt::Key_Right:
        horizontalScrollBar()->triggerAction(QAbstractSlider::SliderSingleStepAdd);
        break;
    default:
        QAbstractScrollArea::keyPressEvent(event);
        return;
    }
    event->accept();
}

int LogView::lineAt(const QPoint &pos) const
{
    const int index = m_top + pos.y() / lineHeight();
    return index < m_lines.size() ? index : int(m_lines.size()) - 1;
}

void LogView::mousePressEvent(QMouseEvent *event)
{
    setFocus(Qt::MouseFocusReason);
    if (event->button() != Qt::LeftButton || m_lines.isEmpty())
        return QAbstractScrollArea::mousePressEvent(event);
    const qint64 offset = m_lines.at(lineAt(event->position().toPoint())).offset;
    if (!(event->modifiers() & Qt::ShiftModifier) || m_selAnchor < 0)
        m_selAnchor = offset;
    m_selEnd = offset;
    viewport()->update();
}

void LogView::mouseMoveEvent(QMouseEvent *event)
{
    if (!(event->buttons() & Qt::LeftButton) || m_lines.isEmpty() || m_selAnchor < 0)
        return;
    const QPoint pos = event->position().toPoint();
    if (pos.y() < 0)
        scrollLines(-1);
    else if (pos.y() > viewport()->height())
        scrollLines(1);
    m_selEnd = m_lines.at(lineAt(pos)).offset;
    viewport()->update();
}

bool LogView::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip && !m_lines.isEmpty()) {
        auto *help = static_cast<QHelpEvent *>(event);
        const LogLine &line = m_lines.at(lineAt(help->pos()));
        QStringList parts;
        if (line.timeMs > 0)
            parts << QDateTime::fromMSecsSinceEpoch(line.timeMs)
                         .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz t"));
        parts << (line.stream == LogStream::Err        ? tr("stderr")
                      : line.stream == LogStream::Out  ? tr("stdout")
                      : line.stream == LogStream::Note ? tr("Baton supervisor")
                                                       : tr("not a log record"));
        if (line.partial)
            parts << tr("continues in the next line of this stream");
        QToolTip::showText(help->globalPos(), parts.join(QStringLiteral(" · ")), viewport());
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

void LogView::changeEvent(QEvent *event)
{
    QAbstractScrollArea::changeEvent(event);
    if (event->type() == QEvent::FontChange)
        syncScrollBars();
}

QPair<qint64, qint64> LogView::selection() const
{
    if (m_selAnchor < 0)
        return { -1, -1 };
    return { std::min(m_selAnchor, m_selEnd), std::max(m_selAnchor, m_selEnd) };
}

void LogView::selectLines(qint64 fromOffset, qint64 toOffset)
{
    m_selAnchor = fromOffset;
    m_selEnd = toOffset;
    viewport()->update();
}

QString LogView::selectedText() const
{
    const auto [from, to] = selection();
    QStringList lines;
    for (const LogLine &l : m_lines) {
        if (l.offset >= from && l.offset <= to)
            lines << l.text;
    }
    return lines.join(QLatin1Char('\n'));
}

void LogView::copy()
{
    QString text = selectedText();
    if (selection().first < 0) {
        QStringList lines;
        for (const LogLine &l : visibleLines())
            lines << l.text;
        text = lines.join(QLatin1Char('\n'));
    }
    QApplication::clipboard()->setText(text);
}

void LogView::saveTo(const QString &target, bool textOnly)
{
    QMetaObject::invokeMethod(
        m_worker,
        [w = m_worker, id = ++m_requests, target, textOnly] { w->save(id, target, textOnly); },
        Qt::QueuedConnection);
}

void LogView::setSearchText(const QString &text, bool caseSensitive)
{
    if (text == m_needle && (caseSensitive ? Qt::CaseSensitive : Qt::CaseInsensitive) == m_cs)
        return;
    m_needle = text;
    m_cs = caseSensitive ? Qt::CaseSensitive : Qt::CaseInsensitive;
    m_match = {};
    viewport()->update();
}

void LogView::find(bool forward)
{
    if (m_needle.isEmpty() || m_path.isEmpty()) {
        Q_EMIT findFinished(false, false);
        return;
    }
    // From the current match's line, else from the screen: forward after its top line,
    // backward before its bottom line.
    qint64 from = 0;
    if (m_match.isValid()) {
        from = m_match.lineOffset;
        if (forward) {
            for (const LogLine &l : std::as_const(m_lines)) {
                if (l.offset == from) {
                    from = l.next;
                    break;
                }
            }
            if (from == m_match.lineOffset)
                from += 1; // not loaded: the worker finds the next line start itself
        }
    } else if (!m_lines.isEmpty()) {
        const QList<LogLine> shown = visibleLines();
        from = forward ? shown.first().offset : shown.last().next;
    }
    m_findRequest = ++m_requests;
    const QString needle = m_needle;
    const bool cs = m_cs == Qt::CaseSensitive;
    QMetaObject::invokeMethod(
        m_worker,
        [w = m_worker, id = m_findRequest, needle, cs, from, forward] {
            w->find(id, needle, cs, from, forward, true);
        },
        Qt::QueuedConnection);
}

void LogView::findNext()
{
    find(true);
}

void LogView::findPrevious()
{
    find(false);
}

void LogView::jumpToFirstError()
{
    if (m_path.isEmpty()) {
        Q_EMIT firstErrorFinished(false);
        return;
    }
    m_findRequest = ++m_requests;
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, id = m_findRequest] { w->findFirstError(id); },
        Qt::QueuedConnection);
}

void LogView::onFound(const Baton::LogFindResult &result)
{
    if (result.request != m_findRequest)
        return;
    if (!result.match.isValid()) {
        if (result.errorScan)
            Q_EMIT firstErrorFinished(false);
        else
            Q_EMIT findFinished(false, result.wrapped);
        return;
    }
    setFollowing(false);
    if (result.errorScan)
        m_errorLine = result.match.lineOffset;
    else
        m_match = result.match;
    // The line a third of the way down the screen, with context above it.
    requestAt(result.match.lineOffset, pageLines() / 3);
    if (result.errorScan)
        Q_EMIT firstErrorFinished(true);
    else
        Q_EMIT findFinished(true, result.wrapped);
}

} // namespace Baton::Ui
