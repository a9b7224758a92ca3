#include "pipelinegraphview.h"

#include "dependencyedgeitem.h"
#include "graph/pipelinegraph.h"
#include "layeredlayout.h"
#include "tasknodeitem.h"

#include <QKeyEvent>
#include <QPainter>
#include <QScrollBar>
#include <QWheelEvent>
#include <cmath>

namespace Baton::Ui {

namespace {

constexpr qreal kColumnGap = 72;
constexpr qreal kSceneMargin = 24;
constexpr qreal kMinZoom = 0.1;
constexpr qreal kMaxZoom = 4.0;
constexpr qreal kMaxFitZoom = 1.0; // fitting never blows a small graph up past 100 %

} // namespace

PipelineGraphView::PipelineGraphView(QWidget *parent)
    : QGraphicsView(parent)
    , m_scene(new QGraphicsScene(this))
    , m_placeholder(tr("Select a pipeline to see its graph"))
{
    setObjectName(QStringLiteral("pipelineGraph"));
    setAccessibleName(tr("Pipeline graph"));
    setScene(m_scene);
    setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing
                   | QPainter::SmoothPixmapTransform);
    setDragMode(QGraphicsView::ScrollHandDrag);
    setTransformationAnchor(QGraphicsView::AnchorUnderMouse);
    setResizeAnchor(QGraphicsView::AnchorViewCenter);
    setViewportUpdateMode(QGraphicsView::SmartViewportUpdate);
    setFrameShape(QFrame::NoFrame);
    setMinimumSize(160, 120);
    connect(m_scene, &QGraphicsScene::selectionChanged, this,
            &PipelineGraphView::onSceneSelectionChanged);
}

PipelineGraphView::~PipelineGraphView()
{
    // Items reference each other; make the scene drop them before our lists go.
    disconnect(m_scene, nullptr, this, nullptr);
    m_scene->clear();
}

void PipelineGraphView::setPlaceholderText(const QString &text)
{
    m_placeholder = text;
    viewport()->update();
}

void PipelineGraphView::clear()
{
    m_settingPipeline = true;
    m_scene->clear();
    m_settingPipeline = false;
    m_nodes.clear();
    m_edges.clear();
    m_order.clear();
    m_key.clear();
    m_scene->setSceneRect(QRectF());
    if (!m_lastSelected.isEmpty()) {
        m_lastSelected.clear();
        Q_EMIT taskSelected(QString());
    }
    viewport()->update();
}

void PipelineGraphView::setPipeline(const PipelineInfo &pipeline)
{
    const QString key = pipeline.project + QLatin1Char('/') + pipeline.name;
    const bool samePipeline = key == m_key;
    const QString keepSelected = samePipeline ? selectedTask() : QString();
    const QTransform keepTransform = transform();
    const QPointF keepCentre = mapToScene(viewport()->rect().center());

    m_settingPipeline = true;
    m_scene->clear();
    m_nodes.clear();
    m_edges.clear();
    m_order.clear();
    m_key = key;

    PipelineGraph graph;
    QHash<NodeId, QString> names;
    for (const TaskInfo &task : pipeline.tasks) {
        if (graph.find(task.name))
            continue; // a duplicate name would be a store bug; draw the first
        names.insert(graph.addNode(task.name), task.name);
    }
    for (const EdgeInfo &edge : pipeline.edges) {
        const auto from = graph.find(edge.from);
        const auto to = graph.find(edge.to);
        if (from && to)
            graph.addEdge(*from, *to, edge.condition);
    }

    // One card size for all, so columns line up.
    QSizeF cardSize(0, 0);
    for (const TaskInfo &task : pipeline.tasks)
        cardSize = cardSize.expandedTo(TaskNodeItem::preferredSize(task, font()));

    LayeredLayout::Options options;
    options.nodeHeight = cardSize.height();
    options.nodeGap = 26;
    options.edgeGap = 18;
    const LayeredLayout layout = LayeredLayout::compute(graph, options);

    const qreal columnWidth = cardSize.width() + kColumnGap;
    auto columnLeft = [&](int layer) {
        return layer * columnWidth;
    };

    for (const TaskInfo &task : pipeline.tasks) {
        const auto id = graph.find(task.name);
        if (!id || m_nodes.contains(task.name))
            continue;
        auto *item = new TaskNodeItem(task, cardSize);
        item->setPos(columnLeft(layout.layer(*id)), layout.y(*id) - cardSize.height() / 2);
        m_scene->addItem(item);
        m_nodes.insert(task.name, item);
        m_order << task.name;
    }
    for (const LayeredLayout::Edge &edge : layout.edges()) {
        TaskNodeItem *from = m_nodes.value(names.value(edge.from));
        TaskNodeItem *to = m_nodes.value(names.value(edge.to));
        if (!from || !to)
            continue;
        QList<QPointF> route { from->outPort() };
        const int firstLayer = layout.layer(edge.from) + 1;
        for (std::size_t i = 0; i < edge.bends.size(); ++i) {
            const qreal left = columnLeft(firstLayer + int(i));
            route << QPointF(left - 6, edge.bends[i])
                  << QPointF(left + cardSize.width() + 6, edge.bends[i]);
        }
        route << to->inPort();
        auto *item = new DependencyEdgeItem(
            from, to, graph.condition(edge.from, edge.to).value_or(EdgeCondition::Success), route);
        m_scene->addItem(item);
        m_edges << item;
    }

    const QRectF bounds = m_scene->itemsBoundingRect();
    m_scene->setSceneRect(
        bounds.adjusted(-kSceneMargin, -kSceneMargin, kSceneMargin, kSceneMargin));
    m_settingPipeline = false;

    if (!keepSelected.isEmpty() && m_nodes.contains(keepSelected))
        m_nodes.value(keepSelected)->setSelected(true);
    const QString now = selectedTask();
    if (now != m_lastSelected) {
        m_lastSelected = now;
        Q_EMIT taskSelected(now);
    }

    if (samePipeline && !m_autoFit) {
        // A new version of what the user is looking at: keep their zoom and place.
        setTransform(keepTransform);
        centerOn(keepCentre);
    } else {
        m_autoFit = true;
        fitGraph();
    }
    viewport()->update();
}

QRectF PipelineGraphView::nodeRect(const QString &task) const
{
    const TaskNodeItem *item = m_nodes.value(task);
    return item ? QRectF(item->pos(), item->size()) : QRectF();
}

QPen PipelineGraphView::edgePen(const QString &from, const QString &to) const
{
    for (const DependencyEdgeItem *edge : m_edges) {
        if (edge->from() == from && edge->to() == to)
            return edge->pen(palette());
    }
    return QPen(Qt::NoPen);
}

QPainterPath PipelineGraphView::edgePath(const QString &from, const QString &to) const
{
    for (const DependencyEdgeItem *edge : m_edges) {
        if (edge->from() == from && edge->to() == to)
            return edge->path();
    }
    return {};
}

QString PipelineGraphView::edgeLabel(const QString &from, const QString &to) const
{
    for (const DependencyEdgeItem *edge : m_edges) {
        if (edge->from() == from && edge->to() == to)
            return edge->label();
    }
    return {};
}

QString PipelineGraphView::selectedTask() const
{
    for (QGraphicsItem *item : m_scene->selectedItems()) {
        if (auto *node = qgraphicsitem_cast<TaskNodeItem *>(item))
            return node->name();
    }
    return {};
}

qreal PipelineGraphView::zoom() const
{
    return transform().m11();
}

void PipelineGraphView::fitGraph()
{
    m_autoFit = true;
    if (m_nodes.isEmpty() || viewport()->width() <= 1 || viewport()->height() <= 1)
        return;
    const QRectF target = m_scene->sceneRect();
    const qreal sx = viewport()->width() / target.width();
    const qreal sy = viewport()->height() / target.height();
    const qreal scale = qBound(kMinZoom, qMin(qMin(sx, sy), kMaxFitZoom), kMaxZoom);
    setTransform(QTransform::fromScale(scale, scale));
    centerOn(target.center());
}

void PipelineGraphView::zoomIn()
{
    zoomBy(1.2);
}

void PipelineGraphView::zoomOut()
{
    zoomBy(1 / 1.2);
}

void PipelineGraphView::zoomBy(qreal factor)
{
    const qreal current = zoom();
    const qreal next = qBound(kMinZoom, current * factor, kMaxZoom);
    if (qFuzzyCompare(next, current))
        return;
    m_autoFit = false;
    scale(next / current, next / current);
}

void PipelineGraphView::selectTask(const QString &task)
{
    if (task == selectedTask())
        return;
    m_scene->clearSelection();
    if (TaskNodeItem *item = m_nodes.value(task)) {
        item->setSelected(true);
        ensureVisible(item, 24, 24);
    }
}

void PipelineGraphView::onSceneSelectionChanged()
{
    if (m_settingPipeline)
        return;
    const QString now = selectedTask();
    if (now == m_lastSelected)
        return;
    m_lastSelected = now;
    Q_EMIT taskSelected(now);
}

void PipelineGraphView::wheelEvent(QWheelEvent *event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        const qreal steps = event->angleDelta().y() / 120.0;
        if (steps != 0)
            zoomBy(std::pow(1.15, steps));
        event->accept();
        return;
    }
    QGraphicsView::wheelEvent(event);
}

void PipelineGraphView::resizeEvent(QResizeEvent *event)
{
    QGraphicsView::resizeEvent(event);
    if (m_autoFit)
        fitGraph();
}

void PipelineGraphView::showEvent(QShowEvent *event)
{
    QGraphicsView::showEvent(event);
    if (m_autoFit)
        fitGraph();
}

void PipelineGraphView::keyPressEvent(QKeyEvent *event)
{
    if (event->modifiers() & Qt::ControlModifier) {
        if (event->key() == Qt::Key_Plus || event->key() == Qt::Key_Equal) {
            zoomIn();
            return;
        }
        if (event->key() == Qt::Key_Minus) {
            zoomOut();
            return;
        }
    }
    if (event->key() == Qt::Key_Escape && !selectedTask().isEmpty()) {
        m_scene->clearSelection();
        return;
    }
    QGraphicsView::keyPressEvent(event);
}

void PipelineGraphView::changeEvent(QEvent *event)
{
    QGraphicsView::changeEvent(event);
    if (event->type() == QEvent::PaletteChange || event->type() == QEvent::FontChange)
        viewport()->update();
}

void PipelineGraphView::drawBackground(QPainter *painter, const QRectF &rect)
{
    const QPalette pal = palette();
    painter->fillRect(rect, pal.color(QPalette::Base));
    if (m_nodes.isEmpty() || zoom() < 0.45)
        return;
    // A faint dot grid: gives the canvas depth and makes panning visible.
    const qreal step = 24;
    QColor dot = pal.color(QPalette::Text);
    dot.setAlpha(pal.color(QPalette::Base).lightness() < 128 ? 40 : 28);
    QPen pen(dot, 1.6 / zoom(), Qt::SolidLine, Qt::RoundCap);
    painter->setPen(pen);
    const qreal left = std::floor(rect.left() / step) * step;
    const qreal top = std::floor(rect.top() / step) * step;
    QVector<QPointF> points;
    for (qreal x = left; x < rect.right(); x += step) {
        for (qreal y = top; y < rect.bottom(); y += step)
            points << QPointF(x, y);
    }
    painter->drawPoints(points.constData(), int(points.size()));
}

void PipelineGraphView::drawForeground(QPainter *painter, const QRectF &)
{
    if (!m_nodes.isEmpty() || m_placeholder.isEmpty())
        return;
    painter->save();
    painter->resetTransform();
    QColor text = palette().color(QPalette::PlaceholderText);
    painter->setPen(text);
    painter->drawText(viewport()->rect().adjusted(16, 16, -16, -16),
                      Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
    painter->restore();
}

} // namespace Baton::Ui
