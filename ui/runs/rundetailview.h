#pragma once

#include "monitoring/rundetail.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QTabWidget;
class QThread;
class QTimer;
class QTreeView;
class QTableView;

namespace Baton {
class RunDetailWatcher;
class Store;
} // namespace Baton

namespace Baton::Ui {

class GanttView;
class LogViewer;
class RunFactsModel;
class RunTasksModel;

/// A run, opened as a tab (DESIGN.md: "a run, a log or a diff opens as a tab"): its header,
/// a Gantt timeline, the tasks with their attempts (exit codes, durations, reasons), the job
/// versions, the variables and parameters (secrets `***`), the metrics, and the log of the
/// selected attempt — live while it runs.
///
/// A RunDetailWatcher on this view's own thread reads the run (never the GUI thread) and sends a
/// new RunDetail only when something changed; the models apply it as one batch.
class RunDetailView : public QWidget
{
    Q_OBJECT
public:
    /// Starts reading @p runId at once; @p store must outlive the view.
    RunDetailView(const Baton::Store *store, qint64 runId, QWidget *parent = nullptr,
                  int pollIntervalMs = 1000);
    ~RunDetailView() override;

    qint64 runId() const { return m_runId; }
    bool isLoaded() const { return m_loaded; }
    const Baton::RunDetail &detail() const;
    /// The last read error ("no run 12"), empty after a good read.
    QString lastError() const { return m_lastError; }
    /// "Run 12 · churn/nightly" for the tab.
    QString title() const;

    QLabel *headerLabel() const { return m_header; }
    GanttView *ganttView() const { return m_gantt; }
    QTreeView *tasksView() const { return m_tasks; }
    RunTasksModel *tasksModel() const { return m_tasksModel; }
    RunFactsModel *versionsModel() const { return m_versions; }
    RunFactsModel *variablesModel() const { return m_variables; }
    RunFactsModel *metricsModel() const { return m_metrics; }
    QTabWidget *sections() const { return m_sections; }
    LogViewer *logViewer() const { return m_log; }
    QComboBox *compareCombo() const { return m_compareCombo; }
    QPushButton *compareButton() const { return m_compareButton; }

    /// Shows @p task's attempt @p attempt in the log pane (0: its latest, following retries).
    void showAttempt(const QString &task, int attempt = 0);
    /// The task and attempt (0: latest) the log pane shows.
    QPair<QString, int> shownAttempt() const { return { m_logTask, m_logAttempt }; }

public Q_SLOTS:
    void refreshNow();

Q_SIGNALS:
    /// A new detail is on screen.
    void detailApplied();
    void loadFailed(const QString &message);
    /// "Compare" was asked for: this run against @p other.
    void compareRequested(qint64 runId, qint64 other);
    /// The log pane's log, opened in a tab of its own; @p live: its attempt still runs.
    void openLogRequested(const QString &path, const QString &title, bool live);

private:
    void onLoaded(const Baton::RunDetail &detail);
    void onFailed(qint64 runId, const QString &message);
    void updateHeader();
    void updateLog();
    void loadSiblings();
    void tick();

    const Baton::Store *m_store;
    qint64 m_runId;
    QThread *m_thread;
    Baton::RunDetailWatcher *m_watcher; // lives on m_thread
    QTimer *m_clock;
    bool m_loaded = false;
    QString m_lastError;

    QLabel *m_header;
    QLabel *m_subheader;
    QLabel *m_error;
    GanttView *m_gantt;
    QTabWidget *m_sections;
    QTreeView *m_tasks;
    RunTasksModel *m_tasksModel;
    RunFactsModel *m_versions;
    RunFactsModel *m_variables;
    RunFactsModel *m_metrics;
    LogViewer *m_log;
    QComboBox *m_compareCombo;
    QPushButton *m_compareButton;
    QPushButton *m_openLogButton;

    QString m_logTask;
    int m_logAttempt = 0;
    QString m_logPath;
    bool m_logLive = false;
};

} // namespace Baton::Ui
