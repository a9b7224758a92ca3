#include "projectwriter.h"

#include "access/auditlog.h"
#include "access/secrets.h"
#include "model/specjson.h"
#include "monitoring/alertrules.h"
#include "release/contenthash.h"
#include "release/deployments.h"
#include "release/rewriterules.h"
#include "sql.h"
#include "store.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>

namespace Baton {

int ImportSummary::createdVersions() const
{
    int n = 0;
    for (const Version &v : versions)
        n += v.created ? 1 : 0;
    return n;
}

namespace {

QString compact(const QJsonObject &o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QVariant nullId(qint64 id)
{
    return Sql::nullable(id, id == 0);
}

class Writer
{
public:
    Writer(QSqlDatabase &db, const QString &actor, ImportSummary &summary)
        : m_db(db)
        , m_actor(actor)
        , m_summary(summary)
        , m_now(QDateTime::currentMSecsSinceEpoch())
    { }

    void apply(const ProjectSpec &spec)
    {
        m_project = spec.name;
        const QVariant existing = Sql::scalar(
            m_db, QStringLiteral("SELECT id FROM projects WHERE name = ?"), { spec.name });
        if (existing.isValid()) {
            m_projectId = existing.toLongLong();
            Sql::exec(m_db,
                      QStringLiteral("UPDATE projects SET description = ?, source_path = ?, "
                                     "updated_at = ? WHERE id = ?"),
                      { spec.description, spec.sourceFile, m_now, m_projectId });
            m_summary.projectsUpdated << spec.name;
        } else {
            m_projectId
                = Sql::insert(m_db,
                              QStringLiteral("INSERT INTO projects (name, description, "
                                             "source_path, created_at, updated_at) "
                                             "VALUES (?, ?, ?, ?, ?) RETURNING id"),
                              { spec.name, spec.description, spec.sourceFile, m_now, m_now });
            m_summary.projectsCreated << spec.name;
            audit(QStringLiteral("project.create"), QStringLiteral("project"), m_projectId,
                  spec.name, {}, { { QStringLiteral("source"), spec.sourceFile } });
        }
        syncEnvironments(spec);
        syncVariables(spec.variables, QStringLiteral("project"), 0, QStringLiteral("project"),
                      spec.name);

        QHash<QString, QString> jobHashes;
        QHash<QString, qint64> jobVersionIds;
        QSet<QString> jobNames;
        for (const JobSpec &job : spec.jobs) {
            jobNames << job.name;
            const QString hash = jobContentHash(job);
            jobHashes.insert(job.name, hash);
            jobVersionIds.insert(job.name, applyJob(job, hash));
        }
        archiveMissing(QStringLiteral("jobs"), jobNames, QStringLiteral("job"));

        QSet<QString> pipelineNames;
        for (const PipelineSpec &pipeline : spec.pipelines) {
            pipelineNames << pipeline.name;
            applyPipeline(pipeline, jobHashes, jobVersionIds);
        }
        archiveMissing(QStringLiteral("pipelines"), pipelineNames, QStringLiteral("pipeline"));
        AlertRules::sync(m_db, m_projectId, spec.name, spec.alerts, m_actor, m_now);
    }

private:
    ReleaseTarget target(ReleaseKind kind, qint64 id, const QString &name) const
    {
        ReleaseTarget t;
        t.kind = kind;
        t.projectId = m_projectId;
        t.id = id;
        t.project = m_project;
        t.name = name;
        return t;
    }

    void audit(const QString &action, const QString &kind, qint64 id, const QString &name,
               const QJsonObject &before, const QJsonObject &after)
    {
        AuditLog::record(m_db, m_now, m_actor, action, { kind, id, name }, before, after);
    }

    void syncEnvironments(const ProjectSpec &spec)
    {
        const QList<EnvironmentSpec> envs
            = spec.environments.isEmpty() ? defaultEnvironments() : spec.environments;
        QStringList before;
        QSqlQuery q = Sql::exec(m_db,
                                QStringLiteral("SELECT name FROM environments WHERE project_id = ? "
                                               "AND archived_at IS NULL ORDER BY position"),
                                { m_projectId });
        while (q.next())
            before << q.value(0).toString();

        // Park every environment, then bring back those the file names, in its order.
        Sql::exec(m_db,
                  QStringLiteral("UPDATE environments SET archived_at = ?, position = position + "
                                 "100000 WHERE project_id = ? AND archived_at IS NULL"),
                  { m_now, m_projectId });
        m_environmentIds.clear();
        QStringList after;
        for (int i = 0; i < envs.size(); ++i) {
            const EnvironmentSpec &env = envs.at(i);
            after << env.name;
            const QVariant id = Sql::scalar(m_db,
                                            QStringLiteral("SELECT id FROM environments WHERE "
                                                           "project_id = ? AND name = ?"),
                                            { m_projectId, env.name });
            qint64 envId = 0;
            if (id.isValid()) {
                envId = id.toLongLong();
                Sql::exec(m_db,
                          QStringLiteral("UPDATE environments SET position = ?, "
                                         "approval_required = ?, archived_at = NULL, rewrites = ? "
                                         "WHERE id = ?"),
                          { i, env.approvalRequired ? 1 : 0, RewriteRules::toJsonText(env.rewrites),
                            envId });
            } else {
                envId = Sql::insert(m_db,
                                    QStringLiteral("INSERT INTO environments (project_id, name, "
                                                   "position, approval_required, rewrites) VALUES "
                                                   "(?, ?, ?, ?, ?) RETURNING id"),
                                    { m_projectId, env.name, i, env.approvalRequired ? 1 : 0,
                                      RewriteRules::toJsonText(env.rewrites) });
            }
            m_environmentIds.insert(env.name, envId);
        }
        if (before != after) {
            audit(QStringLiteral("project.environments"), QStringLiteral("project"), m_projectId,
                  m_project,
                  { { QStringLiteral("environments"), QJsonArray::fromStringList(before) } },
                  { { QStringLiteral("environments"), QJsonArray::fromStringList(after) } });
        }
    }

    /// Replaces the variables of one scope owner (the project, or one pipeline). A secret
    /// written without a value keeps the value the workspace already has.
    void syncVariables(const QList<VariableSpec> &vars, const QString &owner, qint64 pipelineId,
                       const QString &auditKind, const QString &auditName)
    {
        const QString ownerClause = owner == QLatin1String("project")
            ? QStringLiteral("project_id = ? AND pipeline_id IS NULL")
            : QStringLiteral("pipeline_id = ?");
        const qint64 ownerId = owner == QLatin1String("project") ? m_projectId : pipelineId;

        QHash<QString, QVariant> oldValues;
        QJsonObject before;
        QSqlQuery q
            = Sql::exec(m_db,
                        QStringLiteral("SELECT v.name, COALESCE(e.name, ''), v.value, v.secret "
                                       "FROM variables v LEFT JOIN environments e ON "
                                       "e.id = v.environment_id WHERE v.")
                            + ownerClause + QStringLiteral(" ORDER BY v.position"),
                        { ownerId });
        while (q.next()) {
            const QString key = q.value(0).toString() + QLatin1Char('@') + q.value(1).toString();
            oldValues.insert(key, q.value(2));
            before.insert(key, q.value(3).toBool() ? QStringLiteral("***") : q.value(2).toString());
        }
        Sql::exec(m_db, QStringLiteral("DELETE FROM variables WHERE ") + ownerClause, { ownerId });

        QJsonObject after;
        for (int i = 0; i < vars.size(); ++i) {
            const VariableSpec &v = vars.at(i);
            const QString key = v.name + QLatin1Char('@') + v.environment;
            QVariant value; // invalid: NULL
            if (v.value) {
                // A secret is stored encrypted (no key: an error, and the import writes nothing).
                value = v.secret ? Secrets::sealForStore(*v.value, v.name) : *v.value;
            } else if (v.secret) {
                const QVariant old = oldValues.value(key);
                if (!old.isNull())
                    value = old.toString();
            }
            if (v.secret && !value.isValid()) {
                m_summary.warnings
                    << Diagnostic { v.where,
                                    QStringLiteral("secret '%1' has no value in the file or the "
                                                   "workspace; set it before running")
                                        .arg(v.name) };
            }
            const qint64 envId
                = v.environment.isEmpty() ? 0 : m_environmentIds.value(v.environment);
            QString scope = owner;
            if (owner == QLatin1String("project") && envId != 0)
                scope = QStringLiteral("environment");
            Sql::exec(m_db,
                      QStringLiteral("INSERT INTO variables (scope, project_id, environment_id, "
                                     "pipeline_id, name, value, secret, position, updated_at) "
                                     "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                      { scope, m_projectId, nullId(envId), nullId(pipelineId), v.name, value,
                        v.secret ? 1 : 0, i, m_now });
            after.insert(key, v.secret ? QStringLiteral("***") : value.toString());
        }
        if (before != after) {
            // Secret values never reach the audit trail: they show as ***.
            audit(QStringLiteral("variables.update"), auditKind, ownerId, auditName,
                  { { QStringLiteral("variables"), before } },
                  { { QStringLiteral("variables"), after } });
        }
    }

    qint64 upsertNamed(const QString &table, const QString &name)
    {
        const QVariant id = Sql::scalar(m_db,
                                        QStringLiteral("SELECT id FROM %1 WHERE project_id = ? "
                                                       "AND name = ?")
                                            .arg(table),
                                        { m_projectId, name });
        if (id.isValid()) {
            Sql::exec(m_db,
                      QStringLiteral("UPDATE %1 SET archived_at = NULL WHERE id = ?").arg(table),
                      { id });
            return id.toLongLong();
        }
        return Sql::insert(m_db,
                           QStringLiteral("INSERT INTO %1 (project_id, name, created_at) "
                                          "VALUES (?, ?, ?) RETURNING id")
                               .arg(table),
                           { m_projectId, name, m_now });
    }

    void archiveMissing(const QString &table, const QSet<QString> &keep, const QString &kind)
    {
        QSqlQuery q = Sql::exec(m_db,
                                QStringLiteral("SELECT id, name FROM %1 WHERE project_id = ? AND "
                                               "archived_at IS NULL")
                                    .arg(table),
                                { m_projectId });
        QList<QPair<qint64, QString>> gone;
        while (q.next()) {
            if (!keep.contains(q.value(1).toString()))
                gone.append({ q.value(0).toLongLong(), q.value(1).toString() });
        }
        for (const auto &[id, name] : gone) {
            Sql::exec(m_db, QStringLiteral("UPDATE %1 SET archived_at = ? WHERE id = ?").arg(table),
                      { m_now, id });
            m_summary.archived << m_project + QLatin1Char('/') + name;
            audit(kind + QStringLiteral(".archive"), kind, id, m_project + QLatin1Char('/') + name,
                  {}, {});
        }
    }

    /// Returns the id of the job version now current (new or unchanged).
    qint64 applyJob(const JobSpec &job, const QString &hash)
    {
        const qint64 jobId = upsertNamed(QStringLiteral("jobs"), job.name);
        QSqlQuery latest = Sql::exec(m_db,
                                     QStringLiteral("SELECT id, number, content_hash FROM "
                                                    "job_versions WHERE job_id = ? ORDER BY number "
                                                    "DESC LIMIT 1"),
                                     { jobId });
        int number = 0;
        if (latest.next()) {
            number = latest.value(1).toInt();
            if (latest.value(2).toString() == hash) {
                m_summary.versions.append(
                    { m_project, QStringLiteral("job"), job.name, number, false });
                return latest.value(0).toLongLong();
            }
        }
        ++number;
        const qint64 versionId = Sql::insert(
            m_db,
            QStringLiteral("INSERT INTO job_versions (job_id, number, content_hash, command, "
                           "technology, runtime_version, description, resources, settings, "
                           "release_note, author, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                           "?, ?, ?) RETURNING id"),
            { jobId, number, hash, job.command, job.technology, job.runtime, job.description,
              compact(toJson(job.resources)), compact(toJson(job.settings)), job.releaseNote,
              m_actor, m_now });
        for (int i = 0; i < job.files.size(); ++i) {
            const JobFile &f = job.files.at(i);
            const QString sha = sha256Hex(f.content);
            Sql::exec(m_db,
                      QStringLiteral("INSERT INTO blobs (sha256, size, content) VALUES "
                                     "(?, ?, ?) ON CONFLICT DO NOTHING"),
                      { sha, f.content.size(), f.content });
            Sql::exec(m_db,
                      QStringLiteral("INSERT INTO job_version_files (job_version_id, path, "
                                     "blob_sha256, executable, position) VALUES (?, ?, ?, ?, ?)"),
                      { versionId, f.path, sha, f.executable ? 1 : 0, i });
        }
        m_summary.versions.append({ m_project, QStringLiteral("job"), job.name, number, true });
        Deployments::deployImported(m_db, target(ReleaseKind::Job, jobId, job.name), versionId,
                                    number, m_actor, m_now);
        audit(QStringLiteral("job.version.create"), QStringLiteral("job_version"), versionId,
              m_project + QLatin1Char('/') + job.name,
              number > 1 ? QJsonObject { { QStringLiteral("version"), number - 1 } }
                         : QJsonObject {},
              { { QStringLiteral("version"), number }, { QStringLiteral("hash"), hash } });
        return versionId;
    }

    void applyPipeline(const PipelineSpec &pipeline, const QHash<QString, QString> &jobHashes,
                       const QHash<QString, qint64> &jobVersionIds)
    {
        const qint64 pipelineId = upsertNamed(QStringLiteral("pipelines"), pipeline.name);
        const QString hash = pipelineContentHash(pipeline, jobHashes);
        const QString fullName = m_project + QLatin1Char('/') + pipeline.name;

        QSqlQuery latest = Sql::exec(m_db,
                                     QStringLiteral("SELECT number, content_hash FROM "
                                                    "pipeline_versions WHERE pipeline_id = ? ORDER "
                                                    "BY number DESC LIMIT 1"),
                                     { pipelineId });
        int number = 0;
        bool unchanged = false;
        if (latest.next()) {
            number = latest.value(0).toInt();
            unchanged = latest.value(1).toString() == hash;
        }
        if (unchanged) {
            m_summary.versions.append(
                { m_project, QStringLiteral("pipeline"), pipeline.name, number, false });
        } else {
            ++number;
            const qint64 versionId
                = ProjectWriter::insertPipelineVersion(m_db, m_projectId, pipelineId, number, hash,
                                                       pipeline, jobVersionIds, m_actor, m_now);
            m_summary.versions.append(
                { m_project, QStringLiteral("pipeline"), pipeline.name, number, true });
            Deployments::deployImported(m_db,
                                        target(ReleaseKind::Pipeline, pipelineId, pipeline.name),
                                        versionId, number, m_actor, m_now);
            audit(QStringLiteral("pipeline.version.create"), QStringLiteral("pipeline_version"),
                  versionId, fullName,
                  number > 1 ? QJsonObject { { QStringLiteral("version"), number - 1 } }
                             : QJsonObject {},
                  { { QStringLiteral("version"), number }, { QStringLiteral("hash"), hash } });
        }
        syncSchedule(pipeline, pipelineId, fullName);
        syncVariables(pipeline.variables, QStringLiteral("pipeline"), pipelineId,
                      QStringLiteral("pipeline"), fullName);
    }

    void syncSchedule(const PipelineSpec &pipeline, qint64 pipelineId, const QString &fullName)
    {
        QSqlQuery q = Sql::exec(m_db,
                                QStringLiteral("SELECT id, cron, timezone, misfire FROM schedules "
                                               "WHERE pipeline_id = ? ORDER BY id"),
                                { pipelineId });
        qint64 scheduleId = 0;
        QJsonObject before;
        if (q.next()) {
            scheduleId = q.value(0).toLongLong();
            before = { { QStringLiteral("cron"), q.value(1).toString() },
                       { QStringLiteral("timezone"), q.value(2).toString() },
                       { QStringLiteral("misfire"), q.value(3).toString() } };
        }
        const QString misfire
            = pipeline.misfire.isEmpty() ? QStringLiteral("run_once") : pipeline.misfire;
        if (pipeline.schedule.isEmpty()) {
            if (scheduleId != 0) {
                Sql::exec(m_db, QStringLiteral("DELETE FROM schedules WHERE pipeline_id = ?"),
                          { pipelineId });
                audit(QStringLiteral("schedule.delete"), QStringLiteral("schedule"), scheduleId,
                      fullName, before, {});
            }
            return;
        }
        const QJsonObject after { { QStringLiteral("cron"), pipeline.schedule },
                                  { QStringLiteral("timezone"), pipeline.timezone },
                                  { QStringLiteral("misfire"), misfire } };
        if (before == after)
            return;
        if (scheduleId == 0) {
            scheduleId = Sql::insert(
                m_db,
                QStringLiteral("INSERT INTO schedules (pipeline_id, cron, "
                               "timezone, misfire, created_at, updated_at) "
                               "VALUES (?, ?, ?, ?, ?, ?) RETURNING id"),
                { pipelineId, pipeline.schedule, pipeline.timezone, misfire, m_now, m_now });
        } else {
            // Keeps paused and last_fire_at: changing the expression must not refire the past.
            Sql::exec(m_db,
                      QStringLiteral("UPDATE schedules SET cron = ?, timezone = ?, misfire = ?, "
                                     "updated_at = ? WHERE id = ?"),
                      { pipeline.schedule, pipeline.timezone, misfire, m_now, scheduleId });
        }
        audit(QStringLiteral("schedule.update"), QStringLiteral("schedule"), scheduleId, fullName,
              before, after);
    }

    QSqlDatabase &m_db;
    QString m_actor;
    ImportSummary &m_summary;
    qint64 m_now;
    QString m_project;
    qint64 m_projectId = 0;
    QHash<QString, qint64> m_environmentIds;
};

} // namespace

qint64 ProjectWriter::insertPipelineVersion(QSqlDatabase &db, qint64 projectId, qint64 pipelineId,
                                            int number, const QString &hash,
                                            const PipelineSpec &pipeline,
                                            const QHash<QString, qint64> &jobVersionIds,
                                            const QString &actor, qint64 now)
{
    const qint64 versionId = Sql::insert(
        db,
        QStringLiteral("INSERT INTO pipeline_versions (pipeline_id, number, content_hash, "
                       "description, max_parallel, release_note, author, created_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
        { pipelineId, number, hash, pipeline.description, pipeline.maxParallel,
          pipeline.releaseNote, actor, now });
    QHash<QString, qint64> taskIds;
    for (int i = 0; i < pipeline.tasks.size(); ++i) {
        const TaskSpec &t = pipeline.tasks.at(i);
        const qint64 jobId
            = Sql::scalar(db,
                          QStringLiteral("SELECT id FROM jobs WHERE project_id = ? AND name = ?"),
                          { projectId, t.job })
                  .toLongLong();
        taskIds.insert(t.name,
                       Sql::insert(db,
                                   QStringLiteral("INSERT INTO pipeline_tasks "
                                                  "(pipeline_version_id, name, job_id, "
                                                  "job_version_id, position, settings) "
                                                  "VALUES (?, ?, ?, ?, ?, ?) RETURNING id"),
                                   { versionId, t.name, jobId, jobVersionIds.value(t.job), i,
                                     compact(toJson(t.settings)) }));
    }
    int edgePosition = 0;
    for (const TaskSpec &t : pipeline.tasks) {
        for (const DependencySpec &d : t.after) {
            Sql::exec(db,
                      QStringLiteral("INSERT INTO pipeline_edges (pipeline_version_id, "
                                     "from_task_id, to_task_id, condition, position) "
                                     "VALUES (?, ?, ?, ?, ?)"),
                      { versionId, taskIds.value(d.task), taskIds.value(t.name),
                        toString(d.condition), edgePosition++ });
        }
    }
    return versionId;
}

ImportSummary ProjectWriter::apply(const Store &store, const QList<ProjectSpec> &projects,
                                   const QString &actor)
{
    ImportSummary summary;
    store.transaction([&](QSqlDatabase &db) {
        Writer writer(db, actor, summary);
        for (const ProjectSpec &spec : projects)
            writer.apply(spec);
    });
    return summary;
}

} // namespace Baton
