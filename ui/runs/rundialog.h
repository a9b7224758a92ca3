#pragma once

#include "engine/runretry.h"
#include "engine/runservice.h"
#include "store/catalog.h"

#include <QDialog>
#include <QMap>

class QComboBox;
class QLabel;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QToolButton;

namespace Baton::Ui {

/// Asks how to run a pipeline now: the environment, run parameters (NAME = VALUE, checked live
/// with the rule core applies) and an optional limit on parallel tasks. It only collects a
/// RunRequest; whoever opened it submits request() once it is accepted.
class RunDialog : public QDialog
{
    Q_OBJECT
public:
    enum ParameterColumn { NameColumn, ValueColumn };
    /// On a value item: true while it stands for an unchanged secret of the run it retries.
    static constexpr int KeepSecretRole = Qt::UserRole + 1;
    /// On a value item: the row's parameter is a secret (its typed value is not displayed).
    static constexpr int SecretRole = Qt::UserRole + 2;

    RunDialog(const ProjectInfo &project, const PipelineInfo &pipeline, QWidget *parent = nullptr);
    ~RunDialog() override;

    const ProjectInfo &project() const { return m_project; }
    const PipelineInfo &pipeline() const { return m_pipeline; }

    /// The project's environments, in promotion-path order.
    QStringList environments() const;
    QString environment() const;
    /// False (and nothing changes) when the project has no environment called @p name.
    bool setEnvironment(const QString &name);

    /// Replaces the parameter rows with @p parameters (in name order).
    void setParameters(const QMap<QString, QString> &parameters);
    /// The parameters of the filled-in rows (rows left entirely blank, and unchanged secrets,
    /// are ignored).
    QMap<QString, QString> parameters() const;
    /// Appends a row; returns its index.
    int addParameter(const QString &name = {}, const QString &value = {});
    void removeParameter(int row);
    int parameterRowCount() const;
    /// Rows whose name core would refuse (or that repeat an earlier name), in order.
    QList<int> invalidParameterRows() const { return m_invalidRows; }
    /// What is wrong with the first invalid row, for people; empty when all is well.
    QString parameterError() const;

    /// Makes this the dialog of "Run Again with Changes": prefilled from @p draft (environment,
    /// limit, parameters), each secret parameter shown as "(unchanged secret)" with no value:
    /// left so, core gives the new run the old value; a typed value replaces it. Names are
    /// checked with core's rule for a run again (RunRetry::nameError).
    void setRetryOf(const Baton::RetryDraft &draft);
    bool isRetry() const { return m_retry.runId > 0; }
    /// The secret parameters still left unchanged (rows not removed, no value typed).
    QStringList keptSecrets() const;
    /// What accepting would submit in retry mode.
    Baton::RetryRequest retryRequest() const;

    /// Max parallel tasks for this run; 0 = no per-run limit.
    int parallelism() const;
    void setParallelism(int tasks);

    /// True when request() may be submitted (the Run button is enabled exactly then).
    bool isValid() const { return m_invalidRows.isEmpty(); }
    /// What accepting would submit: trigger "manual", the current user as actor.
    RunRequest request() const;

    QComboBox *environmentCombo() const { return m_environment; }
    QTableWidget *parametersTable() const { return m_parameters; }
    QSpinBox *parallelismSpinBox() const { return m_parallelism; }
    QPushButton *runButton() const { return m_runButton; }

Q_SIGNALS:
    /// The validity of the form changed.
    void validityChanged(bool valid);

public Q_SLOTS:
    void accept() override;

protected:
    void changeEvent(QEvent *event) override;

private:
    void validate();
    void updateEnvironmentNote();
    void updateRemoveButton();
    void removeSelectedParameters();
    QString rowName(int row) const;
    QString rowValue(int row) const;
    bool isBlankRow(int row) const;
    bool isKeptSecret(int row) const;

    ProjectInfo m_project;
    PipelineInfo m_pipeline;

    QComboBox *m_environment;
    QLabel *m_environmentNote;
    QSpinBox *m_parallelism;
    QTableWidget *m_parameters;
    QToolButton *m_addButton;
    QToolButton *m_removeButton;
    QLabel *m_parameterError;
    QLabel *m_title;
    QLabel *m_retryNote;
    QPushButton *m_runButton;

    QList<int> m_invalidRows;
    QMap<int, QString> m_rowErrors; // row → why its name is refused
    bool m_validating = false;
    Baton::RetryDraft m_retry; // runId 0: a plain run
};

} // namespace Baton::Ui
