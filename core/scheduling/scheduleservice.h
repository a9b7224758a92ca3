#pragma once

#include <QDateTime>
#include <QList>
#include <QSqlDatabase>
#include <QString>

namespace Baton {

class Store;

struct ScheduleInfo
{
    qint64 id = 0;
    QString project;
    QString pipeline;
    QString cron;
    QString timezone; ///< as written; empty: the workspace's
    QString effectiveZone;
    QString misfire;
    QString environment; ///< where its runs go
    bool paused = false;
    qint64 lastFireAt = 0;
    QList<QDateTime> next; ///< upcoming fire times, in the schedule's zone
    QString error; ///< set when the expression or zone is unusable
};

/// Listing, pausing and resuming schedules, and backfilling a pipeline over past fire times.
class ScheduleService
{
public:
    static QList<ScheduleInfo> list(const QSqlDatabase &db, int nextCount = 3);
    /// Pauses or resumes the schedule of PROJECT/PIPELINE (audited). Throws Baton::Error.
    static void setPaused(const Store &store, const QString &project, const QString &pipeline,
                          bool paused, const QString &actor);

    /// The fire times of PROJECT/PIPELINE's schedule in [from, to] (ms UTC). Throws if the
    /// pipeline has no schedule or the range is empty or reversed.
    static QList<qint64> backfillTimes(const QSqlDatabase &db, const QString &project,
                                       const QString &pipeline, const QDateTime &from,
                                       const QDateTime &to, QTimeZone *zone);
    /// Creates the backfill run for one fire time unless it exists; returns its run id either
    /// way (so an interrupted backfill resumes where it stopped).
    static qint64 backfillRun(const Store &store, const QString &project, const QString &pipeline,
                              const QString &environment, qint64 fireTimeMs, const QTimeZone &zone,
                              const QString &actor, bool *created);
};

} // namespace Baton
