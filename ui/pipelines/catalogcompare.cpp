#include "catalogcompare.h"

namespace Baton::Ui {

namespace {

template<typename T, typename Eq>
bool sameList(const QList<T> &a, const QList<T> &b, Eq eq)
{
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i) {
        if (!eq(a.at(i), b.at(i)))
            return false;
    }
    return true;
}

} // namespace

bool sameProject(const ProjectInfo &a, const ProjectInfo &b)
{
    return a.id == b.id && a.name == b.name && a.description == b.description
        && a.sourcePath == b.sourcePath && a.jobCount == b.jobCount
        && a.pipelineCount == b.pipelineCount && a.updatedAt == b.updatedAt
        && sameList(a.environments, b.environments,
                    [](const EnvironmentInfo &x, const EnvironmentInfo &y) {
                        return x.name == y.name && x.approvalRequired == y.approvalRequired;
                    });
}

bool sameJob(const JobInfo &a, const JobInfo &b)
{
    return a.id == b.id && a.project == b.project && a.name == b.name && a.version == b.version
        && a.versionCount == b.versionCount && a.command == b.command
        && a.technology == b.technology && a.runtime == b.runtime && a.description == b.description
        && a.contentHash == b.contentHash && a.author == b.author && a.releaseNote == b.releaseNote
        && a.versionCreatedAt == b.versionCreatedAt && a.files == b.files
        && a.settings == b.settings && a.resources == b.resources;
}

bool samePipeline(const PipelineInfo &a, const PipelineInfo &b)
{
    return a.id == b.id && a.project == b.project && a.name == b.name && a.version == b.version
        && a.versionCount == b.versionCount && a.description == b.description
        && a.contentHash == b.contentHash && a.author == b.author
        && a.versionCreatedAt == b.versionCreatedAt && a.maxParallel == b.maxParallel
        && a.schedule == b.schedule && a.timezone == b.timezone && a.misfire == b.misfire
        && a.schedulePaused == b.schedulePaused && a.scheduleZone == b.scheduleZone
        && a.scheduleError == b.scheduleError && a.nextFires == b.nextFires
        && sameList(a.tasks, b.tasks,
                    [](const TaskInfo &x, const TaskInfo &y) {
                        return x.name == y.name && x.job == y.job && x.jobVersion == y.jobVersion
                            && x.technology == y.technology && x.command == y.command
                            && x.settings == y.settings;
                    })
        && sameList(a.edges, b.edges, [](const EdgeInfo &x, const EdgeInfo &y) {
               return x.from == y.from && x.to == y.to && x.condition == y.condition;
           });
}

bool sameCatalog(const CatalogSnapshot &a, const CatalogSnapshot &b)
{
    return a.workspace == b.workspace && sameList(a.projects, b.projects, sameProject)
        && sameList(a.jobs, b.jobs, sameJob) && sameList(a.pipelines, b.pipelines, samePipeline);
}

} // namespace Baton::Ui
