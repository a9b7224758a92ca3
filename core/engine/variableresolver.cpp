#include "variableresolver.h"

#include "store/sql.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace Baton {

QList<ResolvedVariable> VariableResolver::resolve(const QSqlDatabase &db, qint64 projectId,
                                                  qint64 environmentId, qint64 pipelineId,
                                                  const QMap<QString, QString> &parameters)
{
    QMap<QString, ResolvedVariable> byName;
    // Rank orders the scopes; pipeline variables limited to an environment outrank the
    // pipeline's general ones.
    QSqlQuery q = Sql::exec(
        db,
        QStringLiteral(
            "SELECT name, value, secret, scope, "
            "CASE scope WHEN 'global' THEN 0 WHEN 'project' THEN 1 WHEN 'environment' THEN 2 "
            "ELSE 3 + CASE WHEN environment_id IS NULL THEN 0 ELSE 1 END END AS rank FROM "
            "variables "
            "WHERE value IS NOT NULL AND ("
            " scope = 'global'"
            " OR (scope = 'project' AND project_id = ?)"
            " OR (scope = 'environment' AND project_id = ? AND environment_id = ?)"
            " OR (scope = 'pipeline' AND pipeline_id = ? AND"
            "     (environment_id IS NULL OR environment_id = ?)))"
            " ORDER BY rank, position"),
        { projectId, projectId, environmentId, pipelineId, environmentId });
    while (q.next()) {
        const QString name = q.value(0).toString();
        byName.insert(name,
                      ResolvedVariable { name, q.value(1).toString(), q.value(2).toBool(),
                                         q.value(3).toString() });
    }
    for (auto it = parameters.constBegin(); it != parameters.constEnd(); ++it) {
        // A run parameter overriding a secret stays secret.
        const bool secret = byName.contains(it.key()) && byName.value(it.key()).secret;
        byName.insert(it.key(),
                      ResolvedVariable { it.key(), it.value(), secret, QStringLiteral("run") });
    }
    return byName.values();
}

QString VariableResolver::mask(const QString &text, const QList<ResolvedVariable> &variables)
{
    QString out = text;
    for (const ResolvedVariable &v : variables) {
        if (v.secret && v.value.size() >= 3)
            out.replace(v.value, QStringLiteral("***"));
    }
    return out;
}

QString VariableResolver::record(const QList<ResolvedVariable> &variables)
{
    QJsonArray array;
    for (const ResolvedVariable &v : variables) {
        array.append(
            QJsonObject { { QStringLiteral("name"), v.name },
                          { QStringLiteral("value"),
                            v.secret ? QJsonValue() : QJsonValue(mask(v.value, variables)) },
                          { QStringLiteral("scope"), v.scope },
                          { QStringLiteral("secret"), v.secret } });
    }
    return QString::fromUtf8(QJsonDocument(array).toJson(QJsonDocument::Compact));
}

bool VariableResolver::fromRecord(const QString &text, QList<ResolvedVariable> *variables)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isArray())
        return false;
    QList<ResolvedVariable> read;
    for (const QJsonValue &item : doc.array()) {
        const QJsonObject o = item.toObject();
        if (!o.value(QStringLiteral("name")).isString())
            return false;
        const bool secret = o.value(QStringLiteral("secret")).toBool();
        read << ResolvedVariable { o.value(QStringLiteral("name")).toString(),
                                   secret ? QString() : o.value(QStringLiteral("value")).toString(),
                                   secret, o.value(QStringLiteral("scope")).toString() };
    }
    *variables = read;
    return true;
}

} // namespace Baton
