#include "access/auditlog.h"
#include "access/secrets.h"
#include "store/catalog.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "testspecs.h"
#include "util/error.h"
#include "workspacefixture.h"

#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace Baton;
using namespace Baton::Test;

namespace {
int count(const Store &s, const QString &sql, const QVariantList &binds = {})
{
    return Sql::scalar(s.db(), sql, binds).toInt();
}
const ImportSummary::Version *find(const ImportSummary &s, const QString &kind, const QString &name)
{
    for (const auto &v : s.versions) {
        if (v.kind == kind && v.name == name)
            return &v;
    }
    return nullptr;
}
} // namespace

class TestProjectWriter : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    Test::WorkspaceFixture m_fixture; // before m_ws: its databases outlive the workspace
    std::unique_ptr<Workspace> m_ws;

private Q_SLOTS:
    void init() { m_ws = m_fixture.another(m_dir.filePath(QUuid::createUuid().toString())); }
    void cleanup() { m_ws.reset(); }

    void firstImportCreatesVersionOne()
    {
        const ImportSummary s
            = ProjectWriter::apply(m_ws->store(), { churnProject() }, QStringLiteral("alice"));
        QCOMPARE(s.projectsCreated, QStringList { QStringLiteral("churn") });
        QCOMPARE(s.createdVersions(), 5); // 4 jobs + 1 pipeline
        QCOMPARE(find(s, QStringLiteral("job"), QStringLiteral("extract"))->number, 1);
        const Store &st = m_ws->store();
        QCOMPARE(count(st, QStringLiteral("SELECT count(*) FROM environments")), 4);
        QCOMPARE(count(st,
                       QStringLiteral("SELECT approval_required FROM environments WHERE "
                                      "name = 'prod'")),
                 1);
        QCOMPARE(count(st, QStringLiteral("SELECT count(*) FROM pipeline_edges")), 3);
        QCOMPARE(count(st,
                       QStringLiteral("SELECT count(*) FROM pipeline_edges WHERE "
                                      "condition = 'failed'")),
                 1);
        QCOMPARE(count(st,
                       QStringLiteral("SELECT count(*) FROM schedules WHERE cron = '0 2 * * *' "
                                      "AND timezone = 'Europe/Paris' AND misfire = 'run_once'")),
                 1);
        QCOMPARE(count(st,
                       QStringLiteral("SELECT count(*) FROM variables WHERE scope = "
                                      "'environment' AND name = 'API_TOKEN' AND secret = 1")),
                 1);
        QCOMPARE(Sql::scalar(st.db(), QStringLiteral("SELECT author FROM job_versions LIMIT 1"))
                     .toString(),
                 QStringLiteral("alice"));
        // The file is stored once, content-addressed, and the exec bit kept.
        QCOMPARE(count(st, QStringLiteral("SELECT count(*) FROM blobs")), 1);
        QCOMPARE(count(st, QStringLiteral("SELECT executable FROM job_version_files")), 1);
    }

    void reimportUnchangedCreatesNothing()
    {
        ProjectWriter::apply(m_ws->store(), { churnProject() }, QStringLiteral("alice"));
        const int auditBefore = count(m_ws->store(),
                                      QStringLiteral("SELECT count(*) FROM "
                                                     "audit_events"));
        const ImportSummary s
            = ProjectWriter::apply(m_ws->store(), { churnProject() }, QStringLiteral("bob"));
        QCOMPARE(s.createdVersions(), 0);
        QCOMPARE(s.projectsUpdated, QStringList { QStringLiteral("churn") });
        QCOMPARE(count(m_ws->store(), QStringLiteral("SELECT count(*) FROM job_versions")), 4);
        QCOMPARE(count(m_ws->store(), QStringLiteral("SELECT count(*) FROM audit_events")),
                 auditBefore);
    }

    void changedJobMakesNewVersionAndLeavesOldOne()
    {
        ProjectWriter::apply(m_ws->store(), { churnProject() }, QStringLiteral("alice"));
        ProjectSpec changed = churnProject();
        changed.jobs[1].command = QStringLiteral("python3 train.py --epochs 20");
        changed.jobs[1].releaseNote = QStringLiteral("more epochs");
        const ImportSummary s
            = ProjectWriter::apply(m_ws->store(), { changed }, QStringLiteral("bob"));
        QCOMPARE(find(s, QStringLiteral("job"), QStringLiteral("train"))->number, 2);
        QVERIFY(find(s, QStringLiteral("job"), QStringLiteral("train"))->created);
        QVERIFY(!find(s, QStringLiteral("job"), QStringLiteral("extract"))->created);
        // The pipeline pins job versions, so it gets a new version too.
        QCOMPARE(find(s, QStringLiteral("pipeline"), QStringLiteral("nightly"))->number, 2);

        const Store &st = m_ws->store();
        QCOMPARE(Sql::scalar(st.db(),
                             QStringLiteral("SELECT command FROM job_versions v JOIN jobs "
                                            "j ON j.id = v.job_id WHERE j.name = 'train' "
                                            "AND v.number = 1"))
                     .toString(),
                 QStringLiteral("python3 train.py"));
        QCOMPARE(Sql::scalar(st.db(),
                             QStringLiteral("SELECT release_note FROM job_versions v JOIN "
                                            "jobs j ON j.id = v.job_id WHERE j.name = "
                                            "'train' AND v.number = 2"))
                     .toString(),
                 QStringLiteral("more epochs"));
        // Version 1 of the pipeline still points at train v1.
        QCOMPARE(count(st,
                       QStringLiteral("SELECT jv.number FROM pipeline_tasks t JOIN "
                                      "pipeline_versions pv ON pv.id = t.pipeline_version_id "
                                      "JOIN job_versions jv ON jv.id = t.job_version_id "
                                      "WHERE pv.number = 1 AND t.name = 'train'")),
                 1);
        QCOMPARE(count(st,
                       QStringLiteral("SELECT jv.number FROM pipeline_tasks t JOIN "
                                      "pipeline_versions pv ON pv.id = t.pipeline_version_id "
                                      "JOIN job_versions jv ON jv.id = t.job_version_id "
                                      "WHERE pv.number = 2 AND t.name = 'train'")),
                 2);
    }

    void changedFileContentIsANewVersion()
    {
        ProjectWriter::apply(m_ws->store(), { churnProject() }, QStringLiteral("alice"));
        ProjectSpec changed = churnProject();
        changed.jobs[0].files[0].content = "#!/bin/sh\necho extract v2\n";
        const ImportSummary s
            = ProjectWriter::apply(m_ws->store(), { changed }, QStringLiteral("alice"));
        QCOMPARE(find(s, QStringLiteral("job"), QStringLiteral("extract"))->number, 2);
        QCOMPARE(count(m_ws->store(), QStringLiteral("SELECT count(*) FROM blobs")), 2);
    }

    void removedJobIsArchivedNotDeleted()
    {
        ProjectWriter::apply(m_ws->store(), { churnProject() }, QStringLiteral("alice"));
        ProjectSpec smaller = churnProject();
        smaller.jobs.removeAt(2); // score
        smaller.pipelines[0].tasks.removeAt(3);
        smaller.pipelines[0].tasks.removeAt(2);
        const ImportSummary s
            = ProjectWriter::apply(m_ws->store(), { smaller }, QStringLiteral("alice"));
        QCOMPARE(s.archived, QStringList { QStringLiteral("churn/score") });
        QCOMPARE(count(m_ws->store(),
                       QStringLiteral("SELECT count(*) FROM job_versions v JOIN "
                                      "jobs j ON j.id = v.job_id WHERE "
                                      "j.name = 'score'")),
                 1);
        const QList<JobInfo> jobs = Catalog::jobs(m_ws->store().db());
        QCOMPARE(jobs.size(), 3);
        // Bringing it back revives the same job with its history.
        const ImportSummary back
            = ProjectWriter::apply(m_ws->store(), { churnProject() }, QStringLiteral("alice"));
        QCOMPARE(find(back, QStringLiteral("job"), QStringLiteral("score"))->number, 1);
        QVERIFY(!find(back, QStringLiteral("job"), QStringLiteral("score"))->created);
        QCOMPARE(Catalog::jobs(m_ws->store().db()).size(), 4);
    }

    void secretWithoutValueKeepsWorkspaceValue()
    {
        ProjectWriter::apply(m_ws->store(), { churnProject() }, QStringLiteral("alice"));
        ProjectSpec noValue = churnProject();
        noValue.variables[1].value.reset();
        const ImportSummary s
            = ProjectWriter::apply(m_ws->store(), { noValue }, QStringLiteral("alice"));
        QVERIFY(s.warnings.isEmpty());
        const QString kept
            = Sql::scalar(m_ws->store().db(),
                          QStringLiteral("SELECT value FROM variables WHERE name = 'API_TOKEN'"))
                  .toString();
        QCOMPARE(Secrets::open(kept, *Secrets::loadKey(), QStringLiteral("API_TOKEN")),
                 QStringLiteral("s3cr3t-token"));
    }

    void secretWithNoValueAnywhereWarns()
    {
        ProjectSpec noValue = churnProject();
        noValue.variables[1].value.reset();
        const ImportSummary s
            = ProjectWriter::apply(m_ws->store(), { noValue }, QStringLiteral("alice"));
        QCOMPARE(s.warnings.size(), 1);
        QVERIFY(s.warnings[0].message.contains(QStringLiteral("API_TOKEN")));
        QVERIFY(Sql::scalar(m_ws->store().db(),
                            QStringLiteral("SELECT value FROM variables WHERE name = 'API_TOKEN'"))
                    .isNull());
    }

    void auditTrailNeverHoldsSecrets()
    {
        ProjectWriter::apply(m_ws->store(), { churnProject() }, QStringLiteral("alice"));
        ProjectSpec changed = churnProject();
        changed.variables[1].value = QStringLiteral("rotated-secret");
        ProjectWriter::apply(m_ws->store(), { changed }, QStringLiteral("alice"));
        const QList<AuditEvent> events = AuditLog::recent(m_ws->store().db(), 1000);
        QStringList actions;
        for (const AuditEvent &e : events) {
            actions << e.action;
            const QString all = QString::fromUtf8(QJsonDocument(e.before).toJson())
                + QString::fromUtf8(QJsonDocument(e.after).toJson()) + e.details;
            QVERIFY2(!all.contains(QStringLiteral("s3cr3t")), qPrintable(all));
            QVERIFY2(!all.contains(QStringLiteral("rotated-secret")), qPrintable(all));
        }
        QVERIFY(actions.contains(QStringLiteral("project.create")));
        QVERIFY(actions.contains(QStringLiteral("job.version.create")));
        QVERIFY(actions.contains(QStringLiteral("pipeline.version.create")));
        QVERIFY(actions.contains(QStringLiteral("variables.update")));
        QCOMPARE(events.first().actor, QStringLiteral("alice"));
    }

    void scheduleChangeKeepsPauseAndRemovalDeletes()
    {
        ProjectWriter::apply(m_ws->store(), { churnProject() }, QStringLiteral("alice"));
        Sql::exec(m_ws->store().db(), QStringLiteral("UPDATE schedules SET paused = 1"));
        ProjectSpec changed = churnProject();
        changed.pipelines[0].schedule = QStringLiteral("30 3 * * *");
        ProjectWriter::apply(m_ws->store(), { changed }, QStringLiteral("alice"));
        QCOMPARE(count(m_ws->store(),
                       QStringLiteral("SELECT paused FROM schedules WHERE "
                                      "cron = '30 3 * * *'")),
                 1);
        changed.pipelines[0].schedule.clear();
        ProjectWriter::apply(m_ws->store(), { changed }, QStringLiteral("alice"));
        QCOMPARE(count(m_ws->store(), QStringLiteral("SELECT count(*) FROM schedules")), 0);
    }

    void failureLeavesStoreUntouched()
    {
        ProjectWriter::apply(m_ws->store(), { churnProject() }, QStringLiteral("alice"));
        const int versions = count(m_ws->store(),
                                   QStringLiteral("SELECT count(*) FROM "
                                                  "job_versions"));
        ProjectSpec second = churnProject();
        second.name = QStringLiteral("second");
        ProjectSpec broken = churnProject();
        broken.name = QStringLiteral("broken");
        broken.jobs[0].command = QStringLiteral("./extract.sh --new");
        // A task over a job that does not exist violates NOT NULL halfway through the write.
        broken.pipelines[0].tasks << task(QStringLiteral("ghost"));
        try {
            ProjectWriter::apply(m_ws->store(), { second, broken }, QStringLiteral("alice"));
            QFAIL("a broken project was written");
        } catch (const Error &) { }
        QCOMPARE(count(m_ws->store(), QStringLiteral("SELECT count(*) FROM projects")), 1);
        QCOMPARE(count(m_ws->store(), QStringLiteral("SELECT count(*) FROM job_versions")),
                 versions);
    }
};

QTEST_GUILESS_MAIN(TestProjectWriter)
#include "tst_projectwriter.moc"
