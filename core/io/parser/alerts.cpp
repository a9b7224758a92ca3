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
    QStringList environmentNames;
    for (const auto &env : project.environments)
        environmentNames << env.name;
    QStringList jobNames;
    for (const auto &job : project.jobs)
        jobNames << job.name;
    static const QRegularExpression metricName(QStringLiteral("^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$"));
    QHash<QString, int> firstLine;
    const NamedList list { QStringLiteral("alert"), QStringLiteral("a list of alert rules"),
                           QStringLiteral("{name: ..., metric: ..., above: ...}"), kAlertKeys };
    forEachNamedMap(e, list, [&](const NamedMap &map) {
        const Fields &f = map.fields;
        AlertRuleSpec rule;
        rule.where = at(map.node);
        const QString &self = map.label;
        const QString where = QStringLiteral(" in ") + self;
        SourceLocation nameAt = rule.where;
        const auto ruleName = mapName(map, QStringLiteral("alert"), &nameAt);
        bool valid = ruleName.has_value();
        rule.name = ruleName.value_or(QString());
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
        if (valid
            && firstDefinition(firstLine, rule.name, rule.where.line, nameAt,
                               QStringLiteral("alert '%1'").arg(rule.name)))
            result << rule;
    });
    return result;
}

} // namespace Baton::Parser
