#pragma once

#include "monitoring/rundetail.h"
#include "widgets/barsview.h"

namespace Baton::Ui {

/// A run's timeline: one row per task, time to the right. Each attempt is its own bar in the
/// colour of its state (so retries show as separate bars, with the backoff wait between them
/// drawn as a dashed line); the time a task waited for a free slot once its upstream tasks were
/// done is a pale "queued" bar before its first attempt; a task that never ran shows its state
/// at the right. While the run is active, bars grow to "now" (a vertical line).
///
/// Hovering a bar tells its attempt, state, exit code, times and reason; clicking a row or a
/// bar emits attemptClicked() (attempt 0: the row, not a bar).
class GanttView : public BarsView
{
    Q_OBJECT
public:
    explicit GanttView(QWidget *parent = nullptr);

    void setDetail(const Baton::RunDetail &detail);
    /// The clock for bars still growing (ms UTC).
    void setNow(qint64 nowMs);
    void setCurrentTask(const QString &task);
    QString currentTask() const { return m_current; }

    /// Where the bar of @p task's attempt @p attempt was last painted (empty: not painted).
    QRect barRect(const QString &task, int attempt) const;
    /// The timeline's bounds (ms UTC).
    QPair<qint64, qint64> timeRange() const;
    /// What the tooltip says at @p pos (empty: nothing there).
    QString toolTipAt(const QPoint &pos) const override;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

Q_SIGNALS:
    void attemptClicked(const QString &task, int attempt);

protected:
    void paintEvent(QPaintEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;

private:
    struct Hit
    {
        QRect rect;
        QString task;
        int attempt = 0;
        QString tip;
    };

    int rowHeight() const;
    int headerHeight() const;
    int labelWidth() const;
    qint64 readyAt(const Baton::TaskDetail &task) const;
    void layoutHits() const;

    Baton::RunDetail m_detail;
    qint64 m_now = 0;
    QString m_current;
    mutable QList<Hit> m_hits; // bars and rows, rebuilt with the geometry
};

} // namespace Baton::Ui
