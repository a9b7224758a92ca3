// Portable SQL: what SQLite and PostgreSQL spell differently (SQLite's text is run here,
// PostgreSQL's compared as text) and ids read with INSERT … RETURNING, not SQLite's rowid.
#include "refusal.h"
#include "store/sql.h"
#include "store/sqldialect.h"
#include "util/error.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTest>

using namespace Baton;
using Baton::Test::refusal;

class TestSqlDialect : public QObject
{
    Q_OBJECT
private:
    QSqlDatabase m_db;

    QVariantList column(const QString &sql, const QVariantList &binds)
    {
        QVariantList values;
        QSqlQuery q = Sql::exec(m_db, sql, binds);
        while (q.next())
            values << q.value(0);
        return values;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("dialect"));
        m_db.setDatabaseName(QStringLiteral(":memory:"));
        QVERIFY(m_db.open());
        Sql::exec(m_db, QStringLiteral("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)"));
        for (int i = 1; i <= 4; ++i)
            Sql::exec(m_db, QStringLiteral("INSERT INTO t (id, name) VALUES (?, ?)"),
                      { i, QStringLiteral("n%1").arg(i) });
    }

    void cleanupTestCase()
    {
        m_db.close();
        m_db = QSqlDatabase();
        QSqlDatabase::removeDatabase(QStringLiteral("dialect"));
    }

    void dialectOfTheDriver()
    {
        QCOMPARE(SqlDialect::of(m_db), Dialect::Sqlite);
        // Not opened: only the driver's name matters.
        {
            const QSqlDatabase pg
                = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), QStringLiteral("pg"));
            QCOMPARE(SqlDialect::of(pg), Dialect::Postgres);
        }
        QSqlDatabase::removeDatabase(QStringLiteral("pg"));
    }

    void integerIdsOnSqlite()
    {
        const QString sql = QStringLiteral("SELECT id FROM t WHERE id %1 ORDER BY id")
                                .arg(SqlDialect::inJsonArray(m_db));
        QCOMPARE(column(sql, { QStringLiteral("[3,1,99]") }), (QVariantList { 1, 3 }));
        QCOMPARE(column(sql, { QStringLiteral("[]") }), QVariantList {});
    }

    void textOnSqlite()
    {
        const QString sql = QStringLiteral("SELECT id FROM t WHERE name %1 ORDER BY id")
                                .arg(SqlDialect::inJsonArray(m_db, SqlDialect::Element::Text));
        QCOMPARE(column(sql, { QStringLiteral("[\"n4\",\"n2\",\"N1\",\"n2 \"]") }),
                 (QVariantList { 2, 4 }));
    }

    void badJsonIsAnErrorNotAnEmptyList()
    {
        const QString sql
            = QStringLiteral("SELECT id FROM t WHERE id %1").arg(SqlDialect::inJsonArray(m_db));
        try {
            column(sql, { QStringLiteral("[1,") });
            QFAIL("malformed JSON went through");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(QStringLiteral("JSON")), qPrintable(e.message()));
        }
    }

    void insertGivesTheReturnedId()
    {
        Sql::exec(m_db, QStringLiteral("DROP TABLE IF EXISTS r"));
        // id is not SQLite's rowid here: only RETURNING says what it is (PostgreSQL has no rowid).
        Sql::exec(m_db, QStringLiteral("CREATE TABLE r (id INTEGER NOT NULL, name TEXT)"));
        QCOMPARE(Sql::insert(m_db,
                             QStringLiteral("INSERT INTO r (id, name) VALUES (?, ?) RETURNING id"),
                             { 42, QStringLiteral("a") }),
                 42);
        QCOMPARE(Sql::insert(m_db,
                             QStringLiteral("INSERT INTO r (id, name) VALUES (?, ?) RETURNING id"),
                             { 7, QStringLiteral("b") }),
                 7);
    }

    void insertOfAnIdentityKey()
    {
        Sql::exec(m_db, QStringLiteral("DROP TABLE IF EXISTS r"));
        Sql::exec(m_db, QStringLiteral("CREATE TABLE r (id INTEGER PRIMARY KEY, name TEXT)"));
        const qint64 first
            = Sql::insert(m_db, QStringLiteral("INSERT INTO r (name) VALUES (?) RETURNING id"),
                          { QStringLiteral("a") });
        const qint64 second
            = Sql::insert(m_db, QStringLiteral("INSERT INTO r (name) VALUES (?) RETURNING id"),
                          { QStringLiteral("b") });
        QCOMPARE(Sql::scalar(m_db, QStringLiteral("SELECT name FROM r WHERE id = ?"), { first })
                     .toString(),
                 QStringLiteral("a"));
        QCOMPARE(Sql::scalar(m_db, QStringLiteral("SELECT name FROM r WHERE id = ?"), { second })
                     .toString(),
                 QStringLiteral("b"));
    }

    void insertWithoutReturningIsRefused()
    {
        Sql::exec(m_db, QStringLiteral("DROP TABLE IF EXISTS r"));
        Sql::exec(m_db, QStringLiteral("CREATE TABLE r (id INTEGER PRIMARY KEY, name TEXT)"));
        const QString message = refusal([&] {
            Sql::insert(m_db, QStringLiteral("INSERT INTO r (name) VALUES (?)"),
                        { QStringLiteral("a") });
        });
        QVERIFY2(message.contains(QStringLiteral("RETURNING id"))
                     && message.contains(QStringLiteral("INSERT INTO r (name)")),
                 qPrintable(message));
    }

    void postgresText()
    {
        QCOMPARE(SqlDialect::jsonArrayElements(Dialect::Postgres, SqlDialect::Element::Integer),
                 QStringLiteral("SELECT CAST(value AS bigint) FROM "
                                "json_array_elements_text(CAST(? AS json))"));
        QCOMPARE(SqlDialect::jsonArrayElements(Dialect::Postgres, SqlDialect::Element::Text),
                 QStringLiteral("SELECT value FROM json_array_elements_text(CAST(? AS json))"));
        QCOMPARE(SqlDialect::jsonArrayElements(Dialect::Sqlite, SqlDialect::Element::Text),
                 QStringLiteral("SELECT value FROM json_each(?)"));
    }
};

QTEST_GUILESS_MAIN(TestSqlDialect)
#include "tst_sqldialect.moc"
