#include "runagain.h"

#include "engine/runretry.h"
#include "rundialog.h"
#include "store/catalog.h"
#include "store/workspace.h"
#include "util/error.h"
#include "widgets/backgroundtask.h"

#include <QWidget>
#include <optional>

namespace Baton::Ui {

namespace {

// What the dialog needs, read together on the worker thread.
struct Loaded
{
    RetryDraft draft;
    ProjectInfo project;
    PipelineInfo pipeline;
};

Loaded load(const QSqlDatabase &db, qint64 runId)
{
    Loaded l;
    l.draft = RunRetry::draft(db, runId);
    std::optional<ProjectInfo> project;
    for (const ProjectInfo &p : Catalog::projects(db)) {
        if (p.name == l.draft.project)
            project = p;
    }
    std::optional<PipelineInfo> pipeline;
    for (const PipelineInfo &p : Catalog::pipelines(db, l.draft.project)) {
        if (p.name == l.draft.pipeline)
            pipeline = p;
    }
    if (!project || !pipeline)
        throw Error(QStringLiteral("run %1: pipeline %2/%3 no longer exists")
                        .arg(runId)
                        .arg(l.draft.project, l.draft.pipeline));
    l.project = *project;
    l.pipeline = *pipeline;
    return l;
}

} // namespace

RunAgain::RunAgain(Baton::Workspace *workspace, QWidget *dialogParent)
    : QObject(dialogParent)
    , m_workspace(workspace)
    , m_dialogParent(dialogParent)
{
    setObjectName(QStringLiteral("runAgain"));
}

RunAgain::~RunAgain() = default;

void RunAgain::open(qint64 runId)
{
    if (m_dialog) {
        m_dialog->raise();
        m_dialog->activateWindow();
        return;
    }
    ++m_pending;
    const Store *store = &m_workspace->store();
    // A read: when this object goes first, its answer is dropped and nothing waits for it.
    BackgroundTask::run(
        this, BackgroundTask::lane(QStringLiteral("run-again")), [this, store, runId] {
            std::optional<Loaded> loaded;
            const QString error = failureOf([&] { loaded = load(store->db(), runId); });
            return [this, loaded, error] {
                --m_pending;
                if (!loaded) {
                    Q_EMIT failed(error);
                    return;
                }
                if (m_dialog)
                    return; // opened meanwhile
                auto *dialog = new RunDialog(loaded->project, loaded->pipeline, m_dialogParent);
                dialog->setAttribute(Qt::WA_DeleteOnClose);
                dialog->setRetryOf(loaded->draft);
                connect(dialog, &QDialog::accepted, this, [this, dialog] { submit(dialog); });
                m_dialog = dialog;
                dialog->open();
                Q_EMIT dialogOpened(dialog);
            };
        });
}

void RunAgain::submit(RunDialog *dialog)
{
    const RetryRequest request = dialog->retryRequest();
    const QString name = dialog->project().name + QLatin1Char('/') + dialog->pipeline().name;
    ++m_pending;
    const Store *store = &m_workspace->store();
    // A write: it runs to the end even when this object goes first (core records it); only
    // the answer is dropped. The lane keeps it behind the read that opened the dialog.
    BackgroundTask::run(
        this, BackgroundTask::lane(QStringLiteral("run-again")), [this, store, request, name] {
            qint64 runId = 0;
            const QString error = failureOf([&] { runId = RunRetry::submit(*store, request); });
            return [this, runId, request, name, error] {
                --m_pending;
                if (runId <= 0) {
                    Q_EMIT failed(error);
                    return;
                }
                Q_EMIT queued(runId, request.runId,
                              tr("run %1 queued: %2 in %3, again from run #%4 with changes")
                                  .arg(runId)
                                  .arg(name, request.environment)
                                  .arg(request.runId));
            };
        });
}

} // namespace Baton::Ui
