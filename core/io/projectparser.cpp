#include "projectparser.h"

#include "io/parser/documentparser.h"
#include "util/suggest.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSet>
#include <algorithm>
#include <optional>
#include <vector>
#include <yaml-cpp/yaml.h>

namespace Baton {

using namespace Parser;

namespace {

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

} // namespace Baton
