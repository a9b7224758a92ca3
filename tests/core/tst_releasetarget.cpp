#include "release/releasetarget.h"
#include "store/projectwriter.h"
#include "testspecs.h"
#include "util/error.h"
#include "workspacefixture.h"

#include <QTest>

using namespace Baton;
using namespace Baton::Test;

// What `baton promote/rollback/diff/versions PROJECT/NAME` names: a job or a pipeline, resolved
// once for every release command; and the environments of a project's path, in order.
class TestReleaseTarget : public QObject
{
    Q_OBJECT
private:
    WorkspaceFixture m_fx;

private Q_SLOTS:
    void init()
    {
        m_fx.renew();
        ProjectSpec p = churnProject(); // jobs extract, train, score, notify; pipeline nightly
        PipelineSpec score; // a pipeline named like a job
        score.name = QStringLiteral("score");
        score.tasks << task(QStringLiteral("score"));
        p.pipelines << score;
        ProjectWriter::apply(m_fx.store(), { p }, QStringLiteral("tester"));
    }

    void resolvesJobsAndPipelines()
    {
        const ReleaseTarget pipeline = ReleaseTarget::resolve(m_fx.db(), "churn/nightly");
        QVERIFY(pipeline.kind == ReleaseKind::Pipeline);
        QVERIFY(pipeline.id > 0 && pipeline.projectId > 0);
        QCOMPARE(pipeline.fullName(), QStringLiteral("churn/nightly"));
        QCOMPARE(pipeline.idColumn(), QStringLiteral("pipeline_id"));
        QCOMPARE(pipeline.versionColumn(), QStringLiteral("pipeline_version_id"));
        QCOMPARE(pipeline.versionTable(), QStringLiteral("pipeline_versions"));
        const ReleaseTarget job = ReleaseTarget::resolve(m_fx.db(), "churn/train");
        QVERIFY(job.kind == ReleaseKind::Job);
        QCOMPARE(job.idColumn(), QStringLiteral("job_id"));
        QCOMPARE(job.versionTable(), QStringLiteral("job_versions"));
        QCOMPARE(job.versionOwnerColumn(), QStringLiteral("job_id"));
        QCOMPARE(toString(job.kind), QStringLiteral("job"));
        // A name that is both: only with a kind.
        QVERIFY(ReleaseTarget::resolve(m_fx.db(), "churn/score", "job").kind == ReleaseKind::Job);
        QVERIFY(ReleaseTarget::resolve(m_fx.db(), "churn/score", "pipeline").kind
                == ReleaseKind::Pipeline);
    }

    void refusals_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("error");
        const QString shape = QStringLiteral("expected PROJECT/NAME (a job or a pipeline)");
        QTest::newRow("no slash") << "churn"
                                  << ""
                                  << "'churn': " + shape;
        QTest::newRow("no name") << "churn/"
                                 << ""
                                 << "'churn/': " + shape;
        QTest::newRow("no project") << "/nightly"
                                    << ""
                                    << "'/nightly': " + shape;
        QTest::newRow("two slashes") << "churn/a/b"
                                     << ""
                                     << "'churn/a/b': " + shape;
        QTest::newRow("unknown project") << "shop/nightly"
                                         << ""
                                         << "no project named 'shop'";
        QTest::newRow("unknown name") << "churn/weekly"
                                      << ""
                                      << "project 'churn' has no job or pipeline named 'weekly'";
        QTest::newRow("wrong kind") << "churn/nightly"
                                    << "job"
                                    << "project 'churn' has no job named 'nightly'";
        QTest::newRow("bad kind") << "churn/nightly"
                                  << "task"
                                  << "unknown kind 'task' (job or "
                                     "pipeline)";
        QTest::newRow("ambiguous") << "churn/score"
                                   << ""
                                   << "'churn/score' is both a job and a pipeline: say which with "
                                      "--kind job or --kind pipeline";
    }
    void refusals()
    {
        QFETCH(QString, path);
        QFETCH(QString, kind);
        QFETCH(QString, error);
        try {
            ReleaseTarget::resolve(m_fx.db(), path, kind);
            QFAIL("resolved");
        } catch (const Error &e) {
            QCOMPARE(e.message(), error);
        }
    }

    void archivedIsGone()
    {
        m_fx.store().exec(QStringLiteral("UPDATE pipelines SET archived_at = 1 WHERE name = ?"),
                          { QStringLiteral("nightly") });
        QVERIFY_THROWS_EXCEPTION(Error, ReleaseTarget::resolve(m_fx.db(), "churn/nightly"));
        // The job of the same name as an archived pipeline is no longer ambiguous.
        m_fx.store().exec(QStringLiteral("UPDATE pipelines SET archived_at = 1 WHERE name = ?"),
                          { QStringLiteral("score") });
        QVERIFY(ReleaseTarget::resolve(m_fx.db(), "churn/score").kind == ReleaseKind::Job);
    }

    void promotionPathInOrder()
    {
        const ReleaseTarget t = ReleaseTarget::resolve(m_fx.db(), "churn/nightly");
        const QList<EnvironmentRef> path = promotionPath(m_fx.db(), t.projectId);
        QStringList names;
        for (const EnvironmentRef &e : path)
            names << e.name;
        QCOMPARE(names, QStringList({ "dev", "staging", "preprod", "prod" }));
        QVERIFY(!path.at(0).approvalRequired);
        QVERIFY(path.at(3).approvalRequired); // production changes need a second person
        QCOMPARE(environmentNamed(m_fx.db(), t.projectId, "churn", "preprod").id, path.at(2).id);
        try {
            environmentNamed(m_fx.db(), t.projectId, "churn", "qa");
            QFAIL("found qa");
        } catch (const Error &e) {
            QCOMPARE(e.message(),
                     QStringLiteral("project 'churn' has no environment 'qa' (its "
                                    "path: dev → staging → preprod → prod)"));
        }
        m_fx.store().exec(QStringLiteral("UPDATE environments SET archived_at = 1 WHERE name = "
                                         "'staging'"));
        QCOMPARE(promotionPath(m_fx.db(), t.projectId).size(), 3);
        QVERIFY_THROWS_EXCEPTION(Error,
                                 environmentNamed(m_fx.db(), t.projectId, "churn", "staging"));
    }
};

QTEST_GUILESS_MAIN(TestReleaseTarget)
#include "tst_releasetarget.moc"
