#include "operatorservice.h"

#include "access/auditlog.h"
#include "engine/runservice.h"
#include "store/sql.h"
#include "store/store.h"
#include "util/error.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>

namespace Baton {

namespace {

constexpr int kMaxReasonLength = 2000;

RunState runStateOf(const QSqlDatabase &db, qint64 runId)
{
    const QVariant v
        = Sql::scalar(db, QStringLiteral("SELECT state FROM runs WHERE id = ?"), { runId });
    if (!v.isValid())
        throw Error(QStringLiteral("no run %1").arg(runId));
    const auto s = runStateFromString(v.toString());
    if (!s)
        throw Error(
            QStringLiteral("run %1 is in an unknown state '%2'").arg(runId).arg(v.toString()));
    return *s;
}

RunState taskStateOf(const QSqlDatabase &db, qint64 runId, const QString &task)
{
    runStateOf(db, runId); // "no run N" before "no task"
    if (task.isEmpty())
        throw Error(QStringLiteral("no task named (run %1)").arg(runId));
    const QVariant v = Sql::scalar(
        db, QStringLiteral("SELECT state FROM task_runs WHERE run_id = ? AND task_name = ?"),
        { runId, task });
    if (!v.isValid())
        throw Error(QStringLiteral("run %1 has no task '%2'").arg(runId).arg(task));
    return runStateFromString(v.toString()).value_or(RunState::Queued);
}

qint64 insertRequest(const QSqlDatabase &db, const QString &kind, const QJsonObject &payload,
                     const QString &actor)
{
    return Sql::insert(db,
                       QStringLiteral("INSERT INTO requests (kind, payload, requested_by, "
                                      "created_at) VALUES (?, ?, ?, ?) RETURNING id"),
                       { kind,
                         QString::fromUtf8(QJsonDocument(payload).toJson(QJsonDocument::Compact)),
                         actor, QDateTime::currentMSecsSinceEpoch() });
}

void audit(const QSqlDatabase &db, const QString &actor, const QString &action, qint64 runId,
           const QJsonObject &before, const QString &details)
{
    AuditLog::record(db, 0, actor, action, AuditObject::run(runId), before, {}, details);
}

template<typename Action>
BulkOutcome forEachRun(const QList<qint64> &runIds, Action action)
{
    BulkOutcome outcome;
    QList<qint64> seen;
    for (const qint64 id : runIds) {
        if (seen.contains(id))
            continue; // a run selected twice is acted on once
        seen << id;
        try {
            outcome.requests << action(id);
            outcome.applied << id;
        } catch (const Error &e) {
            outcome.skipped.append({ id, e.message() });
        }
    }
    return outcome;
}

} // namespace

bool OperatorService::canCancelRun(RunState run)
{
    return !isTerminal(run);
}

bool OperatorService::canRerunFailed(RunState run)
{
    return isTerminal(run) && run != RunState::Succeeded;
}

bool OperatorService::canDeleteRun(RunState run)
{
    return isTerminal(run);
}

bool OperatorService::canCancelTask(RunState task)
{
    return !isTerminal(task);
}

bool OperatorService::canRetryTask(RunState task)
{
    return task == RunState::Failed || task == RunState::TimedOut || task == RunState::Lost
        || task == RunState::Cancelled;
}

bool OperatorService::canMarkTask(RunState task, RunState target)
{
    if (target != RunState::Succeeded && target != RunState::Failed)
        return false;
    return task != RunState::Starting && task != RunState::Running && task != target;
}

qint64 OperatorService::requestRetry(const Store &store, qint64 runId, const QString &task,
                                     const QString &actor)
{
    qint64 id = 0;
    store.transaction([&](QSqlDatabase &db) {
        const RunState s = taskStateOf(db, runId, task);
        if (!canRetryTask(s)) {
            throw Error(QStringLiteral("task '%1' of run %2 is %3: only a failed, timed-out, lost "
                                       "or cancelled task can be retried")
                            .arg(task)
                            .arg(runId)
                            .arg(stateLabel(s)));
        }
        id = insertRequest(db, QStringLiteral("retry"),
                           { { QStringLiteral("run_id"), runId },
                             { QStringLiteral("task"), task },
                             { QStringLiteral("actor"), actor } },
                           actor);
        audit(db, actor, QStringLiteral("task.retry.request"), runId,
              { { QStringLiteral("task"), task }, { QStringLiteral("state"), toString(s) } },
              QStringLiteral("task ") + task);
    });
    return id;
}

qint64 OperatorService::requestMark(const Store &store, qint64 runId, const QString &task,
                                    RunState target, const QString &reason, const QString &actor)
{
    if (target != RunState::Succeeded && target != RunState::Failed)
        throw Error(QStringLiteral("a task can only be marked succeeded or failed, not %1")
                        .arg(stateLabel(target)));
    const QString why = reason.trimmed();
    if (why.isEmpty())
        throw Error(QStringLiteral("marking a task %1 needs a reason").arg(stateLabel(target)));
    if (why.size() > kMaxReasonLength)
        throw Error(QStringLiteral("the reason is too long (%1 characters; at most %2)")
                        .arg(why.size())
                        .arg(kMaxReasonLength));
    qint64 id = 0;
    store.transaction([&](QSqlDatabase &db) {
        const RunState s = taskStateOf(db, runId, task);
        if (s == RunState::Starting || s == RunState::Running)
            throw Error(QStringLiteral("task '%1' of run %2 is %3: cancel it before marking it")
                            .arg(task)
                            .arg(runId)
                            .arg(stateLabel(s)));
        if (!canMarkTask(s, target))
            throw Error(QStringLiteral("task '%1' of run %2 is already %3")
                            .arg(task)
                            .arg(runId)
                            .arg(stateLabel(s)));
        id = insertRequest(db, QStringLiteral("mark"),
                           { { QStringLiteral("run_id"), runId },
                             { QStringLiteral("task"), task },
                             { QStringLiteral("state"), toString(target) },
                             { QStringLiteral("reason"), why },
                             { QStringLiteral("actor"), actor } },
                           actor);
        audit(db, actor, QStringLiteral("task.mark.request"), runId,
              { { QStringLiteral("task"), task }, { QStringLiteral("state"), toString(s) } },
              QStringLiteral("task %1 marked %2: %3").arg(task, stateLabel(target), why));
    });
    return id;
}

qint64 OperatorService::requestDelete(const Store &store, qint64 runId, const QString &actor)
{
    qint64 id = 0;
    store.transaction([&](QSqlDatabase &db) {
        const RunState s = runStateOf(db, runId);
        if (!canDeleteRun(s))
            throw Error(QStringLiteral("run %1 is still %2: only finished runs can be deleted "
                                       "(cancel it first)")
                            .arg(runId)
                            .arg(stateLabel(s)));
        // The payload is read here, not with SQL: JSON functions differ between SQLite and
        // PostgreSQL, and open delete requests are few.
        QSqlQuery open = Sql::exec(db,
                                   QStringLiteral("SELECT payload FROM requests WHERE kind = "
                                                  "'delete' AND state IN ('pending', 'claimed')"));
        while (open.next()) {
            const QJsonObject payload
                = QJsonDocument::fromJson(open.value(0).toString().toUtf8()).object();
            if (payload.value(QLatin1String("run_id")).toInteger() == runId)
                throw Error(QStringLiteral("run %1 is already being deleted").arg(runId));
        }
        id = insertRequest(
            db, QStringLiteral("delete"),
            { { QStringLiteral("run_id"), runId }, { QStringLiteral("actor"), actor } }, actor);
        audit(db, actor, QStringLiteral("run.delete.request"), runId,
              { { QStringLiteral("state"), toString(s) } }, QStringLiteral("delete from history"));
    });
    return id;
}

BulkOutcome OperatorService::cancelRuns(const Store &store, const QList<qint64> &runIds,
                                        const QString &actor)
{
    return forEachRun(runIds,
                      [&](qint64 id) { return RunService::requestCancel(store, id, {}, actor); });
}

BulkOutcome OperatorService::rerunFailed(const Store &store, const QList<qint64> &runIds,
                                         const QString &actor)
{
    return forEachRun(runIds, [&](qint64 id) {
        RunService::rerunFailed(store, id, actor);
        return qint64(0);
    });
}

BulkOutcome OperatorService::deleteRuns(const Store &store, const QList<qint64> &runIds,
                                        const QString &actor)
{
    return forEachRun(runIds, [&](qint64 id) { return requestDelete(store, id, actor); });
}

RequestStatus OperatorService::requestStatus(const QSqlDatabase &db, qint64 requestId)
{
    QSqlQuery q = Sql::exec(db,
                            QStringLiteral("SELECT kind, state, COALESCE(error, '') FROM requests "
                                           "WHERE id = ?"),
                            { requestId });
    if (!q.next())
        throw Error(QStringLiteral("no request %1").arg(requestId));
    RequestStatus s;
    s.id = requestId;
    s.kind = q.value(0).toString();
    s.state = q.value(1).toString();
    s.error = q.value(2).toString();
    return s;
}

} // namespace Baton
