#pragma once

#include "model/runstate.h"
#include "releasetarget.h"

#include <QJsonArray>
#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <optional>

namespace Baton {

/// One cell: what one environment runs of one job or pipeline.
struct MatrixCell
{
    int version = 0; ///< 0: nothing deployed
    qint64 versionId = 0;
    QString deployKind; ///< deploy | promote | rollback
    QString deployedBy;
    qint64 deployedAt = 0;
    /// Of the deployed version in this environment; none: never ran.
    std::optional<RunState> lastRunState;
    qint64 lastRunId = 0;
    qint64 lastRunAt = 0;
    /// The environment runs something different from the one before it on the path.
    bool drift = false;
    /// Jobs: ok | deprecated | deprecating | missing, or empty when no runtime is pinned.
    QString runtimeStatus;
    QString runtimeWhy;
    qint64 pendingRequestId = 0; ///< a promotion into this cell waits for approval
    int pendingVersion = 0;
};

struct MatrixRow
{
    ReleaseKind kind = ReleaseKind::Pipeline;
    qint64 id = 0;
    QString name;
    int latestVersion = 0;
    QString technology; ///< jobs: of the latest version
    QString runtime;
    QList<MatrixCell> cells; ///< one per environment, in path order
};

struct ProjectMatrix
{
    qint64 projectId = 0;
    QString project;
    QList<EnvironmentRef> environments;
    QList<MatrixRow> rows; ///< pipelines first, then jobs, each by name
};

/// The deployment matrix: rows jobs and pipelines, columns environments, per project.
struct DeploymentMatrix
{
    QList<ProjectMatrix> projects;

    /// Reads every (or one) project's matrix.
    static DeploymentMatrix read(const QSqlDatabase &db, const QString &project = {});
    QJsonArray toJson() const;
};

} // namespace Baton
