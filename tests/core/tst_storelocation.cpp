#include "refusal.h"
#include "store/storelocation.h"
#include "util/error.h"

#include <QDir>
#include <QTest>

using namespace Baton;

class TestStoreLocation : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void directoryIsSqlite()
    {
        const StoreLocation l = StoreLocation::parse(QStringLiteral("some/dir/baton.db"));
        QCOMPARE(l.kind(), StoreLocation::Kind::Sqlite);
        QCOMPARE(l.path(), QDir::current().absoluteFilePath(QStringLiteral("some/dir/baton.db")));
        QCOMPARE(l.displayName(), l.path());
        QVERIFY(!StoreLocation::looksLikePostgres(QStringLiteral("/home/ops/workspace")));
        QVERIFY(!StoreLocation::looksLikePostgres(QStringLiteral("postgresql-notes")));
    }

    void uri()
    {
        const StoreLocation l = StoreLocation::parse(
            QStringLiteral("postgresql://alice@db.example.org:5433/baton?sslmode=require"));
        QCOMPARE(l.kind(), StoreLocation::Kind::Postgres);
        QCOMPARE(l.parameter(QStringLiteral("host")), QStringLiteral("db.example.org"));
        QCOMPARE(l.parameter(QStringLiteral("port")), QStringLiteral("5433"));
        QCOMPARE(l.parameter(QStringLiteral("user")), QStringLiteral("alice"));
        QCOMPARE(l.parameter(QStringLiteral("dbname")), QStringLiteral("baton"));
        QCOMPARE(l.parameter(QStringLiteral("sslmode")), QStringLiteral("require"));
        QCOMPARE(l.displayName(), QStringLiteral("postgresql://alice@db.example.org:5433/baton"));
        // The short scheme and percent-encoding, as libpq reads them.
        const StoreLocation s
            = StoreLocation::parse(QStringLiteral("postgres://%2Fvar%2Frun%2Fpostgresql/team"));
        QCOMPARE(s.parameter(QStringLiteral("host")), QStringLiteral("/var/run/postgresql"));
        QCOMPARE(s.parameter(QStringLiteral("dbname")), QStringLiteral("team"));
    }

    void keywordStrings()
    {
        const StoreLocation service = StoreLocation::parse(QStringLiteral("service=team"));
        QCOMPARE(service.kind(), StoreLocation::Kind::Postgres);
        QCOMPARE(service.displayName(), QStringLiteral("service=team"));
        const StoreLocation kv
            = StoreLocation::parse(QStringLiteral("host=db1 port=6000 dbname='baton prod'"));
        QCOMPARE(kv.parameter(QStringLiteral("dbname")), QStringLiteral("baton prod"));
        QCOMPARE(kv.displayName(), QStringLiteral("postgresql://db1:6000/baton prod"));
        // Values are quoted back so that libpq reads the same thing.
        QCOMPARE(StoreLocation::parse(kv.conninfo()).parameters(), kv.parameters());
        const StoreLocation quote = StoreLocation::parse(QStringLiteral("dbname='it\\'s'"));
        QCOMPARE(quote.parameter(QStringLiteral("dbname")), QStringLiteral("it's"));
        QCOMPARE(StoreLocation::parse(quote.conninfo()).parameters(), quote.parameters());
    }

    // A password never reaches Baton's arguments, settings or messages.
    void passwordRefused_data()
    {
        QTest::addColumn<QString>("address");
        QTest::newRow("uri") << QStringLiteral("postgresql://alice:S3cr3t@db/baton");
        QTest::newRow("query") << QStringLiteral("postgresql://db/baton?password=S3cr3t");
        QTest::newRow("keyword") << QStringLiteral("host=db password=S3cr3t dbname=baton");
    }
    void passwordRefused()
    {
        QFETCH(QString, address);
        const QString message = Test::refusal([&] { StoreLocation::parse(address); });
        QVERIFY2(message.contains(QLatin1String("~/.pgpass")), qPrintable(message));
        QVERIFY2(!message.contains(QLatin1String("S3cr3t")), qPrintable(message));
    }

    void malformedRefused_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QString>("says");
        QTest::newRow("unknown parameter")
            << QStringLiteral("postgresql://db/baton?colour=blue") << QStringLiteral("colour");
        QTest::newRow("unknown keyword")
            << QStringLiteral("host=db colour=blue") << QStringLiteral("colour");
        QTest::newRow("unterminated quote")
            << QStringLiteral("host=db dbname='baton") << QStringLiteral("quoted");
    }
    void malformedRefused()
    {
        QFETCH(QString, address);
        QFETCH(QString, says);
        const QString message = Test::refusal([&] { StoreLocation::parse(address); });
        QVERIFY2(message.startsWith(QLatin1String("invalid PostgreSQL workspace address")),
                 qPrintable(message));
        QVERIFY2(message.contains(says), qPrintable(message));
    }
};

QTEST_GUILESS_MAIN(TestStoreLocation)
#include "tst_storelocation.moc"
