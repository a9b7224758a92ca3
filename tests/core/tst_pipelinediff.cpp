#include "graph/pipelinediff.h"
#include "testspecs.h"

#include <QTest>

using namespace Baton;
using namespace Baton::Test;

namespace {
// "a b>a c>b:failed": tasks in order; "x>y" means y runs after x (condition after ':').
PipelineSpec pipeline(const QString &spec)
{
    PipelineSpec p;
    p.name = QStringLiteral("p");
    for (const QString &part : spec.split(QLatin1Char(' '), Qt::SkipEmptyParts)) {
        const QStringList condition = part.split(QLatin1Char(':'));
        const QStringList ends = condition[0].split(QLatin1Char('>'));
        const QString name = ends.last();
        TaskSpec *t = nullptr;
        for (TaskSpec &existing : p.tasks)
            if (existing.name == name)
                t = &existing;
        if (!t) {
            p.tasks << task(name);
            t = &p.tasks.last();
        }
        if (ends.size() == 2)
            t->after << DependencySpec {
                ends[0],
                edgeConditionFromString(condition.value(1, QStringLiteral("success"))).value(),
                {}
            };
    }
    return p;
}
} // namespace

class TestPipelineDiff : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void lines_data()
    {
        QTest::addColumn<QString>("before");
        QTest::addColumn<QString>("after");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("identical") << "a a>b"
                                   << "a a>b" << QStringList {};
        QTest::newRow("order of tasks does not matter") << "a b"
                                                        << "b a" << QStringList {};
        QTest::newRow("task added with its edge")
            << "a"
            << "a a>b" << QStringList { "+ task b", "+ edge a → b (success)" };
        QTest::newRow("task removed takes its edges")
            << "a a>b a>c"
            << "a a>c" << QStringList { "- task b", "- edge a → b (success)" };
        QTest::newRow("condition changed")
            << "a a>b"
            << "a a>b:failed" << QStringList { "~ edge a → b: condition success → failed" };
        QTest::newRow("edge rewired")
            << "a b a>c"
            << "a b b>c" << QStringList { "+ edge b → c (success)", "- edge a → c (success)" };
        QTest::newRow("sorted by name") << "m"
                                        << "m z a" << QStringList { "+ task a", "+ task z" };
        QTest::newRow("both empty") << ""
                                    << "" << QStringList {};
    }
    void lines()
    {
        QFETCH(QString, before);
        QFETCH(QString, after);
        QFETCH(QStringList, expected);
        const PipelineDiff diff = diffPipelines(pipeline(before), pipeline(after));
        QCOMPARE(diff.toLines(), expected);
        QCOMPARE(diff.isEmpty(), expected.isEmpty());
    }

    void taskFieldsAndPipelineFields()
    {
        PipelineSpec a = pipeline(QStringLiteral("extract extract>train"));
        PipelineSpec b = a;
        b.tasks[1].job = QStringLiteral("train2");
        b.tasks[1].settings.retries = 3;
        b.tasks[1].settings.timeoutSeconds = 600;
        b.maxParallel = 4;
        b.description = QStringLiteral("nightly churn");
        const PipelineDiff diff = diffPipelines(a, b);
        QCOMPARE(diff.tasksChanged.size(), 1);
        QCOMPARE(diff.tasksChanged[0].task, QStringLiteral("train"));
        const QList<FieldChange> expected {
            { QStringLiteral("job"), QStringLiteral("train"), QStringLiteral("train2") },
            { QStringLiteral("retries"), QString(), QStringLiteral("3") },
            { QStringLiteral("timeout"), QString(), QStringLiteral("10m") },
        };
        QCOMPARE(diff.tasksChanged[0].changes, expected);
        QCOMPARE(diff.pipeline.size(), 2);
        QCOMPARE(diff.pipeline[1].field, QStringLiteral("max_parallel"));
        QCOMPARE(diff.pipeline[1].after, QStringLiteral("4"));
        QVERIFY(diff.toLines().contains(
            QStringLiteral("~ task train: job train → train2, retries (unset) → 3, "
                           "timeout (unset) → 10m")));
        // And back again: the reverse diff mirrors it.
        const PipelineDiff reverse = diffPipelines(b, a);
        QCOMPARE(reverse.tasksChanged[0].changes[1].before, QStringLiteral("3"));
        QCOMPARE(reverse.tasksChanged[0].changes[1].after, QString());
    }

    void schedulesAndNotesAreNotContent()
    {
        PipelineSpec a = churnProject().pipelines.first();
        PipelineSpec b = a;
        b.schedule = QStringLiteral("5 4 * * *");
        b.releaseNote = QStringLiteral("moved");
        QVERIFY(diffPipelines(a, b).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestPipelineDiff)
#include "tst_pipelinediff.moc"
