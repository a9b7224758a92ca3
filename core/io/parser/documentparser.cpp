// What every section uses: positions, a map's keys, and values of each kind; and the
// document's top level, which hands each section its key.
#include "io/parser/documentparser.h"

#include "util/suggest.h"

#include <QRegularExpression>
#include <cmath>

namespace Baton::Parser {

namespace {

const QStringList kTopKeys
    = { QStringLiteral("project"),   QStringLiteral("description"), QStringLiteral("environments"),
        QStringLiteral("variables"), QStringLiteral("jobs"),        QStringLiteral("pipelines"),
        QStringLiteral("alerts") };
const QString kNameRule = QStringLiteral("use letters, digits, '_', '-' and '.', not starting "
                                         "with '.'");

} // namespace

Fields DocumentParser::fields(const YAML::Node &map, const QStringList &allowed,
                              const QString &where)
{
    Fields f;
    QHash<QString, int> firstLine;
    for (auto it = map.begin(); it != map.end(); ++it) {
        const YAML::Node key = it->first;
        if (!key.IsScalar()) {
            error(at(key), QStringLiteral("expected a key name, got %1").arg(describe(key)));
            continue;
        }
        const QString k = text(key);
        const auto seen = firstLine.constFind(k);
        if (seen != firstLine.constEnd()) {
            error(at(key),
                  QStringLiteral("duplicate key '%1' (first at line %2)")
                      .arg(k, QString::number(*seen)));
            continue;
        }
        firstLine.insert(k, at(key).line);
        if (!allowed.contains(k)) {
            const QString suggestion = closestMatch(k, allowed);
            if (!suggestion.isEmpty())
                f.suggested.insert(suggestion);
            error(at(key),
                  QStringLiteral("unknown key '%1'%2%3").arg(k, where, didYouMean(k, allowed)));
            continue;
        }
        f.entries.insert(k, { key, it->second });
    }
    return f;
}

std::optional<QString> DocumentParser::string(const Entry &e)
{
    if (e.value.IsNull())
        return QString();
    if (!e.value.IsScalar()) {
        error(at(e), QStringLiteral("%1: expected text, got %2").arg(e.name(), describe(e.value)));
        return std::nullopt;
    }
    const QString value = text(e.value);
    // A NUL cannot pass through argv, the environment or a file name: it would fail at run time.
    if (value.contains(QChar(0))) {
        error(at(e),
              QStringLiteral("%1: contains a NUL character (\\0), which a command, variable or "
                             "path cannot hold")
                  .arg(e.name()));
        return std::nullopt;
    }
    return value;
}

std::optional<QString> DocumentParser::name(const Entry &e, const QString &kind)
{
    const auto s = string(e);
    if (!s)
        return std::nullopt;
    if (!isValidName(*s)) {
        error(at(e), QStringLiteral("invalid %1 name '%2': %3").arg(kind, *s, kNameRule));
        return std::nullopt;
    }
    return s;
}

std::optional<int> DocumentParser::wholeNumber(const Entry &e, int minimum)
{
    static const QRegularExpression re(QStringLiteral("^[+-]?\\d{1,9}$"));
    if (e.value.IsScalar() && re.match(text(e.value)).hasMatch()) {
        const int n = text(e.value).toInt();
        if (n >= minimum)
            return n;
    }
    error(at(e),
          QStringLiteral("%1: expected a whole number ≥ %2, got %3")
              .arg(e.name())
              .arg(minimum)
              .arg(describe(e.value)));
    return std::nullopt;
}

std::optional<bool> DocumentParser::boolean(const Entry &e)
{
    bool b = false;
    if (e.value.IsScalar() && YAML::convert<bool>::decode(e.value, b))
        return b;
    error(at(e),
          QStringLiteral("%1: expected true or false, got %2").arg(e.name(), describe(e.value)));
    return std::nullopt;
}

std::optional<int> DocumentParser::duration(const Entry &e, bool positive)
{
    if (e.value.IsScalar()) {
        if (const auto seconds = parseDuration(text(e.value))) {
            if (!positive || *seconds > 0)
                return seconds;
            error(at(e),
                  QStringLiteral("%1: must be longer than 0s, got %2")
                      .arg(e.name(), describe(e.value)));
            return std::nullopt;
        }
    }
    error(at(e),
          QStringLiteral("%1: expected a duration such as 90s, 10m, 2h or 1d, got %2")
              .arg(e.name(), describe(e.value)));
    return std::nullopt;
}

std::optional<std::vector<YAML::Node>> DocumentParser::items(const Entry &e,
                                                             const QString &expected, bool scalarOk)
{
    std::vector<YAML::Node> result;
    if (e.value.IsNull())
        return result;
    if (e.value.IsScalar() && scalarOk) {
        result.push_back(e.value);
        return result;
    }
    if (!e.value.IsSequence()) {
        error(at(e),
              QStringLiteral("%1: expected %2, got %3").arg(e.name(), expected, describe(e.value)));
        return std::nullopt;
    }
    for (auto it = e.value.begin(); it != e.value.end(); ++it)
        result.push_back(*it);
    return result;
}

void DocumentParser::runSettings(const Fields &f, RunSettings *settings)
{
    if (const Entry *e = f.get(QStringLiteral("retries")))
        settings->retries = wholeNumber(*e, 0);
    if (const Entry *e = f.get(QStringLiteral("retry_delay")))
        settings->retryDelaySeconds = duration(*e, false);
    if (const Entry *e = f.get(QStringLiteral("timeout")))
        settings->timeoutSeconds = duration(*e, true);
}

std::optional<std::size_t>
DocumentParser::forEachNamedMap(const Entry &e, const NamedList &list,
                                const std::function<void(const NamedMap &)> &read)
{
    const auto nodes = items(e, list.expected);
    if (!nodes)
        return std::nullopt;
    for (std::size_t i = 0; i < nodes->size(); ++i) {
        const YAML::Node &node = (*nodes)[i];
        if (!node.IsMap()) {
            error(
                at(node),
                QStringLiteral("%1: expected %2, got %3").arg(e.name(), list.item, describe(node)));
            continue;
        }
        const QString label = itemLabel(node, i, list);
        read({ node, i, label, fields(node, list.keys, QStringLiteral(" in ") + label) });
    }
    return nodes->size();
}

QString DocumentParser::itemLabel(const YAML::Node &map, std::size_t index, const NamedList &list)
{
    for (const QString &key : list.labelKeys) {
        const QString given = peek(map, key);
        if (!given.isEmpty())
            return QStringLiteral("%1 '%2'%3").arg(list.kind, given, list.suffix);
    }
    return QStringLiteral("%1 at index %2%3").arg(list.kind, QString::number(index), list.suffix);
}

std::optional<QString> DocumentParser::mapName(const NamedMap &map, const QString &kind,
                                               SourceLocation *nameAt)
{
    if (const Entry *n = map.fields.get(QStringLiteral("name"))) {
        *nameAt = at(*n);
        return name(*n, kind);
    }
    if (!map.fields.misspelt(QStringLiteral("name")))
        error(at(map.node),
              QStringLiteral("%1 at index %2 has no 'name'").arg(kind).arg(map.index));
    return std::nullopt;
}

ProjectSpec DocumentParser::project(const YAML::Node &root)
{
    ProjectSpec p;
    p.sourceFile = m_file;
    if (!root.IsMap()) {
        const SourceLocation where = at(root).line > 0 ? at(root) : SourceLocation { m_file, 1, 1 };
        error(where,
              QStringLiteral("expected a map with a 'project' key, got %1").arg(describe(root)));
        return p;
    }
    p.where = at(root);
    const Fields f = fields(root, kTopKeys, QString());
    if (const Entry *e = f.get(QStringLiteral("project"))) {
        p.where = at(e->key);
        p.name = name(*e, QStringLiteral("project")).value_or(QString());
    } else if (!f.misspelt(QStringLiteral("project"))) {
        error(at(root), QStringLiteral("missing required key 'project' (the project's name)"));
    }
    if (const Entry *e = f.get(QStringLiteral("description")))
        p.description = string(*e).value_or(QString());
    if (const Entry *e = f.get(QStringLiteral("environments")))
        p.environments = environments(*e);
    else
        p.environments = defaultEnvironments();
    QStringList environmentNames;
    for (const auto &env : std::as_const(p.environments))
        environmentNames << env.name;
    if (const Entry *e = f.get(QStringLiteral("variables")))
        p.variables = variables(*e, environmentNames);
    if (const Entry *e = f.get(QStringLiteral("jobs")))
        p.jobs = jobs(*e);
    if (const Entry *e = f.get(QStringLiteral("pipelines")))
        p.pipelines = pipelines(*e, p);
    checkRewriteJobs(p);
    if (const Entry *e = f.get(QStringLiteral("alerts")))
        p.alerts = alerts(*e, p);
    return p;
}

} // namespace Baton::Parser
