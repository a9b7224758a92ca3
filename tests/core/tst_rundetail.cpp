#include "monitoring/rundetail.h"
#include "monitoring/rundetailwatcher.h"
#include "rundata.h"
#include "store/projectwriter.h"
#include "testspecs.h"
#include "util/error.h"
#include "workspacefixture.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace Baton;
using namespace Baton::Test;

namespace {

constexpr qint64 T0 = 1795000000000; // a fixed start, ms UTC

const VariableDetail *variable(const RunDetail &d, const QString &name)
{
    for (const VariableDetail &v : d.variables) {
        if (v.name == name)
            return &v;
    }
    return nullptr;
}

} // namespace

class TestRunDetail : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    Test::WorkspaceFixture m_fixture; // before m_ws: its databases outlive the workspace
    std::unique_ptr<Workspace> m_ws;
    int m_counter = 0;

    /// churn/nightly in prod with a secret overridden by a parameter; extract failed once and
    /// succeeded on retry, train failed, score never ran, the alert ran.
    qint64 failedRun()
    {
        const qint64 run
            = queueRun(m_ws->store(), QStringLiteral("churn"), QStringLiteral("nightly"),
                       QStringLiteral("prod"),
                       { { QStringLiteral("BATCH"), QStringLiteral("500") },
                         { QStringLiteral("API_TOKEN"), QStringLiteral("param-secret-42") } });
        recordTask(*m_ws, run, QStringLiteral("extract"), QStringLiteral("succeeded"),
                   { { QStringLiteral("failed"), 1, T0, T0 + 2000, record('E', "connection reset"),
                       QStringLiteral("exit 1") },
                     { QStringLiteral("succeeded"),
                       0,
                       T0 + 5000,
                       T0 + 9000,
                       record('O', "extracted 100 rows"),
                       {} } });
        recordTask(*m_ws, run, QStringLiteral("train"), QStringLiteral("failed"),
                   { { QStringLiteral("failed"), 2, T0 + 9100, T0 + 20000,
                       record('E', "token param-secret-42 refused"),
                       QStringLiteral("token param-secret-42 refused") } },
                   QStringLiteral("exit 2 with param-secret-42"));
        recordTask(*m_ws, run, QStringLiteral("score"), QStringLiteral("upstream_failed"), {});
        recordTask(*m_ws, run, QStringLiteral("alert"), QStringLiteral("succeeded"),
                   { { QStringLiteral("succeeded"), 0, T0 + 20100, T0 + 20300, {}, {} } });
        recordMetric(*m_ws, run, QStringLiteral("extract"), QStringLiteral("rows"), 100);
        recordMetric(*m_ws, run, QStringLiteral("train"), QStringLiteral("auc"), 0.81);
        recordRun(*m_ws, run, QStringLiteral("failed"), T0, T0 + 20300);
        return run;
    }

private Q_SLOTS:
    void init()
    {
        m_ws = m_fixture.another(m_dir.filePath(QString::number(++m_counter)));
        ProjectWriter::apply(m_ws->store(), { churnProject() }, QStringLiteral("tester"));
    }

    void header()
    {
        const qint64 run = failedRun();
        const RunDetail d = RunDetails::load(m_ws->store().db(), run);
        QCOMPARE(d.id, run);
        QCOMPARE(d.project, QStringLiteral("churn"));
        QCOMPARE(d.pipeline, QStringLiteral("nightly"));
        QCOMPARE(d.pipelineVersion, 1);
        QCOMPARE(d.pipelineHash.size(), 64);
        QCOMPARE(d.environment, QStringLiteral("prod"));
        QCOMPARE(toString(d.state), QStringLiteral("failed"));
        QVERIFY(d.terminal);
        QCOMPARE(d.requestedBy, QStringLiteral("tester"));
        // Active time: the union of its attempts (2 + 4 + 10.9 + 0.2 s), not the 20.3 s from
        // start to end with the retry's delay and the hand-offs between tasks.
        QCOMPARE(d.durationMs(0), qint64(17100));
    }

    // Issue #17: a task retried by hand two minutes later ran 2 s, not 2 min; a run rerun an
    // hour after it failed was active for what its attempts ran, not the hour; while a retry
    // runs, the clock counts from its start only.
    void durationsCountOnlyTheAttempts()
    {
        const qint64 run = queueRun(m_ws->store(), QStringLiteral("churn"),
                                    QStringLiteral("nightly"), QStringLiteral("prod"));
        recordTask(*m_ws, run, QStringLiteral("extract"), QStringLiteral("succeeded"),
                   { { QStringLiteral("failed"), 1, T0, T0 + 1000, {}, {} },
                     { QStringLiteral("succeeded"), 0, T0 + 121000, T0 + 122000, {}, {} } });
        recordTask(*m_ws, run, QStringLiteral("train"), QStringLiteral("failed"),
                   { { QStringLiteral("failed"), 1, T0 + 122000, T0 + 125000, {}, {} } });
        recordRun(*m_ws, run, QStringLiteral("failed"), T0, T0 + 125000);
        RunDetail d = RunDetails::load(m_ws->store().db(), run);
        QCOMPARE(d.task(QStringLiteral("extract"))->durationMs(T0 + 999999), qint64(2000));
        QCOMPARE(d.durationMs(T0 + 999999), qint64(5000));

        // Rerun an hour later: train runs again (3 s more) — live, then ended.
        recordRun(*m_ws, run, QStringLiteral("running"), T0, 0);
        recordTask(*m_ws, run, QStringLiteral("train"), QStringLiteral("running"),
                   { { QStringLiteral("failed"), 1, T0 + 122000, T0 + 125000, {}, {} },
                     { QStringLiteral("running"), {}, T0 + 3725000, 0, {}, {} } });
        d = RunDetails::load(m_ws->store().db(), run);
        QCOMPARE(d.task(QStringLiteral("train"))->durationMs(T0 + 3726000), qint64(4000));
        QCOMPARE(d.durationMs(T0 + 3726000), qint64(6000));
        QCOMPARE(d.activeClock().runningSince, T0 + 3725000);
        recordTask(*m_ws, run, QStringLiteral("train"), QStringLiteral("succeeded"),
                   { { QStringLiteral("failed"), 1, T0 + 122000, T0 + 125000, {}, {} },
                     { QStringLiteral("succeeded"), 0, T0 + 3725000, T0 + 3728000, {}, {} } });
        recordRun(*m_ws, run, QStringLiteral("succeeded"), T0, T0 + 3728000);
        d = RunDetails::load(m_ws->store().db(), run);
        QCOMPARE(d.task(QStringLiteral("train"))->durationMs(T0 + 9999999), qint64(6000));
        QCOMPARE(d.durationMs(T0 + 9999999), qint64(8000));
        // The store's own record of it (what the dashboards read) is the same.
        QCOMPARE(Sql::scalar(m_ws->store().db(),
                             QStringLiteral("SELECT active_ms FROM runs WHERE id = ?"), { run })
                     .toLongLong(),
                 qint64(8000));
    }

    // A follower's attempt is created when it is queued behind another one and runs only once
    // that one ends: its wait is not run time (core and store agree).
    void followerWaitIsNotRunTime()
    {
        const qint64 run = queueRun(m_ws->store(), QStringLiteral("churn"),
                                    QStringLiteral("nightly"), QStringLiteral("prod"));
        recordRun(*m_ws, run, QStringLiteral("running"), T0, 0);
        recordTask(*m_ws, run, QStringLiteral("extract"), QStringLiteral("running"),
                   { { QStringLiteral("running"), {}, T0, 0, {}, {} } });
        recordTask(*m_ws, run, QStringLiteral("train"), QStringLiteral("starting"),
                   { { QStringLiteral("starting"), {}, T0 + 1000, 0, {}, {} } },
                   QStringLiteral("queued behind extract (attempt 1): starts when it ends"));
        RunDetail d = RunDetails::load(m_ws->store().db(), run);
        QCOMPARE(d.task(QStringLiteral("train"))->durationMs(T0 + 200000), qint64(0));
        QCOMPARE(d.durationMs(T0 + 200000), qint64(200000)); // extract alone

        recordTask(*m_ws, run, QStringLiteral("extract"), QStringLiteral("succeeded"),
                   { { QStringLiteral("succeeded"), 0, T0, T0 + 240000, {}, {} } });
        recordTask(
            *m_ws, run, QStringLiteral("train"), QStringLiteral("succeeded"),
            { { QStringLiteral("succeeded"), 0, T0 + 1000, T0 + 300000, {}, {}, T0 + 240000 } });
        recordRun(*m_ws, run, QStringLiteral("succeeded"), T0, T0 + 300000);
        d = RunDetails::load(m_ws->store().db(), run);
        const TaskDetail *train = d.task(QStringLiteral("train"));
        QCOMPARE(train->durationMs(0), qint64(60000)); // not the 299 s since it was queued
        QCOMPARE(train->attemptList.first().durationMs(0), qint64(60000));
        QCOMPARE(d.durationMs(0), qint64(300000));
        QCOMPARE(Sql::scalar(m_ws->store().db(),
                             QStringLiteral("SELECT run_ms FROM task_runs WHERE run_id = ? AND "
                                            "task_name = 'train'"),
                             { run })
                     .toLongLong(),
                 qint64(60000));
        QCOMPARE(Sql::scalar(m_ws->store().db(),
                             QStringLiteral("SELECT active_ms FROM runs WHERE id = ?"), { run })
                     .toLongLong(),
                 qint64(300000));
    }

    // Issue #17: a task of a live run that does not run says why (core's rule): the run not
    // picked up, upstream tasks, a place of the workspace; a finished run's tasks wait for
    // nothing.
    void waitingTasksSayWhy()
    {
        const qint64 run = queueRun(m_ws->store(), QStringLiteral("churn"),
                                    QStringLiteral("nightly"), QStringLiteral("prod"));
        RunDetail d = RunDetails::load(m_ws->store().db(), run);
        QCOMPARE(d.task(QStringLiteral("extract"))->wait.kind, WaitReason::Kind::NoEngine);

        // Another run holds the workspace's only place; this one's extract is ready.
        m_ws->store().exec(QStringLiteral("INSERT INTO settings (key, value) VALUES "
                                          "('max_parallel', '1')"));
        const qint64 other = queueRun(m_ws->store(), QStringLiteral("churn"),
                                      QStringLiteral("nightly"), QStringLiteral("dev"));
        recordRun(*m_ws, other, QStringLiteral("running"), T0, 0);
        recordTask(*m_ws, other, QStringLiteral("extract"), QStringLiteral("running"),
                   { { QStringLiteral("running"), {}, T0, 0, {}, {} } });
        recordRun(*m_ws, run, QStringLiteral("running"), T0, 0);
        d = RunDetails::load(m_ws->store().db(), run);
        const TaskDetail *extract = d.task(QStringLiteral("extract"));
        QCOMPARE(extract->wait.kind, WaitReason::Kind::WorkspaceLimit);
        QVERIFY2(extract->wait.text.contains(QLatin1String("1 of 1")),
                 qPrintable(extract->wait.text));
        QCOMPARE(d.task(QStringLiteral("train"))->wait.kind, WaitReason::Kind::Upstream);

        // A follower: queued behind an attempt, with the engine's own reason.
        recordTask(*m_ws, run, QStringLiteral("extract"), QStringLiteral("succeeded"),
                   { { QStringLiteral("succeeded"), 0, T0, T0 + 1000, {}, {} } });
        recordTask(*m_ws, run, QStringLiteral("train"), QStringLiteral("starting"),
                   { { QStringLiteral("starting"), {}, T0 + 1000, 0, {}, {} } },
                   QStringLiteral("queued behind extract (attempt 1): starts when it ends"));
        d = RunDetails::load(m_ws->store().db(), run);
        QCOMPARE(d.task(QStringLiteral("train"))->wait.kind, WaitReason::Kind::Follower);
        QCOMPARE(d.task(QStringLiteral("extract"))->wait.kind, WaitReason::Kind::None);

        recordRun(*m_ws, run, QStringLiteral("cancelled"), T0, T0 + 2000);
        d = RunDetails::load(m_ws->store().db(), run);
        for (const TaskDetail &t : d.tasks)
            QCOMPARE(t.wait.kind, WaitReason::Kind::None);
    }

    void secretsAreMasked()
    {
        const qint64 run = failedRun();
        const RunDetail d = RunDetails::load(m_ws->store().db(), run);
        // The project's secret, overridden by a run parameter: still secret, never shown.
        const VariableDetail *token = variable(d, QStringLiteral("API_TOKEN"));
        QVERIFY(token);
        QVERIFY(token->secret);
        QCOMPARE(token->value, QStringLiteral("***"));
        QCOMPARE(token->scope, QStringLiteral("run"));
        QCOMPARE(d.parameters.value(QStringLiteral("API_TOKEN")), QStringLiteral("***"));
        QCOMPARE(d.parameters.value(QStringLiteral("BATCH")), QStringLiteral("500"));
        const VariableDetail *db = variable(d, QStringLiteral("DB_URL"));
        QVERIFY(db);
        QVERIFY(!db->secret);
        QCOMPARE(db->value, QStringLiteral("postgresql://dev/churn"));
        QCOMPARE(db->scope, QStringLiteral("project"));
        QCOMPARE(variable(d, QStringLiteral("BATON_ENV"))->value, QStringLiteral("prod"));
        QCOMPARE(variable(d, QStringLiteral("BATON_RUN_ID"))->value, QString::number(run));
        // The secret's value appears nowhere in what was read: reasons included.
        const TaskDetail *train = d.task(QStringLiteral("train"));
        QVERIFY(train);
        QCOMPARE(train->reason, QStringLiteral("exit 2 with ***"));
        QCOMPARE(train->attemptList.first().reason, QStringLiteral("token *** refused"));
        for (const VariableDetail &v : d.variables)
            QVERIFY(!v.value.contains(QLatin1String("param-secret-42")));

        // In dev the project's secret does not apply: no API_TOKEN unless passed.
        const qint64 dev = queueRun(m_ws->store(), QStringLiteral("churn"),
                                    QStringLiteral("nightly"), QStringLiteral("dev"));
        QVERIFY(!variable(RunDetails::load(m_ws->store().db(), dev), QStringLiteral("API_TOKEN")));
    }

    void tasksAttemptsVersionsMetrics()
    {
        const qint64 run = failedRun();
        const RunDetail d = RunDetails::load(m_ws->store().db(), run);
        QStringList names;
        for (const TaskDetail &t : d.tasks)
            names << t.name;
        QCOMPARE(names, QStringList({ "extract", "train", "score", "alert" }));
        const TaskDetail *extract = d.task(QStringLiteral("extract"));
        QCOMPARE(toString(extract->state), QStringLiteral("succeeded"));
        QCOMPARE(extract->attempts, 2);
        QCOMPARE(extract->attemptList.size(), 2);
        QCOMPARE(extract->attemptList.at(0).exitCode, std::optional<int>(1));
        QCOMPARE(extract->attemptList.at(0).durationMs(0), qint64(2000));
        QCOMPARE(extract->attemptList.at(1).exitCode, std::optional<int>(0));
        QCOMPARE(extract->attemptList.at(1).host, QStringLiteral("testhost"));
        QVERIFY(extract->attemptList.at(1).logPath.endsWith(QLatin1String("/extract.2/log")));
        QCOMPARE(extract->durationMs(0), qint64(6000)); // 2 s + 4 s, not the 3 s between
        QCOMPARE(extract->version.job, QStringLiteral("extract"));
        QCOMPARE(extract->version.number, 1);
        QCOMPARE(extract->version.command, QStringLiteral("./extract.sh"));
        QCOMPARE(extract->version.technology, QStringLiteral("bash"));
        QCOMPARE(extract->version.contentHash.size(), 64);
        QVERIFY(extract->upstream.isEmpty());
        QCOMPARE(d.task(QStringLiteral("train"))->upstream, QStringList({ "extract" }));
        QCOMPARE(d.task(QStringLiteral("alert"))->upstream, QStringList({ "score (failed)" }));
        QCOMPARE(d.task(QStringLiteral("alert"))->version.job, QStringLiteral("notify"));
        const TaskDetail *score = d.task(QStringLiteral("score"));
        QCOMPARE(toString(score->state), QStringLiteral("upstream_failed"));
        QVERIFY(score->attemptList.isEmpty());
        QCOMPARE(score->durationMs(T0 + 99999), qint64(0));
        QCOMPARE(d.metrics.size(), 2);
        QCOMPARE(d.metrics.at(1).name, QStringLiteral("auc"));
        QCOMPARE(d.metrics.at(1).task, QStringLiteral("train"));
        QCOMPARE(d.metrics.at(1).value, 0.81);
        QCOMPARE(d.task(QStringLiteral("extract"))->metrics.size(), 1);
        QVERIFY(!d.task(QStringLiteral("nope")));
    }

    void queuedRunAndSiblings()
    {
        const qint64 first = failedRun();
        const qint64 second
            = queueRun(m_ws->store(), QStringLiteral("churn"), QStringLiteral("nightly"));
        const RunDetail d = RunDetails::load(m_ws->store().db(), second);
        QCOMPARE(toString(d.state), QStringLiteral("queued"));
        QVERIFY(!d.terminal);
        QCOMPARE(d.tasks.size(), 4);
        QCOMPARE(d.durationMs(T0), qint64(0));
        for (const TaskDetail &t : d.tasks)
            QVERIFY(t.attemptList.isEmpty());
        const auto siblings = RunDetails::siblings(m_ws->store().db(), second);
        QCOMPARE(siblings.size(), 1);
        QCOMPARE(siblings.first().id, first);
        QCOMPARE(toString(siblings.first().state), QStringLiteral("failed"));
        QCOMPARE(siblings.first().environment, QStringLiteral("prod"));
    }

    void missingRun()
    {
        QVERIFY_THROWS_EXCEPTION(Error, RunDetails::load(m_ws->store().db(), 4242));
        try {
            RunDetails::load(m_ws->store().db(), 4242);
        } catch (const Error &e) {
            QCOMPARE(e.message(), QStringLiteral("no run 4242"));
        }
    }

    void watcherReportsChangesOnly()
    {
        const qint64 run
            = queueRun(m_ws->store(), QStringLiteral("churn"), QStringLiteral("nightly"));
        QThread thread;
        auto *watcher = new RunDetailWatcher(&m_ws->store());
        watcher->moveToThread(&thread);
        connect(&thread, &QThread::finished, watcher, &QObject::deleteLater);
        QSignalSpy loaded(watcher, &RunDetailWatcher::loaded);
        QSignalSpy failed(watcher, &RunDetailWatcher::failed);
        thread.start();
        QMetaObject::invokeMethod(watcher, [watcher, run] { watcher->watch(run, 20); });
        QTRY_COMPARE(loaded.count(), 1);
        QTest::qWait(120); // several idle ticks: nothing new
        QCOMPARE(loaded.count(), 1);
        recordTask(*m_ws, run, QStringLiteral("extract"), QStringLiteral("running"),
                   { { QStringLiteral("running"), std::nullopt, T0, 0, record('O', "hi"), {} } });
        QTRY_COMPARE(loaded.count(), 2);
        const RunDetail d = loaded.last().at(0).value<RunDetail>();
        QCOMPARE(toString(d.task(QStringLiteral("extract"))->state), QStringLiteral("running"));
        // A write elsewhere in the workspace that does not touch this run: no new batch.
        m_ws->store().exec(QStringLiteral("INSERT INTO settings (key, value) VALUES ('x', 'y')"));
        QTest::qWait(120);
        QCOMPARE(loaded.count(), 2);
        QMetaObject::invokeMethod(watcher, [watcher] { watcher->watch(999, 0); });
        QTRY_COMPARE(failed.count(), 1);
        QCOMPARE(failed.last().at(1).toString(), QStringLiteral("no run 999"));
        thread.quit();
        thread.wait();
    }
};

QTEST_GUILESS_MAIN(TestRunDetail)
#include "tst_rundetail.moc"
