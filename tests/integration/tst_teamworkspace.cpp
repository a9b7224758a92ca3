// `baton` on a team workspace in PostgreSQL (the test server ctest starts): creating it,
// opening it by --workspace and $BATON_WORKSPACE, and every bad address refused with one line
// that names the workspace and never a password, nothing written.

#include "core/pgserver.h"
#include "fixture.h"

#include <QTest>

using namespace Baton;
using namespace Baton::IntegrationTest;

class TestTeamWorkspace : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init() { BATON_REQUIRE_PG(); }

    void initOpenAndReopen()
    {
        Test::PgDatabase pg;
        QCOMPARE(pg.error(), QString());
        Result r = runBaton(inWorkspace(pg.url(), { QStringLiteral("init") }));
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QStringLiteral("created workspace ") + pg.url()),
                 qPrintable(r.out));
        r = runBaton(inWorkspace(pg.url(), { QStringLiteral("init") }));
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QStringLiteral("workspace %1 already exists").arg(pg.url())),
                 qPrintable(r.out));
        // $BATON_WORKSPACE takes the same address.
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("BATON_WORKSPACE"), pg.url());
        r = runBaton({ QStringLiteral("settings") }, env);
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QCOMPARE(pg.exec(QStringLiteral("DO $$ BEGIN IF (SELECT count(*) FROM baton.roles) < 2 "
                                        "THEN RAISE 'no roles'; END IF; END $$")),
                 QString()); // init made its user admin and release manager, in the database
    }

    void badAddresses_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("says");
        const QString server = Test::pgServerUrl();
        QTest::newRow("password") << server + QStringLiteral("/x?password=S3cr3t")
                                  << QStringLiteral("~/.pgpass");
        QTest::newRow("password in user info")
            << QString(server).replace(QStringLiteral("postgres@"),
                                       QStringLiteral("postgres:S3cr3t@"))
                + QStringLiteral("/x")
            << QStringLiteral("~/.pgpass");
        QTest::newRow("missing database")
            << server + QStringLiteral("/no_such_database") << QStringLiteral("does not exist");
        QTest::newRow("unknown parameter")
            << server + QStringLiteral("/x?colour=blue") << QStringLiteral("colour");
        QTest::newRow("nothing listening") << QStringLiteral("postgresql://postgres@127.0.0.1:1/x")
                                           << QStringLiteral("cannot connect to the team workspace "
                                                             "postgresql://postgres@127.0.0.1:1/x");
    }
    void badAddresses()
    {
        QFETCH(QString, address);
        QFETCH(QString, says);
        for (const QString &command : { QStringLiteral("init"), QStringLiteral("projects") }) {
            const Result r = runBaton(inWorkspace(address, { command }));
            QVERIFY2(r.exitCode != 0 && r.exitCode != -1, qPrintable(r.err));
            QVERIFY2(r.err.contains(says), qPrintable(r.err));
            QVERIFY2(!r.err.contains(QLatin1String("S3cr3t")) && !r.out.contains("S3cr3t"),
                     qPrintable(r.err));
        }
    }

    void foreignDatabaseLeftAlone()
    {
        Test::PgDatabase pg;
        QCOMPARE(pg.exec(QStringLiteral("CREATE TABLE invoices (id int)")), QString());
        const Result r = runBaton(inWorkspace(pg.url(), { QStringLiteral("init") }));
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QLatin1String("holds something else (1 tables")),
                 qPrintable(r.err));
        QVERIFY(!pg.holdsBatonSchema());
    }
};

QTEST_GUILESS_MAIN(TestTeamWorkspace)
#include "tst_teamworkspace.moc"
