#pragma once

#include "model/projectspec.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace Baton {

/// The rule a pipeline definition breaks.
enum class PipelineRule {
    TaskName, ///< not [A-Za-z0-9_.-]+
    UnknownJob, ///< runs a job the project does not have
    DuplicateTask, ///< two tasks with one name
    SelfDependency, ///< a task after itself
    UnknownDependency, ///< after a task the pipeline does not have
    DuplicateDependency, ///< the same upstream task twice in one 'after'
    Cycle, ///< a dependency cycle
    NoTasks, ///< the pipeline has no task at all (task is -1)
};

/// One broken rule, pointing into the tasks that were checked so that each caller can say
/// where: the parser as file:line:column, the editor by selecting the task or edge.
struct PipelineIssue
{
    PipelineRule rule = PipelineRule::TaskName;
    int task = -1; ///< index of the task at fault (the first of a cycle, in definition order)
    int dependency = -1; ///< index into that task's 'after', for the dependency rules
    int firstTask = -1; ///< DuplicateTask: the task that has the name first
    QStringList cycle; ///< Cycle: task names in order, the first repeated at the end
    QString message; ///< what is wrong, without a location
};

/// The rules every pipeline obeys, whether it comes from jobs-as-code or from the DAG editor:
/// at least one task, valid and unique task names, known jobs, dependencies on existing other
/// tasks, at most once each, and no cycles. Edge conditions are typed (EdgeCondition), so they
/// cannot be wrong here.
class PipelineRules
{
public:
    /// Every broken rule of @p tasks, in task order (cycles last; NoTasks alone). @p jobNames
    /// are the jobs of the project; @p pipelineName names the pipeline in messages.
    static QList<PipelineIssue> check(const QList<TaskSpec> &tasks, const QString &pipelineName,
                                      const QStringList &jobNames);

    /// "dependency cycle: a → b → a (pipeline 'p')"
    static QString cycleMessage(const QStringList &cycle, const QString &pipelineName);
};

} // namespace Baton
