#pragma once

#include "monitoring/runrow.h"

#include <QHash>
#include <QObject>
#include <QSet>

class QSqlDatabase;
class QTimer;

namespace Baton {

class ChangeMarker;
class Store;

/// The console's polling worker for runs (DESIGN.md, "Threads"). Move it to a QThread; it
/// opens its own connection and creates its QTimer there, and reports through queued signals.
/// The store must outlive the thread (its connection closes when the thread ends).
///
/// Each cycle reads only what changed since the previous one:
/// - the workspace's change marker first (ChangeMarker): when nothing was committed since the
///   last cycle, nothing is read at all (the cycle still reports engineStatus and cycleCost);
///   on a team workspace a commit anywhere starts a cycle at once (NOTIFY), the timer is the
///   fallback;
/// - new runs: rows with an id above the highest id seen;
/// - moved runs: runs in a non-terminal state (the runs_state index), runs that were
///   non-terminal at the previous cycle, and runs of the window whose started_at/finished_at
///   rose above the highest value seen (a rerun that finished between two cycles), or whose
///   review_updated_at did (an annotation or a sign-off);
/// - removed runs: a count over the tracked id window, diffed only when it drops;
/// - task counts: one GROUP BY over the ids read above.
/// Re-read rows are compared with the cached ones, so `updated` holds only real changes and an
/// unchanged cycle emits no runsChanged at all.
///
/// The first cycle, the first after a failure and resync() send a reset with the newest
/// @c windowSize runs; later the window keeps at most that many (the oldest are `removed`).
/// A lost connection to a team workspace is connectionLost (not failed); the cycles go on, each
/// trying a new connection, and the first good one sends reconnected() and a reset.
class RunMonitor : public QObject
{
    Q_OBJECT
public:
    /// Pushes start a cycle at most this often: a busy engine's commits (dozens a second) fold
    /// into one read per gap in every console watching, instead of one read each.
    static constexpr int PushGapMs = 250;

    explicit RunMonitor(const Store *store, int windowSize = 5000, QObject *parent = nullptr);
    ~RunMonitor() override;

    int windowSize() const { return m_windowSize; }

public Q_SLOTS:
    /// Polls now and then every @p intervalMs (creates the timer on the worker's thread).
    void start(int intervalMs = 1000);
    void setInterval(int intervalMs);
    /// Polls now, even when the store looks unchanged; after a failure this is a reset.
    void refreshNow();
    /// Polls now and sends a reset whatever happened before (e.g. when a view is rebuilt).
    void resync();
    void stop();

Q_SIGNALS:
    void runsChanged(const Baton::RunsDelta &delta);
    /// The engine lease: who drives the workspace (empty: nobody), heartbeat and expiry (ms UTC).
    void engineStatus(const QString &holder, qint64 heartbeatAt, qint64 expiresAt);
    /// The workspace's places: attempts really running now, and the max_parallel setting (0:
    /// unset, the engine's CPU count). Sent on the first cycle and when either changes.
    void placesChanged(int running, int limit);
    /// Wall time of the cycle just done, in microseconds (for benchmarks and the status bar).
    void cycleCost(qint64 microseconds);
    void failed(const QString &message);
    /// The team workspace's server stopped answering (@p message says how): reconnecting.
    void connectionLost(const QString &message);
    /// The first good cycle after connectionLost.
    void reconnected();

private:
    /// What the previous cycles left: the tracked rows and the marks the next cycle reads from.
    struct Cache
    {
        QHash<qint64, RunRow> rows;
        QSet<qint64> active; ///< ids whose cached state is not terminal
        qint64 minId = 0; ///< lowest tracked id (the window's bottom)
        qint64 maxId = 0; ///< highest run id in the store at the last cycle
        qint64 startedMark = 0; ///< highest started_at among tracked runs
        qint64 finishedMark = 0; ///< highest finished_at among tracked runs
        qint64 reviewedMark = 0; ///< highest review_updated_at among tracked runs
    };

    void cycle(bool force);
    RunsDelta readAll(const QSqlDatabase &db, qint64 &maxId) const;
    RunsDelta readChanges(const QSqlDatabase &db, qint64 &maxId) const;
    /// Reads full rows (joined names and task counts) for @p ids, or for ids above @p aboveId.
    QList<RunRow> readRows(const QSqlDatabase &db, const QList<qint64> &ids) const;
    QList<RunRow> readNewRows(const QSqlDatabase &db, qint64 aboveId) const;
    void readTaskCounts(const QSqlDatabase &db, QList<RunRow> &rows) const;
    void readEngineStatus(const QSqlDatabase &db);
    void apply(const RunsDelta &delta, qint64 maxId);

    const Store *m_store;
    int m_windowSize;
    QTimer *m_timer = nullptr;
    bool m_started = false; ///< between start() and stop()
    Cache m_cache;
    ChangeMarker *m_marker;
    QVariantList m_seen; ///< the change marker at the last good cycle (empty: none)
    bool m_lost = false; ///< connectionLost was sent and no cycle succeeded since
    bool m_needReset = true;
    QString m_holder;
    qint64 m_heartbeatAt = 0;
    qint64 m_expiresAt = 0;
    int m_placesRunning = -1;
    int m_placesLimit = -1;
    bool m_placesRead = false; ///< read this cycle: placesChanged is due when they moved
};

} // namespace Baton
