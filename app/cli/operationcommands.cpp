#include "operationcommands.h"

#include "access/identity.h"
#include "access/reviewservice.h"
#include "common.h"
#include "engine/operatorservice.h"
#include "output.h"
#include "store/workspace.h"
#include "util/error.h"

#include <QElapsedTimer>
#include <QTextStream>
#include <QThread>
#include <cstdio>
#include <unistd.h>

namespace Baton::Cli {

namespace {

// How long a command waits for a running engine to apply its request before leaving it queued.
constexpr int kRequestWaitMs = 15000;

/// Waits for the engine to apply request @p id: Ok (saying @p done) when done, Failure with the
/// engine's reason when it refused. Without a live engine the request stays queued (Ok, and
/// said so of @p what: "deletion of run 1 requested", never "run 1 deleted requested").
int awaitRequest(Workspace &ws, qint64 id, const QString &what, const QString &done)
{
    if (!engineAlive(ws)) {
        out(QStringLiteral("%1 requested (request %2); no engine is running, it takes effect "
                           "when one starts")
                .arg(what)
                .arg(id));
        return Ok;
    }
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < kRequestWaitMs) {
        const RequestStatus s = OperatorService::requestStatus(ws.store().db(), id);
        if (s.state == QLatin1String("done")) {
            out(done);
            return Ok;
        }
        if (s.state == QLatin1String("failed")) {
            err(QStringLiteral("baton: the engine refused request %1: %2").arg(id).arg(s.error));
            return Failure;
        }
        QThread::msleep(50);
    }
    out(QStringLiteral("%1 requested (request %2); the engine has not applied it yet")
            .arg(what)
            .arg(id));
    return Ok;
}

bool confirm(const QString &question)
{
    QTextStream(stderr) << question << " [y/N] " << Qt::flush;
    char answer[16] = {};
    if (!std::fgets(answer, sizeof answer, stdin))
        return false;
    return answer[0] == 'y' || answer[0] == 'Y';
}

} // namespace

void setupRetry(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("RUN"), QStringLiteral("Run id."));
    p.addPositionalArgument(QStringLiteral("TASK"), QStringLiteral("Task to run again."));
}

int cmdRetry(QCommandLineParser &parser, const GlobalOptions &options)
{
    const QStringList args = parser.positionalArguments();
    if (args.size() != 2) {
        err(QStringLiteral("usage: baton retry RUN TASK"));
        return Usage;
    }
    auto ws = openWorkspace(options);
    const qint64 run = parseRunId(args[0]);
    const qint64 id = OperatorService::requestRetry(ws->store(), run, args[1], currentUser());
    return awaitRequest(*ws, id, QStringLiteral("retry of task %1 of run %2").arg(args[1]).arg(run),
                        QStringLiteral("task %1 of run %2 queued again").arg(args[1]).arg(run));
}

void setupMark(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("RUN"), QStringLiteral("Run id."));
    p.addPositionalArgument(QStringLiteral("TASK"), QStringLiteral("Task to mark."));
    p.addOption({ QStringLiteral("succeeded"), QStringLiteral("Mark the task succeeded.") });
    p.addOption({ QStringLiteral("failed"), QStringLiteral("Mark the task failed.") });
    p.addOption({ QStringLiteral("reason"),
                  QStringLiteral("Why (required; kept in the audit "
                                 "trail)."),
                  QStringLiteral("TEXT") });
}

int cmdMark(QCommandLineParser &parser, const GlobalOptions &options)
{
    const QStringList args = parser.positionalArguments();
    const bool succeeded = parser.isSet(QStringLiteral("succeeded"));
    const bool failed = parser.isSet(QStringLiteral("failed"));
    if (args.size() != 2 || succeeded == failed || !parser.isSet(QStringLiteral("reason"))) {
        err(QStringLiteral("usage: baton mark RUN TASK --succeeded|--failed --reason TEXT"));
        return Usage;
    }
    auto ws = openWorkspace(options);
    const qint64 run = parseRunId(args[0]);
    const RunState target = succeeded ? RunState::Succeeded : RunState::Failed;
    const qint64 id = OperatorService::requestMark(
        ws->store(), run, args[1], target, parser.value(QStringLiteral("reason")), currentUser());
    return awaitRequest(
        *ws, id,
        QStringLiteral("mark of task %1 of run %2 as %3")
            .arg(args[1])
            .arg(run)
            .arg(toString(target)),
        QStringLiteral("task %1 of run %2 marked %3").arg(args[1]).arg(run).arg(toString(target)));
}

void setupDelete(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("RUN"), QStringLiteral("Finished run ids."),
                            QStringLiteral("RUN..."));
    p.addOption({ { QStringLiteral("y"), QStringLiteral("yes") },
                  QStringLiteral("Do not ask for confirmation.") });
}

int cmdDelete(QCommandLineParser &parser, const GlobalOptions &options)
{
    const QStringList args = parser.positionalArguments();
    if (args.isEmpty()) {
        err(QStringLiteral("usage: baton delete RUN... [--yes]"));
        return Usage;
    }
    QList<qint64> ids;
    for (const QString &a : args)
        ids << parseRunId(a);
    if (!parser.isSet(QStringLiteral("yes"))) {
        if (!::isatty(STDIN_FILENO)) {
            err(QStringLiteral("baton delete: deleting runs cannot be undone; pass --yes to "
                               "confirm"));
            return Usage;
        }
        if (!confirm(QStringLiteral("Delete %1 run(s) (%2) with their tasks, logs and reviews?")
                         .arg(ids.size())
                         .arg(args.join(QStringLiteral(", "))))) {
            err(QStringLiteral("nothing deleted"));
            return Failure;
        }
    }
    auto ws = openWorkspace(options);
    const BulkOutcome outcome = OperatorService::deleteRuns(ws->store(), ids, currentUser());
    for (const auto &[id, why] : outcome.skipped)
        err(QStringLiteral("baton delete: run %1 not deleted: %2").arg(id).arg(why));
    int code = outcome.skipped.isEmpty() ? Ok : Failure;
    if (outcome.applied.isEmpty())
        return code;
    for (int i = 0; i < outcome.applied.size(); ++i) {
        if (awaitRequest(*ws, outcome.requests[i],
                         QStringLiteral("deletion of run %1").arg(outcome.applied[i]),
                         QStringLiteral("run %1 deleted").arg(outcome.applied[i]))
            != Ok)
            code = Failure;
    }
    return code;
}

void setupAnnotate(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("RUN"), QStringLiteral("Run id."));
    p.addPositionalArgument(QStringLiteral("TEXT"), QStringLiteral("The note."));
}

int cmdAnnotate(QCommandLineParser &parser, const GlobalOptions &options)
{
    const QStringList args = parser.positionalArguments();
    if (args.size() != 2) {
        err(QStringLiteral("usage: baton annotate RUN TEXT"));
        return Usage;
    }
    auto ws = openWorkspace(options);
    const qint64 run = parseRunId(args[0]);
    ReviewService::annotate(ws->store(), run, args[1], currentUser());
    out(QStringLiteral("run %1 annotated").arg(run));
    return Ok;
}

void setupReview(QCommandLineParser &p)
{
    p.addPositionalArgument(QStringLiteral("RUN"), QStringLiteral("Run id."));
    p.addOption({ QStringLiteral("approve"), QStringLiteral("Sign the run off as approved.") });
    p.addOption({ QStringLiteral("reject"), QStringLiteral("Sign the run off as rejected.") });
    p.addOption({ QStringLiteral("comment"), QStringLiteral("Why (required to reject)."),
                  QStringLiteral("TEXT") });
}

int cmdReview(QCommandLineParser &parser, const GlobalOptions &options)
{
    const QStringList args = parser.positionalArguments();
    const bool approve = parser.isSet(QStringLiteral("approve"));
    const bool reject = parser.isSet(QStringLiteral("reject"));
    if (args.size() != 1 || approve == reject) {
        err(QStringLiteral("usage: baton review RUN --approve|--reject [--comment TEXT]"));
        return Usage;
    }
    auto ws = openWorkspace(options);
    const qint64 run = parseRunId(args[0]);
    ReviewService::signOff(ws->store(), run, approve, parser.value(QStringLiteral("comment")),
                           currentUser());
    out(QStringLiteral("run %1 %2 by %3")
            .arg(run)
            .arg(approve ? QStringLiteral("approved") : QStringLiteral("rejected"), currentUser()));
    return Ok;
}

} // namespace Baton::Cli
