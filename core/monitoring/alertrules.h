#pragma once

#include "model/projectspec.h"

#include <QList>
#include <QMetaType>
#include <QSqlDatabase>
#include <QString>

namespace Baton {

class Store;

/// An alert that fired: a stored alert_events row with the names the screens show.
struct AlertFiring
{
    qint64 id = 0;
    qint64 ruleId = 0;
    QString project;
    QString rule;
    QString metric;
    QString condition; ///< above | below | increase | decrease
    double limit = 0.0; ///< the rule's threshold or percentage
    QString environment; ///< empty: the metric had no environment
    QString state; ///< firing | resolved
    double value = 0.0; ///< observed value (regressions: the new version's mean)
    double baseline = 0.0; ///< regressions: the previous version's mean
    bool hasBaseline = false;
    double changePercent = 0.0;
    qint64 deploymentId = 0; ///< 0: no deployment row brought the new version
    qint64 deployedAt = 0;
    QString fromVersion; ///< "score v6", regressions only
    QString toVersion;
    QList<qint64> runIds; ///< the runs involved, oldest first
    QString message;
    qint64 firedAt = 0;
    qint64 resolvedAt = 0;
    QString acknowledgedBy;
    qint64 acknowledgedAt = 0;

    bool isOpen() const { return state == QLatin1String("firing") && acknowledgedAt == 0; }
    bool operator==(const AlertFiring &) const = default;
};

/// Alert rules on business metrics: stored from jobs-as-code, evaluated against the metrics
/// table, and their firings.
///
/// Evaluation reads the metrics recorded since the previous evaluation (a cursor row), so any
/// process may call it at any time (the engine after each run, the console's dashboard worker,
/// `baton alerts check`): each firing is stored once, in the same transaction as its audit
/// event and the cursor move.
///
/// - `above` / `below`: a value beyond the threshold fires (one firing per episode) and the
///   first value back within it resolves the firing.
/// - `increase` / `decrease`: when a job's metric in an environment comes from a new job
///   version, the mean of the new version's latest K values is compared with the mean of the
///   last K values of the version before it; a change of more than the percentage fires once
///   per version change, linked to the deployment that brought the version (if any) and to
///   every run compared. A previous mean of 0 has no percentage and never fires.
class AlertRules
{
public:
    /// Replaces the rules of project @p projectId with @p rules inside the caller's transaction
    /// (edited in place, new ones inserted, dropped ones archived); audited.
    static void sync(const QSqlDatabase &db, qint64 projectId, const QString &project,
                     const QList<AlertRuleSpec> &rules, const QString &actor, qint64 now);
    /// The active rules of a project, as jobs-as-code.
    static QList<AlertRuleSpec> specs(const QSqlDatabase &db, qint64 projectId);

    /// Evaluates the metrics recorded since the last evaluation. Returns the new firings.
    static QList<AlertFiring> evaluate(const Store &store, const QString &actor);
    /// evaluate() only when there is something to do: active rules and metrics newer than the
    /// cursor (a read first, so idle callers never take the write lock).
    static QList<AlertFiring> evaluatePending(const Store &store, const QString &actor);
    /// Firings, newest first; @p openOnly: firing and not acknowledged.
    static QList<AlertFiring> firings(const QSqlDatabase &db, bool openOnly, int limit = 200);
    static int openCount(const QSqlDatabase &db);
    /// Marks a firing as seen by @p actor (audited). Throws Baton::Error for an unknown id.
    static void acknowledge(const Store &store, qint64 firingId, const QString &actor);
};

} // namespace Baton

Q_DECLARE_METATYPE(Baton::AlertFiring)
