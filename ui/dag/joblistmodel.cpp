#include "joblistmodel.h"

#include "editorview.h"
#include "tasknodeitem.h"

#include <QMimeData>

namespace Baton::Ui {

JobListModel::JobListModel(QObject *parent)
    : QAbstractListModel(parent)
{ }

void JobListModel::setJobs(const QList<EditorJob> &jobs)
{
    beginResetModel();
    m_jobs = jobs;
    endResetModel();
}

int JobListModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_jobs.size());
}

QVariant JobListModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const EditorJob &job = m_jobs.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case JobNameRole:
        return job.name;
    case Qt::ToolTipRole:
        return tr("<b>%1</b> v%2 · %3<br><code>%4</code><br>Drag onto the canvas to add a task")
            .arg(job.name.toHtmlEscaped())
            .arg(job.version)
            .arg(job.technology.isEmpty() ? tr("no technology") : job.technology.toHtmlEscaped(),
                 job.command.toHtmlEscaped());
    case Qt::DecorationRole:
        return TaskNodeItem::technologyColor(job.technology);
    case TechnologyRole:
        return job.technology;
    case VersionRole:
        return job.version;
    default:
        return {};
    }
}

Qt::ItemFlags JobListModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return Qt::ItemIsEnabled | Qt::ItemIsSelectable | Qt::ItemIsDragEnabled
        | Qt::ItemNeverHasChildren;
}

QStringList JobListModel::mimeTypes() const
{
    return { EditorView::jobMimeType() };
}

QMimeData *JobListModel::mimeData(const QModelIndexList &indexes) const
{
    if (indexes.isEmpty() || !indexes.first().isValid())
        return nullptr;
    auto *mime = new QMimeData;
    const QString name = m_jobs.at(indexes.first().row()).name;
    mime->setData(EditorView::jobMimeType(), name.toUtf8());
    mime->setText(name);
    return mime;
}

} // namespace Baton::Ui
