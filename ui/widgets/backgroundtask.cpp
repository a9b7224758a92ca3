#include "backgroundtask.h"

#include <QGlobalStatic>
#include <map>

namespace Baton::Ui {

namespace {

struct Pools
{
    QMutex mutex;
    QThreadPool readers;
    // Never removed: a lane is a handful of named pools, each one thread when busy.
    std::map<QString, std::unique_ptr<QThreadPool>> lanes;
    std::atomic<int> active { 0 };

    Pools() { readers.setObjectName(QStringLiteral("baton-reader")); }
};

Q_GLOBAL_STATIC(Pools, g_pools)

} // namespace

QThreadPool *BackgroundTask::readers()
{
    return &g_pools->readers;
}

QThreadPool *BackgroundTask::lane(const QString &name)
{
    QMutexLocker lock(&g_pools->mutex);
    std::unique_ptr<QThreadPool> &pool = g_pools->lanes[name];
    if (!pool) {
        pool = std::make_unique<QThreadPool>();
        pool->setMaxThreadCount(1);
        pool->setObjectName(QStringLiteral("baton-") + name);
    }
    return pool.get();
}

void BackgroundTask::drain()
{
    // A job may queue another, even on a pool already waited for: go round until none runs.
    do {
        QList<QThreadPool *> pools { &g_pools->readers };
        {
            QMutexLocker lock(&g_pools->mutex);
            for (const auto &[name, pool] : g_pools->lanes)
                pools << pool.get();
        }
        for (QThreadPool *pool : std::as_const(pools))
            pool->waitForDone();
    } while (g_pools->active.load() > 0);
}

int BackgroundTask::activeJobs()
{
    return g_pools->active.load();
}

void BackgroundTask::started()
{
    ++g_pools->active;
}

void BackgroundTask::finished()
{
    --g_pools->active;
}

} // namespace Baton::Ui
