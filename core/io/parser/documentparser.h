#pragma once

// The jobs-as-code parser's own pieces, shared by its section files (core/io/parser/*.cpp):
// ProjectParser is the interface; nothing outside core/io includes this.

#include "model/projectspec.h"

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>
#include <functional>
#include <optional>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace Baton::Parser {

inline QString text(const YAML::Node &node)
{
    return QString::fromStdString(node.Scalar());
}

inline QString describe(const YAML::Node &node)
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
inline QString peek(const YAML::Node &map, const QString &key)
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

    /// What a list of named maps holds (jobs, pipelines, tasks, variables, alerts).
    struct NamedList
    {
        QString kind; ///< one item, in messages: "job"
        QString expected; ///< what the value should be: "a list of jobs"
        QString item; ///< what an item should be: "a map describing a job"
        QStringList keys; ///< the keys an item may have
        QStringList labelKeys { QStringLiteral("name") }; ///< what names an item; first given wins
        QString suffix; ///< after each label: " of pipeline 'daily'"
    };
    /// One map of such a list, as its section reads it.
    struct NamedMap
    {
        const YAML::Node &node;
        std::size_t index = 0;
        QString label; ///< "job 'load'", or "job at index 2" when it names none
        Fields fields; ///< its keys, checked against NamedList::keys
    };
    /// Hands each map of the list @p e to @p read, in order. A value that is no list and items
    /// that are no maps are reported ("jobs: expected a map describing a job, got 'x'"). The
    /// number of items, or nothing when the value is no list.
    std::optional<std::size_t> forEachNamedMap(const Entry &e, const NamedList &list,
                                               const std::function<void(const NamedMap &)> &read);
    /// "job 'load'" for a map that names itself, else "job at index 2".
    static QString itemLabel(const YAML::Node &map, std::size_t index, const NamedList &list);
    /// Its 'name' checked as a @p kind name; a missing one is reported ("job at index 2 has no
    /// 'name'") unless a misspelt key was reported instead. @p nameAt: where it is written.
    std::optional<QString> mapName(const NamedMap &map, const QString &kind,
                                   SourceLocation *nameAt);
    /// Whether @p key is defined here first (then its @p line is remembered); else reports
    /// "duplicate <what> (first defined at line N)" at @p where.
    template<typename Key>
    bool firstDefinition(QHash<Key, int> &seen, const Key &key, int line,
                         const SourceLocation &where, const QString &what)
    {
        const auto first = seen.constFind(key);
        if (first != seen.constEnd()) {
            error(where,
                  QStringLiteral("duplicate %1 (first defined at line %2)")
                      .arg(what, QString::number(*first)));
            return false;
        }
        seen.insert(key, line);
        return true;
    }

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

} // namespace Baton::Parser
