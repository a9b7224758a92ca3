#include "graph/pipelinegraph.h"

#include <QTest>

using namespace Baton;

namespace {
// Builds a graph from "a>b b>c" edge specs over nodes named in order of first appearance.
PipelineGraph build(const QString &spec, QHash<QString, NodeId> *ids = nullptr)
{
    PipelineGraph g;
    QHash<QString, NodeId> local;
    auto id = [&](const QString &n) {
        if (!local.contains(n))
            local.insert(n, g.addNode(n));
        return local.value(n);
    };
    for (const QString &part : spec.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        const QStringList ends = part.split(QLatin1Char('>'));
        if (ends.size() == 1) {
            id(ends[0]);
            continue;
        }
        const NodeId from = id(ends[0]); // sequenced: ids follow first appearance
        const NodeId to = id(ends[1]);
        g.addEdgeUnchecked(from, to);
    }
    if (ids)
        *ids = local;
    return g;
}

QStringList names(const PipelineGraph &g, const std::vector<NodeId> &ids)
{
    QStringList out;
    for (NodeId n : ids)
        out << g.name(n);
    return out;
}
} // namespace

class TestPipelineGraph : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void topologicalOrder_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("chain") << "a>b b>c" << QStringList { "a", "b", "c" };
        QTest::newRow("diamond") << "a>b a>c b>d c>d" << QStringList { "a", "b", "c", "d" };
        QTest::newRow("independent, ties by id") << "x y z" << QStringList { "x", "y", "z" };
        QTest::newRow("reverse declared") << "c>b b>a" << QStringList { "c", "b", "a" };
        QTest::newRow("cycle") << "a>b b>c c>a" << QStringList {};
    }
    void topologicalOrder()
    {
        QFETCH(QString, spec);
        QFETCH(QStringList, expected);
        const PipelineGraph g = build(spec);
        const auto order = g.topologicalOrder();
        if (expected.isEmpty()) {
            QVERIFY(!order.has_value());
            return;
        }
        QVERIFY(order.has_value());
        QCOMPARE(names(g, *order), expected);
    }

    void findCycleNamesTasksInOrder_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<QStringList>("cycle");
        QTest::newRow("dag") << "a>b b>c a>c" << QStringList {};
        QTest::newRow("two") << "a>b b>a" << QStringList { "a", "b", "a" };
        QTest::newRow("three") << "a>b b>c c>a" << QStringList { "a", "b", "c", "a" };
        QTest::newRow("tail into cycle") << "s>a a>b b>c c>a" << QStringList { "a", "b", "c", "a" };
    }
    void findCycleNamesTasksInOrder()
    {
        QFETCH(QString, spec);
        QFETCH(QStringList, cycle);
        const PipelineGraph g = build(spec);
        QCOMPARE(names(g, g.findCycle()), cycle);
    }

    void wouldCreateCycle()
    {
        QHash<QString, NodeId> id;
        PipelineGraph g = build(QStringLiteral("a>b b>c d"), &id);
        QVERIFY(g.wouldCreateCycle(id["c"], id["a"]));
        QVERIFY(g.wouldCreateCycle(id["a"], id["a"]));
        QVERIFY(!g.wouldCreateCycle(id["a"], id["c"]));
        QVERIFY(!g.wouldCreateCycle(id["d"], id["a"]));
        QVERIFY(!g.addEdge(id["c"], id["a"]));
        QCOMPARE(g.edgeCount(), std::size_t(2));
        QCOMPARE(names(g, g.cycleThrough(id["c"], id["a"])), (QStringList { "c", "a", "b", "c" }));
        QVERIFY(g.addEdge(id["c"], id["d"]));
        QVERIFY(!g.addEdge(id["c"], id["d"])); // duplicate
        QVERIFY(!g.addEdge(id["c"], 99)); // unknown node
    }

    void removalKeepsIdsStable()
    {
        QHash<QString, NodeId> id;
        PipelineGraph g = build(QStringLiteral("a>b b>c"), &id);
        QVERIFY(g.removeNode(id["b"]));
        QVERIFY(!g.hasNode(id["b"]));
        QCOMPARE(g.nodeCount(), std::size_t(2));
        QCOMPARE(g.edgeCount(), std::size_t(0));
        QVERIFY(g.successors(id["a"]).empty());
        QVERIFY(g.predecessors(id["c"]).empty());
        const NodeId d = g.addNode(QStringLiteral("d"));
        QVERIFY(d != id["b"]); // ids are never reused
        QCOMPARE(g.name(id["c"]), QStringLiteral("c"));
        QVERIFY(!g.removeNode(id["b"]));
    }

    void conditions()
    {
        PipelineGraph g;
        const NodeId a = g.addNode(QStringLiteral("a"));
        const NodeId b = g.addNode(QStringLiteral("b"));
        QVERIFY(g.addEdge(a, b, EdgeCondition::Failed));
        QCOMPARE(g.condition(a, b), std::optional<EdgeCondition>(EdgeCondition::Failed));
        QVERIFY(g.setCondition(a, b, EdgeCondition::Always));
        QCOMPARE(g.condition(a, b), std::optional<EdgeCondition>(EdgeCondition::Always));
        QVERIFY(!g.condition(b, a).has_value());
        QVERIFY(g.removeEdge(a, b));
        QVERIFY(!g.hasEdge(a, b));
    }

    void layers()
    {
        QHash<QString, NodeId> id;
        const PipelineGraph g = build(QStringLiteral("a>b a>c b>d c>d a>d e"), &id);
        const auto layers = g.layers();
        QCOMPARE(int(layers.size()), 3);
        QCOMPARE(names(g, layers[0]), (QStringList { "a", "e" }));
        QCOMPARE(names(g, layers[1]), (QStringList { "b", "c" }));
        QCOMPARE(names(g, layers[2]), (QStringList { "d" }));
        QVERIFY(build(QStringLiteral("a>b b>a")).layers().empty());
    }

    void criticalPath()
    {
        QHash<QString, NodeId> id;
        PipelineGraph g = build(QStringLiteral("a>b a>c b>d c>d"), &id);
        g.setWeight(id["b"], 1);
        g.setWeight(id["c"], 5);
        QCOMPARE(names(g, g.criticalPath()), (QStringList { "a", "c", "d" }));
        g.setWeight(id["b"], 10);
        QCOMPARE(names(g, g.criticalPath()), (QStringList { "a", "b", "d" }));
    }

    void dot()
    {
        PipelineGraph g;
        const NodeId a = g.addNode(QStringLiteral("ex\"tract"));
        const NodeId b = g.addNode(QStringLiteral("alert"));
        g.addEdge(a, b, EdgeCondition::Failed);
        const QString dot = g.toDot(QStringLiteral("nightly"));
        QVERIFY(dot.startsWith(QStringLiteral("digraph \"nightly\" {")));
        QVERIFY(dot.contains(QStringLiteral("n0 [label=\"ex\\\"tract\"];")));
        QVERIFY(
            dot.contains(QStringLiteral("n0 -> n1 [label=\"failed\", color=red, style=dashed];")));
    }
};

QTEST_GUILESS_MAIN(TestPipelineGraph)
#include "tst_pipelinegraph.moc"
