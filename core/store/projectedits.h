#pragma once

#include "model/projectspec.h"
#include "store/projectwriter.h"

#include <QString>
#include <functional>

namespace Baton {

class Store;

/// Edits to a project made outside its files (the console's New Job…, New Pipeline…, Edit
/// Schedule…, Variables…), held to the import's own rules: the edited project is written as
/// jobs-as-code into a temporary directory, read back and validated by ProjectParser exactly
/// as `baton import` reads files, and stored by ProjectWriter (new immutable versions for what
/// changed, audited, nothing else touched). A refusal throws Baton::Error with the parser's
/// messages, each naming the field ("command: must not be empty"), and leaves the workspace as
/// it was.
///
/// Secret values are never read back: a secret without a value keeps the one stored.
class ProjectEdits
{
public:
    /// Applies @p edit to PROJECT's current definition and stores the result.
    static ImportSummary apply(const Store &store, const QString &project,
                               const std::function<void(ProjectSpec &)> &edit,
                               const QString &actor);

    /// A new job (refused when the name is taken).
    static ImportSummary addJob(const Store &store, const QString &project, const JobSpec &job,
                                const QString &actor);
    /// A new pipeline over the project's jobs (refused when the name is taken).
    static ImportSummary addPipeline(const Store &store, const QString &project,
                                     const PipelineSpec &pipeline, const QString &actor);
    /// Sets (empty @p cron: removes) PIPELINE's schedule. The expression is checked by
    /// CronExpression ("hour field: '25' is out of range 0-23"), the zone must be known
    /// (empty: the workspace's), misfire one of skip, run_once, run_all (empty: run_once).
    /// Paused state and the last fire time are kept.
    static ImportSummary setSchedule(const Store &store, const QString &project,
                                     const QString &pipeline, const QString &cron,
                                     const QString &timezone, const QString &misfire,
                                     const QString &actor);
    /// Replaces the variables of a scope: the project's (@p pipeline empty; each variable's
    /// environment, if set, makes it environment-scoped) or PIPELINE's. A secret given without
    /// a value keeps the value stored for it (name and environment).
    static ImportSummary setVariables(const Store &store, const QString &project,
                                      const QString &pipeline, const QList<VariableSpec> &variables,
                                      const QString &actor);
};

} // namespace Baton
