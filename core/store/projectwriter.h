#pragma once

#include "model/projectspec.h"

#include <QHash>
#include <QList>
#include <QSqlDatabase>
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

    /// Inserts version @p number of pipeline @p pipelineId: its row, task rows pinned to
    /// @p jobVersionIds (by job name) and edge rows. The one place pipeline versions are
    /// written (import and the DAG editor's save); the caller holds the transaction and has
    /// validated @p pipeline. Returns the version's row id.
    static qint64 insertPipelineVersion(QSqlDatabase &db, qint64 projectId, qint64 pipelineId,
                                        int number, const QString &hash,
                                        const PipelineSpec &pipeline,
                                        const QHash<QString, qint64> &jobVersionIds,
                                        const QString &actor, qint64 now);
};

} // namespace Baton
