#pragma once

#include "store/projectwriter.h"

#include <QDialog>
#include <functional>

class QDialogButtonBox;
class QLabel;
class QVBoxLayout;

namespace Baton::Ui {

/// The common frame of the dialogs that edit a project from the console (New Job…, New
/// Pipeline…, Edit Schedule…, Variables…): the form, a line for core's refusal (it names the
/// field), Save / Cancel. Saving runs core's ProjectEdits off the GUI thread; the dialog closes
/// on success and stays, unchanged, on a refusal.
class EditDialog : public QDialog
{
    Q_OBJECT
public:
    explicit EditDialog(QWidget *parent = nullptr);
    ~EditDialog() override;

    QLabel *errorLabel() const { return m_error; }
    QDialogButtonBox *buttons() const { return m_buttons; }
    /// True while a save is on its way to the store.
    bool isSaving() const { return m_saving; }

public Q_SLOTS:
    /// Checks the form (check()), then saves (work()) off the GUI thread.
    void save();

Q_SIGNALS:
    /// Stored: @p summary says what changed ("new version 1 of churn/publish").
    void saved(const QString &summary);
    /// Refused: core's message (nothing was stored).
    void saveFailed(const QString &message);

protected:
    /// Where subclasses put their fields (above the error line and the buttons).
    QVBoxLayout *body() const { return m_body; }
    /// A refusal found before going to the store (empty: none); shown like core's.
    virtual QString check() const { return {}; }
    /// The store work, run on a pool thread: only copies of the form's values may be used.
    virtual std::function<Baton::ImportSummary()> work() const = 0;
    void showError(const QString &message);

private:
    QVBoxLayout *m_body;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
    bool m_saving = false;
};

} // namespace Baton::Ui
