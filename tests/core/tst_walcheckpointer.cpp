// WalCheckpointer: the engine connection's WAL checkpoints run on a thread of their own.
//
// The "engine" connection opens through a spy VFS that records which thread writes or syncs the
// database file. In WAL mode only a checkpoint writes to it, so "no write from the committing
// thread" means that thread never checkpointed, whoever would have started it (SQLite's
// auto-checkpoint included). The same VFS injects failures and slow syncs.
#include "store/walcheckpointer.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <chrono>
#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

using namespace Baton;

namespace {

namespace Spy {

std::thread::id committer; // the test's own thread
std::atomic<int> dbWritesHere, dbWritesElsewhere, dbSyncsHere, dbSyncsElsewhere;
std::atomic<int> syncsStartedElsewhere; // any file
std::atomic<bool> failSyncElsewhere { false };
std::atomic<int> slowSyncElsewhereMs { 0 };

void reset()
{
    dbWritesHere = dbWritesElsewhere = dbSyncsHere = dbSyncsElsewhere = 0;
    syncsStartedElsewhere = 0;
    failSyncElsewhere = false;
    slowSyncElsewhereMs = 0;
}

bool here()
{
    return std::this_thread::get_id() == committer;
}

struct File
{
    sqlite3_file base;
    sqlite3_file *real;
    bool mainDb;
};

sqlite3_file *real(sqlite3_file *f)
{
    return reinterpret_cast<File *>(f)->real;
}

int xClose(sqlite3_file *f)
{
    return real(f)->pMethods->xClose(real(f));
}
int xRead(sqlite3_file *f, void *b, int n, sqlite3_int64 o)
{
    return real(f)->pMethods->xRead(real(f), b, n, o);
}
int xWrite(sqlite3_file *f, const void *b, int n, sqlite3_int64 o)
{
    if (reinterpret_cast<File *>(f)->mainDb)
        ++(here() ? dbWritesHere : dbWritesElsewhere);
    return real(f)->pMethods->xWrite(real(f), b, n, o);
}
int xTruncate(sqlite3_file *f, sqlite3_int64 size)
{
    return real(f)->pMethods->xTruncate(real(f), size);
}
int xSync(sqlite3_file *f, int flags)
{
    if (!here()) {
        ++syncsStartedElsewhere;
        if (failSyncElsewhere)
            return SQLITE_IOERR_FSYNC;
        if (const int ms = slowSyncElsewhereMs)
            std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    }
    if (reinterpret_cast<File *>(f)->mainDb)
        ++(here() ? dbSyncsHere : dbSyncsElsewhere);
    return real(f)->pMethods->xSync(real(f), flags);
}
int xFileSize(sqlite3_file *f, sqlite3_int64 *size)
{
    return real(f)->pMethods->xFileSize(real(f), size);
}
int xLock(sqlite3_file *f, int l)
{
    return real(f)->pMethods->xLock(real(f), l);
}
int xUnlock(sqlite3_file *f, int l)
{
    return real(f)->pMethods->xUnlock(real(f), l);
}
int xCheckReservedLock(sqlite3_file *f, int *out)
{
    return real(f)->pMethods->xCheckReservedLock(real(f), out);
}
int xFileControl(sqlite3_file *f, int op, void *arg)
{
    return real(f)->pMethods->xFileControl(real(f), op, arg);
}
int xSectorSize(sqlite3_file *f)
{
    return real(f)->pMethods->xSectorSize(real(f));
}
int xDeviceCharacteristics(sqlite3_file *f)
{
    return real(f)->pMethods->xDeviceCharacteristics(real(f));
}
int xShmMap(sqlite3_file *f, int page, int size, int extend, void volatile **out)
{
    return real(f)->pMethods->xShmMap(real(f), page, size, extend, out);
}
int xShmLock(sqlite3_file *f, int offset, int n, int flags)
{
    return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
}
void xShmBarrier(sqlite3_file *f)
{
    real(f)->pMethods->xShmBarrier(real(f));
}
int xShmUnmap(sqlite3_file *f, int deleteFlag)
{
    return real(f)->pMethods->xShmUnmap(real(f), deleteFlag);
}
int xFetch(sqlite3_file *f, sqlite3_int64 o, int n, void **out)
{
    return real(f)->pMethods->xFetch(real(f), o, n, out);
}
int xUnfetch(sqlite3_file *f, sqlite3_int64 o, void *p)
{
    return real(f)->pMethods->xUnfetch(real(f), o, p);
}

const sqlite3_io_methods methods = {
    3,
    xClose,
    xRead,
    xWrite,
    xTruncate,
    xSync,
    xFileSize,
    xLock,
    xUnlock,
    xCheckReservedLock,
    xFileControl,
    xSectorSize,
    xDeviceCharacteristics,
    xShmMap,
    xShmLock,
    xShmBarrier,
    xShmUnmap,
    xFetch,
    xUnfetch,
};

sqlite3_vfs *base = nullptr;
sqlite3_vfs vfs;

int xOpen(sqlite3_vfs *, const char *name, sqlite3_file *f, int flags, int *outFlags)
{
    auto *file = reinterpret_cast<File *>(f);
    file->real = reinterpret_cast<sqlite3_file *>(file + 1);
    file->mainDb = (flags & SQLITE_OPEN_MAIN_DB) != 0;
    const int rc = base->xOpen(base, name, file->real, flags, outFlags);
    file->base.pMethods = file->real->pMethods ? &methods : nullptr;
    return rc;
}

void install()
{
    base = sqlite3_vfs_find(nullptr);
    vfs = *base; // everything but opening goes straight to the default VFS
    vfs.zName = "batonspy";
    vfs.szOsFile = int(sizeof(File)) + base->szOsFile;
    vfs.xOpen = xOpen;
    vfs.pNext = nullptr;
    sqlite3_vfs_register(&vfs, 0);
    committer = std::this_thread::get_id();
}

} // namespace Spy

// Counts what reaches the log about checkpoints, by level.
class LogCounter : public spdlog::sinks::base_sink<std::mutex>
{
public:
    std::atomic<int> errors { 0 };
    std::atomic<int> warnings { 0 };

protected:
    void sink_it_(const spdlog::details::log_msg &msg) override
    {
        if (std::string_view(msg.payload.data(), msg.payload.size()).find("WAL checkpoints")
            == std::string_view::npos)
            return;
        if (msg.level >= spdlog::level::err)
            ++errors;
        else if (msg.level == spdlog::level::warn)
            ++warnings;
    }
    void flush_() override { }
};

constexpr int Threshold = 50;

// An "engine" connection through the spy VFS, WAL and synchronous = NORMAL as the Store's.
class Db
{
public:
    Db(const QString &path, const QString &journalMode = QStringLiteral("WAL"))
        : m_name(QStringLiteral("tst:%1:%2").arg(path).arg(++s_connections))
    {
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        m_db.setDatabaseName(QStringLiteral("file:%1?vfs=batonspy").arg(path));
        m_db.setConnectOptions(QStringLiteral("QSQLITE_OPEN_URI;QSQLITE_BUSY_TIMEOUT=5000"));
        if (!m_db.open())
            qFatal("cannot open %s: %s", qPrintable(path), qPrintable(m_db.lastError().text()));
        exec(QStringLiteral("PRAGMA journal_mode = %1").arg(journalMode));
        exec(QStringLiteral("PRAGMA synchronous = NORMAL"));
        exec(QStringLiteral("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, n INTEGER, "
                            "payload BLOB)"));
        m_insert = QSqlQuery(m_db);
        m_insert.prepare(QStringLiteral("INSERT INTO t (n, payload) VALUES (?, randomblob(1500))"));
    }
    ~Db() { close(); }

    QSqlDatabase &db() { return m_db; }
    QString name() const { return m_name; }
    QVariant exec(const QString &sql)
    {
        QSqlQuery q(m_db);
        if (!q.exec(sql))
            qFatal("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
        const QVariant v = q.next() ? q.value(0) : QVariant();
        q.finish();
        return v;
    }
    // One transaction, as the engine's transitions: about one page.
    void commit(int n)
    {
        exec(QStringLiteral("BEGIN IMMEDIATE"));
        m_insert.addBindValue(n);
        if (!m_insert.exec())
            qFatal("insert: %s", qPrintable(m_insert.lastError().text()));
        exec(QStringLiteral("COMMIT"));
    }
    void close()
    {
        if (m_name.isEmpty())
            return;
        m_insert = QSqlQuery();
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(m_name);
        m_name.clear();
    }

private:
    static inline int s_connections = 0;
    QString m_name;
    QSqlDatabase m_db;
    QSqlQuery m_insert;
};

// Frames the WAL file has room for: it is reused from its start, never shrunk.
qint64 walFrames(const QString &path)
{
    const qint64 size = QFileInfo(path + QStringLiteral("-wal")).size();
    return size <= 32 ? 0 : (size - 32) / (4096 + 24);
}

// Waits for a requested checkpoint to end: the engine's commits have gaps between them.
bool waitIdle(const WalCheckpointer &c)
{
    QElapsedTimer t;
    t.start();
    while (c.isBusy()) {
        if (t.elapsed() > 10000)
            return false;
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    return true;
}

// Rows and integrity as a fresh connection (no spy, no checkpointer) sees them.
QPair<qint64, QString> verify(const QString &path)
{
    const QString name = QStringLiteral("verify:") + path;
    qint64 rows = -1;
    QString integrity;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(QStringLiteral("SELECT count(*), count(DISTINCT n) = count(*) FROM t"))
                && q.next())
                rows = q.value(1).toBool() ? q.value(0).toLongLong() : -2;
            if (q.exec(QStringLiteral("PRAGMA integrity_check")) && q.next())
                integrity = q.value(0).toString();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return { rows, integrity };
}

} // namespace

class TestWalCheckpointer : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_tmp;
    int m_count = 0;
    std::shared_ptr<LogCounter> m_log;

    QString path() { return m_tmp.filePath(QStringLiteral("%1.db").arg(++m_count)); }

    // How far the WAL grows with nobody checkpointing: what the checkpointer is measured by.
    qint64 uncheckpointedFrames(int commits)
    {
        const QString p = path();
        Db db(p);
        db.exec(QStringLiteral("PRAGMA wal_autocheckpoint = 0"));
        for (int i = 0; i < commits; ++i)
            db.commit(i);
        return walFrames(p);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_tmp.isValid());
        Spy::install();
        m_log = std::make_shared<LogCounter>();
        auto logger = std::make_shared<spdlog::logger>(
            "test",
            spdlog::sinks_init_list { m_log, std::make_shared<spdlog::sinks::stderr_sink_mt>() });
        spdlog::set_default_logger(logger);
    }

    void init()
    {
        Spy::reset();
        m_log->errors = 0;
        m_log->warnings = 0;
    }

    void checkpointsRunOffTheCommittingThread()
    {
        const QString p = path();
        const int commits = 1500;
        std::mutex mutex;
        QList<WalCheckpointer::Checkpoint> seen;
        {
            Db db(p);
            WalCheckpointer::Options o;
            o.thresholdPages = Threshold;
            o.onCheckpoint = [&](const WalCheckpointer::Checkpoint &c) {
                std::lock_guard lock(mutex);
                seen << c;
            };
            WalCheckpointer checkpointer(db.db(), o);
            QVERIFY(checkpointer.isActive());
            QVERIFY(checkpointer.error().isEmpty());
            Spy::reset();
            for (int i = 0; i < commits; ++i) {
                db.commit(i);
                QVERIFY(waitIdle(checkpointer));
            }
            QCOMPARE(checkpointer.inlineCheckpoints(), 0);
            QVERIFY2(checkpointer.backgroundCheckpoints() >= commits / Threshold / 2,
                     qPrintable(QString::number(checkpointer.backgroundCheckpoints())));
            std::lock_guard lock(mutex);
            QCOMPARE(seen.size(), checkpointer.backgroundCheckpoints());
            for (const auto &c : std::as_const(seen)) {
                QVERIFY(c.background);
                QVERIFY(c.thread != std::this_thread::get_id());
                QCOMPARE(c.backfilled, c.walFrames); // nobody else reads: all of it
            }
            // The committing thread never wrote the database file: it never checkpointed.
            QCOMPARE(Spy::dbWritesHere.load(), 0);
            QCOMPARE(Spy::dbSyncsHere.load(), 0);
            QVERIFY(Spy::dbWritesElsewhere > 0);
            QVERIFY(Spy::dbSyncsElsewhere > 0);
            // The WAL was started again after each checkpoint: it never held much more than the
            // threshold, where nobody checkpointing makes it hold every commit.
            const qint64 frames = walFrames(p);
            const qint64 unbounded = uncheckpointedFrames(commits);
            qInfo("WAL: %lld frames with the checkpointer, %lld without any checkpoint", frames,
                  unbounded);
            QVERIFY(frames > 0);
            QVERIFY2(frames <= Threshold + 5, qPrintable(QString::number(frames)));
            QVERIFY(unbounded >= commits);
            QCOMPARE(db.exec(QStringLiteral("PRAGMA synchronous")).toInt(), 1); // NORMAL
        }
        const auto [rows, integrity] = verify(p);
        QCOMPARE(rows, qint64(commits));
        QCOMPARE(integrity, QStringLiteral("ok"));
        QCOMPARE(m_log->errors.load(), 0);
    }

    // The measure above catches a committing thread that checkpoints, as SQLite's own does.
    void withoutItTheCommittingThreadCheckpoints()
    {
        Db db(path());
        db.exec(QStringLiteral("PRAGMA wal_autocheckpoint = %1").arg(Threshold));
        Spy::reset();
        for (int i = 0; i < 200; ++i)
            db.commit(i);
        QVERIFY(Spy::dbWritesHere > 0);
        QVERIFY(Spy::dbSyncsHere > 0);
        QCOMPARE(Spy::dbWritesElsewhere.load(), 0);
    }

    // A writer that never pauses never lets a background checkpoint be complete as it starts a
    // transaction, so the WAL is never started again: past the limit the committing thread
    // finishes the job, and the WAL stays bounded.
    void writerThatNeverPausesKeepsTheWalBounded()
    {
        const QString p = path();
        const int commits = 3000;
        const int limit = 4 * Threshold;
        {
            Db db(p);
            WalCheckpointer::Options o;
            o.thresholdPages = Threshold;
            o.limitPages = limit;
            WalCheckpointer checkpointer(db.db(), o);
            Spy::reset();
            for (int i = 0; i < commits; ++i)
                db.commit(i);
            const qint64 frames = walFrames(p);
            const qint64 unbounded = uncheckpointedFrames(commits);
            qInfo("%d background and %d inline checkpoints; WAL %lld frames (%lld without any "
                  "checkpoint)",
                  checkpointer.backgroundCheckpoints(), checkpointer.inlineCheckpoints(), frames,
                  unbounded);
            QVERIFY(checkpointer.backgroundCheckpoints() > 0);
            QVERIFY(Spy::dbWritesElsewhere > 0);
            QVERIFY2(frames <= limit + 5, qPrintable(QString::number(frames)));
            QVERIFY(unbounded >= 2 * commits);
            QVERIFY(checkpointer.isActive());
        }
        const auto [rows, integrity] = verify(p);
        QCOMPARE(rows, qint64(commits));
        QCOMPARE(integrity, QStringLiteral("ok"));
    }

    void readersHoldingSnapshotsAreWaitedFor()
    {
        const QString p = path();
        Db db(p);
        Db reader(p);
        WalCheckpointer::Options o;
        o.thresholdPages = Threshold;
        o.limitPages = 100000; // the thread only
        std::atomic<int> partial { 0 };
        o.onCheckpoint = [&](const WalCheckpointer::Checkpoint &c) {
            if (c.backfilled < c.walFrames)
                ++partial;
        };
        WalCheckpointer checkpointer(db.db(), o);
        for (int i = 0; i < 20; ++i)
            db.commit(i);
        // A read transaction pins its snapshot: frames after it cannot be back-filled yet.
        reader.exec(QStringLiteral("BEGIN"));
        QCOMPARE(reader.exec(QStringLiteral("SELECT count(*) FROM t")).toInt(), 20);
        for (int i = 20; i < 400; ++i) {
            db.commit(i);
            QVERIFY(waitIdle(checkpointer));
        }
        QVERIFY(partial > 0);
        const qint64 pinned = walFrames(p);
        QVERIFY2(pinned > 300, qPrintable(QString::number(pinned))); // nothing restarted it
        // Once the reader lets go, the next checkpoint completes and the WAL starts again.
        reader.exec(QStringLiteral("COMMIT"));
        const int before = checkpointer.backgroundCheckpoints();
        for (int i = 400; i < 1400; ++i) {
            db.commit(i);
            QVERIFY(waitIdle(checkpointer));
        }
        QVERIFY(checkpointer.backgroundCheckpoints() > before);
        // Reused from its start: 1000 more commits would have added about 2000 frames.
        QVERIFY2(walFrames(p) <= pinned + 5, qPrintable(QString::number(walFrames(p))));
        QCOMPARE(checkpointer.inlineCheckpoints(), 0);
    }

    void secondConnectionCannotOpen()
    {
        const QString p = path();
        Db db(p);
        db.exec(QStringLiteral("PRAGMA wal_autocheckpoint = %1").arg(Threshold));
        // The engine's connection keeps the file it opened; nobody can open it again.
        QVERIFY(QFile::remove(p));
        std::unique_ptr<WalCheckpointer> checkpointer;
        {
            WalCheckpointer::Options o;
            o.thresholdPages = Threshold;
            checkpointer = std::make_unique<WalCheckpointer>(db.db(), o);
        }
        QVERIFY(!checkpointer->isActive());
        QVERIFY2(checkpointer->error().contains(QLatin1String("cannot open")),
                 qPrintable(checkpointer->error()));
        QCOMPARE(m_log->errors.load(), 1);
        // The connection still checkpoints itself, as before: the WAL stays bounded.
        Spy::reset();
        for (int i = 0; i < 1500; ++i)
            db.commit(i);
        QVERIFY(Spy::dbWritesHere > 0);
        QVERIFY2(walFrames(p) <= Threshold + 5, qPrintable(QString::number(walFrames(p))));
        checkpointer.reset();
        QCOMPARE(m_log->errors.load(), 1);
        QCOMPARE(db.exec(QStringLiteral("SELECT count(*) FROM t")).toInt(), 1500);
    }

    void notAWalDatabase()
    {
        const QString p = path();
        Db db(p, QStringLiteral("DELETE"));
        WalCheckpointer checkpointer(db.db());
        QVERIFY(!checkpointer.isActive());
        QVERIFY2(checkpointer.error().contains(QLatin1String("WAL")),
                 qPrintable(checkpointer.error()));
        QCOMPARE(m_log->errors.load(), 1);
        for (int i = 0; i < 50; ++i)
            db.commit(i);
        QCOMPARE(db.exec(QStringLiteral("SELECT count(*) FROM t")).toInt(), 50);
        QVERIFY(!QFile::exists(p + QStringLiteral("-wal")));
        QCOMPARE(m_log->errors.load(), 1);
    }

    void checkpointErrorFallsBackToTheConnection()
    {
        const QString p = path();
        const int commits = 1500;
        {
            Db db(p);
            WalCheckpointer::Options o;
            o.thresholdPages = Threshold;
            WalCheckpointer checkpointer(db.db(), o);
            QVERIFY(checkpointer.isActive());
            Spy::reset();
            Spy::failSyncElsewhere = true; // an I/O error on the thread's connection only
            for (int i = 0; i < commits; ++i) {
                db.commit(i);
                QVERIFY(waitIdle(checkpointer));
            }
            QVERIFY(!checkpointer.isActive());
            QVERIFY2(checkpointer.error().contains(QLatin1String("checkpoint failed")),
                     qPrintable(checkpointer.error()));
            QCOMPARE(m_log->errors.load(), 1); // once, however many commits follow
            QCOMPARE(checkpointer.backgroundCheckpoints(), 0);
            QVERIFY(checkpointer.inlineCheckpoints() >= 1); // the commit that took over
            QVERIFY(Spy::dbWritesHere > 0);
            QVERIFY2(walFrames(p) <= 2 * Threshold + 5, qPrintable(QString::number(walFrames(p))));
            QCOMPARE(db.exec(QStringLiteral("PRAGMA wal_autocheckpoint")).toInt(), Threshold);
        }
        QCOMPARE(m_log->errors.load(), 1);
        const auto [rows, integrity] = verify(p);
        QCOMPARE(rows, qint64(commits));
        QCOMPARE(integrity, QStringLiteral("ok"));
    }

    // Destroyed while idle, just after a request, mid-checkpoint (slow syncs) and once a
    // checkpoint is over: it joins, nothing is lost, the connection has its auto-checkpoint back.
    void destructionJoinsCleanly()
    {
        const QString p = path();
        Db db(p);
        int n = 0;
        int midCheckpoint = 0;
        QElapsedTimer timer;
        qint64 slowestMs = 0;
        for (int round = 0; round < 40; ++round) {
            const int kind = round % 4;
            Spy::slowSyncElsewhereMs = kind == 2 ? 20 : 0;
            WalCheckpointer::Options o;
            o.thresholdPages = 20;
            auto checkpointer = std::make_unique<WalCheckpointer>(db.db(), o);
            QCOMPARE(db.exec(QStringLiteral("PRAGMA wal_autocheckpoint")).toInt(), 0); // hooked
            if (kind != 0) {
                const int syncs = Spy::syncsStartedElsewhere;
                while (!checkpointer->isBusy() && n < 100000)
                    db.commit(n++);
                db.commit(n++); // writes go on while the thread checkpoints
                if (kind == 2) {
                    timer.start();
                    while (Spy::syncsStartedElsewhere == syncs && timer.elapsed() < 10000)
                        std::this_thread::sleep_for(std::chrono::microseconds(100));
                    QVERIFY(Spy::syncsStartedElsewhere > syncs); // inside the checkpoint
                } else if (kind == 3) {
                    QVERIFY(waitIdle(*checkpointer));
                }
            }
            const int completed = checkpointer->backgroundCheckpoints();
            timer.start();
            checkpointer.reset();
            slowestMs = std::max(slowestMs, timer.elapsed());
            if (kind == 2) {
                QCOMPARE(completed, 0); // interrupted, not finished
                ++midCheckpoint;
            }
            QCOMPARE(db.exec(QStringLiteral("PRAGMA wal_autocheckpoint")).toInt(), 1000);
            db.commit(n++);
        }
        qInfo("%d commits; slowest destruction %lld ms", n, slowestMs);
        QCOMPARE(midCheckpoint, 10);
        QVERIFY(slowestMs < 2000);
        db.close();
        const auto [rows, integrity] = verify(p);
        QCOMPARE(rows, qint64(n));
        QCOMPARE(integrity, QStringLiteral("ok"));
        QCOMPARE(m_log->errors.load(), 0);
    }

    // Two engines may share a thread's connection: the second one's checkpointer stands aside.
    void oneCheckpointerPerConnection()
    {
        Db db(path());
        WalCheckpointer::Options o;
        o.thresholdPages = Threshold;
        auto first = std::make_unique<WalCheckpointer>(db.db(), o);
        auto second = std::make_unique<WalCheckpointer>(db.db(), o);
        QVERIFY(first->isActive());
        QVERIFY(!second->isActive());
        QVERIFY2(second->error().contains(QLatin1String("already")), qPrintable(second->error()));
        second.reset();
        QCOMPARE(db.exec(QStringLiteral("PRAGMA wal_autocheckpoint")).toInt(), 0); // still hooked
        for (int i = 0; i < 200; ++i) {
            db.commit(i);
            QVERIFY(waitIdle(*first));
        }
        QVERIFY(first->backgroundCheckpoints() > 0);
        first.reset();
        QCOMPARE(db.exec(QStringLiteral("PRAGMA wal_autocheckpoint")).toInt(), 1000);
        QCOMPARE(m_log->errors.load(), 0);
        QCOMPARE(m_log->warnings.load(), 0);
    }

    // Out of order (the connection gone first): it notices and touches nothing of it.
    void connectionClosedFirst()
    {
        const QString p = path();
        {
            Db db(p);
            auto checkpointer = std::make_unique<WalCheckpointer>(db.db());
            for (int i = 0; i < 10; ++i)
                db.commit(i);
            db.db().close();
            checkpointer.reset();
        }
        {
            Db db(p);
            auto checkpointer = std::make_unique<WalCheckpointer>(db.db());
            for (int i = 10; i < 20; ++i)
                db.commit(i);
            // The checkpointer holds a handle, so Qt warns; the connection goes all the same.
            QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("still in use")));
            db.close();
            checkpointer.reset();
        }
        const auto [rows, integrity] = verify(p);
        QCOMPARE(rows, qint64(20));
        QCOMPARE(integrity, QStringLiteral("ok"));
    }
};

QTEST_GUILESS_MAIN(TestWalCheckpointer)
#include "tst_walcheckpointer.moc"
