#include "schedulecommands.h"

#include "access/identity.h"
#include "common.h"
#include "engine/engine.h"
#include "engine/enginelease.h"
#include "engine/runservice.h"
#include "output.h"
#include "scheduling/backfill.h"
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
            from = Backfill::parseWhen(parser.value(QStringLiteral("from")), zone, false, &error);
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
    BackfillRequest request;
    request.project = args[0].section(QLatin1Char('/'), 0, 0);
    request.pipeline = args[0].section(QLatin1Char('/'), 1);
    request.from = parser.value(QStringLiteral("from"));
    request.to = parser.value(QStringLiteral("to"));
    request.maxActive = maxActive;
    request.environment = parser.value(QStringLiteral("env"));
    request.actor = currentUser();
    auto ws = openWorkspace(options);
    BackfillPlan plan;
    try {
        plan = Backfill::plan(ws->store().db(), request);
    } catch (const Error &e) {
        // The dialog names fields; here they are options.
        const QString message = e.message();
        const bool option = message.startsWith(QLatin1String("from: "))
            || message.startsWith(QLatin1String("to: "));
        err(QStringLiteral("baton backfill: ")
            + (option ? QStringLiteral("--") : QStringLiteral("error: ")) + message);
        return Failure;
    }
    if (plan.times.isEmpty()) {
        out(QStringLiteral("no fire times of %1 between %2 and %3")
                .arg(args[0], plan.from.toString(Qt::ISODate), plan.to.toString(Qt::ISODate)));
        return Ok;
    }
    out(QStringLiteral("backfill %1 in %2: %3 fire time(s) from %4 to %5, at most %6 at once")
            .arg(args[0], plan.environment)
            .arg(plan.times.size())
            .arg(
                QDateTime::fromMSecsSinceEpoch(plan.times.first(), plan.zone).toString(Qt::ISODate),
                QDateTime::fromMSecsSinceEpoch(plan.times.last(), plan.zone).toString(Qt::ISODate))
            .arg(maxActive));

    std::unique_ptr<Engine> engine = engineIfNone(*ws);
    // The same driver as the console's Backfill… dialog, on this thread's event loop.
    QEventLoop loop;
    Backfill backfill(&ws->store(), plan);
    QString lastLine;
    QObject::connect(&backfill, &Backfill::progressed, [&](const BackfillProgress &p) {
        const QString line = QStringLiteral("backfill: %1/%2 done (%3 failed), %4 running")
                                 .arg(p.finished)
                                 .arg(p.total)
                                 .arg(p.failed)
                                 .arg(p.active);
        if (line != lastLine) {
            out(line);
            lastLine = line;
        }
    });
    QObject::connect(&backfill, &Backfill::finished, &loop, [&] { loop.exit(0); });
    QObject::connect(&backfill, &Backfill::failed, &loop, [&](const QString &message) {
        err(QStringLiteral("baton backfill: error: ") + message);
        loop.exit(1);
    });
    QTimer::singleShot(0, &backfill, [&backfill] { backfill.start(); });
    const int rc = loop.exec();
    if (engine)
        engine->stop();
    if (rc != 0)
        return Failure;
    const BackfillProgress p = backfill.progress();
    if (p.resumed > 0)
        out(QStringLiteral("(%1 run(s) already existed from an earlier backfill and were reused)")
                .arg(p.resumed));
    return p.failed == 0 ? Ok : Failure;
}

} // namespace Baton::Cli
