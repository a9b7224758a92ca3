#pragma once

#include "model/runstate.h"
#include "monitoring/runrow.h"

#include <QList>
#include <QString>

namespace Baton {

/// One run as a bar of the timeline across runs: when it was active, in its state.
struct TimelineBar
{
    qint64 runId = 0;
    RunState state = RunState::Queued;
    QString environment;
    QString trigger;
    qint64 start = 0; ///< started_at, else created_at (a queued run waits from then), ms UTC
    qint64 end = 0; ///< finished_at, else @c now of the layout (still going)
    bool live = false; ///< not finished: the bar grows to now
    bool waiting = false; ///< live and nothing of it runs (RunRow::working is false)
    int row = 0; ///< sub-row within its lane, so overlapping runs of a pipeline never hide
    bool operator==(const TimelineBar &) const = default;
};

/// The runs of one pipeline over the window, oldest first.
struct TimelineLane
{
    QString pipeline; ///< "project/pipeline"
    QList<TimelineBar> bars;
    int rows = 1; ///< sub-rows the lane needs
    bool operator==(const TimelineLane &) const = default;
};

/// What ran when, per pipeline, over a window (issue #17: a timeline across runs, as Control-M
/// and Airflow users rely on): built from the monitor's rows, so it costs no query of its own.
class RunTimeline
{
public:
    /// Lanes for the runs active at some point in [@p from, @p to] (@p to is now), by
    /// pipeline name. Overlapping runs of a pipeline take separate sub-rows, first fit.
    static QList<TimelineLane> build(const QList<RunRow> &runs, qint64 from, qint64 to);
};

} // namespace Baton
