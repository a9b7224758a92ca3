#pragma once
// A real workspace with the test churn project and helpers that write run history directly:
// shared by the dashboard, metric series and alert rule tests (and the dashboards GUI test).

#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "testspecs.h"
#include "workspacefixture.h"

namespace Baton::Test {

class DashboardFixture
{
public:
    static constexpr qint64 kDay = 24 * 3600 * 1000;
    /// A fixed Monday, 2026-03-02T00:00:00Z: days are UTC in these tests.
    static constexpr qint64 kT0 = 1772409600000;

    /// A new workspace: an SQLite file, or a new database on the test PostgreSQL server with
    /// BATON_TEST_BACKEND=postgresql (see WorkspaceFixture).
    DashboardFixture()
    {
        m_fixture.renew();
        ProjectWriter::apply(store(), { churnProject() }, QStringLiteral("tester"));
    }

    Workspace &workspace() { return m_fixture.workspace(); }
    const Store &store() const { return m_fixture.store(); }
    QSqlDatabase db() const { return m_fixture.db(); }

    qint64 id(const QString &sql, const QVariantList &binds = {}) const
    {
        return Sql::scalar(db(), sql, binds).toLongLong();
    }
    qint64 environment(const QString &name, const QString &project = QStringLiteral("churn")) const
    {
        return id(QStringLiteral("SELECT e.id FROM environments e JOIN projects p ON p.id = "
                                 "e.project_id WHERE p.name = ? AND e.name = ?"),
                  { project, name });
    }
    qint64 pipeline() const
    {
        return id(QStringLiteral("SELECT id FROM pipelines WHERE name = 'nightly'"));
    }
    qint64 pipelineVersion(int number = 0) const
    {
        return number == 0
            ? id(QStringLiteral("SELECT max(id) FROM pipeline_versions"))
            : id(QStringLiteral("SELECT id FROM pipeline_versions WHERE number = ?"), { number });
    }
    /// The job version of @p job (0: its latest).
    qint64 jobVersion(const QString &job, int number = 0) const
    {
        return id(QStringLiteral("SELECT v.id FROM job_versions v JOIN jobs j ON j.id = v.job_id "
                                 "WHERE j.name = ? AND (v.number = ? OR ? = 0) ORDER BY v.number "
                                 "DESC LIMIT 1"),
                  { job, number, number });
    }

    void exec(const QString &sql, const QVariantList &binds = {}) const
    {
        store().transaction([&](QSqlDatabase &tx) { Sql::exec(tx, sql, binds); });
    }

    /// A run of churn/nightly: queued at @p createdAt, started @p waitMs later, lasting
    /// @p durationMs (finished only for terminal states). Returns its id. Its duration is its
    /// attempts' (README, "Durations"): a job-less task "(work)" holds one attempt over that span.
    qint64 run(const QString &state, qint64 createdAt, qint64 durationMs = 1000,
               const QString &env = QStringLiteral("prod"), qint64 fireTime = 0,
               qint64 waitMs = 0) const
    {
        const bool started = state != QLatin1String("queued");
        const bool finished
            = started && state != QLatin1String("running") && state != QLatin1String("starting");
        qint64 runId = 0;
        store().transaction([&](QSqlDatabase &tx) {
            runId = Sql::insert(
                tx,
                QStringLiteral("INSERT INTO runs (project_id, pipeline_id, pipeline_version_id, "
                               "environment_id, state, trigger, fire_time, created_at, "
                               "started_at, finished_at) VALUES ((SELECT id FROM projects WHERE "
                               "name = 'churn'), ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
                { pipeline(), pipelineVersion(), environment(env), state,
                  fireTime ? QStringLiteral("schedule") : QStringLiteral("manual"),
                  fireTime ? QVariant(fireTime) : QVariant(), createdAt,
                  started ? QVariant(createdAt + waitMs) : QVariant(),
                  finished ? QVariant(createdAt + waitMs + durationMs) : QVariant() });
            if (started) {
                const qint64 work = Sql::insert(
                    tx,
                    QStringLiteral(
                        "INSERT INTO task_runs (run_id, task_name, state, attempts, "
                        "started_at, finished_at) VALUES (?, '(work)', ?, 1, ?, ?) RETURNING id"),
                    { runId, state, createdAt + waitMs,
                      finished ? QVariant(createdAt + waitMs + durationMs) : QVariant() });
                attempt(tx, work, 1, state, createdAt + waitMs,
                        finished ? createdAt + waitMs + durationMs : 0);
            }
        });
        return runId;
    }

    /// An attempt of task run @p taskRunId, as the engine records it (@p finishedAt 0: running).
    static void attempt(QSqlDatabase &tx, qint64 taskRunId, int number, const QString &state,
                        qint64 startedAt, qint64 finishedAt)
    {
        Sql::exec(tx,
                  QStringLiteral("INSERT INTO task_attempts (task_run_id, number, state, "
                                 "started_at, finished_at, running_at_us) VALUES (?, ?, ?, ?, ?, "
                                 "?)"),
                  { taskRunId, number, state, startedAt,
                    finishedAt > 0 ? QVariant(finishedAt) : QVariant(), startedAt * 1000 });
    }

    /// A task run of @p runId for @p job (its latest version), with one attempt over its span
    /// unless it never ran (queued, skipped, upstream_failed).
    qint64 task(qint64 runId, const QString &job, const QString &state, qint64 startedAt,
                qint64 durationMs) const
    {
        qint64 taskId = 0;
        const bool ran = state != QLatin1String("queued") && state != QLatin1String("skipped")
            && state != QLatin1String("upstream_failed");
        store().transaction([&](QSqlDatabase &tx) {
            taskId = Sql::insert(
                tx,
                QStringLiteral("INSERT INTO task_runs (run_id, task_name, "
                               "job_version_id, state, started_at, finished_at) "
                               "VALUES (?, ?, ?, ?, ?, ?) RETURNING id"),
                { runId, job, jobVersion(job), state, startedAt, startedAt + durationMs });
            if (ran)
                attempt(tx, taskId, 1, state, startedAt, startedAt + durationMs);
        });
        return taskId;
    }

    /// A metric value reported by @p job's version @p jobVersionId in run @p runId.
    void metric(qint64 runId, const QString &name, double value, qint64 at, qint64 jobVersionId,
                const QString &env = QStringLiteral("prod")) const
    {
        exec(QStringLiteral("INSERT INTO metrics (run_id, job_version_id, environment_id, name, "
                            "value, recorded_at) VALUES (?, ?, ?, ?, ?, ?)"),
             { runId, jobVersionId, environment(env), name, value, at });
    }

    /// Imports churn again with the score job changed: score v2 and nightly v2.
    void releaseNewScore(const QString &command = QStringLiteral("python3 score.py --v7"))
    {
        ProjectSpec p = churnProject();
        for (JobSpec &j : p.jobs) {
            if (j.name == QLatin1String("score"))
                j.command = command;
        }
        p.alerts = m_alerts;
        ProjectWriter::apply(store(), { p }, QStringLiteral("tester"));
    }

    /// Imports churn with these alert rules.
    void setAlerts(const QList<AlertRuleSpec> &alerts)
    {
        m_alerts = alerts;
        ProjectSpec p = churnProject();
        p.alerts = alerts;
        ProjectWriter::apply(store(), { p }, QStringLiteral("tester"));
    }

    /// A deployment row of the latest nightly version into @p env at @p at.
    qint64 deployPipeline(qint64 at, const QString &env = QStringLiteral("prod"),
                          int version = 0) const
    {
        qint64 deploymentId = 0;
        store().transaction([&](QSqlDatabase &tx) {
            deploymentId
                = Sql::insert(tx,
                              QStringLiteral("INSERT INTO deployments (environment_id, "
                                             "pipeline_id, pipeline_version_id, kind, "
                                             "deployed_by, deployed_at) VALUES (?, ?, ?, "
                                             "'deploy', 'release-manager', ?) RETURNING id"),
                              { environment(env), pipeline(), pipelineVersion(version), at });
        });
        return deploymentId;
    }

private:
    WorkspaceFixture m_fixture;
    QList<AlertRuleSpec> m_alerts;
};

} // namespace Baton::Test
