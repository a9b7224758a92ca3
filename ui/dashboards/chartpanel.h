#pragma once

#include <QFrame>
#include <functional>

class QChart;
class QChartView;
class QLabel;
class QToolButton;

namespace Baton::Ui {

/// One dashboard chart: a title, a QChartView and an export menu (PNG of the chart, CSV of
/// its data). Files are written on a pool thread: the GUI thread never waits on the disk.
class ChartPanel : public QFrame
{
    Q_OBJECT
public:
    ChartPanel(const QString &objectName, const QString &title, QWidget *parent = nullptr);

    QChart *chart() const;
    QChartView *view() const { return m_view; }
    void setTitle(const QString &title);
    QString title() const;
    /// A line under the title (a summary, or why the chart is empty).
    void setNote(const QString &note);
    QString note() const;
    /// Builds the CSV text of what the chart shows (called on export, on the GUI thread).
    void setCsvSource(std::function<QString()> source) { m_csv = std::move(source); }
    QString csv() const { return m_csv ? m_csv() : QString(); }

public Q_SLOTS:
    /// Writes the chart as a PNG / its data as CSV to @p path; answers with exported().
    void exportPng(const QString &path);
    void exportCsv(const QString &path);

Q_SIGNALS:
    void exported(const QString &path, bool ok);

private:
    void chooseAndExport(bool png);

    QLabel *m_title;
    QLabel *m_note;
    QToolButton *m_export;
    QChartView *m_view;
    std::function<QString()> m_csv;
};

/// A CSV field: quoted when it holds a comma, a quote or a line break.
QString csvField(const QString &text);

} // namespace Baton::Ui
