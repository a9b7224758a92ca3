#include "runcommands.h"

#include "access/identity.h"
#include "access/reviewservice.h"
#include "common.h"
#include "engine/engine.h"
#include "engine/enginelease.h"
#include "engine/runretry.h"
#include "engine/runservice.h"
#include "logs/logchunks.h"
#include "logs/logmirror.h"
#include "model/durationformat.h"
#include "model/projectspec.h"
#include "monitoring/rundetail.h"
#include "output.h"
#include "store/workspace.h"
#include "util/error.h"
#include "util/logging.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QSocketNotifier>
#include <QThread>
#include <QTimer>
#include <csignal>
#include <cstdio>
#include <functional>
#include <map>
#include <spdlog/spdlog.h>
#include <unistd.h>

namespace Baton::Cli {

namespace {

const QCommandLineOption kJson(QStringLiteral("json"), QStringLiteral("Print JSON."));
const QCommandLineOption kWait(QStringLiteral("wait"),
                               QStringLiteral("Follow the run; exit 0 only if it succeeds."));

QString clock(qint64 ms)
{
    if (ms <= 0)
        return QStringLiteral("-");
    // Progress prints a line per task change, thousands a second on a big run: the local time
    // is worked out once per second.
    static qint64 second = -1;
    static QString text;
    if (ms / 1000 != second) {
        second = ms / 1000;
        text = QDateTime::fromMSecsSinceEpoch(second * 1000).toString(QStringLiteral("HH:mm:ss"));
    }
    return text;
}

QString isoTime(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms)
                        .toOffsetFromUtc(QDateTime::currentDateTime().offsetFromUtc())
                        .toString(Qt::ISODateWithMs)
                  : QString();
}

// A duration as the listings print it (core's one form); "-" when nothing ran.
QString durationText(qint64 ms, bool ran)
{
    return ran ? Baton::durationText(ms) : QStringLiteral("-");
}

// Wall time from @p from to @p to (now while unfinished).
QString duration(qint64 from, qint64 to)
{
    const qint64 end = to > 0 ? to : QDateTime::currentMSecsSinceEpoch();
    return durationText(end - from, from > 0);
}

QString counts(const QMap<QString, int> &taskCounts)
{
    QStringList parts;
    for (auto it = taskCounts.constBegin(); it != taskCounts.constEnd(); ++it)
        parts << QStringLiteral("%1 %2").arg(it.value()).arg(it.key());
    return parts.join(QStringLiteral(", "));
}

/// The parameters of @p r as they may be printed: one that overrides a secret is *** (the rule
/// is core's, RunDetails::parameters); most runs have none, and cost no query.
QMap<QString, QString> shownParameters(const QSqlDatabase &db, const RunSummary &r)
{
    return r.parameters.isEmpty() ? r.parameters : RunDetails::parameters(db, r.id);
}

QJsonObject toJson(const QSqlDatabase &db, const RunSummary &r)
{
    QJsonObject params;
    const QMap<QString, QString> parameters = shownParameters(db, r);
    for (auto it = parameters.constBegin(); it != parameters.constEnd(); ++it)
        params.insert(it.key(), it.value());
    QJsonObject countsJson;
    for (auto it = r.taskCounts.constBegin(); it != r.taskCounts.constEnd(); ++it)
        countsJson.insert(it.key(), it.value());
    QJsonObject o { { QStringLiteral("id"), r.id },
                    { QStringLiteral("project"), r.project },
                    { QStringLiteral("pipeline"), r.pipeline },
                    { QStringLiteral("pipeline_version"), r.pipelineVersion },
                    { QStringLiteral("environment"), r.environment },
                    { QStringLiteral("state"), toString(r.state) },
                    { QStringLiteral("trigger"), r.trigger },
                    { QStringLiteral("logical_date"), r.logicalDate },
                    { QStringLiteral("requested_by"), r.requestedBy },
                    { QStringLiteral("review"), r.review },
                    { QStringLiteral("parameters"), params },
                    { QStringLiteral("created_at"), isoTime(r.createdAt) },
                    { QStringLiteral("started_at"), isoTime(r.startedAt) },
                    { QStringLiteral("finished_at"), isoTime(r.finishedAt) },
                    // Active time (README, "Durations"): null while nothing of it ran.
                    { QStringLiteral("duration_ms"),
                      r.active.ran ? QJsonValue(r.active.at(QDateTime::currentMSecsSinceEpoch()))
                                   : QJsonValue() },
                    { QStringLiteral("task_counts"), countsJson } };
    if (!r.tasks.isEmpty()) {
        QJsonArray tasks;
        for (const TaskRunSummary &t : r.tasks) {
            QJsonArray attempts;
            for (const AttemptSummary &a : t.attemptList) {
                attempts.append(
                    QJsonObject { { QStringLiteral("number"), a.number },
                                  { QStringLiteral("state"), toString(a.state) },
                                  { QStringLiteral("exit_code"),
                                    a.exitCode ? QJsonValue(*a.exitCode) : QJsonValue() },
                                  { QStringLiteral("reason"), a.reason },
                                  { QStringLiteral("started_at"), isoTime(a.startedAt) },
                                  { QStringLiteral("finished_at"), isoTime(a.finishedAt) },
                                  { QStringLiteral("log"), a.logPath } });
            }
            tasks.append(QJsonObject {
                { QStringLiteral("name"), t.name },
                { QStringLiteral("job"), t.job },
                { QStringLiteral("job_version"), t.jobVersion },
                { QStringLiteral("state"), toString(t.state) },
                { QStringLiteral("attempts"), attempts },
                { QStringLiteral("exit_code"),
                  t.exitCode ? QJsonValue(*t.exitCode) : QJsonValue() },
                { QStringLiteral("reason"), t.reason },
                { QStringLiteral("started_at"), isoTime(t.startedAt) },
                { QStringLiteral("finished_at"), isoTime(t.finishedAt) },
                { QStringLiteral("duration_ms"),
                  t.attemptList.isEmpty()
                      ? QJsonValue()
                      : QJsonValue(t.durationMs(QDateTime::currentMSecsSinceEpoch())) } });
        }
        o.insert(QStringLiteral("tasks"), tasks);
        QJsonArray metrics;
        for (const auto &[name, value] : r.metrics)
            metrics.append(QJsonObject { { QStringLiteral("name"), name },
                                         { QStringLiteral("value"), value } });
        o.insert(QStringLiteral("metrics"), metrics);
    }
    return o;
}

/// Follows a run to its end, printing task changes; runs an engine in-process when no other
/// engine holds the workspace. Returns the run's final state.
RunState follow(Workspace &ws, qint64 runId, bool quiet, int parallelism)
{
    std::unique_ptr<Engine> engine = engineIfNone(ws, parallelism);
    QEventLoop loop;
    RunState final = RunState::Queued;
    QHash<QString, RunState> seen;
    const auto inProcess = [&] {
        return engine && engine->isActive();
    };
    // Only the polling path needs to remember what it printed; the in-process engine signals
    // changes only, and a set of every task seen would grow with the run.
    auto report = [&](const QString &task, RunState state, int attempts, const QString &reason) {
        if (quiet)
            return;
        if (!inProcess()) {
            const auto before = seen.constFind(task);
            if (before != seen.cend() && *before == state)
                return;
            seen.insert(task, state);
        }
        if (state == RunState::Queued && attempts == 0)
            return;
        QString line = QStringLiteral("%1  %2  %3")
                           .arg(clock(QDateTime::currentMSecsSinceEpoch()), task.leftJustified(16),
                                toString(state));
        if (!reason.isEmpty() && state != RunState::Running)
            line += QStringLiteral(" (%1)").arg(reason);
        out(line);
    };
    QTimer timer;
    std::function<void()> attach;
    // The engine this command follows died or stopped (its lease expired, or its process on
    // this machine is gone): the run would wait for ever, so this command carries it on itself,
    // as it does when no engine runs at all.
    auto takeOverIfOrphaned = [&](const QSqlDatabase &db) {
        const auto lease = EngineLease::current(db);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        if (lease && lease->alive(now))
            return;
        const QString why = !lease ? QStringLiteral("the engine running this workspace stopped")
            : lease->expired(now)
            ? QStringLiteral("engine %1 stopped renewing its lease (expired %2 s ago)")
                  .arg(lease->holder)
                  .arg((now - lease->expiresAt) / 1000)
            : QStringLiteral("engine %1 is gone (process %2 no longer exists)")
                  .arg(lease->holder)
                  .arg(lease->pid);
        if (engine) { // one that lost its lease earlier: it may still have a signal queued
            engine->stop();
            engine.release()->deleteLater();
        }
        engine = engineIfNone(ws, parallelism);
        if (!inProcess()) {
            engine.reset(); // another engine took the workspace first: it is followed instead
            return;
        }
        err(QStringLiteral("baton: %1; run %2 carries on with an engine in this command")
                .arg(why)
                .arg(runId));
        attach();
        timer.start(1000);
    };
    // Polls the store (cheap queries): the only source when another engine runs the workspace,
    // a safety net otherwise.
    auto poll = [&] {
        try {
            const QSqlDatabase db = ws.store().db();
            // With the engine in this process, progress comes from its signals: reading every
            // task each second would make memory grow with the size of the run.
            if (!inProcess() && !quiet) {
                for (const TaskRunSummary &t : RunService::taskStates(db, runId))
                    report(t.name, t.state, t.attempts, t.reason);
            }
            const auto state = RunService::runState(db, runId);
            if (state && isTerminal(*state)) {
                final = *state;
                loop.quit();
                return;
            }
            if (!inProcess())
                takeOverIfOrphaned(db);
        } catch (const Error &e) {
            err(QStringLiteral("baton: %1").arg(e.message()));
        }
    };
    QObject::connect(&timer, &QTimer::timeout, poll);
    timer.start(inProcess() ? 1000 : 200);
    attach = [&] {
        // Progress and the end come straight from the in-process engine.
        QObject::connect(engine.get(), &Engine::runFinished, &loop, [&](qint64 id, RunState) {
            if (id == runId)
                poll();
        });
        if (!quiet) {
            QObject::connect(engine.get(), &Engine::taskStateChanged, &loop,
                             [&](qint64 id, const QString &task, RunState state) {
                                 if (id == runId && state != RunState::Starting)
                                     report(task, state, 1, QString());
                             });
        }
        QObject::connect(engine.get(), &Engine::leaseLost, &loop, [&] {
            err(QStringLiteral("baton: the in-process engine lost the workspace lease; following "
                               "the run from the store"));
            timer.start(200);
        });
    };
    if (engine)
        attach();
    QTimer::singleShot(0, &loop, poll);
    loop.exec();
    if (engine)
        engine->stop();
    return final;
}

int reportOutcome(Workspace &ws, qint64 runId, RunState state, bool json)
{
    // Without --json only the counts and the tasks that did not succeed are printed: reading
    // every task and attempt would make the memory of `run --wait` grow with the run.
    const RunSummary r = json ? RunService::run(ws.store().db(), runId)
                              : RunService::outcome(ws.store().db(), runId);
    if (json) {
        printJson(QJsonArray { toJson(ws.store().db(), r) });
    } else {
        out(QStringLiteral("run %1 %2 in %3 (%4)")
                .arg(runId)
                .arg(toString(r.state),
                     duration(r.startedAt ? r.startedAt : r.createdAt, r.finishedAt),
                     counts(r.taskCounts)));
    }
    if (state == RunState::Succeeded)
        return Ok;
    for (const TaskRunSummary &t : r.tasks) {
        if (isFailure(t.state) || t.state == RunState::Cancelled) {
            err(QStringLiteral("  %1: %2%3")
                    .arg(t.name, toString(t.state),
                         t.reason.isEmpty() ? QString() : QStringLiteral(" — ") + t.reason));
        }
    }
    return Failure;
}

// SIGINT/SIGTERM → a byte on a pipe → the event loop quits cleanly (lease released).
int g_signalPipe[2] = { -1, -1 };
void onSignal(int)
{
    const char c = 1;
    [[maybe_unused]] const auto n = ::write(g_signalPipe[1], &c, 1);
}

// The --param K=V options of @p command; false (said on stderr) when one is malformed.
bool readParams(const QCommandLineParser &parser, const QString &command,
                QMap<QString, QString> *params)
{
    for (const QString &kv : parser.values(QStringLiteral("param"))) {
        const qsizetype eq = kv.indexOf(QLatin1Char('='));
        if (eq <= 0) {
            err(QStringLiteral("baton %1: --param '%2': expected NAME=VALUE").arg(command, kv));
            return false;
        }
        // The same kind of mistake as a missing '=': a usage error too (the rule is core's).
        if (!isValidVariableName(kv.left(eq))) {
            err(QStringLiteral("baton %1: --param %2: not a valid variable name (letters, digits "
                               "and _ only, not starting with a digit)")
                    .arg(command, kv.left(eq)));
            return false;
        }
        params->insert(kv.left(eq), kv.mid(eq + 1));
    }
    return true;
}

// Prints a queued run (or follows it with --wait) as `baton run` does.
int reportQueued(Workspace &ws, const QCommandLineParser &parser, qint64 runId, const QString &what,
                 int parallelism)
{
    const bool json = parser.isSet(kJson);
    if (!parser.isSet(kWait)) {
        if (json)
            printJson(
                QJsonArray { toJson(ws.store().db(), RunService::run(ws.store().db(), runId)) });
        else
            out(QStringLiteral("run %1 queued: %2%3")
                    .arg(runId)
                    .arg(what,
                         engineAlive(ws)
                             ? QString()
                             : QStringLiteral(
                                 " (no engine is running: start one with 'baton engine')")));
        return Ok;
    }
    if (!json)
        out(QStringLiteral("run %1 queued: %2").arg(runId).arg(what));
    const RunState state = follow(ws, runId, json, parallelism);
    return reportOutcome(ws, runId, state, json);
}

} // namespace

void setupRun(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("PROJECT/PIPELINE"), QStringLiteral("What to run."));
    p.addOption({ QStringLiteral("env"),
                  QStringLiteral("Environment (default: the first of the "
                                 "project's path)."),
                  QStringLiteral("ENV") });
    p.addOption({ QStringLiteral("param"),
                  QStringLiteral("Run parameter, repeatable; reaches the "
                                 "jobs as an environment variable."),
                  QStringLiteral("K=V") });
    p.addOption({ QStringLiteral("parallelism"), QStringLiteral("Most tasks of this run at once."),
                  QStringLiteral("N") });
    p.addOption(kWait);
    p.addOption(kJson);
}

int cmdRun(QCommandLineParser &parser, const GlobalOptions &options)
{
    lineBuffered(); // progress of --wait

    const QStringList args = parser.positionalArguments();
    if (args.size() != 1 || !args.first().contains(QLatin1Char('/'))) {
        err(QStringLiteral("usage: baton run PROJECT/PIPELINE [--env ENV] [--param K=V]... "
                           "[--parallelism N] [--wait] [--json]"));
        return Usage;
    }
    RunRequest request;
    request.project = args.first().section(QLatin1Char('/'), 0, 0);
    request.pipeline = args.first().section(QLatin1Char('/'), 1);
    request.environment = parser.value(QStringLiteral("env"));
    request.actor = currentUser();
    if (!readParams(parser, QStringLiteral("run"), &request.parameters))
        return Usage;
    if (parser.isSet(QStringLiteral("parallelism")))
        request.parallelism = int(numberOption(parser, QStringLiteral("parallelism"), 1, 4096));
    auto ws = openWorkspace(options);
    const qint64 runId = RunService::createRun(ws->store(), request);
    return reportQueued(*ws, parser, runId, args.first(), request.parallelism);
}

void setupRuns(QCommandLineParser &p)
{
    p.addOption(kJson);
    p.addOption({ QStringLiteral("limit"), QStringLiteral("How many runs (default 50)."),
                  QStringLiteral("N"), QStringLiteral("50") });
    p.addOption({ QStringLiteral("review"),
                  QStringLiteral("Only runs in this review state: pending, approved, rejected."),
                  QStringLiteral("STATE") });
}

int cmdRuns(QCommandLineParser &parser, const GlobalOptions &options)
{
    const int limit = int(numberOption(parser, QStringLiteral("limit"), 1, 100000));
    auto ws = openWorkspace(options);
    const QList<RunSummary> runs
        = RunService::runs(ws->store().db(), limit, parser.value(QStringLiteral("review")));
    if (parser.isSet(kJson)) {
        QJsonArray array;
        for (const RunSummary &r : runs)
            array.append(toJson(ws->store().db(), r));
        printJson(array);
        return Ok;
    }
    QList<QStringList> rows;
    for (const RunSummary &r : runs) {
        rows << QStringList { QString::number(r.id),
                              r.project + QLatin1Char('/') + r.pipeline,
                              QStringLiteral("v%1").arg(r.pipelineVersion),
                              r.environment,
                              toString(r.state),
                              r.trigger,
                              clock(r.startedAt ? r.startedAt : r.createdAt),
                              durationText(r.active.at(QDateTime::currentMSecsSinceEpoch()),
                                           r.active.ran),
                              counts(r.taskCounts) };
    }
    printTable({ QStringLiteral("RUN"), QStringLiteral("PIPELINE"), QStringLiteral("VERSION"),
                 QStringLiteral("ENV"), QStringLiteral("STATE"), QStringLiteral("TRIGGER"),
                 QStringLiteral("STARTED"), QStringLiteral("DURATION"), QStringLiteral("TASKS") },
               rows);
    return Ok;
}

void setupShow(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("RUN"), QStringLiteral("Run id."));
    p.addOption(kJson);
}

int cmdShow(QCommandLineParser &parser, const GlobalOptions &options)
{
    if (parser.positionalArguments().size() != 1) {
        err(QStringLiteral("usage: baton show RUN [--json]"));
        return Usage;
    }
    auto ws = openWorkspace(options);
    const RunSummary r
        = RunService::run(ws->store().db(), parseRunId(parser.positionalArguments().first()));
    if (parser.isSet(kJson)) {
        printJson(QJsonArray { toJson(ws->store().db(), r) });
        return Ok;
    }
    out(QStringLiteral("run %1  %2/%3 v%4  env %5  %6")
            .arg(r.id)
            .arg(r.project, r.pipeline)
            .arg(r.pipelineVersion)
            .arg(r.environment, toString(r.state)));
    out(QStringLiteral("requested by %1 (%2) at %3, duration %4")
            .arg(r.requestedBy, r.trigger, isoTime(r.createdAt),
                 durationText(r.active.at(QDateTime::currentMSecsSinceEpoch()), r.active.ran)));
    if (!r.parameters.isEmpty()) {
        QStringList params;
        const QMap<QString, QString> parameters = shownParameters(ws->store().db(), r);
        for (auto it = parameters.constBegin(); it != parameters.constEnd(); ++it)
            params << printable(it.key() + QLatin1Char('=') + it.value());
        out(QStringLiteral("parameters: ") + params.join(QLatin1Char(' ')));
    }
    out(QString());
    QList<QStringList> rows;
    for (const TaskRunSummary &t : r.tasks) {
        rows << QStringList { t.name,
                              QStringLiteral("%1 v%2").arg(t.job).arg(t.jobVersion),
                              toString(t.state),
                              QString::number(t.attempts),
                              t.exitCode ? QString::number(*t.exitCode) : QStringLiteral("-"),
                              durationText(t.durationMs(QDateTime::currentMSecsSinceEpoch()),
                                           !t.attemptList.isEmpty()),
                              printable(t.reason) };
    }
    printTable({ QStringLiteral("TASK"), QStringLiteral("JOB"), QStringLiteral("STATE"),
                 QStringLiteral("ATTEMPTS"), QStringLiteral("EXIT"), QStringLiteral("DURATION"),
                 QStringLiteral("REASON") },
               rows);
    if (!r.metrics.isEmpty()) {
        out(QString());
        for (const auto &[name, value] : r.metrics)
            out(QStringLiteral("metric %1 = %2").arg(name).arg(value));
    }
    // The data steward's review: notes and sign-offs, oldest first.
    out(QString());
    out(QStringLiteral("review: %1").arg(r.review));
    for (const ReviewEntry &e : ReviewService::history(ws->store().db(), r.id)) {
        out(QStringLiteral("  %1  %2  %3%4")
                .arg(isoTime(e.createdAt), printable(e.author), e.kind,
                     e.text.isEmpty() ? QString() : QStringLiteral(": ") + printable(e.text)));
    }
    return Ok;
}

void setupLogs(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("RUN"), QStringLiteral("Run id."));
    p.addPositionalArgument(QStringLiteral("TASK"), QStringLiteral("Only this task."),
                            QStringLiteral("[TASK]"));
    p.addOption({ { QStringLiteral("f"), QStringLiteral("follow") },
                  QStringLiteral("Keep printing new output until the run ends.") });
}

// How long `logs --follow` waits, after its run ended, for the engine to ship the last bytes of a
// team workspace's logs.
constexpr qint64 kLogShippingWaitMs = 30000;

int cmdLogs(QCommandLineParser &parser, const GlobalOptions &options)
{
    const QStringList args = parser.positionalArguments();
    if (args.isEmpty() || args.size() > 2) {
        err(QStringLiteral("usage: baton logs RUN [TASK] [--follow]"));
        return Usage;
    }
    // An empty TASK (an unset shell variable, say) must not widen to every task's output.
    if (args.size() == 2 && args[1].trimmed().isEmpty()) {
        err(QStringLiteral("baton logs: TASK is empty: name a task, or leave it out for every "
                           "task"));
        return Usage;
    }
    auto ws = openWorkspace(options);
    const qint64 runId = parseRunId(args.first());
    const QString only = args.value(1);
    const bool followMode = parser.isSet(QStringLiteral("follow"));
    RunSummary r = RunService::run(ws->store().db(), runId);
    if (!only.isEmpty()) {
        bool found = false;
        for (const TaskRunSummary &t : r.tasks)
            found |= t.name == only;
        if (!found) {
            err(QStringLiteral("baton logs: run %1 has no task '%2'").arg(runId).arg(only));
            return Failure;
        }
    }
    QHash<QString, qint64> offsets;
    QString current;
    // A team workspace's logs are read from its database (the engine may run elsewhere): each
    // is fetched into a local cache file, read from there as a log file is.
    const bool mirrored = LogChunks::travelThroughDatabase(ws->store());
    std::map<QString, LogMirror> mirrors;
    bool allFetched = true; // every mirrored log is complete
    // Reads in chunks: memory stays flat however large the log is.
    auto drain = [&]() {
        allFetched = true;
        for (const TaskRunSummary &t : r.tasks) {
            if (!only.isEmpty() && t.name != only)
                continue;
            for (const AttemptSummary &a : t.attemptList) {
                QString file = a.logPath;
                if (mirrored && !a.logPath.isEmpty()) {
                    LogMirror &mirror
                        = mirrors.try_emplace(a.logPath, ws->store(), a.logPath).first->second;
                    allFetched &= mirror.fetchAll();
                    file = mirror.cachePath();
                }
                QFile f(file);
                // No file: the attempt wrote nothing (or nothing yet; --follow looks again).
                if (!f.open(QIODevice::ReadOnly))
                    continue;
                const qint64 from = offsets.value(a.logPath, 0);
                if (f.size() <= from)
                    continue;
                f.seek(from);
                const QString header
                    = QStringLiteral("==> %1 attempt %2 <==").arg(t.name).arg(a.number);
                if (header != current) {
                    out(header);
                    current = header;
                }
                std::fflush(stdout);
                char buffer[65536];
                qint64 n;
                while ((n = f.read(buffer, sizeof buffer)) > 0)
                    std::fwrite(buffer, 1, size_t(n), stdout);
                std::fflush(stdout);
                offsets.insert(a.logPath, f.pos());
            }
        }
    };
    drain();
    if (!followMode)
        return Ok;
    QElapsedTimer sinceEnd;
    for (;;) {
        // A mirrored log may end a moment after its run: the engine ships the last bytes. One
        // whose host went away for good is not waited for long.
        if (isTerminal(r.state) && !sinceEnd.isValid())
            sinceEnd.start();
        if (isTerminal(r.state) && (allFetched || sinceEnd.hasExpired(kLogShippingWaitMs))) {
            drain();
            return Ok;
        }
        QThread::msleep(250);
        r = RunService::run(ws->store().db(), runId);
        drain();
    }
}

void setupCancel(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("RUN"), QStringLiteral("Run id."));
    p.addOption({ QStringLiteral("task"), QStringLiteral("Cancel only this task."),
                  QStringLiteral("TASK") });
}

int cmdCancel(QCommandLineParser &parser, const GlobalOptions &options)
{
    if (parser.positionalArguments().size() != 1) {
        err(QStringLiteral("usage: baton cancel RUN [--task TASK]"));
        return Usage;
    }
    auto ws = openWorkspace(options);
    const qint64 runId = parseRunId(parser.positionalArguments().first());
    const qint64 request = RunService::requestCancel(
        ws->store(), runId, parser.value(QStringLiteral("task")), currentUser());
    out(QStringLiteral("cancel of run %1 requested (request %2)%3")
            .arg(runId)
            .arg(request)
            .arg(engineAlive(*ws) ? QString()
                                  : QStringLiteral("; no engine is running, it takes effect when "
                                                   "one starts")));
    return Ok;
}

void setupRerun(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("RUN"), QStringLiteral("Run id."));
    p.addOption({ QStringLiteral("failed"),
                  QStringLiteral("Rerun the tasks that did not succeed, in the same run.") });
    p.addOption({ QStringLiteral("new"),
                  QStringLiteral("A new run from this one: its environment, limit and "
                                 "parameters (secrets kept unchanged), changed by the options "
                                 "below.") });
    p.addOption({ QStringLiteral("param"),
                  QStringLiteral("With --new: set a parameter, repeatable (a variable of the "
                                 "project or a parameter of the run)."),
                  QStringLiteral("K=V") });
    p.addOption({ QStringLiteral("unset"),
                  QStringLiteral("With --new: leave a parameter of the run out, repeatable."),
                  QStringLiteral("K") });
    p.addOption({ QStringLiteral("env"), QStringLiteral("With --new: another environment."),
                  QStringLiteral("ENV") });
    p.addOption({ QStringLiteral("parallelism"),
                  QStringLiteral("With --new: most tasks of the new run at once."),
                  QStringLiteral("N") });
    p.addOption(kWait);
    p.addOption(kJson);
}

int cmdRerun(QCommandLineParser &parser, const GlobalOptions &options)
{
    const bool changes = parser.isSet(QStringLiteral("new"))
        || parser.isSet(QStringLiteral("param")) || parser.isSet(QStringLiteral("unset"))
        || parser.isSet(QStringLiteral("env")) || parser.isSet(QStringLiteral("parallelism"));
    if (parser.positionalArguments().size() != 1
        || parser.isSet(QStringLiteral("failed")) == changes) {
        err(QStringLiteral("usage: baton rerun RUN --failed [--wait]\n"
                           "       baton rerun RUN --new [--param K=V]... [--unset K]... "
                           "[--env ENV] [--parallelism N] [--wait] [--json]"));
        return Usage;
    }
    if (changes) {
        QMap<QString, QString> set;
        if (!readParams(parser, QStringLiteral("rerun"), &set))
            return Usage;
        int parallelism = -1;
        if (parser.isSet(QStringLiteral("parallelism")))
            parallelism = int(numberOption(parser, QStringLiteral("parallelism"), 1, 4096));
        auto ws = openWorkspace(options);
        const qint64 from = parseRunId(parser.positionalArguments().first());
        const RetryDraft draft = RunRetry::draft(ws->store().db(), from);
        RetryRequest request
            = RunRetry::withChanges(draft, set, parser.values(QStringLiteral("unset")));
        request.environment = parser.value(QStringLiteral("env"));
        request.parallelism = parallelism;
        request.actor = currentUser();
        const qint64 runId = RunRetry::submit(ws->store(), request);
        return reportQueued(
            *ws, parser, runId,
            QStringLiteral("%1/%2, again from run %3").arg(draft.project, draft.pipeline).arg(from),
            parallelism < 0 ? draft.parallelism : parallelism);
    }
    auto ws = openWorkspace(options);
    const qint64 runId = parseRunId(parser.positionalArguments().first());
    RunService::rerunFailed(ws->store(), runId, currentUser());
    if (!parser.isSet(kWait)) {
        out(QStringLiteral("run %1 queued again from its failed tasks").arg(runId));
        return Ok;
    }
    const RunState state = follow(*ws, runId, parser.isSet(kJson), 0);
    return reportOutcome(*ws, runId, state, parser.isSet(kJson));
}

void setupEngine(QCommandLineParser &p)
{
    p.addOption({ QStringLiteral("parallelism"),
                  QStringLiteral("Most attempts at once in the workspace (default: setting "
                                 "max_parallel, else the CPU count)."),
                  QStringLiteral("N") });
}

int cmdEngine(QCommandLineParser &parser, const GlobalOptions &options)
{
    lineBuffered(); // its lines go to a service's log as they happen

    EngineOptions engineOptions;
    if (parser.isSet(QStringLiteral("parallelism")))
        engineOptions.maxParallel
            = int(numberOption(parser, QStringLiteral("parallelism"), 1, 4096));
    auto ws = openWorkspace(options);
    Engine engine(ws.get(), engineOptions);

    if (::pipe(g_signalPipe) != 0)
        throw Error(QStringLiteral("cannot create the signal pipe"));
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    QEventLoop loop;
    QSocketNotifier notifier(g_signalPipe[0], QSocketNotifier::Read);
    QObject::connect(&notifier, &QSocketNotifier::activated, &loop, &QEventLoop::quit);

    // Standby until the lease is ours: another engine may be holding the workspace.
    QTimer retry;
    bool announced = false;
    auto tryStart = [&] {
        QString error;
        if (engine.start(&error)) {
            retry.stop();
            out(QStringLiteral(
                    "engine %1 running on %2 (Ctrl+C to stop; running attempts carry on)")
                    .arg(engine.holder(), ws->address()));
        } else if (!announced) {
            out(QStringLiteral("standing by: %1").arg(error));
            announced = true;
        }
    };
    QObject::connect(&retry, &QTimer::timeout, tryStart);
    QObject::connect(&engine, &Engine::leaseLost, &loop, [&] {
        out(QStringLiteral("lease lost; standing by"));
        announced = false;
        retry.start(2000);
    });
    retry.start(2000);
    tryStart();
    loop.exec();
    engine.stop();
    out(QStringLiteral("engine stopped"));
    return Ok;
}

} // namespace Baton::Cli
