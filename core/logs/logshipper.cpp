#include "logshipper.h"

#include "executors/localexecutor.h"
#include "store/sql.h"
#include "store/store.h"
#include "util/error.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSqlQuery>
#include <QSysInfo>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <limits>
#include <spdlog/spdlog.h>

namespace Baton {

namespace {
// The same few statements for every attempt, prepared once on the shipper's connection:
// Sql::exec on PostgreSQL prepares, runs and deallocates (three round trips) each time.
QSqlQuery run(const Store &store, const QString &sql, const QVariantList &binds)
{
    QSqlQuery query = store.prepared(sql);
    Sql::run(store.db(), query, binds);
    return query;
}
} // namespace

LogShipper::LogShipper(const Store &store, Options options)
    : m_store(store)
    , m_options(std::move(options))
{
    if (m_options.host.isEmpty())
        m_options.host = QSysInfo::machineHostName(); // as the engine records its attempts
    if (!m_options.over)
        m_options.over = [this](qint64 id, const QString &path) {
            return attemptOver(id, path);
        };
}

void LogShipper::discover()
{
    // Only ids after the last one found: the engine of this host records its attempts one
    // transaction after another, so none commits behind one already seen.
    QSqlQuery q = run(m_store,
                      QStringLiteral("SELECT a.id, a.log_path FROM task_attempts a WHERE "
                                     "a.id > ? AND a.host = ? AND a.log_path <> '' AND "
                                     "NOT EXISTS (SELECT 1 FROM attempt_logs l WHERE "
                                     "l.attempt_id = a.id AND l.complete = 1) ORDER BY a.id"),
                      { m_seen, m_options.host });
    while (q.next()) {
        const qint64 id = q.value(0).toLongLong();
        m_attempts.insert(id, { q.value(1).toString(), -1 });
        m_seen = std::max(m_seen, id);
    }
}

LogShipper::Step LogShipper::step()
{
    Step step;
    discover();
    QList<qint64> ids = m_attempts.keys();
    std::sort(ids.begin(), ids.end());
    for (qint64 id : std::as_const(ids)) {
        Attempt &a = m_attempts[id];
        if (ship(id, a, step)) {
            m_attempts.remove(id);
            ++step.completed;
        }
    }
    return step;
}

bool LogShipper::attemptOver(qint64 id, const QString &logPath) const
{
    if (LocalExecutor::attemptOver(logPath))
        return true;
    // No record at all: an attempt that never started (its spawn failed), or one whose files
    // were removed; the engine's record says whether it ended.
    if (logPath.endsWith(QLatin1String(".log"))
        && QFileInfo::exists(LocalExecutor::statePath(logPath.chopped(4))))
        return false;
    return !Sql::scalar(m_store.db(),
                        QStringLiteral("SELECT finished_at FROM task_attempts WHERE id = ?"),
                        { id })
                .isNull();
}

bool LogShipper::ship(qint64 id, Attempt &a, Step &step)
{
    if (a.shipped < 0) {
        QSqlQuery q
            = run(m_store,
                  QStringLiteral("SELECT bytes, complete FROM attempt_logs WHERE attempt_id = ?"),
                  { id });
        const bool held = q.next();
        const bool complete = held && q.value(1).toInt() != 0;
        a.shipped = held ? q.value(0).toLongLong() : 0;
        q.finish(); // the result is not needed any more
        if (complete)
            return true;
    }
    // Asked before the file's size is read: once the attempt is over, that size is final.
    const bool over = m_options.over(id, a.logPath);

    QFile file(a.logPath);
    const bool open = file.open(QIODevice::ReadOnly);
    const qint64 limit = m_options.capBytes > 0 ? m_options.capBytes + CapSlackBytes
                                                : std::numeric_limits<qint64>::max();
    const qint64 end = std::min(open ? file.size() : 0, limit);
    QByteArray bytes;
    if (end > a.shipped) {
        // Bounded: one chunk per attempt and step, whatever the file's size.
        const qint64 want = std::min(ChunkBytes, end - a.shipped);
        if (!file.seek(a.shipped))
            return false;
        bytes = file.read(want);
    }
    const bool complete = over && a.shipped + bytes.size() >= end;
    if (bytes.isEmpty() && !complete)
        return false;
    commit(id, a, bytes, complete);
    if (a.shipped < 0)
        return false; // someone else wrote meanwhile: looked at again next step
    step.bytes += bytes.size();
    step.chunks += bytes.isEmpty() ? 0 : 1;
    step.more |= end > a.shipped;
    return complete;
}

void LogShipper::commit(qint64 id, Attempt &a, const QByteArray &bytes, bool complete)
{
    const QSqlDatabase db = m_store.db();
    // Not Store::transaction: its workspace-wide write lock would queue the engine's
    // transitions behind a chunk. The attempt's attempt_logs row is the lock that matters.
    Sql::execDirect(db, QStringLiteral("BEGIN"));
    try {
        QSqlQuery held
            = run(m_store,
                  QStringLiteral("SELECT bytes FROM attempt_logs WHERE attempt_id = ? FOR UPDATE"),
                  { id });
        const qint64 holds = held.next() ? held.value(0).toLongLong() : 0;
        held.finish();
        if (holds != a.shipped) {
            Sql::execDirect(db, QStringLiteral("ROLLBACK"));
            a.shipped = -1;
            return;
        }
        if (!bytes.isEmpty())
            run(m_store,
                QStringLiteral("INSERT INTO attempt_log_chunks (attempt_id, byte_offset, "
                               "bytes) VALUES (?, ?, ?)"),
                { id, a.shipped, bytes });
        run(m_store,
            QStringLiteral("INSERT INTO attempt_logs (attempt_id, log_path, bytes, complete) "
                           "VALUES (?, ?, ?, ?) ON CONFLICT (attempt_id) DO UPDATE SET "
                           "bytes = excluded.bytes, complete = excluded.complete"),
            { id, a.logPath, a.shipped + bytes.size(), complete ? 1 : 0 });
        Sql::execDirect(db, QStringLiteral("COMMIT"));
    } catch (...) {
        QSqlQuery rollback(db);
        rollback.exec(QStringLiteral("ROLLBACK"));
        a.shipped = -1; // unknown whether the commit reached the server: read it back
        throw;
    }
    a.shipped += bytes.size();
}

class LogShipping::Worker : public QObject
{
public:
    Worker(const Store &store, LogShipper::Options options, int intervalMs)
        : m_shipper(store, std::move(options))
        , m_timer(this)
        , m_interval(intervalMs)
    {
        m_timer.setSingleShot(true);
        connect(&m_timer, &QTimer::timeout, this, &Worker::run);
    }
    void start() { m_timer.start(0); }
    /// The engine stops: what the attempts that ended wrote is shipped now (for a while at the
    /// most), so that `baton run --wait` leaves whole logs behind; the rest waits for the next
    /// engine on this host.
    void finish()
    {
        m_timer.stop();
        QElapsedTimer elapsed;
        elapsed.start();
        while (ship() && !elapsed.hasExpired(FinishMs)) { }
    }

private:
    static constexpr qint64 FinishMs = 10000;

    void run() { m_timer.start(ship() ? 0 : m_interval); }
    /// One step; true when some log has more bytes waiting.
    bool ship()
    {
        bool more = false;
        try {
            more = m_shipper.step().more;
            if (!m_trouble.isEmpty())
                spdlog::info("log shipping: the workspace takes the logs again");
            m_trouble.clear();
        } catch (const std::exception &e) {
            // The file keeps the bytes: the next step resumes from what the database holds.
            const QString message = QString::fromUtf8(e.what());
            if (message != m_trouble)
                spdlog::warn("log shipping: {}", e.what());
            m_trouble = message;
        }
        return more;
    }

    LogShipper m_shipper;
    QTimer m_timer;
    int m_interval;
    QString m_trouble;
};

LogShipping::LogShipping(const Store &store, LogShipper::Options options, int intervalMs)
    : m_thread(new QThread)
{
    m_thread->setObjectName(QStringLiteral("baton-logship"));
    m_worker = new Worker(store, std::move(options), intervalMs);
    m_worker->moveToThread(m_thread); // its timer too; its connection opens there
    m_thread->start();
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker] { w->start(); }, Qt::QueuedConnection);
}

LogShipping::~LogShipping()
{
    QMetaObject::invokeMethod(
        m_worker,
        [w = m_worker] {
            w->finish();
            delete w;
        },
        Qt::BlockingQueuedConnection);
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
}

} // namespace Baton
