#pragma once

#include <QString>
#include <QtGlobal>

namespace Baton {

/// The one way a duration reads, on every screen and in the CLI: two units at most, as ops
/// tools show elapsed time — "850 ms", "4.2 s", "3m 07s", "1h 02m", "2d 03h". A negative
/// duration (clocks that disagree) reads as 0 ms.
///
/// Jobs-as-code keeps its own form (formatDuration in projectspec: "90s", "5m", "1h"), because
/// it must read back through parseDuration exactly; this one is for people and rounds.
QString durationText(qint64 ms);

/// durationText(@p ms), or @p none when nothing ran (@p ms ≤ 0): a table cell or "-".
QString durationTextOr(qint64 ms, const QString &none);

} // namespace Baton
