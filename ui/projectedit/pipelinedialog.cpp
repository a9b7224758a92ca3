#include "pipelinedialog.h"

#include "access/identity.h"
#include "scheduling/cronexpression.h"
#include "store/projectedits.h"

#include <QComboBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QVBoxLayout>

namespace Baton::Ui {

PipelineDialog::PipelineDialog(const Baton::Store *store, const Baton::CatalogSnapshot &catalog,
                               const QString &project, QWidget *parent)
    : EditDialog(parent)
    , m_store(store)
    , m_catalog(catalog)
{
    setObjectName(QStringLiteral("pipelineDialog"));
    setWindowTitle(tr("New Pipeline"));
    auto *form = new QFormLayout;
    m_project = new QComboBox(this);
    for (const ProjectInfo &p : catalog.projects)
        m_project->addItem(p.name);
    m_project->setCurrentText(project);
    form->addRow(tr("&Project:"), m_project);
    m_name = new QLineEdit(this);
    m_name->setObjectName(QStringLiteral("pipelineName"));
    m_name->setPlaceholderText(tr("letters, digits, - and _"));
    form->addRow(tr("&Name:"), m_name);
    m_description = new QLineEdit(this);
    form->addRow(tr("&Description:"), m_description);
    m_shape = new QComboBox(this);
    m_shape->addItem(tr("One after another, in this order"));
    m_shape->addItem(tr("All at once"));
    form->addRow(tr("&Tasks run:"), m_shape);
    m_cron = new QLineEdit(this);
    m_cron->setObjectName(QStringLiteral("pipelineCron"));
    m_cron->setPlaceholderText(tr("optional cron, e.g. 0 2 * * *"));
    form->addRow(tr("&Schedule:"), m_cron);
    body()->addLayout(form);
    auto *jobsLabel = new QLabel(tr("&Jobs (check them; drag to order):"), this);
    body()->addWidget(jobsLabel);
    m_jobs = new QListWidget(this);
    jobsLabel->setBuddy(m_jobs);
    m_jobs->setObjectName(QStringLiteral("pipelineJobs"));
    m_jobs->setDragDropMode(QAbstractItemView::InternalMove);
    body()->addWidget(m_jobs, 1);
    connect(m_project, &QComboBox::currentTextChanged, this, &PipelineDialog::fillJobs);
    fillJobs();
    resize(520, 520);
}

void PipelineDialog::fillJobs()
{
    m_jobs->clear();
    for (const JobInfo &j : m_catalog.jobs) {
        if (j.project != m_project->currentText())
            continue;
        auto *item = new QListWidgetItem(j.name, m_jobs);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable
                       | Qt::ItemIsDragEnabled);
        item->setCheckState(Qt::Unchecked);
    }
}

QString PipelineDialog::check() const
{
    if (m_project->currentText().isEmpty())
        return tr("project: the workspace has no project yet (import or create one first)");
    if (m_name->text().trimmed().isEmpty())
        return QStringLiteral("name: must not be empty");
    QString error;
    const QString cron = m_cron->text().simplified();
    if (!cron.isEmpty() && !CronExpression::parse(cron, &error))
        return QStringLiteral("schedule: ") + error;
    return {};
}

std::function<Baton::ImportSummary()> PipelineDialog::work() const
{
    PipelineSpec p;
    p.name = m_name->text().trimmed();
    p.description = m_description->text().trimmed();
    p.releaseNote = tr("created in the console");
    p.schedule = m_cron->text().simplified();
    QString previous;
    for (int i = 0; i < m_jobs->count(); ++i) {
        const QListWidgetItem *item = m_jobs->item(i);
        if (item->checkState() != Qt::Checked)
            continue;
        TaskSpec t;
        t.name = item->text();
        t.job = item->text();
        if (m_shape->currentIndex() == 0 && !previous.isEmpty())
            t.after << DependencySpec { previous, EdgeCondition::Success, {} };
        previous = t.name;
        p.tasks << t;
    }
    const Store *store = m_store;
    const QString project = m_project->currentText(), actor = currentUser();
    return [=] {
        return ProjectEdits::addPipeline(*store, project, p, actor);
    };
}

} // namespace Baton::Ui
