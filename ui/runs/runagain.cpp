#include "runagain.h"

#include "engine/runretry.h"
#include "rundialog.h"
#include "store/catalog.h"
#include "store/workspace.h"
#include "util/error.h"

#include <QThreadPool>
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

QString errorText(const std::exception &e)
{
    if (const auto *error = dynamic_cast<const Error *>(&e))
        return error->message();
    return QString::fromLocal8Bit(e.what());
}

} // namespace

RunAgain::RunAgain(Baton::Workspace *workspace, QWidget *dialogParent)
    : QObject(dialogParent)
    , m_workspace(workspace)
    , m_dialogParent(dialogParent)
    , m_pool(new QThreadPool(this))
{
    setObjectName(QStringLiteral("runAgain"));
    m_pool->setObjectName(QStringLiteral("baton-run-again"));
    m_pool->setMaxThreadCount(1);
}

RunAgain::~RunAgain()
{
    // A read or submission in flight reports here: let it land.
    m_pool->waitForDone();
}

void RunAgain::open(qint64 runId)
{
    if (m_dialog) {
        m_dialog->raise();
        m_dialog->activateWindow();
        return;
    }
    ++m_pending;
    const Store *store = &m_workspace->store();
    m_pool->start([this, store, runId] {
        std::optional<Loaded> loaded;
        QString error;
        try {
            loaded = load(store->db(), runId);
        } catch (const std::exception &e) {
            error = errorText(e);
        }
        QMetaObject::invokeMethod(
            this,
            [this, loaded, error] {
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
            },
            Qt::QueuedConnection);
    });
}

void RunAgain::submit(RunDialog *dialog)
{
    const RetryRequest request = dialog->retryRequest();
    const QString name = dialog->project().name + QLatin1Char('/') + dialog->pipeline().name;
    ++m_pending;
    const Store *store = &m_workspace->store();
    m_pool->start([this, store, request, name] {
        qint64 runId = 0;
        QString error;
        try {
            runId = RunRetry::submit(*store, request);
        } catch (const std::exception &e) {
            error = errorText(e);
        }
        QMetaObject::invokeMethod(
            this,
            [this, runId, request, name, error] {
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
            },
            Qt::QueuedConnection);
    });
}

} // namespace Baton::Ui
