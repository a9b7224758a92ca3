#include "store/sql.h"
#include "store/store.h"
#include "util/error.h"

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

class TestStore : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void freshDatabaseIsMigrated()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("baton.db"));
        Store store(path);
        QCOMPARE(store.schemaVersion(), Store::latestSchemaVersion());
        QVERIFY(Store::latestSchemaVersion() >= 1);
        QCOMPARE(Sql::scalar(store.db(), QStringLiteral("PRAGMA journal_mode")).toString(),
                 QStringLiteral("wal"));
        QCOMPARE(Sql::scalar(store.db(), QStringLiteral("PRAGMA foreign_keys")).toInt(), 1);
        const QStringList tables { "projects",       "environments",   "variables",
                                   "jobs",           "job_versions",   "job_version_files",
                                   "blobs",          "pipelines",      "pipeline_versions",
                                   "pipeline_tasks", "pipeline_edges", "schedules",
                                   "deployments",    "runs",           "task_runs",
                                   "task_attempts",  "metrics",        "audit_events",
                                   "engine_lease",   "requests",       "workspace_info" };
        for (const QString &t : tables) {
            QVERIFY2(Sql::scalar(store.db(),
                                 QStringLiteral("SELECT count(*) FROM sqlite_master WHERE "
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
        const QString path = dir.filePath(QStringLiteral("baton.db"));
        QString id;
        {
            Store store(path);
            id = Sql::scalar(store.db(),
                             QStringLiteral("SELECT value FROM workspace_info WHERE key = 'id'"))
                     .toString();
            QVERIFY(!id.isEmpty());
        }
        Store again(path);
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
        const QString path = dir.filePath(QStringLiteral("baton.db"));
        {
            Store store(path);
        }
        {
            RawDb raw(path);
            QVERIFY(raw.exec(QStringLiteral("PRAGMA user_version = 999")));
            QVERIFY(raw.exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)")));
        }
        const QByteArray before = fileHash(path);
        const QString message = expectError([&] { Store store(path); });
        QVERIFY2(message.contains(QStringLiteral("newer Baton")), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("999")), qPrintable(message));
        QVERIFY2(message.contains(path), qPrintable(message));
        QCOMPARE(fileHash(path), before);
    }

    void nonSqliteFileIsReportedNotOverwritten()
    {
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
        Store store(dir.filePath(QStringLiteral("baton.db")));
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
        QVERIFY2(message.contains(QStringLiteral("UNIQUE")), qPrintable(message));
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
        Store store(dir.filePath(QStringLiteral("baton.db")));
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
        Store store(dir.filePath(QStringLiteral("baton.db")));
        QSqlQuery q = Sql::exec(store.db(),
                                QStringLiteral("SELECT name FROM sqlite_master WHERE type = "
                                               "'index' AND tbl_name IN ('task_runs', "
                                               "'task_attempts') ORDER BY name"));
        QStringList names;
        while (q.next())
            names << q.value(0).toString();
        QCOMPARE(names,
                 QStringList({ "sqlite_autoindex_task_attempts_1", "sqlite_autoindex_task_runs_1",
                               "task_runs_finished", "task_runs_run" }));
    }

    // The index by end time holds only task runs that ended, and the dashboards' queries (a
    // finished_at range, or finished_at IS NOT NULL) still read through it.
    void finishedIndexServesEndedTaskRuns()
    {
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
