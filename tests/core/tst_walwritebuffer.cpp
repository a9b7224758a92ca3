// WalWriteBuffer: a commit's WAL frames reach the file in one write call, and nothing a reader or
// a crash could tell apart from SQLite's own writes.
#include "store/walwritebuffer.h"

#include <QByteArray>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QTest>
#include <csignal>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace Baton;

namespace {

sqlite3 *open(const QString &path, int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
{
    sqlite3 *db = nullptr;
    if (sqlite3_open_v2(path.toUtf8().constData(), &db, flags, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        return nullptr;
    }
    sqlite3_busy_timeout(db, 5000);
    return db;
}

bool exec(sqlite3 *db, const char *sql)
{
    char *error = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
    if (rc != SQLITE_OK)
        qWarning("%s: %s", sql, error ? error : "?");
    sqlite3_free(error);
    return rc == SQLITE_OK;
}

qint64 scalar(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = nullptr;
    qint64 value = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_ROW)
        value = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return value;
}

QString text(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = nullptr;
    QString value;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK
        && sqlite3_step(st) == SQLITE_ROW)
        value = QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(st, 0)));
    sqlite3_finalize(st);
    return value;
}

sqlite3 *openWal(const QString &path)
{
    sqlite3 *db = open(path);
    if (db
        && (!exec(db, "PRAGMA journal_mode=WAL") || !exec(db, "PRAGMA synchronous=NORMAL")
            || !exec(db, "CREATE TABLE IF NOT EXISTS t (batch INTEGER, payload BLOB)"))) {
        sqlite3_close(db);
        return nullptr;
    }
    return db;
}

} // namespace

class TestWalWriteBuffer : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(WalWriteBuffer::install());
        QVERIFY(WalWriteBuffer::install()); // once; a second call changes nothing
        QCOMPARE(QByteArray(sqlite3_vfs_find(nullptr)->zName), QByteArray("baton-walbuf"));
    }

    void aCommitIsOneWriteCall()
    {
        QTemporaryDir tmp;
        sqlite3 *db = openWal(tmp.filePath(QStringLiteral("a.db")));
        QVERIFY(db);
        const auto before = WalWriteBuffer::counts();
        for (int i = 0; i < 100; ++i) {
            // Five rows of 3,000 bytes: several pages, so several frames, per commit.
            QVERIFY(exec(db, "BEGIN"));
            for (int r = 0; r < 5; ++r)
                QVERIFY(exec(db, "INSERT INTO t VALUES (1, randomblob(3000))"));
            QVERIFY(exec(db, "COMMIT"));
        }
        const auto after = WalWriteBuffer::counts();
        const qint64 asked = after.walWritesAsked - before.walWritesAsked;
        const qint64 issued = after.walWritesIssued - before.walWritesIssued;
        QVERIFY2(asked >= 100 * 2 * 4, qPrintable(QString::number(asked))); // 2 per frame
        QVERIFY2(issued <= 100 + 5, qPrintable(QStringLiteral("%1 of %2").arg(issued).arg(asked)));
        QCOMPARE(scalar(db, "SELECT count(*) FROM t"), qint64(500));
        QCOMPARE(text(db, "PRAGMA integrity_check"), QStringLiteral("ok"));
        sqlite3_close(db);
    }

    // Another connection (its own file handles, as another process has) sees each commit as
    // soon as COMMIT returns, and never a part of one.
    void readersSeeEveryCommitAtOnce()
    {
        QTemporaryDir tmp;
        const QString path = tmp.filePath(QStringLiteral("r.db"));
        sqlite3 *writer = openWal(path);
        sqlite3 *reader = open(path);
        QVERIFY(writer && reader);
        for (int i = 1; i <= 200; ++i) {
            QVERIFY(exec(writer, "BEGIN"));
            for (int r = 0; r < 3; ++r) {
                QVERIFY(exec(writer,
                             QByteArray("INSERT INTO t VALUES (" + QByteArray::number(i)
                                        + ", randomblob(1500))")
                                 .constData()));
            }
            QCOMPARE(scalar(reader, "SELECT count(*) FROM t"), qint64((i - 1) * 3));
            QVERIFY(exec(writer, "COMMIT"));
            QCOMPARE(scalar(reader, "SELECT count(*) FROM t"), qint64(i * 3));
            QCOMPARE(scalar(reader, "SELECT max(batch) FROM t"), qint64(i));
        }
        sqlite3_close(reader);
        sqlite3_close(writer);
    }

    // A transaction larger than the page cache spills frames into the WAL before it commits,
    // and reads them back: rolled back it leaves nothing, committed it is whole.
    void spilledTransactionsRollBackAndCommit()
    {
        QTemporaryDir tmp;
        const QString path = tmp.filePath(QStringLiteral("s.db"));
        sqlite3 *db = openWal(path);
        QVERIFY(db);
        QVERIFY(exec(db, "PRAGMA cache_size=10"));
        for (const char *end : { "ROLLBACK", "COMMIT" }) {
            QVERIFY(exec(db, "BEGIN"));
            for (int r = 0; r < 2000; ++r)
                QVERIFY(exec(db, "INSERT INTO t VALUES (7, randomblob(1000))"));
            // Reads the spilled pages back (from the WAL, through this VFS).
            QCOMPARE(scalar(db, "SELECT count(*) FROM t WHERE length(payload) = 1000"),
                     qint64(2000));
            QVERIFY(exec(db, end));
        }
        sqlite3 *fresh = open(path);
        QVERIFY(fresh);
        QCOMPARE(scalar(fresh, "SELECT count(*) FROM t"), qint64(2000));
        QCOMPARE(text(fresh, "PRAGMA integrity_check"), QStringLiteral("ok"));
        sqlite3_close(fresh);
        sqlite3_close(db);
    }

    // After a checkpoint the WAL starts again from its beginning: its new header and frames are
    // written over the old ones.
    void walRestartsAfterCheckpoints()
    {
        QTemporaryDir tmp;
        const QString path = tmp.filePath(QStringLiteral("c.db"));
        sqlite3 *db = openWal(path);
        QVERIFY(db);
        for (int round = 0; round < 5; ++round) {
            for (int i = 0; i < 50; ++i)
                QVERIFY(exec(db, "INSERT INTO t VALUES (2, randomblob(2000))"));
            QVERIFY(exec(db,
                         round % 2 ? "PRAGMA wal_checkpoint(RESTART)"
                                   : "PRAGMA wal_checkpoint(TRUNCATE)"));
        }
        QVERIFY(exec(db, "INSERT INTO t VALUES (3, randomblob(10))"));
        sqlite3_close(db);
        sqlite3 *fresh = open(path);
        QCOMPARE(scalar(fresh, "SELECT count(*) FROM t"), qint64(251));
        QCOMPARE(text(fresh, "PRAGMA integrity_check"), QStringLiteral("ok"));
        sqlite3_close(fresh);
    }

    // kill -9 of a writer at random moments: every commit it was told had succeeded is there,
    // whole, and the database is sound.
    void killedWriterLosesNoCommit()
    {
        QTemporaryDir tmp;
        for (int round = 0; round < 5; ++round) {
            const QString path = tmp.filePath(QStringLiteral("k%1.db").arg(round));
            int acks[2];
            QCOMPARE(::pipe(acks), 0);
            const pid_t child = ::fork();
            QVERIFY(child >= 0);
            if (child == 0) {
                ::close(acks[0]);
                sqlite3 *db = openWal(path);
                for (int i = 1; db; ++i) {
                    bool ok = exec(db, "BEGIN");
                    for (int r = 0; ok && r < 4; ++r) {
                        ok = exec(db,
                                  QByteArray("INSERT INTO t VALUES (" + QByteArray::number(i)
                                             + ", randomblob(1200))")
                                      .constData());
                    }
                    if (!ok || !exec(db, "COMMIT") || ::write(acks[1], &i, sizeof i) != sizeof i)
                        break;
                }
                ::_exit(1);
            }
            ::close(acks[1]);
            const int wanted = 20 + int(QRandomGenerator::global()->bounded(200));
            int last = 0;
            while (last < wanted && ::read(acks[0], &last, sizeof last) == sizeof last) { }
            ::kill(child, SIGKILL);
            int status = 0;
            ::waitpid(child, &status, 0);
            ::close(acks[0]);
            QVERIFY(WIFSIGNALED(status));

            sqlite3 *db = open(path);
            QVERIFY(db);
            QCOMPARE(text(db, "PRAGMA integrity_check"), QStringLiteral("ok"));
            QVERIFY2(scalar(db, "SELECT max(batch) FROM t") >= last,
                     qPrintable(QStringLiteral("acknowledged %1").arg(last)));
            // No commit in part: every batch has its four rows.
            QCOMPARE(scalar(db,
                            "SELECT count(*) FROM (SELECT batch FROM t GROUP BY batch "
                            "HAVING count(*) <> 4)"),
                     qint64(0));
            sqlite3_close(db);
        }
    }

    void cannotOpenIsReportedAsBefore()
    {
        sqlite3 *db = nullptr;
        const int rc = sqlite3_open_v2("/nonexistent-baton-dir/x.db", &db,
                                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
        QCOMPARE(rc, SQLITE_CANTOPEN);
        sqlite3_close(db);
    }
};

QTEST_GUILESS_MAIN(TestWalWriteBuffer)
#include "tst_walwritebuffer.moc"
