// console_bench: does the console's GUI thread stay responsive under load?
//
// A real workspace gets a long history of finished runs; the real console (MainWindow with its
// Monitor, Review and Pipelines modes) opens on it, visible; a writer thread plays the engine,
// committing task state changes at a fixed rate (2,000 a minute by default), one store
// transaction each, creating runs as it goes. A probe timer on the GUI thread measures how late
// each of its ticks is (the event-loop stall), and the RunMonitor reports the wall time of each
// polling cycle. The same load runs against a small history first, as the peer the big one is
// compared with.
//
//   console_bench [--runs N] [--peer-runs N] [--seconds S] [--rate CHANGES_PER_MINUTE]
#include "core/testspecs.h"
#include "engine/runservice.h"
#include "mainwindow/mainwindow.h"
#include "monitoring/monitormode.h"
#include "monitoring/runstablemodel.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "util/logging.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDateTime>
#include <QElapsedTimer>
#include <QSettings>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <random>
#include <thread>
#include <time.h>

using namespace Baton;

namespace {

constexpr int kProbeIntervalMs = 5;
constexpr qint64 kTargetStallMs = 50;
constexpr int kActiveRuns = 20; // runs moving at once, as a busy workspace has

struct Figures
{
    int history = 0;
    qint64 changes = 0;
    double seconds = 0;
    QList<double> stallsMs;
    QList<QPair<double, double>> worst; // (stall ms, at s since the load started)
    QList<double> busyMs; // GUI-thread CPU time within each probe gap
    QList<double> cyclesMs;
    double loadMs = 0; // console opened → first batch of runs on screen
};

// CPU time of the calling thread: a gap the GUI thread spent working, not waiting for a core.
double threadCpuMs()
{
    timespec t {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
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
        Sql::exec(tx,
                  QStringLiteral(
                      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < "
                      "?) INSERT INTO runs (project_id, pipeline_id, pipeline_version_id, "
                      "environment_id, state, trigger, requested_by, created_at, started_at, "
                      "finished_at, review_state) SELECT ?, ?, ?, ?, CASE WHEN i % 10 = 0 THEN "
                      "'failed' ELSE 'succeeded' END, 'schedule', 'bench', ? - i * 30000, ? - i * "
                      "30000 + 100, ? - i * 30000 + 20000, CASE WHEN i % 7 = 0 THEN 'approved' "
                      "ELSE 'pending' END FROM n"),
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

/// Plays the engine: task transitions at a fixed rate, one transaction each.
class Writer
{
public:
    Writer(const Store &store, int perMinute)
        : m_store(store)
        , m_period(std::chrono::microseconds(60'000'000 / std::max(1, perMinute)))
    { }

    void run(const std::atomic<bool> &stop)
    {
        std::mt19937 random(42);
        auto next = std::chrono::steady_clock::now();
        while (!stop.load()) {
            next += m_period;
            std::this_thread::sleep_until(next);
            step(random);
            ++m_changes;
        }
        m_store.db().close();
    }

    qint64 changes() const { return m_changes.load(); }

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

    const Store &m_store;
    std::chrono::microseconds m_period;
    QList<Active> m_active;
    std::atomic<qint64> m_changes { 0 };
};

Figures measure(int history, int seconds, int perMinute)
{
    Figures f;
    f.history = history;
    QTemporaryDir dir;
    Workspace ws(dir.filePath(QStringLiteral("ws")), Workspace::Mode::CreateIfMissing);
    ProjectWriter::apply(ws.store(), { Test::churnProject() }, QStringLiteral("bench"));
    QElapsedTimer clock;
    clock.start();
    generateHistory(ws, history);
    std::fprintf(stderr, "  %d runs of history written in %.1f s\n", history,
                 clock.elapsed() / 1000.0);

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

    Writer writer(ws.store(), perMinute);
    std::atomic<bool> stop { false };
    std::thread thread([&] { writer.run(stop); });
    sinceTick.start();
    probe.start(kProbeIntervalMs);
    run.start();
    while (run.elapsed() < seconds * 1000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    probe.stop();
    stop = true;
    thread.join();
    f.changes = writer.changes();
    f.seconds = run.elapsed() / 1000.0;
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
                       "state changes, with a long run history."));
    parser.addHelpOption();
    parser.addOption({ QStringLiteral("runs"), QStringLiteral("Runs of history (100000)."),
                       QStringLiteral("N"), QStringLiteral("100000") });
    parser.addOption({ QStringLiteral("peer-runs"),
                       QStringLiteral("Runs of history of the peer measured first (1000)."),
                       QStringLiteral("N"), QStringLiteral("1000") });
    parser.addOption({ QStringLiteral("seconds"), QStringLiteral("Seconds of load each (60)."),
                       QStringLiteral("S"), QStringLiteral("60") });
    parser.addOption({ QStringLiteral("rate"),
                       QStringLiteral("Task state changes per minute (2000)."), QStringLiteral("N"),
                       QStringLiteral("2000") });
    parser.process(app);
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
    for (const int history : { peerRuns, runs }) {
        std::fprintf(stderr, "measuring with %d runs of history…\n", history);
        all << measure(history, seconds, rate);
    }

    std::printf("\n%-14s %9s %8s %10s %10s %10s %12s %9s %10s %10s %10s\n", "history", "changes",
                "per min", "load (ms)", "stall max", "stall p99", "stalls>50ms", "busy max",
                "poll p50", "poll p95", "poll max");
    for (const Figures &f : all) {
        const auto over = std::count_if(f.stallsMs.begin(), f.stallsMs.end(),
                                        [](double s) { return s > kTargetStallMs; });
        std::printf("%-14s %9lld %8.0f %10.0f %10.1f %10.1f %12lld %9.1f %10.2f %10.2f %10.2f\n",
                    qPrintable(QStringLiteral("%1 runs").arg(f.history)),
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
        std::printf("stalls over 20 ms with %d runs: %lld%s%s\n", f.history,
                    static_cast<long long>(worst.size()), worst.isEmpty() ? "" : "; worst: ",
                    qPrintable(text.join(QStringLiteral(", "))));
    }
    const Figures &peer = all.first();
    const Figures &big = all.last();
    const double stall = maximum(big.stallsMs);
    std::printf("\nlongest event-loop stall with %d runs: %.1f ms (target <= %lld ms): %s\n",
                big.history, stall, static_cast<long long>(kTargetStallMs),
                stall <= kTargetStallMs ? "met" : "NOT met");
    const double peerPoll = percentile(peer.cyclesMs, 0.5);
    std::printf("most GUI-thread CPU time in one probe gap: %.1f ms (a stall longer than that "
                "was spent waiting for a CPU core, not working)\n",
                maximum(big.busyMs));
    std::printf("polling cost per cycle (p50): %.2f ms with %d runs, %.2f ms with %d runs: "
                "%.2fx\n",
                percentile(big.cyclesMs, 0.5), big.history, peerPoll, peer.history,
                peerPoll > 0 ? percentile(big.cyclesMs, 0.5) / peerPoll : 0.0);
    return 0;
}
