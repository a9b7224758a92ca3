#include "pipelinegraph.h"

#include <algorithm>
#include <queue>

namespace Baton {

namespace {
const std::vector<NodeId> kNoNodes;

void eraseValue(std::vector<NodeId> &v, NodeId value)
{
    v.erase(std::remove(v.begin(), v.end(), value), v.end());
}

QString dotQuote(const QString &s)
{
    QString out = s;
    out.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    out.replace(QLatin1Char('"'), QLatin1String("\\\""));
    return QLatin1Char('"') + out + QLatin1Char('"');
}
} // namespace

NodeId PipelineGraph::addNode(const QString &name, double weight)
{
    Node node;
    node.name = name;
    node.weight = weight;
    node.alive = true;
    m_nodes.push_back(std::move(node));
    ++m_liveNodes;
    return NodeId(m_nodes.size() - 1);
}

bool PipelineGraph::restoreNode(NodeId id, const QString &name, double weight)
{
    if (id < 0 || std::size_t(id) >= m_nodes.size() || m_nodes[id].alive)
        return false;
    Node &node = m_nodes[id];
    node.name = name;
    node.weight = weight;
    node.alive = true;
    ++m_liveNodes;
    return true;
}

bool PipelineGraph::removeNode(NodeId id)
{
    if (!hasNode(id))
        return false;
    Node &node = m_nodes[id];
    for (NodeId s : node.out) {
        eraseValue(m_nodes[s].in, id);
        m_conditions.erase(key(id, s));
    }
    for (NodeId p : node.in) {
        eraseValue(m_nodes[p].out, id);
        m_conditions.erase(key(p, id));
    }
    node = Node {};
    --m_liveNodes;
    return true;
}

bool PipelineGraph::hasNode(NodeId id) const
{
    return id >= 0 && std::size_t(id) < m_nodes.size() && m_nodes[id].alive;
}

QString PipelineGraph::name(NodeId id) const
{
    return hasNode(id) ? m_nodes[id].name : QString();
}

void PipelineGraph::setName(NodeId id, const QString &name)
{
    if (hasNode(id))
        m_nodes[id].name = name;
}

double PipelineGraph::weight(NodeId id) const
{
    return hasNode(id) ? m_nodes[id].weight : 0.0;
}

void PipelineGraph::setWeight(NodeId id, double weight)
{
    if (hasNode(id))
        m_nodes[id].weight = weight;
}

std::optional<NodeId> PipelineGraph::find(const QString &name) const
{
    for (std::size_t i = 0; i < m_nodes.size(); ++i) {
        if (m_nodes[i].alive && m_nodes[i].name == name)
            return NodeId(i);
    }
    return std::nullopt;
}

bool PipelineGraph::addEdge(NodeId from, NodeId to, EdgeCondition condition)
{
    if (wouldCreateCycle(from, to))
        return false;
    return addEdgeUnchecked(from, to, condition);
}

bool PipelineGraph::addEdgeUnchecked(NodeId from, NodeId to, EdgeCondition condition)
{
    if (!hasNode(from) || !hasNode(to) || from == to || hasEdge(from, to))
        return false;
    m_nodes[from].out.push_back(to);
    m_nodes[to].in.push_back(from);
    m_conditions.emplace(key(from, to), condition);
    return true;
}

bool PipelineGraph::removeEdge(NodeId from, NodeId to)
{
    if (!hasEdge(from, to))
        return false;
    eraseValue(m_nodes[from].out, to);
    eraseValue(m_nodes[to].in, from);
    m_conditions.erase(key(from, to));
    return true;
}

bool PipelineGraph::hasEdge(NodeId from, NodeId to) const
{
    return m_conditions.count(key(from, to)) > 0;
}

std::optional<EdgeCondition> PipelineGraph::condition(NodeId from, NodeId to) const
{
    const auto it = m_conditions.find(key(from, to));
    if (it == m_conditions.end())
        return std::nullopt;
    return it->second;
}

bool PipelineGraph::setCondition(NodeId from, NodeId to, EdgeCondition condition)
{
    const auto it = m_conditions.find(key(from, to));
    if (it == m_conditions.end())
        return false;
    it->second = condition;
    return true;
}

const std::vector<NodeId> &PipelineGraph::successors(NodeId id) const
{
    return hasNode(id) ? m_nodes[id].out : kNoNodes;
}

const std::vector<NodeId> &PipelineGraph::predecessors(NodeId id) const
{
    return hasNode(id) ? m_nodes[id].in : kNoNodes;
}

std::vector<NodeId> PipelineGraph::nodes() const
{
    std::vector<NodeId> ids;
    ids.reserve(m_liveNodes);
    for (std::size_t i = 0; i < m_nodes.size(); ++i) {
        if (m_nodes[i].alive)
            ids.push_back(NodeId(i));
    }
    return ids;
}

bool PipelineGraph::reaches(NodeId start, NodeId target, std::vector<NodeId> *path) const
{
    // Iterative DFS with a visited set; parents rebuild the path when asked for.
    std::vector<char> visited(m_nodes.size(), 0);
    std::vector<NodeId> parent(m_nodes.size(), -1);
    std::vector<NodeId> stack { start };
    visited[start] = 1;
    while (!stack.empty()) {
        const NodeId n = stack.back();
        stack.pop_back();
        if (n == target) {
            if (path) {
                path->clear();
                for (NodeId p = target; p != -1; p = parent[p])
                    path->push_back(p);
                std::reverse(path->begin(), path->end());
            }
            return true;
        }
        for (NodeId s : m_nodes[n].out) {
            if (!visited[s]) {
                visited[s] = 1;
                parent[s] = n;
                stack.push_back(s);
            }
        }
    }
    return false;
}

bool PipelineGraph::wouldCreateCycle(NodeId from, NodeId to) const
{
    if (!hasNode(from) || !hasNode(to))
        return false;
    if (from == to)
        return true;
    return reaches(to, from, nullptr);
}

std::vector<NodeId> PipelineGraph::cycleThrough(NodeId from, NodeId to) const
{
    if (!hasNode(from) || !hasNode(to))
        return {};
    if (from == to)
        return { from, from };
    std::vector<NodeId> path; // to … from
    if (!reaches(to, from, &path))
        return {};
    std::vector<NodeId> cycle { from };
    cycle.insert(cycle.end(), path.begin(), path.end());
    return cycle;
}

std::optional<std::vector<NodeId>> PipelineGraph::topologicalOrder() const
{
    std::vector<int> indegree(m_nodes.size(), 0);
    std::priority_queue<NodeId, std::vector<NodeId>, std::greater<>> ready;
    for (std::size_t i = 0; i < m_nodes.size(); ++i) {
        if (!m_nodes[i].alive)
            continue;
        indegree[i] = int(m_nodes[i].in.size());
        if (indegree[i] == 0)
            ready.push(NodeId(i));
    }
    std::vector<NodeId> order;
    order.reserve(m_liveNodes);
    while (!ready.empty()) {
        const NodeId n = ready.top();
        ready.pop();
        order.push_back(n);
        for (NodeId s : m_nodes[n].out) {
            if (--indegree[s] == 0)
                ready.push(s);
        }
    }
    if (order.size() != m_liveNodes)
        return std::nullopt;
    return order;
}

std::vector<NodeId> PipelineGraph::findCycle() const
{
    // Colour DFS; a grey successor closes a cycle whose nodes sit on the path stack.
    enum : char { White, Grey, Black };
    std::vector<char> colour(m_nodes.size(), White);
    for (NodeId root : nodes()) {
        if (colour[root] != White)
            continue;
        std::vector<std::pair<NodeId, std::size_t>> stack { { root, 0 } };
        colour[root] = Grey;
        while (!stack.empty()) {
            auto &[n, next] = stack.back();
            if (next < m_nodes[n].out.size()) {
                const NodeId s = m_nodes[n].out[next++];
                if (colour[s] == Grey) {
                    std::vector<NodeId> cycle;
                    auto it = std::find_if(stack.begin(), stack.end(),
                                           [s](const auto &e) { return e.first == s; });
                    for (; it != stack.end(); ++it)
                        cycle.push_back(it->first);
                    cycle.push_back(s);
                    return cycle;
                }
                if (colour[s] == White) {
                    colour[s] = Grey;
                    stack.emplace_back(s, 0);
                }
            } else {
                colour[n] = Black;
                stack.pop_back();
            }
        }
    }
    return {};
}

std::vector<std::vector<NodeId>> PipelineGraph::layers() const
{
    const auto order = topologicalOrder();
    if (!order)
        return {};
    std::vector<int> layer(m_nodes.size(), 0);
    int maxLayer = -1;
    for (NodeId n : *order) {
        for (NodeId p : m_nodes[n].in)
            layer[n] = std::max(layer[n], layer[p] + 1);
        maxLayer = std::max(maxLayer, layer[n]);
    }
    std::vector<std::vector<NodeId>> result(std::size_t(maxLayer + 1));
    for (NodeId n : *order)
        result[layer[n]].push_back(n);
    return result;
}

std::vector<NodeId> PipelineGraph::criticalPath() const
{
    const auto order = topologicalOrder();
    if (!order || order->empty())
        return {};
    std::vector<double> best(m_nodes.size(), 0.0);
    std::vector<NodeId> via(m_nodes.size(), -1);
    NodeId end = order->front();
    for (NodeId n : *order) {
        double incoming = 0.0;
        for (NodeId p : m_nodes[n].in) {
            if (via[n] == -1 || best[p] > incoming) {
                incoming = best[p];
                via[n] = p;
            }
        }
        best[n] = incoming + m_nodes[n].weight;
        if (best[n] > best[end])
            end = n;
    }
    std::vector<NodeId> path;
    for (NodeId n = end; n != -1; n = via[n])
        path.push_back(n);
    std::reverse(path.begin(), path.end());
    return path;
}

QString PipelineGraph::toDot(const QString &graphName) const
{
    QString dot = QStringLiteral("digraph ") + dotQuote(graphName) + QStringLiteral(" {\n")
        + QStringLiteral("  rankdir=LR;\n  node [shape=box, style=rounded];\n");
    for (NodeId n : nodes())
        dot += QStringLiteral("  n%1 [label=%2];\n").arg(n).arg(dotQuote(m_nodes[n].name));
    for (NodeId n : nodes()) {
        for (NodeId s : m_nodes[n].out) {
            const EdgeCondition c = *condition(n, s);
            QString style;
            if (c == EdgeCondition::Failed)
                style = QStringLiteral(" [label=\"failed\", color=red, style=dashed]");
            else if (c == EdgeCondition::Always)
                style = QStringLiteral(" [label=\"always\", style=dotted]");
            dot += QStringLiteral("  n%1 -> n%2%3;\n").arg(n).arg(s).arg(style);
        }
    }
    dot += QStringLiteral("}\n");
    return dot;
}

} // namespace Baton
