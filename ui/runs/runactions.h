#pragma once

#include "monitoring/runrow.h"

#include <QList>
#include <QObject>
#include <QString>
#include <functional>
#include <optional>

class QAction;
class QWidget;

namespace Baton {
class Store;
class Workspace;
} // namespace Baton

namespace Baton::Ui {

/// The operator actions of the console, for a selection of runs (cancel, rerun failed, delete
/// from history) or for one task of a run (cancel, retry, mark succeeded / failed). Reusable:
/// the Monitor's runs table uses the run actions, a run's detail the task actions.
///
/// Each QAction has a shortcut (Qt::WidgetWithChildrenShortcut: add the actions to the view
/// they act on) and is enabled by OperatorService's rules for the current selection, so no
/// screen re-derives the state machine. Triggering one asks for confirmation or a reason when
/// it should, then runs OperatorService on a worker thread (the GUI thread never writes to the
/// store) and reports with finished() or failed(). Dialogs go through replaceable handlers, so
/// tests answer them without a modal loop.
class RunActions : public QObject
{
    Q_OBJECT
public:
    /// Yes/no before a destructive action.
    using ConfirmHandler = std::function<bool(const QString &title, const QString &text)>;
    /// A required text (a reason); nullopt when the user gave up.
    using ReasonHandler
        = std::function<std::optional<QString>(const QString &title, const QString &label)>;

    /// @p workspace must outlive this object; @p dialogParent parents the dialogs.
    RunActions(Baton::Workspace *workspace, QWidget *dialogParent);
    ~RunActions() override;

    QAction *cancelRunsAction() const { return m_cancelRuns; }
    QAction *rerunFailedAction() const { return m_rerunFailed; }
    QAction *deleteRunsAction() const { return m_deleteRuns; }
    /// One run selected: asks for a new run made from it (runAgainRequested).
    QAction *runAgainAction() const { return m_runAgain; }
    QAction *cancelTaskAction() const { return m_cancelTask; }
    QAction *retryTaskAction() const { return m_retryTask; }
    QAction *markSucceededAction() const { return m_markSucceeded; }
    QAction *markFailedAction() const { return m_markFailed; }
    QList<QAction *> runActions() const;
    QList<QAction *> taskActions() const;

    /// The runs the run actions apply to (the view's selection).
    void setRuns(const QList<Baton::RunRow> &runs);
    QList<qint64> runIds() const;
    /// The task the task actions apply to; an empty @p task clears it.
    void setTask(qint64 runId, const QString &task, Baton::RunState taskState);

    void setConfirmHandler(ConfirmHandler handler) { m_confirm = std::move(handler); }
    void setReasonHandler(ReasonHandler handler) { m_reason = std::move(handler); }
    /// The reason of the last Mark that was refused, offered again by the next Mark dialog of
    /// the same task (nothing typed is lost); empty once a mark went through.
    QString reasonDraft() const { return m_reasonDraft; }

    /// Actions still on their way to the store.
    int pending() const { return m_pending; }

public Q_SLOTS:
    void cancelRuns();
    void rerunFailed();
    void deleteRuns();
    void cancelTask();
    void retryTask();
    void markSucceeded();
    void markFailed();
    /// Sets the workspace's limit of attempts at once (the max_parallel setting, 0: back to the
    /// default), through core's Settings like `baton settings` (audited), on the worker thread.
    void setWorkspaceLimit(int limit);

Q_SIGNALS:
    /// An action reached the store; @p message says what happened (for the status bar).
    void finished(const QString &message);
    /// An action was refused; @p message is core's explanation.
    void failed(const QString &message);
    /// "Run Again with Changes…" for @p runId: whoever hosts the dialog opens it (RunAgain).
    void runAgainRequested(qint64 runId);

private:
    QAction *createAction(const QString &name, const QString &text, const QIcon &icon,
                          const QKeySequence &shortcut, const QString &tip);
    void updateEnabled();
    void mark(bool succeeded);
    /// Runs @p work on the worker thread; it returns the message for finished() or throws.
    void submit(std::function<QString(const Baton::Store &)> work,
                std::function<void(bool ok)> done = {});

    Baton::Workspace *m_workspace;
    QWidget *m_dialogParent;
    ConfirmHandler m_confirm;
    ReasonHandler m_reason;
    QString m_reasonDraft;
    QString m_reasonDraftFor; // "run/task" the draft was written for
    int m_pending = 0;

    QList<Baton::RunRow> m_runs;
    qint64 m_taskRun = 0;
    QString m_task;
    Baton::RunState m_taskState = Baton::RunState::Queued;

    QAction *m_cancelRuns;
    QAction *m_rerunFailed;
    QAction *m_deleteRuns;
    QAction *m_runAgain;
    QAction *m_cancelTask;
    QAction *m_retryTask;
    QAction *m_markSucceeded;
    QAction *m_markFailed;
};

} // namespace Baton::Ui
