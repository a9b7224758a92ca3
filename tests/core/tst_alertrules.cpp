// Alert rules: jobs-as-code (parse, emit, store) and evaluation against real metrics rows.
#include "access/auditlog.h"
#include "dashboardfixture.h"
#include "io/projectemitter.h"
#include "io/projectparser.h"
#include "monitoring/alertrules.h"
#include "store/catalog.h"
#include "util/error.h"

#include <QTest>

using namespace Baton;
using Baton::Test::DashboardFixture;

namespace {

constexpr qint64 kT0 = DashboardFixture::kT0;

const QByteArray kHead = "project: churn\n"
                         "environments: [dev, prod]\n"
                         "jobs:\n"
                         "  - {name: score, command: \"python3 score.py\"}\n"
                         "alerts:\n";

AlertRuleSpec rule(const QString &name, const QString &condition, double value, int lastRuns = 5,
                   const QString &env = {}, const QString &job = {})
{
    AlertRuleSpec r;
    r.name = name;
    r.metric = QStringLiteral("false_positive_rate");
    r.condition = condition;
    r.value = value;
    r.lastRuns = lastRuns;
    r.environment = env;
    r.job = job;
    return r;
}

} // namespace

Q_DECLARE_METATYPE(QList<double>)

class TestAlertRules : public QObject
{
    Q_OBJECT

    static int audits(const DashboardFixture &fx, const QString &action)
    {
        return int(fx.id(QStringLiteral("SELECT count(*) FROM audit_events WHERE action = ?"),
                         { action }));
    }

private Q_SLOTS:
    void parse_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("error"); // empty: valid
        QTest::newRow("threshold") << QByteArray("  - {name: fpr, metric: false_positive_rate, "
                                                 "above: 0.15}\n")
                                   << QString();
        QTest::newRow("regression with job and env")
            << QByteArray("  - name: fpr-up\n    metric: false_positive_rate\n    job: score\n"
                          "    env: prod\n    increase_percent: 20\n    last_runs: 3\n")
            << QString();
        QTest::newRow("below") << QByteArray("  - {name: auc, metric: auc, below: 0.7}\n")
                               << QString();
        QTest::newRow("no condition")
            << QByteArray("  - {name: fpr, metric: false_positive_rate}\n")
            << QStringLiteral("project.yaml:6:5: alert 'fpr' has no condition");
        QTest::newRow("two conditions")
            << QByteArray("  - {name: fpr, metric: m, above: 1, below: 0}\n")
            << QStringLiteral("has both 'above' and 'below'");
        QTest::newRow("misspelt key")
            << QByteArray("  - {name: fpr, metric: m, abov: 1}\n")
            << QStringLiteral("unknown key 'abov' in alert 'fpr' (did you mean 'above'?)");
        QTest::newRow("unknown job") << QByteArray("  - {name: fpr, metric: m, job: scor, above: "
                                                   "1}\n")
                                     << QStringLiteral("unknown job 'scor' in alert 'fpr' (did "
                                                       "you mean 'score'?)");
        QTest::newRow("unknown env")
            << QByteArray("  - {name: fpr, metric: m, env: prd, above: 1}\n")
            << QStringLiteral("env: unknown environment 'prd'");
        QTest::newRow("not a number") << QByteArray("  - {name: fpr, metric: m, above: high}\n")
                                      << QStringLiteral("above: expected a number, got 'high'");
        QTest::newRow("zero percent")
            << QByteArray("  - {name: fpr, metric: m, increase_percent: 0}\n")
            << QStringLiteral("expected a percentage above 0");
        QTest::newRow("last_runs on a threshold")
            << QByteArray("  - {name: fpr, metric: m, above: 1, last_runs: 3}\n")
            << QStringLiteral("last_runs in alert 'fpr' only applies to increase_percent");
        QTest::newRow("last_runs zero")
            << QByteArray("  - {name: fpr, metric: m, increase_percent: 5, last_runs: 0}\n")
            << QStringLiteral("last_runs: expected a whole number ≥ 1");
        QTest::newRow("bad metric name")
            << QByteArray("  - {name: fpr, metric: \"9 lives\", above: 1}\n")
            << QStringLiteral("invalid metric name '9 lives'");
        QTest::newRow("duplicate")
            << QByteArray("  - {name: fpr, metric: m, above: 1}\n  - {name: fpr, metric: m, "
                          "below: 0}\n")
            << QStringLiteral("project.yaml:7:12: duplicate alert 'fpr' (first defined at line 6)");
        QTest::newRow("no name") << QByteArray("  - {metric: m, above: 1}\n")
                                 << QStringLiteral("alert at index 0 has no 'name'");
        QTest::newRow("not a list")
            << QByteArray("  fpr: 1\n") << QStringLiteral("alerts: expected a list of alert rules");
    }
    void parse()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, error);
        const ParseResult r
            = ProjectParser::parseText(kHead + yaml, QStringLiteral("project.yaml"), QString());
        if (error.isEmpty()) {
            QVERIFY2(r.ok(), qPrintable(r.errors.value(0).toString()));
            QCOMPARE(r.projects.size(), 1);
            QVERIFY(!r.projects.first().alerts.isEmpty());
            return;
        }
        QVERIFY(!r.ok());
        QVERIFY(r.projects.isEmpty());
        QString all;
        for (const Diagnostic &d : r.errors)
            all += d.toString() + QLatin1Char('\n');
        QVERIFY2(all.contains(error), qPrintable(all));
    }

    void parsedValues()
    {
        const ParseResult r = ProjectParser::parseText(
            kHead
                + "  - name: fpr-up\n    metric: false_positive_rate\n    job: score\n"
                  "    env: prod\n    increase_percent: 20\n  - {name: low-auc, metric: auc, "
                  "below: 0.7}\n",
            QStringLiteral("project.yaml"), QString());
        QVERIFY(r.ok());
        const QList<AlertRuleSpec> alerts = r.projects.first().alerts;
        QCOMPARE(alerts.size(), 2);
        QCOMPARE(alerts.at(0),
                 rule(QStringLiteral("fpr-up"), QStringLiteral("increase"), 20, 5,
                      QStringLiteral("prod"), QStringLiteral("score")));
        QCOMPARE(alerts.at(0).where.line, 6);
        QCOMPARE(alerts.at(1).condition, QStringLiteral("below"));
        QCOMPARE(alerts.at(1).value, 0.7);
    }

    void emitStoreAndExportRoundTrip()
    {
        DashboardFixture fx;
        fx.setAlerts({ rule(QStringLiteral("fpr-up"), QStringLiteral("increase"), 20, 5,
                            QStringLiteral("prod"), QStringLiteral("score")),
                       rule(QStringLiteral("fpr-high"), QStringLiteral("above"), 0.15),
                       rule(QStringLiteral("fpr-drop"), QStringLiteral("decrease"), 12.5, 3) });
        QCOMPARE(audits(fx, QStringLiteral("alert_rule.create")), 3);
        const ProjectSpec stored = Catalog::projectSpec(fx.db(), QStringLiteral("churn"));
        QCOMPARE(stored.alerts.size(), 3);
        QCOMPARE(stored.alerts.at(0).name, QStringLiteral("fpr-up"));
        const QByteArray yaml = ProjectEmitter::toYaml(stored);
        QVERIFY(yaml.contains("alerts:\n  - name: fpr-up\n    metric: false_positive_rate\n    "
                              "job: score\n    env: prod\n    increase_percent: 20\n    "
                              "last_runs: 5\n"));
        QVERIFY(yaml.contains("above: 0.15\n"));
        QVERIFY(yaml.contains("decrease_percent: 12.5\n"));
        // export → import → export: byte-identical.
        QTemporaryDir exported;
        ProjectEmitter::writeProject(stored, exported.path());
        const ParseResult again = ProjectParser::parsePath(exported.path());
        QVERIFY2(again.ok(), qPrintable(again.errors.value(0).toString()));
        QCOMPARE(again.projects.first().alerts, stored.alerts);
        QCOMPARE(ProjectEmitter::toYaml(again.projects.first()), yaml);

        // Changed and dropped rules: updated and archived in place, audited; unchanged ones not.
        fx.setAlerts({ rule(QStringLiteral("fpr-up"), QStringLiteral("increase"), 25, 5,
                            QStringLiteral("prod"), QStringLiteral("score")),
                       rule(QStringLiteral("fpr-high"), QStringLiteral("above"), 0.15) });
        QCOMPARE(audits(fx, QStringLiteral("alert_rule.update")), 1);
        QCOMPARE(audits(fx, QStringLiteral("alert_rule.archive")), 1);
        const ProjectSpec after = Catalog::projectSpec(fx.db(), QStringLiteral("churn"));
        QCOMPARE(after.alerts.size(), 2);
        QCOMPARE(after.alerts.at(0).value, 25.0);
        QCOMPARE(fx.id(QStringLiteral("SELECT count(*) FROM alert_rules")), 3); // history kept
    }

    void threshold_data()
    {
        QTest::addColumn<QString>("condition");
        QTest::addColumn<QList<double>>("values");
        QTest::addColumn<int>("firings");
        QTest::addColumn<int>("open");
        QTest::newRow("never beyond")
            << QStringLiteral("above") << QList<double> { 0.1, 0.15 } << 0 << 0;
        QTest::newRow("one episode stays open")
            << QStringLiteral("above") << QList<double> { 0.1, 0.2, 0.3 } << 1 << 1;
        QTest::newRow("episode resolves")
            << QStringLiteral("above") << QList<double> { 0.2, 0.1 } << 1 << 0;
        QTest::newRow("two episodes")
            << QStringLiteral("above") << QList<double> { 0.2, 0.1, 0.3 } << 2 << 1;
        QTest::newRow("below") << QStringLiteral("below") << QList<double> { 0.2, 0.05 } << 1 << 1;
        QTest::newRow("single run") << QStringLiteral("above") << QList<double> { 0.5 } << 1 << 1;
        QTest::newRow("no values") << QStringLiteral("above") << QList<double>() << 0 << 0;
    }
    void threshold()
    {
        QFETCH(QString, condition);
        QFETCH(QList<double>, values);
        QFETCH(int, firings);
        QFETCH(int, open);
        DashboardFixture fx;
        fx.setAlerts({ rule(QStringLiteral("fpr"), condition, 0.15) });
        const qint64 score = fx.jobVersion(QStringLiteral("score"));
        qint64 at = kT0;
        for (const double v : values) {
            const qint64 run = fx.run(QStringLiteral("succeeded"), at);
            fx.metric(run, QStringLiteral("false_positive_rate"), v, at, score);
            // Evaluated after each run, as the engine does.
            AlertRules::evaluate(fx.store(), QStringLiteral("engine"));
            at += 60000;
        }
        // Another metric name never fires this rule.
        fx.metric(fx.run(QStringLiteral("succeeded"), at), QStringLiteral("auc"), 99, at, score);
        AlertRules::evaluate(fx.store(), QStringLiteral("engine"));
        QCOMPARE(AlertRules::firings(fx.db(), false).size(), firings);
        QCOMPARE(AlertRules::openCount(fx.db()), open);
        QCOMPARE(audits(fx, QStringLiteral("alert.fire")), firings);
        if (firings > 0) {
            const AlertFiring f = AlertRules::firings(fx.db(), false).last();
            QCOMPARE(f.rule, QStringLiteral("fpr"));
            QCOMPARE(f.environment, QStringLiteral("prod"));
            QCOMPARE(f.runIds.size(), 1);
            QVERIFY(!f.hasBaseline);
            QVERIFY(f.message.contains(QStringLiteral("false_positive_rate")));
        }
    }

    void regression_data()
    {
        QTest::addColumn<QList<double>>("before"); // values of score v1
        QTest::addColumn<QList<double>>("after"); // values of score v2
        QTest::addColumn<int>("lastRuns");
        QTest::addColumn<bool>("fires");
        QTest::addColumn<double>("change");
        QTest::newRow("+50% fires")
            << QList<double> { 0.1, 0.1, 0.1 } << QList<double> { 0.15, 0.15 } << 5 << true << 50.0;
        QTest::newRow("+10% does not")
            << QList<double> { 0.1, 0.1 } << QList<double> { 0.11 } << 5 << false << 0.0;
        QTest::newRow("only the last K of the old version count")
            << QList<double> { 1.0, 1.0, 0.1, 0.1 } << QList<double> { 0.13 } << 2 << true << 30.0;
        QTest::newRow("a decrease does not fire an increase rule")
            << QList<double> { 0.2 } << QList<double> { 0.1 } << 5 << false << 0.0;
        QTest::newRow("no previous version")
            << QList<double>() << QList<double> { 0.5, 0.9 } << 5 << false << 0.0;
        QTest::newRow("baseline zero has no percentage")
            << QList<double> { 0.0, 0.0 } << QList<double> { 0.5 } << 5 << false << 0.0;
        QTest::newRow("new version without values")
            << QList<double> { 0.1 } << QList<double>() << 5 << false << 0.0;
    }
    void regression()
    {
        QFETCH(QList<double>, before);
        QFETCH(QList<double>, after);
        QFETCH(int, lastRuns);
        QFETCH(bool, fires);
        QFETCH(double, change);
        DashboardFixture fx;
        fx.setAlerts({ rule(QStringLiteral("fpr-up"), QStringLiteral("increase"), 20, lastRuns,
                            QStringLiteral("prod"), QStringLiteral("score")) });
        const qint64 v1 = fx.jobVersion(QStringLiteral("score"));
        qint64 at = kT0;
        QList<qint64> runs;
        for (const double v : before) {
            runs << fx.run(QStringLiteral("succeeded"), at);
            fx.metric(runs.last(), QStringLiteral("false_positive_rate"), v, at, v1);
            // The same metric in dev is another series: it never mixes with prod's.
            fx.metric(runs.last(), QStringLiteral("false_positive_rate"), 9.0, at, v1,
                      QStringLiteral("dev"));
            at += 60000;
        }
        AlertRules::evaluate(fx.store(), QStringLiteral("engine"));
        fx.releaseNewScore();
        const qint64 v2 = fx.jobVersion(QStringLiteral("score"));
        QVERIFY(v2 != v1);
        const qint64 deployment = fx.deployPipeline(at);
        at += 1000;
        for (const double v : after) {
            runs << fx.run(QStringLiteral("succeeded"), at);
            fx.metric(runs.last(), QStringLiteral("false_positive_rate"), v, at, v2);
            AlertRules::evaluate(fx.store(), QStringLiteral("engine"));
            at += 60000;
        }
        // Evaluating again changes nothing: a version change fires once.
        AlertRules::evaluate(fx.store(), QStringLiteral("engine"));
        const QList<AlertFiring> firings = AlertRules::firings(fx.db(), false);
        QCOMPARE(firings.size(), fires ? 1 : 0);
        QCOMPARE(audits(fx, QStringLiteral("alert.fire")), fires ? 1 : 0);
        if (!fires)
            return;
        const AlertFiring &f = firings.first();
        QCOMPARE(f.condition, QStringLiteral("increase"));
        QVERIFY(f.hasBaseline);
        QVERIFY(qAbs(f.changePercent - change) < 1e-6);
        QCOMPARE(f.deploymentId, deployment);
        QCOMPARE(f.fromVersion, QStringLiteral("score v1"));
        QCOMPARE(f.toVersion, QStringLiteral("score v2"));
        QCOMPARE(f.environment, QStringLiteral("prod"));
        QVERIFY(f.isOpen());
        // The runs involved: the baseline's last K and the new version's.
        const qsizetype k = std::min<qsizetype>(lastRuns, before.size());
        QCOMPARE(f.runIds.size(), k + 1);
        QCOMPARE(f.runIds.first(), runs.at(before.size() - k));
        QCOMPARE(f.runIds.last(), runs.at(before.size()));
        QVERIFY(f.message.contains(QStringLiteral("score v1 → score v2 in prod")));

        AlertRules::acknowledge(fx.store(), f.id, QStringLiteral("alice"));
        QCOMPARE(AlertRules::openCount(fx.db()), 0);
        QCOMPARE(AlertRules::firings(fx.db(), false).first().acknowledgedBy,
                 QStringLiteral("alice"));
        QCOMPARE(audits(fx, QStringLiteral("alert.acknowledge")), 1);
        AlertRules::acknowledge(fx.store(), f.id, QStringLiteral("bob")); // no second audit
        QCOMPARE(audits(fx, QStringLiteral("alert.acknowledge")), 1);
        QVERIFY_THROWS_EXCEPTION(Error,
                                 AlertRules::acknowledge(fx.store(), 4242, QStringLiteral("x")));
    }

    void evaluatePendingIsIdleWithoutRules()
    {
        DashboardFixture fx;
        const qint64 run = fx.run(QStringLiteral("succeeded"), kT0);
        fx.metric(run, QStringLiteral("false_positive_rate"), 0.9, kT0,
                  fx.jobVersion(QStringLiteral("score")));
        QVERIFY(AlertRules::evaluatePending(fx.store(), QStringLiteral("engine")).isEmpty());
        QCOMPARE(fx.id(QStringLiteral("SELECT count(*) FROM alert_cursor")), 0);
        // A rule imported later sees the metrics recorded before it.
        fx.setAlerts({ rule(QStringLiteral("fpr"), QStringLiteral("above"), 0.5) });
        const QList<AlertFiring> fired
            = AlertRules::evaluatePending(fx.store(), QStringLiteral("engine"));
        QCOMPARE(fired.size(), 1);
        QCOMPARE(fired.first().value, 0.9);
        QVERIFY(AlertRules::evaluatePending(fx.store(), QStringLiteral("engine")).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestAlertRules)
#include "tst_alertrules.moc"
