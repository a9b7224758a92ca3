#include "releasetarget.h"

#include "store/sql.h"
#include "util/error.h"

namespace Baton {

QString toString(ReleaseKind kind)
{
    return kind == ReleaseKind::Job ? QStringLiteral("job") : QStringLiteral("pipeline");
}

QString ReleaseTarget::idColumn() const
{
    return kind == ReleaseKind::Job ? QStringLiteral("job_id") : QStringLiteral("pipeline_id");
}

QString ReleaseTarget::versionColumn() const
{
    return kind == ReleaseKind::Job ? QStringLiteral("job_version_id")
                                    : QStringLiteral("pipeline_version_id");
}

QString ReleaseTarget::versionTable() const
{
    return kind == ReleaseKind::Job ? QStringLiteral("job_versions")
                                    : QStringLiteral("pipeline_versions");
}

QString ReleaseTarget::versionOwnerColumn() const
{
    return idColumn();
}

ReleaseTarget ReleaseTarget::resolve(const QSqlDatabase &db, const QString &path,
                                     const QString &kind)
{
    const qsizetype slash = path.indexOf(QLatin1Char('/'));
    if (slash <= 0 || slash == path.size() - 1 || path.indexOf(QLatin1Char('/'), slash + 1) >= 0)
        throw Error(QStringLiteral("'%1': expected PROJECT/NAME (a job or a pipeline)").arg(path));
    return resolve(db, path.left(slash), path.mid(slash + 1), kind);
}

ReleaseTarget ReleaseTarget::resolve(const QSqlDatabase &db, const QString &project,
                                     const QString &name, const QString &kind)
{
    if (!kind.isEmpty() && kind != QLatin1String("job") && kind != QLatin1String("pipeline"))
        throw Error(QStringLiteral("unknown kind '%1' (job or pipeline)").arg(kind));
    const QVariant projectId
        = Sql::scalar(db, QStringLiteral("SELECT id FROM projects WHERE name = ?"), { project });
    if (!projectId.isValid())
        throw Error(QStringLiteral("no project named '%1'").arg(project));
    const QVariant pipeline = Sql::scalar(db,
                                          QStringLiteral("SELECT id FROM pipelines WHERE "
                                                         "project_id = ? AND name = ? AND "
                                                         "archived_at IS NULL"),
                                          { projectId, name });
    const QVariant job = Sql::scalar(db,
                                     QStringLiteral("SELECT id FROM jobs WHERE project_id = ? AND "
                                                    "name = ? AND archived_at IS NULL"),
                                     { projectId, name });
    ReleaseTarget t;
    t.projectId = projectId.toLongLong();
    t.project = project;
    t.name = name;
    const bool wantJob = kind == QLatin1String("job");
    const bool wantPipeline = kind == QLatin1String("pipeline");
    if (pipeline.isValid() && job.isValid() && kind.isEmpty()) {
        throw Error(QStringLiteral("'%1/%2' is both a job and a pipeline: say which with --kind "
                                   "job or --kind pipeline")
                        .arg(project, name));
    }
    if (pipeline.isValid() && !wantJob) {
        t.kind = ReleaseKind::Pipeline;
        t.id = pipeline.toLongLong();
        return t;
    }
    if (job.isValid() && !wantPipeline) {
        t.kind = ReleaseKind::Job;
        t.id = job.toLongLong();
        return t;
    }
    throw Error(QStringLiteral("project '%1' has no %2 named '%3'")
                    .arg(project, kind.isEmpty() ? QStringLiteral("job or pipeline") : kind, name));
}

QList<EnvironmentRef> promotionPath(const QSqlDatabase &db, qint64 projectId)
{
    QList<EnvironmentRef> path;
    QSqlQuery q = Sql::exec(db,
                            QStringLiteral("SELECT id, name, position, approval_required, "
                                           "executor, rewrites FROM environments WHERE "
                                           "project_id = ? AND archived_at IS NULL ORDER BY "
                                           "position"),
                            { projectId });
    while (q.next()) {
        path << EnvironmentRef { q.value(0).toLongLong(), q.value(1).toString(),
                                 q.value(2).toInt(),      q.value(3).toBool(),
                                 q.value(4).toString(),   q.value(5).toString() };
    }
    return path;
}

EnvironmentRef environmentNamed(const QSqlDatabase &db, qint64 projectId, const QString &project,
                                const QString &name)
{
    const QList<EnvironmentRef> path = promotionPath(db, projectId);
    QStringList names;
    for (const EnvironmentRef &e : path) {
        if (e.name == name)
            return e;
        names << e.name;
    }
    throw Error(QStringLiteral("project '%1' has no environment '%2' (its path: %3)")
                    .arg(project, name, names.join(QStringLiteral(" → "))));
}

} // namespace Baton
