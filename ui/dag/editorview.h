#pragma once

#include "dagview.h"
#include "graph/pipelinegraph.h"

namespace Baton::Ui {

class DagScene;

/// The editor's canvas (a DagView on the editable scene): rubber-band multi-selection, middle
/// button or Space+drag to pan, and drops of jobs from the palette (MIME type jobMimeType(),
/// the job name as UTF-8).
class EditorView : public DagView
{
    Q_OBJECT
public:
    explicit EditorView(DagScene *scene, QWidget *parent = nullptr);

    static QString jobMimeType();

    DagScene *dagScene() const { return m_scene; }

public Q_SLOTS:
    /// Centres on @p id, zooming in to 100 % when far out.
    void revealTask(Baton::NodeId id);

Q_SIGNALS:
    /// A job was dropped from the palette at @p scenePos.
    void jobDropped(const QString &job, const QPointF &scenePos);

protected:
    void keyPressEvent(QKeyEvent *event) override;
    void keyReleaseEvent(QKeyEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void dragEnterEvent(QDragEnterEvent *event) override;
    void dragMoveEvent(QDragMoveEvent *event) override;
    void dropEvent(QDropEvent *event) override;

private:
    DagScene *m_scene;
    bool m_spaceHeld = false;
    bool m_panning = false;
    QPoint m_panFrom;
};

} // namespace Baton::Ui
