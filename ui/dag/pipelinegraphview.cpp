#include "pipelinegraphview.h"

#include "dagscene.h"
#include "dependencyedgeitem.h"
#include "graph/pipelinegraphmodel.h"
#include "layeredlayout.h"
#include "tasknodeitem.h"

#include <QPainter>
#include <QSet>

namespace Baton::Ui {

namespace {
constexpr qreal kColumnGap = 72;
constexpr qreal kSceneMargin = 24; // tight: a graph that fits at 100 % needs no scroll bars
} // namespace

PipelineGraphView::PipelineGraphView(QWidget *parent)
    : DagView(nullptr, FitPolicy::UntilZoomed, parent)
    , m_model(new PipelineGraphModel(this))
    , m_scene(new DagScene(m_model, this))
    , m_placeholder(tr("Select a pipeline to see its graph"))
{
    m_scene->setReadOnly(true);
    setScene(m_scene);
    setObjectName(QStringLiteral("pipelineGraph"));
    setAccessibleName(tr("Pipeline graph"));
    setRenderHint(QPainter::SmoothPixmapTransform);
    setDragMode(QGraphicsView::ScrollHandDrag);
    setViewportUpdateMode(QGraphicsView::SmartViewportUpdate);
    setMinimumSize(160, 120);
    connect(m_scene, &QGraphicsScene::selectionChanged, this,
            &PipelineGraphView::onSceneSelectionChanged);
}

PipelineGraphView::~PipelineGraphView()
{
    disconnect(m_scene, nullptr, this, nullptr);
}

void PipelineGraphView::setPlaceholderText(const QString &text)
{
    m_placeholder = text;
    viewport()->update();
}

bool PipelineGraphView::isEmpty() const
{
    return m_model->taskCount() == 0;
}

void PipelineGraphView::clear()
{
    m_settingPipeline = true;
    m_model->load(QString(), PipelineSpec(), 0);
    m_settingPipeline = false;
    m_key.clear();
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
    const QPointF keepCentre = viewCentre();

    // The jobs as this version pins them: what its cards show.
    QList<EditorJob> jobs;
    QSet<QString> seen;
    QSizeF cardSize(0, 0); // one size for all, so that columns line up
    for (const TaskInfo &task : pipeline.tasks) {
        if (!seen.contains(task.job)) {
            seen.insert(task.job);
            jobs << EditorJob { task.job, task.technology, task.jobVersion, task.command };
        }
        cardSize = cardSize.expandedTo(TaskNodeItem::preferredSize(
            task.name, task.job, task.technology, task.jobVersion, font()));
    }

    m_settingPipeline = true;
    m_key = key;
    m_model->setJobs(jobs);
    m_model->load(pipeline.project, Catalog::pipelineSpec(pipeline), pipeline.version);
    m_scene->setCardSize(cardSize);
    const LayeredLayout::Placement placement
        = LayeredLayout::place(m_model->graph(), cardSize, kColumnGap);
    m_model->setPositions(placement.positions);
    m_scene->setRoutes(placement.routes);
    m_scene->setSceneRect(m_scene->itemsBoundingRect().adjusted(-kSceneMargin, -kSceneMargin,
                                                                kSceneMargin, kSceneMargin));
    m_settingPipeline = false;

    if (const NodeId id = taskId(keepSelected); id >= 0)
        m_scene->selectTasks({ id });
    const QString now = selectedTask();
    if (now != m_lastSelected) {
        m_lastSelected = now;
        Q_EMIT taskSelected(now);
    }

    if (samePipeline && !isAutoFit()) {
        // A new version of what the user is looking at: keep their zoom and place.
        setTransform(keepTransform);
        centerOn(keepCentre);
    } else {
        fitGraph();
    }
    viewport()->update();
}

QStringList PipelineGraphView::nodeNames() const
{
    QStringList names;
    for (NodeId id : m_model->taskIds())
        names << m_model->taskName(id);
    return names;
}

int PipelineGraphView::edgeCount() const
{
    return m_model->edgeCount();
}

NodeId PipelineGraphView::taskId(const QString &name) const
{
    return name.isEmpty() ? NodeId(-1) : m_model->findTask(name).value_or(-1);
}

DependencyEdgeItem *PipelineGraphView::edgeItem(const QString &from, const QString &to) const
{
    return m_scene->edgeItem(taskId(from), taskId(to));
}

QRectF PipelineGraphView::nodeRect(const QString &task) const
{
    const TaskNodeItem *item = m_scene->nodeItem(taskId(task));
    return item ? QRectF(item->pos(), m_scene->cardSize()) : QRectF();
}

QPen PipelineGraphView::edgePen(const QString &from, const QString &to) const
{
    const DependencyEdgeItem *edge = edgeItem(from, to);
    return edge ? edge->pen(palette()) : QPen(Qt::NoPen);
}

QPainterPath PipelineGraphView::edgePath(const QString &from, const QString &to) const
{
    const DependencyEdgeItem *edge = edgeItem(from, to);
    return edge ? edge->path() : QPainterPath();
}

QString PipelineGraphView::edgeLabel(const QString &from, const QString &to) const
{
    const DependencyEdgeItem *edge = edgeItem(from, to);
    return edge ? edge->label() : QString();
}

QString PipelineGraphView::selectedTask() const
{
    const QList<NodeId> ids = m_scene->selectedTasks();
    return ids.isEmpty() ? QString() : m_model->taskName(ids.first());
}

void PipelineGraphView::selectTask(const QString &task)
{
    if (task == selectedTask())
        return;
    m_scene->clearSelection();
    if (TaskNodeItem *item = m_scene->nodeItem(taskId(task))) {
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

void PipelineGraphView::drawForeground(QPainter *painter, const QRectF &)
{
    if (!isEmpty() || m_placeholder.isEmpty())
        return;
    painter->save();
    painter->resetTransform();
    painter->setPen(palette().color(QPalette::PlaceholderText));
    painter->drawText(viewport()->rect().adjusted(16, 16, -16, -16),
                      Qt::AlignCenter | Qt::TextWordWrap, m_placeholder);
    painter->restore();
}

} // namespace Baton::Ui
