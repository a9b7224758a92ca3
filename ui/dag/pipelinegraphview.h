#pragma once

#include "store/catalog.h"

#include <QGraphicsView>
#include <QHash>
#include <QPainterPath>

namespace Baton::Ui {

class DependencyEdgeItem;
class TaskNodeItem;

/// A read-only drawing of one pipeline version: tasks in layers left to right (see
/// LayeredLayout), dependencies as curved arrows styled by condition. Fits itself to the view
/// on load and on resize until the user zooms (Ctrl+wheel, Ctrl+=/Ctrl+-) or fits again; drag
/// to pan. Colours come from the palette, so a dark theme works.
class PipelineGraphView : public QGraphicsView
{
    Q_OBJECT
public:
    explicit PipelineGraphView(QWidget *parent = nullptr);
    ~PipelineGraphView() override;

    /// Draws @p pipeline, keeping the selected task (by name) when it is still there.
    void setPipeline(const PipelineInfo &pipeline);
    void clear();
    bool isEmpty() const { return m_nodes.isEmpty(); }
    /// "project/name" of what is shown, empty when nothing is.
    QString pipelineKey() const { return m_key; }

    /// Text shown when there is nothing to draw.
    void setPlaceholderText(const QString &text);
    QString placeholderText() const { return m_placeholder; }

    /// Task names in definition order.
    QStringList nodeNames() const { return m_order; }
    int edgeCount() const { return int(m_edges.size()); }
    /// The card of @p task in scene coordinates; null when there is no such task.
    QRectF nodeRect(const QString &task) const;
    /// The pen of the edge from → to in the current palette; Qt::NoPen when there is none.
    QPen edgePen(const QString &from, const QString &to) const;
    /// The edge's curve in scene coordinates; empty when there is no such edge.
    QPainterPath edgePath(const QString &from, const QString &to) const;
    /// The label drawn on the edge ("failed", "always"), empty for on-success edges.
    QString edgeLabel(const QString &from, const QString &to) const;
    QString selectedTask() const;
    /// The current scale (1.0 = 100 %).
    qreal zoom() const;
    /// Whether the view refits on resize (true until the user zooms).
    bool isAutoFit() const { return m_autoFit; }

public Q_SLOTS:
    void fitGraph();
    void zoomIn();
    void zoomOut();
    /// Selects (and reveals) @p task; an empty or unknown name clears the selection.
    void selectTask(const QString &task);

Q_SIGNALS:
    /// The selected task changed (empty: none).
    void taskSelected(const QString &task);

protected:
    void wheelEvent(QWheelEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void showEvent(QShowEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void changeEvent(QEvent *event) override;
    void drawBackground(QPainter *painter, const QRectF &rect) override;
    void drawForeground(QPainter *painter, const QRectF &rect) override;

private:
    void zoomBy(qreal factor);
    void onSceneSelectionChanged();

    QGraphicsScene *m_scene;
    QString m_key;
    QString m_placeholder;
    QStringList m_order;
    QHash<QString, TaskNodeItem *> m_nodes;
    QList<DependencyEdgeItem *> m_edges;
    QString m_lastSelected;
    bool m_autoFit = true;
    bool m_settingPipeline = false;
};

} // namespace Baton::Ui
