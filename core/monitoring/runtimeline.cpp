#include "runtimeline.h"

#include <QMap>
#include <algorithm>

namespace Baton {

QList<TimelineLane> RunTimeline::build(const QList<RunRow> &runs, qint64 from, qint64 to)
{
    QMap<QString, QList<TimelineBar>> byPipeline; // sorted by name
    for (const RunRow &r : runs) {
        TimelineBar bar;
        bar.runId = r.id;
        bar.state = r.state;
        bar.environment = r.environment;
        bar.trigger = r.trigger;
        bar.start = r.startedAt > 0 ? r.startedAt : r.createdAt;
        bar.live = !r.terminal;
        bar.waiting = bar.live && !r.working;
        bar.end = bar.live ? to : std::max(r.finishedAt, bar.start);
        if (bar.end < from || bar.start > to)
            continue;
        byPipeline[r.project + QLatin1Char('/') + r.pipeline] << bar;
    }
    QList<TimelineLane> lanes;
    for (auto it = byPipeline.begin(); it != byPipeline.end(); ++it) {
        TimelineLane lane;
        lane.pipeline = it.key();
        lane.bars = it.value();
        std::sort(lane.bars.begin(), lane.bars.end(),
                  [](const TimelineBar &a, const TimelineBar &b) {
                      return a.start != b.start ? a.start < b.start : a.runId < b.runId;
                  });
        // First fit: each bar takes the first sub-row free at its start.
        QList<qint64> rowEnds;
        for (TimelineBar &bar : lane.bars) {
            int row = 0;
            while (row < rowEnds.size() && rowEnds.at(row) > bar.start)
                ++row;
            if (row == rowEnds.size())
                rowEnds << bar.end;
            else
                rowEnds[row] = bar.end;
            bar.row = row;
        }
        lane.rows = std::max<int>(1, int(rowEnds.size()));
        lanes << lane;
    }
    return lanes;
}

} // namespace Baton
