#include "engine/runservice.h"
#include "rundata.h"
#include "store/projectwriter.h"
#include "store/settings.h"
#include "testspecs.h"
#include "util/error.h"
#include "workspacefixture.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Baton;
using namespace Baton::Test;

// Creating, cancelling and re-running runs: what the CLI and the console ask for. Every
// refusal names what is wrong and leaves the store as it was.
class TestRunService : public QObject
{
    Q_OBJECT
private:
    WorkspaceFixture m_fx;

    QSqlDatabase db() const { return m_fx.db(); }

    // Rows of every table a refusal could have touched.
    QList<int> counts() const
    {
        QList<int> n;
        for (const char *table : { "runs", "task_runs", "requests", "audit_events" })
            n << Sql::scalar(db(), QStringLiteral("SELECT count(*) FROM ") + QLatin1String(table))
                     .toInt();
        return n;
    }

    RunRequest request(const QString &environment = {}) const
    {
        RunRequest r;
        r.project = QStringLiteral("churn");
        r.pipeline = QStringLiteral("nightly");
        r.environment = environment;
        r.actor = QStringLiteral("ops");
        return r;
    }

    template<typename F>
    void expectRefusal(F &&work, const QString &message)
    {
        const QList<int> before = counts();
        try {
            work();
            QFAIL("accepted");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(message), qPrintable(e.message()));
        }
        QCOMPARE(counts(), before);
    }

    QString taskState(qint64 run, const QString &task) const
    {
        return Sql::scalar(db(),
                           QStringLiteral("SELECT state FROM task_runs WHERE run_id = ? AND "
                                          "task_name = ?"),
                           { run, task })
            .toString();
    }

private Q_SLOTS:
    void init()
    {
        m_fx.renew();
        ProjectWriter::apply(m_fx.store(), { churnProject() }, QStringLiteral("tester"));
    }

    void createRunQueuesEveryTask()
    {
        RunRequest r = request(QStringLiteral("staging"));
        r.parameters = { { QStringLiteral("BATCH"), QStringLiteral("500") },
                         { QStringLiteral("API_TOKEN"), QStringLiteral("hunter2") } };
        r.parallelism = 3;
        const qint64 run = RunService::createRun(m_fx.store(), r);
        const RunSummary s = RunService::run(db(), run);
        QCOMPARE(toString(s.state), QStringLiteral("queued"));
        QCOMPARE(s.environment, QStringLiteral("staging"));
        QCOMPARE(s.trigger, QStringLiteral("manual"));
        QCOMPARE(s.requestedBy, QStringLiteral("ops"));
        QCOMPARE(s.pipelineVersion, 1);
        QCOMPARE(s.parameters.value(QStringLiteral("BATCH")), QStringLiteral("500"));
        QCOMPARE(s.tasks.size(), 4);
        QCOMPARE(s.taskCounts.value(QStringLiteral("queued")), 4);
        QCOMPARE(s.tasks.first().name, QStringLiteral("extract")); // pipeline order
        // Audited with the parameters' names, never their values.
        const QString after
            = Sql::scalar(db(),
                          QStringLiteral("SELECT after FROM audit_events WHERE "
                                         "action = 'run.request' AND object_id = ?"),
                          { run })
                  .toString();
        QVERIFY2(after.contains(QLatin1String("API_TOKEN")), qPrintable(after));
        QVERIFY(!after.contains(QLatin1String("hunter2")));
        // A parameter that overrides a secret is a secret in every read model (#21).
        QCOMPARE(s.parameters.value(QStringLiteral("API_TOKEN")), QStringLiteral("***"));
        QCOMPARE(RunService::runs(db(), 10).first().parameters.value(QStringLiteral("API_TOKEN")),
                 QStringLiteral("***"));
        QCOMPARE(RunService::runs(db(), 10).first().parameters.value(QStringLiteral("BATCH")),
                 QStringLiteral("500"));
    }

    void emptyEnvironmentIsTheFirstOfThePath()
    {
        const qint64 run = RunService::createRun(m_fx.store(), request());
        QCOMPARE(RunService::run(db(), run).environment, QStringLiteral("dev"));
    }

    void createRunRefusals()
    {
        RunRequest r = request();
        r.project = QStringLiteral("nope");
        expectRefusal([&] { RunService::createRun(m_fx.store(), r); },
                      QStringLiteral("no project named 'nope'"));
        r = request();
        r.pipeline = QStringLiteral("weekly");
        expectRefusal([&] { RunService::createRun(m_fx.store(), r); },
                      QStringLiteral("project 'churn' has no pipeline named 'weekly'"));
        r = request(QStringLiteral("qa"));
        expectRefusal([&] { RunService::createRun(m_fx.store(), r); },
                      QStringLiteral("has no environment 'qa' (it has: dev, staging, preprod, "
                                     "prod)"));
        for (const QString &bad : { QStringLiteral("1X"), QStringLiteral("A-B"), QString() }) {
            r = request();
            r.parameters = { { bad, QStringLiteral("v") } };
            expectRefusal([&] { RunService::createRun(m_fx.store(), r); },
                          QStringLiteral("not a valid variable name"));
        }
    }

    void scheduledFireTimeHasOneRun()
    {
        const qint64 schedule
            = Sql::scalar(db(), QStringLiteral("SELECT id FROM schedules LIMIT 1")).toLongLong();
        QVERIFY(schedule > 0);
        RunRequest r = request();
        r.trigger = QStringLiteral("schedule");
        r.scheduleId = schedule;
        r.fireTimeMs = 1795000000000;
        qint64 first = 0;
        m_fx.store().transaction([&](QSqlDatabase &tx) { first = RunService::insertRun(tx, r); });
        QVERIFY(first > 0);
        qint64 second = -1;
        m_fx.store().transaction([&](QSqlDatabase &tx) { second = RunService::insertRun(tx, r); });
        QCOMPARE(second, 0); // never two runs for one fire time
    }

    void cancelOnlyWhatRuns()
    {
        const qint64 run = RunService::createRun(m_fx.store(), request());
        const qint64 req
            = RunService::requestCancel(m_fx.store(), run, QStringLiteral("train"), "ops");
        QVERIFY(req > 0);
        const QJsonObject payload
            = QJsonDocument::fromJson(Sql::scalar(db(),
                                                  QStringLiteral("SELECT payload FROM requests "
                                                                 "WHERE id = ? AND kind = "
                                                                 "'cancel'"),
                                                  { req })
                                          .toString()
                                          .toUtf8())
                  .object();
        QCOMPARE(payload.value(QStringLiteral("run_id")).toInteger(), run);
        QCOMPARE(payload.value(QStringLiteral("task")).toString(), QStringLiteral("train"));

        expectRefusal(
            [&] { RunService::requestCancel(m_fx.store(), run, QStringLiteral("deploy"), "ops"); },
            QStringLiteral("run %1 has no task 'deploy'").arg(run));
        expectRefusal([&] { RunService::requestCancel(m_fx.store(), 999, {}, "ops"); },
                      QStringLiteral("no run 999"));
        recordRun(m_fx.workspace(), run, QStringLiteral("succeeded"), 1000, 2000);
        expectRefusal([&] { RunService::requestCancel(m_fx.store(), run, {}, "ops"); },
                      QStringLiteral("run %1 already finished (succeeded)").arg(run));
    }

    void rerunFailedKeepsWhatSucceeded()
    {
        const qint64 run = RunService::createRun(m_fx.store(), request());
        expectRefusal(
            [&] { RunService::rerunFailed(m_fx.store(), run, "ops"); },
            QStringLiteral("run %1 is still queued; rerun it once it has finished").arg(run));
        recordTask(m_fx.workspace(), run, QStringLiteral("extract"), QStringLiteral("succeeded"),
                   { { QStringLiteral("succeeded"), 0, 1000, 2000, {}, {} } });
        recordTask(m_fx.workspace(), run, QStringLiteral("train"), QStringLiteral("failed"),
                   { { QStringLiteral("failed"), 2, 2000, 3000, {}, {} } });
        recordTask(m_fx.workspace(), run, QStringLiteral("score"),
                   QStringLiteral("upstream_failed"), {});
        recordTask(m_fx.workspace(), run, QStringLiteral("alert"), QStringLiteral("succeeded"),
                   { { QStringLiteral("succeeded"), 0, 3000, 3100, {}, {} } });
        recordRun(m_fx.workspace(), run, QStringLiteral("failed"), 1000, 3100);

        RunService::rerunFailed(m_fx.store(), run, QStringLiteral("ops"));
        QCOMPARE(RunService::runState(db(), run), std::optional<RunState>(RunState::Queued));
        QCOMPARE(taskState(run, QStringLiteral("extract")), QStringLiteral("succeeded"));
        QCOMPARE(taskState(run, QStringLiteral("alert")), QStringLiteral("succeeded"));
        QCOMPARE(taskState(run, QStringLiteral("train")), QStringLiteral("queued"));
        QCOMPARE(taskState(run, QStringLiteral("score")), QStringLiteral("queued"));
        QCOMPARE(Sql::scalar(db(),
                             QStringLiteral("SELECT details FROM audit_events WHERE action = "
                                            "'run.rerun' AND object_id = ?"),
                             { run })
                     .toString(),
                 QStringLiteral("2 task(s) queued again"));

        recordRun(m_fx.workspace(), run, QStringLiteral("succeeded"), 1000, 5000);
        expectRefusal([&] { RunService::rerunFailed(m_fx.store(), run, "ops"); },
                      QStringLiteral("run %1 succeeded: nothing failed to rerun").arg(run));
        expectRefusal([&] { RunService::rerunFailed(m_fx.store(), 999, "ops"); },
                      QStringLiteral("no run 999"));
    }

    void listsNewestFirstAndFiltersReview()
    {
        QList<qint64> ids;
        for (int i = 0; i < 3; ++i)
            ids << RunService::createRun(m_fx.store(), request());
        QList<RunSummary> runs = RunService::runs(db(), 2);
        QCOMPARE(runs.size(), 2);
        QCOMPARE(runs.at(0).id, ids.at(2));
        QCOMPARE(runs.at(1).id, ids.at(1));
        QCOMPARE(runs.at(0).taskCounts.value(QStringLiteral("queued")), 4);
        m_fx.store().exec(QStringLiteral("UPDATE runs SET review_state = 'approved' WHERE id = ?"),
                          { ids.at(0) });
        runs = RunService::runs(db(), 50, QStringLiteral("approved"));
        QCOMPARE(runs.size(), 1);
        QCOMPARE(runs.first().id, ids.at(0));
        QVERIFY_THROWS_EXCEPTION(Error, RunService::runs(db(), 50, QStringLiteral("maybe")));
        QVERIFY_THROWS_EXCEPTION(Error, RunService::run(db(), 999));
        QVERIFY_THROWS_EXCEPTION(Error, RunService::outcome(db(), 999));
        QCOMPARE(RunService::runState(db(), 999), std::nullopt);
    }

    // `run --wait`'s summary: counts, and only the tasks that did not succeed or get skipped.
    // The poll the Monitor's Tasks menu reads says why each waiting task waits (WaitReasons).
    void taskStatesSayWhyTheWaitingWait()
    {
        RunRequest r = request();
        r.parallelism = 1;
        const qint64 run = RunService::createRun(m_fx.store(), r);
        recordTask(m_fx.workspace(), run, QStringLiteral("extract"), QStringLiteral("running"),
                   { { QStringLiteral("running"), 0, 1000, 0, {}, {} } });
        recordRun(m_fx.workspace(), run, QStringLiteral("running"), 1000, 0);
        QHash<QString, TaskRunSummary> byName;
        for (const TaskRunSummary &t : RunService::taskStates(db(), run))
            byName.insert(t.name, t);
        QCOMPARE(byName.value(QStringLiteral("extract")).wait.kind, WaitReason::Kind::None);
        const WaitReason train = byName.value(QStringLiteral("train")).wait;
        QCOMPARE(train.kind, WaitReason::Kind::Upstream);
        QCOMPARE(train.text, QStringLiteral("waits for an upstream task to end"));
        // Extract ended: train is ready and its run has its one place free.
        Settings::set(m_fx.store(), QStringLiteral("max_parallel"), QStringLiteral("4"),
                      QStringLiteral("ops"));
        recordTask(m_fx.workspace(), run, QStringLiteral("extract"), QStringLiteral("succeeded"),
                   { { QStringLiteral("succeeded"), 0, 1000, 2000, {}, {} } });
        byName.clear();
        for (const TaskRunSummary &t : RunService::taskStates(db(), run))
            byName.insert(t.name, t);
        QCOMPARE(byName.value(QStringLiteral("extract")).wait.kind, WaitReason::Kind::None);
        QCOMPARE(byName.value(QStringLiteral("train")).wait.kind, WaitReason::Kind::Engine);
    }

    void outcomeListsWhatWentWrong()
    {
        const qint64 run = RunService::createRun(m_fx.store(), request());
        recordTask(m_fx.workspace(), run, QStringLiteral("extract"), QStringLiteral("succeeded"),
                   { { QStringLiteral("succeeded"), 0, 1000, 2000, {}, {} } });
        recordTask(m_fx.workspace(), run, QStringLiteral("train"), QStringLiteral("failed"),
                   { { QStringLiteral("failed"), 2, 2000, 3000, {}, {} } },
                   QStringLiteral("exit 2"));
        recordTask(m_fx.workspace(), run, QStringLiteral("score"),
                   QStringLiteral("upstream_failed"), {});
        recordTask(m_fx.workspace(), run, QStringLiteral("alert"), QStringLiteral("skipped"), {});
        recordRun(m_fx.workspace(), run, QStringLiteral("failed"), 1000, 3000);
        const RunSummary o = RunService::outcome(db(), run);
        QCOMPARE(toString(o.state), QStringLiteral("failed"));
        QCOMPARE(o.taskCounts.value(QStringLiteral("succeeded")), 1);
        QCOMPARE(o.taskCounts.value(QStringLiteral("skipped")), 1);
        QCOMPARE(o.tasks.size(), 2);
        QCOMPARE(o.tasks.at(0).name, QStringLiteral("train"));
        QCOMPARE(o.tasks.at(0).exitCode, std::optional<int>(2));
        QCOMPARE(o.tasks.at(0).reason, QStringLiteral("exit 2"));
        QCOMPARE(o.tasks.at(1).name, QStringLiteral("score"));
    }
};

QTEST_GUILESS_MAIN(TestRunService)
#include "tst_runservice.moc"
