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
    const auto list = items(e, QStringLiteral("a list of {name: ..., value: ...}"));
    if (!list)
        return result;
    QHash<QPair<QString, QString>, int> firstLine;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const YAML::Node &item = (*list)[i];
        if (!item.IsMap()) {
            error(at(item),
                  QStringLiteral("variables: expected {name: ..., value: ...}, got %1")
                      .arg(describe(item)));
            continue;
        }
        VariableSpec v;
        v.where = at(item);
        const QString label = peek(item, QStringLiteral("name"));
        const Fields f = fields(item, kVariableKeys,
                                label.isEmpty() ? QStringLiteral(" in variable at index %1").arg(i)
                                                : QStringLiteral(" in variable '%1'").arg(label));
        bool valid = true;
        SourceLocation nameAt = at(item);
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
                error(at(item), QStringLiteral("variable at index %1 has no 'name'").arg(i));
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
            continue;
        if (!v.value && !v.secret && valueOk && !f.misspelt(QStringLiteral("value"))) {
            error(at(item),
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
        const QPair<QString, QString> key { v.name, v.environment };
        const auto first = firstLine.constFind(key);
        if (first != firstLine.constEnd()) {
            const QString scope = v.environment.isEmpty()
                ? QString()
                : QStringLiteral(" for environment '%1'").arg(v.environment);
            error(nameAt,
                  QStringLiteral("duplicate variable '%1'%2 (first defined at line %3)")
                      .arg(v.name, scope)
                      .arg(*first));
            continue;
        }
        firstLine.insert(key, v.where.line);
        result << v;
    }
    return result;
}

} // namespace Baton::Parser
