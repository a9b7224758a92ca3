#include "versions.h"

#include "deployments.h"
#include "model/specjson.h"
#include "store/sql.h"
#include "util/error.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace Baton {

namespace {
QJsonObject jsonObject(const QVariant &v)
{
    return QJsonDocument::fromJson(v.toString().toUtf8()).object();
}
} // namespace

QList<VersionInfo> Versions::list(const QSqlDatabase &db, const ReleaseTarget &target)
{
    const bool job = target.kind == ReleaseKind::Job;
    QList<VersionInfo> list;
    QSqlQuery q = Sql::exec(
        db,
        QStringLiteral("SELECT id, number, content_hash, author, release_note, created_at, %1 "
                       "FROM %2 WHERE %3 = ? ORDER BY number DESC")
            .arg(job ? QStringLiteral("technology, runtime_version, command")
                     : QStringLiteral("'', '', ''"),
                 target.versionTable(), target.versionOwnerColumn()),
        { target.id });
    QHash<qint64, int> byId;
    while (q.next()) {
        VersionInfo v;
        v.id = q.value(0).toLongLong();
        v.number = q.value(1).toInt();
        v.contentHash = q.value(2).toString();
        v.author = q.value(3).toString();
        v.releaseNote = q.value(4).toString();
        v.createdAt = q.value(5).toLongLong();
        v.technology = q.value(6).toString();
        v.runtime = q.value(7).toString();
        v.command = q.value(8).toString();
        byId.insert(v.id, int(list.size()));
        list << v;
    }
    for (const EnvironmentRef &env : promotionPath(db, target.projectId)) {
        const DeploymentRecord d = Deployments::current(db, target, env.id);
        const auto it = byId.constFind(d.versionId);
        if (d.id != 0 && it != byId.constEnd())
            list[*it].deployedIn << env.name;
    }
    return list;
}

qint64 Versions::idOf(const QSqlDatabase &db, const ReleaseTarget &target, int number)
{
    const QVariant id = Sql::scalar(db,
                                    QStringLiteral("SELECT id FROM %1 WHERE %2 = ? AND number = ?")
                                        .arg(target.versionTable(), target.versionOwnerColumn()),
                                    { target.id, number });
    if (!id.isValid()) {
        const int latest = Sql::scalar(db,
                                       QStringLiteral("SELECT max(number) FROM %1 WHERE %2 = ?")
                                           .arg(target.versionTable(), target.versionOwnerColumn()),
                                       { target.id })
                               .toInt();
        throw Error(QStringLiteral("%1 %2 has no version %3 (its versions: 1 to %4)")
                        .arg(toString(target.kind), target.fullName())
                        .arg(number)
                        .arg(latest));
    }
    return id.toLongLong();
}

int Versions::numberOf(const QSqlDatabase &db, const ReleaseTarget &target, qint64 versionId)
{
    return Sql::scalar(
               db, QStringLiteral("SELECT number FROM %1 WHERE id = ?").arg(target.versionTable()),
               { versionId })
        .toInt();
}

qint64 Versions::latestId(const QSqlDatabase &db, const ReleaseTarget &target)
{
    return Sql::scalar(db,
                       QStringLiteral("SELECT id FROM %1 WHERE %2 = ? ORDER BY number DESC LIMIT 1")
                           .arg(target.versionTable(), target.versionOwnerColumn()),
                       { target.id })
        .toLongLong();
}

QString Versions::releaseNote(const QSqlDatabase &db, const ReleaseTarget &target, qint64 versionId)
{
    return Sql::scalar(db,
                       QStringLiteral("SELECT release_note FROM %1 WHERE id = ?")
                           .arg(target.versionTable()),
                       { versionId })
        .toString();
}

JobSpec Versions::jobSpec(const QSqlDatabase &db, qint64 jobVersionId)
{
    QSqlQuery q = Sql::exec(db,
                            QStringLiteral("SELECT j.name, v.command, v.technology, "
                                           "v.runtime_version, v.description, v.resources, "
                                           "v.settings, v.release_note FROM job_versions v JOIN "
                                           "jobs j ON j.id = v.job_id WHERE v.id = ?"),
                            { jobVersionId });
    if (!q.next())
        throw Error(QStringLiteral("no job version %1").arg(jobVersionId));
    JobSpec job;
    job.name = q.value(0).toString();
    job.command = q.value(1).toString();
    job.technology = q.value(2).toString();
    job.runtime = q.value(3).toString();
    job.description = q.value(4).toString();
    job.resources = resourcesFromJson(jsonObject(q.value(5)));
    job.settings = runSettingsFromJson(jsonObject(q.value(6)));
    job.releaseNote = q.value(7).toString();
    QSqlQuery f = Sql::exec(db,
                            QStringLiteral("SELECT f.path, b.content, f.executable FROM "
                                           "job_version_files f JOIN blobs b ON b.sha256 = "
                                           "f.blob_sha256 WHERE f.job_version_id = ? ORDER BY "
                                           "f.position"),
                            { jobVersionId });
    while (f.next())
        job.files << JobFile { f.value(0).toString(), f.value(1).toByteArray(),
                               f.value(2).toBool() };
    return job;
}

PipelineSpec Versions::pipelineSpec(const QSqlDatabase &db, qint64 pipelineVersionId,
                                    QHash<QString, qint64> *pins)
{
    QSqlQuery q = Sql::exec(db,
                            QStringLiteral("SELECT l.name, v.description, v.max_parallel, "
                                           "v.release_note FROM pipeline_versions v JOIN "
                                           "pipelines l ON l.id = v.pipeline_id WHERE v.id = ?"),
                            { pipelineVersionId });
    if (!q.next())
        throw Error(QStringLiteral("no pipeline version %1").arg(pipelineVersionId));
    PipelineSpec p;
    p.name = q.value(0).toString();
    p.description = q.value(1).toString();
    p.maxParallel = q.value(2).toInt();
    p.releaseNote = q.value(3).toString();
    QHash<qint64, int> byTaskId;
    QSqlQuery t = Sql::exec(db,
                            QStringLiteral("SELECT t.id, t.name, j.name, t.settings, "
                                           "t.job_version_id FROM pipeline_tasks t JOIN jobs j ON "
                                           "j.id = t.job_id WHERE t.pipeline_version_id = ? ORDER "
                                           "BY t.position"),
                            { pipelineVersionId });
    while (t.next()) {
        TaskSpec task;
        task.name = t.value(1).toString();
        task.job = t.value(2).toString();
        task.settings = runSettingsFromJson(jsonObject(t.value(3)));
        if (pins)
            pins->insert(task.name, t.value(4).toLongLong());
        byTaskId.insert(t.value(0).toLongLong(), int(p.tasks.size()));
        p.tasks << task;
    }
    QSqlQuery e = Sql::exec(db,
                            QStringLiteral("SELECT from_task_id, to_task_id, condition FROM "
                                           "pipeline_edges WHERE pipeline_version_id = ? ORDER BY "
                                           "position"),
                            { pipelineVersionId });
    while (e.next()) {
        const auto from = byTaskId.constFind(e.value(0).toLongLong());
        const auto to = byTaskId.constFind(e.value(1).toLongLong());
        if (from == byTaskId.constEnd() || to == byTaskId.constEnd())
            continue;
        p.tasks[*to].after << DependencySpec {
            p.tasks.at(*from).name,
            edgeConditionFromString(e.value(2).toString()).value_or(EdgeCondition::Success),
            {}
        };
    }
    return p;
}

QHash<QString, qint64> Versions::pinnedJobVersions(const QSqlDatabase &db, qint64 pipelineVersionId)
{
    QHash<QString, qint64> pins;
    QSqlQuery q = Sql::exec(db,
                            QStringLiteral("SELECT j.name, t.job_version_id FROM pipeline_tasks t "
                                           "JOIN jobs j ON j.id = t.job_id WHERE "
                                           "t.pipeline_version_id = ?"),
                            { pipelineVersionId });
    while (q.next())
        pins.insert(q.value(0).toString(), q.value(1).toLongLong());
    return pins;
}

VersionRef Versions::resolve(const QSqlDatabase &db, const QString &text, const QString &kind)
{
    const qsizetype at = text.lastIndexOf(QLatin1Char('@'));
    const QString path = at < 0 ? text : text.left(at);
    const QString which = at < 0 ? QString() : text.mid(at + 1);
    if (at >= 0 && which.trimmed().isEmpty()) // "churn/train@" is a slip, not "the latest"
        throw Error(QStringLiteral("%1: expected a version number (@3) or an environment (@prod) "
                                   "after '@'")
                        .arg(text));
    VersionRef ref;
    ref.target = ReleaseTarget::resolve(db, path, kind);
    if (which.isEmpty()) {
        ref.versionId = latestId(db, ref.target);
        if (ref.versionId == 0)
            throw Error(QStringLiteral("%1 has no version yet").arg(ref.target.fullName()));
        ref.number = numberOf(db, ref.target, ref.versionId);
        ref.label = QStringLiteral("%1 v%2").arg(ref.target.fullName()).arg(ref.number);
        return ref;
    }
    bool isNumber = false;
    const QString digits = which.startsWith(QLatin1Char('v')) ? which.mid(1) : which;
    const int number = digits.toInt(&isNumber);
    if (isNumber) {
        ref.versionId = idOf(db, ref.target, number);
        ref.number = number;
        ref.label = QStringLiteral("%1 v%2").arg(ref.target.fullName()).arg(number);
        return ref;
    }
    const EnvironmentRef env
        = environmentNamed(db, ref.target.projectId, ref.target.project, which);
    const DeploymentRecord d = Deployments::current(db, ref.target, env.id);
    if (d.id == 0)
        throw Error(
            QStringLiteral("%1 is not deployed in %2").arg(ref.target.fullName(), env.name));
    ref.versionId = d.versionId;
    ref.number = d.version;
    ref.label
        = QStringLiteral("%1 v%2 (%3)").arg(ref.target.fullName()).arg(d.version).arg(env.name);
    return ref;
}

} // namespace Baton
