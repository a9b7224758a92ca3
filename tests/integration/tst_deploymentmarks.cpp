// `baton deployments` marks each cell's last run with the console's rule (core/model/runstate):
// ✓ succeeded, ✗ a failure, – skipped or cancelled (neutral, as the Releases matrix draws it).
#include "fixture.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

namespace {

const QByteArray kProject = "project: marks\n"
                            "environments: [dev]\n"
                            "jobs:\n"
                            "  - {name: work, command: \"true\", technology: bash}\n"
                            "  - {name: onfail, command: \"true\", technology: bash}\n"
                            "  - {name: boom, command: \"exit 3\", technology: bash}\n"
                            "pipelines:\n"
                            "  - name: flow\n"
                            "    tasks:\n"
                            "      - job: work\n"
                            "      - {job: onfail, after: [work], when: failed}\n"
                            "  - name: broken\n"
                            "    tasks:\n"
                            "      - job: boom\n";

} // namespace

class TestDeploymentMarks : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;
    Baton::IntegrationTest::TestWorkspaces m_spaces;
    QString m_ws;

    int baton(const QStringList &args, QString *out = nullptr) const
    {
        QProcess p;
        p.start(QStringLiteral(BATON_BINARY),
                QStringList { QStringLiteral("--workspace"), m_ws } + args);
        if (!p.waitForFinished(60000)) {
            p.kill();
            return -1;
        }
        if (out)
            *out = QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError());
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    }

    /// The row of @p name in the deployments table.
    static QString row(const QString &table, const QString &name)
    {
        for (const QString &line : table.split(QLatin1Char('\n'))) {
            if (line.simplified().startsWith(name + QLatin1Char(' '))
                || line.contains(QLatin1Char(' ') + name + QLatin1Char(' ')))
                return line;
        }
        return {};
    }

private Q_SLOTS:
    void initTestCase() { m_ws = m_spaces.address(m_tmp.filePath(QStringLiteral("ws"))); }

    void skippedIsNeutralFailedIsACross()
    {
        QString out;
        QCOMPARE(baton({ "init" }, &out), 0);
        const QString file = m_tmp.filePath(QStringLiteral("marks.yaml"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(kProject);
        f.close();
        QVERIFY2(baton({ "import", file }, &out) == 0, qPrintable(out));
        // flow succeeds and skips onfail (it runs only when work failed); broken fails.
        QVERIFY2(baton({ "run", "marks/flow", "--env", "dev", "--wait" }, &out) == 0,
                 qPrintable(out));
        baton({ "run", "marks/broken", "--env", "dev", "--wait" }, &out);

        QVERIFY2(baton({ "deployments", "--project", "marks" }, &out) == 0, qPrintable(out));
        const QString onfail = row(out, QStringLiteral("onfail"));
        const QString work = row(out, QStringLiteral("work"));
        const QString boom = row(out, QStringLiteral("boom"));
        QVERIFY2(!onfail.isEmpty() && !work.isEmpty() && !boom.isEmpty(), qPrintable(out));
        QVERIFY2(onfail.contains(QStringLiteral("–")) && !onfail.contains(QStringLiteral("✗")),
                 qPrintable(out));
        QVERIFY2(work.contains(QStringLiteral("✓")), qPrintable(out));
        QVERIFY2(boom.contains(QStringLiteral("✗")), qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("– skipped or cancelled")), qPrintable(out));
    }
};

QTEST_GUILESS_MAIN(TestDeploymentMarks)
#include "tst_deploymentmarks.moc"
