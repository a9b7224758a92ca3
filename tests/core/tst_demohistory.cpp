#include "access/roles.h"
#include "io/jobsascode.h"
#include "refusal.h"
#include "release/demohistory.h"
#include "release/deployments.h"
#include "store/sql.h"
#include "workspacefixture.h"

#include <QDir>
#include <QTest>

using namespace Baton;
using Baton::Test::refusal;

class TestDemoHistory : public QObject
{
    Q_OBJECT
    Test::WorkspaceFixture m_fixture;

    int versionIn(const QString &env) const
    {
        const QSqlDatabase db = m_fixture.db();
        const ReleaseTarget nightly = ReleaseTarget::resolve(db, QStringLiteral("churn/nightly"),
                                                             QStringLiteral("pipeline"));
        return Deployments::current(
                   db, nightly, environmentNamed(db, nightly.projectId, nightly.project, env).id)
            .version;
    }

    int auditEvents() const
    {
        return Sql::scalar(m_fixture.db(), QStringLiteral("SELECT count(*) FROM audit_events"))
            .toInt();
    }

private Q_SLOTS:
    void init() { m_fixture.renew(); }

    void seedsTheReleaseStory()
    {
        QVERIFY(Roles::bootstrap(m_fixture.store(), QStringLiteral("alice")));
        const ImportOutcome demo = JobsAsCode::importPath(
            m_fixture.store(), QStringLiteral(BATON_SOURCE_DIR "/resources/demo"),
            QStringLiteral("alice"));
        QVERIFY2(demo.ok(), qPrintable(demo.errorLines().join('\n')));
        const QStringList log = DemoHistory::write(m_fixture.store(), QStringLiteral("alice"));
        QCOMPARE(log.first(), QStringLiteral("demo release history:"));
        QVERIFY(log.contains(QStringLiteral("  churn/nightly v2 promoted to prod")));

        // v2 went all the way to prod; v3 is in dev (imported), staging and preprod.
        QCOMPARE(versionIn(QStringLiteral("prod")), 2);
        QCOMPARE(versionIn(QStringLiteral("preprod")), 3);
        QCOMPARE(versionIn(QStringLiteral("staging")), 3);
        QCOMPARE(versionIn(QStringLiteral("dev")), 3);

        const QSqlDatabase db = m_fixture.db();
        // Two requests into prod: v2 approved by a second release manager, v3 pending.
        QSqlQuery q = Sql::exec(
            db,
            QStringLiteral(
                "SELECT v.number, r.state, r.requested_by, COALESCE(r.decided_by, '') FROM "
                "promotion_requests r JOIN pipeline_versions v ON v.id = r.pipeline_version_id "
                "JOIN environments e ON e.id = r.to_environment_id WHERE e.name = 'prod' "
                "ORDER BY r.id"));
        QStringList requests;
        while (q.next())
            requests << QStringLiteral("v%1 %2 by %3 decided by '%4'")
                            .arg(q.value(0).toInt())
                            .arg(q.value(1).toString(), q.value(2).toString(),
                                 q.value(3).toString());
        QCOMPARE(requests,
                 (QStringList { QStringLiteral("v2 promoted by maria decided by 'sam'"),
                                QStringLiteral("v3 pending by maria decided by ''") }));

        QVERIFY(Roles::has(db, QStringLiteral("maria"), QStringLiteral("release_manager")));
        QVERIFY(Roles::has(db, QStringLiteral("sam"), QStringLiteral("release_manager")));
        QVERIFY(Roles::has(db, QStringLiteral("sam"), QStringLiteral("steward")));

        // A seed, not real promotions: every release event it wrote says so.
        QSqlQuery events = Sql::exec(
            db,
            QStringLiteral("SELECT action, details FROM audit_events WHERE action IN "
                           "('release.request', 'release.approve', 'release.promote')"));
        int seen = 0;
        while (events.next()) {
            ++seen;
            QVERIFY2(events.value(1).toString().contains(QStringLiteral("demo history")),
                     qPrintable(events.value(0).toString()));
        }
        // v2: staging, preprod, prod (request, approve, promote); v3: staging, preprod, request.
        QCOMPARE(seen, 8);
    }

    void refusesAWorkspaceWithoutTheDemoAndLeavesItAsItWas()
    {
        QVERIFY(Roles::bootstrap(m_fixture.store(), QStringLiteral("alice")));
        const QMap<QString, QStringList> roles = Roles::everyone(m_fixture.db());
        const int events = auditEvents();
        const QString error
            = refusal([&] { DemoHistory::write(m_fixture.store(), QStringLiteral("alice")); });
        QVERIFY2(error.contains(QStringLiteral("churn")), qPrintable(error));
        QCOMPARE(Roles::everyone(m_fixture.db()), roles); // maria and sam were not granted
        QCOMPARE(auditEvents(), events);
    }

    void refusesAnActorWhoMayNotSeedItAndLeavesItAsItWas()
    {
        QVERIFY(Roles::bootstrap(m_fixture.store(), QStringLiteral("alice")));
        const ImportOutcome demo = JobsAsCode::importPath(
            m_fixture.store(), QStringLiteral(BATON_SOURCE_DIR "/resources/demo"),
            QStringLiteral("alice"));
        QVERIFY(demo.ok());
        const QMap<QString, QStringList> roles = Roles::everyone(m_fixture.db());
        const int events = auditEvents();
        const QString error
            = refusal([&] { DemoHistory::write(m_fixture.store(), QStringLiteral("bob")); });
        QVERIFY2(error.contains(QStringLiteral("admin")), qPrintable(error));
        QCOMPARE(Roles::everyone(m_fixture.db()), roles);
        QCOMPARE(auditEvents(), events);
        QCOMPARE(versionIn(QStringLiteral("prod")), 1); // no v2, let alone promoted
    }
};

QTEST_GUILESS_MAIN(TestDemoHistory)
#include "tst_demohistory.moc"
