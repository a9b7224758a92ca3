#pragma once

#include "deployments.h"
#include "releasetarget.h"
#include "versiondiff.h"

#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>

namespace Baton {

class Store;

/// One check a promotion must pass, with why it passed or failed.
struct PromotionGate
{
    enum class State { Passed, Failed, Pending };
    QString id; ///< permission, change, pending, source_run, runtimes, approval
    QString title;
    State state = State::Passed;
    QString why;
};

/// A variable whose value differs between the source and the target environment (after the
/// target's rewrite rules). Secret values are never carried: they read "***".
struct VariableDifference
{
    QString name;
    QString source;
    QString target;
    bool secret = false;
    bool rewritten = false; ///< the target value comes from a rewrite rule
};

/// What one of the target environment's rewrite rules does to this promotion.
struct RewriteEffect
{
    QString rule; ///< RewriteRules::describe()
    QString subject; ///< "variable INPUT_ROWS", "timeout of train"
    QString before; ///< the value without the rule ("(unset)" when none)
    QString after;
};

/// Everything a release manager sees before confirming a promotion.
struct PromotionPlan
{
    ReleaseTarget target;
    EnvironmentRef from;
    EnvironmentRef to;
    qint64 versionId = 0;
    int version = 0;
    QString releaseNote;
    QString author;
    qint64 currentVersionId = 0; ///< what the target runs now (0: nothing)
    int currentVersion = 0;
    QString actor;
    VersionDiff diff; ///< what the target runs now → the promoted version
    QList<VariableDifference> variables;
    QList<RewriteEffect> rewrites;
    QList<PromotionGate> gates;
    bool needsApproval = false;
    qint64 pendingRequestId = 0;

    /// A gate failed: nothing can happen until it passes.
    bool blocked() const;
    QStringList blockers() const;
    /// The gate with @p id, or nullptr.
    const PromotionGate *gate(const QString &id) const;
    QJsonObject toJson() const;
    /// Readable lines: header, gates, variables, rewrites, diff (what `baton promote` prints).
    QStringList toLines() const;
};

/// What a promote or an approve did.
struct PromotionOutcome
{
    bool promoted = false; ///< false: a request now waits for approval
    qint64 deploymentId = 0;
    qint64 requestId = 0;
    PromotionPlan plan;
};

/// A promotion waiting for (or decided by) a second release manager.
struct PromotionRequest
{
    qint64 id = 0;
    ReleaseKind kind = ReleaseKind::Pipeline;
    QString project;
    QString name;
    int version = 0;
    QString from;
    QString to;
    QString state; ///< pending | promoted | rejected
    QString requestedBy;
    qint64 requestedAt = 0;
    QString note;
    QString decidedBy;
    qint64 decidedAt = 0;
    QString reason;
    QString fullName() const { return project + QLatin1Char('/') + name; }
};

/// What a rollback would do, or did.
struct RollbackPlan
{
    ReleaseTarget target;
    EnvironmentRef environment;
    DeploymentRecord current;
    DeploymentRecord previous; ///< id 0: nothing to roll back to
    QString why; ///< why a rollback is not possible, if it is not
};

/// Promotion along a project's path, approvals, rejections and rollbacks. Every rule lives here
/// (the CLI and the console only call it): release_manager role, two-person approval for
/// environments with an approval policy, the gates, rewrite rules, and the audit trail.
class Promotion
{
public:
    /// The plan for promoting @p target to @p toEnvironment: version @p version, or (0) the one
    /// the previous environment runs. Detects the local runtimes first if never done. Throws
    /// Baton::Error for what cannot be planned at all (unknown environment, first environment,
    /// nothing deployed in the source).
    static PromotionPlan plan(const Store &store, const ReleaseTarget &target,
                              const QString &toEnvironment, int version, const QString &actor);
    /// Plans again inside a transaction and then either promotes (no approval policy) or files
    /// a request. Throws Baton::Error listing the failed gates; nothing is written then.
    static PromotionOutcome promote(const Store &store, const ReleaseTarget &target,
                                    const QString &toEnvironment, int version, const QString &actor,
                                    const QString &note = {});
    /// A second release manager approves request @p requestId: the gates are checked again and
    /// the promotion happens. The requester cannot approve their own request.
    static PromotionOutcome approve(const Store &store, qint64 requestId, const QString &actor);
    /// Why @p actor cannot approve @p request whatever the gates say (it is decided already,
    /// or it is their own: two people are needed); empty when they may. approve() enforces it;
    /// screens disable Approve with it as the reason.
    static QString whyCannotApprove(const PromotionRequest &request, const QString &actor);
    /// What approving request @p requestId would do, as approve() evaluates it now: the diff
    /// against what the target runs, variables, rewrite rules, and every gate again (the
    /// approval gate fails with whyCannotApprove() when @p actor may not). Writes nothing.
    static PromotionPlan planApproval(const Store &store, qint64 requestId, const QString &actor);
    /// Rejects a pending request with a reason (a release manager, the requester included).
    static void reject(const Store &store, qint64 requestId, const QString &actor,
                       const QString &reason);
    /// The deployment before the current one that ran a different version.
    static RollbackPlan rollbackPlan(const QSqlDatabase &db, const ReleaseTarget &target,
                                     const QString &environment);
    /// Redeploys the previous version in @p environment (release_manager; no approval: it
    /// restores what already ran there). Returns the plan it carried out.
    static RollbackPlan rollback(const Store &store, const ReleaseTarget &target,
                                 const QString &environment, const QString &actor);

    /// Newest first; @p pendingOnly: only those waiting.
    static QList<PromotionRequest> requests(const QSqlDatabase &db, bool pendingOnly = false,
                                            int limit = 100);
    static PromotionRequest request(const QSqlDatabase &db, qint64 id);
};

} // namespace Baton

Q_DECLARE_METATYPE(Baton::PromotionPlan)
Q_DECLARE_METATYPE(Baton::RollbackPlan)
