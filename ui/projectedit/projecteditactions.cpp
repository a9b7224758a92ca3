#include "projecteditactions.h"

#include "jobdialog.h"
#include "mainwindow/mainwindow.h"
#include "pipelinedialog.h"
#include "pipelines/pipelinesmode.h"
#include "scheduledialog.h"
#include "store/workspace.h"
#include "variablesdialog.h"

#include <QAction>
#include <QMenu>
#include <QMenuBar>
#include <QStatusBar>
#include <QTreeView>

namespace Baton::Ui {

ProjectEditActions::ProjectEditActions(MainWindow *window)
    : QObject(window)
    , m_window(window)
{
    setObjectName(QStringLiteral("projectEditActions"));
    m_newJob = new QAction(tr("New &Job…"), this);
    m_newJob->setObjectName(QStringLiteral("newJobAction"));
    m_newJob->setStatusTip(tr("Create a job in the selected project"));
    connect(m_newJob, &QAction::triggered, this, &ProjectEditActions::newJob);
    m_newPipeline = new QAction(tr("New P&ipeline…"), this);
    m_newPipeline->setObjectName(QStringLiteral("newPipelineAction"));
    m_newPipeline->setStatusTip(tr("Create a pipeline over the project's jobs"));
    connect(m_newPipeline, &QAction::triggered, this, &ProjectEditActions::newPipeline);
    m_schedule = new QAction(tr("Edit S&chedule…"), this);
    m_schedule->setObjectName(QStringLiteral("editScheduleAction"));
    m_schedule->setStatusTip(tr("Cron, time zone and misfire policy of the selected pipeline"));
    connect(m_schedule, &QAction::triggered, this, &ProjectEditActions::editSchedule);
    m_variables = new QAction(tr("&Variables…"), this);
    m_variables->setObjectName(QStringLiteral("variablesAction"));
    m_variables->setStatusTip(tr("The project's, its environments' and pipelines' variables"));
    connect(m_variables, &QAction::triggered, this, &ProjectEditActions::editVariables);

    // The Pipeline menu (the one holding Run Pipeline…).
    for (QAction *menu : window->menuBar()->actions()) {
        if (menu->menu() && menu->menu()->actions().contains(window->runPipelineAction())) {
            menu->menu()->addSeparator();
            menu->menu()->addActions({ m_newJob, m_newPipeline, m_schedule, m_variables });
        }
    }
    // ... and the project tree's context menu.
    QTreeView *tree = window->pipelinesMode()->projectTree();
    tree->addActions({ m_newJob, m_newPipeline, m_schedule, m_variables });
    if (tree->contextMenuPolicy() == Qt::DefaultContextMenu)
        tree->setContextMenuPolicy(Qt::ActionsContextMenu);
    connect(window->pipelinesMode(), &PipelinesMode::shownItemChanged, this,
            &ProjectEditActions::updateActions);
    connect(window, &MainWindow::catalogApplied, this, &ProjectEditActions::updateActions);
    updateActions();
}

EditDialog *ProjectEditActions::dialog() const
{
    return m_dialog.data();
}

void ProjectEditActions::updateActions()
{
    const bool project = m_window->pipelinesMode()->currentProject() != nullptr;
    const bool anyProject = !m_window->pipelinesMode()->snapshot().projects.isEmpty();
    m_newJob->setEnabled(anyProject);
    m_newPipeline->setEnabled(anyProject);
    m_schedule->setEnabled(m_window->pipelinesMode()->currentPipeline() != nullptr);
    m_variables->setEnabled(project);
}

void ProjectEditActions::open(EditDialog *dialog)
{
    if (m_dialog)
        m_dialog->close();
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &EditDialog::saved, this, [this](const QString &summary) {
        m_window->statusBar()->showMessage(summary, 20000);
        m_window->refresh();
    });
    m_dialog = dialog;
    dialog->open();
}

namespace {

QString currentProjectName(MainWindow *w)
{
    const ProjectInfo *p = w->pipelinesMode()->currentProject();
    return p ? p->name : QString();
}

} // namespace

void ProjectEditActions::newJob()
{
    QStringList projects;
    for (const ProjectInfo &p : m_window->pipelinesMode()->snapshot().projects)
        projects << p.name;
    open(new JobDialog(&m_window->workspace()->store(), projects, currentProjectName(m_window),
                       m_window));
}

void ProjectEditActions::newPipeline()
{
    open(new PipelineDialog(&m_window->workspace()->store(), m_window->pipelinesMode()->snapshot(),
                            currentProjectName(m_window), m_window));
}

void ProjectEditActions::editSchedule()
{
    if (const PipelineInfo *p = m_window->pipelinesMode()->currentPipeline())
        open(new ScheduleDialog(&m_window->workspace()->store(), *p, m_window));
}

void ProjectEditActions::editVariables()
{
    const ProjectInfo *project = m_window->pipelinesMode()->currentProject();
    if (!project)
        return;
    QStringList pipelines;
    for (const PipelineInfo &p : m_window->pipelinesMode()->snapshot().pipelines) {
        if (p.project == project->name)
            pipelines << p.name;
    }
    const PipelineInfo *current = m_window->pipelinesMode()->currentPipeline();
    open(new VariablesDialog(&m_window->workspace()->store(), *project, pipelines,
                             current ? current->name : QString(), m_window));
}

} // namespace Baton::Ui
