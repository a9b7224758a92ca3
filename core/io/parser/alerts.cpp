// alerts: alert rules on business metrics (issue #8).
#include "io/parser/documentparser.h"
#include "util/suggest.h"

#include <QRegularExpression>
#include <cmath>

namespace Baton::Parser {

namespace {

namespace {

const QStringList kAlertKeys = { QStringLiteral("name"),
                                 QStringLiteral("metric"),
                                 QStringLiteral("job"),
                                 QStringLiteral("env"),
                                 QStringLiteral("above"),
                                 QStringLiteral("below"),
                                 QStringLiteral("increase_percent"),
                                 QStringLiteral("decrease_percent"),
                                 QStringLiteral("last_runs") };
// Condition keys in the order they are written back, with the stored condition name.
const QList<QPair<QString, QString>> kAlertConditions
    = { { QStringLiteral("above"), QStringLiteral("above") },
        { QStringLiteral("below"), QStringLiteral("below") },
        { QStringLiteral("increase_percent"), QStringLiteral("increase") },
        { QStringLiteral("decrease_percent"), QStringLiteral("decrease") } };

} // namespace

} // namespace

QList<AlertRuleSpec> DocumentParser::alerts(const Entry &e, const ProjectSpec &project)
{
    QList<AlertRuleSpec> result;
    const auto list = items(e, QStringLiteral("a list of alert rules"));
    if (!list)
        return result;
    QStringList environmentNames;
    for (const auto &env : project.environments)
        environmentNames << env.name;
    QStringList jobNames;
    for (const auto &job : project.jobs)
        jobNames << job.name;
    static const QRegularExpression metricName(QStringLiteral("^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$"));
    QHash<QString, int> firstLine;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const YAML::Node &item = (*list)[i];
        if (!item.IsMap()) {
            error(at(item),
                  QStringLiteral("alerts: expected {name: ..., metric: ..., above: ...}, got %1")
                      .arg(describe(item)));
            continue;
        }
        AlertRuleSpec rule;
        rule.where = at(item);
        const QString label = peek(item, QStringLiteral("name"));
        const QString where = label.isEmpty() ? QStringLiteral(" in alert at index %1").arg(i)
                                              : QStringLiteral(" in alert '%1'").arg(label);
        const QString self = label.isEmpty() ? QStringLiteral("alert at index %1").arg(i)
                                             : QStringLiteral("alert '%1'").arg(label);
        const Fields f = fields(item, kAlertKeys, where);
        bool valid = true;
        SourceLocation nameAt = rule.where;
        if (const Entry *n = f.get(QStringLiteral("name"))) {
            nameAt = at(*n);
            const auto s = name(*n, QStringLiteral("alert"));
            valid = s.has_value();
            rule.name = s.value_or(QString());
        } else {
            valid = false;
            if (!f.misspelt(QStringLiteral("name")))
                error(rule.where, QStringLiteral("alert at index %1 has no 'name'").arg(i));
        }
        if (const Entry *m = f.get(QStringLiteral("metric"))) {
            const auto s = string(*m);
            if (s && metricName.match(*s).hasMatch()) {
                rule.metric = *s;
            } else {
                valid = false;
                if (s)
                    error(at(*m),
                          QStringLiteral("invalid metric name '%1'%2: use letters, digits and "
                                         "'_.:-', starting with a letter or '_'")
                              .arg(*s, where));
            }
        } else {
            valid = false;
            if (!f.misspelt(QStringLiteral("metric")))
                error(rule.where, QStringLiteral("%1 has no 'metric'").arg(self));
        }
        if (const Entry *j = f.get(QStringLiteral("job"))) {
            const auto s = string(*j);
            if (s && !s->isEmpty() && !jobNames.contains(*s)) {
                valid = false;
                error(at(*j),
                      QStringLiteral("job: unknown job '%1'%2%3")
                          .arg(*s, where, didYouMean(*s, jobNames)));
            } else if (s) {
                rule.job = *s;
            }
        }
        if (const Entry *env = f.get(QStringLiteral("env"))) {
            const auto s = string(*env);
            if (s && !s->isEmpty() && !environmentNames.contains(*s)) {
                valid = false;
                error(at(*env),
                      QStringLiteral("env: unknown environment '%1'%2%3 (the project's "
                                     "environments: %4)")
                          .arg(*s, where, didYouMean(*s, environmentNames),
                               environmentNames.join(QStringLiteral(", "))));
            } else if (s) {
                rule.environment = *s;
            }
        }
        const Entry *condition = nullptr;
        for (const auto &[key, stored] : kAlertConditions) {
            const Entry *c = f.get(key);
            if (!c)
                continue;
            if (condition) {
                valid = false;
                error(at(c->key),
                      QStringLiteral("%1 has both '%2' and '%3': give one condition")
                          .arg(self, condition->name(), key));
                continue;
            }
            condition = c;
            rule.condition = stored;
            bool ok = false;
            const double v = c->value.IsScalar() ? text(c->value).toDouble(&ok) : 0.0;
            const bool percent
                = stored == QLatin1String("increase") || stored == QLatin1String("decrease");
            if (!ok || !std::isfinite(v) || (percent && v <= 0.0)) {
                valid = false;
                error(at(*c),
                      QStringLiteral("%1: expected %2, got %3")
                          .arg(key,
                               percent ? QStringLiteral("a percentage above 0, such as 20")
                                       : QStringLiteral("a number"),
                               describe(c->value)));
            }
            rule.value = v;
        }
        if (!condition && valid) {
            valid = false;
            error(rule.where,
                  QStringLiteral("%1 has no condition: give one of above, below, "
                                 "increase_percent, decrease_percent")
                      .arg(self));
        }
        if (const Entry *k = f.get(QStringLiteral("last_runs"))) {
            const auto n = wholeNumber(*k, 1);
            if (!n) {
                valid = false;
            } else if (rule.condition == QLatin1String("above")
                       || rule.condition == QLatin1String("below")) {
                valid = false;
                error(at(k->key),
                      QStringLiteral("last_runs%1 only applies to increase_percent and "
                                     "decrease_percent")
                          .arg(where));
            } else {
                rule.lastRuns = *n;
            }
        }
        if (!valid)
            continue;
        const auto first = firstLine.constFind(rule.name);
        if (first != firstLine.constEnd()) {
            error(nameAt,
                  QStringLiteral("duplicate alert '%1' (first defined at line %2)")
                      .arg(rule.name)
                      .arg(*first));
            continue;
        }
        firstLine.insert(rule.name, rule.where.line);
        result << rule;
    }
    return result;
}

} // namespace Baton::Parser
