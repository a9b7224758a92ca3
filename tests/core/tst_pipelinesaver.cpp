// PipelineSaver: an edited pipeline becomes a new immutable version, validated like an import,
// in one transaction, audited; anything wrong leaves the workspace as it was.
#include "access/auditlog.h"
#include "store/catalog.h"
#include "store/pipelinesaver.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "testspecs.h"
#include "util/error.h"
#include "workspacefixture.h"

#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace Baton;
using namespace Baton::Test;

namespace {

int count(const Store &s, const QString &sql)
{
    return Sql::scalar(s.db(), sql).toInt();
}

PipelineInfo nightlyInfo(const Store &s)
{
    for (const PipelineInfo &p : Catalog::pipelines(s.db(), QStringLiteral("churn"))) {
        if (p.name == QLatin1String("nightly"))
            return p;
    }
    return {};
}

/// The rows that must not move when a save is refused.
QString fingerprint(const Store &s)
{
    return QStringLiteral("%1/%2/%3/%4")
        .arg(count(s, QStringLiteral("SELECT count(*) FROM pipeline_versions")))
        .arg(count(s, QStringLiteral("SELECT count(*) FROM pipeline_tasks")))
        .arg(count(s, QStringLiteral("SELECT count(*) FROM pipeline_edges")))
        .arg(count(s, QStringLiteral("SELECT count(*) FROM audit_events")));
}

} // namespace

class TestPipelineSaver : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    Test::WorkspaceFixture m_fixture; // before m_ws: its databases outlive the workspace
    std::unique_ptr<Workspace> m_ws;

    PipelineSaveRequest edited()
    {
        PipelineSaveRequest r;
        r.project = QStringLiteral("churn");
        r.pipeline = Catalog::pipelineSpec(nightlyInfo(m_ws->store()));
        r.baseVersion = 1;
        r.message = QStringLiteral("score after extract too; report");
        r.actor = QStringLiteral("bob");
        r.pipeline.tasks[2].after << DependencySpec { "extract", EdgeCondition::Always, {} };
        r.pipeline.tasks << task(QStringLiteral("score"), { QStringLiteral("score") },
                                 EdgeCondition::Success, QStringLiteral("report"));
        r.pipeline.tasks.last().settings.timeoutSeconds = 120;
        return r;
    }

private Q_SLOTS:
    void init()
    {
        m_ws = m_fixture.another(m_dir.filePath(QUuid::createUuid().toString()));
        ProjectWriter::apply(m_ws->store(), { churnProject() }, QStringLiteral("alice"));
    }
    void cleanup() { m_ws.reset(); }

    void saveCreatesANewVersion()
    {
        const PipelineSaveRequest request = edited();
        const PipelineSaveResult r = PipelineSaver::save(m_ws->store(), request);
        QCOMPARE(r.version, 2);
        QCOMPARE(r.diff.tasksAdded, QStringList { "report" });
        QCOMPARE(r.diff.edgesAdded.size(), 2);

        const PipelineInfo now = nightlyInfo(m_ws->store());
        QCOMPARE(now.version, 2);
        QCOMPARE(now.versionCount, 2);
        QCOMPARE(now.author, QStringLiteral("bob"));
        QCOMPARE(now.contentHash, r.contentHash);
        QCOMPARE(now.tasks.size(), 5);
        QVERIFY(now.tasks.last().settings.timeoutSeconds == 120);
        // The schedule is not the editor's: it stays as stored.
        QCOMPARE(now.schedule, QStringLiteral("0 2 * * *"));
        QVERIFY(Catalog::pipelineSpec(now).sameContent(request.pipeline));
        QCOMPARE(Sql::scalar(m_ws->store().db(),
                             QStringLiteral("SELECT release_note FROM pipeline_versions WHERE "
                                            "number = 2"))
                     .toString(),
                 request.message);
        // Version 1 is untouched: versions are immutable.
        QCOMPARE(count(m_ws->store(),
                       QStringLiteral("SELECT count(*) FROM pipeline_tasks t JOIN "
                                      "pipeline_versions v ON v.id = t.pipeline_version_id "
                                      "WHERE v.number = 1")),
                 4);

        const AuditEvent e = AuditLog::recent(m_ws->store().db(), 1).first();
        QCOMPARE(e.action, QStringLiteral("pipeline.version.create"));
        QCOMPARE(e.actor, QStringLiteral("bob"));
        QCOMPARE(e.objectName, QStringLiteral("churn/nightly"));
        QCOMPARE(e.after.value(QStringLiteral("source")).toString(), QStringLiteral("editor"));
        QVERIFY(e.details.contains(QStringLiteral("report")));

        // Deployed like an import's new version: to the first environment only; prod keeps v1.
        const QString deployed
            = QStringLiteral("SELECT v.number FROM deployments d JOIN environments e ON e.id = "
                             "d.environment_id JOIN pipeline_versions v ON v.id = "
                             "d.pipeline_version_id WHERE e.name = '%1' ORDER BY d.id DESC "
                             "LIMIT 1");
        QCOMPARE(count(m_ws->store(), deployed.arg(QStringLiteral("dev"))), 2);
        QCOMPARE(count(m_ws->store(), deployed.arg(QStringLiteral("staging"))), 1);
        QCOMPARE(count(m_ws->store(), deployed.arg(QStringLiteral("prod"))), 1);
    }

    void refused_data()
    {
        QTest::addColumn<QString>("what");
        QTest::addColumn<QString>("error");
        QTest::newRow("no message") << "message"
                                    << "a message is required";
        QTest::newRow("cycle") << "cycle"
                               << "dependency cycle: extract → train → score → extract";
        QTest::newRow("unknown job") << "job"
                                     << "unknown job 'trian' (did you mean 'train'?)";
        QTest::newRow("duplicate task") << "duplicate"
                                        << "duplicate task 'train'";
        QTest::newRow("stale base") << "stale"
                                    << "version 1 was stored by alice since you";
        QTest::newRow("nothing changed") << "same"
                                         << "nothing to save";
        QTest::newRow("negative retries") << "retries"
                                          << "negative retry count";
        QTest::newRow("no such pipeline") << "pipeline"
                                          << "no such pipeline";
        QTest::newRow("no such project") << "project"
                                         << "no project named 'nope'";
    }

    void refused()
    {
        QFETCH(QString, what);
        QFETCH(QString, error);
        PipelineSaveRequest r = edited();
        if (what == QLatin1String("message"))
            r.message = QStringLiteral("   ");
        else if (what == QLatin1String("cycle"))
            r.pipeline.tasks[0].after << DependencySpec { "score", EdgeCondition::Success, {} };
        else if (what == QLatin1String("job"))
            r.pipeline.tasks.last().job = QStringLiteral("trian");
        else if (what == QLatin1String("duplicate"))
            r.pipeline.tasks.last().name = QStringLiteral("train");
        else if (what == QLatin1String("stale"))
            r.baseVersion = 0;
        else if (what == QLatin1String("same"))
            r.pipeline = Catalog::pipelineSpec(nightlyInfo(m_ws->store()));
        else if (what == QLatin1String("retries"))
            r.pipeline.tasks[0].settings.retries = -1;
        else if (what == QLatin1String("pipeline"))
            r.pipeline.name = QStringLiteral("weekly");
        else if (what == QLatin1String("project"))
            r.project = QStringLiteral("nope");

        const QString before = fingerprint(m_ws->store());
        try {
            PipelineSaver::save(m_ws->store(), r);
            QFAIL("the save was accepted");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(error), qPrintable(e.message()));
        }
        QCOMPARE(fingerprint(m_ws->store()), before);
    }

    void staleAfterAnotherSave()
    {
        PipelineSaver::save(m_ws->store(), edited());
        // A second editor that also opened version 1.
        PipelineSaveRequest other = edited();
        other.pipeline.tasks.removeLast();
        try {
            PipelineSaver::save(m_ws->store(), other);
            QFAIL("a stale save was accepted");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(QStringLiteral("version 2 was stored by bob")),
                     qPrintable(e.message()));
        }
    }

    void pinsTheLatestJobVersions()
    {
        // A new version of train since the pipeline's version 1.
        ProjectSpec p = churnProject();
        p.jobs[1].command = QStringLiteral("python3 train.py --fast");
        p.pipelines.clear(); // keep the pipeline out of the import: it would be archived
        ProjectSpec withPipeline = churnProject();
        withPipeline.jobs = p.jobs;
        ProjectWriter::apply(m_ws->store(), { withPipeline }, QStringLiteral("alice"));
        const PipelineInfo v2 = nightlyInfo(m_ws->store());
        QCOMPARE(v2.version, 2); // a changed job makes a new pipeline version on import

        PipelineSaveRequest r = edited();
        r.baseVersion = 2;
        const PipelineSaveResult result = PipelineSaver::save(m_ws->store(), r);
        QCOMPARE(result.version, 3);
        const PipelineInfo v3 = nightlyInfo(m_ws->store());
        for (const TaskInfo &t : v3.tasks) {
            if (t.job == QLatin1String("train"))
                QCOMPARE(t.jobVersion, 2);
        }
    }
};

QTEST_GUILESS_MAIN(TestPipelineSaver)
#include "tst_pipelinesaver.moc"
