#include "alertrules.h"

#include "access/auditlog.h"
#include "store/sql.h"
#include "store/sqldialect.h"
#include "store/store.h"
#include "util/error.h"

#include <QDateTime>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <cmath>

namespace Baton {

namespace {

struct Rule
{
    qint64 id = 0;
    qint64 projectId = 0;
    QString project;
    QString name;
    QString metric;
    qint64 jobId = 0; // 0: any job
    qint64 environmentId = 0; // 0: every environment
    QString condition;
    double value = 0.0;
    int lastRuns = 5;
    bool regression() const
    {
        return condition == QLatin1String("increase") || condition == QLatin1String("decrease");
    }
};

struct VersionInfo
{
    qint64 jobId = 0;
    qint64 projectId = 0;
    QString label; // "score v2"
};

QJsonObject ruleJson(const AlertRuleSpec &r)
{
    QJsonObject o { { QStringLiteral("metric"), r.metric },
                    { QStringLiteral("condition"), r.condition },
                    { QStringLiteral("value"), r.value } };
    if (!r.job.isEmpty())
        o.insert(QStringLiteral("job"), r.job);
    if (!r.environment.isEmpty())
        o.insert(QStringLiteral("env"), r.environment);
    if (r.condition == QLatin1String("increase") || r.condition == QLatin1String("decrease"))
        o.insert(QStringLiteral("last_runs"), r.lastRuns);
    return o;
}

void audit(const QSqlDatabase &db, const QString &actor, qint64 now, const QString &action,
           const QString &kind, qint64 id, const QString &name, const QJsonObject &before,
           const QJsonObject &after, const QString &details = {})
{
    AuditLog::record(db, now, actor, action, { kind, id, name }, before, after, details);
}

QVariant nullableId(qint64 id)
{
    return id == 0 ? QVariant() : QVariant(id);
}

QString idJson(const QList<qint64> &ids)
{
    QJsonArray a;
    for (const qint64 id : ids)
        a.append(id);
    return QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact));
}

double mean(const QList<double> &values)
{
    double sum = 0.0;
    for (const double v : values)
        sum += v;
    return values.isEmpty() ? 0.0 : sum / double(values.size());
}

QString number(double v)
{
    return QString::number(v, 'g', 4);
}

// The evaluation of one transaction: caches of what the metric rows point to.
class Evaluator
{
public:
    Evaluator(const QSqlDatabase &db, const QString &actor, qint64 now)
        : m_db(db)
        , m_actor(actor)
        , m_now(now)
    { }

    QList<AlertFiring> run();

private:
    VersionInfo version(qint64 jobVersionId);
    QString environmentName(qint64 environmentId);
    void threshold(const Rule &rule, qint64 environmentId, qint64 runId, double value);
    void regression(const Rule &rule, qint64 environmentId, qint64 jobId, qint64 versionId);
    qint64 insertFiring(const Rule &rule, qint64 environmentId, double value,
                        const QVariant &baseline, const QVariant &change, qint64 deploymentId,
                        qint64 fromVersion, qint64 toVersion, const QList<qint64> &runs,
                        const QString &message);

    QSqlDatabase m_db;
    QString m_actor;
    qint64 m_now;
    QHash<qint64, VersionInfo> m_versions;
    QHash<qint64, QString> m_environments;
    QList<qint64> m_fired;
};

VersionInfo Evaluator::version(qint64 jobVersionId)
{
    const auto it = m_versions.constFind(jobVersionId);
    if (it != m_versions.constEnd())
        return *it;
    VersionInfo info;
    QSqlQuery q = Sql::exec(m_db,
                            QStringLiteral("SELECT j.id, j.project_id, j.name, v.number FROM "
                                           "job_versions v JOIN jobs j ON j.id = v.job_id "
                                           "WHERE v.id = ?"),
                            { jobVersionId });
    if (q.next()) {
        info.jobId = q.value(0).toLongLong();
        info.projectId = q.value(1).toLongLong();
        info.label = QStringLiteral("%1 v%2").arg(q.value(2).toString()).arg(q.value(3).toInt());
    }
    m_versions.insert(jobVersionId, info);
    return info;
}

QString Evaluator::environmentName(qint64 environmentId)
{
    if (environmentId == 0)
        return QString();
    const auto it = m_environments.constFind(environmentId);
    if (it != m_environments.constEnd())
        return *it;
    const QString name
        = Sql::scalar(m_db, QStringLiteral("SELECT name FROM environments WHERE id = ?"),
                      { environmentId })
              .toString();
    m_environments.insert(environmentId, name);
    return name;
}

qint64 Evaluator::insertFiring(const Rule &rule, qint64 environmentId, double value,
                               const QVariant &baseline, const QVariant &change,
                               qint64 deploymentId, qint64 fromVersion, qint64 toVersion,
                               const QList<qint64> &runs, const QString &message)
{
    const qint64 id = Sql::insert(
        m_db,
        QStringLiteral("INSERT INTO alert_events (rule_id, environment_id, state, value, "
                       "baseline, change_percent, deployment_id, from_job_version_id, "
                       "to_job_version_id, run_ids, message, fired_at) VALUES (?, ?, 'firing', "
                       "?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
        { rule.id, nullableId(environmentId), value, baseline, change, nullableId(deploymentId),
          nullableId(fromVersion), nullableId(toVersion), idJson(runs), message, m_now });
    QJsonObject after { { QStringLiteral("rule"), rule.name },
                        { QStringLiteral("metric"), rule.metric },
                        { QStringLiteral("value"), value },
                        { QStringLiteral("runs"),
                          QJsonDocument::fromJson(idJson(runs).toUtf8()).array() } };
    if (baseline.isValid())
        after.insert(QStringLiteral("baseline"), baseline.toDouble());
    if (deploymentId)
        after.insert(QStringLiteral("deployment"), deploymentId);
    const QString env = environmentName(environmentId);
    if (!env.isEmpty())
        after.insert(QStringLiteral("env"), env);
    audit(m_db, m_actor, m_now, QStringLiteral("alert.fire"), QStringLiteral("alert_event"), id,
          rule.project + QLatin1Char('/') + rule.name, {}, after, message);
    m_fired << id;
    return id;
}

void Evaluator::threshold(const Rule &rule, qint64 environmentId, qint64 runId, double value)
{
    const bool breach
        = rule.condition == QLatin1String("above") ? value > rule.value : value < rule.value;
    const QVariant open = Sql::scalar(
        m_db,
        QStringLiteral("SELECT id FROM alert_events WHERE rule_id = ? AND environment_id IS NOT "
                       "DISTINCT FROM ? "
                       "AND state = 'firing' AND to_job_version_id IS NULL ORDER BY id DESC "
                       "LIMIT 1"),
        { rule.id, nullableId(environmentId) });
    const QString env = environmentName(environmentId);
    if (breach && !open.isValid()) {
        const QString message
            = QStringLiteral("%1 = %2%3 is %4 %5 (run %6)")
                  .arg(rule.metric, number(value),
                       env.isEmpty() ? QString() : QStringLiteral(" in ") + env,
                       rule.condition == QLatin1String("above") ? QStringLiteral("above")
                                                                : QStringLiteral("below"),
                       number(rule.value))
                  .arg(runId);
        insertFiring(rule, environmentId, value, QVariant(), QVariant(), 0, 0, 0, { runId },
                     message);
    } else if (!breach && open.isValid()) {
        const qint64 id = open.toLongLong();
        Sql::exec(m_db,
                  QStringLiteral("UPDATE alert_events SET state = 'resolved', resolved_at = ? "
                                 "WHERE id = ?"),
                  { m_now, id });
        audit(m_db, m_actor, m_now, QStringLiteral("alert.resolve"), QStringLiteral("alert_event"),
              id, rule.project + QLatin1Char('/') + rule.name,
              { { QStringLiteral("state"), QStringLiteral("firing") } },
              { { QStringLiteral("state"), QStringLiteral("resolved") },
                { QStringLiteral("value"), value },
                { QStringLiteral("run"), runId } });
    }
}

void Evaluator::regression(const Rule &rule, qint64 environmentId, qint64 jobId, qint64 versionId)
{
    const QVariant env = nullableId(environmentId);
    if (Sql::scalar(
            m_db,
            QStringLiteral("SELECT 1 FROM alert_events WHERE rule_id = ? AND "
                           "environment_id IS NOT DISTINCT FROM ? AND to_job_version_id = ?"),
            { rule.id, env, versionId })
            .isValid())
        return; // this version change already fired

    // The new version's values in this environment, oldest first.
    QList<double> current;
    QList<qint64> currentRuns;
    qint64 firstId = 0;
    qint64 firstAt = 0;
    {
        QSqlQuery q = Sql::exec(
            m_db,
            QStringLiteral("SELECT id, run_id, value, recorded_at FROM metrics "
                           "WHERE name = ? AND environment_id IS NOT DISTINCT FROM ? AND "
                           "job_version_id = ? ORDER BY id"),
            { rule.metric, env, versionId });
        while (q.next()) {
            if (firstId == 0) {
                firstId = q.value(0).toLongLong();
                firstAt = q.value(3).toLongLong();
            }
            currentRuns << q.value(1).toLongLong();
            current << q.value(2).toDouble();
        }
    }
    if (current.isEmpty())
        return;
    // The version before it: whichever version of the same job reported the metric last
    // before the new one first did.
    const QVariant previous = Sql::scalar(
        m_db,
        QStringLiteral("SELECT job_version_id FROM metrics WHERE name = ? AND environment_id IS "
                       "NOT DISTINCT FROM ? "
                       "AND id < ? AND job_version_id <> ? AND job_version_id IN (SELECT id FROM "
                       "job_versions WHERE job_id = ?) ORDER BY id DESC LIMIT 1"),
        { rule.metric, env, firstId, versionId, jobId });
    if (!previous.isValid())
        return; // the first version seen: nothing to compare with
    const qint64 previousId = previous.toLongLong();
    QList<double> baseline;
    QList<qint64> baselineRuns;
    {
        QSqlQuery q = Sql::exec(
            m_db,
            QStringLiteral("SELECT run_id, value FROM metrics WHERE name = ? "
                           "AND environment_id IS NOT DISTINCT FROM ? AND job_version_id = ? "
                           "AND id < ? ORDER BY id DESC LIMIT ?"),
            { rule.metric, env, previousId, firstId, rule.lastRuns });
        while (q.next()) {
            baselineRuns.prepend(q.value(0).toLongLong());
            baseline.prepend(q.value(1).toDouble());
        }
    }
    const double before = mean(baseline);
    if (baseline.isEmpty() || before == 0.0)
        return;
    // Compared: the new version's latest K values (all of them while it has fewer).
    const qsizetype k = std::min<qsizetype>(rule.lastRuns, current.size());
    const QList<double> recent = current.mid(current.size() - k);
    const QList<qint64> recentRuns = currentRuns.mid(currentRuns.size() - k);
    const double after = mean(recent);
    const double change = (after - before) / std::fabs(before) * 100.0;
    const bool fires
        = rule.condition == QLatin1String("increase") ? change > rule.value : change < -rule.value;
    if (!fires)
        return;

    // The deployment that brought the new version into this environment, if one did.
    qint64 deploymentId = 0;
    if (environmentId) {
        const QString sql = QStringLiteral(
            "SELECT id FROM deployments WHERE environment_id = ? AND (job_version_id = ? OR "
            "pipeline_version_id IN (SELECT pipeline_version_id FROM pipeline_tasks WHERE "
            "job_version_id = ?)) %1 ORDER BY deployed_at DESC, id DESC LIMIT 1");
        QVariant d = Sql::scalar(m_db, sql.arg(QStringLiteral("AND deployed_at <= ?")),
                                 { environmentId, versionId, versionId, firstAt });
        if (!d.isValid())
            d = Sql::scalar(m_db, sql.arg(QString()), { environmentId, versionId, versionId });
        deploymentId = d.toLongLong();
    }
    QList<qint64> runs = baselineRuns;
    for (const qint64 r : recentRuns) {
        if (!runs.contains(r))
            runs << r;
    }
    const QString envName = environmentName(environmentId);
    const QString message
        = QStringLiteral("%1 %2 %3% after %4 → %5%6: mean %7 over %8 run(s) vs %9 over the last "
                         "%10 run(s) of %4 (limit %11%)")
              .arg(rule.metric, change >= 0 ? QStringLiteral("rose") : QStringLiteral("fell"),
                   QString::number(std::fabs(change), 'f', 1), version(previousId).label,
                   version(versionId).label,
                   envName.isEmpty() ? QString() : QStringLiteral(" in ") + envName, number(after))
              .arg(recent.size())
              .arg(number(before))
              .arg(baseline.size())
              .arg(number(rule.value));
    insertFiring(rule, environmentId, after, before, change, deploymentId, previousId, versionId,
                 runs, message);
}

QList<AlertFiring> Evaluator::run()
{
    const qint64 cursor
        = Sql::scalar(m_db, QStringLiteral("SELECT metric_id FROM alert_cursor WHERE id = 1"))
              .toLongLong();
    const qint64 maxId
        = Sql::scalar(m_db, QStringLiteral("SELECT COALESCE(max(id), 0) FROM metrics"))
              .toLongLong();
    if (maxId <= cursor)
        return {};

    QHash<QString, QList<Rule>> byMetric;
    {
        QSqlQuery q = Sql::exec(
            m_db,
            QStringLiteral("SELECT r.id, r.project_id, p.name, r.name, r.metric, "
                           "COALESCE(r.job_id, 0), COALESCE(r.environment_id, 0), r.condition, "
                           "r.value, r.last_runs FROM alert_rules r JOIN projects p ON "
                           "p.id = r.project_id WHERE r.archived_at IS NULL ORDER BY r.id"));
        while (q.next()) {
            Rule r;
            r.id = q.value(0).toLongLong();
            r.projectId = q.value(1).toLongLong();
            r.project = q.value(2).toString();
            r.name = q.value(3).toString();
            r.metric = q.value(4).toString();
            r.jobId = q.value(5).toLongLong();
            r.environmentId = q.value(6).toLongLong();
            r.condition = q.value(7).toString();
            r.value = q.value(8).toDouble();
            r.lastRuns = q.value(9).toInt();
            byMetric[r.metric] << r;
        }
    }
    if (!byMetric.isEmpty()) {
        QJsonArray names;
        for (auto it = byMetric.keyBegin(); it != byMetric.keyEnd(); ++it)
            names.append(*it);
        // Regression checks run once per (rule, environment, version) touched, after the scan.
        struct Touched
        {
            const Rule *rule;
            qint64 environmentId;
            qint64 jobId;
            qint64 versionId;
        };
        QList<Touched> touched;
        QSet<QString> seen;
        QSqlQuery q = Sql::exec(
            m_db,
            QStringLiteral("SELECT id, run_id, COALESCE(job_version_id, 0), "
                           "COALESCE(environment_id, 0), name, value FROM metrics WHERE id > ? AND "
                           "id <= ? AND name %1 ORDER BY id")
                .arg(SqlDialect::inJsonArray(m_db, SqlDialect::Element::Text)),
            { cursor, maxId,
              QString::fromUtf8(QJsonDocument(names).toJson(QJsonDocument::Compact)) });
        struct Row
        {
            qint64 runId, versionId, environmentId;
            QString name;
            double value;
        };
        QList<Row> rows;
        while (q.next()) {
            rows << Row { q.value(1).toLongLong(), q.value(2).toLongLong(), q.value(3).toLongLong(),
                          q.value(4).toString(), q.value(5).toDouble() };
        }
        q.finish();
        for (const Row &row : std::as_const(rows)) {
            const VersionInfo v = version(row.versionId);
            // The hash is not modified after it is built: addresses of its rules stay valid.
            const auto rulesOf = byMetric.constFind(row.name);
            if (rulesOf == byMetric.constEnd())
                continue;
            for (const Rule &rule : *rulesOf) {
                if (rule.projectId != v.projectId || (rule.jobId && rule.jobId != v.jobId)
                    || (rule.environmentId && rule.environmentId != row.environmentId))
                    continue;
                if (!rule.regression()) {
                    threshold(rule, row.environmentId, row.runId, row.value);
                    continue;
                }
                const QString key = QStringLiteral("%1/%2/%3")
                                        .arg(rule.id)
                                        .arg(row.environmentId)
                                        .arg(row.versionId);
                if (!seen.contains(key)) {
                    seen.insert(key);
                    touched << Touched { &rule, row.environmentId, v.jobId, row.versionId };
                }
            }
        }
        for (const Touched &t : std::as_const(touched))
            regression(*t.rule, t.environmentId, t.jobId, t.versionId);
    }
    Sql::exec(m_db,
              QStringLiteral("INSERT INTO alert_cursor (id, metric_id) VALUES (1, ?) ON CONFLICT "
                             "(id) DO UPDATE SET metric_id = excluded.metric_id"),
              { maxId });

    QList<AlertFiring> fired;
    if (!m_fired.isEmpty()) {
        const QList<AlertFiring> recent
            = AlertRules::firings(m_db, false, int(m_fired.size()) + 50);
        for (const AlertFiring &f : recent) {
            if (m_fired.contains(f.id))
                fired.prepend(f);
        }
    }
    return fired;
}

} // namespace

void AlertRules::sync(const QSqlDatabase &db, qint64 projectId, const QString &project,
                      const QList<AlertRuleSpec> &rules, const QString &actor, qint64 now)
{
    const QList<AlertRuleSpec> before = specs(db, projectId);
    QHash<QString, AlertRuleSpec> old;
    for (const AlertRuleSpec &r : before)
        old.insert(r.name, r);
    QSet<QString> kept;
    int position = 0;
    for (const AlertRuleSpec &rule : rules) {
        kept.insert(rule.name);
        const QVariant jobId = rule.job.isEmpty()
            ? QVariant()
            : Sql::scalar(db,
                          QStringLiteral("SELECT id FROM jobs WHERE project_id = ? AND name = ?"),
                          { projectId, rule.job });
        const QVariant envId = rule.environment.isEmpty()
            ? QVariant()
            : Sql::scalar(db,
                          QStringLiteral("SELECT id FROM environments WHERE project_id = ? AND "
                                         "name = ?"),
                          { projectId, rule.environment });
        if ((!rule.job.isEmpty() && !jobId.isValid())
            || (!rule.environment.isEmpty() && !envId.isValid()))
            throw Error(QStringLiteral("alert '%1' of project '%2' names an unknown job or "
                                       "environment")
                            .arg(rule.name, project));
        const QString fullName = project + QLatin1Char('/') + rule.name;
        const QVariantList values { rule.metric, jobId,         envId,      rule.condition,
                                    rule.value,  rule.lastRuns, position++, now };
        const auto it = old.constFind(rule.name);
        const QVariant existing = Sql::scalar(
            db, QStringLiteral("SELECT id FROM alert_rules WHERE project_id = ? AND name = ?"),
            { projectId, rule.name });
        if (existing.isValid()) {
            Sql::exec(db,
                      QStringLiteral("UPDATE alert_rules SET metric = ?, job_id = ?, "
                                     "environment_id = ?, condition = ?, value = ?, last_runs = "
                                     "?, position = ?, updated_at = ?, archived_at = NULL WHERE "
                                     "id = ?"),
                      values + QVariantList { existing });
            if (it == old.constEnd() || !(*it == rule)) {
                audit(db, actor, now, QStringLiteral("alert_rule.update"),
                      QStringLiteral("alert_rule"), existing.toLongLong(), fullName,
                      it == old.constEnd() ? QJsonObject() : ruleJson(*it), ruleJson(rule));
            }
        } else {
            const qint64 id = Sql::insert(
                db,
                QStringLiteral(
                    "INSERT INTO alert_rules (metric, job_id, environment_id, "
                    "condition, value, last_runs, position, updated_at, project_id, "
                    "name, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
                values + QVariantList { projectId, rule.name, now });
            audit(db, actor, now, QStringLiteral("alert_rule.create"), QStringLiteral("alert_rule"),
                  id, fullName, {}, ruleJson(rule));
        }
    }
    for (const AlertRuleSpec &r : before) {
        if (kept.contains(r.name))
            continue;
        const qint64 id
            = Sql::scalar(db,
                          QStringLiteral("SELECT id FROM alert_rules WHERE project_id = ? AND "
                                         "name = ?"),
                          { projectId, r.name })
                  .toLongLong();
        Sql::exec(db, QStringLiteral("UPDATE alert_rules SET archived_at = ? WHERE id = ?"),
                  { now, id });
        audit(db, actor, now, QStringLiteral("alert_rule.archive"), QStringLiteral("alert_rule"),
              id, project + QLatin1Char('/') + r.name, ruleJson(r), {});
    }
}

QList<AlertRuleSpec> AlertRules::specs(const QSqlDatabase &db, qint64 projectId)
{
    QList<AlertRuleSpec> result;
    QSqlQuery q = Sql::exec(db,
                            QStringLiteral("SELECT r.name, r.metric, COALESCE(j.name, ''), "
                                           "COALESCE(e.name, ''), r.condition, r.value, "
                                           "r.last_runs FROM alert_rules r LEFT JOIN jobs j ON "
                                           "j.id = r.job_id LEFT JOIN environments e ON e.id = "
                                           "r.environment_id WHERE r.project_id = ? AND "
                                           "r.archived_at IS NULL ORDER BY r.position, r.id"),
                            { projectId });
    while (q.next()) {
        AlertRuleSpec r;
        r.name = q.value(0).toString();
        r.metric = q.value(1).toString();
        r.job = q.value(2).toString();
        r.environment = q.value(3).toString();
        r.condition = q.value(4).toString();
        r.value = q.value(5).toDouble();
        r.lastRuns = q.value(6).toInt();
        result << r;
    }
    return result;
}

QList<AlertFiring> AlertRules::evaluate(const Store &store, const QString &actor)
{
    QList<AlertFiring> fired;
    store.transaction([&](QSqlDatabase &db) {
        Evaluator evaluator(db, actor, QDateTime::currentMSecsSinceEpoch());
        fired = evaluator.run();
    });
    return fired;
}

QList<AlertFiring> AlertRules::evaluatePending(const Store &store, const QString &actor)
{
    const QVariant pending = Sql::scalar(
        store.db(),
        QStringLiteral(
            "SELECT EXISTS (SELECT 1 FROM alert_rules WHERE archived_at IS NULL) AND "
            "COALESCE((SELECT max(id) FROM metrics), 0) > COALESCE((SELECT metric_id FROM "
            "alert_cursor WHERE id = 1), 0)"));
    if (!pending.toBool())
        return {};
    return evaluate(store, actor);
}

QList<AlertFiring> AlertRules::firings(const QSqlDatabase &db, bool openOnly, int limit)
{
    QList<AlertFiring> result;
    QSqlQuery q = Sql::exec(
        db,
        QStringLiteral(
            "SELECT a.id, a.rule_id, p.name, r.name, r.metric, r.condition, r.value, "
            "COALESCE(e.name, ''), a.state, a.value, a.baseline, COALESCE(a.change_percent, 0), "
            "COALESCE(a.deployment_id, 0), COALESCE(d.deployed_at, 0), "
            "COALESCE(fj.name || ' v' || fv.number, ''), "
            "COALESCE(tj.name || ' v' || tv.number, ''), a.run_ids, a.message, a.fired_at, "
            "COALESCE(a.resolved_at, 0), "
            "COALESCE(a.acknowledged_by, ''), COALESCE(a.acknowledged_at, 0) "
            "FROM alert_events a JOIN alert_rules r ON r.id = a.rule_id "
            "JOIN projects p ON p.id = r.project_id "
            "LEFT JOIN environments e ON e.id = a.environment_id "
            "LEFT JOIN deployments d ON d.id = a.deployment_id "
            "LEFT JOIN job_versions fv ON fv.id = a.from_job_version_id "
            "LEFT JOIN jobs fj ON fj.id = fv.job_id "
            "LEFT JOIN job_versions tv ON tv.id = a.to_job_version_id "
            "LEFT JOIN jobs tj ON tj.id = tv.job_id %1 ORDER BY a.id DESC LIMIT ?")
            .arg(openOnly ? QStringLiteral("WHERE a.state = 'firing' AND a.acknowledged_at IS NULL")
                          : QString()),
        { limit });
    while (q.next()) {
        AlertFiring f;
        f.id = q.value(0).toLongLong();
        f.ruleId = q.value(1).toLongLong();
        f.project = q.value(2).toString();
        f.rule = q.value(3).toString();
        f.metric = q.value(4).toString();
        f.condition = q.value(5).toString();
        f.limit = q.value(6).toDouble();
        f.environment = q.value(7).toString();
        f.state = q.value(8).toString();
        f.value = q.value(9).toDouble();
        f.hasBaseline = !q.value(10).isNull();
        f.baseline = q.value(10).toDouble();
        f.changePercent = q.value(11).toDouble();
        f.deploymentId = q.value(12).toLongLong();
        f.deployedAt = q.value(13).toLongLong();
        f.fromVersion = q.value(14).toString();
        f.toVersion = q.value(15).toString();
        const QJsonArray runs = QJsonDocument::fromJson(q.value(16).toString().toUtf8()).array();
        for (const QJsonValue &r : runs)
            f.runIds << qint64(r.toDouble());
        f.message = q.value(17).toString();
        f.firedAt = q.value(18).toLongLong();
        f.resolvedAt = q.value(19).toLongLong();
        f.acknowledgedBy = q.value(20).toString();
        f.acknowledgedAt = q.value(21).toLongLong();
        result << f;
    }
    return result;
}

int AlertRules::openCount(const QSqlDatabase &db)
{
    return Sql::scalar(db,
                       QStringLiteral("SELECT count(*) FROM alert_events WHERE state = 'firing' "
                                      "AND acknowledged_at IS NULL"))
        .toInt();
}

void AlertRules::acknowledge(const Store &store, qint64 firingId, const QString &actor)
{
    store.transaction([&](QSqlDatabase &db) {
        QSqlQuery q = Sql::exec(db,
                                QStringLiteral("SELECT a.acknowledged_at, p.name || '/' || r.name "
                                               "FROM alert_events a JOIN alert_rules r ON r.id = "
                                               "a.rule_id JOIN projects p ON p.id = r.project_id "
                                               "WHERE a.id = ?"),
                                { firingId });
        if (!q.next())
            throw Error(QStringLiteral("no alert %1").arg(firingId));
        if (!q.value(0).isNull())
            return; // already acknowledged: nothing changes, nothing to audit
        const QString name = q.value(1).toString();
        q.finish();
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        Sql::exec(db,
                  QStringLiteral("UPDATE alert_events SET acknowledged_by = ?, acknowledged_at = "
                                 "? WHERE id = ?"),
                  { actor, now, firingId });
        audit(db, actor, now, QStringLiteral("alert.acknowledge"), QStringLiteral("alert_event"),
              firingId, name, {}, { { QStringLiteral("acknowledged_by"), actor } });
    });
}

} // namespace Baton
