#include "deploymentmatrixmodel.h"

#include "model/runstate.h"
#include "widgets/icons.h"
#include "widgets/theme.h"

#include <QApplication>
#include <QDateTime>
#include <QFont>
#include <QPalette>

namespace Baton::Ui {

namespace {

QStringList shape(const ProjectMatrix &m)
{
    QStringList s { m.project };
    for (const EnvironmentRef &e : m.environments)
        s << QStringLiteral("env:") + e.name;
    for (const MatrixRow &r : m.rows)
        s << toString(r.kind) + QLatin1Char(':') + r.name;
    return s;
}

QString stateText(std::optional<RunState> state)
{
    return state ? stateLabel(*state) : DeploymentMatrixModel::tr("never ran");
}

} // namespace

DeploymentMatrixModel::DeploymentMatrixModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

void DeploymentMatrixModel::setMatrix(const Baton::ProjectMatrix &matrix)
{
    if (shape(matrix) != shape(m_matrix)) {
        beginResetModel();
        m_matrix = matrix;
        endResetModel();
        return;
    }
    m_matrix = matrix;
    if (rowCount() > 0 && columnCount() > 0)
        Q_EMIT dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
}

QString DeploymentMatrixModel::environmentAt(int column) const
{
    const int e = column - FirstEnvironmentColumn;
    return e >= 0 && e < m_matrix.environments.size() ? m_matrix.environments.at(e).name
                                                      : QString();
}

const Baton::MatrixRow *DeploymentMatrixModel::rowAt(int row) const
{
    return row >= 0 && row < m_matrix.rows.size() ? &m_matrix.rows.at(row) : nullptr;
}

const Baton::MatrixCell *DeploymentMatrixModel::cellAt(const QModelIndex &index) const
{
    const MatrixRow *row = index.isValid() ? rowAt(index.row()) : nullptr;
    const int e = index.column() - FirstEnvironmentColumn;
    if (!row || e < 0 || e >= row->cells.size())
        return nullptr;
    return &row->cells.at(e);
}

int DeploymentMatrixModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_matrix.rows.size());
}

int DeploymentMatrixModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : FirstEnvironmentColumn + int(m_matrix.environments.size());
}

QString DeploymentMatrixModel::cellText(const MatrixCell &c) const
{
    if (!c.version)
        return QStringLiteral("—");
    QString text = QStringLiteral("v%1").arg(c.version);
    if (c.drift)
        text.prepend(QStringLiteral("≠ "));
    if (c.runtimeStatus == QLatin1String("missing")
        || c.runtimeStatus == QLatin1String("deprecated")
        || c.runtimeStatus == QLatin1String("deprecating"))
        text += QStringLiteral("  ⚠");
    if (c.pendingRequestId)
        text += QStringLiteral("  ⚑ v%1").arg(c.pendingVersion);
    return text;
}

QString DeploymentMatrixModel::cellToolTip(const MatrixRow &row, int e) const
{
    const MatrixCell &c = row.cells.at(e);
    const QString env = m_matrix.environments.at(e).name;
    if (!c.version)
        return tr("%1 is not deployed in %2").arg(row.name, env);
    QStringList lines;
    lines << tr("%1 v%2 in %3").arg(row.name).arg(c.version).arg(env);
    lines << tr("%1 by %2, %3")
                 .arg(c.deployKind, c.deployedBy,
                      QDateTime::fromMSecsSinceEpoch(c.deployedAt)
                          .toString(QStringLiteral("yyyy-MM-dd HH:mm")));
    lines << (c.lastRunId ? tr("last run %1: %2").arg(c.lastRunId).arg(stateText(c.lastRunState))
                          : tr("this version has not run here yet"));
    if (c.drift && e > 0)
        lines << tr("differs from %1").arg(m_matrix.environments.at(e - 1).name);
    if (!c.runtimeStatus.isEmpty())
        lines << tr("runtime: %1").arg(c.runtimeWhy);
    if (c.pendingRequestId)
        lines << tr("request %1: v%2 waits for approval")
                     .arg(c.pendingRequestId)
                     .arg(c.pendingVersion);
    return lines.join(QLatin1Char('\n'));
}

QVariant DeploymentMatrixModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const MatrixRow &row = m_matrix.rows.at(index.row());
    const int column = index.column();
    switch (role) {
    case KindRole:
        return toString(row.kind);
    case NameRole:
        return row.name;
    case EnvironmentRole:
        return environmentAt(column);
    default:
        break;
    }
    if (column == NameColumn) {
        switch (role) {
        case Qt::DisplayRole:
            return row.name;
        case Qt::DecorationRole:
            return row.kind == ReleaseKind::Pipeline ? Icons::pipeline() : Icons::job();
        case Qt::ToolTipRole:
            return row.kind == ReleaseKind::Pipeline
                ? tr("pipeline %1/%2").arg(m_matrix.project, row.name)
                : tr("job %1/%2 (%3 %4)")
                      .arg(m_matrix.project, row.name, row.technology, row.runtime)
                      .trimmed();
        case Qt::FontRole:
            if (row.kind == ReleaseKind::Pipeline) {
                QFont f = QApplication::font();
                f.setBold(true);
                return f;
            }
            return {};
        default:
            return {};
        }
    }
    if (column == LatestColumn) {
        if (role == Qt::DisplayRole)
            return QStringLiteral("v%1").arg(row.latestVersion);
        if (role == VersionRole)
            return row.latestVersion;
        if (role == Qt::TextAlignmentRole)
            return int(Qt::AlignCenter);
        return {};
    }
    const int e = column - FirstEnvironmentColumn;
    if (e >= row.cells.size())
        return {};
    const MatrixCell &c = row.cells.at(e);
    switch (role) {
    case Qt::DisplayRole:
        return cellText(c);
    case Qt::ToolTipRole:
        return cellToolTip(row, e);
    case Qt::DecorationRole:
        return c.version ? Icons::stateDot(c.lastRunState) : QVariant();
    case Qt::ForegroundRole: {
        const QPalette palette = QApplication::palette();
        if (c.runtimeStatus == QLatin1String("missing")
            || c.runtimeStatus == QLatin1String("deprecated"))
            return Theme::failure(palette);
        if (!c.version)
            return Theme::mutedText(palette);
        return {};
    }
    case Qt::BackgroundRole:
        if (c.drift)
            return Theme::mix(QApplication::palette().color(QPalette::Base), QColor(255, 170, 0),
                              0.18);
        return {};
    case VersionRole:
        return c.version;
    case RunStateRole:
        return c.lastRunState ? QVariant::fromValue(*c.lastRunState) : QVariant();
    case DriftRole:
        return c.drift;
    case RuntimeRole:
        return c.runtimeStatus;
    case PendingRequestRole:
        return c.pendingRequestId;
    default:
        return {};
    }
}

QVariant DeploymentMatrixModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= columnCount())
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::DisplayRole) {
        if (section == NameColumn)
            return tr("Job / pipeline");
        if (section == LatestColumn)
            return tr("Latest");
        const EnvironmentRef &env = m_matrix.environments.at(section - FirstEnvironmentColumn);
        return env.approvalRequired ? tr("%1 · approval").arg(env.name) : env.name;
    }
    if (role == Qt::ToolTipRole && section >= FirstEnvironmentColumn) {
        const EnvironmentRef &env = m_matrix.environments.at(section - FirstEnvironmentColumn);
        return env.approvalRequired
            ? tr("%1 (executor %2): promotions need a second release manager's approval")
                  .arg(env.name, env.executor)
            : tr("%1 (executor %2)").arg(env.name, env.executor);
    }
    return QAbstractTableModel::headerData(section, orientation, role);
}

} // namespace Baton::Ui
