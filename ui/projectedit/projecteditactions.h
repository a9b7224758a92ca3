#pragma once

#include <QObject>
#include <QPointer>

class QAction;

namespace Baton::Ui {

class EditDialog;
class MainWindow;

/// Creating and changing definitions from the console, in the Pipeline menu (and the
/// Pipelines mode's tree menu): New Job…, New Pipeline…, Edit Schedule…, Variables…. Each
/// opens its dialog on what is selected in the Pipelines mode; a save refreshes the catalog.
class ProjectEditActions : public QObject
{
    Q_OBJECT
public:
    explicit ProjectEditActions(MainWindow *window);

    QAction *newJobAction() const { return m_newJob; }
    QAction *newPipelineAction() const { return m_newPipeline; }
    QAction *scheduleAction() const { return m_schedule; }
    QAction *variablesAction() const { return m_variables; }
    /// The dialog open now (nullptr when none).
    EditDialog *dialog() const;

public Q_SLOTS:
    void newJob();
    void newPipeline();
    void editSchedule();
    void editVariables();

private:
    void open(EditDialog *dialog);
    void updateActions();

    MainWindow *m_window;
    QAction *m_newJob;
    QAction *m_newPipeline;
    QAction *m_schedule;
    QAction *m_variables;
    QPointer<EditDialog> m_dialog;
};

} // namespace Baton::Ui
