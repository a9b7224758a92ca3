#include "store/catalog.h"
#include "store/catalogworker.h"
#include "store/projectwriter.h"
#include "store/workspace.h"
#include "testspecs.h"
#include "util/error.h"
#include "workspacefixture.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace Baton;
using namespace Baton::Test;

class TestCatalog : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    Test::WorkspaceFixture m_fixture; // before m_ws: its database outlives the workspace
    std::unique_ptr<Workspace> m_ws;

private Q_SLOTS:
    void initTestCase()
    {
        m_ws = m_fixture.another(m_dir.filePath(QStringLiteral("ws")));
        ProjectSpec other;
        other.name = QStringLiteral("inventory");
        other.environments = { { QStringLiteral("test"), false, {}, {} },
                               { QStringLiteral("live"), true, {}, {} } };
        other.jobs << job(QStringLiteral("fetch"), QStringLiteral("./fetch.sh"));
        PipelineSpec hourly;
        hourly.name = QStringLiteral("hourly");
        hourly.tasks << task(QStringLiteral("fetch"));
        other.pipelines << hourly;
        ProjectWriter::apply(m_ws->store(), { churnProject(), other }, QStringLiteral("alice"));
    }
    void cleanupTestCase() { m_ws.reset(); }

    void projects()
    {
        const QList<ProjectInfo> list = Catalog::projects(m_ws->store().db());
        QCOMPARE(list.size(), 2);
        QCOMPARE(list[0].name, QStringLiteral("churn"));
        QCOMPARE(list[0].jobCount, 4);
        QCOMPARE(list[0].pipelineCount, 1);
        QCOMPARE(list[0].environments.size(), 4);
        QCOMPARE(list[0].environments[3].name, QStringLiteral("prod"));
        QVERIFY(list[0].environments[3].approvalRequired);
        QCOMPARE(list[1].name, QStringLiteral("inventory"));
        QCOMPARE(list[1].environments[0].name, QStringLiteral("test"));
        QVERIFY(!list[1].environments[0].approvalRequired);
    }

    void jobsFilteredByProject()
    {
        const QList<JobInfo> all = Catalog::jobs(m_ws->store().db());
        QCOMPARE(all.size(), 5);
        const QList<JobInfo> inv = Catalog::jobs(m_ws->store().db(), QStringLiteral("inventory"));
        QCOMPARE(inv.size(), 1);
        QCOMPARE(inv[0].name, QStringLiteral("fetch"));
        const QList<JobInfo> churn = Catalog::jobs(m_ws->store().db(), QStringLiteral("churn"));
        QCOMPARE(churn[0].name, QStringLiteral("extract"));
        QCOMPARE(churn[0].files, QStringList { QStringLiteral("extract.sh") });
        QCOMPARE(churn[0].settings.retries, std::optional<int>(2));
        QCOMPARE(churn[0].contentHash.size(), 64);
        QVERIFY(Catalog::jobs(m_ws->store().db(), QStringLiteral("nope")).isEmpty());
    }

    void pipelinesCarryTasksEdgesAndSchedule()
    {
        const QList<PipelineInfo> list
            = Catalog::pipelines(m_ws->store().db(), QStringLiteral("churn"));
        QCOMPARE(list.size(), 1);
        const PipelineInfo &p = list[0];
        QCOMPARE(p.version, 1);
        QCOMPARE(p.schedule, QStringLiteral("0 2 * * *"));
        QCOMPARE(p.timezone, QStringLiteral("Europe/Paris"));
        QCOMPARE(p.maxParallel, 2);
        QCOMPARE(p.tasks.size(), 4);
        QCOMPARE(p.tasks[3].name, QStringLiteral("alert"));
        QCOMPARE(p.tasks[3].job, QStringLiteral("notify"));
        QCOMPARE(p.tasks[3].jobVersion, 1);
        QCOMPARE(p.edges.size(), 3);
        QCOMPARE(p.edges[2].from, QStringLiteral("score"));
        QCOMPARE(p.edges[2].to, QStringLiteral("alert"));
        QVERIFY(p.edges[2].condition == EdgeCondition::Failed);
    }

    void projectSpecRebuildsTheDefinition()
    {
        const ProjectSpec original = churnProject();
        const ProjectSpec spec = Catalog::projectSpec(m_ws->store().db(), QStringLiteral("churn"));
        QCOMPARE(spec.description, original.description);
        QCOMPARE(spec.environments, original.environments);
        QCOMPARE(spec.jobs.size(), original.jobs.size());
        for (const JobSpec &j : original.jobs) {
            const JobSpec *back = spec.job(j.name);
            QVERIFY2(back, qPrintable(j.name));
            QVERIFY2(back->sameContent(j), qPrintable(j.name));
        }
        QCOMPARE(spec.pipelines.size(), 1);
        QVERIFY(spec.pipelines[0].sameContent(original.pipelines[0]));
        QCOMPARE(spec.pipelines[0].schedule, original.pipelines[0].schedule);
        // Secrets come back without their value.
        QCOMPARE(spec.variables.size(), 2);
        QCOMPARE(spec.variables[1].name, QStringLiteral("API_TOKEN"));
        QVERIFY(spec.variables[1].secret);
        QVERIFY(!spec.variables[1].value.has_value());
        QCOMPARE(spec.variables[0].value,
                 std::optional<QString>(QStringLiteral("postgresql://dev/churn")));
    }

    void unknownProjectIsAnError()
    {
        try {
            Catalog::projectSpec(m_ws->store().db(), QStringLiteral("nope"));
            QFAIL("no error");
        } catch (const Error &e) {
            QVERIFY(e.message().contains(QStringLiteral("'nope'")));
        }
    }

    void workerLoadsOnItsOwnThread()
    {
        QThread thread;
        auto *worker = new CatalogWorker(&m_ws->store());
        worker->moveToThread(&thread);
        connect(&thread, &QThread::finished, worker, &QObject::deleteLater);
        thread.start();
        QSignalSpy spy(worker, &CatalogWorker::snapshotReady);
        QMetaObject::invokeMethod(worker, &CatalogWorker::refresh, Qt::QueuedConnection);
        // The worker emits on its own thread straight into the spy, possibly before a wait()
        // would start: poll the count instead.
        QTRY_COMPARE_WITH_TIMEOUT(spy.count(), 1, 10000);
        const auto snapshot = spy.takeFirst().at(0).value<CatalogSnapshot>();
        QCOMPARE(snapshot.projects.size(), 2);
        QCOMPARE(snapshot.jobs.size(), 5);
        QCOMPARE(snapshot.pipelines.size(), 2);
        QVERIFY(snapshot.takenAt > 0);
        thread.quit();
        QVERIFY(thread.wait(10000));
    }
};

QTEST_GUILESS_MAIN(TestCatalog)
#include "tst_catalog.moc"
