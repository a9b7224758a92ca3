#pragma once

#include "access/reviewservice.h"

#include <QAbstractTableModel>
#include <QList>

namespace Baton::Ui {

/// Review entries (annotations and sign-offs) as a table: one run's history in the review
/// panel, or the latest sign-offs over every run in the Review mode. Entries are replaced as a
/// whole (they are short lists read by a worker); ReviewEntry already holds the text shown.
class ReviewHistoryModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column {
        WhenColumn,
        RunColumn,
        PipelineColumn,
        AuthorColumn,
        KindColumn,
        TextColumn,
        ColumnCount
    };
    Q_ENUM(Column)
    enum Role {
        EntryIdRole = Qt::UserRole + 1, ///< qint64
        RunIdRole, ///< qint64
        KindRole, ///< annotation, approved, rejected
    };

    explicit ReviewHistoryModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    void setEntries(const QList<Baton::ReviewEntry> &entries);
    const QList<Baton::ReviewEntry> &entries() const { return m_entries; }

private:
    QList<Baton::ReviewEntry> m_entries;
};

} // namespace Baton::Ui
