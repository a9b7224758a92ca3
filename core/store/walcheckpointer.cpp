#include "walcheckpointer.h"

#include <QSet>
#include <QSqlDriver>
#include <QVariant>
#include <pthread.h>
#include <spdlog/spdlog.h>
#include <sqlite3.h>

namespace Baton {

namespace {

sqlite3 *handleOf(const QSqlDatabase &db)
{
    // A closed or removed connection has no handle (removal leaves copies a null driver).
    if (!db.isOpen() || !db.driver())
        return nullptr;
    const QVariant handle = db.driver()->handle();
    if (handle.isValid() && qstrcmp(handle.typeName(), "sqlite3*") == 0)
        return *static_cast<sqlite3 *const *>(handle.constData());
    return nullptr;
}

// The first column of a one-row statement; empty if it failed.
QString scalar(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *statement = nullptr;
    QString value;
    if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) == SQLITE_OK
        && sqlite3_step(statement) == SQLITE_ROW)
        value
            = QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(statement, 0)));
    sqlite3_finalize(statement);
    return value;
}

// Connections with a checkpointer: two engines may share a thread's connection (one that lost
// its lease, one that took it), and a second hook would take the first one's place.
std::mutex g_hookedMutex;
QSet<sqlite3 *> g_hooked;

} // namespace

WalCheckpointer::WalCheckpointer(const QSqlDatabase &db)
    : WalCheckpointer(db, Options {})
{ }

WalCheckpointer::WalCheckpointer(const QSqlDatabase &db, Options options)
    : m_db(db)
    , m_options(std::move(options))
{
    m_options.thresholdPages = std::max(1, m_options.thresholdPages);
    if (m_options.limitPages <= 0)
        m_options.limitPages = 4 * m_options.thresholdPages;
    m_options.limitPages = std::max(m_options.limitPages, m_options.thresholdPages);

    m_path = m_db.databaseName();
    m_engine = handleOf(m_db);
    if (!m_engine) {
        fail(QStringLiteral("not an open SQLite connection"), false);
        return;
    }
    const char *file = sqlite3_db_filename(m_engine, "main");
    if (!file || !*file) {
        fail(QStringLiteral("an in-memory or temporary database has no WAL"), false);
        return;
    }
    m_path = QString::fromUtf8(file);
    // The same VFS as the engine's connection: both must share its locks and WAL index.
    sqlite3_vfs *vfs = nullptr;
    sqlite3_file_control(m_engine, "main", SQLITE_FCNTL_VFS_POINTER, &vfs);
    // No mutex: only one thread at a time uses it (here, then the thread, then the destructor
    // after the join).
    const int rc = sqlite3_open_v2(file, &m_own, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                                   vfs ? vfs->zName : nullptr);
    if (rc != SQLITE_OK) {
        const QString why = QString::fromUtf8(m_own ? sqlite3_errmsg(m_own) : sqlite3_errstr(rc));
        sqlite3_close_v2(m_own);
        m_own = nullptr;
        fail(QStringLiteral("cannot open a second connection: %1").arg(why), true);
        return;
    }
    sqlite3_busy_timeout(m_own, m_options.busyTimeoutMs);
    // Checkpoints sync the WAL before copying it and the database after, as the engine's would.
    sqlite3_exec(m_own, "PRAGMA synchronous = NORMAL", nullptr, nullptr, nullptr);
    const QString mode = scalar(m_own, "PRAGMA journal_mode");
    if (mode.compare(QLatin1String("wal"), Qt::CaseInsensitive) != 0) {
        const QString why = mode.isEmpty() ? QString::fromUtf8(sqlite3_errmsg(m_own))
                                           : QStringLiteral("journal mode is %1").arg(mode);
        sqlite3_close_v2(m_own);
        m_own = nullptr;
        fail(QStringLiteral("not a WAL database (%1)").arg(why), true);
        return;
    }
    {
        std::lock_guard lock(g_hookedMutex);
        if (g_hooked.contains(m_engine)) {
            // The other one goes on checkpointing for this connection.
            sqlite3_close_v2(m_own);
            m_own = nullptr;
            m_error = QStringLiteral("the connection has a checkpointer already");
            m_failed = true;
            return;
        }
        g_hooked.insert(m_engine);
    }
    m_previousAutoCheckpoint = scalar(m_engine, "PRAGMA wal_autocheckpoint").toInt();
    m_thread = std::thread([this] { run(); });
    // SQLite's auto-checkpoint is itself a WAL hook (sqlite3WalDefaultHook): installing one
    // replaces it on this connection ("registering a callback using sqlite3_wal_hook() disables
    // the automatic checkpoint mechanism", sqlite3_wal_autocheckpoint's documentation).
    sqlite3_wal_hook(m_engine, &WalCheckpointer::walHook, this);
    m_hooked = true;
}

WalCheckpointer::~WalCheckpointer()
{
    // Re-arming the auto-checkpoint removes the hook; a connection closed before us is gone.
    if (m_hooked) {
        if (connectionStillOurs())
            sqlite3_wal_autocheckpoint(m_engine, m_previousAutoCheckpoint);
        std::lock_guard lock(g_hookedMutex);
        g_hooked.remove(m_engine);
    }
    if (m_thread.joinable()) {
        {
            std::lock_guard lock(m_mutex);
            m_stop = true;
        }
        // A checkpoint in progress stops at its next page: what it did not back-fill stays in
        // the WAL, valid, for the engine's connection to checkpoint.
        sqlite3_interrupt(m_own);
        m_wake.notify_one();
        m_thread.join();
    }
    if (m_own)
        sqlite3_close_v2(m_own);
}

bool WalCheckpointer::connectionStillOurs() const
{
    return handleOf(m_db) == m_engine;
}

bool WalCheckpointer::isActive() const
{
    return m_hooked && !m_failed.load();
}

bool WalCheckpointer::isBusy() const
{
    std::lock_guard lock(m_mutex);
    return m_busy;
}

QString WalCheckpointer::error() const
{
    std::lock_guard lock(m_mutex);
    return m_error;
}

int WalCheckpointer::walHook(void *self, sqlite3 *db, const char *schema, int frames)
{
    return static_cast<WalCheckpointer *>(self)->committed(db, schema, frames);
}

// On the committing thread, right after the commit (write lock released): no I/O here unless
// the thread cannot do it.
int WalCheckpointer::committed(sqlite3 *db, const char *schema, int frames)
{
    if (frames < m_options.thresholdPages)
        return SQLITE_OK;
    if (m_failed.load(std::memory_order_acquire)) {
        // Back to SQLite's own auto-checkpoint (it replaces this hook), from this commit on.
        sqlite3_wal_autocheckpoint(db, m_options.thresholdPages);
        checkpointHere(db, schema);
        return SQLITE_OK;
    }
    if (qstrcmp(schema, "main") == 0) {
        std::unique_lock lock(m_mutex);
        if (frames < m_options.limitPages) {
            if (!m_busy) {
                m_busy = true;
                lock.unlock();
                m_wake.notify_one();
            }
            return SQLITE_OK; // if busy, the next commit looks again
        }
        // This writer has outrun the thread (each of its passes ends with newer frames in the
        // WAL, so it never starts again) or readers hold the WAL: like SQLite's own, this
        // commit checkpoints, after the thread's pass, so that the WAL stays bounded.
        m_done.wait(lock, [this] { return !m_busy; });
    }
    checkpointHere(db, schema);
    return SQLITE_OK;
}

void WalCheckpointer::checkpointHere(sqlite3 *db, const char *schema)
{
    int frames = -1;
    int backfilled = -1;
    // Busy (another connection checkpointing) or failed: the next commit tries again.
    if (sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, &frames, &backfilled)
        != SQLITE_OK)
        return;
    ++m_inline;
    if (m_options.onCheckpoint)
        m_options.onCheckpoint({ std::this_thread::get_id(), false, frames, backfilled });
}

void WalCheckpointer::run()
{
    pthread_setname_np(pthread_self(), "baton-walckpt");
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [this] { return m_stop || m_busy; });
        if (m_stop)
            return;
        lock.unlock();
        int frames = -1;
        int backfilled = -1;
        // PASSIVE: copies what no reader still needs, never waits for readers or writers.
        const int rc = sqlite3_wal_checkpoint_v2(m_own, "main", SQLITE_CHECKPOINT_PASSIVE, &frames,
                                                 &backfilled);
        const int primary = rc & 0xff;
        // BUSY: another connection is checkpointing; INTERRUPT: we are stopping.
        const bool failed
            = rc != SQLITE_OK && primary != SQLITE_BUSY && primary != SQLITE_INTERRUPT;
        if (rc == SQLITE_OK) {
            ++m_background;
            if (m_options.onCheckpoint)
                m_options.onCheckpoint({ std::this_thread::get_id(), true, frames, backfilled });
        } else if (failed) {
            fail(QStringLiteral("checkpoint failed: %1")
                     .arg(QString::fromUtf8(sqlite3_errmsg(m_own))),
                 true);
        }
        lock.lock();
        m_busy = false;
        m_done.notify_all();
        if (failed)
            return; // the connection checkpoints itself from its next commit on
    }
}

void WalCheckpointer::fail(const QString &why, bool isError)
{
    {
        std::lock_guard lock(m_mutex);
        m_error = why;
    }
    m_failed.store(true, std::memory_order_release);
    if (isError)
        spdlog::error("workspace {}: WAL checkpoints cannot run in the background ({}); the "
                      "connection checkpoints itself",
                      m_path.toStdString(), why.toStdString());
    else
        spdlog::warn("workspace {}: no background WAL checkpoints ({})", m_path.toStdString(),
                     why.toStdString());
}

} // namespace Baton
