// PipelineGraphModel: the editor's model. Every change is announced by its signal, and the
// rules (no cycles, PipelineRules on validate) hold whatever the caller does.
#include "graph/pipelinegraphmodel.h"
#include "testspecs.h"

#include <QSignalSpy>
#include <QTest>

using namespace Baton;
using namespace Baton::Test;

namespace {

PipelineSpec nightly()
{
    return churnProject().pipelines.first();
}

QList<EditorJob> churnJobs()
{
    return { { "extract", "bash", 1, "./extract.sh" },
             { "train", "python", 2, "python3 train.py" },
             { "score", "python", 1, "python3 score.py" },
             { "notify", "", 1, "echo failed >&2" } };
}

NodeId id(const PipelineGraphModel &m, const char *name)
{
    return m.findTask(QString::fromUtf8(name)).value_or(-1);
}

} // namespace

class TestPipelineGraphModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void loadBuildsTheGraph()
    {
        PipelineGraphModel m;
        QSignalSpy reset(&m, &PipelineGraphModel::modelReset);
        m.load(QStringLiteral("churn"), nightly(), 3);
        QCOMPARE(reset.count(), 1);
        QCOMPARE(m.taskCount(), 4);
        QCOMPARE(m.edgeCount(), 3);
        QCOMPARE(m.baseVersion(), 3);
        QCOMPARE(m.pipelineName(), QStringLiteral("nightly"));
        QVERIFY(m.condition(id(m, "score"), id(m, "alert")) == EdgeCondition::Failed);
        QCOMPARE(m.task(id(m, "alert")).job, QStringLiteral("notify"));
        QVERIFY(m.task(id(m, "alert")).settings.retries == 0);
        // Nothing edited: the spec comes back as loaded, no diff.
        QVERIFY(m.toSpec().sameContent(nightly()));
        QVERIFY(!m.isModified());
    }

    void addAndRemoveAnnounceEverything()
    {
        PipelineGraphModel m;
        m.load(QStringLiteral("churn"), nightly(), 1);
        QSignalSpy added(&m, &PipelineGraphModel::nodeAdded);
        QSignalSpy removed(&m, &PipelineGraphModel::nodeRemoved);
        QSignalSpy edgeRemoved(&m, &PipelineGraphModel::edgeRemoved);
        QSignalSpy changed(&m, &PipelineGraphModel::changed);

        const NodeId report = m.addTask({ "report", "score", {}, { 10, 20 } });
        QCOMPARE(added.count(), 1);
        QCOMPARE(added.first().first().value<NodeId>(), report);
        QCOMPARE(m.position(report), QPointF(10, 20));

        // Removing train drops both its edges first, then the node.
        const NodeId train = id(m, "train");
        QVERIFY(m.removeTask(train));
        QCOMPARE(edgeRemoved.count(), 2);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(removed.first().first().value<NodeId>(), train);
        QVERIFY(!m.hasTask(train));
        QCOMPARE(m.edgeCount(), 1);
        QCOMPARE(changed.count(), 2);
        QVERIFY(!m.removeTask(train)); // already gone: refused, silent
        QCOMPARE(removed.count(), 1);

        // Undo brings it back under the same id.
        QCOMPARE(m.addTask({ "train", "train", {}, {} }, train), train);
        QVERIFY(m.hasTask(train));
        QCOMPARE(m.addTask({ "again", "train", {}, {} }, train), NodeId(-1)); // id is live
        const PipelineDiff d = m.diff();
        QCOMPARE(d.tasksAdded, QStringList { "report" });
        QCOMPARE(d.edgesRemoved.size(), 2);
    }

    void connectRefusesCyclesNamingThem_data()
    {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QString>("error"); // empty: accepted

        QTest::newRow("new edge") << "extract"
                                  << "score"
                                  << "";
        QTest::newRow("self loop") << "train"
                                   << "train"
                                   << "cannot run after itself";
        QTest::newRow("duplicate") << "extract"
                                   << "train"
                                   << "already runs after";
        QTest::newRow("two-step cycle")
            << "score"
            << "extract"
            << "would close a dependency cycle: score → extract → train → score";
        QTest::newRow("direct back edge")
            << "train"
            << "extract"
            << "would close a dependency cycle: train → extract → train";
    }

    void connectRefusesCyclesNamingThem()
    {
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(QString, error);
        PipelineGraphModel m;
        m.load(QStringLiteral("churn"), nightly(), 1);
        QSignalSpy edgeAdded(&m, &PipelineGraphModel::edgeAdded);
        const int before = m.edgeCount();
        QString why;
        const bool ok = m.connectTasks(m.findTask(from).value(), m.findTask(to).value(),
                                       EdgeCondition::Always, &why);
        if (error.isEmpty()) {
            QVERIFY2(ok, qPrintable(why));
            QCOMPARE(edgeAdded.count(), 1);
            QCOMPARE(m.edgeCount(), before + 1);
        } else {
            QVERIFY(!ok);
            QVERIFY2(why.contains(error), qPrintable(why));
            QCOMPARE(edgeAdded.count(), 0);
            QCOMPARE(m.edgeCount(), before);
            QVERIFY(m.graph().topologicalOrder().has_value());
        }
    }

    void conditionAndProperties()
    {
        PipelineGraphModel m;
        m.load(QStringLiteral("churn"), nightly(), 1);
        QSignalSpy edgeUpdated(&m, &PipelineGraphModel::edgeUpdated);
        QSignalSpy nodeUpdated(&m, &PipelineGraphModel::nodeUpdated);
        QSignalSpy moved(&m, &PipelineGraphModel::nodeMoved);
        QSignalSpy changed(&m, &PipelineGraphModel::changed);
        const NodeId extract = id(m, "extract");
        const NodeId train = id(m, "train");

        QVERIFY(m.setCondition(extract, train, EdgeCondition::Always));
        QVERIFY(m.setCondition(extract, train, EdgeCondition::Always)); // same: no signal
        QCOMPARE(edgeUpdated.count(), 1);
        QVERIFY(!m.setCondition(train, extract, EdgeCondition::Failed)); // no such edge

        EditorTask t = m.task(train);
        t.name = QStringLiteral("fit");
        t.settings.timeoutSeconds = 600;
        QVERIFY(m.updateTask(train, t));
        QCOMPARE(nodeUpdated.count(), 1);
        QCOMPARE(m.taskName(train), QStringLiteral("fit"));
        // Its dependants follow the rename.
        QCOMPARE(m.toSpec().tasks.at(2).after.first().task, QStringLiteral("fit"));

        m.setPosition(train, { 5, 5 });
        m.setPosition(train, { 5, 5 });
        QCOMPARE(moved.count(), 1);
        QCOMPARE(changed.count(), 2); // moves are not definition changes

        const PipelineDiff d = m.diff();
        QCOMPARE(d.tasksAdded, QStringList { "fit" });
        QCOMPARE(d.tasksRemoved, QStringList { "train" });
    }

    void validateSharesTheImportRules()
    {
        PipelineGraphModel m;
        m.load(QStringLiteral("churn"), nightly(), 1);
        m.setJobs(churnJobs());
        QVERIFY(m.validate().isEmpty());

        // A duplicate name and an unknown job: listed, pointing at the right tasks.
        const NodeId score = id(m, "score");
        EditorTask t = m.task(score);
        t.name = QStringLiteral("extract");
        m.updateTask(score, t);
        const NodeId ghost = m.addTask({ "ghost", "no_such_job", {}, {} });
        const QList<PipelineIssue> issues = m.validate();
        QCOMPARE(issues.size(), 2);
        QCOMPARE(issues.at(0).rule, PipelineRule::DuplicateTask);
        QCOMPARE(m.issueTask(issues.at(0)), score);
        QCOMPARE(issues.at(1).rule, PipelineRule::UnknownJob);
        QCOMPARE(m.issueTask(issues.at(1)), ghost);
        QCOMPARE(m.issueEdge(issues.at(1)), std::make_pair(NodeId(-1), NodeId(-1)));
    }

    void storedCycleIsListed()
    {
        // A definition broken behind the editor's back still loads, and validate() names it.
        PipelineSpec spec = nightly();
        spec.tasks[0].after << DependencySpec { "score", EdgeCondition::Success, {} };
        PipelineGraphModel m;
        m.load(QStringLiteral("churn"), spec, 1);
        m.setJobs(churnJobs());
        const auto issues = m.validate();
        QCOMPARE(issues.size(), 1);
        QCOMPARE(issues.first().rule, PipelineRule::Cycle);
        QCOMPARE(m.issueTask(issues.first()), id(m, "extract"));
        QCOMPARE(issues.first().cycle, QStringList({ "extract", "train", "score", "extract" }));
    }

    void uniqueTaskName()
    {
        PipelineGraphModel m;
        m.load(QStringLiteral("churn"), nightly(), 1);
        QCOMPARE(m.uniqueTaskName("report"), QStringLiteral("report"));
        QCOMPARE(m.uniqueTaskName("train"), QStringLiteral("train_2"));
        m.addTask({ "train_2", "train", {}, {} });
        QCOMPARE(m.uniqueTaskName("train"), QStringLiteral("train_3"));
    }

    void taskStatesSignalOnlyOnChange()
    {
        PipelineGraphModel m;
        m.load(QStringLiteral("churn"), nightly(), 1);
        QSignalSpy states(&m, &PipelineGraphModel::taskStatesChanged);
        m.setTaskStates({ { "extract", RunState::Succeeded }, { "train", RunState::Running } });
        m.setTaskStates({ { "extract", RunState::Succeeded }, { "train", RunState::Running } });
        QCOMPARE(states.count(), 1);
        QCOMPARE(m.taskState(id(m, "train")), std::optional<RunState>(RunState::Running));
        QVERIFY(!m.taskState(id(m, "score")).has_value());
        m.setTaskStates({});
        QCOMPARE(states.count(), 2);
        QVERIFY(!m.hasTaskStates());
    }

    void markSavedMakesANewBase()
    {
        PipelineGraphModel m;
        m.load(QStringLiteral("churn"), nightly(), 1);
        m.addTask({ "report", "score", {}, {} });
        QVERIFY(m.isModified());
        m.markSaved(2);
        QVERIFY(!m.isModified());
        QCOMPARE(m.baseVersion(), 2);
    }
};

QTEST_GUILESS_MAIN(TestPipelineGraphModel)
#include "tst_pipelinegraphmodel.moc"
