#include "rewriterules.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace Baton {

QJsonArray RewriteRules::toJson(const QList<RewriteRule> &rules)
{
    QJsonArray array;
    for (const RewriteRule &r : rules) {
        QJsonObject o;
        if (!r.variable.isEmpty())
            o.insert(QStringLiteral("variable"), r.variable);
        else
            o.insert(QStringLiteral("setting"), r.setting);
        o.insert(QStringLiteral("value"), r.value);
        if (!r.job.isEmpty())
            o.insert(QStringLiteral("job"), r.job);
        array.append(o);
    }
    return array;
}

QList<RewriteRule> RewriteRules::fromJson(const QJsonArray &json)
{
    QList<RewriteRule> rules;
    for (const QJsonValue &v : json) {
        const QJsonObject o = v.toObject();
        RewriteRule r;
        r.variable = o.value(QStringLiteral("variable")).toString();
        r.setting = o.value(QStringLiteral("setting")).toString();
        r.value = o.value(QStringLiteral("value")).toString();
        r.job = o.value(QStringLiteral("job")).toString();
        if (r.variable.isEmpty() == r.setting.isEmpty())
            continue; // not a rule this version understands
        rules << r;
    }
    return rules;
}

QList<RewriteRule> RewriteRules::fromJsonText(const QString &text)
{
    return fromJson(QJsonDocument::fromJson(text.toUtf8()).array());
}

QString RewriteRules::toJsonText(const QList<RewriteRule> &rules)
{
    return QString::fromUtf8(QJsonDocument(toJson(rules)).toJson(QJsonDocument::Compact));
}

void RewriteRules::applyToVariables(const QList<RewriteRule> &rules,
                                    QList<ResolvedVariable> &variables)
{
    for (const RewriteRule &r : rules) {
        if (r.variable.isEmpty())
            continue;
        bool found = false;
        for (ResolvedVariable &v : variables) {
            if (v.name != r.variable)
                continue;
            found = true;
            if (v.scope != QLatin1String("run")) {
                v.value = r.value;
                v.scope = QStringLiteral("rewrite");
            }
        }
        if (!found)
            variables << ResolvedVariable { r.variable, r.value, false, QStringLiteral("rewrite") };
    }
    std::sort(variables.begin(), variables.end(),
              [](const ResolvedVariable &a, const ResolvedVariable &b) { return a.name < b.name; });
}

bool RewriteRules::applyToSettings(const QList<RewriteRule> &rules, const QString &job,
                                   RunSettings &settings)
{
    bool changed = false;
    // Rules for every job first, so a rule naming the job wins over them.
    for (const bool specific : { false, true }) {
        for (const RewriteRule &r : rules) {
            if (r.setting.isEmpty() || r.job.isEmpty() == specific)
                continue;
            if (specific && r.job != job)
                continue;
            if (r.setting == QLatin1String("retries")) {
                bool ok = false;
                const int n = r.value.toInt(&ok);
                if (ok) {
                    settings.retries = n;
                    changed = true;
                }
            } else if (const auto seconds = parseDuration(r.value)) {
                if (r.setting == QLatin1String("timeout"))
                    settings.timeoutSeconds = *seconds;
                else
                    settings.retryDelaySeconds = *seconds;
                changed = true;
            }
        }
    }
    return changed;
}

QString RewriteRules::describe(const RewriteRule &rule)
{
    if (!rule.variable.isEmpty())
        return QStringLiteral("variable %1 = %2").arg(rule.variable, rule.value);
    return rule.job.isEmpty()
        ? QStringLiteral("setting %1 = %2 (every job)").arg(rule.setting, rule.value)
        : QStringLiteral("setting %1 = %2 (job %3)").arg(rule.setting, rule.value, rule.job);
}

} // namespace Baton
