// console_bench: does the console's GUI thread stay responsive under load, and how soon does it
// show what the engine commits?
//
// A real workspace gets a long history of finished runs; the real console (MainWindow with its
// Monitor, Review and Pipelines modes) opens on it, visible; a writer thread plays the engine
// (it holds the engine lease and renews it), committing task state changes at a fixed rate
// (2,000 a minute by default), one store transaction each, creating runs as it goes. A probe
// timer on the GUI thread measures how late each of its ticks is (the event-loop stall), the
// RunMonitor reports the wall time of each polling cycle, and every commit's time is compared
// with the moment the console's runs model shows that state (change → visible). On SQLite the
// same load runs against a small history first, as the peer the big one is compared with.
//
// On PostgreSQL (a server the bench starts itself) the history lives in a team workspace and
// --consoles consoles watch it: the measured one in this process, the others separate
// `baton-console` processes (offscreen, each with its own connections and its embedded engine
// standing by, since the writer holds the lease). The server's CPU time is read from
// /proc/<pid>/stat of the postmaster's children (sampled 5 times a second by a thread of its
// own, so that a connection ending within the window counts), each classed by pg_stat_activity
// (the consoles' backends by their application_name, the writer's by its pg_backend_pid()).
//
//   console_bench [--backend sqlite|postgresql|both] [--consoles N] [--runs N] [--peer-runs N]
//                 [--seconds S] [--rate CHANGES_PER_MINUTE]
#include "bench/benchpgserver.h"
#include "core/testspecs.h"
#include "engine/enginelease.h"
#include "engine/runservice.h"
#include "mainwindow/mainwindow.h"
#include "monitoring/monitormode.h"
#include "monitoring/runstablemodel.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/sqldialect.h"
#include "store/workspace.h"
#include "util/logging.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSettings>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <thread>
#include <time.h>
#include <unistd.h>

using namespace Baton;

namespace {

constexpr int kProbeIntervalMs = 5;
constexpr qint64 kTargetStallMs = 50;
constexpr double kTargetVisibleMs = 1000;
constexpr int kActiveRuns = 20; // runs moving at once, as a busy workspace has

/// What the PostgreSQL server spent over the measured window, in CPU seconds.
struct ServerCpu
{
    double consoles = 0; // the backends of every console's connections
    double writer = 0; // the writer's backend (the engine's stand-in)
    double rest = 0; // the server's own processes (WAL writer, checkpointer, autovacuum, …)
    double consoleProcesses = 0; // the other consoles' own processes (client side)
    int consoleBackends = 0;
};

struct Figures
{
    QString label;
    int history = 0;
    int consoles = 1;
    qint64 changes = 0;
    double seconds = 0;
    QList<double> stallsMs;
    QList<QPair<double, double>> worst; // (stall ms, at s since the load started)
    QList<double> busyMs; // GUI-thread CPU time within each probe gap
    QList<double> cyclesMs;
    QList<double> visibleMs; // each change: committed by the writer → shown by the console
    qint64 unseen = 0; // changes the console never showed
    double loadMs = 0; // console opened → first batch of runs on screen
    std::optional<ServerCpu> server;
};

// CPU time of the calling thread: a gap the GUI thread spent working, not waiting for a core.
double threadCpuMs()
{
    timespec t {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

qint64 steadyNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

double percentile(QList<double> values, double p)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const qsizetype i = std::min<qsizetype>(values.size() - 1, qsizetype(p * values.size()));
    return values.at(i);
}

double maximum(const QList<double> &values)
{
    return values.isEmpty() ? 0 : *std::max_element(values.begin(), values.end());
}

/// utime + stime of a process from /proc/<pid>/stat, in seconds; -1 when it is gone.
double processCpuSeconds(qint64 pid)
{
    QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!file.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray stat = file.readAll();
    // Fields after the command name (which may hold spaces), from field 3 (state) on.
    const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
    if (fields.size() < 13)
        return -1;
    return double(fields.at(11).toLongLong() + fields.at(12).toLongLong())
        / double(sysconf(_SC_CLK_TCK));
}

/// The processes whose parent is @p parent (the postmaster's backends and workers).
QList<qint64> childrenOf(qint64 parent)
{
    QList<qint64> pids;
    const QStringList entries = QDir(QStringLiteral("/proc")).entryList(QDir::Dirs);
    for (const QString &entry : entries) {
        bool number = false;
        const qint64 pid = entry.toLongLong(&number);
        if (!number)
            continue;
        QFile file(QStringLiteral("/proc/%1/stat").arg(pid));
        if (!file.open(QIODevice::ReadOnly))
            continue;
        const QByteArray stat = file.readAll();
        const QList<QByteArray> fields = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 1 && fields.at(1).toLongLong() == parent)
            pids << pid;
    }
    return pids;
}

/// Which changes the writer committed and when, and which of them the console shows: a run's
/// progress counts its tasks' transitions (2 per finished task, 1 for the running one).
class Visibility
{
public:
    static int progress(const RunRow &row)
    {
        const QMap<QString, int> &s = row.tasks.byState;
        return 2 * (s.value(QStringLiteral("succeeded")) + s.value(QStringLiteral("failed")))
            + s.value(QStringLiteral("running"));
    }

    /// Writer thread: run @p run reached @p progress, committed just now.
    void committed(qint64 run, int progress)
    {
        const std::lock_guard lock(m_mutex);
        m_pending.append({ run, progress, steadyNs() });
    }

    /// GUI thread, after the console applied a batch: the commits its model shows now.
    void check(const Ui::RunsTableModel &model)
    {
        const qint64 now = steadyNs();
        const std::lock_guard lock(m_mutex);
        for (qsizetype i = 0; i < m_pending.size();) {
            const Pending &p = m_pending.at(i);
            const int row = model.rowOf(p.run);
            if (row >= 0 && progress(model.runAt(row)) >= p.progress) {
                m_visibleMs << (now - p.at) / 1e6;
                m_pending.removeAt(i);
            } else {
                ++i;
            }
        }
    }

    bool settled()
    {
        const std::lock_guard lock(m_mutex);
        return m_pending.isEmpty();
    }
    QList<double> visibleMs()
    {
        const std::lock_guard lock(m_mutex);
        return m_visibleMs;
    }
    qint64 unseen()
    {
        const std::lock_guard lock(m_mutex);
        return m_pending.size();
    }

private:
    struct Pending
    {
        qint64 run;
        int progress;
        qint64 at;
    };
    std::mutex m_mutex;
    QList<Pending> m_pending;
    QList<double> m_visibleMs;
};

/// N finished runs of churn/nightly with their task rows, in two set-based statements.
void generateHistory(Workspace &ws, int runs)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    ws.store().transaction([&](QSqlDatabase &tx) {
        QSqlQuery ids
            = Sql::exec(tx,
                        QStringLiteral("SELECT p.id, l.id, v.id, e.id FROM projects p JOIN "
                                       "pipelines l ON l.project_id = p.id JOIN "
                                       "pipeline_versions v ON v.pipeline_id = l.id JOIN "
                                       "environments e ON e.project_id = p.id WHERE p.name = "
                                       "'churn' AND l.name = 'nightly' AND e.name = 'prod'"));
        ids.next();
        const QVariantList binds { ids.value(0), ids.value(1), ids.value(2), ids.value(3) };
        const qint64 versionId = ids.value(2).toLongLong();
        ids.finish();
        // A run every ~30 s going back in time; one in ten failed, a few reviewed.
        Sql::exec(
            tx,
            QStringLiteral(
                "WITH RECURSIVE n(i) AS (SELECT CAST(1 AS BIGINT) UNION ALL SELECT i + 1 FROM n "
                "WHERE i < ?) INSERT INTO runs (project_id, pipeline_id, pipeline_version_id, "
                "environment_id, state, trigger, requested_by, created_at, started_at, "
                "finished_at, review_state) SELECT ?, ?, ?, ?, CASE WHEN i % 10 = 0 THEN "
                "'failed' ELSE 'succeeded' END, 'schedule', 'bench', CAST(? AS BIGINT) - i * "
                "30000, CAST(? AS BIGINT) - i * 30000 + 100, CAST(? AS BIGINT) - i * 30000 + "
                "20000, CASE WHEN i % 7 = 0 THEN 'approved' ELSE 'pending' END FROM n"),
            { runs, binds[0], binds[1], binds[2], binds[3], now, now, now });
        Sql::exec(tx,
                  QStringLiteral("INSERT INTO task_runs (run_id, pipeline_task_id, task_name, "
                                 "job_version_id, state, attempts, queued_at, started_at, "
                                 "finished_at) SELECT r.id, t.id, t.name, t.job_version_id, CASE "
                                 "WHEN r.state = 'failed' AND t.position = 1 THEN 'failed' WHEN "
                                 "r.state = 'failed' AND t.position > 1 THEN 'upstream_failed' "
                                 "ELSE 'succeeded' END, 1, r.created_at, r.started_at, "
                                 "r.finished_at FROM runs r CROSS JOIN pipeline_tasks t WHERE "
                                 "t.pipeline_version_id = ?"),
                  { versionId });
    });
}

/// Plays the engine: it holds the engine lease (renewed as an engine's heartbeat does, so that
/// the consoles' own engines stand by) and, once told to go, commits task transitions at a fixed
/// rate, one transaction each.
class Writer
{
public:
    Writer(const Store &store, int perMinute, Visibility &visibility)
        : m_store(store)
        , m_period(std::chrono::microseconds(60'000'000 / std::max(1, perMinute)))
        , m_visibility(visibility)
        , m_holder(EngineLease::newHolderId())
    { }

    void run(const std::atomic<bool> &go, const std::atomic<bool> &stop)
    {
        if (m_store.dialect() == Dialect::Postgres)
            m_backendPid
                = Sql::scalar(m_store.db(), QStringLiteral("SELECT pg_backend_pid()")).toLongLong();
        bool leased = false;
        m_store.transaction(
            [&](QSqlDatabase &db) { leased = EngineLease::acquire(db, m_holder, kLeaseTtlMs); });
        if (!leased)
            std::fprintf(stderr, "  the writer could not take the engine lease\n");
        m_ready = true;
        std::mt19937 random(42);
        auto renewed = std::chrono::steady_clock::now();
        auto next = renewed;
        bool going = false;
        while (!stop.load()) {
            if (!going && go.load()) {
                going = true;
                next = std::chrono::steady_clock::now();
            }
            if (going) {
                next += m_period;
                std::this_thread::sleep_until(next);
                step(random);
                ++m_changes;
            } else {
                std::this_thread::sleep_for(std::chrono::milliseconds(20));
            }
            if (std::chrono::steady_clock::now() - renewed > std::chrono::seconds(3)) {
                renewed = std::chrono::steady_clock::now();
                m_store.transaction(
                    [&](QSqlDatabase &db) { EngineLease::renew(db, m_holder, kLeaseTtlMs); });
            }
        }
        m_store.transaction([&](QSqlDatabase &db) { EngineLease::release(db, m_holder); });
        // The thread's connection closes as the thread ends, after its cached statements.
    }

    qint64 changes() const { return m_changes.load(); }
    /// True once the lease is taken (and, on PostgreSQL, backendPid() known).
    bool ready() const { return m_ready.load(); }
    qint64 backendPid() const { return m_backendPid.load(); }

private:
    struct Active
    {
        qint64 run = 0;
        QList<qint64> tasks; // task_runs ids in order
        int current = 0; // the task moving now
        bool running = false; // it is running (else queued)
        bool failed = false;
    };

    void step(std::mt19937 &random)
    {
        while (m_active.size() < kActiveRuns)
            m_active << create();
        Active &a = m_active[int(random() % m_active.size())];
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const qint64 task = a.tasks.at(a.current);
        bool finished = false;
        int progress = 0;
        m_store.transaction([&](QSqlDatabase &) {
            if (!a.running) {
                m_store.exec(QStringLiteral("UPDATE task_runs SET state = 'running', attempts = 1, "
                                            "started_at = ? WHERE id = ?"),
                             { now, task });
                if (a.current == 0)
                    m_store.exec(QStringLiteral("UPDATE runs SET state = 'running', started_at = "
                                                "? WHERE id = ?"),
                                 { now, a.run });
                a.running = true;
                progress = 2 * a.current + 1;
                return;
            }
            const bool fails = random() % 25 == 0;
            m_store.exec(
                QStringLiteral("UPDATE task_runs SET state = ?, finished_at = ? WHERE "
                               "id = ?"),
                { fails ? QStringLiteral("failed") : QStringLiteral("succeeded"), now, task });
            a.failed |= fails;
            a.running = false;
            ++a.current;
            progress = 2 * a.current;
            if (fails || a.current == a.tasks.size()) {
                if (fails && a.current < a.tasks.size())
                    m_store.exec(QStringLiteral("UPDATE task_runs SET state = 'upstream_failed', "
                                                "finished_at = ? WHERE run_id = ? AND state = "
                                                "'queued'"),
                                 { now, a.run });
                m_store.exec(QStringLiteral("UPDATE runs SET state = ?, finished_at = ? WHERE id "
                                            "= ?"),
                             { a.failed ? QStringLiteral("failed") : QStringLiteral("succeeded"),
                               now, a.run });
                finished = true;
            }
        });
        m_visibility.committed(a.run, progress); // committed: the console may show it from now
        if (finished)
            m_active.removeOne(a);
    }

    Active create()
    {
        RunRequest r;
        r.project = QStringLiteral("churn");
        r.pipeline = QStringLiteral("nightly");
        r.environment = QStringLiteral("prod");
        r.actor = QStringLiteral("bench");
        Active a;
        a.run = RunService::createRun(m_store, r);
        QSqlQuery q = Sql::exec(m_store.db(),
                                QStringLiteral("SELECT id FROM task_runs WHERE run_id = ? ORDER "
                                               "BY id"),
                                { a.run });
        while (q.next())
            a.tasks << q.value(0).toLongLong();
        return a;
    }

    friend bool operator==(const Active &x, const Active &y) { return x.run == y.run; }

    static constexpr qint64 kLeaseTtlMs = 15000; // as the engine's

    const Store &m_store;
    std::chrono::microseconds m_period;
    Visibility &m_visibility;
    QString m_holder;
    QList<Active> m_active;
    std::atomic<qint64> m_changes { 0 };
    std::atomic<bool> m_ready { false };
    std::atomic<qint64> m_backendPid { 0 };
};

/// Where the measured console looks: an SQLite directory, or a team workspace with other
/// consoles watching it too.
struct Target
{
    QString label;
    int history = 0;
    const Bench::PgServer *server = nullptr; // PostgreSQL when set
    int consoles = 1; // the measured one included
    bool statements = false; // print the costliest statements (pg_stat_statements loaded)
};

/// A connection of the bench's own to @p database (application_name bench-admin), named after
/// @p tag (a connection belongs to one thread).
QSqlDatabase adminConnection(const Bench::PgServer &server,
                             const QString &database = QStringLiteral("postgres"),
                             const QString &tag = {})
{
    const QString name = QStringLiteral("console-bench-admin-") + (tag.isEmpty() ? database : tag);
    QSqlDatabase db = QSqlDatabase::contains(name)
        ? QSqlDatabase::database(name)
        : QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
    if (!db.isOpen()) {
        db.setHostName(QStringLiteral("127.0.0.1"));
        db.setPort(server.port());
        db.setUserName(QStringLiteral("postgres"));
        db.setDatabaseName(database);
        db.setConnectOptions(QStringLiteral("application_name=bench-admin"));
        if (!db.open()) {
            std::fprintf(stderr, "cannot connect to the bench's server: %s\n",
                         qPrintable(db.lastError().text()));
            std::exit(1);
        }
    }
    return db;
}

/// pid → application_name of every client backend (others: their backend_type in brackets).
QHash<qint64, QString> backends(const QSqlDatabase &admin)
{
    QHash<qint64, QString> names;
    QSqlQuery q(admin);
    q.exec(QStringLiteral("SELECT pid, application_name, backend_type FROM pg_stat_activity"));
    while (q.next())
        names.insert(q.value(0).toLongLong(),
                     q.value(2).toString() == QLatin1String("client backend")
                         ? q.value(1).toString()
                         : QStringLiteral("[%1]").arg(q.value(2).toString()));
    return names;
}

/// The CPU time of the server's processes between start() and finish(), by who they serve. A
/// thread of its own (its own connection, off the measured GUI thread) samples every child of
/// the postmaster five times a second, so a backend that ends within the window (a console's
/// short-lived connection) counts up to its last sample.
class ServerCpuWatch
{
public:
    explicit ServerCpuWatch(const Bench::PgServer &server)
        : m_server(server)
    { }
    ~ServerCpuWatch()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
    }

    void start()
    {
        m_atStart = sample();
        m_last = m_atStart;
        m_thread = std::thread([this] { run(); });
    }

    ServerCpu finish(qint64 writerPid)
    {
        m_stop = true;
        m_thread.join();
        m_last.insert(sample());
        ServerCpu cpu;
        for (auto it = m_last.cbegin(); it != m_last.cend(); ++it) {
            const qint64 pid = it.key();
            // A process born within the window spent all its time in it.
            const double spent = it.value() - m_atStart.value(pid, 0.0);
            const QString name = m_names.value(pid);
            if (pid == writerPid) {
                cpu.writer += spent;
            } else if (name.startsWith(QLatin1String("console-"))
                       || name == QLatin1String("measured-console")) {
                cpu.consoles += spent;
                ++cpu.consoleBackends;
            } else {
                cpu.rest += spent;
            }
        }
        return cpu;
    }

private:
    QHash<qint64, double> sample() const
    {
        QHash<qint64, double> cpu;
        for (const qint64 pid : childrenOf(m_server.pid())) {
            const double seconds = processCpuSeconds(pid);
            if (seconds >= 0)
                cpu.insert(pid, seconds);
        }
        return cpu;
    }

    void run()
    {
        const QString database = QStringLiteral("cpu-watch");
        {
            QSqlDatabase admin = adminConnection(m_server, QStringLiteral("postgres"), database);
            while (!m_stop.load()) {
                m_names.insert(backends(admin));
                m_last.insert(sample());
                std::this_thread::sleep_for(std::chrono::milliseconds(200));
            }
            m_names.insert(backends(admin));
            admin.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("console-bench-admin-") + database);
    }

    const Bench::PgServer &m_server;
    std::thread m_thread;
    std::atomic<bool> m_stop { false };
    QHash<qint64, QString> m_names; // written by the thread, read after it ended
    QHash<qint64, double> m_atStart;
    QHash<qint64, double> m_last; // each process's CPU at its last sample
};

/// The other consoles: `baton-console` processes on the team workspace, offscreen, each with a
/// home of its own (settings, the team directory) under @p home.
class OtherConsoles
{
public:
    OtherConsoles(const QString &address, int count, const QString &home)
    {
        for (int i = 1; i <= count; ++i) {
            const QString name = QStringLiteral("console-%1").arg(i, 2, 10, QLatin1Char('0'));
            const QString dir = home + QLatin1Char('/') + name;
            QDir().mkpath(dir + QStringLiteral("/runtime"));
            QFile::setPermissions(dir + QStringLiteral("/runtime"),
                                  QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
            env.insert(QStringLiteral("HOME"), dir);
            env.insert(QStringLiteral("XDG_CONFIG_HOME"), dir + QStringLiteral("/config"));
            env.insert(QStringLiteral("XDG_DATA_HOME"), dir + QStringLiteral("/data"));
            env.insert(QStringLiteral("XDG_CACHE_HOME"), dir + QStringLiteral("/cache"));
            env.insert(QStringLiteral("XDG_RUNTIME_DIR"), dir + QStringLiteral("/runtime"));
            auto process = std::make_unique<QProcess>();
            process->setProcessEnvironment(env);
            process->setStandardOutputFile(dir + QStringLiteral("/console.log"));
            process->setStandardErrorFile(dir + QStringLiteral("/console.log"), QIODevice::Append);
            process->start(QStringLiteral(BATON_CONSOLE_BINARY),
                           { QStringLiteral("--workspace"),
                             address + QStringLiteral("?application_name=") + name });
            m_names << name;
            m_processes.push_back(std::move(process));
        }
    }
    ~OtherConsoles() { stop(); }

    const QStringList &names() const { return m_names; }
    int running() const
    {
        return int(std::count_if(m_processes.begin(), m_processes.end(),
                                 [](const auto &p) { return p->state() == QProcess::Running; }));
    }
    double cpuSeconds() const
    {
        double total = 0;
        for (const auto &p : m_processes)
            total += std::max(0.0, processCpuSeconds(p->processId()));
        return total;
    }
    /// Ends the processes this bench started, by their pids.
    void stop()
    {
        for (const auto &p : m_processes)
            p->terminate();
        for (const auto &p : m_processes) {
            if (!p->waitForFinished(10000))
                p->kill();
        }
        m_processes.clear();
    }

private:
    QStringList m_names;
    std::vector<std::unique_ptr<QProcess>> m_processes;
};

/// Where the server's time went, by statement (all connections together).
void printStatements(const QSqlDatabase &admin)
{
    QSqlQuery q(admin);
    if (!q.exec(QStringLiteral("SELECT calls, total_exec_time, rows, regexp_replace(query, "
                               "'\\s+', ' ', 'g') FROM pg_stat_statements ORDER BY "
                               "total_exec_time DESC LIMIT 25"))) {
        std::fprintf(stderr, "pg_stat_statements: %s\n", qPrintable(q.lastError().text()));
        return;
    }
    std::printf("\nstatements by server time over the window (pg_stat_statements):\n%8s %10s "
                "%8s %8s  %s\n",
                "calls", "total ms", "mean ms", "rows", "statement");
    while (q.next())
        std::printf("%8lld %10.0f %8.2f %8lld  %s\n", q.value(0).toLongLong(),
                    q.value(1).toDouble(),
                    q.value(1).toDouble() / std::max(1LL, q.value(0).toLongLong()),
                    q.value(2).toLongLong(), qPrintable(q.value(3).toString().left(150)));
}

Figures measure(const Target &target, int seconds, int perMinute)
{
    Figures f;
    f.label = target.label;
    f.history = target.history;
    f.consoles = target.consoles;
    QTemporaryDir dir;
    QString address = dir.filePath(QStringLiteral("ws"));
    std::optional<QSqlDatabase> admin;
    if (target.server) {
        admin = adminConnection(*target.server);
        const QString database = QStringLiteral("console_bench_%1").arg(target.history);
        QSqlQuery q(*admin);
        q.exec(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(database));
        if (!q.exec(QStringLiteral("CREATE DATABASE %1").arg(database))) {
            std::fprintf(stderr, "cannot create a database: %s\n",
                         qPrintable(q.lastError().text()));
            std::exit(1);
        }
        address = target.server->url() + QLatin1Char('/') + database;
    }
    Workspace ws(target.server ? address + QStringLiteral("?application_name=measured-console")
                               : address,
                 Workspace::Mode::CreateIfMissing);
    ProjectWriter::apply(ws.store(), { Test::churnProject() }, QStringLiteral("bench"));
    QElapsedTimer clock;
    clock.start();
    generateHistory(ws, target.history);
    // PostgreSQL's autovacuum vacuums and analyzes a table within a minute of such a bulk
    // insert (statistics for the planner, the visibility map for index-only scans): as a
    // workspace that has been in use is.
    if (target.server) {
        const QString database = address.section(QLatin1Char('/'), -1);
        QSqlQuery(adminConnection(*target.server, database)).exec(QStringLiteral("VACUUM ANALYZE"));
        QSqlDatabase::database(QStringLiteral("console-bench-admin-") + database).close();
    }
    std::fprintf(stderr, "  %d runs of history written in %.1f s\n", target.history,
                 clock.elapsed() / 1000.0);

    // The writer takes the engine lease first, so that the consoles' engines stand by.
    Visibility visibility;
    Writer writer(ws.store(), perMinute, visibility);
    std::atomic<bool> go { false };
    std::atomic<bool> stop { false };
    std::thread thread([&] { writer.run(go, stop); });
    while (!writer.ready())
        std::this_thread::sleep_for(std::chrono::milliseconds(10));

    QTemporaryDir homes; // outlives the processes
    std::unique_ptr<OtherConsoles> others;
    if (target.server && target.consoles > 1) {
        others = std::make_unique<OtherConsoles>(address, target.consoles - 1, homes.path());
        clock.restart();
        // Connected: every one has connections open; settled: together they use little CPU.
        int connected = 0;
        while (clock.elapsed() < 180000) {
            QCoreApplication::processEvents(QEventLoop::AllEvents, 200);
            QSet<QString> names;
            for (const QString &name : backends(*admin))
                names.insert(name);
            connected = int(std::count_if(others->names().begin(), others->names().end(),
                                          [&](const QString &n) { return names.contains(n); }));
            if (connected == others->names().size() || others->running() < connected)
                break;
        }
        double before = others->cpuSeconds();
        while (clock.elapsed() < 240000) {
            QThread::msleep(2000);
            const double now = others->cpuSeconds();
            if (now - before < 2.0 * 0.03 * (target.consoles - 1))
                break;
            before = now;
        }
        std::fprintf(stderr, "  %d of %d other consoles connected and settled in %.1f s\n",
                     connected, target.consoles - 1, clock.elapsed() / 1000.0);
        if (others->running() != target.consoles - 1) {
            homes.setAutoRemove(false);
            std::fprintf(stderr, "  a console process ended; see its log under %s\n",
                         qPrintable(homes.path()));
            std::exit(1);
        }
    }

    Ui::MainWindow window(&ws);
    window.resize(1400, 860);
    window.show();
    clock.restart();
    QObject::connect(
        window.monitorMode(), &Ui::MonitorMode::runsApplied, &window,
        [&] { f.loadMs = clock.elapsed(); }, Qt::SingleShotConnection);
    while (f.loadMs == 0 && clock.elapsed() < 60000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 50);
    QObject::connect(window.monitorMode(), &Ui::MonitorMode::cycleCompleted, &window,
                     [&](qint64 us) { f.cyclesMs << us / 1000.0; });
    // A change is visible once the console's runs model shows it.
    QObject::connect(window.monitorMode(), &Ui::MonitorMode::runsApplied, &window,
                     [&] { visibility.check(*window.monitorMode()->runsModel()); });

    QElapsedTimer run;
    // The probe: how late each tick of a 5 ms timer fires is how long the loop was busy.
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    QElapsedTimer sinceTick;
    double lastCpu = threadCpuMs();
    QObject::connect(&probe, &QTimer::timeout, [&] {
        const double late = sinceTick.nsecsElapsed() / 1e6 - kProbeIntervalMs;
        const double cpu = threadCpuMs();
        f.stallsMs << std::max(0.0, late);
        f.busyMs << cpu - lastCpu;
        lastCpu = cpu;
        if (late > 20)
            f.worst.append({ late, run.elapsed() / 1000.0 });
        sinceTick.restart();
    });

    std::optional<ServerCpuWatch> serverCpu;
    if (target.server) {
        serverCpu.emplace(*target.server);
        serverCpu->start();
        if (target.statements) {
            QSqlQuery q(*admin);
            q.exec(QStringLiteral("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"));
            q.exec(QStringLiteral("SELECT pg_stat_statements_reset()"));
        }
    }
    const double othersBefore = others ? others->cpuSeconds() : 0;
    go = true;
    sinceTick.start();
    probe.start(kProbeIntervalMs);
    run.start();
    while (run.elapsed() < seconds * 1000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    probe.stop();
    f.changes = writer.changes();
    f.seconds = run.elapsed() / 1000.0;
    if (serverCpu) {
        f.server = serverCpu->finish(writer.backendPid());
        f.server->consoleProcesses = others ? others->cpuSeconds() - othersBefore : 0;
        if (target.statements)
            printStatements(*admin);
    }
    // The other consoles go before the writer releases the lease (their engines would take it).
    others.reset();
    stop = true;
    thread.join();
    // The last commits: the console shows them within its next cycles.
    clock.restart();
    while (!visibility.settled() && clock.elapsed() < 5000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    f.visibleMs = visibility.visibleMs();
    f.unseen = visibility.unseen();
    if (!f.cyclesMs.isEmpty())
        f.cyclesMs.removeFirst(); // the load's own cycle is counted in loadMs
    return f;
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM") && qEnvironmentVariableIsEmpty("DISPLAY"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    Logging::initStderr(spdlog::level::warn);
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("How long the console's GUI thread stalls under a steady stream of task "
                       "state changes, with a long run history, and how soon it shows them."));
    parser.addHelpOption();
    parser.addOption(Bench::backendOption());
    parser.addOption({ QStringLiteral("consoles"),
                       QStringLiteral("Consoles watching the PostgreSQL workspace, the measured "
                                      "one included (20)."),
                       QStringLiteral("N"), QStringLiteral("20") });
    parser.addOption({ QStringLiteral("statements"),
                       QStringLiteral("On PostgreSQL, print the statements that cost the server "
                                      "most over the window (pg_stat_statements).") });
    parser.addOption({ QStringLiteral("runs"), QStringLiteral("Runs of history (100000)."),
                       QStringLiteral("N"), QStringLiteral("100000") });
    parser.addOption({ QStringLiteral("peer-runs"),
                       QStringLiteral("Runs of history of the SQLite peer measured first (1000)."),
                       QStringLiteral("N"), QStringLiteral("1000") });
    parser.addOption({ QStringLiteral("seconds"), QStringLiteral("Seconds of load each (60)."),
                       QStringLiteral("S"), QStringLiteral("60") });
    parser.addOption({ QStringLiteral("rate"),
                       QStringLiteral("Task state changes per minute (2000)."), QStringLiteral("N"),
                       QStringLiteral("2000") });
    parser.process(app);
    const QString backend = Bench::backend(parser);
    if (backend.isEmpty())
        return 2;
    const int consoles = std::max(1, parser.value(QStringLiteral("consoles")).toInt());
    const int runs = parser.value(QStringLiteral("runs")).toInt();
    const int peerRuns = parser.value(QStringLiteral("peer-runs")).toInt();
    const int seconds = std::max(1, parser.value(QStringLiteral("seconds")).toInt());
    const int rate = std::max(1, parser.value(QStringLiteral("rate")).toInt());

    // The console's own settings (layout, notifications) stay out of the user's.
    QTemporaryDir settings;
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, settings.path());

    std::fprintf(stderr,
                 "console_bench: %d task state changes a minute for %d s, console "
                 "visible on '%s'\n",
                 rate, seconds, qPrintable(QGuiApplication::platformName()));
    QList<Figures> all;
    if (backend != QLatin1String("postgresql")) {
        for (const int history : { peerRuns, runs }) {
            std::fprintf(stderr, "SQLite: measuring with %d runs of history…\n", history);
            all << measure({ QStringLiteral("SQLite"), history, nullptr, 1 }, seconds, rate);
        }
    }
    if (backend != QLatin1String("sqlite")) {
        if (parser.isSet(QStringLiteral("statements")))
            qputenv("BATON_PG_OPTIONS", "-c shared_preload_libraries=pg_stat_statements");
        const Bench::PgServer server;
        if (server.url().isEmpty())
            return 1;
        std::fprintf(stderr, "PostgreSQL: measuring with %d runs of history and %d consoles…\n",
                     runs, consoles);
        all << measure({ QStringLiteral("PostgreSQL"), runs, &server, consoles,
                         parser.isSet(QStringLiteral("statements")) },
                       seconds, rate);
        QSqlDatabase::database(QStringLiteral("console-bench-admin-postgres")).close();
    }

    std::printf("\n%-26s %9s %8s %10s %10s %10s %12s %9s %10s %10s %10s\n", "history", "changes",
                "per min", "load (ms)", "stall max", "stall p99", "stalls>50ms", "busy max",
                "poll p50", "poll p95", "poll max");
    for (const Figures &f : all) {
        const auto over = std::count_if(f.stallsMs.begin(), f.stallsMs.end(),
                                        [](double s) { return s > kTargetStallMs; });
        std::printf("%-26s %9lld %8.0f %10.0f %10.1f %10.1f %12lld %9.1f %10.2f %10.2f %10.2f\n",
                    qPrintable(QStringLiteral("%1 runs, %2").arg(f.history).arg(f.label)),
                    static_cast<long long>(f.changes), f.changes * 60.0 / f.seconds, f.loadMs,
                    maximum(f.stallsMs), percentile(f.stallsMs, 0.99), static_cast<long long>(over),
                    maximum(f.busyMs), percentile(f.cyclesMs, 0.5), percentile(f.cyclesMs, 0.95),
                    maximum(f.cyclesMs));
    }
    for (const Figures &f : all) {
        QList<QPair<double, double>> worst = f.worst;
        std::sort(worst.begin(), worst.end(), std::greater<>());
        QStringList text;
        for (qsizetype i = 0; i < worst.size() && i < 5; ++i)
            text << QStringLiteral("%1 ms at %2 s")
                        .arg(worst[i].first, 0, 'f', 1)
                        .arg(worst[i].second, 0, 'f', 1);
        std::printf(
            "stalls over 20 ms with %d runs (%s): %lld%s%s\n", f.history, qPrintable(f.label),
            static_cast<long long>(worst.size()),
            worst.isEmpty() ? "" : "; worst: ", qPrintable(text.join(QStringLiteral(", "))));
    }

    std::printf("\nchange committed → visible in the measured console (ms):\n%-26s %8s %9s %9s "
                "%9s %9s %7s\n",
                "history", "consoles", "changes", "p50", "p95", "max", "unseen");
    for (const Figures &f : all)
        std::printf("%-26s %8d %9lld %9.0f %9.0f %9.0f %7lld\n",
                    qPrintable(QStringLiteral("%1 runs, %2").arg(f.history).arg(f.label)),
                    f.consoles, static_cast<long long>(f.visibleMs.size()),
                    percentile(f.visibleMs, 0.5), percentile(f.visibleMs, 0.95),
                    maximum(f.visibleMs), static_cast<long long>(f.unseen));

    for (const Figures &f : all) {
        if (!f.server)
            continue;
        const ServerCpu &c = *f.server;
        std::printf("\nPostgreSQL server CPU over the %.0f s window (utime+stime of the "
                    "postmaster's children, /proc/<pid>/stat sampled 5 times a second, classed by "
                    "pg_stat_activity):\n",
                    f.seconds);
        std::printf("  the %d consoles' backends (%d connections): %.2f s = %.1f %% of a core "
                    "(%.1f %% per console)\n",
                    f.consoles, c.consoleBackends, c.consoles, 100 * c.consoles / f.seconds,
                    100 * c.consoles / f.seconds / f.consoles);
        std::printf("  the writer's backend (the engine's %lld commits): %.2f s = %.1f %% of a "
                    "core\n",
                    static_cast<long long>(f.changes), c.writer, 100 * c.writer / f.seconds);
        std::printf("  the server's own processes and the bench's admin connection: %.2f s\n",
                    c.rest);
        std::printf("  the %d other console processes themselves (client side): %.2f s = %.1f "
                    "%% of a core\n",
                    f.consoles - 1, c.consoleProcesses, 100 * c.consoleProcesses / f.seconds);
    }

    std::printf("\n");
    bool met = true;
    for (const Figures &f : all) {
        if (f.label == QLatin1String("SQLite") && f.history != runs)
            continue; // the peer
        const double stall = maximum(f.stallsMs);
        const double visible = percentile(f.visibleMs, 0.95);
        met = met && stall <= kTargetStallMs && visible <= kTargetVisibleMs && f.unseen == 0;
        std::printf("%s, %d runs, %d console(s): longest event-loop stall %.1f ms (target <= "
                    "%lld ms): %s; change → visible p95 %.0f ms (target <= %.0f ms): %s\n",
                    qPrintable(f.label), f.history, f.consoles, stall,
                    static_cast<long long>(kTargetStallMs),
                    stall <= kTargetStallMs ? "met" : "NOT met", visible, kTargetVisibleMs,
                    visible <= kTargetVisibleMs && f.unseen == 0 ? "met" : "NOT met");
        std::printf("  most GUI-thread CPU time in one probe gap: %.1f ms (a stall longer than "
                    "that was spent waiting for a CPU core, not working)\n",
                    maximum(f.busyMs));
    }
    if (backend != QLatin1String("postgresql")) {
        const Figures &peer = all.first();
        const Figures &big = all.at(1);
        const double peerPoll = percentile(peer.cyclesMs, 0.5);
        std::printf("SQLite polling cost per cycle (p50): %.2f ms with %d runs, %.2f ms with %d "
                    "runs: %.2fx\n",
                    percentile(big.cyclesMs, 0.5), big.history, peerPoll, peer.history,
                    peerPoll > 0 ? percentile(big.cyclesMs, 0.5) / peerPoll : 0.0);
    }
    return met ? 0 : 3;
}
