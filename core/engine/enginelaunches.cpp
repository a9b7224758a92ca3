// Starting attempts: what LaunchPlanner decides, applied to the engine's state, recorded in one
// transaction and handed to the executor.
#include "engine/launchplanner.h"
#include "engine_p.h"
#include "executors/localexecutor.h"
#include "store/sql.h"
#include "store/workspace.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSysInfo>
#include <cerrno>
#include <sys/stat.h>

namespace Baton {

using namespace EngineDetail;

QString Engine::attemptDirectory(const RunSlot &run, const TaskSlot &task, int number)
{
    return run.runDir + QLatin1Char('/') + task.name + QLatin1Char('.') + QString::number(number);
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

QList<LaunchRun> Engine::launchRuns() const
{
    QList<LaunchRun> runs;
    runs.reserve(m_runs.size());
    for (const RunSlot &run : m_runs)
        runs << LaunchRun { run.id,      run.parallelism,     run.maxParallel,
                            run.running, run.cancelRequested, &run.ready,
                            &run.dag };
    return runs;
}

void Engine::takeReady(const QHash<qint64, int> &taken)
{
    for (auto it = taken.cbegin(); it != taken.cend(); ++it) {
        RunSlot &run = m_runs[it.key()];
        for (int i = 0; i < it.value(); ++i) {
            run.tasks[run.ready.front()].queuedToStart = false;
            run.ready.pop_front();
        }
    }
}

Engine::Launch Engine::launchFor(const PlannedLaunch &planned)
{
    const RunSlot &run = m_runs[planned.runId];
    const TaskSlot &task = run.tasks[planned.index];
    Launch l;
    l.runId = planned.runId;
    l.index = planned.index;
    l.number = task.attempts + 1;
    // runs/<run>/<task>.<attempt>/ is the working directory (the attempt is always the last
    // dot-part); the supervisor's record and the log are files next to it.
    l.attemptDir = attemptDirectory(run, task, l.number);
    l.after = planned.after;
    return l;
}

QList<Engine::Launch> Engine::pickLaunches()
{
    QList<Launch> picked;
    if (!m_active)
        return picked;
    LaunchPlanner::PlaceInput input;
    input.workspaceRunning = m_running;
    input.workspaceLimit = m_options.maxParallel;
    input.runs = launchRuns();
    input.nowMs = nowMs();
    for (auto f = m_followers.cbegin(); f != m_followers.cend(); ++f)
        input.followers << LaunchFollower { f.key(), f->runId, f->queuedAtMs };
    const LaunchPlanner::PlacePlan plan = LaunchPlanner::planPlaces(input);
    for (const qint64 predecessor : plan.promoted)
        promoteFollower(predecessor, 0, true);
    takeReady(plan.taken);
    for (const PlannedLaunch &planned : plan.launches) {
        RunSlot &run = m_runs[planned.runId];
        TaskSlot &task = run.tasks[planned.index];
        // Baton's own overhead starts when the task could start: dependencies met and a slot
        // free.
        task.readyAtUs = std::max(task.readyAtUs, m_slotFreedAtUs);
        ++m_running;
        ++run.running;
        picked << launchFor(planned);
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

void Engine::pickFollowers(QList<Launch> &picked)
{
    // After the places are taken (promoting a follower changes what the executor can queue).
    LaunchPlanner::FollowerInput input;
    input.runs = launchRuns();
    input.attempts.reserve(m_attempts.size());
    for (auto a = m_attempts.cbegin(); a != m_attempts.cend(); ++a)
        input.attempts << LaunchAttempt { a.key(), a->first, !m_uncounted.contains(a.key()),
                                          m_followers.contains(a.key()) };
    input.canFollow = [this](qint64 attemptId) {
        return m_executor->canFollow(attemptId);
    };
    const LaunchPlanner::FollowerPlan plan = LaunchPlanner::planFollowers(input);
    takeReady(plan.taken);
    for (const PlannedLaunch &planned : plan.launches)
        picked << launchFor(planned);
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
        // The id is known by the commit (a team workspace sends the transaction whole), which
        // is before anything uses it (startLaunches).
        m_hot->attemptInsert.run({ task.taskRunId, l.number, m_executor->name(), host, l.attemptDir,
                                   LocalExecutor::logPath(l.attemptDir), now },
                                 &l.attemptId);
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

} // namespace Baton
