// WaitReasons: why a task or a run that has not finished does not run (issue #17), the one rule
// of the Monitor panels, the run detail and the Gantt tooltip.
#include "monitoring/waitreason.h"

#include <QTest>

using namespace Baton;
using K = WaitReason::Kind;

Q_DECLARE_METATYPE(Baton::WaitFacts)
Q_DECLARE_METATYPE(Baton::WaitReason::Kind)

namespace {

constexpr qint64 kNow = 1795000000000;

WaitFacts ready()
{
    WaitFacts f;
    f.runState = RunState::Running;
    f.taskState = RunState::Queued;
    return f;
}

} // namespace

class TestWaitReason : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void explain_data()
    {
        QTest::addColumn<WaitFacts>("facts");
        QTest::addColumn<K>("kind");
        QTest::addColumn<QString>("text");

        WaitFacts f = ready();
        f.taskState = RunState::Running;
        QTest::newRow("running") << f << K::None << QString();
        f.taskState = RunState::Succeeded;
        QTest::newRow("ended") << f << K::None << QString();

        f = ready();
        f.runState = RunState::Queued;
        QTest::newRow("run queued") << f << K::Engine << QStringLiteral("the engine picks it up");
        f.engineRunning = false;
        QTest::newRow("no engine") << f << K::NoEngine << QStringLiteral("no engine is running");

        f = ready();
        f.taskState = RunState::Starting;
        f.taskReason = QStringLiteral("queued behind extract (attempt 1): starts when it ends");
        QTest::newRow("follower") << f << K::Follower << QStringLiteral("behind extract");
        f.taskReason.clear();
        QTest::newRow("starting") << f << K::None << QString();

        f = ready();
        f.pendingUpstream = 2;
        QTest::newRow("upstream") << f << K::Upstream << QStringLiteral("2 upstream tasks");
        f = ready();
        f.notBefore = kNow + 60000;
        QTest::newRow("backoff") << f << K::Backoff << QStringLiteral("retry waits");
        f.notBefore = kNow - 1;
        f.workspaceActive = 4;
        f.workspaceLimit = 4;
        QTest::newRow("backoff over") << f << K::WorkspaceLimit << QStringLiteral("4 of 4");

        // The limits, in the engine's order: the run's, the pipeline's, the workspace's.
        f = ready();
        f.runActive = 2;
        f.runParallelism = 2;
        f.pipelineMaxParallel = 1;
        f.workspaceActive = 8;
        f.workspaceLimit = 8;
        QTest::newRow("run limit") << f << K::RunLimit << QStringLiteral("run limit (2 of 2");
        f.runParallelism = 0;
        QTest::newRow("pipeline limit")
            << f << K::PipelineLimit << QStringLiteral("pipeline limit max_parallel 1");
        f.pipelineMaxParallel = 0;
        QTest::newRow("workspace limit")
            << f << K::WorkspaceLimit << QStringLiteral("workspace limit (8 of 8 in use)");
        f.workspaceLimit = 0; // unset: the engine's CPU count, unknown here
        QTest::newRow("workspace limit unset")
            << f << K::WorkspaceLimit << QStringLiteral("the engine's CPU count");
        f.workspaceLimit = 10; // a place is free: it starts next
        QTest::newRow("place free") << f << K::Engine << QStringLiteral("starts it next");
        // A free workspace place does not help a run at its own limit.
        f.runParallelism = 1;
        f.runActive = 1;
        QTest::newRow("run limit, workspace free")
            << f << K::RunLimit << QStringLiteral("run limit (1 of 1");
    }

    void explain()
    {
        QFETCH(WaitFacts, facts);
        QFETCH(K, kind);
        QFETCH(QString, text);
        const WaitReason r = WaitReasons::explain(facts, kNow);
        QCOMPARE(r.kind, kind);
        if (text.isEmpty())
            QVERIFY(r.text.isEmpty());
        else
            QVERIFY2(r.text.contains(text), qPrintable(r.text));
        QCOMPARE(r.waitsForPlace(),
                 kind == K::RunLimit || kind == K::PipelineLimit || kind == K::WorkspaceLimit);
    }

    // A run shows why nothing of it runs: a place, a delay or a predecessor before an upstream
    // wait, which only says what comes next.
    void forRun()
    {
        QCOMPARE(WaitReasons::forRun({}).kind, K::None);
        const WaitReason upstream { K::Upstream, QStringLiteral("waits for an upstream task") };
        const WaitReason place { K::WorkspaceLimit, QStringLiteral("waits for a free place") };
        QCOMPARE(WaitReasons::forRun(
                     { { QStringLiteral("b"), upstream }, { QStringLiteral("c"), place } }),
                 place);
        QCOMPARE(WaitReasons::forRun({ { QStringLiteral("b"), upstream } }), upstream);
    }
};

QTEST_GUILESS_MAIN(TestWaitReason)
#include "tst_waitreason.moc"
