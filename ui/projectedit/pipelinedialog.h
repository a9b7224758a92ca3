#pragma once

#include "editdialog.h"
#include "store/catalog.h"

class QComboBox;
class QLineEdit;
class QListWidget;

namespace Baton {
class Store;
}

namespace Baton::Ui {

/// Pipelines → New Pipeline…: a pipeline over a project's jobs — the jobs checked in the list,
/// one after another in the list's order or all at once — with an optional schedule; stored as
/// its first version through the import's rules (ProjectEdits::addPipeline). Its graph is then
/// refined in the DAG editor.
class PipelineDialog : public EditDialog
{
    Q_OBJECT
public:
    PipelineDialog(const Baton::Store *store, const Baton::CatalogSnapshot &catalog,
                   const QString &project, QWidget *parent = nullptr);

    QComboBox *projectBox() const { return m_project; }
    QLineEdit *nameEdit() const { return m_name; }
    QLineEdit *descriptionEdit() const { return m_description; }
    /// The project's jobs, checkable, in task order.
    QListWidget *jobList() const { return m_jobs; }
    /// 0: one after another, 1: all at once.
    QComboBox *shapeBox() const { return m_shape; }
    QLineEdit *cronEdit() const { return m_cron; }

protected:
    QString check() const override;
    std::function<Baton::ImportSummary()> work() const override;

private:
    void fillJobs();

    const Baton::Store *m_store;
    Baton::CatalogSnapshot m_catalog;
    QComboBox *m_project;
    QLineEdit *m_name;
    QLineEdit *m_description;
    QListWidget *m_jobs;
    QComboBox *m_shape;
    QLineEdit *m_cron;
};

} // namespace Baton::Ui
