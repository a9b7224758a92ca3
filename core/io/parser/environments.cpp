// environments: the promotion path, each with its approval policy and rewrite rules.
#include "io/parser/documentparser.h"
#include "util/suggest.h"

namespace Baton::Parser {

namespace {

const QStringList kEnvironmentKeys
    = { QStringLiteral("name"), QStringLiteral("approval"), QStringLiteral("rewrite") };
const QStringList kRewriteKeys = { QStringLiteral("variable"), QStringLiteral("setting"),
                                   QStringLiteral("value"), QStringLiteral("job") };
const QStringList kRewriteSettings
    = { QStringLiteral("retries"), QStringLiteral("retry_delay"), QStringLiteral("timeout") };

} // namespace

QList<EnvironmentSpec> DocumentParser::environments(const Entry &e)
{
    QList<EnvironmentSpec> result;
    const auto list = items(e, QStringLiteral("a list of environment names"));
    if (!list)
        return defaultEnvironments();
    if (list->empty()) {
        error(at(e),
              QStringLiteral("environments: the list is empty; name at least one "
                             "environment, or leave the key out for the default path"));
        return result;
    }
    QHash<QString, int> firstLine;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const YAML::Node &item = (*list)[i];
        EnvironmentSpec env;
        env.where = at(item);
        std::optional<QString> envName;
        std::optional<bool> approval;
        SourceLocation nameAt = at(item);
        if (item.IsScalar()) {
            envName = name({ e.key, item }, QStringLiteral("environment"));
        } else if (item.IsMap()) {
            // A named map, though not in a list of maps only: a name alone is an environment too.
            const NamedList list { QStringLiteral("environment"), {}, {}, kEnvironmentKeys };
            const QString label = itemLabel(item, i, list);
            const NamedMap map { item, i, label,
                                 fields(item, kEnvironmentKeys, QStringLiteral(" in ") + label) };
            const Fields &f = map.fields;
            envName = mapName(map, QStringLiteral("environment"), &nameAt);
            if (const Entry *a = f.get(QStringLiteral("approval")))
                approval = boolean(*a);
            if (const Entry *r = f.get(QStringLiteral("rewrite")))
                env.rewrites = rewrites(*r, peek(item, QStringLiteral("name")));
        } else {
            error(at(item),
                  QStringLiteral("environments: expected a name or {name: ..., "
                                 "approval: ...}, got %1")
                      .arg(describe(item)));
        }
        if (!envName)
            continue;
        env.name = *envName;
        // Production changes need a second person unless the project says otherwise.
        env.approvalRequired = approval.value_or(env.name == QLatin1String("prod"));
        if (firstDefinition(firstLine, env.name, env.where.line, nameAt,
                            QStringLiteral("environment '%1'").arg(env.name)))
            result << env;
    }
    return result;
}

QList<RewriteRule> DocumentParser::rewrites(const Entry &e, const QString &envName)
{
    QList<RewriteRule> result;
    const auto list = items(e, QStringLiteral("a list of rewrite rules"));
    if (!list)
        return result;
    QHash<QString, int> firstLine;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const YAML::Node &item = (*list)[i];
        if (!item.IsMap()) {
            error(at(item),
                  QStringLiteral("rewrite: expected {variable: NAME, value: ...} or {setting: "
                                 "retries|retry_delay|timeout, value: ..., job: NAME}, got %1")
                      .arg(describe(item)));
            continue;
        }
        RewriteRule rule;
        rule.where = at(item);
        const Fields f
            = fields(item, kRewriteKeys,
                     QStringLiteral(" in a rewrite rule of environment '%1'").arg(envName));
        const Entry *variable = f.get(QStringLiteral("variable"));
        const Entry *setting = f.get(QStringLiteral("setting"));
        const Entry *value = f.get(QStringLiteral("value"));
        if ((variable != nullptr) == (setting != nullptr)) {
            error(at(item),
                  QStringLiteral("rewrite rule: name either a 'variable' or a 'setting' (one of "
                                 "them)"));
            continue;
        }
        if (!value) {
            if (!f.misspelt(QStringLiteral("value")))
                error(at(item), QStringLiteral("rewrite rule: missing 'value'"));
            continue;
        }
        bool ok = true;
        if (variable) {
            const auto n = string(*variable);
            if (n && !isValidVariableName(*n)) {
                error(at(*variable),
                      QStringLiteral("rewrite rule: invalid variable name '%1' (letters, digits "
                                     "and _, not starting with a digit)")
                          .arg(*n));
                ok = false;
            } else if (n) {
                rule.variable = *n;
            } else {
                ok = false;
            }
            if (const Entry *j = f.get(QStringLiteral("job"))) {
                error(at(*j), QStringLiteral("rewrite rule: 'job' applies to setting rules only"));
                ok = false;
            }
            if (const auto v = string(*value))
                rule.value = *v;
            else
                ok = false;
        } else {
            const auto n = string(*setting);
            if (n && !kRewriteSettings.contains(*n)) {
                error(at(*setting),
                      QStringLiteral("rewrite rule: unknown setting '%1'%2 (settings: %3)")
                          .arg(*n, didYouMean(*n, kRewriteSettings),
                               kRewriteSettings.join(QStringLiteral(", "))));
                ok = false;
            } else if (n) {
                rule.setting = *n;
                const Entry named { value->key, value->value };
                if (rule.setting == QLatin1String("retries")) {
                    if (const auto r = wholeNumber(named, 0))
                        rule.value = QString::number(*r);
                    else
                        ok = false;
                } else if (const auto d
                           = duration(named, rule.setting == QLatin1String("timeout"))) {
                    rule.value = formatDuration(*d);
                } else {
                    ok = false;
                }
            } else {
                ok = false;
            }
            if (const Entry *j = f.get(QStringLiteral("job"))) {
                if (const auto jn = name(*j, QStringLiteral("job")))
                    rule.job = *jn;
                else
                    ok = false;
            }
        }
        if (!ok)
            continue;
        const QString key = rule.variable.isEmpty()
            ? QStringLiteral("setting %1 of %2")
                  .arg(rule.setting,
                       rule.job.isEmpty() ? QStringLiteral("every job")
                                          : QStringLiteral("job '%1'").arg(rule.job))
            : QStringLiteral("variable %1").arg(rule.variable);
        const auto first = firstLine.constFind(key);
        if (first != firstLine.constEnd()) {
            error(rule.where,
                  QStringLiteral("rewrite rule: %1 is rewritten twice (first at line %2)")
                      .arg(key)
                      .arg(*first));
            continue;
        }
        firstLine.insert(key, rule.where.line);
        result << rule;
    }
    return result;
}

void DocumentParser::checkRewriteJobs(const ProjectSpec &project)
{
    QStringList jobNames;
    for (const JobSpec &j : project.jobs)
        jobNames << j.name;
    for (const EnvironmentSpec &env : project.environments) {
        for (const RewriteRule &r : env.rewrites) {
            if (!r.job.isEmpty() && !jobNames.contains(r.job)) {
                error(r.where,
                      QStringLiteral("rewrite rule of environment '%1': unknown job '%2'%3")
                          .arg(env.name, r.job, didYouMean(r.job, jobNames)));
            }
        }
    }
}

} // namespace Baton::Parser
