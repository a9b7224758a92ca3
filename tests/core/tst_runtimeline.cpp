// RunTimeline: the timeline across runs laid out from the monitor's rows.
#include "monitoring/runtimeline.h"

#include <QTest>

using namespace Baton;

namespace {

constexpr qint64 kHour = 3600000;
constexpr qint64 kNow = 1795000000000;

RunRow row(qint64 id, const QString &pipeline, const QString &state, qint64 created, qint64 started,
           qint64 finished)
{
    RunRow r;
    r.id = id;
    r.project = QStringLiteral("churn");
    r.pipeline = pipeline;
    r.state = parseRunState(state, id);
    r.createdAt = created;
    r.startedAt = started;
    r.finishedAt = finished;
    r.derive();
    return r;
}

} // namespace

class TestRunTimeline : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void lanesPerPipelineOverTheWindow()
    {
        const qint64 from = kNow - 6 * kHour;
        const QList<RunRow> runs {
            row(1, QStringLiteral("nightly"), QStringLiteral("succeeded"), kNow - 5 * kHour,
                kNow - 5 * kHour, kNow - 4 * kHour),
            // Overlaps run 1: a second sub-row of the same lane.
            row(2, QStringLiteral("nightly"), QStringLiteral("failed"), kNow - 9 * kHour / 2,
                kNow - 9 * kHour / 2, kNow - 3 * kHour),
            // After run 1 ended: back on the first sub-row.
            row(3, QStringLiteral("nightly"), QStringLiteral("running"), kNow - 2 * kHour,
                kNow - 2 * kHour, 0),
            // Queued, not started: from its creation to now.
            row(4, QStringLiteral("hourly"), QStringLiteral("queued"), kNow - 600000, 0, 0),
            // Ended before the window: left out.
            row(5, QStringLiteral("hourly"), QStringLiteral("succeeded"), kNow - 9 * kHour,
                kNow - 9 * kHour, kNow - 8 * kHour),
            // Began before the window, ended in it: kept (drawn from the window's start).
            row(6, QStringLiteral("weekly"), QStringLiteral("cancelled"), kNow - 7 * kHour,
                kNow - 7 * kHour, kNow - 5 * kHour),
        };
        const QList<TimelineLane> lanes = RunTimeline::build(runs, from, kNow);
        QCOMPARE(lanes.size(), 3);
        QCOMPARE(lanes.at(0).pipeline, QStringLiteral("churn/hourly"));
        QCOMPARE(lanes.at(1).pipeline, QStringLiteral("churn/nightly"));
        QCOMPARE(lanes.at(2).pipeline, QStringLiteral("churn/weekly"));

        const TimelineLane &hourly = lanes.at(0);
        QCOMPARE(hourly.bars.size(), 1);
        QCOMPARE(hourly.bars.first().runId, 4);
        QCOMPARE(hourly.bars.first().start, kNow - 600000);
        QCOMPARE(hourly.bars.first().end, kNow);
        QVERIFY(hourly.bars.first().live);
        QVERIFY(hourly.bars.first().waiting); // nothing of it runs

        const TimelineLane &nightly = lanes.at(1);
        QCOMPARE(nightly.rows, 2);
        QCOMPARE(nightly.bars.size(), 3);
        QCOMPARE(nightly.bars.at(0).runId, 1);
        QCOMPARE(nightly.bars.at(0).row, 0);
        QCOMPARE(nightly.bars.at(1).runId, 2);
        QCOMPARE(nightly.bars.at(1).row, 1);
        QCOMPARE(toString(nightly.bars.at(1).state), QStringLiteral("failed"));
        QCOMPARE(nightly.bars.at(2).runId, 3);
        QCOMPARE(nightly.bars.at(2).row, 0);
        QCOMPARE(nightly.bars.at(2).end, kNow);
        QVERIFY(nightly.bars.at(2).waiting); // 'running', yet no attempt of it runs
        QVERIFY(!nightly.bars.at(0).live);
        QVERIFY(!nightly.bars.at(0).waiting);

        QCOMPARE(lanes.at(2).bars.first().runId, 6);
        QCOMPARE(lanes.at(2).bars.first().start, kNow - 7 * kHour);
    }

    void emptyAndOutOfWindow()
    {
        QVERIFY(RunTimeline::build({}, kNow - kHour, kNow).isEmpty());
        // A run queued in the future of the window (clock skew) is not drawn.
        QVERIFY(RunTimeline::build(
                    { row(1, QStringLiteral("x"), QStringLiteral("queued"), kNow + kHour, 0, 0) },
                    kNow - kHour, kNow)
                    .isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestRunTimeline)
#include "tst_runtimeline.moc"
