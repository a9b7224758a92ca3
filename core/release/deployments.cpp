#include "deployments.h"

#include "access/auditlog.h"
#include "store/sql.h"

#include <QJsonArray>

namespace Baton {

namespace {

DeploymentRecord recordFrom(const QSqlQuery &q)
{
    DeploymentRecord r;
    r.id = q.value(0).toLongLong();
    r.versionId = q.value(1).toLongLong();
    r.version = q.value(2).toInt();
    r.kind = q.value(3).toString();
    r.by = q.value(4).toString();
    r.at = q.value(5).toLongLong();
    r.requestId = q.value(6).toLongLong();
    r.rewrites = q.value(7).toString();
    return r;
}

QString historySql(const ReleaseTarget &t)
{
    return QStringLiteral("SELECT d.id, d.%1, v.number, d.kind, d.deployed_by, d.deployed_at, "
                          "COALESCE(d.request_id, 0), d.rewrites FROM deployments d JOIN %2 v ON "
                          "v.id = d.%1 WHERE d.environment_id = ? AND d.%3 = ? ORDER BY d.id DESC "
                          "LIMIT ?")
        .arg(t.versionColumn(), t.versionTable(), t.idColumn());
}

} // namespace

DeploymentRecord Deployments::current(const QSqlDatabase &db, const ReleaseTarget &target,
                                      qint64 environmentId)
{
    QSqlQuery q = Sql::exec(db, historySql(target), { environmentId, target.id, 1 });
    return q.next() ? recordFrom(q) : DeploymentRecord {};
}

QList<DeploymentRecord> Deployments::history(const QSqlDatabase &db, const ReleaseTarget &target,
                                             qint64 environmentId, int limit)
{
    QList<DeploymentRecord> list;
    QSqlQuery q = Sql::exec(db, historySql(target), { environmentId, target.id, limit });
    while (q.next())
        list << recordFrom(q);
    return list;
}

qint64 Deployments::record(const QSqlDatabase &db, const ReleaseTarget &target, qint64 versionId,
                           qint64 environmentId, const QString &kind, const QString &actor,
                           qint64 at, const QString &rewrites, qint64 requestId)
{
    return Sql::insert(db,
                       QStringLiteral("INSERT INTO deployments (environment_id, %1, %2, kind, "
                                      "deployed_by, deployed_at, rewrites, request_id) VALUES (?, "
                                      "?, ?, ?, ?, ?, ?, ?) RETURNING id")
                           .arg(target.idColumn(), target.versionColumn()),
                       { environmentId, target.id, versionId, kind, actor, at, rewrites,
                         Sql::nullable(requestId, requestId == 0) });
}

void Deployments::deployImported(const QSqlDatabase &db, const ReleaseTarget &target,
                                 qint64 versionId, int number, const QString &actor, qint64 at)
{
    const QList<EnvironmentRef> path = promotionPath(db, target.projectId);
    if (path.isEmpty())
        return;
    QJsonArray environments;
    for (const EnvironmentRef &env : path) {
        record(db, target, versionId, env.id, QStringLiteral("deploy"), actor, at);
        environments.append(env.name);
        if (number > 1)
            break;
    }
    AuditEvent e;
    e.at = at;
    e.actor = actor;
    e.action = QStringLiteral("release.deploy");
    e.objectKind = toString(target.kind);
    e.objectId = target.id;
    e.objectName = target.fullName();
    e.after = { { QStringLiteral("version"), number },
                { QStringLiteral("environments"), environments } };
    e.details = number > 1 ? QStringLiteral("imported version enters %1").arg(path.first().name)
                           : QStringLiteral("first version: deployed to the whole path");
    AuditLog::record(db, e);
}

} // namespace Baton
