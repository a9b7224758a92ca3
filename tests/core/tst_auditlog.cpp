#include "access/auditlog.h"
#include "io/jobsascode.h"
#include "store/sql.h"
#include "util/error.h"
#include "workspacefixture.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Baton;

class TestAuditLog : public QObject
{
    Q_OBJECT
    Test::WorkspaceFixture m_fixture;

    qint64 recordIn(const AuditEvent &e)
    {
        qint64 id = 0;
        m_fixture.store().transaction([&](QSqlDatabase &db) { id = AuditLog::record(db, e); });
        return id;
    }

private Q_SLOTS:
    void init() { m_fixture.renew(); }

    void everyFieldIsKept()
    {
        AuditEvent e;
        e.at = 1'700'000'000'123;
        e.actor = QStringLiteral("alice");
        e.action = QStringLiteral("release.promote");
        e.objectKind = QStringLiteral("pipeline");
        e.objectId = 42;
        e.objectName = QStringLiteral("churn/nightly");
        e.before = { { QStringLiteral("version"), 2 } };
        e.after = { { QStringLiteral("version"), 3 },
                    { QStringLiteral("environment"), QStringLiteral("prod") } };
        e.details = QStringLiteral("approved by sam; «ünïcode»");
        const qint64 id = recordIn(e);
        QVERIFY(id > 0);
        const QList<AuditEvent> read = AuditLog::recent(m_fixture.db());
        QCOMPARE(read.size(), 1);
        AuditEvent expected = e;
        expected.id = id;
        const AuditEvent &r = read.first();
        QCOMPARE(r.id, expected.id);
        QCOMPARE(r.at, expected.at);
        QCOMPARE(r.actor, expected.actor);
        QCOMPARE(r.action, expected.action);
        QCOMPARE(r.objectKind, expected.objectKind);
        QCOMPARE(r.objectId, expected.objectId);
        QCOMPARE(r.objectName, expected.objectName);
        QCOMPARE(r.before, expected.before);
        QCOMPARE(r.after, expected.after);
        QCOMPARE(r.details, expected.details);
    }

    void absentPartsAreNullNotEmpty()
    {
        // No object id, no before/after: NULL in the store (readers and SQL filters rely on it),
        // and the event without a time is stamped now.
        AuditEvent e;
        e.actor = QStringLiteral("bob");
        e.action = QStringLiteral("settings.set");
        e.objectKind = QStringLiteral("settings");
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        const qint64 id = recordIn(e);
        const qint64 after = QDateTime::currentMSecsSinceEpoch();
        QSqlQuery q = Sql::exec(m_fixture.db(),
                                QStringLiteral("SELECT object_id IS NULL, before IS NULL, after IS "
                                               "NULL, at FROM audit_events WHERE id = ?"),
                                { id });
        QVERIFY(q.next());
        QVERIFY(q.value(0).toBool());
        QVERIFY(q.value(1).toBool());
        QVERIFY(q.value(2).toBool());
        QVERIFY(q.value(3).toLongLong() >= before && q.value(3).toLongLong() <= after);
        const AuditEvent r = AuditLog::recent(m_fixture.db()).first();
        QCOMPARE(r.objectId, 0);
        QVERIFY(r.before.isEmpty() && r.after.isEmpty());
    }

    void assembledEventsSayTheSame()
    {
        qint64 id = 0;
        m_fixture.store().transaction([&](QSqlDatabase &db) {
            id = AuditLog::record(db, 5, QStringLiteral("carol"), QStringLiteral("run.cancel"),
                                  AuditObject::run(14), {},
                                  { { QStringLiteral("state"), QStringLiteral("cancelled") } },
                                  QStringLiteral("too slow"));
        });
        const AuditEvent r = AuditLog::recent(m_fixture.db()).first();
        QCOMPARE(r.id, id);
        QCOMPARE(r.at, 5);
        QCOMPARE(r.actor, QStringLiteral("carol"));
        QCOMPARE(r.objectKind, QStringLiteral("run"));
        QCOMPARE(r.objectId, 14);
        QVERIFY(r.objectName.isEmpty());
        QCOMPARE(r.objectLabel(), QStringLiteral("run #14"));
        QCOMPARE(r.after.value(QStringLiteral("state")).toString(), QStringLiteral("cancelled"));
        QCOMPARE(r.details, QStringLiteral("too slow"));
    }

    void objectLabel_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<qint64>("id");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("label");
        QTest::newRow("named") << "pipeline" << qint64(3) << "churn/nightly"
                               << "pipeline churn/nightly";
        QTest::newRow("id only") << "run" << qint64(14) << ""
                                 << "run #14";
        QTest::newRow("name without kind") << "" << qint64(0) << "max_parallel"
                                           << "max_parallel";
        QTest::newRow("kind only") << "settings" << qint64(0) << ""
                                   << "settings";
    }

    void objectLabel()
    {
        QFETCH(QString, kind);
        QFETCH(qint64, id);
        QFETCH(QString, name);
        QFETCH(QString, label);
        AuditEvent e;
        e.objectKind = kind;
        e.objectId = id;
        e.objectName = name;
        QCOMPARE(e.objectLabel(), label);
    }

    void newestFirstAndLimited()
    {
        // Ids order the trail, not the times people's clocks gave: two events of one ms, and
        // one stamped earlier but written later, keep the order they were written in.
        const QList<qint64> times { 300, 300, 100, 200 };
        QList<qint64> ids;
        for (int i = 0; i < times.size(); ++i) {
            AuditEvent e;
            e.at = times[i];
            e.actor = QStringLiteral("a");
            e.action = QStringLiteral("step.%1").arg(i);
            ids << recordIn(e);
        }
        const QList<AuditEvent> all = AuditLog::recent(m_fixture.db());
        QStringList actions;
        for (const AuditEvent &e : all)
            actions << e.action;
        QCOMPARE(actions, (QStringList { "step.3", "step.2", "step.1", "step.0" }));
        const QList<AuditEvent> two = AuditLog::recent(m_fixture.db(), 2);
        QCOMPARE(two.size(), 2);
        QCOMPARE(two.at(0).id, ids.at(3));
        QCOMPARE(two.at(1).id, ids.at(2));
    }

    void landsWithItsActionOrNotAtAll()
    {
        AuditEvent e;
        e.actor = QStringLiteral("alice");
        e.action = QStringLiteral("job.delete");
        try {
            m_fixture.store().transaction([&](QSqlDatabase &db) {
                AuditLog::record(db, e);
                throw Error(QStringLiteral("the action failed after its event was written"));
            });
            QFAIL("the transaction should have thrown");
        } catch (const Error &) { }
        QVERIFY(AuditLog::recent(m_fixture.db()).isEmpty());
    }

    void neverHoldsASecret()
    {
        // Import, then change, a project with a secret: the trail says a secret changed, never
        // its value (before, after, details or names).
        QTemporaryDir dir;
        const auto writeProject = [&](const QByteArray &token) {
            QFile f(dir.filePath(QStringLiteral("project.yaml")));
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write("project: vault\n"
                    "variables:\n"
                    "  - {name: API_TOKEN, value: \""
                    + token
                    + "\", secret: true}\n"
                      "  - {name: REGION, value: eu-west}\n"
                      "jobs:\n"
                      "  - name: call\n"
                      "    command: echo call\n");
        };
        writeProject("tok-first-91c2");
        ImportOutcome first
            = JobsAsCode::importPath(m_fixture.store(), dir.path(), QStringLiteral("alice"));
        QVERIFY2(first.ok(), qPrintable(first.errorLines().join('\n')));
        writeProject("tok-second-77ab");
        ImportOutcome second
            = JobsAsCode::importPath(m_fixture.store(), dir.path(), QStringLiteral("alice"));
        QVERIFY2(second.ok(), qPrintable(second.errorLines().join('\n')));

        QSqlQuery q = Sql::exec(m_fixture.db(),
                                QStringLiteral("SELECT action, object_name, COALESCE(before, ''), "
                                               "COALESCE(after, ''), details FROM audit_events"));
        QString trail;
        int events = 0;
        while (q.next()) {
            ++events;
            for (int c = 0; c < 5; ++c)
                trail += q.value(c).toString() + QLatin1Char('\n');
        }
        QVERIFY(events >= 2);
        QVERIFY2(trail.contains(QStringLiteral("API_TOKEN")), qPrintable(trail));
        QVERIFY2(trail.contains(QStringLiteral("eu-west")), qPrintable(trail)); // values are
        QVERIFY2(!trail.contains(QStringLiteral("tok-first")), qPrintable(trail));
        QVERIFY2(!trail.contains(QStringLiteral("tok-second")), qPrintable(trail));
    }
};

QTEST_GUILESS_MAIN(TestAuditLog)
#include "tst_auditlog.moc"
