#pragma once

#include "deploymentmatrix.h"
#include "promotion.h"
#include "runtimecatalog.h"
#include "versions.h"

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QStringList>

namespace Baton {

class ChangeMarker;
class Store;

/// Everything the Releases mode shows, read in one go off the GUI thread.
struct ReleaseSnapshot
{
    DeploymentMatrix matrix;
    QList<PromotionRequest> requests; ///< newest first, decided ones too
    QList<RuntimeInfo> runtimes;
    QString user;
    QStringList roles; ///< the user's
    qint64 takenAt = 0;
};

/// What a release target is, as the console names it.
struct ReleaseItem
{
    QString kind; ///< "job" or "pipeline"
    QString project;
    QString name;
};

/// The Releases mode's worker: reads snapshots and carries out promotions, approvals,
/// rejections, rollbacks, diffs and runtime detection on its own thread with its own
/// connection. Move it to a QThread; results come back as queued signals. Every rule is
/// core's (Promotion, Roles, RuntimeCatalog): the worker only calls them as the current user.
/// On a team workspace a commit anywhere (another console's approval) refreshes at once.
class ReleaseWorker : public QObject
{
    Q_OBJECT
public:
    explicit ReleaseWorker(const Store *store, QObject *parent = nullptr);
    QString actor() const { return m_actor; }

public Q_SLOTS:
    void refresh();
    /// Whether the Releases mode is shown (true at first). A commit elsewhere refreshes only
    /// while it is (at most twice a second); one that came while hidden refreshes when shown.
    void setShown(bool shown);
    /// Plans a promotion of @p item to @p toEnvironment (@p version 0: the source's).
    void plan(const QString &kind, const QString &project, const QString &name,
              const QString &toEnvironment, int version);
    void promote(const QString &kind, const QString &project, const QString &name,
                 const QString &toEnvironment, int version, const QString &note);
    /// Plans approving request @p requestId (planReady): the gates evaluated again.
    void planApproval(qint64 requestId);
    void approve(qint64 requestId);
    void reject(qint64 requestId, const QString &reason);
    void rollback(const QString &kind, const QString &project, const QString &name,
                  const QString &environment);
    /// What rolling back would go back to (rollbackPlanReady).
    void planRollback(const QString &kind, const QString &project, const QString &name,
                      const QString &environment);
    /// Versions of one job or pipeline (historyReady).
    void history(const QString &kind, const QString &project, const QString &name);
    /// Diff between two version numbers (0: nothing) of one job or pipeline (diffReady).
    void diff(const QString &kind, const QString &project, const QString &name, int from, int to);
    void detectRuntimes();

Q_SIGNALS:
    void snapshotReady(const Baton::ReleaseSnapshot &snapshot);
    void planReady(const Baton::PromotionPlan &plan);
    void rollbackPlanReady(const Baton::RollbackPlan &plan);
    void historyReady(const QString &project, const QString &name,
                      const QList<Baton::VersionInfo> &versions);
    void diffReady(const QString &title, const QStringList &lines);
    /// An action changed the workspace; @p message says what, for the status bar.
    void actionDone(const QString &message);
    /// @p action failed ("promote", "approve", "plan", …); @p message is core's explanation.
    void failed(const QString &action, const QString &message);

private:
    template<typename F>
    void guarded(const QString &action, F &&work);

    const Store *m_store;
    QString m_actor;
    ChangeMarker *m_marker;
    bool m_shown = true;
    bool m_stale = false; ///< a commit came while hidden
};

} // namespace Baton

Q_DECLARE_METATYPE(Baton::ReleaseSnapshot)
