#pragma once

#include "editdialog.h"
#include "store/catalog.h"

class QComboBox;
class QLabel;
class QLineEdit;

namespace Baton {
class Store;
}

namespace Baton::Ui {

/// Pipeline → Edit Schedule…: the cron expression with the next fire times as you type (or the
/// refusal naming the field: "hour field: '25' is out of range 0-23"), the time zone (empty:
/// the workspace's) and the misfire policy. An empty expression removes the schedule. Saved
/// through ProjectEdits::setSchedule (no new version: a schedule is not part of one; audited).
class ScheduleDialog : public EditDialog
{
    Q_OBJECT
public:
    static constexpr int PreviewCount = 5;

    ScheduleDialog(const Baton::Store *store, const Baton::PipelineInfo &pipeline,
                   QWidget *parent = nullptr);

    QLineEdit *cronEdit() const { return m_cron; }
    QComboBox *timeZoneBox() const { return m_zone; }
    QComboBox *misfireBox() const { return m_misfire; }
    /// The next fire times, or why there are none.
    QLabel *previewLabel() const { return m_preview; }
    /// The zone field's value ("" for the workspace's).
    QString timeZone() const;

protected:
    QString check() const override;
    std::function<Baton::ImportSummary()> work() const override;

private:
    void updatePreview();

    const Baton::Store *m_store;
    Baton::PipelineInfo m_pipeline;
    QLineEdit *m_cron;
    QComboBox *m_zone;
    QComboBox *m_misfire;
    QLabel *m_preview;
};

} // namespace Baton::Ui
