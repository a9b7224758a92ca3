#pragma once

#include <QSqlDatabase>
#include <QString>

namespace Baton {

/// What gets versioned, deployed and promoted: a job or a pipeline.
enum class ReleaseKind { Job, Pipeline };

QString toString(ReleaseKind kind);

/// One job or pipeline of a project, resolved to its ids.
struct ReleaseTarget
{
    ReleaseKind kind = ReleaseKind::Pipeline;
    qint64 projectId = 0;
    qint64 id = 0; ///< jobs.id or pipelines.id
    QString project;
    QString name;

    QString fullName() const { return project + QLatin1Char('/') + name; }
    /// "job_id" or "pipeline_id": the column naming this target in deployments and requests.
    QString idColumn() const;
    /// "job_version_id" or "pipeline_version_id".
    QString versionColumn() const;
    /// "job_versions" or "pipeline_versions".
    QString versionTable() const;
    /// "job_id" or "pipeline_id" in the versions table.
    QString versionOwnerColumn() const;

    /// Resolves "PROJECT/NAME" (a pipeline or a job; @p kind narrows it when both exist: "job",
    /// "pipeline" or empty). Throws Baton::Error naming what is missing or ambiguous.
    static ReleaseTarget resolve(const QSqlDatabase &db, const QString &path,
                                 const QString &kind = {});
    static ReleaseTarget resolve(const QSqlDatabase &db, const QString &project,
                                 const QString &name, const QString &kind);
};

/// An environment of a project's promotion path.
struct EnvironmentRef
{
    qint64 id = 0;
    QString name;
    int position = 0;
    bool approvalRequired = false;
    QString executor;
    QString rewrites; ///< JSON rules
};

/// The project's path in order (archived environments left out).
QList<EnvironmentRef> promotionPath(const QSqlDatabase &db, qint64 projectId);
/// Throws Baton::Error listing the path when @p name is not on it.
EnvironmentRef environmentNamed(const QSqlDatabase &db, qint64 projectId, const QString &project,
                                const QString &name);

} // namespace Baton
