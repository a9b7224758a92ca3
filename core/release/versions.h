#pragma once

#include "model/projectspec.h"
#include "releasetarget.h"

#include <QHash>
#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

namespace Baton {

/// One immutable version of a job or a pipeline.
struct VersionInfo
{
    qint64 id = 0;
    int number = 0;
    QString contentHash;
    QString author;
    QString releaseNote;
    qint64 createdAt = 0;
    QString technology; ///< jobs only
    QString runtime; ///< jobs only
    QString command; ///< jobs only
    QStringList deployedIn; ///< environments running it now, in path order
};

/// A version named on a command line: "PROJECT/NAME@3", "PROJECT/NAME@prod" (what prod runs) or
/// "PROJECT/NAME" (the latest).
struct VersionRef
{
    ReleaseTarget target;
    qint64 versionId = 0;
    int number = 0;
    QString label; ///< "churn/train v3" or "churn/train v3 (prod)"
};

/// Reading versions: lists, numbers, and a version's full content back as a spec.
class Versions
{
public:
    /// Newest first.
    static QList<VersionInfo> list(const QSqlDatabase &db, const ReleaseTarget &target);
    /// Throws Baton::Error when @p target has no version @p number.
    static qint64 idOf(const QSqlDatabase &db, const ReleaseTarget &target, int number);
    static int numberOf(const QSqlDatabase &db, const ReleaseTarget &target, qint64 versionId);
    static qint64 latestId(const QSqlDatabase &db, const ReleaseTarget &target);
    static QString releaseNote(const QSqlDatabase &db, const ReleaseTarget &target,
                               qint64 versionId);

    /// A job version as a spec: command, technology, runtime, settings, resources and files.
    static JobSpec jobSpec(const QSqlDatabase &db, qint64 jobVersionId);
    /// A pipeline version as a spec; @p pins (if given) receives task → pinned job version id.
    static PipelineSpec pipelineSpec(const QSqlDatabase &db, qint64 pipelineVersionId,
                                     QHash<QString, qint64> *pins = nullptr);
    /// job name → job version id pinned by a pipeline version.
    static QHash<QString, qint64> pinnedJobVersions(const QSqlDatabase &db,
                                                    qint64 pipelineVersionId);

    /// Parses "PROJECT/NAME[@N|@ENV]". Throws Baton::Error naming what does not exist.
    static VersionRef resolve(const QSqlDatabase &db, const QString &text,
                              const QString &kind = {});
};

} // namespace Baton
