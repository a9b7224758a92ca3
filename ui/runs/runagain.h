#pragma once

#include <QObject>
#include <QPointer>
#include <QString>

class QWidget;

namespace Baton {
class Workspace;
} // namespace Baton

namespace Baton::Ui {

class RunDialog;

/// "Run Again with Changes…": reads a run's draft (core's RunRetry, off the GUI thread), opens
/// the run dialog prefilled with it, and queues the new run the dialog describes (RunRetry::
/// submit, off the GUI thread). One dialog at a time; asking again raises it.
class RunAgain : public QObject
{
    Q_OBJECT
public:
    /// @p workspace must outlive this object; @p dialogParent parents the dialog.
    RunAgain(Baton::Workspace *workspace, QWidget *dialogParent);
    ~RunAgain() override;

    void open(qint64 runId);
    /// The open dialog, if any.
    RunDialog *dialog() const { return m_dialog.data(); }
    /// Reads and submissions still on their way.
    int pending() const { return m_pending; }

Q_SIGNALS:
    void dialogOpened(Baton::Ui::RunDialog *dialog);
    /// The new run @p runId, made from @p fromRun, is queued; @p message says so for people.
    void queued(qint64 runId, qint64 fromRun, const QString &message);
    /// The run could not be read, or the new run was refused: core's explanation.
    void failed(const QString &message);

private:
    void submit(RunDialog *dialog);

    Baton::Workspace *m_workspace;
    QWidget *m_dialogParent;
    QPointer<RunDialog> m_dialog;
    int m_pending = 0;
};

} // namespace Baton::Ui
