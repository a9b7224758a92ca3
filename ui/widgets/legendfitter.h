#pragma once

#include <QObject>

class QChartView;

namespace Baton::Ui {

/// Keeps a chart's legend readable at any width (1024×700 included): its entries go in a row
/// under the plot while their labels fit side by side, else in a column on the right, where
/// each label gets a line of its own instead of being cut to "…" or to nothing. Labels keep a
/// tooltip with their whole text. Attach one to a QChartView; it follows resizes and legend
/// changes.
class LegendFitter : public QObject
{
    Q_OBJECT
public:
    explicit LegendFitter(QChartView *view);

    /// The width the legend's visible entries need side by side.
    int rowWidth() const;
    /// Chooses the legend's place now.
    void fit();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    QChartView *m_view;
    bool m_queued = false;
};

} // namespace Baton::Ui
