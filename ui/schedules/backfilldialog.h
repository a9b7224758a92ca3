#pragma once

#include "scheduling/backfill.h"
#include "store/catalog.h"

#include <QDialog>
#include <QPointer>

class QComboBox;
class QDateEdit;
class QDialogButtonBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QThread;
class QTimer;

namespace Baton {
class Store;
}

namespace Baton::Ui {

/// Pipeline → Backfill…: runs a scheduled pipeline for its fire times between two dates, at
/// most N at once, in an environment; shows the fire times it will cover before it starts,
/// then its progress (runs created / finished / failed) with Cancel. The driver is core's
/// Backfill (the one `baton backfill` uses), on a thread of its own.
class BackfillDialog : public QDialog
{
    Q_OBJECT
public:
    BackfillDialog(const Baton::Store *store, const Baton::ProjectInfo &project,
                   const Baton::PipelineInfo &pipeline, QWidget *parent = nullptr);
    ~BackfillDialog() override;

    QDateEdit *fromEdit() const { return m_from; }
    QDateEdit *toEdit() const { return m_to; }
    QSpinBox *maxActiveBox() const { return m_maxActive; }
    QComboBox *environmentBox() const { return m_environment; }
    /// "N fire times from … to …", or the refusal naming the field.
    QLabel *previewLabel() const { return m_preview; }
    QLabel *progressLabel() const { return m_progressLabel; }
    QProgressBar *progressBar() const { return m_progress; }
    QPushButton *startButton() const { return m_start; }
    QPushButton *cancelButton() const { return m_cancel; }
    /// The request the fields describe.
    Baton::BackfillRequest request() const;
    bool isRunning() const { return m_backfill != nullptr && !m_done; }
    /// The fire times of the last preview (empty before one, or when refused).
    int previewCount() const { return m_previewCount; }

public Q_SLOTS:
    /// Plans the fields' request off the GUI thread and, when valid, starts the backfill.
    void start();
    /// Stops creating runs and cancels the live ones.
    void cancelBackfill();
    void reject() override;

Q_SIGNALS:
    void previewed(int fireTimes, const QString &error);
    void progressed(const Baton::BackfillProgress &progress);
    void finished(const Baton::BackfillProgress &progress);
    void failed(const QString &message);

private:
    void schedulePreview();
    void preview(bool thenStart);
    void run(const Baton::BackfillPlan &plan);
    void showProgress(const Baton::BackfillProgress &progress);
    void setEditing(bool editing);

    const Baton::Store *m_store;
    Baton::ProjectInfo m_project;
    Baton::PipelineInfo m_pipeline;
    QTimer *m_previewTimer;
    QDateEdit *m_from;
    QDateEdit *m_to;
    QSpinBox *m_maxActive;
    QComboBox *m_environment;
    QLabel *m_preview;
    QLabel *m_progressLabel;
    QProgressBar *m_progress;
    QPushButton *m_start;
    QPushButton *m_cancel;
    QPushButton *m_close;
    QThread *m_thread = nullptr;
    QPointer<Baton::Backfill> m_backfill;
    bool m_done = false;
    int m_previewCount = 0;
    int m_previewSerial = 0;
};

} // namespace Baton::Ui
