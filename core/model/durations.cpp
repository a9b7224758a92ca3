#include "durations.h"

#include <algorithm>

namespace Baton::Durations {

qint64 taskMs(const QList<AttemptSpan> &attempts, qint64 nowMs)
{
    qint64 total = 0;
    for (const AttemptSpan &a : attempts) {
        if (a.startedAt <= 0)
            continue;
        total += std::max<qint64>(0, (a.finishedAt > 0 ? a.finishedAt : nowMs) - a.startedAt);
    }
    return total;
}

ActiveClock runClock(QList<AttemptSpan> attempts)
{
    ActiveClock clock;
    // Attempts still running extend to now: their union with the ended ones is the ended
    // ones' union before the earliest running start, then one interval from it to now.
    for (const AttemptSpan &a : std::as_const(attempts)) {
        if (a.startedAt <= 0)
            continue;
        clock.ran = true;
        if (a.finishedAt <= 0)
            clock.runningSince
                = clock.runningSince > 0 ? std::min(clock.runningSince, a.startedAt) : a.startedAt;
    }
    std::sort(attempts.begin(), attempts.end(), [](const AttemptSpan &x, const AttemptSpan &y) {
        return x.startedAt != y.startedAt ? x.startedAt < y.startedAt : x.finishedAt < y.finishedAt;
    });
    // One ordered pass, as runs.active_ms is computed: each interval adds what lies beyond the
    // furthest end before it.
    qint64 furthest = 0;
    for (const AttemptSpan &a : std::as_const(attempts)) {
        if (a.startedAt <= 0 || a.finishedAt <= 0)
            continue;
        qint64 start = std::max(a.startedAt, furthest);
        qint64 end = a.finishedAt;
        if (clock.runningSince > 0)
            end = std::min(end, clock.runningSince);
        if (end > start)
            clock.closedMs += end - start;
        furthest = std::max(furthest, a.finishedAt);
    }
    return clock;
}

qint64 runMs(const QList<AttemptSpan> &attempts, qint64 nowMs)
{
    return runClock(attempts).at(nowMs);
}

} // namespace Baton::Durations
