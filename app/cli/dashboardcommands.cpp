#include "dashboardcommands.h"

#include "access/auditlog.h"
#include "access/identity.h"
#include "common.h"
#include "engine/engine.h"
#include "engine/runservice.h"
#include "io/projectparser.h"
#include "model/runstate.h"
#include "monitoring/alertrules.h"
#include "output.h"
#include "scheduling/scheduleservice.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "util/error.h"

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

// A deployment row for the latest version of PROJECT/PIPELINE in ENV, audited. (The releases
// workflow owns promotion; the demo only records what it deploys.)
qint64 deployLatest(const Store &store, const QString &project, const QString &pipeline,
                    const QString &environment)
{
    qint64 id = 0;
    store.transaction([&](QSqlDatabase &tx) {
        QSqlQuery q = Sql::exec(
            tx,
            QStringLiteral("SELECT l.id, (SELECT max(id) FROM pipeline_versions WHERE pipeline_id "
                           "= l.id), (SELECT max(number) FROM pipeline_versions WHERE "
                           "pipeline_id = l.id), e.id FROM pipelines l JOIN projects p ON p.id = "
                           "l.project_id JOIN environments e ON e.project_id = p.id AND e.name = "
                           "? WHERE p.name = ? AND l.name = ?"),
            { environment, project, pipeline });
        if (!q.next())
            throw Error(QStringLiteral("cannot deploy %1/%2 to %3: not found")
                            .arg(project, pipeline, environment));
        const qint64 pipelineId = q.value(0).toLongLong();
        const qint64 versionId = q.value(1).toLongLong();
        const int number = q.value(2).toInt();
        const qint64 envId = q.value(3).toLongLong();
        q.finish();
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        id = Sql::insert(tx,
                         QStringLiteral("INSERT INTO deployments (environment_id, pipeline_id, "
                                        "pipeline_version_id, kind, deployed_by, deployed_at) "
                                        "VALUES (?, ?, ?, 'deploy', ?, ?)"),
                         { envId, pipelineId, versionId, currentUser(), now });
        AuditEvent e;
        e.at = now;
        e.actor = currentUser();
        e.action = QStringLiteral("pipeline.deploy");
        e.objectKind = QStringLiteral("deployment");
        e.objectId = id;
        e.objectName
            = QStringLiteral("%1/%2 v%3 → %4").arg(project, pipeline).arg(number).arg(environment);
        e.after = { { QStringLiteral("environment"), environment },
                    { QStringLiteral("version"), number } };
        e.details = QStringLiteral("demo history");
        AuditLog::record(tx, e);
    });
    return id;
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
    out(QStringLiteral("demo history: churn/nightly in prod, model v6 then v7 (about 15 s)"));
    std::unique_ptr<Engine> engine = engineIfNone(ws, 2);
    if (!engine && !engineAlive(ws)) {
        err(QStringLiteral("baton init: history: no engine could start"));
        return Failure;
    }
    const QString project = QStringLiteral("churn");
    const QString pipeline = QStringLiteral("nightly");
    const QString env = QStringLiteral("prod");
    deployLatest(ws.store(), project, pipeline, env);
    bool ok = backfillDays(ws, project, pipeline, env, 12, 7);

    // The v7 release: the demo project with the v7 recipe pinned in the train and score jobs.
    ParseResult parsed = ProjectParser::parsePath(QStringLiteral(":/demo/churn"));
    if (!parsed.ok() || parsed.projects.isEmpty()) {
        err(QStringLiteral("baton init: history: the demo project does not parse"));
        return Failure;
    }
    ProjectSpec v7 = parsed.projects.first();
    for (JobSpec &job : v7.jobs) {
        if (job.name == QLatin1String("train")) {
            job.command = QStringLiteral("MODEL_VERSION=v7 python3 train.py");
            job.releaseNote = QStringLiteral("v7: class-balanced training");
        } else if (job.name == QLatin1String("score")) {
            job.command = QStringLiteral("DECISION_THRESHOLD=0.35 python3 score.py");
            job.releaseNote = QStringLiteral("v7: decision threshold 0.35 to flag more churners");
        }
    }
    ProjectWriter::apply(ws.store(), { v7 }, currentUser());
    out(QStringLiteral("  released churn v7 (train v2, score v2, nightly v2)"));
    deployLatest(ws.store(), project, pipeline, env);
    ok = backfillDays(ws, project, pipeline, env, 6, 1) && ok;
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
        bool ok = false;
        const qint64 id = args.at(1).toLongLong(&ok);
        if (!ok || id <= 0) {
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
