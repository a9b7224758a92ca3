#pragma once

#include "runstate.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <optional>

namespace Baton {

/// Where something was written in a jobs-as-code file. Line and column are 1-based; 0 = unknown.
struct SourceLocation
{
    QString file;
    int line = 0;
    int column = 0;

    /// "file:line:column", or as much of it as is known.
    QString toString() const;
    bool operator==(const SourceLocation &) const = default;
};

/// A problem found in jobs-as-code input, always with its location.
struct Diagnostic
{
    SourceLocation where;
    QString message;

    /// "file:line:column: message"
    QString toString() const;
};

/// A per-environment rewrite rule (as Control-M deploy descriptors have): on promotion into the
/// environment, a named variable or a job setting takes the environment's value.
struct RewriteRule
{
    QString variable; ///< a variable name, or empty for a setting rule
    QString setting; ///< retries | retry_delay | timeout, or empty for a variable rule
    QString value; ///< canonical text: durations as formatDuration() writes them
    QString job; ///< setting rules only: one job, or empty for every job
    SourceLocation where;
    bool operator==(const RewriteRule &o) const
    {
        return variable == o.variable && setting == o.setting && value == o.value && job == o.job;
    }
};

struct EnvironmentSpec
{
    QString name;
    bool approvalRequired = false;
    SourceLocation where;
    QList<RewriteRule> rewrites;
    bool operator==(const EnvironmentSpec &o) const
    {
        return name == o.name && approvalRequired == o.approvalRequired && rewrites == o.rewrites;
    }
};

struct VariableSpec
{
    QString name;
    std::optional<QString> value; ///< unset: a secret whose value lives only in the workspace
    bool secret = false;
    QString environment; ///< empty: every environment
    SourceLocation where;
    bool operator==(const VariableSpec &o) const
    {
        return name == o.name && value == o.value && secret == o.secret
            && environment == o.environment;
    }
};

struct JobFile
{
    QString path; ///< relative to the project file, '/'-separated, never escaping it
    QByteArray content;
    bool executable = false;
    bool operator==(const JobFile &) const = default;
};

struct Resources
{
    std::optional<int> cpus;
    QString memory; ///< e.g. "512M", "4G"; empty: not set
    bool isEmpty() const { return !cpus && memory.isEmpty(); }
    bool operator==(const Resources &) const = default;
};

/// Settings that both jobs and tasks (as overrides) carry.
struct RunSettings
{
    std::optional<int> retries;
    std::optional<int> retryDelaySeconds;
    std::optional<int> timeoutSeconds;
    bool isEmpty() const { return !retries && !retryDelaySeconds && !timeoutSeconds; }
    bool operator==(const RunSettings &) const = default;
};

struct JobSpec
{
    QString name;
    QString command;
    QString technology;
    QString runtime;
    QString description;
    QString releaseNote; ///< describes the version an import creates; not part of its content
    QList<JobFile> files;
    Resources resources;
    RunSettings settings;
    SourceLocation where;
    /// Same definition (what the content hash covers), ignoring locations and release note.
    bool sameContent(const JobSpec &o) const
    {
        return name == o.name && command == o.command && technology == o.technology
            && runtime == o.runtime && description == o.description && files == o.files
            && resources == o.resources && settings == o.settings;
    }
};

struct DependencySpec
{
    QString task;
    EdgeCondition condition = EdgeCondition::Success;
    SourceLocation where;
    bool operator==(const DependencySpec &o) const
    {
        return task == o.task && condition == o.condition;
    }
};

struct TaskSpec
{
    QString name; ///< defaults to the job name
    QString job;
    QList<DependencySpec> after;
    RunSettings settings;
    SourceLocation where;
    bool operator==(const TaskSpec &o) const
    {
        return name == o.name && job == o.job && after == o.after && settings == o.settings;
    }
};

struct PipelineSpec
{
    QString name;
    QString description;
    QString releaseNote;
    QString schedule; ///< cron; empty: no schedule
    QString timezone; ///< IANA name; empty: the workspace's
    QString misfire; ///< skip | run_once | run_all; empty: default (run_once)
    int maxParallel = 0;
    QList<VariableSpec> variables;
    QList<TaskSpec> tasks;
    SourceLocation where;
    bool sameContent(const PipelineSpec &o) const
    {
        return name == o.name && description == o.description && maxParallel == o.maxParallel
            && tasks == o.tasks;
    }
};

/// An alert rule on a business metric (a project's `alerts:`). Exactly one condition:
/// `above` / `below` a threshold, or an `increase` / `decrease` of more than @c value percent
/// after a version change, against the mean of the last @c lastRuns runs of the old version.
struct AlertRuleSpec
{
    QString name;
    QString metric;
    QString job; ///< empty: the metric from any job of the project
    QString environment; ///< empty: every environment
    QString condition; ///< above | below | increase | decrease
    double value = 0.0; ///< the threshold, or the percentage of change
    int lastRuns = 5; ///< increase / decrease only
    SourceLocation where;
    bool operator==(const AlertRuleSpec &o) const
    {
        return name == o.name && metric == o.metric && job == o.job && environment == o.environment
            && condition == o.condition && value == o.value && lastRuns == o.lastRuns;
    }
};

/// One jobs-as-code file: a whole project.
struct ProjectSpec
{
    QString name;
    QString description;
    QList<EnvironmentSpec> environments;
    QList<VariableSpec> variables;
    QList<JobSpec> jobs;
    QList<PipelineSpec> pipelines;
    QList<AlertRuleSpec> alerts;
    QString sourceFile;
    SourceLocation where;

    const JobSpec *job(const QString &name) const;
    const PipelineSpec *pipeline(const QString &name) const;
};

/// The promotion path used when a project names none.
QList<EnvironmentSpec> defaultEnvironments();

/// "30s", "10m", "2h", or "90s": the canonical written form of a duration.
QString formatDuration(int seconds);
/// Parses "45", "45s", "10m", "2h", "1d"; nullopt when malformed.
std::optional<int> parseDuration(const QString &text);

/// Names of projects, jobs, pipelines, tasks, environments: [A-Za-z0-9_.-]+, not starting with '.'.
bool isValidName(const QString &name);
/// Variable names: a shell identifier, [A-Za-z_][A-Za-z0-9_]*.
bool isValidVariableName(const QString &name);

} // namespace Baton
