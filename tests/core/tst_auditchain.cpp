// The audit trail's hash chain (#21): every event follows the hash of the one before; an event
// edited, deleted or reordered with raw SQL is named by verify, and an intact chain verifies.
#include "access/auditchain.h"
#include "access/auditlog.h"
#include "store/sql.h"
#include "util/error.h"
#include "workspacefixture.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Baton;
using namespace Baton::Test;

class TestAuditChain : public QObject
{
    Q_OBJECT
    WorkspaceFixture m_fixture;

    /// Five events, #1 … #5 (a new workspace has none).
    QList<qint64> recordFive()
    {
        QList<qint64> ids;
        for (int i = 1; i <= 5; ++i) {
            m_fixture.store().transaction([&](QSqlDatabase &tx) {
                ids << AuditLog::record(tx, 1'700'000'000'000 + i * 1000, QStringLiteral("alice"),
                                        QStringLiteral("run.cancel"), AuditObject::run(i),
                                        { { QStringLiteral("state"), QStringLiteral("running") } },
                                        {}, QStringLiteral("event %1").arg(i));
            });
        }
        return ids;
    }
    void raw(const QString &sql, const QVariantList &binds = {})
    {
        m_fixture.store().transaction([&](QSqlDatabase &tx) { Sql::exec(tx, sql, binds); });
    }

private Q_SLOTS:
    void init() { m_fixture.renew(); }

    void intactChainVerifies()
    {
        const QList<qint64> ids = recordFive();
        const AuditChainReport r = AuditChain::verify(m_fixture.db());
        QVERIFY(r.intact);
        QCOMPARE(r.verified, 5);
        QCOMPARE(r.lastVerifiedId, ids.last());
        QCOMPARE(r.summary(),
                 QStringLiteral("audit chain intact: 5 event(s) verified, up to "
                                "event #%1")
                     .arg(ids.last()));
        // Linked: each event follows the one before, the first follows nothing.
        QSqlQuery q = Sql::exec(m_fixture.db(),
                                QStringLiteral("SELECT prev_hash, hash FROM audit_events ORDER "
                                               "BY id"));
        QString prev;
        while (q.next()) {
            QCOMPARE(q.value(0).toString(), prev);
            QCOMPARE(q.value(1).toString().size(), 64);
            prev = q.value(1).toString();
        }
        QCOMPARE(AuditChain::head(m_fixture.db()), prev);
    }

    void emptyTrailVerifies()
    {
        const AuditChainReport r = AuditChain::verify(m_fixture.db());
        QVERIFY(r.intact);
        QCOMPARE(r.verified, 0);
    }

    void editedEventIsNamed_data()
    {
        QTest::addColumn<QString>("column");
        QTest::addColumn<QVariant>("value");
        QTest::newRow("details") << QStringLiteral("details")
                                 << QVariant(QStringLiteral("nothing"));
        QTest::newRow("actor") << QStringLiteral("actor") << QVariant(QStringLiteral("mallory"));
        QTest::newRow("at") << QStringLiteral("at") << QVariant(qint64(1'600'000'000'000));
        QTest::newRow("before to NULL") << QStringLiteral("before") << QVariant();
        QTest::newRow("object id") << QStringLiteral("object_id") << QVariant(qint64(99));
    }
    void editedEventIsNamed()
    {
        QFETCH(QString, column);
        QFETCH(QVariant, value);
        const QList<qint64> ids = recordFive();
        raw(QStringLiteral("UPDATE audit_events SET %1 = ? WHERE id = ?").arg(column),
            { value, ids[2] });
        const AuditChainReport r = AuditChain::verify(m_fixture.db());
        QVERIFY(!r.intact);
        QCOMPARE(r.brokenId, ids[2]);
        QCOMPARE(r.brokenAction, QStringLiteral("run.cancel"));
        QVERIFY2(r.problem.startsWith(QStringLiteral("edited")), qPrintable(r.problem));
        QCOMPARE(r.verified, 2);
        QVERIFY2(
            r.summary().startsWith(QStringLiteral("audit chain BROKEN at event #%1 (").arg(ids[2])),
            qPrintable(r.summary()));
    }

    void editedEventWithItsHashRecomputedBreaksTheNext()
    {
        // Whoever edits and rehashes an event must rehash every later one too: the chain names
        // the first event that follows a hash that is no longer there.
        const QList<qint64> ids = recordFive();
        raw(QStringLiteral("UPDATE audit_events SET details = 'rewritten', hash = 'x' WHERE id = "
                           "?"),
            { ids[1] });
        QSqlQuery q = Sql::exec(m_fixture.db(),
                                QStringLiteral("SELECT prev_hash, at, actor, action, object_kind, "
                                               "object_id, object_name, before, after, details "
                                               "FROM audit_events WHERE id = ?"),
                                { ids[1] });
        QVERIFY(q.next());
        const QString rehashed = AuditChain::hash(
            q.value(0).toString(), q.value(1).toLongLong(), q.value(2).toString(),
            q.value(3).toString(), q.value(4).toString(), q.value(5), q.value(6).toString(),
            q.value(7), q.value(8), q.value(9).toString());
        q.finish();
        raw(QStringLiteral("UPDATE audit_events SET hash = ? WHERE id = ?"), { rehashed, ids[1] });
        const AuditChainReport r = AuditChain::verify(m_fixture.db());
        QVERIFY(!r.intact);
        QCOMPARE(r.brokenId, ids[2]);
        QCOMPARE(r.problem, QStringLiteral("an event before it was deleted"));
    }

    void deletedEventIsNamed_data()
    {
        QTest::addColumn<int>("deleted");
        QTest::addColumn<int>("named");
        QTest::newRow("the first") << 0 << 1;
        QTest::newRow("a middle one") << 2 << 3;
    }
    void deletedEventIsNamed()
    {
        QFETCH(int, deleted);
        QFETCH(int, named);
        const QList<qint64> ids = recordFive();
        raw(QStringLiteral("DELETE FROM audit_events WHERE id = ?"), { ids[deleted] });
        const AuditChainReport r = AuditChain::verify(m_fixture.db());
        QVERIFY(!r.intact);
        QCOMPARE(r.brokenId, ids[named]);
        QCOMPARE(r.problem, QStringLiteral("an event before it was deleted"));
        QCOMPARE(r.verified, deleted);
    }

    void swappedEventsAreNamed()
    {
        // Two rows exchange places (their ids), everything else as written.
        const QList<qint64> ids = recordFive();
        raw(QStringLiteral("UPDATE audit_events SET id = ? WHERE id = ?"), { -1, ids[1] });
        raw(QStringLiteral("UPDATE audit_events SET id = ? WHERE id = ?"), { ids[1], ids[2] });
        raw(QStringLiteral("UPDATE audit_events SET id = ? WHERE id = ?"), { ids[2], -1 });
        const AuditChainReport r = AuditChain::verify(m_fixture.db());
        QVERIFY(!r.intact);
        QCOMPARE(r.brokenId, ids[1]);
        QCOMPARE(r.problem,
                 QStringLiteral("reordered: the event it follows is now #%1").arg(ids[2]));
        QCOMPARE(r.verified, 1);
    }

    void unchainedEventIsNamed()
    {
        const QList<qint64> ids = recordFive();
        raw(QStringLiteral("INSERT INTO audit_events (at, actor, action) VALUES (1, 'x', "
                           "'forged')"));
        const AuditChainReport r = AuditChain::verify(m_fixture.db());
        QVERIFY(!r.intact);
        QCOMPARE(r.brokenAction, QStringLiteral("forged"));
        QVERIFY(r.problem.startsWith(QStringLiteral("not chained")));
        QCOMPARE(r.verified, 5);
    }

    void eventsFromBeforeTheChainAreChained()
    {
        // As the upgrade to schema 13 finds them: events without hashes, chained in order.
        recordFive();
        raw(QStringLiteral("UPDATE audit_events SET prev_hash = NULL, hash = NULL"));
        QVERIFY(!AuditChain::verify(m_fixture.db()).intact);
        m_fixture.store().transaction([](QSqlDatabase &tx) { AuditChain::chainUnhashed(tx); });
        const AuditChainReport r = AuditChain::verify(m_fixture.db());
        QVERIFY2(r.intact, qPrintable(r.summary()));
        QCOMPARE(r.verified, 5);
        // And new events follow them.
        m_fixture.store().transaction([](QSqlDatabase &tx) {
            AuditLog::record(tx, 0, QStringLiteral("bob"), QStringLiteral("settings.set"),
                             { QStringLiteral("settings"), 0, {} });
        });
        QCOMPARE(AuditChain::verify(m_fixture.db()).verified, 6);
    }

    void upgradeFromSchema12ChainsTheTrail()
    {
        if (WorkspaceFixture::onPostgres())
            QSKIP("the SQLite file is rewound to schema 12 by hand; the chaining itself is "
                  "eventsFromBeforeTheChainAreChained, on both backends");
        QTemporaryDir dir;
        {
            Workspace ws(dir.path(), Workspace::Mode::CreateIfMissing);
            for (int i = 0; i < 3; ++i)
                ws.store().transaction([&](QSqlDatabase &tx) {
                    AuditLog::record(tx, 0, QStringLiteral("alice"), QStringLiteral("run.start"),
                                     AuditObject::run(i + 1));
                });
        }
        {
            // As Baton 12 left it: no chain columns.
            QSqlDatabase raw
                = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("rewind"));
            raw.setDatabaseName(dir.filePath(QStringLiteral("baton.db")));
            QVERIFY(raw.open());
            QSqlQuery q(raw);
            QVERIFY(q.exec(QStringLiteral("ALTER TABLE audit_events DROP COLUMN hash")));
            QVERIFY(q.exec(QStringLiteral("ALTER TABLE audit_events DROP COLUMN prev_hash")));
            QVERIFY(q.exec(QStringLiteral("DROP TABLE commit_tickets"))); // schema 14
            QVERIFY(q.exec(QStringLiteral("PRAGMA user_version = 12")));
            raw.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("rewind"));
        Workspace ws(dir.path(), Workspace::Mode::MustExist);
        QCOMPARE(ws.store().schemaVersion(), Store::latestSchemaVersion());
        const AuditChainReport r = AuditChain::verify(ws.store().db());
        QVERIFY2(r.intact, qPrintable(r.summary()));
        QCOMPARE(r.verified, 3);
    }

    void retentionCutWithItsAnchorVerifies()
    {
        // A documented cut: the first kept event's prev_hash is recorded as the anchor.
        const QList<qint64> ids = recordFive();
        const QString anchor
            = Sql::scalar(m_fixture.db(),
                          QStringLiteral("SELECT prev_hash FROM audit_events WHERE id = ?"),
                          { ids[2] })
                  .toString();
        raw(QStringLiteral("DELETE FROM audit_events WHERE id < ?"), { ids[2] });
        QVERIFY(!AuditChain::verify(m_fixture.db()).intact);
        raw(QStringLiteral("INSERT INTO workspace_info (key, value) VALUES ('audit_anchor', ?)"),
            { anchor });
        const AuditChainReport r = AuditChain::verify(m_fixture.db());
        QVERIFY2(r.intact, qPrintable(r.summary()));
        QCOMPARE(r.verified, 3);
        QCOMPARE(r.anchor, anchor);
    }

    void appendOutsideAWriteTransactionIsRefused()
    {
        // Read the head, then follow it: without the write lock two writers could fork.
        QString e;
        try {
            AuditLog::record(m_fixture.db(), 0, QStringLiteral("a"), QStringLiteral("x.y"),
                             { QStringLiteral("k"), 0, {} });
        } catch (const Error &error) {
            e = error.message();
        }
        QCOMPARE(e, QStringLiteral("audit event 'x.y' written outside a write transaction"));
        QCOMPARE(Sql::scalar(m_fixture.db(), QStringLiteral("SELECT count(*) FROM audit_events"))
                     .toInt(),
                 0);
    }
};

QTEST_GUILESS_MAIN(TestAuditChain)
#include "tst_auditchain.moc"
