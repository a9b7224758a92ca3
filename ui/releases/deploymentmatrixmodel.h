#pragma once

#include "release/deploymentmatrix.h"

#include <QAbstractTableModel>

namespace Baton::Ui {

/// One project's deployment matrix as a table: rows its pipelines and jobs, columns Name,
/// Latest, then one per environment of the path. An environment cell shows the deployed
/// version with its last run's state as a dot, "≠" where it runs something different from the
/// environment before it, "⚠" for a deprecated or missing runtime, and a pending approval.
class DeploymentMatrixModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { NameColumn, LatestColumn, FirstEnvironmentColumn };
    enum Role {
        KindRole = Qt::UserRole + 1, ///< "job" / "pipeline"
        NameRole,
        VersionRole, ///< int, 0: nothing deployed (environment columns)
        RunStateRole, ///< RunState of the deployed version's last run there (invalid: never ran)
        DriftRole, ///< bool
        RuntimeRole, ///< ok | deprecating | deprecated | missing | ""
        PendingRequestRole, ///< request id waiting for approval into the cell, 0 none
        EnvironmentRole, ///< the column's environment name
    };

    explicit DeploymentMatrixModel(QObject *parent = nullptr);

    /// Shows @p matrix: rows and columns are rebuilt only when they change, else one ranged
    /// dataChanged.
    void setMatrix(const Baton::ProjectMatrix &matrix);
    const Baton::ProjectMatrix &matrix() const { return m_matrix; }
    /// The environment of column @p column, or empty for Name/Latest.
    QString environmentAt(int column) const;
    const Baton::MatrixRow *rowAt(int row) const;
    const Baton::MatrixCell *cellAt(const QModelIndex &index) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    QString cellText(const Baton::MatrixCell &c) const;
    QString cellToolTip(const Baton::MatrixRow &row, int environment) const;

    Baton::ProjectMatrix m_matrix;
};

} // namespace Baton::Ui
