// A pipeline's tasks and their dependencies, checked by the rules the DAG editor shares.
#include "graph/pipelinerules.h"
#include "io/parser/documentparser.h"
#include "util/suggest.h"

namespace Baton::Parser {

namespace {

const QStringList kTaskKeys
    = { QStringLiteral("name"),   QStringLiteral("job"),     QStringLiteral("after"),
        QStringLiteral("when"),   QStringLiteral("retries"), QStringLiteral("retry_delay"),
        QStringLiteral("timeout") };
const QStringList kDependencyKeys = { QStringLiteral("task"), QStringLiteral("when") };
const QStringList kConditions
    = { QStringLiteral("success"), QStringLiteral("failed"), QStringLiteral("always") };

} // namespace

QList<TaskSpec> DocumentParser::tasks(const Entry &e, const QString &pipelineName,
                                      const ProjectSpec &project)
{
    QList<TaskSpec> result;
    QStringList jobNames;
    for (const auto &job : project.jobs)
        jobNames << job.name;
    const QString inPipeline = QStringLiteral(" of pipeline '%1'").arg(pipelineName);
    QList<SourceLocation> nameAts; // by task of result
    QList<SourceLocation> jobAts;
    const NamedList list { QStringLiteral("task"),
                           QStringLiteral("a list of tasks"),
                           QStringLiteral("a map such as {job: ...}"),
                           kTaskKeys,
                           { QStringLiteral("name"), QStringLiteral("job") },
                           inPipeline };
    const auto count = forEachNamedMap(e, list, [&](const NamedMap &map) {
        const Fields &f = map.fields;
        const QString &label = map.label;
        TaskSpec task;
        task.where = at(map.node);

        std::optional<QString> jobName;
        SourceLocation nameAt = task.where;
        SourceLocation jobAt = task.where;
        if (const Entry *j = f.get(QStringLiteral("job"))) {
            nameAt = at(*j);
            jobAt = at(*j);
            jobName = string(*j);
        } else if (!f.misspelt(QStringLiteral("job"))) {
            error(task.where,
                  QStringLiteral("task at index %1%2 has no 'job'").arg(map.index).arg(inPipeline));
        }
        std::optional<QString> taskName = jobName;
        if (const Entry *n = f.get(QStringLiteral("name"))) {
            nameAt = at(*n);
            taskName = name(*n, QStringLiteral("task"));
        } else if (jobName && !isValidName(*jobName)) {
            taskName.reset(); // already reported as an unknown job
        }

        EdgeCondition when = EdgeCondition::Success;
        if (const Entry *w = f.get(QStringLiteral("when"))) {
            const auto s = string(*w);
            const auto c = s ? edgeConditionFromString(*s) : std::nullopt;
            if (c)
                when = *c;
            else if (s)
                error(at(*w),
                      QStringLiteral("when: expected success, failed or always, got %1%2")
                          .arg(describe(w->value), didYouMean(*s, kConditions)));
            if (!f.get(QStringLiteral("after")))
                warning(at(*w), QStringLiteral("when: has no effect without 'after'"));
        }
        if (const Entry *a = f.get(QStringLiteral("after"))) {
            const auto deps = items(*a, QStringLiteral("a list of task names"), true);
            for (std::size_t k = 0; deps && k < deps->size(); ++k) {
                const YAML::Node &dep = (*deps)[k];
                DependencySpec d;
                d.where = at(dep);
                d.condition = when;
                if (dep.IsScalar()) {
                    d.task = text(dep);
                } else if (dep.IsMap()) {
                    const Fields df = fields(dep, kDependencyKeys,
                                             QStringLiteral(" in an 'after' item of ") + label);
                    if (const Entry *t = df.get(QStringLiteral("task"))) {
                        d.task = string(*t).value_or(QString());
                    } else {
                        if (!df.misspelt(QStringLiteral("task")))
                            error(at(dep),
                                  QStringLiteral("'after' item at index %1 of %2 has no "
                                                 "'task'")
                                      .arg(k)
                                      .arg(label));
                        continue;
                    }
                    d.condition = EdgeCondition::Success;
                    if (const Entry *w = df.get(QStringLiteral("when"))) {
                        const auto s = string(*w);
                        const auto c = s ? edgeConditionFromString(*s) : std::nullopt;
                        if (c)
                            d.condition = *c;
                        else if (s)
                            error(at(*w),
                                  QStringLiteral("when: expected success, failed or "
                                                 "always, got %1%2")
                                      .arg(describe(w->value), didYouMean(*s, kConditions)));
                    }
                } else {
                    error(at(dep),
                          QStringLiteral("after: expected a task name or {task: ..., "
                                         "when: ...}, got %1")
                              .arg(describe(dep)));
                    continue;
                }
                task.after << d;
            }
        }
        runSettings(f, &task.settings);

        if (!jobName || !taskName) {
            // A task that cannot be checked with the others: its job is still worth naming.
            if (jobName && !jobNames.contains(*jobName)) {
                error(jobAt,
                      QStringLiteral("unknown job '%1'%2")
                          .arg(*jobName, didYouMean(*jobName, jobNames)));
            }
            return;
        }
        task.job = *jobName;
        task.name = *taskName;
        result << task;
        nameAts << nameAt;
        jobAts << jobAt;
    });
    if (!count)
        return result;
    // The rules shared with the DAG editor; here each issue gets its file:line:column.
    const QList<PipelineIssue> issues = PipelineRules::check(result, pipelineName, jobNames);
    QSet<int> duplicates;
    for (const PipelineIssue &issue : issues) {
        if (issue.rule == PipelineRule::NoTasks) {
            if (*count == 0) // else each task was refused with its own error already
                error(at(e), QStringLiteral("tasks: ") + issue.message);
            continue;
        }
        const TaskSpec &task = result.at(issue.task);
        switch (issue.rule) {
        case PipelineRule::UnknownJob:
            error(jobAts.at(issue.task), issue.message);
            break;
        case PipelineRule::DuplicateTask:
            duplicates.insert(issue.task);
            error(nameAts.at(issue.task),
                  issue.message
                      + QStringLiteral(" (first defined at line %1; give one of them a 'name')")
                            .arg(result.at(issue.firstTask).where.line));
            break;
        case PipelineRule::SelfDependency:
        case PipelineRule::UnknownDependency:
        case PipelineRule::DuplicateDependency:
            error(task.after.at(issue.dependency).where, issue.message);
            break;
        case PipelineRule::TaskName:
        case PipelineRule::Cycle:
            error(task.where, issue.message);
            break;
        case PipelineRule::NoTasks:
            break; // placed above
        }
    }
    QList<TaskSpec> unique;
    for (int i = 0; i < result.size(); ++i) {
        if (!duplicates.contains(i))
            unique << result.at(i);
    }
    return unique;
}

} // namespace Baton::Parser
