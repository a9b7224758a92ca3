#include "dagscene.h"

#include "dependencyedgeitem.h"
#include "tasknodeitem.h"
#include "widgets/theme.h"

#include <QApplication>
#include <QFontMetricsF>
#include <QGraphicsPathItem>
#include <QGraphicsSceneHelpEvent>
#include <QKeyEvent>
#include <QPalette>
#include <QPen>
#include <QToolTip>

namespace Baton::Ui {

namespace {
constexpr qreal kSceneMargin = 60;
} // namespace

DagScene::DagScene(PipelineGraphModel *model, QObject *parent)
    : QGraphicsScene(parent)
    , m_model(model)
{
    const QFontMetricsF fm(QApplication::font());
    m_cardSize = QSizeF(200, std::ceil(fm.height() * 2.2 + 22));
    connect(m_model, &PipelineGraphModel::modelReset, this, &DagScene::rebuild);
    connect(m_model, &PipelineGraphModel::nodeAdded, this, &DagScene::onNodeAdded);
    connect(m_model, &PipelineGraphModel::nodeRemoved, this, &DagScene::onNodeRemoved);
    connect(m_model, &PipelineGraphModel::nodeMoved, this, &DagScene::onNodeMoved);
    connect(m_model, &PipelineGraphModel::positionsChanged, this, &DagScene::onPositionsChanged);
    connect(m_model, &PipelineGraphModel::nodeUpdated, this, [this](NodeId id) {
        if (TaskNodeItem *item = m_nodes.value(id))
            item->update();
    });
    connect(m_model, &PipelineGraphModel::edgeAdded, this, &DagScene::onEdgeAdded);
    connect(m_model, &PipelineGraphModel::edgeRemoved, this, &DagScene::onEdgeRemoved);
    connect(m_model, &PipelineGraphModel::edgeUpdated, this, &DagScene::onEdgeUpdated);
    connect(m_model, &PipelineGraphModel::taskStatesChanged, this, [this] { update(); });
    connect(m_model, &PipelineGraphModel::jobsChanged, this, [this] {
        m_jobColors.clear();
        update();
    });
    rebuild();
}

DagScene::~DagScene()
{
    if (m_model)
        disconnect(m_model, nullptr, this, nullptr);
    m_nodes.clear();
    m_edges.clear();
    clear();
}

void DagScene::setReadOnly(bool readOnly)
{
    if (readOnly == m_readOnly)
        return;
    if (readOnly && isConnecting())
        finishConnection(QPointF(-1e9, -1e9)); // dropped nowhere: nothing is asked
    m_readOnly = readOnly;
    for (TaskNodeItem *node : std::as_const(m_nodes))
        node->updateFlags();
    for (DependencyEdgeItem *edge : std::as_const(m_edges))
        edge->updateFlags();
    update();
}

void DagScene::setCardSize(const QSizeF &size)
{
    if (size == m_cardSize)
        return;
    for (TaskNodeItem *node : std::as_const(m_nodes))
        node->prepareResize();
    m_cardSize = size;
    updateAllEdges();
}

void DagScene::setRoutes(const QHash<std::pair<NodeId, NodeId>, QList<QPointF>> &routes)
{
    m_routes.clear();
    for (auto it = routes.cbegin(); it != routes.cend(); ++it)
        m_routes.insert(key(it.key().first, it.key().second), it.value());
    updateAllEdges();
}

void DagScene::rebuild()
{
    m_connectFrom = -1;
    delete m_rubberEdge;
    m_rubberEdge = nullptr;
    m_nodes.clear();
    m_edges.clear();
    m_routes.clear();
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

void DagScene::onNodeAdded(NodeId id)
{
    if (m_nodes.contains(id))
        return;
    auto *item = new TaskNodeItem(this, id);
    m_syncing = true;
    item->setPos(m_model->position(id));
    m_syncing = false;
    addItem(item);
    m_nodes.insert(id, item);
    if (!m_rebuilding) // once at the end of a rebuild, not once per task
        updateSceneRect();
}

void DagScene::onNodeRemoved(NodeId id)
{
    delete m_nodes.take(id);
}

void DagScene::onNodeMoved(NodeId id)
{
    TaskNodeItem *item = m_nodes.value(id);
    if (!item)
        return;
    if (item->pos() != m_model->position(id)) {
        m_syncing = true;
        item->setPos(m_model->position(id));
        m_syncing = false;
    }
    const PipelineGraph &g = m_model->graph();
    for (NodeId s : g.successors(id)) {
        m_routes.remove(key(id, s));
        if (DependencyEdgeItem *e = m_edges.value(key(id, s)))
            e->updateGeometry();
    }
    for (NodeId p : g.predecessors(id)) {
        m_routes.remove(key(p, id));
        if (DependencyEdgeItem *e = m_edges.value(key(p, id)))
            e->updateGeometry();
    }
}

void DagScene::onPositionsChanged()
{
    m_syncing = true;
    for (auto it = m_nodes.cbegin(); it != m_nodes.cend(); ++it) {
        const QPointF p = m_model->position(it.key());
        if (it.value()->pos() != p)
            it.value()->setPos(p);
    }
    m_syncing = false;
    m_routes.clear();
    updateAllEdges();
    updateSceneRect();
}

void DagScene::updateAllEdges()
{
    for (DependencyEdgeItem *edge : std::as_const(m_edges))
        edge->updateGeometry();
}

void DagScene::onEdgeAdded(NodeId from, NodeId to)
{
    if (m_edges.contains(key(from, to)) || !m_nodes.contains(from) || !m_nodes.contains(to))
        return;
    auto *item = new DependencyEdgeItem(this, from, to);
    addItem(item);
    m_edges.insert(key(from, to), item);
}

void DagScene::onEdgeRemoved(NodeId from, NodeId to)
{
    m_routes.remove(key(from, to));
    delete m_edges.take(key(from, to));
}

void DagScene::onEdgeUpdated(NodeId from, NodeId to)
{
    if (DependencyEdgeItem *item = m_edges.value(key(from, to)))
        item->updateGeometry(); // the label may come or go
}

QColor DagScene::jobColor(const QString &job) const
{
    const auto it = m_jobColors.constFind(job);
    if (it != m_jobColors.constEnd())
        return *it;
    const EditorJob *j = m_model->job(job);
    const QColor c = TaskNodeItem::technologyColor(j ? j->technology : QString());
    m_jobColors.insert(job, c);
    return c;
}

const QPen &DagScene::hairline(EdgeCondition condition) const
{
    if (m_hairlines.isEmpty()) {
        const QPalette pal = QApplication::palette();
        const bool dark = Theme::isDark(pal);
        const QColor colors[] = {
            Theme::mix(pal.color(QPalette::Text), pal.color(QPalette::Base), 0.55),
            DependencyEdgeItem::conditionColor(EdgeCondition::Failed, dark),
            DependencyEdgeItem::conditionColor(EdgeCondition::Always, dark),
        };
        for (const QColor &c : colors)
            m_hairlines << QPen(c, 0); // width 0: cosmetic, one pixel at any zoom
    }
    return m_hairlines[int(condition)];
}

QString DagScene::toolTipAt(const QPointF &scenePos) const
{
    for (QGraphicsItem *item : items(scenePos)) {
        if (auto *node = qgraphicsitem_cast<TaskNodeItem *>(item))
            return node->toolTipText();
        if (auto *edge = qgraphicsitem_cast<DependencyEdgeItem *>(item))
            return edge->toolTipText();
    }
    return {};
}

void DagScene::helpEvent(QGraphicsSceneHelpEvent *event)
{
    // Composed from the model when asked, so that items keep no copy of it.
    const QString text = toolTipAt(event->scenePos());
    if (text.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(event->screenPos(), text, event->widget());
    event->setAccepted(!text.isEmpty());
}

void DagScene::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Delete && event->modifiers() == Qt::NoModifier
        && !selectedItems().isEmpty()) {
        if (!m_readOnly)
            Q_EMIT deleteRequested();
        event->accept();
        return;
    }
    QGraphicsScene::keyPressEvent(event);
}

void DagScene::updateSceneRect()
{
    const QRectF bounds
        = itemsBoundingRect().adjusted(-kSceneMargin, -kSceneMargin, kSceneMargin, kSceneMargin);
    setSceneRect(sceneRect().isEmpty() ? bounds : sceneRect().united(bounds));
}

QList<NodeId> DagScene::selectedTasks() const
{
    QList<NodeId> ids;
    for (QGraphicsItem *item : selectedItems()) {
        if (auto *node = qgraphicsitem_cast<TaskNodeItem *>(item))
            ids << node->id();
    }
    std::sort(ids.begin(), ids.end());
    return ids;
}

QList<std::pair<NodeId, NodeId>> DagScene::selectedEdges() const
{
    QList<std::pair<NodeId, NodeId>> edges;
    for (QGraphicsItem *item : selectedItems()) {
        if (auto *edge = qgraphicsitem_cast<DependencyEdgeItem *>(item))
            edges << std::make_pair(edge->from(), edge->to());
    }
    std::sort(edges.begin(), edges.end());
    return edges;
}

void DagScene::selectTasks(const QList<NodeId> &ids)
{
    clearSelection();
    for (NodeId id : ids) {
        if (TaskNodeItem *item = m_nodes.value(id))
            item->setSelected(true);
    }
}

void DagScene::selectEdge(NodeId from, NodeId to)
{
    clearSelection();
    if (DependencyEdgeItem *item = edgeItem(from, to))
        item->setSelected(true);
}

void DagScene::updateEdgesOf(NodeId id)
{
    if (!m_model || !m_model->hasTask(id))
        return;
    const PipelineGraph &g = m_model->graph();
    for (NodeId s : g.successors(id)) {
        if (DependencyEdgeItem *e = m_edges.value(key(id, s)))
            e->update();
    }
    for (NodeId p : g.predecessors(id)) {
        if (DependencyEdgeItem *e = m_edges.value(key(p, id)))
            e->update();
    }
}

NodeId DagScene::taskAt(const QPointF &scenePos) const
{
    for (QGraphicsItem *item : items(scenePos)) {
        if (auto *node = qgraphicsitem_cast<TaskNodeItem *>(item))
            return node->id();
    }
    return -1;
}

void DagScene::beginConnection(NodeId from, const QPointF &scenePos, NodeId replacing)
{
    TaskNodeItem *source = m_nodes.value(from);
    if (!source || m_readOnly)
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
        if (DependencyEdgeItem *old = edgeItem(from, replacing))
            old->setOpacity(0.3);
    }
    updateConnection(scenePos);
}

void DagScene::updateConnection(const QPointF &scenePos)
{
    if (!m_rubberEdge || m_connectFrom < 0)
        return;
    const QPointF start = m_nodes.value(m_connectFrom)->outPort();
    QPainterPath path(start);
    const qreal dx = qMax<qreal>(30, (scenePos.x() - start.x()) / 2);
    path.cubicTo(start + QPointF(dx, 0), scenePos - QPointF(dx, 0), scenePos);
    m_rubberEdge->setPath(path);
}

void DagScene::finishConnection(const QPointF &scenePos)
{
    const NodeId from = m_connectFrom;
    const NodeId replacing = m_replacing;
    m_connectFrom = -1;
    m_replacing = -1;
    delete m_rubberEdge;
    m_rubberEdge = nullptr;
    if (replacing >= 0) {
        if (DependencyEdgeItem *old = edgeItem(from, replacing))
            old->setOpacity(1.0);
    }
    const NodeId target = taskAt(scenePos);
    if (m_readOnly || from < 0 || target < 0 || (target == from && replacing < 0))
        return;
    if (replacing >= 0) {
        if (target != replacing)
            Q_EMIT reconnectRequested(from, replacing, target);
        return;
    }
    Q_EMIT connectRequested(from, target);
}

void DagScene::noteMoveStart()
{
    m_moveStart.clear();
    if (m_readOnly)
        return;
    for (NodeId id : selectedTasks())
        m_moveStart.insert(id, m_model->position(id));
}

void DagScene::noteMoveEnd()
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
