#include "editorscene.h"

#include "editoredgeitem.h"
#include "editornodeitem.h"
#include "tasknodeitem.h"
#include "widgets/theme.h"

#include <QApplication>
#include <QFontMetricsF>
#include <QGraphicsPathItem>
#include <QPalette>
#include <QPen>

namespace Baton::Ui {

namespace {
constexpr qreal kSceneMargin = 60;
} // namespace

EditorScene::EditorScene(PipelineGraphModel *model, QObject *parent)
    : QGraphicsScene(parent)
    , m_model(model)
{
    const QFontMetricsF fm(QApplication::font());
    m_cardSize = QSizeF(200, std::ceil(fm.height() * 2.2 + 22));
    connect(m_model, &PipelineGraphModel::modelReset, this, &EditorScene::rebuild);
    connect(m_model, &PipelineGraphModel::nodeAdded, this, &EditorScene::onNodeAdded);
    connect(m_model, &PipelineGraphModel::nodeRemoved, this, &EditorScene::onNodeRemoved);
    connect(m_model, &PipelineGraphModel::nodeMoved, this, &EditorScene::onNodeMoved);
    connect(m_model, &PipelineGraphModel::positionsChanged, this, &EditorScene::onPositionsChanged);
    connect(m_model, &PipelineGraphModel::nodeUpdated, this, [this](NodeId id) {
        if (EditorNodeItem *item = m_nodes.value(id))
            item->update();
    });
    connect(m_model, &PipelineGraphModel::edgeAdded, this, &EditorScene::onEdgeAdded);
    connect(m_model, &PipelineGraphModel::edgeRemoved, this, &EditorScene::onEdgeRemoved);
    connect(m_model, &PipelineGraphModel::edgeUpdated, this, &EditorScene::onEdgeUpdated);
    connect(m_model, &PipelineGraphModel::taskStatesChanged, this, &EditorScene::repaintAll);
    connect(m_model, &PipelineGraphModel::jobsChanged, this, [this] {
        m_jobColors.clear();
        repaintAll();
    });
    rebuild();
}

EditorScene::~EditorScene()
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_nodes.clear();
    m_edges.clear();
    clear();
}

void EditorScene::rebuild()
{
    m_connectFrom = -1;
    delete m_rubberEdge;
    m_rubberEdge = nullptr;
    m_nodes.clear();
    m_edges.clear();
    clear();
    setSceneRect(QRectF());
    // Many items: add them without an index update per item.
    const auto method = itemIndexMethod();
    setItemIndexMethod(NoIndex);
    m_rebuilding = true;
    for (NodeId id : m_model->taskIds())
        onNodeAdded(id);
    for (const auto &[from, to] : m_model->edges())
        onEdgeAdded(from, to);
    m_rebuilding = false;
    setItemIndexMethod(method);
    updateSceneRect();
}

void EditorScene::onNodeAdded(NodeId id)
{
    if (m_nodes.contains(id))
        return;
    auto *item = new EditorNodeItem(this, id);
    m_syncing = true;
    item->setPos(m_model->position(id));
    m_syncing = false;
    addItem(item);
    m_nodes.insert(id, item);
    if (!m_rebuilding) // once at the end of a rebuild, not once per task
        updateSceneRect();
}

void EditorScene::onNodeRemoved(NodeId id)
{
    delete m_nodes.take(id);
}

void EditorScene::onNodeMoved(NodeId id)
{
    EditorNodeItem *item = m_nodes.value(id);
    if (!item)
        return;
    if (item->pos() != m_model->position(id)) {
        m_syncing = true;
        item->setPos(m_model->position(id));
        m_syncing = false;
    }
    const PipelineGraph &g = m_model->graph();
    for (NodeId s : g.successors(id)) {
        if (EditorEdgeItem *e = m_edges.value(key(id, s)))
            e->updateGeometry();
    }
    for (NodeId p : g.predecessors(id)) {
        if (EditorEdgeItem *e = m_edges.value(key(p, id)))
            e->updateGeometry();
    }
}

void EditorScene::onPositionsChanged()
{
    m_syncing = true;
    for (auto it = m_nodes.cbegin(); it != m_nodes.cend(); ++it) {
        const QPointF p = m_model->position(it.key());
        if (it.value()->pos() != p)
            it.value()->setPos(p);
    }
    m_syncing = false;
    for (EditorEdgeItem *edge : std::as_const(m_edges))
        edge->updateGeometry();
    updateSceneRect();
}

void EditorScene::onEdgeAdded(NodeId from, NodeId to)
{
    if (m_edges.contains(key(from, to)) || !m_nodes.contains(from) || !m_nodes.contains(to))
        return;
    auto *item = new EditorEdgeItem(this, from, to);
    addItem(item);
    m_edges.insert(key(from, to), item);
}

void EditorScene::onEdgeRemoved(NodeId from, NodeId to)
{
    delete m_edges.take(key(from, to));
}

void EditorScene::onEdgeUpdated(NodeId from, NodeId to)
{
    if (EditorEdgeItem *item = m_edges.value(key(from, to)))
        item->updateGeometry(); // the label may come or go
}

void EditorScene::repaintAll()
{
    update();
}

QColor EditorScene::jobColor(const QString &job) const
{
    const auto it = m_jobColors.constFind(job);
    if (it != m_jobColors.constEnd())
        return *it;
    const EditorJob *j = m_model->job(job);
    const QColor c = TaskNodeItem::technologyColor(j ? j->technology : QString());
    m_jobColors.insert(job, c);
    return c;
}

const QPen &EditorScene::hairline(EdgeCondition condition) const
{
    if (m_hairlines.isEmpty()) {
        const QPalette pal = QApplication::palette();
        const bool dark = Theme::isDark(pal);
        const QColor colors[] = {
            Theme::mix(pal.color(QPalette::Text), pal.color(QPalette::Base), 0.55),
            dark ? QColor(0xf0, 0x71, 0x6a) : QColor(0xc9, 0x3a, 0x33),
            dark ? QColor(0x9d, 0xb4, 0xdc) : QColor(0x4f, 0x66, 0x94),
        };
        for (const QColor &c : colors)
            m_hairlines << QPen(c, 0); // width 0: cosmetic, one pixel at any zoom
    }
    return m_hairlines[int(condition)];
}

void EditorScene::updateSceneRect()
{
    const QRectF bounds
        = itemsBoundingRect().adjusted(-kSceneMargin, -kSceneMargin, kSceneMargin, kSceneMargin);
    setSceneRect(sceneRect().isEmpty() ? bounds : sceneRect().united(bounds));
}

QList<NodeId> EditorScene::selectedTasks() const
{
    QList<NodeId> ids;
    for (QGraphicsItem *item : selectedItems()) {
        if (auto *node = qgraphicsitem_cast<EditorNodeItem *>(item))
            ids << node->id();
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

QList<std::pair<NodeId, NodeId>> EditorScene::selectedEdges() const
{
    QList<std::pair<NodeId, NodeId>> edges;
    for (QGraphicsItem *item : selectedItems()) {
        if (auto *edge = qgraphicsitem_cast<EditorEdgeItem *>(item))
            edges << std::make_pair(edge->from(), edge->to());
    }
    std::sort(edges.begin(), edges.end());
    return edges;
}

void EditorScene::selectTasks(const QList<NodeId> &ids)
{
    clearSelection();
    for (NodeId id : ids) {
        if (EditorNodeItem *item = m_nodes.value(id))
            item->setSelected(true);
    }
}

void EditorScene::selectEdge(NodeId from, NodeId to)
{
    clearSelection();
    if (EditorEdgeItem *item = edgeItem(from, to))
        item->setSelected(true);
}

NodeId EditorScene::taskAt(const QPointF &scenePos) const
{
    for (QGraphicsItem *item : items(scenePos)) {
        if (auto *node = qgraphicsitem_cast<EditorNodeItem *>(item))
            return node->id();
    }
    return -1;
}

void EditorScene::beginConnection(NodeId from, const QPointF &scenePos, NodeId replacing)
{
    EditorNodeItem *source = m_nodes.value(from);
    if (!source)
        return;
    m_connectFrom = from;
    m_replacing = replacing;
    if (!m_rubberEdge) {
        m_rubberEdge = new QGraphicsPathItem;
        m_rubberEdge->setZValue(10);
        QPen pen(QApplication::palette().color(QPalette::Highlight), 2, Qt::DashLine);
        pen.setCosmetic(true);
        m_rubberEdge->setPen(pen);
        addItem(m_rubberEdge);
    }
    if (replacing >= 0) {
        if (EditorEdgeItem *old = edgeItem(from, replacing))
            old->setOpacity(0.3);
    }
    updateConnection(scenePos);
}

void EditorScene::updateConnection(const QPointF &scenePos)
{
    if (!m_rubberEdge || m_connectFrom < 0)
        return;
    const QPointF start = m_nodes.value(m_connectFrom)->outPort();
    QPainterPath path(start);
    const qreal dx = qMax<qreal>(30, (scenePos.x() - start.x()) / 2);
    path.cubicTo(start + QPointF(dx, 0), scenePos - QPointF(dx, 0), scenePos);
    m_rubberEdge->setPath(path);
}

void EditorScene::finishConnection(const QPointF &scenePos)
{
    const NodeId from = m_connectFrom;
    const NodeId replacing = m_replacing;
    m_connectFrom = -1;
    m_replacing = -1;
    delete m_rubberEdge;
    m_rubberEdge = nullptr;
    if (replacing >= 0) {
        if (EditorEdgeItem *old = edgeItem(from, replacing))
            old->setOpacity(1.0);
    }
    const NodeId target = taskAt(scenePos);
    if (from < 0 || target < 0 || (target == from && replacing < 0))
        return;
    if (replacing >= 0) {
        if (target != replacing)
            Q_EMIT reconnectRequested(from, replacing, target);
        return;
    }
    Q_EMIT connectRequested(from, target);
}

void EditorScene::noteMoveStart()
{
    m_moveStart.clear();
    for (NodeId id : selectedTasks())
        m_moveStart.insert(id, m_model->position(id));
}

void EditorScene::noteMoveEnd()
{
    QHash<NodeId, QPointF> before;
    QHash<NodeId, QPointF> after;
    for (auto it = m_moveStart.cbegin(); it != m_moveStart.cend(); ++it) {
        if (!m_model->hasTask(it.key()))
            continue;
        const QPointF now = m_model->position(it.key());
        if (now != it.value()) {
            before.insert(it.key(), it.value());
            after.insert(it.key(), now);
        }
    }
    m_moveStart.clear();
    if (!after.isEmpty()) {
        updateSceneRect();
        Q_EMIT movesFinished(before, after);
    }
}

} // namespace Baton::Ui
