// The engine with real processes under the real supervisor, in this process.
#include "engine/engine.h"
#include "engine/retrypolicy.h"
#include "engine/runservice.h"
#include "fixture.h"
#include "monitoring/rundetail.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "util/error.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <cerrno>
#include <csignal>

using namespace Baton;
using namespace Baton::IntegrationTest;

class TestEngine : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_tmp;
    TestWorkspaces m_spaces;
    std::unique_ptr<Workspace> m_ws;
    std::unique_ptr<Engine> m_engine;
    int m_counter = 0;

    void setUpProject(const QList<JobSpec> &jobs, const QList<TaskSpec> &tasks,
                      const QList<VariableSpec> &vars = {}, int maxParallel = 0)
    {
        ProjectWriter::apply(m_ws->store(), { pipeProject(jobs, tasks, vars, maxParallel) },
                             QStringLiteral("tester"));
    }

    EngineOptions options(int maxParallel = 4) { return engineOptions(maxParallel); }

    qint64 queue(const QMap<QString, QString> &params = {}, const QString &env = {},
                 int parallelism = 0)
    {
        RunRequest r;
        r.project = QStringLiteral("proj");
        r.pipeline = QStringLiteral("pipe");
        r.environment = env;
        r.parameters = params;
        r.parallelism = parallelism;
        r.actor = QStringLiteral("tester");
        return RunService::createRun(m_ws->store(), r);
    }

    RunSummary runToEnd(qint64 runId, int timeoutMs = 30000, int maxParallel = 4)
    {
        if (!m_engine) {
            m_engine = std::make_unique<Engine>(m_ws.get(), options(maxParallel));
            QString error;
            if (!m_engine->start(&error))
                qWarning("engine did not start: %s", qPrintable(error));
        }
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

private Q_SLOTS:
    void init() { m_ws = m_spaces.open(m_tmp.filePath(QString::number(++m_counter))); }
    void cleanup()
    {
        m_engine.reset();
        m_ws.reset();
        m_spaces.dropAll();
    }

    void supervisorIsBuilt()
    {
        QVERIFY2(QFileInfo(supervisorPath()).isExecutable(), qPrintable(supervisorPath()));
    }

    void chainSucceedsWithLogsAndStreams()
    {
        setUpProject(
            { job(QStringLiteral("a"), QStringLiteral("echo out-a; echo err-a >&2")),
              job(QStringLiteral("b"), QStringLiteral("echo from-b")) },
            { task(QStringLiteral("a")), task(QStringLiteral("b"), { QStringLiteral("a") }) });
        const RunSummary r = runToEnd(queue());
        QCOMPARE(toString(r.state), QStringLiteral("succeeded"));
        QCOMPARE(r.environment, QStringLiteral("dev"));
        const TaskRunSummary *a = findTask(r, QStringLiteral("a"));
        QCOMPARE(toString(a->state), QStringLiteral("succeeded"));
        QCOMPARE(a->exitCode, std::optional<int>(0));
        QCOMPARE(a->attemptList.size(), 1);
        const QString log = readAll(a->attemptList[0].logPath);
        QVERIFY2(log.contains(QStringLiteral(" O   out-a")), qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral(" E   err-a")), qPrintable(log));
        const TaskRunSummary *b = findTask(r, QStringLiteral("b"));
        QVERIFY(b->startedAt >= a->finishedAt);
    }

    void attemptRunsInItsOwnDirectoryWithItsRecordBesideIt()
    {
        JobSpec a = job(QStringLiteral("a"),
                        QStringLiteral("echo \"cwd=$(pwd)\"; ./bin/tool.sh; echo scratch > mine"));
        a.files << JobFile { QStringLiteral("bin/tool.sh"), "#!/bin/sh\necho tool-ran\n", true };
        setUpProject({ a }, { task(QStringLiteral("a")) });
        const qint64 runId = queue();
        const RunSummary r = runToEnd(runId);
        QCOMPARE(toString(r.state), QStringLiteral("succeeded"));
        const TaskRunSummary *t = findTask(r, QStringLiteral("a"));
        const QString runDir = m_ws->runsDirectory() + QLatin1Char('/') + QString::number(runId);
        const QString attemptDir = runDir + QStringLiteral("/a.1");
        QCOMPARE(t->attemptList[0].logPath, attemptDir + QStringLiteral(".log"));
        const QString log = readAll(t->attemptList[0].logPath);
        QVERIFY2(log.contains(QStringLiteral("cwd=") + QDir(attemptDir).canonicalPath()),
                 qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("tool-ran")), qPrintable(log));
        // One directory and two files per attempt; the job's own files stay in its directory.
        QCOMPARE(QDir(runDir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot, QDir::Name),
                 (QStringList { "a.1", "a.1.log", "a.1.state", "metrics", "shared" }));
        QCOMPARE(QDir(attemptDir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot, QDir::Name),
                 (QStringList { "bin", "mine" }));
        const QString state = readAll(attemptDir + QStringLiteral(".state"));
        QVERIFY2(state.startsWith(QStringLiteral("supervisor_pid=")), qPrintable(state));
        QVERIFY2(state.contains(QStringLiteral("\nexit_code=0\n"))
                     && state.contains(QStringLiteral("\nreason=completed\n")),
                 qPrintable(state));
        QVERIFY2(state.endsWith(QStringLiteral("end=1\n")), qPrintable(state));
    }

    // A job that prints nothing gets no log file (one inode fewer per attempt): the attempt
    // still records where its log would be, and its record says how it ended.
    void silentAttemptHasNoLogFile()
    {
        setUpProject({ job(QStringLiteral("quiet"), QStringLiteral("true")),
                       job(QStringLiteral("failing"), QStringLiteral("exit 3")) },
                     { task(QStringLiteral("quiet")), task(QStringLiteral("failing")) });
        const qint64 runId = queue();
        const RunSummary r = runToEnd(runId);
        QCOMPARE(toString(r.state), QStringLiteral("failed"));
        const QString runDir = m_ws->runsDirectory() + QLatin1Char('/') + QString::number(runId);
        const TaskRunSummary *quiet = findTask(r, QStringLiteral("quiet"));
        QCOMPARE(toString(quiet->state), QStringLiteral("succeeded"));
        QCOMPARE(quiet->attemptList[0].logPath, runDir + QStringLiteral("/quiet.1.log"));
        const TaskRunSummary *failing = findTask(r, QStringLiteral("failing"));
        QCOMPARE(failing->exitCode, std::optional<int>(3));
        QCOMPARE(failing->reason, QStringLiteral("exit code 3"));
        QCOMPARE(QDir(runDir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot, QDir::Name),
                 (QStringList { "failing.1", "failing.1.state", "metrics", "quiet.1",
                                "quiet.1.state", "shared" }));
        QVERIFY2(readAll(runDir + QStringLiteral("/quiet.1.state"))
                     .contains(QStringLiteral("\nexit_code=0\n")),
                 qPrintable(readAll(runDir + QStringLiteral("/quiet.1.state"))));
    }

    // Which supervisor runs a job: its pid and command line, as the job sees them.
    static QString supervisorOfJob()
    {
        return QStringLiteral("echo \"sup=$PPID cmd=$(tr '\\0' ' ' < /proc/$PPID/cmdline)\"");
    }
    static QString supervisorLine(const TaskRunSummary *t)
    {
        const QString log = readAll(t->attemptList.last().logPath);
        const qsizetype at = log.indexOf(QStringLiteral("sup="));
        return at < 0 ? QString() : log.mid(at, log.indexOf(QLatin1Char('\n'), at) - at);
    }

    void supervisorsRunInReusedWorkers_data()
    {
        QTest::addColumn<QString>("workers");
        QTest::addColumn<QString>("expectedCommand");
        QTest::addColumn<bool>("samePid");
        QTest::newRow("default: one worker, reused")
            << QString() << QStringLiteral("--worker") << true;
        QTest::newRow("BATON_SUPERVISOR_WORKERS=0: exec'ed per attempt")
            << QStringLiteral("0") << QStringLiteral("--state") << false;
    }
    void supervisorsRunInReusedWorkers()
    {
        QFETCH(QString, workers);
        QFETCH(QString, expectedCommand);
        QFETCH(bool, samePid);
        qputenv("BATON_SUPERVISOR_WORKERS", workers.toUtf8());
        setUpProject({ job(QStringLiteral("a"), supervisorOfJob()),
                       job(QStringLiteral("b"), supervisorOfJob()) },
                     { task(QStringLiteral("a")), task(QStringLiteral("b"), { "a" }) });
        const RunSummary r = runToEnd(queue());
        qunsetenv("BATON_SUPERVISOR_WORKERS");
        QCOMPARE(toString(r.state), QStringLiteral("succeeded"));
        const QString a = supervisorLine(findTask(r, QStringLiteral("a")));
        const QString b = supervisorLine(findTask(r, QStringLiteral("b")));
        QVERIFY2(a.contains(expectedCommand) && b.contains(expectedCommand),
                 qPrintable(a + QLatin1Char('|') + b));
        QCOMPARE(a.section(QLatin1Char(' '), 0, 0) == b.section(QLatin1Char(' '), 0, 0), samePid);
    }

    // Runs a one-task pipeline and returns the worker that supervised it (and its line).
    pid_t workerOfOneRun(QString *line)
    {
        setUpProject({ job(QStringLiteral("a"), supervisorOfJob()) },
                     { task(QStringLiteral("a")) });
        const RunSummary first = runToEnd(queue());
        if (first.state != RunState::Succeeded)
            return 0;
        *line = supervisorLine(findTask(first, QStringLiteral("a")));
        return pid_t(line->section(QLatin1Char(' '), 0, 0).mid(4).toLongLong());
    }

    void deadIdleWorkerIsReplaced()
    {
        QString line;
        const pid_t worker = workerOfOneRun(&line);
        QVERIFY2(worker > 1 && line.contains(QStringLiteral("--worker")), qPrintable(line));
        QCOMPARE(::kill(worker, SIGKILL), 0);
        QTest::qWait(100);
        const RunSummary second = runToEnd(queue());
        QCOMPARE(toString(second.state), QStringLiteral("succeeded"));
        QCOMPARE(findTask(second, QStringLiteral("a"))->attempts, 1);
        const QString again = supervisorLine(findTask(second, QStringLiteral("a")));
        QVERIFY2(again.contains(QStringLiteral("--worker"))
                     && !again.startsWith(line.section(QLatin1Char(' '), 0, 0) + QLatin1Char(' ')),
                 qPrintable(again));
    }

    void workerDyingBeforeItReadsTheAttemptLosesNothing()
    {
        // A stopped worker is handed the attempt, then killed with the request still unread in
        // its socket: the attempt is run by a supervisor of its own, once.
        QString line;
        const pid_t worker = workerOfOneRun(&line);
        QVERIFY2(worker > 1, qPrintable(line));
        QCOMPARE(::kill(worker, SIGSTOP), 0);
        const qint64 runId = queue();
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 10000
               && !Sql::scalar(m_ws->store().db(),
                               QStringLiteral("SELECT 1 FROM task_attempts a JOIN task_runs r ON "
                                              "r.id = a.task_run_id WHERE r.run_id = ?"),
                               { runId })
                       .isValid())
            QTest::qWait(20);
        QTest::qWait(100);
        QCOMPARE(::kill(worker, SIGKILL), 0);
        const RunSummary r = runToEnd(runId);
        QCOMPARE(toString(r.state), QStringLiteral("succeeded"));
        const TaskRunSummary *a = findTask(r, QStringLiteral("a"));
        QCOMPARE(a->attempts, 1);
        QVERIFY2(supervisorLine(a).contains(QStringLiteral("--state")),
                 qPrintable(supervisorLine(a)));
    }

    void workerKilledMidAttemptLosesItOnce()
    {
        // The job kills its worker before the worker said a word (its lines wait 2 ms): the
        // attempt was claimed, so it is lost — not run again by anyone — and retried as a new
        // attempt. The trace shows exactly two runs.
        JobSpec j = job(QStringLiteral("a"),
                        QStringLiteral("echo \"run $BATON_ATTEMPT\" >> \"$BATON_RUN_DIR/trace\"; "
                                       "if [ \"$BATON_ATTEMPT\" = 1 ]; then kill -9 $PPID; "
                                       "sleep 1; fi"));
        j.settings.retries = 1;
        j.settings.retryDelaySeconds = 0;
        setUpProject({ j }, { task(QStringLiteral("a")) });
        const qint64 runId = queue();
        const RunSummary r = runToEnd(runId);
        QCOMPARE(toString(r.state), QStringLiteral("succeeded"));
        const TaskRunSummary *t = findTask(r, QStringLiteral("a"));
        QCOMPARE(t->attempts, 2);
        QCOMPARE(toString(t->attemptList[0].state), QStringLiteral("lost"));
        QCOMPARE(toString(t->attemptList[1].state), QStringLiteral("succeeded"));
        QCOMPARE(readAll(m_ws->runsDirectory() + QStringLiteral("/%1/shared/trace").arg(runId)),
                 QStringLiteral("run 1\nrun 2\n"));
    }

    // The engine's descriptors: a worker's attempts travel on the worker's socket, so running
    // tasks opens nothing in the engine (no pipe per attempt), and nothing stays open after.
    static QStringList openDescriptors()
    {
        QStringList fds;
        const QString dir = QStringLiteral("/proc/self/fd");
        for (const QString &fd : QDir(dir).entryList(QDir::AllEntries | QDir::NoDotAndDotDot)) {
            const QString target = QFileInfo(dir + QLatin1Char('/') + fd).symLinkTarget();
            if (!target.endsWith(QStringLiteral("/fd"))) // the listing's own descriptor
                fds << fd + QLatin1Char('=') + target;
        }
        fds.sort();
        return fds;
    }
    // The same with a follower queued behind the attempt in that worker's socket: the worker's
    // death loses its attempt (retried), and the follower it never read starts elsewhere, once.
    void workerKilledWithAFollowerQueued()
    {
        JobSpec a = job(QStringLiteral("a"),
                        QStringLiteral("echo \"a $BATON_ATTEMPT\" >> \"$BATON_RUN_DIR/trace\"; "
                                       "if [ \"$BATON_ATTEMPT\" = 1 ]; then sleep 0.3; "
                                       "kill -9 $PPID; sleep 1; fi"));
        a.settings.retries = 1;
        a.settings.retryDelaySeconds = 0;
        setUpProject(
            { a,
              job(QStringLiteral("b"),
                  QStringLiteral("echo \"b $BATON_ATTEMPT\" >> \"$BATON_RUN_DIR/trace\"")) },
            { task(QStringLiteral("a")), task(QStringLiteral("b")) });
        const qint64 runId = queue({}, {}, 1);
        const RunSummary r = runToEnd(runId);
        QCOMPARE(toString(r.state), QStringLiteral("succeeded"));
        QCOMPARE(findTask(r, QStringLiteral("a"))->attempts, 2);
        QCOMPARE(toString(findTask(r, QStringLiteral("a"))->attemptList[0].state),
                 QStringLiteral("lost"));
        QCOMPARE(findTask(r, QStringLiteral("b"))->attempts, 1);
        QStringList trace
            = readAll(m_ws->runsDirectory() + QStringLiteral("/%1/shared/trace").arg(runId))
                  .split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        trace.sort();
        QCOMPARE(
            trace,
            (QStringList { QStringLiteral("a 1"), QStringLiteral("a 2"), QStringLiteral("b 1") }));
        // b was queued behind a's first attempt: recorded 'starting' before that one ended.
        QVERIFY(Sql::scalar(m_ws->store().db(),
                            QStringLiteral("SELECT b.started_at <= a.finished_at FROM "
                                           "task_attempts a, task_attempts b, task_runs ta, "
                                           "task_runs tb WHERE a.task_run_id = ta.id AND "
                                           "b.task_run_id = tb.id AND ta.run_id = ? AND "
                                           "tb.run_id = ta.run_id AND ta.task_name = 'a' AND "
                                           "a.number = 1 AND tb.task_name = 'b'"),
                            { runId })
                    .toBool());
    }

    void workerAttemptsOpenNoDescriptorInTheEngine()
    {
        // The first task waits for a gate file, so that the engine is seen while a worker runs it.
        const QString gate = m_tmp.filePath(QStringLiteral("gate-%1").arg(m_counter));
        const QString started = m_tmp.filePath(QStringLiteral("started-%1").arg(m_counter));
        QList<JobSpec> jobs { job(QStringLiteral("t0"),
                                  QStringLiteral("touch '%1'; while [ ! -e '%2' ]; do sleep 0.02; "
                                                 "done")
                                      .arg(started, gate)) };
        QList<TaskSpec> tasks { task(QStringLiteral("t0")) };
        for (int i = 1; i < 6; ++i) {
            jobs << job(QStringLiteral("t%1").arg(i), supervisorOfJob());
            tasks << task(QStringLiteral("t%1").arg(i), { QStringLiteral("t%1").arg(i - 1) });
        }
        setUpProject(jobs, tasks);
        QFile(gate).open(QIODevice::WriteOnly);
        // A first run: the worker, the store's connections and the engine's own are open now.
        QCOMPARE(toString(runToEnd(queue()).state), QStringLiteral("succeeded"));
        const QStringList idle = openDescriptors();

        QFile::remove(gate);
        QFile::remove(started);
        const qint64 id = queue();
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(started), 10000);
        QCOMPARE(openDescriptors(), idle); // an attempt runs: nothing opened for it
        QFile(gate).open(QIODevice::WriteOnly);
        const RunSummary r = runToEnd(id);
        QCOMPARE(toString(r.state), QStringLiteral("succeeded"));
        QCOMPARE(r.tasks.size(), 6);
        const QString worker = supervisorLine(findTask(r, QStringLiteral("t1")));
        QVERIFY2(worker.contains(QStringLiteral("--worker")), qPrintable(worker));
        QCOMPARE(openDescriptors(), idle);
    }

    void conditionsDecideDownstream()
    {
        setUpProject(
            { job(QStringLiteral("ok"), QStringLiteral("true")),
              job(QStringLiteral("bad"), QStringLiteral("exit 3")),
              job(QStringLiteral("after_bad"), QStringLiteral("true")),
              job(QStringLiteral("alert"), QStringLiteral("echo alert")),
              job(QStringLiteral("cleanup"), QStringLiteral("true")),
              job(QStringLiteral("on_ok_failure"), QStringLiteral("true")) },
            { task(QStringLiteral("ok")), task(QStringLiteral("bad"), { QStringLiteral("ok") }),
              task(QStringLiteral("after_bad"), { QStringLiteral("bad") }),
              task(QStringLiteral("alert"), { QStringLiteral("after_bad") }, EdgeCondition::Failed),
              task(QStringLiteral("cleanup"), { QStringLiteral("bad") }, EdgeCondition::Always),
              task(QStringLiteral("on_ok_failure"), { QStringLiteral("ok") },
                   EdgeCondition::Failed) });
        const RunSummary r = runToEnd(queue());
        QCOMPARE(toString(r.state), QStringLiteral("failed"));
        QCOMPARE(toString(findTask(r, QStringLiteral("bad"))->state), QStringLiteral("failed"));
        QCOMPARE(findTask(r, QStringLiteral("bad"))->exitCode, std::optional<int>(3));
        QCOMPARE(toString(findTask(r, QStringLiteral("after_bad"))->state),
                 QStringLiteral("upstream_failed"));
        QCOMPARE(toString(findTask(r, QStringLiteral("alert"))->state),
                 QStringLiteral("succeeded"));
        QCOMPARE(toString(findTask(r, QStringLiteral("cleanup"))->state),
                 QStringLiteral("succeeded"));
        QCOMPARE(toString(findTask(r, QStringLiteral("on_ok_failure"))->state),
                 QStringLiteral("skipped"));

        // What `baton run --wait` prints at the end: the same counts, only the tasks that did not
        // succeed or get skipped, in definition order.
        const RunSummary o = RunService::outcome(m_ws->store().db(), r.id);
        QCOMPARE(toString(o.state), QStringLiteral("failed"));
        QCOMPARE(o.taskCounts, r.taskCounts);
        QCOMPARE(o.taskCounts.value(QStringLiteral("succeeded")), 3);
        QCOMPARE(o.tasks.size(), 2);
        QCOMPARE(o.tasks[0].name, QStringLiteral("bad"));
        QCOMPARE(o.tasks[0].exitCode, std::optional<int>(3));
        QCOMPARE(o.tasks[0].reason, findTask(r, QStringLiteral("bad"))->reason);
        QCOMPARE(o.tasks[1].name, QStringLiteral("after_bad"));
        QVERIFY(o.tasks[1].attemptList.isEmpty());
        QVERIFY_THROWS_EXCEPTION(Error, RunService::outcome(m_ws->store().db(), r.id + 100));
    }

    void retriesUntilSuccess()
    {
        JobSpec flaky = job(QStringLiteral("flaky"),
                            QStringLiteral("n=$(cat \"$BATON_RUN_DIR/n\" 2>/dev/null || echo 0); "
                                           "echo $((n+1)) > \"$BATON_RUN_DIR/n\"; [ $n -ge 2 ]"));
        flaky.settings.retries = 3;
        flaky.settings.retryDelaySeconds = 0;
        setUpProject({ flaky }, { task(QStringLiteral("flaky")) });
        const RunSummary r = runToEnd(queue());
        QCOMPARE(toString(r.state), QStringLiteral("succeeded"));
        const TaskRunSummary *t = findTask(r, QStringLiteral("flaky"));
        QCOMPARE(t->attempts, 3);
        QCOMPARE(t->attemptList.size(), 3);
        QCOMPARE(toString(t->attemptList[0].state), QStringLiteral("failed"));
        QCOMPARE(toString(t->attemptList[2].state), QStringLiteral("succeeded"));
    }

    void retriesExhausted()
    {
        JobSpec bad = job(QStringLiteral("bad"), QStringLiteral("exit 1"));
        bad.settings.retries = 1;
        bad.settings.retryDelaySeconds = 0;
        setUpProject({ bad }, { task(QStringLiteral("bad")) });
        const RunSummary r = runToEnd(queue());
        QCOMPARE(toString(r.state), QStringLiteral("failed"));
        QCOMPARE(findTask(r, QStringLiteral("bad"))->attempts, 2);
    }

    void retryWaitsForItsBackoff()
    {
        // Every other test retries at once (retry_delay 0): here the delay is real, and the
        // recorded attempts show that each retry started no sooner than the policy says —
        // 1 s after the first failure, 2 s after the second.
        JobSpec flaky
            = job(QStringLiteral("flaky"), QStringLiteral("[ \"$BATON_ATTEMPT\" -ge 3 ]"));
        flaky.settings.retries = 2;
        flaky.settings.retryDelaySeconds = 1;
        setUpProject({ flaky }, { task(QStringLiteral("flaky")) });
        const qint64 runId = queue();
        const RunSummary r = runToEnd(runId);
        QCOMPARE(toString(r.state), QStringLiteral("succeeded"));
        QCOMPARE(findTask(r, QStringLiteral("flaky"))->attempts, 3);
        QSqlQuery q = Sql::exec(m_ws->store().db(),
                                QStringLiteral("SELECT a.number, a.state, a.started_at, "
                                               "a.finished_at FROM task_attempts a JOIN "
                                               "task_runs t ON t.id = a.task_run_id WHERE "
                                               "t.run_id = ? ORDER BY a.number"),
                                { runId });
        QList<QPair<qint64, qint64>> spans; // (started, finished), ms
        QStringList states;
        while (q.next()) {
            states << q.value(1).toString();
            spans.append({ q.value(2).toLongLong(), q.value(3).toLongLong() });
        }
        QCOMPARE(states, (QStringList { "failed", "failed", "succeeded" }));
        const RetryPolicy policy(flaky.settings.retries.value(),
                                 flaky.settings.retryDelaySeconds.value());
        for (int failed = 1; failed <= 2; ++failed) {
            const qint64 waited = spans[failed].first - spans[failed - 1].second;
            QVERIFY2(waited >= policy.delayMs(failed),
                     qPrintable(QStringLiteral("attempt %1 started %2 ms after attempt %3 ended; "
                                               "the policy says %4 ms")
                                    .arg(failed + 1)
                                    .arg(waited)
                                    .arg(failed)
                                    .arg(policy.delayMs(failed))));
        }
        QCOMPARE(policy.delayMs(2), 2 * policy.delayMs(1)); // the second wait is the longer one
    }

    void timeoutKillsTheJob()
    {
        JobSpec slow = job(QStringLiteral("slow"), QStringLiteral("sleep 30"));
        slow.settings.timeoutSeconds = 1;
        setUpProject({ slow }, { task(QStringLiteral("slow")) });
        QElapsedTimer t;
        t.start();
        const RunSummary r = runToEnd(queue());
        QCOMPARE(toString(r.state), QStringLiteral("failed"));
        QCOMPARE(toString(findTask(r, QStringLiteral("slow"))->state), QStringLiteral("timed_out"));
        QVERIFY(t.elapsed() < 15000);
    }

    void interleavedRunsKeepTheirOwnEnvironment()
    {
        // Attempts of three runs alternate; each run's environment is encoded once and reused:
        // every attempt must still see its own run's values.
        QList<TaskSpec> tasks;
        for (int i = 0; i < 6; ++i)
            tasks << task(QStringLiteral("t%1").arg(i),
                          i ? QStringList { QStringLiteral("t%1").arg(i - 1) } : QStringList());
        QList<JobSpec> jobs;
        for (int i = 0; i < 6; ++i)
            jobs << job(QStringLiteral("t%1").arg(i),
                        QStringLiteral("echo \"$P $BATON_RUN_ID $BATON_TASK\" >> "
                                       "\"$BATON_RUN_DIR/seen\""));
        setUpProject(jobs, tasks);
        QList<qint64> ids;
        for (const char *p : { "alpha", "beta", "gamma" })
            ids << queue({ { QStringLiteral("P"), QString::fromLatin1(p) } });
        for (qint64 id : ids)
            QCOMPARE(toString(runToEnd(id).state), QStringLiteral("succeeded"));
        const QStringList values { "alpha", "beta", "gamma" };
        for (int r = 0; r < ids.size(); ++r) {
            const QString seen
                = readAll(m_ws->runsDirectory() + QStringLiteral("/%1/shared/seen").arg(ids[r]));
            QString expected;
            for (int i = 0; i < 6; ++i)
                expected += QStringLiteral("%1 %2 t%3\n").arg(values[r]).arg(ids[r]).arg(i);
            QCOMPARE(seen, expected);
        }
    }

    void variablesReachJobsAsEnvironmentNeverAsShellText()
    {
        setUpProject(
            { job(QStringLiteral("show"),
                  QStringLiteral("echo \"greet=$GREETING env=$BATON_ENV token=$TOKEN "
                                 "p=$P\" > \"$BATON_RUN_DIR/out\"; echo \"token is $TOKEN\"")) },
            { task(QStringLiteral("show")) },
            { { QStringLiteral("GREETING"), QStringLiteral("hello"), false, {}, {} },
              { QStringLiteral("TOKEN"), QStringLiteral("tok-XYZ-123"), true, {}, {} } });
        const QString marker = m_tmp.filePath(QStringLiteral("pwned-%1").arg(m_counter));
        const qint64 id = queue(
            { { QStringLiteral("P"), QStringLiteral("$(touch ") + marker + QStringLiteral(")") } },
            QStringLiteral("staging"));
        const RunSummary r = runToEnd(id);
        QCOMPARE(toString(r.state), QStringLiteral("succeeded"));
        const QString out
            = readAll(m_ws->runsDirectory() + QStringLiteral("/%1/shared/out").arg(id));
        QVERIFY2(out.contains(QStringLiteral("greet=hello env=staging token=tok-XYZ-123")),
                 qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("p=$(touch ")), qPrintable(out));
        QVERIFY(!QFileInfo::exists(marker));
        const QString log = readAll(findTask(r, QStringLiteral("show"))->attemptList[0].logPath);
        QVERIFY2(!log.contains(QStringLiteral("tok-XYZ-123")), qPrintable(log));
        QVERIFY2(log.contains(QStringLiteral("token is ***")), qPrintable(log));
    }

    // A run's detail shows the variables its jobs got, not what the definitions say later; the
    // record never holds a secret's value.
    void runRecordsTheVariablesItsJobsGot()
    {
        setUpProject({ job(QStringLiteral("show"),
                           QStringLiteral("echo \"greet=$GREETING\" > \"$BATON_RUN_DIR/out\"")) },
                     { task(QStringLiteral("show")) },
                     { { QStringLiteral("GREETING"), QStringLiteral("hello"), false, {}, {} },
                       { QStringLiteral("TOKEN"), QStringLiteral("tok-REC-987"), true, {}, {} } });
        const qint64 id = queue({ { QStringLiteral("NOTE"), QStringLiteral("uses tok-REC-987") } });
        QCOMPARE(toString(runToEnd(id).state), QStringLiteral("succeeded"));
        QVERIFY(readAll(m_ws->runsDirectory() + QStringLiteral("/%1/shared/out").arg(id))
                    .contains(QStringLiteral("greet=hello")));
        const QString recorded
            = Sql::scalar(m_ws->store().db(),
                          QStringLiteral("SELECT variables FROM runs WHERE id = ?"), { id })
                  .toString();
        QVERIFY2(recorded.contains(QStringLiteral("\"GREETING\"")), qPrintable(recorded));
        QVERIFY2(!recorded.contains(QStringLiteral("tok-REC-987")), qPrintable(recorded));

        // The definitions change afterwards.
        setUpProject({ job(QStringLiteral("show"),
                           QStringLiteral("echo \"greet=$GREETING\" > \"$BATON_RUN_DIR/out\"")) },
                     { task(QStringLiteral("show")) },
                     { { QStringLiteral("GREETING"), QStringLiteral("bonjour"), false, {}, {} },
                       { QStringLiteral("TOKEN"), QStringLiteral("tok-REC-987"), true, {}, {} } });
        const RunDetail d = RunDetails::load(m_ws->store().db(), id);
        QVERIFY(d.variablesRecorded);
        QString greeting, token, note;
        for (const VariableDetail &v : d.variables) {
            if (v.name == QLatin1String("GREETING"))
                greeting = v.value;
            else if (v.name == QLatin1String("TOKEN"))
                token = v.value;
            else if (v.name == QLatin1String("NOTE"))
                note = v.value;
        }
        QCOMPARE(greeting, QStringLiteral("hello"));
        QCOMPARE(token, QStringLiteral("***"));
        QCOMPARE(note, QStringLiteral("uses ***"));

        // A run from before the record: today's definitions, and it says so.
        const qint64 old = queue();
        QCOMPARE(toString(runToEnd(old).state), QStringLiteral("succeeded"));
        Sql::exec(m_ws->store().db(),
                  QStringLiteral("UPDATE runs SET variables = NULL WHERE id = ?"), { old });
        const RunDetail o = RunDetails::load(m_ws->store().db(), old);
        QVERIFY(!o.variablesRecorded);
        bool found = false;
        for (const VariableDetail &v : o.variables)
            found |= v.name == QLatin1String("GREETING") && v.value == QLatin1String("bonjour");
        QVERIFY(found);
    }

    void jobIgnoringSigtermIsKilledAfterTheGrace()
    {
        JobSpec stubborn = job(QStringLiteral("stubborn"),
                               QStringLiteral("trap '' TERM; echo $$ > \"$BATON_RUN_DIR/pid\"; "
                                              "while :; do sleep 0.1; done"));
        stubborn.settings.timeoutSeconds = 1;
        setUpProject({ stubborn }, { task(QStringLiteral("stubborn")) });
        const qint64 id = queue();
        const RunSummary r = runToEnd(id, 20000);
        QCOMPARE(toString(findTask(r, QStringLiteral("stubborn"))->state),
                 QStringLiteral("timed_out"));
        const pid_t pid = readAll(m_ws->runsDirectory() + QStringLiteral("/%1/shared/pid").arg(id))
                              .trimmed()
                              .toInt();
        QVERIFY(pid > 1);
        QTRY_VERIFY_WITH_TIMEOUT(::kill(pid, 0) != 0 && errno == ESRCH, 5000);
        const QString log
            = readAll(findTask(r, QStringLiteral("stubborn"))->attemptList[0].logPath);
        QVERIFY2(log.contains(QStringLiteral("SIGKILL")), qPrintable(log));
    }

    void commandNotFound()
    {
        setUpProject({ job(QStringLiteral("nope"), QStringLiteral("no-such-command-baton")) },
                     { task(QStringLiteral("nope")) });
        const RunSummary r = runToEnd(queue());
        QCOMPARE(toString(r.state), QStringLiteral("failed"));
        const TaskRunSummary *t = findTask(r, QStringLiteral("nope"));
        QCOMPARE(t->exitCode, std::optional<int>(127));
        QVERIFY(readAll(t->attemptList[0].logPath).contains(QStringLiteral("not found")));
    }

    void parallelismLimits_data()
    {
        QTest::addColumn<int>("workspace");
        QTest::addColumn<int>("pipeline");
        QTest::addColumn<int>("run");
        QTest::addColumn<int>("expectedMax");
        QTest::newRow("workspace 2") << 2 << 0 << 0 << 2;
        QTest::newRow("pipeline 1") << 4 << 1 << 0 << 1;
        QTest::newRow("run 3") << 4 << 0 << 3 << 3;
    }
    void parallelismLimits()
    {
        QFETCH(int, workspace);
        QFETCH(int, pipeline);
        QFETCH(int, run);
        QFETCH(int, expectedMax);
        QList<JobSpec> jobs;
        QList<TaskSpec> tasks;
        for (int i = 0; i < 6; ++i) {
            const QString n = QStringLiteral("t%1").arg(i);
            // Each task logs its start and end in µs; concurrency is read back from them.
            jobs << job(n,
                        QStringLiteral("echo \"s $(date +%s%6N)\" >> \"$BATON_RUN_DIR/t\"; "
                                       "sleep 0.3; echo \"e $(date +%s%6N)\" >> "
                                       "\"$BATON_RUN_DIR/t\""));
            tasks << task(n);
        }
        setUpProject(jobs, tasks, {}, pipeline);
        const qint64 id = queue({}, {}, run);
        const RunSummary r = runToEnd(id, 30000, workspace);
        QCOMPARE(toString(r.state), QStringLiteral("succeeded"));
        QList<QPair<qint64, int>> events;
        for (const QString &line :
             readAll(m_ws->runsDirectory() + QStringLiteral("/%1/shared/t").arg(id))
                 .split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
            events.append({ line.mid(2).toLongLong(), line.startsWith(QLatin1Char('s')) ? 1 : -1 });
        }
        std::sort(events.begin(), events.end(), [](auto a, auto b) {
            return a.first != b.first ? a.first < b.first : a.second < b.second;
        });
        int now = 0, peak = 0;
        for (const auto &e : events) {
            now += e.second;
            peak = std::max(peak, now);
        }
        QCOMPARE(events.size(), 12);
        QVERIFY2(peak <= expectedMax, qPrintable(QString::number(peak)));
        QVERIFY2(peak >= 1, qPrintable(QString::number(peak)));
    }

    // With more ready tasks than places, a ready task is queued behind a running attempt and
    // starts where it ran the moment it ends. One queued behind a long attempt does not wait for
    // it: the next free place goes to it (a copy of its request goes to the free worker, and the
    // attempt's record decides which one runs it: never both).
    void followerDoesNotWaitOnALongAttempt()
    {
        QList<JobSpec> jobs { job(QStringLiteral("long"),
                                  QStringLiteral("sleep 2; echo \"long $(date +%s%6N)\" >> "
                                                 "\"$BATON_RUN_DIR/ends\"")) };
        QList<TaskSpec> tasks { task(QStringLiteral("long")) };
        for (int i = 1; i <= 4; ++i) {
            const QString n = QStringLiteral("s%1").arg(i);
            jobs << job(n,
                        QStringLiteral("sleep 0.1; echo \"$BATON_TASK $(date +%s%6N)\" >> "
                                       "\"$BATON_RUN_DIR/ends\""));
            tasks << task(n);
        }
        setUpProject(jobs, tasks);
        const qint64 id = queue({}, {}, 2);
        const RunSummary r = runToEnd(id);
        QCOMPARE(toString(r.state), QStringLiteral("succeeded"));
        // Each ran once, and every short one ended before the long one did.
        const QStringList ends
            = readAll(m_ws->runsDirectory() + QStringLiteral("/%1/shared/ends").arg(id))
                  .split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(ends.size(), 5);
        QVERIFY2(ends.last().startsWith(QLatin1String("long ")), qPrintable(ends.join(u'|')));
        for (const TaskRunSummary &t : r.tasks)
            QCOMPARE(t.attempts, 1);
        QCOMPARE(Sql::scalar(m_ws->store().db(),
                             QStringLiteral("SELECT count(*) FROM task_attempts a JOIN task_runs t "
                                            "ON t.id = a.task_run_id WHERE t.run_id = ?"),
                             { id })
                     .toInt(),
                 5);
        // Some task was queued behind another (recorded 'starting' before the attempt it
        // followed ended), and no task's wait (ready → running) is negative.
        QVERIFY(Sql::scalar(m_ws->store().db(),
                            QStringLiteral("SELECT count(*) FROM task_attempts a, task_attempts b "
                                           "WHERE a.id <> b.id AND a.started_at < b.started_at "
                                           "AND b.started_at < a.finished_at AND a.task_run_id IN "
                                           "(SELECT id FROM task_runs WHERE run_id = ? AND "
                                           "task_name <> 'long')"),
                            { id })
                    .toInt()
                > 0);
        QCOMPARE(Sql::scalar(m_ws->store().db(),
                             QStringLiteral("SELECT count(*) FROM task_attempts a JOIN task_runs t "
                                            "ON t.id = a.task_run_id WHERE t.run_id = ? AND "
                                            "a.running_at_us < t.ready_at_us"),
                             { id })
                     .toInt(),
                 0);
    }

    // Places go to older runs first, followers or not: a younger run does not keep its places
    // through followers while an older one waits for the workspace's. Two places; the older run
    // has one long task, then four ready at once; the younger one a row of short tasks. Once the
    // older run's four are ready, the younger one starts two tasks before they are done: the
    // follower it had queued already, and one when nothing of the older run waits any more.
    // Without the rule it would keep one place all along (four).
    void followersDoNotKeepPlacesFromOlderRuns()
    {
        const QString stamps = m_ws->directory() + QStringLiteral("/stamps");
        const auto stamped = [&stamps](const QString &name, const QString &seconds) {
            return job(name,
                       QStringLiteral("echo \"s $BATON_TASK $(date +%s%6N)\" >> \"%1\"; "
                                      "sleep %2; echo \"e $BATON_TASK $(date +%s%6N)\" >> "
                                      "\"%1\"")
                           .arg(stamps, seconds));
        };
        ProjectSpec p;
        p.name = QStringLiteral("proj");
        p.environments = defaultEnvironments();
        PipelineSpec older;
        older.name = QStringLiteral("older");
        p.jobs << stamped(QStringLiteral("a0"), QStringLiteral("0.75"));
        older.tasks << task(QStringLiteral("a0"));
        PipelineSpec younger;
        younger.name = QStringLiteral("younger");
        for (int i = 1; i <= 4; ++i) {
            const QString a = QStringLiteral("a%1").arg(i);
            p.jobs << stamped(a, QStringLiteral("0.3"));
            older.tasks << task(a, { QStringLiteral("a0") });
        }
        for (int i = 1; i <= 10; ++i) {
            const QString b = QStringLiteral("b%1").arg(i);
            p.jobs << stamped(b, QStringLiteral("0.3"));
            younger.tasks << task(b);
        }
        p.pipelines << older << younger;
        ProjectWriter::apply(m_ws->store(), { p }, QStringLiteral("tester"));
        qint64 ids[2] = {};
        for (int i = 0; i < 2; ++i) {
            RunRequest r;
            r.project = QStringLiteral("proj");
            r.pipeline = i == 0 ? QStringLiteral("older") : QStringLiteral("younger");
            r.actor = QStringLiteral("tester");
            ids[i] = RunService::createRun(m_ws->store(), r);
        }
        QCOMPARE(toString(runToEnd(ids[0], 30000, 2).state), QStringLiteral("succeeded"));
        QCOMPARE(toString(runToEnd(ids[1], 30000, 2).state), QStringLiteral("succeeded"));
        QMap<QString, qint64> starts, ends;
        for (const QString &line : readAll(stamps).split(QLatin1Char('\n'), Qt::SkipEmptyParts)) {
            const QStringList f = line.split(QLatin1Char(' '));
            (f[0] == QLatin1String("s") ? starts : ends).insert(f[1], f[2].toLongLong());
        }
        QCOMPARE(starts.size(), 15);
        qint64 olderDone = 0;
        for (int i = 1; i <= 4; ++i)
            olderDone = std::max(olderDone, ends.value(QStringLiteral("a%1").arg(i)));
        const qint64 olderReady = ends.value(QStringLiteral("a0")) + 50000;
        int youngerStarted = 0;
        for (auto it = starts.cbegin(); it != starts.cend(); ++it) {
            if (it.key().startsWith(u'b') && it.value() > olderReady && it.value() < olderDone)
                ++youngerStarted;
        }
        QVERIFY2(youngerStarted <= 2, qPrintable(QString::number(youngerStarted)));
    }

    // A task queued behind a running attempt is withdrawn by a cancel before it ever starts:
    // its job never runs, even once the attempt it waited for is over.
    void cancelledFollowerNeverStarts()
    {
        setUpProject(
            { job(QStringLiteral("long"), QStringLiteral("sleep 30")),
              job(QStringLiteral("next"), QStringLiteral("touch \"$BATON_RUN_DIR/next-ran\"")) },
            { task(QStringLiteral("long")), task(QStringLiteral("next")) });
        const qint64 id = queue({}, {}, 1);
        m_engine = std::make_unique<Engine>(m_ws.get(), options());
        QString error;
        QVERIFY(m_engine->start(&error));
        const auto stateOf = [&](const QString &name) {
            return Sql::scalar(m_ws->store().db(),
                               QStringLiteral("SELECT state FROM task_runs WHERE run_id = ? AND "
                                              "task_name = ?"),
                               { id, name })
                .toString();
        };
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(QStringLiteral("long")), QStringLiteral("running"),
                                  10000);
        QTRY_COMPARE_WITH_TIMEOUT(stateOf(QStringLiteral("next")), QStringLiteral("starting"),
                                  5000);
        // It says what it waits for.
        QCOMPARE(Sql::scalar(m_ws->store().db(),
                             QStringLiteral("SELECT reason FROM task_runs WHERE run_id = ? AND "
                                            "task_name = 'next'"),
                             { id })
                     .toString(),
                 QStringLiteral("queued behind long (attempt 1): starts when it ends"));
        RunService::requestCancel(m_ws->store(), id, {}, QStringLiteral("tester"));
        const RunSummary r = runToEnd(id, 20000);
        QCOMPARE(toString(r.state), QStringLiteral("cancelled"));
        const TaskRunSummary *next = findTask(r, QStringLiteral("next"));
        QCOMPARE(toString(next->state), QStringLiteral("cancelled"));
        QCOMPARE(next->attempts, 1);
        QVERIFY2(next->attemptList[0].reason.contains(QStringLiteral("before it started")),
                 qPrintable(next->attemptList[0].reason));
        // Its record was claimed for nobody; the worker that had it queued declined it.
        const QString runDir = m_ws->runsDirectory() + QLatin1Char('/') + QString::number(id);
        const QString record = readAll(runDir + QStringLiteral("/next.1.state"));
        QVERIFY2(record.startsWith(QLatin1String("abandoned=")), qPrintable(record));
        QTest::qWait(500);
        QVERIFY(!QFileInfo::exists(runDir + QStringLiteral("/shared/next-ran")));
        QVERIFY(!readAll(runDir + QStringLiteral("/next.1.state")).contains(u"supervisor_pid"));
    }

    void cancelKillsTheWholeProcessGroup()
    {
        setUpProject(
            { job(QStringLiteral("long"),
                  QStringLiteral("sleep 300 & echo $! > \"$BATON_RUN_DIR/bg.pid\"; sleep 300")),
              job(QStringLiteral("next"), QStringLiteral("true")) },
            { task(QStringLiteral("long")),
              task(QStringLiteral("next"), { QStringLiteral("long") }) });
        const qint64 id = queue();
        m_engine = std::make_unique<Engine>(m_ws.get(), options());
        QString error;
        QVERIFY(m_engine->start(&error));
        const QString pidFile = m_ws->runsDirectory() + QStringLiteral("/%1/shared/bg.pid").arg(id);
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo(pidFile).size() > 0, 10000);
        const pid_t bg = readAll(pidFile).trimmed().toInt();
        QVERIFY(bg > 1);
        QCOMPARE(::kill(bg, 0), 0);
        RunService::requestCancel(m_ws->store(), id, {}, QStringLiteral("tester"));
        const RunSummary r = runToEnd(id, 20000);
        QCOMPARE(toString(r.state), QStringLiteral("cancelled"));
        QCOMPARE(toString(findTask(r, QStringLiteral("long"))->state), QStringLiteral("cancelled"));
        QCOMPARE(toString(findTask(r, QStringLiteral("next"))->state), QStringLiteral("cancelled"));
        QTRY_VERIFY_WITH_TIMEOUT(::kill(bg, 0) != 0 && errno == ESRCH, 5000);
        QCOMPARE(Sql::scalar(m_ws->store().db(), QStringLiteral("SELECT state FROM requests"))
                     .toString(),
                 QStringLiteral("done"));
    }

    // A log that cannot be created when the job first writes (here a directory stands in its
    // way) lets the job run on; the attempt's reason says its output was not logged, and why.
    void outputThatCannotBeLoggedIsSaidInTheReason()
    {
        setUpProject({ job(QStringLiteral("a"),
                           QStringLiteral("mkdir \"$PWD.log\"; echo hello; echo done > "
                                          "\"$BATON_RUN_DIR/ran\"")) },
                     { task(QStringLiteral("a")) });
        const qint64 id = queue();
        const RunSummary r = runToEnd(id);
        QCOMPARE(toString(r.state), QStringLiteral("succeeded"));
        QCOMPARE(readAll(m_ws->runsDirectory() + QStringLiteral("/%1/shared/ran").arg(id)),
                 QStringLiteral("done\n"));
        const TaskRunSummary *t = findTask(r, QStringLiteral("a"));
        const QString expected = QStringLiteral("output not logged: cannot create log file '%1': ")
                                     .arg(t->attemptList[0].logPath);
        QVERIFY2(t->attemptList[0].reason.startsWith(expected),
                 qPrintable(t->attemptList[0].reason));
        QVERIFY2(t->attemptList[0].reason.contains(QStringLiteral("Is a directory")),
                 qPrintable(t->attemptList[0].reason));
        QCOMPARE(t->reason, t->attemptList[0].reason);
    }

    void metricsAreStoredWithVersionAndEnvironment()
    {
        setUpProject(
            { job(QStringLiteral("score"),
                  QStringLiteral("echo 'false_positive_rate 0.125' >> \"$BATON_METRICS_FILE\"; "
                                 "echo 'auc=0.9' >> \"$BATON_METRICS_FILE\"; "
                                 "echo 'garbage line here' >> \"$BATON_METRICS_FILE\"; "
                                 "echo 'nan_metric nan' >> \"$BATON_METRICS_FILE\"")) },
            { task(QStringLiteral("score")) });
        const qint64 id = queue({}, QStringLiteral("prod"));
        const RunSummary r = runToEnd(id);
        QCOMPARE(toString(r.state), QStringLiteral("succeeded"));
        QCOMPARE(r.metrics.size(), 2);
        QCOMPARE(r.metrics[0].first, QStringLiteral("false_positive_rate"));
        QCOMPARE(r.metrics[0].second, 0.125);
        QCOMPARE(r.metrics[1].first, QStringLiteral("auc"));
        QCOMPARE(Sql::scalar(m_ws->store().db(),
                             QStringLiteral("SELECT e.name FROM metrics m JOIN environments e ON "
                                            "e.id = m.environment_id LIMIT 1"))
                     .toString(),
                 QStringLiteral("prod"));
        QVERIFY(
            Sql::scalar(m_ws->store().db(),
                        QStringLiteral("SELECT count(*) FROM metrics WHERE job_version_id IS NULL"))
                .toInt()
            == 0);
    }

    // Metrics files live in runs/<run>/metrics/, one per attempt (a retry reports afresh); the
    // old place beside the attempt is read only for attempts an earlier engine started.
    void metricsFilesHaveADirectoryOfTheirOwn()
    {
        JobSpec flaky = job(QStringLiteral("flaky"),
                            QStringLiteral("echo \"attempt_no $BATON_ATTEMPT\" >> "
                                           "\"$BATON_METRICS_FILE\"; "
                                           "echo 'stale 1' >> \"$PWD.metrics\"; "
                                           "test \"$BATON_ATTEMPT\" = 2"));
        flaky.settings.retries = 1;
        flaky.settings.retryDelaySeconds = 0;
        setUpProject({ flaky }, { task(QStringLiteral("flaky")) });
        const qint64 id = queue();
        const RunSummary r = runToEnd(id);
        QCOMPARE(toString(r.state), QStringLiteral("succeeded"));
        const QString runDir = m_ws->runsDirectory() + QStringLiteral("/%1").arg(id);
        QCOMPARE(QDir(runDir + QStringLiteral("/metrics"))
                     .entryList(QDir::Files | QDir::NoDotAndDotDot, QDir::Name),
                 (QStringList { "flaky.1", "flaky.2" }));
        QCOMPARE(readAll(runDir + QStringLiteral("/metrics/flaky.2")),
                 QStringLiteral("attempt_no 2\n"));
        QStringList recorded;
        QSqlQuery q = Sql::exec(m_ws->store().db(),
                                QStringLiteral("SELECT name, value FROM metrics ORDER BY id"));
        while (q.next()) // a number in C++: SQL prints a REAL as 1.0 or 1 by dialect
            recorded << q.value(0).toString() + u'=' + QString::number(q.value(1).toDouble());
        QCOMPARE(recorded, (QStringList { "attempt_no=1", "attempt_no=2" }));
    }

    void rerunFromFailedTasks()
    {
        const QString flag = m_tmp.filePath(QStringLiteral("fixed-%1").arg(m_counter));
        setUpProject({ job(QStringLiteral("first"), QStringLiteral("true")),
                       job(QStringLiteral("second"),
                           QStringLiteral("test -e '") + flag + QStringLiteral("'")),
                       job(QStringLiteral("third"), QStringLiteral("true")) },
                     { task(QStringLiteral("first")),
                       task(QStringLiteral("second"), { QStringLiteral("first") }),
                       task(QStringLiteral("third"), { QStringLiteral("second") }) });
        const qint64 id = queue();
        RunSummary r = runToEnd(id);
        QCOMPARE(toString(r.state), QStringLiteral("failed"));
        QCOMPARE(toString(findTask(r, QStringLiteral("third"))->state),
                 QStringLiteral("upstream_failed"));
        QFile(flag).open(QIODevice::WriteOnly);
        RunService::rerunFailed(m_ws->store(), id, QStringLiteral("tester"));
        r = runToEnd(id);
        QCOMPARE(toString(r.state), QStringLiteral("succeeded"));
        QCOMPARE(findTask(r, QStringLiteral("first"))->attempts, 1); // kept, not rerun
        QCOMPARE(findTask(r, QStringLiteral("second"))->attempts, 2);
        QCOMPARE(findTask(r, QStringLiteral("third"))->attempts, 1);
    }

    void hugeOutputIsCappedAndTheEngineStaysSmall()
    {
        Sql::exec(m_ws->store().db(),
                  QStringLiteral("INSERT INTO settings VALUES ('log_cap_bytes', '1048576')"));
        setUpProject(
            { job(QStringLiteral("loud"),
                  QStringLiteral("head -c 100000000 /dev/zero | tr '\\0' 'x' | fold -w 100")) },
            { task(QStringLiteral("loud")) });
        const RunSummary r = runToEnd(queue(), 60000);
        QCOMPARE(toString(r.state), QStringLiteral("succeeded"));
        const QString log = findTask(r, QStringLiteral("loud"))->attemptList[0].logPath;
        QVERIFY(QFileInfo(log).size() < 1100000);
        QVERIFY(readAll(log).contains(QStringLiteral("truncated")));
    }

    void badRequestsAreClearErrors()
    {
        setUpProject({ job(QStringLiteral("a"), QStringLiteral("true")) },
                     { task(QStringLiteral("a")) });
        RunRequest r;
        r.project = QStringLiteral("proj");
        r.pipeline = QStringLiteral("nope");
        QVERIFY_THROWS_EXCEPTION(Error, RunService::createRun(m_ws->store(), r));
        r.pipeline = QStringLiteral("pipe");
        r.environment = QStringLiteral("qa");
        try {
            RunService::createRun(m_ws->store(), r);
            QFAIL("unknown environment accepted");
        } catch (const Error &e) {
            QVERIFY(e.message().contains(QStringLiteral("no environment 'qa'")));
            QVERIFY(e.message().contains(QStringLiteral("dev, staging, preprod, prod")));
        }
        r.environment.clear();
        r.parameters.insert(QStringLiteral("1BAD"), QStringLiteral("x"));
        QVERIFY_THROWS_EXCEPTION(Error, RunService::createRun(m_ws->store(), r));
        QCOMPARE(
            Sql::scalar(m_ws->store().db(), QStringLiteral("SELECT count(*) FROM runs")).toInt(),
            0);
        QVERIFY_THROWS_EXCEPTION(Error, RunService::requestCancel(m_ws->store(), 999, {}, {}));
    }

    void secondEngineStandsBy()
    {
        setUpProject({ job(QStringLiteral("a"), QStringLiteral("true")) },
                     { task(QStringLiteral("a")) });
        Engine first(m_ws.get(), options());
        QString error;
        QVERIFY(first.start(&error));
        Engine second(m_ws.get(), options());
        QVERIFY(!second.start(&error));
        QVERIFY2(error.contains(QStringLiteral("another engine holds the workspace")),
                 qPrintable(error));
        first.stop();
        QVERIFY(second.start(&error));
        second.stop();
    }

    // While it runs, the engine's connection leaves its WAL checkpoints to another thread
    // (WalCheckpointer); once stopped, it has SQLite's own auto-checkpoint back.
    void walCheckpointsLeaveTheEngineThreadWhileItRuns()
    {
        BATON_SQLITE_ONLY("a team workspace has no WAL to checkpoint");
        setUpProject({ job(QStringLiteral("a"), QStringLiteral("true")) },
                     { task(QStringLiteral("a")) });
        const auto autoCheckpoint = [this] {
            return Sql::scalar(m_ws->store().db(), QStringLiteral("PRAGMA wal_autocheckpoint"))
                .toInt();
        };
        QCOMPARE(autoCheckpoint(), 1000);
        QCOMPARE(toString(runToEnd(queue()).state), QStringLiteral("succeeded"));
        QCOMPARE(autoCheckpoint(), 0); // the checkpointer's WAL hook took its place
        m_engine->stop();
        QCOMPARE(autoCheckpoint(), 1000);
        QCOMPARE(Sql::scalar(m_ws->store().db(), QStringLiteral("PRAGMA synchronous")).toInt(), 1);
    }

    // An engine that loses its lease writes nothing more: its checkpointer goes with it and the
    // connection checkpoints itself again.
    void lostLeaseTakesTheCheckpointerAway()
    {
        EngineOptions o = options();
        o.heartbeatMs = 100;
        m_engine = std::make_unique<Engine>(m_ws.get(), o);
        QString error;
        QVERIFY(m_engine->start(&error));
        const auto autoCheckpoint = [this] {
            return Sql::scalar(m_ws->store().db(), QStringLiteral("PRAGMA wal_autocheckpoint"))
                .toInt();
        };
        const bool wal = !m_ws->isTeam(); // a team workspace has no checkpointer
        if (wal)
            QCOMPARE(autoCheckpoint(), 0);
        QSignalSpy lost(m_engine.get(), &Engine::leaseLost);
        Sql::exec(m_ws->store().db(),
                  QStringLiteral("UPDATE engine_lease SET holder = 'another', expires_at = ?"),
                  { QDateTime::currentMSecsSinceEpoch() + 60000 });
        QTRY_COMPARE_WITH_TIMEOUT(lost.size(), 1, 5000);
        if (wal)
            QCOMPARE(autoCheckpoint(), 1000);
    }
};

QTEST_GUILESS_MAIN(TestEngine)
#include "tst_engine.moc"
