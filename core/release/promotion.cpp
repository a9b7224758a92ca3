#include "promotion.h"

#include "access/auditlog.h"
#include "access/roles.h"
#include "engine/variableresolver.h"
#include "model/runstate.h"
#include "rewriterules.h"
#include "runtimecatalog.h"
#include "store/sql.h"
#include "store/store.h"
#include "util/error.h"
#include "versions.h"

#include <QDateTime>
#include <QJsonArray>
#include <QMap>

namespace Baton {

namespace {

qint64 nowMs()
{
    return QDateTime::currentMSecsSinceEpoch();
}

QString v(int n)
{
    return n ? QStringLiteral("v%1").arg(n) : QStringLiteral("nothing");
}

QString gateStateText(PromotionGate::State s)
{
    switch (s) {
    case PromotionGate::State::Passed:
        return QStringLiteral("passed");
    case PromotionGate::State::Failed:
        return QStringLiteral("failed");
    case PromotionGate::State::Pending:
        return QStringLiteral("pending");
    }
    return {};
}

const QString kTerminalStates = sqlStateList(isTerminal);

/// The last finished run of the version in the environment (pipelines: the run; jobs: the
/// task run of that job version).
PromotionGate sourceRunGate(const QSqlDatabase &db, const PromotionPlan &p)
{
    PromotionGate g { QStringLiteral("source_run"),
                      QStringLiteral("Last run in %1 succeeded").arg(p.from.name),
                      PromotionGate::State::Failed,
                      {} };
    QSqlQuery q = p.target.kind == ReleaseKind::Pipeline
        ? Sql::exec(db,
                    QStringLiteral("SELECT id, state, COALESCE(finished_at, 0) FROM runs WHERE "
                                   "pipeline_version_id = ? AND environment_id = ? AND state IN ")
                        + kTerminalStates + QStringLiteral(" ORDER BY id DESC LIMIT 1"),
                    { p.versionId, p.from.id })
        : Sql::exec(db,
                    QStringLiteral("SELECT r.id, tr.state, COALESCE(tr.finished_at, 0) FROM "
                                   "task_runs tr JOIN runs r ON r.id = tr.run_id WHERE "
                                   "tr.job_version_id = ? AND r.environment_id = ? AND tr.state "
                                   "IN ")
                        + kTerminalStates + QStringLiteral(" ORDER BY tr.id DESC LIMIT 1"),
                    { p.versionId, p.from.id });
    if (!q.next()) {
        g.why = QStringLiteral("%1 has not run in %2 yet: run it there first")
                    .arg(v(p.version), p.from.name);
        return g;
    }
    const qint64 run = q.value(0).toLongLong();
    const QString state = q.value(1).toString();
    const QString when = QDateTime::fromMSecsSinceEpoch(q.value(2).toLongLong())
                             .toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    if (state == QLatin1String("succeeded")) {
        g.state = PromotionGate::State::Passed;
        g.why = QStringLiteral("run %1 of %2 succeeded in %3 (%4)")
                    .arg(run)
                    .arg(v(p.version), p.from.name, when);
    } else {
        g.why = QStringLiteral("the last run of %1 in %2 (run %3, %4) ended %5")
                    .arg(v(p.version), p.from.name)
                    .arg(run)
                    .arg(when, stateLabel(state));
    }
    return g;
}

/// job name → job version id a promotion of the plan's version deploys.
QMap<QString, qint64> jobVersionsOf(const QSqlDatabase &db, const ReleaseTarget &target,
                                    qint64 versionId)
{
    QMap<QString, qint64> jobs;
    if (target.kind == ReleaseKind::Job) {
        jobs.insert(target.name, versionId);
    } else {
        const auto pins = Versions::pinnedJobVersions(db, versionId);
        for (auto it = pins.constBegin(); it != pins.constEnd(); ++it)
            jobs.insert(it.key(), it.value());
    }
    return jobs;
}

PromotionGate runtimesGate(const QSqlDatabase &db, const PromotionPlan &p)
{
    PromotionGate g {
        QStringLiteral("runtimes"),
        QStringLiteral("Runtimes exist on %1's executor (%2)").arg(p.to.name, p.to.executor),
        PromotionGate::State::Passed,
        {}
    };
    QStringList ok, missing, warnings;
    const QMap<QString, qint64> jobs = jobVersionsOf(db, p.target, p.versionId);
    for (auto it = jobs.constBegin(); it != jobs.constEnd(); ++it) {
        QSqlQuery q = Sql::exec(db,
                                QStringLiteral("SELECT technology, runtime_version FROM "
                                               "job_versions WHERE id = ?"),
                                { it.value() });
        if (!q.next())
            continue;
        const RuntimeCheck c = RuntimeCatalog::check(db, p.to.executor, q.value(0).toString(),
                                                     q.value(1).toString());
        switch (c.status) {
        case RuntimeCheck::Status::Unpinned:
            break;
        case RuntimeCheck::Status::Missing:
            missing << QStringLiteral("%1 needs %2").arg(it.key(), c.why);
            break;
        case RuntimeCheck::Status::Deprecated:
            warnings << QStringLiteral("%1: %2").arg(it.key(), c.why);
            break;
        case RuntimeCheck::Status::Ok:
            if (!ok.contains(c.why))
                ok << c.why;
            break;
        }
    }
    if (!missing.isEmpty()) {
        g.state = PromotionGate::State::Failed;
        g.why = missing.join(QStringLiteral("; "));
        return g;
    }
    g.why = ok.isEmpty() && warnings.isEmpty()
        ? QStringLiteral("no runtime pinned")
        : QStringLiteral("present: %1").arg((ok + warnings).join(QStringLiteral("; ")));
    return g;
}

QList<RewriteRule> currentRewrites(const QSqlDatabase &db, const ReleaseTarget &target,
                                   qint64 environmentId)
{
    return RewriteRules::fromJsonText(Deployments::current(db, target, environmentId).rewrites);
}

void fillVariablesAndRewrites(const QSqlDatabase &db, PromotionPlan &p)
{
    const qint64 pipelineId = p.target.kind == ReleaseKind::Pipeline ? p.target.id : 0;
    QList<ResolvedVariable> source
        = VariableResolver::resolve(db, p.target.projectId, p.from.id, pipelineId, {});
    RewriteRules::applyToVariables(currentRewrites(db, p.target, p.from.id), source);
    const QList<ResolvedVariable> targetPlain
        = VariableResolver::resolve(db, p.target.projectId, p.to.id, pipelineId, {});
    QList<ResolvedVariable> target = targetPlain;
    const QList<RewriteRule> rules = RewriteRules::fromJsonText(p.to.rewrites);
    RewriteRules::applyToVariables(rules, target);

    QMap<QString, ResolvedVariable> a, b;
    for (const ResolvedVariable &x : source)
        a.insert(x.name, x);
    for (const ResolvedVariable &x : target)
        b.insert(x.name, x);
    QStringList names = a.keys();
    for (const QString &n : b.keys()) {
        if (!a.contains(n))
            names << n;
    }
    std::sort(names.begin(), names.end());
    for (const QString &n : names) {
        const auto x = a.constFind(n);
        const auto y = b.constFind(n);
        const bool hasX = x != a.constEnd();
        const bool hasY = y != b.constEnd();
        if (hasX && hasY && x->value == y->value)
            continue;
        VariableDifference d;
        d.name = n;
        d.secret = (hasX && x->secret) || (hasY && y->secret);
        const auto shown = [&](bool has, const ResolvedVariable &r) {
            if (!has)
                return QStringLiteral("(unset)");
            return r.secret || d.secret ? QStringLiteral("***") : r.value;
        };
        d.source = shown(hasX, hasX ? *x : ResolvedVariable {});
        d.target = shown(hasY, hasY ? *y : ResolvedVariable {});
        d.rewritten = hasY && y->scope == QLatin1String("rewrite");
        p.variables << d;
    }

    // The rules' effect, against what the target would have without them.
    QMap<QString, ResolvedVariable> plain;
    for (const ResolvedVariable &x : targetPlain)
        plain.insert(x.name, x);
    const QMap<QString, qint64> jobs = jobVersionsOf(db, p.target, p.versionId);
    for (const RewriteRule &r : rules) {
        if (!r.variable.isEmpty()) {
            const auto x = plain.constFind(r.variable);
            const bool secret = x != plain.constEnd() && x->secret;
            p.rewrites << RewriteEffect { RewriteRules::describe(r),
                                          QStringLiteral("variable %1").arg(r.variable),
                                          x == plain.constEnd()
                                              ? QStringLiteral("(unset)")
                                              : (secret ? QStringLiteral("***") : x->value),
                                          r.value };
            continue;
        }
        for (auto it = jobs.constBegin(); it != jobs.constEnd(); ++it) {
            if (!r.job.isEmpty() && r.job != it.key())
                continue;
            const JobSpec job = Versions::jobSpec(db, it.value());
            QString before;
            if (r.setting == QLatin1String("retries") && job.settings.retries)
                before = QString::number(*job.settings.retries);
            else if (r.setting == QLatin1String("timeout") && job.settings.timeoutSeconds)
                before = formatDuration(*job.settings.timeoutSeconds);
            else if (r.setting == QLatin1String("retry_delay") && job.settings.retryDelaySeconds)
                before = formatDuration(*job.settings.retryDelaySeconds);
            p.rewrites << RewriteEffect { RewriteRules::describe(r),
                                          QStringLiteral("%1 of %2").arg(r.setting, it.key()),
                                          before.isEmpty() ? QStringLiteral("(unset)") : before,
                                          r.value };
        }
    }
}

qint64 pendingRequest(const QSqlDatabase &db, const ReleaseTarget &target, qint64 envId)
{
    return Sql::scalar(db,
                       QStringLiteral("SELECT id FROM promotion_requests WHERE state = 'pending' "
                                      "AND %1 = ? AND to_environment_id = ? ORDER BY id LIMIT 1")
                           .arg(target.idColumn()),
                       { target.id, envId })
        .toLongLong();
}

/// The plan, read inside whatever transaction the caller holds. @p requestId: the request
/// being approved (its own pending state is not a conflict, and approval is being given).
PromotionPlan buildPlan(const QSqlDatabase &db, const ReleaseTarget &target,
                        const QString &toEnvironment, int version, const QString &actor,
                        qint64 requestId = 0, qint64 fixedVersionId = 0)
{
    PromotionPlan p;
    p.target = target;
    p.actor = actor;
    const QList<EnvironmentRef> path = promotionPath(db, target.projectId);
    int index = -1;
    QStringList names;
    for (int i = 0; i < path.size(); ++i) {
        names << path[i].name;
        if (path[i].name == toEnvironment)
            index = i;
    }
    if (index < 0) {
        throw Error(QStringLiteral("project '%1' has no environment '%2' (its path: %3)")
                        .arg(target.project, toEnvironment, names.join(QStringLiteral(" → "))));
    }
    if (index == 0) {
        throw Error(QStringLiteral("%1 is the first environment of %2's path: versions enter it "
                                   "by import, and are promoted from there")
                        .arg(toEnvironment, target.project));
    }
    p.from = path[index - 1];
    p.to = path[index];

    if (fixedVersionId) {
        p.versionId = fixedVersionId;
        p.version = Versions::numberOf(db, target, fixedVersionId);
    } else if (version > 0) {
        p.versionId = Versions::idOf(db, target, version);
        p.version = version;
    } else {
        const DeploymentRecord source = Deployments::current(db, target, p.from.id);
        if (source.id == 0) {
            throw Error(QStringLiteral("%1 %2 is not deployed in %3: nothing to promote to %4")
                            .arg(toString(target.kind), target.fullName(), p.from.name, p.to.name));
        }
        p.versionId = source.versionId;
        p.version = source.version;
    }
    QSqlQuery info = Sql::exec(db,
                               QStringLiteral("SELECT release_note, author FROM %1 WHERE id = ?")
                                   .arg(target.versionTable()),
                               { p.versionId });
    if (info.next()) {
        p.releaseNote = info.value(0).toString();
        p.author = info.value(1).toString();
    }
    const DeploymentRecord current = Deployments::current(db, target, p.to.id);
    p.currentVersionId = current.versionId;
    p.currentVersion = current.version;
    p.diff = VersionDiff::compute(db, target, p.currentVersionId, p.versionId);
    fillVariablesAndRewrites(db, p);
    p.needsApproval = p.to.approvalRequired;

    const bool manager = Roles::has(db, actor, QLatin1String(Roles::ReleaseManager));
    p.gates << PromotionGate {
        QStringLiteral("permission"), QStringLiteral("%1 is a release manager").arg(actor),
        manager ? PromotionGate::State::Passed : PromotionGate::State::Failed,
        manager ? QStringLiteral("%1 has the release_manager role").arg(actor)
                : QStringLiteral("%1 lacks the release_manager role (an "
                                 "admin grants it: baton roles %1 "
                                 "release_manager)")
                      .arg(actor)
    };
    const bool same = p.currentVersionId == p.versionId;
    p.gates << PromotionGate {
        QStringLiteral("change"),
        QStringLiteral("%1 does not run %2 yet").arg(p.to.name, v(p.version)),
        same ? PromotionGate::State::Failed : PromotionGate::State::Passed,
        same ? QStringLiteral("%1 already runs %2").arg(p.to.name, v(p.version))
             : QStringLiteral("%1 runs %2 now").arg(p.to.name, v(p.currentVersion))
    };
    p.pendingRequestId = pendingRequest(db, target, p.to.id);
    if (p.pendingRequestId != 0 && p.pendingRequestId != requestId) {
        const PromotionRequest other = Promotion::request(db, p.pendingRequestId);
        p.gates << PromotionGate {
            QStringLiteral("pending"), QStringLiteral("No other request waiting"),
            PromotionGate::State::Failed,
            QStringLiteral("request %1 (v%2 by %3) already waits for approval into %4: approve "
                           "or reject it first")
                .arg(other.id)
                .arg(other.version)
                .arg(other.requestedBy, p.to.name)
        };
    }
    p.gates << sourceRunGate(db, p);
    p.gates << runtimesGate(db, p);
    if (!p.needsApproval) {
        p.gates << PromotionGate { QStringLiteral("approval"), QStringLiteral("Approval"),
                                   PromotionGate::State::Passed,
                                   QStringLiteral("%1 has no approval policy").arg(p.to.name) };
    } else if (requestId != 0) {
        p.gates << PromotionGate { QStringLiteral("approval"),
                                   QStringLiteral("Approved by a second release manager"),
                                   PromotionGate::State::Passed,
                                   QStringLiteral("approved by %1").arg(actor) };
    } else {
        p.gates << PromotionGate { QStringLiteral("approval"),
                                   QStringLiteral("Approved by a second release manager"),
                                   PromotionGate::State::Pending,
                                   QStringLiteral("%1 needs the approval of another release "
                                                  "manager: this files a request")
                                       .arg(p.to.name) };
    }
    return p;
}

void audit(const QSqlDatabase &db, const QString &actor, const QString &action,
           const PromotionPlan &p, const QString &details, qint64 requestId = 0)
{
    AuditEvent e;
    e.actor = actor;
    e.action = action;
    e.objectKind = toString(p.target.kind);
    e.objectId = p.target.id;
    e.objectName = p.target.fullName();
    e.before = { { QStringLiteral("environment"), p.to.name },
                 { QStringLiteral("version"), p.currentVersion } };
    QJsonObject after { { QStringLiteral("environment"), p.to.name },
                        { QStringLiteral("version"), p.version },
                        { QStringLiteral("from_environment"), p.from.name } };
    if (requestId)
        after.insert(QStringLiteral("request"), requestId);
    e.after = after;
    e.details = details;
    AuditLog::record(db, e);
}

/// Writes the deployment (and for a pipeline, its pinned job versions) into the target.
qint64 deploy(const QSqlDatabase &db, const PromotionPlan &p, const QString &actor,
              const QString &kind, qint64 requestId, QStringList *carried)
{
    const qint64 at = nowMs();
    const qint64 id = Deployments::record(db, p.target, p.versionId, p.to.id, kind, actor, at,
                                          p.to.rewrites, requestId);
    if (p.target.kind == ReleaseKind::Pipeline) {
        const auto pins = Versions::pinnedJobVersions(db, p.versionId);
        for (auto it = pins.constBegin(); it != pins.constEnd(); ++it) {
            ReleaseTarget job
                = ReleaseTarget::resolve(db, p.target.project, it.key(), QStringLiteral("job"));
            if (Deployments::current(db, job, p.to.id).versionId == it.value())
                continue;
            Deployments::record(db, job, it.value(), p.to.id, kind, actor, at, p.to.rewrites,
                                requestId);
            if (carried)
                *carried << QStringLiteral("%1 v%2").arg(it.key()).arg(
                    Versions::numberOf(db, job, it.value()));
        }
    }
    return id;
}

void throwIfBlocked(const PromotionPlan &p, const QString &what)
{
    if (!p.blocked())
        return;
    throw Error(QStringLiteral("%1 %2 v%3 to %4 is blocked: %5")
                    .arg(what, p.target.fullName())
                    .arg(p.version)
                    .arg(p.to.name, p.blockers().join(QStringLiteral("; "))));
}

} // namespace

bool PromotionPlan::blocked() const
{
    return std::any_of(gates.begin(), gates.end(), [](const PromotionGate &g) {
        return g.state == PromotionGate::State::Failed;
    });
}

QStringList PromotionPlan::blockers() const
{
    QStringList list;
    for (const PromotionGate &g : gates) {
        if (g.state == PromotionGate::State::Failed)
            list << g.why;
    }
    return list;
}

const PromotionGate *PromotionPlan::gate(const QString &id) const
{
    for (const PromotionGate &g : gates) {
        if (g.id == id)
            return &g;
    }
    return nullptr;
}

QJsonObject PromotionPlan::toJson() const
{
    QJsonArray gateArray;
    for (const PromotionGate &g : gates)
        gateArray.append(QJsonObject { { QStringLiteral("id"), g.id },
                                       { QStringLiteral("title"), g.title },
                                       { QStringLiteral("state"), gateStateText(g.state) },
                                       { QStringLiteral("why"), g.why } });
    QJsonArray vars;
    for (const VariableDifference &d : variables)
        vars.append(QJsonObject { { QStringLiteral("name"), d.name },
                                  { QStringLiteral("source"), d.source },
                                  { QStringLiteral("target"), d.target },
                                  { QStringLiteral("secret"), d.secret },
                                  { QStringLiteral("rewritten"), d.rewritten } });
    QJsonArray rw;
    for (const RewriteEffect &r : rewrites)
        rw.append(QJsonObject { { QStringLiteral("rule"), r.rule },
                                { QStringLiteral("subject"), r.subject },
                                { QStringLiteral("before"), r.before },
                                { QStringLiteral("after"), r.after } });
    return { { QStringLiteral("kind"), toString(target.kind) },
             { QStringLiteral("target"), target.fullName() },
             { QStringLiteral("from"), from.name },
             { QStringLiteral("to"), to.name },
             { QStringLiteral("version"), version },
             { QStringLiteral("current_version"), currentVersion },
             { QStringLiteral("release_note"), releaseNote },
             { QStringLiteral("needs_approval"), needsApproval },
             { QStringLiteral("blocked"), blocked() },
             { QStringLiteral("gates"), gateArray },
             { QStringLiteral("variables"), vars },
             { QStringLiteral("rewrites"), rw },
             { QStringLiteral("diff"), diff.toJson() } };
}

QStringList PromotionPlan::toLines() const
{
    QStringList lines;
    lines << QStringLiteral("%1 %2: %3 → %4, %5 → %6")
                 .arg(toString(target.kind), target.fullName(), from.name, to.name,
                      v(currentVersion), v(version));
    if (!releaseNote.isEmpty())
        lines << QStringLiteral("  release note: %1").arg(releaseNote);
    lines << QStringLiteral("gates:");
    for (const PromotionGate &g : gates) {
        const QString mark = g.state == PromotionGate::State::Passed
            ? QStringLiteral("✓")
            : (g.state == PromotionGate::State::Failed ? QStringLiteral("✗") : QStringLiteral("…"));
        lines << QStringLiteral("  %1 %2: %3").arg(mark, g.title, g.why);
    }
    if (!variables.isEmpty()) {
        lines << QStringLiteral("variables that differ (%1 → %2):").arg(from.name, to.name);
        for (const VariableDifference &d : variables) {
            lines << QStringLiteral("  %1: %2 → %3%4")
                         .arg(d.name, d.source, d.target,
                              d.rewritten ? QStringLiteral(" (rewrite rule)") : QString());
        }
    }
    if (!rewrites.isEmpty()) {
        lines << QStringLiteral("rewrite rules of %1:").arg(to.name);
        for (const RewriteEffect &r : rewrites)
            lines << QStringLiteral("  %1: %2 → %3").arg(r.subject, r.before, r.after);
    }
    lines << QStringLiteral("changes:");
    const QStringList d = diff.toLines();
    for (qsizetype i = 1; i < d.size(); ++i)
        lines << d[i];
    return lines;
}

PromotionPlan Promotion::plan(const Store &store, const ReleaseTarget &target,
                              const QString &toEnvironment, int version, const QString &actor)
{
    RuntimeCatalog::ensureDetected(store, actor);
    return buildPlan(store.db(), target, toEnvironment, version, actor);
}

PromotionOutcome Promotion::promote(const Store &store, const ReleaseTarget &target,
                                    const QString &toEnvironment, int version, const QString &actor,
                                    const QString &note)
{
    RuntimeCatalog::ensureDetected(store, actor);
    PromotionOutcome outcome;
    store.transaction([&](QSqlDatabase &db) {
        // Planned again under the write lock: what was previewed may have changed.
        PromotionPlan p = buildPlan(db, target, toEnvironment, version, actor);
        throwIfBlocked(p, QStringLiteral("promoting"));
        if (p.needsApproval) {
            outcome.requestId = Sql::insert(
                db,
                QStringLiteral("INSERT INTO promotion_requests (project_id, %1, %2, "
                               "from_environment_id, to_environment_id, requested_by, "
                               "requested_at, note) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id")
                    .arg(target.idColumn(), target.versionColumn()),
                { target.projectId, target.id, p.versionId, p.from.id, p.to.id, actor, nowMs(),
                  note });
            audit(db, actor, QStringLiteral("release.request"), p,
                  note.isEmpty() ? QStringLiteral("waiting for a second release manager") : note,
                  outcome.requestId);
        } else {
            QStringList carried;
            outcome.deploymentId = deploy(db, p, actor, QStringLiteral("promote"), 0, &carried);
            outcome.promoted = true;
            audit(db, actor, QStringLiteral("release.promote"), p,
                  carried.isEmpty()
                      ? note
                      : QStringLiteral("with %1").arg(carried.join(QStringLiteral(", "))));
        }
        outcome.plan = p;
    });
    return outcome;
}

namespace {

// The plan approving request @p r carries out, read inside the caller's transaction.
PromotionPlan approvalPlan(const QSqlDatabase &db, const PromotionRequest &r, const QString &actor)
{
    const ReleaseTarget target = ReleaseTarget::resolve(db, r.project, r.name, toString(r.kind));
    const qint64 versionId = Sql::scalar(db,
                                         QStringLiteral("SELECT %1 FROM promotion_requests "
                                                        "WHERE id = ?")
                                             .arg(target.versionColumn()),
                                         { r.id })
                                 .toLongLong();
    return buildPlan(db, target, r.to, 0, actor, r.id, versionId);
}

} // namespace

QString Promotion::whyCannotApprove(const PromotionRequest &r, const QString &actor)
{
    if (r.state != QLatin1String("pending"))
        return QStringLiteral("request %1 is already %2 (by %3)")
            .arg(r.id)
            .arg(r.state, r.decidedBy);
    if (r.requestedBy == actor) {
        return QStringLiteral("%1 cannot approve request %2: it is their own; a second "
                              "release manager must approve it")
            .arg(actor)
            .arg(r.id);
    }
    return {};
}

PromotionPlan Promotion::planApproval(const Store &store, qint64 requestId, const QString &actor)
{
    RuntimeCatalog::ensureDetected(store, actor);
    const QSqlDatabase db = store.db();
    const PromotionRequest r = request(db, requestId);
    PromotionPlan p = approvalPlan(db, r, actor);
    const QString why = whyCannotApprove(r, actor);
    for (PromotionGate &g : p.gates) {
        if (g.id != QLatin1String("approval"))
            continue;
        if (!why.isEmpty()) {
            g.state = PromotionGate::State::Failed;
            g.why = why;
        } else {
            g.why = QStringLiteral("requested by %1; approving it as %2").arg(r.requestedBy, actor);
        }
    }
    return p;
}

PromotionOutcome Promotion::approve(const Store &store, qint64 requestId, const QString &actor)
{
    RuntimeCatalog::ensureDetected(store, actor);
    PromotionOutcome outcome;
    store.transaction([&](QSqlDatabase &db) {
        const PromotionRequest r = request(db, requestId);
        if (r.state != QLatin1String("pending"))
            throw Error(whyCannotApprove(r, actor));
        Roles::require(db, actor, QLatin1String(Roles::ReleaseManager),
                       QStringLiteral("approve request %1").arg(requestId));
        if (const QString why = whyCannotApprove(r, actor); !why.isEmpty())
            throw Error(why);
        PromotionPlan p = approvalPlan(db, r, actor);
        throwIfBlocked(p, QStringLiteral("approving request %1: promoting").arg(requestId));
        Sql::exec(db,
                  QStringLiteral("UPDATE promotion_requests SET state = 'promoted', decided_by = "
                                 "?, decided_at = ? WHERE id = ?"),
                  { actor, nowMs(), requestId });
        audit(db, actor, QStringLiteral("release.approve"), p,
              QStringLiteral("requested by %1").arg(r.requestedBy), requestId);
        QStringList carried;
        outcome.deploymentId = deploy(db, p, actor, QStringLiteral("promote"), requestId, &carried);
        outcome.promoted = true;
        outcome.requestId = requestId;
        audit(db, actor, QStringLiteral("release.promote"), p,
              QStringLiteral("request %1 of %2, approved by %3%4")
                  .arg(requestId)
                  .arg(r.requestedBy, actor,
                       carried.isEmpty()
                           ? QString()
                           : QStringLiteral("; with %1").arg(carried.join(QStringLiteral(", ")))),
              requestId);
        outcome.plan = p;
    });
    return outcome;
}

void Promotion::reject(const Store &store, qint64 requestId, const QString &actor,
                       const QString &reason)
{
    if (reason.trimmed().isEmpty())
        throw Error(QStringLiteral("rejecting request %1 needs a reason").arg(requestId));
    store.transaction([&](QSqlDatabase &db) {
        const PromotionRequest r = request(db, requestId);
        if (r.state != QLatin1String("pending")) {
            throw Error(QStringLiteral("request %1 is already %2 (by %3)")
                            .arg(requestId)
                            .arg(r.state, r.decidedBy));
        }
        Roles::require(db, actor, QLatin1String(Roles::ReleaseManager),
                       QStringLiteral("reject request %1").arg(requestId));
        Sql::exec(db,
                  QStringLiteral("UPDATE promotion_requests SET state = 'rejected', decided_by = "
                                 "?, decided_at = ?, reason = ? WHERE id = ?"),
                  { actor, nowMs(), reason, requestId });
        AuditEvent e;
        e.actor = actor;
        e.action = QStringLiteral("release.reject");
        e.objectKind = toString(r.kind);
        e.objectName = r.fullName();
        e.after = { { QStringLiteral("environment"), r.to },
                    { QStringLiteral("version"), r.version },
                    { QStringLiteral("request"), requestId } };
        e.details = QStringLiteral("request of %1: %2").arg(r.requestedBy, reason);
        AuditLog::record(db, e);
    });
}

RollbackPlan Promotion::rollbackPlan(const QSqlDatabase &db, const ReleaseTarget &target,
                                     const QString &environment)
{
    RollbackPlan plan;
    plan.target = target;
    plan.environment = environmentNamed(db, target.projectId, target.project, environment);
    const QList<DeploymentRecord> history
        = Deployments::history(db, target, plan.environment.id, 1000);
    if (history.isEmpty()) {
        plan.why = QStringLiteral("%1 is not deployed in %2").arg(target.fullName(), environment);
        return plan;
    }
    plan.current = history.first();
    for (const DeploymentRecord &d : history) {
        if (d.versionId != plan.current.versionId) {
            plan.previous = d;
            return plan;
        }
    }
    plan.why = QStringLiteral("nothing to roll back to: %1 has only ever run v%2 in %3")
                   .arg(target.fullName())
                   .arg(plan.current.version)
                   .arg(environment);
    return plan;
}

RollbackPlan Promotion::rollback(const Store &store, const ReleaseTarget &target,
                                 const QString &environment, const QString &actor)
{
    RollbackPlan plan;
    store.transaction([&](QSqlDatabase &db) {
        Roles::require(db, actor, QLatin1String(Roles::ReleaseManager),
                       QStringLiteral("roll back %1 in %2").arg(target.fullName(), environment));
        plan = rollbackPlan(db, target, environment);
        if (plan.previous.id == 0)
            throw Error(plan.why);
        PromotionPlan p;
        p.target = target;
        p.to = plan.environment;
        p.to.rewrites = plan.previous.rewrites; // what that version ran with
        p.from = plan.environment;
        p.versionId = plan.previous.versionId;
        p.version = plan.previous.version;
        p.currentVersion = plan.current.version;
        QStringList carried;
        deploy(db, p, actor, QStringLiteral("rollback"), 0, &carried);
        audit(db, actor, QStringLiteral("release.rollback"), p,
              QStringLiteral("back to the version deployed %1 by %2%3")
                  .arg(QDateTime::fromMSecsSinceEpoch(plan.previous.at)
                           .toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                       plan.previous.by,
                       carried.isEmpty()
                           ? QString()
                           : QStringLiteral("; with %1").arg(carried.join(QStringLiteral(", ")))));
    });
    return plan;
}

namespace {
const char *kRequestColumns
    = "SELECT r.id, CASE WHEN r.job_id IS NULL THEN 'pipeline' ELSE 'job' END, p.name, "
      "COALESCE(j.name, l.name), COALESCE(jv.number, pv.number), COALESCE(fe.name, ''), te.name, "
      "r.state, r.requested_by, r.requested_at, r.note, COALESCE(r.decided_by, ''), "
      "COALESCE(r.decided_at, 0), r.reason FROM promotion_requests r JOIN projects p ON p.id = "
      "r.project_id LEFT JOIN jobs j ON j.id = r.job_id LEFT JOIN job_versions jv ON jv.id = "
      "r.job_version_id LEFT JOIN pipelines l ON l.id = r.pipeline_id LEFT JOIN "
      "pipeline_versions pv ON pv.id = r.pipeline_version_id LEFT JOIN environments fe ON "
      "fe.id = r.from_environment_id JOIN environments te ON te.id = r.to_environment_id ";

PromotionRequest requestFrom(const QSqlQuery &q)
{
    PromotionRequest r;
    r.id = q.value(0).toLongLong();
    r.kind
        = q.value(1).toString() == QLatin1String("job") ? ReleaseKind::Job : ReleaseKind::Pipeline;
    r.project = q.value(2).toString();
    r.name = q.value(3).toString();
    r.version = q.value(4).toInt();
    r.from = q.value(5).toString();
    r.to = q.value(6).toString();
    r.state = q.value(7).toString();
    r.requestedBy = q.value(8).toString();
    r.requestedAt = q.value(9).toLongLong();
    r.note = q.value(10).toString();
    r.decidedBy = q.value(11).toString();
    r.decidedAt = q.value(12).toLongLong();
    r.reason = q.value(13).toString();
    return r;
}
} // namespace

QList<PromotionRequest> Promotion::requests(const QSqlDatabase &db, bool pendingOnly, int limit)
{
    QList<PromotionRequest> list;
    QSqlQuery q
        = Sql::exec(db,
                    QLatin1String(kRequestColumns)
                        + (pendingOnly ? QStringLiteral("WHERE r.state = 'pending' ") : QString())
                        + QStringLiteral("ORDER BY r.id DESC LIMIT ?"),
                    { limit });
    while (q.next())
        list << requestFrom(q);
    return list;
}

PromotionRequest Promotion::request(const QSqlDatabase &db, qint64 id)
{
    QSqlQuery q
        = Sql::exec(db, QLatin1String(kRequestColumns) + QStringLiteral("WHERE r.id = ?"), { id });
    if (!q.next())
        throw Error(QStringLiteral("no promotion request %1").arg(id));
    return requestFrom(q);
}

} // namespace Baton
