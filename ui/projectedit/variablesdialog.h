#pragma once

#include "editdialog.h"
#include "model/projectspec.h"
#include "store/catalog.h"

class QComboBox;
class QPushButton;
class QTableWidget;

namespace Baton {
class Store;
}

namespace Baton::Ui {

/// Pipelines → Variables…: the variables of a project (each for every environment or one) or
/// of one of its pipelines. Secrets are write-only: a stored secret's value is never read into
/// the console (the field stays empty; leave it empty to keep the value, type to replace it),
/// and what is typed is masked. Saved through ProjectEdits::setVariables (the import's rules:
/// a bad name or an unknown environment is refused, naming it; audited with secrets as ***).
class VariablesDialog : public EditDialog
{
    Q_OBJECT
public:
    enum Column { NameColumn, EnvironmentColumn, SecretColumn, ValueColumn };

    /// @p pipeline empty: the project's variables.
    VariablesDialog(const Baton::Store *store, const Baton::ProjectInfo &project,
                    const QStringList &pipelines, const QString &pipeline,
                    QWidget *parent = nullptr);

    QComboBox *scopeBox() const { return m_scope; }
    QTableWidget *table() const { return m_table; }
    QPushButton *addButton() const { return m_add; }
    QPushButton *removeButton() const { return m_remove; }
    /// True once the scope's variables are shown.
    bool isLoaded() const { return m_loaded; }
    /// The variables the table would save.
    QList<Baton::VariableSpec> variables() const;
    /// Adds a row (name, environment "" for every one, secret, value).
    void addRow(const Baton::VariableSpec &variable);

Q_SIGNALS:
    void loaded();

protected:
    QString check() const override;
    std::function<Baton::ImportSummary()> work() const override;

private:
    void load();
    void showVariables(const QList<Baton::VariableSpec> &variables, const QString &error);
    QString pipeline() const;

    const Baton::Store *m_store;
    Baton::ProjectInfo m_project;
    QComboBox *m_scope;
    QTableWidget *m_table;
    QPushButton *m_add;
    QPushButton *m_remove;
    bool m_loaded = false;
    int m_serial = 0;
};

} // namespace Baton::Ui
