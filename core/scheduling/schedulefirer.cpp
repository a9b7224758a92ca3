#include "schedulefirer.h"

#include "cronexpression.h"
#include "engine/runservice.h"
#include "store/settings.h"
#include "store/sql.h"
#include "store/store.h"
#include "util/error.h"

#include <QDateTime>
#include <QHash>
#include <QMutex>
#include <spdlog/spdlog.h>

namespace Baton {

namespace {

/// Logs @p message once per schedule and expression: the engine looks at schedules every
/// second, and a schedule that cannot fire stays so until someone changes it.
void warnOnce(const Store &store, qint64 scheduleId, const QString &cron, const QString &message)
{
    static QMutex mutex;
    static QHash<QString, QString> warned; // workspace + schedule id -> expression warned about
    const QString key = store.db().databaseName() + QLatin1Char('#') + QString::number(scheduleId);
    {
        QMutexLocker lock(&mutex);
        const auto it = warned.constFind(key);
        if (it != warned.constEnd() && *it == cron)
            return;
        warned.insert(key, cron);
    }
    spdlog::warn("{}", message.toStdString());
}

/// Whether @p cron has no fire time at all (`0 0 30 2 *`), remembered per expression.
bool neverFires(const CronExpression &cron)
{
    static QMutex mutex;
    static QHash<QString, bool> known;
    QMutexLocker lock(&mutex);
    const auto it = known.constFind(cron.text());
    if (it != known.constEnd())
        return *it;
    const bool never = !cron.next(QDateTime::currentDateTimeUtc(), QTimeZone::utc());
    known.insert(cron.text(), never);
    return never;
}

} // namespace

QString ScheduleFirer::environmentSql()
{
    return QStringLiteral("COALESCE((SELECT name FROM environments WHERE id = s.environment_id), "
                          "(SELECT name FROM environments e WHERE e.project_id = p.id AND "
                          "e.archived_at IS NULL ORDER BY e.position DESC LIMIT 1))");
}

QTimeZone ScheduleFirer::zoneFor(const QString &scheduleZone, const QString &workspaceZone)
{
    for (const QString &name : { scheduleZone, workspaceZone }) {
        if (!name.isEmpty() && QTimeZone::isTimeZoneIdAvailable(name.toUtf8()))
            return QTimeZone(name.toUtf8());
    }
    return QTimeZone::systemTimeZone();
}

QList<qint64> ScheduleFirer::due(const CronExpression &cron, const QTimeZone &zone, qint64 sinceMs,
                                 qint64 nowMs, const QString &misfire, int cap)
{
    QList<qint64> times;
    for (const QDateTime &t :
         cron.between(QDateTime::fromMSecsSinceEpoch(sinceMs, zone),
                      QDateTime::fromMSecsSinceEpoch(nowMs, zone), zone, 100000)) {
        times << t.toMSecsSinceEpoch();
    }
    return select(times, nowMs, misfire, cap);
}

QList<qint64> ScheduleFirer::select(const QList<qint64> &fireTimes, qint64 nowMs,
                                    const QString &misfire, int cap)
{
    QList<qint64> missed;
    QList<qint64> onTime;
    for (qint64 ms : fireTimes) {
        if (nowMs - ms <= kOnTimeMs)
            onTime << ms;
        else
            missed << ms;
    }
    QList<qint64> result;
    if (misfire == QLatin1String("run_all")) {
        // The newest ones when there are more than the cap: recent data matters most.
        result = missed.mid(std::max<qsizetype>(0, missed.size() - cap));
    } else if (misfire != QLatin1String("skip") && !missed.isEmpty()) {
        result << missed.last(); // run_once, the default
    }
    result << onTime;
    return result;
}

QList<ScheduleFirer::Fired> ScheduleFirer::fireDue(const Store &store, qint64 nowMs)
{
    struct Row
    {
        qint64 id;
        QString project;
        QString pipeline;
        QString cron;
        QString zone;
        QString misfire;
        qint64 since;
        QString environment;
    };
    QList<Row> rows;
    const QSqlDatabase db = store.db();
    const QString workspaceZone = Settings::value(db, QStringLiteral("timezone"));
    // Scheduled runs go to the schedule's environment, else the end of the promotion path.
    QSqlQuery q = Sql::exec(
        db,
        QStringLiteral("SELECT s.id, p.name, l.name, s.cron, s.timezone, s.misfire, "
                       "COALESCE(s.last_fire_at, s.created_at), ")
            + environmentSql()
            + QStringLiteral(" FROM schedules s JOIN pipelines l ON l.id = s.pipeline_id "
                             "JOIN projects p ON p.id = l.project_id "
                             "WHERE s.paused = 0 AND l.archived_at IS NULL ORDER BY s.id"));
    while (q.next()) {
        rows << Row { q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(),
                      q.value(3).toString(),   q.value(4).toString(), q.value(5).toString(),
                      q.value(6).toLongLong(), q.value(7).toString() };
    }

    QList<Fired> fired;
    for (const Row &row : rows) {
        QString error;
        const auto cron = CronExpression::parse(row.cron, &error);
        const QString label = QStringLiteral("schedule %1 of %2/%3")
                                  .arg(QString::number(row.id), row.project, row.pipeline);
        if (!cron) {
            warnOnce(
                store, row.id, row.cron,
                QStringLiteral("%1: %2 in '%3'; it does not fire").arg(label, error, row.cron));
            continue;
        }
        const QTimeZone zone = zoneFor(row.zone, workspaceZone);
        QList<qint64> all;
        for (const QDateTime &t :
             cron->between(QDateTime::fromMSecsSinceEpoch(row.since, zone),
                           QDateTime::fromMSecsSinceEpoch(nowMs, zone), zone, 100000)) {
            all << t.toMSecsSinceEpoch();
        }
        if (all.isEmpty()) {
            if (neverFires(*cron))
                warnOnce(store, row.id, row.cron,
                         QStringLiteral("%1: '%2' never fires (no date matches it)")
                             .arg(label, row.cron));
            continue;
        }
        const QList<qint64> times = select(all, nowMs, row.misfire);
        for (qint64 t : times) {
            store.transaction([&](QSqlDatabase &tx) {
                RunRequest r;
                r.project = row.project;
                r.pipeline = row.pipeline;
                r.environment = row.environment;
                r.trigger = QStringLiteral("schedule");
                r.actor = QStringLiteral("scheduler");
                r.scheduleId = row.id;
                r.fireTimeMs = t;
                r.logicalDate = QDateTime::fromMSecsSinceEpoch(t, zone).toString(Qt::ISODate);
                qint64 runId = 0;
                try {
                    runId = RunService::insertRun(tx, r);
                } catch (const Error &e) {
                    // Nothing deployed there (or similar): this fire time is missed, not retried
                    // forever, and the other schedules still fire.
                    spdlog::warn("schedule {} of {}/{}: no run for {}: {}", row.id,
                                 row.project.toStdString(), row.pipeline.toStdString(),
                                 r.logicalDate.toStdString(), e.message().toStdString());
                }
                Sql::exec(tx,
                          QStringLiteral("UPDATE schedules SET last_fire_at = CASE WHEN "
                                         "COALESCE(last_fire_at, 0) > ? THEN last_fire_at ELSE ? "
                                         "END WHERE id = ?"),
                          { t, t, row.id });
                if (runId != 0)
                    fired << Fired { row.id, runId, t,
                                     row.project + QLatin1Char('/') + row.pipeline };
            });
        }
        store.transaction([&](QSqlDatabase &tx) {
            Sql::exec(
                tx,
                QStringLiteral("UPDATE schedules SET last_fire_at = CASE WHEN "
                               "COALESCE(last_fire_at, 0) > ? THEN last_fire_at ELSE ? END "
                               "WHERE id = ?"),
                { all.last(), all.last(), row.id }); // skipped fire times are never looked at again
        });
    }
    return fired;
}

} // namespace Baton
