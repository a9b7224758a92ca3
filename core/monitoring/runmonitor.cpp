#include "runmonitor.h"

#include "engine/enginelease.h"
#include "model/runstate.h"
#include "store/changemarker.h"
#include "store/readsnapshot.h"
#include "store/sql.h"
#include "store/sqldialect.h"
#include "store/store.h"
#include "util/error.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QSqlQuery>
#include <QTimer>
#include <algorithm>
#include <functional>

namespace Baton {

namespace {

// Joined names come with each row so the GUI never resolves ids; parameters stay out (secrets,
// and nothing on the monitor shows them).
const QLatin1String kRowColumns(
    "SELECT r.id, p.name, l.name, v.number, COALESCE(e.name, ''), r.state, r.trigger, "
    "r.requested_by, r.created_at, COALESCE(r.started_at, 0), COALESCE(r.finished_at, 0), "
    "r.review_state, r.annotation_count, COALESCE(r.review_updated_at, 0), r.active_ms "
    "FROM runs r JOIN projects p ON p.id = r.project_id "
    "JOIN pipelines l ON l.id = r.pipeline_id "
    "JOIN pipeline_versions v ON v.id = r.pipeline_version_id "
    "LEFT JOIN environments e ON e.id = r.environment_id ");

RunRow rowFrom(const QSqlQuery &q)
{
    RunRow r;
    r.id = q.value(0).toLongLong();
    r.project = q.value(1).toString();
    r.pipeline = q.value(2).toString();
    r.pipelineVersion = q.value(3).toInt();
    r.environment = q.value(4).toString();
    r.state = parseRunState(q.value(5).toString(), r.id);
    r.trigger = q.value(6).toString();
    r.requestedBy = q.value(7).toString();
    r.createdAt = q.value(8).toLongLong();
    r.startedAt = q.value(9).toLongLong();
    r.finishedAt = q.value(10).toLongLong();
    r.review = q.value(11).toString();
    r.annotations = q.value(12).toInt();
    r.reviewUpdatedAt = q.value(13).toLongLong();
    r.active.closedMs = q.value(14).toLongLong();
    r.active.ran = !q.value(14).isNull();
    return r;
}

QString idArray(const QList<qint64> &ids)
{
    QString json;
    json.reserve(ids.size() * 8 + 2);
    json += QLatin1Char('[');
    for (qsizetype i = 0; i < ids.size(); ++i) {
        if (i > 0)
            json += QLatin1Char(',');
        json += QString::number(ids.at(i));
    }
    json += QLatin1Char(']');
    return json;
}

// "('queued', 'starting', 'running')": the non-terminal states, from the one state machine.
const QString &activeStatesSql()
{
    static const QString sql = sqlStateList(isActive);
    return sql;
}

// Runs a cached statement and always finishes it: an open statement would pin a read snapshot
// and make the closing COMMIT fail.
class Statement
{
public:
    Statement(const Store &store, const QSqlDatabase &db, const QString &sql,
              const QVariantList &binds = {})
        : m_query(store.prepared(sql))
    {
        Sql::run(db, m_query, binds);
    }
    ~Statement() { m_query.finish(); }
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;
    QSqlQuery &query() { return m_query; }
    bool next() { return m_query.next(); }
    QVariant value(int i) const { return m_query.value(i); }

private:
    QSqlQuery m_query;
};

bool newestFirst(const RunRow &a, const RunRow &b)
{
    return a.id > b.id;
}

} // namespace

RunMonitor::RunMonitor(const Store *store, int windowSize, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_windowSize(std::max(1, windowSize))
    , m_marker(new ChangeMarker(store, this))
{
    m_marker->setMinimumGap(PushGapMs);
    connect(m_marker, &ChangeMarker::changed, this, [this] {
        if (m_started) // pushes count between start() and stop()
            cycle(false);
    });
    qRegisterMetaType<Baton::RunRow>();
    qRegisterMetaType<Baton::RunsDelta>();
}

RunMonitor::~RunMonitor() = default;

void RunMonitor::start(int intervalMs)
{
    m_started = true;
    if (!m_timer) {
        // Created here, in a slot, so it lives on (and fires in) the worker's thread.
        m_timer = new QTimer(this);
        connect(m_timer, &QTimer::timeout, this, [this] { cycle(false); });
    }
    m_timer->start(std::max(10, intervalMs));
    cycle(false);
}

void RunMonitor::setInterval(int intervalMs)
{
    if (m_timer)
        m_timer->setInterval(std::max(10, intervalMs));
}

void RunMonitor::refreshNow()
{
    cycle(true);
}

void RunMonitor::resync()
{
    m_needReset = true;
    cycle(true);
}

void RunMonitor::stop()
{
    m_started = false;
    if (m_timer)
        m_timer->stop();
}

void RunMonitor::cycle(bool force)
{
    QElapsedTimer clock;
    clock.start();
    try {
        const QSqlDatabase db = m_store->db();
        // Read before the snapshot below, so that a commit landing in between shows up next
        // cycle instead of hiding behind this one.
        const QVariantList marker = m_marker->read(db);
        if (!force && !m_needReset && !m_seen.isEmpty() && marker == m_seen) {
            Q_EMIT engineStatus(m_holder, m_heartbeatAt, m_expiresAt);
            Q_EMIT cycleCost(clock.nsecsElapsed() / 1000);
            return;
        }

        // One read snapshot: every query of the cycle sees the same moment.
        qint64 maxId = 0;
        const bool reset = m_needReset;
        RunsDelta delta;
        ReadSnapshot::read(db, [&] {
            delta = reset ? readAll(db, maxId) : readChanges(db, maxId);
            readEngineStatus(db);
        });

        delta.reset = reset;
        delta.takenAt = QDateTime::currentMSecsSinceEpoch();
        apply(delta, maxId);
        m_seen = marker;
        m_needReset = false;
        if (m_lost) {
            m_lost = false;
            Q_EMIT reconnected();
        }
        Q_EMIT engineStatus(m_holder, m_heartbeatAt, m_expiresAt);
        if (m_placesRead || reset)
            Q_EMIT placesChanged(m_placesRunning, m_placesLimit);
        m_placesRead = false;
        if (!delta.isEmpty())
            Q_EMIT runsChanged(delta);
    } catch (const std::exception &e) {
        // Nothing escapes into the thread's event loop; the next good cycle starts afresh.
        m_needReset = true;
        m_seen.clear();
        const auto *error = dynamic_cast<const Error *>(&e);
        const QString message = error ? error->message() : QString::fromLocal8Bit(e.what());
        if (Sql::isConnectionLoss(message)) {
            // Not a fault of the workspace: the next cycles reconnect (Store::db()).
            m_lost = true;
            Q_EMIT connectionLost(message);
        } else {
            Q_EMIT failed(message);
        }
    } catch (...) {
        m_needReset = true;
        m_seen.clear();
        Q_EMIT failed(QStringLiteral("run monitor: unexpected error while polling"));
    }
    Q_EMIT cycleCost(clock.nsecsElapsed() / 1000);
}

QList<RunRow> RunMonitor::readNewRows(const QSqlDatabase &db, qint64 aboveId) const
{
    QList<RunRow> rows;
    Statement q(*m_store, db,
                kRowColumns + QStringLiteral("WHERE r.id > ? ORDER BY r.id DESC LIMIT ?"),
                { aboveId, m_windowSize });
    while (q.next())
        rows << rowFrom(q.query());
    return rows;
}

QList<RunRow> RunMonitor::readRows(const QSqlDatabase &db, const QList<qint64> &ids) const
{
    QList<RunRow> rows;
    if (ids.isEmpty())
        return rows;
    Statement q(*m_store, db,
                kRowColumns + QStringLiteral("WHERE r.id ") + SqlDialect::inJsonArray(db),
                { idArray(ids) });
    while (q.next())
        rows << rowFrom(q.query());
    return rows;
}

void RunMonitor::readTaskCounts(const QSqlDatabase &db, QList<RunRow> &rows) const
{
    if (rows.isEmpty())
        return;
    QHash<qint64, qsizetype> index;
    index.reserve(rows.size());
    QList<qint64> ids;
    ids.reserve(rows.size());
    for (qsizetype i = 0; i < rows.size(); ++i) {
        index.insert(rows.at(i).id, i);
        ids << rows.at(i).id;
    }
    QHash<qint64, QMap<QString, int>> counts;
    {
        Statement q(*m_store, db,
                    QStringLiteral("SELECT run_id, state, count(*) FROM task_runs WHERE run_id ")
                        + SqlDialect::inJsonArray(db) + QStringLiteral(" GROUP BY run_id, state"),
                    { idArray(ids) });
        while (q.next())
            counts[q.value(0).toLongLong()].insert(q.value(1).toString(), q.value(2).toInt());
    }
    QList<qint64> live;
    for (RunRow &row : rows) {
        row.tasks = TaskCounts::fromStates(counts.value(row.id));
        row.derive();
        if (!row.terminal)
            live << row.id;
    }
    if (live.isEmpty())
        return;
    // A live run's active time from its attempts (a finished run's is stored: active_ms).
    QHash<qint64, QList<AttemptSpan>> spans;
    {
        Statement q(
            *m_store, db,
            QStringLiteral("SELECT tr.run_id, COALESCE(a.started_at, 0), "
                           "COALESCE(a.finished_at, 0), COALESCE(a.running_at_us / 1000, 0) "
                           "FROM task_runs tr JOIN "
                           "task_attempts a ON a.task_run_id = tr.id WHERE tr.run_id ")
                + SqlDialect::inJsonArray(db),
            { idArray(live) });
        while (q.next())
            spans[q.value(0).toLongLong()] << AttemptSpan::of(
                q.value(1).toLongLong(), q.value(3).toLongLong(), q.value(2).toLongLong());
    }
    QList<qint64> idle;
    for (RunRow &row : rows) {
        if (!row.terminal)
            row.active = Durations::runClock(spans.value(row.id));
        if (!row.terminal && !row.working)
            idle << row.id;
    }
    // Live runs of which nothing runs: why they wait (the one rule, WaitReasons).
    const auto reasons = WaitReasons::read(db, idle, QDateTime::currentMSecsSinceEpoch());
    for (RunRow &row : rows) {
        if (!row.terminal && !row.working)
            row.wait = WaitReasons::forRun(reasons.value(row.id));
    }
}

RunsDelta RunMonitor::readAll(const QSqlDatabase &db, qint64 &maxId) const
{
    RunsDelta delta;
    {
        Statement q(*m_store, db, QStringLiteral("SELECT COALESCE(max(id), 0) FROM runs"));
        maxId = q.next() ? q.value(0).toLongLong() : 0;
    }
    delta.added = readNewRows(db, 0);
    readTaskCounts(db, delta.added);
    return delta;
}

RunsDelta RunMonitor::readChanges(const QSqlDatabase &db, qint64 &maxId) const
{
    RunsDelta delta;
    const Cache &c = m_cache;
    {
        Statement q(*m_store, db, QStringLiteral("SELECT COALESCE(max(id), 0) FROM runs"));
        maxId = q.next() ? q.value(0).toLongLong() : 0;
    }
    // With nothing tracked the store was empty: SQLite then reuses ids from 1, below maxId.
    const qint64 above = c.rows.isEmpty() ? 0 : c.maxId;
    QList<RunRow> fresh = maxId > above ? readNewRows(db, above) : QList<RunRow>();

    // Deletions: the tracked window should still hold as many rows as we track.
    QSet<qint64> gone;
    QList<qint64> reappeared; // ids in the window we did not track (a reused id)
    if (!c.rows.isEmpty()) {
        const QVariantList window { c.minId, c.maxId };
        qint64 count = 0;
        {
            Statement q(*m_store, db,
                        QStringLiteral("SELECT count(*) FROM runs WHERE id BETWEEN ? AND ?"),
                        window);
            count = q.next() ? q.value(0).toLongLong() : 0;
        }
        if (count != c.rows.size()) {
            QSet<qint64> present;
            Statement q(*m_store, db,
                        QStringLiteral("SELECT id FROM runs WHERE id BETWEEN ? AND ?"), window);
            while (q.next()) {
                const qint64 id = q.value(0).toLongLong();
                present.insert(id);
                if (!c.rows.contains(id))
                    reappeared << id;
            }
            for (auto it = c.rows.keyBegin(); it != c.rows.keyEnd(); ++it) {
                if (!present.contains(*it))
                    gone.insert(*it);
            }
        }
    }

    // Keep the window at its size: the oldest tracked runs make room for the new ones.
    QSet<qint64> evicted;
    const qsizetype total = c.rows.size() - gone.size() + fresh.size() + reappeared.size();
    if (total > m_windowSize) {
        QList<qint64> ids;
        ids.reserve(c.rows.size());
        for (auto it = c.rows.keyBegin(); it != c.rows.keyEnd(); ++it) {
            if (!gone.contains(*it))
                ids << *it;
        }
        std::sort(ids.begin(), ids.end());
        const qsizetype excess = std::min<qsizetype>(total - m_windowSize, ids.size());
        for (qsizetype i = 0; i < excess; ++i)
            evicted.insert(ids.at(i));
    }

    // What may have moved: active runs, runs active last cycle, runs whose times rose. One
    // pass over the window for both: on a team workspace each pass is the server's work, for
    // every console, every cycle.
    QSet<qint64> candidates;
    if (!c.rows.isEmpty()) {
        Statement q(*m_store, db,
                    QStringLiteral("SELECT id FROM runs WHERE id BETWEEN ? AND ? AND (state IN "
                                   "%1 OR COALESCE(finished_at, 0) > ? OR COALESCE(started_at, "
                                   "0) > ? OR COALESCE(review_updated_at, 0) > ?)")
                        .arg(activeStatesSql()),
                    { c.minId, c.maxId, c.finishedMark, c.startedMark, c.reviewedMark });
        while (q.next())
            candidates.insert(q.value(0).toLongLong());
        candidates.unite(c.active);
    }
    QList<qint64> reread;
    for (const qint64 id : std::as_const(candidates)) {
        if (c.rows.contains(id) && !gone.contains(id) && !evicted.contains(id))
            reread << id;
    }
    reread << reappeared;

    // One GROUP BY for the task counts of everything read this cycle.
    QList<RunRow> rows = readRows(db, reread);
    const qsizetype rereadCount = rows.size();
    rows << fresh;
    readTaskCounts(db, rows);

    QSet<qint64> seen;
    for (qsizetype i = 0; i < rereadCount; ++i) {
        const RunRow &row = rows.at(i);
        seen.insert(row.id);
        const auto old = c.rows.constFind(row.id);
        if (old == c.rows.constEnd())
            delta.added << row; // a reused id inside the window
        else if (*old != row)
            delta.updated << row;
    }
    // Rows re-read by id that vanished under us count as deleted too.
    for (const qint64 id : std::as_const(reread)) {
        if (!seen.contains(id) && c.rows.contains(id))
            gone.insert(id);
    }
    for (qsizetype i = rereadCount; i < rows.size(); ++i)
        delta.added << rows.at(i);

    std::sort(delta.added.begin(), delta.added.end(), newestFirst);
    std::sort(delta.updated.begin(), delta.updated.end(), newestFirst);
    for (const qint64 id : std::as_const(gone))
        delta.removed << id;
    for (const qint64 id : std::as_const(evicted))
        delta.removed << id;
    std::sort(delta.removed.begin(), delta.removed.end(), std::greater<qint64>());
    return delta;
}

void RunMonitor::readEngineStatus(const QSqlDatabase &db)
{
    {
        // The places in use: attempts running or starting, not followers (core's rule).
        static const QString sql
            = QStringLiteral("SELECT (SELECT count(*) FROM task_runs t JOIN runs r ON r.id = "
                             "t.run_id WHERE r.state = 'running' AND %1), COALESCE((SELECT "
                             "CAST(value AS INTEGER) FROM settings WHERE key = 'max_parallel'), "
                             "0)")
                  .arg(WaitReasons::holdsPlaceSql(QStringLiteral("t")));
        Statement q(*m_store, db, sql);
        if (q.next()) {
            const int running = q.value(0).toInt();
            const int limit = q.value(1).toInt();
            m_placesRead = running != m_placesRunning || limit != m_placesLimit;
            m_placesRunning = running;
            m_placesLimit = limit;
        }
    }
    const auto lease = EngineLease::current(db);
    m_holder = lease ? lease->holder : QString();
    m_heartbeatAt = lease ? lease->heartbeatAt : 0;
    m_expiresAt = lease ? lease->expiresAt : 0;
}

void RunMonitor::apply(const RunsDelta &delta, qint64 maxId)
{
    Cache &c = m_cache;
    if (delta.reset) {
        c = Cache {};
        c.rows.reserve(delta.added.size());
    }
    for (const qint64 id : delta.removed) {
        c.rows.remove(id);
        c.active.remove(id);
    }
    const auto track = [&c](const RunRow &row) {
        c.rows.insert(row.id, row);
        if (row.terminal)
            c.active.remove(row.id);
        else
            c.active.insert(row.id);
        c.startedMark = std::max(c.startedMark, row.startedAt);
        c.finishedMark = std::max(c.finishedMark, row.finishedAt);
        c.reviewedMark = std::max(c.reviewedMark, row.reviewUpdatedAt);
    };
    for (const RunRow &row : delta.added)
        track(row);
    for (const RunRow &row : delta.updated)
        track(row);
    c.maxId = maxId;
    if (delta.reset || !delta.removed.isEmpty() || c.minId == 0 || !delta.added.isEmpty()) {
        qint64 lowest = 0;
        for (auto it = c.rows.keyBegin(); it != c.rows.keyEnd(); ++it)
            lowest = lowest == 0 ? *it : std::min(lowest, *it);
        c.minId = lowest;
    }
}

} // namespace Baton
