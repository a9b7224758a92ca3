#pragma once
// What the integration tests share: the real `baton` binary run as a user or a script would,
// the supervisor beside it for an engine in the test's process, small project builders, and
// reading back files and JSON, and each test's workspace on the backend the run asks for.
// Header-only, like tests/core's shared helpers.

#include "core/pgserver.h"
#include "core/workspacefixture.h"
#include "engine/engine.h"
#include "engine/runservice.h"
#include "model/projectspec.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>
#include <QTest>
#include <memory>
#include <vector>

namespace Baton::IntegrationTest {

/// How a process ended: exit code (-1: crashed or timed out), stdout, stderr.
struct Result
{
    int exitCode = -1;
    QString out;
    QString err;
};

/// Runs @p program with @p args in @p env, its stdin closed (no prompt may wait for it), for
/// 60 s at the most.
inline Result runProgram(const QString &program, const QStringList &args,
                         const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, args);
    p.closeWriteChannel();
    if (!p.waitForFinished(60000)) {
        p.kill();
        return {};
    }
    return { p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
             QString::fromUtf8(p.readAllStandardOutput()),
             QString::fromUtf8(p.readAllStandardError()) };
}

/// Runs the real `baton` binary.
inline Result runBaton(const QStringList &args,
                       const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    return runProgram(QStringLiteral(BATON_BINARY), args, env);
}

/// This process's environment, acting as @p user (BATON_USER).
inline QProcessEnvironment asUser(const QString &user)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("BATON_USER"), user);
    return env;
}

/// `--workspace DIR` before @p args.
inline QStringList inWorkspace(const QString &dir, const QStringList &args)
{
    return QStringList { QStringLiteral("--workspace"), dir } + args;
}

/// Where each test's workspace lives. By default the directory the test names; with
/// BATON_TEST_BACKEND=postgresql (ctest's `integration-pg/*` runs) a new database on the test
/// PostgreSQL server instead, whose address is what `baton --workspace` and Workspace are given.
/// The databases live as long as this object: declare it before the workspaces it names, so
/// that they close first.
class TestWorkspaces
{
public:
    static bool onPostgres() { return Test::WorkspaceFixture::onPostgres(); }

    /// @p dir, or the address of a new, empty database.
    QString address(const QString &dir) { return m_fixture.address(dir); }
    /// Opens (creating) the workspace at address(@p dir).
    std::unique_ptr<Workspace> open(const QString &dir) { return m_fixture.another(dir); }
    /// Whether a workspace was created at @p address (made by address()): its baton.db, or
    /// Baton's schema in its database.
    bool holdsWorkspace(const QString &address) const
    {
        if (const Test::PgDatabase *pg = database(address))
            return pg->holdsBatonSchema();
        return QFileInfo::exists(address + QStringLiteral("/baton.db"));
    }
    /// The database behind @p address; null for a directory.
    const Test::PgDatabase *database(const QString &address) const
    {
        return m_fixture.database(address);
    }
    /// Where this machine keeps the files of the workspace at @p address (logs/, runs/): the
    /// directory itself, or ~/.local/share/baton/team/<workspace id> for a team workspace.
    static QString filesOf(const QString &address)
    {
        return Workspace(address, Workspace::Mode::MustExist).directory();
    }
    /// Drops the databases made so far (call from cleanup(), after their workspaces closed).
    void dropAll() { m_fixture.dropMore(); }

private:
    Test::WorkspaceFixture m_fixture;
};

/// In a test function that checks something only the SQLite backend has (its file, WAL,
/// pragmas): skipped on a PostgreSQL run, saying why.
#define BATON_SQLITE_ONLY(why)                                                                     \
    do {                                                                                           \
        if (Baton::IntegrationTest::TestWorkspaces::onPostgres())                                  \
            QSKIP("SQLite only: " why);                                                            \
    } while (false)

/// The supervisor built beside `baton`.
inline QString supervisorPath()
{
    return QFileInfo(QStringLiteral(BATON_BINARY)).absolutePath()
        + QStringLiteral("/baton-supervisor");
}

/// An engine for tests: the supervisor beside `baton`, a 50 ms poll, 1 s from TERM to KILL.
inline EngineOptions engineOptions(int maxParallel = 4)
{
    EngineOptions o;
    o.supervisorPath = supervisorPath();
    o.pollIntervalMs = 50;
    o.graceSeconds = 1;
    o.maxParallel = maxParallel;
    return o;
}

inline JobSpec job(const QString &name, const QString &command)
{
    JobSpec j;
    j.name = name;
    j.command = command;
    return j;
}

/// A task running the job of the same name, after @p after on @p when.
inline TaskSpec task(const QString &name, const QStringList &after = {},
                     EdgeCondition when = EdgeCondition::Success)
{
    TaskSpec t;
    t.name = name;
    t.job = name;
    for (const QString &a : after)
        t.after << DependencySpec { a, when, {} };
    return t;
}

/// Project "proj" (default environments) with pipeline "pipe" of @p tasks over @p jobs.
inline ProjectSpec pipeProject(const QList<JobSpec> &jobs, const QList<TaskSpec> &tasks,
                               const QList<VariableSpec> &variables = {}, int maxParallel = 0)
{
    ProjectSpec p;
    p.name = QStringLiteral("proj");
    p.environments = defaultEnvironments();
    p.jobs = jobs;
    p.variables = variables;
    PipelineSpec pl;
    pl.name = QStringLiteral("pipe");
    pl.tasks = tasks;
    pl.maxParallel = maxParallel;
    p.pipelines << pl;
    return p;
}

inline const TaskRunSummary *findTask(const RunSummary &r, const QString &name)
{
    for (const TaskRunSummary &t : r.tasks) {
        if (t.name == name)
            return &t;
    }
    return nullptr;
}

/// The file's text; empty when it cannot be read.
inline QString readAll(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll());
}

/// Writes @p content to @p path (replacing it); false when it cannot.
inline bool writeFile(const QString &path, const QByteArray &content)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(content) == content.size();
}

inline QJsonArray jsonArray(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).array();
}

} // namespace Baton::IntegrationTest
