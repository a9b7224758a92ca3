#pragma once

#include "monitoring/runcompare.h"

#include <QWidget>

class QCheckBox;
class QLabel;
class QTableView;
class QTimer;

namespace Baton {
class Store;
}

namespace Baton::Ui {

class RunCompareModel;

/// Two runs side by side, opened as a tab: run fields, parameters and variables (secrets
/// `***`), each task's state, job version, duration, attempts and exit codes, and the metrics,
/// with differences tinted and an "only differences" switch. Both runs are read and compared
/// off the GUI thread (RunCompare in core, as `baton compare` does); while either run is still
/// active the comparison is read again every few seconds.
class RunCompareView : public QWidget
{
    Q_OBJECT
public:
    RunCompareView(const Baton::Store *store, qint64 runA, qint64 runB, QWidget *parent = nullptr);
    ~RunCompareView() override;

    qint64 runA() const { return m_runA; }
    qint64 runB() const { return m_runB; }
    bool isLoaded() const { return m_loaded; }
    QString lastError() const { return m_lastError; }
    QString title() const;
    const Baton::RunComparison &comparison() const { return m_comparison; }

    RunCompareModel *fieldsModel() const { return m_fields; }
    RunCompareModel *tasksModel() const { return m_tasks; }
    RunCompareModel *metricsModel() const { return m_metrics; }
    QCheckBox *onlyDifferencesCheck() const { return m_only; }
    QLabel *summaryLabel() const { return m_summary; }

public Q_SLOTS:
    void reload();

Q_SIGNALS:
    void comparisonApplied();
    void loadFailed(const QString &message);

private:
    void apply(const Baton::RunComparison &comparison, bool active);

    const Baton::Store *m_store;
    qint64 m_runA;
    qint64 m_runB;
    QTimer *m_timer;
    bool m_loaded = false;
    bool m_inFlight = false;
    QString m_lastError;
    Baton::RunComparison m_comparison;
    RunCompareModel *m_fields;
    RunCompareModel *m_tasks;
    RunCompareModel *m_metrics;
    QCheckBox *m_only;
    QLabel *m_summary;
};

} // namespace Baton::Ui
