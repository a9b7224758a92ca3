#include "projectedits.h"

#include "io/projectemitter.h"
#include "io/projectparser.h"
#include "scheduling/cronexpression.h"
#include "store/catalog.h"
#include "store/store.h"
#include "util/error.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTimeZone>

namespace Baton {

namespace {

PipelineSpec *findPipeline(ProjectSpec &spec, const QString &name)
{
    for (PipelineSpec &p : spec.pipelines) {
        if (p.name == name)
            return &p;
    }
    throw Error(QStringLiteral("no pipeline %1/%2").arg(spec.name, name));
}

// Exports never carry a secret's value: a value typed in the console is put back after the
// round trip (the rest was checked by the parser; a value is free text).
void restoreSecretValues(QList<VariableSpec> &parsed, const QList<VariableSpec> &edited)
{
    for (VariableSpec &v : parsed) {
        if (!v.secret || v.value)
            continue;
        for (const VariableSpec &e : edited) {
            if (e.secret && e.value && e.name == v.name && e.environment == v.environment)
                v.value = e.value;
        }
    }
}

} // namespace

ImportSummary ProjectEdits::apply(const Store &store, const QString &project,
                                  const std::function<void(ProjectSpec &)> &edit,
                                  const QString &actor)
{
    ProjectSpec spec = Catalog::projectSpec(store.db(), project);
    edit(spec);
    // Through the files, as an import: one set of rules for the console and jobs-as-code.
    QTemporaryDir dir;
    if (!dir.isValid())
        throw Error(
            QStringLiteral("cannot create a temporary directory: %1").arg(dir.errorString()));
    try {
        ProjectEmitter::writeProject(spec, dir.path());
    } catch (const Error &e) {
        // Said as an export's problem ("cannot export project 'x': …"): here it is the edit's.
        QString message = e.message();
        const QString prefix = QStringLiteral("cannot export project '%1': ").arg(spec.name);
        if (message.startsWith(prefix))
            message = QStringLiteral("files: ") + message.mid(prefix.size());
        throw Error(message);
    }
    const ParseResult parsed = ProjectParser::parsePath(QDir(dir.path()).filePath(spec.name));
    if (!parsed.ok()) {
        QStringList messages;
        for (const Diagnostic &e : parsed.errors)
            messages << e.message;
        messages.removeDuplicates();
        throw Error(messages.join(QLatin1Char('\n')));
    }
    if (parsed.projects.size() != 1 || parsed.projects.first().name != project)
        throw Error(QStringLiteral("project %1: the edit did not read back").arg(project));
    // The project still comes from where it was last imported, not from the temporary copy.
    QList<ProjectSpec> projects = parsed.projects;
    projects.first().sourceFile.clear();
    restoreSecretValues(projects.first().variables, spec.variables);
    for (PipelineSpec &p : projects.first().pipelines) {
        if (const PipelineSpec *e = spec.pipeline(p.name))
            restoreSecretValues(p.variables, e->variables);
    }
    for (const ProjectInfo &p : Catalog::projects(store.db())) {
        if (p.name == project)
            projects.first().sourceFile = p.sourcePath;
    }
    return ProjectWriter::apply(store, projects, actor);
}

ImportSummary ProjectEdits::addJob(const Store &store, const QString &project, const JobSpec &job,
                                   const QString &actor)
{
    return apply(
        store, project,
        [&](ProjectSpec &spec) {
            if (spec.job(job.name))
                throw Error(QStringLiteral("name: %1/%2 already exists").arg(project, job.name));
            spec.jobs << job;
        },
        actor);
}

ImportSummary ProjectEdits::addPipeline(const Store &store, const QString &project,
                                        const PipelineSpec &pipeline, const QString &actor)
{
    return apply(
        store, project,
        [&](ProjectSpec &spec) {
            if (spec.pipeline(pipeline.name))
                throw Error(
                    QStringLiteral("name: %1/%2 already exists").arg(project, pipeline.name));
            spec.pipelines << pipeline;
        },
        actor);
}

ImportSummary ProjectEdits::setSchedule(const Store &store, const QString &project,
                                        const QString &pipeline, const QString &cron,
                                        const QString &timezone, const QString &misfire,
                                        const QString &actor)
{
    const QString expression = cron.simplified();
    if (!expression.isEmpty()) {
        QString error;
        if (!CronExpression::parse(expression, &error))
            throw Error(QStringLiteral("schedule: ") + error);
    }
    if (!timezone.isEmpty() && !QTimeZone::isTimeZoneIdAvailable(timezone.toUtf8()))
        throw Error(QStringLiteral("timezone: unknown time zone '%1'").arg(timezone));
    if (!misfire.isEmpty() && misfire != QLatin1String("skip")
        && misfire != QLatin1String("run_once") && misfire != QLatin1String("run_all"))
        throw Error(
            QStringLiteral("misfire: expected skip, run_once or run_all, got '%1'").arg(misfire));
    return apply(
        store, project,
        [&](ProjectSpec &spec) {
            PipelineSpec *p = findPipeline(spec, pipeline);
            p->schedule = expression;
            p->timezone = expression.isEmpty() ? QString() : timezone;
            p->misfire = expression.isEmpty() ? QString() : misfire;
        },
        actor);
}

ImportSummary ProjectEdits::setVariables(const Store &store, const QString &project,
                                         const QString &pipeline,
                                         const QList<VariableSpec> &variables, const QString &actor)
{
    return apply(
        store, project,
        [&](ProjectSpec &spec) {
            if (pipeline.isEmpty())
                spec.variables = variables;
            else
                findPipeline(spec, pipeline)->variables = variables;
        },
        actor);
}

} // namespace Baton
