#pragma once

#include "io/projectparser.h"
#include "store/projectwriter.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

namespace Baton {

class Store;

/// What an import of jobs-as-code did: every problem found, or what changed.
struct ImportOutcome
{
    ParseResult parsed; ///< errors and warnings, each with file:line
    ImportSummary summary; ///< empty unless ok()
    bool ok() const { return parsed.ok(); }
    /// "file:line:column: error: message" per error (what `baton import` prints).
    QStringList errorLines() const;
    QStringList warningLines() const;
};

/// One project written by an export.
struct ExportedProject
{
    QString project;
    QString directory; ///< DIR/project
    QStringList files;
};

/// Import and export of jobs-as-code: one implementation for `baton import` / `baton export` and
/// the console's File menu. Import is all or nothing: every file is parsed and validated first,
/// and nothing reaches the store unless all of it is valid.
class JobsAsCode
{
public:
    /// Imports a YAML file or a directory of them. A missing path is an error of the outcome
    /// (nothing written); storing a valid set throws Baton::Error on a store failure.
    static ImportOutcome importPath(const Store &store, const QString &path, const QString &actor);

    /// Writes @p project (empty: every project) into @p directory. Every project is read
    /// before anything is written, so an unknown name leaves the directory untouched. Throws
    /// Baton::Error (no projects, unknown project, unwritable directory).
    static QList<ExportedProject> exportProjects(const QSqlDatabase &db, const QString &directory,
                                                 const QString &project = {});
};

} // namespace Baton
