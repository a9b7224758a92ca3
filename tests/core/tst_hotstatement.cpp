// HotStatement: the engine's per-attempt writes through the SQLite C API on the Store's own
// connection.
#include "store/hotstatement.h"
#include "store/sql.h"
#include "store/store.h"
#include "util/error.h"

#include <QTemporaryDir>
#include <QTest>
#include <QThread>

using namespace Baton;

class TestHotStatement : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_tmp;
    int m_count = 0;

    std::unique_ptr<Store> store()
    {
        auto s = std::make_unique<Store>(m_tmp.filePath(QStringLiteral("%1.db").arg(++m_count)));
        Sql::exec(s->db(),
                  QStringLiteral("CREATE TABLE t (id INTEGER PRIMARY KEY, i INTEGER, d REAL, "
                                 "s TEXT, n TEXT NOT NULL DEFAULT 'x' CHECK (n <> 'bad'))"));
        return s;
    }

private Q_SLOTS:
    void bindsEveryTypeAndReturnsTheRowid()
    {
        auto s = store();
        HotStatement insert(*s, "INSERT INTO t (i, d, s) VALUES (?, ?, ?)");
        insert.run({ qint64(1) << 40, 2.5, QStringLiteral("é ✓ \"quoted\"") });
        const qint64 first = insert.lastInsertId();
        insert.run({ 7, QVariant(), QString() }); // NULL, and a null QString is ''
        QCOMPARE(insert.lastInsertId(), first + 1);
        QSqlQuery q = Sql::exec(s->db(),
                                QStringLiteral("SELECT i, d, s, typeof(d), typeof(s) "
                                               "FROM t ORDER BY id"));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toLongLong(), qint64(1) << 40);
        QCOMPARE(q.value(1).toDouble(), 2.5);
        QCOMPARE(q.value(2).toString(), QStringLiteral("é ✓ \"quoted\""));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 7);
        QCOMPARE(q.value(3).toString(), QStringLiteral("null"));
        QCOMPARE(q.value(4).toString(), QStringLiteral("text"));
        QCOMPARE(q.value(2).toString(), QString(""));
        QVERIFY(!q.next());
    }

    void takesPartInTheStoresTransactions()
    {
        auto s = store();
        HotStatement insert(*s, "INSERT INTO t (i) VALUES (?)");
        s->transaction([&](QSqlDatabase &) { insert.run({ 1 }); });
        QVERIFY_THROWS_EXCEPTION(Error, s->transaction([&](QSqlDatabase &) {
            insert.run({ 2 });
            throw Error(QStringLiteral("changed my mind"));
        }));
        QCOMPARE(Sql::scalar(s->db(), QStringLiteral("SELECT group_concat(i) FROM t")).toString(),
                 QStringLiteral("1"));
    }

    void errorsSayWhatAndWhere()
    {
        auto s = store();
        HotStatement bad(*s, "UPDATE no_such_table SET x = ?");
        try {
            bad.run({ 1 });
            QFAIL("no error for a missing table");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(QStringLiteral("no such table: no_such_table")),
                     qPrintable(e.message()));
            QVERIFY2(e.message().contains(QStringLiteral("UPDATE no_such_table")),
                     qPrintable(e.message()));
        }
        HotStatement insert(*s, "INSERT INTO t (n) VALUES (?)");
        try {
            insert.run({ QStringLiteral("bad") });
            QFAIL("no error for a failed CHECK");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(QStringLiteral("CHECK constraint failed")),
                     qPrintable(e.message()));
        }
        // The statement is usable again after a failure, and wrote nothing.
        insert.run({ QStringLiteral("fine") });
        QCOMPARE(Sql::scalar(s->db(), QStringLiteral("SELECT group_concat(n) FROM t")).toString(),
                 QStringLiteral("fine"));
    }

    void eachThreadUsesItsOwnConnection()
    {
        auto s = store();
        HotStatement insert(*s, "INSERT INTO t (i) VALUES (?)");
        insert.run({ 1 });
        QString error;
        QThread *thread = QThread::create([&] {
            try {
                insert.run({ 2 }); // prepared again, on this thread's connection
            } catch (const Error &e) {
                error = e.message();
            }
        });
        thread->start();
        QVERIFY(thread->wait(10000));
        delete thread;
        QVERIFY2(error.isEmpty(), qPrintable(error));
        insert.run({ 3 });
        QCOMPARE(Sql::scalar(s->db(),
                             QStringLiteral("SELECT group_concat(i) FROM (SELECT i FROM "
                                            "t ORDER BY i)"))
                     .toString(),
                 QStringLiteral("1,2,3"));
    }
};

QTEST_GUILESS_MAIN(TestHotStatement)
#include "tst_hotstatement.moc"
