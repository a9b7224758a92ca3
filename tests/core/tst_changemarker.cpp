// The change marker the console's watchers poll, the push that wakes them on a team workspace,
// and how they come back after the server stopped answering (issue #19, "Live across machines").
// Runs on SQLite (core/changemarker) and on PostgreSQL (core-pg/changemarker); the push and the
// reconnect exist on PostgreSQL only.

#include "engine/runservice.h"
#include "monitoring/dashboardworker.h"
#include "monitoring/rundetailwatcher.h"
#include "monitoring/runmonitor.h"
#include "store/changemarker.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/storebackend.h"
#include "testspecs.h"
#include "util/error.h"
#include "workspacefixture.h"

#include <QSqlDriver>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <functional>
#include <memory>

using namespace Baton;
using namespace Baton::Test;

namespace {

constexpr int kWaitMs = 20000;
// Far longer than any wait below: what arrives in time was pushed, not polled.
constexpr int kFallbackMs = 600000;

// Runs @p work on a thread of its own: another connection to the workspace, as another console
// or an engine would have (the thread's connection closes when it ends).
void elsewhere(const std::function<void()> &work)
{
    QString error;
    std::unique_ptr<QThread> thread(QThread::create([&] {
        try {
            work();
        } catch (const Error &e) {
            error = e.message();
        }
    }));
    thread->start();
    thread->wait();
    QVERIFY2(error.isEmpty(), qPrintable(error));
}

// A watcher on a thread of its own, as the console runs it; stopped and deleted with the thread.
template<typename W>
class Hosted
{
public:
    explicit Hosted(W *watcher)
        : m_watcher(watcher)
    {
        m_watcher->moveToThread(&m_thread);
        QObject::connect(&m_thread, &QThread::finished, m_watcher, &QObject::deleteLater);
        m_thread.start();
    }
    ~Hosted()
    {
        m_thread.quit();
        m_thread.wait();
    }
    W *operator->() const { return m_watcher; }
    W *get() const { return m_watcher; }
    /// Runs @p f on the watcher's thread and waits for it.
    template<typename F>
    void callAndWait(F f)
    {
        QMetaObject::invokeMethod(
            m_watcher, [w = m_watcher, f] { f(w); }, Qt::BlockingQueuedConnection);
    }
    template<typename F>
    void call(F f)
    {
        QMetaObject::invokeMethod(
            m_watcher, [w = m_watcher, f] { f(w); }, Qt::QueuedConnection);
    }

private:
    QThread m_thread;
    W *m_watcher;
};

} // namespace

class TestChangeMarker : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    WorkspaceFixture m_fixture; // before m_ws: its databases outlive the workspace
    std::unique_ptr<Workspace> m_ws;
    QString m_blocked; // a database refusing connections, let in again by cleanup()
    int m_counter = 0;

    const Store &store() const { return m_ws->store(); }

    qint64 createRun()
    {
        RunRequest request;
        request.project = QStringLiteral("churn");
        request.pipeline = QStringLiteral("nightly");
        request.actor = QStringLiteral("alice");
        return RunService::createRun(store(), request);
    }

    void setTaskState(qint64 run, const QString &state)
    {
        store().transaction([&](QSqlDatabase &tx) {
            Sql::exec(tx,
                      QStringLiteral("UPDATE task_runs SET state = ? WHERE run_id = ? AND "
                                     "task_name = 'extract'"),
                      { state, run });
        });
    }

    void setSetting(const QString &value)
    {
        store().transaction([&](QSqlDatabase &tx) {
            Sql::exec(tx,
                      QStringLiteral("INSERT INTO settings (key, value) VALUES ('probe', ?) ON "
                                     "CONFLICT (key) DO UPDATE SET value = excluded.value"),
                      { value });
        });
    }

    // The server stops letting the workspace's connections in, and drops every one of them
    // but this thread's: what a watcher sees when the server goes away.
    void cutOffWatchers()
    {
        const QSqlDatabase db = store().db();
        m_blocked = Sql::scalar(db, QStringLiteral("SELECT current_database()")).toString();
        const qint64 mine = Sql::scalar(db, QStringLiteral("SELECT pg_backend_pid()")).toLongLong();
        QCOMPARE(
            pgAdmin(QStringLiteral("ALTER DATABASE %1 ALLOW_CONNECTIONS false").arg(m_blocked)),
            QString());
        QCOMPARE(pgAdmin(QStringLiteral("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                        "WHERE datname = '%1' AND pid <> %2")
                             .arg(m_blocked)
                             .arg(mine)),
                 QString());
    }

    void letWatchersBackIn()
    {
        if (m_blocked.isEmpty())
            return;
        QCOMPARE(pgAdmin(QStringLiteral("ALTER DATABASE %1 ALLOW_CONNECTIONS true").arg(m_blocked)),
                 QString());
        m_blocked.clear();
    }

private Q_SLOTS:
    void init()
    {
        m_ws = m_fixture.another(m_dir.filePath(QString::number(++m_counter)));
        ProjectWriter::apply(store(), { churnProject() }, QStringLiteral("alice"));
    }

    void cleanup()
    {
        letWatchersBackIn();
        m_ws.reset();
    }

    void markerMovesOnCommitsOnly()
    {
        ChangeMarker marker(&store());
        const QSqlDatabase db = store().db();
        const ChangeMarker::Value first = marker.read(db);
        QVERIFY(!first.isEmpty());
        QCOMPARE(marker.read(db), first); // nothing committed: the same value

        elsewhere([this] { setSetting(QStringLiteral("1")); });
        const ChangeMarker::Value second = marker.read(db);
        QVERIFY(second != first);
        QCOMPARE(marker.read(db), second);

        // A transaction that rolls back changed nothing.
        elsewhere([this] {
            try {
                store().transaction([](QSqlDatabase &tx) {
                    Sql::exec(tx,
                              QStringLiteral("INSERT INTO settings (key, value) VALUES "
                                             "('rolled', 'back')"));
                    throw Error(QStringLiteral("changed my mind"));
                });
            } catch (const Error &) { }
        });
        QCOMPARE(marker.read(db), second);

        // This connection's own commits count too (a watcher that writes sees them).
        setSetting(QStringLiteral("2"));
        QVERIFY(marker.read(db) != second);
    }

    void counterMovesOncePerTransaction()
    {
        if (!WorkspaceFixture::onPostgres())
            QSKIP("SQLite's marker is PRAGMA data_version; the counter is PostgreSQL's");
        const auto value = [this] {
            return Sql::scalar(store().db(), QStringLiteral("SELECT value FROM change_marker"))
                .toLongLong();
        };
        const qint64 before = value();
        // Three statements on two tables, one commit: one step.
        store().transaction([](QSqlDatabase &tx) {
            Sql::exec(tx, QStringLiteral("INSERT INTO settings (key, value) VALUES ('a', '1')"));
            Sql::exec(tx, QStringLiteral("INSERT INTO settings (key, value) VALUES ('b', '1')"));
            Sql::exec(tx, QStringLiteral("UPDATE projects SET description = 'moved'"));
        });
        QCOMPARE(value(), before + 1);
        const qint64 run = createRun();
        QVERIFY(run > 0);
        QCOMPARE(value(), before + 2);
    }

    void notificationNamesTheTablesOnly()
    {
        if (!WorkspaceFixture::onPostgres())
            QSKIP("SQLite has no notifications: its watchers poll");
        const QSqlDatabase db = store().db();
        QVERIFY(db.driver()->subscribeToNotification(store().backend().changeChannel()));
        QStringList payloads;
        QObject sink;
        connect(db.driver(), &QSqlDriver::notification, &sink,
                [&payloads](const QString &, QSqlDriver::NotificationSource,
                            const QVariant &payload) { payloads << payload.toString(); });
        elsewhere([this] { createRun(); });
        QTRY_VERIFY_WITH_TIMEOUT(payloads.contains(QLatin1String("runs"))
                                     && payloads.contains(QLatin1String("task_runs")),
                                 kWaitMs);
        // Keys only: a table's name, folded once per transaction, never a row's values.
        QCOMPARE(payloads.count(QLatin1String("runs")), 1);
        for (const QString &p : std::as_const(payloads))
            QVERIFY2(!p.contains(QLatin1String("alice")), qPrintable(p));
        db.driver()->unsubscribeFromNotification(store().backend().changeChannel());
    }

    void commitsArePushedToEveryWatcher()
    {
        if (!WorkspaceFixture::onPostgres())
            QSKIP("SQLite has no notifications: its watchers poll");
        const qint64 first = createRun();

        QList<RunsDelta> deltas;
        QList<RunDetail> details;
        QList<OperationsSnapshot> operations;
        QObject sink; // queued deliveries end with the lists they fill
        Hosted monitor(new RunMonitor(&store()));
        Hosted detail(new RunDetailWatcher(&store()));
        Hosted dashboard(new DashboardWorker(&store()));
        connect(monitor.get(), &RunMonitor::runsChanged, &sink,
                [&deltas](const RunsDelta &d) { deltas << d; });
        connect(detail.get(), &RunDetailWatcher::loaded, &sink,
                [&details](const RunDetail &d) { details << d; });
        connect(dashboard.get(), &DashboardWorker::operationsReady, &sink,
                [&operations](const OperationsSnapshot &s) { operations << s; });
        monitor.call([](RunMonitor *m) { m->start(kFallbackMs); });
        detail.call([first](RunDetailWatcher *w) { w->watch(first, kFallbackMs); });
        dashboard.call([](DashboardWorker *w) { w->start(kFallbackMs); });
        QTRY_VERIFY_WITH_TIMEOUT(!deltas.isEmpty() && !details.isEmpty() && !operations.isEmpty(),
                                 kWaitMs);
        QCOMPARE(operations.last().queued, 1);

        // Another connection queues a run: the monitor and the dashboard hear of it at once.
        qint64 second = 0;
        elsewhere([&] { second = createRun(); });
        QTRY_VERIFY_WITH_TIMEOUT(deltas.size() >= 2, kWaitMs);
        QCOMPARE(deltas.last().added.size(), 1);
        QCOMPARE(deltas.last().added.first().id, second);
        QTRY_COMPARE_WITH_TIMEOUT(operations.last().queued, 2, kWaitMs);

        // It starts a task of the watched run: the run's detail follows.
        elsewhere([&] { setTaskState(first, QStringLiteral("running")); });
        QTRY_VERIFY_WITH_TIMEOUT(details.size() >= 2, kWaitMs);
        QCOMPARE(toString(details.last().task(QStringLiteral("extract"))->state),
                 QStringLiteral("running"));
    }

    void watchersReconnectAndReadWhatTheyMissed()
    {
        if (!WorkspaceFixture::onPostgres())
            QSKIP("an SQLite connection is never lost");
        const qint64 first = createRun();
        QList<RunsDelta> deltas;
        QStringList lost;
        int reconnected = 0;
        QList<RunDetail> details;
        QStringList detailFailures;
        QObject sink; // queued deliveries end with the lists they fill
        // A short poll: the fallback is what finds the server back.
        Hosted monitor(new RunMonitor(&store()));
        Hosted detail(new RunDetailWatcher(&store()));
        connect(monitor.get(), &RunMonitor::runsChanged, &sink,
                [&deltas](const RunsDelta &d) { deltas << d; });
        connect(monitor.get(), &RunMonitor::connectionLost, &sink,
                [&lost](const QString &why) { lost << why; });
        connect(monitor.get(), &RunMonitor::reconnected, &sink, [&reconnected] { ++reconnected; });
        connect(detail.get(), &RunDetailWatcher::loaded, &sink,
                [&details](const RunDetail &d) { details << d; });
        connect(detail.get(), &RunDetailWatcher::failed, &sink,
                [&detailFailures](qint64, const QString &why) { detailFailures << why; });
        monitor.call([](RunMonitor *m) { m->start(100); });
        detail.call([first](RunDetailWatcher *w) { w->watch(first, 100); });
        QTRY_VERIFY_WITH_TIMEOUT(!deltas.isEmpty() && !details.isEmpty(), kWaitMs);
        deltas.clear();

        cutOffWatchers();
        // Committed while no watcher listens: no notification of it ever reaches them.
        const qint64 missed = createRun();
        setTaskState(first, QStringLiteral("running"));
        QTRY_VERIFY_WITH_TIMEOUT(!lost.isEmpty(), kWaitMs);
        QVERIFY2(Sql::isConnectionLoss(lost.first()), qPrintable(lost.first()));
        QTRY_VERIFY_WITH_TIMEOUT(!detailFailures.isEmpty(), kWaitMs);
        QVERIFY2(Sql::isConnectionLoss(detailFailures.first()), qPrintable(detailFailures.first()));
        QCOMPARE(reconnected, 0);
        QVERIFY(deltas.isEmpty());

        letWatchersBackIn();
        QTRY_COMPARE_WITH_TIMEOUT(reconnected, 1, kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(!deltas.isEmpty(), kWaitMs);
        // A full read: the window again, with the run committed meanwhile.
        QVERIFY(deltas.first().reset);
        QList<qint64> ids;
        for (const RunRow &r : deltas.first().added)
            ids << r.id;
        QCOMPARE(ids, QList<qint64>({ missed, first }));
        QTRY_COMPARE_WITH_TIMEOUT(toString(details.last().task(QStringLiteral("extract"))->state),
                                  QStringLiteral("running"), kWaitMs);

        // And the next commit is pushed on the new connection: with the poll far longer than
        // the wait, only a push can deliver it.
        monitor.callAndWait([](RunMonitor *m) { m->setInterval(kFallbackMs); });
        deltas.clear();
        qint64 later = 0;
        elsewhere([&] { later = createRun(); });
        QTRY_VERIFY_WITH_TIMEOUT(!deltas.isEmpty(), kWaitMs);
        QCOMPARE(deltas.last().added.size(), 1);
        QCOMPARE(deltas.last().added.first().id, later);
    }
};

QTEST_GUILESS_MAIN(TestChangeMarker)
#include "tst_changemarker.moc"
