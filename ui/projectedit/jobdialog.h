#pragma once

#include "editdialog.h"

class QComboBox;
class QLineEdit;
class QPlainTextEdit;
class QSpinBox;

namespace Baton {
class Store;
}

namespace Baton::Ui {

/// Pipelines → New Job…: a job of a project (name, command, technology, description, an
/// optional script shipped as the job's file, retries and timeout), stored as its first
/// version through the import's rules (ProjectEdits::addJob): a bad name, an empty command or
/// a taken name is refused with the field named.
class JobDialog : public EditDialog
{
    Q_OBJECT
public:
    JobDialog(const Baton::Store *store, const QStringList &projects, const QString &project,
              QWidget *parent = nullptr);

    QComboBox *projectBox() const { return m_project; }
    QLineEdit *nameEdit() const { return m_name; }
    QLineEdit *commandEdit() const { return m_command; }
    QComboBox *technologyBox() const { return m_technology; }
    QLineEdit *descriptionEdit() const { return m_description; }
    QLineEdit *scriptNameEdit() const { return m_scriptName; }
    QPlainTextEdit *scriptEdit() const { return m_script; }
    QSpinBox *retriesBox() const { return m_retries; }
    QSpinBox *timeoutBox() const { return m_timeout; }

protected:
    QString check() const override;
    std::function<Baton::ImportSummary()> work() const override;

private:
    const Baton::Store *m_store;
    QComboBox *m_project;
    QLineEdit *m_name;
    QLineEdit *m_command;
    QComboBox *m_technology;
    QLineEdit *m_description;
    QLineEdit *m_scriptName;
    QPlainTextEdit *m_script;
    QSpinBox *m_retries;
    QSpinBox *m_timeout;
};

} // namespace Baton::Ui
