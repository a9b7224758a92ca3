// Metrics ingest: the NAME VALUE lines an attempt wrote to its metrics file, stored with its end.
#include "engine/metricsfile.h"
#include "engine_p.h"
#include "store/sql.h"
#include "store/workspace.h"

#include <QFile>
#include <spdlog/spdlog.h>
#include <unistd.h>

namespace Baton {

using namespace EngineDetail;

QString Engine::metricsFile(const RunSlot &run, const TaskSlot &task, int number)
{
    // A directory of their own, not beside the attempts: looking for a file that is usually
    // not there is then a lookup in a small directory nobody else writes to, instead of one in
    // the run directory, where it waits for the workers' creates (its lock) and searches
    // thousands of entries, on the engine's critical path.
    return run.runDir + QStringLiteral("/metrics/") + task.name + QLatin1Char('.')
        + QString::number(number);
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
    const MetricsFile::Parsed parsed = MetricsFile::parse(f.read(MetricsFile::MaxBytes));
    for (const MetricsFile::Ignored &ignored : parsed.ignored) {
        spdlog::warn("run {} task {}: metrics line {} ignored (expected 'NAME VALUE'): {}", run.id,
                     task.name.toStdString(), ignored.line,
                     VariableResolver::mask(ignored.text, run.variables).left(200).toStdString());
    }
    for (const MetricsFile::Value &v : parsed.values) {
        m_workspace->store().exec(
            QStringLiteral("INSERT INTO metrics (run_id, task_run_id, job_version_id, "
                           "environment_id, name, value, recorded_at) VALUES (?, ?, ?, ?, "
                           "?, ?, ?)"),
            { run.id, task.taskRunId, task.jobVersionId,
              Sql::nullable(run.environmentId, run.environmentId == 0), v.name, v.value, now });
    }
}

} // namespace Baton
