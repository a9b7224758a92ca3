#include "jobdialog.h"

#include "access/identity.h"
#include "store/projectedits.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSpinBox>
#include <QVBoxLayout>

namespace Baton::Ui {

JobDialog::JobDialog(const Baton::Store *store, const QStringList &projects, const QString &project,
                     QWidget *parent)
    : EditDialog(parent)
    , m_store(store)
{
    setObjectName(QStringLiteral("jobDialog"));
    setWindowTitle(tr("New Job"));
    auto *form = new QFormLayout;
    m_project = new QComboBox(this);
    m_project->addItems(projects);
    m_project->setCurrentText(project);
    form->addRow(tr("&Project:"), m_project);
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("jobName"));
    m_name->setPlaceholderText(tr("letters, digits, - and _"));
    form->addRow(tr("&Name:"), m_name);
    m_command = new QLineEdit(this);
    m_command->setObjectName(QStringLiteral("jobCommand"));
    m_command->setPlaceholderText(tr("e.g. ./load.sh or python3 train.py"));
    form->addRow(tr("&Command:"), m_command);
    m_technology = new QComboBox(this);
    m_technology->setEditable(true);
    m_technology->addItems({ QString(), QStringLiteral("bash"), QStringLiteral("python"),
                             QStringLiteral("sql"), QStringLiteral("spark") });
    form->addRow(tr("&Technology:"), m_technology);
    m_description = new QLineEdit(this);
    form->addRow(tr("&Description:"), m_description);
    m_retries = new QSpinBox(this);
    m_retries->setRange(0, 100);
    m_retries->setSpecialValueText(tr("None"));
    form->addRow(tr("&Retries:"), m_retries);
    m_timeout = new QSpinBox(this);
    m_timeout->setRange(0, 7 * 24 * 3600);
    m_timeout->setSuffix(tr(" s"));
    m_timeout->setSpecialValueText(tr("None"));
    form->addRow(tr("T&imeout:"), m_timeout);
    m_scriptName = new QLineEdit(this);
    m_scriptName->setObjectName(QStringLiteral("jobScriptName"));
    m_scriptName->setPlaceholderText(tr("optional: a file shipped with the job, e.g. load.sh"));
    form->addRow(tr("&Script file:"), m_scriptName);
    body()->addLayout(form);
    m_script = new QPlainTextEdit(this);
    m_script->setObjectName(QStringLiteral("jobScript"));
    m_script->setPlaceholderText(tr("#!/bin/sh\n…  (the file's content; it is made executable)"));
    m_script->setFont(QFont(QStringLiteral("monospace")));
    body()->addWidget(m_script, 1);
    auto *hint = new QLabel(tr("Saving creates version 1 of the job, audited. Jobs are "
                               "immutable: a later change makes version 2."),
                            this);
    hint->setWordWrap(true);
    body()->addWidget(hint);
    resize(560, 520);
}

QString JobDialog::check() const
{
    if (m_project->currentText().isEmpty())
        return tr("project: the workspace has no project yet (import or create one first)");
    if (m_name->text().trimmed().isEmpty())
        return QStringLiteral("name: must not be empty");
    if (!m_script->toPlainText().isEmpty() && m_scriptName->text().trimmed().isEmpty())
        return QStringLiteral("files: name the script file");
    return {};
}

std::function<Baton::ImportSummary()> JobDialog::work() const
{
    JobSpec job;
    job.name = m_name->text().trimmed();
    job.command = m_command->text().trimmed();
    job.technology = m_technology->currentText().trimmed();
    job.description = m_description->text().trimmed();
    job.releaseNote = tr("created in the console");
    if (m_retries->value() > 0)
        job.settings.retries = m_retries->value();
    if (m_timeout->value() > 0)
        job.settings.timeoutSeconds = m_timeout->value();
    if (!m_scriptName->text().trimmed().isEmpty())
        job.files << JobFile { m_scriptName->text().trimmed(), m_script->toPlainText().toUtf8(),
                               true };
    const Store *store = m_store;
    const QString project = m_project->currentText(), actor = currentUser();
    return [=] {
        return ProjectEdits::addJob(*store, project, job, actor);
    };
}

} // namespace Baton::Ui
