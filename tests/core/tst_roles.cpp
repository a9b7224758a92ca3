#include "access/roles.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "util/error.h"
#include "workspacefixture.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Baton;
using Baton::Test::WorkspaceFixture;

// Who may do what: enforced in core for the CLI and the console alike. A refusal says who
// lacks which role and how to get it, and changes nothing.
class TestRoles : public QObject
{
    Q_OBJECT
private:
    WorkspaceFixture m_fx;

    QSqlDatabase db() const { return m_fx.db(); }

    QPair<int, int> counts() const
    {
        return { Sql::scalar(db(), QStringLiteral("SELECT count(*) FROM roles")).toInt(),
                 Sql::scalar(db(), QStringLiteral("SELECT count(*) FROM audit_events")).toInt() };
    }

    void expectRefusal(const QString &actor, const QString &user, const QStringList &roles,
                       const QString &message)
    {
        const auto before = counts();
        const QStringList held = Roles::of(db(), user);
        try {
            Roles::set(m_fx.store(), actor, user, roles);
            QFAIL("accepted");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(message), qPrintable(e.message()));
        }
        QCOMPARE(counts(), before);
        QCOMPARE(Roles::of(db(), user), held);
    }

private Q_SLOTS:
    void init() { m_fx.renew(); }

    void bootstrapMakesTheFirstAdminOnce()
    {
        QVERIFY(Roles::everyone(db()).isEmpty());
        QVERIFY(Roles::bootstrap(m_fx.store(), QStringLiteral("alice")));
        QCOMPARE(Roles::of(db(), QStringLiteral("alice")),
                 QStringList({ QStringLiteral("release_manager"), QStringLiteral("admin") }));
        // The workspace has an admin now: nobody else becomes one this way.
        QVERIFY(!Roles::bootstrap(m_fx.store(), QStringLiteral("mallory")));
        QCOMPARE(Roles::of(db(), QStringLiteral("mallory")), QStringList());
        QCOMPARE(Roles::everyone(db()).keys(), QStringList { QStringLiteral("alice") });
    }

    void requireNamesTheMissingRole()
    {
        Roles::bootstrap(m_fx.store(), QStringLiteral("alice"));
        Roles::require(db(), QStringLiteral("alice"), QLatin1String(Roles::ReleaseManager),
                       QStringLiteral("promote")); // holds it: no throw
        try {
            Roles::require(db(), QStringLiteral("bob"), QLatin1String(Roles::ReleaseManager),
                           QStringLiteral("promote"));
            QFAIL("bob may promote");
        } catch (const Error &e) {
            QCOMPARE(e.message(),
                     QStringLiteral("bob cannot promote: it needs the release_manager role (bob "
                                    "has no role); an admin grants it with: baton roles bob "
                                    "release_manager"));
        }
        Roles::set(m_fx.store(), QStringLiteral("alice"), QStringLiteral("bob"),
                   { QStringLiteral("steward"), QStringLiteral("viewer") });
        QVERIFY(Roles::has(db(), QStringLiteral("bob"), QStringLiteral("steward")));
        QVERIFY(!Roles::has(db(), QStringLiteral("bob"), QStringLiteral("operator")));
        try {
            Roles::require(db(), QStringLiteral("bob"), QLatin1String(Roles::Admin),
                           QStringLiteral("change roles"));
            QFAIL("bob may change roles");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(QLatin1String("(bob has viewer, steward)")),
                     qPrintable(e.message()));
        }
    }

    void setReplacesAndAudits()
    {
        Roles::bootstrap(m_fx.store(), QStringLiteral("alice"));
        Roles::set(m_fx.store(), QStringLiteral("alice"), QStringLiteral("bob"),
                   { QStringLiteral("admin"), QStringLiteral("viewer"), QStringLiteral("viewer") });
        // In order of responsibility, whatever the order given; duplicates once.
        QCOMPARE(Roles::of(db(), QStringLiteral("bob")),
                 QStringList({ QStringLiteral("viewer"), QStringLiteral("admin") }));
        Roles::set(m_fx.store(), QStringLiteral("alice"), QStringLiteral("bob"),
                   { QStringLiteral("operator") });
        QCOMPARE(Roles::of(db(), QStringLiteral("bob")),
                 QStringList { QStringLiteral("operator") });
        QSqlQuery q = Sql::exec(db(),
                                QStringLiteral("SELECT actor, object_name, before, after FROM "
                                               "audit_events WHERE action = 'roles.set' ORDER BY "
                                               "id DESC LIMIT 1"));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("alice"));
        QCOMPARE(q.value(1).toString(), QStringLiteral("bob"));
        QCOMPARE(QJsonDocument::fromJson(q.value(2).toByteArray())
                     .object()
                     .value(QStringLiteral("roles"))
                     .toVariant()
                     .toStringList(),
                 QStringList({ QStringLiteral("viewer"), QStringLiteral("admin") }));
        QCOMPARE(QJsonDocument::fromJson(q.value(3).toByteArray())
                     .object()
                     .value(QStringLiteral("roles"))
                     .toVariant()
                     .toStringList(),
                 QStringList { QStringLiteral("operator") });
        // Setting what is already held changes nothing and records nothing.
        const auto before = counts();
        Roles::set(m_fx.store(), QStringLiteral("alice"), QStringLiteral("bob"),
                   { QStringLiteral("operator") });
        QCOMPARE(counts(), before);
        // No roles: none left.
        Roles::set(m_fx.store(), QStringLiteral("alice"), QStringLiteral("bob"), {});
        QCOMPARE(Roles::of(db(), QStringLiteral("bob")), QStringList());
        QVERIFY(!Roles::everyone(db()).contains(QStringLiteral("bob")));
    }

    void refusals()
    {
        Roles::bootstrap(m_fx.store(), QStringLiteral("alice"));
        Roles::set(m_fx.store(), QStringLiteral("alice"), QStringLiteral("bob"),
                   { QStringLiteral("release_manager") });
        expectRefusal(QStringLiteral("bob"), QStringLiteral("bob"), { QStringLiteral("admin") },
                      QStringLiteral("bob cannot change roles: it needs the admin role"));
        expectRefusal(QStringLiteral("nobody"), QStringLiteral("carol"),
                      { QStringLiteral("viewer") }, QStringLiteral("nobody cannot change roles"));
        expectRefusal(QStringLiteral("alice"), QStringLiteral("carol"), { QStringLiteral("root") },
                      QStringLiteral("unknown role 'root' (roles: viewer, steward, operator, "
                                     "release_manager, admin)"));
        expectRefusal(QStringLiteral("alice"), QString(), { QStringLiteral("viewer") },
                      QStringLiteral("'' is not a user name"));
        expectRefusal(QStringLiteral("alice"), QStringLiteral("  "), { QStringLiteral("viewer") },
                      QStringLiteral("is not a user name"));
        expectRefusal(QStringLiteral("alice"), QStringLiteral("carol smith"),
                      { QStringLiteral("viewer") },
                      QStringLiteral("'carol smith' is not a user name"));
        // The only admin cannot drop it: the workspace would have none.
        expectRefusal(QStringLiteral("alice"), QStringLiteral("alice"),
                      { QStringLiteral("release_manager") },
                      QStringLiteral("alice is the only admin: grant admin to someone else "
                                     "before dropping it"));
        // With a second admin, she can.
        Roles::set(m_fx.store(), QStringLiteral("alice"), QStringLiteral("bob"),
                   { QStringLiteral("admin") });
        Roles::set(m_fx.store(), QStringLiteral("alice"), QStringLiteral("alice"),
                   { QStringLiteral("release_manager") });
        QVERIFY(!Roles::has(db(), QStringLiteral("alice"), QStringLiteral("admin")));
        QCOMPARE(Roles::everyone(db()).value(QStringLiteral("bob")),
                 QStringList { QStringLiteral("admin") });
    }

    void roleNames()
    {
        QCOMPARE(Roles::all().size(), 5);
        for (const QString &r : Roles::all())
            QVERIFY(Roles::isRole(r));
        QVERIFY(!Roles::isRole(QStringLiteral("Admin"))); // exact names only
        QVERIFY(!Roles::isRole(QString()));
    }
};

QTEST_GUILESS_MAIN(TestRoles)
#include "tst_roles.moc"
