#include "catalog.h"

#include "model/specjson.h"
#include "monitoring/alertrules.h"
#include "readsnapshot.h"
#include "release/rewriterules.h"
#include "scheduling/cronexpression.h"
#include "scheduling/schedulefirer.h"
#include "settings.h"
#include "sql.h"
#include "sqldialect.h"
#include "util/error.h"

#include <QDateTime>
#include <QHash>
#include <QJsonDocument>

namespace Baton {

namespace {

QJsonObject jsonObject(const QVariant &v)
{
    return QJsonDocument::fromJson(v.toString().toUtf8()).object();
}

// Latest version per job / pipeline, as a reusable sub-select.
const char *kLatestJobVersion = "SELECT jv.* FROM job_versions jv WHERE jv.number = "
                                "(SELECT MAX(number) FROM job_versions WHERE job_id = jv.job_id)";
const char *kLatestPipelineVersion
    = "SELECT pv.* FROM pipeline_versions pv WHERE pv.number = "
      "(SELECT MAX(number) FROM pipeline_versions WHERE pipeline_id = pv.pipeline_id)";

} // namespace

QList<ProjectInfo> Catalog::projects(const QSqlDatabase &db)
{
    QList<ProjectInfo> result;
    QHash<qint64, int> index;
    QSqlQuery q = Sql::exec(
        db,
        QStringLiteral(
            "SELECT p.id, p.name, p.description, p.source_path, p.updated_at, "
            "(SELECT count(*) FROM jobs j WHERE j.project_id = p.id AND j.archived_at IS NULL), "
            "(SELECT count(*) FROM pipelines l WHERE l.project_id = p.id AND "
            "l.archived_at IS NULL) FROM projects p ORDER BY p.name"));
    while (q.next()) {
        ProjectInfo p;
        p.id = q.value(0).toLongLong();
        p.name = q.value(1).toString();
        p.description = q.value(2).toString();
        p.sourcePath = q.value(3).toString();
        p.updatedAt = q.value(4).toLongLong();
        p.jobCount = q.value(5).toInt();
        p.pipelineCount = q.value(6).toInt();
        index.insert(p.id, int(result.size()));
        result << p;
    }
    QSqlQuery e = Sql::exec(db,
                            QStringLiteral("SELECT project_id, name, approval_required FROM "
                                           "environments WHERE archived_at IS NULL ORDER BY "
                                           "project_id, position"));
    while (e.next()) {
        const auto it = index.constFind(e.value(0).toLongLong());
        if (it != index.constEnd())
            result[*it].environments
                << EnvironmentInfo { e.value(1).toString(), e.value(2).toBool() };
    }
    return result;
}

QList<JobInfo> Catalog::jobs(const QSqlDatabase &db, const QString &project)
{
    QList<JobInfo> result;
    QHash<qint64, int> byVersion;
    QSqlQuery q = Sql::exec(
        db,
        QStringLiteral("SELECT j.id, p.name, j.name, v.number, v.command, v.technology, "
                       "v.runtime_version, v.description, v.content_hash, v.author, "
                       "v.release_note, v.created_at, v.settings, v.resources, v.id, "
                       "(SELECT count(*) FROM job_versions c WHERE c.job_id = j.id) "
                       "FROM jobs j JOIN projects p ON p.id = j.project_id "
                       "JOIN (%1) v ON v.job_id = j.id "
                       "WHERE j.archived_at IS NULL AND (? = '' OR p.name = ?) "
                       "ORDER BY p.name, j.name")
            .arg(QLatin1String(kLatestJobVersion)),
        { project, project });
    while (q.next()) {
        JobInfo j;
        j.id = q.value(0).toLongLong();
        j.project = q.value(1).toString();
        j.name = q.value(2).toString();
        j.version = q.value(3).toInt();
        j.command = q.value(4).toString();
        j.technology = q.value(5).toString();
        j.runtime = q.value(6).toString();
        j.description = q.value(7).toString();
        j.contentHash = q.value(8).toString();
        j.author = q.value(9).toString();
        j.releaseNote = q.value(10).toString();
        j.versionCreatedAt = q.value(11).toLongLong();
        j.settings = runSettingsFromJson(jsonObject(q.value(12)));
        j.resources = resourcesFromJson(jsonObject(q.value(13)));
        j.versionCount = q.value(15).toInt();
        byVersion.insert(q.value(14).toLongLong(), int(result.size()));
        result << j;
    }
    QSqlQuery f = Sql::exec(db,
                            QStringLiteral("SELECT job_version_id, path FROM job_version_files "
                                           "ORDER BY job_version_id, position"));
    while (f.next()) {
        const auto it = byVersion.constFind(f.value(0).toLongLong());
        if (it != byVersion.constEnd())
            result[*it].files << f.value(1).toString();
    }
    return result;
}

QList<PipelineInfo> Catalog::pipelines(const QSqlDatabase &db, const QString &project)
{
    QList<PipelineInfo> result;
    QHash<qint64, int> byVersion;
    const QString workspaceZone = Settings::value(db, QStringLiteral("timezone"));
    QSqlQuery q = Sql::exec(
        db,
        QStringLiteral("SELECT l.id, p.name, l.name, v.number, v.description, v.content_hash, "
                       "v.author, v.created_at, v.max_parallel, v.id, "
                       "(SELECT count(*) FROM pipeline_versions c WHERE c.pipeline_id = l.id), "
                       "s.cron, s.timezone, s.misfire, s.paused "
                       "FROM pipelines l JOIN projects p ON p.id = l.project_id "
                       "JOIN (%1) v ON v.pipeline_id = l.id "
                       "LEFT JOIN schedules s ON s.id = (SELECT MIN(id) FROM schedules "
                       "WHERE pipeline_id = l.id) "
                       "WHERE l.archived_at IS NULL AND (? = '' OR p.name = ?) "
                       "ORDER BY p.name, l.name")
            .arg(QLatin1String(kLatestPipelineVersion)),
        { project, project });
    while (q.next()) {
        PipelineInfo p;
        p.id = q.value(0).toLongLong();
        p.project = q.value(1).toString();
        p.name = q.value(2).toString();
        p.version = q.value(3).toInt();
        p.description = q.value(4).toString();
        p.contentHash = q.value(5).toString();
        p.author = q.value(6).toString();
        p.versionCreatedAt = q.value(7).toLongLong();
        p.maxParallel = q.value(8).toInt();
        p.versionCount = q.value(10).toInt();
        p.schedule = q.value(11).toString();
        p.timezone = q.value(12).toString();
        p.misfire = q.value(13).toString();
        p.schedulePaused = q.value(14).toBool();
        if (!p.schedule.isEmpty()) {
            // The same preview `baton schedule next` prints, computed off the GUI thread.
            const QTimeZone zone = ScheduleFirer::zoneFor(p.timezone, workspaceZone);
            p.scheduleZone = QString::fromUtf8(zone.id());
            QString error;
            const auto cron = CronExpression::parse(p.schedule, &error);
            if (!cron)
                p.scheduleError = error;
            else if (!p.schedulePaused)
                p.nextFires = cron->nextN(QDateTime::currentDateTime().toTimeZone(zone), zone, 5);
        }
        byVersion.insert(q.value(9).toLongLong(), int(result.size()));
        result << p;
    }
    if (result.isEmpty())
        return result;
    // Only the shown versions' tasks and edges: older versions pile up with every import.
    QStringList ids;
    for (auto it = byVersion.cbegin(); it != byVersion.cend(); ++it)
        ids << QString::number(it.key()); // our own integer ids: safe to inline
    const QString versionIds = ids.join(QLatin1Char(','));

    QSqlQuery t = Sql::exec(db,
                            QStringLiteral("SELECT t.pipeline_version_id, t.name, j.name, "
                                           "jv.number, jv.technology, jv.command, t.settings "
                                           "FROM pipeline_tasks t JOIN jobs j ON j.id = t.job_id "
                                           "JOIN job_versions jv ON jv.id = t.job_version_id "
                                           "WHERE t.pipeline_version_id IN (%1) "
                                           "ORDER BY t.pipeline_version_id, t.position")
                                .arg(versionIds));
    while (t.next()) {
        const auto it = byVersion.constFind(t.value(0).toLongLong());
        if (it != byVersion.constEnd()) {
            result[*it].tasks << TaskInfo {
                t.value(1).toString(), t.value(2).toString(),
                t.value(3).toInt(),    t.value(4).toString(),
                t.value(5).toString(), runSettingsFromJson(jsonObject(t.value(6)))
            };
        }
    }
    QSqlQuery e = Sql::exec(db,
                            QStringLiteral("SELECT e.pipeline_version_id, a.name, b.name, "
                                           "e.condition FROM pipeline_edges e "
                                           "JOIN pipeline_tasks a ON a.id = e.from_task_id "
                                           "JOIN pipeline_tasks b ON b.id = e.to_task_id "
                                           "WHERE e.pipeline_version_id IN (%1) "
                                           "ORDER BY e.pipeline_version_id, e.position")
                                .arg(versionIds));
    while (e.next()) {
        const auto it = byVersion.constFind(e.value(0).toLongLong());
        if (it != byVersion.constEnd()) {
            result[*it].edges << EdgeInfo {
                e.value(1).toString(), e.value(2).toString(),
                edgeConditionFromString(e.value(3).toString()).value_or(EdgeCondition::Success)
            };
        }
    }
    return result;
}

CatalogSnapshot Catalog::snapshot(const QSqlDatabase &db)
{
    CatalogSnapshot s;
    s.workspace = db.databaseName();
    // One read snapshot: the three lists agree with each other even while an import lands.
    ReadSnapshot::read(db, [&] {
        s.projects = projects(db);
        s.jobs = jobs(db);
        s.pipelines = pipelines(db);
        QSqlQuery lease = Sql::exec(db,
                                    QStringLiteral("SELECT holder, heartbeat_at, expires_at "
                                                   "FROM engine_lease WHERE id = 1"));
        if (lease.next()) {
            s.engineHolder = lease.value(0).toString();
            s.engineHeartbeatAt = lease.value(1).toLongLong();
            s.engineExpiresAt = lease.value(2).toLongLong();
        }
    });
    s.takenAt = QDateTime::currentMSecsSinceEpoch();
    return s;
}

PipelineSpec Catalog::pipelineSpec(const PipelineInfo &info)
{
    PipelineSpec p;
    p.name = info.name;
    p.description = info.description;
    p.schedule = info.schedule;
    p.timezone = info.timezone;
    // run_once is the default: written only when it was chosen explicitly otherwise.
    p.misfire = info.misfire == QLatin1String("run_once") ? QString() : info.misfire;
    p.maxParallel = info.maxParallel;
    for (const TaskInfo &t : info.tasks) {
        TaskSpec task;
        task.name = t.name;
        task.job = t.job;
        task.settings = t.settings;
        for (const EdgeInfo &e : info.edges) {
            if (e.to == t.name)
                task.after << DependencySpec { e.from, e.condition, {} };
        }
        p.tasks << task;
    }
    return p;
}

ProjectSpec Catalog::projectSpec(const QSqlDatabase &db, const QString &project)
{
    const QVariant idValue = Sql::scalar(db,
                                         QStringLiteral("SELECT id, description FROM projects "
                                                        "WHERE name = ?"),
                                         { project });
    if (!idValue.isValid())
        throw Error(QStringLiteral("no project named '%1'").arg(project));
    const qint64 projectId = idValue.toLongLong();

    ProjectSpec spec;
    spec.name = project;
    spec.description
        = Sql::scalar(db, QStringLiteral("SELECT description FROM projects WHERE id = ?"),
                      { projectId })
              .toString();

    QSqlQuery env = Sql::exec(db,
                              QStringLiteral("SELECT name, approval_required, rewrites FROM "
                                             "environments WHERE project_id = ? AND archived_at "
                                             "IS NULL ORDER BY position"),
                              { projectId });
    while (env.next())
        spec.environments << EnvironmentSpec { env.value(0).toString(),
                                               env.value(1).toBool(),
                                               {},
                                               RewriteRules::fromJsonText(
                                                   env.value(2).toString()) };

    auto readVariables = [&](const QString &where, qint64 ownerId) {
        QList<VariableSpec> vars;
        QSqlQuery v
            = Sql::exec(db,
                        QStringLiteral("SELECT v.name, v.value, v.secret, COALESCE(e.name, '') "
                                       "FROM variables v LEFT JOIN environments e ON "
                                       "e.id = v.environment_id WHERE ")
                            + where + QStringLiteral(" ORDER BY v.position"),
                        { ownerId });
        while (v.next()) {
            VariableSpec var;
            var.name = v.value(0).toString();
            var.secret = v.value(2).toBool();
            if (!var.secret && !v.value(1).isNull())
                var.value = v.value(1).toString();
            var.environment = v.value(3).toString();
            vars << var;
        }
        return vars;
    };
    spec.variables
        = readVariables(QStringLiteral("v.project_id = ? AND v.pipeline_id IS NULL"), projectId);

    const QList<JobInfo> jobInfos = jobs(db, project);
    for (const JobInfo &info : jobInfos) {
        JobSpec job;
        job.name = info.name;
        job.command = info.command;
        job.technology = info.technology;
        job.runtime = info.runtime;
        job.description = info.description;
        job.settings = info.settings;
        job.resources = info.resources;
        QSqlQuery f = Sql::exec(db,
                                QStringLiteral("SELECT f.path, b.content, f.executable FROM "
                                               "job_version_files f JOIN blobs b ON "
                                               "b.sha256 = f.blob_sha256 JOIN job_versions v ON "
                                               "v.id = f.job_version_id WHERE v.job_id = ? AND "
                                               "v.number = ? ORDER BY f.position"),
                                { info.id, info.version });
        while (f.next())
            job.files << JobFile { f.value(0).toString(), f.value(1).toByteArray(),
                                   f.value(2).toBool() };
        spec.jobs << job;
    }

    for (const PipelineInfo &info : pipelines(db, project)) {
        PipelineSpec p = pipelineSpec(info);
        p.variables = readVariables(QStringLiteral("v.pipeline_id = ?"), info.id);
        spec.pipelines << p;
    }
    spec.alerts = AlertRules::specs(db, projectId);
    return spec;
}

} // namespace Baton
