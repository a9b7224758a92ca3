// Reading a team workspace's attempt logs from its database (LogMirror), on the test PostgreSQL
// server: what LogShipper shipped is fetched in bounded pieces into a private cache file, a live
// log is followed, and LogWorker (tail, search, first error) works on it with the engine's file
// gone.

#include "logs/logchunks.h"
#include "logs/logmirror.h"
#include "logs/logshipper.h"
#include "logs/logworker.h"
#include "pgserver.h"
#include "shippedlogs.h"
#include "store/sql.h"
#include "store/teamdirectory.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <sys/stat.h>

using namespace Baton;
using namespace Baton::Test;

namespace {

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

mode_t modeOf(const QString &path)
{
    struct stat st
    {
    };
    ::stat(QFile::encodeName(path).constData(), &st);
    return st.st_mode & 07777;
}

} // namespace

class TestLogMirror : public QObject
{
    Q_OBJECT
private:
    ShippedLogs m_logs;
    Workspace *m_ws = nullptr;
    qint64 m_attempt = 0;
    QString m_log;

    /// A running attempt whose log holds @p lines numbered lines, a stderr line every 1000.
    void runningAttempt(qint64 lines)
    {
        m_attempt = m_logs.attempt(lines, false, 1000);
        m_log = m_logs.logPath(m_attempt);
    }
    void ship()
    {
        LogShipper shipper(m_ws->store(), m_logs.options());
        QVERIFY(ShippedLogs::shipAll(shipper));
    }

private Q_SLOTS:
    void init()
    {
        BATON_REQUIRE_PG();
        m_ws = &m_logs.renew();
    }
    // A shipped log comes over in bounded pieces into a private file under the workspace's
    // directory on this machine, and equals the engine's file.
    void fetchesTheShippedLogIntoAPrivateCache()
    {
        // A team workspace's logs travel through its database; an SQLite one's are its files.
        QVERIFY(LogChunks::travelThroughDatabase(m_ws->store()));
        {
            QTemporaryDir dir;
            const Workspace local(dir.path(), Workspace::Mode::CreateIfMissing);
            QVERIFY(!LogChunks::travelThroughDatabase(local.store()));
        }
        runningAttempt(100000); // ~5 MB
        m_logs.over.insert(m_attempt);
        ship();
        LogMirror mirror(m_ws->store(), m_log);
        QVERIFY(!mirror.fetch(1)); // one query's worth of chunks, not the whole log
        QVERIFY(mirror.cachedBytes() > 0);
        QVERIFY(mirror.cachedBytes() <= 8 * LogShipper::ChunkBytes);
        QVERIFY(mirror.cachedBytes() < QFileInfo(m_log).size());
        QVERIFY(mirror.fetchAll());
        QVERIFY(mirror.complete());
        QCOMPARE(readFile(mirror.cachePath()), readFile(m_log));
        const QString dir
            = QDir(teamDirectory(m_ws->store())).filePath(QStringLiteral("log-cache"));
        QCOMPARE(QFileInfo(mirror.cachePath()).absolutePath(), dir);
        QCOMPARE(modeOf(dir), mode_t(0700));
        QCOMPARE(modeOf(mirror.cachePath()), mode_t(0600));
        // Complete: a second mirror of the same log reads the cache as it is.
        LogMirror again(m_ws->store(), m_log);
        QVERIFY(again.fetch());
        QCOMPARE(readFile(again.cachePath()), readFile(m_log));
    }

    // A live log: each fetch brings what was shipped since; complete once the attempt ended
    // and everything was shipped.
    void followsALiveLog()
    {
        runningAttempt(2000);
        ship();
        LogMirror mirror(m_ws->store(), m_log);
        QVERIFY(!mirror.fetch());
        QCOMPARE(readFile(mirror.cachePath()), readFile(m_log));
        {
            QFile f(m_log);
            QVERIFY(f.open(QIODevice::Append));
            f.write(record('O', "more output"));
        }
        QVERIFY(!mirror.fetch()); // not shipped yet
        QCOMPARE(mirror.cachedBytes(), QFileInfo(m_log).size() - record('O', "more output").size());
        ship();
        QVERIFY(!mirror.fetch());
        QCOMPARE(readFile(mirror.cachePath()), readFile(m_log));
        m_logs.over.insert(m_attempt);
        ship();
        QVERIFY(mirror.fetch());
        QCOMPARE(readFile(mirror.cachePath()), readFile(m_log));
    }

    // A cache that does not match the database (left by a re-created workspace) is rebuilt.
    void aStaleCacheIsRebuilt()
    {
        runningAttempt(100);
        m_logs.over.insert(m_attempt);
        ship();
        LogMirror first(m_ws->store(), m_log);
        QVERIFY(first.fetch());
        {
            QFile f(first.cachePath());
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(QByteArray(int(QFileInfo(m_log).size()) + 10, 'z'));
        }
        LogMirror second(m_ws->store(), m_log);
        QVERIFY(second.fetch());
        QCOMPARE(readFile(second.cachePath()), readFile(m_log));
    }

    void anUnknownLogIsEmpty()
    {
        LogMirror mirror(m_ws->store(), QStringLiteral("/nowhere/x.1.log"));
        QVERIFY(!mirror.fetch());
        QCOMPARE(mirror.cachePath(), QString());
        QCOMPARE(mirror.cachedBytes(), 0);
    }

    // The log viewer's worker on a mirrored log, the engine's file gone: the tail, a search and
    // the first error come from the database; a live log grows as it is shipped and ends.
    void theLogWorkerReadsTheDatabase()
    {
        runningAttempt(30000);
        ship();
        const QByteArray original = readFile(m_log);
        QVERIFY(QFile::rename(m_log, m_log + QStringLiteral(".moved")));

        LogWorker worker;
        worker.setWatchInterval(20);
        QSignalSpy opened(&worker, &LogWorker::opened);
        QSignalSpy windows(&worker, &LogWorker::windowReady);
        QSignalSpy found(&worker, &LogWorker::found);
        QSignalSpy ended(&worker, &LogWorker::attemptEnded);
        auto mirror = std::make_shared<LogMirror>(m_ws->store(), m_log);
        worker.setEndProbe([mirror] { return mirror->complete(); });
        worker.openMirrored(m_log, mirror);
        QCOMPARE(opened.count(), 1);
        QCOMPARE(opened.first().at(0).toString(), m_log); // named as the log, not the cache
        QCOMPARE(opened.first().at(2).toString(), QString());

        worker.requestTail(1, 3);
        QCOMPARE(windows.count(), 1);
        const LogWindow tail = windows.first().at(0).value<LogWindow>();
        QCOMPARE(tail.lines.size(), 3);
        QCOMPARE(tail.lines.last().text, QStringLiteral("error: disk on fire at 29999"));
        QCOMPARE(tail.fileSize, qint64(original.size()));

        worker.find(2, QStringLiteral("line 12345 of"), false, 0, true, false);
        QTRY_COMPARE(found.count(), 1);
        const LogFindResult hit = found.first().at(0).value<LogFindResult>();
        QVERIFY(hit.match.isValid());
        QCOMPARE(hit.match.lineOffset, qint64(original.indexOf("line 12345 of")) - 29);
        worker.findFirstError(3);
        QTRY_COMPARE(found.count(), 2);
        QCOMPARE(found.last().at(0).value<LogFindResult>().match.lineOffset,
                 qint64(original.indexOf(" E   error: disk on fire")) - 24);

        // More output is shipped: the worker sees the log grow; then the attempt ends.
        QSignalSpy grew(&worker, &LogWorker::sizeChanged);
        QVERIFY(QFile::rename(m_log + QStringLiteral(".moved"), m_log));
        {
            QFile f(m_log);
            QVERIFY(f.open(QIODevice::Append));
            f.write(record('O', "the last line"));
        }
        m_logs.over.insert(m_attempt);
        ship();
        QVERIFY(QFile::remove(m_log));
        QTRY_VERIFY(!grew.isEmpty());
        QCOMPARE(grew.last().at(0).toLongLong(),
                 qint64(original.size() + record('O', "the last line").size()));
        QTRY_COMPARE(ended.count(), 1);
        worker.requestTail(4, 1);
        QCOMPARE(windows.last().at(0).value<LogWindow>().lines.last().text,
                 QStringLiteral("the last line"));
    }
};

QTEST_GUILESS_MAIN(TestLogMirror)
#include "tst_logmirror.moc"
