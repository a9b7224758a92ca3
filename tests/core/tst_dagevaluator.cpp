#include "engine/dagevaluator.h"

#include <QTest>

using namespace Baton;
using V = DagEvaluator::Verdict;

Q_DECLARE_METATYPE(DagEvaluator::Verdict)

namespace {
// One downstream task (index 0) with upstreams given as (state, condition) pairs.
QList<DagEvaluator::Task> downstreamOf(const QList<QPair<RunState, EdgeCondition>> &ups)
{
    QList<DagEvaluator::Task> tasks(1);
    for (const auto &[state, cond] : ups) {
        DagEvaluator::Task up;
        up.state = state;
        tasks << up;
        tasks[0].upstream << DagEvaluator::Edge { int(tasks.size() - 1), cond };
    }
    return tasks;
}
using S = RunState;
using C = EdgeCondition;
using Upstreams = QList<QPair<RunState, EdgeCondition>>;
} // namespace

Q_DECLARE_METATYPE(Upstreams)

class TestDagEvaluator : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void verdicts_data()
    {
        QTest::addColumn<Upstreams>("upstream");
        QTest::addColumn<V>("verdict");
        using L = QList<QPair<RunState, EdgeCondition>>;
        QTest::newRow("root") << L {} << V::Ready;
        QTest::newRow("success met") << L { { S::Succeeded, C::Success } } << V::Ready;
        QTest::newRow("success waiting") << L { { S::Running, C::Success } } << V::Wait;
        QTest::newRow("success, upstream failed")
            << L { { S::Failed, C::Success } } << V::UpstreamFailed;
        QTest::newRow("success, upstream timed out")
            << L { { S::TimedOut, C::Success } } << V::UpstreamFailed;
        QTest::newRow("success, upstream lost")
            << L { { S::Lost, C::Success } } << V::UpstreamFailed;
        QTest::newRow("success, upstream upstream_failed")
            << L { { S::UpstreamFailed, C::Success } } << V::UpstreamFailed;
        QTest::newRow("success, upstream skipped") << L { { S::Skipped, C::Success } } << V::Skip;
        QTest::newRow("success, upstream cancelled")
            << L { { S::Cancelled, C::Success } } << V::Skip;
        QTest::newRow("failed met") << L { { S::Failed, C::Failed } } << V::Ready;
        QTest::newRow("failed met by upstream_failed")
            << L { { S::UpstreamFailed, C::Failed } } << V::Ready;
        QTest::newRow("failed, upstream succeeded") << L { { S::Succeeded, C::Failed } } << V::Skip;
        QTest::newRow("failed, upstream queued") << L { { S::Queued, C::Failed } } << V::Wait;
        QTest::newRow("always after failure") << L { { S::Failed, C::Always } } << V::Ready;
        QTest::newRow("always after success") << L { { S::Succeeded, C::Always } } << V::Ready;
        QTest::newRow("always waiting") << L { { S::Starting, C::Always } } << V::Wait;
        QTest::newRow("mixed all met")
            << L { { S::Succeeded, C::Success }, { S::Failed, C::Always } } << V::Ready;
        QTest::newRow("decided early despite a running branch")
            << L { { S::Failed, C::Success }, { S::Running, C::Success } } << V::UpstreamFailed;
        QTest::newRow("skip early despite a running branch")
            << L { { S::Succeeded, C::Failed }, { S::Running, C::Success } } << V::Skip;
        QTest::newRow("failure wins over skip")
            << L { { S::Skipped, C::Success }, { S::Failed, C::Success } } << V::UpstreamFailed;
    }
    void verdicts()
    {
        QFETCH(Upstreams, upstream);
        QFETCH(V, verdict);
        QCOMPARE(DagEvaluator::evaluate(downstreamOf(upstream), 0), verdict);
    }

    void outcome_data()
    {
        QTest::addColumn<QList<RunState>>("states");
        QTest::addColumn<bool>("cancelRequested");
        QTest::addColumn<int>("expected"); // -1: not finished
        using L = QList<RunState>;
        QTest::newRow("running") << L { S::Succeeded, S::Running } << false << -1;
        QTest::newRow("queued") << L { S::Queued } << false << -1;
        QTest::newRow("all succeeded")
            << L { S::Succeeded, S::Succeeded } << false << int(S::Succeeded);
        QTest::newRow("skips are fine")
            << L { S::Succeeded, S::Skipped } << false << int(S::Succeeded);
        QTest::newRow("a failure fails the run even if the alert succeeded")
            << L { S::Failed, S::UpstreamFailed, S::Succeeded } << false << int(S::Failed);
        QTest::newRow("lost") << L { S::Lost } << false << int(S::Failed);
        QTest::newRow("cancel requested")
            << L { S::Failed, S::Cancelled } << true << int(S::Cancelled);
        QTest::newRow("one task cancelled")
            << L { S::Succeeded, S::Cancelled } << false << int(S::Cancelled);
        QTest::newRow("empty") << L {} << false << int(S::Succeeded);
    }
    void outcome()
    {
        QFETCH(QList<RunState>, states);
        QFETCH(bool, cancelRequested);
        QFETCH(int, expected);
        QList<DagEvaluator::Task> tasks;
        for (RunState s : states) {
            DagEvaluator::Task t;
            t.state = s;
            tasks << t;
        }
        const auto result = DagEvaluator::outcome(tasks, cancelRequested);
        if (expected < 0)
            QVERIFY(!result.has_value());
        else
            QCOMPARE(int(result.value_or(S::Queued)), expected);
    }
};

QTEST_GUILESS_MAIN(TestDagEvaluator)
#include "tst_dagevaluator.moc"
