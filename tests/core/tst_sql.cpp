#include "refusal.h"
#include "store/sql.h"

#include <QFile>
#include <QSqlError>
#include <QTemporaryDir>
#include <QTest>

using namespace Baton;
using Baton::Test::refusal;

namespace {
// A plain connection to a file: the rules of Sql are the helpers', not the Store's.
class Connection
{
public:
    Connection(const QString &path, const QString &options = {})
        : m_name(QStringLiteral("tst_sql_%1").arg(++s_count))
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        db.setConnectOptions(options);
        db.open();
    }
    ~Connection()
    {
        {
            QSqlDatabase db = QSqlDatabase::database(m_name, false);
            db.close();
        }
        QSqlDatabase::removeDatabase(m_name);
    }
    QSqlDatabase db() const { return QSqlDatabase::database(m_name, false); }

private:
    QString m_name;
    static inline int s_count = 0;
};
} // namespace

class TestSql : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;
    std::unique_ptr<Connection> m_conn;

    QSqlDatabase db() const { return m_conn->db(); }

private Q_SLOTS:
    void init()
    {
        m_conn.reset();
        QFile::remove(m_tmp.filePath(QStringLiteral("t.db")));
        m_conn = std::make_unique<Connection>(m_tmp.filePath(QStringLiteral("t.db")));
        QVERIFY(db().isOpen());
        Sql::exec(db(),
                  QStringLiteral("CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT, n "
                                 "INTEGER, UNIQUE (s))"));
    }
    void cleanupTestCase() { m_conn.reset(); }

    void bindsSayWhatBatonMeans()
    {
        // A null QString is '' (a name left empty), an invalid QVariant is NULL.
        Sql::exec(db(), QStringLiteral("INSERT INTO t (s, n) VALUES (?, ?)"),
                  { QString(), QVariant() });
        Sql::exec(db(), QStringLiteral("INSERT INTO t (s, n) VALUES (?, ?)"),
                  { QVariant(), Sql::nullable(7, false) });
        Sql::exec(db(), QStringLiteral("INSERT INTO t (s, n) VALUES (?, ?)"),
                  { QStringLiteral("x"), Sql::nullable(7, true) });
        QSqlQuery q = Sql::exec(db(),
                                QStringLiteral("SELECT s IS NULL, s, n IS NULL, n FROM t "
                                               "ORDER BY id"));
        QStringList rows;
        while (q.next())
            rows << QStringLiteral("%1 '%2' %3 %4")
                        .arg(q.value(0).toInt())
                        .arg(q.value(1).toString())
                        .arg(q.value(2).toInt())
                        .arg(q.value(3).toString());
        QCOMPARE(rows, (QStringList { "0 '' 1 ", "1 '' 0 7", "0 'x' 1 " }));
    }

    void scalarAndInsert()
    {
        QVERIFY(!Sql::scalar(db(), QStringLiteral("SELECT s FROM t")).isValid()); // no row
        const qint64 a = Sql::insert(
            db(), QStringLiteral("INSERT INTO t (s) VALUES (?) RETURNING id"), { "a" });
        const qint64 b = Sql::insert(
            db(), QStringLiteral("INSERT INTO t (s) VALUES (?) RETURNING id"), { "b" });
        QVERIFY(a > 0);
        QCOMPARE(b, a + 1);
        QCOMPARE(Sql::scalar(db(), QStringLiteral("SELECT s FROM t WHERE id = ?"), { b }),
                 QVariant(QStringLiteral("b")));
    }

    void preparedQueriesRunAgain()
    {
        QSqlQuery q(db());
        QVERIFY(q.prepare(QStringLiteral("INSERT INTO t (s, n) VALUES (?, ?)")));
        for (int i = 0; i < 3; ++i)
            Sql::run(db(), q, { QStringLiteral("s%1").arg(i), i });
        QCOMPARE(
            Sql::scalar(db(), QStringLiteral("SELECT group_concat(s || n, ',') FROM t")).toString(),
            QStringLiteral("s00,s11,s22"));
        // A failure says what ran, and the query is usable again afterwards.
        const QString error = refusal([&] { Sql::run(db(), q, { QStringLiteral("s1"), 9 }); });
        QVERIFY2(error.contains(QStringLiteral("UNIQUE")), qPrintable(error));
        QVERIFY2(error.contains(QStringLiteral("INSERT INTO t")), qPrintable(error));
        Sql::run(db(), q, { QStringLiteral("s3"), 3 });
        QCOMPARE(Sql::scalar(db(), QStringLiteral("SELECT count(*) FROM t")).toInt(), 4);
    }

    void failuresNameTheDatabaseAndTheStatement()
    {
        const QString syntax = refusal(
            [&] { Sql::exec(db(), QStringLiteral("SELEKT * FROM t WHERE id = ?"), { 1 }); });
        QVERIFY2(syntax.contains(m_tmp.filePath(QStringLiteral("t.db"))), qPrintable(syntax));
        QVERIFY2(syntax.contains(QStringLiteral("SELEKT * FROM t")), qPrintable(syntax));
        const QString missing
            = refusal([&] { Sql::exec(db(), QStringLiteral("SELECT nope FROM t")); });
        QVERIFY2(missing.contains(QStringLiteral("nope")), qPrintable(missing));
    }

    void aLockedDatabaseSaysSo()
    {
        Connection other(m_tmp.filePath(QStringLiteral("t.db")),
                         QStringLiteral("QSQLITE_BUSY_TIMEOUT=0"));
        Sql::exec(db(), QStringLiteral("BEGIN IMMEDIATE"));
        Sql::exec(db(), QStringLiteral("INSERT INTO t (s) VALUES ('mine')"));
        const QString error = refusal(
            [&] { Sql::exec(other.db(), QStringLiteral("INSERT INTO t (s) VALUES ('theirs')")); });
        Sql::exec(db(), QStringLiteral("COMMIT"));
        QVERIFY2(error.contains(QStringLiteral("locked by another writer")), qPrintable(error));
        QCOMPARE(Sql::scalar(db(), QStringLiteral("SELECT group_concat(s) FROM t")).toString(),
                 QStringLiteral("mine"));
    }

    void aForeignFileIsCalledCorrupt()
    {
        const QString path = m_tmp.filePath(QStringLiteral("notes.db"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(4096, 'x'));
        f.close();
        Connection foreign(path);
        const QString error = refusal(
            [&] { Sql::exec(foreign.db(), QStringLiteral("SELECT count(*) FROM sqlite_master")); });
        QVERIFY2(error.contains(QStringLiteral("is corrupt")), qPrintable(error));
        QVERIFY2(error.contains(path), qPrintable(error));
    }

    void splitStatements_data()
    {
        QTest::addColumn<QString>("script");
        QTest::addColumn<QStringList>("statements");
        QTest::newRow("comments and quotes")
            << "-- a; comment\nCREATE TABLE a (x TEXT DEFAULT 'x;y');\nINSERT INTO a VALUES "
               "(\"--q\");"
            << QStringList { "CREATE TABLE a (x TEXT DEFAULT 'x;y')",
                             "INSERT INTO a VALUES (\"--q\")" };
        QTest::newRow("last without semicolon") << "SELECT 1;\nSELECT 2\n"
                                                << QStringList { "SELECT 1", "SELECT 2" };
        QTest::newRow("only comments and blanks") << "-- nothing\n;\n  ;" << QStringList {};
        QTest::newRow("a trigger's body")
            << "CREATE TRIGGER tr AFTER INSERT ON a BEGIN\n  UPDATE b SET n = n + 1;\n  DELETE "
               "FROM c;\nEND;\nSELECT 3;"
            << QStringList { "CREATE TRIGGER tr AFTER INSERT ON a BEGIN\n  UPDATE b SET n = n + "
                             "1;\n  DELETE FROM c;\nEND",
                             "SELECT 3" };
        // A CASE … END that ends a statement of the body does not end the trigger.
        QTest::newRow("a trigger with CASE … END;")
            << "create temp trigger tr after insert on a begin\n  update b set n = case when "
               "new.x then 1 else 0 end;\n  delete from c;\nend;\nSELECT 4;"
            << QStringList { "create temp trigger tr after insert on a begin\n  update b set n "
                             "= case when new.x then 1 else 0 end;\n  delete from c;\nend",
                             "SELECT 4" };
        QTest::newRow("END in a string of the body")
            << "CREATE TRIGGER tr AFTER INSERT ON a BEGIN\n  INSERT INTO log VALUES ('the END');\n"
               "END;"
            << QStringList { "CREATE TRIGGER tr AFTER INSERT ON a BEGIN\n  INSERT INTO log "
                             "VALUES ('the END');\nEND" };
    }

    void splitStatements()
    {
        QFETCH(QString, script);
        QFETCH(QStringList, statements);
        QCOMPARE(Sql::splitStatements(script), statements);
    }

    void splitTriggersRunInSqlite()
    {
        // What the split gives SQLite works: the CASE trigger counts.
        const QString script
            = QStringLiteral("CREATE TABLE c (n INTEGER);\nINSERT INTO c VALUES (0);\n"
                             "CREATE TRIGGER count_t AFTER INSERT ON t BEGIN\n"
                             "  UPDATE c SET n = n + CASE WHEN NEW.n > 0 THEN NEW.n ELSE 0 END;\n"
                             "  UPDATE c SET n = n + 100;\nEND;");
        for (const QString &statement : Sql::splitStatements(script))
            Sql::exec(db(), statement);
        Sql::exec(db(), QStringLiteral("INSERT INTO t (s, n) VALUES ('a', 5)"));
        Sql::exec(db(), QStringLiteral("INSERT INTO t (s, n) VALUES ('b', -5)"));
        QCOMPARE(Sql::scalar(db(), QStringLiteral("SELECT n FROM c")).toInt(), 205);
    }
};

QTEST_GUILESS_MAIN(TestSql)
#include "tst_sql.moc"
