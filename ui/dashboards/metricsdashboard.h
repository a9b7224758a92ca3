#pragma once

#include "monitoring/dashboardqueries.h"
#include "monitoring/metricseries.h"

#include <QHash>
#include <QWidget>

class QComboBox;
class QDateTimeAxis;
class QLabel;
class QLineSeries;
class QScatterSeries;
class QTableWidget;
class QValueAxis;

namespace Baton::Ui {

class ChartPanel;

/// The business-metrics dashboard ("Monitor" in the DataOps loop): one metric of one
/// environment over time, a series per job version, a vertical marker at each deployment, the
/// alert rules' thresholds, and a before/after table for each version change. It draws
/// MetricSnapshot values only; clicking a point opens its run.
class MetricsDashboard : public QWidget
{
    Q_OBJECT
public:
    explicit MetricsDashboard(QWidget *parent = nullptr);

    Baton::MetricQuery query() const;
    const Baton::MetricSnapshot &snapshot() const { return m_snapshot; }
    ChartPanel *chartPanel() const { return m_panel; }
    QTableWidget *comparisonTable() const { return m_table; }
    QComboBox *projectCombo() const { return m_project; }
    QComboBox *environmentCombo() const { return m_environment; }
    QComboBox *metricCombo() const { return m_metric; }
    QComboBox *rangeCombo() const { return m_range; }
    /// The run behind the point nearest to @p point (chart coordinates), or 0.
    qint64 runAt(const QPointF &point) const;

public Q_SLOTS:
    void applySnapshot(const Baton::MetricSnapshot &snapshot);

Q_SIGNALS:
    void queryChanged(const Baton::MetricQuery &query);
    void runActivated(qint64 runId);
    void runsRequested(const Baton::RunsQuery &query);

private:
    void emitQuery();
    void fill(QComboBox *combo, const QStringList &items, const QString &current);

    QComboBox *m_project;
    QComboBox *m_environment;
    QComboBox *m_metric;
    QComboBox *m_range;
    ChartPanel *m_panel;
    QDateTimeAxis *m_x;
    QValueAxis *m_y;
    QTableWidget *m_table;
    QLabel *m_firings;
    /// Series per version label, reused across snapshots (points replaced, not re-added).
    QHash<QString, QPair<QLineSeries *, QScatterSeries *>> m_versionSeries;
    QList<QLineSeries *> m_decorations; // markers and thresholds
    Baton::MetricSnapshot m_snapshot;
    bool m_filling = false;
};

} // namespace Baton::Ui
