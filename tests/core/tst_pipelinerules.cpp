// PipelineRules: the pipeline rules jobs-as-code import and the DAG editor share.
#include "graph/pipelinerules.h"
#include "testspecs.h"

#include <QTest>

using namespace Baton;
using namespace Baton::Test;

Q_DECLARE_METATYPE(QList<Baton::TaskSpec>)

namespace {

const QStringList kJobs = { QStringLiteral("extract"), QStringLiteral("train"),
                            QStringLiteral("score"), QStringLiteral("notify") };

QString rules(const QList<PipelineIssue> &issues)
{
    QStringList out;
    for (const PipelineIssue &i : issues) {
        static const char *names[]
            = { "name", "job", "duplicate", "self", "unknown-dep", "dup-dep", "cycle", "no-tasks" };
        out << QStringLiteral("%1@%2.%3")
                   .arg(QLatin1String(names[int(i.rule)]))
                   .arg(i.task)
                   .arg(i.dependency);
    }
    return out.join(QLatin1Char(' '));
}

} // namespace

class TestPipelineRules : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void check_data()
    {
        QTest::addColumn<QList<TaskSpec>>("tasks");
        QTest::addColumn<QString>("rules"); // rule@task.dependency, in order
        QTest::addColumn<QString>("message"); // of the first issue (empty: none)

        // What the editor's select all → Delete leaves: import refuses it, so does the editor.
        QTest::newRow("empty pipeline") << QList<TaskSpec> {} << "no-tasks@-1.-1"
                                        << "pipeline 'p' has no tasks; list at least one";
        QTest::newRow("chain") << QList<TaskSpec> { task("extract"), task("train", { "extract" }),
                                                    task("score", { "train" }) }
                               << ""
                               << "";
        QTest::newRow("diamond with conditions")
            << QList<TaskSpec> { task("extract"), task("train", { "extract" }),
                                 task("score", { "extract" }, EdgeCondition::Always),
                                 task("notify", { "train", "score" }, EdgeCondition::Failed) }
            << ""
            << "";
        QTest::newRow("invalid name")
            << QList<TaskSpec> { task("extract", {}, EdgeCondition::Success, "my task") }
            << "name@0.-1"
            << "invalid task name 'my task': use letters, digits";
        QTest::newRow("unknown job with suggestion")
            << QList<TaskSpec> { task("trian") } << "job@0.-1"
            << "unknown job 'trian' (did you mean 'train'?)";
        QTest::newRow("duplicate task")
            << QList<TaskSpec> { task("extract"), task("train"),
                                 task("train", {}, EdgeCondition::Success, "extract") }
            << "duplicate@2.-1"
            << "duplicate task 'extract' in pipeline 'p'";
        QTest::newRow("self dependency")
            << QList<TaskSpec> { task("extract", { "extract" }) } << "self@0.0"
            << "task 'extract' depends on itself";
        QTest::newRow("unknown dependency")
            << QList<TaskSpec> { task("extract"), task("train", { "extrct" }) } << "unknown-dep@1.0"
            << "task 'train' runs after unknown task 'extrct' (did you mean 'extract'?) in "
               "pipeline 'p'";
        QTest::newRow("dependency twice")
            << QList<TaskSpec> { task("extract"), task("train", { "extract", "extract" }) }
            << "dup-dep@1.1"
            << "task 'train' lists 'extract' twice in 'after'";
        QTest::newRow("two-task cycle")
            << QList<TaskSpec> { task("extract", { "train" }), task("train", { "extract" }) }
            << "cycle@0.-1"
            << "dependency cycle: extract → train → extract (pipeline 'p')";
        QTest::newRow("cycle reported from the first task written")
            << QList<TaskSpec> { task("extract"), task("train", { "score" }),
                                 task("score", { "notify" }), task("notify", { "train" }) }
            << "cycle@1.-1"
            << "dependency cycle: train → notify → score → train (pipeline 'p')";
        QTest::newRow("two independent cycles")
            << QList<TaskSpec> { task("extract", { "train" }), task("train", { "extract" }),
                                 task("score", { "notify" }), task("notify", { "score" }) }
            << "cycle@0.-1 cycle@2.-1"
            << "dependency cycle: extract → train → extract";
        QTest::newRow("everything at once")
            << QList<TaskSpec> { task("nope", { "ghost" }), task("extract", { "extract" }) }
            << "job@0.-1 unknown-dep@0.0 self@1.0"
            << "unknown job 'nope'";
    }

    void check()
    {
        QFETCH(QList<TaskSpec>, tasks);
        QFETCH(QString, rules);
        QFETCH(QString, message);
        const QList<PipelineIssue> issues = PipelineRules::check(tasks, QStringLiteral("p"), kJobs);
        QCOMPARE(::rules(issues), rules);
        if (message.isEmpty()) {
            QVERIFY(issues.isEmpty());
        } else {
            QVERIFY2(issues.first().message.startsWith(message),
                     qPrintable(issues.first().message));
        }
    }

    void duplicatePointsAtTheFirstTask()
    {
        const QList<TaskSpec> tasks { task("extract"), task("train"),
                                      task("train", {}, EdgeCondition::Success, "extract") };
        const auto issues = PipelineRules::check(tasks, QStringLiteral("p"), kJobs);
        QCOMPARE(issues.size(), 1);
        QCOMPARE(issues.first().firstTask, 0);
    }

    void cycleListsItsTasks()
    {
        const QList<TaskSpec> tasks { task("extract", { "score" }), task("train", { "extract" }),
                                      task("score", { "train" }) };
        const auto issues = PipelineRules::check(tasks, QStringLiteral("p"), kJobs);
        QCOMPARE(issues.size(), 1);
        QCOMPARE(issues.first().cycle, QStringList({ "extract", "train", "score", "extract" }));
    }

    void cycleMessage()
    {
        QCOMPARE(PipelineRules::cycleMessage({ "a", "b", "a" }, QStringLiteral("nightly")),
                 QStringLiteral("dependency cycle: a → b → a (pipeline 'nightly')"));
    }
};

QTEST_GUILESS_MAIN(TestPipelineRules)
#include "tst_pipelinerules.moc"
