#include "pipelinegraphmodel.h"

#include <QSet>

namespace Baton {

PipelineGraphModel::PipelineGraphModel(QObject *parent)
    : QObject(parent)
{ }

void PipelineGraphModel::load(const QString &project, const PipelineSpec &spec, int version)
{
    m_project = project;
    m_base = spec;
    m_baseVersion = version;
    m_graph = PipelineGraph();
    m_tasks.clear();
    m_tasks.reserve(std::size_t(spec.tasks.size()));
    QHash<QString, NodeId> ids;
    for (const TaskSpec &t : spec.tasks) {
        const NodeId id = m_graph.addNode(t.name);
        m_tasks.push_back({ t.name, t.job, t.settings, {} });
        if (!ids.contains(t.name))
            ids.insert(t.name, id);
    }
    // Stored definitions passed the rules already: no cycle search per edge (10,000 tasks load
    // in milliseconds); validate() still reports anything wrong.
    for (int i = 0; i < spec.tasks.size(); ++i) {
        for (const DependencySpec &d : spec.tasks.at(i).after) {
            const auto from = ids.constFind(d.task);
            if (from != ids.constEnd())
                m_graph.addEdgeUnchecked(*from, NodeId(i), d.condition);
        }
    }
    m_states.clear();
    Q_EMIT modelReset();
}

void PipelineGraphModel::setJobs(const QList<EditorJob> &jobs)
{
    m_jobs = jobs;
    Q_EMIT jobsChanged();
}

const EditorJob *PipelineGraphModel::job(const QString &name) const
{
    for (const EditorJob &j : m_jobs) {
        if (j.name == name)
            return &j;
    }
    return nullptr;
}

void PipelineGraphModel::markSaved(int version)
{
    m_base = toSpec();
    m_baseVersion = version;
    Q_EMIT changed();
}

EditorTask PipelineGraphModel::task(NodeId id) const
{
    return hasTask(id) ? m_tasks[std::size_t(id)] : EditorTask {};
}

QPointF PipelineGraphModel::position(NodeId id) const
{
    return hasTask(id) ? m_tasks[std::size_t(id)].position : QPointF();
}

std::vector<std::pair<NodeId, NodeId>> PipelineGraphModel::edges() const
{
    std::vector<std::pair<NodeId, NodeId>> result;
    result.reserve(m_graph.edgeCount());
    for (NodeId n : m_graph.nodes()) {
        for (NodeId s : m_graph.successors(n))
            result.emplace_back(n, s);
    }
    return result;
}

NodeId PipelineGraphModel::addTask(const EditorTask &task, NodeId restoreId)
{
    NodeId id = -1;
    if (restoreId >= 0) {
        if (!m_graph.restoreNode(restoreId, task.name))
            return -1;
        id = restoreId;
    } else {
        id = m_graph.addNode(task.name);
    }
    if (std::size_t(id) >= m_tasks.size())
        m_tasks.resize(std::size_t(id) + 1);
    m_tasks[std::size_t(id)] = task;
    Q_EMIT nodeAdded(id);
    Q_EMIT changed();
    return id;
}

bool PipelineGraphModel::removeTask(NodeId id)
{
    if (!hasTask(id))
        return false;
    // Announce the edges first, while both ends still exist for whoever draws them.
    const std::vector<NodeId> out = m_graph.successors(id);
    const std::vector<NodeId> in = m_graph.predecessors(id);
    for (NodeId s : out) {
        m_graph.removeEdge(id, s);
        Q_EMIT edgeRemoved(id, s);
    }
    for (NodeId p : in) {
        m_graph.removeEdge(p, id);
        Q_EMIT edgeRemoved(p, id);
    }
    m_graph.removeNode(id);
    m_tasks[std::size_t(id)] = {};
    Q_EMIT nodeRemoved(id);
    Q_EMIT changed();
    return true;
}

bool PipelineGraphModel::updateTask(NodeId id, const EditorTask &task)
{
    if (!hasTask(id))
        return false;
    EditorTask &current = m_tasks[std::size_t(id)];
    if (current.name == task.name && current.job == task.job && current.settings == task.settings)
        return true;
    current.name = task.name;
    current.job = task.job;
    current.settings = task.settings;
    m_graph.setName(id, task.name);
    Q_EMIT nodeUpdated(id);
    Q_EMIT changed();
    return true;
}

void PipelineGraphModel::setPosition(NodeId id, const QPointF &position)
{
    if (!hasTask(id) || m_tasks[std::size_t(id)].position == position)
        return;
    m_tasks[std::size_t(id)].position = position;
    Q_EMIT nodeMoved(id);
}

void PipelineGraphModel::setPositions(const QHash<NodeId, QPointF> &positions)
{
    bool any = false;
    for (auto it = positions.cbegin(); it != positions.cend(); ++it) {
        if (!hasTask(it.key()) || m_tasks[std::size_t(it.key())].position == it.value())
            continue;
        m_tasks[std::size_t(it.key())].position = it.value();
        any = true;
    }
    if (any)
        Q_EMIT positionsChanged();
}

QHash<NodeId, QPointF> PipelineGraphModel::positions() const
{
    QHash<NodeId, QPointF> result;
    for (NodeId id : m_graph.nodes())
        result.insert(id, m_tasks[std::size_t(id)].position);
    return result;
}

QString PipelineGraphModel::connectionError(NodeId from, NodeId to) const
{
    if (!hasTask(from) || !hasTask(to))
        return tr("there is no such task");
    if (from == to)
        return tr("task '%1' cannot run after itself").arg(taskName(from));
    if (hasEdge(from, to))
        return tr("'%2' already runs after '%1'").arg(taskName(from), taskName(to));
    const std::vector<NodeId> cycle = m_graph.cycleThrough(from, to);
    if (!cycle.empty()) {
        QStringList names;
        for (NodeId n : cycle)
            names << taskName(n);
        return tr("'%2' after '%1' would close a dependency cycle: %3")
            .arg(taskName(from), taskName(to), names.join(QStringLiteral(" → ")));
    }
    return {};
}

bool PipelineGraphModel::connectTasks(NodeId from, NodeId to, EdgeCondition condition,
                                      QString *error)
{
    const QString why = connectionError(from, to);
    if (!why.isEmpty()) {
        if (error)
            *error = why;
        return false;
    }
    m_graph.addEdgeUnchecked(from, to, condition);
    Q_EMIT edgeAdded(from, to);
    Q_EMIT changed();
    return true;
}

bool PipelineGraphModel::disconnectTasks(NodeId from, NodeId to)
{
    if (!m_graph.removeEdge(from, to))
        return false;
    Q_EMIT edgeRemoved(from, to);
    Q_EMIT changed();
    return true;
}

bool PipelineGraphModel::setCondition(NodeId from, NodeId to, EdgeCondition condition)
{
    const auto current = m_graph.condition(from, to);
    if (!current)
        return false;
    if (*current == condition)
        return true;
    m_graph.setCondition(from, to, condition);
    Q_EMIT edgeUpdated(from, to);
    Q_EMIT changed();
    return true;
}

QString PipelineGraphModel::uniqueTaskName(const QString &base) const
{
    QSet<QString> taken;
    for (NodeId id : m_graph.nodes())
        taken.insert(m_graph.name(id));
    if (!taken.contains(base))
        return base;
    for (int n = 2;; ++n) {
        const QString candidate = QStringLiteral("%1_%2").arg(base).arg(n);
        if (!taken.contains(candidate))
            return candidate;
    }
}

PipelineSpec PipelineGraphModel::toSpec() const
{
    PipelineSpec spec = m_base;
    spec.tasks.clear();
    spec.releaseNote.clear();
    const std::vector<NodeId> ids = m_graph.nodes();
    spec.tasks.reserve(qsizetype(ids.size()));
    for (NodeId id : ids) {
        const EditorTask &t = m_tasks[std::size_t(id)];
        TaskSpec task;
        task.name = t.name;
        task.job = t.job;
        task.settings = t.settings;
        for (NodeId p : m_graph.predecessors(id))
            task.after << DependencySpec { m_graph.name(p), *m_graph.condition(p, id), {} };
        spec.tasks << task;
    }
    return spec;
}

QList<PipelineIssue> PipelineGraphModel::validate() const
{
    QStringList jobNames;
    for (const EditorJob &j : m_jobs)
        jobNames << j.name;
    return PipelineRules::check(toSpec().tasks, m_base.name, jobNames);
}

NodeId PipelineGraphModel::issueTask(const PipelineIssue &issue) const
{
    const std::vector<NodeId> ids = m_graph.nodes();
    return issue.task >= 0 && std::size_t(issue.task) < ids.size() ? ids[std::size_t(issue.task)]
                                                                   : -1;
}

std::pair<NodeId, NodeId> PipelineGraphModel::issueEdge(const PipelineIssue &issue) const
{
    const NodeId to = issueTask(issue);
    if (to < 0 || issue.dependency < 0)
        return { -1, -1 };
    const auto &in = m_graph.predecessors(to);
    if (std::size_t(issue.dependency) >= in.size())
        return { -1, -1 };
    return { in[std::size_t(issue.dependency)], to };
}

void PipelineGraphModel::setTaskStates(const QHash<QString, RunState> &states)
{
    if (states == m_states)
        return;
    m_states = states;
    Q_EMIT taskStatesChanged();
}

} // namespace Baton
