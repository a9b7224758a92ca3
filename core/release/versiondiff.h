#pragma once

#include "graph/pipelinediff.h"
#include "linediff.h"
#include "releasetarget.h"

#include <QJsonObject>
#include <QList>
#include <QSqlDatabase>
#include <QString>

namespace Baton {

/// One file of a job version that differs.
struct FileDiff
{
    QString path;
    QString status; ///< added | removed | changed | mode (only the executable bit changed)
    bool binary = false;
    QList<DiffLine> lines; ///< empty for binary files
    int added = 0;
    int removed = 0;
};

/// How two versions of one job differ: fields (command, technology, runtime, settings,
/// resources, description) and files (line diffs).
struct JobDiff
{
    QString job;
    int fromVersion = 0; ///< 0: the job was not there before
    int toVersion = 0;
    QList<FieldChange> fields;
    QList<FileDiff> files;
    bool isEmpty() const { return fields.isEmpty() && files.isEmpty(); }
};

/// The diff between two versions of a job or of a pipeline. For pipelines: tasks and edges
/// (PipelineDiff), each task's pinned job version, and the diff of every job whose version
/// changes.
struct VersionDiff
{
    ReleaseKind kind = ReleaseKind::Pipeline;
    QString fromLabel; ///< "churn/nightly v2", or "nothing" when there was no version
    QString toLabel;
    JobDiff job; ///< kind Job
    PipelineDiff pipeline; ///< kind Pipeline
    QList<JobDiff> jobs; ///< kind Pipeline: jobs whose pinned version differs

    bool isEmpty() const;
    /// Readable lines, as `baton diff` prints them.
    QStringList toLines() const;
    QJsonObject toJson() const;

    /// Diffs version @p fromVersionId (0: nothing deployed) → @p toVersionId of @p target.
    static VersionDiff compute(const QSqlDatabase &db, const ReleaseTarget &target,
                               qint64 fromVersionId, qint64 toVersionId);
    /// Diffs two job versions (0 for an absent side).
    static JobDiff diffJobs(const QSqlDatabase &db, qint64 fromJobVersionId, qint64 toJobVersionId);
};

} // namespace Baton
