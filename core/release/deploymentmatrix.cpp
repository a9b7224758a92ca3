#include "deploymentmatrix.h"

#include "deployments.h"
#include "runtimecatalog.h"
#include "store/sql.h"

#include <QDate>
#include <QJsonObject>

namespace Baton {

namespace {

void readLastRun(const QSqlDatabase &db, ReleaseKind kind, qint64 envId, MatrixCell &c)
{
    QSqlQuery q = kind == ReleaseKind::Pipeline
        ? Sql::exec(db,
                    QStringLiteral("SELECT id, state, COALESCE(finished_at, created_at) FROM runs "
                                   "WHERE pipeline_version_id = ? AND environment_id = ? ORDER "
                                   "BY id DESC LIMIT 1"),
                    { c.versionId, envId })
        : Sql::exec(db,
                    QStringLiteral("SELECT r.id, tr.state, COALESCE(tr.finished_at, "
                                   "COALESCE(tr.queued_at, 0)) FROM task_runs tr JOIN runs r ON "
                                   "r.id = tr.run_id WHERE tr.job_version_id = ? AND "
                                   "r.environment_id = ? ORDER BY tr.id DESC LIMIT 1"),
                    { c.versionId, envId });
    if (q.next()) {
        c.lastRunId = q.value(0).toLongLong();
        c.lastRunState = parseRunState(q.value(1).toString(), c.lastRunId);
        c.lastRunAt = q.value(2).toLongLong();
    }
}

void readRuntime(const QSqlDatabase &db, const EnvironmentRef &env, MatrixCell &c)
{
    QSqlQuery q = Sql::exec(db,
                            QStringLiteral("SELECT technology, runtime_version FROM job_versions "
                                           "WHERE id = ?"),
                            { c.versionId });
    if (!q.next())
        return;
    const RuntimeCheck check
        = RuntimeCatalog::check(db, env.executor, q.value(0).toString(), q.value(1).toString());
    c.runtimeWhy = check.why;
    switch (check.status) {
    case RuntimeCheck::Status::Unpinned:
        break;
    case RuntimeCheck::Status::Missing:
        c.runtimeStatus = QStringLiteral("missing");
        break;
    case RuntimeCheck::Status::Deprecated:
        c.runtimeStatus = QStringLiteral("deprecated");
        break;
    case RuntimeCheck::Status::Ok:
        c.runtimeStatus
            = check.deprecatedOn.isValid() ? QStringLiteral("deprecating") : QStringLiteral("ok");
        break;
    }
}

} // namespace

DeploymentMatrix DeploymentMatrix::read(const QSqlDatabase &db, const QString &project)
{
    DeploymentMatrix m;
    QSqlQuery p = Sql::exec(db,
                            project.isEmpty()
                                ? QStringLiteral("SELECT id, name FROM projects ORDER BY name")
                                : QStringLiteral("SELECT id, name FROM projects WHERE name = ?"),
                            project.isEmpty() ? QVariantList {} : QVariantList { project });
    while (p.next()) {
        ProjectMatrix pm;
        pm.projectId = p.value(0).toLongLong();
        pm.project = p.value(1).toString();
        m.projects << pm;
    }
    for (ProjectMatrix &pm : m.projects) {
        pm.environments = promotionPath(db, pm.projectId);
        for (const ReleaseKind kind : { ReleaseKind::Pipeline, ReleaseKind::Job }) {
            const bool job = kind == ReleaseKind::Job;
            QSqlQuery q = Sql::exec(
                db,
                QStringLiteral("SELECT t.id, t.name, v.number, %1 FROM %2 t JOIN %3 v ON v.%4 = "
                               "t.id AND v.number = (SELECT max(number) FROM %3 WHERE %4 = t.id) "
                               "WHERE t.project_id = ? AND t.archived_at IS NULL ORDER BY t.name")
                    .arg(job ? QStringLiteral("v.technology, v.runtime_version")
                             : QStringLiteral("'', ''"),
                         job ? QStringLiteral("jobs") : QStringLiteral("pipelines"),
                         job ? QStringLiteral("job_versions") : QStringLiteral("pipeline_versions"),
                         job ? QStringLiteral("job_id") : QStringLiteral("pipeline_id")),
                { pm.projectId });
            while (q.next()) {
                MatrixRow row;
                row.kind = kind;
                row.id = q.value(0).toLongLong();
                row.name = q.value(1).toString();
                row.latestVersion = q.value(2).toInt();
                row.technology = q.value(3).toString();
                row.runtime = q.value(4).toString();
                pm.rows << row;
            }
        }
        for (MatrixRow &row : pm.rows) {
            ReleaseTarget t;
            t.kind = row.kind;
            t.projectId = pm.projectId;
            t.id = row.id;
            t.project = pm.project;
            t.name = row.name;
            for (int i = 0; i < pm.environments.size(); ++i) {
                const EnvironmentRef &env = pm.environments.at(i);
                MatrixCell c;
                const DeploymentRecord d = Deployments::current(db, t, env.id);
                c.version = d.version;
                c.versionId = d.versionId;
                c.deployKind = d.kind;
                c.deployedBy = d.by;
                c.deployedAt = d.at;
                if (d.id != 0) {
                    readLastRun(db, row.kind, env.id, c);
                    if (row.kind == ReleaseKind::Job)
                        readRuntime(db, env, c);
                }
                if (i > 0)
                    c.drift = c.versionId != row.cells.at(i - 1).versionId;
                QSqlQuery r = Sql::exec(db,
                                        QStringLiteral("SELECT r.id, v.number FROM "
                                                       "promotion_requests r JOIN %1 v ON v.id = "
                                                       "r.%2 WHERE r.state = 'pending' AND r.%3 = "
                                                       "? AND r.to_environment_id = ? ORDER BY "
                                                       "r.id LIMIT 1")
                                            .arg(t.versionTable(), t.versionColumn(), t.idColumn()),
                                        { t.id, env.id });
                if (r.next()) {
                    c.pendingRequestId = r.value(0).toLongLong();
                    c.pendingVersion = r.value(1).toInt();
                }
                row.cells << c;
            }
        }
    }
    return m;
}

QJsonArray DeploymentMatrix::toJson() const
{
    QJsonArray array;
    for (const ProjectMatrix &pm : projects) {
        QJsonArray envs;
        for (const EnvironmentRef &e : pm.environments)
            envs.append(e.name);
        for (const MatrixRow &row : pm.rows) {
            QJsonObject cells;
            for (int i = 0; i < row.cells.size(); ++i) {
                const MatrixCell &c = row.cells.at(i);
                QJsonObject o { { QStringLiteral("version"), c.version },
                                { QStringLiteral("drift"), c.drift } };
                if (c.version) {
                    o.insert(QStringLiteral("deployed_by"), c.deployedBy);
                    o.insert(QStringLiteral("deploy_kind"), c.deployKind);
                    o.insert(QStringLiteral("last_run_state"),
                             c.lastRunState ? toString(*c.lastRunState) : QString());
                    o.insert(QStringLiteral("last_run"), c.lastRunId);
                }
                if (!c.runtimeStatus.isEmpty()) {
                    o.insert(QStringLiteral("runtime"), c.runtimeStatus);
                    o.insert(QStringLiteral("runtime_detail"), c.runtimeWhy);
                }
                if (c.pendingRequestId) {
                    o.insert(QStringLiteral("pending_request"), c.pendingRequestId);
                    o.insert(QStringLiteral("pending_version"), c.pendingVersion);
                }
                cells.insert(pm.environments.at(i).name, o);
            }
            array.append(QJsonObject { { QStringLiteral("project"), pm.project },
                                       { QStringLiteral("kind"), toString(row.kind) },
                                       { QStringLiteral("name"), row.name },
                                       { QStringLiteral("latest_version"), row.latestVersion },
                                       { QStringLiteral("environments"), envs },
                                       { QStringLiteral("deployments"), cells } });
        }
    }
    return array;
}

} // namespace Baton
