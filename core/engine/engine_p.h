#pragma once

// What the engine's sources share (engine.cpp and engine*.cpp): its clock, its prepared
// statements and the few constants that tune it. Not for use outside core/engine.

#include "engine.h"
#include "store/hotstatement.h"
#include "store/sql.h"
#include "util/error.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <chrono>

namespace Baton {

namespace EngineDetail {

inline qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

inline qint64 nowUs()
{
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

inline QString stateName(RunState s)
{
    return toString(s);
}

inline QJsonObject jsonObject(const QVariant &v)
{
    return QJsonDocument::fromJson(v.toString().toUtf8()).object();
}

// How long a 'running' transition may wait for the next transaction to share.
constexpr int DeferMs = 10;
// How often an attempt that never started is started again before it counts as lost.
constexpr int MaxNeverStarted = 3;
// How often a request may fail for a reason other than a busy or full store before it is
// refused on record.
constexpr int MaxRequestFailures = 5;

// A store that is busy with other writers, or full, or failing to write: waited out and retried,
// never a reason to give up on what was asked.
inline bool isTransientStoreError(const Error &e)
{
    const QString &m = e.message();
    return m.contains(QLatin1String("locked by another writer"))
        || m.contains(QLatin1String("disk is full")) || m.contains(QLatin1String("disk I/O error"))
        || m.contains(QLatin1String("unable to open database file"))
        // A team workspace's server restarting or out of reach: reconnected at the next write.
        || Sql::isConnectionLoss(m);
}

} // namespace EngineDetail

// The engine's writes per attempt, prepared once (see HotStatement).
struct Engine::HotStatements
{
    explicit HotStatements(const Store &store)
        : taskStarting(store,
                       "UPDATE task_runs SET state = 'starting', attempts = ?, started_at = "
                       "COALESCE(started_at, ?), not_before = NULL, ready_at_us = ?, reason = ? "
                       "WHERE id = ?")
        , attemptInsert(store,
                        "INSERT INTO task_attempts (task_run_id, number, state, executor, host, "
                        "attempt_dir, log_path, started_at) VALUES (?, ?, 'starting', ?, ?, ?, ?, "
                        "?) RETURNING id")
        , attemptRunning(store,
                         "UPDATE task_attempts SET state = 'running', running_at_us = ? WHERE "
                         "id = ? AND state = 'starting'")
        , taskRunning(
              store,
              "UPDATE task_runs SET state = 'running', reason = '' WHERE id = ? AND state = "
              "'starting'")
        , attemptEnd(store,
                     "UPDATE task_attempts SET state = ?, exit_code = ?, reason = ?, finished_at = "
                     "?, running_at_us = COALESCE(?, running_at_us) WHERE id = ?")
        , taskEnd(store,
                  "UPDATE task_runs SET state = ?, exit_code = ?, reason = ?, finished_at = ?, "
                  "ready_at_us = COALESCE(?, ready_at_us) WHERE id = ?")
    { }
    HotStatement taskStarting;
    HotStatement attemptInsert;
    HotStatement attemptRunning;
    HotStatement taskRunning;
    HotStatement attemptEnd;
    HotStatement taskEnd;
};

} // namespace Baton
