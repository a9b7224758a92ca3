// Alert rules end to end through the real `baton` binary: a job reports a metric, the engine
// evaluates the project's rules as the run ends, `baton alerts` shows and acknowledges.
#include "fixture.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Baton::IntegrationTest;

namespace {

Result baton(const QStringList &args)
{
    return runBaton(args, asUser(QStringLiteral("carol")));
}

const char *const kProject = "project: shop\n"
                             "environments: [dev, prod]\n"
                             "jobs:\n"
                             "  - name: score\n"
                             "    command: 'echo \"fpr $FPR\" >> \"$BATON_METRICS_FILE\"'\n"
                             "pipelines:\n"
                             "  - name: daily\n"
                             "    tasks: [{job: score}]\n"
                             "alerts:\n"
                             "  - {name: fpr-high, metric: fpr, env: prod, above: 0.5}\n";

} // namespace

class TestAlerts : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;
    TestWorkspaces m_spaces;
    QString m_ws;

    QStringList ws(const QStringList &args) const { return inWorkspace(m_ws, args); }

private Q_SLOTS:
    void initTestCase()
    {
        m_ws = m_spaces.address(m_dir.filePath(QStringLiteral("ws")));
        const QString yaml = m_dir.filePath(QStringLiteral("shop.yaml"));
        QVERIFY(writeFile(yaml, kProject));
        const Result r = baton(ws({ QStringLiteral("import"), yaml }));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown action")
            << QStringList { QStringLiteral("alerts"), QStringLiteral("mute") } << 2
            << QStringLiteral("usage: baton alerts");
        QTest::newRow("ack without id")
            << QStringList { QStringLiteral("alerts"), QStringLiteral("ack") } << 2
            << QStringLiteral("usage: baton alerts");
        QTest::newRow("ack of a word")
            << QStringList { QStringLiteral("alerts"), QStringLiteral("ack"), QStringLiteral("x") }
            << 2 << QStringLiteral("'x' is not an alert id");
        QTest::newRow("ack of nothing")
            << QStringList { QStringLiteral("alerts"), QStringLiteral("ack"), QStringLiteral("99") }
            << 1 << QStringLiteral("no alert 99");
        QTest::newRow("history without demo")
            << QStringList { QStringLiteral("init"), QStringLiteral("--history") } << 2
            << QStringLiteral("--history needs --demo");
    }
    void usageErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        const Result r = baton(ws(args));
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }

    void aRunBeyondTheThresholdFiresOnceAndIsAcknowledged()
    {
        // Below the threshold, then in dev (the rule is for prod): nothing fires.
        Result r
            = baton(ws({ QStringLiteral("run"), QStringLiteral("shop/daily"),
                         QStringLiteral("--env"), QStringLiteral("prod"), QStringLiteral("--param"),
                         QStringLiteral("FPR=0.2"), QStringLiteral("--wait") }));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = baton(ws({ QStringLiteral("run"), QStringLiteral("shop/daily"), QStringLiteral("--env"),
                       QStringLiteral("dev"), QStringLiteral("--param"), QStringLiteral("FPR=0.9"),
                       QStringLiteral("--wait") }));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = baton(ws({ QStringLiteral("alerts"), QStringLiteral("--json") }));
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).array().size(), 0);

        // Beyond it in prod, twice: one firing (one episode), stored by the engine itself.
        for (const char *value : { "FPR=0.7", "FPR=0.8" }) {
            r = baton(
                ws({ QStringLiteral("run"), QStringLiteral("shop/daily"), QStringLiteral("--env"),
                     QStringLiteral("prod"), QStringLiteral("--param"), QString::fromLatin1(value),
                     QStringLiteral("--wait") }));
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        }
        r = baton(ws({ QStringLiteral("alerts"), QStringLiteral("--json") }));
        const QJsonArray alerts = QJsonDocument::fromJson(r.out.toUtf8()).array();
        QCOMPARE(alerts.size(), 1);
        const QJsonObject a = alerts.first().toObject();
        QCOMPARE(a.value(QStringLiteral("rule")).toString(), QStringLiteral("fpr-high"));
        QCOMPARE(a.value(QStringLiteral("environment")).toString(), QStringLiteral("prod"));
        QCOMPARE(a.value(QStringLiteral("value")).toDouble(), 0.7);
        QCOMPARE(a.value(QStringLiteral("runs")).toArray().size(), 1);
        QCOMPARE(a.value(QStringLiteral("runs")).toArray().first().toInt(), 3);
        r = baton(ws({ QStringLiteral("alerts") }));
        QVERIFY(r.out.contains(QStringLiteral("shop/fpr-high")));
        QVERIFY(r.out.contains(QStringLiteral("fpr = 0.7 in prod is above 0.5 (run 3)")));

        // `check` finds nothing new; acknowledging empties the list, not the history.
        r = baton(ws({ QStringLiteral("alerts"), QStringLiteral("check") }));
        QVERIFY(r.out.contains(QStringLiteral("0 new alert(s)")));
        const QString id = QString::number(a.value(QStringLiteral("id")).toInt());
        r = baton(ws({ QStringLiteral("alerts"), QStringLiteral("ack"), id }));
        QCOMPARE(r.exitCode, 0);
        r = baton(ws({ QStringLiteral("alerts"), QStringLiteral("--json") }));
        QCOMPARE(QJsonDocument::fromJson(r.out.toUtf8()).array().size(), 0);
        r = baton(
            ws({ QStringLiteral("alerts"), QStringLiteral("--all"), QStringLiteral("--json") }));
        const QJsonObject acked
            = QJsonDocument::fromJson(r.out.toUtf8()).array().first().toObject();
        QCOMPARE(acked.value(QStringLiteral("acknowledged_by")).toString(),
                 QStringLiteral("carol"));

        // The rule round-trips through export.
        r = baton(ws({ QStringLiteral("export"), m_dir.filePath(QStringLiteral("out")) }));
        QCOMPARE(r.exitCode, 0);
        QFile exported(m_dir.filePath(QStringLiteral("out/shop/project.yaml")));
        QVERIFY(exported.open(QIODevice::ReadOnly));
        QVERIFY(
            exported.readAll().contains("alerts:\n  - name: fpr-high\n    metric: fpr\n    env: "
                                        "prod\n    above: 0.5\n"));
    }
};

QTEST_GUILESS_MAIN(TestAlerts)
#include "tst_alerts.moc"
