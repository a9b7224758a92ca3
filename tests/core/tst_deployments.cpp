#include "release/deployments.h"
#include "release/versions.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "testspecs.h"
#include "workspacefixture.h"

#include <QTest>

using namespace Baton;
using namespace Baton::Test;

// What runs where: the newest row per target and environment is current, rows are only added,
// and an import deploys its first version everywhere but a later one to the first environment
// only (it moves on by promotion, never by import).
class TestDeployments : public QObject
{
    Q_OBJECT
private:
    WorkspaceFixture m_fx;
    QList<EnvironmentRef> m_path;

    ReleaseTarget target(const QString &path) const
    {
        return ReleaseTarget::resolve(m_fx.db(), path);
    }

    // What each environment of the path runs now, as version numbers (0: nothing).
    QList<int> deployed(const ReleaseTarget &t) const
    {
        QList<int> versions;
        for (const EnvironmentRef &e : m_path)
            versions << Deployments::current(m_fx.db(), t, e.id).version;
        return versions;
    }

private Q_SLOTS:
    void init()
    {
        m_fx.renew();
        ProjectWriter::apply(m_fx.store(), { churnProject() }, QStringLiteral("alice"));
        m_path = promotionPath(m_fx.db(), target(QStringLiteral("churn/nightly")).projectId);
        QCOMPARE(m_path.size(), 4);
    }

    void firstImportGoesEverywhere()
    {
        QCOMPARE(deployed(target(QStringLiteral("churn/nightly"))), QList<int>({ 1, 1, 1, 1 }));
        QCOMPARE(deployed(target(QStringLiteral("churn/train"))), QList<int>({ 1, 1, 1, 1 }));
        const DeploymentRecord r = Deployments::current(
            m_fx.db(), target(QStringLiteral("churn/nightly")), m_path[3].id);
        QCOMPARE(r.kind, QStringLiteral("deploy"));
        QCOMPARE(r.by, QStringLiteral("alice"));
        QCOMPARE(r.rewrites, QStringLiteral("[]"));
        QCOMPARE(Sql::scalar(m_fx.db(),
                             QStringLiteral("SELECT details FROM audit_events WHERE action = "
                                            "'release.deploy' AND object_name = 'churn/nightly'"))
                     .toString(),
                 QStringLiteral("first version: deployed to the whole path"));
    }

    void laterImportEntersTheFirstEnvironmentOnly()
    {
        ProjectSpec p = churnProject();
        p.jobs[1].command = QStringLiteral("python3 train.py --fast"); // train v2
        ProjectWriter::apply(m_fx.store(), { p }, QStringLiteral("bob"));
        QCOMPARE(deployed(target(QStringLiteral("churn/train"))), QList<int>({ 2, 1, 1, 1 }));
        // The pipeline pins the new job version: a new pipeline version, also in dev only.
        QCOMPARE(deployed(target(QStringLiteral("churn/nightly"))), QList<int>({ 2, 1, 1, 1 }));
        QCOMPARE(Sql::scalar(m_fx.db(),
                             QStringLiteral("SELECT details FROM audit_events WHERE action = "
                                            "'release.deploy' AND object_name = 'churn/train' "
                                            "ORDER BY id DESC LIMIT 1"))
                     .toString(),
                 QStringLiteral("imported version enters dev"));
        // The same file again makes no version and deploys nothing.
        const int rows
            = Sql::scalar(m_fx.db(), QStringLiteral("SELECT count(*) FROM deployments")).toInt();
        ProjectWriter::apply(m_fx.store(), { p }, QStringLiteral("bob"));
        QCOMPARE(Sql::scalar(m_fx.db(), QStringLiteral("SELECT count(*) FROM deployments")).toInt(),
                 rows);
    }

    void historyIsNewestFirstAndOnlyGrows()
    {
        const ReleaseTarget t = target(QStringLiteral("churn/nightly"));
        const qint64 v1 = Versions::idOf(m_fx.db(), t, 1);
        ProjectSpec p = churnProject();
        p.pipelines[0].description = QStringLiteral("v2");
        ProjectWriter::apply(m_fx.store(), { p }, QStringLiteral("alice"));
        const qint64 v2 = Versions::idOf(m_fx.db(), t, 2);
        const qint64 staging = m_path[1].id;
        m_fx.store().transaction([&](QSqlDatabase &db) {
            Deployments::record(db, t, v2, staging, QStringLiteral("promote"), QStringLiteral("rm"),
                                2000, QStringLiteral("[{\"x\":1}]"), 7);
            Deployments::record(db, t, v1, staging, QStringLiteral("rollback"),
                                QStringLiteral("rm"), 3000);
        });
        const QList<DeploymentRecord> h = Deployments::history(m_fx.db(), t, staging);
        QCOMPARE(h.size(), 3);
        QCOMPARE(h[0].kind, QStringLiteral("rollback"));
        QCOMPARE(h[0].version, 1);
        QCOMPARE(h[1].kind, QStringLiteral("promote"));
        QCOMPARE(h[1].version, 2);
        QCOMPARE(h[1].requestId, qint64(7));
        QCOMPARE(h[1].rewrites, QStringLiteral("[{\"x\":1}]"));
        QCOMPARE(h[2].kind, QStringLiteral("deploy"));
        // The newest row is what runs: back on v1 after the rollback.
        QCOMPARE(Deployments::current(m_fx.db(), t, staging).version, 1);
        QCOMPARE(Deployments::history(m_fx.db(), t, staging, 1).size(), 1);
        // An environment of another project, or none: nothing deployed.
        QCOMPARE(Deployments::current(m_fx.db(), t, 9999).id, qint64(0));
        QVERIFY(Deployments::history(m_fx.db(), t, 9999).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestDeployments)
#include "tst_deployments.moc"
