#pragma once

#include "graph/pipelinegraphmodel.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QStackedWidget;

namespace Baton::Ui {

/// The editor's side panel: the properties of the selected task (name, job, retries, retry
/// delay, timeout) or dependency (its condition), or a summary. Edits come out as
/// taskEdited / conditionEdited for the editor to turn into undoable commands; the panel
/// itself only ever reads the model.
class TaskPropertiesPanel : public QWidget
{
    Q_OBJECT
public:
    explicit TaskPropertiesPanel(PipelineGraphModel *model, QWidget *parent = nullptr);

    /// Shows one task, one edge, several items or nothing.
    void showSelection(const QList<NodeId> &tasks, const QList<std::pair<NodeId, NodeId>> &edges);

    QLineEdit *nameEdit() const { return m_name; }
    QComboBox *jobCombo() const { return m_job; }
    QSpinBox *retriesSpin() const { return m_retries; }
    QSpinBox *timeoutSpin() const { return m_timeout; }
    QComboBox *conditionCombo() const { return m_condition; }
    NodeId shownTask() const { return m_task; }

Q_SIGNALS:
    void taskEdited(Baton::NodeId id, const Baton::EditorTask &task);
    void conditionEdited(Baton::NodeId from, Baton::NodeId to, Baton::EdgeCondition condition);
    /// An edit was not applied (an emptied name): @p message says why, for the editor's banner.
    void editRefused(const QString &message);

private:
    void refresh();
    void commitTask();
    void commitCondition();

    PipelineGraphModel *m_model;
    QStackedWidget *m_pages;
    QLabel *m_summary;
    QLabel *m_taskTitle;
    QLineEdit *m_name;
    QComboBox *m_job;
    QSpinBox *m_retries;
    QSpinBox *m_retryDelay;
    QSpinBox *m_timeout;
    QLabel *m_edgeTitle;
    QComboBox *m_condition;
    QLabel *m_conditionHelp;
    NodeId m_task = -1;
    std::pair<NodeId, NodeId> m_edge { -1, -1 };
    QList<NodeId> m_tasks;
    int m_edgeCount = 0;
    bool m_filling = false;
};

} // namespace Baton::Ui
