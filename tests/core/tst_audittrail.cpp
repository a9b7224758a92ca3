#include "access/audittrail.h"
#include "store/workspace.h"
#include "util/error.h"
#include "workspacefixture.h"

#include <QDateTime>
#include <QHash>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace Baton;

Q_DECLARE_METATYPE(Baton::AuditQuery)

namespace {
AuditEvent auditEvent(qint64 at, const QString &actor, const QString &action, const QString &kind,
                      const QString &name, const QString &details = {})
{
    AuditEvent e;
    e.at = at;
    e.actor = actor;
    e.action = action;
    e.objectKind = kind;
    e.objectName = name;
    e.details = details;
    e.after = QJsonObject { { QStringLiteral("state"), QStringLiteral("x") } };
    return e;
}
constexpr qint64 kDay = 24LL * 3600 * 1000;
constexpr qint64 kT0 = 1'700'000'000'000LL; // 2023-11-14
} // namespace

class TestAuditTrail : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;
    Test::WorkspaceFixture m_fixture; // before m_ws: its databases outlive the workspace
    std::unique_ptr<Workspace> m_ws;

private Q_SLOTS:
    void initTestCase()
    {
        m_ws = m_fixture.another(m_tmp.filePath(QStringLiteral("ws")));
        const QSqlDatabase db = m_ws->store().db();
        const QList<AuditEvent> events {
            auditEvent(kT0, "alice", "project.import", "project", "churn"),
            auditEvent(kT0 + kDay, "bob", "run.cancel", "run", "churn/nightly #4", "too slow"),
            auditEvent(kT0 + 2 * kDay, "alice", "run.rerun", "run", "churn/nightly #4"),
            auditEvent(kT0 + 3 * kDay, "carol", "schedule.pause", "schedule", "inventory/hourly"),
            auditEvent(kT0 + 4 * kDay, "bob", "settings.set", "settings", "max_parallel",
                       "50% of cores_and_more"),
            auditEvent(kT0 + 5 * kDay, "alice", "run.cancel", "run", "inventory/hourly #9"),
        };
        m_ws->store().transaction([&](QSqlDatabase &tx) {
            for (const AuditEvent &e : events)
                AuditLog::record(tx, e);
        });
        Q_UNUSED(db);
    }

    // The one helper writers assemble events with: the object, the times and the JSON land in
    // their columns; a run is named by its id only; at 0 means now.
    void assembledEvents()
    {
        QTemporaryDir dir;
        const auto owned = m_fixture.another(dir.filePath(QStringLiteral("ws")));
        Workspace &ws = *owned;
        const qint64 start = QDateTime::currentMSecsSinceEpoch();
        ws.store().transaction([&](QSqlDatabase &tx) {
            AuditLog::record(tx, 0, QStringLiteral("alice"), QStringLiteral("run.rerun"),
                             AuditObject::run(14),
                             { { QStringLiteral("state"), QStringLiteral("failed") } }, {},
                             QStringLiteral("2 task(s) queued again"));
            AuditLog::record(tx, kT0, QStringLiteral("bob"), QStringLiteral("setting.update"),
                             { QStringLiteral("setting"), 0, QStringLiteral("max_parallel") },
                             { { QStringLiteral("value"), QStringLiteral("4") } },
                             { { QStringLiteral("value"), QStringLiteral("8") } });
        });
        QHash<QString, AuditEvent> byAction;
        for (const AuditEvent &e : AuditLog::recent(ws.store().db()))
            byAction.insert(e.action, e);
        QVERIFY(byAction.contains(QStringLiteral("run.rerun")));
        const AuditEvent rerun = byAction.value(QStringLiteral("run.rerun"));
        QCOMPARE(rerun.actor, QStringLiteral("alice"));
        QCOMPARE(rerun.objectKind, QStringLiteral("run"));
        QCOMPARE(rerun.objectId, qint64(14));
        QCOMPARE(rerun.objectName, QString());
        QCOMPARE(rerun.objectLabel(), QStringLiteral("run #14"));
        QCOMPARE(rerun.before.value(QStringLiteral("state")).toString(), QStringLiteral("failed"));
        QVERIFY(rerun.after.isEmpty());
        QCOMPARE(rerun.details, QStringLiteral("2 task(s) queued again"));
        QVERIFY2(rerun.at >= start && rerun.at <= QDateTime::currentMSecsSinceEpoch(),
                 qPrintable(QString::number(rerun.at)));

        QVERIFY(byAction.contains(QStringLiteral("setting.update")));
        const AuditEvent setting = byAction.value(QStringLiteral("setting.update"));
        QCOMPARE(setting.at, kT0);
        QCOMPARE(setting.objectId, qint64(0));
        QCOMPARE(setting.objectLabel(), QStringLiteral("setting max_parallel"));
        QCOMPARE(setting.before.value(QStringLiteral("value")).toString(), QStringLiteral("4"));
        QCOMPARE(setting.after.value(QStringLiteral("value")).toString(), QStringLiteral("8"));
        QCOMPARE(setting.details, QString());
    }

    void filters_data()
    {
        QTest::addColumn<AuditQuery>("query");
        QTest::addColumn<QStringList>("expected"); // actions, newest first
        auto q = [] {
            return AuditQuery {};
        };
        QTest::newRow("everything, newest first")
            << q() << QStringList { "run.cancel", "settings.set", "schedule.pause",
                                    "run.rerun",  "run.cancel",   "project.import" };
        AuditQuery byActor = q();
        byActor.actor = QStringLiteral("alice");
        QTest::newRow("actor") << byActor
                               << QStringList { "run.cancel", "run.rerun", "project.import" };
        AuditQuery prefix = q();
        prefix.action = QStringLiteral("run.");
        QTest::newRow("action prefix")
            << prefix << QStringList { "run.cancel", "run.rerun", "run.cancel" };
        AuditQuery exact = q();
        exact.action = QStringLiteral("run");
        QTest::newRow("an action without its dot is exact") << exact << QStringList {};
        AuditQuery kind = q();
        kind.objectKind = QStringLiteral("schedule");
        QTest::newRow("object kind") << kind << QStringList { "schedule.pause" };
        AuditQuery range = q();
        range.fromMs = kT0 + kDay;
        range.toMs = kT0 + 3 * kDay;
        QTest::newRow("time range: from inclusive, to exclusive")
            << range << QStringList { "run.rerun", "run.cancel" };
        AuditQuery text = q();
        text.text = QStringLiteral("NIGHTLY");
        QTest::newRow("text, any case, in the object name")
            << text << QStringList { "run.rerun", "run.cancel" };
        AuditQuery details = q();
        details.text = QStringLiteral("too slow");
        QTest::newRow("text in the details") << details << QStringList { "run.cancel" };
        AuditQuery percent = q();
        percent.text = QStringLiteral("50%");
        QTest::newRow("% is literal") << percent << QStringList { "settings.set" };
        AuditQuery wildcard = q();
        wildcard.text = QStringLiteral("%cores"); // "%" as a wildcard would match "50% of cores"
        QTest::newRow("leading % is literal") << wildcard << QStringList {};
        AuditQuery underscore = q();
        underscore.text = QStringLiteral("run_cancel"); // "_" as a wildcard would match run.cancel
        QTest::newRow("_ is literal") << underscore << QStringList {};
        AuditQuery combined = q();
        combined.actor = QStringLiteral("alice");
        combined.action = QStringLiteral("run.");
        combined.fromMs = kT0 + 3 * kDay;
        QTest::newRow("combined") << combined << QStringList { "run.cancel" };
        AuditQuery nobody = q();
        nobody.actor = QStringLiteral("mallory");
        QTest::newRow("no match") << nobody << QStringList {};
    }
    void filters()
    {
        QFETCH(AuditQuery, query);
        QFETCH(QStringList, expected);
        const AuditPage page = AuditTrail::query(m_ws->store().db(), query);
        QStringList actions;
        for (const AuditEvent &e : page.events)
            actions << e.action;
        QCOMPARE(actions, expected);
        QVERIFY(!page.more);
        QCOMPARE(page.actors, (QStringList { "alice", "bob", "carol" }));
        QCOMPARE(page.actions.size(), 5);
        QVERIFY(page.newestId > 0);
    }

    void pagesWalkTheWholeTrailOnce()
    {
        AuditQuery query;
        query.limit = 4;
        AuditPage first = AuditTrail::query(m_ws->store().db(), query);
        QCOMPARE(first.events.size(), 4);
        QVERIFY(first.more);
        query.beforeId = first.events.last().id;
        AuditPage second = AuditTrail::query(m_ws->store().db(), query);
        QCOMPARE(second.events.size(), 2);
        QVERIFY(!second.more);
        QCOMPARE(second.events.last().action, QStringLiteral("project.import"));
        QVERIFY(second.events.first().id < first.events.last().id);
        QCOMPARE(first.events.first().after.value(QStringLiteral("state")).toString(),
                 QStringLiteral("x"));
    }

    void badQueriesAreRefused_data()
    {
        QTest::addColumn<AuditQuery>("query");
        QTest::addColumn<QString>("message");
        AuditQuery zero;
        zero.limit = 0;
        QTest::newRow("limit 0") << zero << "limit must be between 1 and 10000, got 0";
        AuditQuery huge;
        huge.limit = 10001;
        QTest::newRow("limit too large") << huge << "got 10001";
        AuditQuery backwards;
        backwards.fromMs = kT0 + kDay;
        backwards.toMs = kT0;
        QTest::newRow("range backwards") << backwards << "not before its end";
    }
    void badQueriesAreRefused()
    {
        QFETCH(AuditQuery, query);
        QFETCH(QString, message);
        try {
            AuditTrail::query(m_ws->store().db(), query);
            QFAIL("no error");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(message), qPrintable(e.message()));
        }
        // The connection is usable afterwards (no transaction left open).
        QCOMPARE(AuditTrail::query(m_ws->store().db(), AuditQuery {}).events.size(), 6);
    }

    void parseSince_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("expected"); // -1: invalid
        const qint64 now = kT0;
        QTest::newRow("duration hours") << "2h" << now - 2 * 3600 * 1000;
        QTest::newRow("duration days") << "7d" << now - 7 * kDay;
        QTest::newRow("date is UTC midnight") << "2023-11-14" << qint64(1699920000000);
        QTest::newRow("ISO with Z") << "2023-11-14T22:13:20Z" << kT0;
        QTest::newRow("ISO without zone is UTC") << "2023-11-14T22:13:20" << kT0;
        QTest::newRow("ISO with offset") << "2023-11-14T23:13:20+01:00" << kT0;
        QTest::newRow("garbage") << "yesterday" << qint64(-1);
        QTest::newRow("empty") << "" << qint64(-1);
        QTest::newRow("bad unit") << "5w" << qint64(-1);
        QTest::newRow("impossible date") << "2023-02-30" << qint64(-1);
    }
    void parseSince()
    {
        QFETCH(QString, text);
        QFETCH(qint64, expected);
        const auto got = AuditTrail::parseSince(text, kT0);
        QCOMPARE(got.value_or(-1), expected);
    }

    // Last: it records an event the other cases do not expect.
    void queryIfChangedReadsOnlyWhenThereIsNews()
    {
        const QSqlDatabase db = m_ws->store().db();
        const AuditPage all = AuditTrail::query(db, AuditQuery {});
        QCOMPARE(AuditTrail::newestId(db), all.events.first().id);
        QCOMPARE(all.newestId, all.events.first().id);
        QVERIFY(!AuditTrail::queryIfChanged(db, AuditQuery {}, all.newestId));
        // Never loaded (-1) or loaded an older trail: the full query runs.
        const auto first = AuditTrail::queryIfChanged(db, AuditQuery {}, -1);
        QVERIFY(first);
        QCOMPARE(first->events.size(), 6);

        m_ws->store().transaction([&](QSqlDatabase &tx) {
            AuditLog::record(tx, auditEvent(kT0 + 6 * kDay, "dave", "run.start", "run", "x #1"));
        });
        const auto news = AuditTrail::queryIfChanged(db, AuditQuery {}, all.newestId);
        QVERIFY(news);
        QCOMPARE(news->events.size(), 7);
        QCOMPARE(news->events.first().actor, QStringLiteral("dave"));
        QVERIFY(news->newestId > all.newestId);
        QCOMPARE(AuditTrail::newestId(db), news->newestId);
        // A bad query is still refused when there is news.
        AuditQuery bad;
        bad.limit = 0;
        QVERIFY_THROWS_EXCEPTION(Error, AuditTrail::queryIfChanged(db, bad, all.newestId));
    }

    void newestIdOfAnEmptyTrailIsZero()
    {
        QTemporaryDir dir;
        const auto owned = m_fixture.another(dir.filePath(QStringLiteral("ws")));
        Workspace &empty = *owned;
        QCOMPARE(AuditTrail::newestId(empty.store().db()), 0);
        QVERIFY(!AuditTrail::queryIfChanged(empty.store().db(), AuditQuery {}, 0));
        const auto page = AuditTrail::queryIfChanged(empty.store().db(), AuditQuery {}, -1);
        QVERIFY(page);
        QVERIFY(page->events.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAuditTrail)
#include "tst_audittrail.moc"
