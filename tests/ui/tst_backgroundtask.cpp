#include "widgets/backgroundtask.h"

#include <QPointer>
#include <QSemaphore>
#include <QTest>
#include <QWidget>
#include <atomic>
#include <memory>
#include <thread>

using namespace Baton::Ui;

class TestBackgroundTask : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void cleanup()
    {
        BackgroundTask::drain();
        QCoreApplication::processEvents(); // posted deletions of finished deliveries
        QCOMPARE(BackgroundTask::activeJobs(), 0);
    }

    void resultReachesALiveReceiverOnItsThread()
    {
        QWidget receiver;
        QString got;
        Qt::HANDLE deliveredOn = nullptr;
        Qt::HANDLE ranOn = nullptr;
        BackgroundTask::run(
            &receiver, BackgroundTask::shared(),
            [&ranOn] {
                ranOn = QThread::currentThreadId();
                return QStringLiteral("read");
            },
            [&](QString result) {
                got = result;
                deliveredOn = QThread::currentThreadId();
            });
        QTRY_COMPARE(got, QStringLiteral("read"));
        QCOMPARE(deliveredOn, QThread::currentThreadId());
        QVERIFY(ranOn != QThread::currentThreadId()); // never the GUI thread
        // The delivery's helper object goes once it delivered: a long-lived widget does not
        // collect one child per job.
        QTRY_COMPARE(receiver.children().size(), 0);
    }

    void voidJobsDeliverToo()
    {
        QObject receiver;
        std::atomic<int> ran { 0 };
        bool delivered = false;
        BackgroundTask::run(
            &receiver, BackgroundTask::shared(), [&ran] { ++ran; },
            [&delivered] { delivered = true; });
        QTRY_VERIFY(delivered);
        QCOMPARE(ran.load(), 1);
    }

    void deletingTheReceiverDropsTheResultAndCancelsTheJob()
    {
        auto *receiver = new QWidget;
        QSemaphore gate;
        QSemaphore entered;
        auto delivered = std::make_shared<std::atomic_bool>(false);
        std::atomic_bool sawCancel { false };
        BackgroundTask::run(
            receiver, BackgroundTask::shared(),
            [&](const CancelToken &token) {
                entered.release();
                gate.acquire();
                sawCancel = token.isCancelled();
                return 42;
            },
            [delivered](int) { *delivered = true; });
        entered.acquire(); // the job runs now
        delete receiver;
        gate.release();
        BackgroundTask::drain();
        QCoreApplication::processEvents();
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        QVERIFY(sawCancel.load());
        QVERIFY(!delivered->load());
    }

    void deletingTheReceiverDoesNotWaitForTheJob()
    {
        auto *receiver = new QWidget;
        QSemaphore gate;
        QSemaphore entered;
        std::atomic_bool finished { false };
        BackgroundTask::run(
            receiver, BackgroundTask::shared(),
            [&] {
                entered.release();
                gate.acquire();
                finished = true;
            },
            [] {});
        entered.acquire();
        // Were the delete to wait for the job, only this watchdog would end the wait; it
        // says so, and the test fails instead of hanging.
        std::atomic_bool deleteReturned { false };
        std::atomic_bool watchdogReleased { false };
        std::thread watchdog([&] {
            for (int i = 0; i < 500 && !deleteReturned; ++i)
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            if (!deleteReturned) {
                watchdogReleased = true;
                gate.release();
            }
        });
        delete receiver;
        deleteReturned = true;
        const bool stillBlocked = !finished.load();
        watchdog.join();
        QVERIFY(!watchdogReleased.load());
        QVERIFY(stillBlocked); // the job was still blocked when the delete returned
        gate.release();
        BackgroundTask::drain();
        QVERIFY(finished.load());
    }

    void theJobSeesItsTokenCancelled()
    {
        QObject receiver;
        QSemaphore entered;
        std::atomic<int> rounds { 0 };
        bool delivered = false;
        const CancelToken token = BackgroundTask::run(
            &receiver, BackgroundTask::shared(),
            [&](const CancelToken &t) {
                entered.release();
                while (!t.isCancelled()) // a long read, stopping as soon as nobody waits
                    ++rounds;
                return rounds.load();
            },
            [&delivered](int) { delivered = true; });
        entered.acquire();
        QVERIFY(!token.isCancelled());
        token.cancel();
        BackgroundTask::drain(); // returns: the job saw the token and stopped
        QCoreApplication::processEvents();
        QVERIFY(!delivered); // a cancelled job's answer is nobody's
    }

    void writesRunToTheEndWhenTheReceiverGoes()
    {
        // A write does not poll the token: it completes (core records it); only its
        // on-screen answer is dropped.
        auto *receiver = new QObject;
        QSemaphore gate;
        std::atomic<int> written { 0 };
        bool answered = false;
        BackgroundTask::run(
            receiver, BackgroundTask::lane(QStringLiteral("test-writer")),
            [&] {
                gate.acquire();
                ++written;
            },
            [&answered] { answered = true; });
        delete receiver;
        gate.release();
        BackgroundTask::drain();
        QCoreApplication::processEvents();
        QCOMPARE(written.load(), 1);
        QVERIFY(!answered);
    }

    void aLaneRunsItsJobsInOrder()
    {
        QObject receiver;
        QSemaphore gate;
        QList<int> order;
        QThreadPool *lane = BackgroundTask::lane(QStringLiteral("test-order"));
        QCOMPARE(lane, BackgroundTask::lane(QStringLiteral("test-order")));
        QCOMPARE(lane->maxThreadCount(), 1);
        BackgroundTask::run(
            &receiver, lane,
            [&gate] {
                gate.acquire(); // the first is slow; the second still waits for it
                return 1;
            },
            [&order](int i) { order << i; });
        BackgroundTask::run(
            &receiver, lane, [] { return 2; }, [&order](int i) { order << i; });
        gate.release();
        QTRY_COMPARE(order.size(), 2);
        QCOMPARE(order, (QList<int> { 1, 2 }));
    }
};

QTEST_MAIN(TestBackgroundTask)
#include "tst_backgroundtask.moc"
