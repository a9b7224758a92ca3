#include "model/projectspec.h"
#include "testspecs.h"

#include <QTest>

using namespace Baton;

class TestProjectSpec : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void names_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("valid");
        QTest::newRow("plain") << "churn" << true;
        QTest::newRow("with dot, dash, underscore") << "churn_v2.nightly-run" << true;
        QTest::newRow("digits first") << "2026-report" << true;
        QTest::newRow("128 chars") << QString(128, QLatin1Char('a')) << true;
        QTest::newRow("129 chars") << QString(129, QLatin1Char('a')) << false;
        QTest::newRow("empty") << "" << false;
        QTest::newRow("dot first") << ".hidden" << false;
        QTest::newRow("dot dot") << ".." << false;
        QTest::newRow("slash") << "churn/nightly" << false;
        QTest::newRow("space") << "churn nightly" << false;
        QTest::newRow("non-ascii") << "café" << false;
        QTest::newRow("trailing newline") << "churn\n" << false;
        QTest::newRow("inner newline") << "churn\nx" << false;
    }

    void names()
    {
        QFETCH(QString, name);
        QFETCH(bool, valid);
        QCOMPARE(isValidName(name), valid);
    }

    void variableNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("valid");
        QTest::newRow("upper") << "DB_URL" << true;
        QTest::newRow("underscore first") << "_x1" << true;
        QTest::newRow("digit first") << "1X" << false;
        QTest::newRow("dash") << "DB-URL" << false;
        QTest::newRow("dot") << "db.url" << false;
        QTest::newRow("empty") << "" << false;
        QTest::newRow("128 chars") << QString(128, QLatin1Char('X')) << true;
        QTest::newRow("129 chars") << QString(129, QLatin1Char('X')) << false;
        // A newline in a variable name would split the job's environment.
        QTest::newRow("trailing newline") << "PATH\n" << false;
        QTest::newRow("assignment") << "A=B" << false;
    }

    void variableNames()
    {
        QFETCH(QString, name);
        QFETCH(bool, valid);
        QCOMPARE(isValidVariableName(name), valid);
    }

    void durations_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("seconds"); // -1: refused
        QTest::newRow("bare seconds") << "45" << 45;
        QTest::newRow("seconds") << "45s" << 45;
        QTest::newRow("minutes") << "10m" << 600;
        QTest::newRow("hours") << "2h" << 7200;
        QTest::newRow("days") << "1d" << 86400;
        QTest::newRow("zero") << "0" << 0;
        QTest::newRow("spaces") << " 5 m " << 300;
        QTest::newRow("empty") << "" << -1;
        QTest::newRow("negative") << "-5s" << -1;
        QTest::newRow("fraction") << "1.5h" << -1;
        QTest::newRow("upper-case unit") << "5M" << -1;
        QTest::newRow("unknown unit") << "5w" << -1;
        QTest::newRow("two units") << "1h30m" << -1;
        QTest::newRow("too many digits") << "1234567890" << -1;
        QTest::newRow("beyond int") << "999999999d" << -1;
        QTest::newRow("nine digits") << "999999999" << 999999999;
    }

    void durations()
    {
        QFETCH(QString, text);
        QFETCH(int, seconds);
        const std::optional<int> parsed = parseDuration(text);
        QCOMPARE(parsed.has_value(), seconds >= 0);
        if (parsed)
            QCOMPARE(*parsed, seconds);
    }

    void durationsWriteCanonically()
    {
        QCOMPARE(formatDuration(7200), QStringLiteral("2h"));
        QCOMPARE(formatDuration(600), QStringLiteral("10m"));
        QCOMPARE(formatDuration(90), QStringLiteral("90s"));
        QCOMPARE(formatDuration(0), QStringLiteral("0s"));
        for (int s : { 0, 1, 59, 60, 61, 3599, 3600, 86400, 90061 })
            QCOMPARE(parseDuration(formatDuration(s)), std::optional<int>(s));
    }

    void locations_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("line");
        QTest::addColumn<int>("column");
        QTest::addColumn<QString>("text");
        QTest::newRow("all") << "p/project.yaml" << 12 << 5 << "p/project.yaml:12:5";
        QTest::newRow("no column") << "p/project.yaml" << 12 << 0 << "p/project.yaml:12";
        QTest::newRow("file only") << "p/project.yaml" << 0 << 7 << "p/project.yaml";
        QTest::newRow("no file") << "" << 3 << 1 << "<input>:3:1";
    }

    void locations()
    {
        QFETCH(QString, file);
        QFETCH(int, line);
        QFETCH(int, column);
        QFETCH(QString, text);
        QCOMPARE((SourceLocation { file, line, column }.toString()), text);
        QCOMPARE((Diagnostic { { file, line, column }, QStringLiteral("bad cron") }.toString()),
                 text + QStringLiteral(": bad cron"));
    }

    void lookups()
    {
        ProjectSpec p;
        p.jobs << Test::job(QStringLiteral("extract"), QStringLiteral("./extract.sh"))
               << Test::job(QStringLiteral("train"), QStringLiteral("./train.sh"));
        PipelineSpec nightly;
        nightly.name = QStringLiteral("nightly");
        p.pipelines << nightly;
        QCOMPARE(p.job(QStringLiteral("train")), &p.jobs[1]);
        QCOMPARE(p.job(QStringLiteral("nightly")), nullptr);
        QCOMPARE(p.pipeline(QStringLiteral("nightly")), &p.pipelines[0]);
        QCOMPARE(p.pipeline(QStringLiteral("Nightly")), nullptr); // names are case-sensitive
    }

    void defaultPathNeedsApprovalIntoProdOnly()
    {
        QStringList names;
        QStringList approval;
        for (const EnvironmentSpec &e : defaultEnvironments()) {
            names << e.name;
            if (e.approvalRequired)
                approval << e.name;
        }
        QCOMPARE(names, (QStringList { "dev", "staging", "preprod", "prod" }));
        QCOMPARE(approval, QStringList { "prod" });
    }
};

QTEST_GUILESS_MAIN(TestProjectSpec)
#include "tst_projectspec.moc"
