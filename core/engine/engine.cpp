// The engine's wiring: the lease and its heartbeat, the tick, settings, and the store
// transactions every write goes through (with the deferred 'running' transitions).
#include "access/identity.h"
#include "engine_p.h"
#include "enginelease.h"
#include "executors/localexecutor.h"
#include "logs/logchunks.h"
#include "logs/logshipper.h"
#include "monitoring/alertrules.h"
#include "scheduling/schedulefirer.h"
#include "store/settings.h"
#include "store/sql.h"
#include "store/storebackend.h"
#include "store/workspace.h"

#include <QDir>
#include <QThread>
#include <spdlog/spdlog.h>

namespace Baton {

using namespace EngineDetail;

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
    // The backend tunes the connection of a writer that keeps writing. The old tuning goes
    // first: undoing it could undo the new one's.
    m_writer.reset();
    m_writer = m_workspace->store().backend().longLivedWriter(m_workspace->store().db());
    loadSettings();
    // A team workspace's consoles may be on other machines: this host ships its attempts' logs
    // into the database. An SQLite workspace is one machine's: its consoles read the files,
    // and the engine pays nothing for shipping. A child, so that it ends with the engine.
    if (LogChunks::travelThroughDatabase(m_workspace->store()))
        (new LogShipping(m_workspace->store(), { {}, m_options.logCapBytes, {} }))->setParent(this);
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
    m_writer.reset(); // while the connection is open (see StoreBackend::longLivedWriter)
    delete findChild<LogShipping *>(QString(), Qt::FindDirectChildrenOnly); // the next ships on
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
    if (!ours)
        stepDown(QStringLiteral("lost the workspace lease"));
}

void Engine::stepDownSoon(const QString &why)
{
    m_steppingDown = why;
    QTimer::singleShot(0, this, [this, why] { stepDown(why); });
}

void Engine::stepDown(const QString &why)
{
    m_steppingDown.clear();
    if (!m_active)
        return;
    spdlog::error("engine {} {}; stopping", m_options.holder.toStdString(), why.toStdString());
    m_tick.stop();
    m_heartbeat.stop();
    m_deferTimer.stop();
    m_deferred.clear(); // the workspace says what became of these
    m_unrecorded.clear(); // read again from the attempts' records
    m_active = false;
    m_writer.reset(); // nothing more is written here: the connection is as before
    Q_EMIT leaseLost();
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
        // A store out of reach (a team workspace's server restarting) or full is said once,
        // and its end once, not at every tick.
        if (isTransientStoreError(e))
            noteStoreTrouble(e.message());
        else
            spdlog::error("engine: {}", e.message().toStdString());
    }
}

void Engine::transaction(const std::function<void(QSqlDatabase &)> &work)
{
    if (!m_steppingDown.isEmpty())
        throw Error(QStringLiteral("the engine is stepping down: ") + m_steppingDown);
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
        if (Sql::isCommitOutcomeUnknown(e.message())) {
            // Committed or not, nobody can say yet: what the engine holds may differ from the
            // workspace, and writing it again could do it twice. It steps down once the caller
            // has unwound, and starts again from what the workspace holds.
            stepDownSoon(e.message());
            throw;
        }
        // Not committed: kept, in order, for the next transaction.
        m_deferred.insert(m_deferred.begin(), deferred.begin(), deferred.end());
        noteStoreTrouble(e.message());
        throw;
    } catch (...) {
        m_deferred.insert(m_deferred.begin(), deferred.begin(), deferred.end());
        throw;
    }
    if (Store::lastCommitLostItsReply()) {
        // Committed, but the ids it returned (a new attempt's) never came: the caller must not
        // act on them. It unwinds as from a failure, and the engine starts again from the
        // workspace, which holds what was committed.
        const QString why = QStringLiteral("a commit's reply was lost (the server says it "
                                           "committed); starting again from the workspace");
        stepDownSoon(why);
        throw Error(why);
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

} // namespace Baton
