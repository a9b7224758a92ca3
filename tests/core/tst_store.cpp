#include "store/sql.h"
#include "store/sqldialect.h"
#include "store/store.h"
#include "store/storelocation.h"
#include "util/error.h"
#include "workspacefixture.h"

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace Baton;

namespace {

QByteArray fileHash(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

// A raw connection that is not Baton's, to fake other writers and foreign files.
struct RawDb
{
    QString name;
    QSqlDatabase db;
    explicit RawDb(const QString &path)
        : name(QStringLiteral("raw-") + path)
    {
        db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        db.open();
    }
    bool exec(const QString &sql)
    {
        QSqlQuery q(db);
        return q.exec(sql);
    }
    ~RawDb()
    {
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
    }
};

QString expectError(const std::function<void()> &f)
{
    try {
        f();
    } catch (const Error &e) {
        return e.message();
    }
    return QStringLiteral("<no error>");
}

} // namespace

// A test about a mechanism only SQLite has: skipped on a PostgreSQL run, saying where its
// PostgreSQL counterpart is tested.
#define BATON_SQLITE_ONLY(why)                                                                     \
    do {                                                                                           \
        if (Test::WorkspaceFixture::onPostgres())                                                  \
            QSKIP("SQLite only: " why);                                                            \
    } while (false)

class TestStore : public QObject
{
    Q_OBJECT
    Test::WorkspaceFixture m_spaces;

    /// Where a new store is made: baton.db in @p dir, or on PostgreSQL a new, empty database.
    QString where(const QTemporaryDir &dir)
    {
        return m_spaces.address(dir.filePath(QStringLiteral("baton.db")));
    }
    /// Opens (creating) the store at @p where.
    static std::unique_ptr<Store> open(const QString &where, const Store::Options &options = {})
    {
        if (StoreLocation::looksLikePostgres(where))
            return std::make_unique<Store>(StoreLocation::parse(where), options);
        return std::make_unique<Store>(where, options);
    }

private Q_SLOTS:
    void cleanup() { m_spaces.dropMore(); }

    void freshDatabaseIsMigrated()
    {
        QTemporaryDir dir;
        const auto opened = open(where(dir));
        Store &store = *opened;
        QCOMPARE(store.schemaVersion(), Store::latestSchemaVersion());
        QVERIFY(Store::latestSchemaVersion() >= 1);
        const bool pg = store.dialect() == Dialect::Postgres;
        if (!pg) {
            QCOMPARE(Sql::scalar(store.db(), QStringLiteral("PRAGMA journal_mode")).toString(),
                     QStringLiteral("wal"));
            QCOMPARE(Sql::scalar(store.db(), QStringLiteral("PRAGMA foreign_keys")).toInt(), 1);
        }
        const QStringList tables { "projects",       "environments",   "variables",
                                   "jobs",           "job_versions",   "job_version_files",
                                   "blobs",          "pipelines",      "pipeline_versions",
                                   "pipeline_tasks", "pipeline_edges", "schedules",
                                   "deployments",    "runs",           "task_runs",
                                   "task_attempts",  "metrics",        "audit_events",
                                   "engine_lease",   "requests",       "workspace_info" };
        for (const QString &t : tables) {
            QVERIFY2(Sql::scalar(store.db(),
                                 pg ? QStringLiteral("SELECT count(*) FROM "
                                                     "information_schema.tables WHERE "
                                                     "table_schema = 'baton' AND table_name = ?")
                                    : QStringLiteral("SELECT count(*) FROM sqlite_master WHERE "
                                                     "type = 'table' AND name = ?"),
                                 { t })
                             .toInt()
                         == 1,
                     qPrintable(t));
        }
    }

    void reopenKeepsIdentity()
    {
        QTemporaryDir dir;
        const QString path = where(dir);
        QString id;
        {
            const auto store = open(path);
            id = Sql::scalar(store->db(),
                             QStringLiteral("SELECT value FROM workspace_info WHERE key = 'id'"))
                     .toString();
            QVERIFY(!id.isEmpty());
        }
        const auto reopened = open(path);
        const Store &again = *reopened;
        QCOMPARE(Sql::scalar(again.db(),
                             QStringLiteral("SELECT value FROM workspace_info WHERE key = 'id'"))
                     .toString(),
                 id);
        QCOMPARE(Sql::scalar(again.db(),
                             QStringLiteral("SELECT count(*) FROM workspace_info "
                                            "WHERE key = 'id'"))
                     .toInt(),
                 1);
    }

    void newerSchemaIsRefusedAndUntouched()
    {
        QTemporaryDir dir;
        const QString path = where(dir);
        open(path);
        const Test::PgDatabase *pg = m_spaces.database(path);
        // What the workspace holds: the file, or every row of the database.
        const auto content = [&] {
            return pg ? pg->contentDigest().toLatin1() : fileHash(path);
        };
        if (pg) {
            QCOMPARE(pg->exec(QStringLiteral("UPDATE baton.schema_version SET version = 999")),
                     QString());
        } else {
            RawDb raw(path);
            QVERIFY(raw.exec(QStringLiteral("PRAGMA user_version = 999")));
            QVERIFY(raw.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")));
        }
        const QByteArray before = content();
        QVERIFY(!before.isEmpty());
        const QString message = expectError([&] { open(path); });
        QVERIFY2(message.contains(QStringLiteral("newer Baton")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("999")), qPrintable(message));
        QVERIFY2(message.contains(path), qPrintable(message));
        QCOMPARE(content(), before);
    }

    void nonSqliteFileIsReportedNotOverwritten()
    {
        BATON_SQLITE_ONLY("a file that is not a database (the server owns PostgreSQL's files)");
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("baton.db"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray("this is a spreadsheet, not a database\n").repeated(200));
        f.close();
        const QByteArray before = fileHash(path);
        const QString message = expectError([&] { Store store(path); });
        QVERIFY2(message.contains(QStringLiteral("not an SQLite")), qPrintable(message));
        QCOMPARE(fileHash(path), before);
        QVERIFY(!QFile::exists(path + QStringLiteral("-wal")));
    }

    void damagedSqliteFileIsReportedNotOverwritten()
    {
        BATON_SQLITE_ONLY("a damaged database file (the server owns PostgreSQL's files)");
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("baton.db"));
        {
            Store store(path);
            Sql::exec(store.db(), QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
        }
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadWrite));
        f.seek(100); // keep the 100-byte header, ruin the schema page
        f.write(QByteArray(4000, '\xA5'));
        f.close();
        const QByteArray before = fileHash(path);
        const QString message = expectError([&] { Store store(path); });
        QVERIFY2(message.contains(QStringLiteral("corrupt")), qPrintable(message));
        QCOMPARE(fileHash(path), before);
    }

    void foreignSqliteDatabaseIsRefused()
    {
        QTemporaryDir dir;
        if (Test::WorkspaceFixture::onPostgres()) {
            const QString url = where(dir);
            const Test::PgDatabase *pg = m_spaces.database(url);
            QCOMPARE(pg->exec(QStringLiteral("CREATE TABLE customers (id INTEGER); INSERT INTO "
                                             "customers VALUES (7)")),
                     QString());
            const QString message = expectError([&] { open(url); });
            QVERIFY2(message.contains(QStringLiteral("holds something else")), qPrintable(message));
            QVERIFY2(message.contains(url), qPrintable(message));
            QVERIFY(!pg->holdsBatonSchema());
            QCOMPARE(pg->exec(QStringLiteral("DO $$ BEGIN IF (SELECT sum(id) FROM customers) <> 7 "
                                             "THEN RAISE 'changed'; END IF; END $$")),
                     QString());
            return;
        }
        const QString path = dir.filePath(QStringLiteral("other.db"));
        {
            RawDb raw(path);
            QVERIFY(raw.exec(QStringLiteral("CREATE TABLE customers (id INTEGER)")));
        }
        const QByteArray before = fileHash(path);
        const QString message = expectError([&] { Store store(path); });
        QVERIFY2(message.contains(QStringLiteral("not a Baton workspace")), qPrintable(message));
        QCOMPARE(fileHash(path), before);
    }

    void lockedByAnotherWriterFailsWithinTimeout()
    {
        BATON_SQLITE_ONLY("BEGIN IMMEDIATE's file lock; PostgreSQL's advisory lock is "
                          "tst_postgresbackend writerGivesUpAfterTheBusyTimeout");
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("baton.db"));
        Store::Options options;
        options.busyTimeoutMs = 300;
        Store store(path, options);

        RawDb other(path);
        QVERIFY(other.exec(QStringLiteral("BEGIN IMMEDIATE")));
        QElapsedTimer timer;
        timer.start();
        const QString message = expectError([&] {
            store.transaction([](QSqlDatabase &db) {
                Sql::exec(db, QStringLiteral("INSERT INTO workspace_info VALUES ('k', 'v')"));
            });
        });
        // Bounded: it gave up instead of hanging (the wait itself is the 300 ms timeout).
        QVERIFY2(message.contains(QStringLiteral("locked")), qPrintable(message));
        QVERIFY(timer.elapsed() < 10000);
        QVERIFY(other.exec(QStringLiteral("ROLLBACK")));

        // Once the other writer is gone the same change goes through.
        store.transaction([](QSqlDatabase &db) {
            Sql::exec(db, QStringLiteral("INSERT INTO workspace_info VALUES ('k', 'v')"));
        });
        QCOMPARE(Sql::scalar(store.db(),
                             QStringLiteral("SELECT value FROM workspace_info WHERE key = 'k'"))
                     .toString(),
                 QStringLiteral("v"));
    }

    void migrationWaitsForLockedNewFile()
    {
        BATON_SQLITE_ONLY("a new file locked by another writer; on PostgreSQL two creators are "
                          "tst_postgresbackend concurrentCreationMigratesOnce");
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("baton.db"));
        RawDb other(path);
        QVERIFY(other.exec(QStringLiteral("BEGIN IMMEDIATE")));
        Store::Options options;
        options.busyTimeoutMs = 200;
        const QString message = expectError([&] { Store store(path, options); });
        QVERIFY2(message.contains(QStringLiteral("locked")), qPrintable(message));
        QVERIFY(other.exec(QStringLiteral("ROLLBACK")));
    }

    void transactionRollsBackOnError()
    {
        QTemporaryDir dir;
        const auto opened = open(where(dir));
        Store &store = *opened;
        const QString message = expectError([&] {
            store.transaction([](QSqlDatabase &db) {
                Sql::exec(db,
                          QStringLiteral("INSERT INTO projects (name, created_at, updated_at) "
                                         "VALUES ('a', 1, 1)"));
                Sql::exec(db,
                          QStringLiteral("INSERT INTO projects (name, created_at, updated_at) "
                                         "VALUES ('a', 2, 2)")); // UNIQUE violation
            });
        });
        QVERIFY2(message.contains(QStringLiteral("UNIQUE"), Qt::CaseInsensitive),
                 qPrintable(message));
        QCOMPARE(Sql::scalar(store.db(), QStringLiteral("SELECT count(*) FROM projects")).toInt(),
                 0);
        // The connection is usable again afterwards.
        store.transaction([](QSqlDatabase &db) {
            Sql::exec(db,
                      QStringLiteral("INSERT INTO projects (name, created_at, updated_at) "
                                     "VALUES ('b', 1, 1)"));
        });
        QCOMPARE(Sql::scalar(store.db(), QStringLiteral("SELECT count(*) FROM projects")).toInt(),
                 1);
    }

    void oneConnectionPerThread()
    {
        QTemporaryDir dir;
        const auto opened = open(where(dir));
        const Store &store = *opened;
        const QString mainName = store.db().connectionName();
        QString workerName;
        int workerCount = -1;
        QThread *thread = QThread::create([&] {
            workerName = store.db().connectionName();
            workerCount
                = Sql::scalar(store.db(), QStringLiteral("SELECT count(*) FROM projects")).toInt();
        });
        thread->start();
        QVERIFY(thread->wait(10000));
        delete thread;
        QCOMPARE(workerCount, 0);
        QVERIFY(!workerName.isEmpty());
        QVERIFY(workerName != mainName);
        // The worker's connection closed with its thread.
        QVERIFY(!QSqlDatabase::contains(workerName));
        QVERIFY(QSqlDatabase::contains(mainName));
    }

    void upgradesAnOlderSchemaKeepingData()
    {
        QTemporaryDir dir;
        if (Test::WorkspaceFixture::onPostgres())
            return upgradesTheBaselineKeepingData(where(dir));
        const QString path = dir.filePath(QStringLiteral("baton.db"));
        {
            // A workspace as schema version 1 left it.
            RawDb raw(path);
            QFile v1(QStringLiteral(":/baton/migrations/0001_initial.sql"));
            QVERIFY(v1.open(QIODevice::ReadOnly));
            for (const QString &statement : Sql::splitStatements(QString::fromUtf8(v1.readAll())))
                QVERIFY2(raw.exec(statement), qPrintable(statement));
            QVERIFY(raw.exec(QStringLiteral("INSERT INTO workspace_info VALUES ('id', 'old')")));
            QVERIFY(raw.exec(QStringLiteral("INSERT INTO projects (name, created_at, updated_at) "
                                            "VALUES ('kept', 1, 1)")));
            QVERIFY(raw.exec(QStringLiteral("PRAGMA user_version = 1")));
        }
        Store store(path);
        QCOMPARE(store.schemaVersion(), Store::latestSchemaVersion());
        QVERIFY(Store::latestSchemaVersion() >= 2);
        QCOMPARE(Sql::scalar(store.db(), QStringLiteral("SELECT name FROM projects")).toString(),
                 QStringLiteral("kept"));
        QCOMPARE(Sql::scalar(store.db(),
                             QStringLiteral("SELECT value FROM workspace_info WHERE "
                                            "key = 'id'"))
                     .toString(),
                 QStringLiteral("old"));
        // Version 2's columns and tables exist.
        Sql::exec(store.db(), QStringLiteral("SELECT not_before, ready_at_us FROM task_runs"));
        Sql::exec(store.db(),
                  QStringLiteral("SELECT attempt_dir, running_at_us FROM task_attempts"));
        Sql::exec(store.db(), QStringLiteral("SELECT key, value FROM settings"));
    }

    // Every index on task_runs / task_attempts is one more page written per task transition (the
    // engine's hot path): this list changes only on purpose.
    void hotTablesCarryOnlyTheIndexesTheyNeed()
    {
        QTemporaryDir dir;
        const auto store = open(where(dir));
        const bool pg = store->dialect() == Dialect::Postgres;
        QSqlQuery q = Sql::exec(
            store->db(),
            pg ? QStringLiteral("SELECT indexname FROM pg_indexes WHERE schemaname = 'baton' AND "
                                "tablename IN ('task_runs', 'task_attempts') ORDER BY indexname")
               : QStringLiteral("SELECT name FROM sqlite_master WHERE type = 'index' AND "
                                "tbl_name IN ('task_runs', 'task_attempts') ORDER BY name"));
        QStringList names;
        while (q.next())
            names << q.value(0).toString();
        // The same on both: each unique pair, the two of task_runs, and on PostgreSQL the primary
        // keys (an SQLite INTEGER PRIMARY KEY is the rowid, no index of its own).
        QCOMPARE(
            names,
            pg ? QStringList({ "task_attempts_pkey", "task_attempts_task_run_id_number_key",
                               "task_runs_finished", "task_runs_pkey", "task_runs_run",
                               "task_runs_run_id_task_name_key" })
               : QStringList({ "sqlite_autoindex_task_attempts_1", "sqlite_autoindex_task_runs_1",
                               "task_runs_finished", "task_runs_run" }));
    }

    // The index by end time holds only task runs that ended, and the dashboards' queries (a
    // finished_at range, or finished_at IS NOT NULL) still read through it.
    void finishedIndexServesEndedTaskRuns()
    {
        BATON_SQLITE_ONLY("SQLite's query plan; PostgreSQL's planner chooses by the table's "
                          "statistics (dashboard_bench measures those queries there)");
        QTemporaryDir dir;
        Store store(dir.filePath(QStringLiteral("baton.db")));
        const auto plan = [&](const QString &where) {
            QSqlQuery q = Sql::exec(store.db(),
                                    QStringLiteral("EXPLAIN QUERY PLAN SELECT t.job_version_id, "
                                                   "t.run_id FROM task_runs t WHERE ")
                                        + where);
            QString details;
            while (q.next())
                details += q.value(3).toString() + QLatin1Char('\n');
            return details;
        };
        QVERIFY2(plan(QStringLiteral("t.finished_at >= 1 AND t.finished_at < 2 AND t.state IN "
                                     "('failed', 'lost')"))
                     .contains(QLatin1String("task_runs_finished")),
                 "a finished_at range reads the partial index");
        QVERIFY2(plan(QStringLiteral("t.finished_at IS NOT NULL AND t.state = 'failed'"))
                     .contains(QLatin1String("task_runs_finished")),
                 "finished_at IS NOT NULL reads the partial index");
        // Unfinished task runs are not in it: a query for them cannot use it (and gets them all).
        QVERIFY(!plan(QStringLiteral("t.finished_at IS NULL"))
                     .contains(QLatin1String("task_runs_finished")));
    }

private:
    // upgradesAnOlderSchemaKeepingData on PostgreSQL, whose oldest schema is the baseline
    // (version 10): every later migration applies and keeps what was there.
    void upgradesTheBaselineKeepingData(const QString &url)
    {
        const Test::PgDatabase *pg = m_spaces.database(url);
        QFile baseline(QStringLiteral(":/baton/migrations/postgresql/0010_baseline.sql"));
        QVERIFY(baseline.open(QIODevice::ReadOnly));
        QCOMPARE(pg->exec(QString::fromUtf8(baseline.readAll())), QString());
        QCOMPARE(pg->exec(QStringLiteral(
                     "UPDATE baton.schema_version SET version = 10; INSERT INTO "
                     "baton.workspace_info VALUES ('id', 'old'); INSERT INTO baton.projects "
                     "(name, created_at, updated_at) VALUES ('kept', 1, 1)")),
                 QString());
        const auto store = open(url);
        QCOMPARE(store->schemaVersion(), Store::latestSchemaVersion());
        QVERIFY(Store::latestSchemaVersion() > 10);
        QCOMPARE(Sql::scalar(store->db(), QStringLiteral("SELECT name FROM projects")).toString(),
                 QStringLiteral("kept"));
        QCOMPARE(Sql::scalar(store->db(),
                             QStringLiteral("SELECT value FROM workspace_info WHERE key = 'id'"))
                     .toString(),
                 QStringLiteral("old"));
        // Later versions' tables exist: the change marker (11), attempt logs (12).
        Sql::exec(store->db(), QStringLiteral("SELECT count(*) FROM change_marker"));
        Sql::exec(store->db(), QStringLiteral("SELECT attempt_id, bytes FROM attempt_logs"));
    }

private Q_SLOTS:
    void splitStatements()
    {
        const QStringList parts = Sql::splitStatements(QStringLiteral(
            "-- a comment; with a semicolon\nCREATE TABLE a (x TEXT DEFAULT 'x;y');\n"
            "INSERT INTO a VALUES ('--not a comment');  \n\n"));
        QCOMPARE(parts.size(), 2);
        QCOMPARE(parts[0], QStringLiteral("CREATE TABLE a (x TEXT DEFAULT 'x;y')"));
        QCOMPARE(parts[1], QStringLiteral("INSERT INTO a VALUES ('--not a comment')"));
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
