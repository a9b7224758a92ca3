// pipelines: their schedule, limits and variables (tasks in tasks.cpp).
#include "io/parser/documentparser.h"
#include "util/suggest.h"

namespace Baton::Parser {

namespace {

const QStringList kPipelineKeys = { QStringLiteral("name"),         QStringLiteral("description"),
                                    QStringLiteral("release_note"), QStringLiteral("schedule"),
                                    QStringLiteral("timezone"),     QStringLiteral("misfire"),
                                    QStringLiteral("max_parallel"), QStringLiteral("variables"),
                                    QStringLiteral("tasks") };
const QStringList kMisfirePolicies
    = { QStringLiteral("skip"), QStringLiteral("run_once"), QStringLiteral("run_all") };

} // namespace

QList<PipelineSpec> DocumentParser::pipelines(const Entry &e, const ProjectSpec &project)
{
    QList<PipelineSpec> result;
    const auto list = items(e, QStringLiteral("a list of pipelines"));
    if (!list)
        return result;
    QStringList environmentNames;
    for (const auto &env : project.environments)
        environmentNames << env.name;
    QHash<QString, int> firstLine;
    for (std::size_t i = 0; i < list->size(); ++i) {
        const YAML::Node &item = (*list)[i];
        if (!item.IsMap()) {
            error(at(item),
                  QStringLiteral("pipelines: expected a map describing a pipeline, "
                                 "got %1")
                      .arg(describe(item)));
            continue;
        }
        PipelineSpec p;
        p.where = at(item);
        const QString peeked = peek(item, QStringLiteral("name"));
        const QString label = peeked.isEmpty() ? QStringLiteral("pipeline at index %1").arg(i)
                                               : QStringLiteral("pipeline '%1'").arg(peeked);
        const Fields f = fields(item, kPipelineKeys, QStringLiteral(" in ") + label);
        std::optional<QString> pipelineName;
        SourceLocation nameAt = at(item);
        if (const Entry *n = f.get(QStringLiteral("name"))) {
            nameAt = at(*n);
            pipelineName = name(*n, QStringLiteral("pipeline"));
        } else if (!f.misspelt(QStringLiteral("name"))) {
            error(at(item), QStringLiteral("pipeline at index %1 has no 'name'").arg(i));
        }
        if (const Entry *d = f.get(QStringLiteral("description")))
            p.description = string(*d).value_or(QString());
        if (const Entry *r = f.get(QStringLiteral("release_note")))
            p.releaseNote = string(*r).value_or(QString());
        if (const Entry *s = f.get(QStringLiteral("schedule")))
            schedule(*s, &p);
        if (const Entry *t = f.get(QStringLiteral("timezone")))
            timezone(*t, &p);
        if (const Entry *m = f.get(QStringLiteral("misfire"))) {
            const auto s = string(*m);
            if (s && kMisfirePolicies.contains(*s))
                p.misfire = *s;
            else if (s)
                error(at(*m),
                      QStringLiteral("misfire: expected skip, run_once or run_all, got "
                                     "%1%2")
                          .arg(describe(m->value), didYouMean(*s, kMisfirePolicies)));
        }
        if (const Entry *m = f.get(QStringLiteral("max_parallel")))
            p.maxParallel = wholeNumber(*m, 1).value_or(0);
        if (const Entry *v = f.get(QStringLiteral("variables")))
            p.variables = variables(*v, environmentNames);
        const QString taskOwner = pipelineName ? *pipelineName : peeked;
        if (const Entry *t = f.get(QStringLiteral("tasks"))) {
            p.tasks = tasks(*t, taskOwner, project); // an empty list: PipelineRule::NoTasks
        } else if (!f.misspelt(QStringLiteral("tasks"))) {
            error(at(item), QStringLiteral("pipeline at index %1 has no 'tasks'").arg(i));
        }

        if (!pipelineName)
            continue;
        p.name = *pipelineName;
        const auto first = firstLine.constFind(p.name);
        if (first != firstLine.constEnd()) {
            error(nameAt,
                  QStringLiteral("duplicate pipeline '%1' (first defined at line %2)")
                      .arg(p.name)
                      .arg(*first));
            continue;
        }
        firstLine.insert(p.name, p.where.line);
        result << p;
    }
    return result;
}

} // namespace Baton::Parser
