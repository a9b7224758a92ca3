#pragma once

#include <QMetaObject>
#include <QMutex>
#include <QMutexLocker>
#include <QObject>
#include <QString>
#include <QThreadPool>
#include <atomic>
#include <functional>
#include <memory>
#include <type_traits>
#include <utility>

namespace Baton::Ui {

/// What a background job polls to learn that nobody wants its answer any more (its receiver
/// was destroyed, or the caller cancelled it). Cheap to copy; every copy shares the flag.
class CancelToken
{
public:
    CancelToken()
        : m_flag(std::make_shared<std::atomic_bool>(false))
    { }
    bool isCancelled() const { return m_flag->load(std::memory_order_relaxed); }
    void cancel() const { m_flag->store(true, std::memory_order_relaxed); }

private:
    std::shared_ptr<std::atomic_bool> m_flag;
};

/// Runs @p work (in a job) and returns what it threw, as text for a person (empty when it did
/// not throw): Baton::Error's message, or another exception's what().
QString failureOf(const std::function<void()> &work);

namespace Detail {

/// Lives in the receiver's thread as its child: while it exists, the receiver does. The job
/// posts its answer to it under the mutex, so "still alive" and "posted" are one step; Qt drops
/// an event posted to an object that is destroyed before it runs.
class BackgroundDelivery : public QObject
{
public:
    struct Shared
    {
        QMutex mutex;
        BackgroundDelivery *target = nullptr;
        CancelToken token;
    };

    BackgroundDelivery(QObject *receiver, std::shared_ptr<Shared> shared)
        : QObject(receiver)
        , m_shared(std::move(shared))
    {
        m_shared->target = this;
    }
    ~BackgroundDelivery() override
    {
        QMutexLocker lock(&m_shared->mutex);
        m_shared->target = nullptr;
        m_shared->token.cancel();
    }

private:
    std::shared_ptr<Shared> m_shared;
};

} // namespace Detail

/// "Run this on a worker thread; give the result to this widget if it still exists."
///
/// The job runs on a process-wide pool, never the GUI thread. Its result comes back to the
/// receiver's thread as a queued call. When the receiver is destroyed first, nothing waits for
/// the job: its token says cancelled (a read can stop early) and its result is dropped.
/// Cancelling never stops a job that does not poll the token: a write runs to the end (and is
/// recorded by core as usual); only its on-screen answer is dropped.
///
/// A job may outlive its widget, so it captures what it needs by value; the workspace it reads
/// is the one thing it borrows, and drain() (at shutdown, before the workspace closes) waits for
/// every job still running.
class BackgroundTask
{
public:
    /// The shared pool for jobs that may run side by side.
    static QThreadPool *shared();
    /// A pool of one thread named @p name: its jobs run one after another in the order they
    /// were asked (writes that must not overtake each other, readers whose answers must).
    static QThreadPool *lane(const QString &name);
    /// Waits until every job of every pool has finished (the console's shutdown, tests),
    /// then delivers nothing more: receivers are gone by then or get their answers as usual.
    static void drain();
    /// Jobs queued or running on every pool.
    static int activeJobs();

    /// Runs @p job on @p pool, then @p deliver(result) on @p receiver's thread if the receiver
    /// still exists. @p job takes no argument or a `const CancelToken &`; @p deliver takes
    /// the job's result (nothing for a void job). Returns the job's token (cancel() drops the
    /// answer as the receiver's destruction does).
    template<typename Job, typename Deliver>
    static CancelToken run(QObject *receiver, QThreadPool *pool, Job job, Deliver deliver)
    {
        auto shared = std::make_shared<Detail::BackgroundDelivery::Shared>();
        new Detail::BackgroundDelivery(receiver, shared);
        const CancelToken token = shared->token;
        started();
        pool->start([shared, job = std::move(job), deliver = std::move(deliver)]() mutable {
            using Result = decltype(invoke(job, shared->token));
            if constexpr (std::is_void_v<Result>) {
                invoke(job, shared->token);
                post(shared, [deliver = std::move(deliver)]() mutable { deliver(); });
            } else {
                Result result = invoke(job, shared->token);
                post(shared, [deliver = std::move(deliver), result = std::move(result)]() mutable {
                    deliver(std::move(result));
                });
            }
        });
        return token;
    }

    /// Runs @p job on @p pool; the job returns what to do with its result (a callable), which
    /// runs on @p receiver's thread if the receiver still exists. For jobs whose answer is
    /// several values: the continuation captures them.
    template<typename Job>
    static CancelToken run(QObject *receiver, QThreadPool *pool, Job job)
    {
        return run(receiver, pool, std::move(job), [](auto continuation) { continuation(); });
    }

private:
    template<typename Job>
    static decltype(auto) invoke(Job &job, const CancelToken &token)
    {
        if constexpr (std::is_invocable_v<Job &, const CancelToken &>)
            return job(token);
        else
            return job();
    }

    template<typename Call>
    static void post(const std::shared_ptr<Detail::BackgroundDelivery::Shared> &shared, Call call)
    {
        {
            QMutexLocker lock(&shared->mutex);
            Detail::BackgroundDelivery *target = shared->target;
            if (target && !shared->token.isCancelled()) {
                QMetaObject::invokeMethod(
                    target,
                    [target, shared, call = std::move(call)]() mutable {
                        // Deferred first: the answer may close (and delete) its receiver.
                        target->deleteLater();
                        // Cancelled after it was posted: still nobody's answer.
                        if (!shared->token.isCancelled())
                            call();
                    },
                    Qt::QueuedConnection);
            } else if (target) {
                QMetaObject::invokeMethod(target, &QObject::deleteLater, Qt::QueuedConnection);
            }
        }
        finished();
    }

    static void started();
    static void finished();
};

} // namespace Baton::Ui
