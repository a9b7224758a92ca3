#include "tasksmenu.h"

#include "engine/operatorservice.h"
#include "runactions.h"
#include "store/workspace.h"
#include "widgets/backgroundtask.h"
#include "widgets/icons.h"

namespace Baton::Ui {

TasksMenu::TasksMenu(Baton::Workspace *workspace, RunActions *actions, QWidget *parent)
    : QMenu(tr("&Tasks"), parent)
    , m_workspace(workspace)
    , m_actions(actions)
{
    setObjectName(QStringLiteral("tasksMenu"));
    setToolTipsVisible(true);
    rebuild();
}

TasksMenu::~TasksMenu() = default; // a read in flight is dropped, not waited for

void TasksMenu::setRun(qint64 runId)
{
    m_runId = runId;
    const int generation = ++m_generation;
    m_tasks.clear();
    rebuild();
    if (runId == 0)
        return;
    const Store *store = &m_workspace->store();
    BackgroundTask::run(
        this, BackgroundTask::lane(QStringLiteral("tasks-menu")),
        [store, runId] {
            try {
                return RunService::taskStates(store->db(), runId);
            } catch (const std::exception &) {
                return QList<TaskRunSummary> {}; // a run deleted meanwhile has no tasks
            }
        },
        [this, generation](const QList<TaskRunSummary> &tasks) {
            if (generation != m_generation)
                return; // another run is selected now
            m_tasks = tasks;
            rebuild();
            Q_EMIT loaded();
        });
}

void TasksMenu::rebuild()
{
    clear();
    setTitle(m_runId > 0 ? tr("&Tasks of #%1").arg(m_runId) : tr("&Tasks"));
    setEnabled(m_runId > 0);
    if (m_runId > 0 && m_tasks.isEmpty()) {
        addAction(tr("Reading the tasks…"))->setEnabled(false);
        return;
    }
    for (const TaskRunSummary &task : std::as_const(m_tasks)) {
        const RunState state = task.state;
        QMenu *menu = addMenu(Icons::stateDot(state),
                              QStringLiteral("%1 — %2").arg(task.name, stateLabel(task.state)));
        menu->setObjectName(QStringLiteral("task:") + task.name);
        if (!task.wait.text.isEmpty()) {
            // A queued task says why it waits (core's rule), on hover and atop its actions.
            menu->menuAction()->setToolTip(task.wait.text);
            QAction *why = menu->addAction(task.wait.text);
            why->setObjectName(QStringLiteral("waitReason"));
            why->setEnabled(false);
            menu->addSeparator();
        }
        const qint64 run = m_runId;
        const QString name = task.name;
        // The same actions (texts, icons, rules, dialogs) as anywhere else, aimed at this task.
        const auto add = [&](QAction *source, bool enabled, void (RunActions::*slot)()) {
            QAction *a = menu->addAction(source->icon(), source->text());
            a->setObjectName(source->objectName());
            a->setEnabled(enabled);
            connect(a, &QAction::triggered, m_actions, [this, run, name, state, slot] {
                m_actions->setTask(run, name, state);
                (m_actions->*slot)();
            });
        };
        add(m_actions->retryTaskAction(), OperatorService::canRetryTask(state),
            &RunActions::retryTask);
        add(m_actions->cancelTaskAction(), OperatorService::canCancelTask(state),
            &RunActions::cancelTask);
        add(m_actions->markSucceededAction(),
            OperatorService::canMarkTask(state, RunState::Succeeded), &RunActions::markSucceeded);
        add(m_actions->markFailedAction(), OperatorService::canMarkTask(state, RunState::Failed),
            &RunActions::markFailed);
    }
}

} // namespace Baton::Ui
