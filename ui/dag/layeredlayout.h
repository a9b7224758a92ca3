#pragma once

#include "graph/pipelinegraph.h"

#include <QHash>
#include <QList>
#include <QPointF>
#include <QSizeF>
#include <vector>

namespace Baton::Ui {

/// A Sugiyama-style layout for a DAG, left to right: longest-path layers from PipelineGraph,
/// long edges split by virtual nodes, crossings reduced by barycentre sweeps, and vertical
/// positions chosen as close as possible to the neighbours' (isotonic regression under the
/// spacing constraints), so chains come out straight and branches fan out evenly.
///
/// Geometry is in abstract units along y only; the caller decides the x of each layer.
class LayeredLayout
{
public:
    struct Options
    {
        double nodeHeight = 56; ///< every real node has the same height
        double nodeGap = 28; ///< between two real nodes in a layer
        double edgeGap = 16; ///< between an edge passing through a layer and its neighbours
        int sweeps = 6; ///< barycentre down/up sweep pairs
    };

    struct Edge
    {
        NodeId from = -1;
        NodeId to = -1;
        /// Centre y of the edge in each layer it crosses: layer(from)+1 … layer(to)-1.
        std::vector<double> bends;
    };

    static LayeredLayout compute(const PipelineGraph &graph);
    static LayeredLayout compute(const PipelineGraph &graph, const Options &options);

    /// Cards of one size laid out in columns @p columnGap apart: each task's top-left corner,
    /// and the points each long edge passes through to go around the columns it crosses.
    struct Placement
    {
        QHash<NodeId, QPointF> positions;
        QHash<std::pair<NodeId, NodeId>, QList<QPointF>> routes;
    };
    static Placement place(const PipelineGraph &graph, const QSizeF &card, double columnGap);

    int layerCount() const { return int(m_layers.size()); }
    /// Real nodes of each layer, top to bottom.
    const std::vector<std::vector<NodeId>> &layers() const { return m_layers; }
    int layer(NodeId id) const;
    double y(NodeId id) const;
    const std::vector<Edge> &edges() const { return m_edges; }
    /// Edge crossings between adjacent layers in the chosen order (virtual nodes included).
    int crossings() const { return m_crossings; }

private:
    std::vector<std::vector<NodeId>> m_layers;
    std::vector<int> m_layerOf; // by NodeId, -1 when absent
    std::vector<double> m_y; // by NodeId
    std::vector<Edge> m_edges;
    int m_crossings = 0;
};

} // namespace Baton::Ui
