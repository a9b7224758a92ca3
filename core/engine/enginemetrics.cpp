// Metrics ingest: the NAME VALUE lines an attempt wrote to its metrics file, stored with its end.
#include "engine_p.h"
#include "store/sql.h"
#include "store/workspace.h"

#include <QFile>
#include <QRegularExpression>
#include <cmath>
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

} // namespace Baton
