#include "runtasksmodel.h"

#include "model/durationformat.h"
#include "model/runstate.h"
#include "widgets/icons.h"

#include <QDateTime>

namespace Baton::Ui {

RunTasksModel::RunTasksModel(QObject *parent)
    : QAbstractItemModel(parent)
    , m_now(QDateTime::currentMSecsSinceEpoch())
{ }

QString RunTasksModel::timeText(qint64 ms)
{
    if (ms <= 0)
        return {};
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(ms);
    return t.date() == QDate::currentDate() ? t.toString(QStringLiteral("HH:mm:ss"))
                                            : t.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

void RunTasksModel::setDetail(const Baton::RunDetail &detail)
{
    bool sameTasks = detail.tasks.size() == m_detail.tasks.size() && detail.id == m_detail.id;
    for (qsizetype i = 0; sameTasks && i < detail.tasks.size(); ++i)
        sameTasks = detail.tasks.at(i).name == m_detail.tasks.at(i).name
            && detail.tasks.at(i).attemptList.size() >= m_detail.tasks.at(i).attemptList.size();
    if (!sameTasks) {
        beginResetModel();
        m_detail = detail;
        endResetModel();
        return;
    }
    // Same tasks: new attempts are inserted per task, then every changed row is repainted in
    // one ranged signal per level.
    int first = -1;
    int last = -1;
    for (int row = 0; row < detail.tasks.size(); ++row) {
        const TaskDetail &now = detail.tasks.at(row);
        TaskDetail &was = m_detail.tasks[row];
        const int before = int(was.attemptList.size());
        const int after = int(now.attemptList.size());
        if (after > before) {
            beginInsertRows(index(row, 0), before, after - 1);
            was.attemptList = now.attemptList;
            endInsertRows();
        }
        if (!(was == now)) {
            bool attemptsChanged = false;
            for (int a = 0; a < before; ++a)
                attemptsChanged |= !(was.attemptList.at(a) == now.attemptList.at(a));
            was = now;
            if (attemptsChanged)
                Q_EMIT dataChanged(index(0, 0, index(row, 0)),
                                   index(before - 1, ColumnCount - 1, index(row, 0)));
            first = first < 0 ? row : first;
            last = row;
        }
    }
    m_detail = detail; // the run-level fields
    if (first >= 0)
        Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1));
}

void RunTasksModel::setNow(qint64 nowMs)
{
    m_now = nowMs;
    // Only running durations move.
    for (int row = 0; row < m_detail.tasks.size(); ++row) {
        const TaskDetail &t = m_detail.tasks.at(row);
        if (t.startedAt > 0 && t.finishedAt == 0) {
            Q_EMIT dataChanged(index(row, DurationColumn), index(row, DurationColumn));
            const int n = int(t.attemptList.size());
            if (n > 0)
                Q_EMIT dataChanged(index(n - 1, DurationColumn, index(row, 0)),
                                   index(n - 1, DurationColumn, index(row, 0)));
        }
    }
}

QModelIndex RunTasksModel::taskIndex(const QString &task, int column) const
{
    for (int row = 0; row < m_detail.tasks.size(); ++row) {
        if (m_detail.tasks.at(row).name == task)
            return index(row, column);
    }
    return {};
}

QModelIndex RunTasksModel::attemptIndex(const QString &task, int attempt, int column) const
{
    const QModelIndex parent = taskIndex(task);
    if (!parent.isValid() || attempt < 1 || attempt > rowCount(parent))
        return {};
    return index(attempt - 1, column, parent);
}

QModelIndex RunTasksModel::index(int row, int column, const QModelIndex &parent) const
{
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, quintptr(0));
    return createIndex(row, column, quintptr(parent.row() + 1));
}

QModelIndex RunTasksModel::parent(const QModelIndex &child) const
{
    if (!child.isValid() || !isAttempt(child))
        return {};
    return createIndex(int(child.internalId() - 1), 0, quintptr(0));
}

int RunTasksModel::rowCount(const QModelIndex &parent) const
{
    if (!parent.isValid())
        return int(m_detail.tasks.size());
    if (isAttempt(parent) || parent.column() != 0)
        return 0;
    return int(m_detail.tasks.at(parent.row()).attemptList.size());
}

int RunTasksModel::columnCount(const QModelIndex &) const
{
    return ColumnCount;
}

QVariant RunTasksModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const bool attemptRow = isAttempt(index);
    const TaskDetail &task
        = m_detail.tasks.at(attemptRow ? int(index.internalId() - 1) : index.row());
    const AttemptDetail *attempt = attemptRow ? &task.attemptList.at(index.row())
        : task.attemptList.isEmpty()          ? nullptr
                                              : &task.attemptList.last();
    const RunState state = attemptRow ? attempt->state : task.state;
    const bool live = attemptRow ? attempt->finishedAt == 0 && attempt->startedAt > 0
                                 : task.startedAt > 0 && task.finishedAt == 0;
    switch (role) {
    case StateRole:
        return QVariant::fromValue(state);
    case TaskNameRole:
        return task.name;
    case AttemptRole:
        return attemptRow ? attempt->number : 0;
    case LogPathRole:
        return attempt ? attempt->logPath : QString();
    case LiveRole:
        return live;
    case Qt::DecorationRole:
        return index.column() == StateColumn ? QVariant(Icons::stateDot(state)) : QVariant();
    case Qt::ToolTipRole:
        if (index.column() == NameColumn && !attemptRow && !task.upstream.isEmpty())
            return tr("After: %1").arg(task.upstream.join(QStringLiteral(", ")));
        if (index.column() == VersionColumn && !attemptRow)
            return tr("%1 version %2\n%3\nsha256 %4")
                .arg(task.version.job)
                .arg(task.version.number)
                .arg(task.version.command, task.version.contentHash);
        // A waiting task says why on its state too, where the eye is.
        if (index.column() == StateColumn && !attemptRow && !task.wait.text.isEmpty())
            return task.wait.text;
        if (index.column() == ReasonColumn)
            return attemptRow ? attempt->reason : data(index, Qt::DisplayRole);
        return {};
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    switch (index.column()) {
    case NameColumn:
        return attemptRow ? tr("attempt %1").arg(attempt->number) : task.name;
    case VersionColumn:
        return attemptRow ? attempt->host
                          : QStringLiteral("%1 v%2").arg(task.version.job).arg(task.version.number);
    case StateColumn:
        return stateLabel(state);
    case AttemptsColumn:
        return attemptRow ? QVariant() : QVariant(task.attempts);
    case ExitColumn: {
        const std::optional<int> code = attemptRow ? attempt->exitCode : task.exitCode;
        return code ? QVariant(*code) : QVariant();
    }
    case StartedColumn:
        return timeText(attemptRow ? attempt->startedAt : task.startedAt);
    case DurationColumn: {
        const qint64 ms = attemptRow ? attempt->durationMs(m_now) : task.durationMs(m_now);
        return durationTextOr(ms, QString());
    }
    case ReasonColumn:
        if (attemptRow)
            return attempt->reason;
        // A task that waits says why (core's rule), unless its own reason already does.
        if (!task.wait.text.isEmpty() && task.wait.text != task.reason)
            return task.reason.isEmpty() ? task.wait.text
                                         : task.reason + QStringLiteral(" · ") + task.wait.text;
        return task.reason;
    }
    return {};
}

QVariant RunTasksModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation == Qt::Horizontal && role == Qt::ToolTipRole && section == DurationColumn)
        return tr("The time its attempts ran, added up: waits before a retry do not count");
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Task");
    case VersionColumn:
        return tr("Job version / host");
    case StateColumn:
        return tr("State");
    case AttemptsColumn:
        return tr("Attempts");
    case ExitColumn:
        return tr("Exit code");
    case StartedColumn:
        return tr("Started");
    case DurationColumn:
        return tr("Duration");
    case ReasonColumn:
        return tr("Reason");
    }
    return {};
}

} // namespace Baton::Ui
