#include "pipelinesaver.h"

#include "access/auditlog.h"
#include "access/identity.h"
#include "catalog.h"
#include "graph/pipelinerules.h"
#include "projectwriter.h"
#include "release/contenthash.h"
#include "release/deployments.h"
#include "sql.h"
#include "store.h"
#include "util/error.h"

#include <QDateTime>

namespace Baton {

namespace {

void checkSettings(const PipelineSaveRequest &request, const QString &fullName)
{
    for (const TaskSpec &t : request.pipeline.tasks) {
        const RunSettings &s = t.settings;
        if ((s.retries && *s.retries < 0) || (s.retryDelaySeconds && *s.retryDelaySeconds < 0)
            || (s.timeoutSeconds && *s.timeoutSeconds <= 0)) {
            throw Error(QStringLiteral("cannot save %1: task '%2' has a negative retry count "
                                       "or delay, or a timeout that is not positive")
                            .arg(fullName, t.name));
        }
    }
    if (request.pipeline.maxParallel < 0)
        throw Error(QStringLiteral("cannot save %1: max_parallel must be 0 or more").arg(fullName));
}

} // namespace

PipelineSaveResult PipelineSaver::save(const Store &store, const PipelineSaveRequest &request)
{
    const QString fullName = request.project + QLatin1Char('/') + request.pipeline.name;
    const QString message = request.message.trimmed();
    if (message.isEmpty()) {
        throw Error(QStringLiteral("cannot save %1: a message is required (it becomes the new "
                                   "version's release note)")
                        .arg(fullName));
    }
    checkSettings(request, fullName);
    const QString actor = request.actor.isEmpty() ? currentUser() : request.actor;

    PipelineSaveResult result;
    store.transaction([&](QSqlDatabase &db) {
        const QVariant projectId = Sql::scalar(
            db, QStringLiteral("SELECT id FROM projects WHERE name = ?"), { request.project });
        if (!projectId.isValid())
            throw Error(QStringLiteral("cannot save %1: no project named '%2'")
                            .arg(fullName, request.project));

        PipelineInfo current;
        bool found = false;
        for (const PipelineInfo &p : Catalog::pipelines(db, request.project)) {
            if (p.name == request.pipeline.name) {
                current = p;
                found = true;
            }
        }
        if (!found)
            throw Error(QStringLiteral("cannot save %1: no such pipeline (archived or renamed?)")
                            .arg(fullName));
        if (current.version != request.baseVersion) {
            throw Error(QStringLiteral("cannot save %1: version %2 was stored by %3 since you "
                                       "opened version %4; reopen the pipeline and apply your "
                                       "changes again")
                            .arg(fullName)
                            .arg(current.version)
                            .arg(current.author)
                            .arg(request.baseVersion));
        }

        // The project's current jobs: what tasks may run, pinned at their latest versions.
        QHash<QString, QString> jobHashes;
        QHash<QString, qint64> jobVersionIds;
        QStringList jobNames;
        QSqlQuery jobs = Sql::exec(
            db,
            QStringLiteral("SELECT j.name, v.id, v.content_hash FROM jobs j JOIN job_versions v "
                           "ON v.job_id = j.id AND v.number = (SELECT MAX(number) FROM "
                           "job_versions WHERE job_id = j.id) WHERE j.project_id = ? AND "
                           "j.archived_at IS NULL ORDER BY j.name"),
            { projectId });
        while (jobs.next()) {
            jobNames << jobs.value(0).toString();
            jobVersionIds.insert(jobs.value(0).toString(), jobs.value(1).toLongLong());
            jobHashes.insert(jobs.value(0).toString(), jobs.value(2).toString());
        }

        const QList<PipelineIssue> issues
            = PipelineRules::check(request.pipeline.tasks, request.pipeline.name, jobNames);
        if (!issues.isEmpty()) {
            QStringList lines;
            for (const PipelineIssue &i : issues)
                lines << i.message;
            throw Error(QStringLiteral("cannot save %1: %2 problem(s):\n  %3")
                            .arg(fullName)
                            .arg(issues.size())
                            .arg(lines.join(QStringLiteral("\n  "))));
        }

        const PipelineSpec before = Catalog::pipelineSpec(current);
        PipelineSpec pipeline = request.pipeline;
        // Only the graph and its limits are the editor's; the rest stays as stored.
        pipeline.schedule = before.schedule;
        pipeline.timezone = before.timezone;
        pipeline.misfire = before.misfire;
        pipeline.releaseNote = message;
        const QString hash = pipelineContentHash(pipeline, jobHashes);
        if (hash == current.contentHash) {
            throw Error(QStringLiteral("nothing to save: %1 is the same as version %2")
                            .arg(fullName)
                            .arg(current.version));
        }

        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        result.version = current.version + 1;
        result.contentHash = hash;
        result.diff = diffPipelines(before, pipeline);
        const qint64 versionId = ProjectWriter::insertPipelineVersion(
            db, projectId.toLongLong(), current.id, result.version, hash, pipeline, jobVersionIds,
            actor, now);
        // Like an import: the new version enters the first environment and moves on by
        // promotion (the first version of a pipeline goes everywhere).
        ReleaseTarget target;
        target.kind = ReleaseKind::Pipeline;
        target.projectId = projectId.toLongLong();
        target.id = current.id;
        target.project = request.project;
        target.name = request.pipeline.name;
        Deployments::deployImported(db, target, versionId, result.version, actor, now);

        AuditEvent e;
        e.at = now;
        e.actor = actor;
        e.action = QStringLiteral("pipeline.version.create");
        e.objectKind = QStringLiteral("pipeline_version");
        e.objectId = versionId;
        e.objectName = fullName;
        e.before = { { QStringLiteral("version"), current.version },
                     { QStringLiteral("hash"), current.contentHash } };
        e.after = { { QStringLiteral("version"), result.version },
                    { QStringLiteral("hash"), hash },
                    { QStringLiteral("source"), QStringLiteral("editor") },
                    { QStringLiteral("message"), message } };
        e.details = result.diff.toLines().join(QLatin1Char('\n'));
        AuditLog::record(db, e);
    });
    return result;
}

} // namespace Baton
