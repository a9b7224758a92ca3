// Recording transitions: an attempt's end (with its retry), the tasks it decides downstream,
// the run's outcome, and cancellations.
#include "engine/retrypolicy.h"
#include "engine_p.h"
#include "store/sql.h"
#include "store/workspace.h"

#include <spdlog/spdlog.h>

namespace Baton {

using namespace EngineDetail;

void Engine::transactionOn(RunSlot &run, const std::function<void(QSqlDatabase &)> &work)
{
    // The work changes the run as it writes; if nothing commits, the run is put back as it was,
    // so that what the engine holds never differs from the store.
    const RunSlot before = run;
    const bool finished = m_finishedRuns.contains(run.id);
    try {
        transaction(work);
    } catch (...) {
        run = before;
        if (finished)
            m_finishedRuns.insert(run.id);
        else
            m_finishedRuns.remove(run.id);
        throw;
    }
}

void Engine::setTaskState(RunSlot &run, int index, RunState state)
{
    run.dag[index].state = state;
    Q_EMIT taskStateChanged(run.id, run.tasks[index].name, state);
}

void Engine::onAttemptFinished(qint64 attemptId, const AttemptExit &exit)
{
    const auto where = m_attempts.take(attemptId);
    auto it = m_runs.find(where.first);
    if (it == m_runs.end())
        return;
    RunSlot &run = *it;
    const int index = where.second;
    TaskSlot &task = run.tasks[index];
    if (m_uncounted.remove(attemptId)) {
        // A follower that ended before the attempt it followed (withdrawn, or it could not
        // start): it held no place.
        for (auto f = m_followers.begin(); f != m_followers.end(); ++f) {
            if (f->attemptId == attemptId) {
                m_followers.erase(f);
                break;
            }
        }
    } else {
        --m_running;
        --run.running;
        m_slotFreedAtUs = nowUs();
        // Its follower has its place now (and has most likely started already).
        if (m_followers.contains(attemptId))
            promoteFollower(attemptId, exit.finishedAtUs, false);
    }
    // Abandoned before any supervisor took it: it never ran, so it starts again whatever its
    // retries (a few times at most, should something keep it from ever starting).
    const bool notStarted = exit.reason == QLatin1String("not_started") && !run.cancelRequested
        && task.neverStarted < MaxNeverStarted;
    if (notStarted)
        ++task.neverStarted;
    recordEnd({ attemptId, where.first, index, exit, notStarted });
}

bool Engine::recordEnd(const EndedAttempt &ended)
{
    auto it = m_runs.find(ended.runId);
    if (it == m_runs.end())
        return true;
    RunSlot &run = *it;
    const int index = ended.index;
    TaskSlot &task = run.tasks[index];
    const qint64 attemptId = ended.attemptId;
    const AttemptExit &exit = ended.exit;
    const bool notStarted = ended.notStarted;

    RunState attemptState = RunState::Failed;
    QString reason = exit.detail;
    if (exit.reason == QLatin1String("completed"))
        attemptState = exit.exitCode == 0 ? RunState::Succeeded : RunState::Failed;
    else if (exit.reason == QLatin1String("timed_out"))
        attemptState = RunState::TimedOut;
    else if (exit.reason == QLatin1String("cancelled"))
        attemptState = RunState::Cancelled;
    else if (exit.reason == QLatin1String("lost"))
        attemptState = RunState::Lost;
    if (exit.reason == QLatin1String("not_started"))
        attemptState = notStarted ? RunState::Cancelled : RunState::Lost;
    if (reason.isEmpty() && attemptState == RunState::Failed)
        reason = QStringLiteral("exit code %1").arg(exit.exitCode);
    if (attemptState == RunState::TimedOut)
        reason = QStringLiteral("timed out after %1 s").arg(task.timeout);
    if (!exit.logError.isEmpty()) {
        // The job ran on without its log: say so where the attempt is looked at.
        const QString lost = QStringLiteral("output not logged: %1").arg(exit.logError);
        reason = reason.isEmpty() ? lost : reason + QStringLiteral("; ") + lost;
    }

    // Attempts that never started count for neither the retries nor the backoff.
    const RetryPolicy policy(task.retries, task.retryDelay);
    const int counted = task.attempts - task.neverStarted;
    const bool retry = notStarted
        || ((attemptState == RunState::Failed || attemptState == RunState::TimedOut
             || attemptState == RunState::Lost)
            && !run.cancelRequested && policy.allowsRetry(counted));
    const qint64 now = nowMs();
    // The end of this attempt and the starts it makes possible commit together.
    QList<Launch> launches;
    // A 'running' transition still waiting for a transaction commits in this one: the end's own
    // statements write it (running_at_us here; the task's state is overwritten anyway), which
    // readers cannot tell from two statements in the same transaction.
    const qint64 runningAtUs = takeDeferredRunning(attemptId);
    const QVariant exitCode = exit.exitCode >= 0 ? QVariant(exit.exitCode) : QVariant();
    const auto writeEnd = [&](QSqlDatabase &tx) {
        m_hot->attemptEnd.run({ stateName(attemptState), exitCode, reason,
                                exit.finishedAt ? exit.finishedAt : now,
                                runningAtUs ? QVariant(runningAtUs) : QVariant(), attemptId });
        recordMetrics(run, task, tx, now);
        if (retry) {
            task.notBefore = notStarted ? now : now + policy.delayMs(counted);
            m_workspace->store().exec(
                QStringLiteral("UPDATE task_runs SET state = 'queued', not_before = ?, "
                               "exit_code = ?, reason = ? WHERE id = ?"),
                { task.notBefore, exit.exitCode,
                  notStarted ? QStringLiteral("attempt %1 never started; starting it again")
                                   .arg(task.attempts)
                             : QStringLiteral("attempt %1 %2; retrying")
                                   .arg(task.attempts)
                                   .arg(stateName(attemptState)),
                  task.taskRunId });
            setTaskState(run, index, RunState::Queued);
            if (task.notBefore <= now) {
                task.notBefore = 0;
                markReady(run, index);
            }
            return;
        }
        // ready_at_us again: a follower's wait ended when its predecessor did, not when it was
        // queued (see promoteFollower).
        m_hot->taskEnd.run({ stateName(attemptState), exitCode, reason, now,
                             task.readyAtUs ? QVariant(task.readyAtUs) : QVariant(),
                             task.taskRunId });
        setTaskState(run, index, attemptState);
        cascade(run, index, tx, now);
        finishRunIfDone(run, tx, now);
    };
    // The write changes the run as it goes: put back as it was if nothing commits.
    const RunSlot before = run;
    const bool wasFinished = m_finishedRuns.contains(run.id);
    try {
        transaction([&](QSqlDatabase &tx) {
            writeEnd(tx);
            launches = pickLaunches();
            recordLaunches(launches, tx);
        });
    } catch (const Error &e) {
        unpick(launches);
        run = before;
        if (wasFinished)
            m_finishedRuns.insert(run.id);
        else
            m_finishedRuns.remove(run.id);
        if (runningAtUs) // not committed: it waits for the next transaction again
            m_deferred.push_back({ attemptId, task.taskRunId, runningAtUs });
        // Kept, and written at the next tick: an end the store cannot take yet (busy, full) is
        // never lost, nor a reason for the engine to stop.
        if (!ended.reported) {
            spdlog::warn("engine: run {} task {} attempt {} ended ({}); not recorded yet, "
                         "retrying: {}",
                         run.id, task.name.toStdString(), task.attempts, exit.reason.toStdString(),
                         e.message().toStdString());
        }
        m_unrecorded.push_back(ended);
        m_unrecorded.back().reported = true;
        return false;
    }
    task.attemptDir = QString(); // kept only while the attempt runs: memory stays flat
    startLaunches(launches); // may start this very task again (a retry without delay)
    try {
        fillSlots();
    } catch (const Error &e) {
        spdlog::warn("engine: {}", e.message().toStdString()); // the next tick tries again
    }
    return true;
}

void Engine::cascade(RunSlot &run, int index, QSqlDatabase &db, qint64 now)
{
    // Depth-first over downstream tasks whose fate this ending decides.
    std::vector<int> stack(run.tasks[index].downstream.begin(), run.tasks[index].downstream.end());
    while (!stack.empty()) {
        const int d = stack.back();
        stack.pop_back();
        if (run.dag[d].state != RunState::Queued || run.tasks[d].queuedToStart)
            continue;
        const auto verdict = DagEvaluator::evaluate(run.dag, d);
        if (verdict == DagEvaluator::Verdict::Ready && !run.cancelRequested) {
            markReady(run, d);
        } else if (verdict == DagEvaluator::Verdict::Skip
                   || verdict == DagEvaluator::Verdict::UpstreamFailed) {
            const RunState s = verdict == DagEvaluator::Verdict::Skip ? RunState::Skipped
                                                                      : RunState::UpstreamFailed;
            m_workspace->store().exec(
                QStringLiteral("UPDATE task_runs SET state = ?, finished_at = ?, reason = ? "
                               "WHERE id = ?"),
                { stateName(s), now,
                  s == RunState::Skipped ? QStringLiteral("its conditions can no longer hold")
                                         : QStringLiteral("an upstream task failed"),
                  run.tasks[d].taskRunId });
            setTaskState(run, d, s);
            stack.insert(stack.end(), run.tasks[d].downstream.begin(),
                         run.tasks[d].downstream.end());
        }
    }
}

void Engine::finishRunIfDone(RunSlot &run, QSqlDatabase &db, qint64 now)
{
    const auto outcome = DagEvaluator::outcome(run.dag, run.cancelRequested);
    if (!outcome || m_finishedRuns.contains(run.id))
        return;
    m_workspace->store().exec(
        QStringLiteral("UPDATE runs SET state = ?, finished_at = ? WHERE id = ?"),
        { stateName(*outcome), now, run.id });
    m_finishedRuns.insert(run.id);
    const qint64 id = run.id;
    const RunState state = *outcome;
    // Announced after the transaction commits.
    QMetaObject::invokeMethod(
        this, [this, id, state] { Q_EMIT runFinished(id, state); }, Qt::QueuedConnection);
}

void Engine::dropFinishedRuns()
{
    for (qint64 id : std::as_const(m_finishedRuns)) {
        auto it = m_runs.find(id);
        if (it != m_runs.end() && it->running == 0)
            m_runs.erase(it);
    }
    QSet<qint64> still;
    for (qint64 id : std::as_const(m_finishedRuns)) {
        if (m_runs.contains(id))
            still.insert(id);
    }
    m_finishedRuns = still;
}

void Engine::cancelRun(RunSlot &run)
{
    const qint64 now = nowMs();
    transactionOn(run, [&](QSqlDatabase &tx) {
        run.cancelRequested = true;
        run.ready.clear();
        for (int i = 0; i < run.tasks.size(); ++i) {
            if (run.dag[i].state != RunState::Queued)
                continue;
            run.tasks[i].queuedToStart = false;
            Sql::exec(tx,
                      QStringLiteral("UPDATE task_runs SET state = 'cancelled', finished_at = ?, "
                                     "reason = 'run cancelled' WHERE id = ?"),
                      { now, run.tasks[i].taskRunId });
            setTaskState(run, i, RunState::Cancelled);
        }
        finishRunIfDone(run, tx, now);
    });
    // Starting attempts first: one queued behind a running attempt of this run must be withdrawn
    // before that attempt is killed, or its worker may claim and start it the moment the
    // killed attempt ends (seen under load: the follower ran and succeeded).
    for (const RunState wanted : { RunState::Starting, RunState::Running }) {
        for (int i = 0; i < run.tasks.size(); ++i) {
            if (run.dag[i].state == wanted)
                m_executor->cancel(run.tasks[i].attemptId, run.tasks[i].attemptDir);
        }
    }
}

void Engine::cancelTask(RunSlot &run, int index)
{
    const RunState s = run.dag[index].state;
    if (s == RunState::Starting || s == RunState::Running) {
        run.tasks[index].retries = 0; // a cancelled attempt is not retried
        m_executor->cancel(run.tasks[index].attemptId, run.tasks[index].attemptDir);
        return;
    }
    if (s != RunState::Queued)
        return;
    const qint64 now = nowMs();
    transactionOn(run, [&](QSqlDatabase &tx) {
        auto &ready = run.ready;
        ready.erase(std::remove(ready.begin(), ready.end(), index), ready.end());
        run.tasks[index].queuedToStart = false;
        Sql::exec(tx,
                  QStringLiteral("UPDATE task_runs SET state = 'cancelled', finished_at = ?, "
                                 "reason = 'cancelled by request' WHERE id = ?"),
                  { now, run.tasks[index].taskRunId });
        setTaskState(run, index, RunState::Cancelled);
        cascade(run, index, tx, now);
        finishRunIfDone(run, tx, now);
    });
}

} // namespace Baton
