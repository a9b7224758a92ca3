#pragma once

#include <QList>
#include <QString>
#include <QTimeZone>

namespace Baton {

class CronExpression;
class Store;

/// Turns schedules into runs. Each fire is one transaction that creates the run and advances
/// the schedule's last fire time, and (schedule, fire time) is unique in the store: a fire
/// time never gets two runs, even across engine restarts.
class ScheduleFirer
{
public:
    /// How late a fire time may be handled and still count as on time (not a misfire).
    static constexpr qint64 kOnTimeMs = 60 * 1000;

    /// The fire times of one schedule to run at @p nowMs, given the last one handled
    /// (@p sinceMs, exclusive). On-time ones always run; missed ones follow @p misfire:
    /// `skip` none, `run_once` only the latest, `run_all` every one (at most @p cap).
    static QList<qint64> due(const CronExpression &cron, const QTimeZone &zone, qint64 sinceMs,
                             qint64 nowMs, const QString &misfire, int cap = 1000);
    /// The misfire policy alone, over fire times already computed (ascending, ms UTC).
    static QList<qint64> select(const QList<qint64> &fireTimes, qint64 nowMs,
                                const QString &misfire, int cap = 1000);

    struct Fired
    {
        qint64 scheduleId = 0;
        qint64 runId = 0;
        qint64 fireTimeMs = 0;
        QString pipeline; ///< project/pipeline
    };
    /// Fires every due, unpaused schedule of the workspace. Schedules whose expression became
    /// invalid, or that never fire, are skipped with one warning in the log (not one a call).
    static QList<Fired> fireDue(const Store &store, qint64 nowMs);

    /// SQL for the environment a schedule's runs go to (aliases: schedule `s`, project `p`): the
    /// schedule's own, else the last environment of the project's promotion path.
    static QString environmentSql();

    /// The zone of a schedule: its own, else the workspace setting `timezone`, else the system's.
    static QTimeZone zoneFor(const QString &scheduleZone, const QString &workspaceZone);
};

} // namespace Baton
