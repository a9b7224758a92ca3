#pragma once

#include <QDialog>

class QDialogButtonBox;
class QLabel;
class QPlainTextEdit;

namespace Baton::Ui {

/// Asks why (marking a task succeeded or failed): OK stays disabled while the reason is blank,
/// with a line saying a reason is required, so a blank reason is refused in the dialog and not
/// after it closed. Starts with @p text (the reason of a request that was refused).
class ReasonDialog : public QDialog
{
    Q_OBJECT
public:
    ReasonDialog(const QString &title, const QString &label, const QString &text,
                 QWidget *parent = nullptr);

    QString reason() const;
    QPlainTextEdit *editor() const { return m_edit; }
    QDialogButtonBox *buttons() const { return m_buttons; }
    bool canAccept() const;

private:
    void update();

    QPlainTextEdit *m_edit;
    QLabel *m_hint;
    QDialogButtonBox *m_buttons;
};

} // namespace Baton::Ui
