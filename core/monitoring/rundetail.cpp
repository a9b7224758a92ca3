#include "rundetail.h"

#include "engine/variableresolver.h"
#include "model/runstate.h"
#include "store/sql.h"
#include "util/error.h"

#include <QDateTime>
#include <QHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>

namespace Baton {

namespace {

std::optional<int> optionalInt(const QVariant &v)
{
    if (v.isNull())
        return std::nullopt;
    return v.toInt();
}

// A read transaction: every table is read from the same snapshot of the store, so a run that
// moves while it is read never shows half of a transition.
class ReadSnapshot
{
public:
    explicit ReadSnapshot(const QSqlDatabase &db)
        : m_db(db)
    {
        m_open = m_db.transaction();
    }
    ~ReadSnapshot()
    {
        if (m_open)
            m_db.rollback();
    }

private:
    QSqlDatabase m_db;
    bool m_open = false;
};

} // namespace

qint64 AttemptDetail::durationMs(qint64 nowMs) const
{
    return Durations::taskMs({ span() }, nowMs);
}

QList<AttemptSpan> TaskDetail::attemptSpans() const
{
    QList<AttemptSpan> spans;
    spans.reserve(attemptList.size());
    for (const AttemptDetail &a : attemptList)
        spans << a.span();
    return spans;
}

qint64 TaskDetail::durationMs(qint64 nowMs) const
{
    return Durations::taskMs(attemptSpans(), nowMs);
}

ActiveClock RunDetail::activeClock() const
{
    QList<AttemptSpan> spans;
    for (const TaskDetail &t : tasks)
        spans << t.attemptSpans();
    return Durations::runClock(spans);
}

qint64 RunDetail::durationMs(qint64 nowMs) const
{
    return activeClock().at(nowMs);
}

const TaskDetail *RunDetail::task(const QString &name) const
{
    for (const TaskDetail &t : tasks) {
        if (t.name == name)
            return &t;
    }
    return nullptr;
}

namespace {

/// A run's parameters with what is known of its variables: today's definitions and the run's
/// own record of what its jobs got.
struct RunVariables
{
    QMap<QString, QString> parameters;
    QList<ResolvedVariable> resolved;
    QList<ResolvedVariable> recorded;
    bool recordedValid = false;
};

RunVariables readVariables(const QSqlDatabase &db, const QVariant &parametersJson, qint64 projectId,
                           qint64 environmentId, qint64 pipelineId, const QVariant &record)
{
    RunVariables v;
    const QJsonObject params = QJsonDocument::fromJson(parametersJson.toString().toUtf8()).object();
    for (auto it = params.constBegin(); it != params.constEnd(); ++it)
        v.parameters.insert(it.key(), it.value().toString());
    v.resolved = VariableResolver::resolve(db, projectId, environmentId, pipelineId, v.parameters);
    v.recordedValid
        = !record.isNull() && VariableResolver::fromRecord(record.toString(), &v.recorded);
    return v;
}

/// The one rule for showing parameters: one that overrides a secret is a secret.
QMap<QString, QString> shownParameters(const RunVariables &v)
{
    QSet<QString> secretNames;
    for (const ResolvedVariable &var : v.resolved) {
        if (var.secret)
            secretNames.insert(var.name);
    }
    for (const ResolvedVariable &var : v.recorded) {
        if (var.secret)
            secretNames.insert(var.name);
    }
    QMap<QString, QString> shown;
    for (auto it = v.parameters.constBegin(); it != v.parameters.constEnd(); ++it) {
        shown.insert(it.key(),
                     secretNames.contains(it.key())
                         ? RunDetail::Masked
                         : VariableResolver::mask(it.value(), v.resolved));
    }
    return shown;
}

} // namespace

QMap<QString, QString> RunDetails::parameters(const QSqlDatabase &db, qint64 runId)
{
    QSqlQuery r
        = Sql::exec(db,
                    QStringLiteral("SELECT parameters, project_id, COALESCE(environment_id, "
                                   "0), pipeline_id, variables FROM runs WHERE id = ?"),
                    { runId });
    if (!r.next())
        throw Error(QStringLiteral("no run %1").arg(runId));
    return shownParameters(readVariables(db, r.value(0), r.value(1).toLongLong(),
                                         r.value(2).toLongLong(), r.value(3).toLongLong(),
                                         r.value(4)));
}

RunDetail RunDetails::load(const QSqlDatabase &db, qint64 runId)
{
    ReadSnapshot snapshot(db);
    QSqlQuery r = Sql::exec(
        db,
        QStringLiteral(
            "SELECT r.id, p.name, l.name, v.number, v.content_hash, COALESCE(e.name, ''), r.state, "
            "r.trigger, COALESCE(r.logical_date, ''), r.requested_by, r.reason, r.parallelism, "
            "COALESCE(r.rerun_of, 0), r.created_at, COALESCE(r.started_at, 0), "
            "COALESCE(r.finished_at, 0), r.parameters, r.project_id, "
            "COALESCE(r.environment_id, 0), r.pipeline_id, r.pipeline_version_id, r.variables FROM "
            "runs r "
            "JOIN projects p ON p.id = r.project_id JOIN pipelines l ON l.id = r.pipeline_id "
            "JOIN pipeline_versions v ON v.id = r.pipeline_version_id "
            "LEFT JOIN environments e ON e.id = r.environment_id WHERE r.id = ?"),
        { runId });
    if (!r.next())
        throw Error(QStringLiteral("no run %1").arg(runId));
    RunDetail d;
    d.id = r.value(0).toLongLong();
    d.project = r.value(1).toString();
    d.pipeline = r.value(2).toString();
    d.pipelineVersion = r.value(3).toInt();
    d.pipelineHash = r.value(4).toString();
    d.environment = r.value(5).toString();
    d.state = parseRunState(r.value(6).toString(), d.id);
    d.trigger = r.value(7).toString();
    d.logicalDate = r.value(8).toString();
    d.requestedBy = r.value(9).toString();
    d.parallelism = r.value(11).toInt();
    d.rerunOf = r.value(12).toLongLong();
    d.createdAt = r.value(13).toLongLong();
    d.startedAt = r.value(14).toLongLong();
    d.finishedAt = r.value(15).toLongLong();
    d.terminal = isTerminal(d.state);
    const qint64 projectId = r.value(17).toLongLong();
    const qint64 environmentId = r.value(18).toLongLong();
    const qint64 pipelineId = r.value(19).toLongLong();
    const qint64 pipelineVersionId = r.value(20).toLongLong();

    // Variables with their real values stay in this function: everything that leaves it is
    // masked, including secrets that turn up inside other texts.
    const RunVariables v
        = readVariables(db, r.value(16), projectId, environmentId, pipelineId, r.value(21));
    const auto mask = [&](const QString &text) {
        return VariableResolver::mask(text, v.resolved);
    };
    d.reason = mask(r.value(10).toString());
    // What the run's jobs got, as the engine recorded it (values already masked, secrets
    // without one); today's definitions only for a run older than that record.
    d.variablesRecorded = v.recordedValid;
    for (const ResolvedVariable &var : v.recordedValid ? v.recorded : v.resolved) {
        d.variables << VariableDetail { var.name, var.secret ? RunDetail::Masked : mask(var.value),
                                        var.scope, var.secret };
    }
    d.parameters = shownParameters(v);
    // What Baton itself sets for every attempt (README, "What a job sees").
    const QString baton = QStringLiteral("baton");
    d.variables << VariableDetail { QStringLiteral("BATON_RUN_ID"), QString::number(d.id), baton };
    d.variables << VariableDetail { QStringLiteral("BATON_PROJECT"), d.project, baton };
    d.variables << VariableDetail { QStringLiteral("BATON_PIPELINE"), d.pipeline, baton };
    d.variables << VariableDetail { QStringLiteral("BATON_ENV"), d.environment, baton };
    if (!d.logicalDate.isEmpty())
        d.variables << VariableDetail { QStringLiteral("BATON_LOGICAL_DATE"), d.logicalDate,
                                        baton };

    QHash<qint64, int> byTaskRun;
    QHash<qint64, int> byPipelineTask;
    QSqlQuery t = Sql::exec(
        db,
        QStringLiteral(
            "SELECT tr.id, tr.task_name, tr.state, tr.attempts, tr.exit_code, tr.reason, "
            "COALESCE(tr.queued_at, 0), COALESCE(tr.started_at, 0), COALESCE(tr.finished_at, 0), "
            "COALESCE(tr.not_before, 0), COALESCE(tr.pipeline_task_id, 0), COALESCE(j.name, ''), "
            "COALESCE(jv.number, 0), COALESCE(jv.content_hash, ''), COALESCE(jv.command, ''), "
            "COALESCE(jv.technology, ''), COALESCE(jv.runtime_version, ''), "
            "COALESCE(jv.release_note, ''), COALESCE(jv.author, ''), COALESCE(jv.created_at, 0) "
            "FROM task_runs tr LEFT JOIN job_versions jv ON jv.id = tr.job_version_id "
            "LEFT JOIN jobs j ON j.id = jv.job_id "
            "LEFT JOIN pipeline_tasks pt ON pt.id = tr.pipeline_task_id "
            "WHERE tr.run_id = ? ORDER BY pt.position, tr.id"),
        { runId });
    while (t.next()) {
        TaskDetail task;
        task.name = t.value(1).toString();
        task.state = parseRunState(t.value(2).toString(), runId, task.name);
        task.attempts = t.value(3).toInt();
        task.exitCode = optionalInt(t.value(4));
        task.reason = mask(t.value(5).toString());
        task.queuedAt = t.value(6).toLongLong();
        task.startedAt = t.value(7).toLongLong();
        task.finishedAt = t.value(8).toLongLong();
        task.notBefore = t.value(9).toLongLong();
        task.version.job = t.value(11).toString();
        task.version.number = t.value(12).toInt();
        task.version.contentHash = t.value(13).toString();
        task.version.command = mask(t.value(14).toString());
        task.version.technology = t.value(15).toString();
        task.version.runtime = t.value(16).toString();
        task.version.releaseNote = t.value(17).toString();
        task.version.author = t.value(18).toString();
        task.version.createdAt = t.value(19).toLongLong();
        byTaskRun.insert(t.value(0).toLongLong(), int(d.tasks.size()));
        byPipelineTask.insert(t.value(10).toLongLong(), int(d.tasks.size()));
        d.tasks << task;
    }

    QSqlQuery e = Sql::exec(db,
                            QStringLiteral("SELECT from_task_id, to_task_id, condition FROM "
                                           "pipeline_edges WHERE pipeline_version_id = ? "
                                           "ORDER BY position, from_task_id"),
                            { pipelineVersionId });
    while (e.next()) {
        const auto from = byPipelineTask.constFind(e.value(0).toLongLong());
        const auto to = byPipelineTask.constFind(e.value(1).toLongLong());
        if (from == byPipelineTask.constEnd() || to == byPipelineTask.constEnd())
            continue;
        TaskDetail &task = d.tasks[*to];
        const QString upstream = d.tasks.at(*from).name;
        const QString condition = e.value(2).toString();
        task.upstreamNames << upstream;
        task.upstream << (condition == QLatin1String("success")
                              ? upstream
                              : QStringLiteral("%1 (%2)").arg(upstream, condition));
    }

    QSqlQuery a = Sql::exec(
        db,
        QStringLiteral("SELECT a.task_run_id, a.number, a.state, a.exit_code, a.reason, a.host, "
                       "COALESCE(a.started_at, 0), COALESCE(a.finished_at, 0), a.log_path, "
                       "COALESCE(a.running_at_us / 1000, 0) "
                       "FROM task_attempts a JOIN task_runs tr ON tr.id = a.task_run_id "
                       "WHERE tr.run_id = ? ORDER BY a.task_run_id, a.number"),
        { runId });
    while (a.next()) {
        const auto it = byTaskRun.constFind(a.value(0).toLongLong());
        if (it == byTaskRun.constEnd())
            continue;
        TaskDetail &task = d.tasks[*it];
        const RunState state = parseRunState(a.value(2).toString(), runId, task.name);
        task.attemptList << AttemptDetail { a.value(1).toInt(),      state,
                                            optionalInt(a.value(3)), mask(a.value(4).toString()),
                                            a.value(5).toString(),   a.value(6).toLongLong(),
                                            a.value(7).toLongLong(), a.value(8).toString(),
                                            a.value(9).toLongLong() };
    }

    if (!d.terminal) {
        const auto waits
            = WaitReasons::read(db, { runId }, QDateTime::currentMSecsSinceEpoch()).value(runId);
        for (const auto &[name, reason] : waits) {
            for (TaskDetail &task : d.tasks) {
                if (task.name == name)
                    task.wait = reason;
            }
        }
    }

    QSqlQuery m
        = Sql::exec(db,
                    QStringLiteral("SELECT m.name, m.value, COALESCE(tr.task_name, ''), "
                                   "m.recorded_at, COALESCE(m.task_run_id, 0) FROM metrics m "
                                   "LEFT JOIN task_runs tr ON tr.id = m.task_run_id "
                                   "WHERE m.run_id = ? ORDER BY m.id"),
                    { runId });
    while (m.next()) {
        const MetricDetail metric { m.value(0).toString(), m.value(1).toDouble(),
                                    m.value(2).toString(), m.value(3).toLongLong() };
        d.metrics << metric;
        const auto it = byTaskRun.constFind(m.value(4).toLongLong());
        if (it != byTaskRun.constEnd())
            d.tasks[*it].metrics.append({ metric.name, metric.value });
    }
    return d;
}

QList<RunDetails::RunChoice> RunDetails::siblings(const QSqlDatabase &db, qint64 runId, int limit)
{
    QList<RunChoice> out;
    QSqlQuery q
        = Sql::exec(db,
                    QStringLiteral("SELECT r.id, r.state, COALESCE(e.name, ''), r.created_at "
                                   "FROM runs r LEFT JOIN environments e ON e.id = "
                                   "r.environment_id WHERE r.pipeline_id = (SELECT "
                                   "pipeline_id FROM runs WHERE id = ?) AND r.id <> ? "
                                   "ORDER BY r.id DESC LIMIT ?"),
                    { runId, runId, limit });
    while (q.next()) {
        const qint64 id = q.value(0).toLongLong();
        out << RunChoice { id, parseRunState(q.value(1).toString(), id), q.value(2).toString(),
                           q.value(3).toLongLong() };
    }
    return out;
}

} // namespace Baton
