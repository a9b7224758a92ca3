#include "model/runstate.h"

#include <QTest>

using namespace Baton;

class TestRunState : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("terminal");
        QTest::addColumn<bool>("failure");
        QTest::newRow("queued") << "queued" << false << false;
        QTest::newRow("starting") << "starting" << false << false;
        QTest::newRow("running") << "running" << false << false;
        QTest::newRow("succeeded") << "succeeded" << true << false;
        QTest::newRow("failed") << "failed" << true << true;
        QTest::newRow("cancelled") << "cancelled" << true << false;
        QTest::newRow("timed_out") << "timed_out" << true << true;
        QTest::newRow("lost") << "lost" << true << true;
        QTest::newRow("skipped") << "skipped" << true << false;
        QTest::newRow("upstream_failed") << "upstream_failed" << true << true;
    }
    void roundTrip()
    {
        QFETCH(QString, name);
        QFETCH(bool, terminal);
        QFETCH(bool, failure);
        const auto state = runStateFromString(name);
        QVERIFY(state.has_value());
        QCOMPARE(toString(*state), name);
        QCOMPARE(isTerminal(*state), terminal);
        QCOMPARE(isFailure(*state), failure);
    }

    void unknownNames()
    {
        QVERIFY(!runStateFromString(QStringLiteral("done")).has_value());
        QVERIFY(!runStateFromString(QStringLiteral("Queued")).has_value());
        QVERIFY(!runStateFromString(QString()).has_value());
        QVERIFY(!edgeConditionFromString(QStringLiteral("failure")).has_value());
    }

    void transitions_data()
    {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<bool>("allowed");
        QTest::newRow("queued→starting") << "queued"
                                         << "starting" << true;
        QTest::newRow("starting→running") << "starting"
                                          << "running" << true;
        QTest::newRow("running→succeeded") << "running"
                                           << "succeeded" << true;
        QTest::newRow("running→timed_out") << "running"
                                           << "timed_out" << true;
        QTest::newRow("running→lost") << "running"
                                      << "lost" << true;
        QTest::newRow("queued→skipped") << "queued"
                                        << "skipped" << true;
        QTest::newRow("queued→upstream_failed") << "queued"
                                                << "upstream_failed" << true;
        QTest::newRow("failed→queued (retry)") << "failed"
                                               << "queued" << true;
        QTest::newRow("lost→queued (retry)") << "lost"
                                             << "queued" << true;
        QTest::newRow("queued→running skips starting") << "queued"
                                                       << "running" << false;
        QTest::newRow("queued→succeeded") << "queued"
                                          << "succeeded" << false;
        QTest::newRow("succeeded→queued") << "succeeded"
                                          << "queued" << false;
        QTest::newRow("succeeded→failed") << "succeeded"
                                          << "failed" << false;
        QTest::newRow("skipped→running") << "skipped"
                                         << "running" << false;
        QTest::newRow("running→running") << "running"
                                         << "running" << false;
        QTest::newRow("running→skipped") << "running"
                                         << "skipped" << false;
    }
    void transitions()
    {
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(bool, allowed);
        QCOMPARE(canTransition(*runStateFromString(from), *runStateFromString(to)), allowed);
    }

    void edgeConditions()
    {
        for (auto c : { EdgeCondition::Success, EdgeCondition::Failed, EdgeCondition::Always })
            QCOMPARE(edgeConditionFromString(toString(c)), std::optional<EdgeCondition>(c));
    }
};

QTEST_GUILESS_MAIN(TestRunState)
#include "tst_runstate.moc"
