#include "access/reviewpolicy.h"
#include "refusal.h"

#include <QTest>

using namespace Baton;
using namespace Baton::Test;

// Who may annotate and sign off what: a run is signed off only once it has finished, and never
// by nobody.
class TestReviewPolicy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void signOffNeedsAFinishedRun_data()
    {
        QTest::addColumn<int>("state");
        QTest::addColumn<bool>("allowed");
        for (int s = int(RunState::Queued); s <= int(RunState::UpstreamFailed); ++s) {
            const auto state = RunState(s);
            QTest::newRow(qPrintable(toString(state))) << s << isTerminal(state);
        }
    }

    void signOffNeedsAFinishedRun()
    {
        QFETCH(int, state);
        QFETCH(bool, allowed);
        const auto runState = RunState(state);
        QCOMPARE(ReviewPolicy::canSignOff(runState), allowed);
        const QString refused
            = refusal([&] { ReviewPolicy::checkSignOff(QStringLiteral("dana"), 7, runState); });
        QCOMPARE(refused.isEmpty(), allowed);
        if (!allowed) {
            // Says which run and what it is doing, so the steward knows to wait.
            QVERIFY2(refused.contains(QLatin1String("run 7 is still ") + toString(runState)),
                     qPrintable(refused));
        }
    }

    void theLiveStatesAreRefused()
    {
        // Named explicitly, so a change to isTerminal that lets a moving run be signed off fails.
        for (const RunState s : { RunState::Queued, RunState::Starting, RunState::Running })
            QVERIFY(!ReviewPolicy::canSignOff(s));
        for (const RunState s : { RunState::Succeeded, RunState::Failed, RunState::Cancelled,
                                  RunState::TimedOut, RunState::Lost })
            QVERIFY(ReviewPolicy::canSignOff(s));
    }

    void aReviewNeedsAReviewer_data()
    {
        QTest::addColumn<QString>("actor");
        QTest::newRow("empty") << QString();
        QTest::newRow("blank") << QStringLiteral("   ");
        QTest::newRow("tab") << QStringLiteral("\t");
    }

    void aReviewNeedsAReviewer()
    {
        QFETCH(QString, actor);
        for (int which = 0; which < 2; ++which) {
            const QString refused = refusal([&] {
                if (which == 0)
                    ReviewPolicy::checkAnnotate(actor, 3);
                else
                    ReviewPolicy::checkSignOff(actor, 3, RunState::Succeeded);
            });
            QVERIFY2(refused.contains(QLatin1String("needs a reviewer")), qPrintable(refused));
            QVERIFY2(refused.contains(QLatin1String("BATON_USER")), qPrintable(refused));
        }
    }

    void anIdentifiedUserMayAnnotateAnyRun()
    {
        QVERIFY_THROWS_NO_EXCEPTION(ReviewPolicy::checkAnnotate(QStringLiteral("dana"), 1));
        QVERIFY_THROWS_NO_EXCEPTION(ReviewPolicy::checkAnnotate(QStringLiteral(" dana "), 999999));
    }
};

QTEST_GUILESS_MAIN(TestReviewPolicy)
#include "tst_reviewpolicy.moc"
