#pragma once

#include "engine/runservice.h"

#include <QObject>
#include <QPointer>

class QAction;
class QWidget;

namespace Baton {
class Workspace;
}

namespace Baton::Ui {

class PipelinesMode;
class RunDialog;

/// What the Pipelines mode does to the selected pipeline: Pipeline → Run Pipeline… (Ctrl+R)
/// through the run dialog, and Pause / Resume Schedule. Both are written off the GUI thread
/// (one after another on BackgroundTask's "run-submit" lane) and answered with signals.
class PipelineRuns : public QObject
{
    Q_OBJECT
public:
    /// The actions follow @p mode's selection; the run dialog and a refusal's message box open
    /// over @p window. @p workspace must outlive this.
    PipelineRuns(Baton::Workspace *workspace, PipelinesMode *mode, QWidget *window);

    /// Enabled while a pipeline is selected and the mode is shown.
    QAction *runAction() const { return m_runAction; }
    /// Visible for a scheduled pipeline; its text says what a click will do.
    QAction *pauseScheduleAction() const { return m_pauseAction; }
    /// The Run Pipeline dialog while it is open (nullptr otherwise).
    RunDialog *runDialog() const;
    /// Submissions still on their way to the store.
    int pendingRuns() const { return m_pending; }

    /// Queues @p request (an empty actor becomes the current user); answers with runQueued()
    /// or, with a message box, runFailed(). The engine picks the run up.
    void submitRun(const Baton::RunRequest &request);
    /// Pauses or resumes PROJECT/PIPELINE's schedule; answers with scheduleUpdated() or
    /// scheduleUpdateFailed().
    void setSchedulePaused(const QString &project, const QString &pipeline, bool paused);
    /// Whether the mode is on screen, where the selection is in sight.
    void setShown(bool shown);
    /// Whether an engine holds the workspace: a queued run's message says when it starts.
    void setEngineRunning(bool running) { m_engineRunning = running; }

public Q_SLOTS:
    /// Opens the Run Pipeline dialog for the selected pipeline (window-modal, returns at once);
    /// accepting it submits the run.
    void runPipeline();
    void updateActions();

Q_SIGNALS:
    void runQueued(qint64 runId);
    /// @p message is core's explanation.
    void runFailed(const QString &message);
    /// @p pipeline is project/pipeline.
    void scheduleUpdated(const QString &pipeline, bool paused);
    void scheduleUpdateFailed(const QString &message);
    void statusMessage(const QString &message, int timeout);
    /// A run was queued or a schedule changed.
    void wroteWorkspace();

private:
    void onRunQueued(qint64 runId, const Baton::RunRequest &request, const QString &environment);
    void onRunFailed(const Baton::RunRequest &request, const QString &message);

    Baton::Workspace *m_workspace;
    PipelinesMode *m_mode;
    QWidget *m_window;
    QAction *m_runAction;
    QAction *m_pauseAction;
    QPointer<RunDialog> m_dialog;
    int m_pending = 0;
    bool m_shown = false;
    bool m_engineRunning = false;
};

} // namespace Baton::Ui
