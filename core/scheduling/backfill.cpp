#include "backfill.h"

#include "engine/operatorservice.h"
#include "engine/runservice.h"
#include "model/runstate.h"
#include "scheduleservice.h"
#include "store/store.h"
#include "util/error.h"

#include <QTimer>

namespace Baton {

QDateTime Backfill::parseWhen(const QString &text, const QTimeZone &zone, bool endOfDay,
                              QString *error)
{
    const QString trimmed = text.trimmed();
    const QDate date = QDate::fromString(trimmed, Qt::ISODate);
    if (date.isValid() && trimmed.size() == 10) {
        const QDateTime start(date, QTime(0, 0), zone);
        return endOfDay ? start.addDays(1).addMSecs(-1) : start;
    }
    QDateTime t = QDateTime::fromString(trimmed, Qt::ISODateWithMs);
    if (!t.isValid()) {
        *error = QStringLiteral("'%1' is not a date (YYYY-MM-DD) or an ISO 8601 time").arg(text);
        return {};
    }
    if (t.timeSpec() == Qt::LocalTime)
        t = QDateTime(t.date(), t.time(), zone);
    return t;
}

BackfillPlan Backfill::plan(const QSqlDatabase &db, const BackfillRequest &request)
{
    if (request.maxActive < 1)
        throw Error(QStringLiteral("max_active: expected a whole number ≥ 1, got %1")
                        .arg(request.maxActive));
    BackfillPlan plan;
    plan.project = request.project;
    plan.pipeline = request.pipeline;
    plan.environment = request.environment;
    plan.maxActive = request.maxActive;
    plan.actor = request.actor;
    QString zoneName;
    for (const ScheduleInfo &s : ScheduleService::list(db, 0)) {
        if (s.project == request.project && s.pipeline == request.pipeline) {
            zoneName = s.effectiveZone;
            if (plan.environment.isEmpty())
                plan.environment = s.environment;
        }
    }
    const QTimeZone zone
        = zoneName.isEmpty() ? QTimeZone::systemTimeZone() : QTimeZone(zoneName.toUtf8());
    QString error;
    plan.from = parseWhen(request.from, zone, false, &error);
    if (!plan.from.isValid())
        throw Error(QStringLiteral("from: ") + error);
    plan.to = parseWhen(request.to, zone, true, &error);
    if (!plan.to.isValid())
        throw Error(QStringLiteral("to: ") + error);
    // Names the pipeline, or its missing schedule, when the request has none.
    plan.times = ScheduleService::backfillTimes(db, request.project, request.pipeline, plan.from,
                                                plan.to, &plan.zone);
    return plan;
}

Backfill::Backfill(const Store *store, const BackfillPlan &plan, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_plan(plan)
    , m_timer(new QTimer(this))
{
    qRegisterMetaType<Baton::BackfillProgress>();
    m_progress.total = int(plan.times.size());
    connect(m_timer, &QTimer::timeout, this, &Backfill::step);
}

Backfill::~Backfill() = default;

void Backfill::start(int intervalMs)
{
    m_timer->start(intervalMs);
    step();
}

void Backfill::step()
{
    if (m_stopped)
        return;
    try {
        const QSqlDatabase db = m_store->db();
        QList<qint64> still;
        for (qint64 id : std::as_const(m_active)) {
            const auto s = RunService::runState(db, id);
            if (s && isTerminal(*s)) {
                ++m_progress.finished;
                m_progress.failed += *s == RunState::Succeeded ? 0 : 1;
            } else {
                still << id;
            }
        }
        m_active = still;
        while (m_active.size() < m_plan.maxActive && m_next < m_plan.times.size()) {
            bool created = false;
            const qint64 id = ScheduleService::backfillRun(
                *m_store, m_plan.project, m_plan.pipeline, m_plan.environment,
                m_plan.times.at(m_next++), m_plan.zone, m_plan.actor, &created);
            ++m_progress.created;
            m_progress.resumed += created ? 0 : 1;
            m_active << id;
            m_runs << id;
        }
        m_progress.active = int(m_active.size());
    } catch (const Error &e) {
        stop();
        Q_EMIT failed(e.message());
        return;
    }
    Q_EMIT progressed(m_progress);
    if (m_progress.done()) {
        stop();
        Q_EMIT finished(m_progress);
    }
}

void Backfill::cancel()
{
    if (m_stopped)
        return;
    stop();
    m_progress.cancelled = true;
    try {
        if (!m_active.isEmpty())
            OperatorService::cancelRuns(*m_store, m_active, m_plan.actor);
    } catch (const Error &e) {
        Q_EMIT failed(e.message());
        return;
    }
    Q_EMIT progressed(m_progress);
    Q_EMIT finished(m_progress);
}

void Backfill::stop()
{
    m_stopped = true;
    m_timer->stop();
}

} // namespace Baton
