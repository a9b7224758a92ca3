#include "enginehost.h"

#include "enginelease.h"

#include <QTimer>

namespace Baton {

namespace {

// Lives on the host's thread: the engine's timers and notifiers belong to that thread.
class HostWorker : public QObject
{
public:
    HostWorker(Workspace *workspace, const EngineOptions &options, EngineHost *host)
        : m_workspace(workspace)
        , m_options(options)
        , m_host(host)
    { }

    void begin()
    {
        m_engine = new Engine(m_workspace, m_options, this);
        connect(m_engine, &Engine::leaseLost, this,
                [this] { report(false, QStringLiteral("lease lost")); });
        // Running, but unable to write (disk full, a store kept busy): the console says so.
        connect(m_engine, &Engine::storeTroubleChanged, this, [this](const QString &error) {
            report(m_engine->isActive(),
                   error.isEmpty()
                       ? QString()
                       : QStringLiteral("cannot write to the workspace, retrying: ") + error);
        });
        m_retry = new QTimer(this);
        connect(m_retry, &QTimer::timeout, this, &HostWorker::tryStart);
        m_retry->start(2000);
        tryStart();
    }

    void end()
    {
        // Timers die on the thread that runs them.
        delete m_retry;
        m_retry = nullptr;
        if (m_engine)
            m_engine->stop();
        delete m_engine;
        m_engine = nullptr;
    }

private:
    void tryStart()
    {
        if (m_engine->isActive())
            return;
        QString error;
        if (m_engine->start(&error))
            report(true, {});
        else
            report(false, error);
    }

    void report(bool running, const QString &detail)
    {
        if (running == m_lastRunning && detail == m_lastDetail)
            return;
        m_lastRunning = running;
        m_lastDetail = detail;
        QMetaObject::invokeMethod(m_host, [host = m_host, running, detail] {
            Q_EMIT host->stateChanged(running, detail);
        });
    }

    Workspace *m_workspace;
    EngineOptions m_options;
    EngineHost *m_host;
    Engine *m_engine = nullptr;
    QTimer *m_retry = nullptr;
    bool m_lastRunning = false;
    QString m_lastDetail = QStringLiteral("-");
};

} // namespace

EngineHost::EngineHost(Workspace *workspace, const EngineOptions &options, QObject *parent)
    : QObject(parent)
{
    EngineOptions o = options;
    if (o.holder.isEmpty())
        o.holder = EngineLease::newHolderId();
    m_holder = o.holder;
    auto *worker = new HostWorker(workspace, o, this);
    m_worker = worker;
    worker->moveToThread(&m_thread);
    m_thread.setObjectName(QStringLiteral("baton-engine"));
    m_thread.start();
    QMetaObject::invokeMethod(worker, [worker] { worker->begin(); });
}

EngineHost::~EngineHost()
{
    auto *worker = static_cast<HostWorker *>(m_worker);
    QMetaObject::invokeMethod(
        worker, [worker] { worker->end(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
    delete worker;
}

} // namespace Baton
