// Loading runs: a queued run activated, an in-flight one recovered after a restart (its attempts
// re-adopted), a finished one read back for an operator action.
#include "access/secrets.h"
#include "engine_p.h"
#include "model/specjson.h"
#include "release/rewriterules.h"
#include "store/sql.h"
#include "store/workspace.h"

#include <QDir>
#include <spdlog/spdlog.h>

namespace Baton {

using namespace EngineDetail;

void Engine::recoverInFlight(bool onlyMissing)
{
    if (!m_recoveryPending)
        return;
    QList<qint64> inFlight;
    QSqlQuery q
        = Sql::exec(m_workspace->store().db(),
                    QStringLiteral("SELECT id FROM runs WHERE state = 'running' ORDER BY id"));
    while (q.next())
        inFlight << q.value(0).toLongLong();
    q.finish();
    for (qint64 id : inFlight) {
        if (!onlyMissing || !m_runs.contains(id))
            activate(id);
    }
    m_recoveryPending = false;
}

void Engine::activateQueuedRuns()
{
    QList<qint64> queued;
    QSqlQuery q = Sql::exec(m_workspace->store().db(),
                            QStringLiteral("SELECT id FROM runs WHERE state = 'queued' ORDER BY id "
                                           "LIMIT 200"));
    while (q.next())
        queued << q.value(0).toLongLong();
    for (qint64 id : queued) {
        if (!m_runs.contains(id))
            activate(id);
    }
}

void Engine::activate(qint64 runId, bool reopen)
{
    QSqlDatabase db = m_workspace->store().db();
    QSqlQuery r
        = Sql::exec(db,
                    QStringLiteral("SELECT r.state, r.project_id, r.pipeline_id, "
                                   "r.pipeline_version_id, COALESCE(r.environment_id, 0), "
                                   "r.parameters, r.parallelism, r.logical_date, p.name, "
                                   "l.name, COALESCE(e.name, ''), v.max_parallel, r.rewrites "
                                   "FROM runs r JOIN projects p ON p.id = r.project_id "
                                   "JOIN pipelines l ON l.id = r.pipeline_id "
                                   "JOIN pipeline_versions v ON v.id = r.pipeline_version_id "
                                   "LEFT JOIN environments e ON e.id = r.environment_id "
                                   "WHERE r.id = ?"),
                    { runId });
    if (!r.next())
        return;
    const QString state = r.value(0).toString();
    const bool active = state == QLatin1String("queued") || state == QLatin1String("running");
    if (!active && !reopen)
        return;

    RunSlot run;
    run.id = runId;
    run.projectId = r.value(1).toLongLong();
    run.pipelineId = r.value(2).toLongLong();
    const qint64 versionId = r.value(3).toLongLong();
    run.environmentId = r.value(4).toLongLong();
    const QJsonObject params = jsonObject(r.value(5));
    run.parallelism = r.value(6).toInt();
    run.logicalDate = r.value(7).toString();
    run.project = r.value(8).toString();
    run.pipeline = r.value(9).toString();
    run.environment = r.value(10).toString();
    run.maxParallel = r.value(11).toInt();
    run.runDir = QDir(m_workspace->runsDirectory()).filePath(QString::number(runId));

    QMap<QString, QString> parameters;
    for (auto it = params.constBegin(); it != params.constEnd(); ++it)
        parameters.insert(it.key(), it.value().toString());
    run.variables = VariableResolver::resolve(db, run.projectId, run.environmentId, run.pipelineId,
                                              parameters);
    // The environment's rewrite rules, as its deployment applied them (see RewriteRules).
    const QList<RewriteRule> rewrites = RewriteRules::fromJsonText(r.value(12).toString());
    RewriteRules::applyToVariables(rewrites, run.variables);
    // Only the engine decrypts, as a run starts: without the right key no job starts, and its
    // tasks fail saying which secret and which key (never a value). A recovered run keeps the
    // attempts it has; its tasks still waiting fail the same way. A finished run is not
    // reopened (for a retry) with values it cannot pass on.
    if (const QString problem = Secrets::reveal(run.variables); !problem.isEmpty()) {
        spdlog::error("run {}: {}", runId, problem.toStdString());
        if (!active)
            return;
        const qint64 now = nowMs();
        transaction([&](QSqlDatabase &tx) {
            Sql::exec(tx,
                      QStringLiteral("UPDATE task_runs SET state = 'failed', finished_at = ?, "
                                     "reason = ? WHERE run_id = ? AND state = 'queued'"),
                      { now, problem, runId });
            Sql::exec(tx,
                      QStringLiteral("UPDATE runs SET state = 'failed', started_at = ?, "
                                     "finished_at = ? WHERE id = ? AND state = 'queued'"),
                      { now, now, runId });
        });
        if (state == QLatin1String("queued")) {
            QMetaObject::invokeMethod(
                this, [this, runId] { Q_EMIT runFinished(runId, RunState::Failed); },
                Qt::QueuedConnection);
            return;
        }
    }

    // Tasks in definition order, with their job version's command and merged settings.
    QHash<qint64, QString> commands;
    QHash<qint64, int> byPipelineTask;
    QList<QPair<int, QString>> recover;
    QSqlQuery t = Sql::exec(db,
                            QStringLiteral("SELECT tr.id, tr.task_name, tr.state, tr.attempts, "
                                           "COALESCE(tr.not_before, 0), tr.pipeline_task_id, "
                                           "jv.id, jv.command, jv.settings, pt.settings, "
                                           "(SELECT name FROM jobs WHERE id = jv.job_id), "
                                           "(SELECT a.id || ':' || a.state || ':' || a.attempt_dir "
                                           " FROM task_attempts a WHERE a.task_run_id = tr.id "
                                           " ORDER BY a.number DESC LIMIT 1) "
                                           "FROM task_runs tr JOIN pipeline_tasks pt ON "
                                           "pt.id = tr.pipeline_task_id JOIN job_versions jv ON "
                                           "jv.id = tr.job_version_id WHERE tr.run_id = ? "
                                           "ORDER BY pt.position"),
                            { runId });
    // Sized up front: growing by doubling would briefly hold two copies of a big run.
    const int taskCount
        = Sql::scalar(db, QStringLiteral("SELECT count(*) FROM task_runs WHERE run_id = ?"),
                      { runId })
              .toInt();
    run.tasks.reserve(taskCount);
    run.dag.reserve(taskCount);
    byPipelineTask.reserve(taskCount);
    while (t.next()) {
        TaskSlot slot;
        slot.taskRunId = t.value(0).toLongLong();
        slot.name = t.value(1).toString();
        const RunState taskState
            = runStateFromString(t.value(2).toString()).value_or(RunState::Queued);
        slot.attempts = t.value(3).toInt();
        slot.notBefore = t.value(4).toLongLong();
        slot.jobVersionId = t.value(6).toLongLong();
        // One shared copy per job version: a big run of one job holds one command string.
        auto command = commands.find(slot.jobVersionId);
        if (command == commands.end())
            command = commands.insert(slot.jobVersionId, t.value(7).toString());
        slot.command = *command;
        RunSettings settings = runSettingsFromJson(jsonObject(t.value(8)));
        const RunSettings overrides = runSettingsFromJson(jsonObject(t.value(9)));
        if (overrides.retries)
            settings.retries = overrides.retries;
        if (overrides.retryDelaySeconds)
            settings.retryDelaySeconds = overrides.retryDelaySeconds;
        if (overrides.timeoutSeconds)
            settings.timeoutSeconds = overrides.timeoutSeconds;
        RewriteRules::applyToSettings(rewrites, t.value(10).toString(), settings);
        slot.retries = settings.retries.value_or(0);
        slot.retryDelay = settings.retryDelaySeconds.value_or(0);
        slot.timeout = settings.timeoutSeconds.value_or(0);
        const QStringList last = t.value(11).toString().split(QLatin1Char(':'));
        if (last.size() >= 3
            && (taskState == RunState::Starting || taskState == RunState::Running)) {
            slot.attemptId = last[0].toLongLong();
            slot.attemptDir = last.mid(2).join(QLatin1Char(':'));
            recover.append({ int(run.tasks.size()), last[1] });
        }
        byPipelineTask.insert(t.value(5).toLongLong(), int(run.tasks.size()));
        DagEvaluator::Task node;
        node.state = taskState;
        run.dag << node;
        run.tasks << slot;
    }
    QSqlQuery e = Sql::exec(db,
                            QStringLiteral("SELECT from_task_id, to_task_id, condition FROM "
                                           "pipeline_edges WHERE pipeline_version_id = ? "
                                           "ORDER BY position"),
                            { versionId });
    while (e.next()) {
        const int from = byPipelineTask.value(e.value(0).toLongLong(), -1);
        const int to = byPipelineTask.value(e.value(1).toLongLong(), -1);
        if (from < 0 || to < 0)
            continue;
        run.dag[to].upstream << DagEvaluator::Edge {
            from, edgeConditionFromString(e.value(2).toString()).value_or(EdgeCondition::Success)
        };
        run.tasks[from].downstream << to;
    }

    if (active) {
        QDir().mkpath(run.runDir + QStringLiteral("/shared"));
        QDir().mkpath(run.runDir + QStringLiteral("/metrics"));
    }
    if (state == QLatin1String("queued")) {
        // The variables its jobs get, recorded as the run starts: its detail shows these later,
        // not whatever the definitions say by then.
        const QString recorded = VariableResolver::record(run.variables);
        transaction([&](QSqlDatabase &tx) {
            Sql::exec(tx,
                      QStringLiteral("UPDATE runs SET state = 'running', started_at = "
                                     "COALESCE(started_at, ?), variables = COALESCE(variables, ?) "
                                     "WHERE id = ? AND state = 'queued'"),
                      { nowMs(), recorded, runId });
        });
    }
    m_runs.insert(runId, run);
    RunSlot &slot = m_runs[runId];
    if (!active)
        return; // reopened for an operator action, which decides what happens next
    for (const auto &[index, attemptState] : recover)
        recoverAttempt(slot, index, attemptState);
    const qint64 now = nowMs();
    for (int i = 0; i < slot.tasks.size(); ++i) {
        if (slot.dag[i].state != RunState::Queued)
            continue;
        if (slot.tasks[i].notBefore > now)
            continue; // waiting out a retry backoff; tick() releases it
        const auto verdict = DagEvaluator::evaluate(slot.dag, i);
        if (verdict == DagEvaluator::Verdict::Ready)
            markReady(slot, i);
    }
    // Decide tasks that can already never run (e.g. after a crash between transitions).
    transaction([&](QSqlDatabase &tx) {
        for (int i = 0; i < slot.tasks.size(); ++i) {
            if (isTerminal(slot.dag[i].state))
                cascade(slot, i, tx, now);
        }
        finishRunIfDone(slot, tx, now);
    });
}

void Engine::recoverAttempt(RunSlot &run, int index, const QString &attemptState)
{
    TaskSlot &task = run.tasks[index];
    task.adopted = true;
    AttemptExit exit;
    const auto liveness = m_executor->reconcile(task.attemptId, task.attemptDir, &exit);
    m_attempts.insert(task.attemptId, { run.id, index });
    ++m_running;
    ++run.running;
    spdlog::info("engine: run {} task {} attempt {}: {}", run.id, task.name.toStdString(),
                 task.attempts,
                 liveness == Executor::Liveness::Running        ? "re-adopted, still running"
                     : liveness == Executor::Liveness::Finished ? "finished while no engine watched"
                                                                : "lost");
    if (liveness != Executor::Liveness::Running) {
        // Finish through the normal path, queued so it runs once activation is complete.
        QMetaObject::invokeMethod(
            this, [this, id = task.attemptId, exit] { onAttemptFinished(id, exit); },
            Qt::QueuedConnection);
    } else if (attemptState == QLatin1String("starting")) {
        QMetaObject::invokeMethod(
            this, [this, id = task.attemptId] { onAttemptRunning(id, 0); }, Qt::QueuedConnection);
    }
}

void Engine::markReady(RunSlot &run, int index)
{
    TaskSlot &t = run.tasks[index];
    if (t.queuedToStart)
        return;
    t.queuedToStart = true;
    t.readyAtUs = nowUs();
    run.ready.push_back(index);
}

} // namespace Baton
