// MetricSeries: business metrics per environment over time, by version, with deployments.
#include "dashboardfixture.h"
#include "monitoring/metricseries.h"

#include <QTest>
#include <cmath>

using namespace Baton;
using Baton::Test::DashboardFixture;

namespace {
constexpr qint64 kT0 = DashboardFixture::kT0;
constexpr qint64 kDay = DashboardFixture::kDay;

MetricPoint point(qint64 at, double value, qint64 version, qint64 run = 1)
{
    return MetricPoint { at, value, run, version };
}
} // namespace

Q_DECLARE_METATYPE(QList<Baton::MetricPoint>)
Q_DECLARE_METATYPE(QList<double>)

class TestMetricSeries : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void byVersion_data()
    {
        QTest::addColumn<QList<MetricPoint>>("points");
        QTest::addColumn<int>("versions");
        QTest::addColumn<QList<double>>("means");
        QTest::addColumn<QList<double>>("stddevs");
        QTest::addColumn<QList<int>>("counts");
        QTest::newRow("no values")
            << QList<MetricPoint>() << 0 << QList<double>() << QList<double>() << QList<int>();
        QTest::newRow("single run")
            << QList<MetricPoint> { point(1, 0.5, 7) } << 1 << QList<double> { 0.5 }
            << QList<double> { 0.0 } << QList<int> { 1 };
        QTest::newRow("two versions in order of appearance")
            << QList<MetricPoint> { point(1, 2, 9), point(2, 4, 9), point(3, 10, 3), point(4, 4, 3),
                                    point(5, 16, 3) }
            << 2 << QList<double> { 3.0, 10.0 } << QList<double> { std::sqrt(2.0), 6.0 }
            << QList<int> { 2, 3 };
    }
    void byVersion()
    {
        QFETCH(QList<MetricPoint>, points);
        QFETCH(int, versions);
        QFETCH(QList<double>, means);
        QFETCH(QList<double>, stddevs);
        QFETCH(QList<int>, counts);
        const QList<VersionStats> stats = MetricSeries::byVersion(points);
        QCOMPARE(stats.size(), versions);
        for (int i = 0; i < versions; ++i) {
            QCOMPARE(stats.at(i).count, counts.at(i));
            QVERIFY(std::fabs(stats.at(i).mean - means.at(i)) < 1e-9);
            QVERIFY(std::fabs(stats.at(i).stddev - stddevs.at(i)) < 1e-9);
        }
        const QList<VersionComparison> c = MetricSeries::compare(stats);
        QCOMPARE(c.size(), std::max(0, versions - 1));
        if (versions == 2) {
            QCOMPARE(c.first().before.jobVersionId, 9);
            QCOMPARE(c.first().after.jobVersionId, 3);
            QVERIFY(c.first().hasChange);
            QVERIFY(std::fabs(c.first().changePercent - 700.0 / 3.0) < 1e-9);
            QCOMPARE(stats.at(1).min, 4.0);
            QCOMPARE(stats.at(1).max, 16.0);
            QCOMPARE(stats.at(1).firstAt, 3);
            QCOMPARE(stats.at(1).lastAt, 5);
        }
    }

    void compareWithZeroMeanHasNoChange()
    {
        const QList<VersionStats> stats
            = MetricSeries::byVersion({ point(1, 0.0, 1), point(2, 5.0, 2) });
        const QList<VersionComparison> c = MetricSeries::compare(stats);
        QCOMPARE(c.size(), 1);
        QVERIFY(!c.first().hasChange);
    }

    void pointsSitAtTheirRunsLogicalDate()
    {
        // Six nightly runs backfilled one after the other in a minute, after a deployment of
        // score v2 made at that minute: charted on their six nights, the marker before them.
        DashboardFixture fx;
        const qint64 v1 = fx.jobVersion(QStringLiteral("score"));
        const qint64 minute = kT0 + 20 * kDay;
        const qint64 manual = fx.run(QStringLiteral("succeeded"), kT0 - kDay);
        fx.metric(manual, QStringLiteral("fpr"), 0.1, kT0 - kDay + 1000, v1); // no logical date
        fx.releaseNewScore();
        const qint64 v2 = fx.jobVersion(QStringLiteral("score"));
        const qint64 deployment = fx.deployPipeline(minute);
        QList<qint64> nights;
        for (int i = 0; i < 6; ++i) {
            const qint64 night = kT0 + i * kDay + 2 * 3600 * 1000;
            const qint64 run = fx.run(QStringLiteral("succeeded"), minute + 1000 + i * 5000, 1000,
                                      QStringLiteral("prod"), night);
            fx.metric(run, QStringLiteral("fpr"), 0.2, minute + 2000 + i * 5000, v2);
            nights << night;
        }
        MetricQuery q;
        q.project = QStringLiteral("churn");
        q.environment = QStringLiteral("prod");
        q.metric = QStringLiteral("fpr");
        MetricSnapshot s = MetricSeries::snapshot(fx.db(), q);
        QCOMPARE(s.points.size(), 7);
        QList<qint64> charted;
        for (const MetricPoint &p : std::as_const(s.points)) {
            if (p.jobVersionId == v2)
                charted << p.at;
        }
        QCOMPARE(charted, nights); // in logical order, one per night
        QCOMPARE(s.points.first().at, kT0 - kDay + 1000); // the manual run: when recorded
        QCOMPARE(s.points.first().recordedAt, kT0 - kDay + 1000);
        QCOMPARE(s.points.at(1).recordedAt, minute + 2000);
        // The deployment happened at the minute, but on this time line the values it brought
        // start on the first night: its marker goes there, before them.
        const DeploymentMarker *marker = nullptr;
        for (const DeploymentMarker &m : std::as_const(s.markers)) {
            if (m.id == deployment)
                marker = &m;
        }
        QVERIFY(marker);
        QCOMPARE(marker->at, minute);
        QCOMPARE(marker->chartAt, nights.first());
        // The comparison still finds the deployment by when values were recorded.
        QCOMPARE(s.comparisons.size(), 1);
        QCOMPARE(s.comparisons.first().deploymentId, deployment);

        // The range applies to the charted time: nights 3 to 5 only.
        q.from = nights.at(3);
        s = MetricSeries::snapshot(fx.db(), q);
        QCOMPARE(s.points.size(), 3);
        QCOMPARE(s.points.first().at, nights.at(3));
    }

    void snapshotFromTheStore()
    {
        DashboardFixture fx;
        const qint64 v1 = fx.jobVersion(QStringLiteral("score"));
        const qint64 first = fx.deployPipeline(kT0 - 1000);
        for (int i = 0; i < 3; ++i) {
            const qint64 at = kT0 + i * kDay;
            const qint64 run = fx.run(QStringLiteral("succeeded"), at);
            fx.metric(run, QStringLiteral("false_positive_rate"), 0.10, at, v1);
            fx.metric(run, QStringLiteral("auc"), 0.8, at, v1);
        }
        fx.releaseNewScore();
        const qint64 v2 = fx.jobVersion(QStringLiteral("score"));
        const qint64 deployment = fx.deployPipeline(kT0 + 3 * kDay);
        for (int i = 3; i < 5; ++i) {
            const qint64 at = kT0 + i * kDay + 1000;
            fx.metric(fx.run(QStringLiteral("succeeded"), at),
                      QStringLiteral("false_positive_rate"), 0.15, at, v2);
        }
        // Values of another environment stay out of prod's chart.
        fx.metric(fx.run(QStringLiteral("succeeded"), kT0, 1000, QStringLiteral("dev")),
                  QStringLiteral("rows_loaded"), 3000, kT0,
                  fx.jobVersion(QStringLiteral("extract")), QStringLiteral("dev"));

        QCOMPARE(MetricSeries::names(fx.db(), QStringLiteral("churn"), QStringLiteral("prod")),
                 (QStringList { QStringLiteral("auc"), QStringLiteral("false_positive_rate") }));
        QCOMPARE(MetricSeries::names(fx.db(), QStringLiteral("churn"), QStringLiteral("dev")),
                 QStringList { QStringLiteral("rows_loaded") });
        QVERIFY(MetricSeries::names(fx.db(), QStringLiteral("churn"), QStringLiteral("staging"))
                    .isEmpty());
        QVERIFY(
            MetricSeries::names(fx.db(), QStringLiteral("nope"), QStringLiteral("prod")).isEmpty());

        MetricQuery q;
        q.project = QStringLiteral("churn");
        q.environment = QStringLiteral("prod");
        q.metric = QStringLiteral("false_positive_rate");
        MetricSnapshot s = MetricSeries::snapshot(fx.db(), q);
        QCOMPARE(s.points.size(), 5);
        QCOMPARE(s.versions.size(), 2);
        QCOMPARE(s.versions.at(0).label, QStringLiteral("score v1"));
        QCOMPARE(s.versions.at(1).label, QStringLiteral("score v2"));
        QCOMPARE(s.versions.at(1).count, 2);
        QCOMPARE(s.comparisons.size(), 1);
        QVERIFY(std::fabs(s.comparisons.first().changePercent - 50.0) < 1e-6);
        QCOMPARE(s.comparisons.first().deploymentId, deployment);
        // Ours, and the import's own deployment of the first versions (now, after the values):
        // its job and pipeline rows make one marker.
        QCOMPARE(s.markers.size(), 3);
        QCOMPARE(s.markers.at(0).id, first);
        QCOMPARE(s.markers.at(1).id, deployment);
        QCOMPARE(s.markers.at(1).jobVersionId, v2);
        QCOMPARE(s.markers.at(1).label, QStringLiteral("score v2 (nightly v2)"));
        QCOMPARE(s.markers.at(1).by, QStringLiteral("release-manager"));

        // A range that holds one day: one run, one version, no comparison, no marker.
        q.from = kT0 + kDay;
        q.to = kT0 + 2 * kDay;
        s = MetricSeries::snapshot(fx.db(), q);
        QCOMPARE(s.points.size(), 1);
        QCOMPARE(s.versions.size(), 1);
        QVERIFY(s.comparisons.isEmpty());
        QVERIFY(s.markers.isEmpty());

        // A missing metric falls back to the first the environment has; empty query: defaults.
        q = MetricQuery {};
        q.project = QStringLiteral("churn");
        q.environment = QStringLiteral("prod");
        q.metric = QStringLiteral("no_such_metric");
        s = MetricSeries::snapshot(fx.db(), q);
        QCOMPARE(s.query.metric, QStringLiteral("auc"));
        QCOMPARE(s.points.size(), 3);
        s = MetricSeries::snapshot(fx.db(), MetricQuery {});
        QCOMPARE(s.query.project, QStringLiteral("churn"));
        QCOMPARE(s.query.environment, QStringLiteral("prod"));
        QCOMPARE(s.environments.size(), 4);

        // An environment without values: no points, no names, nothing to compare.
        q.environment = QStringLiteral("staging");
        q.metric = QStringLiteral("auc");
        const QList<MetricPoint> none = MetricSeries::points(fx.db(), q);
        QVERIFY(none.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestMetricSeries)
#include "tst_metricseries.moc"
