// Operator actions end to end: requests applied by a real engine with real processes, and the
// CLI commands of the real binary against a `baton engine` running beside them.
#include "access/auditlog.h"
#include "engine/engine.h"
#include "engine/enginelease.h"
#include "engine/operatorservice.h"
#include "engine/runservice.h"
#include "fixture.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/storebackend.h"
#include "store/workspace.h"
#include "util/error.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace Baton;
using namespace Baton::IntegrationTest;

namespace {

Result baton(const QString &workspace, const QStringList &args)
{
    return runBaton(inWorkspace(workspace, args), asUser(QStringLiteral("olga")));
}

} // namespace

class TestOperations : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_tmp;
    TestWorkspaces m_spaces;
    std::unique_ptr<Workspace> m_ws;
    std::unique_ptr<Engine> m_engine;
    int m_counter = 0;

    QString flag(const QString &name) const
    {
        return m_tmp.filePath(QStringLiteral("%1-%2").arg(name).arg(m_counter));
    }

    void setUpProject(const QList<JobSpec> &jobs, const QList<TaskSpec> &tasks)
    {
        ProjectWriter::apply(m_ws->store(), { pipeProject(jobs, tasks) }, QStringLiteral("tester"));
    }

    void startEngine()
    {
        if (m_engine)
            return;
        m_engine = std::make_unique<Engine>(m_ws.get(), engineOptions());
        QString error;
        QVERIFY2(m_engine->start(&error), qPrintable(error));
    }

    qint64 queue()
    {
        RunRequest r;
        r.project = QStringLiteral("proj");
        r.pipeline = QStringLiteral("pipe");
        r.actor = QStringLiteral("tester");
        return RunService::createRun(m_ws->store(), r);
    }

    RunSummary runToEnd(qint64 runId, int timeoutMs = 30000)
    {
        startEngine();
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < timeoutMs) {
            const auto s = RunService::runState(m_ws->store().db(), runId);
            if (s && isTerminal(*s))
                break;
            QTest::qWait(20);
        }
        return RunService::run(m_ws->store().db(), runId);
    }

    RequestStatus awaitRequest(qint64 id)
    {
        startEngine();
        QElapsedTimer t;
        t.start();
        RequestStatus s = OperatorService::requestStatus(m_ws->store().db(), id);
        while (!s.finished() && t.elapsed() < 10000) {
            QTest::qWait(20);
            s = OperatorService::requestStatus(m_ws->store().db(), id);
        }
        return s;
    }

    QString taskState(qint64 run, const QString &name)
    {
        return Sql::scalar(m_ws->store().db(),
                           QStringLiteral("SELECT state FROM task_runs WHERE run_id = ? AND "
                                          "task_name = ?"),
                           { run, name })
            .toString();
    }

private Q_SLOTS:
    void init() { m_ws = m_spaces.open(m_tmp.filePath(QString::number(++m_counter))); }
    void cleanup()
    {
        m_engine.reset();
        m_ws.reset();
        m_spaces.dropAll();
    }

    void retryAFailedTaskOfAFinishedRun()
    {
        const QString fixed = flag(QStringLiteral("fixed"));
        setUpProject(
            { job(QStringLiteral("first"), QStringLiteral("true")),
              job(QStringLiteral("second"), QStringLiteral("test -e '%1'").arg(fixed)),
              job(QStringLiteral("third"), QStringLiteral("true")),
              job(QStringLiteral("alert"), QStringLiteral("true")) },
            { task(QStringLiteral("first")),
              task(QStringLiteral("second"), { QStringLiteral("first") }),
              task(QStringLiteral("third"), { QStringLiteral("second") }),
              task(QStringLiteral("alert"), { QStringLiteral("second") }, EdgeCondition::Failed) });
        const qint64 id = queue();
        RunSummary r = runToEnd(id);
        QCOMPARE(toString(r.state), QStringLiteral("failed"));
        QCOMPARE(toString(findTask(r, QStringLiteral("third"))->state),
                 QStringLiteral("upstream_failed"));
        QVERIFY(QFile(fixed).open(QIODevice::WriteOnly));

        const qint64 request = OperatorService::requestRetry(
            m_ws->store(), id, QStringLiteral("second"), QStringLiteral("olga"));
        const RequestStatus s = awaitRequest(request);
        QCOMPARE(s.state, QStringLiteral("done"));
        r = runToEnd(id);
        QCOMPARE(toString(r.state), QStringLiteral("succeeded"));
        QCOMPARE(findTask(r, QStringLiteral("first"))->attempts, 1); // kept
        QCOMPARE(findTask(r, QStringLiteral("second"))->attempts, 2);
        QCOMPARE(findTask(r, QStringLiteral("second"))->attemptList.size(), 2);
        QCOMPARE(toString(findTask(r, QStringLiteral("third"))->state),
                 QStringLiteral("succeeded"));
        // The alert already ran for the first failure: what ran is never undone.
        QCOMPARE(toString(findTask(r, QStringLiteral("alert"))->state),
                 QStringLiteral("succeeded"));
        QVERIFY(r.finishedAt >= r.startedAt);
    }

    void retryWhileTheRunIsStillRunning()
    {
        const QString fixed = flag(QStringLiteral("fixed"));
        const QString release = flag(QStringLiteral("release"));
        setUpProject({ job(QStringLiteral("quick"), QStringLiteral("test -e '%1'").arg(fixed)),
                       job(QStringLiteral("slow"),
                           QStringLiteral("while [ ! -e '%1' ]; do sleep "
                                          "0.05; done")
                               .arg(release)),
                       job(QStringLiteral("after"), QStringLiteral("true")) },
                     { task(QStringLiteral("quick")), task(QStringLiteral("slow")),
                       task(QStringLiteral("after"), { QStringLiteral("quick") }) });
        const qint64 id = queue();
        startEngine();
        QTRY_COMPARE_WITH_TIMEOUT(taskState(id, QStringLiteral("quick")), QStringLiteral("failed"),
                                  15000);
        QCOMPARE(taskState(id, QStringLiteral("after")), QStringLiteral("upstream_failed"));
        QVERIFY(RunService::runState(m_ws->store().db(), id) == RunState::Running);
        QVERIFY(QFile(fixed).open(QIODevice::WriteOnly));
        QCOMPARE(
            awaitRequest(OperatorService::requestRetry(m_ws->store(), id, QStringLiteral("quick"),
                                                       QStringLiteral("olga")))
                .state,
            QStringLiteral("done"));
        QTRY_COMPARE_WITH_TIMEOUT(taskState(id, QStringLiteral("after")),
                                  QStringLiteral("succeeded"), 15000);
        QVERIFY(QFile(release).open(QIODevice::WriteOnly));
        const RunSummary r = runToEnd(id);
        QCOMPARE(toString(r.state), QStringLiteral("succeeded"));
        QCOMPARE(findTask(r, QStringLiteral("quick"))->attempts, 2);
        QCOMPARE(findTask(r, QStringLiteral("slow"))->attempts, 1);
    }

    void markSucceededDecidesDownstreamAgain()
    {
        setUpProject({ job(QStringLiteral("load"), QStringLiteral("exit 4")),
                       job(QStringLiteral("report"), QStringLiteral("true")) },
                     { task(QStringLiteral("load")),
                       task(QStringLiteral("report"), { QStringLiteral("load") }) });
        const qint64 id = queue();
        QCOMPARE(toString(runToEnd(id).state), QStringLiteral("failed"));
        const qint64 request = OperatorService::requestMark(
            m_ws->store(), id, QStringLiteral("load"), RunState::Succeeded,
            QStringLiteral("loaded by hand from the backup"), QStringLiteral("olga"));
        QCOMPARE(awaitRequest(request).state, QStringLiteral("done"));
        const RunSummary r = runToEnd(id);
        QCOMPARE(toString(r.state), QStringLiteral("succeeded"));
        const TaskRunSummary *load = findTask(r, QStringLiteral("load"));
        QCOMPARE(toString(load->state), QStringLiteral("succeeded"));
        QCOMPARE(load->attempts, 1); // marked, not run again
        QVERIFY2(load->reason.contains(QStringLiteral("loaded by hand from the backup")),
                 qPrintable(load->reason));
        QVERIFY(load->reason.contains(QStringLiteral("olga")));
        QCOMPARE(toString(findTask(r, QStringLiteral("report"))->state),
                 QStringLiteral("succeeded"));
        QCOMPARE(findTask(r, QStringLiteral("report"))->attempts, 1);
    }

    void markFailedAWaitingTask()
    {
        const QString release = flag(QStringLiteral("release"));
        setUpProject({ job(QStringLiteral("wait"),
                           QStringLiteral("while [ ! -e '%1' ]; do sleep "
                                          "0.05; done")
                               .arg(release)),
                       job(QStringLiteral("next"), QStringLiteral("true")),
                       job(QStringLiteral("last"), QStringLiteral("true")) },
                     { task(QStringLiteral("wait")),
                       task(QStringLiteral("next"), { QStringLiteral("wait") }),
                       task(QStringLiteral("last"), { QStringLiteral("next") }) });
        const qint64 id = queue();
        startEngine();
        QTRY_COMPARE_WITH_TIMEOUT(taskState(id, QStringLiteral("wait")), QStringLiteral("running"),
                                  15000);
        QCOMPARE(awaitRequest(OperatorService::requestMark(
                                  m_ws->store(), id, QStringLiteral("next"), RunState::Failed,
                                  QStringLiteral("source closed today"), QStringLiteral("olga")))
                     .state,
                 QStringLiteral("done"));
        QCOMPARE(taskState(id, QStringLiteral("next")), QStringLiteral("failed"));
        QCOMPARE(taskState(id, QStringLiteral("last")), QStringLiteral("upstream_failed"));
        QVERIFY(QFile(release).open(QIODevice::WriteOnly));
        const RunSummary r = runToEnd(id);
        QCOMPARE(toString(r.state), QStringLiteral("failed"));
        QCOMPARE(toString(findTask(r, QStringLiteral("wait"))->state), QStringLiteral("succeeded"));
        QCOMPARE(findTask(r, QStringLiteral("next"))->attempts, 0); // never ran
    }

    void deleteRemovesRowsAndFiles()
    {
        setUpProject({ job(QStringLiteral("score"),
                           QStringLiteral("echo 'auc 0.9' >> \"$BATON_METRICS_FILE\"")) },
                     { task(QStringLiteral("score")) });
        const qint64 keep = queue();
        const qint64 gone = queue();
        QCOMPARE(toString(runToEnd(keep).state), QStringLiteral("succeeded"));
        QCOMPARE(toString(runToEnd(gone).state), QStringLiteral("succeeded"));
        const QString dir = QDir(m_ws->runsDirectory()).filePath(QString::number(gone));
        QVERIFY(QFileInfo(dir).isDir());
        QCOMPARE(awaitRequest(
                     OperatorService::requestDelete(m_ws->store(), gone, QStringLiteral("olga")))
                     .state,
                 QStringLiteral("done"));
        const QSqlDatabase db = m_ws->store().db();
        for (const QString &sql :
             { QStringLiteral("SELECT count(*) FROM runs WHERE id = ?"),
               QStringLiteral("SELECT count(*) FROM task_runs WHERE run_id = ?"),
               QStringLiteral("SELECT count(*) FROM metrics WHERE run_id = ?"),
               QStringLiteral("SELECT count(*) FROM task_attempts a JOIN task_runs t ON t.id = "
                              "a.task_run_id WHERE t.run_id = ?") }) {
            QCOMPARE(Sql::scalar(db, sql, { gone }).toInt(), 0);
            QCOMPARE(Sql::scalar(db, sql, { keep }).toInt() > 0, true);
        }
        QVERIFY(!QFileInfo::exists(dir));
        QVERIFY(QFileInfo(QDir(m_ws->runsDirectory()).filePath(QString::number(keep))).isDir());
        QCOMPARE(AuditLog::recent(db, 1).first().action, QStringLiteral("run.delete.request"));
    }

    void engineRefusesAStaleRequest()
    {
        // Valid when asked, no longer when the engine gets to it: refused with the reason.
        setUpProject({ job(QStringLiteral("a"), QStringLiteral("exit 1")) },
                     { task(QStringLiteral("a")) });
        const qint64 id = queue();
        QCOMPARE(toString(runToEnd(id).state), QStringLiteral("failed"));
        m_engine->stop();
        m_engine.reset();
        const qint64 request = OperatorService::requestRetry(m_ws->store(), id, QStringLiteral("a"),
                                                             QStringLiteral("olga"));
        Sql::exec(m_ws->store().db(),
                  QStringLiteral("UPDATE task_runs SET state = 'succeeded' WHERE run_id = ?"),
                  { id });
        const RequestStatus s = awaitRequest(request);
        QCOMPARE(s.state, QStringLiteral("failed"));
        QVERIFY2(s.error.contains(QStringLiteral("only a failed, timed-out, lost or cancelled")),
                 qPrintable(s.error));
        QVERIFY(RunService::runState(m_ws->store().db(), id) == RunState::Failed);
        // The run the engine read back for the refused retry is not left behind as active.
        QTRY_COMPARE(m_engine->activeRunCount(), 0);
        QCOMPARE(
            awaitRequest(OperatorService::requestDelete(m_ws->store(), id, QStringLiteral("olga")))
                .state,
            QStringLiteral("done"));
    }

    void cliCommandsWithAnEngineBeside()
    {
        const QString ws = m_ws->address();
        const QString fixed = flag(QStringLiteral("fixed"));
        QDir().mkpath(m_tmp.filePath(QStringLiteral("src")));
        QFile yaml(m_tmp.filePath(QStringLiteral("src/ops.yaml")));
        QVERIFY(yaml.open(QIODevice::WriteOnly));
        yaml.write(QStringLiteral("project: ops\n"
                                  "jobs:\n"
                                  "  - {name: a, command: \"true\"}\n"
                                  "  - {name: b, command: \"test -e '%1'\"}\n"
                                  "  - {name: c, command: \"true\"}\n"
                                  "pipelines:\n"
                                  "  - name: p\n"
                                  "    tasks:\n"
                                  "      - job: a\n"
                                  "      - {job: b, after: [a]}\n"
                                  "      - {job: c, after: [b]}\n")
                       .arg(fixed)
                       .toUtf8());
        yaml.close();
        QCOMPARE(baton(ws, { QStringLiteral("import"), yaml.fileName() }).exitCode, 0);
        QCOMPARE(
            baton(ws, { QStringLiteral("run"), QStringLiteral("ops/p"), QStringLiteral("--wait") })
                .exitCode,
            1);
        QCOMPARE(
            baton(ws, { QStringLiteral("run"), QStringLiteral("ops/p"), QStringLiteral("--wait") })
                .exitCode,
            1);

        // Without an engine a request waits, and says so.
        Result r = baton(ws, { QStringLiteral("retry"), QStringLiteral("2"), QStringLiteral("b") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QStringLiteral("no engine is running")), qPrintable(r.out));

        QProcess engine;
        engine.start(QStringLiteral(BATON_BINARY),
                     { QStringLiteral("--workspace"), ws, QStringLiteral("engine") });
        QVERIFY(engine.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(EngineLease::current(m_ws->store().db())
                                     && EngineLease::current(m_ws->store().db())->pid
                                         == engine.processId(),
                                 10000);
        const auto show = [&](const QString &run) {
            return QJsonDocument::fromJson(
                       baton(ws, { QStringLiteral("show"), run, QStringLiteral("--json") })
                           .out.toUtf8())
                .array()
                .at(0)
                .toObject();
        };
        const auto stateOf = [&](const QJsonObject &run, const QString &task) {
            for (const QJsonValue &t : run[QLatin1String("tasks")].toArray()) {
                if (t[QLatin1String("name")].toString() == task)
                    return t[QLatin1String("state")].toString();
            }
            return QString();
        };
        const auto attemptsOf = [&](const QJsonObject &run, const QString &task) {
            for (const QJsonValue &t : run[QLatin1String("tasks")].toArray()) {
                if (t[QLatin1String("name")].toString() == task)
                    return int(t[QLatin1String("attempts")].toArray().size());
            }
            return -1;
        };
        // The queued retry of run 2 is applied as the engine starts: b fails again (a second
        // attempt, and the run failed again — the run was failed before the retry too).
        QTRY_VERIFY_WITH_TIMEOUT(attemptsOf(show(QStringLiteral("2")), QStringLiteral("b")) >= 2
                                     && show(QStringLiteral("2"))[QLatin1String("state")].toString()
                                         == QLatin1String("failed"),
                                 15000);

        // Usage errors: exit 2.
        for (const QStringList &args :
             { QStringList { QStringLiteral("retry"), QStringLiteral("1") },
               QStringList { QStringLiteral("mark"), QStringLiteral("1"), QStringLiteral("b"),
                             QStringLiteral("--reason"), QStringLiteral("x") },
               QStringList { QStringLiteral("mark"), QStringLiteral("1"), QStringLiteral("b"),
                             QStringLiteral("--succeeded") },
               QStringList { QStringLiteral("mark"), QStringLiteral("1"), QStringLiteral("b"),
                             QStringLiteral("--succeeded"), QStringLiteral("--failed"),
                             QStringLiteral("--reason"), QStringLiteral("x") },
               QStringList { QStringLiteral("delete") },
               QStringList { QStringLiteral("delete"), QStringLiteral("1") }, // no --yes, no tty
               QStringList { QStringLiteral("review"), QStringLiteral("1") },
               QStringList { QStringLiteral("annotate"), QStringLiteral("1") } }) {
            const Result u = baton(ws, args);
            QVERIFY2(u.exitCode == 2, qPrintable(args.join(QLatin1Char(' ')) + u.err));
        }
        // Refusals: exit 1, with what and where.
        r = baton(ws, { QStringLiteral("retry"), QStringLiteral("1"), QStringLiteral("nope") });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("run 1 has no task 'nope'")), qPrintable(r.err));
        r = baton(ws, { QStringLiteral("retry"), QStringLiteral("1"), QStringLiteral("a") });
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains(QStringLiteral("is succeeded")));
        r = baton(ws, { QStringLiteral("retry"), QStringLiteral("x1"), QStringLiteral("a") });
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains(QStringLiteral("'x1' is not a run id")));

        // Retry after the fix: the engine applies it before the command returns.
        QVERIFY(QFile(fixed).open(QIODevice::WriteOnly));
        r = baton(ws, { QStringLiteral("retry"), QStringLiteral("1"), QStringLiteral("b") });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(r.out.trimmed(), QStringLiteral("task b of run 1 queued again"));
        QTRY_COMPARE_WITH_TIMEOUT(show(QStringLiteral("1"))[QLatin1String("state")].toString(),
                                  QStringLiteral("succeeded"), 15000);

        // Mark run 2's b succeeded: c runs, the run succeeds.
        r = baton(ws,
                  { QStringLiteral("mark"), QStringLiteral("2"), QStringLiteral("b"),
                    QStringLiteral("--succeeded"), QStringLiteral("--reason"),
                    QStringLiteral("checked by hand") });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QTRY_COMPARE_WITH_TIMEOUT(show(QStringLiteral("2"))[QLatin1String("state")].toString(),
                                  QStringLiteral("succeeded"), 15000);
        QCOMPARE(stateOf(show(QStringLiteral("2")), QStringLiteral("c")),
                 QStringLiteral("succeeded"));

        // Review: notes, a rejection needs a comment, the filter, `show`.
        QCOMPARE(
            baton(ws,
                  { QStringLiteral("annotate"), QStringLiteral("1"), QStringLiteral("rows match") })
                .exitCode,
            0);
        r = baton(ws,
                  { QStringLiteral("review"), QStringLiteral("2"), QStringLiteral("--reject") });
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains(QStringLiteral("a rejection needs some text")));
        r = baton(ws,
                  { QStringLiteral("review"), QStringLiteral("1"), QStringLiteral("--approve"),
                    QStringLiteral("--comment"), QStringLiteral("good") });
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed(), QStringLiteral("run 1 approved by olga"));
        r = baton(ws,
                  { QStringLiteral("runs"), QStringLiteral("--review"), QStringLiteral("approved"),
                    QStringLiteral("--json") });
        const QJsonArray approved = QJsonDocument::fromJson(r.out.toUtf8()).array();
        QCOMPARE(approved.size(), 1);
        QCOMPARE(approved.at(0)[QLatin1String("id")].toInt(), 1);
        QCOMPARE(approved.at(0)[QLatin1String("review")].toString(), QStringLiteral("approved"));
        QCOMPARE(
            baton(ws,
                  { QStringLiteral("runs"), QStringLiteral("--review"), QStringLiteral("maybe") })
                .exitCode,
            1);
        r = baton(ws, { QStringLiteral("show"), QStringLiteral("1") });
        QVERIFY2(r.out.contains(QStringLiteral("review: approved")), qPrintable(r.out));
        QVERIFY(r.out.contains(QStringLiteral("olga  annotation: rows match")));

        // Delete: a finished run and its directory; a missing one is named, exit 1.
        r = baton(ws,
                  { QStringLiteral("delete"), QStringLiteral("2"), QStringLiteral("7"),
                    QStringLiteral("--yes") });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("run 7 not deleted: no run 7")), qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral("run 2 deleted")), qPrintable(r.out));
        QVERIFY(!QFileInfo::exists(QDir(m_ws->runsDirectory()).filePath(QStringLiteral("2"))));
        r = baton(ws, { QStringLiteral("runs"), QStringLiteral("--json") });
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).array().size(), 1);

        engine.terminate();
        QVERIFY(engine.waitForFinished(10000));
    }
    // An engine killed between claiming requests and carrying them out (kill -9, or an exception)
    // leaves them claimed by a holder that is gone: the next engine carries each out, once.
    void requestLeftClaimedByADeadEngineIsCarriedOut_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("cancel") << QStringLiteral("cancel");
        QTest::newRow("retry") << QStringLiteral("retry");
        QTest::newRow("mark") << QStringLiteral("mark");
        QTest::newRow("delete") << QStringLiteral("delete");
    }
    void requestLeftClaimedByADeadEngineIsCarriedOut()
    {
        QFETCH(QString, kind);
        const QString fixed = flag(QStringLiteral("fixed"));
        const bool cancel = kind == QLatin1String("cancel");
        setUpProject(
            { job(QStringLiteral("a"),
                  cancel ? QStringLiteral("sleep 30") : QStringLiteral("test -e '%1'").arg(fixed)),
              job(QStringLiteral("b"), QStringLiteral("true")) },
            { task(QStringLiteral("a")), task(QStringLiteral("b"), { QStringLiteral("a") }) });
        const qint64 id = queue();
        if (!cancel) {
            QCOMPARE(toString(runToEnd(id).state), QStringLiteral("failed"));
            m_engine.reset();
            QVERIFY(QFile(fixed).open(QIODevice::WriteOnly));
        }
        qint64 request = 0;
        const QString actor = QStringLiteral("olga");
        if (cancel)
            request = RunService::requestCancel(m_ws->store(), id, {}, actor);
        else if (kind == QLatin1String("retry"))
            request = OperatorService::requestRetry(m_ws->store(), id, QStringLiteral("a"), actor);
        else if (kind == QLatin1String("mark"))
            request = OperatorService::requestMark(m_ws->store(), id, QStringLiteral("a"),
                                                   RunState::Succeeded,
                                                   QStringLiteral("done by hand"), actor);
        else
            request = OperatorService::requestDelete(m_ws->store(), id, actor);
        // As a killed engine leaves it: claimed, never carried out nor answered.
        Sql::exec(m_ws->store().db(),
                  QStringLiteral("UPDATE requests SET state = 'claimed', claimed_by = "
                                 "'gone-host:4242:dead', claimed_at = 1 WHERE id = ?"),
                  { request });

        const RequestStatus s = awaitRequest(request);
        QVERIFY2(s.state == QLatin1String("done"),
                 qPrintable(s.state + QLatin1Char(' ') + s.error));
        if (kind == QLatin1String("delete")) {
            QVERIFY(!RunService::runState(m_ws->store().db(), id).has_value());
            return;
        }
        const RunSummary r = runToEnd(id, 15000);
        const TaskRunSummary *a = findTask(r, QStringLiteral("a"));
        if (cancel) {
            QCOMPARE(toString(r.state), QStringLiteral("cancelled"));
            QCOMPARE(toString(a->state), QStringLiteral("cancelled"));
        } else {
            QCOMPARE(toString(r.state), QStringLiteral("succeeded"));
            QCOMPARE(toString(a->state), QStringLiteral("succeeded"));
            // Exactly once: one more attempt for the retry, none for the mark.
            QCOMPARE(a->attempts, kind == QLatin1String("retry") ? 2 : 1);
            QCOMPARE(findTask(r, QStringLiteral("b"))->attempts, 1);
        }
    }

    // An engine that died after deleting a run's rows but before recording the answer: the
    // next one finishes the job (the directory) and records it done, not "no run".
    void deleteHalfDoneByADeadEngineIsFinished()
    {
        setUpProject({ job(QStringLiteral("a"), QStringLiteral("true")) },
                     { task(QStringLiteral("a")) });
        const qint64 id = queue();
        QCOMPARE(toString(runToEnd(id).state), QStringLiteral("succeeded"));
        m_engine.reset();
        const qint64 request
            = OperatorService::requestDelete(m_ws->store(), id, QStringLiteral("olga"));
        Sql::exec(m_ws->store().db(), QStringLiteral("DELETE FROM runs WHERE id = ?"), { id });
        Sql::exec(m_ws->store().db(),
                  QStringLiteral("UPDATE requests SET state = 'claimed', claimed_by = "
                                 "'gone-host:4242:dead', claimed_at = 1 WHERE id = ?"),
                  { request });
        const QString dir = QDir(m_ws->runsDirectory()).filePath(QString::number(id));
        QVERIFY(QFileInfo(dir).isDir());
        const RequestStatus s = awaitRequest(request);
        QVERIFY2(s.state == QLatin1String("done"), qPrintable(s.state + u' ' + s.error));
        QVERIFY(!QFileInfo::exists(dir));
    }

    // Cancels accepted while other writers keep the store busy past the engine's patience (the
    // busy timeout, 5 s): each is carried out (or refused on record), none is left claimed.
    // Real `baton cancel` processes and a real `baton engine`; a writer holding the store
    // (another connection) takes its lock the moment the engine has claimed some.
    void acceptedCancelsSurviveABusyStore()
    {
        // Three attempts per run to stop: each cancel takes the engine a while to carry out.
        setUpProject(
            { job(QStringLiteral("a"), QStringLiteral("sleep 30")),
              job(QStringLiteral("b"), QStringLiteral("sleep 30")),
              job(QStringLiteral("c"), QStringLiteral("sleep 30")) },
            { task(QStringLiteral("a")), task(QStringLiteral("b")), task(QStringLiteral("c")) });
        constexpr int Runs = 16;
        QList<qint64> runs;
        for (int i = 0; i < Runs; ++i)
            runs << queue();
        const QString ws = m_ws->address();
        QProcess engine;
        engine.setProcessChannelMode(QProcess::MergedChannels);
        engine.start(QStringLiteral(BATON_BINARY),
                     { QStringLiteral("--workspace"), ws, QStringLiteral("engine"),
                       QStringLiteral("--parallelism"), QString::number(3 * Runs) });
        QVERIFY(engine.waitForStarted(10000));
        const QSqlDatabase db = m_ws->store().db();
        const auto count = [&](const QString &sql) {
            return Sql::scalar(db, sql).toInt();
        };
        QTRY_COMPARE_WITH_TIMEOUT(
            count(QStringLiteral("SELECT count(*) FROM task_runs WHERE state = 'running'")),
            3 * Runs, 20000);

        // The other writer: its own connection, which on SQLite never waits for the lock itself;
        // on PostgreSQL it queues for the workspace's write lock like any writer.
        const QString name = QStringLiteral("hog-%1").arg(m_counter);
        const bool team = m_ws->isTeam();
        {
            QSqlDatabase hog = team ? m_ws->store().backend().open(name, false)
                                    : QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
            if (!team) {
                hog.setDatabaseName(m_ws->store().path());
                hog.setConnectOptions(QStringLiteral("QSQLITE_BUSY_TIMEOUT=0"));
                QVERIFY(hog.open());
            }
            QSqlQuery q(hog);
            const auto lock = [&] {
                if (team) {
                    const QStringList begin = m_ws->store().backend().beginWrite();
                    return std::all_of(begin.begin(), begin.end(),
                                       [&](const QString &sql) { return q.exec(sql); });
                }
                QElapsedTimer t;
                t.start();
                while (!q.exec(QStringLiteral("BEGIN IMMEDIATE"))) {
                    if (t.elapsed() > 20000)
                        return false;
                }
                return true;
            };
            // Held while the cancels are asked, so that they arrive together when it lets go.
            QVERIFY(lock());
            QList<QProcess *> cancels;
            for (const qint64 run : std::as_const(runs)) {
                auto *p = new QProcess(this);
                p->start(QStringLiteral(BATON_BINARY),
                         { QStringLiteral("--workspace"), ws, QStringLiteral("cancel"),
                           QString::number(run) });
                cancels << p;
            }
            for (QProcess *p : std::as_const(cancels))
                QVERIFY(p->waitForStarted(10000));
            QThread::msleep(3000);
            QVERIFY(q.exec(QStringLiteral("COMMIT")));
            // The moment the engine has claimed some: hold the store longer than it waits.
            QElapsedTimer t;
            t.start();
            bool claimed = false;
            while (!claimed && t.elapsed() < 30000) {
                // Claimed (or already done: the engine is at work on them).
                claimed = q.exec(QStringLiteral("SELECT count(*) FROM requests WHERE state IN "
                                                "('claimed', 'done')"))
                    && q.next() && q.value(0).toInt() > 0;
                q.finish();
                if (!claimed)
                    QThread::usleep(300);
            }
            if (!claimed) {
                for (QProcess *p : std::as_const(cancels)) {
                    p->waitForFinished(100);
                    qWarning() << p->state() << p->readAllStandardOutput()
                               << p->readAllStandardError();
                }
            }
            QVERIFY(claimed);
            QVERIFY(lock());
            QThread::msleep(5500);
            QVERIFY(q.exec(QStringLiteral("COMMIT")));
            q.finish();

            // What each `baton cancel` said: accepted (exit 0, with its request) or not.
            QList<qint64> accepted;
            static const QRegularExpression requestId(QStringLiteral("\\(request (\\d+)\\)"));
            for (QProcess *p : std::as_const(cancels)) {
                QVERIFY(p->waitForFinished(20000));
                const QString out = QString::fromUtf8(p->readAllStandardOutput());
                const auto m = requestId.match(out);
                if (p->exitCode() == 0 && m.hasMatch())
                    accepted << m.captured(1).toLongLong();
                delete p;
            }
            QVERIFY(!accepted.isEmpty());

            // Every accepted cancel ends done (its run cancelled) or failed with a reason.
            QStringList open;
            QElapsedTimer wait;
            wait.start();
            do {
                open.clear();
                for (const qint64 r : std::as_const(accepted)) {
                    const RequestStatus s = OperatorService::requestStatus(db, r);
                    if (!s.finished())
                        open << QStringLiteral("%1 (%2)").arg(r).arg(s.state);
                }
                if (!open.isEmpty())
                    QTest::qWait(100);
            } while (!open.isEmpty() && wait.elapsed() < 10000);
            QVERIFY2(open.isEmpty(),
                     qPrintable(QStringLiteral("%1 of %2 accepted cancels never carried out: %3")
                                    .arg(open.size())
                                    .arg(accepted.size())
                                    .arg(open.join(QStringLiteral(", ")))));
            int done = 0;
            for (const qint64 r : std::as_const(accepted)) {
                const RequestStatus s = OperatorService::requestStatus(db, r);
                if (s.state == QLatin1String("failed")) {
                    QVERIFY2(!s.error.isEmpty(), qPrintable(QString::number(r)));
                    continue;
                }
                ++done;
                // The payload read in C++: JSON functions differ between SQLite and PostgreSQL.
                const qint64 run
                    = QJsonDocument::fromJson(
                          Sql::scalar(db,
                                      QStringLiteral("SELECT payload FROM requests WHERE id = ?"),
                                      { r })
                              .toString()
                              .toUtf8())
                          .object()
                          .value(QLatin1String("run_id"))
                          .toInteger();
                QTRY_COMPARE_WITH_TIMEOUT(
                    toString(RunService::runState(db, run).value_or(RunState::Queued)),
                    QStringLiteral("cancelled"), 10000);
            }
            QCOMPARE(done, accepted.size()); // none of these runs had finished: nothing to refuse
            const QString log = QString::fromUtf8(engine.readAll());
            qInfo("%lld accepted cancels, all carried out; %lld store errors met by the engine",
                  qint64(accepted.size()),
                  qint64(log.count(QStringLiteral("locked by another writer"))));
            hog.close();
        }
        QSqlDatabase::removeDatabase(name);
        engine.terminate();
        QVERIFY(engine.waitForFinished(10000));
    }
};

QTEST_GUILESS_MAIN(TestOperations)
#include "tst_operations.moc"
