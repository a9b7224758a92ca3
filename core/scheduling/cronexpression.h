#pragma once

#include <QDateTime>
#include <QList>
#include <QString>
#include <QTimeZone>
#include <optional>

namespace Baton {

/// A five-field cron expression (minute hour day-of-month month day-of-week) evaluated in an
/// IANA time zone.
///
/// Syntax: `*`, lists `1,5,10`, ranges `1-5`, steps `*/15`, `5-59/20`, `10/5` (= 10-max/5),
/// month names `jan`-`dec`, weekday names `sun`-`sat` (case-insensitive, also in ranges; `fri-sun`
/// ends on Sunday), day-of-week 0-7 with 0 and 7 both Sunday, and the macros @yearly @annually
/// @monthly @weekly @daily @midnight @hourly. When day-of-month and day-of-week are both
/// restricted, a day matches if either matches; a field that starts with `*` (`*`, `*/2`) counts
/// as unrestricted for that rule, as in Vixie cron and cronie.
///
/// Daylight-saving time follows cronie. A *fixed-time* expression is one whose minute and hour
/// fields both do not start with `*` (`30 2 * * *`, `0 9-17 * * mon-fri`, @daily); every other
/// expression (`*/15 * * * *`, `0 * * * *`, `* 2 * * *`, @hourly) is a *wildcard* one.
/// - Spring forward (a local time is skipped): a fixed-time expression that would have fired in
///   the gap fires once, at the first instant after it (02:30 on 2026-03-29 in Europe/Paris fires
///   at 03:00+02:00). A wildcard expression has no fire times in the gap.
/// - Fall back (a local time occurs twice): a fixed-time expression fires at the first occurrence
///   only (02:30 on 2026-10-25 in Europe/Paris fires at 02:30+02:00, not at 02:30+01:00). A
///   wildcard expression fires in both occurrences, as they are distinct instants, so
///   `*/15 * * * *` keeps firing every real 15 minutes.
class CronExpression
{
public:
    /// Parses @p text. On failure returns nullopt and sets @p error to a message naming the field
    /// and the offending text, e.g. "hour field: '25' is out of range 0-23".
    static std::optional<CronExpression> parse(const QString &text, QString *error = nullptr);

    /// The expression as given (trimmed).
    QString text() const { return m_text; }
    /// Whether DST gaps and overlaps are handled by wall clock (see the class comment).
    bool isFixedTime() const { return m_fixedTime; }

    /// The first fire time strictly after @p after, carrying @p zone; nullopt if there is none
    /// within 8 years (which covers a Feb-29 schedule across 2100) or @p zone is invalid.
    std::optional<QDateTime> next(const QDateTime &after, const QTimeZone &zone) const;
    /// The next @p count fire times after @p after (fewer if the schedule runs out).
    QList<QDateTime> nextN(const QDateTime &after, const QTimeZone &zone, int count) const;
    /// All fire times in (@p from, @p to], at most @p limit.
    QList<QDateTime> between(const QDateTime &from, const QDateTime &to, const QTimeZone &zone,
                             int limit = 100000) const;

    bool operator==(const CronExpression &other) const = default;

private:
    class ZoneCursor;

    CronExpression() = default;
    /// The first fire instant (seconds since epoch) strictly after @p after.
    std::optional<qint64> nextInstant(qint64 after, ZoneCursor &cursor) const;
    /// The first matching local wall-clock minute (seconds since the local epoch) in [from, limit).
    std::optional<qint64> nextLocal(qint64 from, qint64 limit) const;
    bool dayMatches(int day, int dayOfWeek) const;

    QString m_text;
    quint64 m_minutes = 0; ///< bit n: minute n
    quint32 m_hours = 0; ///< bit n: hour n
    quint32 m_daysOfMonth = 0; ///< bit n: day n (1-31)
    quint32 m_months = 0; ///< bit n: month n (1-12)
    quint32 m_daysOfWeek = 0; ///< bit n: weekday n (0 = Sunday)
    bool m_domStar = false;
    bool m_dowStar = false;
    bool m_fixedTime = false;
};

} // namespace Baton
