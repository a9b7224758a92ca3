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
    QStringList environmentNames;
    for (const auto &env : project.environments)
        environmentNames << env.name;
    QHash<QString, int> firstLine;
    const NamedList list { QStringLiteral("pipeline"), QStringLiteral("a list of pipelines"),
                           QStringLiteral("a map describing a pipeline"), kPipelineKeys };
    forEachNamedMap(e, list, [&](const NamedMap &m) {
        const Fields &f = m.fields;
        PipelineSpec p;
        p.where = at(m.node);
        SourceLocation nameAt = p.where;
        const std::optional<QString> pipelineName = mapName(m, QStringLiteral("pipeline"), &nameAt);
        if (const Entry *d = f.get(QStringLiteral("description")))
            p.description = string(*d).value_or(QString());
        if (const Entry *r = f.get(QStringLiteral("release_note")))
            p.releaseNote = string(*r).value_or(QString());
        if (const Entry *s = f.get(QStringLiteral("schedule")))
            schedule(*s, &p);
        if (const Entry *t = f.get(QStringLiteral("timezone")))
            timezone(*t, &p);
        if (const Entry *mf = f.get(QStringLiteral("misfire"))) {
            const auto s = string(*mf);
            if (s && kMisfirePolicies.contains(*s))
                p.misfire = *s;
            else if (s)
                error(at(*mf),
                      QStringLiteral("misfire: expected skip, run_once or run_all, got "
                                     "%1%2")
                          .arg(describe(mf->value), didYouMean(*s, kMisfirePolicies)));
        }
        if (const Entry *mp = f.get(QStringLiteral("max_parallel")))
            p.maxParallel = wholeNumber(*mp, 1).value_or(0);
        if (const Entry *v = f.get(QStringLiteral("variables")))
            p.variables = variables(*v, environmentNames);
        const QString taskOwner
            = pipelineName ? *pipelineName : peek(m.node, QStringLiteral("name"));
        if (const Entry *t = f.get(QStringLiteral("tasks"))) {
            p.tasks = tasks(*t, taskOwner, project); // an empty list: PipelineRule::NoTasks
        } else if (!f.misspelt(QStringLiteral("tasks"))) {
            error(p.where, QStringLiteral("pipeline at index %1 has no 'tasks'").arg(m.index));
        }

        if (!pipelineName)
            return;
        p.name = *pipelineName;
        if (firstDefinition(firstLine, p.name, p.where.line, nameAt,
                            QStringLiteral("pipeline '%1'").arg(p.name)))
            result << p;
    });
    return result;
}

} // namespace Baton::Parser
