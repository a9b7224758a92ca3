#pragma once

#include "model/projectspec.h"

#include <QList>
#include <QString>

namespace Baton {

/// One field of a task, an edge or the pipeline itself that differs between two versions.
struct FieldChange
{
    QString field; ///< "job", "retries", "timeout", "condition", "max_parallel", ...
    QString before; ///< canonical text; empty when unset
    QString after;
    bool operator==(const FieldChange &) const = default;
};

struct TaskChange
{
    QString task;
    QList<FieldChange> changes; ///< never empty
    bool operator==(const TaskChange &) const = default;
};

/// An edge is named by its ends: "from → to".
struct EdgeRef
{
    QString from;
    QString to;
    EdgeCondition condition = EdgeCondition::Success;
    bool operator==(const EdgeRef &) const = default;
};

struct EdgeChange
{
    QString from;
    QString to;
    EdgeCondition before = EdgeCondition::Success;
    EdgeCondition after = EdgeCondition::Success;
    bool operator==(const EdgeChange &) const = default;
};

/// What changed from one pipeline definition to another: tasks and edges added, removed and
/// changed, plus pipeline-level fields. Shared by the editor's save dialog and `baton diff`.
/// Lists are sorted (tasks by name, edges by from then to) so output is stable.
struct PipelineDiff
{
    QList<FieldChange> pipeline; ///< description, max_parallel
    QStringList tasksAdded;
    QStringList tasksRemoved;
    QList<TaskChange> tasksChanged;
    QList<EdgeRef> edgesAdded;
    QList<EdgeRef> edgesRemoved;
    QList<EdgeChange> edgesChanged; ///< same ends, different condition

    bool isEmpty() const;
    /// Human-readable lines ("+ task score (job score)", "- edge a → b", "~ task train: retries 1 →
    /// 3").
    QStringList toLines() const;
};

/// Appends a change to @p out when @p before and @p after differ.
void compareField(QList<FieldChange> &out, const QString &field, const QString &before,
                  const QString &after);
/// The retries, retry_delay and timeout of two settings, as FieldChanges.
void compareSettings(QList<FieldChange> &out, const RunSettings &before, const RunSettings &after);
/// A setting's canonical text ("3", "10m"); empty when unset.
QString settingText(const std::optional<int> &value, bool duration);

/// Compares two definitions of the same pipeline. Task job *versions* are not part of a
/// PipelineSpec; callers that compare stored versions add a "job_version" change per task.
PipelineDiff diffPipelines(const PipelineSpec &before, const PipelineSpec &after);

} // namespace Baton
