#include "access/secrets.h"
#include "refusal.h"
#include "scheduling/scheduleservice.h"
#include "store/catalog.h"
#include "store/projectedits.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "testspecs.h"
#include "util/error.h"
#include "workspacefixture.h"

#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace Baton;
using namespace Baton::Test;

// Edits made in the console (new job, new pipeline, schedule, variables) go through the
// import's rules and writer: new versions only for what changed, audited, refusals name the
// field and change nothing.
class TestProjectEdits : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_tmp;
    Test::WorkspaceFixture m_fixture; // before m_ws: its databases outlive the workspace
    std::unique_ptr<Workspace> m_ws;
    int m_n = 0;

    QSqlDatabase db() const { return m_ws->store().db(); }
    int count(const QString &sql) const { return Sql::scalar(db(), sql).toInt(); }
    int versions() const
    {
        return count(QStringLiteral("SELECT count(*) FROM job_versions"))
            + count(QStringLiteral("SELECT count(*) FROM pipeline_versions"));
    }
    int audits() const { return count(QStringLiteral("SELECT count(*) FROM audit_events")); }

private Q_SLOTS:
    void init()
    {
        m_ws = m_fixture.another(m_tmp.filePath(QString::number(++m_n)));
        ProjectSpec p = churnProject();
        p.sourceFile = QStringLiteral("/src/churn/project.yaml");
        ProjectWriter::apply(m_ws->store(), { p }, QStringLiteral("t"));
    }
    void cleanup() { m_ws.reset(); }

    void addJobCreatesItsFirstVersion()
    {
        const int before = versions();
        JobSpec j = job(QStringLiteral("publish"), QStringLiteral("./publish.sh --all"),
                        QStringLiteral("bash"));
        j.description = QStringLiteral("Push scores to the CRM");
        const ImportSummary s = ProjectEdits::addJob(m_ws->store(), QStringLiteral("churn"), j,
                                                     QStringLiteral("ann"));
        QCOMPARE(s.createdVersions(), 1); // the job's v1 and nothing else
        QCOMPARE(versions(), before + 1);
        const QList<JobInfo> jobs = Catalog::jobs(db(), QStringLiteral("churn"));
        const auto it = std::find_if(jobs.cbegin(), jobs.cend(),
                                     [](const JobInfo &i) { return i.name == "publish"; });
        QVERIFY(it != jobs.cend());
        QCOMPARE(it->command, QStringLiteral("./publish.sh --all"));
        QCOMPARE(it->author, QStringLiteral("ann"));
        QVERIFY(count(QStringLiteral("SELECT count(*) FROM audit_events WHERE actor = 'ann' AND "
                                     "object_name LIKE '%publish%'"))
                > 0);
        // Still "from" where it was imported, not from the temporary copy.
        QCOMPARE(Catalog::projects(db()).first().sourcePath,
                 QStringLiteral("/src/churn/project.yaml"));
    }

    void badJobsAreRefusedNamingTheField_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("command");
        QTest::addColumn<QString>("error");
        QTest::newRow("empty command") << "publish"
                                       << ""
                                       << "command: must not be empty";
        QTest::newRow("bad name") << "pub lish!"
                                  << "echo"
                                  << "invalid job name 'pub lish!'";
        QTest::newRow("taken") << "train"
                               << "echo"
                               << "name: churn/train already exists";
    }
    void badJobsAreRefusedNamingTheField()
    {
        QFETCH(QString, name);
        QFETCH(QString, command);
        QFETCH(QString, error);
        const int v = versions(), a = audits();
        const QString message = refusal([&] {
            ProjectEdits::addJob(m_ws->store(), QStringLiteral("churn"), job(name, command),
                                 QStringLiteral("ann"));
        });
        QVERIFY2(message.contains(error), qPrintable(message));
        QCOMPARE(versions(), v);
        QCOMPARE(audits(), a);
    }

    // Job files share the project's directory: another job's file name with other content
    // is refused, said as the edit's problem.
    void aJobFileCannotShadowAnothers()
    {
        JobSpec j = job(QStringLiteral("publish"), QStringLiteral("./extract.sh"));
        j.files << JobFile { QStringLiteral("extract.sh"), "#!/bin/sh\necho other\n", true };
        const int v = versions();
        const QString message = refusal([&] {
            ProjectEdits::addJob(m_ws->store(), QStringLiteral("churn"), j, QStringLiteral("ann"));
        });
        QVERIFY2(message.startsWith(QStringLiteral("files: jobs ")), qPrintable(message));
        QVERIFY(message.contains(QStringLiteral("extract.sh")));
        QCOMPARE(versions(), v);
    }

    void addPipelineOverTheProjectsJobs()
    {
        PipelineSpec p;
        p.name = QStringLiteral("adhoc");
        p.description = QStringLiteral("Score on demand");
        p.tasks << task(QStringLiteral("extract"));
        p.tasks << task(QStringLiteral("score"), { QStringLiteral("extract") });
        const ImportSummary s = ProjectEdits::addPipeline(m_ws->store(), QStringLiteral("churn"), p,
                                                          QStringLiteral("ann"));
        QCOMPARE(s.createdVersions(), 1);
        const QList<PipelineInfo> all = Catalog::pipelines(db(), QStringLiteral("churn"));
        const auto it = std::find_if(all.cbegin(), all.cend(),
                                     [](const PipelineInfo &i) { return i.name == "adhoc"; });
        QVERIFY(it != all.cend());
        QCOMPARE(it->tasks.size(), 2);
        QCOMPARE(it->edges.size(), 1);
    }

    void badPipelinesAreRefused_data()
    {
        QTest::addColumn<QString>("job");
        QTest::addColumn<bool>("noTasks");
        QTest::addColumn<QString>("error");
        QTest::newRow("no tasks") << "" << true << "has no tasks";
        QTest::newRow("unknown job") << "nope" << false << "nope";
    }
    void badPipelinesAreRefused()
    {
        QFETCH(QString, job);
        QFETCH(bool, noTasks);
        QFETCH(QString, error);
        PipelineSpec p;
        p.name = QStringLiteral("adhoc");
        if (!noTasks)
            p.tasks << task(job);
        const int v = versions();
        const QString message = refusal([&] {
            ProjectEdits::addPipeline(m_ws->store(), QStringLiteral("churn"), p,
                                      QStringLiteral("ann"));
        });
        QVERIFY2(message.contains(error), qPrintable(message));
        QCOMPARE(versions(), v);
    }

    // A schedule is no part of a version: editing it makes none, keeps paused, is audited.
    void scheduleEditKeepsVersionsAndPause()
    {
        ScheduleService::setPaused(m_ws->store(), QStringLiteral("churn"),
                                   QStringLiteral("nightly"), true, QStringLiteral("ann"));
        const int v = versions();
        const ImportSummary s = ProjectEdits::setSchedule(
            m_ws->store(), QStringLiteral("churn"), QStringLiteral("nightly"),
            QStringLiteral("30 4 * * 1-5"), QStringLiteral("Asia/Tokyo"), QStringLiteral("skip"),
            QStringLiteral("ann"));
        QCOMPARE(s.createdVersions(), 0);
        QCOMPARE(versions(), v);
        const QList<ScheduleInfo> list = ScheduleService::list(db());
        QCOMPARE(list.size(), 1);
        QCOMPARE(list.first().cron, QStringLiteral("30 4 * * 1-5"));
        QCOMPARE(list.first().effectiveZone, QStringLiteral("Asia/Tokyo"));
        QCOMPARE(list.first().misfire, QStringLiteral("skip"));
        QVERIFY(list.first().paused);
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM audit_events WHERE action = "
                                      "'schedule.update' AND actor = 'ann'")),
                 1);
        // Removing it.
        ProjectEdits::setSchedule(m_ws->store(), QStringLiteral("churn"), QStringLiteral("nightly"),
                                  QString(), QString(), QString(), QStringLiteral("ann"));
        QVERIFY(ScheduleService::list(db()).isEmpty());
    }

    void badSchedulesAreRefusedNamingTheField_data()
    {
        QTest::addColumn<QString>("cron");
        QTest::addColumn<QString>("zone");
        QTest::addColumn<QString>("misfire");
        QTest::addColumn<QString>("error");
        QTest::newRow("hour 25") << "0 25 * * *"
                                 << ""
                                 << ""
                                 << "schedule: hour field";
        QTest::newRow("minute 61") << "61 * * * *"
                                   << ""
                                   << ""
                                   << "schedule: minute field";
        QTest::newRow("step 0") << "*/0 * * * *"
                                << ""
                                << ""
                                << "schedule: minute field";
        QTest::newRow("four fields") << "0 2 * *"
                                     << ""
                                     << ""
                                     << "schedule:";
        QTest::newRow("zone") << "0 2 * * *"
                              << "Mars/Base"
                              << ""
                              << "timezone: unknown time zone 'Mars/Base'";
        QTest::newRow("misfire") << "0 2 * * *"
                                 << ""
                                 << "often"
                                 << "misfire: expected skip, run_once or run_all";
    }
    void badSchedulesAreRefusedNamingTheField()
    {
        QFETCH(QString, cron);
        QFETCH(QString, zone);
        QFETCH(QString, misfire);
        QFETCH(QString, error);
        const int a = audits();
        const QString message = refusal([&] {
            ProjectEdits::setSchedule(m_ws->store(), QStringLiteral("churn"),
                                      QStringLiteral("nightly"), cron, zone, misfire,
                                      QStringLiteral("ann"));
        });
        QVERIFY2(message.startsWith(error), qPrintable(message));
        QCOMPARE(audits(), a);
        QCOMPARE(ScheduleService::list(db()).first().cron, QStringLiteral("0 2 * * *"));
    }

    // Secrets are write-only: one given without a value keeps the stored value; a new value
    // replaces it; the audit trail never holds it.
    void secretsAreWriteOnly()
    {
        // Stored sealed; opened here as only the engine does.
        const auto secretValue = [this] {
            return Secrets::open(Sql::scalar(db(),
                                             QStringLiteral("SELECT value FROM variables WHERE "
                                                            "name = 'API_TOKEN'"))
                                     .toString(),
                                 *Secrets::loadKey(), QStringLiteral("API_TOKEN"));
        };
        QCOMPARE(secretValue(), QStringLiteral("s3cr3t-token"));
        // The spec the console reads back carries no secret value.
        const ProjectSpec read = Catalog::projectSpec(db(), QStringLiteral("churn"));
        QList<VariableSpec> vars = read.variables;
        QCOMPARE(vars.size(), 2);
        QVERIFY(vars.at(1).secret && !vars.at(1).value);
        // Kept when left empty, while another variable changes.
        vars[0].value = QStringLiteral("postgresql://dev2/churn");
        ProjectEdits::setVariables(m_ws->store(), QStringLiteral("churn"), QString(), vars,
                                   QStringLiteral("ann"));
        QCOMPARE(secretValue(), QStringLiteral("s3cr3t-token"));
        QCOMPARE(Sql::scalar(db(),
                             QStringLiteral("SELECT value FROM variables WHERE name = "
                                            "'DB_URL'"))
                     .toString(),
                 QStringLiteral("postgresql://dev2/churn"));
        // Replaced when given.
        vars[1].value = QStringLiteral("n3w-t0ken");
        ProjectEdits::setVariables(m_ws->store(), QStringLiteral("churn"), QString(), vars,
                                   QStringLiteral("ann"));
        QCOMPARE(secretValue(), QStringLiteral("n3w-t0ken"));
        QCOMPARE(count(QStringLiteral("SELECT count(*) FROM audit_events WHERE before LIKE "
                                      "'%t0ken%' OR \"after\" LIKE '%t0ken%' OR before LIKE "
                                      "'%s3cr3t%' OR \"after\" LIKE '%s3cr3t%'")),
                 0);
        // A pipeline-scope variable for one environment.
        QList<VariableSpec> pv { VariableSpec {
            QStringLiteral("BATCH"), QStringLiteral("500"), false, QStringLiteral("prod"), {} } };
        ProjectEdits::setVariables(m_ws->store(), QStringLiteral("churn"),
                                   QStringLiteral("nightly"), pv, QStringLiteral("ann"));
        QCOMPARE(
            Catalog::projectSpec(db(), QStringLiteral("churn")).pipelines.first().variables.size(),
            1);
        // An unknown environment is refused, naming it.
        pv[0].environment = QStringLiteral("qa");
        const QString message = refusal([&] {
            ProjectEdits::setVariables(m_ws->store(), QStringLiteral("churn"),
                                       QStringLiteral("nightly"), pv, QStringLiteral("ann"));
        });
        QVERIFY2(message.contains(QStringLiteral("unknown environment 'qa'")), qPrintable(message));
    }
};

QTEST_GUILESS_MAIN(TestProjectEdits)
#include "tst_projectedits.moc"
