#pragma once

#include <QSqlDatabase>
#include <QString>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

struct sqlite3;

namespace Baton {

/// Runs the WAL checkpoints of one SQLite connection (the engine's) on a thread of its own, so
/// that a commit never pays for copying the WAL into the database and the two fsyncs that go
/// with it. It replaces SQLite's auto-checkpoint on that connection only; other connections to
/// the same file keep theirs.
///
/// A commit that leaves at least thresholdPages frames in the WAL wakes the thread, which runs
/// a PASSIVE checkpoint on a connection of its own: it never blocks the writer, and the
/// writer's next transaction after a complete one starts the WAL again from its beginning.
/// That needs a pause between the writer's transactions as long as the checkpoint: a writer
/// that outruns it (or readers that hold old snapshots) let the WAL grow, so once it holds
/// limitPages frames the committing thread waits for the pass in progress, if any, and
/// checkpoints the rest itself, as SQLite would have done at thresholdPages.
/// If the thread's connection cannot be opened or a checkpoint fails, the error is logged
/// once and the connection goes back to SQLite's auto-checkpoint: the WAL never grows without
/// bound. Durability is unchanged: both connections use synchronous = NORMAL.
///
/// One per connection: another one made for a connection that has one stays inactive.
/// Construct and destroy it on the thread that uses the connection, and destroy it before the
/// connection is closed: the connection's last close checkpoints the WAL only if this object's
/// own connection is gone by then. (A connection closed or removed first is detected and not
/// touched again.)
class WalCheckpointer
{
public:
    struct Checkpoint
    {
        std::thread::id thread; ///< where it ran
        bool background = false; ///< on the checkpointer's thread; false: on the committer's
        int walFrames = 0; ///< frames in the WAL as it ran
        int backfilled = 0; ///< of which are now in the database file
    };
    struct Options
    {
        int thresholdPages = 1000; ///< SQLite's own auto-checkpoint default
        int limitPages = 0; ///< the committer checkpoints from here on; 0: 4 × threshold
        int busyTimeoutMs = 5000; ///< the thread's connection's, as the Store's
        /// Called after each successful checkpoint, on the thread that ran it (tests).
        std::function<void(const Checkpoint &)> onCheckpoint;
    };

    /// Installs itself on @p db, an open SQLite connection of the calling thread.
    explicit WalCheckpointer(const QSqlDatabase &db);
    WalCheckpointer(const QSqlDatabase &db, Options options);
    /// Stops the thread (interrupting a checkpoint in progress) and gives the connection back
    /// its auto-checkpoint.
    ~WalCheckpointer();
    WalCheckpointer(const WalCheckpointer &) = delete;
    WalCheckpointer &operator=(const WalCheckpointer &) = delete;

    /// Checkpoints run on the thread: false if it could not start or has failed since.
    bool isActive() const;
    /// A checkpoint is requested or running on the thread.
    bool isBusy() const;
    /// Why it is not active; empty while it is.
    QString error() const;
    int backgroundCheckpoints() const { return m_background.load(); }
    /// Checkpoints the committing thread ran itself: past limitPages, or the commit that hands
    /// back to SQLite's auto-checkpoint after a failure (not those SQLite runs after it).
    int inlineCheckpoints() const { return m_inline.load(); }

private:
    static int walHook(void *self, sqlite3 *db, const char *schema, int frames);
    int committed(sqlite3 *db, const char *schema, int frames);
    void checkpointHere(sqlite3 *db, const char *schema);
    void run();
    void fail(const QString &why, bool isError);
    bool connectionStillOurs() const;

    QSqlDatabase m_db; // the engine's: tells whether it was closed before us
    sqlite3 *m_engine = nullptr;
    QString m_path; // the database file, for messages
    sqlite3 *m_own = nullptr; // used by the thread only, between construction and join
    Options m_options;
    int m_previousAutoCheckpoint = 0;
    bool m_hooked = false;
    std::atomic<bool> m_failed { false };
    std::atomic<int> m_background { 0 };
    std::atomic<int> m_inline { 0 };

    mutable std::mutex m_mutex;
    std::condition_variable m_wake; // a checkpoint is wanted, or stop
    std::condition_variable m_done; // the thread's checkpoint is over
    bool m_busy = false; // requested or running
    bool m_stop = false;
    QString m_error;
    std::thread m_thread;
};

} // namespace Baton
