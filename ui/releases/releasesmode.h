#pragma once

#include "promotedialog.h"
#include "release/releaseworker.h"
#include "widgets/mode.h"

#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTabWidget;
class QTableView;
class QTableWidget;
class QThread;
class QTimer;

namespace Baton {
class Workspace;
}

namespace Baton::Ui {

class DeploymentMatrixModel;
class PromoteDialog;

/// The Releases mode, for release managers (DESIGN.md, "The console's map"): the deployment
/// matrix of a project (versions × environments, last run state, drift, runtime flags,
/// pending approvals), promotion by click with a preview of what changes and every gate,
/// rollback by click, the promotion requests with approve / reject, each row's version
/// history with diffs, and the runtime catalog.
///
/// All reads and writes go through a ReleaseWorker on its own thread; nothing here touches the
/// store or decides a rule (who may promote, what a gate says: core does).
class ReleasesMode : public Mode
{
    Q_OBJECT
public:
    static constexpr int DefaultPollIntervalMs = 5000;

    /// @p workspace must outlive the mode.
    explicit ReleasesMode(Baton::Workspace *workspace, QWidget *parent = nullptr);
    ~ReleasesMode() override;

    DeploymentMatrixModel *matrixModel() const { return m_model; }
    QTableView *matrixView() const { return m_matrix; }
    QComboBox *projectCombo() const { return m_projectCombo; }
    QTableWidget *requestsView() const { return m_requests; }
    QTableWidget *historyView() const { return m_history; }
    QPlainTextEdit *diffView() const { return m_diff; }
    QTableWidget *runtimesView() const { return m_runtimes; }
    QTabWidget *tabs() const { return m_tabs; }
    QPushButton *promoteButton() const { return m_promote; }
    QPushButton *rollbackButton() const { return m_rollback; }
    QPushButton *approveButton() const { return m_approve; }
    QPushButton *rejectButton() const { return m_reject; }
    QPushButton *detectButton() const { return m_detect; }
    /// The promote dialog while it is open.
    PromoteDialog *promoteDialog() const { return m_dialog.data(); }
    bool isLoaded() const { return m_loaded; }
    const Baton::ReleaseSnapshot &snapshot() const { return m_snapshot; }
    QString lastError() const { return m_lastError; }

    /// Shows project @p project's matrix; false when there is none.
    bool setProject(const QString &project);
    /// Selects the cell of job or pipeline @p name in environment @p environment (or its name
    /// cell when @p environment is empty); false when there is no such cell.
    bool selectCell(const QString &name, const QString &environment = {});
    /// Selects request @p id in the requests table.
    bool selectRequest(qint64 id);

    QString id() const override { return QStringLiteral("releases"); }
    QString displayName() const override;
    QIcon icon() const override;
    QKeySequence shortcut() const override;
    /// {"project", "name", "environment"}: that project's matrix, that version's cell.
    void applyContext(const QVariantMap &context) override;
    QWidget *initialFocus() const override;

public Q_SLOTS:
    void refresh();
    /// Opens the promote dialog for the selected row into the selected environment column
    /// (the next one after where the selection stands when a name is selected).
    void promoteSelected();
    /// Asks to confirm (naming the version it goes back to), then rolls the selected cell back
    /// to its previous version.
    void rollbackSelected();
    /// Opens the promote dialog on the selected request: the plan approving it would carry out,
    /// every gate evaluated again; confirming approves it.
    void approveSelected();
    /// Asks for a reason, then rejects the selected request.
    void rejectSelected();
    void detectRuntimes();
    /// Diffs the two selected versions in History (or the selected one against the one before).
    void diffSelected();

Q_SIGNALS:
    void snapshotApplied();
    /// A plan reached the promote dialog.
    void planShown();
    void historyShown();
    void diffShown();
    /// An action changed the workspace; @p message says what.
    void actionFinished(const QString &message);
    void actionFailed(const QString &action, const QString &message);

protected:
    void showEvent(QShowEvent *event) override;
    bool event(QEvent *event) override;

private:
    void onSnapshot(const Baton::ReleaseSnapshot &snapshot);
    void onPlan(const Baton::PromotionPlan &plan);
    void onRollbackPlan(const Baton::RollbackPlan &plan);
    const Baton::PromotionRequest *selectedRequest() const;
    void onHistory(const QString &project, const QString &name,
                   const QList<Baton::VersionInfo> &versions);
    void onDiff(const QString &title, const QStringList &lines);
    void onDone(const QString &message);
    void onFailed(const QString &action, const QString &message);
    void showProject();
    void updateActions();
    void loadHistory();
    QString currentProject() const;

    Baton::ReleaseWorker *m_worker; // lives on m_thread
    QThread *m_thread;
    QTimer *m_timer;
    DeploymentMatrixModel *m_model;
    Baton::ReleaseSnapshot m_snapshot;
    bool m_loaded = false;
    QString m_lastError;
    QString m_historyOf; // "kind:name" whose history is shown

    QComboBox *m_projectCombo;
    QLabel *m_userLabel;
    QPushButton *m_promote;
    QPushButton *m_rollback;
    QPushButton *m_refresh;
    QTableView *m_matrix;
    QLabel *m_legend;
    QTabWidget *m_tabs;
    QTableWidget *m_requests;
    QPushButton *m_approve;
    QPushButton *m_reject;
    QTableWidget *m_history;
    QPushButton *m_diffButton;
    QPlainTextEdit *m_diff;
    QLabel *m_diffTitle;
    QTableWidget *m_runtimes;
    QPushButton *m_detect;
    QLabel *m_message;
    QPointer<PromoteDialog> m_dialog;
    QString m_rollbackAsked; // "kind:project/name:env" whose rollback plan is awaited
};

} // namespace Baton::Ui
