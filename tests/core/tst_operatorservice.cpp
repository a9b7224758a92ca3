// Operator actions as the console and the CLI ask for them: rules, validation, requests, audit.
#include "access/auditlog.h"
#include "engine/operatorservice.h"
#include "engine/runservice.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "testspecs.h"
#include "util/error.h"
#include "workspacefixture.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace Baton;
using namespace Baton::Test;

Q_DECLARE_METATYPE(Baton::RunState)

class TestOperatorService : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    Test::WorkspaceFixture m_fixture; // before m_ws: its databases outlive the workspace
    std::unique_ptr<Workspace> m_ws;
    int m_counter = 0;

    const Store &store() const { return m_ws->store(); }

    qint64 createRun()
    {
        RunRequest r;
        r.project = QStringLiteral("churn");
        r.pipeline = QStringLiteral("nightly");
        r.actor = QStringLiteral("alice");
        return RunService::createRun(store(), r);
    }

    // Puts a run where the engine would have left it: train failed, score and alert decided.
    qint64 failedRun()
    {
        const qint64 id = createRun();
        store().transaction([&](QSqlDatabase &tx) {
            Sql::exec(tx,
                      QStringLiteral("UPDATE task_runs SET state = CASE task_name "
                                     "WHEN 'extract' THEN 'succeeded' WHEN 'train' THEN 'failed' "
                                     "WHEN 'score' THEN 'upstream_failed' ELSE 'succeeded' END "
                                     "WHERE run_id = ?"),
                      { id });
            Sql::exec(tx,
                      QStringLiteral("UPDATE runs SET state = 'failed', finished_at = 1 WHERE "
                                     "id = ?"),
                      { id });
        });
        return id;
    }

    int count(const QString &table) const
    {
        return Sql::scalar(store().db(), QStringLiteral("SELECT count(*) FROM ") + table).toInt();
    }

    QJsonObject lastPayload() const
    {
        return QJsonDocument::fromJson(
                   Sql::scalar(store().db(),
                               QStringLiteral("SELECT payload FROM requests ORDER BY id DESC"))
                       .toString()
                       .toUtf8())
            .object();
    }

private Q_SLOTS:
    void init()
    {
        m_ws = m_fixture.another(m_dir.filePath(QString::number(++m_counter)));
        ProjectWriter::apply(store(), { churnProject() }, QStringLiteral("alice"));
    }
    void cleanup() { m_ws.reset(); }

    void runRules_data()
    {
        QTest::addColumn<RunState>("state");
        QTest::addColumn<bool>("cancel");
        QTest::addColumn<bool>("rerun");
        QTest::addColumn<bool>("remove");
        QTest::newRow("queued") << RunState::Queued << true << false << false;
        QTest::newRow("running") << RunState::Running << true << false << false;
        QTest::newRow("succeeded") << RunState::Succeeded << false << false << true;
        QTest::newRow("failed") << RunState::Failed << false << true << true;
        QTest::newRow("cancelled") << RunState::Cancelled << false << true << true;
        QTest::newRow("timed_out") << RunState::TimedOut << false << true << true;
        QTest::newRow("lost") << RunState::Lost << false << true << true;
    }
    void runRules()
    {
        QFETCH(RunState, state);
        QFETCH(bool, cancel);
        QFETCH(bool, rerun);
        QFETCH(bool, remove);
        QCOMPARE(OperatorService::canCancelRun(state), cancel);
        QCOMPARE(OperatorService::canRerunFailed(state), rerun);
        QCOMPARE(OperatorService::canDeleteRun(state), remove);
    }

    void taskRules_data()
    {
        QTest::addColumn<RunState>("state");
        QTest::addColumn<bool>("cancel");
        QTest::addColumn<bool>("retry");
        QTest::addColumn<bool>("markSucceeded");
        QTest::addColumn<bool>("markFailed");
        QTest::newRow("queued") << RunState::Queued << true << false << true << true;
        QTest::newRow("starting") << RunState::Starting << true << false << false << false;
        QTest::newRow("running") << RunState::Running << true << false << false << false;
        QTest::newRow("succeeded") << RunState::Succeeded << false << false << false << true;
        QTest::newRow("failed") << RunState::Failed << false << true << true << false;
        QTest::newRow("timed_out") << RunState::TimedOut << false << true << true << true;
        QTest::newRow("lost") << RunState::Lost << false << true << true << true;
        QTest::newRow("cancelled") << RunState::Cancelled << false << true << true << true;
        QTest::newRow("skipped") << RunState::Skipped << false << false << true << true;
        QTest::newRow("upstream_failed")
            << RunState::UpstreamFailed << false << false << true << true;
    }
    void taskRules()
    {
        QFETCH(RunState, state);
        QFETCH(bool, cancel);
        QFETCH(bool, retry);
        QFETCH(bool, markSucceeded);
        QFETCH(bool, markFailed);
        QCOMPARE(OperatorService::canCancelTask(state), cancel);
        QCOMPARE(OperatorService::canRetryTask(state), retry);
        QCOMPARE(OperatorService::canMarkTask(state, RunState::Succeeded), markSucceeded);
        QCOMPARE(OperatorService::canMarkTask(state, RunState::Failed), markFailed);
        QVERIFY(!OperatorService::canMarkTask(state, RunState::Cancelled)); // never a target
    }

    void retryQueuesARequestAndAuditsIt()
    {
        const qint64 run = failedRun();
        const qint64 id = OperatorService::requestRetry(store(), run, QStringLiteral("train"),
                                                        QStringLiteral("bob"));
        QVERIFY(id > 0);
        const RequestStatus s = OperatorService::requestStatus(store().db(), id);
        QCOMPARE(s.kind, QStringLiteral("retry"));
        QCOMPARE(s.state, QStringLiteral("pending"));
        QVERIFY(!s.finished());
        const QJsonObject payload = lastPayload();
        QCOMPARE(payload.value(QLatin1String("run_id")).toInteger(), run);
        QCOMPARE(payload.value(QLatin1String("task")).toString(), QStringLiteral("train"));
        QCOMPARE(payload.value(QLatin1String("actor")).toString(), QStringLiteral("bob"));
        const AuditEvent e = AuditLog::recent(store().db(), 1).first();
        QCOMPARE(e.action, QStringLiteral("task.retry.request"));
        QCOMPARE(e.actor, QStringLiteral("bob"));
        QCOMPARE(e.objectId, run);
        QCOMPARE(e.before.value(QLatin1String("state")).toString(), QStringLiteral("failed"));
        // Nothing ran yet: the task row is the engine's to change.
        QCOMPARE(Sql::scalar(store().db(),
                             QStringLiteral("SELECT state FROM task_runs WHERE run_id = ? AND "
                                            "task_name = 'train'"),
                             { run })
                     .toString(),
                 QStringLiteral("failed"));
    }

    void markQueuesARequestWithItsReason()
    {
        const qint64 run = failedRun();
        OperatorService::requestMark(store(), run, QStringLiteral("train"), RunState::Succeeded,
                                     QStringLiteral("  loaded by hand  "), QStringLiteral("bob"));
        const QJsonObject payload = lastPayload();
        QCOMPARE(payload.value(QLatin1String("state")).toString(), QStringLiteral("succeeded"));
        QCOMPARE(payload.value(QLatin1String("reason")).toString(),
                 QStringLiteral("loaded by hand"));
        const AuditEvent e = AuditLog::recent(store().db(), 1).first();
        QCOMPARE(e.action, QStringLiteral("task.mark.request"));
        QVERIFY(e.details.contains(QStringLiteral("loaded by hand")));
    }

    void deleteQueuesOnceForAFinishedRun()
    {
        const qint64 run = failedRun();
        OperatorService::requestDelete(store(), run, QStringLiteral("bob"));
        try {
            OperatorService::requestDelete(store(), run, QStringLiteral("bob"));
            QFAIL("a second delete of the same run was queued");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(QStringLiteral("already being deleted")),
                     qPrintable(e.message()));
        }
        QCOMPARE(count(QStringLiteral("requests")), 1);
        QCOMPARE(count(QStringLiteral("runs")), 1); // the engine deletes, not the request
    }

    void badRequestsAreRefusedAndChangeNothing_data()
    {
        QTest::addColumn<QString>("action");
        QTest::addColumn<QString>("task");
        QTest::addColumn<QString>("reason");
        QTest::addColumn<bool>("activeRun");
        QTest::addColumn<QString>("message");
        QTest::newRow("retry unknown run") << "retry-999"
                                           << "train"
                                           << "" << false << "no run 999";
        QTest::newRow("retry unknown task") << "retry"
                                            << "nope"
                                            << "" << false << "has no task 'nope'";
        QTest::newRow("retry a succeeded task")
            << "retry"
            << "extract"
            << "" << false << "only a failed, timed-out, lost or cancelled";
        QTest::newRow("retry an upstream-failed task") << "retry"
                                                       << "score"
                                                       << "" << false << "is upstream failed";
        QTest::newRow("mark without a reason") << "mark"
                                               << "train"
                                               << "   " << false << "needs a reason";
        QTest::newRow("mark already succeeded") << "mark"
                                                << "extract"
                                                << "because" << false << "is already succeeded";
        QTest::newRow("mark a running task") << "mark-running"
                                             << "extract"
                                             << "because" << true << "cancel it before marking it";
        QTest::newRow("mark a reason too long")
            << "mark"
            << "train" << QString(3000, QLatin1Char('x')) << false << "too long";
        QTest::newRow("delete a running run") << "delete"
                                              << ""
                                              << "" << true << "still running";
        QTest::newRow("delete unknown run") << "delete-999"
                                            << ""
                                            << "" << false << "no run 999";
    }
    void badRequestsAreRefusedAndChangeNothing()
    {
        QFETCH(QString, action);
        QFETCH(QString, task);
        QFETCH(QString, reason);
        QFETCH(bool, activeRun);
        QFETCH(QString, message);
        qint64 run = activeRun ? createRun() : failedRun();
        if (activeRun) {
            Sql::exec(store().db(),
                      QStringLiteral("UPDATE runs SET state = 'running' WHERE id = ?"), { run });
            Sql::exec(store().db(),
                      QStringLiteral("UPDATE task_runs SET state = 'running' WHERE run_id = ?"),
                      { run });
        }
        if (action.endsWith(QLatin1String("-999")))
            run = 999;
        const int audits = count(QStringLiteral("audit_events"));
        try {
            if (action.startsWith(QLatin1String("retry")))
                OperatorService::requestRetry(store(), run, task, QStringLiteral("bob"));
            else if (action.startsWith(QLatin1String("mark")))
                OperatorService::requestMark(store(), run, task, RunState::Succeeded, reason,
                                             QStringLiteral("bob"));
            else
                OperatorService::requestDelete(store(), run, QStringLiteral("bob"));
            QFAIL("accepted");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(message), qPrintable(e.message()));
        }
        QCOMPARE(count(QStringLiteral("requests")), 0);
        QCOMPARE(count(QStringLiteral("audit_events")), audits);
    }

    void bulkActionsSkipWhatDoesNotApply()
    {
        const qint64 finished = failedRun();
        const qint64 active = createRun();
        // Cancel: the active run (twice in the selection: once), not the finished one.
        BulkOutcome o = OperatorService::cancelRuns(store(), { active, finished, active },
                                                    QStringLiteral("bob"));
        QCOMPARE(o.applied, QList<qint64>({ active }));
        QCOMPARE(o.requests.size(), 1);
        QVERIFY(o.requests.first() > 0);
        QCOMPARE(o.skipped.size(), 1);
        QCOMPARE(o.skipped.first().first, finished);
        QVERIFY(o.skipped.first().second.contains(QStringLiteral("already finished")));

        // Rerun failed: done at once (no request), the run is queued again.
        o = OperatorService::rerunFailed(store(), { finished, active, 999 }, QStringLiteral("bob"));
        QCOMPARE(o.applied, QList<qint64>({ finished }));
        QCOMPARE(o.requests, QList<qint64>({ 0 }));
        QCOMPARE(o.skipped.size(), 2);
        QVERIFY(RunService::runState(store().db(), finished) == RunState::Queued);

        // Delete: nothing finished any more; both are refused with their reasons.
        o = OperatorService::deleteRuns(store(), { finished, active }, QStringLiteral("bob"));
        QVERIFY(o.applied.isEmpty());
        QCOMPARE(o.skipped.size(), 2);
        QCOMPARE(count(QStringLiteral("runs")), 2);
    }

    void unknownRequestStatusIsAnError()
    {
        QVERIFY_THROWS_EXCEPTION(Error, OperatorService::requestStatus(store().db(), 42));
    }
};

QTEST_GUILESS_MAIN(TestOperatorService)
#include "tst_operatorservice.moc"
