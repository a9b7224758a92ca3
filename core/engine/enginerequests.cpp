// Requests from consoles and the CLI (cancel, retry, mark, delete), each carried out exactly
// once: claimed, applied and recorded done in the transaction that applies it.
#include "engine/operatorservice.h"
#include "engine_p.h"
#include "store/sql.h"
#include "store/workspace.h"

#include <QDir>
#include <QFileInfo>
#include <spdlog/spdlog.h>

namespace Baton {

using namespace EngineDetail;

void Engine::claimRequests()
{
    // Every request not finished yet, in order: pending ones, and claimed ones whose application
    // never finished (this engine's, after a store error; a dead engine's, after a crash). Only
    // the lease holder applies requests, so nobody else is applying them.
    struct Open
    {
        qint64 id = 0;
        QString kind;
        QJsonObject payload;
        QString claimedBy;
    };
    QList<Open> open;
    {
        QSqlQuery q = Sql::exec(m_workspace->store().db(),
                                QStringLiteral("SELECT id, kind, payload, COALESCE(claimed_by, '') "
                                               "FROM requests WHERE state IN ('pending', "
                                               "'claimed') ORDER BY id LIMIT 100"));
        while (q.next())
            open.append({ q.value(0).toLongLong(), q.value(1).toString(), jsonObject(q.value(2)),
                          q.value(3).toString() });
    }
    // One at a time, each claimed, applied and finished before the next: a store error stops
    // here (the rest wait, in order, for the next tick) and leaves nothing claimed for ever.
    for (const Open &r : open) {
        if (!m_active)
            return;
        if (r.claimedBy != m_options.holder) {
            if (!r.claimedBy.isEmpty())
                spdlog::warn("engine: request {} was claimed by {}, which stopped before it was "
                             "carried out; applying it now",
                             r.id, r.claimedBy.toStdString());
            transaction([&](QSqlDatabase &db) {
                Sql::exec(db,
                          QStringLiteral("UPDATE requests SET state = 'claimed', claimed_by = ?, "
                                         "claimed_at = ? WHERE id = ? AND state IN ('pending', "
                                         "'claimed')"),
                          { m_options.holder, nowMs(), r.id });
            });
        }
        QString error;
        m_applying = r.id;
        try {
            error = applyRequest(r.kind, r.payload);
        } catch (const Error &e) {
            m_applying = 0;
            const int failures = ++m_requestFailures[r.id];
            // A busy or full store is waited out, however long; anything else is refused on
            // record after a few tries, so that one request cannot hold up all that follow.
            if (isTransientStoreError(e) || failures < MaxRequestFailures) {
                if (failures == 1) // not at every tick while the store stays busy or full
                    spdlog::warn("engine: request {} ({}) not applied yet, will try again: {}",
                                 r.id, r.kind.toStdString(), e.message().toStdString());
                throw;
            }
            error = QStringLiteral("could not be applied: %1").arg(e.message());
        }
        m_applying = 0;
        finishRequest(r.id, error);
        m_requestFailures.remove(r.id);
    }
}

QString Engine::applyRequest(const QString &kind, const QJsonObject &payload)
{
    const qint64 runId = payload.value(QLatin1String("run_id")).toInteger();
    const QString task = payload.value(QLatin1String("task")).toString();
    const QString actor = payload.value(QLatin1String("actor")).toString();
    if (kind == QLatin1String("cancel"))
        return cancelRequest(runId, task);
    if (kind == QLatin1String("retry"))
        return retryTask(runId, task, actor);
    if (kind == QLatin1String("mark"))
        return markTask(runId, task, payload.value(QLatin1String("state")).toString(),
                        payload.value(QLatin1String("reason")).toString(), actor);
    if (kind == QLatin1String("delete"))
        return deleteRun(runId);
    return QStringLiteral("unknown request kind '%1'").arg(kind);
}

void Engine::completeRequest(QSqlDatabase &tx)
{
    if (m_applying == 0)
        return;
    // In the transaction that carries the request out: both commit, or neither.
    QSqlQuery q = Sql::exec(tx,
                            QStringLiteral("UPDATE requests SET state = 'done', finished_at = ?, "
                                           "error = NULL WHERE id = ? AND state = 'claimed' AND "
                                           "claimed_by = ?"),
                            { nowMs(), m_applying, m_options.holder });
    if (q.numRowsAffected() != 1)
        throw Error(
            QStringLiteral("request %1 is no longer this engine's to apply").arg(m_applying));
}

void Engine::finishRequest(qint64 id, const QString &error)
{
    // Nothing to do when the transaction that carried it out already recorded it done.
    transaction([&](QSqlDatabase &db) {
        Sql::exec(db,
                  QStringLiteral("UPDATE requests SET state = ?, finished_at = ?, error = ? "
                                 "WHERE id = ? AND state = 'claimed' AND claimed_by = ?"),
                  { error.isEmpty() ? QStringLiteral("done") : QStringLiteral("failed"), nowMs(),
                    error.isEmpty() ? QVariant() : QVariant(error), id, m_options.holder });
    });
}

QString Engine::cancelRequest(qint64 runId, const QString &task)
{
    // Applied again after a crash or a store error, a cancel finds what it did already done:
    // it only does what is left, and says done, not refused.
    if (!m_runs.contains(runId))
        activate(runId); // queued but not picked up yet, or already finished
    auto it = m_runs.find(runId);
    if (it == m_runs.end()) {
        const QVariant state
            = Sql::scalar(m_workspace->store().db(),
                          QStringLiteral("SELECT state FROM runs WHERE id = ?"), { runId });
        if (!state.isValid())
            return QStringLiteral("no run %1").arg(runId);
        if (task.isEmpty() && state.toString() == QLatin1String("cancelled"))
            return {};
        if (!task.isEmpty()) {
            const QVariant taskState = Sql::scalar(
                m_workspace->store().db(),
                QStringLiteral("SELECT state FROM task_runs WHERE run_id = ? AND task_name = ?"),
                { runId, task });
            if (taskState.toString() == QLatin1String("cancelled"))
                return {};
        }
        return QStringLiteral("run %1 is not active (already %2)").arg(runId).arg(state.toString());
    }
    if (task.isEmpty()) {
        cancelRun(*it);
        return {};
    }
    const int index = taskIndex(*it, task);
    if (index < 0)
        return QStringLiteral("run %1 has no task '%2'").arg(runId).arg(task);
    cancelTask(*it, index);
    return {};
}

Engine::RunSlot *Engine::slotForAction(qint64 runId, QString *error)
{
    // A finished run lingering until its last attempt is reaped is read back afresh.
    if (m_finishedRuns.contains(runId)) {
        auto it = m_runs.find(runId);
        if (it != m_runs.end() && it->running == 0) {
            m_runs.erase(it);
            m_finishedRuns.remove(runId);
        }
    }
    auto it = m_runs.find(runId);
    if (it == m_runs.end()) {
        activate(runId, true);
        it = m_runs.find(runId);
        // Read back finished: dropped again at the next tick unless the action reopens it.
        if (it != m_runs.end() && DagEvaluator::outcome(it->dag, false))
            m_finishedRuns.insert(runId);
    }
    if (it == m_runs.end()) {
        *error = QStringLiteral("no run %1").arg(runId);
        return nullptr;
    }
    if (it->cancelRequested && !m_finishedRuns.contains(runId)
        && !DagEvaluator::outcome(it->dag, true)) {
        *error = QStringLiteral("run %1 is being cancelled").arg(runId);
        return nullptr;
    }
    return &*it;
}

Engine::RunSlot *Engine::slotForTask(qint64 runId, const QString &task, int *index, QString *error)
{
    RunSlot *run = slotForAction(runId, error);
    if (!run)
        return nullptr;
    *index = taskIndex(*run, task);
    if (*index < 0) {
        *error = QStringLiteral("run %1 has no task '%2'").arg(runId).arg(task);
        return nullptr;
    }
    return run;
}

int Engine::taskIndex(const RunSlot &run, const QString &task) const
{
    for (int i = 0; i < run.tasks.size(); ++i) {
        if (run.tasks[i].name == task)
            return i;
    }
    return -1;
}

void Engine::reopenDownstream(RunSlot &run, int index, QSqlDatabase &db, qint64 now)
{
    // Tasks that never ran because of this task's old ending are decided again.
    std::vector<int> stack(run.tasks[index].downstream.begin(), run.tasks[index].downstream.end());
    while (!stack.empty()) {
        const int d = stack.back();
        stack.pop_back();
        const RunState s = run.dag[d].state;
        if (s != RunState::Skipped && s != RunState::UpstreamFailed)
            continue;
        Sql::exec(db,
                  QStringLiteral("UPDATE task_runs SET state = 'queued', finished_at = NULL, "
                                 "not_before = NULL, reason = '', queued_at = ? WHERE id = ?"),
                  { now, run.tasks[d].taskRunId });
        run.tasks[d].queuedToStart = false;
        run.tasks[d].notBefore = 0;
        setTaskState(run, d, RunState::Queued);
        stack.insert(stack.end(), run.tasks[d].downstream.begin(), run.tasks[d].downstream.end());
    }
}

void Engine::reopenRun(RunSlot &run, bool wasFinished, QSqlDatabase &db)
{
    if (!wasFinished)
        return;
    // The run is live again; finishRunIfDone writes its new outcome when there is one.
    Sql::exec(db,
              QStringLiteral("UPDATE runs SET state = 'running', finished_at = NULL WHERE id = ?"),
              { run.id });
    m_finishedRuns.remove(run.id);
    run.cancelRequested = false;
}

QString Engine::retryTask(qint64 runId, const QString &task, const QString &actor)
{
    QString error;
    int index = -1;
    RunSlot *run = slotForTask(runId, task, &index, &error);
    if (!run)
        return error;
    const RunState s = run->dag[index].state;
    if (!OperatorService::canRetryTask(s)) {
        return QStringLiteral("task '%1' of run %2 is %3: only a failed, timed-out, lost or "
                              "cancelled task can be retried")
            .arg(task)
            .arg(runId)
            .arg(toString(s));
    }
    const bool wasFinished = DagEvaluator::outcome(run->dag, run->cancelRequested).has_value();
    const qint64 now = nowMs();
    transactionOn(*run, [&](QSqlDatabase &tx) {
        completeRequest(tx);
        reopenRun(*run, wasFinished, tx);
        reopenDownstream(*run, index, tx, now);
        Sql::exec(tx,
                  QStringLiteral("UPDATE task_runs SET state = 'queued', finished_at = NULL, "
                                 "not_before = NULL, queued_at = ?, reason = ? WHERE id = ?"),
                  { now, QStringLiteral("retried by %1").arg(actor), run->tasks[index].taskRunId });
        TaskSlot &t = run->tasks[index];
        t.queuedToStart = false;
        t.notBefore = 0;
        t.retries = 0; // one more attempt, as asked: no automatic retries on top of it
        setTaskState(*run, index, RunState::Queued);
        const auto verdict = DagEvaluator::evaluate(run->dag, index);
        if (verdict == DagEvaluator::Verdict::Ready) {
            markReady(*run, index);
        } else if (verdict != DagEvaluator::Verdict::Wait) {
            // Its upstream can no longer let it run: decided at once, as the engine would.
            const RunState decided = verdict == DagEvaluator::Verdict::Skip
                ? RunState::Skipped
                : RunState::UpstreamFailed;
            Sql::exec(
                tx, QStringLiteral("UPDATE task_runs SET state = ?, finished_at = ? WHERE id = ?"),
                { toString(decided), now, t.taskRunId });
            setTaskState(*run, index, decided);
            cascade(*run, index, tx, now);
        }
        finishRunIfDone(*run, tx, now);
    });
    spdlog::info("engine: run {} task {} retried by {}", runId, task.toStdString(),
                 actor.toStdString());
    return {}; // started by the tick's fillSlots()
}

QString Engine::markTask(qint64 runId, const QString &task, const QString &state,
                         const QString &reason, const QString &actor)
{
    const auto target = runStateFromString(state);
    if (!target || (*target != RunState::Succeeded && *target != RunState::Failed))
        return QStringLiteral("a task can only be marked succeeded or failed, not '%1'").arg(state);
    QString error;
    int index = -1;
    RunSlot *run = slotForTask(runId, task, &index, &error);
    if (!run)
        return error;
    const RunState s = run->dag[index].state;
    if (!OperatorService::canMarkTask(s, *target)) {
        return QStringLiteral("task '%1' of run %2 is %3: it cannot be marked %4")
            .arg(task)
            .arg(runId)
            .arg(toString(s), state);
    }
    const bool wasFinished = DagEvaluator::outcome(run->dag, run->cancelRequested).has_value();
    const qint64 now = nowMs();
    transactionOn(*run, [&](QSqlDatabase &tx) {
        completeRequest(tx);
        reopenRun(*run, wasFinished, tx);
        auto &ready = run->ready;
        ready.erase(std::remove(ready.begin(), ready.end(), index), ready.end());
        TaskSlot &t = run->tasks[index];
        t.queuedToStart = false;
        t.notBefore = 0;
        reopenDownstream(*run, index, tx, now);
        Sql::exec(tx,
                  QStringLiteral("UPDATE task_runs SET state = ?, finished_at = ?, not_before = "
                                 "NULL, reason = ? WHERE id = ?"),
                  { state, now, QStringLiteral("marked %1 by %2: %3").arg(state, actor, reason),
                    t.taskRunId });
        setTaskState(*run, index, *target);
        cascade(*run, index, tx, now);
        finishRunIfDone(*run, tx, now);
    });
    spdlog::info("engine: run {} task {} marked {} by {}", runId, task.toStdString(),
                 state.toStdString(), actor.toStdString());
    return {}; // what it made ready starts at the tick's fillSlots()
}

QString Engine::deleteRun(qint64 runId)
{
    auto it = m_runs.find(runId);
    if (it != m_runs.end() && !m_finishedRuns.contains(runId))
        return QStringLiteral("run %1 is still running: only finished runs can be deleted")
            .arg(runId);
    if (it != m_runs.end() && it->running > 0)
        return QStringLiteral("run %1 still has attempts ending; try again").arg(runId);
    QString error;
    bool already = false;
    transaction([&](QSqlDatabase &tx) {
        const QVariant state
            = Sql::scalar(tx, QStringLiteral("SELECT state FROM runs WHERE id = ?"), { runId });
        // The request was checked against an existing run, and only this request deletes it
        // (see requestDelete): gone means this request's rows went before a crash or a store
        // error kept its answer from being recorded. What is left is its directory.
        if (!state.isValid()) {
            already = true;
            return;
        }
        const auto s = runStateFromString(state.toString());
        if (!s || !OperatorService::canDeleteRun(*s)) {
            error = QStringLiteral("run %1 is %2: only finished runs can be deleted")
                        .arg(runId)
                        .arg(state.toString());
            return;
        }
        // Recorded done once its directory is gone too (the rows go first: a run is never
        // left without its files).
        // Tasks, attempts, metrics and reviews go with it (ON DELETE CASCADE).
        Sql::exec(tx, QStringLiteral("DELETE FROM runs WHERE id = ?"), { runId });
    });
    if (!error.isEmpty())
        return error;
    m_runs.remove(runId);
    m_finishedRuns.remove(runId);
    const QString dir = QDir(m_workspace->runsDirectory()).filePath(QString::number(runId));
    if (QFileInfo::exists(dir) && !QDir(dir).removeRecursively())
        spdlog::warn("engine: run {} deleted, but {} could not be removed entirely", runId,
                     dir.toStdString());
    spdlog::info("engine: run {} deleted{}", runId, already ? " (its rows were already)" : "");
    return {};
}

} // namespace Baton
