#include "dag/layeredlayout.h"
#include "dag/pipelinegraphview.h"
#include "uitestdata.h"

#include <QPainterPathStroker>
#include <QSignalSpy>
#include <QTest>
#include <QWheelEvent>

using namespace Baton;
using Baton::Ui::PipelineGraphView;
using Baton::UiTest::taskInfo;

namespace {

// A diamond a → (b, c) → d, a long edge a → d, then alert after d on failure and cleanup
// after d always.
PipelineInfo diamond()
{
    PipelineInfo p;
    p.project = QStringLiteral("demo");
    p.name = QStringLiteral("diamond");
    p.version = 3;
    p.tasks << taskInfo("a") << taskInfo("b", {}, "python") << taskInfo("c") << taskInfo("d")
            << taskInfo("alert", "notify") << taskInfo("cleanup");
    p.edges << EdgeInfo { "a", "b", EdgeCondition::Success }
            << EdgeInfo { "a", "c", EdgeCondition::Success }
            << EdgeInfo { "b", "d", EdgeCondition::Success }
            << EdgeInfo { "c", "d", EdgeCondition::Success }
            << EdgeInfo { "a", "d", EdgeCondition::Success }
            << EdgeInfo { "d", "alert", EdgeCondition::Failed }
            << EdgeInfo { "d", "cleanup", EdgeCondition::Always };
    return p;
}

} // namespace

class TestPipelineGraphView : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void drawsEveryTaskAndEdge();
    void layersLeftToRight();
    void nodesNeverOverlap();
    void longEdgesGoAroundTasks();
    void edgesStyledByCondition();
    void barycentreOrderingAvoidsCrossings();
    void colorsFollowThePalette();
    void fitsAndZooms();
    void selectionIsSignalledAndKept();
    void clearShowsPlaceholder();
};

void TestPipelineGraphView::drawsEveryTaskAndEdge()
{
    PipelineGraphView view;
    QSignalSpy selected(&view, &PipelineGraphView::taskSelected);
    view.setPipeline(diamond());
    QCOMPARE(view.nodeNames(), (QStringList { "a", "b", "c", "d", "alert", "cleanup" }));
    QCOMPARE(view.edgeCount(), 7);
    QCOMPARE(view.pipelineKey(), QStringLiteral("demo/diamond"));
    QVERIFY(!view.isEmpty());
    QVERIFY(view.nodeRect("x").isNull());
    QCOMPARE(selected.count(), 0); // nothing selected, nothing to say
}

void TestPipelineGraphView::layersLeftToRight()
{
    PipelineGraphView view;
    view.setPipeline(diamond());
    const QRectF a = view.nodeRect("a"), b = view.nodeRect("b"), c = view.nodeRect("c"),
                 d = view.nodeRect("d"), alert = view.nodeRect("alert"),
                 cleanup = view.nodeRect("cleanup");
    QVERIFY(b.left() > a.right());
    QVERIFY(d.left() > b.right());
    QVERIFY(alert.left() > d.right());
    // Same layer, one above the other.
    QCOMPARE(b.left(), c.left());
    QCOMPARE(alert.left(), cleanup.left());
    QVERIFY(qAbs(b.center().y() - c.center().y()) >= b.height());
    // The diamond is balanced: a and d sit between b and c.
    QVERIFY(a.center().y() > qMin(b.center().y(), c.center().y()));
    QVERIFY(a.center().y() < qMax(b.center().y(), c.center().y()));
    QVERIFY(d.center().y() > qMin(b.center().y(), c.center().y()));
    QVERIFY(d.center().y() < qMax(b.center().y(), c.center().y()));
}

void TestPipelineGraphView::nodesNeverOverlap()
{
    PipelineGraphView view;
    view.setPipeline(diamond());
    const QStringList names = view.nodeNames();
    for (int i = 0; i < names.size(); ++i) {
        for (int j = i + 1; j < names.size(); ++j) {
            QVERIFY2(!view.nodeRect(names[i]).intersects(view.nodeRect(names[j])),
                     qPrintable(names[i] + " overlaps " + names[j]));
        }
    }
}

void TestPipelineGraphView::longEdgesGoAroundTasks()
{
    PipelineGraphView view;
    view.setPipeline(diamond());
    // The stroke, not the path: an open path's "area" would close it with a straight line.
    QPainterPathStroker stroker;
    stroker.setWidth(2);
    const QPainterPath longEdge = stroker.createStroke(view.edgePath("a", "d"));
    QVERIFY(!longEdge.isEmpty());
    QVERIFY(!longEdge.intersects(view.nodeRect("b")));
    QVERIFY(!longEdge.intersects(view.nodeRect("c")));
    QVERIFY(view.edgePath("a", "nope").isEmpty());

    // A chain with a shortcut: drawn straight, a → c would run through b.
    PipelineInfo chain;
    chain.project = "demo";
    chain.name = "chain";
    chain.tasks << taskInfo("a") << taskInfo("b") << taskInfo("c");
    chain.edges << EdgeInfo { "a", "b", EdgeCondition::Success }
                << EdgeInfo { "b", "c", EdgeCondition::Success }
                << EdgeInfo { "a", "c", EdgeCondition::Always };
    view.setPipeline(chain);
    const QPainterPath shortcut = stroker.createStroke(view.edgePath("a", "c"));
    QVERIFY(!shortcut.isEmpty());
    QVERIFY(!shortcut.intersects(view.nodeRect("b")));
    QVERIFY(view.nodeRect("c").left() > view.nodeRect("b").right());
}

void TestPipelineGraphView::edgesStyledByCondition()
{
    PipelineGraphView view;
    view.setPipeline(diamond());
    QCOMPARE(view.edgePen("a", "b").style(), Qt::SolidLine);
    QCOMPARE(view.edgePen("d", "alert").style(), Qt::DashLine);
    QCOMPARE(view.edgePen("d", "cleanup").style(), Qt::DotLine);
    QCOMPARE(view.edgePen("b", "a").style(), Qt::NoPen); // no such edge
    QCOMPARE(view.edgeLabel("d", "alert"), QStringLiteral("failed"));
    QCOMPARE(view.edgeLabel("d", "cleanup"), QStringLiteral("always"));
    QVERIFY(view.edgeLabel("a", "b").isEmpty());
    // Failure edges are red: clearly more red than green or blue.
    const QColor red = view.edgePen("d", "alert").color();
    QVERIFY(red.red() > red.green() + 60 && red.red() > red.blue() + 60);
}

void TestPipelineGraphView::barycentreOrderingAvoidsCrossings()
{
    // p, q sources; x (child of q) defined before y (child of p): in definition order the
    // two edges would cross.
    PipelineInfo p;
    p.project = "demo";
    p.name = "cross";
    p.tasks << taskInfo("p") << taskInfo("q") << taskInfo("x") << taskInfo("y");
    p.edges << EdgeInfo { "q", "x", EdgeCondition::Success }
            << EdgeInfo { "p", "y", EdgeCondition::Success };
    PipelineGraphView view;
    view.setPipeline(p);
    const bool pAbove = view.nodeRect("p").center().y() < view.nodeRect("q").center().y();
    const bool yAbove = view.nodeRect("y").center().y() < view.nodeRect("x").center().y();
    QCOMPARE(yAbove, pAbove);

    PipelineGraph graph;
    const NodeId np = graph.addNode("p"), nq = graph.addNode("q"), nx = graph.addNode("x"),
                 ny = graph.addNode("y");
    graph.addEdge(nq, nx);
    graph.addEdge(np, ny);
    const auto layout = Baton::Ui::LayeredLayout::compute(graph);
    QCOMPARE(layout.layerCount(), 2);
    QCOMPARE(layout.crossings(), 0);
}

void TestPipelineGraphView::colorsFollowThePalette()
{
    PipelineGraphView view;
    view.setPipeline(diamond());
    QPalette light;
    light.setColor(QPalette::Base, Qt::white);
    light.setColor(QPalette::Text, Qt::black);
    view.setPalette(light);
    const int lightSuccess = view.edgePen("a", "b").color().lightness();
    QPalette dark;
    dark.setColor(QPalette::Base, QColor(0x1e, 0x1e, 0x1e));
    dark.setColor(QPalette::Text, QColor(0xee, 0xee, 0xee));
    view.setPalette(dark);
    const int darkSuccess = view.edgePen("a", "b").color().lightness();
    QVERIFY2(darkSuccess > lightSuccess + 20,
             qPrintable(QStringLiteral("%1 vs %2").arg(darkSuccess).arg(lightSuccess)));
}

void TestPipelineGraphView::fitsAndZooms()
{
    PipelineGraphView view;
    view.resize(420, 300);
    view.show();
    QVERIFY(QTest::qWaitForWindowExposed(&view));
    view.setPipeline(diamond());
    QVERIFY(view.isAutoFit());
    // Fitted: the whole graph is inside the viewport, and small graphs are not blown up.
    const QRect visible = view.mapFromScene(view.scene()->itemsBoundingRect()).boundingRect();
    QVERIFY2(view.viewport()->rect().contains(visible),
             qPrintable(QStringLiteral("%1,%2 %3x%4")
                            .arg(visible.x())
                            .arg(visible.y())
                            .arg(visible.width())
                            .arg(visible.height())));
    QVERIFY(view.zoom() <= 1.0);
    const qreal fitted = view.zoom();

    // Ctrl+wheel zooms in and stops auto-fitting.
    const QPointF pos = view.viewport()->rect().center();
    QWheelEvent wheel(pos, view.viewport()->mapToGlobal(pos), QPoint(), QPoint(0, 120),
                      Qt::NoButton, Qt::ControlModifier, Qt::NoScrollPhase, false);
    QApplication::sendEvent(view.viewport(), &wheel);
    QVERIFY(view.zoom() > fitted);
    QVERIFY(!view.isAutoFit());
    view.resize(600, 400);
    QVERIFY(view.zoom() > fitted); // a resize does not undo the user's zoom

    view.fitGraph();
    QVERIFY(view.isAutoFit());
    view.resize(300, 220);
    QTRY_VERIFY(view.zoom() < fitted); // smaller window, refitted
}

void TestPipelineGraphView::selectionIsSignalledAndKept()
{
    PipelineGraphView view;
    view.setPipeline(diamond());
    QSignalSpy selected(&view, &PipelineGraphView::taskSelected);
    view.selectTask("b");
    QCOMPARE(view.selectedTask(), QStringLiteral("b"));
    QCOMPARE(selected.count(), 1);
    QCOMPARE(selected.last().at(0).toString(), QStringLiteral("b"));
    view.selectTask("b"); // no-op
    QCOMPARE(selected.count(), 1);

    // A new version of the same pipeline keeps the selection…
    PipelineInfo next = diamond();
    next.version = 4;
    view.setPipeline(next);
    QCOMPARE(view.selectedTask(), QStringLiteral("b"));
    QCOMPARE(selected.count(), 1);

    // …unless the task is gone.
    next.tasks.removeAt(1);
    next.edges.removeIf([](const EdgeInfo &e) { return e.from == "b" || e.to == "b"; });
    view.setPipeline(next);
    QVERIFY(view.selectedTask().isEmpty());
    QCOMPARE(selected.count(), 2);
    QVERIFY(selected.last().at(0).toString().isEmpty());

    view.selectTask("c");
    view.selectTask({});
    QVERIFY(view.selectedTask().isEmpty());
}

void TestPipelineGraphView::clearShowsPlaceholder()
{
    PipelineGraphView view;
    view.setPipeline(diamond());
    view.clear();
    QVERIFY(view.isEmpty());
    QVERIFY(view.nodeNames().isEmpty());
    QCOMPARE(view.edgeCount(), 0);
    QVERIFY(view.pipelineKey().isEmpty());
    QVERIFY(!view.placeholderText().isEmpty());
    QVERIFY(view.scene()->items().isEmpty());
}

QTEST_MAIN(TestPipelineGraphView)
#include "tst_pipelinegraphview.moc"
