#include "scheduleservice.h"

#include "access/auditlog.h"
#include "cronexpression.h"
#include "engine/runservice.h"
#include "schedulefirer.h"
#include "store/settings.h"
#include "store/sql.h"
#include "store/store.h"
#include "util/error.h"

namespace Baton {

namespace {

QString workspaceZone(const QSqlDatabase &db)
{
    return Settings::value(db, QStringLiteral("timezone"));
}

struct Target
{
    qint64 scheduleId = 0;
    QString cron;
    QString zone;
    qint64 pipelineId = 0;
};

Target scheduleOf(const QSqlDatabase &db, const QString &project, const QString &pipeline)
{
    QSqlQuery q = Sql::exec(db,
                            QStringLiteral("SELECT l.id, s.id, s.cron, s.timezone FROM pipelines l "
                                           "JOIN projects p ON p.id = l.project_id LEFT JOIN "
                                           "schedules s ON s.pipeline_id = l.id WHERE p.name = ? "
                                           "AND l.name = ? AND l.archived_at IS NULL"),
                            { project, pipeline });
    if (!q.next())
        throw Error(QStringLiteral("no pipeline %1/%2").arg(project, pipeline));
    if (q.value(1).isNull())
        throw Error(QStringLiteral("pipeline %1/%2 has no schedule").arg(project, pipeline));
    return Target { q.value(1).toLongLong(), q.value(2).toString(), q.value(3).toString(),
                    q.value(0).toLongLong() };
}

} // namespace

QList<ScheduleInfo> ScheduleService::list(const QSqlDatabase &db, int nextCount)
{
    const QString wsZone = workspaceZone(db);
    QList<ScheduleInfo> result;
    QSqlQuery q = Sql::exec(
        db,
        QStringLiteral("SELECT s.id, p.name, l.name, s.cron, s.timezone, s.misfire, s.paused, "
                       "COALESCE(s.last_fire_at, 0), ")
            + ScheduleFirer::environmentSql()
            + QStringLiteral(" FROM schedules s JOIN pipelines l ON l.id = s.pipeline_id "
                             "JOIN projects p ON p.id = l.project_id WHERE l.archived_at IS NULL "
                             "ORDER BY p.name, l.name"));
    const QDateTime now = QDateTime::currentDateTimeUtc();
    while (q.next()) {
        ScheduleInfo s;
        s.id = q.value(0).toLongLong();
        s.project = q.value(1).toString();
        s.pipeline = q.value(2).toString();
        s.cron = q.value(3).toString();
        s.timezone = q.value(4).toString();
        s.misfire = q.value(5).toString();
        s.paused = q.value(6).toBool();
        s.lastFireAt = q.value(7).toLongLong();
        s.environment = q.value(8).toString();
        const QTimeZone zone = ScheduleFirer::zoneFor(s.timezone, wsZone);
        s.effectiveZone = QString::fromUtf8(zone.id());
        QString error;
        const auto cron = CronExpression::parse(s.cron, &error);
        if (cron)
            s.next = cron->nextN(now.toTimeZone(zone), zone, nextCount);
        else
            s.error = error;
        result << s;
    }
    return result;
}

void ScheduleService::setPaused(const Store &store, const QString &project, const QString &pipeline,
                                bool paused, const QString &actor)
{
    store.transaction([&](QSqlDatabase &db) {
        const Target t = scheduleOf(db, project, pipeline);
        const bool was
            = Sql::scalar(db, QStringLiteral("SELECT paused FROM schedules WHERE id = ?"),
                          { t.scheduleId })
                  .toBool();
        // Resuming does not replay what was missed while paused: start from now.
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        if (paused) {
            Sql::exec(
                db, QStringLiteral("UPDATE schedules SET paused = 1, updated_at = ? WHERE id = ?"),
                { now, t.scheduleId });
        } else {
            Sql::exec(db,
                      QStringLiteral("UPDATE schedules SET paused = 0, updated_at = ?, "
                                     "last_fire_at = CASE WHEN COALESCE(last_fire_at, 0) > ? THEN "
                                     "last_fire_at ELSE ? END WHERE id = ?"),
                      { now, now, now, t.scheduleId });
        }
        AuditLog::record(
            db, 0, actor,
            paused ? QStringLiteral("schedule.pause") : QStringLiteral("schedule.resume"),
            { QStringLiteral("schedule"), t.scheduleId, project + QLatin1Char('/') + pipeline },
            { { QStringLiteral("paused"), was } }, { { QStringLiteral("paused"), paused } });
    });
}

QList<qint64> ScheduleService::backfillTimes(const QSqlDatabase &db, const QString &project,
                                             const QString &pipeline, const QDateTime &from,
                                             const QDateTime &to, QTimeZone *zone)
{
    const Target t = scheduleOf(db, project, pipeline);
    QString error;
    const auto cron = CronExpression::parse(t.cron, &error);
    if (!cron)
        throw Error(QStringLiteral("schedule of %1/%2: %3").arg(project, pipeline, error));
    *zone = ScheduleFirer::zoneFor(t.zone, workspaceZone(db));
    if (!from.isValid() || !to.isValid() || to < from)
        throw Error(QStringLiteral("backfill range is empty or reversed (--from %1 --to %2)")
                        .arg(from.toString(Qt::ISODate), to.toString(Qt::ISODate)));
    QList<qint64> times;
    // between() excludes its start: step back a millisecond so `from` itself can fire.
    for (const QDateTime &d : cron->between(from.addMSecs(-1), to, *zone, 100000))
        times << d.toMSecsSinceEpoch();
    return times;
}

qint64 ScheduleService::backfillRun(const Store &store, const QString &project,
                                    const QString &pipeline, const QString &environment,
                                    qint64 fireTimeMs, const QTimeZone &zone, const QString &actor,
                                    bool *created)
{
    qint64 runId = 0;
    *created = false;
    store.transaction([&](QSqlDatabase &db) {
        const Target t = scheduleOf(db, project, pipeline);
        const QVariant existing = Sql::scalar(
            db,
            QStringLiteral("SELECT r.id FROM runs r LEFT JOIN environments e ON e.id = "
                           "r.environment_id WHERE r.pipeline_id = ? AND r.trigger = 'backfill' "
                           "AND r.fire_time = ? AND COALESCE(e.name, '') = ?"),
            { t.pipelineId, fireTimeMs, environment });
        if (existing.isValid()) {
            runId = existing.toLongLong();
            return;
        }
        RunRequest r;
        r.project = project;
        r.pipeline = pipeline;
        r.environment = environment;
        r.trigger = QStringLiteral("backfill");
        r.actor = actor;
        r.fireTimeMs = fireTimeMs;
        r.logicalDate = QDateTime::fromMSecsSinceEpoch(fireTimeMs, zone).toString(Qt::ISODate);
        runId = RunService::insertRun(db, r);
        *created = true;
    });
    return runId;
}

} // namespace Baton
