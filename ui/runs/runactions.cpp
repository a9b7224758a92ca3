#include "runactions.h"

#include "access/identity.h"
#include "engine/operatorservice.h"
#include "engine/runservice.h"
#include "reasondialog.h"
#include "store/settings.h"
#include "store/workspace.h"
#include "util/error.h"
#include "widgets/actionicons.h"
#include "widgets/backgroundtask.h"
#include "widgets/icons.h"

#include <QAction>
#include <QInputDialog>
#include <QMessageBox>
#include <QWidget>

namespace Baton::Ui {

namespace {

QString runList(const QList<qint64> &ids)
{
    QStringList names;
    for (qsizetype i = 0; i < ids.size() && i < 8; ++i)
        names << QStringLiteral("#%1").arg(ids[i]);
    if (ids.size() > 8)
        names << RunActions::tr("and %1 more").arg(ids.size() - 8);
    return names.join(QStringLiteral(", "));
}

QString runsWord(qsizetype n)
{
    return n == 1 ? RunActions::tr("1 run") : RunActions::tr("%1 runs").arg(n);
}

// "Cancel requested for 2 runs; 1 skipped: run 7: run 7 already finished (succeeded)"
QString describe(const BulkOutcome &outcome, const QString &done)
{
    QString message = done.arg(runsWord(outcome.applied.size()));
    if (!outcome.skipped.isEmpty()) {
        QStringList why;
        for (const auto &[id, reason] : outcome.skipped)
            why << reason;
        message += RunActions::tr("; %1 skipped: %2")
                       .arg(outcome.skipped.size())
                       .arg(why.join(QStringLiteral("; ")));
    }
    return message;
}

} // namespace

RunActions::RunActions(Baton::Workspace *workspace, QWidget *dialogParent)
    : QObject(dialogParent)
    , m_workspace(workspace)
    , m_dialogParent(dialogParent)
{
    Q_ASSERT(workspace);
    setObjectName(QStringLiteral("runActions"));

    m_confirm = [this](const QString &title, const QString &text) {
        return QMessageBox::question(m_dialogParent, title, text,
                                     QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel)
            == QMessageBox::Yes;
    };
    m_reason = [this](const QString &title, const QString &label) -> std::optional<QString> {
        // Validated in the dialog (OK needs a reason); a refused request's text comes back.
        const QString key = QStringLiteral("%1/%2").arg(m_taskRun).arg(m_task);
        ReasonDialog dialog(title, label, m_reasonDraftFor == key ? m_reasonDraft : QString(),
                            m_dialogParent);
        if (dialog.exec() != QDialog::Accepted)
            return std::nullopt;
        return dialog.reason();
    };

    m_cancelRuns = createAction(QStringLiteral("cancelRunsAction"), tr("&Cancel Run"),
                                Icons::cancel(), QKeySequence(Qt::CTRL | Qt::Key_Period),
                                tr("Stop the selected runs: running tasks are killed, queued "
                                   "ones never start"));
    m_rerunFailed = createAction(QStringLiteral("rerunFailedAction"), tr("&Rerun Failed Tasks"),
                                 Icons::retry(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R),
                                 tr("Queue again every task of the selected finished runs that "
                                    "did not succeed"));
    m_deleteRuns = createAction(QStringLiteral("deleteRunsAction"), tr("&Delete from History…"),
                                Icons::remove(), QKeySequence(QKeySequence::Delete),
                                tr("Delete the selected finished runs with their tasks, logs "
                                   "and reviews"));
    m_runAgain = createAction(QStringLiteral("runAgainAction"), tr("Run &Again with Changes…"),
                              Icons::run(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P),
                              tr("Start a new run of this run's pipeline, its environment and "
                                 "parameters prefilled and editable (secrets kept unchanged)"));
    m_cancelTask
        = createAction(QStringLiteral("cancelTaskAction"), tr("Cancel &Task"), Icons::cancel(),
                       QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_K), tr("Stop this task"));
    m_retryTask = createAction(QStringLiteral("retryTaskAction"), tr("Re&try Task"), Icons::retry(),
                               QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_T),
                               tr("Run this task again, and the tasks its failure skipped"));
    m_markSucceeded = createAction(QStringLiteral("markSucceededAction"), tr("Mark &Succeeded…"),
                                   Icons::approve(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S),
                                   tr("Record this task as succeeded, with a reason; the tasks "
                                      "after it are decided again"));
    m_markFailed = createAction(QStringLiteral("markFailedAction"), tr("Mark &Failed…"),
                                Icons::reject(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_F),
                                tr("Record this task as failed, with a reason; the tasks after "
                                   "it are decided again"));
    connect(m_cancelRuns, &QAction::triggered, this, &RunActions::cancelRuns);
    connect(m_rerunFailed, &QAction::triggered, this, &RunActions::rerunFailed);
    connect(m_deleteRuns, &QAction::triggered, this, &RunActions::deleteRuns);
    connect(m_runAgain, &QAction::triggered, this, [this] {
        if (m_runs.size() == 1)
            Q_EMIT runAgainRequested(m_runs.first().id);
    });
    connect(m_cancelTask, &QAction::triggered, this, &RunActions::cancelTask);
    connect(m_retryTask, &QAction::triggered, this, &RunActions::retryTask);
    connect(m_markSucceeded, &QAction::triggered, this, &RunActions::markSucceeded);
    connect(m_markFailed, &QAction::triggered, this, &RunActions::markFailed);
    updateEnabled();
}

RunActions::~RunActions() = default; // an action in flight still lands; its answer is dropped

QAction *RunActions::createAction(const QString &name, const QString &text, const QIcon &icon,
                                  const QKeySequence &shortcut, const QString &tip)
{
    auto *action = new QAction(icon, text, this);
    action->setObjectName(name);
    action->setShortcut(shortcut);
    // Active only where the view holding the selection has focus: no surprise in other modes.
    action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    action->setToolTip(
        QStringLiteral("%1 (%2)").arg(tip, shortcut.toString(QKeySequence::NativeText)));
    action->setStatusTip(tip);
    return action;
}

QList<QAction *> RunActions::runActions() const
{
    return { m_cancelRuns, m_rerunFailed, m_runAgain, m_deleteRuns };
}

QList<QAction *> RunActions::taskActions() const
{
    return { m_cancelTask, m_retryTask, m_markSucceeded, m_markFailed };
}

void RunActions::setRuns(const QList<Baton::RunRow> &runs)
{
    m_runs = runs;
    updateEnabled();
}

QList<qint64> RunActions::runIds() const
{
    QList<qint64> ids;
    for (const RunRow &r : m_runs)
        ids << r.id;
    return ids;
}

void RunActions::setTask(qint64 runId, const QString &task, RunState taskState)
{
    m_taskRun = task.isEmpty() ? 0 : runId;
    m_task = task;
    m_taskState = taskState;
    updateEnabled();
}

void RunActions::updateEnabled()
{
    bool cancel = false;
    bool rerun = false;
    bool remove = false;
    for (const RunRow &r : std::as_const(m_runs)) {
        cancel |= OperatorService::canCancelRun(r.state);
        rerun |= OperatorService::canRerunFailed(r.state);
        remove |= OperatorService::canDeleteRun(r.state);
    }
    m_cancelRuns->setEnabled(cancel);
    m_rerunFailed->setEnabled(rerun);
    m_deleteRuns->setEnabled(remove);
    m_runAgain->setEnabled(m_runs.size() == 1);
    m_cancelRuns->setText(m_runs.size() > 1 ? tr("&Cancel %1 Runs").arg(m_runs.size())
                                            : tr("&Cancel Run"));
    m_deleteRuns->setText(m_runs.size() > 1 ? tr("&Delete %1 Runs…").arg(m_runs.size())
                                            : tr("&Delete from History…"));

    const auto task = m_taskRun > 0 ? std::optional<RunState>(m_taskState) : std::nullopt;
    m_cancelTask->setEnabled(task && OperatorService::canCancelTask(*task));
    m_retryTask->setEnabled(task && OperatorService::canRetryTask(*task));
    m_markSucceeded->setEnabled(task && OperatorService::canMarkTask(*task, RunState::Succeeded));
    m_markFailed->setEnabled(task && OperatorService::canMarkTask(*task, RunState::Failed));
}

void RunActions::submit(std::function<QString(const Baton::Store &)> work,
                        std::function<void(bool ok)> done)
{
    ++m_pending;
    const Store *store = &m_workspace->store();
    // A write: it runs to the end even when this object goes first (core records it); only the
    // answer is dropped. One lane keeps operator actions in the order they were asked.
    QThreadPool *lane = BackgroundTask::lane(QStringLiteral("run-actions"));
    BackgroundTask::run(this, lane, [this, store, work = std::move(work), done = std::move(done)] {
        QString message;
        const QString error = failureOf([&] { message = work(*store); });
        return [this, message, error, done] {
            --m_pending;
            if (done)
                done(error.isEmpty());
            if (error.isEmpty())
                Q_EMIT finished(message);
            else
                Q_EMIT failed(error);
        };
    });
}

void RunActions::setWorkspaceLimit(int limit)
{
    const QString actor = currentUser();
    submit([limit, actor](const Store &store) {
        Settings::set(store, QStringLiteral("max_parallel"),
                      limit > 0 ? QString::number(limit) : QString(), actor);
        return limit > 0 ? tr("Workspace limit set to %n attempt(s) at once", nullptr, limit)
                         : tr("Workspace limit reset to the engine's CPU count");
    });
}

void RunActions::cancelRuns()
{
    QList<qint64> ids;
    for (const RunRow &r : std::as_const(m_runs)) {
        if (OperatorService::canCancelRun(r.state))
            ids << r.id;
    }
    if (ids.isEmpty())
        return;
    if (!m_confirm(tr("Cancel Runs"),
                   tr("Cancel %1 (%2)? Running tasks are stopped, queued ones never start.")
                       .arg(runsWord(ids.size()), runList(ids))))
        return;
    const QString actor = currentUser();
    submit([ids, actor](const Store &store) {
        const BulkOutcome outcome = OperatorService::cancelRuns(store, ids, actor);
        if (outcome.applied.isEmpty())
            throw Error(describe(outcome, tr("Cancel requested for %1")));
        return describe(outcome, tr("Cancel requested for %1"));
    });
}

void RunActions::rerunFailed()
{
    QList<qint64> ids;
    for (const RunRow &r : std::as_const(m_runs)) {
        if (OperatorService::canRerunFailed(r.state))
            ids << r.id;
    }
    if (ids.isEmpty())
        return;
    const QString actor = currentUser();
    submit([ids, actor](const Store &store) {
        const BulkOutcome outcome = OperatorService::rerunFailed(store, ids, actor);
        if (outcome.applied.isEmpty())
            throw Error(describe(outcome, tr("%1 queued again")));
        return describe(outcome, tr("%1 queued again from their failed tasks"));
    });
}

void RunActions::deleteRuns()
{
    QList<qint64> ids;
    for (const RunRow &r : std::as_const(m_runs)) {
        if (OperatorService::canDeleteRun(r.state))
            ids << r.id;
    }
    if (ids.isEmpty())
        return;
    const qsizetype active = m_runs.size() - ids.size();
    QString text = tr("Delete %1 (%2) from history, with their tasks, logs, metrics and "
                      "reviews? This cannot be undone.")
                       .arg(runsWord(ids.size()), runList(ids));
    if (active > 0)
        text += QLatin1Char('\n')
            + tr("%1 of the selection still running %2 kept.")
                  .arg(runsWord(active), active == 1 ? tr("is") : tr("are"));
    if (!m_confirm(tr("Delete Runs"), text))
        return;
    const QString actor = currentUser();
    submit([ids, actor](const Store &store) {
        const BulkOutcome outcome = OperatorService::deleteRuns(store, ids, actor);
        if (outcome.applied.isEmpty())
            throw Error(describe(outcome, tr("Deletion requested for %1")));
        return describe(outcome, tr("Deletion requested for %1"));
    });
}

void RunActions::cancelTask()
{
    if (!m_cancelTask->isEnabled())
        return;
    const qint64 run = m_taskRun;
    const QString task = m_task;
    if (!m_confirm(
            tr("Cancel Task"),
            tr("Cancel task %1 of run #%2? If it is running, it is stopped.").arg(task).arg(run)))
        return;
    const QString actor = currentUser();
    submit([run, task, actor](const Store &store) {
        RunService::requestCancel(store, run, task, actor);
        return tr("Cancel of task %1 of run #%2 requested").arg(task).arg(run);
    });
}

void RunActions::retryTask()
{
    if (!m_retryTask->isEnabled())
        return;
    const qint64 run = m_taskRun;
    const QString task = m_task;
    const QString actor = currentUser();
    submit([run, task, actor](const Store &store) {
        OperatorService::requestRetry(store, run, task, actor);
        return tr("Retry of task %1 of run #%2 requested").arg(task).arg(run);
    });
}

void RunActions::markSucceeded()
{
    mark(true);
}

void RunActions::markFailed()
{
    mark(false);
}

void RunActions::mark(bool succeeded)
{
    if (!(succeeded ? m_markSucceeded : m_markFailed)->isEnabled())
        return;
    const qint64 run = m_taskRun;
    const QString task = m_task;
    const QString state = succeeded ? tr("succeeded") : tr("failed");
    const std::optional<QString> reason
        = m_reason(succeeded ? tr("Mark Task Succeeded") : tr("Mark Task Failed"),
                   tr("Why is task %1 of run #%2 %3? (kept in the audit trail)")
                       .arg(task)
                       .arg(run)
                       .arg(state));
    if (!reason)
        return;
    if (reason->trimmed().isEmpty()) {
        Q_EMIT failed(tr("Task %1 not marked: a reason is required").arg(task));
        return;
    }
    const QString actor = currentUser();
    const RunState target = succeeded ? RunState::Succeeded : RunState::Failed;
    // Kept until the store took it: a refusal must not lose what was typed.
    const QString key = QStringLiteral("%1/%2").arg(run).arg(task);
    m_reasonDraft = *reason;
    m_reasonDraftFor = key;
    submit(
        [run, task, target, reason = *reason, actor, state](const Store &store) {
            OperatorService::requestMark(store, run, task, target, reason, actor);
            return tr("Task %1 of run #%2 to be marked %3").arg(task).arg(run).arg(state);
        },
        [this, key](bool ok) {
            if (ok && m_reasonDraftFor == key) {
                m_reasonDraft.clear();
                m_reasonDraftFor.clear();
            }
        });
}

} // namespace Baton::Ui
