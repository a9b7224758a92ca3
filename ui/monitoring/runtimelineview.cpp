#include "runtimelineview.h"

#include "model/durationformat.h"
#include "model/runstate.h"
#include "widgets/theme.h"

#include <QDateTime>
#include <QMouseEvent>
#include <QPainter>
#include <algorithm>

namespace Baton::Ui {

namespace {

// Tick spacings for the clock axis, in ms: the first that leaves room for a label wins.
constexpr qint64 kTicks[]
    = { 300000, 600000, 900000, 1800000, 3600000, 7200000, 10800000, 21600000, 43200000, 86400000 };

QString clock(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("HH:mm"));
}

} // namespace

RunTimelineView::RunTimelineView(QWidget *parent)
    : BarsView(parent)
{
    setObjectName(QStringLiteral("runTimeline"));
    setAccessibleName(tr("Timeline across runs"));
    setMouseTracking(true);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
}

void RunTimelineView::setHours(int hours)
{
    m_hours = std::max(1, hours);
    relayout();
}

void RunTimelineView::setRuns(const QList<RunRow> &runs, qint64 nowMs)
{
    m_runs = runs;
    m_now = nowMs;
    relayout();
}

void RunTimelineView::relayout()
{
    m_from = m_now - qint64(m_hours) * 3600000;
    const QList<TimelineLane> lanes = RunTimeline::build(m_runs, m_from, m_now);
    const bool sizeChanged = lanes.size() != m_lanes.size();
    m_lanes = lanes;
    invalidateLayout();
    if (sizeChanged)
        updateGeometry();
    update();
}

int RunTimelineView::rowHeight() const
{
    return fontMetrics().height() + 6;
}

int RunTimelineView::headerHeight() const
{
    return fontMetrics().height() + 10;
}

int RunTimelineView::laneHeight(const TimelineLane &lane) const
{
    return lane.rows * rowHeight() + 6;
}

int RunTimelineView::labelWidth() const
{
    int w = fontMetrics().horizontalAdvance(tr("Pipeline")) + 16;
    for (const TimelineLane &lane : m_lanes)
        w = std::max(w, fontMetrics().horizontalAdvance(lane.pipeline) + 20);
    return std::min(w, std::max(120, width() / 4));
}

int RunTimelineView::xOf(qint64 t) const
{
    const int left = labelWidth();
    const int right = width() - 10;
    const double span = double(std::max<qint64>(1, m_now - m_from));
    return left + int(double(std::clamp(t, m_from, m_now) - m_from) * (right - left) / span);
}

QSize RunTimelineView::sizeHint() const
{
    int h = headerHeight() + 8;
    for (const TimelineLane &lane : m_lanes)
        h += laneHeight(lane);
    return { 640, std::max(h, headerHeight() + 3 * rowHeight()) };
}

QSize RunTimelineView::minimumSizeHint() const
{
    return { 240, headerHeight() + rowHeight() };
}

void RunTimelineView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const QPalette pal = palette();
    const QColor base = pal.color(QPalette::Base);
    const QColor text = pal.color(QPalette::Text);
    const QColor muted = Theme::mutedText(pal);
    const QColor grid = Theme::mix(base, text, 0.10);
    p.fillRect(rect(), base);
    layoutHits();
    if (m_lanes.isEmpty()) {
        p.setPen(muted);
        p.drawText(rect(), Qt::AlignCenter, tr("No run in the last %n hour(s)", nullptr, m_hours));
        return;
    }
    const QFontMetrics fm = fontMetrics();
    const int left = labelWidth();
    const int top = headerHeight();
    int bottom = top;
    for (const TimelineLane &lane : m_lanes)
        bottom += laneHeight(lane);

    // Clock axis: local times on round ticks.
    const double perMs = double(std::max(1, width() - 10 - left)) / double(m_now - m_from);
    const int room = fm.horizontalAdvance(QStringLiteral("00:00")) + 16;
    qint64 step = kTicks[std::size(kTicks) - 1];
    for (qint64 s : kTicks) {
        if (double(s) * perMs >= room) {
            step = s;
            break;
        }
    }
    const qint64 offset = QDateTime::fromMSecsSinceEpoch(m_now).offsetFromUtc() * 1000LL;
    for (qint64 t = ((m_from + offset) / step + 1) * step - offset; t <= m_now; t += step) {
        const int x = xOf(t);
        p.setPen(grid);
        p.drawLine(x, top - 3, x, bottom);
        p.setPen(muted);
        p.drawText(QRect(x - room / 2, 0, room, top), Qt::AlignCenter, clock(t));
    }

    int y = top;
    int index = 0;
    for (const TimelineLane &lane : m_lanes) {
        const int h = laneHeight(lane);
        if (index++ % 2)
            p.fillRect(QRect(0, y, width(), h), Theme::mix(base, text, 0.03));
        p.setPen(text);
        p.drawText(QRect(8, y, left - 12, rowHeight() + 6), Qt::AlignVCenter | Qt::AlignLeft,
                   fm.elidedText(lane.pipeline, Qt::ElideMiddle, left - 12));
        y += h;
    }
    for (const Hit &hit : std::as_const(m_hits)) {
        const TimelineBar &bar = hit.bar;
        const QRect &r = hit.rect;
        const QColor colour = Theme::stateColor(pal, bar.state);
        p.setPen(Qt::NoPen);
        // A run of which nothing runs (queued, or waiting for places) is pale, outlined.
        if (bar.waiting) {
            p.setPen(QPen(colour, 1, Qt::DashLine));
            p.setBrush(Theme::mix(base, colour, 0.35));
        } else {
            p.setBrush(colour);
        }
        p.drawRoundedRect(r.adjusted(0, 0, -1, -1), 3, 3);
        const QString label = QStringLiteral("#%1").arg(bar.runId);
        if (fm.horizontalAdvance(label) + 6 < r.width()) {
            p.setPen(bar.waiting              ? text
                         : Theme::isDark(pal) ? QColor(Qt::black)
                                              : QColor(Qt::white));
            p.drawText(r, Qt::AlignCenter, label);
        }
    }
    // Now, at the right edge.
    p.setPen(QPen(pal.color(QPalette::Highlight), 1));
    p.drawLine(xOf(m_now), top - 3, xOf(m_now), bottom);
}

void RunTimelineView::layoutHits() const
{
    if (layoutIsCurrent())
        return;
    m_hits.clear();
    int y = headerHeight();
    for (const TimelineLane &lane : m_lanes) {
        for (const TimelineBar &bar : lane.bars) {
            const int x0 = xOf(bar.start);
            const int x1 = std::max(x0 + 3, xOf(bar.end));
            m_hits << Hit { QRect(x0, y + 3 + bar.row * rowHeight(), x1 - x0, rowHeight() - 4), bar,
                            lane.pipeline };
        }
        y += laneHeight(lane);
    }
}

QRect RunTimelineView::barRect(qint64 runId) const
{
    layoutHits();
    for (const Hit &h : m_hits) {
        if (h.bar.runId == runId)
            return h.rect;
    }
    return {};
}

qint64 RunTimelineView::runAt(const QPoint &pos) const
{
    layoutHits();
    for (const Hit &h : m_hits) {
        if (h.rect.adjusted(-2, -2, 2, 2).contains(pos))
            return h.bar.runId;
    }
    return 0;
}

QString RunTimelineView::toolTipAt(const QPoint &pos) const
{
    layoutHits();
    for (const Hit &h : m_hits) {
        if (!h.rect.adjusted(-2, -2, 2, 2).contains(pos))
            continue;
        const TimelineBar &b = h.bar;
        QString tip = tr("Run #%1 · %2 · %3").arg(b.runId).arg(h.pipeline, stateLabel(b.state));
        if (!b.environment.isEmpty())
            tip += tr(" in %1").arg(b.environment);
        tip += QStringLiteral("\n%1 → %2")
                   .arg(QDateTime::fromMSecsSinceEpoch(b.start).toString(
                            QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                        b.live ? tr("now")
                               : QDateTime::fromMSecsSinceEpoch(b.end).toString(
                                   QStringLiteral("HH:mm:ss")));
        for (const RunRow &r : m_runs) {
            if (r.id == b.runId && r.active.ran)
                tip += tr("\nran %1").arg(durationText(r.durationMs(m_now)));
            if (r.id == b.runId && !r.wait.text.isEmpty())
                tip += QStringLiteral("\n") + r.wait.text;
        }
        tip += tr("\n%1 · double-click to open").arg(b.trigger);
        return tip;
    }
    return {};
}

void RunTimelineView::mouseDoubleClickEvent(QMouseEvent *event)
{
    const qint64 id = runAt(event->position().toPoint());
    if (id > 0)
        Q_EMIT runActivated(id);
}

} // namespace Baton::Ui
