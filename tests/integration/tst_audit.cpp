// `baton audit` against a real workspace, through the real binary.
#include "fixture.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Baton::IntegrationTest;

namespace {

Result baton(const QStringList &args, const QString &user = QStringLiteral("auditor"))
{
    return runBaton(args, asUser(user));
}

} // namespace

class TestAudit : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;
    TestWorkspaces m_spaces;
    QString m_ws;

    QStringList ws(const QStringList &args) const { return inWorkspace(m_ws, args); }

private Q_SLOTS:
    void initTestCase()
    {
        m_ws = m_spaces.address(m_tmp.filePath(QStringLiteral("ws")));
        QCOMPARE(baton(ws({ "init", "--demo" }), QStringLiteral("importer")).exitCode, 0);
        QCOMPARE(baton(ws({ "settings", "max_parallel", "3" }), QStringLiteral("tuner")).exitCode,
                 0);
        QCOMPARE(
            baton(ws({ "schedule", "pause", "churn/nightly" }), QStringLiteral("tuner")).exitCode,
            0);
    }

    void newestFirstWithWhoAndWhat()
    {
        const Result r = baton(ws({ "audit", "--json", "--limit", "1000" }));
        QCOMPARE(r.exitCode, 0);
        const QJsonArray events = QJsonDocument::fromJson(r.out.toUtf8()).array();
        QVERIFY2(events.size() > 5, qPrintable(r.out));
        const QJsonObject newest = events.first().toObject();
        QCOMPARE(newest.value(QStringLiteral("actor")).toString(), QStringLiteral("tuner"));
        QCOMPARE(newest.value(QStringLiteral("object_name")).toString(),
                 QStringLiteral("churn/nightly"));
        QVERIFY(newest.value(QStringLiteral("at")).toString().endsWith(QLatin1Char('Z')));
        qint64 previous = LLONG_MAX;
        for (const QJsonValue &v : events) {
            const qint64 id = v.toObject().value(QStringLiteral("id")).toInteger();
            QVERIFY(id < previous);
            previous = id;
        }
        // The demo's secret value never reaches the trail.
        QVERIFY(!r.out.contains(QStringLiteral("s3cr3t")));
    }

    void filters()
    {
        Result r = baton(ws({ "audit", "--actor", "tuner", "--json" }));
        QCOMPARE(r.exitCode, 0);
        QJsonArray events = QJsonDocument::fromJson(r.out.toUtf8()).array();
        QCOMPARE(events.size(), 2);
        r = baton(ws({ "audit", "--action", "job.", "--json", "--limit", "1000" }));
        events = QJsonDocument::fromJson(r.out.toUtf8()).array();
        QVERIFY(events.size() >= 5);
        for (const QJsonValue &v : events)
            QVERIFY(v.toObject().value(QStringLiteral("action")).toString().startsWith("job."));
        r = baton(ws({ "audit", "--search", "max_par" }));
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QStringLiteral("setting.update")), qPrintable(r.out));
        QCOMPARE(r.out.trimmed().split(QLatin1Char('\n')).size(), 2); // header + one row
        r = baton(ws({ "audit", "--since", "2000-01-01", "--until", "2000-01-02" }));
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed().split(QLatin1Char('\n')).size(), 1); // just the header
    }

    void limitSaysThereIsMore()
    {
        const Result r = baton(ws({ "audit", "--limit", "2" }));
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed().split(QLatin1Char('\n')).size(), 3);
        QVERIFY2(r.err.contains(QStringLiteral("more events match")), qPrintable(r.err));
    }

    void badInput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::newRow("bad --since") << QStringList { "audit", "--since", "yesterday" } << 2
                                     << "--since: 'yesterday' is not";
        QTest::newRow("bad --limit")
            << QStringList { "audit", "--limit", "0" } << 2 << "--limit: expected a whole number";
        QTest::newRow("backwards range")
            << QStringList { "audit", "--since", "2020-01-02", "--until", "2020-01-01" } << 1
            << "not before its end";
        QTest::newRow("stray argument")
            << QStringList { "audit", "tuner" } << 2 << "unexpected argument 'tuner'";
    }
    void badInput()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const Result r = baton(ws(args));
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }

    void missingWorkspaceIsAnError()
    {
        const QString missing = m_tmp.filePath(QStringLiteral("nope"));
        const Result r = baton({ "--workspace", missing, "audit" });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(missing), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(missing));
    }
};

QTEST_GUILESS_MAIN(TestAudit)
#include "tst_audit.moc"
