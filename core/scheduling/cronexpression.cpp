#include "scheduling/cronexpression.h"

#include <QDate>
#include <QRegularExpression>
#include <QStringList>
#include <algorithm>
#include <bit>
#include <limits>

namespace Baton {

namespace {

constexpr qint64 kSecsPerDay = 86400;
constexpr qint64 kEpochJulianDay = 2440588; // 1970-01-01
constexpr qint64 kNoStart = std::numeric_limits<qint64>::min();
constexpr qint64 kNoEnd = std::numeric_limits<qint64>::max();
// Long enough for a Feb-29 schedule, whose longest wait is 8 years (2096 -> 2104).
constexpr qint64 kHorizonSecs = (8 * 366 + 1) * kSecsPerDay;

struct FieldSpec
{
    const char *name;
    int min;
    int max;
    const char *const *names; ///< three-letter names, indexed from nameBase
    int nameBase;
    const char *namesHint;
};

constexpr const char *kMonthNames[]
    = { "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec" };
constexpr const char *kDayNames[] = { "sun", "mon", "tue", "wed", "thu", "fri", "sat" };

constexpr FieldSpec kFields[] = {
    { "minute", 0, 59, nullptr, 0, nullptr },
    { "hour", 0, 23, nullptr, 0, nullptr },
    { "day-of-month", 1, 31, nullptr, 0, nullptr },
    { "month", 1, 12, kMonthNames, 1, "a month name (jan-dec)" },
    { "day-of-week", 0, 7, kDayNames, 0, "a weekday name (sun-sat)" },
};

struct Macro
{
    const char *name;
    const char *expansion;
};

constexpr Macro kMacros[] = {
    { "@yearly", "0 0 1 1 *" }, { "@annually", "0 0 1 1 *" }, { "@monthly", "0 0 1 * *" },
    { "@weekly", "0 0 * * 0" }, { "@daily", "0 0 * * *" },    { "@midnight", "0 0 * * *" },
    { "@hourly", "0 * * * *" },
};

qint64 floorDiv(qint64 a, qint64 b)
{
    const qint64 q = a / b;
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

qint64 floorToMinute(qint64 secs)
{
    return floorDiv(secs, 60) * 60;
}
qint64 ceilToMinute(qint64 secs)
{
    return -floorToMinute(-secs);
}

/// Whole seconds since the epoch, rounded down (a fire time must be strictly after @p dt).
qint64 floorSecs(const QDateTime &dt)
{
    return floorDiv(dt.toMSecsSinceEpoch(), 1000);
}

/// The lowest set bit of @p mask at or above @p from, or -1.
int nextBit(quint64 mask, int from)
{
    if (from > 63)
        return -1;
    const quint64 rest = mask >> from;
    return rest ? from + std::countr_zero(rest) : -1;
}

bool isDigits(const QString &text)
{
    return !text.isEmpty()
        && std::all_of(text.cbegin(), text.cend(), [](QChar c) { return c >= u'0' && c <= u'9'; });
}

/// Parses one field of an expression into a bit mask; nullopt with @p error set on failure.
class FieldParser
{
public:
    FieldParser(const FieldSpec &spec, QString *error)
        : m_spec(spec)
        , m_error(error)
    { }

    std::optional<quint64> parse(const QString &field)
    {
        quint64 mask = 0;
        const QStringList items = field.split(QLatin1Char(','));
        for (const QString &item : items) {
            if (item.isEmpty())
                return fail(QStringLiteral("empty list item in '%1'").arg(field));
            if (!parseItem(item, &mask))
                return std::nullopt;
        }
        return mask;
    }

private:
    bool parseItem(const QString &item, quint64 *mask)
    {
        QString base = item;
        int step = 1;
        bool hasStep = false;
        const qsizetype slash = item.indexOf(QLatin1Char('/'));
        if (slash >= 0) {
            base = item.left(slash);
            const QString stepText = item.mid(slash + 1);
            if (stepText.isEmpty() || base.isEmpty())
                return failed(QStringLiteral("'%1' is incomplete").arg(item));
            if (!isDigits(stepText))
                return failed(
                    QStringLiteral("step '%1' in '%2' is not a number").arg(stepText, item));
            bool ok = false;
            step = stepText.toInt(&ok);
            if (!ok || step < 1 || step > m_spec.max)
                return failed(QStringLiteral("step '%1' in '%2' is out of range 1-%3")
                                  .arg(stepText, item)
                                  .arg(m_spec.max));
            hasStep = true;
        }

        int low = 0;
        int high = 0;
        const bool weekday = m_spec.names == kDayNames;
        if (base == QLatin1String("*")) {
            low = m_spec.min;
            high = weekday ? 6 : m_spec.max; // 7 is Sunday again: `*` is 0-6
        } else if (base.contains(QLatin1Char('-'))) {
            const QStringList ends = base.split(QLatin1Char('-'));
            if (ends.size() != 2)
                return failed(QStringLiteral("'%1' is not a range").arg(item));
            if (ends[0].isEmpty() || ends[1].isEmpty())
                return failed(QStringLiteral("'%1' is incomplete").arg(item));
            const auto first = value(ends[0]);
            if (!first)
                return false;
            auto last = value(ends[1]);
            if (!last)
                return false;
            // `fri-sun` reads as Friday to Sunday, not as a reversed 5-0.
            if (weekday && *last == 0 && *first > 0
                && ends[1].compare(QLatin1String("sun"), Qt::CaseInsensitive) == 0)
                last = 7;
            if (*first > *last)
                return failed(QStringLiteral("range '%1' is reversed (%2 is after %3)")
                                  .arg(base, ends[0], ends[1]));
            low = *first;
            high = *last;
        } else {
            const auto single = value(base);
            if (!single)
                return false;
            low = *single;
            high = hasStep ? m_spec.max : *single; // `10/5` means 10-max/5
        }

        for (int v = low; v <= high; v += step)
            *mask |= quint64(1) << (weekday && v == 7 ? 0 : v);
        return true;
    }

    std::optional<int> value(const QString &text)
    {
        if (isDigits(text)) {
            bool ok = false;
            const int v = text.toInt(&ok);
            if (!ok || v < m_spec.min || v > m_spec.max) {
                fail(QStringLiteral("'%1' is out of range %2-%3")
                         .arg(text)
                         .arg(m_spec.min)
                         .arg(m_spec.max));
                return std::nullopt;
            }
            return v;
        }
        if (m_spec.names) {
            const int count = m_spec.names == kMonthNames ? 12 : 7;
            for (int i = 0; i < count; ++i) {
                if (text.compare(QLatin1String(m_spec.names[i]), Qt::CaseInsensitive) == 0)
                    return m_spec.nameBase + i;
            }
            fail(QStringLiteral("'%1' is not a number or %2").arg(text, m_spec.namesHint));
            return std::nullopt;
        }
        fail(QStringLiteral("'%1' is not a number").arg(text));
        return std::nullopt;
    }

    std::nullopt_t fail(const QString &message)
    {
        if (m_error)
            *m_error = QStringLiteral("%1 field: %2").arg(QLatin1String(m_spec.name), message);
        return std::nullopt;
    }
    bool failed(const QString &message)
    {
        fail(message);
        return false;
    }

    const FieldSpec &m_spec;
    QString *m_error;
};

} // namespace

/// The zone's offset over one stretch of time between two transitions, [start, end), and the
/// offset just before it. Kept across successive fire times so nextN() and between() ask the
/// zone only at transitions.
class CronExpression::ZoneCursor
{
public:
    explicit ZoneCursor(const QTimeZone &zone)
        : m_zone(zone)
        , m_hasTransitions(zone.hasTransitions())
    { }

    void locate(qint64 t)
    {
        if (m_valid && t >= start && t < end)
            return;
        const QDateTime at = QDateTime::fromSecsSinceEpoch(t, Qt::UTC);
        offset = previousOffset = m_zone.offsetFromUtc(at);
        start = kNoStart;
        end = kNoEnd;
        if (m_hasTransitions) {
            const auto next = m_zone.nextTransition(at);
            if (next.atUtc.isValid())
                end = next.atUtc.toSecsSinceEpoch();
            const auto previous = m_zone.previousTransition(at.addSecs(1));
            if (previous.atUtc.isValid()) {
                start = previous.atUtc.toSecsSinceEpoch();
                previousOffset = m_zone.offsetFromUtc(previous.atUtc.addSecs(-1));
            }
        }
        m_valid = true;
    }

    /// Moves to the stretch that starts at end (which must exist).
    void advance()
    {
        start = end;
        previousOffset = offset;
        const QDateTime at = QDateTime::fromSecsSinceEpoch(start, Qt::UTC);
        offset = m_zone.offsetFromUtc(at);
        const auto next = m_zone.nextTransition(at);
        end = next.atUtc.isValid() ? next.atUtc.toSecsSinceEpoch() : kNoEnd;
    }

    qint64 start = kNoStart;
    qint64 end = kNoEnd;
    int offset = 0;
    int previousOffset = 0;

private:
    const QTimeZone &m_zone;
    bool m_hasTransitions;
    bool m_valid = false;
};

std::optional<CronExpression> CronExpression::parse(const QString &text, QString *error)
{
    const auto fail = [error](const QString &message) {
        if (error)
            *error = message;
        return std::nullopt;
    };

    static const QRegularExpression whitespace(QStringLiteral("\\s+"));
    const QString trimmed = text.trimmed();
    QStringList fields = trimmed.split(whitespace, Qt::SkipEmptyParts);

    if (trimmed.startsWith(QLatin1Char('@'))) {
        const QString name = fields.first().toLower();
        if (name == QLatin1String("@reboot"))
            return fail(QStringLiteral("'%1' is not supported: schedules fire at times, not when "
                                       "the engine starts")
                            .arg(fields.first()));
        const auto macro
            = std::find_if(std::begin(kMacros), std::end(kMacros),
                           [&](const Macro &m) { return name == QLatin1String(m.name); });
        if (macro == std::end(kMacros))
            return fail(QStringLiteral("unknown macro '%1'; expected @yearly, @annually, @monthly, "
                                       "@weekly, @daily, @midnight or @hourly")
                            .arg(fields.first()));
        if (fields.size() > 1)
            return fail(QStringLiteral("macro '%1' stands alone, got '%2' after it")
                            .arg(fields.first(), fields.mid(1).join(QLatin1Char(' '))));
        fields = QString::fromLatin1(macro->expansion).split(QLatin1Char(' '));
    }

    if (fields.size() != 5)
        return fail(QStringLiteral("expected 5 fields (minute hour day-of-month month "
                                   "day-of-week), got %1")
                        .arg(fields.size()));

    quint64 masks[5] = {};
    for (int i = 0; i < 5; ++i) {
        FieldParser parser(kFields[i], error);
        const auto mask = parser.parse(fields[i]);
        if (!mask)
            return std::nullopt;
        masks[i] = *mask;
    }

    CronExpression cron;
    cron.m_text = trimmed;
    cron.m_minutes = masks[0];
    cron.m_hours = quint32(masks[1]);
    cron.m_daysOfMonth = quint32(masks[2]);
    cron.m_months = quint32(masks[3]);
    cron.m_daysOfWeek = quint32(masks[4]);
    // Vixie cron's flags: a field that starts with '*' is a wildcard, even with a step.
    const auto star = [&](int i) {
        return fields[i].startsWith(QLatin1Char('*'));
    };
    cron.m_domStar = star(2);
    cron.m_dowStar = star(4);
    cron.m_fixedTime = !star(0) && !star(1);
    return cron;
}

bool CronExpression::dayMatches(int day, int dayOfWeek) const
{
    const bool dom = (m_daysOfMonth >> day) & 1;
    const bool dow = (m_daysOfWeek >> dayOfWeek) & 1;
    return (m_domStar || m_dowStar) ? (dom && dow) : (dom || dow);
}

std::optional<qint64> CronExpression::nextLocal(qint64 from, qint64 limit) const
{
    from = ceilToMinute(from);
    const qint64 firstDay = floorDiv(from, kSecsPerDay);
    const int secondOfDay = int(from - firstDay * kSecsPerDay);
    int hour = secondOfDay / 3600;
    int minute = secondOfDay % 3600 / 60;
    QDate date = QDate::fromJulianDay(firstDay + kEpochJulianDay);

    const auto nextDay = [&] {
        date = date.addDays(1);
        hour = minute = 0;
    };
    // Field by field: each step either accepts the field or jumps to the next candidate for it.
    for (;;) {
        const qint64 dayStart = (date.toJulianDay() - kEpochJulianDay) * kSecsPerDay;
        if (dayStart >= limit)
            return std::nullopt;
        int year = 0;
        int month = 0;
        int day = 0;
        date.getDate(&year, &month, &day);
        if (!((m_months >> month) & 1)) {
            int nextMonth = nextBit(m_months, month + 1);
            if (nextMonth < 0) {
                ++year;
                nextMonth = nextBit(m_months, 1);
            }
            date = QDate(year, nextMonth, 1);
            hour = minute = 0;
            continue;
        }
        if (!dayMatches(day, date.dayOfWeek() % 7)) {
            nextDay();
            continue;
        }
        const int h = nextBit(m_hours, hour);
        if (h < 0) {
            nextDay();
            continue;
        }
        if (h != hour) {
            hour = h;
            minute = 0;
        }
        const int m = nextBit(m_minutes, minute);
        if (m < 0) {
            minute = 0;
            if (++hour > 23)
                nextDay();
            continue;
        }
        const qint64 result = dayStart + hour * 3600 + m * 60;
        if (result >= limit)
            return std::nullopt;
        return result;
    }
}

std::optional<qint64> CronExpression::nextInstant(qint64 after, ZoneCursor &cursor) const
{
    cursor.locate(after);
    const qint64 horizon = after + cursor.offset + kHorizonSecs; // local wall clock
    for (;;) {
        const qint64 start = cursor.start;
        const qint64 end = cursor.end;
        const qint64 offset = cursor.offset;
        const qint64 previousOffset = cursor.previousOffset;
        const bool afterStart = start == kNoStart || start <= after;

        // Spring forward: local [start + previousOffset, start + offset) never happens; a
        // fixed-time job due in it fires once, at the first instant after the gap.
        if (m_fixedTime && !afterStart && offset > previousOffset
            && nextLocal(start + previousOffset, std::min(start + offset, horizon))) {
            return start;
        }

        qint64 from = floorToMinute(after + offset) + 60;
        if (start != kNoStart) {
            from = std::max(from, start + offset);
            // Fall back: local [start + offset, start + previousOffset) happened already before
            // the transition; a fixed-time job fired at the first occurrence.
            if (m_fixedTime && previousOffset > offset)
                from = std::max(from, start + previousOffset);
        }
        const qint64 limit = end == kNoEnd ? horizon : std::min(horizon, end + offset);
        if (from < limit) {
            if (const auto local = nextLocal(from, limit))
                return *local - offset;
        }
        if (end == kNoEnd || end + offset >= horizon)
            return std::nullopt;
        cursor.advance();
    }
}

std::optional<QDateTime> CronExpression::next(const QDateTime &after, const QTimeZone &zone) const
{
    if (!after.isValid() || !zone.isValid())
        return std::nullopt;
    ZoneCursor cursor(zone);
    const auto instant = nextInstant(floorSecs(after), cursor);
    if (!instant)
        return std::nullopt;
    return QDateTime::fromSecsSinceEpoch(*instant, zone);
}

QList<QDateTime> CronExpression::nextN(const QDateTime &after, const QTimeZone &zone,
                                       int count) const
{
    QList<QDateTime> result;
    if (!after.isValid() || !zone.isValid() || count <= 0)
        return result;
    result.reserve(count);
    ZoneCursor cursor(zone);
    qint64 t = floorSecs(after);
    while (result.size() < count) {
        const auto instant = nextInstant(t, cursor);
        if (!instant)
            break;
        t = *instant;
        result.append(QDateTime::fromSecsSinceEpoch(t, zone));
    }
    return result;
}

QList<QDateTime> CronExpression::between(const QDateTime &from, const QDateTime &to,
                                         const QTimeZone &zone, int limit) const
{
    QList<QDateTime> result;
    if (!from.isValid() || !to.isValid() || !zone.isValid() || limit <= 0)
        return result;
    ZoneCursor cursor(zone);
    const qint64 last = floorSecs(to);
    qint64 t = floorSecs(from);
    while (result.size() < limit) {
        const auto instant = nextInstant(t, cursor);
        if (!instant || *instant > last)
            break;
        t = *instant;
        result.append(QDateTime::fromSecsSinceEpoch(t, zone));
    }
    return result;
}

} // namespace Baton
