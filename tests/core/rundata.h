#pragma once
// Runs recorded the way the engine records them (task_runs, task_attempts, metrics, attempt
// logs under runs/), without running processes: for tests of what reads runs back.

#include "engine/runservice.h"
#include "logtestdata.h"
#include "store/sql.h"
#include "store/store.h"
#include "store/workspace.h"

#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <optional>

namespace Baton::Test {

struct AttemptRecord
{
    QString state; ///< succeeded, failed, timed_out, running, …
    std::optional<int> exitCode;
    qint64 startedAt = 0; ///< ms UTC
    qint64 finishedAt = 0; ///< 0: still running
    QByteArray log; ///< records written to the attempt's log (none: no file, as the engine)
    QString reason;
    qint64 runningAt = 0; ///< seen running (a follower: after its wait); 0: at startedAt
};

inline qint64 queueRun(const Store &store, const QString &project, const QString &pipeline,
                       const QString &environment = {},
                       const QMap<QString, QString> &parameters = {})
{
    RunRequest r;
    r.project = project;
    r.pipeline = pipeline;
    r.environment = environment;
    r.parameters = parameters;
    r.actor = QStringLiteral("tester");
    return RunService::createRun(store, r);
}

/// Records @p attempts of @p task (in order, replacing those recorded before) and leaves the
/// task in @p state.
inline void recordTask(const Workspace &ws, qint64 runId, const QString &task, const QString &state,
                       const QList<AttemptRecord> &attempts, const QString &reason = {})
{
    ws.store().transaction([&](QSqlDatabase &db) {
        const qint64 taskRunId
            = Sql::scalar(db,
                          QStringLiteral("SELECT id FROM task_runs WHERE run_id = ? AND "
                                         "task_name = ?"),
                          { runId, task })
                  .toLongLong();
        Sql::exec(db, QStringLiteral("DELETE FROM task_attempts WHERE task_run_id = ?"),
                  { taskRunId });
        int number = 0;
        for (const AttemptRecord &a : attempts) {
            ++number;
            const QString dir
                = QDir(ws.runsDirectory())
                      .filePath(QStringLiteral("%1/%2.%3").arg(runId).arg(task).arg(number));
            QDir().mkpath(dir);
            const QString log = dir + QStringLiteral("/log");
            if (!a.log.isEmpty()) { // an attempt that wrote nothing has no log file
                QFile f(log);
                f.open(QIODevice::WriteOnly | QIODevice::Truncate);
                f.write(a.log);
                f.close();
            }
            Sql::exec(
                db,
                QStringLiteral("INSERT INTO task_attempts (task_run_id, number, state, "
                               "host, exit_code, reason, log_path, attempt_dir, started_at, "
                               "finished_at, running_at_us) VALUES (?, ?, ?, 'testhost', ?, "
                               "?, ?, ?, ?, ?, ?)"),
                { taskRunId, number, a.state, a.exitCode ? QVariant(*a.exitCode) : QVariant(),
                  a.reason, log, dir, a.startedAt, Sql::nullable(a.finishedAt, a.finishedAt == 0),
                  // Seen running when it ran (the engine's record); a follower still
                  // waiting behind another attempt ('starting') has not.
                  a.runningAt > 0                            ? QVariant(a.runningAt * 1000)
                      : a.state == QLatin1String("starting") ? QVariant()
                                                             : QVariant(a.startedAt * 1000) });
        }
        const AttemptRecord last = attempts.isEmpty() ? AttemptRecord {} : attempts.last();
        const qint64 started = attempts.isEmpty() ? 0 : attempts.first().startedAt;
        Sql::exec(db,
                  QStringLiteral("UPDATE task_runs SET state = ?, attempts = ?, exit_code = ?, "
                                 "reason = ?, started_at = ?, finished_at = ? WHERE id = ?"),
                  { state, int(attempts.size()),
                    last.exitCode ? QVariant(*last.exitCode) : QVariant(), reason,
                    Sql::nullable(started, started == 0),
                    Sql::nullable(last.finishedAt, last.finishedAt == 0), taskRunId });
    });
}

inline void recordMetric(const Workspace &ws, qint64 runId, const QString &task,
                         const QString &name, double value)
{
    ws.store().exec(QStringLiteral("INSERT INTO metrics (run_id, task_run_id, name, value, "
                                   "recorded_at) VALUES (?, (SELECT id FROM task_runs WHERE "
                                   "run_id = ? AND task_name = ?), ?, ?, 1)"),
                    { runId, runId, task, name, value });
}

/// A run's parameters as stored (runs.parameters), values in clear.
inline QMap<QString, QString> storedParameters(const QSqlDatabase &db, qint64 runId)
{
    const QJsonObject o
        = QJsonDocument::fromJson(
              Sql::scalar(db, QStringLiteral("SELECT parameters FROM runs WHERE id = ?"), { runId })
                  .toString()
                  .toUtf8())
              .object();
    QMap<QString, QString> out;
    for (auto it = o.constBegin(); it != o.constEnd(); ++it)
        out.insert(it.key(), it.value().toString());
    return out;
}

inline void recordRun(const Workspace &ws, qint64 runId, const QString &state, qint64 startedAt,
                      qint64 finishedAt)
{
    ws.store().exec(QStringLiteral("UPDATE runs SET state = ?, started_at = ?, finished_at = ? "
                                   "WHERE id = ?"),
                    { state, Sql::nullable(startedAt, startedAt == 0),
                      Sql::nullable(finishedAt, finishedAt == 0), runId });
}

} // namespace Baton::Test
