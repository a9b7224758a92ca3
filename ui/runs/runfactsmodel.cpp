#include "runfactsmodel.h"

#include "executors/inlineassignments.h"
#include "runtasksmodel.h"

#include <QFont>

namespace Baton::Ui {

RunFactsModel::RunFactsModel(Kind kind, QObject *parent)
    : QAbstractTableModel(parent)
    , m_kind(kind)
{
    switch (kind) {
    case Kind::Versions:
        m_headers = { tr("Task"),    tr("Job"),          tr("Version"), tr("Technology"),
                      tr("Command"), tr("Content hash"), tr("Released") };
        break;
    case Kind::Variables:
        m_headers = { tr("Name"), tr("Value"), tr("Scope") };
        break;
    case Kind::Metrics:
        m_headers = { tr("Metric"), tr("Value"), tr("Task") };
        break;
    }
}

QList<RunFactsModel::Row> RunFactsModel::rowsFor(const Baton::RunDetail &d) const
{
    QList<Row> rows;
    switch (m_kind) {
    case Kind::Versions:
        for (const TaskDetail &t : d.tasks) {
            const JobVersionDetail &v = t.version;
            const QString tech = v.runtime.isEmpty()
                ? v.technology
                : QStringLiteral("%1 %2").arg(v.technology, v.runtime);
            Row r { { t.name, v.job, QStringLiteral("v%1").arg(v.number), tech, v.command,
                      v.contentHash.left(12), RunTasksModel::timeText(v.createdAt) },
                    {},
                    t.name,
                    false };
            r.tip = tr("sha256 %1%2%3")
                        .arg(v.contentHash)
                        .arg(v.author.isEmpty() ? QString() : tr("\nby %1").arg(v.author))
                        .arg(v.releaseNote.isEmpty() ? QString()
                                                     : QStringLiteral("\n") + v.releaseNote);
            rows << r;
        }
        break;
    case Kind::Variables:
        // Parameters first (what this run was asked with), then everything resolved.
        for (auto it = d.parameters.constBegin(); it != d.parameters.constEnd(); ++it) {
            rows << Row { { it.key(), it.value(), tr("run parameter") },
                          tr("Passed with this run"),
                          {},
                          it.value() == RunDetail::Masked };
        }
        for (const VariableDetail &v : d.variables) {
            if (v.scope == QLatin1String("run"))
                continue; // shown above as a parameter
            rows << Row { { v.name, v.value, v.scope },
                          v.secret ? tr("A secret: its value is never shown") : QString(),
                          {},
                          v.secret };
        }
        // What a task's command sets for itself (`MODEL_VERSION=v7 python3 train.py`): the
        // job got that value, whatever the scopes above say.
        for (const TaskDetail &t : d.tasks) {
            for (const InlineAssignment &a : inlineAssignments(t.version.command)) {
                rows << Row { { a.name, a.value, tr("command of %1").arg(t.name) },
                              tr("Set in the command of task %1 (job %2 v%3): the job got "
                                 "this value, over any of the same name above")
                                  .arg(t.name, t.version.job)
                                  .arg(t.version.number),
                              t.name,
                              a.value == RunDetail::Masked };
            }
        }
        break;
    case Kind::Metrics:
        for (const MetricDetail &m : d.metrics)
            rows << Row {
                { m.name, QString::number(m.value, 'g', 10), m.task }, {}, m.task, false
            };
        break;
    }
    return rows;
}

void RunFactsModel::setDetail(const Baton::RunDetail &detail)
{
    QList<Row> rows = rowsFor(detail);
    if (rows.size() != m_rows.size()) {
        beginResetModel();
        m_rows = std::move(rows);
        endResetModel();
        return;
    }
    int first = -1;
    int last = -1;
    for (int i = 0; i < rows.size(); ++i) {
        if (!(rows.at(i) == m_rows.at(i))) {
            first = first < 0 ? i : first;
            last = i;
        }
    }
    m_rows = std::move(rows);
    if (first >= 0)
        Q_EMIT dataChanged(index(first, 0), index(last, columnCount() - 1));
}

QString RunFactsModel::text(int row, int column) const
{
    return m_rows.value(row).cells.value(column);
}

int RunFactsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RunFactsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_headers.size());
}

QVariant RunFactsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Row &row = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return row.cells.value(index.column());
    case Qt::ToolTipRole:
        return row.tip.isEmpty() ? QVariant() : QVariant(row.tip);
    case Qt::FontRole:
        if (row.secret && index.column() == 1) {
            QFont f;
            f.setItalic(true);
            return f;
        }
        return {};
    case SecretRole:
        return row.secret;
    case TaskNameRole:
        return row.task;
    }
    return {};
}

QVariant RunFactsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    return m_headers.value(section);
}

} // namespace Baton::Ui
