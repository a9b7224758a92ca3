#pragma once

#include "store/catalog.h"

#include <QDateTime>
#include <QWidget>
#include <functional>

class QAction;
class QHBoxLayout;
class QLabel;
class QStackedWidget;
class QTextBrowser;
class QTreeWidget;

namespace Baton::Ui {

/// The properties of what is selected in the project tree: a header (icon, name, what it is)
/// over a form of fields and, beside it, a table (a pipeline's tasks, a project's pipelines,
/// the pipelines a job is used in). Read-only; values are selectable for copying.
class DetailsPanel : public QWidget
{
    Q_OBJECT
public:
    /// Where a job is used: for its "Used in" table.
    struct JobUse
    {
        QString pipeline;
        QString task;
        int jobVersion = 0;
    };

    explicit DetailsPanel(QWidget *parent = nullptr);

    void showProject(const ProjectInfo &project, const QList<PipelineInfo> &pipelines);
    void showJob(const JobInfo &job, const QList<JobUse> &uses);
    void showPipeline(const PipelineInfo &pipeline);
    /// Clears the panel down to @p message.
    void showMessage(const QString &message);

    /// Buttons for @p actions in the header, shown while a pipeline is shown (Run Pipeline…).
    void setPipelineActions(const QList<QAction *> &actions);
    /// The header's container of those buttons.
    QWidget *pipelineActionsBar() const { return m_pipelineActions; }

    /// A schedule's fire time as shown: "Tue 24 Nov 02:00", with its UTC offset
    /// ("Tue 24 Nov 02:00 (+01:00)") when @p withOffset, and the year when it is not this one.
    static QString formatFireTime(const QDateTime &time, bool withOffset);
    /// "+01:00", "-05:30", "+00:00".
    static QString formatOffset(const QDateTime &time);

    /// The header's title ("nightly"), empty when showing a message.
    QString title() const;
    /// The value shown for the field labelled @p label, as plain text; empty when absent.
    QString field(const QString &label) const;
    QStringList fieldLabels() const;
    /// Everything shown, as "label: value" lines (for tests and copying).
    QString plainText() const;
    QTreeWidget *table() const { return m_table; }
    QString selectedTask() const;

public Q_SLOTS:
    /// Highlights the row of @p task in a pipeline's tasks table (empty: none).
    void selectTask(const QString &task);

Q_SIGNALS:
    /// The user picked a task row (empty when the selection was cleared).
    void taskSelected(const QString &task);

protected:
    void changeEvent(QEvent *event) override;

private:
    void setHeader(const QIcon &icon, const QString &title, const QString &subtitle);
    void clearFields();
    void addField(const QString &label, const QString &value);
    void addRichField(const QString &label, const QString &html, const QString &plain);
    void addCodeField(const QString &label, const QString &value);
    void addNextFires(const PipelineInfo &pipeline);
    /// Lays the fields out as one HTML table: wraps long values properly and lets the user
    /// select and copy several fields at once.
    void renderFields();
    void setTable(const QString &title, const QStringList &headers);
    QString muted(const QString &text) const;
    QString code(const QString &text) const;

    QStackedWidget *m_stack;
    QLabel *m_message;
    QLabel *m_icon;
    QLabel *m_title;
    QLabel *m_subtitle;
    QWidget *m_pipelineActions;
    QHBoxLayout *m_pipelineActionsLayout;
    QTextBrowser *m_fieldsView;
    QWidget *m_tablePane;
    QLabel *m_tableTitle;
    QTreeWidget *m_table;
    struct Field
    {
        QString label;
        QString html;
        QString plain;
    };
    QList<Field> m_fields;
    std::function<void()> m_replay; // redraws the last view, e.g. after a palette change
    bool m_tableIsTasks = false;
    bool m_selectingTask = false;
};

} // namespace Baton::Ui
