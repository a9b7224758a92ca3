#include "projectparser.h"

#include "graph/pipelinerules.h"
#include "scheduling/cronexpression.h"
#include "util/suggest.h"

#include <QDateTime>
#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QRegularExpression>
#include <QSet>
#include <QTimeZone>
#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace Baton {
namespace {

const QStringList kTopKeys
    = { QStringLiteral("project"),   QStringLiteral("description"), QStringLiteral("environments"),
        QStringLiteral("variables"), QStringLiteral("jobs"),        QStringLiteral("pipelines"),
        QStringLiteral("alerts") };
const QStringList kEnvironmentKeys
    = { QStringLiteral("name"), QStringLiteral("approval"), QStringLiteral("rewrite") };
const QStringList kRewriteKeys = { QStringLiteral("variable"), QStringLiteral("setting"),
                                   QStringLiteral("value"), QStringLiteral("job") };
const QStringList kRewriteSettings
    = { QStringLiteral("retries"), QStringLiteral("retry_delay"), QStringLiteral("timeout") };
const QStringList kVariableKeys = { QStringLiteral("name"), QStringLiteral("value"),
                                    QStringLiteral("secret"), QStringLiteral("env") };
const QStringList kJobKeys
    = { QStringLiteral("name"),         QStringLiteral("command"),  QStringLiteral("files"),
        QStringLiteral("technology"),   QStringLiteral("runtime"),  QStringLiteral("description"),
        QStringLiteral("release_note"), QStringLiteral("retries"),  QStringLiteral("retry_delay"),
        QStringLiteral("timeout"),      QStringLiteral("resources") };
const QStringList kResourceKeys = { QStringLiteral("cpus"), QStringLiteral("memory") };
const QStringList kPipelineKeys = { QStringLiteral("name"),         QStringLiteral("description"),
                                    QStringLiteral("release_note"), QStringLiteral("schedule"),
                                    QStringLiteral("timezone"),     QStringLiteral("misfire"),
                                    QStringLiteral("max_parallel"), QStringLiteral("variables"),
                                    QStringLiteral("tasks") };
const QStringList kTaskKeys
    = { QStringLiteral("name"),   QStringLiteral("job"),     QStringLiteral("after"),
        QStringLiteral("when"),   QStringLiteral("retries"), QStringLiteral("retry_delay"),
        QStringLiteral("timeout") };
const QStringList kDependencyKeys = { QStringLiteral("task"), QStringLiteral("when") };
const QStringList kConditions
    = { QStringLiteral("success"), QStringLiteral("failed"), QStringLiteral("always") };
const QStringList kMisfirePolicies
    = { QStringLiteral("skip"), QStringLiteral("run_once"), QStringLiteral("run_all") };
const QStringList kCronShortcuts
    = { QStringLiteral("@yearly"), QStringLiteral("@annually"), QStringLiteral("@monthly"),
        QStringLiteral("@weekly"), QStringLiteral("@daily"),    QStringLiteral("@midnight"),
        QStringLiteral("@hourly") };
const QStringList kCronFields
    = { QStringLiteral("minute"), QStringLiteral("hour"), QStringLiteral("day-of-month"),
        QStringLiteral("month"), QStringLiteral("day-of-week") };

const QString kNameRule = QStringLiteral("use letters, digits, '_', '-' and '.', not starting "
                                         "with '.'");

QString text(const YAML::Node &node)
{
    return QString::fromStdString(node.Scalar());
}

QString describe(const YAML::Node &node)
{
    switch (node.Type()) {
    case YAML::NodeType::Sequence:
        return QStringLiteral("a list");
    case YAML::NodeType::Map:
        return QStringLiteral("a map");
    case YAML::NodeType::Scalar: {
        QString t = text(node);
        if (t.size() > 40)
            t = t.left(37) + QStringLiteral("...");
        return QLatin1Char('\'') + t + QLatin1Char('\'');
    }
    default:
        return QStringLiteral("nothing");
    }
}

/// A key and its value, as written.
struct Entry
{
    YAML::Node key;
    YAML::Node value;
    QString name() const { return text(key); }
};

/// The recognised keys of one map (first occurrence of each).
struct Fields
{
    QHash<QString, Entry> entries;
    QSet<QString> suggested; ///< keys offered for misspelt ones: not reported missing as well
    bool misspelt(const QString &key) const { return suggested.contains(key); }
    const Entry *get(const QString &key) const
    {
        const auto it = entries.constFind(key);
        return it == entries.constEnd() ? nullptr : &it.value();
    }
};

/// The value of @p key in @p map when it is a non-empty scalar (to name things in messages
/// before the map has been validated).
QString peek(const YAML::Node &map, const QString &key)
{
    for (auto it = map.begin(); it != map.end(); ++it) {
        if (it->first.IsScalar() && text(it->first) == key && it->second.IsScalar())
            return text(it->second);
    }
    return {};
}

/// Parses one YAML document into a ProjectSpec, reporting every problem it finds.
class DocumentParser
{
public:
    DocumentParser(const QString &file, const QByteArray &data, const QString &baseDir,
                   QList<Diagnostic> *errors, QList<Diagnostic> *warnings)
        : m_file(file)
        , m_lines(data.split('\n'))
        , m_baseDir(baseDir)
        , m_errors(errors)
        , m_warnings(warnings)
    { }

    SourceLocation at(const YAML::Mark &mark) const
    {
        if (mark.is_null() || mark.line < 0)
            return { m_file, 0, 0 };
        int column = mark.column + 1;
        // yaml-cpp counts bytes; people count characters.
        if (mark.line < m_lines.size()) {
            const QByteArray before = m_lines.at(mark.line).left(mark.column);
            column = int(QString::fromUtf8(before).toUcs4().size()) + 1;
        }
        return { m_file, mark.line + 1, column };
    }
    SourceLocation at(const YAML::Node &node) const { return at(node.Mark()); }
    /// Where a value was written; an empty value has no position of its own, so its key's.
    SourceLocation at(const Entry &e) const { return e.value.IsNull() ? at(e.key) : at(e.value); }

    void error(const SourceLocation &where, const QString &message)
    {
        m_errors->append({ where, message });
    }
    void warning(const SourceLocation &where, const QString &message)
    {
        m_warnings->append({ where, message });
    }

    ProjectSpec project(const YAML::Node &root);
    const QStringList &referencedFiles() const { return m_referenced; }

private:
    Fields fields(const YAML::Node &map, const QStringList &allowed, const QString &where);
    std::optional<QString> string(const Entry &e);
    std::optional<QString> name(const Entry &e, const QString &kind);
    std::optional<int> wholeNumber(const Entry &e, int minimum);
    std::optional<bool> boolean(const Entry &e);
    std::optional<int> duration(const Entry &e, bool positive);
    /// The items of a list value; a scalar counts as a one-item list when @p scalarOk.
    std::optional<std::vector<YAML::Node>> items(const Entry &e, const QString &expected,
                                                 bool scalarOk = false);
    void runSettings(const Fields &f, RunSettings *settings);

    QList<EnvironmentSpec> environments(const Entry &e);
    QList<RewriteRule> rewrites(const Entry &e, const QString &envName);
    void checkRewriteJobs(const ProjectSpec &project);
    QList<VariableSpec> variables(const Entry &e, const QStringList &environments);
    QList<JobSpec> jobs(const Entry &e);
    std::optional<JobFile> jobFile(const YAML::Node &node);
    Resources resources(const Entry &e, const QString &jobLabel);
    QList<PipelineSpec> pipelines(const Entry &e, const ProjectSpec &project);
    void schedule(const Entry &e, PipelineSpec *pipeline);
    void timezone(const Entry &e, PipelineSpec *pipeline);
    QList<TaskSpec> tasks(const Entry &e, const QString &pipelineName, const ProjectSpec &project);
    QList<AlertRuleSpec> alerts(const Entry &e, const ProjectSpec &project);

    QString m_file;
    QList<QByteArray> m_lines;
    QString m_baseDir;
    QList<Diagnostic> *m_errors;
    QList<Diagnostic> *m_warnings;
    QStringList m_referenced;
};

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
            const QString label = peek(item, QStringLiteral("name"));
            const Fields f
                = fields(item, kEnvironmentKeys,
                         label.isEmpty() ? QStringLiteral(" in environment at index %1").arg(i)
                                         : QStringLiteral(" in environment '%1'").arg(label));
            if (const Entry *n = f.get(QStringLiteral("name"))) {
                nameAt = at(*n);
                envName = name(*n, QStringLiteral("environment"));
            } else if (!f.misspelt(QStringLiteral("name"))) {
                error(at(item), QStringLiteral("environment at index %1 has no 'name'").arg(i));
            }
            if (const Entry *a = f.get(QStringLiteral("approval")))
                approval = boolean(*a);
            if (const Entry *r = f.get(QStringLiteral("rewrite")))
                env.rewrites = rewrites(*r, label);
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
        const auto first = firstLine.constFind(env.name);
        if (first != firstLine.constEnd()) {
            error(nameAt,
                  QStringLiteral("duplicate environment '%1' (first defined at line %2)")
                      .arg(env.name)
                      .arg(*first));
            continue;
        }
        firstLine.insert(env.name, env.where.line);
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

QList<JobSpec> DocumentParser::jobs(const Entry &e)
{
    QList<JobSpec> result;
    const auto list = items(e, QStringLiteral("a list of jobs"));
    if (!list)
        return result;
    QHash<QString, int> firstLine;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const YAML::Node &item = (*list)[i];
        if (!item.IsMap()) {
            error(at(item),
                  QStringLiteral("jobs: expected a map describing a job, got %1")
                      .arg(describe(item)));
            continue;
        }
        JobSpec job;
        job.where = at(item);
        const QString peeked = peek(item, QStringLiteral("name"));
        const QString label = peeked.isEmpty() ? QStringLiteral("job at index %1").arg(i)
                                               : QStringLiteral("job '%1'").arg(peeked);
        const Fields f = fields(item, kJobKeys, QStringLiteral(" in ") + label);
        std::optional<QString> jobName;
        SourceLocation nameAt = at(item);
        if (const Entry *n = f.get(QStringLiteral("name"))) {
            nameAt = at(*n);
            jobName = name(*n, QStringLiteral("job"));
        } else if (!f.misspelt(QStringLiteral("name"))) {
            error(at(item), QStringLiteral("job at index %1 has no 'name'").arg(i));
        }
        if (const Entry *c = f.get(QStringLiteral("command"))) {
            const auto s = string(*c);
            if (s && s->trimmed().isEmpty())
                error(at(*c), QStringLiteral("command: must not be empty"));
            else if (s)
                job.command = *s;
        } else if (!f.misspelt(QStringLiteral("command"))) {
            error(at(item), QStringLiteral("job at index %1 has no 'command'").arg(i));
        }
        if (const Entry *files = f.get(QStringLiteral("files"))) {
            if (const auto list = items(*files, QStringLiteral("a list of file paths"), true)) {
                QHash<QString, int> firstFile;
                for (const YAML::Node &node : *list) {
                    if (!node.IsScalar()) {
                        error(at(node),
                              QStringLiteral("files: expected a file path, got %1")
                                  .arg(describe(node)));
                        continue;
                    }
                    const auto file = jobFile(node);
                    if (!file)
                        continue;
                    const auto first = firstFile.constFind(file->path);
                    if (first != firstFile.constEnd()) {
                        error(at(node),
                              QStringLiteral("file '%1' is listed twice (first at "
                                             "line %2)")
                                  .arg(file->path, QString::number(*first)));
                        continue;
                    }
                    firstFile.insert(file->path, at(node).line);
                    job.files << *file;
                }
            }
        }
        if (const Entry *t = f.get(QStringLiteral("technology")))
            job.technology = string(*t).value_or(QString());
        if (const Entry *r = f.get(QStringLiteral("runtime")))
            job.runtime = string(*r).value_or(QString());
        if (const Entry *d = f.get(QStringLiteral("description")))
            job.description = string(*d).value_or(QString());
        if (const Entry *r = f.get(QStringLiteral("release_note")))
            job.releaseNote = string(*r).value_or(QString());
        if (const Entry *r = f.get(QStringLiteral("resources")))
            job.resources = resources(*r, label);
        runSettings(f, &job.settings);

        if (!jobName)
            continue;
        job.name = *jobName;
        const auto first = firstLine.constFind(job.name);
        if (first != firstLine.constEnd()) {
            error(nameAt,
                  QStringLiteral("duplicate job '%1' (first defined at line %2)")
                      .arg(job.name)
                      .arg(*first));
            continue;
        }
        firstLine.insert(job.name, job.where.line);
        result << job;
    }
    return result;
}

std::optional<JobFile> DocumentParser::jobFile(const YAML::Node &node)
{
    const QString raw = text(node);
    if (raw.trimmed().isEmpty()) {
        error(at(node), QStringLiteral("files: empty file path"));
        return std::nullopt;
    }
    if (raw.contains(QChar(0))) {
        error(at(node), QStringLiteral("files: a path cannot contain a NUL character (\\0)"));
        return std::nullopt;
    }
    if (QDir::isAbsolutePath(raw) || raw.startsWith(QLatin1Char('/'))
        || raw.startsWith(QLatin1Char(':')) || raw.startsWith(QLatin1Char('~'))) {
        error(at(node),
              QStringLiteral("file '%1' is an absolute path; list job files relative "
                             "to the project file")
                  .arg(raw));
        return std::nullopt;
    }
    const QString clean = QDir::cleanPath(raw);
    if (clean == QLatin1String("..") || clean.startsWith(QLatin1String("../"))) {
        error(at(node), QStringLiteral("file '%1' escapes the project file's directory").arg(raw));
        return std::nullopt;
    }
    const QString full = m_baseDir.isEmpty() ? clean : QDir(m_baseDir).filePath(clean);
    const QFileInfo info(full);
    if (clean == QLatin1String(".") || info.isDir()) {
        error(at(node),
              QStringLiteral("file '%1' is a directory (%2); list the files inside it")
                  .arg(raw, full));
        return std::nullopt;
    }
    if (!info.exists()) {
        error(at(node), QStringLiteral("file '%1' not found (looked for %2)").arg(raw, full));
        return std::nullopt;
    }
    QString readPath = full;
    if (!full.startsWith(QLatin1Char(':'))) {
        // A symbolic link (the file's or a directory's on the way) must not carry content from
        // outside the project into the store, diffs and exports.
        const QString real = info.canonicalFilePath();
        const QString base
            = QFileInfo(m_baseDir.isEmpty() ? QDir::currentPath() : m_baseDir).canonicalFilePath();
        if (real.isEmpty() || base.isEmpty()
            || !(real.startsWith(base + QLatin1Char('/')) || base == QLatin1String("/"))) {
            error(at(node),
                  QStringLiteral("file '%1' is a symbolic link to %2, outside the project file's "
                                 "directory; copy the file into the project instead")
                      .arg(raw, real.isEmpty() ? full : real));
            return std::nullopt;
        }
        readPath = real; // what was checked is what is read
    }
    QFile file(readPath);
    if (!file.open(QIODevice::ReadOnly)) {
        error(at(node),
              QStringLiteral("cannot read file '%1' (%2): %3").arg(raw, full, file.errorString()));
        return std::nullopt;
    }
    JobFile result;
    result.path = clean;
    result.content = file.readAll();
    if (full.startsWith(QLatin1Char(':'))) {
        // Qt resources carry no permissions: scripts are what would be run directly.
        result.executable = clean.endsWith(QLatin1String(".sh")) || result.content.startsWith("#!");
    } else {
        result.executable = info.permissions().testFlag(QFileDevice::ExeOwner);
    }
    m_referenced << QDir::cleanPath(info.absoluteFilePath());
    return result;
}

Resources DocumentParser::resources(const Entry &e, const QString &jobLabel)
{
    Resources r;
    if (e.value.IsNull())
        return r;
    if (!e.value.IsMap()) {
        error(at(e),
              QStringLiteral("resources: expected a map such as {cpus: 2, memory: 4G}, "
                             "got %1")
                  .arg(describe(e.value)));
        return r;
    }
    const Fields f = fields(e.value, kResourceKeys, QStringLiteral(" in resources of ") + jobLabel);
    if (const Entry *c = f.get(QStringLiteral("cpus")))
        r.cpus = wholeNumber(*c, 1);
    if (const Entry *m = f.get(QStringLiteral("memory"))) {
        static const QRegularExpression re(QStringLiteral("^\\d+[KMGT]?$"));
        if (m->value.IsScalar() && re.match(text(m->value)).hasMatch())
            r.memory = text(m->value);
        else
            error(at(*m),
                  QStringLiteral("memory: expected a size such as 512M or 4G, got %1")
                      .arg(describe(m->value)));
    }
    return r;
}

QList<PipelineSpec> DocumentParser::pipelines(const Entry &e, const ProjectSpec &project)
{
    QList<PipelineSpec> result;
    const auto list = items(e, QStringLiteral("a list of pipelines"));
    if (!list)
        return result;
    QStringList environmentNames;
    for (const auto &env : project.environments)
        environmentNames << env.name;
    QHash<QString, int> firstLine;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const YAML::Node &item = (*list)[i];
        if (!item.IsMap()) {
            error(at(item),
                  QStringLiteral("pipelines: expected a map describing a pipeline, "
                                 "got %1")
                      .arg(describe(item)));
            continue;
        }
        PipelineSpec p;
        p.where = at(item);
        const QString peeked = peek(item, QStringLiteral("name"));
        const QString label = peeked.isEmpty() ? QStringLiteral("pipeline at index %1").arg(i)
                                               : QStringLiteral("pipeline '%1'").arg(peeked);
        const Fields f = fields(item, kPipelineKeys, QStringLiteral(" in ") + label);
        std::optional<QString> pipelineName;
        SourceLocation nameAt = at(item);
        if (const Entry *n = f.get(QStringLiteral("name"))) {
            nameAt = at(*n);
            pipelineName = name(*n, QStringLiteral("pipeline"));
        } else if (!f.misspelt(QStringLiteral("name"))) {
            error(at(item), QStringLiteral("pipeline at index %1 has no 'name'").arg(i));
        }
        if (const Entry *d = f.get(QStringLiteral("description")))
            p.description = string(*d).value_or(QString());
        if (const Entry *r = f.get(QStringLiteral("release_note")))
            p.releaseNote = string(*r).value_or(QString());
        if (const Entry *s = f.get(QStringLiteral("schedule")))
            schedule(*s, &p);
        if (const Entry *t = f.get(QStringLiteral("timezone")))
            timezone(*t, &p);
        if (const Entry *m = f.get(QStringLiteral("misfire"))) {
            const auto s = string(*m);
            if (s && kMisfirePolicies.contains(*s))
                p.misfire = *s;
            else if (s)
                error(at(*m),
                      QStringLiteral("misfire: expected skip, run_once or run_all, got "
                                     "%1%2")
                          .arg(describe(m->value), didYouMean(*s, kMisfirePolicies)));
        }
        if (const Entry *m = f.get(QStringLiteral("max_parallel")))
            p.maxParallel = wholeNumber(*m, 1).value_or(0);
        if (const Entry *v = f.get(QStringLiteral("variables")))
            p.variables = variables(*v, environmentNames);
        const QString taskOwner = pipelineName ? *pipelineName : peeked;
        if (const Entry *t = f.get(QStringLiteral("tasks"))) {
            p.tasks = tasks(*t, taskOwner, project); // an empty list: PipelineRule::NoTasks
        } else if (!f.misspelt(QStringLiteral("tasks"))) {
            error(at(item), QStringLiteral("pipeline at index %1 has no 'tasks'").arg(i));
        }

        if (!pipelineName)
            continue;
        p.name = *pipelineName;
        const auto first = firstLine.constFind(p.name);
        if (first != firstLine.constEnd()) {
            error(nameAt,
                  QStringLiteral("duplicate pipeline '%1' (first defined at line %2)")
                      .arg(p.name)
                      .arg(*first));
            continue;
        }
        firstLine.insert(p.name, p.where.line);
        result << p;
    }
    return result;
}

void DocumentParser::schedule(const Entry &e, PipelineSpec *pipeline)
{
    const auto s = string(e);
    if (!s)
        return;
    const QString cron = s->trimmed();
    if (cron.isEmpty())
        return;
    if (cron.startsWith(QLatin1Char('@'))) {
        if (!kCronShortcuts.contains(cron)) {
            error(at(e),
                  QStringLiteral("schedule: unknown shortcut '%1'%2 (expected 5 fields or "
                                 "one of %3)")
                      .arg(cron, didYouMean(cron, kCronShortcuts),
                           kCronShortcuts.join(QStringLiteral(", "))));
            return;
        }
        pipeline->schedule = cron;
        return;
    }
    static const QRegularExpression space(QStringLiteral("\\s+"));
    const QStringList parts = cron.split(space, Qt::SkipEmptyParts);
    if (parts.size() != kCronFields.size()) {
        error(at(e),
              QStringLiteral("schedule: expected 5 fields (%1), got %2")
                  .arg(kCronFields.join(QLatin1Char(' ')))
                  .arg(parts.size()));
        return;
    }
    // The engine's own parser: what imports is what fires (and what `schedule next` accepts).
    QString problem;
    const auto expression = CronExpression::parse(cron, &problem);
    if (!expression) {
        error(at(e), QStringLiteral("schedule: %1 in '%2'").arg(problem, cron));
        return;
    }
    if (!expression->next(QDateTime::currentDateTimeUtc(), QTimeZone::utc()))
        warning(at(e),
                QStringLiteral("schedule '%1' never fires: no date matches its day-of-month, "
                               "month and day-of-week fields")
                    .arg(cron));
    pipeline->schedule = cron;
}

void DocumentParser::timezone(const Entry &e, PipelineSpec *pipeline)
{
    const auto s = string(e);
    if (!s || s->isEmpty())
        return;
    if (QTimeZone::isTimeZoneIdAvailable(s->toUtf8())) {
        pipeline->timezone = *s;
        return;
    }
    static const QStringList known = [] {
        QStringList ids;
        for (const QByteArray &id : QTimeZone::availableTimeZoneIds())
            ids << QString::fromUtf8(id);
        return ids;
    }();
    error(at(e), QStringLiteral("unknown time zone '%1'%2").arg(*s, didYouMean(*s, known)));
}

QList<TaskSpec> DocumentParser::tasks(const Entry &e, const QString &pipelineName,
                                      const ProjectSpec &project)
{
    QList<TaskSpec> result;
    const auto list = items(e, QStringLiteral("a list of tasks"));
    if (!list)
        return result;
    QStringList jobNames;
    for (const auto &job : project.jobs)
        jobNames << job.name;
    const QString inPipeline = QStringLiteral(" of pipeline '%1'").arg(pipelineName);
    QList<SourceLocation> nameAts; // by task of result
    QList<SourceLocation> jobAts;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const YAML::Node &item = (*list)[i];
        if (!item.IsMap()) {
            error(at(item),
                  QStringLiteral("tasks: expected a map such as {job: ...}, got %1")
                      .arg(describe(item)));
            continue;
        }
        TaskSpec task;
        task.where = at(item);
        QString peeked = peek(item, QStringLiteral("name"));
        if (peeked.isEmpty())
            peeked = peek(item, QStringLiteral("job"));
        const QString label = peeked.isEmpty()
            ? QStringLiteral("task at index %1%2").arg(i).arg(inPipeline)
            : QStringLiteral("task '%1'%2").arg(peeked, inPipeline);
        const Fields f = fields(item, kTaskKeys, QStringLiteral(" in ") + label);

        std::optional<QString> jobName;
        SourceLocation nameAt = at(item);
        SourceLocation jobAt = at(item);
        if (const Entry *j = f.get(QStringLiteral("job"))) {
            nameAt = at(*j);
            jobAt = at(*j);
            jobName = string(*j);
        } else if (!f.misspelt(QStringLiteral("job"))) {
            error(at(item),
                  QStringLiteral("task at index %1%2 has no 'job'").arg(i).arg(inPipeline));
        }
        std::optional<QString> taskName = jobName;
        if (const Entry *n = f.get(QStringLiteral("name"))) {
            nameAt = at(*n);
            taskName = name(*n, QStringLiteral("task"));
        } else if (jobName && !isValidName(*jobName)) {
            taskName.reset(); // already reported as an unknown job
        }

        EdgeCondition when = EdgeCondition::Success;
        if (const Entry *w = f.get(QStringLiteral("when"))) {
            const auto s = string(*w);
            const auto c = s ? edgeConditionFromString(*s) : std::nullopt;
            if (c)
                when = *c;
            else if (s)
                error(at(*w),
                      QStringLiteral("when: expected success, failed or always, got %1%2")
                          .arg(describe(w->value), didYouMean(*s, kConditions)));
            if (!f.get(QStringLiteral("after")))
                warning(at(*w), QStringLiteral("when: has no effect without 'after'"));
        }
        if (const Entry *a = f.get(QStringLiteral("after"))) {
            const auto deps = items(*a, QStringLiteral("a list of task names"), true);
            for (std::size_t k = 0; deps && k < deps->size(); ++k) {
                const YAML::Node &dep = (*deps)[k];
                DependencySpec d;
                d.where = at(dep);
                d.condition = when;
                if (dep.IsScalar()) {
                    d.task = text(dep);
                } else if (dep.IsMap()) {
                    const Fields df = fields(dep, kDependencyKeys,
                                             QStringLiteral(" in an 'after' item of ") + label);
                    if (const Entry *t = df.get(QStringLiteral("task"))) {
                        d.task = string(*t).value_or(QString());
                    } else {
                        if (!df.misspelt(QStringLiteral("task")))
                            error(at(dep),
                                  QStringLiteral("'after' item at index %1 of %2 has no "
                                                 "'task'")
                                      .arg(k)
                                      .arg(label));
                        continue;
                    }
                    d.condition = EdgeCondition::Success;
                    if (const Entry *w = df.get(QStringLiteral("when"))) {
                        const auto s = string(*w);
                        const auto c = s ? edgeConditionFromString(*s) : std::nullopt;
                        if (c)
                            d.condition = *c;
                        else if (s)
                            error(at(*w),
                                  QStringLiteral("when: expected success, failed or "
                                                 "always, got %1%2")
                                      .arg(describe(w->value), didYouMean(*s, kConditions)));
                    }
                } else {
                    error(at(dep),
                          QStringLiteral("after: expected a task name or {task: ..., "
                                         "when: ...}, got %1")
                              .arg(describe(dep)));
                    continue;
                }
                task.after << d;
            }
        }
        runSettings(f, &task.settings);

        if (!jobName || !taskName) {
            // A task that cannot be checked with the others: its job is still worth naming.
            if (jobName && !jobNames.contains(*jobName)) {
                error(jobAt,
                      QStringLiteral("unknown job '%1'%2")
                          .arg(*jobName, didYouMean(*jobName, jobNames)));
            }
            continue;
        }
        task.job = *jobName;
        task.name = *taskName;
        result << task;
        nameAts << nameAt;
        jobAts << jobAt;
    }
    // The rules shared with the DAG editor; here each issue gets its file:line:column.
    const QList<PipelineIssue> issues = PipelineRules::check(result, pipelineName, jobNames);
    QSet<int> duplicates;
    for (const PipelineIssue &issue : issues) {
        if (issue.rule == PipelineRule::NoTasks) {
            if (list->empty()) // else each task was refused with its own error already
                error(at(e), QStringLiteral("tasks: ") + issue.message);
            continue;
        }
        const TaskSpec &task = result.at(issue.task);
        switch (issue.rule) {
        case PipelineRule::UnknownJob:
            error(jobAts.at(issue.task), issue.message);
            break;
        case PipelineRule::DuplicateTask:
            duplicates.insert(issue.task);
            error(nameAts.at(issue.task),
                  issue.message
                      + QStringLiteral(" (first defined at line %1; give one of them a 'name')")
                            .arg(result.at(issue.firstTask).where.line));
            break;
        case PipelineRule::SelfDependency:
        case PipelineRule::UnknownDependency:
        case PipelineRule::DuplicateDependency:
            error(task.after.at(issue.dependency).where, issue.message);
            break;
        case PipelineRule::TaskName:
        case PipelineRule::Cycle:
            error(task.where, issue.message);
            break;
        case PipelineRule::NoTasks:
            break; // placed above
        }
    }
    QList<TaskSpec> unique;
    for (int i = 0; i < result.size(); ++i) {
        if (!duplicates.contains(i))
            unique << result.at(i);
    }
    return unique;
}

/// One YAML file on its way to becoming a project.
struct Source
{
    QString path; ///< as shown in diagnostics
    QString baseDir; ///< where its job files are
    QByteArray data;
    QList<Diagnostic> errors;
    QList<Diagnostic> warnings;
    std::optional<ProjectSpec> project;
    QStringList referenced;
    bool isProject = true; ///< false: a directory's YAML file that is not a project file
    bool unreadable = false;
};

/// Whether a directory's YAML file is meant as a project file (so its mistakes are errors).
bool looksLikeProject(const YAML::Node &root)
{
    if (!root.IsMap())
        return false;
    for (auto it = root.begin(); it != root.end(); ++it) {
        if (!it->first.IsScalar())
            continue;
        const QString key = text(it->first);
        if (key == QLatin1String("project") || key == QLatin1String("jobs")
            || key == QLatin1String("pipelines") || key == QLatin1String("environments")
            || !closestMatch(key, { QStringLiteral("project") }).isEmpty()) {
            return true;
        }
    }
    return false;
}

/// Where a quoted scalar of @p node (or below it) opens without closing: yaml-cpp accepts a
/// quote left open at the end of the file, swallowing every following line into the string.
std::optional<YAML::Mark> unterminatedQuote(const QByteArray &data, const YAML::Node &node,
                                            QSet<std::pair<int, int>> &seen)
{
    const YAML::Mark mark = node.Mark();
    // An alias repeats a node already walked: once is enough (and bounds "billion laughs").
    const std::pair<int, int> key { mark.pos, int(node.Type()) };
    if (!mark.is_null() && seen.contains(key))
        return std::nullopt;
    seen.insert(key);
    if (node.IsScalar()) {
        const qsizetype pos = mark.pos;
        if (mark.is_null() || pos < 0 || pos >= data.size())
            return std::nullopt;
        const char quote = data.at(pos);
        if (quote != '"' && quote != '\'')
            return std::nullopt;
        for (qsizetype i = pos + 1; i < data.size(); ++i) {
            const char c = data.at(i);
            if (quote == '"' && c == '\\') {
                ++i; // an escaped character, perhaps a quote
            } else if (c == quote) {
                if (quote == '\'' && i + 1 < data.size() && data.at(i + 1) == '\'') {
                    ++i; // '' is a quote inside a single-quoted string
                    continue;
                }
                return std::nullopt;
            }
        }
        return mark;
    }
    for (auto it = node.begin(); it != node.end(); ++it) {
        if (node.IsMap()) {
            for (const YAML::Node &child : { it->first, it->second }) {
                if (const auto m = unterminatedQuote(data, child, seen))
                    return m;
            }
        } else if (const auto m = unterminatedQuote(data, *it, seen)) {
            return m;
        }
    }
    return std::nullopt;
}

void parseSource(Source &src, bool fromDirectory)
{
    DocumentParser parser(src.path, src.data, src.baseDir, &src.errors, &src.warnings);
    std::vector<YAML::Node> docs;
    try {
        docs = YAML::LoadAll(src.data.toStdString());
    } catch (const YAML::Exception &e) {
        SourceLocation where = parser.at(e.mark);
        if (where.line == 0)
            where = { src.path, 1, 1 };
        parser.error(where,
                     QStringLiteral("YAML syntax error: %1").arg(QString::fromStdString(e.msg)));
        src.unreadable = true;
        return;
    } catch (const std::exception &e) {
        parser.error({ src.path, 1, 1 }, QStringLiteral("cannot read the YAML: %1").arg(e.what()));
        src.unreadable = true;
        return;
    }
    std::erase_if(docs, [](const YAML::Node &d) { return d.IsNull(); });
    if (docs.empty()) {
        if (fromDirectory)
            src.isProject = false;
        else
            parser.error({ src.path, 1, 1 },
                         QStringLiteral("the file is empty; expected a map with a 'project' key"));
        return;
    }
    const YAML::Node &root = docs.front();
    if (fromDirectory && !looksLikeProject(root)) {
        src.isProject = false;
        return;
    }
    QSet<std::pair<int, int>> seen;
    if (const auto open = unterminatedQuote(src.data, root, seen)) {
        parser.error(parser.at(*open),
                     QStringLiteral("YAML syntax error: quoted string not closed (it runs to the "
                                    "end of the file)"));
        src.unreadable = true;
        return;
    }
    if (docs.size() > 1)
        parser.error(
            parser.at(docs.at(1)),
            QStringLiteral("a project file holds one YAML document; found %1").arg(docs.size()));
    src.project = parser.project(root);
    src.referenced = parser.referencedFiles();
}

bool byPosition(const Diagnostic &a, const Diagnostic &b)
{
    return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
}

ParseResult assemble(QList<Source> &sources)
{
    ParseResult result;
    QSet<QString> referenced;
    for (const Source &src : std::as_const(sources)) {
        for (const QString &path : src.referenced)
            referenced.insert(path);
    }
    QHash<QString, const Source *> byName;
    for (Source &src : sources) {
        const bool shipped
            = referenced.contains(QDir::cleanPath(QFileInfo(src.path).absoluteFilePath()));
        // A job's own YAML file (a config it reads, say) is content, not a project.
        if (shipped && (!src.isProject || src.unreadable))
            continue;
        if (!src.isProject) {
            result.warnings.append({ { src.path, 0, 0 },
                                     QStringLiteral("not a project file (no 'project' key); "
                                                    "skipped") });
            continue;
        }
        if (src.project && !src.project->name.isEmpty()) {
            const Source *first = byName.value(src.project->name);
            if (first) {
                src.errors.append(
                    { src.project->where,
                      QStringLiteral("duplicate project '%1' (first defined in %2)")
                          .arg(src.project->name, first->project->where.toString()) });
            } else {
                byName.insert(src.project->name, &src);
            }
        }
        std::stable_sort(src.errors.begin(), src.errors.end(), byPosition);
        std::stable_sort(src.warnings.begin(), src.warnings.end(), byPosition);
        result.errors += src.errors;
        result.warnings += src.warnings;
        if (src.project)
            result.projects << *src.project;
    }
    if (!result.errors.isEmpty())
        result.projects.clear();
    return result;
}

bool readSource(Source &src)
{
    QFile file(src.path);
    if (!file.open(QIODevice::ReadOnly)) {
        src.errors.append({ { src.path, 0, 0 },
                            QStringLiteral("cannot read the file: %1").arg(file.errorString()) });
        src.unreadable = true;
        return false;
    }
    src.data = file.readAll();
    return true;
}

} // namespace

ParseResult ProjectParser::parsePath(const QString &path)
{
    const QFileInfo info(path);
    if (!info.exists()) {
        ParseResult result;
        result.errors.append({ { path, 0, 0 }, QStringLiteral("no such file or directory") });
        return result;
    }
    QList<Source> sources;
    if (!info.isDir()) {
        Source src;
        src.path = path;
        src.baseDir = info.path();
        if (readSource(src))
            parseSource(src, false);
        sources << src;
        return assemble(sources);
    }

    QStringList files;
    QDirIterator it(QDir::cleanPath(path), { QStringLiteral("*.yaml"), QStringLiteral("*.yml") },
                    QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext())
        files << it.next();
    std::sort(files.begin(), files.end());
    if (files.isEmpty()) {
        ParseResult result;
        result.errors.append(
            { { path, 0, 0 }, QStringLiteral("no .yaml or .yml files found in this directory") });
        return result;
    }
    for (const QString &file : std::as_const(files)) {
        Source src;
        src.path = file;
        src.baseDir = QFileInfo(file).path();
        if (readSource(src))
            parseSource(src, true);
        sources << src;
    }
    return assemble(sources);
}

ParseResult ProjectParser::parseText(const QByteArray &yaml, const QString &fileName,
                                     const QString &baseDir)
{
    QList<Source> sources(1);
    Source &src = sources.front();
    src.path = fileName;
    src.baseDir = baseDir.isEmpty() ? QFileInfo(fileName).path() : baseDir;
    src.data = yaml;
    parseSource(src, false);
    return assemble(sources);
}

// ---- alerts: alert rules on business metrics (issue #8) ----------------------------------

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

} // namespace Baton
