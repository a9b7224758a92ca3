#pragma once

#include "model/projectspec.h"

#include <QList>
#include <QString>

namespace Baton {

class Store;

/// What an import changed.
struct ImportSummary
{
    struct Version
    {
        QString project;
        QString kind; ///< "job" or "pipeline"
        QString name;
        int number = 0;
        bool created = false; ///< false: the definition was unchanged, the latest version stays
    };
    QStringList projectsCreated;
    QStringList projectsUpdated;
    QList<Version> versions;
    QStringList archived; ///< "project/job" entries no longer in the files
    QList<Diagnostic> warnings;

    int createdVersions() const;
};

/// Writes parsed projects into the store: new immutable versions for changed jobs and
/// pipelines, never an edit of an old one. All projects land in one transaction.
class ProjectWriter
{
public:
    static ImportSummary apply(const Store &store, const QList<ProjectSpec> &projects,
                               const QString &actor);
};

} // namespace Baton
