#pragma once

#include "model/runstate.h"

#include <QList>
#include <QPair>
#include <QSqlDatabase>
#include <QString>

namespace Baton {

class Store;

/// What an operator asked for and how far the engine got with it (a row of `requests`).
struct RequestStatus
{
    qint64 id = 0;
    QString kind;
    QString state; ///< pending, claimed, done, failed
    QString error; ///< the engine's explanation when failed
    bool finished() const
    {
        return state == QLatin1String("done") || state == QLatin1String("failed");
    }
};

/// The outcome of one action over several runs: which ones it applied to, which it skipped
/// and why (a bulk action never stops at the first run it cannot apply to).
struct BulkOutcome
{
    QList<qint64> applied;
    QList<qint64> requests; ///< the request queued per applied run (0: done at once)
    QList<QPair<qint64, QString>> skipped; ///< run id → why
};

/// Operator actions on runs and tasks (cancel, retry, mark, rerun, delete), as the console and
/// the CLI ask for them. Every action is validated here first, so bad input is refused with a
/// clear message and leaves the workspace as it was; the valid ones become rows of `requests`
/// that the engine claims and applies, one store transaction per transition. Each request is
/// audited with its actor in the same transaction.
///
/// The static can*() rules say which actions a state allows: screens enable their actions by
/// them and never re-derive the state machine.
class OperatorService
{
public:
    /// A run that has not finished can be cancelled.
    static bool canCancelRun(RunState run);
    /// A finished run that did not succeed can be rerun from its failed tasks.
    static bool canRerunFailed(RunState run);
    /// Only finished runs can be deleted from history.
    static bool canDeleteRun(RunState run);
    /// A task that is queued, starting or running can be cancelled.
    static bool canCancelTask(RunState task);
    /// Failed, timed-out, lost and cancelled tasks can be retried.
    static bool canRetryTask(RunState task);
    /// A task that is not starting or running can be marked @p target (succeeded or failed)
    /// unless it already is.
    static bool canMarkTask(RunState task, RunState target);

    /// Queues a retry of @p task: it and the downstream tasks decided by its failure
    /// (skipped / upstream failed) are queued again; a finished run goes back to running.
    static qint64 requestRetry(const Store &store, qint64 runId, const QString &task,
                               const QString &actor);
    /// Queues marking @p task succeeded or failed (@p target) with a reason (required);
    /// downstream tasks are decided again by the DAG rules.
    static qint64 requestMark(const Store &store, qint64 runId, const QString &task,
                              RunState target, const QString &reason, const QString &actor);
    /// Queues deleting a finished run: its rows (tasks, attempts, metrics, reviews) and its
    /// directory under runs/.
    static qint64 requestDelete(const Store &store, qint64 runId, const QString &actor);

    /// Bulk forms over a selection of runs; each run is validated and queued on its own.
    static BulkOutcome cancelRuns(const Store &store, const QList<qint64> &runIds,
                                  const QString &actor);
    static BulkOutcome rerunFailed(const Store &store, const QList<qint64> &runIds,
                                   const QString &actor);
    static BulkOutcome deleteRuns(const Store &store, const QList<qint64> &runIds,
                                  const QString &actor);

    /// Throws Baton::Error when there is no such request.
    static RequestStatus requestStatus(const QSqlDatabase &db, qint64 requestId);
};

} // namespace Baton
