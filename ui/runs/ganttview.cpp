#include "ganttview.h"

#include "model/durationformat.h"
#include "model/runstate.h"
#include "runtasksmodel.h"
#include "widgets/theme.h"

#include <QDateTime>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <algorithm>

namespace Baton::Ui {

namespace {

// Tick spacings for the time axis, in ms: the first that leaves room for a label wins.
constexpr qint64 kTicks[]
    = { 100,    200,    500,    1000,   2000,    5000,    10000,   15000,    30000,    60000,
        120000, 300000, 600000, 900000, 1800000, 3600000, 7200000, 21600000, 43200000, 86400000 };

QString tickText(qint64 ms)
{
    if (ms == 0)
        return QStringLiteral("0");
    if (ms < 1000)
        return QStringLiteral("+%1ms").arg(ms);
    if (ms < 60000)
        return ms % 1000 == 0
            ? QStringLiteral("+%1s").arg(ms / 1000)
            : QStringLiteral("+%1s").arg(QString::number(double(ms) / 1000.0, 'f', 1));
    if (ms < 3600000)
        return ms % 60000 == 0 ? QStringLiteral("+%1m").arg(ms / 60000)
                               : QStringLiteral("+%1m%2s").arg(ms / 60000).arg(ms / 1000 % 60);
    return ms % 3600000 == 0 ? QStringLiteral("+%1h").arg(ms / 3600000)
                             : QStringLiteral("+%1h%2m").arg(ms / 3600000).arg(ms / 60000 % 60);
}

} // namespace

GanttView::GanttView(QWidget *parent)
    : BarsView(parent)
    , m_now(QDateTime::currentMSecsSinceEpoch())
{
    setObjectName(QStringLiteral("ganttView"));
    setAccessibleName(tr("Run timeline"));
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

void GanttView::setDetail(const Baton::RunDetail &detail)
{
    m_detail = detail;
    invalidateLayout();
    updateGeometry();
    update();
}

void GanttView::setNow(qint64 nowMs)
{
    m_now = nowMs;
    if (!m_detail.terminal) {
        invalidateLayout();
        update();
    }
}

void GanttView::setCurrentTask(const QString &task)
{
    if (task == m_current)
        return;
    m_current = task;
    update();
}

int GanttView::rowHeight() const
{
    return fontMetrics().height() + 10;
}

int GanttView::headerHeight() const
{
    return fontMetrics().height() + 12;
}

int GanttView::labelWidth() const
{
    int w = fontMetrics().horizontalAdvance(tr("Task")) + 16;
    for (const TaskDetail &t : m_detail.tasks)
        w = std::max(w, fontMetrics().horizontalAdvance(t.name) + 24);
    return std::min(w, std::max(120, width() / 3));
}

QSize GanttView::sizeHint() const
{
    return { 640, headerHeight() + int(m_detail.tasks.size()) * rowHeight() + 8 };
}

QSize GanttView::minimumSizeHint() const
{
    return { 240, headerHeight() + rowHeight() };
}

qint64 GanttView::readyAt(const TaskDetail &task) const
{
    // Ready once every upstream task ended (or when the run started, for a root task).
    qint64 ready = m_detail.startedAt > 0 ? m_detail.startedAt : m_detail.createdAt;
    for (const QString &name : task.upstreamNames) {
        const TaskDetail *up = m_detail.task(name);
        if (!up)
            continue;
        if (up->finishedAt == 0)
            return 0; // still waiting for it
        ready = std::max(ready, up->finishedAt);
    }
    return ready;
}

QPair<qint64, qint64> GanttView::timeRange() const
{
    qint64 start = m_detail.startedAt > 0 ? m_detail.startedAt : m_detail.createdAt;
    qint64 end = m_detail.finishedAt;
    for (const TaskDetail &t : m_detail.tasks) {
        for (const AttemptDetail &a : t.attemptList) {
            if (a.startedAt > 0)
                start = std::min(start, a.startedAt);
            end = std::max(end, a.finishedAt);
        }
        end = std::max(end, t.finishedAt);
    }
    if (!m_detail.terminal)
        end = std::max(end, m_now);
    if (end <= start)
        end = start + 1000;
    return { start, end };
}

void GanttView::layoutHits() const
{
    if (layoutIsCurrent())
        return;
    m_hits.clear();
    const auto [t0, t1] = timeRange();
    const int left = labelWidth();
    const int right = width() - 12;
    const double scale = double(std::max(1, right - left)) / double(t1 - t0);
    const auto x = [&](qint64 t) {
        return left + int(double(t - t0) * scale);
    };
    const int rh = rowHeight();
    for (int row = 0; row < m_detail.tasks.size(); ++row) {
        const TaskDetail &t = m_detail.tasks.at(row);
        const int y = headerHeight() + row * rh;
        m_hits << Hit { QRect(0, y, width(), rh), t.name, 0, {} };
        for (const AttemptDetail &a : t.attemptList) {
            if (a.startedAt <= 0)
                continue;
            // The bar is the attempt's run time; a follower's wait behind another attempt
            // (from startedAt until it was seen running) is drawn as a wait, not as its bar.
            const qint64 start = a.runningAt > 0 ? a.runningAt : a.startedAt;
            const qint64 end = a.finishedAt > 0 ? a.finishedAt : std::max(m_now, start);
            const QRect bar(x(start), y + 4, std::max(3, x(end) - x(start)), rh - 8);
            QString tip
                = tr("%1 · attempt %2 · %3").arg(t.name).arg(a.number).arg(stateLabel(a.state));
            if (a.exitCode)
                tip += tr(" · exit code %1").arg(*a.exitCode);
            tip += QStringLiteral("\n%1 → %2 (%3)")
                       .arg(RunTasksModel::timeText(a.startedAt),
                            a.finishedAt > 0 ? RunTasksModel::timeText(a.finishedAt) : tr("now"),
                            durationText(a.durationMs(m_now)));
            if (!a.host.isEmpty())
                tip += tr("\non %1").arg(a.host);
            if (!a.reason.isEmpty())
                tip += QStringLiteral("\n") + a.reason;
            m_hits << Hit { bar, t.name, a.number, tip };
        }
    }
}

void GanttView::paintEvent(QPaintEvent *)
{
    layoutHits();
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    const QColor base = pal.color(QPalette::Base);
    const QColor text = pal.color(QPalette::Text);
    const QColor muted = Theme::mutedText(pal);
    const QColor grid = Theme::mix(base, text, 0.10);
    p.fillRect(rect(), base);
    if (m_detail.tasks.isEmpty()) {
        p.setPen(muted);
        p.drawText(rect(), Qt::AlignCenter, tr("No tasks"));
        return;
    }

    const auto [t0, t1] = timeRange();
    const int left = labelWidth();
    const int right = width() - 12;
    const double scale = double(std::max(1, right - left)) / double(t1 - t0);
    const auto x = [&](qint64 t) {
        return left + int(double(t - t0) * scale);
    };
    const int rh = rowHeight();
    const int top = headerHeight();
    const int bottom = top + int(m_detail.tasks.size()) * rh;
    const QFontMetrics fm = fontMetrics();

    // Axis: elapsed time since the run started, with its clock time at the origin.
    qint64 step = kTicks[std::size(kTicks) - 1];
    const int room = fm.horizontalAdvance(QStringLiteral("+00m00s")) + 16;
    for (qint64 s : kTicks) {
        if (double(s) * scale >= room) {
            step = s;
            break;
        }
    }
    p.setPen(muted);
    p.drawText(QRect(6, 0, left - 8, top), Qt::AlignVCenter | Qt::AlignLeft,
               RunTasksModel::timeText(t0));
    for (qint64 t = 0; t0 + t <= t1; t += step) {
        const int tx = x(t0 + t);
        p.setPen(grid);
        p.drawLine(tx, top - 3, tx, bottom);
        p.setPen(muted);
        p.drawText(QRect(tx + 3, 0, room, top), Qt::AlignVCenter | Qt::AlignLeft, tickText(t));
    }

    for (int row = 0; row < m_detail.tasks.size(); ++row) {
        const TaskDetail &t = m_detail.tasks.at(row);
        const int y = top + row * rh;
        if (t.name == m_current)
            p.fillRect(QRect(0, y, width(), rh),
                       Theme::mix(base, pal.color(QPalette::Highlight), 0.18));
        else if (row % 2)
            p.fillRect(QRect(0, y, width(), rh), Theme::mix(base, text, 0.03));
        p.setPen(text);
        p.drawText(QRect(8, y, left - 12, rh), Qt::AlignVCenter | Qt::AlignLeft,
                   fm.elidedText(t.name, Qt::ElideRight, left - 12));

        // Queued: ready (upstream done) until the first attempt started, or until now.
        const qint64 ready = readyAt(t);
        const qint64 firstStart = t.attemptList.isEmpty() ? 0 : t.attemptList.first().startedAt;
        const qint64 queuedEnd = firstStart > 0                                ? firstStart
            : (!m_detail.terminal && t.state == RunState::Queued && ready > 0) ? m_now
                                                                               : 0;
        if (ready > 0 && queuedEnd > ready) {
            const QRect q(x(ready), y + rh / 2 - 3, std::max(1, x(queuedEnd) - x(ready)), 6);
            p.setPen(Qt::NoPen);
            p.setBrush(Theme::mix(base, Theme::stateColor(pal, RunState::Queued), 0.45));
            p.drawRoundedRect(q, 2, 2);
        }

        // Attempts, with the retry backoff between them.
        const AttemptDetail *previous = nullptr;
        for (const AttemptDetail &a : t.attemptList) {
            if (a.startedAt <= 0)
                continue;
            if (previous && previous->finishedAt > 0 && a.startedAt > previous->finishedAt) {
                QPen dashed(muted, 1, Qt::DashLine);
                p.setPen(dashed);
                p.drawLine(x(previous->finishedAt), y + rh / 2, x(a.startedAt), y + rh / 2);
            }
            previous = &a;
            const QRect bar = barRect(t.name, a.number);
            const QColor colour = Theme::stateColor(pal, a.state);
            if (a.runningAt > a.startedAt) {
                // Waited behind another attempt (a follower): a pale line up to its bar.
                const QRect wait(x(a.startedAt), y + rh / 2 - 3,
                                 std::max(1, x(a.runningAt) - x(a.startedAt)), 6);
                p.setPen(Qt::NoPen);
                p.setBrush(Theme::mix(base, Theme::stateColor(pal, RunState::Queued), 0.45));
                p.drawRoundedRect(wait, 2, 2);
            }
            const bool waiting = a.finishedAt == 0 && a.runningAt == 0;
            p.setPen(waiting ? QPen(colour, 1, Qt::DashLine) : QPen(Qt::NoPen));
            p.setBrush(waiting ? Theme::mix(base, colour, 0.35) : colour);
            p.drawRoundedRect(bar, 3, 3);
            if (a.finishedAt == 0 && !waiting) {
                // Still running: an open right edge.
                p.setBrush(Theme::mix(colour, base, 0.5));
                p.drawRect(QRect(bar.right() - 2, bar.top(), 3, bar.height()));
            }
            if (t.attemptList.size() > 1) {
                const QString label = QStringLiteral("#%1").arg(a.number);
                if (fm.horizontalAdvance(label) + 6 < bar.width()) {
                    p.setPen(Theme::isDark(pal) ? QColor(Qt::black) : QColor(Qt::white));
                    p.drawText(bar, Qt::AlignCenter, label);
                }
            }
        }
        if (t.attemptList.isEmpty() && t.state != RunState::Queued) {
            // Never ran (skipped, upstream failed, cancelled): say so where it ended.
            const qint64 at = t.finishedAt > 0 ? t.finishedAt : t1;
            p.setPen(Theme::stateColor(pal, t.state));
            const QString label = stateLabel(t.state);
            const int lx = std::min(x(at), right - fm.horizontalAdvance(label));
            p.drawText(QRect(lx, y, fm.horizontalAdvance(label) + 4, rh), Qt::AlignVCenter, label);
        }
    }

    if (!m_detail.terminal && m_now >= t0 && m_now <= t1) {
        p.setPen(QPen(pal.color(QPalette::Highlight), 1));
        p.drawLine(x(m_now), top - 3, x(m_now), bottom);
    }
}

QRect GanttView::barRect(const QString &task, int attempt) const
{
    layoutHits();
    for (const Hit &h : m_hits) {
        if (h.task == task && h.attempt == attempt && attempt > 0)
            return h.rect;
    }
    return {};
}

QString GanttView::toolTipAt(const QPoint &pos) const
{
    layoutHits();
    for (const Hit &h : m_hits) {
        if (h.attempt > 0 && h.rect.adjusted(-2, -2, 2, 2).contains(pos))
            return h.tip;
    }
    for (const Hit &h : m_hits) {
        if (h.attempt == 0 && h.rect.contains(pos)) {
            const TaskDetail *t = m_detail.task(h.task);
            if (!t)
                return {};
            QString tip = tr("%1 · %2").arg(t->name, stateLabel(t->state));
            if (!t->attemptList.isEmpty())
                tip += tr("\nran %1 in %n attempt(s)", nullptr, int(t->attemptList.size()))
                           .arg(durationText(t->durationMs(m_now)));
            if (!t->upstream.isEmpty())
                tip += tr("\nafter %1").arg(t->upstream.join(QStringLiteral(", ")));
            if (!t->reason.isEmpty())
                tip += QStringLiteral("\n") + t->reason;
            // Why it does not run yet (core's rule): a place, a delay, a predecessor.
            if (!t->wait.text.isEmpty() && t->wait.text != t->reason)
                tip += QStringLiteral("\n") + t->wait.text;
            return tip;
        }
    }
    return {};
}

void GanttView::mousePressEvent(QMouseEvent *event)
{
    layoutHits();
    const QPoint pos = event->position().toPoint();
    for (const Hit &h : std::as_const(m_hits)) {
        if (h.attempt > 0 && h.rect.adjusted(-2, -2, 2, 2).contains(pos)) {
            setCurrentTask(h.task);
            Q_EMIT attemptClicked(h.task, h.attempt);
            return;
        }
    }
    for (const Hit &h : std::as_const(m_hits)) {
        if (h.attempt == 0 && h.rect.contains(pos)) {
            setCurrentTask(h.task);
            Q_EMIT attemptClicked(h.task, 0);
            return;
        }
    }
}

} // namespace Baton::Ui
