#include "release/deploymentmatrix.h"
#include "release/deployments.h"
#include "release/versions.h"
#include "store/projectwriter.h"
#include "testspecs.h"
#include "workspacefixture.h"

#include <QJsonObject>
#include <QTest>

using namespace Baton;
using namespace Baton::Test;

// The Releases mode's matrix (and `baton deployments`): rows pipelines then jobs, columns the
// path's environments, each cell what that environment runs, with drift where it differs from
// the environment before it.
class TestDeploymentMatrix : public QObject
{
    Q_OBJECT
private:
    WorkspaceFixture m_fx;

    const MatrixRow &row(const ProjectMatrix &pm, const QString &name, ReleaseKind kind)
    {
        for (const MatrixRow &r : pm.rows)
            if (r.name == name && r.kind == kind)
                return r;
        qFatal("no row %s", qPrintable(name));
    }

    static QList<int> versions(const MatrixRow &r)
    {
        QList<int> v;
        for (const MatrixCell &c : r.cells)
            v << c.version;
        return v;
    }

    static QList<bool> drift(const MatrixRow &r)
    {
        QList<bool> d;
        for (const MatrixCell &c : r.cells)
            d << c.drift;
        return d;
    }

private Q_SLOTS:
    void init()
    {
        m_fx.renew();
        ProjectWriter::apply(m_fx.store(), { churnProject() }, QStringLiteral("alice"));
    }

    void rowsAndColumns()
    {
        const DeploymentMatrix m = DeploymentMatrix::read(m_fx.db());
        QCOMPARE(m.projects.size(), 1);
        const ProjectMatrix &pm = m.projects.first();
        QCOMPARE(pm.project, QStringLiteral("churn"));
        QCOMPARE(pm.environments.size(), 4);
        // Pipelines first, then jobs, each by name.
        bool seenJob = false;
        QStringList jobs;
        for (const MatrixRow &r : pm.rows) {
            if (r.kind == ReleaseKind::Job) {
                seenJob = true;
                jobs << r.name;
            } else {
                QVERIFY2(!seenJob, qPrintable(r.name + " after a job"));
            }
            QCOMPARE(r.cells.size(), pm.environments.size());
        }
        QStringList sorted = jobs;
        sorted.sort();
        QCOMPARE(jobs, sorted);
        QCOMPARE(jobs.size(), churnProject().jobs.size());
        // A first import goes everywhere: no drift.
        const MatrixRow &nightly = row(pm, "nightly", ReleaseKind::Pipeline);
        QCOMPARE(versions(nightly), QList<int>({ 1, 1, 1, 1 }));
        QCOMPARE(drift(nightly), QList<bool>({ false, false, false, false }));
        QCOMPARE(nightly.cells.first().deployedBy, QStringLiteral("alice"));
        QVERIFY(!nightly.cells.first().lastRunState.has_value()); // never ran
    }

    void driftIsWhereAnEnvironmentDiffersFromTheOneBefore()
    {
        ProjectSpec p = churnProject();
        for (JobSpec &j : p.jobs)
            if (j.name == QLatin1String("train"))
                j.command += QStringLiteral(" --epochs 20");
        ProjectWriter::apply(m_fx.store(), { p }, QStringLiteral("bob"));
        const ReleaseTarget train = ReleaseTarget::resolve(m_fx.db(), "churn/train");
        const QList<EnvironmentRef> path = promotionPath(m_fx.db(), train.projectId);
        // Put v2 in dev and staging whatever the import did, keep v1 in preprod and prod.
        const qint64 v2 = Versions::idOf(m_fx.db(), train, 2);
        m_fx.store().transaction([&](QSqlDatabase &db) {
            for (int i : { 0, 1 })
                Deployments::record(db, train, v2, path[i].id, QStringLiteral("promote"),
                                    QStringLiteral("rm"), 5000);
        });
        const DeploymentMatrix m = DeploymentMatrix::read(m_fx.db(), QStringLiteral("churn"));
        const MatrixRow &r = row(m.projects.first(), "train", ReleaseKind::Job);
        QCOMPARE(r.latestVersion, 2);
        QCOMPARE(versions(r), QList<int>({ 2, 2, 1, 1 }));
        QCOMPARE(drift(r), QList<bool>({ false, false, true, false }));
        QCOMPARE(r.cells[1].deployKind, QStringLiteral("promote"));
        QCOMPARE(r.cells[1].deployedBy, QStringLiteral("rm"));
        // Unchanged jobs stay level.
        QCOMPARE(drift(row(m.projects.first(), "extract", ReleaseKind::Job)),
                 QList<bool>({ false, false, false, false }));

        // The JSON that `baton deployments --json` prints says the same.
        bool found = false;
        for (const QJsonValue &v : m.toJson()) {
            const QJsonObject o = v.toObject();
            if (o.value("kind").toString() != QLatin1String("job")
                || o.value("name").toString() != QLatin1String("train"))
                continue;
            found = true;
            const QJsonObject cells = o.value("deployments").toObject();
            QCOMPARE(cells.value(path[2].name).toObject().value("drift").toBool(), true);
            QCOMPARE(cells.value(path[1].name).toObject().value("version").toInt(), 2);
            QCOMPARE(cells.value(path[1].name).toObject().value("deploy_kind").toString(),
                     QStringLiteral("promote"));
            QCOMPARE(o.value("latest_version").toInt(), 2);
        }
        QVERIFY(found);
    }

    void oneProjectOrNone()
    {
        ProjectSpec other = churnProject();
        other.name = QStringLiteral("billing");
        ProjectWriter::apply(m_fx.store(), { other }, QStringLiteral("alice"));
        QCOMPARE(DeploymentMatrix::read(m_fx.db()).projects.size(), 2);
        const DeploymentMatrix one = DeploymentMatrix::read(m_fx.db(), QStringLiteral("billing"));
        QCOMPARE(one.projects.size(), 1);
        QCOMPARE(one.projects.first().project, QStringLiteral("billing"));
        // An unknown project has no matrix (the CLI says so; nothing is invented here).
        QVERIFY(DeploymentMatrix::read(m_fx.db(), QStringLiteral("nope")).projects.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestDeploymentMatrix)
#include "tst_deploymentmatrix.moc"
