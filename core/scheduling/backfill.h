#pragma once

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QSqlDatabase>
#include <QString>
#include <QTimeZone>

class QTimer;

namespace Baton {

class Store;

/// What to backfill, as the user wrote it (`baton backfill` options, the console's dialog).
struct BackfillRequest
{
    QString project;
    QString pipeline;
    QString from; ///< YYYY-MM-DD (midnight) or ISO 8601; read in the schedule's zone
    QString to; ///< YYYY-MM-DD (the end of that day) or ISO 8601, inclusive
    int maxActive = 1; ///< most backfill runs at once
    QString environment; ///< empty: the schedule's
    QString actor;
};

/// The fire times a request covers, resolved against the pipeline's schedule.
struct BackfillPlan
{
    QString project;
    QString pipeline;
    QString environment;
    QTimeZone zone;
    QDateTime from;
    QDateTime to;
    QList<qint64> times; ///< ms UTC, oldest first
    int maxActive = 1;
    QString actor;
};

struct BackfillProgress
{
    int total = 0;
    int created = 0; ///< runs started by this backfill (resumed ones included)
    int resumed = 0; ///< of which already existed from an interrupted backfill
    int finished = 0;
    int failed = 0; ///< finished other than succeeded
    int active = 0;
    bool cancelled = false;
    bool done() const { return cancelled || finished == total; }
};

/// A backfill: runs a scheduled pipeline for each of its past fire times, at most maxActive
/// at once, creating the next run as one ends. Runs that already exist for a fire time (an
/// interrupted backfill) are picked up, not created again. The one implementation behind
/// `baton backfill` and the console's Backfill… dialog.
///
/// The object works on the store from the thread it lives on (the console moves it to a
/// worker thread); an engine must hold the workspace for the runs to start.
class Backfill : public QObject
{
    Q_OBJECT
public:
    /// "2026-11-01" (midnight, or the end of that day for @p endOfDay) or a full ISO 8601
    /// time; a time without an offset is read in @p zone. Invalid, with @p error set, when
    /// @p text is neither.
    static QDateTime parseWhen(const QString &text, const QTimeZone &zone, bool endOfDay,
                               QString *error);
    /// Checks @p request and lists its fire times. Throws Baton::Error naming the field
    /// (from, to, max_active, the pipeline or its schedule) that is wrong.
    static BackfillPlan plan(const QSqlDatabase &db, const BackfillRequest &request);

    Backfill(const Store *store, const BackfillPlan &plan, QObject *parent = nullptr);
    ~Backfill() override;

    const BackfillPlan &plan() const { return m_plan; }
    BackfillProgress progress() const { return m_progress; }
    /// The runs created or picked up so far.
    QList<qint64> runs() const { return m_runs; }

public Q_SLOTS:
    /// Creates the first runs and then looks every @p intervalMs for ended ones.
    void start(int intervalMs = 200);
    /// Stops creating runs and cancels the ones still queued or running (audited, as the
    /// operator's Cancel); emits finished() with progress().cancelled set.
    void cancel();

Q_SIGNALS:
    void progressed(const Baton::BackfillProgress &progress);
    /// Every run has ended, or the backfill was cancelled.
    void finished(const Baton::BackfillProgress &progress);
    /// The store refused something; the backfill has stopped.
    void failed(const QString &message);

private:
    void step();
    void stop();

    const Store *m_store;
    BackfillPlan m_plan;
    BackfillProgress m_progress;
    QTimer *m_timer;
    int m_next = 0;
    QList<qint64> m_active;
    QList<qint64> m_runs;
    bool m_stopped = false;
};

} // namespace Baton

Q_DECLARE_METATYPE(Baton::BackfillProgress)
