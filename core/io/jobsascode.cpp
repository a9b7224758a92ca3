#include "jobsascode.h"

#include "io/projectemitter.h"
#include "store/catalog.h"
#include "util/error.h"

#include <QDir>
#include <QFileInfo>

namespace Baton {

QStringList ImportOutcome::errorLines() const
{
    QStringList lines;
    for (const Diagnostic &e : parsed.errors)
        lines << e.where.toString() + QStringLiteral(": error: ") + e.message;
    return lines;
}

QStringList ImportOutcome::warningLines() const
{
    QStringList lines;
    for (const Diagnostic &w : parsed.warnings)
        lines << w.where.toString() + QStringLiteral(": warning: ") + w.message;
    return lines;
}

ImportOutcome JobsAsCode::importPath(const Store &store, const QString &path, const QString &actor)
{
    ImportOutcome outcome;
    if (!QFileInfo::exists(path)) {
        outcome.parsed.errors << Diagnostic { SourceLocation { path, 0, 0 },
                                              QStringLiteral("no such file or directory") };
        return outcome;
    }
    outcome.parsed = ProjectParser::parsePath(path);
    if (!outcome.ok())
        return outcome;
    outcome.summary = ProjectWriter::apply(store, outcome.parsed.projects, actor);
    return outcome;
}

QList<ExportedProject> JobsAsCode::exportProjects(const QSqlDatabase &db, const QString &directory,
                                                  const QString &project)
{
    QStringList names;
    if (!project.isEmpty()) {
        names << project;
    } else {
        for (const ProjectInfo &p : Catalog::projects(db))
            names << p.name;
    }
    if (names.isEmpty())
        throw Error(QStringLiteral("nothing to export: the workspace has no projects"));
    // Read every project before writing anything, so a bad name leaves the directory untouched.
    QList<ProjectSpec> specs;
    for (const QString &name : names)
        specs << Catalog::projectSpec(db, name);
    QList<ExportedProject> written;
    for (const ProjectSpec &spec : specs) {
        ExportedProject e;
        e.project = spec.name;
        e.files = ProjectEmitter::writeProject(spec, directory);
        e.directory = QDir(directory).filePath(spec.name);
        written << e;
    }
    return written;
}

} // namespace Baton
