// The Dashboards mode, offscreen, over a real workspace: the charts show the expected series,
// update live, drill down to runs, export, and alerts badge the rail and notify.
#include "core/dashboardfixture.h"
#include "dashboards/alertnotification.h"
#include "dashboards/chartpanel.h"
#include "dashboards/dashboardsmode.h"
#include "dashboards/metricsdashboard.h"
#include "dashboards/operationsdashboard.h"
#include "mainwindow/mainwindow.h"
#include "mainwindow/moderail.h"

#include <QAbstractItemModelTester>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QComboBox>
#include <QDateTime>
#include <QFile>
#include <QImage>
#include <QLabel>
#include <QLineSeries>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>

using namespace Baton;
using namespace Baton::Ui;
using Baton::Test::DashboardFixture;

namespace {

constexpr qint64 kDay = DashboardFixture::kDay;

QLineSeries *line(ChartPanel *panel, const QString &namePrefix)
{
    for (QAbstractSeries *s : panel->chart()->series()) {
        auto *l = qobject_cast<QLineSeries *>(s);
        if (l && s->type() == QAbstractSeries::SeriesTypeLine && s->name().startsWith(namePrefix))
            return l;
    }
    return nullptr;
}

QStringList seriesNames(ChartPanel *panel)
{
    QStringList names;
    for (QAbstractSeries *s : panel->chart()->series()) {
        if (s->type() == QAbstractSeries::SeriesTypeLine)
            names << s->name();
    }
    return names;
}

} // namespace

class TestDashboardsMode : public QObject
{
    Q_OBJECT

    // Local midnight of the day @p daysAgo, plus @p hours.
    static qint64 at(int daysAgo, int hours)
    {
        const QDateTime midnight(QDate::currentDate().addDays(-daysAgo), QTime(0, 0));
        return midnight.toMSecsSinceEpoch() + qint64(hours) * 3600 * 1000;
    }

private Q_SLOTS:
    void chartsShowTheExpectedSeries()
    {
        DashboardFixture fx;
        // Two days: 2 succeeded + 1 failed two days ago, 1 succeeded today; a queued run now.
        const qint64 a = fx.run(QStringLiteral("succeeded"), at(2, 1), 2000);
        fx.task(a, QStringLiteral("extract"), QStringLiteral("succeeded"), at(2, 1), 500);
        fx.run(QStringLiteral("succeeded"), at(2, 2), 4000);
        const qint64 failed = fx.run(QStringLiteral("failed"), at(2, 3), 1000);
        fx.task(failed, QStringLiteral("extract"), QStringLiteral("failed"), at(2, 3), 100);
        fx.run(QStringLiteral("succeeded"), at(0, 0) + 60000, 3000, QStringLiteral("dev"));
        fx.run(QStringLiteral("queued"), QDateTime::currentMSecsSinceEpoch());

        const qint64 v1 = fx.jobVersion(QStringLiteral("score"));
        fx.deployPipeline(at(3, 0));
        for (int i = 0; i < 3; ++i)
            fx.metric(a, QStringLiteral("false_positive_rate"), 0.1, at(2, 1) + i, v1);
        fx.releaseNewScore();
        const qint64 v2 = fx.jobVersion(QStringLiteral("score"));
        fx.deployPipeline(at(1, 0));
        fx.metric(failed, QStringLiteral("false_positive_rate"), 0.2, at(1, 1), v2);

        DashboardsMode mode(&fx.workspace(), nullptr, 100);
        mode.resize(1300, 900);
        QSignalSpy operations(&mode, &DashboardsMode::operationsApplied);
        QSignalSpy metrics(&mode, &DashboardsMode::metricsApplied);
        QTRY_VERIFY_WITH_TIMEOUT(operations.count() > 0 && metrics.count() > 0, 10000);
        OperationsDashboard *ops = mode.operations();

        // Success rate: one point per day with finished runs (2 of 3, then 1 of 1).
        QLineSeries *success = line(ops->successPanel(), QStringLiteral("succeeded"));
        QVERIFY(success);
        QTRY_COMPARE(success->count(), 2);
        QCOMPARE(success->at(0).y(), 200.0 / 3.0);
        QCOMPARE(success->at(1).y(), 100.0);
        QVERIFY(ops->successPanel()->note().contains(QStringLiteral("5 runs")));
        // Durations of the busiest pipeline: p50 and p95 per day.
        QCOMPARE(line(ops->durationPanel(), QStringLiteral("p50"))->count(), 2);
        QCOMPARE(line(ops->durationPanel(), QStringLiteral("p95"))->at(0).y(), 4.0); // seconds
        QCOMPARE(ops->durationPanel()->title(), QStringLiteral("Run duration of churn/nightly"));
        // Failures by job: one bar, extract.
        auto *failures
            = qobject_cast<QAbstractBarSeries *>(ops->failuresPanel()->chart()->series().value(0));
        QVERIFY(failures);
        QCOMPARE(failures->barSets().value(0)->count(), 1);
        QCOMPARE(failures->barSets().value(0)->at(0), 1.0);
        // Runs per environment: prod 3 (+ the queued one), dev 1; failed beside.
        auto *envs = qobject_cast<QAbstractBarSeries *>(
            ops->environmentPanel()->chart()->series().value(0));
        QCOMPARE(envs->barSets().size(), 2);
        QCOMPARE(envs->barSets().at(0)->count(), 2);
        QCOMPARE(envs->barSets().at(0)->at(0), 4.0);
        QCOMPARE(envs->barSets().at(1)->at(0), 1.0);
        QCOMPARE(ops->activePanel()->title(),
                 QStringLiteral("Running and queued now: 0 running, 1 queued"));
        QVERIFY(ops->latenessPanel()->note().contains(QStringLiteral("No scheduled runs")));

        // Business metrics: a series per version, a marker per deployment.
        MetricsDashboard *m = mode.metrics();
        QTRY_COMPARE(m->snapshot().points.size(), 4);
        QCOMPARE(m->metricCombo()->currentText(), QStringLiteral("false_positive_rate"));
        const QStringList names = seriesNames(m->chartPanel());
        QVERIFY2(names.contains(QStringLiteral("score v1 (mean 0.1, n=3)")),
                 qPrintable(names.join(',')));
        QVERIFY(names.contains(QStringLiteral("score v2 (mean 0.2, n=1)")));
        QVERIFY(names.contains(QStringLiteral("deploy score v2 (nightly v2)")));
        QCOMPARE(line(m->chartPanel(), QStringLiteral("score v1"))->count(), 3);
        QCOMPARE(m->comparisonTable()->rowCount(), 1);
        QCOMPARE(m->comparisonTable()->item(0, 8)->text(), QStringLiteral("+100.0 %"));
        QAbstractItemModelTester compareTester(m->comparisonTable()->model());

        // Drill-down: the runs behind the first day's point.
        QSignalSpy listed(&mode, &DashboardsMode::runsListed);
        const RunsQuery day = ops->dayQuery(0);
        QCOMPARE(day.day, at(2, 0));
        QVERIFY(ops->dayQuery(7).title.isEmpty()); // no such point
        mode.showRuns(day);
        QTRY_COMPARE(listed.count(), 1);
        QCOMPARE(mode.runsTable()->rowCount(), 3);
        QVERIFY(mode.runsTitle()->text().contains(QStringLiteral("3 run(s)")));
        QAbstractItemModelTester runsTester(mode.runsTable()->model());
        QSignalSpy open(&mode, &DashboardsMode::openRunRequested);
        Q_EMIT mode.runsTable()->cellActivated(2, 0);
        QCOMPARE(open.count(), 1);
        QCOMPARE(open.first().first().toLongLong(), a);
        mode.showRuns(ops->failuresQuery(0));
        QTRY_COMPARE(listed.count(), 2);
        QCOMPARE(mode.runsTable()->rowCount(), 1);
        QCOMPARE(mode.runsTable()->item(0, 0)->data(Qt::UserRole).toLongLong(), failed);

        // Live: a new run today shows at the next poll (replace, not a rebuilt chart).
        QLineSeries *before = success;
        fx.run(QStringLiteral("failed"), at(0, 0) + 120000);
        QTRY_COMPARE_WITH_TIMEOUT(success->at(1).y(), 50.0, 10000);
        QCOMPARE(line(ops->successPanel(), QStringLiteral("succeeded")), before);

        // Filters: an environment narrows every chart.
        ops->environmentCombo()->setCurrentIndex(
            ops->environmentCombo()->findData(QStringLiteral("dev")));
        QTRY_COMPARE_WITH_TIMEOUT(success->count(), 1, 10000);
        QCOMPARE(ops->snapshot().filter.environment, QStringLiteral("dev"));
    }

    void exportsPngAndCsv()
    {
        DashboardFixture fx;
        fx.run(QStringLiteral("succeeded"), QDateTime::currentMSecsSinceEpoch() - 60000, 1500);
        DashboardsMode mode(&fx.workspace(), nullptr, 100);
        mode.resize(1200, 800);
        mode.show();
        QSignalSpy operations(&mode, &DashboardsMode::operationsApplied);
        QTRY_VERIFY_WITH_TIMEOUT(operations.count() > 0, 10000);
        ChartPanel *panel = mode.operations()->successPanel();
        QTemporaryDir dir;
        QSignalSpy exported(panel, &ChartPanel::exported);
        panel->exportCsv(dir.filePath(QStringLiteral("success.csv")));
        panel->exportPng(dir.filePath(QStringLiteral("success.png")));
        QTRY_COMPARE(exported.count(), 2);
        QVERIFY(exported.at(0).at(1).toBool());
        QVERIFY(exported.at(1).at(1).toBool());
        QFile csv(dir.filePath(QStringLiteral("success.csv")));
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = csv.readAll().trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines.at(0), QByteArray("day,runs,finished,succeeded,failed,success_rate"));
        QVERIFY(lines.at(1).endsWith(",1,1,1,0,1.0000"));
        const QImage png(dir.filePath(QStringLiteral("success.png")));
        QVERIFY(!png.isNull());
        QVERIFY(png.width() > 100);
        // Every chart has CSV; a bad path reports failure instead of throwing.
        for (ChartPanel *p : mode.operations()->panels())
            QVERIFY(p->csv().contains(QLatin1Char(',')));
        panel->exportCsv(dir.filePath(QStringLiteral("missing/dir/x.csv")));
        QTRY_COMPARE(exported.count(), 3);
        QVERIFY(!exported.at(2).at(1).toBool());
        QCOMPARE(csvField(QStringLiteral("a,b")), QStringLiteral("\"a,b\""));
        QCOMPARE(csvField(QStringLiteral("say \"hi\"")), QStringLiteral("\"say \"\"hi\"\"\""));
    }

    void alertsBadgeTheRailAndNotify()
    {
        DashboardFixture fx;
        AlertRuleSpec rule;
        rule.name = QStringLiteral("fpr-high");
        rule.metric = QStringLiteral("false_positive_rate");
        rule.condition = QStringLiteral("above");
        rule.value = 0.15;
        fx.setAlerts({ rule });
        const qint64 score = fx.jobVersion(QStringLiteral("score"));
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        fx.metric(fx.run(QStringLiteral("succeeded"), now - 5000),
                  QStringLiteral("false_positive_rate"), 0.3, now - 4000, score);

        MainWindow window(&fx.workspace());
        window.setPollInterval(0);
        DashboardsMode *mode = window.dashboardsMode();
        QVERIFY(mode);
        const int index = window.modes().indexOf(QStringLiteral("Dashboards"));
        QVERIFY(index > 0);
        // The console evaluates what the engine has not yet: the firing shows as a badge.
        QTRY_COMPARE_WITH_TIMEOUT(window.modeRail()->badge(index), QStringLiteral("1"), 10000);
        QCOMPARE(mode->openAlerts(), 1);
        QCOMPARE(mode->alertsTable()->rowCount(), 1);
        QVERIFY(mode->alertsTable()->item(0, 7)->text().contains(QStringLiteral("above 0.15")));
        QVERIFY(mode->alertBanner()->isVisibleTo(mode));
        QCOMPARE(mode->tabs()->tabText(2), QStringLiteral("Alerts (1)"));
        QAbstractItemModelTester alertsTester(mode->alertsTable()->model());
        // The first firing was there when the console opened: no notification for it.
        QVERIFY(!window.alertNotification()->isVisibleTo(&window));

        // A new firing while the console is open: notified, whatever mode is shown.
        QSignalSpy fired(mode, &DashboardsMode::alertsFired);
        AlertRuleSpec low = rule;
        low.name = QStringLiteral("fpr-low");
        low.condition = QStringLiteral("below");
        low.value = 0.05;
        fx.setAlerts({ rule, low });
        fx.metric(fx.run(QStringLiteral("succeeded"), now - 3000),
                  QStringLiteral("false_positive_rate"), 0.01, now - 2000, score);
        QTRY_COMPARE_WITH_TIMEOUT(fired.count(), 1, 10000);
        QVERIFY(window.alertNotification()->isVisibleTo(&window));
        QVERIFY(window.alertNotification()->text().contains(QStringLiteral("churn/fpr-low")));
        // The value back under 0.15 resolved the first firing; the new one is open.
        QTRY_COMPARE(window.modeRail()->badge(index), QStringLiteral("1"));
        QTRY_COMPARE(mode->alertsTable()->rowCount(), 2);

        // Acknowledge (audited) clears the badge.
        mode->alertsTable()->selectRow(0);
        mode->findChild<QPushButton *>(QStringLiteral("acknowledgeAlert"))->click();
        QTRY_COMPARE_WITH_TIMEOUT(window.modeRail()->badge(index), QString(), 10000);
        QCOMPARE(fx.id(QStringLiteral("SELECT count(*) FROM audit_events WHERE action = "
                                      "'alert.acknowledge'")),
                 1);
        // "Show Runs" lists the runs behind the selected alert.
        QSignalSpy listed(mode, &DashboardsMode::runsListed);
        mode->findChild<QPushButton *>(QStringLiteral("alertRuns"))->click();
        QTRY_COMPARE(listed.count(), 1);
        QCOMPARE(mode->runsTable()->rowCount(), 1);
    }
};

QTEST_MAIN(TestDashboardsMode)
#include "tst_dashboardsmode.moc"
