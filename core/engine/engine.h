#pragma once

#include "engine/dagevaluator.h"
#include "engine/launchplanner.h"
#include "engine/variableresolver.h"
#include "executors/executor.h"
#include "model/runstate.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QProcessEnvironment>
#include <QSet>
#include <QSqlDatabase>
#include <QTimer>
#include <deque>
#include <functional>
#include <memory>
#include <vector>

namespace Baton {

class LongLivedWriter;
class Workspace;

struct EngineOptions
{
    QString holder; ///< lease holder id; empty: a new unique one
    int maxParallel = 0; ///< workspace limit; 0: setting max_parallel, else CPU count
    int pollIntervalMs = 200; ///< how often requests, new runs and retries are looked at
    qint64 leaseTtlMs = 15000; ///< another engine may take over this long after a heartbeat
    int heartbeatMs = 3000;
    int graceSeconds = -1; ///< TERM→KILL delay; -1: setting kill_grace_seconds, else 10
    qint64 logCapBytes = -1; ///< per attempt; -1: setting log_cap_bytes, else 100 MiB
    QString supervisorPath; ///< empty: next to the executable
};

/// The orchestrator: holds the workspace lease, claims queued runs and requests, walks each
/// run's DAG and starts attempts through an executor. Every state transition is one store
/// transaction; attempts outlive the engine and are re-adopted on the next start.
class Engine : public QObject
{
    Q_OBJECT
public:
    Engine(Workspace *workspace, const EngineOptions &options = {}, QObject *parent = nullptr);
    ~Engine() override;

    /// Takes the lease and recovers in-flight work. False (with @p error) when another live
    /// engine holds the workspace.
    bool start(QString *error);
    /// Releases the lease. Running attempts keep running; the next engine adopts them.
    void stop();
    bool isActive() const { return m_active; }
    QString holder() const { return m_options.holder; }
    int activeRunCount() const { return int(m_runs.size()); }
    int runningAttempts() const { return m_running; }
    /// Why the store takes none of the engine's writes at the moment; empty when it does.
    QString storeTrouble() const { return m_storeTrouble; }

Q_SIGNALS:
    void runFinished(qint64 runId, Baton::RunState state);
    void taskStateChanged(qint64 runId, const QString &task, Baton::RunState state);
    void leaseLost();
    /// The store stopped taking the engine's writes (@p error: busy past the timeout, disk
    /// full, I/O error) or, with an empty @p error, takes them again.
    void storeTroubleChanged(const QString &error);

private:
    struct TaskSlot
    {
        qint64 taskRunId = 0;
        QString name;
        qint64 jobVersionId = 0;
        QString command;
        int retries = 0;
        int retryDelay = 0;
        int timeout = 0;
        int attempts = 0;
        qint64 notBefore = 0;
        qint64 readyAtUs = 0;
        qint64 attemptId = 0;
        QString attemptDir;
        QList<int> downstream;
        bool queuedToStart = false;
        bool adopted = false; ///< its attempt was started by an earlier engine
        int neverStarted = 0; ///< attempts that never ran (do not count against retries)
    };
    struct RunSlot
    {
        qint64 id = 0;
        qint64 projectId = 0;
        qint64 pipelineId = 0;
        qint64 environmentId = 0;
        QString project;
        QString pipeline;
        QString environment;
        QString logicalDate;
        int parallelism = 0;
        int maxParallel = 0;
        int running = 0;
        bool cancelRequested = false;
        QList<DagEvaluator::Task> dag;
        QList<TaskSlot> tasks;
        std::deque<int> ready;
        QList<ResolvedVariable> variables;
        QStringList environmentList; ///< built on the first launch
        QStringList secretNames;
        QString runDir;
    };
    /// An attempt about to start: picked (limits counted), then recorded, then started.
    struct Launch
    {
        qint64 runId = 0;
        int index = -1;
        int number = 0;
        QString attemptDir;
        qint64 attemptId = 0;
        bool makeDir = false; ///< the executor creates the (empty) attempt directory
        qint64 after = 0; ///< a follower: starts in this attempt's place once it ends
    };
    /// A ready task started behind a running attempt of its run (see Executor::canFollow).
    struct Follower
    {
        qint64 attemptId = 0;
        qint64 runId = 0;
        qint64 queuedAtMs = 0;
    };

    void tick();
    void heartbeat();
    /// Stops acting on the workspace and drops what it holds, as when its lease is lost
    /// (leaseLost()); its host starts it again from what the workspace holds.
    void stepDown(const QString &why);
    /// Writes nothing more from now on (Engine::transaction refuses, saying @p why) and steps
    /// down once the caller has unwound.
    void stepDownSoon(const QString &why);
    void loadSettings();
    /// The workspace limit set from a console or `baton settings` applies while running.
    void reloadLimit();
    /// Activates the runs left running by an earlier engine (until that succeeds once); with
    /// @p onlyMissing, only those not active here yet.
    void recoverInFlight(bool onlyMissing);
    /// Applies the requests not finished yet, one at a time, in order; throws on a store error
    /// (the rest wait for the next tick).
    void claimRequests();
    /// Carries out one request: an empty string when done, else why it was refused.
    QString applyRequest(const QString &kind, const QJsonObject &payload);
    /// Records the request being applied as done, in the transaction that carries it out.
    void completeRequest(QSqlDatabase &tx);
    /// Records request @p id done (or failed with @p error) unless already recorded.
    void finishRequest(qint64 id, const QString &error);
    QString cancelRequest(qint64 runId, const QString &task);
    /// A transaction whose work changes @p run: @p run is put back as it was if it fails.
    void transactionOn(RunSlot &run, const std::function<void(QSqlDatabase &)> &work);
    void activateQueuedRuns();
    /// Loads run @p runId and starts driving it. With @p reopen a finished run is loaded as it
    /// is (nothing written), for an operator action to change.
    void activate(qint64 runId, bool reopen = false);
    void recoverAttempt(RunSlot &run, int index, const QString &attemptState);
    void markReady(RunSlot &run, int index);
    /// runs/<run>/<task>.<attempt>: the attempt's working directory.
    static QString attemptDirectory(const RunSlot &run, const TaskSlot &task, int number);
    /// runs/<run>/metrics/<task>.<attempt>: where the attempt reports metrics.
    static QString metricsFile(const RunSlot &run, const TaskSlot &task, int number);
    bool jobVersionHasFiles(qint64 jobVersionId);
    /// Starts what the limits allow: one transaction records every attempt it starts.
    void fillSlots();
    /// Takes ready tasks off their queues as far as the limits allow (see LaunchPlanner) and
    /// prepares their directories; nothing is written to the store yet.
    QList<Launch> pickLaunches();
    /// Ready tasks of runs without a free place, queued behind their runs' attempts.
    void pickFollowers(QList<Launch> &picked);
    /// The active runs as LaunchPlanner reads them (their queues in place, not copied).
    QList<LaunchRun> launchRuns() const;
    /// Takes the entries a plan used off the front of the runs' ready queues.
    void takeReady(const QHash<qint64, int> &taken);
    Launch launchFor(const PlannedLaunch &planned);
    /// The follower of @p predecessor counts from now on, in its run's place (@p finishedUs: when
    /// the attempt it followed ended, if known). With @p expedite it may start before that attempt
    /// ends.
    void promoteFollower(qint64 predecessor, qint64 finishedUs, bool expedite);
    /// Puts picked launches back, as if never picked (their transaction failed).
    void unpick(const QList<Launch> &launches);
    /// Records each launch (task 'starting', a new attempt row) in the caller's transaction.
    void recordLaunches(QList<Launch> &launches, QSqlDatabase &tx);
    /// After the commit: hands each recorded launch to the executor.
    void startLaunches(const QList<Launch> &launches);
    /// A store transaction that first applies the deferred writes, so they commit in order.
    void transaction(const std::function<void(QSqlDatabase &)> &work);
    void flushDeferred();
    void noteStoreTrouble(const QString &error);
    /// Removes @p attemptId's waiting 'running' transition; its time (µs), or 0 if none.
    qint64 takeDeferredRunning(qint64 attemptId);
    void onAttemptRunning(qint64 attemptId, qint64 startedAtUs);
    void onAttemptFinished(qint64 attemptId, const AttemptExit &exit);
    /// An attempt that ended, its place already given back, its end still to be recorded.
    struct EndedAttempt
    {
        qint64 attemptId = 0;
        qint64 runId = 0;
        int index = -1;
        AttemptExit exit;
        bool notStarted = false;
        bool reported = false; ///< its failure to be recorded was logged
    };
    /// Records @p ended and starts what it makes possible. False when the store could not take
    /// it: it is then kept in m_unrecorded for the next tick.
    bool recordEnd(const EndedAttempt &ended);
    void cascade(RunSlot &run, int index, QSqlDatabase &db, qint64 now);
    void finishRunIfDone(RunSlot &run, QSqlDatabase &db, qint64 now);
    void cancelRun(RunSlot &run);
    void cancelTask(RunSlot &run, int index);
    void recordMetrics(RunSlot &run, const TaskSlot &task, QSqlDatabase &db, qint64 now);
    void recordMetricsFile(RunSlot &run, const TaskSlot &task, const QString &path, qint64 now);
    void setTaskState(RunSlot &run, int index, RunState state);
    void dropFinishedRuns();

    // Operator actions (requests retry, mark, delete): an empty string on success, else why not.
    RunSlot *slotForAction(qint64 runId, QString *error);
    /// The run and the index of its task @p task an action names, or nullptr and why not.
    RunSlot *slotForTask(qint64 runId, const QString &task, int *index, QString *error);
    int taskIndex(const RunSlot &run, const QString &task) const;
    QString retryTask(qint64 runId, const QString &task, const QString &actor);
    QString markTask(qint64 runId, const QString &task, const QString &state, const QString &reason,
                     const QString &actor);
    QString deleteRun(qint64 runId);
    void reopenDownstream(RunSlot &run, int index, QSqlDatabase &db, qint64 now);
    void reopenRun(RunSlot &run, bool wasFinished, QSqlDatabase &db);

    struct HotStatements;
    Workspace *m_workspace;
    EngineOptions m_options;
    std::unique_ptr<HotStatements> m_hot;
    std::unique_ptr<Executor> m_executor;
    std::unique_ptr<LongLivedWriter> m_writer; // while active; before the connection closes
    QTimer m_tick;
    QTimer m_heartbeat;
    bool m_active = false;
    QString m_steppingDown; // why nothing more is written until it stepped down (empty: it is)
    int m_running = 0;
    qint64 m_slotFreedAtUs = 0; // when the last attempt ended: a queued task's wait ends here
    QHash<qint64, RunSlot> m_runs; // active runs by id
    QHash<qint64, QPair<qint64, int>> m_attempts; // attempt id → (run id, task index)
    // Followers by the attempt they wait for. They count for no limit until it ends: then they
    // take its place (or earlier, when a place is free and they waited long enough).
    QHash<qint64, Follower> m_followers;
    QSet<qint64> m_uncounted; // attempt ids of the followers still waiting
    QSet<qint64> m_finishedRuns;
    qint64 m_lastScheduleCheck = 0;
    bool m_limitFromSetting = false; ///< maxParallel follows the max_parallel setting
    QHash<qint64, bool> m_jobVersionHasFiles;
    bool m_recoveryPending = false;
    qint64 m_applying = 0; // the request being carried out, recorded done in its transaction
    QHash<qint64, int> m_requestFailures; // request id → store errors while applying it
    QProcessEnvironment m_baseEnvironment;
    // 'running' transitions wait here (at most DeferMs) to share the next transaction, which for
    // a short task is the one recording its end: one commit instead of two.
    struct DeferredRunning
    {
        qint64 attemptId = 0;
        qint64 taskRunId = 0;
        qint64 us = 0;
    };
    std::vector<DeferredRunning> m_deferred;
    std::vector<EndedAttempt> m_unrecorded; // ends the store could not take yet, in order
    QString m_storeTrouble; // why the store takes no writes, while it does not
    QTimer m_deferTimer;
};

} // namespace Baton
