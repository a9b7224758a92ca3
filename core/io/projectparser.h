#pragma once

#include "model/projectspec.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace Baton {

/// What reading jobs-as-code produced: every project, or every problem (never half of both).
struct ParseResult
{
    QList<ProjectSpec> projects; ///< empty when errors is non-empty (all-or-nothing)
    QList<Diagnostic> errors; ///< every problem found, in file then line order
    QList<Diagnostic> warnings; ///< accepted, but worth a look (e.g. a secret's value in a file)
    bool ok() const { return errors.isEmpty(); }
};

/// Reads jobs-as-code YAML into ProjectSpec values, validating everything it can and
/// pointing at file:line:column for each problem.
class ProjectParser
{
public:
    /// One YAML file, or every *.yaml / *.yml below a directory (recursive, sorted by path).
    /// Also reads each job's files (relative to the YAML file). Works on Qt resource paths
    /// (":/...") too. In a directory, YAML files without a `project` key are skipped: silently
    /// when a project ships them as a job file, with a warning otherwise.
    static ParseResult parsePath(const QString &path);
    /// One document already in memory; @p baseDir resolves job files (empty: the directory of
    /// @p fileName).
    static ParseResult parseText(const QByteArray &yaml, const QString &fileName,
                                 const QString &baseDir);
};

} // namespace Baton
