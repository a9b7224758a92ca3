#include "directoryprefetcher.h"

#include <sys/stat.h>
#include <unistd.h>

namespace Baton {

DirectoryPrefetcher::DirectoryPrefetcher()
    : m_thread([this] { loop(); })
{ }

DirectoryPrefetcher::~DirectoryPrefetcher()
{
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
        m_queue.clear();
    }
    m_wake.notify_all();
    m_thread.join();
}

void DirectoryPrefetcher::make(const QByteArray &path)
{
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(path);
    }
    m_wake.notify_one();
}

void DirectoryPrefetcher::remove(const QByteArray &path)
{
    {
        std::unique_lock lock(m_mutex);
        for (auto it = m_queue.begin(); it != m_queue.end(); ++it) {
            if (*it == path) {
                m_queue.erase(it);
                return; // never made
            }
        }
        m_idle.wait(lock, [&] { return m_inProgress != path; });
    }
    ::rmdir(path.constData()); // fails, as it should, if anything was put in it
}

void DirectoryPrefetcher::waitIdle()
{
    std::unique_lock lock(m_mutex);
    m_idle.wait(lock, [this] { return m_stop || (m_queue.empty() && m_inProgress.isNull()); });
}

int64_t DirectoryPrefetcher::made() const
{
    std::lock_guard lock(m_mutex);
    return m_made;
}

void DirectoryPrefetcher::loop()
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_wake.wait(lock, [this] { return m_stop || !m_queue.empty(); });
        if (m_stop)
            break;
        m_inProgress = std::move(m_queue.front());
        m_queue.pop_front();
        lock.unlock();
        // EEXIST (made already) and ENOENT (run directory gone) alike: the attempt's own
        // mkdir finds out and reports.
        const bool made = ::mkdir(m_inProgress.constData(), 0755) == 0;
        lock.lock();
        m_inProgress = QByteArray();
        if (made)
            ++m_made;
        m_idle.notify_all();
    }
    m_idle.notify_all();
}

} // namespace Baton
