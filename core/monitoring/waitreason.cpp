#include "waitreason.h"

#include "engine/enginelease.h"
#include "engine/launchplanner.h"
#include "model/runstate.h"
#include "store/settings.h"
#include "store/sql.h"
#include "store/sqldialect.h"

#include <QDateTime>
#include <QHash>
#include <QSqlQuery>

namespace Baton {

WaitReason WaitReasons::explain(const WaitFacts &f, qint64 nowMs)
{
    using K = WaitReason::Kind;
    if (f.taskState != RunState::Queued && f.taskState != RunState::Starting)
        return {};
    if (f.runState == RunState::Queued) {
        return f.engineRunning
            ? WaitReason { K::Engine, QStringLiteral("run queued: the engine picks it up next") }
            : WaitReason { K::NoEngine,
                           QStringLiteral("run queued: no engine is running (start `baton "
                                          "engine` or open the console)") };
    }
    if (f.taskState == RunState::Starting) {
        // A follower says behind which attempt; any other start is a matter of milliseconds.
        if (f.taskReason.startsWith(QLatin1String("queued behind ")))
            return { K::Follower, f.taskReason };
        return {};
    }
    if (f.pendingUpstream > 0)
        return {
            K::Upstream,
            f.pendingUpstream == 1
                ? QStringLiteral("waits for an upstream task to end")
                : QStringLiteral("waits for %1 upstream tasks to end").arg(f.pendingUpstream)
        };
    if (f.notBefore > nowMs)
        return { K::Backoff,
                 QStringLiteral("retry waits for its delay, until %1")
                     .arg(QDateTime::fromMSecsSinceEpoch(f.notBefore)
                              .toString(QStringLiteral("HH:mm:ss"))) };
    // Ready: the engine's own rule says which limit, if any, keeps it from a place.
    switch (LaunchPlanner::blockingLimit(f.runActive, f.runParallelism, f.pipelineMaxParallel,
                                         f.workspaceActive, f.workspaceLimit)) {
    case K::None:
        return { K::Engine, QStringLiteral("ready: the engine starts it next") };
    case K::RunLimit:
        return { K::RunLimit,
                 QStringLiteral("waits for a free place: run limit (%1 of %2 in use by this run)")
                     .arg(f.runActive)
                     .arg(f.runParallelism) };
    case K::PipelineLimit:
        return { K::PipelineLimit,
                 QStringLiteral("waits for a free place: pipeline limit max_parallel %1 (%2 in "
                                "use by this run)")
                     .arg(f.pipelineMaxParallel)
                     .arg(f.runActive) };
    default:
        break;
    }
    return { K::WorkspaceLimit,
             f.workspaceLimit > 0
                 ? QStringLiteral("waits for a free place: workspace limit (%1 of %2 in use)")
                       .arg(f.workspaceActive)
                       .arg(f.workspaceLimit)
                 : QStringLiteral("waits for a free place: workspace limit (%1 in use; the "
                                  "engine's CPU count)")
                       .arg(f.workspaceActive) };
}

QString WaitReasons::holdsPlaceSql(const QString &alias)
{
    return QStringLiteral("(%1.state = 'running' OR (%1.state = 'starting' AND %1.reason NOT LIKE "
                          "'queued behind %'))")
        .arg(alias);
}

WaitReasons::Workspace WaitReasons::readWorkspace(const QSqlDatabase &db, qint64 nowMs)
{
    Workspace w;
    w.active = Sql::scalar(db,
                           QStringLiteral("SELECT count(*) FROM task_runs t JOIN runs r ON "
                                          "r.id = t.run_id WHERE r.state IN %1 AND %2")
                               .arg(sqlStateList({ RunState::Starting, RunState::Running }),
                                    holdsPlaceSql(QStringLiteral("t"))))
                   .toInt();
    w.limit = Settings::value(db, QStringLiteral("max_parallel")).toInt();
    const auto lease = EngineLease::current(db);
    w.engineRunning = lease && lease->expiresAt > nowMs;
    return w;
}

QHash<qint64, QList<QPair<QString, WaitReason>>>
WaitReasons::read(const QSqlDatabase &db, const QList<qint64> &runIds, qint64 nowMs)
{
    QHash<qint64, QList<QPair<QString, WaitReason>>> out;
    if (runIds.isEmpty())
        return out;
    const Workspace w = readWorkspace(db, nowMs);
    QStringList ids;
    for (qint64 id : runIds)
        ids << QString::number(id);
    // Waiting tasks with what decides their wait: upstream tasks not ended, the run's active
    // tasks and its limits.
    QSqlQuery q = Sql::exec(
        db,
        QStringLiteral(
            "SELECT t.run_id, t.task_name, t.state, t.reason, COALESCE(t.not_before, 0), "
            "(SELECT count(*) FROM pipeline_edges e JOIN task_runs u ON u.run_id = t.run_id AND "
            "u.pipeline_task_id = e.from_task_id WHERE e.to_task_id = t.pipeline_task_id AND "
            "u.state IN %2), "
            "(SELECT count(*) FROM task_runs a WHERE a.run_id = t.run_id AND %1), "
            "r.parallelism, v.max_parallel, r.state "
            "FROM task_runs t JOIN runs r ON r.id = t.run_id JOIN pipeline_versions v ON v.id = "
            "r.pipeline_version_id LEFT JOIN pipeline_tasks pt ON pt.id = t.pipeline_task_id "
            "WHERE t.run_id %4 AND t.state IN %3 ORDER BY "
            "t.run_id, pt.position, t.id")
            .arg(holdsPlaceSql(QStringLiteral("a")), sqlStateList(isActive),
                 sqlStateList({ RunState::Queued, RunState::Starting }),
                 SqlDialect::inJsonArray(db)),
        { QLatin1Char('[') + ids.join(QLatin1Char(',')) + QLatin1Char(']') });
    while (q.next()) {
        WaitFacts f;
        const qint64 runId = q.value(0).toLongLong();
        f.taskState = parseRunState(q.value(2).toString(), runId, q.value(1).toString());
        f.taskReason = q.value(3).toString();
        f.notBefore = q.value(4).toLongLong();
        f.pendingUpstream = q.value(5).toInt();
        f.runActive = q.value(6).toInt();
        f.runParallelism = q.value(7).toInt();
        f.pipelineMaxParallel = q.value(8).toInt();
        f.runState = parseRunState(q.value(9).toString(), runId);
        f.engineRunning = w.engineRunning;
        f.workspaceActive = w.active;
        f.workspaceLimit = w.limit;
        const WaitReason reason = explain(f, nowMs);
        if (reason.kind != WaitReason::Kind::None)
            out[runId].append({ q.value(1).toString(), reason });
    }
    return out;
}

WaitReason WaitReasons::forRun(const QList<QPair<QString, WaitReason>> &tasks)
{
    // A place, a delay or a predecessor explains why nothing runs; an upstream wait only
    // says which task is next.
    for (const auto &[name, reason] : tasks) {
        if (reason.kind != WaitReason::Kind::Upstream)
            return reason;
    }
    return tasks.isEmpty() ? WaitReason {} : tasks.first().second;
}

} // namespace Baton
