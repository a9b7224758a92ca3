#pragma once

#include "monitoring/runrow.h"
#include "widgets/mode.h"

#include <QWidget>

class QAction;
class QComboBox;
class QLabel;
class QLineEdit;
class QSplitter;
class QTableView;
class QTreeView;

namespace Baton {
class Workspace;
}

namespace Baton::Ui {

class ReviewHistoryModel;
class ReviewPanel;
class RunDetailView;
class RunsFilterModel;
class RunsTableModel;

/// The Review mode, for data stewards (DESIGN.md, "The console's map"): finished runs awaiting
/// review (or approved, rejected, all), the review panel of the selected run, and the latest
/// sign-offs over every run. The runs come from the Monitor's model (one polling thread for
/// the console); sign-offs are read on a worker thread.
///
/// The queue lists the newest run first and sorts by any column. Opening a run (double-click,
/// Enter, the context menu) shows its detail — the run detail view of a run tab: versions,
/// parameters, metrics, logs — in place, between the queue and the sign-off; it then follows
/// the current run down the queue. Several runs selected are signed off together.
class ReviewMode : public Mode
{
    Q_OBJECT
public:
    /// What the runs list shows.
    enum Scope { AwaitingReview, Approved, Rejected, AllFinished };
    Q_ENUM(Scope)

    /// @p workspace and @p runs must outlive the mode.
    ReviewMode(Baton::Workspace *workspace, RunsTableModel *runs, QWidget *parent = nullptr);
    ~ReviewMode() override;

    Scope scope() const;
    void setScope(Scope scope);
    RunsFilterModel *runsFilter() const { return m_filter; }
    QTableView *runsView() const { return m_table; }
    ReviewPanel *reviewPanel() const { return m_panel; }
    ReviewHistoryModel *signOffsModel() const { return m_signOffs; }
    QComboBox *scopeCombo() const { return m_scopeCombo; }
    /// Selects run @p id (widening the scope to every finished run if needed); false when the
    /// console does not track it.
    bool selectRun(qint64 id);
    qint64 currentRun() const;
    /// The selected runs, in the queue's order.
    QList<qint64> selectedRuns() const;
    /// The run detail shown in place, or nullptr while none is open.
    RunDetailView *openedRun() const { return m_detail; }
    QAction *openRunAction() const { return m_openAction; }
    QAction *openInTabAction() const { return m_openInTabAction; }
    QAction *closeRunAction() const { return m_closeAction; }

    QString id() const override { return QStringLiteral("review"); }
    QString displayName() const override;
    QIcon icon() const override;
    QKeySequence shortcut() const override;
    /// {"run": id} selects that run in the queue.
    void applyContext(const QVariantMap &context) override;
    QWidget *initialFocus() const override;

public Q_SLOTS:
    /// Reads the latest sign-offs again.
    void refreshSignOffs();
    /// Shows run @p id's detail in place (selecting it in the queue when listed).
    void openRun(qint64 id);
    /// Hides the run detail shown in place.
    void closeRun();
    /// Feeds a batch from the run monitor: a review written elsewhere (another console, the
    /// CLI) refreshes the sign-off history while the mode is shown.
    void onRunsChanged(const Baton::RunsDelta &delta);

Q_SIGNALS:
    /// A note or sign-off was written from this mode.
    void reviewed(qint64 runId);
    /// The sign-off history was read.
    void signOffsLoaded();
    /// Run @p id asked for in a tab of its own.
    void openRunRequested(qint64 id);
    /// Forwarded from the run detail shown in place (the main window opens these as tabs).
    void compareRequested(qint64 runId, qint64 other);
    void openLogRequested(const QString &path, const QString &title, bool live);

protected:
    void showEvent(QShowEvent *event) override;

private:
    void applyScope();
    void updateCurrent();
    void updateCount();
    void showDetail(qint64 id);

    Baton::Workspace *m_workspace;
    RunsTableModel *m_runs;
    RunsFilterModel *m_filter;
    ReviewHistoryModel *m_signOffs;
    QComboBox *m_scopeCombo;
    QLineEdit *m_search;
    QLabel *m_count;
    QTableView *m_table;
    ReviewPanel *m_panel;
    QSplitter *m_top;
    QWidget *m_detailBox;
    RunDetailView *m_detail = nullptr;
    QAction *m_openAction;
    QAction *m_openInTabAction;
    QAction *m_closeAction;
    QTreeView *m_signOffsView;
    QSplitter *m_splitter;
    bool m_signOffsInFlight = false;
    bool m_signOffsAgain = false; // asked again while a read was in flight
    bool m_signOffsStale = false; // a review moved while hidden
    qint64 m_reviewMark = 0; // the latest review_updated_at seen
};

} // namespace Baton::Ui
