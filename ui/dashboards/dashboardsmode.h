#pragma once

#include "monitoring/alertrules.h"
#include "monitoring/dashboardqueries.h"
#include "widgets/mode.h"

#include <QWidget>

class QLabel;
class QPushButton;
class QTabWidget;
class QTableWidget;
class QThread;

namespace Baton {
class DashboardWorker;
class Workspace;
} // namespace Baton

namespace Baton::Ui {

class MetricsDashboard;
class OperationsDashboard;

/// The Dashboards mode (DESIGN.md, "The console's map"): operations charts, business metrics
/// by version, and the alerts their rules raised. It owns a DashboardWorker on its own thread
/// (the polling thread of this mode); every chart draws the worker's snapshots. A drill-down
/// (a clicked point or bar) lists the runs behind it below the charts; opening one asks the
/// main window to show it in Monitor.
class DashboardsMode : public Mode
{
    Q_OBJECT
public:
    static constexpr int DefaultPollIntervalMs = 3000;

    /// Starts polling @p workspace at once; @p workspace must outlive the mode.
    explicit DashboardsMode(Baton::Workspace *workspace, QWidget *parent = nullptr,
                            int pollIntervalMs = DefaultPollIntervalMs);
    ~DashboardsMode() override;

    QString id() const override { return QStringLiteral("dashboards"); }
    QString displayName() const override;
    /// The rail icon of this mode.
    QIcon icon() const override;
    QKeySequence shortcut() const override;
    /// {"alerts": true} shows the alerts.
    void applyContext(const QVariantMap &context) override;

    OperationsDashboard *operations() const { return m_operations; }
    MetricsDashboard *metrics() const { return m_metrics; }
    QTabWidget *tabs() const { return m_tabs; }
    QTableWidget *alertsTable() const { return m_alertsTable; }
    QTableWidget *runsTable() const { return m_runsTable; }
    QLabel *runsTitle() const { return m_runsTitle; }
    QLabel *alertBanner() const { return m_banner; }
    int openAlerts() const { return m_open.size(); }
    const QList<Baton::AlertFiring> &recentAlerts() const { return m_recent; }

public Q_SLOTS:
    void refreshNow();
    /// Lists the runs behind @p query under the charts.
    void showRuns(const Baton::RunsQuery &query);
    void showAlerts();

Q_SIGNALS:
    /// A run in a drill-down list (or behind a metric point) was opened.
    void openRunRequested(qint64 runId);
    /// Firing, unacknowledged alerts: the rail badge.
    void openAlertsChanged(int count);
    /// New firings since the last poll: the notification.
    void alertsFired(const QList<Baton::AlertFiring> &fired);
    void operationsApplied();
    void metricsApplied();
    void runsListed();
    void pollFailed(const QString &message);

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;
    bool event(QEvent *event) override;

private:
    QWidget *createAlertsPage();
    void onAlerts(const QList<Baton::AlertFiring> &open, const QList<Baton::AlertFiring> &recent);
    void onAlertsFired(const QList<Baton::AlertFiring> &fired);
    void onRuns(const Baton::RunsQuery &query, const QList<Baton::RunBrief> &runs);

    Baton::Workspace *m_workspace;
    QThread *m_thread;
    Baton::DashboardWorker *m_worker;
    QLabel *m_banner;
    QTabWidget *m_tabs;
    OperationsDashboard *m_operations;
    MetricsDashboard *m_metrics;
    QTableWidget *m_alertsTable = nullptr;
    QPushButton *m_acknowledge = nullptr;
    QPushButton *m_alertRuns = nullptr;
    QWidget *m_runsPanel;
    QLabel *m_runsTitle;
    QTableWidget *m_runsTable;
    QList<Baton::AlertFiring> m_open;
    QList<Baton::AlertFiring> m_recent;
};

} // namespace Baton::Ui
