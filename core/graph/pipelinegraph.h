#pragma once

#include "model/runstate.h"

#include <QString>
#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

namespace Baton {

using NodeId = int;

/// A pipeline's DAG as plain data: stable integer ids (never reused), adjacency kept in both
/// directions so upstream and downstream walks cost the same.
class PipelineGraph
{
public:
    NodeId addNode(const QString &name, double weight = 1.0);
    /// Brings back a removed node under its old id (undo keeps ids stable). False when @p id
    /// is live or was never handed out.
    bool restoreNode(NodeId id, const QString &name, double weight = 1.0);
    /// Ids handed out so far (live or removed): every id is below this.
    NodeId idBound() const { return NodeId(m_nodes.size()); }
    bool removeNode(NodeId id);
    bool hasNode(NodeId id) const;
    QString name(NodeId id) const;
    void setName(NodeId id, const QString &name);
    double weight(NodeId id) const;
    void setWeight(NodeId id, double weight);
    /// The live node called @p name, if any.
    std::optional<NodeId> find(const QString &name) const;

    /// Adds from → to. Refuses (false) a missing node, a self loop, a duplicate or a cycle.
    bool addEdge(NodeId from, NodeId to, EdgeCondition condition = EdgeCondition::Success);
    /// Adds the edge even when it closes a cycle (for validating untrusted input).
    bool addEdgeUnchecked(NodeId from, NodeId to, EdgeCondition condition = EdgeCondition::Success);
    bool removeEdge(NodeId from, NodeId to);
    bool hasEdge(NodeId from, NodeId to) const;
    std::optional<EdgeCondition> condition(NodeId from, NodeId to) const;
    bool setCondition(NodeId from, NodeId to, EdgeCondition condition);

    const std::vector<NodeId> &successors(NodeId id) const;
    const std::vector<NodeId> &predecessors(NodeId id) const;

    /// Live node ids, ascending.
    std::vector<NodeId> nodes() const;
    std::size_t nodeCount() const { return m_liveNodes; }
    std::size_t edgeCount() const { return m_conditions.size(); }

    /// True when to already reaches from, so from → to would close a cycle (or from == to).
    bool wouldCreateCycle(NodeId from, NodeId to) const;
    /// The cycle from → to would close, in order, starting and ending at from; empty if none.
    std::vector<NodeId> cycleThrough(NodeId from, NodeId to) const;
    /// Kahn's order, ties broken by id; nullopt when the graph has a cycle.
    std::optional<std::vector<NodeId>> topologicalOrder() const;
    /// One cycle in order (first node repeated at the end), or empty for a DAG.
    std::vector<NodeId> findCycle() const;
    /// Longest-path layering: layer 0 holds the sources. Empty for a cyclic graph.
    std::vector<std::vector<NodeId>> layers() const;
    /// The heaviest source-to-sink path by node weight. Empty for a cyclic graph.
    std::vector<NodeId> criticalPath() const;
    /// Graphviz DOT, edges styled by condition.
    QString toDot(const QString &graphName = QStringLiteral("pipeline")) const;

private:
    struct Node
    {
        QString name;
        double weight = 1.0;
        bool alive = false;
        std::vector<NodeId> out;
        std::vector<NodeId> in;
    };
    static std::uint64_t key(NodeId from, NodeId to)
    {
        return (std::uint64_t(std::uint32_t(from)) << 32) | std::uint32_t(to);
    }
    bool reaches(NodeId start, NodeId target, std::vector<NodeId> *path) const;

    std::vector<Node> m_nodes;
    std::unordered_map<std::uint64_t, EdgeCondition> m_conditions;
    std::size_t m_liveNodes = 0;
};

} // namespace Baton
