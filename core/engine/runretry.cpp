#include "runretry.h"

#include "access/auditlog.h"
#include "engine/runservice.h"
#include "model/projectspec.h"
#include "monitoring/rundetail.h"
#include "store/sql.h"
#include "store/store.h"
#include "util/error.h"
#include "util/suggest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <algorithm>

namespace Baton {

namespace {

// The old run as a new one needs it, its parameters in clear: they never leave this file
// except as the new run's own parameters.
struct OldRun
{
    RetryDraft draft; ///< without parameters, secretParameters and deployedVersion
    QMap<QString, QString> clear;
    qint64 projectId = 0;
    qint64 pipelineId = 0;
    qint64 environmentId = 0;
};

OldRun readRun(const QSqlDatabase &db, qint64 runId)
{
    QSqlQuery r = Sql::exec(
        db,
        QStringLiteral("SELECT r.project_id, r.pipeline_id, COALESCE(r.environment_id, 0), p.name, "
                       "l.name, COALESCE(e.name, ''), v.number, r.parallelism, r.parameters "
                       "FROM runs r JOIN projects p ON p.id = r.project_id "
                       "JOIN pipelines l ON l.id = r.pipeline_id "
                       "JOIN pipeline_versions v ON v.id = r.pipeline_version_id "
                       "LEFT JOIN environments e ON e.id = r.environment_id WHERE r.id = ?"),
        { runId });
    if (!r.next())
        throw Error(QStringLiteral("no run %1").arg(runId));
    OldRun old;
    old.projectId = r.value(0).toLongLong();
    old.pipelineId = r.value(1).toLongLong();
    old.environmentId = r.value(2).toLongLong();
    old.draft.runId = runId;
    old.draft.project = r.value(3).toString();
    old.draft.pipeline = r.value(4).toString();
    old.draft.environment = r.value(5).toString();
    old.draft.pipelineVersion = r.value(6).toInt();
    old.draft.parallelism = r.value(7).toInt();
    const QJsonObject params = QJsonDocument::fromJson(r.value(8).toString().toUtf8()).object();
    for (auto it = params.constBegin(); it != params.constEnd(); ++it)
        old.clear.insert(it.key(), it.value().toString());

    QSqlQuery names = Sql::exec(db,
                                QStringLiteral("SELECT DISTINCT name FROM variables WHERE "
                                               "scope = 'global' OR (scope IN ('project', "
                                               "'environment') AND project_id = ?) OR (scope = "
                                               "'pipeline' AND pipeline_id = ?)"),
                                { old.projectId, old.pipelineId });
    QSet<QString> declared(old.clear.keyBegin(), old.clear.keyEnd());
    while (names.next())
        declared.insert(names.value(0).toString());
    old.draft.declared = QStringList(declared.cbegin(), declared.cend());
    std::sort(old.draft.declared.begin(), old.draft.declared.end());
    return old;
}

// The rule: a parameter whose value, as it may be shown (RunDetails::parameters), is not its
// value is or holds a secret, so it is never shown nor prefilled.
QStringList secretNames(const QSqlDatabase &db, const OldRun &old)
{
    const QMap<QString, QString> shown = RunDetails::parameters(db, old.draft.runId);
    QStringList secret;
    for (auto it = old.clear.constBegin(); it != old.clear.constEnd(); ++it) {
        if (shown.value(it.key()) != it.value())
            secret << it.key();
    }
    return secret; // QMap order: sorted
}

QJsonArray namesJson(const QStringList &names)
{
    return QJsonArray::fromStringList(names);
}

} // namespace

RetryDraft RunRetry::draft(const QSqlDatabase &db, qint64 runId)
{
    const OldRun old = readRun(db, runId);
    RetryDraft d = old.draft;
    d.secretParameters = secretNames(db, old);
    for (auto it = old.clear.constBegin(); it != old.clear.constEnd(); ++it)
        d.parameters.insert(it.key(), d.isSecret(it.key()) ? QString() : it.value());
    const QVariant deployed
        = Sql::scalar(db,
                      QStringLiteral("SELECT v.number FROM deployments d JOIN pipeline_versions v "
                                     "ON v.id = d.pipeline_version_id WHERE d.environment_id = ? "
                                     "AND d.pipeline_id = ? ORDER BY d.id DESC LIMIT 1"),
                      { old.environmentId, old.pipelineId });
    d.deployedVersion = deployed.isValid() ? deployed.toInt() : 0;
    return d;
}

QString RunRetry::nameError(const QString &name, const QStringList &declared)
{
    if (name.trimmed().isEmpty())
        return QStringLiteral("a parameter has no name");
    if (!isValidVariableName(name)) {
        return QStringLiteral("'%1' is not a valid parameter name (letters, digits and _ only, "
                              "not starting with a digit)")
            .arg(name);
    }
    if (!declared.contains(name)) {
        return QStringLiteral("'%1' is neither a variable of the pipeline's project nor a "
                              "parameter of the run%2")
            .arg(name, didYouMean(name, declared));
    }
    return {};
}

RetryRequest RunRetry::withChanges(const RetryDraft &draft, const QMap<QString, QString> &set,
                                   const QStringList &unset)
{
    RetryRequest r;
    r.runId = draft.runId;
    for (const QString &name : unset) {
        if (!draft.parameters.contains(name)) {
            throw Error(QStringLiteral("--unset %1: run %2 has no parameter %1 (it has: %3)")
                            .arg(name)
                            .arg(draft.runId)
                            .arg(draft.parameters.isEmpty()
                                     ? QStringLiteral("none")
                                     : draft.parameters.keys().join(QStringLiteral(", "))));
        }
        if (set.contains(name))
            throw Error(QStringLiteral("%1 is both set and unset").arg(name));
    }
    for (auto it = draft.parameters.constBegin(); it != draft.parameters.constEnd(); ++it) {
        if (unset.contains(it.key()) || set.contains(it.key()))
            continue;
        if (draft.isSecret(it.key()))
            r.keepSecrets << it.key();
        else
            r.parameters.insert(it.key(), it.value());
    }
    for (auto it = set.constBegin(); it != set.constEnd(); ++it)
        r.parameters.insert(it.key(), it.value());
    return r;
}

qint64 RunRetry::submit(const Store &store, const RetryRequest &request)
{
    qint64 newRun = 0;
    store.transaction([&](QSqlDatabase &db) {
        const OldRun old = readRun(db, request.runId);
        const QStringList secret = secretNames(db, old);
        const auto refuse = [&](const QString &why) {
            throw Error(QStringLiteral("run again of run %1: %2").arg(request.runId).arg(why));
        };
        for (auto it = request.parameters.constBegin(); it != request.parameters.constEnd(); ++it) {
            const QString error = nameError(it.key(), old.draft.declared);
            if (!error.isEmpty())
                refuse(error);
        }
        RunRequest run;
        run.parameters = request.parameters;
        for (const QString &name : request.keepSecrets) {
            if (!secret.contains(name)) {
                refuse(QStringLiteral("'%1' is not a secret parameter of run %2: give it a value")
                           .arg(name)
                           .arg(request.runId));
            }
            if (request.parameters.contains(name))
                refuse(QStringLiteral("'%1' is given a new value and kept unchanged").arg(name));
            run.parameters.insert(name, old.clear.value(name));
        }
        run.project = old.draft.project;
        run.pipeline = old.draft.pipeline;
        run.environment
            = request.environment.isEmpty() ? old.draft.environment : request.environment;
        run.parallelism = request.parallelism < 0 ? old.draft.parallelism : request.parallelism;
        run.trigger = QStringLiteral("rerun");
        run.actor = request.actor;
        newRun = RunService::insertRun(db, run);
        Sql::exec(db, QStringLiteral("UPDATE runs SET rerun_of = ? WHERE id = ?"),
                  { request.runId, newRun });

        // Names only: which parameters the new run changed, kept, replaced or dropped.
        QStringList changed;
        QStringList replaced;
        QStringList removed;
        for (auto it = request.parameters.constBegin(); it != request.parameters.constEnd(); ++it) {
            if (secret.contains(it.key()))
                replaced << it.key(); // never compared: the trail must not tell a guess right
            else if (!old.clear.contains(it.key()) || old.clear.value(it.key()) != it.value())
                changed << it.key();
        }
        for (auto it = old.clear.constBegin(); it != old.clear.constEnd(); ++it) {
            if (!run.parameters.contains(it.key()))
                removed << it.key();
        }
        AuditEvent audit;
        audit.actor = request.actor;
        audit.action = QStringLiteral("run.retry");
        audit.objectKind = QStringLiteral("run");
        audit.objectId = newRun;
        audit.before = { { QStringLiteral("run"), request.runId },
                         { QStringLiteral("environment"), old.draft.environment },
                         { QStringLiteral("parameters"), namesJson(old.clear.keys()) } };
        audit.after = { { QStringLiteral("run"), newRun },
                        { QStringLiteral("environment"), run.environment },
                        { QStringLiteral("parameters"), namesJson(run.parameters.keys()) },
                        { QStringLiteral("changed"), namesJson(changed) },
                        { QStringLiteral("secrets_kept"), namesJson(request.keepSecrets) },
                        { QStringLiteral("secrets_replaced"), namesJson(replaced) },
                        { QStringLiteral("removed"), namesJson(removed) } };
        audit.details = QStringLiteral("run again of run #%1").arg(request.runId);
        AuditLog::record(db, audit);
    });
    return newRun;
}

} // namespace Baton
