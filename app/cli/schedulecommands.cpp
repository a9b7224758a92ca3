#include "schedulecommands.h"

#include "access/identity.h"
#include "common.h"
#include "engine/engine.h"
#include "engine/enginelease.h"
#include "engine/runservice.h"
#include "output.h"
#include "scheduling/cronexpression.h"
#include "scheduling/schedulefirer.h"
#include "scheduling/scheduleservice.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "util/error.h"
#include "util/logging.h"

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonObject>
#include <QTimer>

namespace Baton::Cli {

namespace {

/// "2026-11-01" (midnight, or the end of that day for @p endOfDay) or a full ISO 8601 time;
/// a time without an offset is read in @p zone.
QDateTime parseWhen(const QString &text, const QTimeZone &zone, bool endOfDay, QString *error)
{
    const QDate date = QDate::fromString(text, Qt::ISODate);
    if (date.isValid() && text.size() == 10) {
        const QDateTime start(date, QTime(0, 0), zone);
        return endOfDay ? start.addDays(1).addMSecs(-1) : start;
    }
    QDateTime t = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!t.isValid()) {
        *error = QStringLiteral("'%1' is not a date (YYYY-MM-DD) or an ISO 8601 time").arg(text);
        return {};
    }
    if (t.timeSpec() == Qt::LocalTime)
        t = QDateTime(t.date(), t.time(), zone);
    return t;
}

} // namespace

void setupSchedule(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("ACTION"),
                            QStringLiteral("next \"EXPR\" | list | pause PROJECT/PIPELINE | "
                                           "resume PROJECT/PIPELINE"));
    p.addOption({ QStringLiteral("tz"),
                  QStringLiteral("IANA time zone for next (default: the "
                                 "workspace's, else the system's)."),
                  QStringLiteral("ZONE") });
    p.addOption({ QStringLiteral("from"), QStringLiteral("Start for next (ISO 8601; default now)."),
                  QStringLiteral("ISO8601") });
    p.addOption({ QStringLiteral("count"), QStringLiteral("How many fire times (default 5)."),
                  QStringLiteral("N"), QStringLiteral("5") });
    p.addOption({ QStringLiteral("json"), QStringLiteral("Print JSON (list).") });
}

int cmdSchedule(QCommandLineParser &parser, const GlobalOptions &options)
{
    const QStringList args = parser.positionalArguments();
    const QString action = args.value(0);
    if (action == QLatin1String("next")) {
        if (args.size() != 2) {
            err(QStringLiteral("usage: baton schedule next \"EXPR\" [--tz ZONE] [--from ISO8601] "
                               "[--count N]"));
            return Usage;
        }
        QString error;
        const auto cron = CronExpression::parse(args[1], &error);
        if (!cron) {
            err(QStringLiteral("baton schedule next: \"%1\": %2").arg(args[1], error));
            return Failure;
        }
        QTimeZone zone = QTimeZone::systemTimeZone();
        if (parser.isSet(QStringLiteral("tz"))) {
            const QByteArray id = parser.value(QStringLiteral("tz")).toUtf8();
            if (!QTimeZone::isTimeZoneIdAvailable(id)) {
                err(QStringLiteral("baton schedule next: --tz: unknown time zone '%1'")
                        .arg(parser.value(QStringLiteral("tz"))));
                return Failure;
            }
            zone = QTimeZone(id);
        }
        QDateTime from = QDateTime::currentDateTime().toTimeZone(zone);
        if (parser.isSet(QStringLiteral("from"))) {
            from = parseWhen(parser.value(QStringLiteral("from")), zone, false, &error);
            if (!from.isValid()) {
                err(QStringLiteral("baton schedule next: --from: ") + error);
                return Failure;
            }
        }
        const int count = int(numberOption(parser, QStringLiteral("count"), 1, 100000));
        const QList<QDateTime> times = cron->nextN(from, zone, count);
        if (times.isEmpty()) {
            // An empty answer would read as "nothing to show"; this expression is a mistake.
            err(QStringLiteral("baton schedule next: \"%1\" never fires: no date matches it")
                    .arg(args[1]));
            return Failure;
        }
        for (const QDateTime &t : times)
            out(t.toString(Qt::ISODate));
        return Ok;
    }
    if (action == QLatin1String("list")) {
        auto ws = openWorkspace(options);
        const QList<ScheduleInfo> list = ScheduleService::list(ws->store().db());
        if (parser.isSet(QStringLiteral("json"))) {
            QJsonArray array;
            for (const ScheduleInfo &s : list) {
                QJsonArray next;
                for (const QDateTime &t : s.next)
                    next.append(t.toString(Qt::ISODate));
                array.append(QJsonObject { { QStringLiteral("project"), s.project },
                                           { QStringLiteral("pipeline"), s.pipeline },
                                           { QStringLiteral("cron"), s.cron },
                                           { QStringLiteral("timezone"), s.effectiveZone },
                                           { QStringLiteral("environment"), s.environment },
                                           { QStringLiteral("misfire"), s.misfire },
                                           { QStringLiteral("paused"), s.paused },
                                           { QStringLiteral("next"), next },
                                           { QStringLiteral("error"), s.error } });
            }
            printJson(array);
            return Ok;
        }
        QList<QStringList> rows;
        for (const ScheduleInfo &s : list) {
            rows << QStringList { s.project + QLatin1Char('/') + s.pipeline,
                                  s.cron,
                                  s.effectiveZone,
                                  s.environment,
                                  s.paused ? QStringLiteral("paused") : QStringLiteral("active"),
                                  s.error.isEmpty()
                                      ? (s.next.isEmpty() ? QStringLiteral("never")
                                                          : s.next.first().toString(Qt::ISODate))
                                      : s.error };
        }
        printTable({ QStringLiteral("PIPELINE"), QStringLiteral("CRON"), QStringLiteral("ZONE"),
                     QStringLiteral("ENV"), QStringLiteral("STATE"), QStringLiteral("NEXT") },
                   rows);
        return Ok;
    }
    if (action == QLatin1String("pause") || action == QLatin1String("resume")) {
        if (args.size() != 2 || !args[1].contains(QLatin1Char('/'))) {
            err(QStringLiteral("usage: baton schedule %1 PROJECT/PIPELINE").arg(action));
            return Usage;
        }
        auto ws = openWorkspace(options);
        ScheduleService::setPaused(ws->store(), args[1].section(QLatin1Char('/'), 0, 0),
                                   args[1].section(QLatin1Char('/'), 1),
                                   action == QLatin1String("pause"), currentUser());
        out(QStringLiteral("schedule of %1 %2")
                .arg(args[1],
                     action == QLatin1String("pause") ? QStringLiteral("paused")
                                                      : QStringLiteral("resumed")));
        return Ok;
    }
    err(QStringLiteral("usage: baton schedule next \"EXPR\" | list | pause P/PL | resume P/PL"));
    return Usage;
}

void setupBackfill(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("PROJECT/PIPELINE"),
                            QStringLiteral("What to backfill."));
    p.addOption({ QStringLiteral("from"),
                  QStringLiteral("First logical date (YYYY-MM-DD or ISO 8601)."),
                  QStringLiteral("DATE") });
    p.addOption({ QStringLiteral("to"), QStringLiteral("Last logical date, inclusive."),
                  QStringLiteral("DATE") });
    p.addOption({ QStringLiteral("max-active"),
                  QStringLiteral("Most backfill runs at once (default 1)."), QStringLiteral("N"),
                  QStringLiteral("1") });
    p.addOption({ QStringLiteral("env"), QStringLiteral("Environment (default: the schedule's)."),
                  QStringLiteral("ENV") });
}

int cmdBackfill(QCommandLineParser &parser, const GlobalOptions &options)
{
    lineBuffered(); // progress, one line per run

    const QStringList args = parser.positionalArguments();
    if (args.size() != 1 || !args[0].contains(QLatin1Char('/'))
        || !parser.isSet(QStringLiteral("from")) || !parser.isSet(QStringLiteral("to"))) {
        err(QStringLiteral("usage: baton backfill PROJECT/PIPELINE --from DATE --to DATE "
                           "[--max-active N] [--env ENV]"));
        return Usage;
    }
    const int maxActive = int(numberOption(parser, QStringLiteral("max-active"), 1, 4096));
    const QString project = args[0].section(QLatin1Char('/'), 0, 0);
    const QString pipeline = args[0].section(QLatin1Char('/'), 1);
    auto ws = openWorkspace(options);
    QString environment = parser.value(QStringLiteral("env"));
    QString zoneName;
    for (const ScheduleInfo &s : ScheduleService::list(ws->store().db(), 0)) {
        if (s.project == project && s.pipeline == pipeline) {
            zoneName = s.effectiveZone;
            if (environment.isEmpty())
                environment = s.environment;
        }
    }
    const QTimeZone scheduleZone
        = zoneName.isEmpty() ? QTimeZone::systemTimeZone() : QTimeZone(zoneName.toUtf8());
    QString error;
    const QDateTime from
        = parseWhen(parser.value(QStringLiteral("from")), scheduleZone, false, &error);
    if (!from.isValid()) {
        err(QStringLiteral("baton backfill: --from: ") + error);
        return Failure;
    }
    const QDateTime to = parseWhen(parser.value(QStringLiteral("to")), scheduleZone, true, &error);
    if (!to.isValid()) {
        err(QStringLiteral("baton backfill: --to: ") + error);
        return Failure;
    }
    QTimeZone zone;
    const QList<qint64> times
        = ScheduleService::backfillTimes(ws->store().db(), project, pipeline, from, to, &zone);
    if (times.isEmpty()) {
        out(QStringLiteral("no fire times of %1 between %2 and %3")
                .arg(args[0], from.toString(Qt::ISODate), to.toString(Qt::ISODate)));
        return Ok;
    }
    out(QStringLiteral("backfill %1 in %2: %3 fire time(s) from %4 to %5, at most %6 at once")
            .arg(args[0], environment)
            .arg(times.size())
            .arg(QDateTime::fromMSecsSinceEpoch(times.first(), zone).toString(Qt::ISODate),
                 QDateTime::fromMSecsSinceEpoch(times.last(), zone).toString(Qt::ISODate))
            .arg(maxActive));

    std::unique_ptr<Engine> engine = engineIfNone(*ws);
    // Drives the backfill: keeps up to max-active runs going, creates the next one as one ends.
    // Runs that already exist (an interrupted backfill) are picked up, not created again.
    QEventLoop loop;
    int nextIndex = 0;
    QList<qint64> active;
    int done = 0, failed = 0, resumed = 0;
    QString lastLine;
    auto step = [&] {
        try {
            QList<qint64> still;
            for (qint64 id : active) {
                const auto s = RunService::runState(ws->store().db(), id);
                if (s && isTerminal(*s)) {
                    ++done;
                    failed += *s == RunState::Succeeded ? 0 : 1;
                } else {
                    still << id;
                }
            }
            active = still;
            while (active.size() < maxActive && nextIndex < times.size()) {
                bool created = false;
                const qint64 id = ScheduleService::backfillRun(ws->store(), project, pipeline,
                                                               environment, times[nextIndex++],
                                                               zone, currentUser(), &created);
                resumed += created ? 0 : 1;
                active << id;
            }
            const QString line = QStringLiteral("backfill: %1/%2 done (%3 failed), %4 running")
                                     .arg(done)
                                     .arg(times.size())
                                     .arg(failed)
                                     .arg(active.size());
            if (line != lastLine) {
                out(line);
                lastLine = line;
            }
            if (active.isEmpty() && nextIndex >= times.size())
                loop.quit();
        } catch (const Error &e) {
            err(QStringLiteral("baton backfill: error: ") + e.message());
            loop.exit(1);
        }
    };
    QTimer timer;
    QObject::connect(&timer, &QTimer::timeout, step);
    timer.start(200);
    QTimer::singleShot(0, &loop, step);
    const int rc = loop.exec();
    if (engine)
        engine->stop();
    if (rc != 0)
        return Failure;
    if (resumed > 0)
        out(QStringLiteral("(%1 run(s) already existed from an earlier backfill and were reused)")
                .arg(resumed));
    return failed == 0 ? Ok : Failure;
}

} // namespace Baton::Cli
