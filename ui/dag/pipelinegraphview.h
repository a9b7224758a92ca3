#pragma once

#include "dagview.h"
#include "graph/pipelinegraph.h"
#include "store/catalog.h"

#include <QPainterPath>

namespace Baton {
class PipelineGraphModel;
}

namespace Baton::Ui {

class DagScene;
class DependencyEdgeItem;

/// A read-only drawing of one pipeline version: the DAG scene of the editor, locked, over a
/// PipelineGraphModel of its own; tasks in layers left to right (see LayeredLayout), long
/// dependencies routed around the tasks they pass. Fits itself to the view on load and on resize
/// until the user zooms (Ctrl+wheel, Ctrl+=/Ctrl+-) or fits again; drag to pan. Colours come
/// from the palette, so a dark theme works.
class PipelineGraphView : public DagView
{
    Q_OBJECT
public:
    explicit PipelineGraphView(QWidget *parent = nullptr);
    ~PipelineGraphView() override;

    /// Draws @p pipeline, keeping the selected task (by name) when it is still there.
    void setPipeline(const PipelineInfo &pipeline);
    void clear();
    bool isEmpty() const;
    /// "project/name" of what is shown, empty when nothing is.
    QString pipelineKey() const { return m_key; }

    /// What is drawn: the model the items read from, and the (read-only) scene.
    PipelineGraphModel *model() const { return m_model; }
    DagScene *dagScene() const { return m_scene; }

    /// Text shown when there is nothing to draw.
    void setPlaceholderText(const QString &text);
    QString placeholderText() const { return m_placeholder; }

    /// Task names in definition order.
    QStringList nodeNames() const;
    int edgeCount() const;
    /// The card of @p task in scene coordinates; null when there is no such task.
    QRectF nodeRect(const QString &task) const;
    /// The pen of the edge from → to in the current palette; Qt::NoPen when there is none.
    QPen edgePen(const QString &from, const QString &to) const;
    /// The edge's curve in scene coordinates; empty when there is no such edge.
    QPainterPath edgePath(const QString &from, const QString &to) const;
    /// The label drawn on the edge ("failed", "always"), empty for on-success edges.
    QString edgeLabel(const QString &from, const QString &to) const;
    QString selectedTask() const;

public Q_SLOTS:
    /// Selects (and reveals) @p task; an empty or unknown name clears the selection.
    void selectTask(const QString &task);

Q_SIGNALS:
    /// The selected task changed (empty: none).
    void taskSelected(const QString &task);

protected:
    bool hasContent() const override { return !isEmpty(); }
    void drawForeground(QPainter *painter, const QRectF &rect) override;

private:
    NodeId taskId(const QString &name) const;
    DependencyEdgeItem *edgeItem(const QString &from, const QString &to) const;
    void onSceneSelectionChanged();

    PipelineGraphModel *m_model;
    DagScene *m_scene;
    QString m_key;
    QString m_placeholder;
    QString m_lastSelected;
    bool m_settingPipeline = false;
};

} // namespace Baton::Ui
