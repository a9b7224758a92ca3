// A pipeline's schedule (cron, checked by the engine's own parser) and time zone.
#include "io/parser/documentparser.h"
#include "scheduling/cronexpression.h"
#include "util/suggest.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QTimeZone>

namespace Baton::Parser {

namespace {

const QStringList kCronShortcuts
    = { QStringLiteral("@yearly"), QStringLiteral("@annually"), QStringLiteral("@monthly"),
        QStringLiteral("@weekly"), QStringLiteral("@daily"),    QStringLiteral("@midnight"),
        QStringLiteral("@hourly") };
const QStringList kCronFields
    = { QStringLiteral("minute"), QStringLiteral("hour"), QStringLiteral("day-of-month"),
        QStringLiteral("month"), QStringLiteral("day-of-week") };

} // namespace

void DocumentParser::schedule(const Entry &e, PipelineSpec *pipeline)
{
    const auto s = string(e);
    if (!s)
        return;
    const QString cron = s->trimmed();
    if (cron.isEmpty())
        return;
    if (cron.startsWith(QLatin1Char('@'))) {
        if (!kCronShortcuts.contains(cron)) {
            error(at(e),
                  QStringLiteral("schedule: unknown shortcut '%1'%2 (expected 5 fields or "
                                 "one of %3)")
                      .arg(cron, didYouMean(cron, kCronShortcuts),
                           kCronShortcuts.join(QStringLiteral(", "))));
            return;
        }
        pipeline->schedule = cron;
        return;
    }
    static const QRegularExpression space(QStringLiteral("\\s+"));
    const QStringList parts = cron.split(space, Qt::SkipEmptyParts);
    if (parts.size() != kCronFields.size()) {
        error(at(e),
              QStringLiteral("schedule: expected 5 fields (%1), got %2")
                  .arg(kCronFields.join(QLatin1Char(' ')))
                  .arg(parts.size()));
        return;
    }
    // The engine's own parser: what imports is what fires (and what `schedule next` accepts).
    QString problem;
    const auto expression = CronExpression::parse(cron, &problem);
    if (!expression) {
        error(at(e), QStringLiteral("schedule: %1 in '%2'").arg(problem, cron));
        return;
    }
    if (!expression->next(QDateTime::currentDateTimeUtc(), QTimeZone::utc()))
        warning(at(e),
                QStringLiteral("schedule '%1' never fires: no date matches its day-of-month, "
                               "month and day-of-week fields")
                    .arg(cron));
    pipeline->schedule = cron;
}

void DocumentParser::timezone(const Entry &e, PipelineSpec *pipeline)
{
    const auto s = string(e);
    if (!s || s->isEmpty())
        return;
    if (QTimeZone::isTimeZoneIdAvailable(s->toUtf8())) {
        pipeline->timezone = *s;
        return;
    }
    static const QStringList known = [] {
        QStringList ids;
        for (const QByteArray &id : QTimeZone::availableTimeZoneIds())
            ids << QString::fromUtf8(id);
        return ids;
    }();
    error(at(e), QStringLiteral("unknown time zone '%1'%2").arg(*s, didYouMean(*s, known)));
}

} // namespace Baton::Parser
