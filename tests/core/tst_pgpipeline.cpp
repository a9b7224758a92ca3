// A team workspace's write transactions sent whole (PgPipeline): the engine's per-attempt
// statements (HotStatement) and the transaction's BEGIN and write lock wait on the client until
// the commit, or until a statement that is not queued needs the server; then they go in one
// round trip, in order, and fail as any statement does.

#include "pgserver.h"
#include "refusal.h"
#include "store/hotstatement.h"
#include "store/postgresbackend.h"
#include "store/sql.h"
#include "store/store.h"
#include "store/workspace.h"
#include "writelockholder.h"

#include <QTest>

using namespace Baton;

namespace {

// Fails (with a message) unless the server process @p pid is in the state @p state.
QString stateIs(const Test::PgDatabase &pg, qint64 pid, const QString &state)
{
    return pg.exec(QStringLiteral("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_stat_activity "
                                  "WHERE pid = %1 AND state = '%2') THEN RAISE 'not %2'; END IF; "
                                  "END $$")
                       .arg(pid)
                       .arg(state));
}

qint64 backendPid(const Store &store)
{
    return Sql::scalar(store.db(), QStringLiteral("SELECT pg_backend_pid()")).toLongLong();
}

const char *const InsertProject
    = "INSERT INTO projects (name, created_at, updated_at) VALUES (?, ?, 0) RETURNING id";
const char *const RenameProject = "UPDATE projects SET name = ? WHERE id = ?";

} // namespace

class TestPgPipeline : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { BATON_REQUIRE_PG(); }

    // Nothing reaches the server before the commit: the transaction's BEGIN and lock, an
    // INSERT and an UPDATE go together, and the INSERT's id is there after the commit.
    void queuedStatementsGoWithTheCommit()
    {
        Test::PgDatabase pg;
        Workspace ws(pg.url(), Workspace::Mode::CreateIfMissing);
        const Store &store = ws.store();
        HotStatement insert(store, InsertProject);
        HotStatement rename(store, RenameProject);
        const qint64 pid = backendPid(store);
        qint64 first = 0;
        qint64 second = 0;
        store.transaction([&](QSqlDatabase &) {
            insert.run({ QStringLiteral("a"), 1 }, &first);
            insert.run({ QStringLiteral("b"), 2 }, &second);
            QCOMPARE(first, 0); // not sent yet
            // The server has not even seen the BEGIN: the connection is idle, not in a
            // transaction.
            QCOMPARE(stateIs(pg, pid, QStringLiteral("idle")), QString());
        });
        QVERIFY(first > 0);
        QCOMPARE(second, first + 1);
        QCOMPARE(Sql::scalar(store.db(),
                             QStringLiteral("SELECT string_agg(name, ',' ORDER BY id) FROM "
                                            "projects"))
                     .toString(),
                 QStringLiteral("a,b"));
    }

    void aFailingStatementFailsTheTransaction()
    {
        Test::PgDatabase pg;
        Workspace ws(pg.url(), Workspace::Mode::CreateIfMissing);
        const Store &store = ws.store();
        HotStatement insert(store, InsertProject);
        HotStatement rename(store, RenameProject);
        qint64 id = 0;
        store.transaction([&](QSqlDatabase &) { insert.run({ QStringLiteral("kept"), 1 }, &id); });
        QVERIFY(id > 0);
        // The second statement breaks a constraint (projects.name is unique): the first is
        // rolled back with it, the third never runs, and the error names the statement.
        const QString message = Test::refusal([&] {
            store.transaction([&](QSqlDatabase &) {
                insert.run({ QStringLiteral("new"), 2 });
                insert.run({ QStringLiteral("kept"), 3 });
                rename.run({ QStringLiteral("renamed"), id });
            });
        });
        QVERIFY2(message.contains(QLatin1String("duplicate key")), qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("INSERT INTO projects")), qPrintable(message));
        QCOMPARE(Sql::scalar(store.db(),
                             QStringLiteral("SELECT string_agg(name, ',' ORDER BY name) FROM "
                                            "projects"))
                     .toString(),
                 QStringLiteral("kept"));
        // The connection is usable again, statements prepared before included.
        store.transaction([&](QSqlDatabase &) { rename.run({ QStringLiteral("again"), id }); });
        QCOMPARE(Sql::scalar(store.db(), QStringLiteral("SELECT name FROM projects WHERE id = ?"),
                             { id })
                     .toString(),
                 QStringLiteral("again"));
    }

    // A statement that is not queued runs after what was queued before it, in the same
    // transaction: it sees those writes, and a rollback takes them all back.
    void aStatementThatIsNotQueuedSeesTheQueuedOnes()
    {
        Test::PgDatabase pg;
        Workspace ws(pg.url(), Workspace::Mode::CreateIfMissing);
        const Store &store = ws.store();
        HotStatement insert(store, InsertProject);
        const qint64 pid = backendPid(store);
        int seen = -1;
        const QString message = Test::refusal([&] {
            store.transaction([&](QSqlDatabase &db) {
                qint64 id = 0;
                insert.run({ QStringLiteral("p"), 1 }, &id);
                // (Not "WHERE id = ?" with id: bound before the call, it is not known yet.)
                seen = Sql::scalar(db,
                                   QStringLiteral("SELECT count(*) FROM projects WHERE name "
                                                  "= 'p'"))
                           .toInt();
                QVERIFY(id > 0); // sent with the statement that needed the server
                QCOMPARE(stateIs(pg, pid, QStringLiteral("idle in transaction")), QString());
                throw Error(QStringLiteral("changed my mind"));
            });
        });
        QCOMPARE(message, QStringLiteral("changed my mind"));
        QCOMPARE(seen, 1);
        QCOMPARE(Sql::scalar(store.db(), QStringLiteral("SELECT count(*) FROM projects")).toInt(),
                 0);
        QCOMPARE(stateIs(pg, pid, QStringLiteral("idle")), QString());
    }

    // Outside a transaction a queued statement runs at once (nothing would send it later).
    void outsideATransactionItRunsAtOnce()
    {
        Test::PgDatabase pg;
        Workspace ws(pg.url(), Workspace::Mode::CreateIfMissing);
        HotStatement insert(ws.store(), InsertProject);
        qint64 id = 0;
        insert.run({ QStringLiteral("p"), 1 }, &id);
        QVERIFY(id > 0);
        QCOMPARE(
            Sql::scalar(ws.store().db(), QStringLiteral("SELECT name FROM projects")).toString(),
            QStringLiteral("p"));
    }

    // The write lock is taken with the queued statements: another writer holding it is waited
    // for as long as the busy timeout, then the same "locked by another writer" error as
    // elsewhere (which the engine waits out), and nothing was written.
    void theWriteLockIsWaitedForAsBefore()
    {
        Test::PgDatabase pg;
        Store::Options quick;
        quick.busyTimeoutMs = 300;
        Workspace ws(pg.url(), Workspace::Mode::CreateIfMissing, quick);
        HotStatement insert(ws.store(), InsertProject);
        QString message;
        {
            const Test::WriteLockHolder holder(ws.store());
            message = Test::refusal([&] {
                ws.store().transaction([&](QSqlDatabase &) {
                    insert.run({ QStringLiteral("blocked"), 1 });
                });
            });
            QVERIFY2(message.contains(QLatin1String("is locked by another writer")),
                     qPrintable(message));
        }
        QCOMPARE(
            Sql::scalar(ws.store().db(), QStringLiteral("SELECT count(*) FROM projects")).toInt(),
            0);
        ws.store().transaction([&](QSqlDatabase &) { insert.run({ QStringLiteral("p"), 1 }); });
        QCOMPARE(
            Sql::scalar(ws.store().db(), QStringLiteral("SELECT count(*) FROM projects")).toInt(),
            1);
    }

    // The server drops the connection: the queued transaction fails as a lost connection (the
    // engine waits that out), nothing of it is committed, and the next one goes through on a
    // new connection, where its statements are prepared again.
    void aLostConnectionIsReportedAndReopened()
    {
        Test::PgDatabase pg;
        Workspace ws(pg.url(), Workspace::Mode::CreateIfMissing);
        const Store &store = ws.store();
        HotStatement insert(store, InsertProject);
        store.transaction([&](QSqlDatabase &) { insert.run({ QStringLiteral("before"), 1 }); });
        const qint64 pid = backendPid(store);
        QCOMPARE(Test::pgAdmin(QStringLiteral("SELECT pg_terminate_backend(%1)").arg(pid)),
                 QString());
        const QString message = Test::refusal([&] {
            store.transaction([&](QSqlDatabase &) { insert.run({ QStringLiteral("lost"), 1 }); });
        });
        QVERIFY2(Sql::isConnectionLoss(message), qPrintable(message));
        qint64 id = 0;
        store.transaction([&](QSqlDatabase &) { insert.run({ QStringLiteral("after"), 1 }, &id); });
        QVERIFY(id > 0);
        QVERIFY(backendPid(store) != pid);
        QCOMPARE(Sql::scalar(store.db(),
                             QStringLiteral("SELECT string_agg(name, ',' ORDER BY name) FROM "
                                            "projects"))
                     .toString(),
                 QStringLiteral("after,before"));
    }
};

QTEST_GUILESS_MAIN(TestPgPipeline)
#include "tst_pgpipeline.moc"
