// Shipping attempt logs into a team workspace's database (LogShipper), on the test PostgreSQL
// server: the chunks hold exactly the file's bytes, each step reads a bounded piece, a new
// shipper (an engine restart) or a lost connection resumes from what the database holds
// without a gap or a duplicate, the cap holds, and other hosts' attempts are left alone.

#include "logs/logshipper.h"
#include "pgserver.h"
#include "refusal.h"
#include "shippedlogs.h"
#include "store/sql.h"
#include "util/error.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Baton;
using namespace Baton::Test;

namespace {

struct Chunk
{
    qint64 offset = 0;
    QByteArray bytes;
};

QList<Chunk> chunksOf(const Store &store, qint64 attemptId)
{
    QList<Chunk> chunks;
    QSqlQuery q = Sql::exec(store.db(),
                            QStringLiteral("SELECT byte_offset, bytes FROM attempt_log_chunks "
                                           "WHERE attempt_id = ? ORDER BY byte_offset"),
                            { attemptId });
    while (q.next())
        chunks << Chunk { q.value(0).toLongLong(), q.value(1).toByteArray() };
    return chunks;
}

/// The chunks put together; fails the test when one does not start where the one before ended.
QByteArray shippedLog(const Store &store, qint64 attemptId)
{
    QByteArray all;
    for (const Chunk &c : chunksOf(store, attemptId)) {
        if (c.offset != all.size()) {
            qWarning("chunk at %lld after %lld bytes", c.offset, qint64(all.size()));
            return "GAP OR OVERLAP";
        }
        all += c.bytes;
    }
    return all;
}

QPair<qint64, int> logState(const Store &store, qint64 attemptId)
{
    QSqlQuery q = Sql::exec(
        store.db(), QStringLiteral("SELECT bytes, complete FROM attempt_logs WHERE attempt_id = ?"),
        { attemptId });
    if (!q.next())
        return { -1, -1 };
    return { q.value(0).toLongLong(), q.value(1).toInt() };
}

QByteArray readFile(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

void append(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::Append));
    QCOMPARE(f.write(bytes), bytes.size());
}

} // namespace

class TestLogShipper : public QObject
{
    Q_OBJECT
private:
    ShippedLogs m_logs;
    Workspace *m_ws = nullptr;

    qint64 runningAttempt(qint64 lines, bool finished = false)
    {
        return m_logs.attempt(lines, finished);
    }
    QString logPath(qint64 id) const { return m_logs.logPath(id); }
    LogShipper::Options options(qint64 cap = 0) { return m_logs.options(cap); }
    static void shipAll(LogShipper &shipper)
    {
        QVERIFY2(ShippedLogs::shipAll(shipper), "shipping did not catch up");
    }

private Q_SLOTS:
    void init()
    {
        BATON_REQUIRE_PG();
        m_ws = &m_logs.renew();
    }

    // While it runs, each step ships one chunk of at most ChunkBytes; the chunks put together
    // are the file, growth is shipped as it comes, and the log is complete once the attempt is
    // over and everything was shipped.
    void chunksEqualTheFileAndReadsAreBounded()
    {
        const qint64 id = runningAttempt(40000); // ~2 MB: several chunks
        const QString path = logPath(id);
        const qint64 size = QFileInfo(path).size();
        QVERIFY(size > 4 * LogShipper::ChunkBytes);

        LogShipper shipper(m_ws->store(), options());
        LogShipper::Step s = shipper.step();
        QCOMPARE(s.bytes, LogShipper::ChunkBytes); // one bounded read, not the whole file
        QCOMPARE(s.chunks, 1);
        QVERIFY(s.more);
        QCOMPARE(logState(m_ws->store(), id), qMakePair(LogShipper::ChunkBytes, 0));
        shipAll(shipper);
        for (const Chunk &c : chunksOf(m_ws->store(), id))
            QVERIFY(c.bytes.size() <= LogShipper::ChunkBytes);
        QCOMPARE(shippedLog(m_ws->store(), id), readFile(path));
        QCOMPARE(logState(m_ws->store(), id), qMakePair(size, 0)); // it may still write

        // Growth, then the end.
        append(path, record('E', "late error"));
        s = shipper.step();
        QCOMPARE(s.bytes, qint64(record('E', "late error").size()));
        QCOMPARE(s.completed, 0);
        m_logs.over.insert(id);
        s = shipper.step();
        QCOMPARE(s.bytes, 0);
        QCOMPARE(s.completed, 1);
        QCOMPARE(shipper.pending(), 0);
        QCOMPARE(shippedLog(m_ws->store(), id), readFile(path));
        QCOMPARE(logState(m_ws->store(), id), qMakePair(QFileInfo(path).size(), 1));
        // A complete log is never looked at again.
        append(path, "after the end\n");
        QCOMPARE(shipper.step().bytes, 0);
        QCOMPARE(LogShipper(m_ws->store(), options()).step().bytes, 0);
    }

    // An engine restart: a new shipper resumes from what the database holds, so the log has no
    // gap and no byte twice.
    void resumesAfterARestartWithoutDuplicates()
    {
        const qint64 id = runningAttempt(30000);
        const QString path = logPath(id);
        {
            LogShipper first(m_ws->store(), options());
            first.step();
            first.step();
        }
        QCOMPARE(logState(m_ws->store(), id).first, 2 * LogShipper::ChunkBytes);
        append(path, record('O', "written while no engine ran"));
        m_logs.over.insert(id);
        LogShipper second(m_ws->store(), options());
        shipAll(second);
        QCOMPARE(second.pending(), 0);
        QCOMPARE(shippedLog(m_ws->store(), id), readFile(path));
        QCOMPARE(logState(m_ws->store(), id), qMakePair(QFileInfo(path).size(), 1));
    }

    // Two shippers on one log (an engine that lost its lease still shipping while the next one
    // starts): each checks what the database holds before it writes, so nothing is doubled.
    void twoShippersNeverDoubleAByte()
    {
        const qint64 id = runningAttempt(30000);
        LogShipper a(m_ws->store(), options());
        LogShipper b(m_ws->store(), options());
        m_logs.over.insert(id);
        for (int i = 0; i < 200 && (a.pending() + b.pending() > 0 || i == 0); ++i) {
            a.step();
            b.step();
        }
        QCOMPARE(shippedLog(m_ws->store(), id), readFile(logPath(id)));
        QCOMPARE(logState(m_ws->store(), id).second, 1);
    }

    // The server drops the shipper's connection: that step fails, the next one reconnects and
    // goes on from what was committed.
    void resumesAfterALostConnection()
    {
        const qint64 id = runningAttempt(30000);
        LogShipper shipper(m_ws->store(), options());
        shipper.step();
        const qint64 pid
            = Sql::scalar(m_ws->store().db(), QStringLiteral("SELECT pg_backend_pid()"))
                  .toLongLong();
        QCOMPARE(pgAdmin(QStringLiteral("SELECT pg_terminate_backend(%1)").arg(pid)), QString());
        const QString message = refusal([&] { shipper.step(); });
        QVERIFY2(Sql::isConnectionLoss(message), qPrintable(message));
        m_logs.over.insert(id);
        shipAll(shipper);
        QCOMPARE(shipper.pending(), 0);
        QCOMPARE(shippedLog(m_ws->store(), id), readFile(logPath(id)));
    }

    // Never more than the cap (and room for the supervisor's note after it) leaves the host.
    void theCapHolds()
    {
        const qint64 id = runningAttempt(40000);
        const qint64 cap = 300 * 1024;
        m_logs.over.insert(id);
        LogShipper shipper(m_ws->store(), options(cap));
        shipAll(shipper);
        QCOMPARE(shipper.pending(), 0);
        QCOMPARE(logState(m_ws->store(), id), qMakePair(cap + LogShipper::CapSlackBytes, 1));
        QCOMPARE(shippedLog(m_ws->store(), id),
                 readFile(logPath(id)).left(cap + LogShipper::CapSlackBytes));
    }

    // An attempt that wrote nothing has no file: once it ended, its log is complete and empty.
    void anEndedAttemptWithoutAFileIsCompleteAndEmpty()
    {
        const qint64 id = runningAttempt(0, true);
        QVERIFY(!QFileInfo::exists(logPath(id)));
        LogShipper::Options o = options();
        o.over = {}; // the default: no supervisor record, and the engine recorded its end
        LogShipper shipper(m_ws->store(), o);
        QCOMPARE(shipper.step().completed, 1);
        QCOMPARE(logState(m_ws->store(), id), qMakePair(qint64(0), 1));
        QCOMPARE(chunksOf(m_ws->store(), id).size(), 0);
    }

    // Another host's attempts: their files are not here, and their engine ships them.
    void otherHostsAreLeftAlone()
    {
        const qint64 id = runningAttempt(100);
        m_logs.over.insert(id);
        LogShipper::Options o = options();
        o.host = QStringLiteral("elsewhere");
        LogShipper shipper(m_ws->store(), o);
        QCOMPARE(shipper.step().bytes, 0);
        QCOMPARE(shipper.pending(), 0);
        QCOMPARE(logState(m_ws->store(), id).first, -1);
    }
};

QTEST_GUILESS_MAIN(TestLogShipper)
#include "tst_logshipper.moc"
