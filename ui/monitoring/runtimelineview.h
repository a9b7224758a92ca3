#pragma once

#include "monitoring/runtimeline.h"
#include "widgets/barsview.h"

#include <QList>

namespace Baton::Ui {

/// The timeline across runs (Monitor mode): one lane per pipeline, a bar per run from its start
/// to its end (or now) in its state's colour, over the last hours. Hover a bar for the run,
/// double-click it to open the run. It paints what core's RunTimeline laid out; the rows come
/// from the Monitor's runs model, so it reads nothing itself.
class RunTimelineView : public BarsView
{
    Q_OBJECT
public:
    explicit RunTimelineView(QWidget *parent = nullptr);

    /// The window shown: the last @p hours up to now.
    void setHours(int hours);
    int hours() const { return m_hours; }
    /// Lays the runs out again for the window ending at @p nowMs.
    void setRuns(const QList<Baton::RunRow> &runs, qint64 nowMs);
    const QList<Baton::TimelineLane> &lanes() const { return m_lanes; }

    /// The bar of run @p runId on screen (empty when not shown).
    QRect barRect(qint64 runId) const;
    /// The run under @p pos (0: none) and its tooltip.
    qint64 runAt(const QPoint &pos) const;
    QString toolTipAt(const QPoint &pos) const override;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    /// A bar was double-clicked: open the run.
    void runActivated(qint64 runId);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;

private:
    int laneHeight(const Baton::TimelineLane &lane) const;
    int rowHeight() const;
    int headerHeight() const;
    int labelWidth() const;
    int xOf(qint64 t) const;
    void relayout();
    /// The bars' rectangles for the current size (painting and hit tests share them).
    void layoutHits() const;

    QList<Baton::RunRow> m_runs;
    QList<Baton::TimelineLane> m_lanes;
    int m_hours = 6;
    qint64 m_now = 0;
    qint64 m_from = 0;
    struct Hit
    {
        QRect rect;
        Baton::TimelineBar bar;
        QString pipeline;
    };
    mutable QList<Hit> m_hits;
};

} // namespace Baton::Ui
