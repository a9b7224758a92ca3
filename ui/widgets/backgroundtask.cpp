#include "backgroundtask.h"

#include "util/error.h"

#include <QCoreApplication>
#include <map>

namespace Baton::Ui {

namespace {

struct Pools
{
    QMutex mutex;
    QThreadPool shared;
    // Never removed: a lane is a handful of named pools, each one thread when busy.
    std::map<QString, std::unique_ptr<QThreadPool>> lanes;
    Pools() { shared.setObjectName(QStringLiteral("baton-background")); }
};

// Counted apart from the pools: jobs finishing while the pools are destroyed count down here.
std::atomic<int> g_active { 0 };
Pools *g_instance = nullptr;
QBasicMutex g_instanceMutex;

// The pools end with the application object, not with the process: their threads close their
// store connections as they end, and QtSql's own globals are gone once statics are destroyed.
void destroyPools()
{
    Pools *pools = nullptr;
    {
        QMutexLocker lock(&g_instanceMutex);
        std::swap(pools, g_instance);
    }
    delete pools; // each ~QThreadPool waits for its jobs and joins its threads
}

Pools *g_pools()
{
    QMutexLocker lock(&g_instanceMutex);
    if (!g_instance) {
        g_instance = new Pools;
        qAddPostRoutine(destroyPools);
    }
    return g_instance;
}

} // namespace

QString failureOf(const std::function<void()> &work)
{
    try {
        work();
    } catch (const Baton::Error &e) {
        return e.message();
    } catch (const std::exception &e) {
        return QString::fromLocal8Bit(e.what());
    }
    return {};
}

QThreadPool *BackgroundTask::shared()
{
    return &g_pools()->shared;
}

QThreadPool *BackgroundTask::lane(const QString &name)
{
    Pools *pools = g_pools();
    QMutexLocker lock(&pools->mutex);
    std::unique_ptr<QThreadPool> &pool = pools->lanes[name];
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
        Pools *all = g_pools();
        QList<QThreadPool *> pools { &all->shared };
        {
            QMutexLocker lock(&all->mutex);
            for (const auto &[name, pool] : all->lanes)
                pools << pool.get();
        }
        for (QThreadPool *pool : std::as_const(pools))
            pool->waitForDone();
    } while (g_active.load() > 0);
}

int BackgroundTask::activeJobs()
{
    return g_active.load();
}

void BackgroundTask::started()
{
    ++g_active;
}

void BackgroundTask::finished()
{
    --g_active;
}

} // namespace Baton::Ui
