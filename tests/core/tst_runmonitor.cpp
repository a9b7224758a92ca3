#include "access/reviewservice.h"
#include "engine/enginelease.h"
#include "engine/runservice.h"
#include "monitoring/runmonitor.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "testspecs.h"
#include "workspacefixture.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <memory>

using namespace Baton;
using namespace Baton::Test;

namespace {

constexpr int kIntervalMs = 25;
constexpr int kWaitMs = 10000;

// Receives the monitor's signals on the test thread (queued), so spies never race the worker.
class Relay : public QObject
{
    Q_OBJECT
public:
    explicit Relay(RunMonitor *monitor)
    {
        // Direct first: the thread is recorded before the queued copy can reach us.
        connect(
            monitor, &RunMonitor::runsChanged, this,
            [this] { m_emitter.storeRelease(QThread::currentThread()); }, Qt::DirectConnection);
        connect(monitor, &RunMonitor::runsChanged, this, &Relay::delta);
        connect(monitor, &RunMonitor::failed, this, &Relay::failure);
        connect(monitor, &RunMonitor::engineStatus, this, &Relay::status);
        connect(monitor, &RunMonitor::cycleCost, this, &Relay::cost);
        connect(monitor, &RunMonitor::placesChanged, this, &Relay::places);
    }
    QThread *emitter() const { return m_emitter.loadAcquire(); }

Q_SIGNALS:
    void delta(const Baton::RunsDelta &delta);
    void failure(const QString &message);
    void status(const QString &holder, qint64 heartbeatAt, qint64 expiresAt);
    void cost(qint64 microseconds);
    void places(int running, int limit);

private:
    QAtomicPointer<QThread> m_emitter;
};

QList<qint64> ids(const QList<RunRow> &rows)
{
    QList<qint64> out;
    for (const RunRow &r : rows)
        out << r.id;
    return out;
}

} // namespace

class TestRunMonitor : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    WorkspaceFixture m_fixture; // before m_ws: its databases outlive the workspace
    std::unique_ptr<Workspace> m_ws;
    QThread m_thread;
    RunMonitor *m_monitor = nullptr;
    std::unique_ptr<Relay> m_relay;
    std::unique_ptr<QSignalSpy> m_deltas;
    std::unique_ptr<QSignalSpy> m_failures;
    std::unique_ptr<QSignalSpy> m_status;
    std::unique_ptr<QSignalSpy> m_costs;
    QList<qint64> m_runs; // created so far, oldest first

    const Store &store() const { return m_ws->store(); }

    qint64 createRun(const QString &environment = {})
    {
        RunRequest request;
        request.project = QStringLiteral("churn");
        request.pipeline = QStringLiteral("nightly");
        request.environment = environment;
        request.actor = QStringLiteral("alice");
        const qint64 id = RunService::createRun(store(), request);
        m_runs << id;
        return id;
    }

    // One transaction per step, as the engine writes: a cycle never sees half a change.
    void write(const QString &sql, const QVariantList &binds = {})
    {
        store().transaction([&](QSqlDatabase &tx) { Sql::exec(tx, sql, binds); });
    }

    RunsDelta nextDelta()
    {
        if (m_deltas->isEmpty() && !m_deltas->wait(kWaitMs))
            return {};
        return m_deltas->takeFirst().at(0).value<RunsDelta>();
    }

    // Waits for @p cycles more polling cycles to complete.
    bool waitCycles(int cycles)
    {
        m_costs->clear();
        while (m_costs->size() < cycles) {
            if (!m_costs->wait(kWaitMs))
                return false;
        }
        return true;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_ws = m_fixture.another(m_dir.filePath(QStringLiteral("ws")));
        ProjectWriter::apply(store(), { churnProject() }, QStringLiteral("alice"));
        createRun();
        createRun(QStringLiteral("staging"));
        createRun();

        m_monitor = new RunMonitor(&store());
        m_monitor->moveToThread(&m_thread);
        connect(&m_thread, &QThread::finished, m_monitor, &QObject::deleteLater);
        m_relay = std::make_unique<Relay>(m_monitor);
        m_deltas = std::make_unique<QSignalSpy>(m_relay.get(), &Relay::delta);
        m_failures = std::make_unique<QSignalSpy>(m_relay.get(), &Relay::failure);
        m_status = std::make_unique<QSignalSpy>(m_relay.get(), &Relay::status);
        m_costs = std::make_unique<QSignalSpy>(m_relay.get(), &Relay::cost);
        m_thread.start();
        QMetaObject::invokeMethod(
            m_monitor, [m = m_monitor] { m->start(kIntervalMs); }, Qt::QueuedConnection);
    }

    void cleanupTestCase()
    {
        QMetaObject::invokeMethod(m_monitor, &RunMonitor::stop, Qt::QueuedConnection);
        m_thread.quit();
        QVERIFY(m_thread.wait(kWaitMs));
        m_ws.reset();
    }

    void firstCycleIsAResetWithEveryRun()
    {
        const RunsDelta d = nextDelta();
        QVERIFY(d.reset);
        QCOMPARE(ids(d.added), QList<qint64>({ m_runs[2], m_runs[1], m_runs[0] }));
        QVERIFY(d.updated.isEmpty());
        QVERIFY(d.removed.isEmpty());
        QVERIFY(d.takenAt > 0);

        const RunRow &staging = d.added.at(1);
        QCOMPARE(staging.project, QStringLiteral("churn"));
        QCOMPARE(staging.pipeline, QStringLiteral("nightly"));
        QCOMPARE(staging.pipelineVersion, 1);
        QCOMPARE(staging.environment, QStringLiteral("staging"));
        QCOMPARE(d.added.at(0).environment, QStringLiteral("dev")); // the path's first
        QCOMPARE(toString(staging.state), QStringLiteral("queued"));
        QCOMPARE(staging.trigger, QStringLiteral("manual"));
        QCOMPARE(staging.requestedBy, QStringLiteral("alice"));
        QVERIFY(staging.createdAt > 0);
        QCOMPARE(staging.startedAt, 0);
        QCOMPARE(staging.tasks.total, 4);
        QCOMPARE(staging.tasks.queued, 4);
        QCOMPARE(staging.tasks.byState.value(QStringLiteral("queued")), 4);
        QCOMPARE(staging.progress, 0.0);
        QVERIFY(!staging.terminal);

        // Emitted on the worker's thread (and delivered on ours through the queued relay).
        QCOMPARE(m_relay->emitter(), &m_thread);
    }

    void unchangedCyclesEmitNothing()
    {
        QVERIFY(waitCycles(4));
        QCOMPARE(m_deltas->size(), 0);
        // Another table changed: the store's version moves, the runs did not.
        write(QStringLiteral("INSERT INTO settings (key, value) VALUES ('probe', '1')"));
        QVERIFY(waitCycles(4));
        QCOMPARE(m_deltas->size(), 0);
        QCOMPARE(m_failures->size(), 0);
        // A forced poll of an unchanged store is no change either.
        QMetaObject::invokeMethod(m_monitor, &RunMonitor::refreshNow, Qt::QueuedConnection);
        QVERIFY(waitCycles(2));
        QCOMPARE(m_deltas->size(), 0);
    }

    void newRunIsAddedAlone()
    {
        const qint64 id = createRun(QStringLiteral("prod"));
        const RunsDelta d = nextDelta();
        QVERIFY(!d.reset);
        QCOMPARE(ids(d.added), QList<qint64>({ id }));
        QCOMPARE(d.added.at(0).environment, QStringLiteral("prod"));
        QCOMPARE(d.added.at(0).tasks.total, 4);
        QVERIFY(d.updated.isEmpty());
        QVERIFY(d.removed.isEmpty());
    }

    void stateChangeIsUpdatedWithCounts()
    {
        const qint64 id = m_runs[1];
        const qint64 start = QDateTime::currentMSecsSinceEpoch();
        store().transaction([&](QSqlDatabase &tx) {
            Sql::exec(tx,
                      QStringLiteral("UPDATE runs SET state = 'running', started_at = ? WHERE "
                                     "id = ?"),
                      { start, id });
            Sql::exec(tx,
                      QStringLiteral("UPDATE task_runs SET state = 'succeeded' WHERE run_id = ? "
                                     "AND task_name = 'extract'"),
                      { id });
            Sql::exec(tx,
                      QStringLiteral("UPDATE task_runs SET state = 'running' WHERE run_id = ? "
                                     "AND task_name = 'train'"),
                      { id });
            // Its attempt runs: the run's active time counts from its start.
            Sql::exec(tx,
                      QStringLiteral("INSERT INTO task_attempts (task_run_id, number, state, "
                                     "started_at, running_at_us) SELECT id, 1, 'running', ?, ? "
                                     "FROM task_runs WHERE run_id = ? AND task_name = 'train'"),
                      { start, start * 1000, id });
        });
        const RunsDelta d = nextDelta();
        QVERIFY(!d.reset);
        QCOMPARE(ids(d.updated), QList<qint64>({ id }));
        QVERIFY(d.added.isEmpty());
        QVERIFY(d.removed.isEmpty());
        const RunRow &r = d.updated.at(0);
        QCOMPARE(toString(r.state), QStringLiteral("running"));
        QCOMPARE(r.startedAt, start);
        QCOMPARE(r.environment, QStringLiteral("staging"));
        QCOMPARE(r.tasks.total, 4);
        QCOMPARE(r.tasks.succeeded, 1);
        QCOMPARE(r.tasks.running, 1);
        QCOMPARE(r.tasks.queued, 2);
        QCOMPARE(r.progress, 0.25);
        QVERIFY(!r.terminal);
        QCOMPARE(r.durationMs(start + 1500), 1500);
    }

    void taskProgressOfARunningRunIsUpdated()
    {
        // Only task_runs move while the run stays 'running': found through the active set.
        const qint64 id = m_runs[1];
        write(QStringLiteral("UPDATE task_runs SET state = 'succeeded' WHERE run_id = ? AND "
                             "task_name = 'train'"),
              { id });
        const RunsDelta d = nextDelta();
        QCOMPARE(ids(d.updated), QList<qint64>({ id }));
        QVERIFY(d.added.isEmpty());
        const RunRow &r = d.updated.at(0);
        QCOMPARE(toString(r.state), QStringLiteral("running"));
        QCOMPARE(r.tasks.succeeded, 2);
        QCOMPARE(r.tasks.running, 0);
        QCOMPARE(r.progress, 0.5);
    }

    void finishingRunIsUpdated()
    {
        const qint64 id = m_runs[1];
        const qint64 end = QDateTime::currentMSecsSinceEpoch() + 1000;
        store().transaction([&](QSqlDatabase &tx) {
            Sql::exec(tx,
                      QStringLiteral("UPDATE task_runs SET state = 'failed' WHERE run_id = ? AND "
                                     "task_name = 'score'"),
                      { id });
            Sql::exec(tx,
                      QStringLiteral("UPDATE task_runs SET state = 'skipped' WHERE run_id = ? AND "
                                     "task_name = 'alert'"),
                      { id });
            Sql::exec(tx,
                      QStringLiteral("UPDATE task_attempts SET state = 'succeeded', finished_at "
                                     "= ? WHERE task_run_id IN (SELECT id FROM task_runs WHERE "
                                     "run_id = ?)"),
                      { end, id });
            Sql::exec(tx,
                      QStringLiteral("UPDATE runs SET state = 'failed', finished_at = ? WHERE "
                                     "id = ?"),
                      { end, id });
        });
        const RunsDelta d = nextDelta();
        QCOMPARE(ids(d.updated), QList<qint64>({ id }));
        const RunRow &r = d.updated.at(0);
        QCOMPARE(toString(r.state), QStringLiteral("failed"));
        QVERIFY(r.terminal);
        QCOMPARE(r.finishedAt, end);
        QCOMPARE(r.tasks.failed, 1);
        QCOMPARE(r.tasks.skipped, 1);
        QCOMPARE(r.progress, 1.0);
        QCOMPARE(r.durationMs(end + 5000), end - r.startedAt);
    }

    void finishedRunThatMovesAgainIsUpdated()
    {
        // A rerun that went queued → failed between two polls: the run was terminal at the last
        // cycle and is terminal now; only its finished_at rose.
        const qint64 id = m_runs[1];
        const qint64 end = QDateTime::currentMSecsSinceEpoch() + 60000;
        store().transaction([&](QSqlDatabase &tx) {
            Sql::exec(tx,
                      QStringLiteral("UPDATE runs SET state = 'succeeded', finished_at = ? WHERE "
                                     "id = ?"),
                      { end, id });
            Sql::exec(tx,
                      QStringLiteral("UPDATE task_runs SET state = 'succeeded' WHERE run_id = ?"),
                      { id });
        });
        const RunsDelta d = nextDelta();
        QCOMPARE(ids(d.updated), QList<qint64>({ id }));
        QCOMPARE(toString(d.updated.at(0).state), QStringLiteral("succeeded"));
        QCOMPARE(d.updated.at(0).finishedAt, end);
        QCOMPARE(d.updated.at(0).tasks.succeeded, 4);
        // Issue #17: the minute it sat finished before the rerun ended it again is not part
        // of its duration — only the time its attempts ran (nothing more ran here).
        const RunRow &r = d.updated.at(0);
        QCOMPARE(r.durationMs(end + 5000), r.active.closedMs);
        QVERIFY2(r.durationMs(end + 5000) < 60000, qPrintable(QString::number(r.durationMs(end))));
        QCOMPARE(r.durationMs(end + 5000),
                 Sql::scalar(store().db(),
                             QStringLiteral("SELECT max(finished_at) - min(started_at) FROM "
                                            "task_attempts WHERE task_run_id IN (SELECT id FROM "
                                            "task_runs WHERE run_id = ?)"),
                             { id })
                     .toLongLong());
    }

    void reviewOfAFinishedRunIsUpdated()
    {
        // Nothing about the run's state or times moves: only its review.
        const qint64 id = m_runs[1];
        ReviewService::signOff(store(), id, true, QStringLiteral("numbers check out"),
                               QStringLiteral("dana"));
        RunsDelta d = nextDelta();
        QCOMPARE(ids(d.updated), QList<qint64>({ id }));
        QCOMPARE(d.updated.at(0).review, QStringLiteral("approved"));
        QCOMPARE(d.updated.at(0).annotations, 0);
        QVERIFY(d.updated.at(0).reviewUpdatedAt > 0);
        ReviewService::annotate(store(), id, QStringLiteral("late rows on Monday"),
                                QStringLiteral("dana"));
        d = nextDelta();
        QCOMPARE(ids(d.updated), QList<qint64>({ id }));
        QCOMPARE(d.updated.at(0).review, QStringLiteral("approved"));
        QCOMPARE(d.updated.at(0).annotations, 1);
    }

    void deletedRunIsRemoved()
    {
        const qint64 id = m_runs[0];
        write(QStringLiteral("DELETE FROM runs WHERE id = ?"), { id });
        const RunsDelta d = nextDelta();
        QCOMPARE(d.removed, QList<qint64>({ id }));
        QVERIFY(d.added.isEmpty());
        QVERIFY(d.updated.isEmpty());
        QVERIFY(!d.reset);
        m_runs.removeFirst();
    }

    void engineLeaseIsReported()
    {
        const QString holder = EngineLease::newHolderId();
        store().transaction(
            [&](QSqlDatabase &tx) { QVERIFY(EngineLease::acquire(tx, holder, 30000)); });
        QTRY_VERIFY_WITH_TIMEOUT(
            !m_status->isEmpty() && m_status->last().at(0).toString() == holder, kWaitMs);
        const QList<QVariant> last = m_status->last();
        QVERIFY(last.at(1).toLongLong() > 0);
        QCOMPARE(last.at(2).toLongLong() - last.at(1).toLongLong(), 30000);
        QVERIFY(m_costs->size() > 0);
        QVERIFY(m_costs->last().at(0).toLongLong() >= 0);
    }

    void brokenStoreFailsThenRecovers()
    {
        m_deltas->clear();
        store().transaction([](QSqlDatabase &tx) {
            Sql::execDirect(tx, QStringLiteral("ALTER TABLE runs RENAME TO runs_away"));
            // PostgreSQL's change marker moves on row writes (DDL fires no trigger).
            Sql::exec(tx, QStringLiteral("INSERT INTO settings (key, value) VALUES ('gone', 1)"));
        });
        QVERIFY(m_failures->wait(kWaitMs));
        QVERIFY2(m_failures->last().at(0).toString().contains(QStringLiteral("runs")),
                 qPrintable(m_failures->last().at(0).toString()));
        QCOMPARE(m_deltas->size(), 0);

        // Repaired and a run added in one commit, so the first good cycle sees both.
        qint64 created = 0;
        store().transaction([&](QSqlDatabase &tx) {
            Sql::execDirect(tx, QStringLiteral("ALTER TABLE runs_away RENAME TO runs"));
            RunRequest request;
            request.project = QStringLiteral("churn");
            request.pipeline = QStringLiteral("nightly");
            request.actor = QStringLiteral("bob");
            created = RunService::insertRun(tx, request);
        });
        m_runs << created;
        const RunsDelta d = nextDelta();
        QVERIFY(d.reset);
        QCOMPARE(ids(d.added), QList<qint64>({ created, m_runs[2], m_runs[1], m_runs[0] }));
        // Incremental again afterwards.
        m_failures->clear();
        const qint64 next = createRun();
        const RunsDelta after = nextDelta();
        QVERIFY(!after.reset);
        QCOMPARE(ids(after.added), QList<qint64>({ next }));
        QCOMPARE(m_failures->size(), 0);
    }

    void windowKeepsTheNewestRuns()
    {
        QThread thread;
        auto *monitor = new RunMonitor(&store(), 2);
        monitor->moveToThread(&thread);
        connect(&thread, &QThread::finished, monitor, &QObject::deleteLater);
        Relay relay(monitor);
        QSignalSpy deltas(&relay, &Relay::delta);
        thread.start();
        QMetaObject::invokeMethod(monitor, &RunMonitor::refreshNow, Qt::QueuedConnection);
        QVERIFY(deltas.wait(kWaitMs));
        const auto first = deltas.takeFirst().at(0).value<RunsDelta>();
        QVERIFY(first.reset);
        QCOMPARE(ids(first.added), QList<qint64>({ m_runs.last(), m_runs[m_runs.size() - 2] }));

        const qint64 id = createRun();
        QMetaObject::invokeMethod(monitor, &RunMonitor::refreshNow, Qt::QueuedConnection);
        QVERIFY(deltas.wait(kWaitMs));
        const auto d = deltas.takeFirst().at(0).value<RunsDelta>();
        QCOMPARE(ids(d.added), QList<qint64>({ id }));
        QCOMPARE(d.removed, QList<qint64>({ m_runs[m_runs.size() - 3] })); // the oldest goes
        thread.quit();
        QVERIFY(thread.wait(kWaitMs));
        // The shared monitor (window 5000) saw that run too, and evicted nothing.
        const RunsDelta shared = nextDelta();
        QCOMPARE(ids(shared.added), QList<qint64>({ id }));
        QVERIFY(shared.removed.isEmpty());
    }

    void emptiedStoreStillSeesNewRuns()
    {
        // SQLite hands out ids from 1 again once the table is empty: below the last max id
        // (PostgreSQL's identity goes on).
        write(QStringLiteral("DELETE FROM runs"));
        const RunsDelta d = nextDelta();
        QCOMPARE(d.removed.size(), m_runs.size());
        m_runs.clear();
        const qint64 id = createRun();
        if (!WorkspaceFixture::onPostgres())
            QCOMPARE(id, 1);
        const RunsDelta after = nextDelta();
        QCOMPARE(ids(after.added), QList<qint64>({ id }));
        QVERIFY(after.removed.isEmpty());
    }

    // Issue #17: "Running now 5 / Queued: nothing" while runs waited for a free place. A run
    // counts as running when an attempt of it runs; a run the engine started of which nothing
    // runs waits, and says why (core's rule); the places in use are reported with the limit.
    void runningCountsWhatRunsAndWaitingSaysWhy()
    {
        QSignalSpy places(m_relay.get(), &Relay::places);
        const qint64 busy = createRun();
        const qint64 waiting = createRun();
        const qint64 queued = createRun();
        store().transaction([&](QSqlDatabase &tx) {
            Sql::exec(tx,
                      QStringLiteral("INSERT INTO settings (key, value) VALUES "
                                     "('max_parallel', '1') ON CONFLICT (key) DO UPDATE SET "
                                     "value = excluded.value"));
            Sql::exec(tx, QStringLiteral("DELETE FROM engine_lease")); // no engine
            Sql::exec(tx,
                      QStringLiteral("UPDATE runs SET state = 'running', started_at = 1 "
                                     "WHERE id IN (?, ?)"),
                      { busy, waiting });
            Sql::exec(tx,
                      QStringLiteral("UPDATE task_runs SET state = 'running' WHERE run_id = "
                                     "? AND task_name = 'extract'"),
                      { busy });
        });
        // Batches until the one that saw the transaction (the runs' creations may come first).
        QHash<qint64, RunRow> rows;
        while (!(rows.contains(busy) && rows[busy].working)) {
            const RunsDelta d = nextDelta();
            if (d.isEmpty())
                break;
            for (const RunRow &r : d.added + d.updated)
                rows.insert(r.id, r);
        }
        QVERIFY(rows.contains(busy) && rows.contains(waiting) && rows.contains(queued));
        QVERIFY(rows[busy].working);
        QCOMPARE(rows[busy].wait.kind, WaitReason::Kind::None);
        QVERIFY(!rows[waiting].working); // 'running' as a run, yet nothing of it runs
        QCOMPARE(rows[waiting].wait.kind, WaitReason::Kind::WorkspaceLimit);
        QVERIFY2(rows[waiting].wait.text.contains(QLatin1String("1 of 1")),
                 qPrintable(rows[waiting].wait.text));
        QVERIFY(!rows[queued].working);
        QCOMPARE(rows[queued].wait.kind, WaitReason::Kind::NoEngine); // no engine holds it
        QVERIFY(places.wait(kWaitMs) || !places.isEmpty());
        QCOMPARE(places.last().at(0).toInt(), 1);
        QCOMPARE(places.last().at(1).toInt(), 1);
    }

    // console_bench (#19): an engine commits dozens of changes a second and each was pushed to
    // every console's monitor, which re-read the workspace for each — twenty consoles kept the
    // server's two cores busy. Pushes now start a cycle at most every PushGapMs; the first comes
    // at once, and the last change is still shown.
    void pushesFoldIntoFewCycles()
    {
        if (!WorkspaceFixture::onPostgres())
            QSKIP("pushes are PostgreSQL's NOTIFY; SQLite's monitor polls");
        auto *monitor = new RunMonitor(&store());
        QThread thread;
        monitor->moveToThread(&thread);
        connect(&thread, &QThread::finished, monitor, &QObject::deleteLater);
        Relay relay(monitor);
        QSignalSpy deltas(&relay, &Relay::delta);
        QSignalSpy costs(&relay, &Relay::cost);
        thread.start();
        const auto end = qScopeGuard([&] {
            QMetaObject::invokeMethod(monitor, &RunMonitor::stop, Qt::QueuedConnection);
            thread.quit();
            thread.wait();
        });
        // No polling within the test: every cycle after the first is a push's.
        QMetaObject::invokeMethod(
            monitor, [monitor] { monitor->start(3600 * 1000); }, Qt::QueuedConnection);
        QVERIFY(deltas.wait(kWaitMs));
        const qint64 id = createRun();
        QTRY_VERIFY_WITH_TIMEOUT(
            !deltas.isEmpty() && ids(deltas.last().at(0).value<RunsDelta>().added).contains(id),
            kWaitMs);
        costs.clear();
        QElapsedTimer clock;
        clock.start();
        constexpr int kCommits = 40;
        for (int i = 1; i <= kCommits; ++i) {
            write(QStringLiteral("UPDATE runs SET annotation_count = ? WHERE id = ?"), { i, id });
            QTest::qWait(10); // spread as an engine's commits are
        }
        const auto shows = [&](int annotations) {
            for (const QList<QVariant> &signal : std::as_const(deltas)) {
                for (const RunRow &row : signal.at(0).value<RunsDelta>().updated) {
                    if (row.id == id && row.annotations == annotations)
                        return true;
                }
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(shows(kCommits), kWaitMs);
        const qint64 elapsed = clock.elapsed();
        QVERIFY2(costs.size() <= 2 + elapsed / RunMonitor::PushGapMs,
                 qPrintable(QStringLiteral("%1 cycles for %2 commits in %3 ms")
                                .arg(costs.size())
                                .arg(kCommits)
                                .arg(elapsed)));
        // The shared monitor saw all of it too: the next test starts from nothing pending.
        QVERIFY(waitCycles(2));
        m_deltas->clear();
    }

    // A state this Baton does not know (a damaged row) is refused, with the run and the name,
    // rather than read as some state it might be; the repaired row is read again.
    void unknownStateIsRefusedThenRecovers()
    {
        // A new queued run: the monitor reads it again at every cycle while it is live.
        const qint64 id = createRun();
        QCOMPARE(ids(nextDelta().added), QList<qint64>({ id }));
        m_deltas->clear();
        m_failures->clear();
        write(QStringLiteral("UPDATE runs SET state = 'paused' WHERE id = ?"), { id });
        QVERIFY(m_failures->wait(kWaitMs));
        QCOMPARE(m_failures->last().at(0).toString(),
                 QStringLiteral("run %1 has an unknown state 'paused' in the workspace: a "
                                "damaged row, or a state this version of Baton does not know")
                     .arg(id));
        QCOMPARE(m_deltas->size(), 0);

        write(QStringLiteral("UPDATE runs SET state = 'queued' WHERE id = ?"), { id });
        const RunsDelta d = nextDelta();
        QVERIFY(d.reset);
        const qsizetype at = ids(d.added).indexOf(id);
        QVERIFY(at >= 0);
        QCOMPARE(toString(d.added.at(at).state), QStringLiteral("queued"));
        m_failures->clear();
    }
};

QTEST_GUILESS_MAIN(TestRunMonitor)
#include "tst_runmonitor.moc"
