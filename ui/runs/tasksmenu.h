#pragma once

#include "engine/runservice.h"

#include <QMenu>

namespace Baton {
class Workspace;
}

namespace Baton::Ui {

class RunActions;

/// "Tasks of #N": one submenu per task of a run, each with the task actions of RunActions
/// (retry, cancel, mark succeeded / failed) enabled by the task's state. The tasks are read on
/// a worker thread when setRun() is called, so the menu is ready before anyone opens it; until
/// then it says it is loading.
class TasksMenu : public QMenu
{
    Q_OBJECT
public:
    /// @p workspace and @p actions must outlive the menu.
    TasksMenu(Baton::Workspace *workspace, RunActions *actions, QWidget *parent = nullptr);
    ~TasksMenu() override;

    /// Reads run @p runId's tasks (0: none) and rebuilds the menu when they arrive.
    void setRun(qint64 runId);
    qint64 runId() const { return m_runId; }
    /// The tasks last read, in pipeline order.
    const QList<Baton::TaskRunSummary> &tasks() const { return m_tasks; }

Q_SIGNALS:
    /// The menu shows the tasks of runId().
    void loaded();

private:
    void rebuild();

    Baton::Workspace *m_workspace;
    RunActions *m_actions;
    qint64 m_runId = 0;
    int m_generation = 0;
    QList<Baton::TaskRunSummary> m_tasks;
};

} // namespace Baton::Ui
