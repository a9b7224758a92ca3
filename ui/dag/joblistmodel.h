#pragma once

#include "graph/pipelinegraphmodel.h"

#include <QAbstractListModel>

namespace Baton::Ui {

/// The jobs of a project as a list to drag tasks from: display "name", a tooltip with the
/// technology, version and command, and drag data in EditorView::jobMimeType().
class JobListModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role { JobNameRole = Qt::UserRole + 1, TechnologyRole, VersionRole };

    explicit JobListModel(QObject *parent = nullptr);

    void setJobs(const QList<EditorJob> &jobs);
    const QList<EditorJob> &jobs() const { return m_jobs; }

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    Qt::ItemFlags flags(const QModelIndex &index) const override;
    QStringList mimeTypes() const override;
    QMimeData *mimeData(const QModelIndexList &indexes) const override;
    Qt::DropActions supportedDragActions() const override { return Qt::CopyAction; }

private:
    QList<EditorJob> m_jobs;
};

} // namespace Baton::Ui
