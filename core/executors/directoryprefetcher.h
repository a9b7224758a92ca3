#pragma once

#include <QByteArray>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>

namespace Baton {

/// Creates the working directories of attempts about to start, on a thread of its own.
///
/// On ext4 a mkdir costs tens of microseconds of kernel time (an inode, a directory block, an
/// entry in a large run directory); done when a slot frees up, it delays the next job by as
/// much. Made a few tasks ahead, it overlaps with the jobs that are running. Whoever starts the
/// attempt still creates the directory when it is missing (mkdir and EEXIST): a request that
/// was not carried out yet, or failed, costs nothing but that.
class DirectoryPrefetcher
{
public:
    DirectoryPrefetcher();
    /// Drops what is still queued and joins the thread.
    ~DirectoryPrefetcher();
    DirectoryPrefetcher(const DirectoryPrefetcher &) = delete;
    DirectoryPrefetcher &operator=(const DirectoryPrefetcher &) = delete;

    /// Queues mkdir(@p path) (not its parents: a missing parent means the run's directory is
    /// gone, and recreating it here would hide that from the attempt).
    void make(const QByteArray &path);
    /// Undoes make(@p path) for an attempt that will not start: drops the request if still
    /// queued, else (waiting for it if in progress) removes the directory if it is empty.
    /// Synchronous, so that a later start of the same attempt cannot race with the removal.
    void remove(const QByteArray &path);
    /// Blocks until everything queued so far has been carried out (tests).
    void waitIdle();
    /// Directories made so far (tests, diagnostics).
    int64_t made() const;

private:
    void loop();

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_idle;
    std::deque<QByteArray> m_queue;
    QByteArray m_inProgress; // the mkdir under way, if any
    bool m_stop = false;
    int64_t m_made = 0;
    std::thread m_thread; // last: started once the members above exist
};

} // namespace Baton
