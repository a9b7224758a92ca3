#pragma once

#include "releasetarget.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>

namespace Baton {

/// One row of a target's deployment history in one environment.
struct DeploymentRecord
{
    qint64 id = 0;
    qint64 versionId = 0;
    int version = 0;
    QString kind; ///< deploy | promote | rollback
    QString by;
    qint64 at = 0;
    qint64 requestId = 0;
    QString rewrites; ///< JSON rules the deployment applied
};

/// What is deployed where. The newest row per (target, environment) is current; rows are only
/// ever added, so the history (and rollback) is the table itself.
class Deployments
{
public:
    /// The current deployment of @p target in @p environmentId; id 0 when nothing is deployed.
    static DeploymentRecord current(const QSqlDatabase &db, const ReleaseTarget &target,
                                    qint64 environmentId);
    /// Newest first.
    static QList<DeploymentRecord> history(const QSqlDatabase &db, const ReleaseTarget &target,
                                           qint64 environmentId, int limit = 50);
    /// Adds a deployment row inside the caller's transaction; returns its id.
    static qint64 record(const QSqlDatabase &db, const ReleaseTarget &target, qint64 versionId,
                         qint64 environmentId, const QString &kind, const QString &actor, qint64 at,
                         const QString &rewrites = QStringLiteral("[]"), qint64 requestId = 0);
    /// How an import deploys a version it created: the first version of a job or pipeline goes
    /// to every environment of the path (there is nothing older to protect, and schedules have
    /// something to run); every later one enters the first environment only and moves on by
    /// promotion. Audited as one "release.deploy" event.
    static void deployImported(const QSqlDatabase &db, const ReleaseTarget &target,
                               qint64 versionId, int number, const QString &actor, qint64 at);
};

} // namespace Baton
