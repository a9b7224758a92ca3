// Which runs deserve a "run failed" notification.
#include "monitoring/failurenotifier.h"

#include <QTest>

using namespace Baton;

namespace {

RunRow row(qint64 id, const QString &state, const QString &project = QStringLiteral("churn"))
{
    RunRow r;
    r.id = id;
    r.project = project;
    r.pipeline = QStringLiteral("nightly");
    r.environment = QStringLiteral("prod");
    r.state = parseRunState(state, id);
    r.tasks = TaskCounts::fromStates(
        { { QStringLiteral("failed"), 1 }, { QStringLiteral("succeeded"), 3 } });
    return r;
}

RunsDelta reset(const QList<RunRow> &rows)
{
    RunsDelta d;
    d.reset = true;
    d.added = rows;
    return d;
}

RunsDelta updated(const QList<RunRow> &rows)
{
    RunsDelta d;
    d.updated = rows;
    return d;
}

RunsDelta added(const QList<RunRow> &rows)
{
    RunsDelta d;
    d.added = rows;
    return d;
}

QList<qint64> ids(const QList<FailureNotice> &notices)
{
    QList<qint64> out;
    for (const FailureNotice &n : notices)
        out << n.runId;
    return out;
}

} // namespace

class TestFailureNotifier : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void failureStates_data()
    {
        QTest::addColumn<QString>("state");
        QTest::addColumn<bool>("failure");
        QTest::newRow("failed") << "failed" << true;
        QTest::newRow("timed_out") << "timed_out" << true;
        QTest::newRow("lost") << "lost" << true;
        QTest::newRow("succeeded") << "succeeded" << false;
        QTest::newRow("cancelled") << "cancelled" << false; // someone chose it: no alarm
        QTest::newRow("running") << "running" << false;
        QTest::newRow("unknown") << "exploded" << false;
    }
    void failureStates()
    {
        QFETCH(QString, state);
        QFETCH(bool, failure);
        QCOMPARE(FailureNotifier::isFailureState(state), failure);
    }

    void firstBatchIsHistory()
    {
        FailureNotifier n;
        n.setProjectEnabled(QStringLiteral("churn"), true);
        QVERIFY(n.feed(reset({ row(1, QStringLiteral("failed")) })).isEmpty());
        // Still failed: nothing new.
        QVERIFY(n.feed(updated({ row(1, QStringLiteral("failed")) })).isEmpty());
    }

    void runThatFailsIsNotifiedOnce()
    {
        FailureNotifier n;
        n.setProjectEnabled(QStringLiteral("churn"), true);
        n.feed(reset({ row(1, QStringLiteral("running")) }));
        const QList<FailureNotice> notices = n.feed(updated({ row(1, QStringLiteral("failed")) }));
        QCOMPARE(ids(notices), QList<qint64>({ 1 }));
        QCOMPARE(notices.first().title, QStringLiteral("Run 1 failed: churn/nightly"));
        QCOMPARE(notices.first().text, QStringLiteral("in prod, 1 of 4 tasks failed"));
        QVERIFY(n.feed(updated({ row(1, QStringLiteral("failed")) })).isEmpty());
        // Rerun, fails again: news again.
        n.feed(updated({ row(1, QStringLiteral("queued")) }));
        QCOMPARE(ids(n.feed(updated({ row(1, QStringLiteral("timed_out")) }))),
                 QList<qint64>({ 1 }));
    }

    void newRunAlreadyFailedIsNews()
    {
        FailureNotifier n;
        n.setProjectEnabled(QStringLiteral("churn"), true);
        n.feed(reset({}));
        QCOMPARE(
            ids(n.feed(added({ row(7, QStringLiteral("lost")), row(8, QStringLiteral("succeeded")),
                               row(9, QStringLiteral("failed")) }))),
            QList<qint64>({ 9, 7 }));
    }

    void onlyProjectsOptedIn()
    {
        FailureNotifier n;
        n.feed(reset({ row(1, QStringLiteral("running")),
                       row(2, QStringLiteral("running"), QStringLiteral("inventory")) }));
        QVERIFY(n.feed(updated({ row(1, QStringLiteral("failed")) })).isEmpty()); // off by default
        n.setProjectEnabled(QStringLiteral("inventory"), true);
        QCOMPARE(
            ids(n.feed(updated({ row(2, QStringLiteral("failed"), QStringLiteral("inventory")) }))),
            QList<qint64>({ 2 }));
        n.setProjectEnabled(QStringLiteral("inventory"), false);
        QVERIFY(!n.isProjectEnabled(QStringLiteral("inventory")));
        QVERIFY(n.enabledProjects().isEmpty());
    }

    void resyncReportsOnlyWhatItSawChange()
    {
        FailureNotifier n;
        n.setProjectEnabled(QStringLiteral("churn"), true);
        n.feed(reset({ row(1, QStringLiteral("running")), row(2, QStringLiteral("failed")) }));
        // After a polling failure the monitor sends everything again.
        const QList<FailureNotice> notices
            = n.feed(reset({ row(1, QStringLiteral("failed")), row(2, QStringLiteral("failed")),
                             row(3, QStringLiteral("failed")) }));
        QCOMPARE(ids(notices), QList<qint64>({ 1 })); // 2 was known failed, 3 never seen
    }

    void removedRunsAreForgotten()
    {
        FailureNotifier n;
        n.setProjectEnabled(QStringLiteral("churn"), true);
        n.feed(reset({ row(1, QStringLiteral("failed")) }));
        RunsDelta gone;
        gone.removed = { 1 };
        QVERIFY(n.feed(gone).isEmpty());
        // The id comes back (SQLite reuses ids after a delete): a new run.
        QCOMPARE(ids(n.feed(added({ row(1, QStringLiteral("failed")) }))), QList<qint64>({ 1 }));
    }
};

QTEST_GUILESS_MAIN(TestFailureNotifier)
#include "tst_failurenotifier.moc"
