#include "releaseworker.h"

#include "access/identity.h"
#include "access/roles.h"
#include "store/changemarker.h"
#include "store/store.h"
#include "util/error.h"

#include <QDateTime>

namespace Baton {

ReleaseWorker::ReleaseWorker(const Store *store, QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_actor(currentUser())
    , m_marker(new ChangeMarker(store, this))
{
    // The matrix reads every cell's last run: a busy engine's commits refresh it twice a second
    // at most, and not at all while nobody looks.
    m_marker->setMinimumGap(500);
    connect(m_marker, &ChangeMarker::changed, this, [this] {
        if (m_shown)
            refresh();
        else
            m_stale = true;
    });
    qRegisterMetaType<Baton::ReleaseSnapshot>();
    qRegisterMetaType<Baton::PromotionPlan>();
    qRegisterMetaType<Baton::RollbackPlan>();
    qRegisterMetaType<QList<Baton::VersionInfo>>();
}

template<typename F>
void ReleaseWorker::guarded(const QString &action, F &&work)
{
    try {
        work();
    } catch (const Error &e) {
        Q_EMIT failed(action, e.message());
    } catch (const std::exception &e) {
        Q_EMIT failed(action, QString::fromLocal8Bit(e.what()));
    }
}

void ReleaseWorker::setShown(bool shown)
{
    m_shown = shown;
    if (shown && m_stale)
        refresh();
}

void ReleaseWorker::refresh()
{
    m_stale = false;
    guarded(QStringLiteral("refresh"), [&] {
        ReleaseSnapshot s;
        const QSqlDatabase db = m_store->db();
        m_marker->read(db); // listens on this connection (again after a reconnect)
        s.matrix = DeploymentMatrix::read(db);
        s.requests = Promotion::requests(db, false, 50);
        s.runtimes = RuntimeCatalog::list(db);
        s.user = m_actor;
        s.roles = Roles::of(db, m_actor);
        s.takenAt = QDateTime::currentMSecsSinceEpoch();
        Q_EMIT snapshotReady(s);
    });
}

void ReleaseWorker::plan(const QString &kind, const QString &project, const QString &name,
                         const QString &toEnvironment, int version)
{
    guarded(QStringLiteral("plan"), [&] {
        const ReleaseTarget t = ReleaseTarget::resolve(m_store->db(), project, name, kind);
        Q_EMIT planReady(Promotion::plan(*m_store, t, toEnvironment, version, m_actor));
    });
}

void ReleaseWorker::promote(const QString &kind, const QString &project, const QString &name,
                            const QString &toEnvironment, int version, const QString &note)
{
    guarded(QStringLiteral("promote"), [&] {
        const ReleaseTarget t = ReleaseTarget::resolve(m_store->db(), project, name, kind);
        const PromotionOutcome o
            = Promotion::promote(*m_store, t, toEnvironment, version, m_actor, note);
        Q_EMIT actionDone(o.promoted
                              ? tr("Promoted %1 v%2 to %3")
                                    .arg(t.fullName())
                                    .arg(o.plan.version)
                                    .arg(toEnvironment)
                              : tr("Request %1 filed: %2 v%3 to %4 waits for a second release "
                                   "manager")
                                    .arg(o.requestId)
                                    .arg(t.fullName())
                                    .arg(o.plan.version)
                                    .arg(toEnvironment));
        refresh();
    });
}

void ReleaseWorker::planApproval(qint64 requestId)
{
    guarded(QStringLiteral("plan"),
            [&] { Q_EMIT planReady(Promotion::planApproval(*m_store, requestId, m_actor)); });
}

void ReleaseWorker::approve(qint64 requestId)
{
    guarded(QStringLiteral("approve"), [&] {
        const PromotionOutcome o = Promotion::approve(*m_store, requestId, m_actor);
        Q_EMIT actionDone(tr("Approved request %1: %2 v%3 now runs in %4")
                              .arg(requestId)
                              .arg(o.plan.target.fullName())
                              .arg(o.plan.version)
                              .arg(o.plan.to.name));
        refresh();
    });
}

void ReleaseWorker::reject(qint64 requestId, const QString &reason)
{
    guarded(QStringLiteral("reject"), [&] {
        Promotion::reject(*m_store, requestId, m_actor, reason);
        Q_EMIT actionDone(tr("Rejected request %1").arg(requestId));
        refresh();
    });
}

void ReleaseWorker::rollback(const QString &kind, const QString &project, const QString &name,
                             const QString &environment)
{
    guarded(QStringLiteral("rollback"), [&] {
        const ReleaseTarget t = ReleaseTarget::resolve(m_store->db(), project, name, kind);
        const RollbackPlan p = Promotion::rollback(*m_store, t, environment, m_actor);
        Q_EMIT actionDone(tr("Rolled back %1 in %2: v%3 → v%4")
                              .arg(t.fullName(), environment)
                              .arg(p.current.version)
                              .arg(p.previous.version));
        refresh();
    });
}

void ReleaseWorker::planRollback(const QString &kind, const QString &project, const QString &name,
                                 const QString &environment)
{
    guarded(QStringLiteral("rollback plan"), [&] {
        const QSqlDatabase db = m_store->db();
        const ReleaseTarget t = ReleaseTarget::resolve(db, project, name, kind);
        Q_EMIT rollbackPlanReady(Promotion::rollbackPlan(db, t, environment));
    });
}

void ReleaseWorker::history(const QString &kind, const QString &project, const QString &name)
{
    guarded(QStringLiteral("history"), [&] {
        const ReleaseTarget t = ReleaseTarget::resolve(m_store->db(), project, name, kind);
        Q_EMIT historyReady(project, name, Versions::list(m_store->db(), t));
    });
}

void ReleaseWorker::diff(const QString &kind, const QString &project, const QString &name, int from,
                         int to)
{
    guarded(QStringLiteral("diff"), [&] {
        const QSqlDatabase db = m_store->db();
        const ReleaseTarget t = ReleaseTarget::resolve(db, project, name, kind);
        const VersionDiff d = VersionDiff::compute(db, t, from ? Versions::idOf(db, t, from) : 0,
                                                   to ? Versions::idOf(db, t, to) : 0);
        Q_EMIT diffReady(tr("%1 → %2").arg(d.fromLabel, d.toLabel), d.toLines().mid(1));
    });
}

void ReleaseWorker::detectRuntimes()
{
    guarded(QStringLiteral("detect"), [&] {
        const QList<DetectedRuntime> found = RuntimeCatalog::detect();
        RuntimeCatalog::record(*m_store, QStringLiteral("local"), found, m_actor);
        Q_EMIT actionDone(tr("Detected %1 runtime(s) on this host").arg(found.size()));
        refresh();
    });
}

} // namespace Baton
