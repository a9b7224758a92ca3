// The Releases mode's worker on its own thread: what another connection commits reaches it.
#include "release/releaseworker.h"
#include "store/projectwriter.h"
#include "store/settings.h"
#include "store/workspace.h"
#include "testspecs.h"
#include "workspacefixture.h"

#include <QScopeGuard>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

using namespace Baton;
using namespace Baton::Test;

namespace {

constexpr int kWaitMs = 10000;

// Receives the worker's snapshots on the test thread (queued), so the spy never races it.
class Relay : public QObject
{
    Q_OBJECT
public:
    explicit Relay(ReleaseWorker *worker)
    {
        connect(worker, &ReleaseWorker::snapshotReady, this, &Relay::snapshot);
    }
Q_SIGNALS:
    void snapshot();
};

} // namespace

class TestReleaseWorker : public QObject
{
    Q_OBJECT
    WorkspaceFixture m_fixture;

private Q_SLOTS:
    void init()
    {
        m_fixture.renew();
        ProjectWriter::apply(m_fixture.store(), { churnProject() }, QStringLiteral("alice"));
    }

    // console_bench (#19): every console re-read the whole deployment matrix at each commit of
    // a busy engine (dozens a second), in whatever mode it showed. Hidden, a commit elsewhere
    // only marks the snapshot stale; shown again, the worker reads it once.
    void commitsElsewhereRefreshOnlyWhenShown()
    {
        if (!WorkspaceFixture::onPostgres())
            QSKIP("pushes are PostgreSQL's NOTIFY; the SQLite mode polls while shown");
        auto *worker = new ReleaseWorker(&m_fixture.store());
        QThread thread;
        worker->moveToThread(&thread);
        connect(&thread, &QThread::finished, worker, &QObject::deleteLater);
        Relay relay(worker);
        QSignalSpy snapshots(&relay, &Relay::snapshot);
        thread.start();
        const auto end = qScopeGuard([&] {
            thread.quit();
            thread.wait();
        });
        QMetaObject::invokeMethod(worker, &ReleaseWorker::refresh, Qt::QueuedConnection);
        QVERIFY(snapshots.wait(kWaitMs)); // and it listens from now on

        // Shown: a commit elsewhere refreshes.
        Settings::set(m_fixture.store(), QStringLiteral("max_parallel"), QStringLiteral("3"),
                      QStringLiteral("alice"));
        QTRY_COMPARE_WITH_TIMEOUT(snapshots.size(), 2, kWaitMs);

        QMetaObject::invokeMethod(
            worker, [worker] { worker->setShown(false); }, Qt::QueuedConnection);
        Settings::set(m_fixture.store(), QStringLiteral("max_parallel"), QStringLiteral("4"),
                      QStringLiteral("alice"));
        QTest::qWait(1500); // the push arrives (well within this) and must not refresh
        QCOMPARE(snapshots.size(), 2);

        QMetaObject::invokeMethod(
            worker, [worker] { worker->setShown(true); }, Qt::QueuedConnection);
        QTRY_COMPARE_WITH_TIMEOUT(snapshots.size(), 3, kWaitMs);
    }
};

QTEST_MAIN(TestReleaseWorker)
#include "tst_releaseworker.moc"
