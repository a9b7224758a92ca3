#include "dashboardcommands.h"

#include "access/identity.h"
#include "common.h"
#include "engine/engine.h"
#include "engine/runservice.h"
#include "model/runstate.h"
#include "monitoring/alertrules.h"
#include "output.h"
#include "release/promotion.h"
#include "scheduling/scheduleservice.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "util/error.h"
#include "util/number.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonObject>
#include <QTimeZone>
#include <QTimer>

namespace Baton::Cli {

namespace {

QString timeText(qint64 ms)
{
    return ms ? QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
              : QStringLiteral("-");
}

QJsonObject toJson(const AlertFiring &f)
{
    QJsonArray runs;
    for (const qint64 r : f.runIds)
        runs.append(r);
    QJsonObject o {
        { QStringLiteral("id"), f.id },
        { QStringLiteral("project"), f.project },
        { QStringLiteral("rule"), f.rule },
        { QStringLiteral("metric"), f.metric },
        { QStringLiteral("condition"), f.condition },
        { QStringLiteral("limit"), f.limit },
        { QStringLiteral("environment"), f.environment },
        { QStringLiteral("state"), f.state },
        { QStringLiteral("value"), f.value },
        { QStringLiteral("runs"), runs },
        { QStringLiteral("message"), f.message },
        { QStringLiteral("fired_at"),
          QDateTime::fromMSecsSinceEpoch(f.firedAt, Qt::UTC).toString(Qt::ISODateWithMs) }
    };
    if (f.hasBaseline) {
        o.insert(QStringLiteral("baseline"), f.baseline);
        o.insert(QStringLiteral("change_percent"), f.changePercent);
        o.insert(QStringLiteral("from_version"), f.fromVersion);
        o.insert(QStringLiteral("to_version"), f.toVersion);
    }
    if (f.deploymentId)
        o.insert(QStringLiteral("deployment"), f.deploymentId);
    if (f.acknowledgedAt)
        o.insert(QStringLiteral("acknowledged_by"), f.acknowledgedBy);
    return o;
}

// Runs PROJECT/PIPELINE once per day for the @p days logical days ending @p lastDaysAgo days
// ago, in ENV, two at a time, and waits for them all.
bool backfillDays(Workspace &ws, const QString &project, const QString &pipeline,
                  const QString &environment, int firstDaysAgo, int lastDaysAgo)
{
    const QDate today = QDate::currentDate();
    QTimeZone zone;
    const QList<qint64> times = ScheduleService::backfillTimes(
        ws.store().db(), project, pipeline, today.addDays(-firstDaysAgo).startOfDay(),
        today.addDays(-lastDaysAgo).endOfDay(), &zone);
    QList<qint64> pending = times;
    QList<qint64> active;
    QEventLoop loop;
    bool ok = true;
    int done = 0;
    auto step = [&] {
        try {
            QList<qint64> still;
            for (const qint64 id : std::as_const(active)) {
                const auto s = RunService::runState(ws.store().db(), id);
                if (s && isTerminal(*s)) {
                    ++done;
                    ok = ok && *s == RunState::Succeeded;
                } else {
                    still << id;
                }
            }
            active = still;
            while (active.size() < 2 && !pending.isEmpty()) {
                bool created = false;
                active << ScheduleService::backfillRun(ws.store(), project, pipeline, environment,
                                                       pending.takeFirst(), zone, currentUser(),
                                                       &created);
            }
            if (active.isEmpty() && pending.isEmpty())
                loop.quit();
        } catch (const Error &e) {
            err(QStringLiteral("baton init: history: ") + e.message());
            ok = false;
            loop.quit();
        }
    };
    QTimer timer;
    QObject::connect(&timer, &QTimer::timeout, step);
    timer.start(200);
    QTimer::singleShot(0, &loop, step);
    loop.exec();
    out(QStringLiteral("  %1 run(s) of %2/%3 in %4").arg(done).arg(project, pipeline, environment));
    return ok;
}

} // namespace

int demoHistory(Workspace &ws)
{
    // The demo's release history (DemoHistory) left model v6 (nightly v2) in prod and model v7
    // (nightly v3) in preprod with a prod promotion waiting for approval. Run v6 in prod, check
    // v7 in preprod, approve the promotion, run v7 in prod: the regression rule fires.
    out(QStringLiteral("demo run history: churn/nightly in prod, model v6 then v7 (about 30 s)"));
    std::unique_ptr<Engine> engine = engineIfNone(ws, 2);
    if (!engine && !engineAlive(ws)) {
        err(QStringLiteral("baton init: history: no engine could start"));
        return Failure;
    }
    const QString project = QStringLiteral("churn");
    const QString pipeline = QStringLiteral("nightly");
    bool ok = backfillDays(ws, project, pipeline, QStringLiteral("prod"), 12, 7);
    ok = backfillDays(ws, project, pipeline, QStringLiteral("preprod"), 7, 7) && ok;
    const qint64 request
        = Sql::scalar(ws.store().db(),
                      QStringLiteral("SELECT r.id FROM promotion_requests r JOIN pipelines l ON "
                                     "l.id = r.pipeline_id JOIN projects p ON p.id = l.project_id "
                                     "JOIN environments e ON e.id = r.to_environment_id WHERE "
                                     "p.name = ? AND l.name = ? AND e.name = 'prod' AND r.state = "
                                     "'pending' ORDER BY r.id DESC LIMIT 1"),
                      { project, pipeline })
              .toLongLong();
    if (request == 0) {
        err(QStringLiteral("baton init: history: no pending promotion of churn/nightly to prod"));
        return Failure;
    }
    try {
        Promotion::approve(ws.store(), request, currentUser());
    } catch (const Error &e) {
        err(QStringLiteral("baton init: history: approving request %1: %2")
                .arg(request)
                .arg(e.message()));
        return Failure;
    }
    out(QStringLiteral("  approved request %1: model v7 (nightly v3) promoted to prod")
            .arg(request));
    ok = backfillDays(ws, project, pipeline, QStringLiteral("prod"), 6, 1) && ok;
    if (engine)
        engine->stop();
    // The engine evaluates rules after each run; this catches a run that ended as it stopped.
    AlertRules::evaluatePending(ws.store(), currentUser());
    const int open = AlertRules::openCount(ws.store().db());
    out(QStringLiteral("  %1 alert(s) firing: see `baton alerts` or the console's Dashboards")
            .arg(open));
    return ok ? Ok : Failure;
}

void setupAlerts(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("ACTION"),
                            QStringLiteral("Nothing (list), check (evaluate now) or ack ID."),
                            QStringLiteral("[check | ack ID]"));
    p.addOption({ QStringLiteral("all"),
                  QStringLiteral("Every firing, also resolved and acknowledged ones.") });
    p.addOption({ QStringLiteral("json"), QStringLiteral("Print JSON.") });
}

int cmdAlerts(QCommandLineParser &parser, const GlobalOptions &options)
{
    const QStringList args = parser.positionalArguments();
    const QString action = args.value(0);
    if (!(args.isEmpty() || (action == QLatin1String("check") && args.size() == 1)
          || (action == QLatin1String("ack") && args.size() == 2))) {
        err(QStringLiteral("usage: baton alerts [--all] [--json] | alerts check | alerts ack ID"));
        return Usage;
    }
    auto ws = openWorkspace(options);
    if (action == QLatin1String("ack")) {
        const auto parsed = parseWholeNumber(args.at(1), 1);
        const qint64 id = parsed.value_or(0);
        if (!parsed) {
            err(QStringLiteral("baton alerts ack: '%1' is not an alert id").arg(args.at(1)));
            return Usage;
        }
        AlertRules::acknowledge(ws->store(), id, currentUser());
        out(QStringLiteral("alert %1 acknowledged").arg(id));
        return Ok;
    }
    if (action == QLatin1String("check")) {
        const QList<AlertFiring> fired = AlertRules::evaluate(ws->store(), currentUser());
        for (const AlertFiring &f : fired)
            out(QStringLiteral("fired: %1/%2: %3").arg(f.project, f.rule, f.message));
        out(QStringLiteral("%1 new alert(s)").arg(fired.size()));
        return Ok;
    }
    const QList<AlertFiring> firings
        = AlertRules::firings(ws->store().db(), !parser.isSet(QStringLiteral("all")), 1000);
    if (parser.isSet(QStringLiteral("json"))) {
        QJsonArray array;
        for (const AlertFiring &f : firings)
            array.append(toJson(f));
        printJson(array);
        return Ok;
    }
    QList<QStringList> rows;
    for (const AlertFiring &f : firings) {
        const QString state = f.acknowledgedAt ? QStringLiteral("acknowledged") : f.state;
        rows << QStringList { QString::number(f.id),
                              timeText(f.firedAt),
                              f.project + QLatin1Char('/') + f.rule,
                              f.environment,
                              state,
                              f.message };
    }
    printTable({ QStringLiteral("ID"), QStringLiteral("FIRED"), QStringLiteral("RULE"),
                 QStringLiteral("ENV"), QStringLiteral("STATE"), QStringLiteral("WHAT") },
               rows);
    return Ok;
}

} // namespace Baton::Cli
