// A team workspace on a real PostgreSQL 15 server (started by ctest's `postgresql` fixture):
// opening, creating, refusing, the schema against SQLite's, the rollup rules against SQLite's,
// and writers excluding each other.

#include "pgproxy.h"
#include "pgserver.h"
#include "refusal.h"
#include "store/postgresbackend.h"
#include "store/sql.h"
#include "store/store.h"
#include "store/storebackend.h"
#include "store/workspace.h"
#include "writelockholder.h"

#include <QSemaphore>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QUrl>

using namespace Baton;

namespace {

QStringList rows(const QSqlDatabase &db, const QString &sql)
{
    QStringList out;
    QSqlQuery q = Sql::exec(db, sql);
    while (q.next()) {
        QStringList fields;
        for (int i = 0; i < q.record().count(); ++i)
            fields << (q.value(i).isNull() ? QStringLiteral("NULL") : q.value(i).toString());
        out << fields.join(QLatin1Char('|'));
    }
    return out;
}

// Port 1 (tcpmux) is privileged and never served on a test machine: connecting is refused.
constexpr int DeadPort = 1;

} // namespace

class TestPostgresBackend : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { BATON_REQUIRE_PG(); }

    void initCreatesTheSchemaOnce()
    {
        Test::PgDatabase pg;
        QCOMPARE(pg.error(), QString());
        QString id;
        {
            Workspace ws(pg.url(), Workspace::Mode::CreateIfMissing);
            QVERIFY(ws.isTeam());
            QVERIFY(ws.store().createdNow());
            QVERIFY(!ws.store().readOnly());
            QCOMPARE(ws.store().dialect(), Dialect::Postgres);
            QCOMPARE(ws.store().schemaVersion(), Store::latestSchemaVersion());
            QCOMPARE(ws.address(), pg.url());
            QCOMPARE(ws.store().path(), pg.url()); // user@host:port/db, as given here
            id = Sql::scalar(ws.store().db(),
                             QStringLiteral("SELECT value FROM workspace_info WHERE key = 'id'"))
                     .toString();
            QVERIFY(!id.isEmpty());
            // This machine's files of the workspace: private, named by the workspace id.
            QVERIFY2(ws.directory().endsWith(QStringLiteral("/baton/team/") + id),
                     qPrintable(ws.directory()));
            QVERIFY(QFileInfo(ws.runsDirectory()).isDir());
            QCOMPARE(QFileInfo(ws.directory()).permissions() & 0x0077, 0);
        }
        Workspace again(pg.url(), Workspace::Mode::MustExist);
        QVERIFY(!again.store().createdNow());
        QCOMPARE(Sql::scalar(again.store().db(),
                             QStringLiteral("SELECT value FROM workspace_info WHERE key = 'id'"))
                     .toString(),
                 id);
    }

    // Same tables, same columns, same indexes as an SQLite workspace of the same version: every
    // service's SQL finds what it expects on both.
    void sameSchemaAsSqlite()
    {
        QTemporaryDir dir;
        Store sqlite(dir.filePath(QStringLiteral("baton.db")));
        Test::PgDatabase pg;
        Workspace team(pg.url(), Workspace::Mode::CreateIfMissing);

        const QStringList sqliteColumns
            = rows(sqlite.db(),
                   QStringLiteral("SELECT m.name || '.' || p.name FROM sqlite_master m, "
                                  "pragma_table_info(m.name) p WHERE m.type = 'table' ORDER BY 1"));
        const QStringList pgColumns
            = rows(team.store().db(),
                   QStringLiteral("SELECT table_name || '.' || column_name FROM "
                                  "information_schema.columns WHERE table_schema = 'baton' AND "
                                  "table_name NOT IN ('schema_version', 'change_marker') ORDER BY "
                                  "(table_name || '.' || column_name) COLLATE \"C\""));
        QVERIFY(sqliteColumns.size() > 200);
        // PostgreSQL's own: its schema version and its twin of PRAGMA data_version.
        QCOMPARE(pgColumns, sqliteColumns);

        const QStringList sqliteIndexes
            = rows(sqlite.db(),
                   QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'index' AND sql "
                                  "IS NOT NULL ORDER BY 1"));
        QStringList pgIndexes = rows(team.store().db(),
                                     QStringLiteral("SELECT indexname FROM pg_indexes WHERE "
                                                    "schemaname = 'baton' AND indexname NOT LIKE "
                                                    "'%\\_pkey' AND indexname NOT LIKE '%\\_key' "
                                                    "ORDER BY indexname COLLATE \"C\""));
        QCOMPARE(pgIndexes, sqliteIndexes);
        QCOMPARE(rows(team.store().db(),
                      QStringLiteral("SELECT lower_ms FROM duration_buckets "
                                     "ORDER BY 1")),
                 rows(sqlite.db(),
                      QStringLiteral("SELECT lower_ms FROM duration_buckets "
                                     "ORDER BY 1")));
    }

    // The rollups the dashboards read are kept by triggers written twice (SQLite's dialect and
    // PL/pgSQL): the same changes give the same rollups, durations and run times on both.
    void rollupsAgreeWithSqlite()
    {
        QTemporaryDir dir;
        Store sqlite(dir.filePath(QStringLiteral("baton.db")));
        Test::PgDatabase pg;
        Workspace team(pg.url(), Workspace::Mode::CreateIfMissing);
        const qint64 day = 86400000LL * 20000;
        const QStringList script = {
            QStringLiteral("INSERT INTO projects (id, name, created_at, updated_at) VALUES "
                           "(1, 'p', 0, 0)"),
            QStringLiteral("INSERT INTO environments (id, project_id, name, position) VALUES "
                           "(1, 1, 'dev', 0), (2, 1, 'prod', 1)"),
            QStringLiteral("INSERT INTO jobs (id, project_id, name, created_at) VALUES "
                           "(1, 1, 'j', 0)"),
            QStringLiteral("INSERT INTO job_versions (id, job_id, number, content_hash, command, "
                           "created_at) VALUES (1, 1, 1, 'h', 'true', 0), "
                           "(2, 1, 2, 'h2', 'true', 0)"),
            QStringLiteral("INSERT INTO pipelines (id, project_id, name, created_at) VALUES "
                           "(1, 1, 'pl', 0)"),
            QStringLiteral("INSERT INTO pipeline_versions (id, pipeline_id, number, "
                           "content_hash, created_at) VALUES (1, 1, 1, 'h', 0)"),
            // Run 1: scheduled, 90 s late, two tasks, one failed after a retry an hour later.
            QStringLiteral("INSERT INTO runs (id, project_id, pipeline_id, pipeline_version_id, "
                           "environment_id, state, trigger, fire_time, created_at, started_at) "
                           "VALUES (1, 1, 1, 1, 2, 'running', 'schedule', %1, %1, %2)")
                .arg(day)
                .arg(day + 90000),
            QStringLiteral("INSERT INTO task_runs (id, run_id, task_name, job_version_id, state) "
                           "VALUES (1, 1, 'a', 1, 'running'), (2, 1, 'b', 2, 'queued')"),
            QStringLiteral("INSERT INTO task_attempts (id, task_run_id, number, started_at, "
                           "running_at_us, finished_at) VALUES (1, 1, 1, %1, %2, %3)")
                .arg(day + 90000)
                .arg((day + 91000) * 1000)
                .arg(day + 151000),
            QStringLiteral(
                "UPDATE task_runs SET state = 'succeeded', finished_at = %1 WHERE id = 1")
                .arg(day + 151000),
            QStringLiteral("INSERT INTO task_attempts (id, task_run_id, number, started_at, "
                           "finished_at) VALUES (2, 2, 1, %1, %2), (3, 2, 2, %3, %4)")
                .arg(day + 151000)
                .arg(day + 152000)
                .arg(day + 3751000)
                .arg(day + 3760000),
            QStringLiteral("UPDATE task_runs SET state = 'failed', finished_at = %1 WHERE id = 2")
                .arg(day + 3760000),
            QStringLiteral("UPDATE runs SET state = 'failed', finished_at = %1 WHERE id = 1")
                .arg(day + 3760000),
            // Run 2: manual, in dev, succeeded; then rerun (reopened) and finished again.
            QStringLiteral("INSERT INTO runs (id, project_id, pipeline_id, pipeline_version_id, "
                           "environment_id, state, created_at, started_at, finished_at) VALUES "
                           "(2, 1, 1, 1, 1, 'succeeded', %1, %1, %2)")
                .arg(day + 1000)
                .arg(day + 5000),
            QStringLiteral("INSERT INTO task_runs (id, run_id, task_name, job_version_id, state, "
                           "finished_at) VALUES (3, 2, 'a', 1, 'succeeded', %1)")
                .arg(day + 5000),
            QStringLiteral("INSERT INTO task_attempts (id, task_run_id, number, started_at, "
                           "finished_at) VALUES (4, 3, 1, %1, %2)")
                .arg(day + 1000)
                .arg(day + 5000),
            QStringLiteral("UPDATE runs SET state = 'running', finished_at = NULL WHERE id = 2"),
            QStringLiteral("UPDATE runs SET state = 'succeeded', finished_at = %1 WHERE id = 2")
                .arg(day + 9000),
            // Run 3 in prod, then deleted with its tasks.
            QStringLiteral("INSERT INTO runs (id, project_id, pipeline_id, pipeline_version_id, "
                           "environment_id, state, created_at, started_at, finished_at) VALUES "
                           "(3, 1, 1, 1, 2, 'failed', %1, %1, %2)")
                .arg(day + 2000)
                .arg(day + 4000),
            QStringLiteral("INSERT INTO task_runs (id, run_id, task_name, job_version_id, state, "
                           "finished_at) VALUES (4, 3, 'a', 1, 'failed', %1)")
                .arg(day + 4000),
            QStringLiteral("INSERT INTO task_attempts (id, task_run_id, number, started_at, "
                           "finished_at) VALUES (5, 4, 1, %1, %2)")
                .arg(day + 2000)
                .arg(day + 4000),
            QStringLiteral("DELETE FROM runs WHERE id = 3"),
        };
        for (const QString &statement : script) {
            Sql::exec(sqlite.db(), statement);
            Sql::exec(team.store().db(), statement);
        }
        const QStringList checks = {
            QStringLiteral("SELECT day, project_id, pipeline_id, environment_id, state, runs, "
                           "late_runs, late_sum_ms, late_max_ms FROM run_daily WHERE runs <> 0 "
                           "ORDER BY 1, 2, 3, 4, 5"),
            QStringLiteral("SELECT day, pipeline_id, environment_id, bucket_ms, runs FROM "
                           "run_duration_daily WHERE runs <> 0 ORDER BY 1, 2, 3, 4"),
            QStringLiteral("SELECT day, project_id, environment_id, job_version_id, failures FROM "
                           "task_failure_daily WHERE failures <> 0 ORDER BY 1, 2, 3, 4"),
            QStringLiteral(
                "SELECT pipeline_id, day, environment_id, job_version_id, bucket_ms, "
                "tasks FROM task_duration_daily WHERE tasks <> 0 ORDER BY 1, 2, 3, 4, 5"),
            QStringLiteral("SELECT id, active_ms FROM runs ORDER BY id"),
            QStringLiteral("SELECT id, run_ms FROM task_runs ORDER BY id"),
        };
        for (const QString &check : checks) {
            const QStringList expected = rows(sqlite.db(), check);
            QVERIFY2(!expected.isEmpty(), qPrintable(check));
            QCOMPARE(rows(team.store().db(), check), expected);
        }
        // The figures themselves: idle time between attempts is not run time.
        QCOMPARE(
            rows(team.store().db(), QStringLiteral("SELECT run_ms FROM task_runs WHERE id = 2")),
            QStringList { QStringLiteral("10000") });
    }

    void emptyDatabaseIsNotAWorkspace()
    {
        Test::PgDatabase pg;
        const QString message
            = Test::refusal([&] { Workspace(pg.url(), Workspace::Mode::MustExist); });
        QVERIFY2(message.contains(QStringLiteral("no workspace in ") + pg.url()),
                 qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("baton init")), qPrintable(message));
        QVERIFY(!pg.holdsBatonSchema());
    }

    void foreignDatabaseLeftUntouched()
    {
        Test::PgDatabase pg;
        QCOMPARE(pg.exec(QStringLiteral("CREATE TABLE invoices (id int); INSERT INTO invoices "
                                        "VALUES (1)")),
                 QString());
        const QString message
            = Test::refusal([&] { Workspace(pg.url(), Workspace::Mode::CreateIfMissing); });
        QVERIFY2(message.contains(QLatin1String("holds something else")), qPrintable(message));
        QVERIFY2(message.contains(pg.url()), qPrintable(message));
        QVERIFY(!pg.holdsBatonSchema());
    }

    void newerSchemaRefused()
    {
        Test::PgDatabase pg;
        {
            Workspace ws(pg.url(), Workspace::Mode::CreateIfMissing);
        }
        QCOMPARE(pg.exec(QStringLiteral("UPDATE baton.schema_version SET version = 99")),
                 QString());
        const QString message
            = Test::refusal([&] { Workspace(pg.url(), Workspace::Mode::MustExist); });
        QVERIFY2(message.contains(QLatin1String("newer Baton (schema version 99")),
                 qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("nothing was written")), qPrintable(message));
        QCOMPARE(pg.exec(QStringLiteral("DO $$ BEGIN IF (SELECT version FROM baton.schema_version) "
                                        "<> 99 THEN RAISE 'changed'; END IF; END $$")),
                 QString());
    }

    void missingDatabaseAndDeadServer()
    {
        const QString missing = Test::pgServerUrl() + QStringLiteral("/no_such_db");
        QString message = Test::refusal([&] { Workspace(missing, Workspace::Mode::MustExist); });
        QVERIFY2(
            message.startsWith(QStringLiteral("cannot connect to the team workspace ") + missing),
            qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("does not exist")), qPrintable(message));

        const QString dead
            = QStringLiteral("postgresql://postgres@127.0.0.1:%1/baton").arg(DeadPort);
        message = Test::refusal([&] { Workspace(dead, Workspace::Mode::CreateIfMissing); });
        QVERIFY2(message.startsWith(QStringLiteral("cannot connect to the team workspace ") + dead),
                 qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("refused")), qPrintable(message));
    }

    // A login without write privileges reads; every write says read-only, nothing is written.
    void readOnlyLogin()
    {
        Test::PgDatabase pg;
        {
            Workspace ws(pg.url(), Workspace::Mode::CreateIfMissing);
        }
        const QString role = QStringLiteral("reader_") + pg.name().right(8);
        QCOMPARE(Test::pgAdmin(QStringLiteral("CREATE ROLE %1 LOGIN").arg(role)), QString());
        QCOMPARE(pg.exec(QStringLiteral("GRANT USAGE ON SCHEMA baton TO %1; GRANT SELECT ON ALL "
                                        "TABLES IN SCHEMA baton TO %1")
                             .arg(role)),
                 QString());
        const QString url = QString(pg.url()).replace(QStringLiteral("postgres@"), role + '@');
        {
            Workspace ws(url, Workspace::Mode::MustExist);
            QVERIFY(ws.store().readOnly());
            QVERIFY(Sql::scalar(ws.store().db(),
                                QStringLiteral("SELECT count(*) FROM "
                                               "workspace_info"))
                        .toInt()
                    >= 3);
            const QString message = Test::refusal([&] {
                ws.store().exec(
                    QStringLiteral("INSERT INTO settings (key, value) VALUES ('a', 'b')"));
            });
            QVERIFY2(message.contains(QLatin1String("read-only")), qPrintable(message));
        }
        QCOMPARE(pg.exec(QStringLiteral("DO $$ BEGIN IF EXISTS (SELECT 1 FROM baton.settings) "
                                        "THEN RAISE 'written'; END IF; END $$")),
                 QString());
        pg.exec(QStringLiteral("REVOKE ALL ON ALL TABLES IN SCHEMA baton FROM %1; REVOKE USAGE "
                               "ON SCHEMA baton FROM %1")
                    .arg(role));
        Test::pgAdmin(QStringLiteral("DROP ROLE %1").arg(role));
    }

    // Two processes starting at once on an empty database: one creates the schema, the other
    // waits for it and finds it done.
    void concurrentCreationMigratesOnce()
    {
        Test::PgDatabase pg;
        QString errors[2];
        QThread *threads[2];
        for (int i = 0; i < 2; ++i) {
            threads[i] = QThread::create([&, i] {
                errors[i] = Test::refusal([&] {
                    Store store(StoreLocation::parse(pg.url()), Store::Options {});
                    if (store.schemaVersion() != Store::latestSchemaVersion())
                        throw Error(QStringLiteral("version %1").arg(store.schemaVersion()));
                });
            });
            threads[i]->start();
        }
        for (QThread *t : threads) {
            QVERIFY(t->wait(60000));
            delete t;
        }
        QCOMPARE(errors[0], QString());
        QCOMPARE(errors[1], QString());
        Store store(StoreLocation::parse(pg.url()), Store::Options {});
        QCOMPARE(Sql::scalar(store.db(),
                             QStringLiteral("SELECT count(*) FROM workspace_info "
                                            "WHERE key = 'id'"))
                     .toInt(),
                 1);
    }

    // Writers exclude each other as on SQLite (BEGIN IMMEDIATE): a second write transaction
    // waits for the first to end, so read-then-write rules hold.
    void writeTransactionsExcludeEachOther()
    {
        Test::PgDatabase pg;
        Workspace ws(pg.url(), Workspace::Mode::CreateIfMissing);
        const Store &store = ws.store();
        QSemaphore inside, release;
        QThread *first = QThread::create([&] {
            store.transaction([&](QSqlDatabase &) {
                store.exec(QStringLiteral("INSERT INTO settings (key, value) VALUES ('order', "
                                          "'first')"));
                inside.release();
                release.acquire();
            });
        });
        first->start();
        inside.acquire();
        QString secondError;
        QThread *second = QThread::create([&] {
            secondError = Test::refusal([&] {
                store.transaction([&](QSqlDatabase &) {
                    // Read-then-write: sees the first's row only because it waited for it.
                    const QString before = Sql::scalar(store.db(),
                                                       QStringLiteral("SELECT value FROM settings "
                                                                      "WHERE key = 'order'"))
                                               .toString();
                    store.exec(QStringLiteral("UPDATE settings SET value = ? WHERE key = "
                                              "'order'"),
                               { before + QStringLiteral(",second") });
                });
            });
        });
        second->start();
        // The second transaction is waiting for the advisory lock, not running.
        QTRY_COMPARE_WITH_TIMEOUT(
            pg.exec(QStringLiteral("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_stat_activity "
                                   "WHERE datname = current_database() AND wait_event_type = "
                                   "'Lock' AND wait_event = 'advisory') THEN RAISE 'none'; END "
                                   "IF; END $$")),
            QString(), 20000);
        release.release();
        QVERIFY(first->wait(20000));
        QVERIFY(second->wait(20000));
        delete first;
        delete second;
        QCOMPARE(secondError, QString());
        QCOMPARE(Sql::scalar(store.db(),
                             QStringLiteral("SELECT value FROM settings WHERE key = 'order'"))
                     .toString(),
                 QStringLiteral("first,second"));
    }

    void failedTransactionLeavesNothing()
    {
        Test::PgDatabase pg;
        Workspace ws(pg.url(), Workspace::Mode::CreateIfMissing);
        const QString message = Test::refusal([&] {
            ws.store().transaction([&](QSqlDatabase &) {
                ws.store().exec(QStringLiteral("INSERT INTO settings (key, value) VALUES ('x', "
                                               "'1')"));
                ws.store().exec(QStringLiteral("INSERT INTO settings (key, value) VALUES ('x', "
                                               "'2')")); // duplicate key
            });
        });
        QVERIFY2(message.contains(QLatin1String("duplicate key")), qPrintable(message));
        QCOMPARE(Sql::scalar(ws.store().db(),
                             QStringLiteral("SELECT count(*) FROM settings "
                                            "WHERE key = 'x'"))
                     .toInt(),
                 0);
        // The connection is usable again (not left in an aborted transaction).
        ws.store().exec(QStringLiteral("INSERT INTO settings (key, value) VALUES ('x', '3')"));
        QCOMPARE(ws.store().insert(QStringLiteral("INSERT INTO projects (name, created_at, "
                                                  "updated_at) VALUES ('p', 0, 0) RETURNING id")),
                 1);
    }

    // The server drops the connection (as on a restart or a network cut): the statement that
    // meets it says so and rolls back; the next use of the store reconnects by itself, with
    // its statement cache renewed, and nothing of the lost transaction was committed.
    void lostConnectionIsReopened()
    {
        Test::PgDatabase pg;
        Workspace ws(pg.url(), Workspace::Mode::CreateIfMissing);
        const Store &store = ws.store();
        const QString insert = QStringLiteral("INSERT INTO settings (key, value) VALUES (?, '1')");
        store.exec(insert, { QStringLiteral("before") });
        const qint64 pid
            = Sql::scalar(store.db(), QStringLiteral("SELECT pg_backend_pid()")).toLongLong();
        QVERIFY(!Sql::connectionBroken(store.db()));

        const QString message = Test::refusal([&] {
            store.transaction([&](QSqlDatabase &) {
                store.exec(QStringLiteral("INSERT INTO settings (key, value) VALUES ('lost', "
                                          "'1')"));
                QCOMPARE(Test::pgAdmin(QStringLiteral("SELECT pg_terminate_backend(%1)").arg(pid)),
                         QString());
                store.exec(QStringLiteral("INSERT INTO settings (key, value) VALUES ('lost2', "
                                          "'1')"));
            });
        });
        QVERIFY2(Sql::isConnectionLoss(message), qPrintable(message));
        QVERIFY2(message.contains(pg.name()), qPrintable(message));
        QVERIFY2(!Sql::isConnectionLoss(QStringLiteral("database error in x: duplicate key")),
                 "an ordinary failure is not a lost connection");

        // Reconnected: a new server process, the cache renewed (the cached INSERT runs again).
        store.exec(insert, { QStringLiteral("after") });
        QVERIFY(Sql::scalar(store.db(), QStringLiteral("SELECT pg_backend_pid()")).toLongLong()
                != pid);
        QCOMPARE(rows(store.db(),
                      QStringLiteral("SELECT key FROM settings WHERE key IN "
                                     "('before', 'lost', 'lost2', 'after') ORDER BY key")),
                 QStringList({ QStringLiteral("after"), QStringLiteral("before") }));
    }

    // The connection is cut after COMMIT was sent. Retrying what the server committed would do
    // it twice, dropping what it did not would lose it: the store asks the server which it was.
    void commitWhoseReplyIsLostIsAskedAbout()
    {
        Test::PgDatabase pg;
        {
            Workspace created(pg.url(), Workspace::Mode::CreateIfMissing);
        }
        Test::PgProxy proxy(QUrl(Test::pgServerUrl()).port());
        Store::Options options;
        options.commitOutcomeWaitMs = 1500;
        const QString address
            = QStringLiteral("postgresql://postgres@127.0.0.1:%1/%2?sslmode=disable")
                  .arg(proxy.port())
                  .arg(pg.name());
        Workspace ws(address, Workspace::Mode::MustExist, options);
        const Store &store = ws.store();
        const QString insert = QStringLiteral("INSERT INTO settings (key, value) VALUES (?, '1')");
        const auto keys = [&] {
            return rows(store.db(),
                        QStringLiteral("SELECT key FROM settings WHERE key LIKE 'k-%' "
                                       "ORDER BY key"));
        };

        int cuts = 0;
        // The server committed; its reply was lost: the transaction returns, done once.
        proxy.armNextCommit(Test::PgProxy::Cut::ReplyAfterCommit);
        const QString committed = Test::refusal([&] {
            store.transaction(
                [&](QSqlDatabase &) { store.exec(insert, { QStringLiteral("k-1") }); });
        });
        QVERIFY2(committed.isEmpty(), qPrintable(committed));
        QCOMPARE(proxy.cuts(), ++cuts);
        QCOMPARE(keys(), QStringList({ QStringLiteral("k-1") }));

        // The COMMIT never reached the server: the lost connection, nothing written.
        proxy.armNextCommit(Test::PgProxy::Cut::BeforeCommit);
        QString message = Test::refusal([&] {
            store.transaction(
                [&](QSqlDatabase &) { store.exec(insert, { QStringLiteral("k-2") }); });
        });
        QCOMPARE(proxy.cuts(), ++cuts);
        QVERIFY2(Sql::isConnectionLoss(message), qPrintable(message));
        QVERIFY2(!Sql::isCommitOutcomeUnknown(message), qPrintable(message));
        QCOMPARE(keys(), QStringList({ QStringLiteral("k-1") }));

        // The server committed, and cannot be asked: said so, not called a rollback (it did
        // commit), naming the workspace.
        proxy.armNextCommit(Test::PgProxy::Cut::ReplyAfterCommit);
        proxy.refuseNewConnections(true);
        message = Test::refusal([&] {
            store.transaction(
                [&](QSqlDatabase &) { store.exec(insert, { QStringLiteral("k-3") }); });
        });
        QCOMPARE(proxy.cuts(), ++cuts);
        QVERIFY2(Sql::isCommitOutcomeUnknown(message), qPrintable(message));
        QVERIFY2(!Sql::isConnectionLoss(message), qPrintable(message));
        QVERIFY2(message.contains(pg.name()), qPrintable(message));
        proxy.refuseNewConnections(false);
        QCOMPARE(keys(), QStringList({ QStringLiteral("k-1"), QStringLiteral("k-3") }));
    }

    // A writer that finds another holding the write lock waits as long as the busy timeout
    // (SQLite's), then gives up with the same "locked by another writer" error, which the
    // engine waits out; it no longer waits forever. Nothing of it was written.
    void writerGivesUpAfterTheBusyTimeout()
    {
        Test::PgDatabase pg;
        Store::Options quick;
        quick.busyTimeoutMs = 300;
        Workspace ws(pg.url(), Workspace::Mode::CreateIfMissing, quick);
        QString message;
        {
            const Test::WriteLockHolder holder(ws.store());
            message = Test::refusal([&] {
                ws.store().transaction([&](QSqlDatabase &) {
                    ws.store().exec(QStringLiteral("INSERT INTO settings (key, value) VALUES "
                                                   "('blocked', '1')"));
                });
            });
            QVERIFY2(message.contains(QLatin1String("is locked by another writer")),
                     qPrintable(message));
        }
        QCOMPARE(Sql::scalar(ws.store().db(),
                             QStringLiteral("SELECT count(*) FROM settings WHERE key = 'blocked'"))
                     .toInt(),
                 0);
        // The lock free again, the same write goes through.
        ws.store().transaction([&](QSqlDatabase &) {
            ws.store().exec(QStringLiteral("INSERT INTO settings (key, value) VALUES "
                                           "('blocked', '1')"));
        });
    }

    // A statement run while another's rows are being read (a lookup per row) must not cut the
    // outer result short: QPSQL streams forward-only results row by row, and a second statement
    // on the connection discards the rest of the first ("Query results lost"): on SQLite every
    // row came, on PostgreSQL only the first.
    void statementInsideAReadLosesNoRows()
    {
        Test::PgDatabase pg;
        Workspace ws(pg.url(), Workspace::Mode::CreateIfMissing);
        const Store &store = ws.store();
        for (int i = 0; i < 5; ++i)
            store.exec(QStringLiteral("INSERT INTO settings (key, value) VALUES (?, ?)"),
                       { QStringLiteral("k%1").arg(i), QString::number(i) });
        QStringList seen;
        QSqlQuery outer = Sql::exec(store.db(),
                                    QStringLiteral("SELECT key FROM settings WHERE "
                                                   "key LIKE 'k%' ORDER BY key"));
        while (outer.next()) {
            seen << outer.value(0).toString();
            QCOMPARE(Sql::scalar(store.db(),
                                 QStringLiteral("SELECT value FROM settings WHERE key = ?"),
                                 { outer.value(0) })
                         .toString(),
                     outer.value(0).toString().mid(1));
        }
        QCOMPARE(seen.size(), 5);
        // The same through the statement cache (Store::prepared).
        seen.clear();
        QSqlQuery cached = store.prepared(QStringLiteral("SELECT key FROM settings WHERE key "
                                                         "LIKE 'k%' ORDER BY key"));
        Sql::run(store.db(), cached);
        while (cached.next()) {
            seen << cached.value(0).toString();
            store.exec(QStringLiteral("UPDATE settings SET value = value WHERE key = ?"),
                       { cached.value(0) });
        }
        QCOMPARE(seen.size(), 5);
    }

    // While the server cannot be reached, reconnecting fails with the same kind of error
    // (transient: the engine waits it out), naming the workspace.
    void unreachableServerIsAConnectionLoss()
    {
        const QString message = Test::refusal([&] {
            Workspace ws(QStringLiteral("postgresql://127.0.0.1:%1/nothing").arg(DeadPort),
                         Workspace::Mode::MustExist);
        });
        QVERIFY2(Sql::isConnectionLoss(message), qPrintable(message));
    }
};

QTEST_GUILESS_MAIN(TestPostgresBackend)
#include "tst_postgresbackend.moc"
