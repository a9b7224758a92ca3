#include "cli.h"

#include "access/auditlog.h"
#include "access/identity.h"
#include "access/roles.h"
#include "auditcommands.h"
#include "common.h"
#include "comparecommands.h"
#include "dashboardcommands.h"
#include "io/jobsascode.h"
#include "operationcommands.h"
#include "output.h"
#include "release/demohistory.h"
#include "releasecommands.h"
#include "runcommands.h"
#include "schedulecommands.h"
#include "secretcommands.h"
#include "store/catalog.h"
#include "store/projectwriter.h"
#include "store/settings.h"
#include "store/workspace.h"
#include "store/workspacecopy.h"
#include "store/workspaceinit.h"
#include "util/error.h"
#include "util/logging.h"

#include <QCommandLineParser>
#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <functional>
#include <memory>
#include <spdlog/spdlog.h>

namespace Baton::Cli {

namespace {

struct Command
{
    const char *name;
    const char *summary;
    std::function<int(QCommandLineParser &, const GlobalOptions &)> run;
    std::function<void(QCommandLineParser &)> setup;
};

const QCommandLineOption kJson(QStringLiteral("json"), QStringLiteral("Print JSON."));
const QCommandLineOption kProject(QStringLiteral("project"), QStringLiteral("Only this project."),
                                  QStringLiteral("NAME"));

QString isoTime(qint64 ms)
{
    if (ms <= 0)
        return {};
    return QDateTime::fromMSecsSinceEpoch(ms)
        .toOffsetFromUtc(QDateTime::currentDateTime().offsetFromUtc())
        .toString(Qt::ISODate);
}

void printImportSummary(const ImportSummary &summary)
{
    for (const QString &p : summary.projectsCreated)
        out(QStringLiteral("project %1: created").arg(p));
    for (const QString &p : summary.projectsUpdated)
        out(QStringLiteral("project %1: updated").arg(p));
    for (const ImportSummary::Version &v : summary.versions) {
        out(QStringLiteral("  %1 %2/%3 v%4 %5")
                .arg(v.kind.leftJustified(8), v.project, v.name)
                .arg(v.number)
                .arg(v.created ? QStringLiteral("(new version)") : QStringLiteral("(unchanged)")));
    }
    for (const QString &a : summary.archived)
        out(QStringLiteral("  archived %1 (no longer in the files; history kept)").arg(a));
    for (const Diagnostic &w : summary.warnings)
        err(w.where.toString() + QStringLiteral(": warning: ") + w.message);
    out(QStringLiteral("%1 new version(s)").arg(summary.createdVersions()));
}

/// Parses and validates everything first: nothing reaches the store unless all of it is valid.
int printImport(const ImportOutcome &outcome)
{
    for (const QString &line : outcome.warningLines())
        err(line);
    if (!outcome.ok()) {
        for (const QString &line : outcome.errorLines())
            err(line);
        err(QStringLiteral("import failed: %1 error(s); the workspace was not changed")
                .arg(outcome.parsed.errors.size()));
        return Failure;
    }
    printImportSummary(outcome.summary);
    return Ok;
}

int cmdInit(QCommandLineParser &parser, const GlobalOptions &options)
{
    if (parser.isSet(QStringLiteral("history")) && !parser.isSet(QStringLiteral("demo"))) {
        err(QStringLiteral("baton init: --history needs --demo"));
        return Usage;
    }
    const InitReport report
        = WorkspaceInit::init(Workspace::resolveDirectory(options.workspace), currentUser(),
                              parser.isSet(QStringLiteral("demo")));
    Logging::attachWorkspace(report.workspace->logsDirectory());
    for (const QString &line : report.lines())
        out(line);
    if (!report.demoRequested || report.demoSkipped)
        return Ok;
    if (const int rc = printImport(report.demoImport); rc != Ok)
        return rc;
    for (const QString &line : report.demoHistory)
        out(line);
    if (parser.isSet(QStringLiteral("history")))
        return demoHistory(*report.workspace);
    return Ok;
}

int cmdImport(QCommandLineParser &parser, const GlobalOptions &options)
{
    const QStringList args = parser.positionalArguments();
    if (args.size() != 1) {
        err(QStringLiteral("usage: baton import PATH (a jobs-as-code file or directory)"));
        return Usage;
    }
    const QString path = args.first();
    if (!QFileInfo::exists(path)) {
        err(QStringLiteral("%1: no such file or directory").arg(path));
        return Failure;
    }
    auto ws = openWorkspace(options, Workspace::Mode::CreateIfMissing);
    return printImport(JobsAsCode::importPath(ws->store(), path, currentUser()));
}

int cmdExport(QCommandLineParser &parser, const GlobalOptions &options)
{
    const QStringList args = parser.positionalArguments();
    if (args.size() != 1) {
        err(QStringLiteral("usage: baton export DIR [--project NAME]"));
        return Usage;
    }
    auto ws = openWorkspace(options, Workspace::Mode::MustExist);
    for (const ExportedProject &e :
         JobsAsCode::exportProjects(ws->store().db(), args.first(), parser.value(kProject))) {
        out(QStringLiteral("exported %1 (%2 file(s)) to %3")
                .arg(e.project)
                .arg(e.files.size())
                .arg(e.directory));
    }
    return Ok;
}

int cmdProjects(QCommandLineParser &parser, const GlobalOptions &options)
{
    auto ws = openWorkspace(options, Workspace::Mode::MustExist);
    const QList<ProjectInfo> projects = Catalog::projects(ws->store().db());
    if (parser.isSet(kJson)) {
        QJsonArray array;
        for (const ProjectInfo &p : projects) {
            QJsonArray envs;
            for (const EnvironmentInfo &e : p.environments)
                envs.append(
                    QJsonObject { { QStringLiteral("name"), e.name },
                                  { QStringLiteral("approval_required"), e.approvalRequired } });
            array.append(QJsonObject { { QStringLiteral("name"), p.name },
                                       { QStringLiteral("description"), p.description },
                                       { QStringLiteral("environments"), envs },
                                       { QStringLiteral("jobs"), p.jobCount },
                                       { QStringLiteral("pipelines"), p.pipelineCount },
                                       { QStringLiteral("updated_at"), isoTime(p.updatedAt) } });
        }
        printJson(array);
        return Ok;
    }
    QList<QStringList> rows;
    for (const ProjectInfo &p : projects) {
        QStringList envs;
        for (const EnvironmentInfo &e : p.environments)
            envs << e.name;
        rows << QStringList { p.name, QString::number(p.jobCount), QString::number(p.pipelineCount),
                              envs.join(QStringLiteral(" → ")), p.description };
    }
    printTable({ QStringLiteral("PROJECT"), QStringLiteral("JOBS"), QStringLiteral("PIPELINES"),
                 QStringLiteral("ENVIRONMENTS"), QStringLiteral("DESCRIPTION") },
               rows);
    return Ok;
}

int cmdJobs(QCommandLineParser &parser, const GlobalOptions &options)
{
    auto ws = openWorkspace(options, Workspace::Mode::MustExist);
    const QList<JobInfo> jobs = Catalog::jobs(ws->store().db(), parser.value(kProject));
    if (parser.isSet(kJson)) {
        QJsonArray array;
        for (const JobInfo &j : jobs) {
            array.append(
                QJsonObject { { QStringLiteral("project"), j.project },
                              { QStringLiteral("name"), j.name },
                              { QStringLiteral("version"), j.version },
                              { QStringLiteral("versions"), j.versionCount },
                              { QStringLiteral("command"), j.command },
                              { QStringLiteral("technology"), j.technology },
                              { QStringLiteral("runtime"), j.runtime },
                              { QStringLiteral("files"), QJsonArray::fromStringList(j.files) },
                              { QStringLiteral("content_hash"), j.contentHash },
                              { QStringLiteral("author"), j.author },
                              { QStringLiteral("created_at"), isoTime(j.versionCreatedAt) } });
        }
        printJson(array);
        return Ok;
    }
    QList<QStringList> rows;
    for (const JobInfo &j : jobs) {
        rows << QStringList { j.project, j.name, QStringLiteral("v%1").arg(j.version),
                              j.technology.isEmpty() ? QStringLiteral("-") : j.technology,
                              j.command };
    }
    printTable({ QStringLiteral("PROJECT"), QStringLiteral("JOB"), QStringLiteral("VERSION"),
                 QStringLiteral("TECHNOLOGY"), QStringLiteral("COMMAND") },
               rows);
    return Ok;
}

int cmdPipelines(QCommandLineParser &parser, const GlobalOptions &options)
{
    auto ws = openWorkspace(options, Workspace::Mode::MustExist);
    const QList<PipelineInfo> pipelines
        = Catalog::pipelines(ws->store().db(), parser.value(kProject));
    if (parser.isSet(kJson)) {
        QJsonArray array;
        for (const PipelineInfo &p : pipelines) {
            QJsonArray tasks;
            for (const TaskInfo &t : p.tasks) {
                QJsonArray after;
                for (const EdgeInfo &e : p.edges) {
                    if (e.to == t.name)
                        after.append(
                            QJsonObject { { QStringLiteral("task"), e.from },
                                          { QStringLiteral("when"), toString(e.condition) } });
                }
                tasks.append(QJsonObject { { QStringLiteral("name"), t.name },
                                           { QStringLiteral("job"), t.job },
                                           { QStringLiteral("job_version"), t.jobVersion },
                                           { QStringLiteral("after"), after } });
            }
            QJsonObject o { { QStringLiteral("project"), p.project },
                            { QStringLiteral("name"), p.name },
                            { QStringLiteral("version"), p.version },
                            { QStringLiteral("versions"), p.versionCount },
                            { QStringLiteral("description"), p.description },
                            { QStringLiteral("tasks"), tasks },
                            { QStringLiteral("max_parallel"), p.maxParallel },
                            { QStringLiteral("content_hash"), p.contentHash } };
            if (!p.schedule.isEmpty()) {
                o.insert(QStringLiteral("schedule"),
                         QJsonObject { { QStringLiteral("cron"), p.schedule },
                                       { QStringLiteral("timezone"), p.timezone },
                                       { QStringLiteral("misfire"), p.misfire },
                                       { QStringLiteral("paused"), p.schedulePaused } });
            }
            array.append(o);
        }
        printJson(array);
        return Ok;
    }
    QList<QStringList> rows;
    for (const PipelineInfo &p : pipelines) {
        QString schedule = QStringLiteral("-");
        if (!p.schedule.isEmpty()) {
            schedule = p.schedule;
            if (!p.timezone.isEmpty())
                schedule += QStringLiteral(" (%1)").arg(p.timezone);
            if (p.schedulePaused)
                schedule += QStringLiteral(" paused");
        }
        rows << QStringList { p.project, p.name, QStringLiteral("v%1").arg(p.version),
                              QString::number(p.tasks.size()), schedule };
    }
    printTable({ QStringLiteral("PROJECT"), QStringLiteral("PIPELINE"), QStringLiteral("VERSION"),
                 QStringLiteral("TASKS"), QStringLiteral("SCHEDULE") },
               rows);
    return Ok;
}

int cmdSettings(QCommandLineParser &parser, const GlobalOptions &options)
{
    const QStringList args = parser.positionalArguments();
    if (args.size() > 2) {
        err(QStringLiteral("usage: baton settings [KEY [VALUE]]  (an empty VALUE resets KEY)"));
        return Usage;
    }
    auto ws = openWorkspace(options);
    if (args.size() == 2) {
        Settings::set(ws->store(), args[0], args[1], currentUser());
        out(QStringLiteral("%1 = %2").arg(args[0], Settings::value(ws->store().db(), args[0])));
        return Ok;
    }
    QList<QStringList> rows;
    for (const Settings::Key &k : Settings::keys()) {
        const QString name = QString::fromLatin1(k.name);
        if (args.size() == 1 && args[0] != name)
            continue;
        rows << QStringList { name, Settings::value(ws->store().db(), name),
                              QString::fromUtf8(k.help) };
    }
    if (rows.isEmpty()) {
        err(QStringLiteral("baton settings: unknown setting '%1'").arg(args[0]));
        return Failure;
    }
    printTable({ QStringLiteral("SETTING"), QStringLiteral("VALUE"), QStringLiteral("MEANING") },
               rows);
    return Ok;
}

int cmdWorkspace(QCommandLineParser &parser, const GlobalOptions &)
{
    const QStringList args = parser.positionalArguments();
    if (args.size() != 3 || args[0] != QLatin1String("copy")) {
        err(QStringLiteral("usage: baton workspace copy SRC DST (each a workspace directory or "
                           "a PostgreSQL address; DST new or empty)"));
        return Usage;
    }
    const Workspace source(Workspace::resolveDirectory(args[1]), Workspace::Mode::MustExist);
    const QString targetAddress = Workspace::resolveDirectory(args[2]);
    if (targetAddress == source.address()) {
        err(QStringLiteral("baton workspace copy: %1 is the source itself").arg(source.address()));
        return Failure;
    }
    Workspace target(targetAddress, Workspace::Mode::CreateIfMissing);
    const WorkspaceCopy::Report report = WorkspaceCopy::copy(source.store(), target.store());
    out(QStringLiteral("copied workspace %1 into %2").arg(source.address(), target.address()));
    for (const QString &line : report.lines())
        out(line);
    // On the target's own trail: where its history came from and who moved it.
    target.store().transaction([&](QSqlDatabase &tx) {
        AuditLog::record(tx, 0, currentUser(), QStringLiteral("workspace.copy"),
                         AuditObject { QStringLiteral("workspace"), 0, source.address() }, {}, {},
                         report.lines().first());
    });
    return report.verified() ? Ok : Failure;
}

const QList<Command> &commands()
{
    static const QList<Command> list {
        { "init", "Create a workspace (--demo: with the demo projects)", cmdInit,
          [](QCommandLineParser &p) {
              p.addOption({ QStringLiteral("demo"), QStringLiteral("Import the demo projects.") });
              p.addOption({ QStringLiteral("history"),
                            QStringLiteral("With --demo: run the demo's release history (v6, "
                                           "then v7 in prod; about 15 s).") });
          } },
        { "import", "Import jobs-as-code from a YAML file or a directory", cmdImport,
          [](QCommandLineParser &p) {
              p.addPositionalArgument(QStringLiteral("PATH"), QStringLiteral("File or directory."));
          } },
        { "export", "Export every project as jobs-as-code into DIR", cmdExport,
          [](QCommandLineParser &p) {
              p.addPositionalArgument(QStringLiteral("DIR"), QStringLiteral("Target directory."));
              p.addOption(kProject);
          } },
        { "projects", "List projects", cmdProjects,
          [](QCommandLineParser &p) {
              p.addOption(kJson);
          } },
        { "jobs", "List jobs and their latest versions", cmdJobs,
          [](QCommandLineParser &p) {
              p.addOption(kJson);
              p.addOption(kProject);
          } },
        { "pipelines", "List pipelines, their versions and schedules", cmdPipelines,
          [](QCommandLineParser &p) {
              p.addOption(kJson);
              p.addOption(kProject);
          } },
        { "run", "Run a pipeline: PROJECT/PIPELINE [--env] [--param K=V] [--wait]", cmdRun,
          setupRun },
        { "runs", "List recent runs", cmdRuns, setupRuns },
        { "show", "Show a run: tasks, attempts, exit codes, metrics", cmdShow, setupShow },
        { "logs", "Print a run's logs (--follow to keep printing)", cmdLogs, setupLogs },
        { "cancel", "Cancel a run or one of its tasks", cmdCancel, setupCancel },
        { "rerun", "Rerun a run's failed tasks, or a new run from it with changes", cmdRerun,
          setupRerun },
        { "schedule", "Schedules: next \"EXPR\" [--tz] [--from] [--count] | list | pause | resume",
          cmdSchedule, setupSchedule },
        { "backfill", "Run a pipeline for past fire times: P/PL --from DATE --to DATE", cmdBackfill,
          setupBackfill },
        { "settings", "Show or change workspace settings: [KEY [VALUE]]", cmdSettings,
          [](QCommandLineParser &p) {
              p.addPositionalArgument(QStringLiteral("KEY"), QStringLiteral("Setting."),
                                      QStringLiteral("[KEY"));
              p.addPositionalArgument(QStringLiteral("VALUE"), QStringLiteral("New value."),
                                      QStringLiteral("[VALUE]]"));
          } },
        { "engine", "Run the engine headless (schedules and runs without a console)", cmdEngine,
          setupEngine },
        { "versions", "List the versions of a job or pipeline: PROJECT/NAME", cmdVersions,
          setupVersions },
        { "diff", "Diff two versions: PROJECT/NAME@A PROJECT/NAME@B (@N or @ENV)", cmdDiff,
          setupDiff },
        { "promote", "Promote to the next environment: PROJECT/NAME --to ENV [--version N]",
          cmdPromote, setupPromote },
        { "approve", "Approve a promotion request: REQUEST", cmdApprove, setupApprove },
        { "reject", "Reject a promotion request: REQUEST --reason R", cmdReject, setupReject },
        { "rollback", "Redeploy the previous version: PROJECT/NAME --env ENV", cmdRollback,
          setupRollback },
        { "deployments", "The deployment matrix: versions per environment", cmdDeployments,
          setupDeployments },
        { "requests", "Promotion requests (--all: decided ones too)", cmdRequests, setupRequests },
        { "roles", "Show or set workspace roles: [USER [ROLE...]]", cmdRoles, setupRoles },
        { "runtimes", "The runtime catalog: [--detect] [--deprecate NAME VERSION DATE]",
          cmdRuntimes, setupRuntimes },
        { "audit",
          "Read the audit trail: who did what, when [--actor] [--action] [--since]; "
          "verify (its hash chain)",
          cmdAudit, setupAudit },
        { "secrets", "The key of secrets at rest: init-key | status | encrypt | rotate-key",
          cmdSecrets, setupSecrets },
        { "retry", "Run a failed task of a run again: RUN TASK", cmdRetry, setupRetry },
        { "mark", "Mark a task succeeded or failed: RUN TASK --succeeded|--failed --reason R",
          cmdMark, setupMark },
        { "delete", "Delete finished runs from history: RUN... [--yes]", cmdDelete, setupDelete },
        { "annotate", "Write a note on a run: RUN TEXT", cmdAnnotate, setupAnnotate },
        { "review", "Sign a run off: RUN --approve|--reject [--comment C]", cmdReview,
          setupReview },
        { "compare", "Compare two runs: versions, parameters, durations, state per task",
          cmdCompare, setupCompare },
        { "alerts", "List firing alerts; check (evaluate rules now); ack ID", cmdAlerts,
          setupAlerts },
        { "workspace", "Workspaces: copy SRC DST (e.g. a directory into PostgreSQL)", cmdWorkspace,
          [](QCommandLineParser &p) {
              p.addPositionalArgument(QStringLiteral("copy"), QStringLiteral("Copy a workspace."));
              p.addPositionalArgument(QStringLiteral("SRC"),
                                      QStringLiteral("Source: directory or PostgreSQL address."));
              p.addPositionalArgument(QStringLiteral("DST"),
                                      QStringLiteral("Target: new or empty workspace."));
          } },
    };
    return list;
}

/// QCommandLineParser reads "-1" as the short option "1": a negative number given as an
/// argument ("show -1", "settings max_parallel -1") came out as "Unknown option '1'" instead of
/// reaching the command's range check. Moves every positional argument, in order, after a "--"
/// (where nothing is an option) when some argument is a negative number.
QStringList negativeNumbersAsArguments(const QStringList &argv,
                                       const std::function<void(QCommandLineParser &)> &setup)
{
    static const QRegularExpression negative(QStringLiteral("^-[0-9]"));
    const auto option = [](const QString &a) {
        return a.size() > 1 && a.startsWith(QLatin1Char('-')) && !negative.match(a).hasMatch();
    };
    bool any = false;
    for (qsizetype i = 1; i < argv.size(); ++i) {
        if (argv[i] == QLatin1String("--"))
            return argv; // already spelled out by the caller
        any = any || negative.match(argv[i]).hasMatch();
    }
    if (!any)
        return argv;
    // Which words are positional: parse once with each non-option word replaced by a marker
    // of its index (an option's value stays a value, a positional argument comes back).
    const QChar marker(0xE000);
    QStringList marked { argv.first() };
    for (qsizetype i = 1; i < argv.size(); ++i)
        marked << (option(argv[i]) ? argv[i] : marker + QString::number(i));
    QCommandLineParser probe;
    probe.addHelpOption();
    setup(probe);
    if (!probe.parse(marked))
        return argv; // the real parse reports the mistake
    QSet<qsizetype> positional;
    for (const QString &a : probe.positionalArguments())
        positional.insert(a.mid(1).toLongLong());
    QStringList head { argv.first() };
    QStringList tail { QStringLiteral("--") };
    for (qsizetype i = 1; i < argv.size(); ++i)
        (positional.contains(i) ? tail : head) << argv[i];
    return head + tail;
}

} // namespace

int startUp(int argc, char **argv, QStringList &args, GlobalOptions &options)
{
    for (int i = 1; i < argc; ++i)
        args << QString::fromLocal8Bit(argv[i]);
    QString error;
    if (!extractGlobalOptions(args, options, error)) {
        err(QStringLiteral("baton: ") + error);
        return Usage;
    }
    const auto level = Logging::parseLevel(options.logLevel);
    if (!level) {
        err(QStringLiteral("baton: --log-level: unknown level '%1' (use trace, debug, info, "
                           "warn, error, critical or off)")
                .arg(options.logLevel));
        return Usage;
    }
    Logging::initStderr(*level);
    return -1;
}

bool extractGlobalOptions(QStringList &args, GlobalOptions &options, QString &error)
{
    for (qsizetype i = 0; i < args.size();) {
        const QString a = args.at(i);
        QString *target = nullptr;
        QString name;
        if (a == QLatin1String("--workspace") || a.startsWith(QLatin1String("--workspace="))) {
            target = &options.workspace;
            name = QStringLiteral("--workspace");
        } else if (a == QLatin1String("--log-level")
                   || a.startsWith(QLatin1String("--log-level="))) {
            target = &options.logLevel;
            name = QStringLiteral("--log-level");
        }
        if (!target) {
            ++i;
            continue;
        }
        const qsizetype eq = a.indexOf(QLatin1Char('='));
        if (eq >= 0) {
            *target = a.mid(eq + 1);
            args.removeAt(i);
        } else if (i + 1 < args.size()) {
            *target = args.at(i + 1);
            args.remove(i, 2);
        } else {
            error = QStringLiteral("%1 needs a value").arg(name);
            return false;
        }
        if (target->isEmpty()) {
            error = QStringLiteral("%1 needs a non-empty value").arg(name);
            return false;
        }
    }
    return true;
}

QString usage()
{
    QString text = QStringLiteral(
        "Usage: baton [--workspace DIR|URL] [--log-level LEVEL] [COMMAND [ARGS...]]\n\n"
        "Baton, the DataOps operations console. With no command it opens the console.\n\n"
        "Options:\n"
        "  --workspace DIR    workspace directory (default: $BATON_WORKSPACE, else\n"
        "                     ~/.local/share/baton/default), or a team workspace in\n"
        "                     PostgreSQL: postgresql://[user@]host[:port]/db or\n"
        "                     service=NAME (passwords: ~/.pgpass, never here)\n"
        "  --log-level LEVEL  trace, debug, info, warn (default), error, critical, off\n"
        "  --version          print the version\n"
        "  -h, --help         print this help (COMMAND --help for a command's own)\n\n"
        "Commands:\n");
    for (const Command &c : commands())
        text += QStringLiteral("  %1%2\n")
                    .arg(QString::fromLatin1(c.name).leftJustified(12),
                         QString::fromLatin1(c.summary));
    return text;
}

int run(const QStringList &args, const GlobalOptions &options)
{
    const QString name = args.first();
    for (const Command &c : commands()) {
        if (name != QLatin1String(c.name))
            continue;
        QCommandLineParser parser;
        parser.setApplicationDescription(QString::fromLatin1(c.summary));
        parser.addHelpOption();
        c.setup(parser);
        QStringList argv = args;
        argv[0] = QStringLiteral("baton ") + name;
        argv = negativeNumbersAsArguments(argv, c.setup);
        if (!parser.parse(argv)) {
            err(QStringLiteral("baton %1: %2").arg(name, parser.errorText()));
            return Usage;
        }
        if (parser.isSet(QStringLiteral("help"))) {
            out(parser.helpText());
            return Ok;
        }
        try {
            return c.run(parser, options);
        } catch (const UsageError &e) {
            err(QStringLiteral("baton %1: %2").arg(name, e.message()));
            return Usage;
        } catch (const Error &e) {
            err(QStringLiteral("baton %1: error: %2").arg(name, e.message()));
            return Failure;
        }
    }
    err(QStringLiteral("baton: unknown command '%1'\n\n%2").arg(name, usage()));
    return Usage;
}

} // namespace Baton::Cli
