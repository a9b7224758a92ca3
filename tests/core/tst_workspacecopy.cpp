// Copying a whole workspace: SQLite into a team's PostgreSQL database (the test server) and
// SQLite into SQLite; the copy is checked table by table, and a non-empty target is refused.

#include "io/jobsascode.h"
#include "logs/logmirror.h"
#include "pgserver.h"
#include "refusal.h"
#include "release/demohistory.h"
#include "store/sql.h"
#include "store/sqldialect.h"
#include "store/workspace.h"
#include "store/workspacecopy.h"
#include "store/workspaceinit.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Baton;

namespace {

// Runs with tasks, a retried attempt, a metric, a review and a rerun, on top of the demo's
// projects, versions, files, environments, deployments, requests, roles and audit trail.
void addHistory(const Store &store)
{
    const qint64 day = 86400000LL * 20000;
    const QStringList script = {
        QStringLiteral("INSERT INTO runs (id, project_id, pipeline_id, pipeline_version_id, "
                       "environment_id, state, trigger, fire_time, created_at, started_at, "
                       "finished_at, parameters) SELECT 900, p.project_id, p.id, v.id, NULL, "
                       "'failed', 'schedule', %1, %1, %2, %3, '{\"region\":\"eu é\"}' FROM "
                       "pipelines p JOIN pipeline_versions v ON v.pipeline_id = p.id ORDER BY "
                       "v.id LIMIT 1")
            .arg(day)
            .arg(day + 90000)
            .arg(day + 400000),
        QStringLiteral("INSERT INTO runs (id, project_id, pipeline_id, pipeline_version_id, "
                       "state, trigger, rerun_of, created_at, started_at, finished_at) SELECT "
                       "901, project_id, pipeline_id, pipeline_version_id, 'succeeded', 'rerun', "
                       "900, %1, %1, %2 FROM runs WHERE id = 900")
            .arg(day + 500000)
            .arg(day + 600000),
        QStringLiteral("INSERT INTO task_runs (id, run_id, task_name, state, attempts, "
                       "finished_at, exit_code, job_version_id) SELECT 9000, 900, 'score', "
                       "'failed', 2, %1, 3, MIN(id) FROM job_versions UNION ALL SELECT 9001, 901, "
                       "'score', 'succeeded', 1, %2, 0, MIN(id) FROM job_versions")
            .arg(day + 400000)
            .arg(day + 600000),
        QStringLiteral("INSERT INTO task_attempts (task_run_id, number, state, started_at, "
                       "finished_at, exit_code) VALUES (9000, 1, 'failed', %1, %2, 1), "
                       "(9000, 2, 'failed', %3, %4, 3), (9001, 1, 'succeeded', %5, %6, 0)")
            .arg(day + 90000)
            .arg(day + 100000)
            .arg(day + 300000)
            .arg(day + 400000)
            .arg(day + 500000)
            .arg(day + 600000),
        QStringLiteral("INSERT INTO metrics (run_id, task_run_id, name, value, recorded_at) "
                       "VALUES (901, 9001, 'auc', 0.8125, %1)")
            .arg(day + 600000),
        QStringLiteral("INSERT INTO run_reviews (run_id, kind, author, text, created_at) VALUES "
                       "(901, 'approved', 'maria', 'fine', %1)")
            .arg(day + 700000),
        QStringLiteral("INSERT INTO blobs (sha256, size, content) VALUES ('00ff', 3, X'00FF0A')"),
    };
    for (const QString &statement : script)
        Sql::exec(store.db(), statement);
}

qint64 count(const Store &store, const QString &table)
{
    return Sql::scalar(store.db(), QStringLiteral("SELECT count(*) FROM %1").arg(table))
        .toLongLong();
}

} // namespace

class TestWorkspaceCopy : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    std::unique_ptr<Workspace> source()
    {
        const QString dir = m_dir.filePath(QStringLiteral("source-%1").arg(++m_n));
        const InitReport init = WorkspaceInit::init(dir, QStringLiteral("root"), false);
        auto ws = std::make_unique<Workspace>(dir, Workspace::Mode::MustExist);
        // The demo's projects and its release history (the resources are the console's).
        const ImportOutcome demo = JobsAsCode::importPath(
            ws->store(), QStringLiteral(BATON_SOURCE_DIR "/resources/demo"),
            QStringLiteral("root"));
        if (!demo.ok())
            throw Error(demo.errorLines().join(QLatin1Char('\n')));
        DemoHistory::write(ws->store(), QStringLiteral("root"));
        addHistory(ws->store());
        return ws;
    }
    int m_n = 0;

    static void checkCopy(const Store &from, const Store &to, const WorkspaceCopy::Report &r)
    {
        QVERIFY2(r.verified(), qPrintable(r.lines().join('\n')));
        // Into a team workspace the attempts' logs come along (one more entry: "attempt logs").
        QCOMPARE(r.tables.size(),
                 WorkspaceCopy::copiedTables().size() + WorkspaceCopy::rebuiltTables().size()
                     + (to.dialect() == Dialect::Postgres ? 1 : 0));
        for (const QString &table :
             { QStringLiteral("projects"), QStringLiteral("job_versions"), QStringLiteral("blobs"),
               QStringLiteral("deployments"), QStringLiteral("runs"),
               QStringLiteral("task_attempts"), QStringLiteral("metrics"),
               QStringLiteral("audit_events"), QStringLiteral("roles"), QStringLiteral("run_daily"),
               QStringLiteral("task_failure_daily") }) {
            QVERIFY2(count(from, table) > 0, qPrintable(table));
            QCOMPARE(count(to, table), count(from, table));
        }
        // Derived figures were rebuilt by the target's rules and agree.
        QCOMPARE(Sql::scalar(to.db(),
                             QStringLiteral("SELECT run_ms FROM task_runs WHERE id = "
                                            "9000"))
                     .toLongLong(),
                 110000);
        QCOMPARE(Sql::scalar(to.db(),
                             QStringLiteral("SELECT content FROM blobs WHERE sha256 = "
                                            "'00ff'"))
                     .toByteArray(),
                 QByteArray("\x00\xff\n", 3));
        // New rows get ids after the copied ones.
        const qint64 maxRun
            = Sql::scalar(to.db(), QStringLiteral("SELECT MAX(id) FROM runs")).toLongLong();
        const qint64 next = to.insert(
            QStringLiteral("INSERT INTO runs (project_id, pipeline_id, pipeline_version_id, "
                           "created_at) SELECT project_id, pipeline_id, pipeline_version_id, 0 "
                           "FROM runs WHERE id = 900 RETURNING id"));
        QVERIFY2(next > maxRun, qPrintable(QString::number(next)));
    }

private Q_SLOTS:
    void sqliteIntoPostgres()
    {
        BATON_REQUIRE_PG();
        const auto from = source();
        Test::PgDatabase pg;
        Workspace to(pg.url(), Workspace::Mode::CreateIfMissing);
        const WorkspaceCopy::Report r = WorkspaceCopy::copy(from->store(), to.store());
        checkCopy(from->store(), to.store(), r);
    }

    // The attempts' log files go into the team workspace's database (it has no files of its
    // own), checked byte for byte; a console reads them from there.
    void logFilesComeAlongIntoPostgres()
    {
        BATON_REQUIRE_PG();
        const auto from = source();
        QByteArray big;
        for (int i = 0; big.size() < 700 * 1024; ++i)
            big += "2026-11-23T20:05:01.123Z O   line " + QByteArray::number(i) + "\n";
        const QString written = m_dir.filePath(QStringLiteral("score.1.log"));
        {
            QFile f(written);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(big);
        }
        const QString none = m_dir.filePath(QStringLiteral("score.2.log")); // wrote nothing
        Sql::exec(from->store().db(),
                  QStringLiteral("UPDATE task_attempts SET log_path = CASE number WHEN 1 THEN ? "
                                 "ELSE ? END WHERE task_run_id = 9000"),
                  { written, none });
        Test::PgDatabase pg;
        Workspace to(pg.url(), Workspace::Mode::CreateIfMissing);
        const WorkspaceCopy::Report r = WorkspaceCopy::copy(from->store(), to.store());
        checkCopy(from->store(), to.store(), r);
        const auto it = std::find_if(r.tables.cbegin(), r.tables.cend(), [](const auto &t) {
            return t.name == QLatin1String("attempt logs");
        });
        QVERIFY(it != r.tables.cend());
        const WorkspaceCopy::Table logs = *it;
        QCOMPARE(logs.rows, 2);
        QVERIFY(logs.same);
        QCOMPARE(count(to.store(), QStringLiteral("attempt_log_chunks")), 3); // 256 KiB each
        QCOMPARE(
            Sql::scalar(to.store().db(),
                        QStringLiteral("SELECT sum(bytes) FROM attempt_logs WHERE complete = 1"))
                .toLongLong(),
            big.size());
        QVERIFY(QFile::remove(written)); // the console reads the database, not the file
        LogMirror mirror(to.store(), written);
        QVERIFY(mirror.fetchAll());
        QFile cache(mirror.cachePath());
        QVERIFY(cache.open(QIODevice::ReadOnly));
        QCOMPARE(cache.readAll(), big);
        LogMirror empty(to.store(), none);
        QVERIFY(empty.fetchAll());
        QCOMPARE(empty.cachedBytes(), 0);
    }

    void sqliteIntoSqlite()
    {
        const auto from = source();
        Workspace to(m_dir.filePath(QStringLiteral("target")), Workspace::Mode::CreateIfMissing);
        const WorkspaceCopy::Report r = WorkspaceCopy::copy(from->store(), to.store());
        checkCopy(from->store(), to.store(), r);
    }

    void nonEmptyTargetRefused()
    {
        const auto from = source();
        const auto to = source(); // a workspace with projects and runs of its own
        const qint64 runs = count(to->store(), QStringLiteral("runs"));
        const QString message
            = Test::refusal([&] { WorkspaceCopy::copy(from->store(), to->store()); });
        QVERIFY2(message.contains(QLatin1String("is not empty (")), qPrintable(message));
        QVERIFY2(message.contains(QLatin1String(" projects")), qPrintable(message));
        QVERIFY2(message.contains(QLatin1String("nothing was copied")), qPrintable(message));
        QCOMPARE(count(to->store(), QStringLiteral("runs")), runs);
    }
};

QTEST_GUILESS_MAIN(TestWorkspaceCopy)
#include "tst_workspacecopy.moc"
