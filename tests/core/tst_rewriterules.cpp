// Rewrite rules in jobs-as-code: parsing (good and bad), the export round trip, the store, and
// how rules apply to variables and settings.
#include "io/projectemitter.h"
#include "io/projectparser.h"
#include "release/rewriterules.h"
#include "store/catalog.h"
#include "store/projectwriter.h"
#include "store/workspace.h"
#include "workspacefixture.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Baton;

namespace {

QByteArray yaml(const QByteArray &rewrite)
{
    return "project: p\n"
           "environments:\n"
           "  - dev\n"
           "  - name: prod\n"
           "    approval: true\n"
           "    rewrite:\n"
        + rewrite
        + "jobs:\n"
          "  - {name: train, command: \"true\", timeout: 10m}\n";
}

} // namespace

class TestRewriteRules : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parsesRules()
    {
        const ParseResult r
            = ProjectParser::parseText(yaml("      - {variable: INPUT_ROWS, value: \"250000\"}\n"
                                            "      - {setting: timeout, value: 60m, job: train}\n"
                                            "      - {setting: retries, value: 3}\n"),
                                       QStringLiteral("p.yaml"), QStringLiteral("."));
        QVERIFY2(r.ok(), r.errors.isEmpty() ? "" : qPrintable(r.errors.first().toString()));
        const QList<RewriteRule> rules = r.projects.first().environments.at(1).rewrites;
        QCOMPARE(rules.size(), 3);
        QCOMPARE(
            rules[0],
            (RewriteRule { QStringLiteral("INPUT_ROWS"), {}, QStringLiteral("250000"), {}, {} }));
        // Durations are kept in their canonical form.
        QCOMPARE(rules[1],
                 (RewriteRule { {},
                                QStringLiteral("timeout"),
                                QStringLiteral("1h"),
                                QStringLiteral("train"),
                                {} }));
        QCOMPARE(rules[2].value, QStringLiteral("3"));
        QCOMPARE(rules[1].where.line, 8);
        QVERIFY(r.projects.first().environments.at(0).rewrites.isEmpty());
    }

    void badRules_data()
    {
        QTest::addColumn<QByteArray>("rewrite");
        QTest::addColumn<QString>("message");
        QTest::newRow("both")
            << QByteArray("      - {variable: A, setting: retries, value: 1}\n")
            << "p.yaml:7:9: rewrite rule: name either a 'variable' or a 'setting'";
        QTest::newRow("neither") << QByteArray("      - {value: 1}\n")
                                 << "name either a 'variable' or a 'setting'";
        QTest::newRow("no value") << QByteArray("      - {variable: A}\n")
                                  << "rewrite rule: missing 'value'";
        QTest::newRow("bad variable")
            << QByteArray("      - {variable: 9A, value: x}\n") << "invalid variable name '9A'";
        QTest::newRow("unknown setting") << QByteArray("      - {setting: timout, value: 1h}\n")
                                         << "unknown setting 'timout' (did you mean 'timeout'?)";
        QTest::newRow("bad duration")
            << QByteArray("      - {setting: timeout, value: soon}\n") << "expected a duration";
        QTest::newRow("negative retries")
            << QByteArray("      - {setting: retries, value: -1}\n") << "whole number ≥ 0";
        QTest::newRow("unknown job")
            << QByteArray("      - {setting: retries, value: 1, job: trian}\n")
            << "unknown job 'trian' (did you mean 'train'?)";
        QTest::newRow("job on a variable")
            << QByteArray("      - {variable: A, value: x, job: train}\n")
            << "'job' applies to setting rules only";
        QTest::newRow("twice") << QByteArray("      - {variable: A, value: x}\n"
                                             "      - {variable: A, value: y}\n")
                               << "variable A is rewritten twice (first at line 7)";
        QTest::newRow("unknown key")
            << QByteArray("      - {variable: A, valeu: x}\n") << "unknown key 'valeu'";
        QTest::newRow("not a list")
            << QByteArray("        variable: A\n") << "rewrite: expected a list of rewrite rules";
    }
    void badRules()
    {
        QFETCH(QByteArray, rewrite);
        QFETCH(QString, message);
        const ParseResult r = ProjectParser::parseText(yaml(rewrite), QStringLiteral("p.yaml"),
                                                       QStringLiteral("."));
        QVERIFY(!r.ok());
        QStringList all;
        for (const Diagnostic &d : r.errors)
            all << d.toString();
        QVERIFY2(all.join(QLatin1Char('\n')).contains(message), qPrintable(all.join('\n')));
    }

    void exportImportExportKeepsRules()
    {
        const ParseResult r
            = ProjectParser::parseText(yaml("      - {variable: INPUT_ROWS, value: \"250000\"}\n"
                                            "      - {setting: timeout, value: 1h, job: train}\n"),
                                       QStringLiteral("p.yaml"), QStringLiteral("."));
        QVERIFY(r.ok());
        const QByteArray first = ProjectEmitter::toYaml(r.projects.first());
        QVERIFY2(first.contains("rewrite:"), first.constData());
        const ParseResult again
            = ProjectParser::parseText(first, QStringLiteral("again.yaml"), QStringLiteral("."));
        QVERIFY2(again.ok(), first.constData());
        QCOMPARE(again.projects.first().environments, r.projects.first().environments);
        QCOMPARE(ProjectEmitter::toYaml(again.projects.first()), first);

        // Through the store too: what the workspace keeps is what it exports.
        QTemporaryDir dir;
        Test::WorkspaceFixture fixture; // before ws: its database outlives the workspace
        const auto ws = fixture.another(dir.filePath(QStringLiteral("ws")));
        ProjectWriter::apply(ws->store(), r.projects, QStringLiteral("alice"));
        const ProjectSpec stored = Catalog::projectSpec(ws->store().db(), QStringLiteral("p"));
        QCOMPARE(stored.environments, r.projects.first().environments);
    }

    void applyToVariables()
    {
        const QList<RewriteRule> rules {
            { QStringLiteral("A"), {}, QStringLiteral("rewritten"), {}, {} },
            { QStringLiteral("NEW"), {}, QStringLiteral("added"), {}, {} },
            { QStringLiteral("P"), {}, QStringLiteral("not over a run parameter"), {}, {} },
        };
        QList<ResolvedVariable> vars {
            { QStringLiteral("A"), QStringLiteral("env value"), false,
              QStringLiteral("environment") },
            { QStringLiteral("B"), QStringLiteral("kept"), false, QStringLiteral("project") },
            { QStringLiteral("P"), QStringLiteral("param"), false, QStringLiteral("run") },
        };
        RewriteRules::applyToVariables(rules, vars);
        QCOMPARE(vars.size(), 4);
        QCOMPARE(vars[0].value, QStringLiteral("rewritten"));
        QCOMPARE(vars[0].scope, QStringLiteral("rewrite"));
        QCOMPARE(vars[1].value, QStringLiteral("kept"));
        QCOMPARE(vars[2].name, QStringLiteral("NEW"));
        QCOMPARE(vars[3].value, QStringLiteral("param"));
    }

    void applyToSettings()
    {
        const QList<RewriteRule> rules {
            { {}, QStringLiteral("timeout"), QStringLiteral("2h"), QStringLiteral("train"), {} },
            { {}, QStringLiteral("timeout"), QStringLiteral("5m"), {}, {} },
            { {}, QStringLiteral("retries"), QStringLiteral("4"), {}, {} },
        };
        RunSettings train;
        train.timeoutSeconds = 60;
        QVERIFY(RewriteRules::applyToSettings(rules, QStringLiteral("train"), train));
        QCOMPARE(*train.timeoutSeconds, 7200); // the job's own rule beats the general one
        QCOMPARE(*train.retries, 4);
        RunSettings other;
        QVERIFY(RewriteRules::applyToSettings(rules, QStringLiteral("score"), other));
        QCOMPARE(*other.timeoutSeconds, 300);
        QCOMPARE(RewriteRules::fromJson(RewriteRules::toJson(rules)), rules);
        QVERIFY(RewriteRules::fromJsonText(QStringLiteral("not json")).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestRewriteRules)
#include "tst_rewriterules.moc"
