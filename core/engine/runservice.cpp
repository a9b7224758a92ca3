#include "runservice.h"

#include "access/auditlog.h"
#include "model/projectspec.h"
#include "store/sql.h"
#include "store/sqldialect.h"
#include "store/store.h"
#include "util/error.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

namespace Baton {

namespace {

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QMap<QString, QString> parametersFrom(const QVariant &json)
{
    QMap<QString, QString> out;
    const QJsonObject o = QJsonDocument::fromJson(json.toString().toUtf8()).object();
    for (auto it = o.constBegin(); it != o.constEnd(); ++it)
        out.insert(it.key(), it.value().toString());
    return out;
}

const char *kRunColumns
    = "SELECT r.id, p.name, l.name, v.number, COALESCE(e.name, ''), r.state, r.trigger, "
      "r.requested_by, r.parameters, r.created_at, COALESCE(r.started_at, 0), "
      "COALESCE(r.finished_at, 0), COALESCE(r.logical_date, ''), r.review_state, r.active_ms, "
      "r.project_id FROM runs r JOIN "
      "projects p ON p.id = "
      "r.project_id "
      "JOIN pipelines l ON l.id = r.pipeline_id JOIN pipeline_versions v ON "
      "v.id = r.pipeline_version_id LEFT JOIN environments e ON e.id = r.environment_id ";

// A parameter that overrides a secret of the run's project (or a global one) is a secret: read
// models show it ***; only the engine reads runs.parameters itself.
void maskSecretParameters(const QSqlDatabase &db, RunSummary &s, qint64 projectId)
{
    for (auto it = s.parameters.begin(); it != s.parameters.end(); ++it) {
        if (Sql::scalar(db,
                        QStringLiteral("SELECT 1 FROM variables WHERE secret <> 0 AND name = ? "
                                       "AND (scope = 'global' OR project_id = ?) LIMIT 1"),
                        { it.key(), projectId })
                .isValid())
            it.value() = QStringLiteral("***");
    }
}

RunSummary summaryFrom(const QSqlDatabase &db, const QSqlQuery &q)
{
    RunSummary s;
    s.id = q.value(0).toLongLong();
    s.project = q.value(1).toString();
    s.pipeline = q.value(2).toString();
    s.pipelineVersion = q.value(3).toInt();
    s.environment = q.value(4).toString();
    s.state = parseRunState(q.value(5).toString(), s.id);
    s.trigger = q.value(6).toString();
    s.requestedBy = q.value(7).toString();
    s.parameters = parametersFrom(q.value(8));
    s.createdAt = q.value(9).toLongLong();
    s.startedAt = q.value(10).toLongLong();
    s.finishedAt = q.value(11).toLongLong();
    s.logicalDate = q.value(12).toString();
    s.review = q.value(13).toString();
    s.active.closedMs = q.value(14).toLongLong();
    s.active.ran = !q.value(14).isNull();
    if (!s.parameters.isEmpty())
        maskSecretParameters(db, s, q.value(15).toLongLong());
    return s;
}

// A live run's active clock comes from its attempts (a finished run's is stored).
void readLiveClocks(const QSqlDatabase &db, QList<RunSummary> &runs)
{
    QHash<qint64, QList<AttemptSpan>> spans;
    QStringList live;
    for (const RunSummary &r : std::as_const(runs)) {
        if (!isTerminal(r.state))
            live << QString::number(r.id);
    }
    if (live.isEmpty())
        return;
    QSqlQuery a = Sql::exec(db,
                            QStringLiteral("SELECT tr.run_id, COALESCE(a.started_at, 0), "
                                           "COALESCE(a.finished_at, 0), COALESCE(a.running_at_us / "
                                           "1000, 0) FROM task_attempts a JOIN "
                                           "task_runs tr ON tr.id = a.task_run_id WHERE "
                                           "tr.run_id %1")
                                .arg(SqlDialect::inJsonArray(db)),
                            { QLatin1Char('[') + live.join(QLatin1Char(',')) + QLatin1Char(']') });
    while (a.next())
        spans[a.value(0).toLongLong()] << AttemptSpan::of(
            a.value(1).toLongLong(), a.value(3).toLongLong(), a.value(2).toLongLong());
    for (RunSummary &r : runs) {
        const auto it = spans.constFind(r.id);
        if (it != spans.constEnd())
            r.active = Durations::runClock(*it);
    }
}

std::optional<int> optionalInt(const QVariant &v)
{
    if (v.isNull())
        return std::nullopt;
    return v.toInt();
}

} // namespace

qint64 RunService::createRun(const Store &store, const RunRequest &request)
{
    qint64 runId = 0;
    store.transaction([&](QSqlDatabase &db) { runId = insertRun(db, request); });
    return runId;
}

qint64 RunService::insertRun(const QSqlDatabase &db, const RunRequest &request)
{
    qint64 runId = 0;
    {
        QSqlQuery p = Sql::exec(db,
                                QStringLiteral("SELECT p.id, l.id FROM projects p LEFT JOIN "
                                               "pipelines l ON l.project_id = p.id AND l.name = ? "
                                               "AND l.archived_at IS NULL WHERE p.name = ?"),
                                { request.pipeline, request.project });
        if (!p.next())
            throw Error(QStringLiteral("no project named '%1'").arg(request.project));
        if (p.value(1).isNull()) {
            throw Error(QStringLiteral("project '%1' has no pipeline named '%2'")
                            .arg(request.project, request.pipeline));
        }
        const qint64 projectId = p.value(0).toLongLong();
        const qint64 pipelineId = p.value(1).toLongLong();

        QSqlQuery e = Sql::exec(db,
                                QStringLiteral("SELECT id, name FROM environments WHERE "
                                               "project_id = ? AND archived_at IS NULL ORDER BY "
                                               "position"),
                                { projectId });
        qint64 environmentId = 0;
        QStringList names;
        while (e.next()) {
            names << e.value(1).toString();
            const bool match = request.environment.isEmpty()
                ? environmentId == 0
                : e.value(1).toString() == request.environment;
            if (match && environmentId == 0)
                environmentId = e.value(0).toLongLong();
        }
        if (environmentId == 0) {
            throw Error(
                QStringLiteral("project '%1' has no environment '%2' (it has: %3)")
                    .arg(request.project, request.environment, names.join(QStringLiteral(", "))));
        }
        for (auto it = request.parameters.constBegin(); it != request.parameters.constEnd(); ++it) {
            if (!isValidVariableName(it.key())) {
                throw Error(QStringLiteral("--param %1: not a valid variable name (letters, "
                                           "digits and _ only, not starting with a digit)")
                                .arg(it.key()));
            }
        }

        // The version deployed to the environment: runs never pick up an undeployed version.
        QSqlQuery deployed = Sql::exec(db,
                                       QStringLiteral("SELECT pipeline_version_id, rewrites FROM "
                                                      "deployments WHERE environment_id = ? AND "
                                                      "pipeline_id = ? ORDER BY id DESC LIMIT 1"),
                                       { environmentId, pipelineId });
        QVariant version;
        QString rewrites = QStringLiteral("[]");
        if (deployed.next()) {
            version = deployed.value(0);
            rewrites = deployed.value(1).toString();
        }
        deployed.finish();
        if (!version.isValid() || version.isNull()) {
            const bool hasVersion = Sql::scalar(db,
                                                QStringLiteral("SELECT 1 FROM pipeline_versions "
                                                               "WHERE pipeline_id = ?"),
                                                { pipelineId })
                                        .isValid();
            if (!hasVersion)
                throw Error(QStringLiteral("pipeline %1/%2 has no version")
                                .arg(request.project, request.pipeline));
            const QString env
                = request.environment.isEmpty() ? names.value(0) : request.environment;
            throw Error(QStringLiteral("pipeline %1/%2 is not deployed in %3: promote a version "
                                       "there first (baton promote %1/%2 --to %3)")
                            .arg(request.project, request.pipeline, env));
        }

        QJsonObject params;
        for (auto it = request.parameters.constBegin(); it != request.parameters.constEnd(); ++it)
            params.insert(it.key(), it.value());
        const qint64 now = nowMs();
        if (request.scheduleId != 0
            && Sql::scalar(db,
                           QStringLiteral("SELECT 1 FROM runs WHERE schedule_id = ? AND "
                                          "fire_time = ?"),
                           { request.scheduleId, request.fireTimeMs })
                   .isValid()) {
            return 0; // this fire time already has its run: never two
        }
        runId = Sql::insert(
            db,
            QStringLiteral("INSERT INTO runs (project_id, pipeline_id, "
                           "pipeline_version_id, environment_id, state, trigger, "
                           "schedule_id, fire_time, logical_date, parameters, "
                           "parallelism, requested_by, created_at, rewrites) VALUES (?, ?, "
                           "?, ?, 'queued', ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
            { projectId, pipelineId, version, environmentId, request.trigger,
              Sql::nullable(request.scheduleId, request.scheduleId == 0),
              Sql::nullable(request.fireTimeMs, request.fireTimeMs == 0),
              request.logicalDate.isEmpty() ? QVariant() : QVariant(request.logicalDate),
              QString::fromUtf8(QJsonDocument(params).toJson(QJsonDocument::Compact)),
              request.parallelism, request.actor, now, rewrites });
        // Each task runs the job version deployed to the environment (a job promoted on its
        // own), else the one the pipeline version pins.
        Sql::exec(db,
                  QStringLiteral("INSERT INTO task_runs (run_id, pipeline_task_id, task_name, "
                                 "job_version_id, state, queued_at) SELECT ?, pt.id, pt.name, "
                                 "COALESCE((SELECT d.job_version_id FROM deployments d WHERE "
                                 "d.environment_id = ? AND d.job_id = pt.job_id ORDER BY d.id "
                                 "DESC LIMIT 1), pt.job_version_id), 'queued', ? FROM "
                                 "pipeline_tasks pt WHERE pt.pipeline_version_id = ? ORDER BY "
                                 "pt.position"),
                  { runId, environmentId, now, version });
        // Parameter names only: their values may be secrets.
        QJsonObject after { { QStringLiteral("environment"), request.environment },
                            { QStringLiteral("trigger"), request.trigger } };
        after.insert(QStringLiteral("parameters"),
                     QJsonValue::fromVariant(QStringList(request.parameters.keys())));
        AuditLog::record(
            db, 0, request.actor, QStringLiteral("run.request"),
            { QStringLiteral("run"), runId, request.project + QLatin1Char('/') + request.pipeline },
            {}, after);
    }
    return runId;
}

qint64 RunService::requestCancel(const Store &store, qint64 runId, const QString &task,
                                 const QString &actor)
{
    qint64 requestId = 0;
    store.transaction([&](QSqlDatabase &db) {
        const QVariant state
            = Sql::scalar(db, QStringLiteral("SELECT state FROM runs WHERE id = ?"), { runId });
        if (!state.isValid())
            throw Error(QStringLiteral("no run %1").arg(runId));
        const auto s = runStateFromString(state.toString());
        if (s && isTerminal(*s))
            throw Error(
                QStringLiteral("run %1 already finished (%2)").arg(runId).arg(state.toString()));
        if (!task.isEmpty()
            && !Sql::scalar(db,
                            QStringLiteral("SELECT 1 FROM task_runs WHERE run_id = ? AND "
                                           "task_name = ?"),
                            { runId, task })
                    .isValid()) {
            throw Error(QStringLiteral("run %1 has no task '%2'").arg(runId).arg(task));
        }
        QJsonObject payload { { QStringLiteral("run_id"), runId } };
        if (!task.isEmpty())
            payload.insert(QStringLiteral("task"), task);
        requestId = Sql::insert(
            db,
            QStringLiteral("INSERT INTO requests (kind, payload, requested_by, "
                           "created_at) VALUES ('cancel', ?, ?, ?) RETURNING id"),
            { QString::fromUtf8(QJsonDocument(payload).toJson(QJsonDocument::Compact)), actor,
              nowMs() });
        AuditLog::record(
            db, 0, actor, QStringLiteral("run.cancel.request"), AuditObject::run(runId), {}, {},
            task.isEmpty() ? QStringLiteral("whole run") : QStringLiteral("task ") + task);
    });
    return requestId;
}

void RunService::rerunFailed(const Store &store, qint64 runId, const QString &actor)
{
    store.transaction([&](QSqlDatabase &db) {
        const QVariant state
            = Sql::scalar(db, QStringLiteral("SELECT state FROM runs WHERE id = ?"), { runId });
        if (!state.isValid())
            throw Error(QStringLiteral("no run %1").arg(runId));
        const auto s = runStateFromString(state.toString());
        if (!s || !isTerminal(*s))
            throw Error(QStringLiteral("run %1 is still %2; rerun it once it has finished")
                            .arg(runId)
                            .arg(state.toString()));
        if (*s == RunState::Succeeded)
            throw Error(QStringLiteral("run %1 succeeded: nothing failed to rerun").arg(runId));
        // Succeeded tasks keep their results; everything else is decided again.
        QSqlQuery q = Sql::exec(db,
                                QStringLiteral("UPDATE task_runs SET state = 'queued', "
                                               "not_before = NULL, finished_at = NULL, "
                                               "reason = 'rerun', queued_at = ? WHERE run_id = ? "
                                               "AND state <> 'succeeded'"),
                                { nowMs(), runId });
        const int reset = q.numRowsAffected();
        Sql::exec(
            db, QStringLiteral("UPDATE runs SET state = 'queued', finished_at = NULL WHERE id = ?"),
            { runId });
        AuditLog::record(db, 0, actor, QStringLiteral("run.rerun"), AuditObject::run(runId),
                         { { QStringLiteral("state"), state.toString() } }, {},
                         QStringLiteral("%1 task(s) queued again").arg(reset));
    });
}

QList<RunSummary> RunService::runs(const QSqlDatabase &db, int limit, const QString &review)
{
    QList<RunSummary> list;
    QHash<qint64, int> index;
    if (!review.isEmpty() && review != QLatin1String("pending")
        && review != QLatin1String("approved") && review != QLatin1String("rejected")) {
        throw Error(QStringLiteral("unknown review state '%1' (use pending, approved or rejected)")
                        .arg(review));
    }
    QSqlQuery q = review.isEmpty()
        ? Sql::exec(db, QLatin1String(kRunColumns) + QStringLiteral("ORDER BY r.id DESC LIMIT ?"),
                    { limit })
        : Sql::exec(db,
                    QLatin1String(kRunColumns)
                        + QStringLiteral("WHERE r.review_state = ? ORDER BY r.id DESC LIMIT ?"),
                    { review, limit });
    while (q.next()) {
        index.insert(q.value(0).toLongLong(), int(list.size()));
        list << summaryFrom(db, q);
    }
    if (list.isEmpty())
        return list;
    QSqlQuery c = Sql::exec(db,
                            QStringLiteral("SELECT run_id, state, count(*) FROM task_runs WHERE "
                                           "run_id >= ? GROUP BY run_id, state"),
                            { list.last().id });
    while (c.next()) {
        const auto it = index.constFind(c.value(0).toLongLong());
        if (it != index.constEnd())
            list[*it].taskCounts.insert(c.value(1).toString(), c.value(2).toInt());
    }
    readLiveClocks(db, list);
    return list;
}

namespace {

// What run() and outcome() share: the run's row and its task counts by state.
RunSummary readRunHeader(const QSqlDatabase &db, qint64 runId)
{
    QSqlQuery q
        = Sql::exec(db, QLatin1String(kRunColumns) + QStringLiteral("WHERE r.id = ?"), { runId });
    if (!q.next())
        throw Error(QStringLiteral("no run %1").arg(runId));
    RunSummary s = summaryFrom(db, q);
    QSqlQuery c = Sql::exec(db,
                            QStringLiteral("SELECT state, count(*) FROM task_runs WHERE "
                                           "run_id = ? GROUP BY state"),
                            { runId });
    while (c.next())
        s.taskCounts.insert(c.value(0).toString(), c.value(1).toInt());
    return s;
}

// The run's tasks in pipeline order (without attempts), all of them or only those not in
// @p leaveOut; @p ids gets each one's task_runs.id → its index.
QList<TaskRunSummary> readRunTasks(const QSqlDatabase &db, qint64 runId,
                                   const QList<RunState> &leaveOut, QHash<qint64, int> *ids)
{
    QList<TaskRunSummary> tasks;
    QSqlQuery t = Sql::exec(
        db,
        QStringLiteral("SELECT tr.id, tr.task_name, j.name, jv.number, tr.state, tr.attempts, "
                       "tr.exit_code, tr.reason, COALESCE(tr.started_at, 0), "
                       "COALESCE(tr.finished_at, 0) FROM task_runs tr JOIN job_versions jv ON "
                       "jv.id = tr.job_version_id JOIN jobs j ON j.id = jv.job_id LEFT JOIN "
                       "pipeline_tasks pt ON pt.id = tr.pipeline_task_id WHERE tr.run_id = ? %1 "
                       "ORDER BY pt.position, tr.id")
            .arg(leaveOut.isEmpty()
                     ? QString()
                     : QStringLiteral("AND tr.state NOT IN ") + sqlStateList(leaveOut)),
        { runId });
    while (t.next()) {
        TaskRunSummary task;
        task.name = t.value(1).toString();
        task.job = t.value(2).toString();
        task.jobVersion = t.value(3).toInt();
        task.state = parseRunState(t.value(4).toString(), runId, task.name);
        task.attempts = t.value(5).toInt();
        task.exitCode = optionalInt(t.value(6));
        task.reason = t.value(7).toString();
        task.startedAt = t.value(8).toLongLong();
        task.finishedAt = t.value(9).toLongLong();
        if (ids)
            ids->insert(t.value(0).toLongLong(), int(tasks.size()));
        tasks << task;
    }
    return tasks;
}

} // namespace

RunSummary RunService::run(const QSqlDatabase &db, qint64 runId)
{
    RunSummary s = readRunHeader(db, runId);
    QHash<qint64, int> byTask;
    s.tasks = readRunTasks(db, runId, {}, &byTask);
    QSqlQuery a = Sql::exec(db,
                            QStringLiteral("SELECT a.task_run_id, a.number, a.state, a.exit_code, "
                                           "a.reason, COALESCE(a.started_at, 0), "
                                           "COALESCE(a.finished_at, 0), a.log_path, a.attempt_dir, "
                                           "COALESCE(a.running_at_us / 1000, 0) "
                                           "FROM task_attempts a JOIN task_runs tr ON tr.id = "
                                           "a.task_run_id WHERE tr.run_id = ? ORDER BY a.number"),
                            { runId });
    while (a.next()) {
        const auto it = byTask.constFind(a.value(0).toLongLong());
        if (it == byTask.constEnd())
            continue;
        TaskRunSummary &task = s.tasks[*it];
        const RunState state = parseRunState(a.value(2).toString(), runId, task.name);
        task.attemptList << AttemptSummary { a.value(1).toInt(),      state,
                                             optionalInt(a.value(3)), a.value(4).toString(),
                                             a.value(5).toLongLong(), a.value(6).toLongLong(),
                                             a.value(7).toString(),   a.value(8).toString(),
                                             a.value(9).toLongLong() };
    }
    QSqlQuery m = Sql::exec(db,
                            QStringLiteral("SELECT name, value FROM metrics WHERE run_id = ? "
                                           "ORDER BY id"),
                            { runId });
    while (m.next())
        s.metrics.append({ m.value(0).toString(), m.value(1).toDouble() });
    QList<RunSummary> one { s };
    readLiveClocks(db, one);
    return one.first();
}

RunSummary RunService::outcome(const QSqlDatabase &db, qint64 runId)
{
    RunSummary s = readRunHeader(db, runId);
    s.tasks = readRunTasks(db, runId, { RunState::Succeeded, RunState::Skipped }, nullptr);
    return s;
}

QList<TaskRunSummary> RunService::taskStates(const QSqlDatabase &db, qint64 runId)
{
    QList<TaskRunSummary> tasks;
    QSqlQuery q = Sql::exec(db,
                            QStringLiteral("SELECT task_name, state, attempts, reason FROM "
                                           "task_runs WHERE run_id = ? ORDER BY id"),
                            { runId });
    while (q.next()) {
        TaskRunSummary t;
        t.name = q.value(0).toString();
        t.state = parseRunState(q.value(1).toString(), runId, t.name);
        t.attempts = q.value(2).toInt();
        t.reason = q.value(3).toString();
        tasks << t;
    }
    // Why the waiting ones wait: the rule the run detail and the Monitor show (WaitReasons).
    const auto waiting
        = WaitReasons::read(db, { runId }, QDateTime::currentMSecsSinceEpoch()).value(runId);
    for (const auto &[name, reason] : waiting) {
        for (TaskRunSummary &t : tasks) {
            if (t.name == name)
                t.wait = reason;
        }
    }
    return tasks;
}

qint64 TaskRunSummary::durationMs(qint64 nowMs) const
{
    QList<AttemptSpan> spans;
    for (const AttemptSummary &a : attemptList)
        spans << AttemptSpan::of(a.startedAt, a.runningAt, a.finishedAt);
    return Durations::taskMs(spans, nowMs);
}

std::optional<RunState> RunService::runState(const QSqlDatabase &db, qint64 runId)
{
    const QVariant v
        = Sql::scalar(db, QStringLiteral("SELECT state FROM runs WHERE id = ?"), { runId });
    if (!v.isValid())
        return std::nullopt;
    return runStateFromString(v.toString());
}

} // namespace Baton
