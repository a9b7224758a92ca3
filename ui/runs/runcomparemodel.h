#pragma once

#include "monitoring/runcompare.h"

#include <QAbstractTableModel>

namespace Baton::Ui {

/// One table of a run comparison: the run fields (with parameters and variables), the tasks
/// side by side, or the metrics. Cells that differ carry DiffersRole and a tint; with
/// setOnlyDifferences() the rows that are the same are left out.
class RunCompareModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum class Kind { Fields, Tasks, Metrics };
    enum TaskColumn {
        TaskColumn,
        StateAColumn,
        StateBColumn,
        VersionAColumn,
        VersionBColumn,
        DurationAColumn,
        DurationBColumn,
        AttemptsColumn,
        ExitColumn,
        TaskColumnCount
    };
    enum FieldColumn { FieldColumn, AColumn, BColumn, FieldColumnCount };
    enum Role {
        DiffersRole = Qt::UserRole + 1, ///< bool: this cell (row, for the first column) differs
    };

    explicit RunCompareModel(Kind kind, QObject *parent = nullptr);

    void setComparison(const Baton::RunComparison &comparison);
    void setOnlyDifferences(bool only);
    bool onlyDifferences() const { return m_only; }
    Kind kind() const { return m_kind; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    void rebuild();
    bool cellDiffers(int row, int column) const;

    Kind m_kind;
    bool m_only = false;
    Baton::RunComparison m_comparison;
    QList<int> m_rows; // indexes into the comparison's list, after the filter
};

} // namespace Baton::Ui
