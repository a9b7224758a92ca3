#pragma once

#include "monitoring/dashboardqueries.h"

#include <QWidget>

class QBarCategoryAxis;
class QBarSeries;
class QComboBox;
class QDateTimeAxis;
class QHorizontalBarSeries;
class QHorizontalStackedBarSeries;
class QLabel;
class QLineSeries;
class QScatterSeries;
class QValueAxis;

namespace Baton::Ui {

class ChartPanel;

/// The Operations dashboard: success rate per day, run durations p50/p95 (per pipeline, trend,
/// per job), failures by job, runs per environment, what runs and waits now, and schedule
/// lateness, for a time range, project and environment. It only draws OperationsSnapshot
/// values (built by core on the dashboard worker); clicking a point or a bar asks for the runs
/// behind it with drillDown().
class OperationsDashboard : public QWidget
{
    Q_OBJECT
public:
    explicit OperationsDashboard(QWidget *parent = nullptr);

    /// The filter the bar shows (time range from now, project, environment, pipeline).
    Baton::DashboardFilter filter() const;
    const Baton::OperationsSnapshot &snapshot() const { return m_snapshot; }

    QComboBox *rangeCombo() const { return m_range; }
    QComboBox *projectCombo() const { return m_project; }
    QComboBox *environmentCombo() const { return m_environment; }
    QComboBox *pipelineCombo() const { return m_pipeline; }
    ChartPanel *successPanel() const { return m_successPanel; }
    ChartPanel *durationPanel() const { return m_durationPanel; }
    ChartPanel *jobPanel() const { return m_jobPanel; }
    ChartPanel *failuresPanel() const { return m_failuresPanel; }
    ChartPanel *environmentPanel() const { return m_environmentPanel; }
    ChartPanel *activePanel() const { return m_activePanel; }
    ChartPanel *latenessPanel() const { return m_latenessPanel; }
    QList<ChartPanel *> panels() const;

    /// The query a click on day @p index of the success chart makes (for tests and keyboard).
    Baton::RunsQuery dayQuery(int index) const;
    Baton::RunsQuery failuresQuery(int index) const;
    Baton::RunsQuery environmentQuery(int index, bool failedOnly) const;

public Q_SLOTS:
    void applySnapshot(const Baton::OperationsSnapshot &snapshot);

Q_SIGNALS:
    void filterChanged(const Baton::DashboardFilter &filter);
    void drillDown(const Baton::RunsQuery &query);

private:
    QWidget *createFilterBar();
    void createCharts();
    void refill(QComboBox *combo, const QStringList &items);
    void emitFilter();
    Baton::RunsQuery baseQuery(const QString &title) const;
    int dayIndexAt(qreal x) const;

    QComboBox *m_range;
    QComboBox *m_project;
    QComboBox *m_environment;
    QComboBox *m_pipeline;
    QLabel *m_summary;

    ChartPanel *m_successPanel = nullptr;
    QLineSeries *m_successLine = nullptr;
    QScatterSeries *m_successPoints = nullptr;
    QDateTimeAxis *m_successX = nullptr;
    ChartPanel *m_durationPanel = nullptr;
    QLineSeries *m_p50 = nullptr;
    QLineSeries *m_p95 = nullptr;
    QScatterSeries *m_durationPoints = nullptr;
    QList<QLineSeries *> m_jobTrend; // p50 per day of each job of the pipeline (dotted)
    QDateTimeAxis *m_durationX = nullptr;
    QValueAxis *m_durationY = nullptr;
    ChartPanel *m_jobPanel = nullptr;
    QBarSeries *m_jobBars = nullptr;
    QBarCategoryAxis *m_jobAxis = nullptr;
    QValueAxis *m_jobY = nullptr;
    ChartPanel *m_failuresPanel = nullptr;
    QHorizontalBarSeries *m_failureBars = nullptr;
    QBarCategoryAxis *m_failureAxis = nullptr;
    QValueAxis *m_failureX = nullptr;
    ChartPanel *m_environmentPanel = nullptr;
    QBarSeries *m_environmentBars = nullptr;
    QBarCategoryAxis *m_environmentAxis = nullptr;
    QValueAxis *m_environmentY = nullptr;
    ChartPanel *m_activePanel = nullptr;
    QHorizontalStackedBarSeries *m_activeBars = nullptr;
    QBarCategoryAxis *m_activeAxis = nullptr;
    QValueAxis *m_activeX = nullptr;
    ChartPanel *m_latenessPanel = nullptr;
    QLineSeries *m_lateAverage = nullptr;
    QLineSeries *m_lateMax = nullptr;
    QScatterSeries *m_latePoints = nullptr;
    QDateTimeAxis *m_latenessX = nullptr;
    QValueAxis *m_latenessY = nullptr;

    Baton::OperationsSnapshot m_snapshot;
    bool m_filling = false;
};

} // namespace Baton::Ui
