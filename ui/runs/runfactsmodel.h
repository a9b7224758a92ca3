#pragma once

#include "monitoring/rundetail.h"

#include <QAbstractTableModel>
#include <QStringList>

namespace Baton::Ui {

/// One of the run detail's fact tables, as rows of text: the job versions the tasks ran, the
/// variables (secrets `***`, as core masks them) and parameters, or the metrics reported.
/// setDetail() repaints only rows that changed; a different row count resets the model.
class RunFactsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum class Kind { Versions, Variables, Metrics };
    enum Role {
        SecretRole = Qt::UserRole + 1, ///< bool: a masked value (Variables)
        TaskNameRole, ///< QString (Versions, Metrics)
    };

    explicit RunFactsModel(Kind kind, QObject *parent = nullptr);

    Kind kind() const { return m_kind; }
    void setDetail(const Baton::RunDetail &detail);
    /// The text of a cell (tests and copy).
    QString text(int row, int column) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        QStringList cells;
        QString tip;
        QString task;
        bool secret = false;
        bool operator==(const Row &) const = default;
    };
    QList<Row> rowsFor(const Baton::RunDetail &detail) const;

    Kind m_kind;
    QStringList m_headers;
    QList<Row> m_rows;
};

} // namespace Baton::Ui
