#include "releasecommands.h"

#include "access/identity.h"
#include "access/roles.h"
#include "common.h"
#include "model/runstate.h"
#include "output.h"
#include "release/deploymentmatrix.h"
#include "release/promotion.h"
#include "release/runtimecatalog.h"
#include "release/versiondiff.h"
#include "release/versions.h"
#include "store/workspace.h"
#include "util/error.h"
#include "util/number.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>

namespace Baton::Cli {

namespace {

const QCommandLineOption kJson(QStringLiteral("json"), QStringLiteral("Print JSON."));
const QCommandLineOption kKind(QStringLiteral("kind"),
                               QStringLiteral("job or pipeline, when NAME is both."),
                               QStringLiteral("KIND"));

QString when(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm"))
                  : QString();
}

QString isoTime(qint64 ms)
{
    if (ms <= 0)
        return {};
    return QDateTime::fromMSecsSinceEpoch(ms)
        .toOffsetFromUtc(QDateTime::currentDateTime().offsetFromUtc())
        .toString(Qt::ISODate);
}

bool parseId(const QString &text, qint64 *id)
{
    const auto n = parseWholeNumber(text, 1);
    *id = n.value_or(0);
    return n.has_value();
}

} // namespace

void setupVersions(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("PROJECT/NAME"), QStringLiteral("A job or pipeline."));
    p.addOption(kKind);
    p.addOption(kJson);
}

int cmdVersions(QCommandLineParser &parser, const GlobalOptions &options)
{
    const QStringList args = parser.positionalArguments();
    if (args.size() != 1) {
        err(QStringLiteral("usage: baton versions PROJECT/NAME [--kind job|pipeline] [--json]"));
        return Usage;
    }
    auto ws = openWorkspace(options);
    const QSqlDatabase db = ws->store().db();
    const ReleaseTarget target = ReleaseTarget::resolve(db, args[0], parser.value(kKind));
    const QList<VersionInfo> versions = Versions::list(db, target);
    if (parser.isSet(kJson)) {
        QJsonArray array;
        for (const VersionInfo &v : versions) {
            QJsonObject o { { QStringLiteral("version"), v.number },
                            { QStringLiteral("content_hash"), v.contentHash },
                            { QStringLiteral("author"), v.author },
                            { QStringLiteral("created_at"), isoTime(v.createdAt) },
                            { QStringLiteral("release_note"), v.releaseNote },
                            { QStringLiteral("deployed_in"),
                              QJsonArray::fromStringList(v.deployedIn) } };
            if (target.kind == ReleaseKind::Job) {
                o.insert(QStringLiteral("technology"), v.technology);
                o.insert(QStringLiteral("runtime"), v.runtime);
                o.insert(QStringLiteral("command"), v.command);
            }
            array.append(o);
        }
        printJson(array);
        return Ok;
    }
    out(QStringLiteral("%1 %2").arg(toString(target.kind), target.fullName()));
    QList<QStringList> rows;
    for (const VersionInfo &v : versions) {
        rows << QStringList { QStringLiteral("v%1").arg(v.number),
                              v.contentHash.left(12),
                              v.author,
                              when(v.createdAt),
                              v.deployedIn.isEmpty() ? QStringLiteral("-")
                                                     : v.deployedIn.join(QLatin1Char(',')),
                              v.releaseNote };
    }
    printTable({ QStringLiteral("VERSION"), QStringLiteral("HASH"), QStringLiteral("AUTHOR"),
                 QStringLiteral("CREATED"), QStringLiteral("DEPLOYED IN"),
                 QStringLiteral("RELEASE NOTE") },
               rows);
    return Ok;
}

void setupDiff(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("A"),
                            QStringLiteral("PROJECT/NAME@N, PROJECT/NAME@ENV or PROJECT/NAME "
                                           "(latest)."));
    p.addPositionalArgument(QStringLiteral("B"),
                            QStringLiteral("The same forms; @N or @ENV alone means A's NAME."));
    p.addOption(kKind);
    p.addOption(kJson);
}

int cmdDiff(QCommandLineParser &parser, const GlobalOptions &options)
{
    QStringList args = parser.positionalArguments();
    if (args.size() != 2) {
        err(QStringLiteral("usage: baton diff PROJECT/NAME@A PROJECT/NAME@B  (versions by "
                           "number, or @ENV for what an environment runs)"));
        return Usage;
    }
    auto ws = openWorkspace(options);
    const QSqlDatabase db = ws->store().db();
    if (args[1].startsWith(QLatin1Char('@')))
        args[1] = args[0].section(QLatin1Char('@'), 0, 0) + args[1];
    const VersionRef a = Versions::resolve(db, args[0], parser.value(kKind));
    const VersionRef b = Versions::resolve(db, args[1], toString(a.target.kind));
    if (a.target.id != b.target.id) {
        err(QStringLiteral("baton diff: %1 and %2 are different %3s: compare two versions of one")
                .arg(a.target.fullName(), b.target.fullName(), toString(a.target.kind)));
        return Usage;
    }
    VersionDiff diff = VersionDiff::compute(db, a.target, a.versionId, b.versionId);
    diff.fromLabel = a.label;
    diff.toLabel = b.label;
    if (parser.isSet(kJson)) {
        printJson(QJsonArray { diff.toJson() });
        return Ok;
    }
    for (const QString &line : diff.toLines())
        out(line);
    return Ok;
}

void setupPromote(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("PROJECT/NAME"), QStringLiteral("A job or pipeline."));
    p.addOption(
        { QStringLiteral("to"), QStringLiteral("Target environment."), QStringLiteral("ENV") });
    p.addOption({ QStringLiteral("version"),
                  QStringLiteral("Version number (default: what the previous environment runs)."),
                  QStringLiteral("N") });
    p.addOption({ QStringLiteral("note"), QStringLiteral("Why (kept with the request)."),
                  QStringLiteral("TEXT") });
    p.addOption({ QStringLiteral("dry-run"),
                  QStringLiteral("Show the plan (diff, variables, rewrites, gates) only.") });
    p.addOption(kKind);
    p.addOption(kJson);
}

int cmdPromote(QCommandLineParser &parser, const GlobalOptions &options)
{
    const QStringList args = parser.positionalArguments();
    if (args.size() != 1 || !parser.isSet(QStringLiteral("to"))) {
        err(QStringLiteral("usage: baton promote PROJECT/NAME --to ENV [--version N] [--note "
                           "TEXT] [--dry-run] [--json]"));
        return Usage;
    }
    int version = 0;
    if (parser.isSet(QStringLiteral("version"))) {
        QString text = parser.value(QStringLiteral("version"));
        if (text.startsWith(QLatin1Char('v')))
            text = text.mid(1);
        const auto n = parseWholeNumber(text, 1, std::numeric_limits<int>::max());
        version = int(n.value_or(0));
        if (!n) {
            err(QStringLiteral("baton promote: --version: expected a version number, got '%1'")
                    .arg(parser.value(QStringLiteral("version"))));
            return Usage;
        }
    }
    auto ws = openWorkspace(options);
    const ReleaseTarget target
        = ReleaseTarget::resolve(ws->store().db(), args[0], parser.value(kKind));
    const QString to = parser.value(QStringLiteral("to"));
    const QString actor = currentUser();
    const PromotionPlan plan = Promotion::plan(ws->store(), target, to, version, actor);
    if (parser.isSet(QStringLiteral("dry-run"))) {
        if (parser.isSet(kJson))
            printJson(QJsonArray { plan.toJson() });
        else
            for (const QString &line : plan.toLines())
                out(line);
        return plan.blocked() ? Failure : Ok;
    }
    if (!parser.isSet(kJson)) {
        for (const QString &line : plan.toLines())
            out(line);
    }
    const PromotionOutcome outcome = Promotion::promote(ws->store(), target, to, version, actor,
                                                        parser.value(QStringLiteral("note")));
    if (parser.isSet(kJson)) {
        QJsonObject o = outcome.plan.toJson();
        o.insert(QStringLiteral("promoted"), outcome.promoted);
        o.insert(QStringLiteral("request"), outcome.requestId);
        printJson(QJsonArray { o });
        return Ok;
    }
    if (outcome.promoted) {
        out(QStringLiteral("promoted %1 v%2 to %3")
                .arg(target.fullName())
                .arg(outcome.plan.version)
                .arg(to));
    } else {
        out(QStringLiteral("request %1 filed: %2 v%3 to %4 waits for a second release manager "
                           "(baton approve %1)")
                .arg(outcome.requestId)
                .arg(target.fullName())
                .arg(outcome.plan.version)
                .arg(to));
    }
    return Ok;
}

void setupApprove(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("REQUEST"), QStringLiteral("Request number."));
}

int cmdApprove(QCommandLineParser &parser, const GlobalOptions &options)
{
    const QStringList args = parser.positionalArguments();
    qint64 id = 0;
    if (args.size() != 1 || !parseId(args[0], &id)) {
        err(QStringLiteral("usage: baton approve REQUEST  (a request number from baton requests)"));
        return Usage;
    }
    auto ws = openWorkspace(options);
    const PromotionOutcome outcome = Promotion::approve(ws->store(), id, currentUser());
    out(QStringLiteral("approved request %1: promoted %2 v%3 to %4")
            .arg(id)
            .arg(outcome.plan.target.fullName())
            .arg(outcome.plan.version)
            .arg(outcome.plan.to.name));
    return Ok;
}

void setupReject(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("REQUEST"), QStringLiteral("Request number."));
    p.addOption(
        { QStringLiteral("reason"), QStringLiteral("Why (required)."), QStringLiteral("R") });
}

int cmdReject(QCommandLineParser &parser, const GlobalOptions &options)
{
    const QStringList args = parser.positionalArguments();
    qint64 id = 0;
    if (args.size() != 1 || !parseId(args[0], &id) || !parser.isSet(QStringLiteral("reason"))) {
        err(QStringLiteral("usage: baton reject REQUEST --reason R"));
        return Usage;
    }
    auto ws = openWorkspace(options);
    Promotion::reject(ws->store(), id, currentUser(), parser.value(QStringLiteral("reason")));
    out(QStringLiteral("rejected request %1").arg(id));
    return Ok;
}

void setupRollback(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("PROJECT/NAME"), QStringLiteral("A job or pipeline."));
    p.addOption({ QStringLiteral("env"), QStringLiteral("Environment."), QStringLiteral("ENV") });
    p.addOption(kKind);
}

int cmdRollback(QCommandLineParser &parser, const GlobalOptions &options)
{
    const QStringList args = parser.positionalArguments();
    if (args.size() != 1 || !parser.isSet(QStringLiteral("env"))) {
        err(QStringLiteral("usage: baton rollback PROJECT/NAME --env ENV"));
        return Usage;
    }
    auto ws = openWorkspace(options);
    const ReleaseTarget target
        = ReleaseTarget::resolve(ws->store().db(), args[0], parser.value(kKind));
    const RollbackPlan plan = Promotion::rollback(
        ws->store(), target, parser.value(QStringLiteral("env")), currentUser());
    out(QStringLiteral("rolled back %1 in %2: v%3 → v%4")
            .arg(target.fullName(), plan.environment.name)
            .arg(plan.current.version)
            .arg(plan.previous.version));
    return Ok;
}

void setupDeployments(QCommandLineParser &p)
{
    p.addOption({ QStringLiteral("project"), QStringLiteral("Only this project."),
                  QStringLiteral("NAME") });
    p.addOption(kJson);
}

int cmdDeployments(QCommandLineParser &parser, const GlobalOptions &options)
{
    auto ws = openWorkspace(options);
    const QString project = parser.value(QStringLiteral("project"));
    const DeploymentMatrix matrix = DeploymentMatrix::read(ws->store().db(), project);
    if (!project.isEmpty() && matrix.projects.isEmpty())
        throw Error(QStringLiteral("no project named '%1'").arg(project));
    if (parser.isSet(kJson)) {
        printJson(matrix.toJson());
        return Ok;
    }
    bool first = true;
    for (const ProjectMatrix &pm : matrix.projects) {
        if (!first)
            out(QString());
        first = false;
        QStringList header { pm.project.toUpper(), QStringLiteral("KIND"),
                             QStringLiteral("LATEST") };
        for (const EnvironmentRef &e : pm.environments)
            header << e.name;
        QList<QStringList> rows;
        for (const MatrixRow &row : pm.rows) {
            QStringList cells { row.name, toString(row.kind),
                                QStringLiteral("v%1").arg(row.latestVersion) };
            for (const MatrixCell &c : row.cells) {
                if (!c.version) {
                    cells << QStringLiteral("-");
                    continue;
                }
                QString text
                    = (c.drift ? QStringLiteral("≠v%1") : QStringLiteral("v%1")).arg(c.version)
                    + QLatin1Char(' ') + stateGlyph(c.lastRunState);
                if (c.runtimeStatus == QLatin1String("missing")
                    || c.runtimeStatus == QLatin1String("deprecated")
                    || c.runtimeStatus == QLatin1String("deprecating"))
                    text += QStringLiteral(" !") + c.runtimeStatus;
                if (c.pendingRequestId)
                    text += QStringLiteral(" (v%1 waits: #%2)")
                                .arg(c.pendingVersion)
                                .arg(c.pendingRequestId);
                cells << text;
            }
            rows << cells;
        }
        printTable(header, rows);
    }
    out(QStringLiteral("\n✓ last run succeeded  ✗ failed  – skipped or cancelled  … running  "
                       "· never ran  ≠ differs from the environment before  !runtime "
                       "missing/deprecated"));
    return Ok;
}

void setupRequests(QCommandLineParser &p)
{
    p.addOption({ QStringLiteral("all"), QStringLiteral("Decided requests too.") });
    p.addOption(kJson);
}

int cmdRequests(QCommandLineParser &parser, const GlobalOptions &options)
{
    auto ws = openWorkspace(options);
    const QList<PromotionRequest> list
        = Promotion::requests(ws->store().db(), !parser.isSet(QStringLiteral("all")));
    if (parser.isSet(kJson)) {
        QJsonArray array;
        for (const PromotionRequest &r : list) {
            array.append(QJsonObject { { QStringLiteral("id"), r.id },
                                       { QStringLiteral("kind"), toString(r.kind) },
                                       { QStringLiteral("target"), r.fullName() },
                                       { QStringLiteral("version"), r.version },
                                       { QStringLiteral("from"), r.from },
                                       { QStringLiteral("to"), r.to },
                                       { QStringLiteral("state"), r.state },
                                       { QStringLiteral("requested_by"), r.requestedBy },
                                       { QStringLiteral("requested_at"), isoTime(r.requestedAt) },
                                       { QStringLiteral("note"), r.note },
                                       { QStringLiteral("decided_by"), r.decidedBy },
                                       { QStringLiteral("reason"), r.reason } });
        }
        printJson(array);
        return Ok;
    }
    QList<QStringList> rows;
    for (const PromotionRequest &r : list) {
        rows << QStringList { QString::number(r.id),
                              r.fullName(),
                              QStringLiteral("v%1").arg(r.version),
                              QStringLiteral("%1 → %2").arg(r.from, r.to),
                              r.state,
                              r.requestedBy,
                              when(r.requestedAt),
                              r.state == QLatin1String("pending")
                                  ? r.note
                                  : QStringLiteral("%1 %2").arg(r.decidedBy, r.reason).trimmed() };
    }
    printTable({ QStringLiteral("REQUEST"), QStringLiteral("TARGET"), QStringLiteral("VERSION"),
                 QStringLiteral("PATH"), QStringLiteral("STATE"), QStringLiteral("BY"),
                 QStringLiteral("AT"), QStringLiteral("NOTE") },
               rows);
    return Ok;
}

void setupRoles(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("USER"), QStringLiteral("A user name."),
                            QStringLiteral("[USER"));
    p.addPositionalArgument(QStringLiteral("ROLE"),
                            QStringLiteral("Roles to give USER (replacing theirs); 'none' "
                                           "removes all."),
                            QStringLiteral("[ROLE...]]"));
    p.addOption(kJson);
}

int cmdRoles(QCommandLineParser &parser, const GlobalOptions &options)
{
    const QStringList args = parser.positionalArguments();
    auto ws = openWorkspace(options);
    if (args.size() >= 2) {
        QStringList roles = args.mid(1);
        if (roles == QStringList { QStringLiteral("none") })
            roles.clear();
        Roles::set(ws->store(), currentUser(), args[0], roles);
    }
    QMap<QString, QStringList> all = Roles::everyone(ws->store().db());
    if (!args.isEmpty()) {
        const QStringList mine = all.value(args[0]);
        all.clear();
        all.insert(args[0], mine);
    }
    if (parser.isSet(kJson)) {
        QJsonArray array;
        for (auto it = all.constBegin(); it != all.constEnd(); ++it)
            array.append(QJsonObject {
                { QStringLiteral("user"), it.key() },
                { QStringLiteral("roles"), QJsonArray::fromStringList(it.value()) } });
        printJson(array);
        return Ok;
    }
    QList<QStringList> rows;
    for (auto it = all.constBegin(); it != all.constEnd(); ++it)
        rows << QStringList { it.key(),
                              it.value().isEmpty() ? QStringLiteral("(none)")
                                                   : it.value().join(QStringLiteral(", ")) };
    printTable({ QStringLiteral("USER"), QStringLiteral("ROLES") }, rows);
    return Ok;
}

void setupRuntimes(QCommandLineParser &p)
{
    p.addOption({ QStringLiteral("detect"),
                  QStringLiteral("Detect the runtimes of this host (the local executor) now.") });
    p.addOption({ QStringLiteral("deprecate"),
                  QStringLiteral("Set a deprecation date: --deprecate NAME VERSION DATE "
                                 "(YYYY-MM-DD, or 'none' to clear). Admins only.") });
    p.addPositionalArgument(QStringLiteral("NAME VERSION DATE"),
                            QStringLiteral("With --deprecate."),
                            QStringLiteral("[NAME VERSION DATE]"));
    p.addOption(kJson);
}

int cmdRuntimes(QCommandLineParser &parser, const GlobalOptions &options)
{
    const QStringList args = parser.positionalArguments();
    const bool deprecate = parser.isSet(QStringLiteral("deprecate"));
    if ((deprecate && args.size() != 3) || (!deprecate && !args.isEmpty())) {
        err(QStringLiteral("usage: baton runtimes [--detect] [--deprecate NAME VERSION DATE] "
                           "[--json]"));
        return Usage;
    }
    QDate date;
    if (deprecate && args[2] != QLatin1String("none")) {
        date = QDate::fromString(args[2], Qt::ISODate);
        if (!date.isValid()) {
            err(QStringLiteral("baton runtimes --deprecate: '%1' is not a date (YYYY-MM-DD, or "
                               "none)")
                    .arg(args[2]));
            return Usage;
        }
    }
    auto ws = openWorkspace(options);
    if (parser.isSet(QStringLiteral("detect"))) {
        const QList<DetectedRuntime> found = RuntimeCatalog::detect();
        RuntimeCatalog::record(ws->store(), QStringLiteral("local"), found, currentUser());
        out(QStringLiteral("detected %1 runtime(s) on this host").arg(found.size()));
    }
    if (deprecate) {
        RuntimeCatalog::deprecate(ws->store(), args[0], args[1], date, currentUser());
        out(date.isValid() ? QStringLiteral("%1 %2 deprecated from %3")
                                 .arg(args[0], args[1], date.toString(Qt::ISODate))
                           : QStringLiteral("%1 %2: deprecation cleared").arg(args[0], args[1]));
    }
    const QList<RuntimeInfo> list = RuntimeCatalog::list(ws->store().db());
    if (parser.isSet(kJson)) {
        QJsonArray array;
        for (const RuntimeInfo &r : list) {
            array.append(QJsonObject {
                { QStringLiteral("executor"), r.executor },
                { QStringLiteral("technology"), r.technology },
                { QStringLiteral("version"), r.version },
                { QStringLiteral("path"), r.path },
                { QStringLiteral("host"), r.host },
                { QStringLiteral("detected_at"), isoTime(r.detectedAt) },
                { QStringLiteral("deprecated_on"),
                  r.deprecatedOn.isValid() ? r.deprecatedOn.toString(Qt::ISODate) : QString() } });
        }
        printJson(array);
        return Ok;
    }
    if (parser.isSet(QStringLiteral("detect")) || deprecate)
        return Ok;
    QList<QStringList> rows;
    for (const RuntimeInfo &r : list) {
        rows << QStringList { r.technology, r.version,
                              r.executor.isEmpty() ? QStringLiteral("-") : r.executor,
                              r.deprecatedOn.isValid() ? r.deprecatedOn.toString(Qt::ISODate)
                                                       : QStringLiteral("-"),
                              r.path };
    }
    printTable({ QStringLiteral("RUNTIME"), QStringLiteral("VERSION"), QStringLiteral("EXECUTOR"),
                 QStringLiteral("DEPRECATED FROM"), QStringLiteral("PATH") },
               rows);
    if (list.isEmpty())
        out(QStringLiteral("(nothing detected yet: baton runtimes --detect)"));
    return Ok;
}

} // namespace Baton::Cli
