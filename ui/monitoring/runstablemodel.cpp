#include "runstablemodel.h"

#include "model/durationformat.h"
#include "model/runstate.h"

#include <QDateTime>
#include <algorithm>
#include <functional>

namespace Baton::Ui {

namespace {

bool newestFirst(const RunRow &a, const RunRow &b)
{
    return a.id > b.id;
}

QString formatTime(qint64 ms)
{
    if (ms <= 0)
        return {};
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

QString tasksSummary(const TaskCounts &t)
{
    if (t.total == 0)
        return QStringLiteral("no tasks");
    QStringList parts { QStringLiteral("%1/%2").arg(t.finished()).arg(t.total) };
    const auto add = [&parts](int n, const char *what) {
        if (n > 0)
            parts << QStringLiteral("%1 %2").arg(n).arg(QLatin1String(what));
    };
    add(t.running, "running");
    add(t.queued, "queued");
    add(t.failed, "failed");
    add(t.cancelled, "cancelled");
    add(t.skipped, "skipped");
    return parts.join(QStringLiteral(" · "));
}

QString tasksToolTip(const TaskCounts &t)
{
    QStringList lines;
    for (auto it = t.byState.constBegin(); it != t.byState.constEnd(); ++it)
        lines << QStringLiteral("%1: %2").arg(it.key()).arg(it.value());
    return lines.join(QLatin1Char('\n'));
}

} // namespace

RunsTableModel::RunsTableModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

int RunsTableModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int RunsTableModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

qint64 RunsTableModel::now() const
{
    return m_now > 0 ? m_now : QDateTime::currentMSecsSinceEpoch();
}

QVariant RunsTableModel::display(const RunRow &run, int column) const
{
    switch (column) {
    case RunColumn:
        return QStringLiteral("#%1").arg(run.id);
    case PipelineColumn:
        return run.project + QLatin1Char('/') + run.pipeline;
    case VersionColumn:
        return QStringLiteral("v%1").arg(run.pipelineVersion);
    case EnvironmentColumn:
        return run.environment;
    case StateColumn:
        return stateLabel(run.state);
    case TriggerColumn:
        return run.trigger;
    case StartedColumn:
        return formatTime(run.startedAt);
    case DurationColumn:
        return run.active.ran ? durationText(run.durationMs(now())) : QString();
    case ProgressColumn:
        return QStringLiteral("%1%").arg(qRound(run.progress * 100.0));
    case TasksColumn:
        return tasksSummary(run.tasks);
    case ReviewColumn: {
        // A run still moving has nothing to sign off: only its notes count.
        QString text
            = run.terminal || run.review != QLatin1String("pending") ? run.review : QString();
        if (run.annotations > 0)
            text += (text.isEmpty() ? QString() : QStringLiteral(" · "))
                + (run.annotations == 1 ? tr("1 note") : tr("%1 notes").arg(run.annotations));
        return text;
    }
    }
    return {};
}

QVariant RunsTableModel::sortValue(const RunRow &run, int column) const
{
    switch (column) {
    case RunColumn:
        return run.id;
    case PipelineColumn:
        return run.project + QLatin1Char('/') + run.pipeline;
    case VersionColumn:
        return run.pipelineVersion;
    case EnvironmentColumn:
        return run.environment;
    case StateColumn:
        return toString(run.state); // by name, as before the states were typed
    case TriggerColumn:
        return run.trigger;
    case StartedColumn:
        // Not started yet sorts by when it was queued, so queued runs stay in time order.
        return run.startedAt > 0 ? run.startedAt : run.createdAt;
    case DurationColumn:
        return run.durationMs(now());
    case ProgressColumn:
        return run.progress;
    case TasksColumn:
        return run.tasks.total;
    case ReviewColumn:
        return run.review;
    }
    return {};
}

QVariant RunsTableModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const RunRow &run = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(run, index.column());
    case Qt::ToolTipRole:
        if (index.column() == TasksColumn)
            return tasksToolTip(run.tasks);
        if (index.column() == StartedColumn || index.column() == DurationColumn) {
            QStringList lines { tr("Queued: %1").arg(formatTime(run.createdAt)) };
            if (run.startedAt > 0)
                lines << tr("Started: %1").arg(formatTime(run.startedAt));
            if (run.finishedAt > 0)
                lines << tr("Finished: %1").arg(formatTime(run.finishedAt));
            return lines.join(QLatin1Char('\n'));
        }
        if (index.column() == RunColumn && !run.requestedBy.isEmpty())
            return tr("Requested by %1").arg(run.requestedBy);
        return {};
    case Qt::TextAlignmentRole:
        switch (index.column()) {
        case RunColumn:
        case VersionColumn:
        case DurationColumn:
        case ProgressColumn:
            return QVariant::fromValue(Qt::Alignment(Qt::AlignRight | Qt::AlignVCenter));
        default:
            return {};
        }
    case RunIdRole:
        return run.id;
    case StateRole:
        return QVariant::fromValue(run.state);
    case TerminalRole:
        return run.terminal;
    case ProjectRole:
        return run.project;
    case PipelineRole:
        return run.pipeline;
    case EnvironmentRole:
        return run.environment;
    case TriggerRole:
        return run.trigger;
    case RequestedByRole:
        return run.requestedBy;
    case CreatedAtRole:
        return run.createdAt;
    case StartedAtRole:
        return run.startedAt;
    case FinishedAtRole:
        return run.finishedAt;
    case DurationRole:
        return run.durationMs(now());
    case ProgressRole:
        return run.progress;
    case SortRole:
        return sortValue(run, index.column());
    case RunRowRole:
        return QVariant::fromValue(run);
    case ReviewRole:
        return run.review;
    default:
        return {};
    }
}

QVariant RunsTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case RunColumn:
        return tr("Run");
    case PipelineColumn:
        return tr("Pipeline");
    case VersionColumn:
        return tr("Version");
    case EnvironmentColumn:
        return tr("Environment");
    case StateColumn:
        return tr("State");
    case TriggerColumn:
        return tr("Trigger");
    case StartedColumn:
        return tr("Started");
    case DurationColumn:
        return tr("Duration");
    case ProgressColumn:
        return tr("Progress");
    case TasksColumn:
        return tr("Tasks");
    case ReviewColumn:
        return tr("Review");
    }
    return {};
}

QHash<int, QByteArray> RunsTableModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(RunIdRole, "runId");
    names.insert(StateRole, "state");
    names.insert(TerminalRole, "terminal");
    names.insert(ProjectRole, "project");
    names.insert(PipelineRole, "pipeline");
    names.insert(EnvironmentRole, "environment");
    names.insert(TriggerRole, "trigger");
    names.insert(RequestedByRole, "requestedBy");
    names.insert(CreatedAtRole, "createdAt");
    names.insert(StartedAtRole, "startedAt");
    names.insert(FinishedAtRole, "finishedAt");
    names.insert(DurationRole, "duration");
    names.insert(ProgressRole, "progress");
    names.insert(SortRole, "sortValue");
    names.insert(RunRowRole, "run");
    names.insert(ReviewRole, "review");
    return names;
}

int RunsTableModel::rowOf(qint64 id) const
{
    return m_index.value(id, -1);
}

QMap<RunState, int> RunsTableModel::countsByState() const
{
    QMap<RunState, int> counts;
    for (const RunRow &run : m_rows)
        counts[run.state] += 1;
    return counts;
}

void RunsTableModel::reindex(int from)
{
    if (from == 0)
        m_index.clear();
    m_index.reserve(m_rows.size());
    for (int row = from; row < m_rows.size(); ++row)
        m_index.insert(m_rows.at(row).id, row);
}

void RunsTableModel::applyDelta(const RunsDelta &delta)
{
    if (delta.reset) {
        beginResetModel();
        m_rows = delta.added;
        std::sort(m_rows.begin(), m_rows.end(), newestFirst);
        // A reset replaces: the same id twice would break the index.
        m_rows.erase(std::unique(m_rows.begin(), m_rows.end(),
                                 [](const RunRow &a, const RunRow &b) { return a.id == b.id; }),
                     m_rows.end());
        reindex();
        endResetModel();
        return;
    }
    if (!delta.removed.isEmpty())
        removeIds(delta.removed);
    if (!delta.added.isEmpty())
        insertRows(delta.added);
    if (!delta.updated.isEmpty())
        updateRows(delta.updated);
}

void RunsTableModel::removeIds(const QList<qint64> &ids)
{
    QList<int> rows;
    rows.reserve(ids.size());
    for (const qint64 id : ids) {
        const int row = m_index.value(id, -1);
        if (row >= 0)
            rows << row;
    }
    if (rows.isEmpty())
        return;
    std::sort(rows.begin(), rows.end(), std::greater<int>());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    // Bottom-up, one signal pair per contiguous range, so earlier rows keep their numbers.
    qsizetype i = 0;
    while (i < rows.size()) {
        const int last = rows.at(i);
        int first = last;
        while (i + 1 < rows.size() && rows.at(i + 1) == first - 1)
            first = rows.at(++i);
        ++i;
        beginRemoveRows({}, first, last);
        for (int row = first; row <= last; ++row)
            m_index.remove(m_rows.at(row).id);
        m_rows.remove(first, last - first + 1);
        endRemoveRows();
    }
    reindex(rows.last());
}

void RunsTableModel::insertRows(const QList<RunRow> &rows)
{
    QList<RunRow> head; // newer than everything shown: one batch at the top
    QList<RunRow> middle; // an older id (rare): placed where its id sorts
    QList<RunRow> known; // already shown: an update after all
    const qint64 top = m_rows.isEmpty() ? 0 : m_rows.first().id;
    for (const RunRow &row : rows) {
        if (m_index.contains(row.id))
            known << row;
        else if (row.id > top)
            head << row;
        else
            middle << row;
    }
    std::sort(head.begin(), head.end(), newestFirst);
    head.erase(std::unique(head.begin(), head.end(),
                           [](const RunRow &a, const RunRow &b) { return a.id == b.id; }),
               head.end());
    if (!head.isEmpty()) {
        beginInsertRows({}, 0, int(head.size()) - 1);
        m_rows = head + m_rows;
        reindex();
        endInsertRows();
    }
    for (const RunRow &row : std::as_const(middle)) {
        if (m_index.contains(row.id)) {
            known << row;
            continue;
        }
        const auto at = std::lower_bound(m_rows.cbegin(), m_rows.cend(), row, newestFirst);
        const int position = int(at - m_rows.cbegin());
        beginInsertRows({}, position, position);
        m_rows.insert(position, row);
        reindex(position);
        endInsertRows();
    }
    if (!known.isEmpty())
        updateRows(known);
}

void RunsTableModel::updateRows(const QList<RunRow> &rows)
{
    int first = -1;
    int last = -1;
    for (const RunRow &row : rows) {
        const int at = m_index.value(row.id, -1);
        if (at < 0)
            continue; // not shown (evicted meanwhile): nothing to refresh
        m_rows[at] = row;
        first = first < 0 ? at : std::min(first, at);
        last = std::max(last, at);
    }
    if (first >= 0)
        Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1));
}

void RunsTableModel::setNow(qint64 nowMs)
{
    m_now = nowMs;
    int first = -1;
    int last = -1;
    for (int row = 0; row < m_rows.size(); ++row) {
        if (m_rows.at(row).terminal || m_rows.at(row).startedAt <= 0)
            continue;
        if (first < 0)
            first = row;
        last = row;
    }
    if (first >= 0) {
        Q_EMIT dataChanged(index(first, DurationColumn), index(last, DurationColumn),
                           { Qt::DisplayRole, DurationRole, SortRole });
    }
}

} // namespace Baton::Ui
