#pragma once

#include "access/reviewservice.h"
#include "monitoring/runrow.h"

#include <QWidget>

class QAction;
class QLabel;
class QPlainTextEdit;
class QToolButton;
class QTreeView;

namespace Baton {
class Workspace;
}

namespace Baton::Ui {

class ReviewHistoryModel;

/// The review of one run, for data stewards: its review state, the history of notes and
/// sign-offs, and a box to add a note or sign the run off as approved or rejected (a rejection
/// needs a comment). Reusable: the Review mode shows it beside its list, a run's detail can
/// embed it. History is read and reviews written on a worker thread; the panel answers with
/// reviewed() or failed().
class ReviewPanel : public QWidget
{
    Q_OBJECT
public:
    /// @p workspace must outlive the panel.
    explicit ReviewPanel(Baton::Workspace *workspace, QWidget *parent = nullptr);
    ~ReviewPanel() override;

    /// Shows run @p run (id 0: none). Its history is read again when the run's review moved.
    void setRun(const Baton::RunRow &run);
    qint64 runId() const { return m_run.id; }
    /// Several runs at once (the Review queue's multi-selection): Approve and Reject sign each
    /// of them off with the one comment (ReviewService::signOffMany); notes stay per run. One
    /// run or none is setRun().
    void setRuns(const QList<Baton::RunRow> &runs);
    /// The runs a sign-off applies to: the bulk selection, or the one run shown.
    QList<qint64> runIds() const;
    bool isBulk() const { return !m_bulk.isEmpty(); }

    ReviewHistoryModel *historyModel() const { return m_model; }
    QPlainTextEdit *commentEdit() const { return m_comment; }
    QAction *annotateAction() const { return m_annotate; }
    QAction *approveAction() const { return m_approve; }
    QAction *rejectAction() const { return m_reject; }
    QLabel *stateLabel() const { return m_state; }
    /// The last error, empty after a good read or write.
    QString lastError() const { return m_lastError; }
    /// Reads or writes still in flight.
    int pending() const { return m_pending; }

public Q_SLOTS:
    void annotate();
    void approve();
    void reject();
    /// Reads the history again.
    void reload();

Q_SIGNALS:
    /// A note or sign-off on @p runId reached the store.
    void reviewed(qint64 runId);
    /// The history of the shown run was read.
    void historyLoaded();
    void failed(const QString &message);

private:
    void submit(int kind);
    void updateHeader();
    void updateEnabled();
    void showError(const QString &message);

    Baton::Workspace *m_workspace;
    ReviewHistoryModel *m_model;
    Baton::RunRow m_run;
    QList<Baton::RunRow> m_bulk; // two or more runs signed off together
    int m_generation = 0; // drops answers about a run no longer shown
    int m_pending = 0;
    QString m_lastError;

    QLabel *m_title;
    QLabel *m_state;
    QTreeView *m_history;
    QPlainTextEdit *m_comment;
    QLabel *m_error;
    QAction *m_annotate;
    QAction *m_approve;
    QAction *m_reject;
};

} // namespace Baton::Ui
