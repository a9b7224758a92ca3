#include "runcomparemodel.h"

#include "model/durationformat.h"
#include "model/runstate.h"
#include "runtasksmodel.h"

#include <QColor>
#include <QFont>

namespace Baton::Ui {

namespace {

QString exitText(const std::optional<int> &code)
{
    return code ? QString::number(*code) : QStringLiteral("–");
}

} // namespace

RunCompareModel::RunCompareModel(Kind kind, QObject *parent)
    : QAbstractTableModel(parent)
    , m_kind(kind)
{ }

void RunCompareModel::setComparison(const Baton::RunComparison &comparison)
{
    beginResetModel();
    m_comparison = comparison;
    rebuild();
    endResetModel();
}

void RunCompareModel::setOnlyDifferences(bool only)
{
    if (only == m_only)
        return;
    beginResetModel();
    m_only = only;
    rebuild();
    endResetModel();
}

void RunCompareModel::rebuild()
{
    m_rows.clear();
    switch (m_kind) {
    case Kind::Fields:
        for (int i = 0; i < m_comparison.fields.size(); ++i) {
            if (!m_only || m_comparison.fields.at(i).differs)
                m_rows << i;
        }
        break;
    case Kind::Metrics:
        for (int i = 0; i < m_comparison.metrics.size(); ++i) {
            if (!m_only || m_comparison.metrics.at(i).differs)
                m_rows << i;
        }
        break;
    case Kind::Tasks:
        for (int i = 0; i < m_comparison.tasks.size(); ++i) {
            if (!m_only || m_comparison.tasks.at(i).differs())
                m_rows << i;
        }
        break;
    }
}

int RunCompareModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RunCompareModel::columnCount(const QModelIndex &parent) const
{
    if (parent.isValid())
        return 0;
    return m_kind == Kind::Tasks ? int(TaskColumnCount) : int(FieldColumnCount);
}

bool RunCompareModel::cellDiffers(int row, int column) const
{
    const int i = m_rows.at(row);
    if (m_kind != Kind::Tasks) {
        const FieldComparison &f
            = m_kind == Kind::Fields ? m_comparison.fields.at(i) : m_comparison.metrics.at(i);
        return f.differs;
    }
    const TaskComparison &t = m_comparison.tasks.at(i);
    if (!t.inA || !t.inB)
        return true;
    switch (column) {
    case TaskColumn:
        return t.differs();
    case StateAColumn:
    case StateBColumn:
        return t.stateDiffers;
    case VersionAColumn:
    case VersionBColumn:
        return t.versionDiffers;
    case DurationAColumn:
    case DurationBColumn:
        return t.durationDiffers;
    case AttemptsColumn:
        return t.attemptsDiffer;
    case ExitColumn:
        return t.exitDiffers;
    }
    return false;
}

QVariant RunCompareModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const bool differs = cellDiffers(index.row(), index.column());
    switch (role) {
    case DiffersRole:
        return differs;
    case Qt::BackgroundRole:
        // A translucent amber reads on light and dark bases alike.
        return differs ? QVariant(QColor(255, 170, 40, 70)) : QVariant();
    case Qt::FontRole:
        if (differs) {
            QFont f;
            f.setBold(true);
            return f;
        }
        return {};
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        break;
    default:
        return {};
    }
    const int i = m_rows.at(index.row());
    if (m_kind != Kind::Tasks) {
        const FieldComparison &f
            = m_kind == Kind::Fields ? m_comparison.fields.at(i) : m_comparison.metrics.at(i);
        switch (index.column()) {
        case FieldColumn:
            return f.field;
        case AColumn:
            return f.a.isEmpty() && role == Qt::DisplayRole ? QStringLiteral("–") : f.a;
        case BColumn:
            return f.b.isEmpty() && role == Qt::DisplayRole ? QStringLiteral("–") : f.b;
        }
        return {};
    }
    const TaskComparison &t = m_comparison.tasks.at(i);
    const QString absent = tr("(not in this run)");
    switch (index.column()) {
    case TaskColumn:
        return t.task;
    case StateAColumn:
        return t.inA ? stateLabel(t.stateA) : absent;
    case StateBColumn:
        return t.inB ? stateLabel(t.stateB) : absent;
    case VersionAColumn:
        return role == Qt::ToolTipRole ? t.hashA : t.versionA;
    case VersionBColumn:
        return role == Qt::ToolTipRole ? t.hashB : t.versionB;
    case DurationAColumn:
        return durationTextOr(t.durationA, QString());
    case DurationBColumn:
        return durationTextOr(t.durationB, QString());
    case AttemptsColumn:
        return QStringLiteral("%1 / %2").arg(t.attemptsA).arg(t.attemptsB);
    case ExitColumn:
        return QStringLiteral("%1 / %2").arg(exitText(t.exitA), exitText(t.exitB));
    }
    return {};
}

QVariant RunCompareModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    const QString a = tr("Run %1").arg(m_comparison.runA);
    const QString b = tr("Run %1").arg(m_comparison.runB);
    if (m_kind != Kind::Tasks) {
        switch (section) {
        case FieldColumn:
            return m_kind == Kind::Fields ? tr("Field") : tr("Metric (task)");
        case AColumn:
            return a;
        case BColumn:
            return b;
        }
        return {};
    }
    switch (section) {
    case TaskColumn:
        return tr("Task");
    case StateAColumn:
        return tr("State · %1").arg(a);
    case StateBColumn:
        return tr("State · %1").arg(b);
    case VersionAColumn:
        return tr("Version · %1").arg(a);
    case VersionBColumn:
        return tr("Version · %1").arg(b);
    case DurationAColumn:
        return tr("Duration · %1").arg(a);
    case DurationBColumn:
        return tr("Duration · %1").arg(b);
    case AttemptsColumn:
        return tr("Attempts");
    case ExitColumn:
        return tr("Exit codes");
    }
    return {};
}

} // namespace Baton::Ui
