// kill -9 of a real `baton engine` mid-run: nothing lost, nothing run twice, the run finishes.
#include "engine/runservice.h"
#include "executors/localexecutor.h"
#include "fixture.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/workspace.h"

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cerrno>
#include <csignal>

using namespace Baton;

using namespace Baton::IntegrationTest;

class TestRecovery : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_tmp;
    TestWorkspaces m_spaces;
    std::unique_ptr<Workspace> m_ws;
    int m_counter = 0;

    // slow → after; with @p sideBySide, the two are independent and the run has one place, so
    // that `after` waits queued behind `slow` (a follower).
    qint64 setUp(int retries, bool sideBySide = false, bool queueRun = true)
    {
        m_ws = m_spaces.open(m_tmp.filePath(QString::number(++m_counter)));
        JobSpec slow = job(QStringLiteral("slow"), {});
        // The trace shows every attempt's start and end: two starts without an end between
        // them would mean two attempts at once.
        // Metrics reported after the engine died reach the next one, also at the place an
        // engine from before runs/<run>/metrics/ told its attempts (ATTEMPT_DIR.metrics).
        slow.command = QStringLiteral("echo \"start $BATON_ATTEMPT\" >> \"$BATON_RUN_DIR/trace\"; "
                                      "sleep 3; echo done-slow; "
                                      "echo 'late_rows 42' >> \"$BATON_METRICS_FILE\"; "
                                      "echo 'legacy_rows 7' >> \"$PWD.metrics\"; "
                                      "echo \"end $BATON_ATTEMPT\" >> \"$BATON_RUN_DIR/trace\"");
        slow.settings.retries = retries;
        slow.settings.retryDelaySeconds = 0;
        const ProjectSpec p = pipeProject(
            { slow, job(QStringLiteral("after"), QStringLiteral("echo after")) },
            { task(QStringLiteral("slow")),
              task(QStringLiteral("after"),
                   sideBySide ? QStringList() : QStringList { QStringLiteral("slow") }) });
        ProjectWriter::apply(m_ws->store(), { p }, QStringLiteral("tester"));
        if (!queueRun)
            return 0;
        RunRequest r;
        r.project = QStringLiteral("proj");
        r.pipeline = QStringLiteral("pipe");
        r.parallelism = sideBySide ? 1 : 0;
        return RunService::createRun(m_ws->store(), r);
    }

    void startEngine(QProcess &engine)
    {
        engine.setProcessChannelMode(QProcess::MergedChannels);
        engine.start(QStringLiteral(BATON_BINARY),
                     { QStringLiteral("--workspace"), m_ws->address(), QStringLiteral("engine") });
        QVERIFY(engine.waitForStarted(10000));
    }

    QString waitForRunningAttempt(qint64 runId)
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 20000) {
            const QVariant dir
                = Sql::scalar(m_ws->store().db(),
                              QStringLiteral("SELECT a.attempt_dir FROM task_attempts a "
                                             "JOIN task_runs tr ON tr.id = a.task_run_id "
                                             "WHERE tr.run_id = ? AND tr.task_name = 'slow' "
                                             "AND a.state = 'running'"),
                              { runId });
            if (dir.isValid())
                return dir.toString();
            QTest::qWait(50);
        }
        return {};
    }

    RunSummary waitForEnd(qint64 runId)
    {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 40000) {
            const auto s = RunService::runState(m_ws->store().db(), runId);
            if (s && isTerminal(*s))
                break;
            QTest::qWait(100);
        }
        return RunService::run(m_ws->store().db(), runId);
    }

private Q_SLOTS:
    void cleanup()
    {
        m_ws.reset();
        m_spaces.dropAll();
    }

    void runningAttemptIsReadopted()
    {
        const qint64 runId = setUp(0);
        QProcess first;
        startEngine(first);
        const QString attemptDir = waitForRunningAttempt(runId);
        QVERIFY2(!attemptDir.isEmpty(), qPrintable(first.readAll()));
        first.kill(); // SIGKILL: no cleanup, the lease row stays behind
        QVERIFY(first.waitForFinished(5000));
        QVERIFY(LocalExecutor::supervisorAlive(attemptDir));

        QProcess second;
        startEngine(second);
        const RunSummary r = waitForEnd(runId);
        second.terminate();
        second.waitForFinished(10000);
        QCOMPARE(toString(r.state), QStringLiteral("succeeded"));
        QCOMPARE(r.tasks[0].name, QStringLiteral("slow"));
        QCOMPARE(r.tasks[0].attempts, 1); // not started again
        QCOMPARE(r.tasks[0].exitCode, std::optional<int>(0));
        QVERIFY(readAll(attemptDir + QStringLiteral(".log")).contains(QStringLiteral("done-slow")));
        QCOMPARE(toString(r.tasks[1].state), QStringLiteral("succeeded"));
        QCOMPARE(readAll(m_ws->runsDirectory() + QStringLiteral("/%1/shared/trace").arg(runId)),
                 QStringLiteral("start 1\nend 1\n"));
        QCOMPARE(r.metrics.size(), 2);
        QCOMPARE(r.metrics[0], qMakePair(QStringLiteral("late_rows"), 42.0));
        QCOMPARE(r.metrics[1], qMakePair(QStringLiteral("legacy_rows"), 7.0));
    }

    void deadAttemptIsLostThenRetried()
    {
        const qint64 runId = setUp(1);
        QProcess first;
        startEngine(first);
        const QString attemptDir = waitForRunningAttempt(runId);
        QVERIFY(!attemptDir.isEmpty());
        // Kill the engine and the attempt's supervisor: the attempt truly died.
        first.kill();
        QVERIFY(first.waitForFinished(5000));
        const QString status = readAll(attemptDir + QStringLiteral(".state"));
        qint64 supervisorPid = 0, pgid = 0;
        for (const QString &line : status.split(QLatin1Char('\n'))) {
            if (line.startsWith(QLatin1String("supervisor_pid=")))
                supervisorPid = line.mid(15).toLongLong();
            if (line.startsWith(QLatin1String("pgid=")))
                pgid = line.mid(5).toLongLong();
        }
        QVERIFY(supervisorPid > 1 && pgid > 1);
        QCOMPARE(::kill(pid_t(supervisorPid), SIGKILL), 0);
        QTRY_VERIFY_WITH_TIMEOUT(!LocalExecutor::supervisorAlive(attemptDir), 5000);

        QProcess second;
        startEngine(second);
        const RunSummary r = waitForEnd(runId);
        second.terminate();
        second.waitForFinished(10000);
        QCOMPARE(toString(r.state), QStringLiteral("succeeded"));
        QCOMPARE(r.tasks[0].attempts, 2);
        QCOMPARE(toString(r.tasks[0].attemptList[0].state), QStringLiteral("lost"));
        QVERIFY(r.tasks[0].attemptList[0].reason.contains(QStringLiteral("supervisor")));
        QCOMPARE(toString(r.tasks[0].attemptList[1].state), QStringLiteral("succeeded"));
        // The orphaned job of attempt 1 was killed before attempt 2 started.
        QCOMPARE(::kill(pid_t(-pgid), 0), -1);
        QCOMPARE(readAll(m_ws->runsDirectory() + QStringLiteral("/%1/shared/trace").arg(runId)),
                 QStringLiteral("start 1\nstart 2\nend 2\n"));
    }

    // A task queued behind a running attempt (a follower) when the engine is killed: the next
    // engine finds that no supervisor took it, withdraws it (the old worker, once done with the
    // attempt it had, declines it) and starts it again; it runs exactly once, and its retries are
    // not spent on the attempt that never ran.
    void followerQueuedAtTheCrashRunsOnce()
    {
        const qint64 runId = setUp(0, true);
        QProcess first;
        startEngine(first);
        const QString slowDir = waitForRunningAttempt(runId);
        QVERIFY2(!slowDir.isEmpty(), qPrintable(first.readAll()));
        const auto afterState = [&] {
            return Sql::scalar(m_ws->store().db(),
                               QStringLiteral("SELECT state FROM task_runs WHERE run_id = ? AND "
                                              "task_name = 'after'"),
                               { runId })
                .toString();
        };
        QTRY_COMPARE_WITH_TIMEOUT(afterState(), QStringLiteral("starting"), 5000);
        first.kill();
        QVERIFY(first.waitForFinished(5000));
        QVERIFY(LocalExecutor::supervisorAlive(slowDir));

        QProcess second;
        startEngine(second);
        const RunSummary run = waitForEnd(runId);
        // The old worker reads the withdrawn request once the slow attempt is over.
        QTRY_VERIFY_WITH_TIMEOUT(!LocalExecutor::supervisorAlive(slowDir), 10000);
        QTest::qWait(300);
        second.terminate();
        second.waitForFinished(10000);
        QCOMPARE(toString(run.state), QStringLiteral("succeeded"));
        QCOMPARE(run.tasks[0].attempts, 1); // slow: adopted
        QCOMPARE(readAll(m_ws->runsDirectory() + QStringLiteral("/%1/shared/trace").arg(runId)),
                 QStringLiteral("start 1\nend 1\n"));
        const TaskRunSummary &a = run.tasks[1];
        QCOMPARE(a.name, QStringLiteral("after"));
        QCOMPARE(toString(a.state), QStringLiteral("succeeded"));
        QCOMPARE(a.attempts, 2);
        QCOMPARE(toString(a.attemptList[0].state), QStringLiteral("cancelled"));
        QVERIFY2(a.attemptList[0].reason.contains(QStringLiteral("never started")),
                 qPrintable(a.attemptList[0].reason));
        // Attempt 1 never ran (no supervisor took its record, no output); attempt 2 did.
        const QString dir = m_ws->runsDirectory() + QStringLiteral("/%1/after.").arg(runId);
        const QString record = readAll(dir + QStringLiteral("1.state"));
        QVERIFY2(record.startsWith(QLatin1String("abandoned="))
                     && !record.contains(QLatin1String("supervisor_pid")),
                 qPrintable(record));
        QVERIFY(!QFileInfo::exists(dir + QStringLiteral("1.log")));
        const QStringList output = readAll(dir + QStringLiteral("2.log")).split(u'\n');
        QCOMPARE(
            std::count_if(output.cbegin(), output.cend(),
                          [](const QString &l) { return l.endsWith(QLatin1String(" after")); }),
            1);
    }

    void engineStopLeavesAttemptsRunning()
    {
        const qint64 runId = setUp(0);
        QProcess first;
        startEngine(first);
        const QString attemptDir = waitForRunningAttempt(runId);
        QVERIFY(!attemptDir.isEmpty());
        first.terminate(); // a clean stop releases the lease at once
        QVERIFY(first.waitForFinished(10000));
        QCOMPARE(first.exitCode(), 0);
        QVERIFY(!Sql::scalar(m_ws->store().db(), QStringLiteral("SELECT 1 FROM engine_lease"))
                     .isValid());
        QVERIFY(LocalExecutor::supervisorAlive(attemptDir));
        QProcess second;
        startEngine(second);
        const RunSummary r = waitForEnd(runId);
        second.terminate();
        second.waitForFinished(10000);
        QCOMPARE(toString(r.state), QStringLiteral("succeeded"));
        QCOMPARE(r.tasks[0].attempts, 1);
    }
    // `run --wait` following a `baton engine` that is killed: it notices (the engine's process
    // is gone, its lease as good as expired), says so, and carries the run on itself: the
    // running attempt is adopted, not started again, and the run completes.
    void runWaitTakesOverWhenItsEngineDies()
    {
        setUp(0, false, false);
        QProcess engine;
        startEngine(engine);
        QTRY_VERIFY_WITH_TIMEOUT(
            Sql::scalar(m_ws->store().db(), QStringLiteral("SELECT 1 FROM engine_lease")).isValid(),
            10000);
        QProcess waiter;
        waiter.start(QStringLiteral(BATON_BINARY),
                     { QStringLiteral("--workspace"), m_ws->address(), QStringLiteral("run"),
                       QStringLiteral("proj/pipe"), QStringLiteral("--wait") });
        QVERIFY(waiter.waitForStarted(10000));
        QTRY_VERIFY_WITH_TIMEOUT(
            Sql::scalar(m_ws->store().db(), QStringLiteral("SELECT max(id) FROM runs")).toLongLong()
                > 0,
            10000);
        const qint64 runId
            = Sql::scalar(m_ws->store().db(), QStringLiteral("SELECT max(id) FROM runs"))
                  .toLongLong();
        const QString attemptDir = waitForRunningAttempt(runId);
        QVERIFY2(!attemptDir.isEmpty(), qPrintable(engine.readAll()));
        engine.kill();
        QVERIFY(engine.waitForFinished(5000));

        const bool ended = waiter.waitForFinished(30000);
        const QString out = QString::fromUtf8(waiter.readAllStandardOutput());
        const QString err = QString::fromUtf8(waiter.readAllStandardError());
        if (!ended)
            waiter.kill();
        QVERIFY2(ended, qPrintable(QStringLiteral("run --wait still waiting: ") + out + err));
        QVERIFY2(
            err.contains(QStringLiteral("is gone (process"))
                && err.contains(
                    QStringLiteral("run %1 carries on with an engine in this command").arg(runId)),
            qPrintable(err));
        QCOMPARE(waiter.exitCode(), 0);
        QVERIFY2(out.contains(QStringLiteral("run %1 succeeded").arg(runId)), qPrintable(out));
        const RunSummary r = RunService::run(m_ws->store().db(), runId);
        QCOMPARE(toString(r.state), QStringLiteral("succeeded"));
        QCOMPARE(r.tasks[0].attempts, 1); // adopted, not run twice
        QCOMPARE(readAll(m_ws->runsDirectory() + QStringLiteral("/%1/shared/trace").arg(runId)),
                 QStringLiteral("start 1\nend 1\n"));
        QCOMPARE(toString(r.tasks[1].state), QStringLiteral("succeeded"));
    }
};

QTEST_GUILESS_MAIN(TestRecovery)
#include "tst_recovery.moc"
