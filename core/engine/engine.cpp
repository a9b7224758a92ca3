#include "engine.h"

#include "access/auditlog.h"
#include "access/identity.h"
#include "engine/operatorservice.h"
#include "enginelease.h"
#include "executors/localexecutor.h"
#include "model/specjson.h"
#include "monitoring/alertrules.h"
#include "release/rewriterules.h"
#include "scheduling/schedulefirer.h"
#include "store/hotstatement.h"
#include "store/settings.h"
#include "store/sql.h"
#include "store/walcheckpointer.h"
#include "store/workspace.h"
#include "util/error.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSysInfo>
#include <QThread>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

namespace Baton {

namespace {

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

qint64 nowUs()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

QString stateName(RunState s)
{
    return toString(s);
}

QJsonObject jsonObject(const QVariant &v)
{
    return QJsonDocument::fromJson(v.toString().toUtf8()).object();
}

} // namespace

// The engine's writes per attempt, prepared once (see HotStatement).
struct Engine::HotStatements
{
    explicit HotStatements(const Store &store)
        : taskStarting(store,
                       "UPDATE task_runs SET state = 'starting', attempts = ?, started_at = "
                       "IFNULL(started_at, ?), not_before = NULL, ready_at_us = ?, reason = ? "
                       "WHERE id = ?")
        , attemptInsert(store,
                        "INSERT INTO task_attempts (task_run_id, number, state, executor, host, "
                        "attempt_dir, log_path, started_at) VALUES (?, ?, 'starting', ?, ?, ?, ?, "
                        "?)")
        , attemptRunning(store,
                         "UPDATE task_attempts SET state = 'running', running_at_us = ? WHERE "
                         "id = ? AND state = 'starting'")
        , taskRunning(
              store,
              "UPDATE task_runs SET state = 'running', reason = '' WHERE id = ? AND state = "
              "'starting'")
        , attemptEnd(store,
                     "UPDATE task_attempts SET state = ?, exit_code = ?, reason = ?, finished_at = "
                     "?, running_at_us = IFNULL(?, running_at_us) WHERE id = ?")
        , taskEnd(store,
                  "UPDATE task_runs SET state = ?, exit_code = ?, reason = ?, finished_at = ?, "
                  "ready_at_us = IFNULL(?, ready_at_us) WHERE id = ?")
    { }
    HotStatement taskStarting;
    HotStatement attemptInsert;
    HotStatement attemptRunning;
    HotStatement taskRunning;
    HotStatement attemptEnd;
    HotStatement taskEnd;
};

namespace {

// How long a 'running' transition may wait for the next transaction to share.
constexpr int DeferMs = 10;
// A follower waiting this long behind its attempt takes the next free place instead.
constexpr qint64 FollowerWaitMs = 20;
// How often an attempt that never started is started again before it counts as lost.
constexpr int MaxNeverStarted = 3;
// How often a request may fail for a reason other than a busy or full store before it is
// refused on record.
constexpr int MaxRequestFailures = 5;

// A store that is busy with other writers, or full, or failing to write: waited out and retried,
// never a reason to give up on what was asked.
bool isTransientStoreError(const Error &e)
{
    const QString &m = e.message();
    return m.contains(QLatin1String("locked by another writer"))
        || m.contains(QLatin1String("disk is full")) || m.contains(QLatin1String("disk I/O error"))
        || m.contains(QLatin1String("unable to open database file"));
}

// Exponential backoff: delay, 2×delay, 4×delay, … capped at one hour.
qint64 backoffMs(int retryDelaySeconds, int attemptNumber)
{
    const int shift = std::min(attemptNumber - 1, 16);
    const qint64 ms = qint64(retryDelaySeconds) * 1000 * (qint64(1) << shift);
    return std::min<qint64>(ms, 3600 * 1000);
}

} // namespace

Engine::Engine(Workspace *workspace, const EngineOptions &options, QObject *parent)
    : QObject(parent)
    , m_workspace(workspace)
    , m_options(options)
    , m_baseEnvironment(QProcessEnvironment::systemEnvironment())
{
    if (m_options.holder.isEmpty())
        m_options.holder = EngineLease::newHolderId();
    m_hot = std::make_unique<HotStatements>(m_workspace->store());
    auto local = std::make_unique<LocalExecutor>(m_options.supervisorPath);
    local->setDiagnosticsLog(
        QDir(m_workspace->logsDirectory()).filePath(QStringLiteral("supervisor.log")));
    m_executor = std::move(local);
    connect(m_executor.get(), &Executor::attemptRunning, this, &Engine::onAttemptRunning);
    connect(m_executor.get(), &Executor::attemptFinished, this, &Engine::onAttemptFinished);
    connect(&m_tick, &QTimer::timeout, this, &Engine::tick);
    m_deferTimer.setSingleShot(true);
    m_deferTimer.setInterval(DeferMs);
    connect(&m_deferTimer, &QTimer::timeout, this, &Engine::flushDeferred);
    connect(&m_heartbeat, &QTimer::timeout, this, &Engine::heartbeat);
    // Alert rules see a run's metrics as soon as it ends (issue #8); a failure there must
    // never stop the engine.
    connect(this, &Engine::runFinished, this, [this] {
        try {
            AlertRules::evaluatePending(m_workspace->store(), currentUser());
        } catch (const std::exception &e) {
            spdlog::warn("alert evaluation failed: {}", e.what());
        }
    });
    // Jobs must not inherit the engine's own control variables.
    for (const QString &key : m_baseEnvironment.keys()) {
        if (key.startsWith(QLatin1String("BATON_")))
            m_baseEnvironment.remove(key);
    }
}

Engine::~Engine()
{
    if (m_active)
        stop();
}

bool Engine::start(QString *error)
{
    std::optional<EngineLease::Holder> previous;
    bool got = false;
    try {
        transaction([&](QSqlDatabase &db) {
            got = EngineLease::acquire(db, m_options.holder, m_options.leaseTtlMs, &previous);
        });
    } catch (const Error &e) {
        *error = e.message();
        return false;
    }
    if (!got) {
        const auto holder = EngineLease::current(m_workspace->store().db());
        *error = QStringLiteral("another engine holds the workspace (%1, heartbeat %2 s ago)")
                     .arg(holder ? holder->holder : QStringLiteral("?"))
                     .arg(holder ? (nowMs() - holder->heartbeatAt) / 1000 : 0);
        return false;
    }
    if (previous) {
        spdlog::warn("engine {} took over the workspace from {} (lease expired)",
                     m_options.holder.toStdString(), previous->holder.toStdString());
    }
    m_active = true;
    // The engine's commits leave their WAL checkpoints to another thread. The old one goes
    // first: it puts back the auto-checkpoint, which would remove a new one's hook.
    m_checkpointer.reset();
    m_checkpointer = std::make_unique<WalCheckpointer>(m_workspace->store().db());
    loadSettings();
    spdlog::info("engine {} started (max {} parallel attempts)", m_options.holder.toStdString(),
                 m_options.maxParallel);

    // Recover runs that were in flight when the previous engine stopped or died. A store that
    // takes no writes yet (full disk, busy) does not stop the engine: the tick tries again.
    m_recoveryPending = true;
    try {
        recoverInFlight(false);
        activateQueuedRuns();
        fillSlots();
    } catch (const Error &e) {
        spdlog::error("engine: {}", e.message().toStdString());
    }

    m_tick.start(m_options.pollIntervalMs);
    m_heartbeat.start(m_options.heartbeatMs);
    return true;
}

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

void Engine::stop()
{
    if (!m_active)
        return;
    m_tick.stop();
    m_heartbeat.stop();
    m_deferTimer.stop();
    m_active = false;
    try {
        transaction( // the deferred writes go first
            [&](QSqlDatabase &db) { EngineLease::release(db, m_options.holder); });
    } catch (const Error &e) {
        spdlog::warn("engine: could not release the lease: {}", e.message().toStdString());
    }
    m_checkpointer.reset(); // while the connection is open (see WalCheckpointer)
    spdlog::info("engine {} stopped; {} attempt(s) left running for the next engine",
                 m_options.holder.toStdString(), m_running);
}

void Engine::reloadLimit()
{
    if (!m_limitFromSetting)
        return;
    int limit = Settings::value(m_workspace->store().db(), QStringLiteral("max_parallel")).toInt();
    if (limit <= 0)
        limit = std::max(1, QThread::idealThreadCount());
    if (limit == m_options.maxParallel)
        return;
    spdlog::info("engine: workspace limit {} → {} attempts at once", m_options.maxParallel, limit);
    m_options.maxParallel = limit; // a lower one lets running attempts end; a higher one fills
    fillSlots();
}

void Engine::loadSettings()
{
    const QSqlDatabase db = m_workspace->store().db();
    if (m_options.maxParallel <= 0 || m_limitFromSetting) {
        m_limitFromSetting = true; // not fixed by --parallelism: follows the setting
        m_options.maxParallel = Settings::value(db, QStringLiteral("max_parallel")).toInt();
    }
    if (m_options.maxParallel <= 0)
        m_options.maxParallel = std::max(1, QThread::idealThreadCount());
    if (m_options.graceSeconds < 0)
        m_options.graceSeconds = Settings::value(db, QStringLiteral("kill_grace_seconds")).toInt();
    if (m_options.logCapBytes < 0)
        m_options.logCapBytes = Settings::value(db, QStringLiteral("log_cap_bytes")).toLongLong();
}

void Engine::heartbeat()
{
    bool ours = false;
    try {
        // Not Engine::transaction: nothing more is written until the lease is known to be ours.
        m_workspace->store().transaction([&](QSqlDatabase &db) {
            ours = EngineLease::renew(db, m_options.holder, m_options.leaseTtlMs);
        });
    } catch (const Error &e) {
        // A busy store is not a lost lease: try again at the next beat.
        spdlog::warn("engine heartbeat failed: {}", e.message().toStdString());
        return;
    }
    if (!ours) {
        spdlog::error("engine {} lost the workspace lease; stopping",
                      m_options.holder.toStdString());
        m_tick.stop();
        m_heartbeat.stop();
        m_deferTimer.stop();
        m_deferred.clear(); // another engine owns the workspace now
        m_unrecorded.clear(); // it reads these ends from the attempts' records
        m_active = false;
        m_checkpointer.reset(); // nothing more is written here: the auto-checkpoint is back
        Q_EMIT leaseLost();
    }
}

void Engine::tick()
{
    if (!m_active)
        return;
    // Attempt ends the store could not take yet go first, in the order they came.
    if (!m_unrecorded.empty()) {
        std::vector<EndedAttempt> pending;
        pending.swap(m_unrecorded);
        for (size_t i = 0; i < pending.size(); ++i) {
            if (!recordEnd(pending[i])) {
                m_unrecorded.insert(m_unrecorded.end(), pending.begin() + i + 1, pending.end());
                return; // still failing: nothing else can be written either
            }
        }
    }
    try {
        recoverInFlight(true); // if the start could not finish it
        claimRequests();
        // Schedules are looked at once a second: cron has minute resolution.
        const qint64 t = nowMs();
        if (t - m_lastScheduleCheck >= 1000) {
            m_lastScheduleCheck = t;
            reloadLimit();
            for (const auto &fired : ScheduleFirer::fireDue(m_workspace->store(), t)) {
                spdlog::info("schedule {} fired {} for {} (run {})", fired.scheduleId,
                             fired.pipeline.toStdString(),
                             QDateTime::fromMSecsSinceEpoch(fired.fireTimeMs)
                                 .toString(Qt::ISODate)
                                 .toStdString(),
                             fired.runId);
            }
        }
        activateQueuedRuns();
        // Retries whose backoff has passed become ready.
        const qint64 now = nowMs();
        for (RunSlot &run : m_runs) {
            for (int i = 0; i < run.tasks.size(); ++i) {
                TaskSlot &t = run.tasks[i];
                if (run.dag[i].state == RunState::Queued && !t.queuedToStart && t.notBefore > 0
                    && t.notBefore <= now) {
                    t.notBefore = 0;
                    markReady(run, i);
                }
            }
        }
        fillSlots();
        dropFinishedRuns();
    } catch (const Error &e) {
        spdlog::error("engine: {}", e.message().toStdString());
    }
}

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
                                QStringLiteral("SELECT id, kind, payload, IFNULL(claimed_by, '') "
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
                                   "r.pipeline_version_id, IFNULL(r.environment_id, 0), "
                                   "r.parameters, r.parallelism, r.logical_date, p.name, "
                                   "l.name, IFNULL(e.name, ''), v.max_parallel, r.rewrites "
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

    // Tasks in definition order, with their job version's command and merged settings.
    QHash<qint64, QString> commands;
    QHash<qint64, int> byPipelineTask;
    QList<QPair<int, QString>> recover;
    QSqlQuery t = Sql::exec(db,
                            QStringLiteral("SELECT tr.id, tr.task_name, tr.state, tr.attempts, "
                                           "IFNULL(tr.not_before, 0), tr.pipeline_task_id, "
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
                                     "IFNULL(started_at, ?), variables = IFNULL(variables, ?) "
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

QString Engine::attemptDirectory(const RunSlot &run, const TaskSlot &task, int number)
{
    return run.runDir + QLatin1Char('/') + task.name + QLatin1Char('.') + QString::number(number);
}

QString Engine::metricsFile(const RunSlot &run, const TaskSlot &task, int number)
{
    // A directory of their own, not beside the attempts: looking for a file that is usually
    // not there is then a lookup in a small directory nobody else writes to, instead of one in
    // the run directory, where it waits for the workers' creates (its lock) and searches
    // thousands of entries, on the engine's critical path.
    return run.runDir + QStringLiteral("/metrics/") + task.name + QLatin1Char('.')
        + QString::number(number);
}

bool Engine::jobVersionHasFiles(qint64 jobVersionId)
{
    // Versions are immutable: whether one has files at all is asked once.
    auto it = m_jobVersionHasFiles.find(jobVersionId);
    if (it == m_jobVersionHasFiles.end()) {
        it = m_jobVersionHasFiles.insert(
            jobVersionId,
            Sql::scalar(m_workspace->store().db(),
                        QStringLiteral("SELECT 1 FROM job_version_files WHERE "
                                       "job_version_id = ? LIMIT 1"),
                        { jobVersionId })
                .isValid());
    }
    return *it;
}

void Engine::fillSlots()
{
    if (!m_active)
        return;
    QList<Launch> launches = pickLaunches();
    if (launches.isEmpty())
        return;
    try {
        transaction([&](QSqlDatabase &tx) { recordLaunches(launches, tx); });
    } catch (...) {
        unpick(launches);
        throw;
    }
    startLaunches(launches);
}

QList<Engine::Launch> Engine::pickLaunches()
{
    QList<Launch> picked;
    if (!m_active)
        return picked;
    // Runs in id order: older runs first, then round-robin would be fairer; FIFO is predictable.
    QList<qint64> ids = m_runs.keys();
    std::sort(ids.begin(), ids.end());
    const qint64 now = nowMs();
    for (qint64 id : ids) {
        RunSlot &run = m_runs[id];
        const auto hasPlace = [&] {
            return m_running < m_options.maxParallel && hasRoom(run);
        };
        // A free place goes first to a follower stuck behind a long attempt (or to any, once
        // nothing else is ready): it was picked first, and never waits on one attempt while
        // places are free.
        if (!m_followers.isEmpty()) {
            QList<QPair<qint64, qint64>> waiting; // (queued at, predecessor)
            for (auto f = m_followers.cbegin(); f != m_followers.cend(); ++f) {
                if (f->runId == id && (run.ready.empty() || now - f->queuedAtMs >= FollowerWaitMs))
                    waiting.append({ f->queuedAtMs, f.key() });
            }
            std::sort(waiting.begin(), waiting.end());
            for (const auto &w : std::as_const(waiting)) {
                if (!hasPlace())
                    break;
                promoteFollower(w.second, 0, true);
            }
        }
        while (!run.ready.empty() && hasPlace()) {
            const int index = run.ready.front();
            run.ready.pop_front();
            TaskSlot &task = run.tasks[index];
            task.queuedToStart = false;
            if (run.cancelRequested || run.dag[index].state != RunState::Queued)
                continue;
            Launch l;
            l.runId = id;
            l.index = index;
            l.number = task.attempts + 1;
            // runs/<run>/<task>.<attempt>/ is the working directory (the attempt is always the
            // last dot-part); the supervisor's record and the log are files next to it.
            l.attemptDir = attemptDirectory(run, task, l.number);
            // Baton's own overhead starts when the task could start: dependencies met and a
            // slot free.
            task.readyAtUs = std::max(task.readyAtUs, m_slotFreedAtUs);
            ++m_running;
            ++run.running;
            picked << l;
        }
        if (m_running >= m_options.maxParallel)
            break;
    }
    pickFollowers(picked);
    for (Launch &l : picked) {
        const TaskSlot &task = m_runs[l.runId].tasks[l.index];
        // The job version's files, materialised for this attempt only.
        if (!jobVersionHasFiles(task.jobVersionId)) {
            // The supervisor creates the empty directory itself: off the engine's critical path.
            l.makeDir = true;
            continue;
        }
        const QByteArray dir = QFile::encodeName(l.attemptDir);
        if (::mkdir(dir.constData(), 0755) != 0 && errno != EEXIST)
            QDir().mkpath(l.attemptDir); // e.g. the run directory was removed by hand
        QSqlQuery files = Sql::exec(m_workspace->store().db(),
                                    QStringLiteral("SELECT f.path, b.content, f.executable FROM "
                                                   "job_version_files f JOIN blobs b ON "
                                                   "b.sha256 = f.blob_sha256 WHERE "
                                                   "f.job_version_id = ? ORDER BY f.position"),
                                    { task.jobVersionId });
        while (files.next()) {
            const QString path = QDir(l.attemptDir).filePath(files.value(0).toString());
            QDir().mkpath(QFileInfo(path).absolutePath());
            QFile f(path);
            if (f.open(QIODevice::WriteOnly)) {
                f.write(files.value(1).toByteArray());
                f.close();
                if (files.value(2).toBool())
                    f.setPermissions(f.permissions() | QFileDevice::ExeOwner | QFileDevice::ExeGroup
                                     | QFileDevice::ExeOther);
            }
        }
    }
    return picked;
}

bool Engine::hasRoom(const RunSlot &run)
{
    return (run.parallelism <= 0 || run.running < run.parallelism)
        && (run.maxParallel <= 0 || run.running < run.maxParallel);
}

void Engine::pickFollowers(QList<Launch> &picked)
{
    // The slot passes from an attempt to its follower inside the executor, the moment the
    // attempt ends: its end reaches the engine while the next job already runs. At most one per
    // attempt, of the same run (so that no limit can be exceeded when it takes the place).
    // A run keeps its places through followers only while no older run waits for a place with
    // room under its own limits: places freed go to older runs first, as without followers.
    QList<qint64> ids = m_runs.keys();
    std::sort(ids.begin(), ids.end());
    QSet<qint64> mayFollow;
    for (const qint64 id : std::as_const(ids)) {
        const RunSlot &run = m_runs[id];
        if (run.ready.empty() || run.cancelRequested)
            continue;
        mayFollow.insert(id);
        if (hasRoom(run))
            break; // it waits for the workspace's places: younger runs get none ahead of it
    }
    if (mayFollow.isEmpty())
        return;
    // Oldest attempts first: which attempt a task follows is predictable.
    QList<qint64> inFlight = m_attempts.keys();
    std::sort(inFlight.begin(), inFlight.end());
    for (const qint64 attemptId : std::as_const(inFlight)) {
        auto it = m_runs.find(m_attempts.value(attemptId).first);
        if (it == m_runs.end() || !mayFollow.contains(it.key()) || it->ready.empty()
            || m_uncounted.contains(attemptId) || m_followers.contains(attemptId)
            || !m_executor->canFollow(attemptId))
            continue;
        RunSlot &run = *it;
        while (!run.ready.empty()) {
            const int index = run.ready.front();
            run.ready.pop_front();
            TaskSlot &task = run.tasks[index];
            task.queuedToStart = false;
            if (run.dag[index].state != RunState::Queued)
                continue;
            Launch l;
            l.runId = run.id;
            l.index = index;
            l.number = task.attempts + 1;
            l.attemptDir = attemptDirectory(run, task, l.number);
            l.after = attemptId;
            picked << l;
            break;
        }
    }
}

void Engine::promoteFollower(qint64 predecessor, qint64 finishedUs, bool expedite)
{
    const Follower f = m_followers.take(predecessor);
    m_uncounted.remove(f.attemptId);
    ++m_running;
    const auto where = m_attempts.value(f.attemptId, { 0, -1 });
    auto it = m_runs.find(where.first);
    if (it != m_runs.end() && where.second >= 0) {
        ++it->running;
        TaskSlot &task = it->tasks[where.second];
        // Its wait ended when the place became free: the end of the attempt it followed
        // (as its supervisor timed it), or now.
        task.readyAtUs = std::max(task.readyAtUs, finishedUs > 0 ? finishedUs : nowUs());
    }
    if (expedite)
        m_executor->expedite(f.attemptId);
}

void Engine::unpick(const QList<Launch> &launches)
{
    for (auto it = launches.crbegin(); it != launches.crend(); ++it) {
        auto run = m_runs.find(it->runId);
        if (run == m_runs.end())
            continue;
        if (it->after != 0) { // a follower: it was not counted
            run->tasks[it->index].queuedToStart = true;
            run->ready.push_front(it->index);
            continue;
        }
        --m_running;
        --run->running;
        run->tasks[it->index].queuedToStart = true;
        run->ready.push_front(it->index);
    }
}

void Engine::recordLaunches(QList<Launch> &launches, QSqlDatabase &)
{
    const qint64 now = nowMs();
    static const QString host = QSysInfo::machineHostName();
    for (Launch &l : launches) {
        const TaskSlot &task = m_runs[l.runId].tasks[l.index];
        // A follower says what it waits for (shown with its 'starting' state).
        QString waits;
        if (l.after != 0) {
            const auto before = m_attempts.value(l.after, { 0, -1 });
            const auto run = m_runs.constFind(before.first);
            if (run != m_runs.cend() && before.second >= 0) {
                const TaskSlot &t = run->tasks[before.second];
                waits = QStringLiteral("queued behind %1 (attempt %2): starts when it ends")
                            .arg(t.name)
                            .arg(t.attempts);
            }
        }
        m_hot->taskStarting.run({ l.number, now, task.readyAtUs, waits, task.taskRunId });
        m_hot->attemptInsert.run({ task.taskRunId, l.number, m_executor->name(), host, l.attemptDir,
                                   LocalExecutor::logPath(l.attemptDir), now });
        l.attemptId = m_hot->attemptInsert.lastInsertId();
    }
}

void Engine::startLaunches(const QList<Launch> &launches)
{
    for (const Launch &l : launches) {
        auto it = m_runs.find(l.runId);
        if (it == m_runs.end())
            continue;
        RunSlot &run = *it;
        TaskSlot &task = run.tasks[l.index];
        task.attempts = l.number;
        task.adopted = false;
        task.attemptId = l.attemptId;
        task.attemptDir = l.attemptDir;
        setTaskState(run, l.index, RunState::Starting);
        m_attempts.insert(l.attemptId, { run.id, l.index });
        if (l.after != 0) {
            m_followers.insert(l.after, { l.attemptId, run.id, nowMs() });
            m_uncounted.insert(l.attemptId);
        }

        AttemptLaunch a;
        a.attemptId = l.attemptId;
        a.attemptDir = l.attemptDir;
        a.makeDir = l.makeDir;
        a.command = task.command;
        a.timeoutSeconds = task.timeout;
        a.graceSeconds = m_options.graceSeconds;
        a.logCapBytes = m_options.logCapBytes;
        a.after = l.after;
        // The run's environment (inherited + variables) is built once per run; only the BATON_*
        // values that differ per attempt are appended.
        if (run.environmentList.isEmpty()) {
            QProcessEnvironment env = m_baseEnvironment;
            for (const ResolvedVariable &v : run.variables) {
                env.insert(v.name, v.value);
                if (v.secret)
                    run.secretNames << v.name;
            }
            env.insert(QStringLiteral("BATON_RUN_ID"), QString::number(run.id));
            env.insert(QStringLiteral("BATON_PROJECT"), run.project);
            env.insert(QStringLiteral("BATON_PIPELINE"), run.pipeline);
            env.insert(QStringLiteral("BATON_ENV"), run.environment);
            env.insert(QStringLiteral("BATON_RUN_DIR"), run.runDir + QStringLiteral("/shared"));
            if (!run.logicalDate.isEmpty())
                env.insert(QStringLiteral("BATON_LOGICAL_DATE"), run.logicalDate);
            run.environmentList = env.toStringList();
        }
        a.secretNames = run.secretNames;
        a.environment = run.environmentList; // shared, not copied: the executor encodes it once
        a.attemptEnvironment
            = { QStringLiteral("BATON_TASK=") + task.name,
                QStringLiteral("BATON_ATTEMPT=") + QString::number(l.number),
                QStringLiteral("BATON_METRICS_FILE=") + metricsFile(run, task, l.number) };

        QString error;
        if (!m_executor->start(a, &error)) {
            AttemptExit exit;
            exit.reason = QStringLiteral("spawn_failed");
            exit.exitCode = 127;
            exit.finishedAt = nowMs();
            exit.detail = error;
            onAttemptFinished(l.attemptId, exit);
        }
    }
}

void Engine::transaction(const std::function<void(QSqlDatabase &)> &work)
{
    const auto deferred = std::move(m_deferred);
    m_deferred.clear();
    try {
        m_workspace->store().transaction([&](QSqlDatabase &tx) {
            for (const DeferredRunning &d : deferred) {
                m_hot->attemptRunning.run({ d.us, d.attemptId });
                m_hot->taskRunning.run({ d.taskRunId });
            }
            work(tx);
        });
    } catch (const Error &e) {
        // Not committed: kept, in order, for the next transaction.
        m_deferred.insert(m_deferred.begin(), deferred.begin(), deferred.end());
        noteStoreTrouble(e.message());
        throw;
    } catch (...) {
        m_deferred.insert(m_deferred.begin(), deferred.begin(), deferred.end());
        throw;
    }
    noteStoreTrouble({});
}

void Engine::noteStoreTrouble(const QString &error)
{
    // Said once when it starts and once when it ends, not at every write that fails.
    if (error == m_storeTrouble)
        return;
    if (error.isEmpty()) {
        spdlog::warn("engine: the workspace takes writes again; carrying on");
    } else if (!isTransientStoreError(Error(error))) {
        return; // a one-off failure (a refused write), reported where it happened
    } else {
        spdlog::error("engine: cannot write to the workspace: {} — nothing is dropped: what "
                      "could not be written is kept and written again until it can",
                      error.toStdString());
    }
    m_storeTrouble = error;
    Q_EMIT storeTroubleChanged(error);
}

qint64 Engine::takeDeferredRunning(qint64 attemptId)
{
    for (auto it = m_deferred.begin(); it != m_deferred.end(); ++it) {
        if (it->attemptId == attemptId) {
            const qint64 us = it->us;
            m_deferred.erase(it);
            return us;
        }
    }
    return 0;
}

void Engine::flushDeferred()
{
    if (m_deferred.empty())
        return;
    try {
        transaction([](QSqlDatabase &) {});
    } catch (const Error &e) {
        spdlog::warn("engine: {}", e.message().toStdString());
        m_deferTimer.start(); // a busy store: try again shortly
    }
}

void Engine::setTaskState(RunSlot &run, int index, RunState state)
{
    run.dag[index].state = state;
    Q_EMIT taskStateChanged(run.id, run.tasks[index].name, state);
}

void Engine::onAttemptRunning(qint64 attemptId, qint64 startedAtUs)
{
    const auto where = m_attempts.value(attemptId, { 0, -1 });
    auto it = m_runs.find(where.first);
    if (it == m_runs.end() || where.second < 0)
        return;
    RunSlot &run = *it;
    if (run.dag[where.second].state != RunState::Starting)
        return;
    // The supervisor says when the job started; the engine may hear of it a little later.
    const qint64 us = startedAtUs > 0 ? startedAtUs : nowUs();
    TaskSlot &task = run.tasks[where.second];
    // A follower promoted to a free place may have started where it waited, a moment before.
    task.readyAtUs = std::min(task.readyAtUs, us);
    const qint64 taskRunId = task.taskRunId;
    // Recorded with the next transaction (at the latest DeferMs from now): for a short task
    // that is the one recording its end, which then writes it in its own statements (see
    // onAttemptFinished). The guards keep a late write from undoing a later state.
    m_deferred.push_back({ attemptId, taskRunId, us });
    if (!m_deferTimer.isActive())
        m_deferTimer.start();
    setTaskState(run, where.second, RunState::Running);
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

    const bool retry = notStarted
        || ((attemptState == RunState::Failed || attemptState == RunState::TimedOut
             || attemptState == RunState::Lost)
            && !run.cancelRequested && task.attempts - task.neverStarted <= task.retries);
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
            task.notBefore = notStarted
                ? now
                : now + backoffMs(task.retryDelay, task.attempts - task.neverStarted);
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
    for (int i = 0; i < run.tasks.size(); ++i) {
        const RunState s = run.dag[i].state;
        if (s == RunState::Starting || s == RunState::Running)
            m_executor->cancel(run.tasks[i].attemptId, run.tasks[i].attemptDir);
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

void Engine::recordMetrics(RunSlot &run, const TaskSlot &task, QSqlDatabase &db, qint64 now)
{
    recordMetricsFile(run, task, metricsFile(run, task, task.attempts), now);
    // Started by an engine from before runs/<run>/metrics/: it was told ATTEMPT_DIR.metrics.
    if (task.adopted)
        recordMetricsFile(run, task, task.attemptDir + QStringLiteral(".metrics"), now);
}

void Engine::recordMetricsFile(RunSlot &run, const TaskSlot &task, const QString &path, qint64 now)
{
    // Most jobs report nothing: one access() rather than QFile's open machinery per attempt.
    if (::access(QFile::encodeName(path).constData(), F_OK) != 0)
        return;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return;
    // Bounded read: a runaway job cannot make the engine's memory grow.
    const QByteArray data = f.read(1024 * 1024);
    static const QRegularExpression re(
        QStringLiteral("^\\s*([A-Za-z_][A-Za-z0-9_.:-]{0,127})\\s*[=\\s]\\s*(\\S+)\\s*$"));
    int lineNo = 0;
    for (const QByteArray &raw : data.split('\n')) {
        ++lineNo;
        const QString line = QString::fromUtf8(raw).trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const auto m = re.match(line);
        bool ok = false;
        const double value = m.hasMatch() ? m.captured(2).toDouble(&ok) : 0.0;
        if (!m.hasMatch() || !ok || !std::isfinite(value)) {
            spdlog::warn("run {} task {}: metrics line {} ignored (expected 'NAME VALUE'): {}",
                         run.id, task.name.toStdString(), lineNo,
                         VariableResolver::mask(line, run.variables).left(200).toStdString());
            continue;
        }
        m_workspace->store().exec(
            QStringLiteral("INSERT INTO metrics (run_id, task_run_id, job_version_id, "
                           "environment_id, name, value, recorded_at) VALUES (?, ?, ?, ?, "
                           "?, ?, ?)"),
            { run.id, task.taskRunId, task.jobVersionId,
              Sql::nullable(run.environmentId, run.environmentId == 0), m.captured(1), value,
              now });
    }
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
    RunSlot *run = slotForAction(runId, &error);
    if (!run)
        return error;
    const int index = taskIndex(*run, task);
    if (index < 0)
        return QStringLiteral("run %1 has no task '%2'").arg(runId).arg(task);
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
    RunSlot *run = slotForAction(runId, &error);
    if (!run)
        return error;
    const int index = taskIndex(*run, task);
    if (index < 0)
        return QStringLiteral("run %1 has no task '%2'").arg(runId).arg(task);
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
