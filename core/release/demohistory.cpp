#include "demohistory.h"

#include "access/auditlog.h"
#include "access/roles.h"
#include "deployments.h"
#include "runtimecatalog.h"
#include "store/catalog.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/store.h"
#include "util/error.h"
#include "versions.h"

#include <QDateTime>

namespace Baton {

namespace {

const QString kMaria = QStringLiteral("maria");
const QString kSam = QStringLiteral("sam");
const QString kSeed = QStringLiteral("demo history");

JobSpec *jobNamed(ProjectSpec &p, const QString &name)
{
    for (JobSpec &j : p.jobs) {
        if (j.name == name)
            return &j;
    }
    throw Error(QStringLiteral("demo: project %1 has no job %2").arg(p.name, name));
}

class Seeder
{
public:
    Seeder(QSqlDatabase &db, QStringList &log)
        : m_db(db)
        , m_log(log)
    { }

    /// Deploys the pipeline's latest version (and its pinned jobs) into @p env as a promotion.
    void promote(const ReleaseTarget &pipeline, const QString &env, const QString &by,
                 const QString &approver = {})
    {
        const EnvironmentRef to = environmentNamed(m_db, pipeline.projectId, pipeline.project, env);
        const qint64 versionId = Versions::latestId(m_db, pipeline);
        const int number = Versions::numberOf(m_db, pipeline, versionId);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const int before = Deployments::current(m_db, pipeline, to.id).version;
        qint64 requestId = 0;
        if (!approver.isEmpty()) {
            requestId = request(pipeline, versionId, to, by, QStringLiteral("promoted"), approver);
            audit(by, QStringLiteral("release.request"), pipeline, env, before, number, requestId,
                  kSeed);
            audit(approver, QStringLiteral("release.approve"), pipeline, env, before, number,
                  requestId, QStringLiteral("%1; requested by %2").arg(kSeed, by));
        }
        const QString actor = approver.isEmpty() ? by : approver;
        Deployments::record(m_db, pipeline, versionId, to.id, QStringLiteral("promote"), actor, now,
                            to.rewrites, requestId);
        const auto pins = Versions::pinnedJobVersions(m_db, versionId);
        for (auto it = pins.constBegin(); it != pins.constEnd(); ++it) {
            const ReleaseTarget job
                = ReleaseTarget::resolve(m_db, pipeline.project, it.key(), QStringLiteral("job"));
            if (Deployments::current(m_db, job, to.id).versionId != it.value())
                Deployments::record(m_db, job, it.value(), to.id, QStringLiteral("promote"), actor,
                                    now, to.rewrites, requestId);
        }
        audit(actor, QStringLiteral("release.promote"), pipeline, env, before, number, requestId,
              kSeed);
        m_log << QStringLiteral("  %1 v%2 promoted to %3")
                     .arg(pipeline.fullName())
                     .arg(number)
                     .arg(env);
    }

    void pending(const ReleaseTarget &pipeline, const QString &env, const QString &by,
                 const QString &note)
    {
        const EnvironmentRef to = environmentNamed(m_db, pipeline.projectId, pipeline.project, env);
        const qint64 versionId = Versions::latestId(m_db, pipeline);
        const int number = Versions::numberOf(m_db, pipeline, versionId);
        const qint64 id = request(pipeline, versionId, to, by, QStringLiteral("pending"), {}, note);
        audit(by, QStringLiteral("release.request"), pipeline, env,
              Deployments::current(m_db, pipeline, to.id).version, number, id,
              QStringLiteral("%1: %2").arg(kSeed, note));
        m_log << QStringLiteral("  %1 v%2 waits for approval into %3 (request %4)")
                     .arg(pipeline.fullName())
                     .arg(number)
                     .arg(env)
                     .arg(id);
    }

private:
    qint64 request(const ReleaseTarget &t, qint64 versionId, const EnvironmentRef &to,
                   const QString &by, const QString &state, const QString &decidedBy,
                   const QString &note = {})
    {
        const QList<EnvironmentRef> path = promotionPath(m_db, t.projectId);
        qint64 from = 0;
        for (int i = 1; i < path.size(); ++i) {
            if (path[i].id == to.id)
                from = path[i - 1].id;
        }
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        return Sql::insert(m_db,
                           QStringLiteral("INSERT INTO promotion_requests (project_id, "
                                          "pipeline_id, pipeline_version_id, from_environment_id, "
                                          "to_environment_id, state, requested_by, requested_at, "
                                          "note, decided_by, decided_at) VALUES (?, ?, ?, ?, ?, ?, "
                                          "?, ?, ?, ?, ?) RETURNING id"),
                           { t.projectId, t.id, versionId, Sql::nullable(from, from == 0), to.id,
                             state, by, now, note,
                             decidedBy.isEmpty() ? QVariant() : QVariant(decidedBy),
                             decidedBy.isEmpty() ? QVariant() : QVariant(now) });
    }

    void audit(const QString &actor, const QString &action, const ReleaseTarget &t,
               const QString &env, int before, int after, qint64 requestId, const QString &details)
    {
        AuditEvent e;
        e.actor = actor;
        e.action = action;
        e.objectKind = toString(t.kind);
        e.objectId = t.id;
        e.objectName = t.fullName();
        e.before
            = { { QStringLiteral("environment"), env }, { QStringLiteral("version"), before } };
        QJsonObject a { { QStringLiteral("environment"), env },
                        { QStringLiteral("version"), after } };
        if (requestId)
            a.insert(QStringLiteral("request"), requestId);
        e.after = a;
        e.details = details;
        AuditLog::record(m_db, e);
    }

    QSqlDatabase &m_db;
    QStringList &m_log;
};

} // namespace

QStringList DemoHistory::write(const Store &store, const QString &actor)
{
    // What it builds on is checked before anything is written: a workspace without the demo,
    // or an actor who may not seed it (its runtime deprecation needs an admin), is left as it
    // was.
    Roles::require(store.db(), actor, QLatin1String(Roles::Admin),
                   QStringLiteral("seed the demo history"));
    ProjectSpec churn = Catalog::projectSpec(store.db(), QStringLiteral("churn"));
    for (const QString &job :
         { QStringLiteral("extract"), QStringLiteral("train"), QStringLiteral("score") })
        jobNamed(churn, job);
    if (churn.pipelines.size() != 1 || churn.pipelines[0].name != QLatin1String("nightly"))
        throw Error(QStringLiteral("demo: project churn should have one pipeline, nightly"));

    QStringList log;
    log << QStringLiteral("demo release history:");
    store.transaction([&](QSqlDatabase &db) {
        Roles::grant(db, actor, kMaria, { QLatin1String(Roles::ReleaseManager) });
        Roles::grant(db, actor, kSam,
                     { QLatin1String(Roles::Steward), QLatin1String(Roles::ReleaseManager) });
    });
    log << QStringLiteral("  roles: maria and sam are release managers");

    // v2: a sturdier extract, promoted all the way to prod with sam's approval.
    JobSpec *extract = jobNamed(churn, QStringLiteral("extract"));
    extract->settings.retries = 3;
    extract->releaseNote
        = QStringLiteral("Retry extract 3 times: the source database drops connections at 02:00");
    churn.pipelines[0].releaseNote = QStringLiteral("Model v6, sturdier extract");
    ProjectWriter::apply(store, { churn }, kMaria);
    const ReleaseTarget nightly = ReleaseTarget::resolve(
        store.db(), QStringLiteral("churn/nightly"), QStringLiteral("pipeline"));
    store.transaction([&](QSqlDatabase &db) {
        Seeder s(db, log);
        s.promote(nightly, QStringLiteral("staging"), kMaria);
        s.promote(nightly, QStringLiteral("preprod"), kMaria);
        s.promote(nightly, QStringLiteral("prod"), kMaria, kSam);
    });

    // v3: model v7 with a lower decision threshold; up to preprod, prod waiting for approval.
    churn = Catalog::projectSpec(store.db(), QStringLiteral("churn"));
    JobSpec *train = jobNamed(churn, QStringLiteral("train"));
    train->command = QStringLiteral("MODEL_VERSION=v7 python3 train.py");
    train->releaseNote = QStringLiteral("Model v7: class-balanced training");
    JobSpec *score = jobNamed(churn, QStringLiteral("score"));
    score->command = QStringLiteral("DECISION_THRESHOLD=0.35 python3 score.py");
    score->releaseNote
        = QStringLiteral("Decision threshold 0.35 for model v7: reach more churners");
    churn.pipelines[0].releaseNote = QStringLiteral("Model v7 at threshold 0.35");
    ProjectWriter::apply(store, { churn }, kMaria);
    store.transaction([&](QSqlDatabase &db) {
        Seeder s(db, log);
        s.promote(nightly, QStringLiteral("staging"), kMaria);
        s.promote(nightly, QStringLiteral("preprod"), kMaria);
        s.pending(nightly, QStringLiteral("prod"), kMaria,
                  QStringLiteral("Model v7 for the retention campaign"));
    });

    RuntimeCatalog::ensureDetected(store, actor);
    // Python 3.11's end of life: the matrix warns ahead of it.
    RuntimeCatalog::deprecate(store, QStringLiteral("python"), QStringLiteral("3.11"),
                              QDate(2027, 10, 31), actor);
    log << QStringLiteral("  runtimes detected; python 3.11 deprecated from 2027-10-31");
    return log;
}

} // namespace Baton
