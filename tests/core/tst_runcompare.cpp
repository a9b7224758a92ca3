#include "monitoring/runcompare.h"

#include <QTest>

using namespace Baton;

namespace {

TaskDetail task(const QString &name, const QString &state, int version, qint64 start, qint64 finish,
                int attempts = 1, std::optional<int> exit = 0)
{
    TaskDetail t;
    t.name = name;
    t.state = parseRunState(state, 1, name);
    t.version.job = name;
    t.version.number = version;
    t.version.contentHash = QStringLiteral("hash-%1-%2").arg(name).arg(version);
    t.startedAt = start;
    t.finishedAt = finish;
    t.attempts = attempts;
    t.exitCode = exit;
    // Durations come from the attempts (core's Durations): one over the task's span.
    if (start > 0)
        t.attemptList << AttemptDetail { 1, t.state, exit, {}, {}, start, finish, {}, start };
    return t;
}

RunDetail run(qint64 id)
{
    RunDetail d;
    d.id = id;
    d.project = QStringLiteral("churn");
    d.pipeline = QStringLiteral("nightly");
    d.pipelineVersion = 3;
    d.pipelineHash = QStringLiteral("abcdef0123456789");
    d.environment = QStringLiteral("prod");
    d.state = RunState::Succeeded;
    d.trigger = QStringLiteral("schedule");
    d.startedAt = 1000;
    d.finishedAt = 61000;
    d.parameters.insert(QStringLiteral("BATCH"), QStringLiteral("500"));
    d.variables << VariableDetail { QStringLiteral("DB_URL"), QStringLiteral("pg://a"),
                                    QStringLiteral("project"), false };
    d.variables << VariableDetail { QStringLiteral("API_TOKEN"), QStringLiteral("***"),
                                    QStringLiteral("environment"), true };
    d.variables << VariableDetail { QStringLiteral("BATON_RUN_ID"), QString::number(id),
                                    QStringLiteral("baton"), false };
    d.tasks << task(QStringLiteral("extract"), QStringLiteral("succeeded"), 1, 1000, 11000);
    d.tasks << task(QStringLiteral("train"), QStringLiteral("succeeded"), 2, 11000, 51000);
    d.tasks << task(QStringLiteral("score"), QStringLiteral("succeeded"), 1, 51000, 61000);
    d.metrics << MetricDetail { QStringLiteral("auc"), 0.81, QStringLiteral("train"), 0 };
    return d;
}

const FieldComparison *field(const QList<FieldComparison> &fields, const QString &name)
{
    for (const FieldComparison &f : fields) {
        if (f.field == name)
            return &f;
    }
    return nullptr;
}

const TaskComparison *taskRow(const RunComparison &c, const QString &name)
{
    for (const TaskComparison &t : c.tasks) {
        if (t.task == name)
            return &t;
    }
    return nullptr;
}

} // namespace

class TestRunCompare : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void durationsDiffer_data()
    {
        QTest::addColumn<qint64>("a");
        QTest::addColumn<qint64>("b");
        QTest::addColumn<bool>("differ");
        QTest::newRow("equal") << qint64(5000) << qint64(5000) << false;
        QTest::newRow("scheduler noise") << qint64(10000) << qint64(10900) << false;
        QTest::newRow("under a second, even 3x") << qint64(300) << qint64(900) << false;
        QTest::newRow("twice as slow") << qint64(10000) << qint64(20000) << true;
        QTest::newRow("just over 25 %") << qint64(10000) << qint64(13400) << true;
        QTest::newRow("just under 25 %") << qint64(10000) << qint64(13300) << false;
        QTest::newRow("did not run") << qint64(0) << qint64(5000) << true;
        QTest::newRow("symmetric") << qint64(20000) << qint64(10000) << true;
    }

    void durationsDiffer()
    {
        QFETCH(qint64, a);
        QFETCH(qint64, b);
        QFETCH(bool, differ);
        QCOMPARE(RunCompare::durationsDiffer(a, b), differ);
    }

    void identicalRunsHaveNoDifferences()
    {
        const RunDetail a = run(1);
        RunDetail b = run(2);
        const RunComparison c = RunCompare::compare(a, b, 0);
        QCOMPARE(c.runA, qint64(1));
        QCOMPARE(c.runB, qint64(2));
        QCOMPARE(c.differenceCount(), 0);
        QCOMPARE(c.tasks.size(), 3);
        // Baton's own variables (the run id) are not a difference worth showing.
        QVERIFY(!field(c.fields, QStringLiteral("variable BATON_RUN_ID")));
        QVERIFY(field(c.fields, QStringLiteral("variable DB_URL")));
    }

    void differences()
    {
        const RunDetail a = run(1);
        RunDetail b = run(2);
        b.pipelineVersion = 4;
        b.pipelineHash = QStringLiteral("0000ffff00001111");
        b.state = RunState::Failed;
        b.parameters.insert(QStringLiteral("BATCH"), QStringLiteral("1000"));
        b.parameters.insert(QStringLiteral("DRY_RUN"), QStringLiteral("1"));
        b.variables[0].value = QStringLiteral("pg://b");
        b.tasks[1] = task(QStringLiteral("train"), QStringLiteral("failed"), 3, 11000, 91000, 2, 1);
        b.tasks.removeLast(); // score: not in B (e.g. removed from the pipeline)
        b.tasks << task(QStringLiteral("report"), QStringLiteral("skipped"), 1, 0, 0, 0,
                        std::nullopt);
        b.metrics.first().value = 0.72;
        b.metrics << MetricDetail { QStringLiteral("rows"), 10, QStringLiteral("extract"), 0 };
        b.finishedAt = 91000;

        const RunComparison c = RunCompare::compare(a, b, 0);
        QVERIFY(field(c.fields, QStringLiteral("pipeline version"))->differs);
        QCOMPARE(field(c.fields, QStringLiteral("pipeline version"))->b,
                 QStringLiteral("v4 (0000ffff0000)"));
        QVERIFY(!field(c.fields, QStringLiteral("environment"))->differs);
        QVERIFY(field(c.fields, QStringLiteral("state"))->differs);
        QVERIFY(field(c.fields, QStringLiteral("duration"))->differs);
        QCOMPARE(field(c.fields, QStringLiteral("duration"))->a, QStringLiteral("1m 00s"));
        QVERIFY(field(c.fields, QStringLiteral("parameter BATCH"))->differs);
        const FieldComparison *dry = field(c.fields, QStringLiteral("parameter DRY_RUN"));
        QVERIFY(dry && dry->differs);
        QCOMPARE(dry->a, QString());
        QVERIFY(field(c.fields, QStringLiteral("variable DB_URL"))->differs);
        QVERIFY(!field(c.fields, QStringLiteral("variable API_TOKEN"))->differs);
        QCOMPARE(field(c.fields, QStringLiteral("variable API_TOKEN"))->a,
                 QStringLiteral("*** (environment)"));

        QStringList order;
        for (const TaskComparison &t : c.tasks)
            order << t.task;
        QCOMPARE(order, QStringList({ "extract", "train", "score", "report" }));
        QVERIFY(!taskRow(c, QStringLiteral("extract"))->differs());
        const TaskComparison *train = taskRow(c, QStringLiteral("train"));
        QVERIFY(train->stateDiffers);
        QVERIFY(train->versionDiffers);
        QCOMPARE(train->versionA, QStringLiteral("train v2"));
        QCOMPARE(train->versionB, QStringLiteral("train v3"));
        QVERIFY(train->durationDiffers);
        QVERIFY(train->attemptsDiffer);
        QVERIFY(train->exitDiffers);
        const TaskComparison *score = taskRow(c, QStringLiteral("score"));
        QVERIFY(score->inA && !score->inB && score->differs());
        const TaskComparison *report = taskRow(c, QStringLiteral("report"));
        QVERIFY(!report->inA && report->inB && report->differs());

        QCOMPARE(c.metrics.size(), 2);
        QVERIFY(field(c.metrics, QStringLiteral("auc (train)"))->differs);
        QCOMPARE(field(c.metrics, QStringLiteral("auc (train)"))->b, QStringLiteral("0.72"));
        QCOMPARE(field(c.metrics, QStringLiteral("rows (extract)"))->a, QString());
        QVERIFY(c.differenceCount() >= 10);
    }

    void sameVersionNumberOtherContent()
    {
        // Versions are compared by content too: a re-created workspace may reuse numbers.
        const RunDetail a = run(1);
        RunDetail b = run(2);
        b.tasks[0].version.contentHash = QStringLiteral("other");
        const RunComparison c = RunCompare::compare(a, b, 0);
        QVERIFY(taskRow(c, QStringLiteral("extract"))->versionDiffers);
    }

    void runningDurationsUseNow()
    {
        const RunDetail a = run(1);
        RunDetail b = run(2);
        b.finishedAt = 0;
        b.state = RunState::Running;
        b.tasks[2].finishedAt = 0;
        b.tasks[2].attemptList.first().finishedAt = 0;
        const RunComparison c = RunCompare::compare(a, b, 61000);
        QVERIFY(!field(c.fields, QStringLiteral("duration"))->differs);
        const RunComparison later = RunCompare::compare(a, b, 200000);
        QVERIFY(field(later.fields, QStringLiteral("duration"))->differs);
        QVERIFY(taskRow(later, QStringLiteral("score"))->durationDiffers);
    }
};

QTEST_GUILESS_MAIN(TestRunCompare)
#include "tst_runcompare.moc"
