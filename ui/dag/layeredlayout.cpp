#include "layeredlayout.h"

#include <algorithm>
#include <numeric>

namespace Baton::Ui {

namespace {

struct Vertex
{
    NodeId real = -1; // -1: a virtual node on a long edge
    int layer = 0;
    std::vector<int> preds;
    std::vector<int> succs;
};

struct Work
{
    std::vector<Vertex> vertices;
    std::vector<std::vector<int>> rows; // vertex indices per layer, in order
    std::vector<double> pos; // by vertex: centred index in its row

    void updatePositions(int layer)
    {
        const auto &row = rows[layer];
        const double mid = (double(row.size()) - 1.0) / 2.0;
        for (std::size_t i = 0; i < row.size(); ++i)
            pos[row[i]] = double(i) - mid;
    }

    // Orders @p layer by the mean position of each vertex's neighbours on the fixed side.
    void sortByBarycentre(int layer, bool usePreds)
    {
        auto &row = rows[layer];
        std::vector<std::pair<double, int>> keyed;
        keyed.reserve(row.size());
        for (int v : row) {
            const auto &nbrs = usePreds ? vertices[v].preds : vertices[v].succs;
            double key = pos[v];
            if (!nbrs.empty()) {
                double sum = 0;
                for (int n : nbrs)
                    sum += pos[n];
                key = sum / double(nbrs.size());
            }
            keyed.emplace_back(key, v);
        }
        std::stable_sort(keyed.begin(), keyed.end(),
                         [](const auto &a, const auto &b) { return a.first < b.first; });
        for (std::size_t i = 0; i < row.size(); ++i)
            row[i] = keyed[i].second;
        updatePositions(layer);
    }

    int crossings() const
    {
        int total = 0;
        for (std::size_t l = 0; l + 1 < rows.size(); ++l) {
            std::vector<std::pair<double, double>> segs;
            for (int v : rows[l]) {
                for (int s : vertices[v].succs)
                    segs.emplace_back(pos[v], pos[s]);
            }
            for (std::size_t i = 0; i < segs.size(); ++i) {
                for (std::size_t j = i + 1; j < segs.size(); ++j) {
                    const double a = segs[i].first - segs[j].first;
                    const double b = segs[i].second - segs[j].second;
                    if (a * b < 0)
                        ++total;
                }
            }
        }
        return total;
    }
};

// Least-squares fit of y to @p desired keeping y[i] - y[i-1] >= gaps[i] (pool adjacent
// violators on y[i] - cumulative gap, which must be non-decreasing).
std::vector<double> fitOrdered(const std::vector<double> &desired, const std::vector<double> &gaps)
{
    const std::size_t n = desired.size();
    std::vector<double> offset(n, 0.0);
    for (std::size_t i = 1; i < n; ++i)
        offset[i] = offset[i - 1] + gaps[i];
    struct Block
    {
        double sum;
        int count;
        double mean() const { return sum / count; }
    };
    std::vector<Block> blocks;
    for (std::size_t i = 0; i < n; ++i) {
        blocks.push_back({ desired[i] - offset[i], 1 });
        while (blocks.size() > 1 && blocks[blocks.size() - 2].mean() > blocks.back().mean()) {
            Block last = blocks.back();
            blocks.pop_back();
            blocks.back().sum += last.sum;
            blocks.back().count += last.count;
        }
    }
    std::vector<double> y;
    y.reserve(n);
    for (const Block &b : blocks) {
        for (int k = 0; k < b.count; ++k)
            y.push_back(b.mean() + offset[y.size()]);
    }
    return y;
}

} // namespace

LayeredLayout LayeredLayout::compute(const PipelineGraph &graph)
{
    return compute(graph, Options {});
}

LayeredLayout LayeredLayout::compute(const PipelineGraph &graph, const Options &options)
{
    LayeredLayout result;
    const std::vector<NodeId> nodes = graph.nodes();
    if (nodes.empty())
        return result;
    std::vector<std::vector<NodeId>> layers = graph.layers();
    if (layers.empty())
        layers = { nodes }; // a cycle (never stored, but be safe): one column, no crash

    const NodeId maxId = *std::max_element(nodes.begin(), nodes.end());
    result.m_layerOf.assign(std::size_t(maxId) + 1, -1);
    result.m_y.assign(std::size_t(maxId) + 1, 0.0);

    Work w;
    w.rows.resize(layers.size());
    std::vector<int> vertexOf(std::size_t(maxId) + 1, -1);
    for (std::size_t l = 0; l < layers.size(); ++l) {
        for (NodeId id : layers[l]) {
            result.m_layerOf[id] = int(l);
            vertexOf[id] = int(w.vertices.size());
            w.rows[l].push_back(int(w.vertices.size()));
            w.vertices.push_back({ id, int(l), {}, {} });
        }
    }

    // Split each long edge into a chain through one virtual vertex per crossed layer.
    std::vector<std::vector<int>> edgeChains;
    for (NodeId from : nodes) {
        for (NodeId to : graph.successors(from)) {
            const int lf = result.m_layerOf[from];
            const int lt = result.m_layerOf[to];
            if (lf < 0 || lt < 0 || lt <= lf)
                continue;
            std::vector<int> chain;
            int prev = vertexOf[from];
            for (int l = lf + 1; l < lt; ++l) {
                const int v = int(w.vertices.size());
                w.vertices.push_back({ -1, l, { prev }, {} });
                w.vertices[prev].succs.push_back(v);
                w.rows[l].push_back(v);
                chain.push_back(v);
                prev = v;
            }
            w.vertices[prev].succs.push_back(vertexOf[to]);
            w.vertices[vertexOf[to]].preds.push_back(prev);
            result.m_edges.push_back({ from, to, {} });
            edgeChains.push_back(std::move(chain));
        }
    }

    w.pos.assign(w.vertices.size(), 0.0);
    for (std::size_t l = 0; l < w.rows.size(); ++l)
        w.updatePositions(int(l));

    // Barycentre sweeps; keep the best order seen.
    auto bestRows = w.rows;
    int best = w.crossings();
    for (int s = 0; s < options.sweeps && best > 0; ++s) {
        for (int l = 1; l < int(w.rows.size()); ++l)
            w.sortByBarycentre(l, true);
        for (int l = int(w.rows.size()) - 2; l >= 0; --l)
            w.sortByBarycentre(l, false);
        const int c = w.crossings();
        if (c < best) {
            best = c;
            bestRows = w.rows;
        }
    }
    w.rows = bestRows;
    for (std::size_t l = 0; l < w.rows.size(); ++l)
        w.updatePositions(int(l));
    result.m_crossings = best;

    // Vertical placement: start stacked and centred, then pull each layer towards its
    // neighbours, alternating directions.
    auto height = [&](int v) {
        return w.vertices[v].real >= 0 ? options.nodeHeight : 0.0;
    };
    auto gap = [&](int a, int b) {
        const bool real = w.vertices[a].real >= 0 && w.vertices[b].real >= 0;
        return (height(a) + height(b)) / 2.0 + (real ? options.nodeGap : options.edgeGap);
    };
    std::vector<double> y(w.vertices.size(), 0.0);
    for (const auto &row : w.rows) {
        std::vector<double> gaps(row.size(), 0.0);
        for (std::size_t i = 1; i < row.size(); ++i)
            gaps[i] = gap(row[i - 1], row[i]);
        const auto placed = fitOrdered(std::vector<double>(row.size(), 0.0), gaps);
        for (std::size_t i = 0; i < row.size(); ++i)
            y[row[i]] = placed[i];
    }
    auto pull = [&](int l, bool usePreds) {
        const auto &row = w.rows[l];
        std::vector<double> desired(row.size());
        std::vector<double> gaps(row.size(), 0.0);
        for (std::size_t i = 0; i < row.size(); ++i) {
            const auto &nbrs = usePreds ? w.vertices[row[i]].preds : w.vertices[row[i]].succs;
            double d = y[row[i]];
            if (!nbrs.empty()) {
                double sum = 0;
                for (int n : nbrs)
                    sum += y[n];
                d = sum / double(nbrs.size());
            }
            desired[i] = d;
            if (i > 0)
                gaps[i] = gap(row[i - 1], row[i]);
        }
        const auto placed = fitOrdered(desired, gaps);
        for (std::size_t i = 0; i < row.size(); ++i)
            y[row[i]] = placed[i];
    };
    for (int pass = 0; pass < 4; ++pass) {
        const bool down = pass % 2 == 0;
        if (down) {
            for (int l = 1; l < int(w.rows.size()); ++l)
                pull(l, true);
        } else {
            for (int l = int(w.rows.size()) - 2; l >= 0; --l)
                pull(l, false);
        }
    }
    // The last pass went upstream; finish downstream so sinks sit on their inputs.
    for (int l = 1; l < int(w.rows.size()); ++l)
        pull(l, true);

    result.m_layers.resize(w.rows.size());
    for (std::size_t l = 0; l < w.rows.size(); ++l) {
        for (int v : w.rows[l]) {
            const NodeId id = w.vertices[v].real;
            if (id < 0)
                continue;
            result.m_layers[l].push_back(id);
            result.m_y[id] = y[v];
        }
    }
    for (std::size_t e = 0; e < result.m_edges.size(); ++e) {
        for (int v : edgeChains[e])
            result.m_edges[e].bends.push_back(y[v]);
    }
    return result;
}

int LayeredLayout::layer(NodeId id) const
{
    return id >= 0 && id < int(m_layerOf.size()) ? m_layerOf[id] : -1;
}

double LayeredLayout::y(NodeId id) const
{
    return id >= 0 && id < int(m_y.size()) ? m_y[id] : 0.0;
}

LayeredLayout::Placement LayeredLayout::place(const PipelineGraph &graph, const QSizeF &card,
                                              double columnGap)
{
    Options options;
    options.nodeHeight = card.height();
    options.nodeGap = 26;
    options.edgeGap = 18;
    const LayeredLayout layout = compute(graph, options);
    const double columnWidth = card.width() + columnGap;
    Placement placement;
    placement.positions.reserve(qsizetype(graph.nodeCount()));
    for (NodeId id : graph.nodes()) {
        placement.positions.insert(
            id,
            QPointF(std::max(0, layout.layer(id)) * columnWidth, layout.y(id) - card.height() / 2));
    }
    for (const Edge &edge : layout.edges()) {
        if (edge.bends.empty())
            continue;
        QList<QPointF> route;
        const int firstLayer = layout.layer(edge.from) + 1;
        for (std::size_t i = 0; i < edge.bends.size(); ++i) {
            // In and out of the column just beside the cards, so the curve clears them.
            const double left = (firstLayer + int(i)) * columnWidth;
            route << QPointF(left - 6, edge.bends[i])
                  << QPointF(left + card.width() + 6, edge.bends[i]);
        }
        placement.routes.insert({ edge.from, edge.to }, route);
    }
    return placement;
}

} // namespace Baton::Ui
