#include "projectemitter.h"

#include "util/error.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QMap>
#include <QRegularExpression>
#include <QSaveFile>
#include <algorithm>
#include <yaml-cpp/yaml.h>

namespace Baton {
namespace {

/// Whether a YAML reader (ours keeps text, but yq or PyYAML would not) could take the plain
/// scalar for a boolean, null or number.
bool readsAsNonString(const QString &s)
{
    static const QRegularExpression special(
        QStringLiteral("^(y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON"
                       "|off|Off|OFF|null|Null|NULL|~|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN))$"));
    static const QRegularExpression numeric(QStringLiteral("^[-+]?\\.?[0-9][0-9_.:eExXoObB+-]*$"));
    return special.match(s).hasMatch() || numeric.match(s).hasMatch();
}

/// Whether a multi-line string survives a literal block (`|`) unchanged.
bool literalSafe(const QString &s)
{
    if (!s.endsWith(QLatin1Char('\n')) || s.endsWith(QLatin1String("\n\n")))
        return false;
    if (s.startsWith(QLatin1Char(' ')) || s.startsWith(QLatin1Char('\t'))
        || s.startsWith(QLatin1Char('\n')))
        return false;
    for (const QChar c : s) {
        if (c.unicode() < 0x20 && c != QLatin1Char('\n') && c != QLatin1Char('\t'))
            return false;
    }
    const QStringList lines = s.split(QLatin1Char('\n'));
    return std::none_of(lines.begin(), lines.end(), [](const QString &line) {
        return !line.isEmpty() && line.trimmed().isEmpty();
    });
}

/// Writes @p s so that it reads back as the same text; @p flow: inside `[...]` or `{...}`.
void writeString(YAML::Emitter &out, const QString &s, bool flow = false)
{
    const std::string utf8 = s.toStdString();
    // A literal block adds its final line break back on reading ("clip"); handing it to
    // yaml-cpp as well would leave a blank line after the block.
    if (s.contains(QLatin1Char('\n')) && !flow && literalSafe(s))
        out << YAML::Literal << s.chopped(1).toStdString();
    else if (s.contains(QLatin1Char('\n')))
        out << YAML::DoubleQuoted << utf8;
    // Valid plain in flow context for YAML 1.2, but older readers choke on "a:b" there.
    else if (readsAsNonString(s) || (flow && s.contains(QLatin1Char(':'))))
        out << YAML::DoubleQuoted << utf8;
    else
        out << utf8;
}

void writeKey(YAML::Emitter &out, const char *key)
{
    out << YAML::Key << key << YAML::Value;
}

void writeStringField(YAML::Emitter &out, const char *key, const QString &value, bool flow = false)
{
    if (value.isEmpty())
        return;
    writeKey(out, key);
    writeString(out, value, flow);
}

void writeNames(YAML::Emitter &out, const QStringList &names)
{
    out << YAML::Flow << YAML::BeginSeq;
    for (const QString &n : names)
        writeString(out, n, true);
    out << YAML::EndSeq;
}

void writeSettings(YAML::Emitter &out, const RunSettings &s)
{
    if (s.retries) {
        writeKey(out, "retries");
        out << *s.retries;
    }
    if (s.retryDelaySeconds) {
        writeKey(out, "retry_delay");
        out << formatDuration(*s.retryDelaySeconds).toStdString();
    }
    if (s.timeoutSeconds) {
        writeKey(out, "timeout");
        out << formatDuration(*s.timeoutSeconds).toStdString();
    }
}

void writeVariables(YAML::Emitter &out, const QList<VariableSpec> &variables)
{
    if (variables.isEmpty())
        return;
    writeKey(out, "variables");
    out << YAML::BeginSeq;
    for (const VariableSpec &v : variables) {
        out << YAML::Flow << YAML::BeginMap;
        writeKey(out, "name");
        writeString(out, v.name, true);
        // A secret's value never leaves the workspace, not even into an export.
        if (v.value && !v.secret) {
            writeKey(out, "value");
            writeString(out, *v.value, true);
        }
        if (v.secret) {
            writeKey(out, "secret");
            out << true;
        }
        writeStringField(out, "env", v.environment, true);
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;
}

void writeEnvironments(YAML::Emitter &out, const QList<EnvironmentSpec> &environments)
{
    if (environments.isEmpty())
        return;
    writeKey(out, "environments");
    const bool defaultApprovals = std::all_of(
        environments.begin(), environments.end(), [](const EnvironmentSpec &e) {
            return e.approvalRequired == (e.name == QLatin1String("prod")) && e.rewrites.isEmpty();
        });
    if (defaultApprovals) {
        QStringList names;
        for (const EnvironmentSpec &e : environments)
            names << e.name;
        writeNames(out, names);
        return;
    }
    out << YAML::BeginSeq;
    for (const EnvironmentSpec &e : environments) {
        // Rules make the item too long for one line.
        if (e.rewrites.isEmpty())
            out << YAML::Flow;
        out << YAML::BeginMap;
        writeKey(out, "name");
        writeString(out, e.name, true);
        writeKey(out, "approval");
        out << e.approvalRequired;
        if (!e.rewrites.isEmpty()) {
            writeKey(out, "rewrite");
            out << YAML::Block << YAML::BeginSeq;
            for (const RewriteRule &r : e.rewrites) {
                out << YAML::Flow << YAML::BeginMap;
                if (!r.variable.isEmpty()) {
                    writeKey(out, "variable");
                    writeString(out, r.variable, true);
                } else {
                    writeKey(out, "setting");
                    writeString(out, r.setting, true);
                }
                writeKey(out, "value");
                writeString(out, r.value, true);
                writeStringField(out, "job", r.job, true);
                out << YAML::EndMap;
            }
            out << YAML::EndSeq;
        }
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;
}

void writeJob(YAML::Emitter &out, const JobSpec &job)
{
    out << YAML::BeginMap;
    writeKey(out, "name");
    writeString(out, job.name);
    writeStringField(out, "description", job.description);
    writeKey(out, "command");
    writeString(out, job.command);
    if (!job.files.isEmpty()) {
        QStringList paths;
        for (const JobFile &f : job.files)
            paths << f.path;
        writeKey(out, "files");
        writeNames(out, paths);
    }
    writeStringField(out, "technology", job.technology);
    writeStringField(out, "runtime", job.runtime);
    if (!job.resources.isEmpty()) {
        writeKey(out, "resources");
        out << YAML::Flow << YAML::BeginMap;
        if (job.resources.cpus) {
            writeKey(out, "cpus");
            out << *job.resources.cpus;
        }
        writeStringField(out, "memory", job.resources.memory, true);
        out << YAML::EndMap;
    }
    writeSettings(out, job.settings);
    out << YAML::EndMap;
}

void writeTask(YAML::Emitter &out, const TaskSpec &task)
{
    out << YAML::BeginMap;
    if (task.name != task.job)
        writeStringField(out, "name", task.name);
    writeKey(out, "job");
    writeString(out, task.job);
    if (!task.after.isEmpty()) {
        const EdgeCondition shared = task.after.front().condition;
        const bool uniform
            = std::all_of(task.after.begin(), task.after.end(),
                          [shared](const DependencySpec &d) { return d.condition == shared; });
        writeKey(out, "after");
        if (uniform) {
            QStringList names;
            for (const DependencySpec &d : task.after)
                names << d.task;
            writeNames(out, names);
            if (shared != EdgeCondition::Success) {
                writeKey(out, "when");
                out << toString(shared).toStdString();
            }
        } else {
            out << YAML::BeginSeq;
            for (const DependencySpec &d : task.after) {
                out << YAML::Flow << YAML::BeginMap;
                writeKey(out, "task");
                writeString(out, d.task, true);
                writeKey(out, "when");
                out << toString(d.condition).toStdString();
                out << YAML::EndMap;
            }
            out << YAML::EndSeq;
        }
    }
    writeSettings(out, task.settings);
    out << YAML::EndMap;
}

void writePipeline(YAML::Emitter &out, const PipelineSpec &p)
{
    out << YAML::BeginMap;
    writeKey(out, "name");
    writeString(out, p.name);
    writeStringField(out, "description", p.description);
    writeStringField(out, "schedule", p.schedule);
    writeStringField(out, "timezone", p.timezone);
    writeStringField(out, "misfire", p.misfire);
    if (p.maxParallel > 0) {
        writeKey(out, "max_parallel");
        out << p.maxParallel;
    }
    writeVariables(out, p.variables);
    writeKey(out, "tasks");
    out << YAML::BeginSeq;
    for (const TaskSpec &t : p.tasks)
        writeTask(out, t);
    out << YAML::EndSeq;
    out << YAML::EndMap;
}

/// Writes @p data to @p path atomically, then gives it (or takes away) the execute bits.
// ---- alerts (issue #8) ----
void writeAlerts(YAML::Emitter &out, const QList<AlertRuleSpec> &alerts)
{
    if (alerts.isEmpty())
        return;
    writeKey(out, "alerts");
    out << YAML::BeginSeq;
    for (const AlertRuleSpec &a : alerts) {
        out << YAML::BeginMap;
        writeKey(out, "name");
        writeString(out, a.name);
        writeKey(out, "metric");
        writeString(out, a.metric);
        writeStringField(out, "job", a.job);
        writeStringField(out, "env", a.environment);
        const bool regression
            = a.condition == QLatin1String("increase") || a.condition == QLatin1String("decrease");
        writeKey(out,
                 regression ? (a.condition + QStringLiteral("_percent")).toUtf8().constData()
                            : a.condition.toUtf8().constData());
        // The shortest text that reads back as the same double: round trips stay identical.
        out << QString::number(a.value, 'g', QLocale::FloatingPointShortest).toStdString();
        if (regression) {
            writeKey(out, "last_runs");
            out << a.lastRuns;
        }
        out << YAML::EndMap;
    }
    out << YAML::EndSeq;
}

void writeFile(const QString &path, const QByteArray &data, bool executable)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        throw Error(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    if (file.write(data) != data.size() || !file.commit())
        throw Error(QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    QFileDevice::Permissions perms = QFile::permissions(path);
    const QFileDevice::Permissions exe = QFileDevice::ExeOwner | QFileDevice::ExeUser
        | QFileDevice::ExeGroup | QFileDevice::ExeOther;
    perms &= ~exe;
    if (executable) {
        perms |= QFileDevice::ExeOwner | QFileDevice::ExeUser;
        if (perms.testFlag(QFileDevice::ReadGroup))
            perms |= QFileDevice::ExeGroup;
        if (perms.testFlag(QFileDevice::ReadOther))
            perms |= QFileDevice::ExeOther;
    }
    if (!QFile::setPermissions(path, perms))
        throw Error(QStringLiteral("cannot set the permissions of %1").arg(path));
}

} // namespace

QByteArray ProjectEmitter::toYaml(const ProjectSpec &project)
{
    YAML::Emitter out;
    out.SetIndent(2);
    out << YAML::BeginMap;
    writeKey(out, "project");
    writeString(out, project.name);
    writeStringField(out, "description", project.description);
    writeEnvironments(out, project.environments);
    writeVariables(out, project.variables);
    if (!project.jobs.isEmpty()) {
        writeKey(out, "jobs");
        out << YAML::BeginSeq;
        for (const JobSpec &job : project.jobs)
            writeJob(out, job);
        out << YAML::EndSeq;
    }
    if (!project.pipelines.isEmpty()) {
        writeKey(out, "pipelines");
        out << YAML::BeginSeq;
        for (const PipelineSpec &p : project.pipelines)
            writePipeline(out, p);
        out << YAML::EndSeq;
    }
    writeAlerts(out, project.alerts);
    out << YAML::EndMap;
    if (!out.good()) {
        throw Error(QStringLiteral("cannot write project '%1' as YAML: %2")
                        .arg(project.name, QString::fromStdString(out.GetLastError())));
    }
    QByteArray yaml = QByteArrayLiteral("# Exported by Baton — jobs-as-code\n");
    yaml += QByteArray(out.c_str(), qsizetype(out.size()));
    yaml += '\n';
    return yaml;
}

QStringList ProjectEmitter::writeProject(const ProjectSpec &project, const QString &dir)
{
    if (!isValidName(project.name))
        throw Error(QStringLiteral("cannot export project '%1': not a valid project name")
                        .arg(project.name));

    // Check every file before writing one, so a conflict leaves nothing half-written.
    struct Planned
    {
        JobFile file;
        QString job;
    };
    QMap<QString, Planned> planned; // sorted by path
    for (const JobSpec &job : project.jobs) {
        for (const JobFile &f : job.files) {
            const QString path = QDir::cleanPath(f.path);
            if (path.isEmpty() || QDir::isAbsolutePath(path) || path == QLatin1String(".")
                || path == QLatin1String("..") || path.startsWith(QLatin1String("../"))
                || path.startsWith(QLatin1Char(':'))) {
                throw Error(QStringLiteral("cannot export job '%1': file '%2' is not a path "
                                           "inside the project directory")
                                .arg(job.name, f.path));
            }
            if (path == QLatin1String("project.yaml")) {
                throw Error(QStringLiteral("cannot export job '%1': its file 'project.yaml' "
                                           "would overwrite the project file")
                                .arg(job.name));
            }
            const auto existing = planned.constFind(path);
            if (existing == planned.constEnd()) {
                planned.insert(path, { f, job.name });
            } else if (existing->file.content != f.content
                       || existing->file.executable != f.executable) {
                throw Error(QStringLiteral("cannot export project '%1': jobs '%2' and '%3' both "
                                           "ship '%4' with different content")
                                .arg(project.name, existing->job, job.name, path));
            }
        }
    }

    const QDir root(QDir(dir).filePath(project.name));
    if (!QDir().mkpath(root.path()))
        throw Error(QStringLiteral("cannot create directory %1").arg(root.path()));
    QStringList written;
    const QString projectFile = root.filePath(QStringLiteral("project.yaml"));
    writeFile(projectFile, toYaml(project), false);
    written << projectFile;
    for (auto it = planned.cbegin(); it != planned.cend(); ++it) {
        const QString target = root.filePath(it.key());
        const QString parent = QFileInfo(target).path();
        if (!QDir().mkpath(parent))
            throw Error(QStringLiteral("cannot create directory %1").arg(parent));
        writeFile(target, it->file.content, it->file.executable);
        written << target;
    }
    return written;
}

} // namespace Baton
