// variables: the project's and a pipeline's, per environment or for all, secret or not.
#include "io/parser/documentparser.h"
#include "util/suggest.h"

namespace Baton::Parser {

namespace {

const QStringList kVariableKeys = { QStringLiteral("name"), QStringLiteral("value"),
                                    QStringLiteral("secret"), QStringLiteral("env") };

} // namespace

QList<VariableSpec> DocumentParser::variables(const Entry &e, const QStringList &environments)
{
    QList<VariableSpec> result;
    QHash<QPair<QString, QString>, int> firstLine;
    const NamedList list { QStringLiteral("variable"),
                           QStringLiteral("a list of {name: ..., value: ...}"),
                           QStringLiteral("{name: ..., value: ...}"), kVariableKeys };
    forEachNamedMap(e, list, [&](const NamedMap &map) {
        const Fields &f = map.fields;
        VariableSpec v;
        v.where = at(map.node);
        bool valid = true;
        SourceLocation nameAt = v.where;
        if (const Entry *n = f.get(QStringLiteral("name"))) {
            nameAt = at(*n);
            const auto s = string(*n);
            if (s && isValidVariableName(*s)) {
                v.name = *s;
            } else {
                valid = false;
                if (s)
                    error(at(*n),
                          QStringLiteral("invalid variable name '%1': use a shell "
                                         "identifier (letters, digits and '_', not "
                                         "starting with a digit)")
                              .arg(*s));
            }
        } else {
            valid = false;
            if (!f.misspelt(QStringLiteral("name")))
                error(v.where, QStringLiteral("variable at index %1 has no 'name'").arg(map.index));
        }
        bool valueOk = true;
        if (const Entry *val = f.get(QStringLiteral("value"))) {
            if (val->value.IsScalar()) {
                const auto value = string(*val); // refuses a NUL: no environment can hold it
                valueOk = value.has_value();
                if (value)
                    v.value = *value;
            } else if (!val->value.IsNull()) {
                valueOk = false;
                error(at(*val),
                      QStringLiteral("value: expected text, a number or true/false, "
                                     "got %1")
                          .arg(describe(val->value)));
            }
        }
        if (const Entry *s = f.get(QStringLiteral("secret"))) {
            const auto b = boolean(*s);
            v.secret = b.value_or(false);
            valueOk = valueOk && b.has_value(); // unknown whether a value is needed
        }
        if (const Entry *env = f.get(QStringLiteral("env"))) {
            const auto s = string(*env);
            if (s && !s->isEmpty() && !environments.contains(*s)) {
                error(at(*env),
                      QStringLiteral("env: unknown environment '%1'%2 (the project's "
                                     "environments: %3)")
                          .arg(*s, didYouMean(*s, environments),
                               environments.join(QStringLiteral(", "))));
            } else if (s) {
                v.environment = *s;
            }
        }
        if (!valid)
            return;
        if (!v.value && !v.secret && valueOk && !f.misspelt(QStringLiteral("value"))) {
            error(v.where,
                  QStringLiteral("variable '%1' has no 'value' (only a secret may "
                                 "leave its value to the workspace)")
                      .arg(v.name));
        }
        if (v.value && v.secret) {
            warning(at(*f.get(QStringLiteral("value"))),
                    QStringLiteral("secret '%1' has its value written in the file; keep secret "
                                   "values in the workspace instead")
                        .arg(v.name));
        }
        const QString scope = v.environment.isEmpty()
            ? QString()
            : QStringLiteral(" for environment '%1'").arg(v.environment);
        if (firstDefinition(firstLine, qMakePair(v.name, v.environment), v.where.line, nameAt,
                            QStringLiteral("variable '%1'%2").arg(v.name, scope)))
            result << v;
    });
    return result;
}

} // namespace Baton::Parser
