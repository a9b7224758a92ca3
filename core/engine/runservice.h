#pragma once

#include "model/durations.h"
#include "model/runstate.h"
#include "monitoring/waitreason.h"

#include <QList>
#include <QMap>
#include <QSqlDatabase>
#include <QString>
#include <optional>

namespace Baton {

class Store;

struct RunRequest
{
    QString project;
    QString pipeline;
    QString environment; ///< empty: the first environment of the project's path
    QMap<QString, QString> parameters;
    int parallelism = 0; ///< 0: no per-run limit
    QString trigger = QStringLiteral("manual");
    QString logicalDate;
    QString actor;
    qint64 scheduleId = 0; ///< set for scheduled runs: (schedule, fire time) is unique
    qint64 fireTimeMs = 0;
};

struct AttemptSummary
{
    int number = 0;
    RunState state = RunState::Queued;
    std::optional<int> exitCode;
    QString reason;
    qint64 startedAt = 0;
    qint64 finishedAt = 0;
    QString logPath; ///< where the log is or will be (no file: the attempt wrote nothing)
    QString attemptDir;
    qint64 runningAt = 0; ///< when its process was seen running; 0: not yet
};

struct TaskRunSummary
{
    QString name;
    QString job;
    int jobVersion = 0;
    RunState state = RunState::Queued;
    int attempts = 0;
    std::optional<int> exitCode;
    QString reason;
    qint64 startedAt = 0;
    qint64 finishedAt = 0;
    QList<AttemptSummary> attemptList;
    /// Queued or starting in a live run: why it does not run yet (taskStates() reads it).
    WaitReason wait;

    /// The sum of its attempts' run times (Durations::taskMs); needs attemptList.
    qint64 durationMs(qint64 nowMs) const;
};

struct RunSummary
{
    qint64 id = 0;
    QString project;
    QString pipeline;
    int pipelineVersion = 0;
    QString environment;
    RunState state = RunState::Queued;
    QString trigger;
    QString logicalDate;
    QString requestedBy;
    QString review; ///< pending, approved or rejected
    QMap<QString, QString> parameters;
    qint64 createdAt = 0;
    qint64 startedAt = 0;
    qint64 finishedAt = 0;
    QMap<QString, int> taskCounts; ///< state → number of tasks
    QList<TaskRunSummary> tasks; ///< filled by RunService::run() only
    QList<QPair<QString, double>> metrics;
    /// The run's active time (Durations::runClock): runs.active_ms once finished, from its
    /// attempts while live; active.ran is false while nothing of it has run.
    ActiveClock active;
};

/// Creating, listing, cancelling and re-running runs: what the CLI and the console ask for.
/// The engine does the running; these only write rows and requests it picks up.
class RunService
{
public:
    /// Validates (pipeline, environment, parameter names) and queues a run with its task rows
    /// in one transaction. Throws Baton::Error naming what is wrong.
    static qint64 createRun(const Store &store, const RunRequest &request);
    /// The same inside the caller's transaction (e.g. with a schedule's bookkeeping).
    /// Returns 0 when a scheduled run for that fire time already exists.
    static qint64 insertRun(const QSqlDatabase &db, const RunRequest &request);
    /// Queues a cancel request for a run (or one task of it). Throws if the run is finished.
    static qint64 requestCancel(const Store &store, qint64 runId, const QString &task,
                                const QString &actor);
    /// Re-queues the tasks of a finished run that did not succeed; succeeded ones are kept.
    static void rerunFailed(const Store &store, qint64 runId, const QString &actor);

    /// The newest runs; with @p review (pending, approved or rejected) only those in that
    /// review state. Throws Baton::Error on an unknown review state.
    static QList<RunSummary> runs(const QSqlDatabase &db, int limit = 50,
                                  const QString &review = {});
    /// Throws Baton::Error when there is no such run.
    static RunSummary run(const QSqlDatabase &db, qint64 runId);
    /// How a run ended, in memory independent of its size: the run's row, its task counts and
    /// only the tasks that did not succeed or get skipped (without attempts).
    static RunSummary outcome(const QSqlDatabase &db, qint64 runId);
    static std::optional<RunState> runState(const QSqlDatabase &db, qint64 runId);
    /// Just the tasks' names, states, attempts, reasons and why the waiting ones wait: cheap
    /// enough to poll.
    static QList<TaskRunSummary> taskStates(const QSqlDatabase &db, qint64 runId);
};

} // namespace Baton
