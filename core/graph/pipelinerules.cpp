#include "pipelinerules.h"

#include "pipelinegraph.h"
#include "util/suggest.h"

#include <QHash>
#include <QSet>
#include <algorithm>

namespace Baton {

QString PipelineRules::cycleMessage(const QStringList &cycle, const QString &pipelineName)
{
    return QStringLiteral("dependency cycle: %1 (pipeline '%2')")
        .arg(cycle.join(QStringLiteral(" → ")), pipelineName);
}

QList<PipelineIssue> PipelineRules::check(const QList<TaskSpec> &tasks, const QString &pipelineName,
                                          const QStringList &jobNames)
{
    QList<PipelineIssue> issues;
    auto issue = [&](PipelineRule rule, int task, int dependency, const QString &message) {
        PipelineIssue i;
        i.rule = rule;
        i.task = task;
        i.dependency = dependency;
        i.message = message;
        issues << i;
        return &issues.last();
    };

    if (tasks.isEmpty()) {
        // Import refuses an empty 'tasks:'; the editor's save must refuse what deleting every
        // task leaves, or its export could not be imported back.
        issue(PipelineRule::NoTasks, -1, -1,
              pipelineName.isEmpty()
                  ? QStringLiteral("the pipeline has no tasks; list at least one")
                  : QStringLiteral("pipeline '%1' has no tasks; list at least one")
                        .arg(pipelineName));
        return issues;
    }

    const QSet<QString> jobs(jobNames.cbegin(), jobNames.cend());
    PipelineGraph graph;
    QHash<QString, NodeId> ids; // the first task of each name
    QStringList names;
    std::vector<int> taskOfNode;
    for (int i = 0; i < tasks.size(); ++i) {
        const TaskSpec &task = tasks.at(i);
        if (!isValidName(task.name)) {
            issue(PipelineRule::TaskName, i, -1,
                  QStringLiteral("invalid task name '%1': use letters, digits, '_', '-' and '.', "
                                 "not starting with '.'")
                      .arg(task.name));
        }
        if (!jobs.contains(task.job)) {
            issue(
                PipelineRule::UnknownJob, i, -1,
                QStringLiteral("unknown job '%1'%2").arg(task.job, didYouMean(task.job, jobNames)));
        }
        const auto first = ids.constFind(task.name);
        if (first != ids.constEnd()) {
            PipelineIssue *dup = issue(PipelineRule::DuplicateTask, i, -1,
                                       QStringLiteral("duplicate task '%1' in pipeline '%2'")
                                           .arg(task.name, pipelineName));
            dup->firstTask = taskOfNode[*first];
            continue;
        }
        const NodeId id = graph.addNode(task.name);
        ids.insert(task.name, id);
        names << task.name;
        if (std::size_t(id) >= taskOfNode.size())
            taskOfNode.resize(std::size_t(id) + 1, -1);
        taskOfNode[id] = i;
    }

    for (int i = 0; i < tasks.size(); ++i) {
        const TaskSpec &task = tasks.at(i);
        const NodeId self = ids.value(task.name, -1);
        const bool owner = self >= 0 && taskOfNode[self] == i; // not a duplicate
        QSet<QString> seen;
        for (int k = 0; k < task.after.size(); ++k) {
            const DependencySpec &d = task.after.at(k);
            if (d.task == task.name) {
                issue(PipelineRule::SelfDependency, i, k,
                      QStringLiteral("task '%1' depends on itself").arg(task.name));
            } else if (!ids.contains(d.task)) {
                issue(PipelineRule::UnknownDependency, i, k,
                      QStringLiteral("task '%1' runs after unknown task '%2'%3 in pipeline '%4'")
                          .arg(task.name, d.task, didYouMean(d.task, names), pipelineName));
            } else if (seen.contains(d.task)) {
                issue(
                    PipelineRule::DuplicateDependency, i, k,
                    QStringLiteral("task '%1' lists '%2' twice in 'after'").arg(task.name, d.task));
            } else {
                seen.insert(d.task);
                if (owner)
                    graph.addEdgeUnchecked(ids.value(d.task), self, d.condition);
            }
        }
    }

    // Report every independent cycle: break each one found at its closing edge and look again.
    for (int guard = 0; guard <= tasks.size(); ++guard) {
        std::vector<NodeId> cycle = graph.findCycle();
        if (cycle.size() < 2)
            break;
        cycle.pop_back();
        // Start at the task defined first, so the message reads in definition order.
        const auto first = std::min_element(cycle.begin(), cycle.end(), [&](NodeId a, NodeId b) {
            return taskOfNode[a] < taskOfNode[b];
        });
        std::rotate(cycle.begin(), first, cycle.end());
        QStringList path;
        for (NodeId id : cycle)
            path << graph.name(id);
        path << graph.name(cycle.front());
        PipelineIssue *c = issue(PipelineRule::Cycle, taskOfNode[cycle.front()], -1,
                                 cycleMessage(path, pipelineName));
        c->cycle = path;
        graph.removeEdge(cycle.back(), cycle.front());
    }
    return issues;
}

} // namespace Baton
