#include "taskpropertiespanel.h"

#include "widgets/theme.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QStackedWidget>
#include <QVBoxLayout>

namespace Baton::Ui {

namespace {

enum Page { SummaryPage, TaskPage, EdgePage };

QSpinBox *optionalSpin(int maximum, const QString &suffix, QWidget *parent)
{
    // -1 shows as "job's default": an unset override.
    auto *spin = new QSpinBox(parent);
    spin->setRange(-1, maximum);
    spin->setSpecialValueText(TaskPropertiesPanel::tr("job's default"));
    spin->setSuffix(suffix);
    spin->setAccelerated(true);
    return spin;
}

std::optional<int> optionalValue(const QSpinBox *spin)
{
    return spin->value() < 0 ? std::nullopt : std::optional<int>(spin->value());
}

} // namespace

TaskPropertiesPanel::TaskPropertiesPanel(PipelineGraphModel *model, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_pages(new QStackedWidget(this))
    , m_summary(new QLabel(this))
    , m_taskTitle(new QLabel(this))
    , m_name(new QLineEdit(this))
    , m_job(new QComboBox(this))
    , m_retries(optionalSpin(100, QString(), this))
    , m_retryDelay(optionalSpin(86400, tr(" s"), this))
    , m_timeout(optionalSpin(7 * 86400, tr(" s"), this))
    , m_edgeTitle(new QLabel(this))
    , m_condition(new QComboBox(this))
    , m_conditionHelp(new QLabel(this))
{
    setObjectName(QStringLiteral("taskProperties"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->addWidget(m_pages);

    m_summary->setWordWrap(true);
    m_summary->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_summary->setObjectName(QStringLiteral("propertiesSummary"));
    m_pages->addWidget(m_summary);

    auto *taskPage = new QWidget(this);
    auto *form = new QFormLayout(taskPage);
    form->setContentsMargins(0, 0, 0, 0);
    QFont bold = font();
    bold.setBold(true);
    m_taskTitle->setFont(bold);
    form->addRow(m_taskTitle);
    m_name->setObjectName(QStringLiteral("taskName"));
    m_job->setObjectName(QStringLiteral("taskJob"));
    m_retries->setObjectName(QStringLiteral("taskRetries"));
    m_retryDelay->setObjectName(QStringLiteral("taskRetryDelay"));
    m_timeout->setObjectName(QStringLiteral("taskTimeout"));
    m_timeout->setMinimum(0); // 0 is "job's default": a timeout is never zero
    form->addRow(tr("&Name"), m_name);
    form->addRow(tr("&Job"), m_job);
    form->addRow(tr("&Retries"), m_retries);
    form->addRow(tr("Retry &delay"), m_retryDelay);
    form->addRow(tr("&Timeout"), m_timeout);
    m_pages->addWidget(taskPage);

    auto *edgePage = new QWidget(this);
    auto *edgeForm = new QFormLayout(edgePage);
    edgeForm->setContentsMargins(0, 0, 0, 0);
    m_edgeTitle->setFont(bold);
    m_edgeTitle->setWordWrap(true);
    edgeForm->addRow(m_edgeTitle);
    m_condition->setObjectName(QStringLiteral("edgeCondition"));
    m_condition->addItem(tr("on success"), int(EdgeCondition::Success));
    m_condition->addItem(tr("on failure"), int(EdgeCondition::Failed));
    m_condition->addItem(tr("always"), int(EdgeCondition::Always));
    edgeForm->addRow(tr("&Runs"), m_condition);
    m_conditionHelp->setWordWrap(true);
    edgeForm->addRow(m_conditionHelp);
    m_pages->addWidget(edgePage);

    connect(m_name, &QLineEdit::editingFinished, this, &TaskPropertiesPanel::commitTask);
    connect(m_job, &QComboBox::activated, this, &TaskPropertiesPanel::commitTask);
    for (QSpinBox *spin : { m_retries, m_retryDelay, m_timeout })
        connect(spin, &QSpinBox::editingFinished, this, &TaskPropertiesPanel::commitTask);
    connect(m_condition, &QComboBox::activated, this, &TaskPropertiesPanel::commitCondition);

    // Undo, redo and other edits change what is shown: follow the model.
    connect(m_model, &PipelineGraphModel::changed, this, &TaskPropertiesPanel::refresh);
    connect(m_model, &PipelineGraphModel::jobsChanged, this, &TaskPropertiesPanel::refresh);
    connect(m_model, &PipelineGraphModel::modelReset, this, [this] { showSelection({}, {}); });
    showSelection({}, {});
}

void TaskPropertiesPanel::showSelection(const QList<NodeId> &tasks,
                                        const QList<std::pair<NodeId, NodeId>> &edges)
{
    m_tasks = tasks;
    m_edgeCount = int(edges.size());
    m_task = tasks.size() == 1 && edges.isEmpty() ? tasks.first() : -1;
    m_edge = tasks.isEmpty() && edges.size() == 1 ? edges.first() : std::make_pair(-1, -1);
    refresh();
}

void TaskPropertiesPanel::refresh()
{
    if (m_task >= 0 && !m_model->hasTask(m_task))
        m_task = -1;
    if (m_edge.first >= 0 && !m_model->hasEdge(m_edge.first, m_edge.second))
        m_edge = { -1, -1 };
    m_filling = true;
    if (m_task >= 0) {
        const EditorTask task = m_model->task(m_task);
        m_taskTitle->setText(tr("Task %1").arg(task.name));
        if (!m_name->hasFocus() || m_name->text() != task.name)
            m_name->setText(task.name);
        m_job->clear();
        for (const EditorJob &job : m_model->jobs())
            m_job->addItem(QStringLiteral("%1  (v%2)").arg(job.name).arg(job.version), job.name);
        int index = m_job->findData(task.job);
        if (index < 0) {
            m_job->addItem(tr("%1 (not in the project)").arg(task.job), task.job);
            index = m_job->count() - 1;
        }
        m_job->setCurrentIndex(index);
        m_retries->setValue(task.settings.retries.value_or(-1));
        m_retryDelay->setValue(task.settings.retryDelaySeconds.value_or(-1));
        m_timeout->setValue(task.settings.timeoutSeconds.value_or(0));
        m_pages->setCurrentIndex(TaskPage);
    } else if (m_edge.first >= 0) {
        const auto [from, to] = m_edge;
        m_edgeTitle->setText(
            tr("Dependency %1 → %2").arg(m_model->taskName(from), m_model->taskName(to)));
        m_condition->setCurrentIndex(m_condition->findData(
            int(m_model->condition(from, to).value_or(EdgeCondition::Success))));
        m_conditionHelp->setText(
            tr("<small>%1 starts when %2 succeeded (on success), failed (on failure), or "
               "ended in any way (always).</small>")
                .arg(m_model->taskName(to).toHtmlEscaped(),
                     m_model->taskName(from).toHtmlEscaped()));
        m_pages->setCurrentIndex(EdgePage);
    } else {
        const QString muted = Theme::mutedText(palette()).name();
        QString text;
        if (!m_tasks.isEmpty() || m_edgeCount > 0) {
            text = tr("<b>%1 task(s) and %2 dependency(ies) selected</b><p style=\"color:%3\">"
                      "Delete removes them; Ctrl+C copies the tasks.</p>")
                       .arg(m_tasks.size())
                       .arg(m_edgeCount)
                       .arg(muted);
        } else {
            text = tr("<b>%1</b> · version %2<br>%3 task(s), %4 dependency(ies)"
                      "<p style=\"color:%5\">Drag a job from the list to add a task. Drag from a "
                      "task's right-hand port to another task to connect them; drag an arrow's "
                      "head to reconnect it. Select a task or an arrow to edit it here.</p>")
                       .arg(m_model->pipelineName().toHtmlEscaped())
                       .arg(m_model->baseVersion())
                       .arg(m_model->taskCount())
                       .arg(m_model->edgeCount())
                       .arg(muted);
        }
        m_summary->setText(text);
        m_pages->setCurrentIndex(SummaryPage);
    }
    m_filling = false;
}

void TaskPropertiesPanel::commitTask()
{
    if (m_filling || m_task < 0)
        return;
    EditorTask task = m_model->task(m_task);
    const EditorTask before = task;
    task.name = m_name->text().trimmed();
    task.job = m_job->currentData().toString();
    task.settings.retries = optionalValue(m_retries);
    task.settings.retryDelaySeconds = optionalValue(m_retryDelay);
    task.settings.timeoutSeconds
        = m_timeout->value() > 0 ? std::optional<int>(m_timeout->value()) : std::nullopt;
    if (task.name.isEmpty()) {
        // A task needs a name: keep the old one, show it again, and say so.
        task.name = before.name;
        m_filling = true;
        m_name->setText(before.name);
        m_filling = false;
        Q_EMIT editRefused(tr("A task needs a name: %1 keeps its name.").arg(before.name));
    }
    if (!(task == before))
        Q_EMIT taskEdited(m_task, task);
}

void TaskPropertiesPanel::commitCondition()
{
    if (m_filling || m_edge.first < 0)
        return;
    const auto condition = EdgeCondition(m_condition->currentData().toInt());
    if (m_model->condition(m_edge.first, m_edge.second) != condition)
        Q_EMIT conditionEdited(m_edge.first, m_edge.second, condition);
}

} // namespace Baton::Ui
