// The one DAG scene of the pipeline graph and the editor: read-only is a flag that refuses every
// edit gesture (mouse and keyboard) while editable lets them through as requests, and items
// draw from the model by id, so a change to the model is what they show next.
#include "dag/dagscene.h"
#include "dag/dependencyedgeitem.h"
#include "dag/minimapview.h"
#include "dag/pipelinegraphview.h"
#include "dag/tasknodeitem.h"
#include "graph/pipelinegraphmodel.h"
#include "uitestdata.h"

#include <QGraphicsView>
#include <QImage>
#include <QPainter>
#include <QSignalSpy>
#include <QTest>

using namespace Baton;
using namespace Baton::Ui;

namespace {

// a → b, and c apart, in one row 300 apart so that every gesture has room.
void loadAbc(PipelineGraphModel &model)
{
    model.setJobs({ { "extract", "bash", 2, "./extract.sh" },
                    { "train", "python", 5, "python3 train.py" },
                    { "report", "bash", 1, "./report.sh" } });
    PipelineSpec spec;
    spec.name = "abc";
    spec.tasks << UiTest::task("a") << UiTest::task("b", { "a" }) << UiTest::task("c");
    spec.tasks[0].job = "extract";
    spec.tasks[1].job = "train";
    spec.tasks[2].job = "report";
    model.load("demo", spec, 1);
    model.setPositions({ { 0, { 0, 0 } }, { 1, { 300, 0 } }, { 2, { 600, 0 } } });
}

/// The scene drawn into an image the size of its items: what a view shows, minus the view.
QImage render(DagScene &scene, const QRectF &area)
{
    QImage image(area.size().toSize(), QImage::Format_ARGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    scene.render(&painter, QRectF(QPointF(0, 0), area.size()), area);
    return image;
}

/// demo/@p name: @p tasks, each after the one before it.
PipelineInfo pipeline(const QString &name, const QList<TaskInfo> &tasks)
{
    PipelineInfo p;
    p.project = "demo";
    p.name = name;
    p.tasks = tasks;
    for (qsizetype i = 1; i < tasks.size(); ++i)
        p.edges << EdgeInfo { tasks[i - 1].name, tasks[i].name, EdgeCondition::Success };
    return p;
}

} // namespace

class TestDagScene : public QObject
{
    Q_OBJECT

private:
    // One view over the scene, at 100 %, with the three tasks in sight.
    struct Canvas
    {
        PipelineGraphModel model;
        DagScene scene { &model };
        QGraphicsView view;
        Canvas()
        {
            loadAbc(model);
            view.setScene(&scene);
            view.resize(1000, 300);
            view.setSceneRect(-100, -100, 1000, 300);
            view.show();
        }
        QPoint at(const QPointF &scenePos) const { return view.mapFromScene(scenePos); }
        QPointF centre(NodeId id) const
        {
            return model.position(id)
                + QPointF(scene.cardSize().width() / 2, scene.cardSize().height() / 2);
        }
        void drag(const QPointF &from, const QPointF &to)
        {
            QWidget *vp = view.viewport();
            QTest::mousePress(vp, Qt::LeftButton, {}, at(from));
            QTest::mouseMove(vp, at((from + to) / 2));
            QTest::mouseMove(vp, at(to));
            QTest::mouseRelease(vp, Qt::LeftButton, {}, at(to));
        }
        void click(const QPointF &pos)
        {
            QTest::mouseClick(view.viewport(), Qt::LeftButton, {}, at(pos));
        }
    };

private Q_SLOTS:
    void readOnlyRefusesEditsAndEditableAllowsThem();
    void itemsRepaintFromTheModel();
    void tooltipsComeFromTheModel();
    void theReadOnlyGraphIsTheSameScene();
    void theMinimapFollowsAnyDagView();
};

void TestDagScene::readOnlyRefusesEditsAndEditableAllowsThem()
{
    Canvas c;
    QVERIFY(QTest::qWaitForWindowExposed(&c.view));
    QSignalSpy moves(&c.scene, &DagScene::movesFinished);
    QSignalSpy connects(&c.scene, &DagScene::connectRequested);
    QSignalSpy reconnects(&c.scene, &DagScene::reconnectRequested);
    QSignalSpy deletes(&c.scene, &DagScene::deleteRequested);
    TaskNodeItem *a = c.scene.nodeItem(0);
    DependencyEdgeItem *ab = c.scene.edgeItem(0, 1);
    QVERIFY(a && ab);

    c.scene.setReadOnly(true);
    QVERIFY(!(a->flags() & QGraphicsItem::ItemIsMovable));
    QVERIFY(!a->isOnOutPort(a->outPort()));
    // Dragging a task's body: it stays where the model has it.
    c.drag(c.centre(0), c.centre(0) + QPointF(40, 60));
    QCOMPARE(c.model.position(0), QPointF(0, 0));
    QCOMPARE(moves.count(), 0);
    // Dragging from the output port to another task: no new edge asked for.
    c.drag(a->outPort(), c.centre(2));
    QVERIFY(!c.scene.isConnecting());
    QCOMPARE(connects.count(), 0);
    // Dragging the arrow head of a → b onto c: no reconnection asked for.
    c.drag(ab->tip() - QPointF(5, 0), c.centre(2));
    QCOMPARE(reconnects.count(), 0);
    // The API refuses too: a connection cannot even start.
    c.scene.beginConnection(0, c.centre(0));
    QVERIFY(!c.scene.isConnecting());
    // Selecting still works; Delete does not ask for anything.
    c.click(c.centre(1));
    QCOMPARE(c.scene.selectedTasks(), QList<NodeId> { 1 });
    QTest::keyClick(c.view.viewport(), Qt::Key_Delete);
    QCOMPARE(deletes.count(), 0);
    // An edge cannot be picked up (only tasks are selected in the graph).
    QVERIFY(!(ab->flags() & QGraphicsItem::ItemIsSelectable));
    QCOMPARE(c.model.edgeCount(), 1);
    QCOMPARE(c.model.taskCount(), 3);

    // The same scene, editable: every gesture comes out as its request.
    c.scene.setReadOnly(false);
    c.scene.clearSelection();
    QVERIFY(a->flags() & QGraphicsItem::ItemIsMovable);
    c.drag(c.centre(0), c.centre(0) + QPointF(40, 60));
    QCOMPARE(c.model.position(0), QPointF(40, 60));
    QCOMPARE(moves.count(), 1);
    using Positions = QHash<NodeId, QPointF>;
    QCOMPARE(moves.last().at(1).value<Positions>().value(0), QPointF(40, 60));
    c.drag(a->outPort(), c.centre(2));
    QCOMPARE(connects.count(), 1);
    QCOMPARE(connects.last().at(0).value<NodeId>(), NodeId(0));
    QCOMPARE(connects.last().at(1).value<NodeId>(), NodeId(2));
    c.drag(c.scene.edgeItem(0, 1)->tip() - QPointF(5, 0), c.centre(2));
    QCOMPARE(reconnects.count(), 1);
    QCOMPARE(reconnects.last().at(2).value<NodeId>(), NodeId(2));
    c.click(c.centre(1));
    QCOMPARE(c.scene.selectedTasks(), QList<NodeId> { 1 });
    QTest::keyClick(c.view.viewport(), Qt::Key_Delete);
    QCOMPARE(deletes.count(), 1);
    // Requests only: the editor turns them into commands; the model is unchanged here.
    QCOMPARE(c.model.edgeCount(), 1);
}

void TestDagScene::itemsRepaintFromTheModel()
{
    PipelineGraphModel model;
    loadAbc(model);
    DagScene scene(&model);
    const QRectF area = scene.itemsBoundingRect().adjusted(-10, -10, 10, 10);
    const QImage before = render(scene, area);

    // The changes a run or an edit makes, each only on the model.
    QSignalSpy changed(&scene, &QGraphicsScene::changed);
    EditorTask renamed = model.task(0);
    renamed.name = "extract_all_customers";
    QVERIFY(model.updateTask(0, renamed));
    QVERIFY(changed.wait());
    const QRectF cardA(model.position(0), scene.cardSize());
    bool repainted = false;
    for (const QRectF &r : changed.last().at(0).value<QList<QRectF>>())
        repainted = repainted || r.intersects(cardA);
    QVERIFY2(repainted, "the renamed task's card was not repainted");
    model.setTaskStates({ { "b", RunState::Failed } });
    QVERIFY(model.setCondition(0, 1, EdgeCondition::Failed));
    model.setJobs({ { "extract", "bash", 3, "./extract.sh" },
                    { "train", "python", 5, "python3 train.py" },
                    { "report", "bash", 1, "./report.sh" } });
    const QImage after = render(scene, area);
    QVERIFY(after != before);
    QCOMPARE(scene.edgeItem(0, 1)->label(), QStringLiteral("failed"));
    QCOMPARE(scene.edgeItem(0, 1)->pen(QApplication::palette()).style(), Qt::DashLine);

    // What a new scene over the same model draws: the items kept nothing of the old state.
    DagScene fresh(&model);
    QCOMPARE(render(fresh, area), after);

    // And the old state again draws the old picture.
    renamed.name = "a";
    QVERIFY(model.updateTask(0, renamed));
    model.setTaskStates({});
    QVERIFY(model.setCondition(0, 1, EdgeCondition::Success));
    model.setJobs({ { "extract", "bash", 2, "./extract.sh" },
                    { "train", "python", 5, "python3 train.py" },
                    { "report", "bash", 1, "./report.sh" } });
    QCOMPARE(render(scene, area), before);
}

void TestDagScene::tooltipsComeFromTheModel()
{
    PipelineGraphModel model;
    loadAbc(model);
    DagScene scene(&model);
    const QPointF centreB(300 + scene.cardSize().width() / 2, scene.cardSize().height() / 2);
    QString tip = scene.toolTipAt(centreB);
    QVERIFY2(tip.contains("<b>b</b>") && tip.contains("train v5") && tip.contains("python")
                 && tip.contains("python3 train.py"),
             qPrintable(tip));
    EditorTask b = model.task(1);
    b.name = "fit";
    QVERIFY(model.updateTask(1, b));
    model.setTaskStates({ { "fit", RunState::Running } });
    tip = scene.toolTipAt(centreB);
    QVERIFY2(tip.contains("<b>fit</b>") && tip.contains("running"), qPrintable(tip));
    QVERIFY(scene.toolTipAt(QPointF(-500, -500)).isEmpty()); // nothing there
    const QString edgeTip = scene.edgeItem(0, 1)->toolTipText();
    QVERIFY2(edgeTip.contains("a → fit"), qPrintable(edgeTip));
}

void TestDagScene::theReadOnlyGraphIsTheSameScene()
{
    // The Pipelines mode's graph: the same scene and items, locked, over a model of its own.
    PipelineGraphView view;
    view.resize(900, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setPipeline(
        pipeline("pair", { UiTest::taskInfo("a"), UiTest::taskInfo("b", "train", "python", 5) }));
    QVERIFY(view.dagScene()->isReadOnly());
    QCOMPARE(view.scene(), view.dagScene());
    QCOMPARE(view.model()->taskCount(), 2);
    QVERIFY(view.dagScene()->toolTipAt(view.nodeRect("b").center()).contains("train v5"));

    // A drag on a card selects it and pans at most: the task does not move.
    const QRectF before = view.nodeRect("a");
    const QPoint from = view.mapFromScene(before.center());
    QTest::mousePress(view.viewport(), Qt::LeftButton, {}, from);
    QTest::mouseMove(view.viewport(), from + QPoint(30, 40));
    QTest::mouseMove(view.viewport(), from + QPoint(60, 80));
    QTest::mouseRelease(view.viewport(), Qt::LeftButton, {}, from + QPoint(60, 80));
    QCOMPARE(view.nodeRect("a"), before);
    QCOMPARE(view.selectedTask(), QStringLiteral("a"));
    // A run overlaid on the model colours the card: the item draws the state it reads.
    QSignalSpy changed(view.scene(), &QGraphicsScene::changed);
    view.model()->setTaskStates({ { "a", RunState::Failed } });
    QVERIFY(changed.wait());
}

void TestDagScene::theMinimapFollowsAnyDagView()
{
    // The editor's minimap over the read-only graph: it shows the same scene and moves the view.
    PipelineGraphView view;
    view.resize(400, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    QList<TaskInfo> tasks;
    for (const char *name : { "a", "b", "c", "d", "e", "f" })
        tasks << UiTest::taskInfo(name);
    view.setPipeline(pipeline("chain", tasks));
    view.zoomIn(); // past the fit: the chain no longer fits, so there is somewhere to go
    view.zoomIn();
    MinimapView minimap(&view);
    minimap.show();
    QVERIFY(QTest::qWaitForWindowExposed(&minimap));
    QCOMPARE(minimap.scene(), view.scene());
    const QPointF target = view.nodeRect("f").center();
    QVERIFY(!view.visibleSceneRect().contains(target));
    QTest::mouseClick(minimap.viewport(), Qt::LeftButton, {}, minimap.mapFromScene(target));
    QVERIFY(view.visibleSceneRect().contains(target));
}

QTEST_MAIN(TestDagScene)
#include "tst_dagscene.moc"
