#include "pipelineruns.h"

#include "access/identity.h"
#include "pipelinesmode.h"
#include "runs/rundialog.h"
#include "scheduling/scheduleservice.h"
#include "store/workspace.h"
#include "widgets/backgroundtask.h"
#include "widgets/icons.h"

#include <QAction>
#include <QMessageBox>
#include <QSettings>

namespace Baton::Ui {

namespace {

QString runSettingsKey(const QString &project, const QString &pipeline, const char *what)
{
    return QStringLiteral("runs/%1/%2/%3").arg(project, pipeline, QLatin1String(what));
}

QSettings consoleSettings()
{
    return QSettings(QStringLiteral("Baton"), QStringLiteral("baton"));
}

} // namespace

PipelineRuns::PipelineRuns(Baton::Workspace *workspace, PipelinesMode *mode, QWidget *window)
    : QObject(mode)
    , m_workspace(workspace)
    , m_mode(mode)
    , m_window(window)
    , m_runAction(new QAction(Icons::run(), tr("&Run Pipeline…"), this))
    , m_pauseAction(new QAction(tr("&Pause Schedule"), this))
{
    m_runAction->setObjectName(QStringLiteral("runPipelineAction"));
    m_runAction->setIconText(tr("Run…"));
    m_runAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_runAction->setStatusTip(tr("Run the selected pipeline now, with parameters"));
    connect(m_runAction, &QAction::triggered, this, &PipelineRuns::runPipeline);

    m_pauseAction->setObjectName(QStringLiteral("pauseScheduleAction"));
    m_pauseAction->setStatusTip(tr("Stop or restart the selected pipeline's schedule"));
    connect(m_pauseAction, &QAction::triggered, this, [this] {
        if (const PipelineInfo *p = m_mode->currentPipeline())
            setSchedulePaused(p->project, p->name, !p->schedulePaused);
    });
    connect(m_mode, &PipelinesMode::shownItemChanged, this, &PipelineRuns::updateActions);
    updateActions();
}

RunDialog *PipelineRuns::runDialog() const
{
    return m_dialog.data();
}

void PipelineRuns::setShown(bool shown)
{
    m_shown = shown;
    updateActions();
}

void PipelineRuns::updateActions()
{
    const PipelineInfo *pipeline = m_mode->currentPipeline();
    const bool enabled = pipeline && m_shown;
    m_runAction->setEnabled(enabled);
    // Pause/resume only where there is a schedule; the label says what a click will do.
    const bool scheduled = pipeline && !pipeline->schedule.isEmpty();
    m_pauseAction->setVisible(scheduled);
    m_pauseAction->setEnabled(enabled && scheduled);
    m_pauseAction->setText(scheduled && pipeline->schedulePaused ? tr("Resume &Schedule")
                                                                 : tr("&Pause Schedule"));
    m_pauseAction->setIconText(scheduled && pipeline->schedulePaused ? tr("Resume schedule")
                                                                     : tr("Pause schedule"));
    m_runAction->setToolTip(
        pipeline ? tr("Run %1/%2 now (%3)")
                       .arg(pipeline->project, pipeline->name,
                            m_runAction->shortcut().toString(QKeySequence::NativeText))
                 : tr("Select a pipeline to run it"));
}

void PipelineRuns::runPipeline()
{
    if (m_dialog) {
        m_dialog->raise();
        m_dialog->activateWindow();
        return;
    }
    const PipelineInfo *pipeline = m_mode->currentPipeline();
    const ProjectInfo *project = m_mode->currentProject();
    if (!pipeline || !project)
        return;
    auto *dialog = new RunDialog(*project, *pipeline, m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // Start from the environment and limit used last time for this pipeline; parameter values
    // are not kept (they may be secrets).
    const QSettings settings = consoleSettings();
    dialog->setEnvironment(
        settings.value(runSettingsKey(project->name, pipeline->name, "environment")).toString());
    dialog->setParallelism(
        settings.value(runSettingsKey(project->name, pipeline->name, "parallelism"), 0).toInt());
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const RunRequest request = dialog->request();
        QSettings settings = consoleSettings();
        settings.setValue(runSettingsKey(request.project, request.pipeline, "environment"),
                          request.environment);
        settings.setValue(runSettingsKey(request.project, request.pipeline, "parallelism"),
                          request.parallelism);
        submitRun(request);
    });
    m_dialog = dialog;
    dialog->open();
}

void PipelineRuns::submitRun(const Baton::RunRequest &request)
{
    RunRequest submitted = request;
    if (submitted.actor.isEmpty())
        submitted.actor = currentUser();
    ++m_pending;
    Q_EMIT statusMessage(tr("Queuing a run of %1/%2…").arg(submitted.project, submitted.pipeline),
                         0);
    const Store *store = &m_workspace->store();
    // The store is written on a worker thread (with that thread's own connection), one request
    // after another; the outcome comes back to the GUI thread. A request in flight when the
    // window closes still lands (the console drains jobs before the workspace closes).
    QThreadPool *lane = BackgroundTask::lane(QStringLiteral("run-submit"));
    BackgroundTask::run(this, lane, [this, store, submitted] {
        qint64 runId = 0;
        QString environment = submitted.environment;
        const QString error = failureOf([&] { runId = RunService::createRun(*store, submitted); });
        if (runId > 0) {
            try {
                // An empty environment means the project's first one: name the one it got.
                environment = RunService::run(store->db(), runId).environment;
            } catch (const std::exception &) {
                // The run is queued all the same; the request's name will do.
            }
        }
        return [this, runId, submitted, environment, error] {
            if (error.isEmpty())
                onRunQueued(runId, submitted, environment);
            else
                onRunFailed(submitted, error);
        };
    });
}

void PipelineRuns::setSchedulePaused(const QString &project, const QString &pipeline, bool paused)
{
    const Store *store = &m_workspace->store();
    const QString actor = currentUser();
    // Written on the pool thread like a run request; the answer comes back queued.
    BackgroundTask::run(
        this, BackgroundTask::lane(QStringLiteral("run-submit")),
        [this, store, project, pipeline, paused, actor] {
            const QString error = failureOf(
                [&] { ScheduleService::setPaused(*store, project, pipeline, paused, actor); });
            return [this, project, pipeline, paused, error] {
                const QString name = project + QLatin1Char('/') + pipeline;
                if (!error.isEmpty()) {
                    Q_EMIT statusMessage(tr("Schedule of %1 unchanged: %2").arg(name, error),
                                         20000);
                    Q_EMIT scheduleUpdateFailed(error);
                    return;
                }
                Q_EMIT statusMessage(paused ? tr("Schedule of %1 paused").arg(name)
                                            : tr("Schedule of %1 resumed").arg(name),
                                     20000);
                Q_EMIT scheduleUpdated(name, paused);
                Q_EMIT wroteWorkspace();
            };
        });
}

void PipelineRuns::onRunQueued(qint64 runId, const Baton::RunRequest &request,
                               const QString &environment)
{
    --m_pending;
    QString message = tr("run %1 queued: %2/%3").arg(runId).arg(request.project, request.pipeline);
    if (!environment.isEmpty())
        message += tr(" in %1").arg(environment);
    if (!m_engineRunning)
        message += tr(" — no engine is running yet: it starts when one does");
    Q_EMIT statusMessage(message, 20000);
    Q_EMIT runQueued(runId);
    Q_EMIT wroteWorkspace(); // the run shows in the monitor at once, not at its next tick
}

void PipelineRuns::onRunFailed(const Baton::RunRequest &request, const QString &message)
{
    --m_pending;
    Q_EMIT statusMessage(tr("Run of %1/%2 not queued").arg(request.project, request.pipeline),
                         20000);
    auto *box
        = new QMessageBox(QMessageBox::Warning, tr("Run Not Queued"),
                          tr("%1/%2 could not be queued.").arg(request.project, request.pipeline),
                          QMessageBox::Ok, m_window);
    box->setObjectName(QStringLiteral("runFailedMessage"));
    box->setInformativeText(message);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
    Q_EMIT runFailed(message);
}

} // namespace Baton::Ui
