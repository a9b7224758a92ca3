// The Dashboards mode, offscreen, over a real workspace: the charts show the expected series,
// update live, drill down to runs, export, and alerts badge the rail and notify.
#include "core/dashboardfixture.h"
#include "dashboards/alertnotification.h"
#include "dashboards/axisscale.h"
#include "dashboards/chartpanel.h"
#include "dashboards/dashboardsmode.h"
#include "dashboards/metricsdashboard.h"
#include "dashboards/operationsdashboard.h"
#include "mainwindow/mainwindow.h"
#include "mainwindow/moderail.h"
#include "monitoring/metricseries.h"
#include "store/projectwriter.h"
#include "widgets/backgroundtask.h"

#include <QAbstractItemModelTester>
#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QFile>
#include <QGraphicsTextItem>
#include <QImage>
#include <QLabel>
#include <QLineSeries>
#include <QPushButton>
#include <QScatterSeries>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTabWidget>
#include <QTableWidget>
#include <QTest>
#include <QValueAxis>

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

template<typename Series>
Series *seriesOf(ChartPanel *panel)
{
    for (QAbstractSeries *s : panel->chart()->series()) {
        if (auto *typed = qobject_cast<Series *>(s))
            return typed;
    }
    return nullptr;
}

/// A real mouse click on the chart at @p value (the series' coordinates).
void clickChart(ChartPanel *panel, QAbstractSeries *series, const QPointF &value)
{
    QChart *chart = panel->chart();
    const QPointF scene = chart->mapToScene(chart->mapToPosition(value, series));
    QTest::mouseClick(panel->view()->viewport(), Qt::LeftButton, {},
                      panel->view()->mapFromScene(scene));
}

/// Every label the chart draws (axis ticks), as the user reads them.
QStringList drawnLabels(ChartPanel *panel)
{
    QStringList labels;
    for (QGraphicsItem *item : panel->view()->scene()->items()) {
        if (auto *text = dynamic_cast<QGraphicsTextItem *>(item); text && text->isVisible())
            labels << text->toPlainText();
    }
    return labels;
}

QStringList categories(ChartPanel *panel, Qt::Orientation o)
{
    const auto axes = panel->chart()->axes(o);
    auto *axis = axes.isEmpty() ? nullptr : qobject_cast<QBarCategoryAxis *>(axes.first());
    return axis ? axis->categories() : QStringList();
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
    void cleanup()
    {
        Baton::Ui::BackgroundTask::drain(); // jobs may outlive widgets, never the workspace
    }

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

    void hiddenChartsAreReadWhenShown()
    {
        // Behind another mode the charts are not read, however often the workspace changes
        // (twenty consoles of a team would each re-read them twice a second); shown, they are
        // read at once, with what changed meanwhile.
        DashboardFixture fx;
        fx.run(QStringLiteral("succeeded"), at(0, 0) + 60000, 2000);
        QStackedWidget stack;
        stack.resize(1300, 900);
        stack.addWidget(new QWidget(&stack));
        auto *mode = new DashboardsMode(&fx.workspace(), nullptr, 100);
        QSignalSpy operations(mode, &DashboardsMode::operationsApplied);
        QSignalSpy metrics(mode, &DashboardsMode::metricsApplied);
        QSignalSpy listed(mode, &DashboardsMode::runsListed);
        stack.addWidget(mode); // hidden: the other page is current
        stack.show();
        QVERIFY(QTest::qWaitForWindowExposed(&stack));
        // The worker answers in order: once a listing is back, every cycle asked before it ran.
        const auto settle = [&] {
            const qsizetype before = listed.count();
            mode->showRuns(RunsQuery {});
            QTRY_COMPARE_WITH_TIMEOUT(listed.count(), before + 1, 10000);
        };
        settle();
        const qsizetype shownOperations = operations.count(); // the first cycle's, if any
        const qsizetype shownMetrics = metrics.count();

        fx.run(QStringLiteral("failed"), at(0, 0) + 120000, 2000);
        mode->refreshNow();
        settle();
        QCOMPARE(operations.count(), shownOperations);
        QCOMPARE(metrics.count(), shownMetrics);

        stack.setCurrentWidget(mode);
        QTRY_COMPARE_WITH_TIMEOUT(operations.count(), shownOperations + 1, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(metrics.count(), shownMetrics + 1, 10000);
        const QList<DayStats> days = mode->operations()->snapshot().days;
        QCOMPARE(days.size(), 1);
        QCOMPARE(days.first().runs, 2);
        QCOMPARE(days.first().failed, 1);

        // Hidden again: a change waits for the next show.
        stack.setCurrentIndex(0);
        fx.run(QStringLiteral("succeeded"), at(0, 0) + 180000, 2000);
        mode->refreshNow();
        settle();
        QCOMPARE(operations.count(), shownOperations + 1);
        stack.setCurrentWidget(mode);
        QTRY_COMPARE_WITH_TIMEOUT(mode->operations()->snapshot().days.value(0).runs, 3, 10000);
    }

    void everyClickOpensWhatItShows()
    {
        DashboardFixture fx;
        // A second pipeline, so that two bars share each "now" chart.
        ProjectSpec churn = Baton::Test::churnProject();
        PipelineSpec hourly = churn.pipelines.first();
        hourly.name = QStringLiteral("hourly");
        churn.pipelines << hourly;
        ProjectWriter::apply(fx.store(), { churn }, QStringLiteral("tester"));
        const qint64 hourlyId = fx.id(QStringLiteral("SELECT id FROM pipelines WHERE name = ?"),
                                      { QStringLiteral("hourly") });
        const auto activeRun = [&](qint64 pipelineId, const QString &state) {
            fx.exec(QStringLiteral("INSERT INTO runs (project_id, pipeline_id, "
                                   "pipeline_version_id, environment_id, state, created_at, "
                                   "started_at) VALUES ((SELECT id FROM projects), ?, (SELECT "
                                   "max(id) FROM pipeline_versions WHERE pipeline_id = ?), ?, "
                                   "?, ?, ?)"),
                    { pipelineId, pipelineId, fx.environment(QStringLiteral("prod")), state,
                      QDateTime::currentMSecsSinceEpoch(),
                      state == QLatin1String("queued")
                          ? QVariant()
                          : QVariant(QDateTime::currentMSecsSinceEpoch()) });
        };
        // extract failed twice, train once: most first in the data, drawn bottom-up.
        QList<qint64> extractFailed;
        for (int i = 0; i < 2; ++i) {
            const qint64 r = fx.run(QStringLiteral("failed"), at(2, 1 + i), 1000);
            fx.task(r, QStringLiteral("extract"), QStringLiteral("failed"), at(2, 1 + i), 100);
            extractFailed << r;
        }
        const qint64 trainFailed
            = fx.run(QStringLiteral("failed"), at(1, 1), 1000, QStringLiteral("dev"));
        fx.task(trainFailed, QStringLiteral("train"), QStringLiteral("failed"), at(1, 1), 100);
        // Scheduled runs (lateness) on two days; running and queued runs of both pipelines.
        fx.run(QStringLiteral("succeeded"), at(2, 5), 1000, QStringLiteral("prod"),
               at(2, 5) - 30000);
        fx.run(QStringLiteral("succeeded"), at(1, 5), 1000, QStringLiteral("prod"),
               at(1, 5) - 90000);
        activeRun(fx.pipeline(), QStringLiteral("running"));
        for (int i = 0; i < 3; ++i)
            activeRun(hourlyId, QStringLiteral("queued"));
        const qint64 score = fx.jobVersion(QStringLiteral("score"));
        const qint64 metricRun = fx.run(QStringLiteral("succeeded"), at(1, 2), 1000);
        fx.metric(metricRun, QStringLiteral("false_positive_rate"), 0.12, at(1, 2), score);
        const qint64 otherMetricRun = fx.run(QStringLiteral("succeeded"), at(0, 0) + 60000, 1000);
        fx.metric(otherMetricRun, QStringLiteral("false_positive_rate"), 0.18, at(0, 0) + 60000,
                  score);

        DashboardsMode mode(&fx.workspace(), nullptr, 100);
        mode.resize(1500, 1100);
        // Listening before show(): the first (and, with no later change, only) snapshot may
        // arrive while the window is being exposed.
        QSignalSpy operations(&mode, &DashboardsMode::operationsApplied);
        mode.show();
        QVERIFY(QTest::qWaitForWindowExposed(&mode));
        QTRY_VERIFY_WITH_TIMEOUT(operations.count() > 0, 10000);
        OperationsDashboard *ops = mode.operations();
        QTRY_COMPARE(ops->snapshot().failuresByJob.size(), 2);
        QTRY_COMPARE(ops->snapshot().active.size(), 2);
        QTest::qWait(50); // laid out
        QSignalSpy drill(ops, &OperationsDashboard::drillDown);
        QSignalSpy listed(&mode, &DashboardsMode::runsListed); // each click lists its runs
        const auto lastQuery = [&drill] {
            return drill.last().first().value<RunsQuery>();
        };

        // Failures by job: each bar opens the runs of the job written beside it.
        auto *failures = seriesOf<QAbstractBarSeries>(ops->failuresPanel());
        const QStringList failedJobs = categories(ops->failuresPanel(), Qt::Vertical);
        QCOMPARE(failedJobs.size(), 2);
        for (int bar = 0; bar < failedJobs.size(); ++bar) {
            const qreal count = failures->barSets().first()->at(bar);
            clickChart(ops->failuresPanel(), failures, QPointF(count / 2, bar));
            QTRY_COMPARE(drill.count(), bar + 1);
            QCOMPARE(lastQuery().job, failedJobs.at(bar));
        }
        // The top bar (clicked last) is the most failing job; the list under the charts shows
        // extract's two failed runs.
        QCOMPARE(failedJobs.last(), QStringLiteral("churn/extract"));
        QTRY_COMPARE(listed.count(), 2);
        QList<qint64> shown;
        for (int r = 0; r < mode.runsTable()->rowCount(); ++r)
            shown << mode.runsTable()->item(r, 0)->data(Qt::UserRole).toLongLong();
        std::sort(shown.begin(), shown.end());
        QCOMPARE(shown, extractFailed);

        // Running and queued now: the bar of each pipeline opens that pipeline's runs.
        auto *active = seriesOf<QAbstractBarSeries>(ops->activePanel());
        const QStringList activePipelines = categories(ops->activePanel(), Qt::Vertical);
        QCOMPARE(activePipelines.size(), 2);
        for (int bar = 0; bar < activePipelines.size(); ++bar) {
            const qreal running = active->barSets().at(0)->at(bar);
            const qreal queued = active->barSets().at(1)->at(bar);
            const bool clickQueued = queued > 0;
            const int before = int(drill.count());
            clickChart(ops->activePanel(), active,
                       QPointF(clickQueued ? running + queued / 2 : running / 2, bar));
            QTRY_COMPARE(drill.count(), before + 1);
            QCOMPARE(lastQuery().pipeline, activePipelines.at(bar));
            QCOMPARE(lastQuery().states.contains(RunState::Queued), clickQueued);
        }

        // Runs per environment: each bar opens its environment's runs (failed ones for red).
        auto *envs = seriesOf<QAbstractBarSeries>(ops->environmentPanel());
        const QStringList envNames = categories(ops->environmentPanel(), Qt::Horizontal);
        for (int bar = 0; bar < envNames.size(); ++bar) {
            for (int set = 0; set < 2; ++set) {
                const qreal value = envs->barSets().at(set)->at(bar);
                if (value <= 0)
                    continue;
                const int before = int(drill.count());
                clickChart(ops->environmentPanel(), envs,
                           QPointF(bar + (set == 0 ? -0.125 : 0.125), value / 2));
                QTRY_COMPARE(drill.count(), before + 1);
                QCOMPARE(lastQuery().environment, envNames.at(bar));
                QCOMPARE(lastQuery().states.isEmpty(), set == 0);
            }
        }

        // Points: the day under the click (success, durations), scheduled runs (lateness).
        const auto clickPoints = [&](ChartPanel *panel, const QString &what) {
            auto *points = seriesOf<QScatterSeries>(panel);
            QVERIFY2(points && points->count() > 0, qPrintable(what));
            for (int i = 0; i < points->count(); ++i) {
                const int before = int(drill.count());
                clickChart(panel, points, points->at(i));
                QTRY_COMPARE(drill.count(), before + 1);
                const qint64 day = lastQuery().day;
                QVERIFY2(std::llabs(day + kDay / 2 - qint64(points->at(i).x())) < kDay / 2,
                         qPrintable(what));
            }
        };
        clickPoints(ops->successPanel(), QStringLiteral("success"));
        clickPoints(ops->durationPanel(), QStringLiteral("durations"));
        QCOMPARE(lastQuery().pipeline, ops->snapshot().detailedPipeline);
        clickPoints(ops->latenessPanel(), QStringLiteral("lateness"));
        QVERIFY(lastQuery().scheduledOnly);

        // Business metrics: a point opens its own run.
        mode.tabs()->setCurrentIndex(1);
        MetricsDashboard *m = mode.metrics();
        QTRY_COMPARE(m->snapshot().points.size(), 2);
        QTest::qWait(50);
        QSignalSpy opened(m, &MetricsDashboard::runActivated);
        QScatterSeries *dots = nullptr;
        for (QAbstractSeries *series : m->chartPanel()->chart()->series()) {
            if (auto *d = qobject_cast<QScatterSeries *>(series); d && d->count() == 2)
                dots = d;
        }
        QVERIFY(dots);
        for (int i = 0; i < 2; ++i) {
            clickChart(m->chartPanel(), dots, dots->at(i));
            QTRY_COMPARE(opened.count(), i + 1);
            QCOMPARE(opened.last().first().toLongLong(), i == 0 ? metricRun : otherMetricRun);
        }
    }

    void metricLabelsReadAtEveryScale_data()
    {
        QTest::addColumn<double>("low");
        QTest::addColumn<double>("high");
        QTest::newRow("rates") << 0.0123 << 0.0189;
        QTest::newRow("tiny") << 0.000041 << 0.000047;
        QTest::newRow("rows") << 1180000.0 << 3420000.0;
        QTest::newRow("one value") << 0.25 << 0.25;
        QTest::newRow("around zero") << -0.004 << 0.006;
    }

    /// What the Business metrics chart draws: round ticks, every label whole (no "…"), no
    /// scientific notation, and the x axis at the runs' logical dates.
    void metricLabelsReadAtEveryScale()
    {
        QFETCH(double, low);
        QFETCH(double, high);
        DashboardFixture fx;
        const qint64 score = fx.jobVersion(QStringLiteral("score"));
        // Twelve nightly runs backfilled within one minute: their logical dates are the nights.
        const qint64 firstNight = at(12, 2);
        const qint64 now = QDateTime::currentMSecsSinceEpoch() - 120000;
        for (int i = 0; i < 12; ++i) {
            const qint64 night = firstNight + i * kDay;
            const qint64 run = fx.run(QStringLiteral("succeeded"), now + i * 1000, 500,
                                      QStringLiteral("prod"), night);
            fx.metric(run, QStringLiteral("m"), low + (high - low) * i / 11.0, now + i * 1000 + 1,
                      score);
        }
        MetricsDashboard m;
        m.resize(1000, 600);
        m.show();
        QVERIFY(QTest::qWaitForWindowExposed(&m));
        MetricQuery q;
        q.project = QStringLiteral("churn");
        q.environment = QStringLiteral("prod");
        q.metric = QStringLiteral("m");
        m.applySnapshot(MetricSeries::snapshot(fx.workspace().store().db(), q));
        QTest::qWait(50);

        auto *x
            = qobject_cast<QDateTimeAxis *>(m.chartPanel()->chart()->axes(Qt::Horizontal).value(0));
        auto *y = qobject_cast<QValueAxis *>(m.chartPanel()->chart()->axes(Qt::Vertical).value(0));
        QVERIFY(x && y);
        // The nights, not one minute: the axis spans the twelve days.
        QVERIFY(x->min().toMSecsSinceEpoch() <= firstNight);
        QVERIFY(x->max().toMSecsSinceEpoch() >= firstNight + 11 * kDay);
        QCOMPARE(x->format(), QStringLiteral("MMM d"));
        QVERIFY(y->min() <= low && y->max() >= high);

        const QStringList labels = drawnLabels(m.chartPanel());
        static const QRegularExpression scientific(QStringLiteral("\\d[eE][+-]?\\d"));
        int numbers = 0;
        for (const QString &label : labels) {
            QVERIFY2(!label.contains(QChar(0x2026)) && !label.contains(QStringLiteral("...")),
                     qPrintable(QStringLiteral("cut label: ") + label));
            QVERIFY2(!scientific.match(label).hasMatch(),
                     qPrintable(QStringLiteral("scientific label: ") + label));
            bool ok = false;
            QLocale().toDouble(label, &ok);
            numbers += ok ? 1 : 0;
        }
        QVERIFY2(numbers >= 3, qPrintable(labels.join(QStringLiteral(" | "))));
        // Distinct ticks: the labels tell the values apart.
        const ValueScale scale = valueScale(low, high);
        QVERIFY(scale.label(scale.min) != scale.label(scale.min + scale.step));
    }

    void exportsPngAndCsv()
    {
        DashboardFixture fx;
        fx.run(QStringLiteral("succeeded"), QDateTime::currentMSecsSinceEpoch() - 60000, 1500);
        DashboardsMode mode(&fx.workspace(), nullptr, 100);
        mode.resize(1200, 800);
        QSignalSpy operations(&mode, &DashboardsMode::operationsApplied); // before the first
        mode.show();
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

    void bannerFollowsAcknowledge()
    {
        DashboardFixture fx;
        AlertRuleSpec fpr;
        fpr.name = QStringLiteral("fpr-high");
        fpr.metric = QStringLiteral("false_positive_rate");
        fpr.condition = QStringLiteral("above");
        fpr.value = 0.15;
        AlertRuleSpec auc;
        auc.name = QStringLiteral("auc-low");
        auc.metric = QStringLiteral("auc");
        auc.condition = QStringLiteral("below");
        auc.value = 0.6;
        fx.setAlerts({ fpr, auc });
        const qint64 score = fx.jobVersion(QStringLiteral("score"));
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        const qint64 run = fx.run(QStringLiteral("succeeded"), now - 5000);
        fx.metric(run, QStringLiteral("false_positive_rate"), 0.3, now - 4000, score);
        fx.metric(run, QStringLiteral("auc"), 0.5, now - 4000, score);

        DashboardsMode mode(&fx.workspace(), nullptr, 100);
        mode.resize(1200, 800);
        mode.show();
        QVERIFY(QTest::qWaitForWindowExposed(&mode));
        QTRY_COMPARE_WITH_TIMEOUT(mode.openAlerts(), 2, 10000);
        QVERIFY(mode.alertBanner()->isVisible());
        QVERIFY2(mode.alertBanner()->text().contains(QStringLiteral("2 alert")),
                 qPrintable(mode.alertBanner()->text()));

        // Acknowledge one while the banner is on screen: it says one, and names the other.
        QTRY_COMPARE(mode.alertsTable()->rowCount(), 2);
        mode.alertsTable()->selectRow(0);
        const QString acknowledged = mode.alertsTable()->item(0, 7)->text();
        const QString other = mode.alertsTable()->item(1, 7)->text();
        mode.findChild<QPushButton *>(QStringLiteral("acknowledgeAlert"))->click();
        QTRY_COMPARE_WITH_TIMEOUT(mode.openAlerts(), 1, 10000);
        QVERIFY2(mode.alertBanner()->text().contains(QStringLiteral("1 alert")),
                 qPrintable(mode.alertBanner()->text()));
        QVERIFY2(mode.alertBanner()->text().contains(other)
                     && !mode.alertBanner()->text().contains(acknowledged),
                 qPrintable(mode.alertBanner()->text()));
        // The last one: the banner goes.
        QTRY_VERIFY(mode.alertsTable()->item(1, 7)
                    && mode.alertsTable()->item(1, 7)->text() == other);
        mode.alertsTable()->selectRow(1);
        mode.findChild<QPushButton *>(QStringLiteral("acknowledgeAlert"))->click();
        QTRY_COMPARE_WITH_TIMEOUT(mode.openAlerts(), 0, 10000);
        QVERIFY(!mode.alertBanner()->isVisible());
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
