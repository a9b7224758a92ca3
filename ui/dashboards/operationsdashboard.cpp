#include "operationsdashboard.h"

#include "chartpanel.h"
#include "model/durationformat.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHorizontalBarSeries>
#include <QHorizontalStackedBarSeries>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMap>
#include <QScatterSeries>
#include <QScrollArea>
#include <QTimeZone>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

namespace Baton::Ui {

namespace {

constexpr qint64 kDayMs = 24 * 3600 * 1000;

QDateTimeAxis *dayAxis(QChart *chart)
{
    auto *axis = new QDateTimeAxis(chart);
    axis->setFormat(QStringLiteral("MMM d"));
    axis->setTickCount(6);
    chart->addAxis(axis, Qt::AlignBottom);
    return axis;
}

QValueAxis *valueAxis(QChart *chart, Qt::Alignment where,
                      const QString &format = QStringLiteral("%g"))
{
    auto *axis = new QValueAxis(chart);
    axis->setLabelFormat(format);
    axis->setMin(0);
    chart->addAxis(axis, where);
    return axis;
}

template<typename Series>
Series *attach(QChart *chart, Series *series, const QList<QAbstractAxis *> &axes)
{
    chart->addSeries(series);
    for (QAbstractAxis *a : axes)
        series->attachAxis(a);
    return series;
}

// Days of the range on the x axis, midnight to midnight; each day's point sits at its noon.
void setDayRange(QDateTimeAxis *axis, qint64 first, qint64 last)
{
    if (first == 0 && last == 0) {
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        first = now - 7 * kDayMs;
        last = now;
    }
    const qint64 days = (last - first) / kDayMs + 1;
    axis->setRange(QDateTime::fromMSecsSinceEpoch(first),
                   QDateTime::fromMSecsSinceEpoch(last + kDayMs));
    axis->setTickCount(days <= 8 ? int(days) + 1 : 7);
    axis->setFormat(days > 300 ? QStringLiteral("MMM yyyy") : QStringLiteral("MMM d"));
}

qreal noon(qint64 day)
{
    return qreal(day + kDayMs / 2);
}

// Seconds, minutes or hours, whichever reads best for values up to @p maxMs.
struct Unit
{
    double divisor;
    QString name;
};
Unit unitFor(qint64 maxMs)
{
    if (maxMs >= 2 * 3600 * 1000)
        return { 3600000.0, QStringLiteral("h") };
    if (maxMs >= 120 * 1000)
        return { 60000.0, QStringLiteral("min") };
    return { 1000.0, QStringLiteral("s") };
}

qreal niceMax(qreal value)
{
    if (value <= 0)
        return 1;
    const qreal magnitude = std::pow(10.0, std::floor(std::log10(value)));
    for (const qreal step : { 1.0, 2.0, 2.5, 5.0, 10.0 }) {
        if (value <= step * magnitude)
            return step * magnitude;
    }
    return 10 * magnitude;
}

// Counts: whole numbers on the ticks.
void setCountRange(QValueAxis *axis, qreal top)
{
    const qreal max = std::max<qreal>(1, niceMax(top));
    axis->setRange(0, max);
    axis->setTickCount(max <= 10 ? int(max) + 1 : 6);
}

// Horizontal bars draw their first category at the bottom, so the most-first lists are drawn
// reversed: bar @p bar shows item count - 1 - bar. Every click on them goes through here.
int itemOfBar(int bar, qsizetype count)
{
    return bar < 0 || bar >= count ? -1 : int(count) - 1 - bar;
}

QString dayText(qint64 day)
{
    return QDateTime::fromMSecsSinceEpoch(day).toString(QStringLiteral("yyyy-MM-dd"));
}

} // namespace

OperationsDashboard::OperationsDashboard(QWidget *parent)
    : QWidget(parent)
    , m_range(new QComboBox(this))
    , m_project(new QComboBox(this))
    , m_environment(new QComboBox(this))
    , m_pipeline(new QComboBox(this))
    , m_summary(new QLabel(this))
{
    setObjectName(QStringLiteral("operationsDashboard"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(createFilterBar());
    createCharts();

    auto *grid = new QGridLayout;
    grid->setSpacing(6);
    grid->addWidget(m_successPanel, 0, 0);
    grid->addWidget(m_durationPanel, 0, 1);
    grid->addWidget(m_jobPanel, 0, 2);
    grid->addWidget(m_failuresPanel, 1, 0);
    grid->addWidget(m_environmentPanel, 1, 1);
    grid->addWidget(m_latenessPanel, 1, 2);
    grid->addWidget(m_activePanel, 2, 0, 1, 3);
    grid->setRowStretch(0, 3);
    grid->setRowStretch(1, 3);
    grid->setRowStretch(2, 2);
    auto *page = new QWidget(this);
    page->setLayout(grid);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    scroll->setWidget(page);
    page->setMinimumHeight(620);
    layout->addWidget(scroll, 1);
}

QWidget *OperationsDashboard::createFilterBar()
{
    auto *bar = new QWidget(this);
    auto *row = new QHBoxLayout(bar);
    row->setContentsMargins(6, 6, 6, 2);
    m_range->setObjectName(QStringLiteral("operationsRange"));
    m_range->addItem(tr("Last 24 hours"), qint64(1));
    m_range->addItem(tr("Last 7 days"), qint64(7));
    m_range->addItem(tr("Last 30 days"), qint64(30));
    m_range->addItem(tr("Last 90 days"), qint64(90));
    m_range->addItem(tr("Last 365 days"), qint64(365));
    m_range->addItem(tr("All time"), qint64(0));
    m_range->setCurrentIndex(2);
    m_range->setToolTip(tr("Runs queued in this period"));
    m_project->setObjectName(QStringLiteral("operationsProject"));
    m_project->addItem(tr("All projects"), QString());
    m_environment->setObjectName(QStringLiteral("operationsEnvironment"));
    m_environment->addItem(tr("All environments"), QString());
    m_pipeline->setObjectName(QStringLiteral("operationsPipeline"));
    m_pipeline->addItem(tr("Busiest pipeline"), QString());
    m_pipeline->setToolTip(tr("The pipeline whose duration trend and jobs are charted"));
    m_summary->setObjectName(QStringLiteral("operationsSummary"));
    for (QComboBox *c : { m_range, m_project, m_environment, m_pipeline }) {
        c->setSizeAdjustPolicy(QComboBox::AdjustToContents);
        connect(c, &QComboBox::currentIndexChanged, this, [this] {
            if (!m_filling)
                emitFilter();
        });
    }
    row->addWidget(new QLabel(tr("Range"), bar));
    row->addWidget(m_range);
    row->addWidget(m_project);
    row->addWidget(m_environment);
    row->addSpacing(12);
    row->addWidget(new QLabel(tr("Durations of"), bar));
    row->addWidget(m_pipeline);
    row->addStretch(1);
    row->addWidget(m_summary);
    return bar;
}

void OperationsDashboard::createCharts()
{
    // Success rate per day: a line, and points to click for the runs of that day.
    m_successPanel
        = new ChartPanel(QStringLiteral("successChart"), tr("Success rate per day"), this);
    QChart *c = m_successPanel->chart();
    m_successX = dayAxis(c);
    QValueAxis *percent = valueAxis(c, Qt::AlignLeft, QStringLiteral("%d %"));
    percent->setRange(0, 100);
    m_successLine = attach(c, new QLineSeries(c), { m_successX, percent });
    m_successLine->setName(tr("succeeded / finished"));
    m_successPoints = attach(c, new QScatterSeries(c), { m_successX, percent });
    m_successPoints->setMarkerSize(8);
    m_successPoints->setColor(m_successLine->color());
    c->legend()->setVisible(false);
    connect(m_successPoints, &QScatterSeries::clicked, this, [this](const QPointF &p) {
        const int i = dayIndexAt(p.x());
        if (i >= 0)
            Q_EMIT drillDown(dayQuery(i));
    });
    m_successPanel->setCsvSource([this] {
        QString csv = QStringLiteral("day,runs,finished,succeeded,failed,success_rate\n");
        for (const DayStats &d : std::as_const(m_snapshot.days))
            csv += QStringLiteral("%1,%2,%3,%4,%5,%6\n")
                       .arg(dayText(d.day))
                       .arg(d.runs)
                       .arg(d.finished)
                       .arg(d.succeeded)
                       .arg(d.failed)
                       .arg(d.finished ? QString::number(d.successRate(), 'f', 4) : QString());
        return csv;
    });

    // Duration trend of one pipeline: p50 and p95 per day.
    m_durationPanel = new ChartPanel(QStringLiteral("durationChart"), tr("Run duration"), this);
    c = m_durationPanel->chart();
    m_durationX = dayAxis(c);
    m_durationY = valueAxis(c, Qt::AlignLeft, QStringLiteral("%.3g s"));
    m_p50 = attach(c, new QLineSeries(c), { m_durationX, m_durationY });
    m_p50->setName(QStringLiteral("p50"));
    m_p95 = attach(c, new QLineSeries(c), { m_durationX, m_durationY });
    m_p95->setName(QStringLiteral("p95"));
    m_durationPoints = attach(c, new QScatterSeries(c), { m_durationX, m_durationY });
    m_durationPoints->setMarkerSize(7);
    m_durationPoints->setColor(m_p95->color());
    c->legend()->markers(m_durationPoints).value(0)->setVisible(false);
    connect(m_durationPoints, &QScatterSeries::clicked, this, [this](const QPointF &p) {
        const int i = dayIndexAt(p.x());
        if (i < 0)
            return;
        RunsQuery q = dayQuery(i);
        q.pipeline = m_snapshot.detailedPipeline;
        q.title = tr("Runs of %1 on %2").arg(q.pipeline, dayText(m_snapshot.days.at(i).day));
        Q_EMIT drillDown(q);
    });
    m_durationPanel->setCsvSource([this] {
        QString csv = QStringLiteral("kind,key,day,runs,p50_ms,p95_ms\n");
        const auto rows = [&csv](const QString &kind, const QList<DurationStats> &list) {
            for (const DurationStats &d : list)
                csv += QStringLiteral("%1,%2,%3,%4,%5,%6\n")
                           .arg(kind, csvField(d.key), d.day ? dayText(d.day) : QString())
                           .arg(d.count)
                           .arg(d.p50)
                           .arg(d.p95);
        };
        rows(QStringLiteral("pipeline"), m_snapshot.pipelineDurations);
        rows(QStringLiteral("pipeline_day"), m_snapshot.pipelineTrend);
        rows(QStringLiteral("job"), m_snapshot.jobDurations);
        rows(QStringLiteral("job_day"), m_snapshot.jobTrend);
        return csv;
    });

    // Per job of that pipeline: p50 and p95 bars.
    m_jobPanel = new ChartPanel(QStringLiteral("jobDurationChart"), tr("Job durations"), this);
    c = m_jobPanel->chart();
    m_jobBars = new QBarSeries(c);
    c->addSeries(m_jobBars);
    m_jobAxis = new QBarCategoryAxis(c);
    c->addAxis(m_jobAxis, Qt::AlignBottom);
    m_jobY = valueAxis(c, Qt::AlignLeft, QStringLiteral("%.3g s"));
    m_jobBars->attachAxis(m_jobAxis);
    m_jobBars->attachAxis(m_jobY);
    m_jobPanel->setCsvSource([this] {
        QString csv = QStringLiteral("job,task_runs,p50_ms,p95_ms\n");
        for (const DurationStats &d : std::as_const(m_snapshot.jobDurations))
            csv += QStringLiteral("%1,%2,%3,%4\n")
                       .arg(csvField(d.key))
                       .arg(d.count)
                       .arg(d.p50)
                       .arg(d.p95);
        return csv;
    });

    // Failures by job: horizontal bars, most first.
    m_failuresPanel = new ChartPanel(QStringLiteral("failuresChart"), tr("Failures by job"), this);
    c = m_failuresPanel->chart();
    m_failureBars = new QHorizontalBarSeries(c);
    c->addSeries(m_failureBars);
    m_failureAxis = new QBarCategoryAxis(c);
    c->addAxis(m_failureAxis, Qt::AlignLeft);
    m_failureX = valueAxis(c, Qt::AlignBottom, QStringLiteral("%d"));
    m_failureBars->attachAxis(m_failureAxis);
    m_failureBars->attachAxis(m_failureX);
    c->legend()->setVisible(false);
    connect(m_failureBars, &QHorizontalBarSeries::clicked, this, [this](int bar, QBarSet *) {
        const int index = itemOfBar(bar, m_snapshot.failuresByJob.size());
        if (index >= 0)
            Q_EMIT drillDown(failuresQuery(index));
    });
    m_failuresPanel->setCsvSource([this] {
        QString csv = QStringLiteral("job,failed_task_runs\n");
        for (const CountItem &i : std::as_const(m_snapshot.failuresByJob))
            csv += QStringLiteral("%1,%2\n").arg(csvField(i.key)).arg(i.count);
        return csv;
    });

    // Runs per environment, with the failed ones beside them.
    m_environmentPanel
        = new ChartPanel(QStringLiteral("environmentChart"), tr("Runs per environment"), this);
    c = m_environmentPanel->chart();
    m_environmentBars = new QBarSeries(c);
    c->addSeries(m_environmentBars);
    m_environmentAxis = new QBarCategoryAxis(c);
    c->addAxis(m_environmentAxis, Qt::AlignBottom);
    m_environmentY = valueAxis(c, Qt::AlignLeft, QStringLiteral("%d"));
    m_environmentBars->attachAxis(m_environmentAxis);
    m_environmentBars->attachAxis(m_environmentY);
    connect(m_environmentBars, &QBarSeries::clicked, this, [this](int index, QBarSet *set) {
        if (index < 0 || index >= m_snapshot.runsByEnvironment.size())
            return;
        const bool failed = m_environmentBars->barSets().indexOf(set) == 1;
        Q_EMIT drillDown(environmentQuery(index, failed));
    });
    m_environmentPanel->setCsvSource([this] {
        QString csv = QStringLiteral("environment,runs,failed\n");
        for (const CountItem &i : std::as_const(m_snapshot.runsByEnvironment))
            csv += QStringLiteral("%1,%2,%3\n").arg(csvField(i.key)).arg(i.count).arg(i.second);
        return csv;
    });

    // Now: running and queued runs per pipeline.
    m_activePanel
        = new ChartPanel(QStringLiteral("activeChart"), tr("Running and queued now"), this);
    c = m_activePanel->chart();
    m_activeBars = new QHorizontalStackedBarSeries(c);
    c->addSeries(m_activeBars);
    m_activeAxis = new QBarCategoryAxis(c);
    c->addAxis(m_activeAxis, Qt::AlignLeft);
    m_activeX = valueAxis(c, Qt::AlignBottom, QStringLiteral("%d"));
    m_activeBars->attachAxis(m_activeAxis);
    m_activeBars->attachAxis(m_activeX);
    m_activePanel->view()->setMinimumHeight(140);
    connect(m_activeBars, &QHorizontalStackedBarSeries::clicked, this,
            [this](int bar, QBarSet *set) {
                const int index = itemOfBar(bar, m_snapshot.active.size());
                if (index < 0)
                    return;
                RunsQuery q = baseQuery(QString());
                q.activeOnly = true;
                q.pipeline = m_snapshot.active.at(index).key;
                const bool queued = m_activeBars->barSets().indexOf(set) == 1;
                q.states = queued ? QList<RunState> { RunState::Queued }
                                  : QList<RunState> { RunState::Starting, RunState::Running };
                q.title = queued ? tr("Queued runs of %1").arg(q.pipeline)
                                 : tr("Running runs of %1").arg(q.pipeline);
                Q_EMIT drillDown(q);
            });
    m_activePanel->setCsvSource([this] {
        QString csv = QStringLiteral("pipeline,running,queued\n");
        for (const CountItem &i : std::as_const(m_snapshot.active))
            csv += QStringLiteral("%1,%2,%3\n").arg(csvField(i.key)).arg(i.count).arg(i.second);
        return csv;
    });

    // Schedule lateness: how long scheduled runs started after their fire time.
    m_latenessPanel
        = new ChartPanel(QStringLiteral("latenessChart"), tr("Schedule lateness"), this);
    c = m_latenessPanel->chart();
    m_latenessX = dayAxis(c);
    m_latenessY = valueAxis(c, Qt::AlignLeft, QStringLiteral("%.3g s"));
    m_lateAverage = attach(c, new QLineSeries(c), { m_latenessX, m_latenessY });
    m_lateAverage->setName(tr("average"));
    m_lateMax = attach(c, new QLineSeries(c), { m_latenessX, m_latenessY });
    m_lateMax->setName(tr("max"));
    m_latePoints = attach(c, new QScatterSeries(c), { m_latenessX, m_latenessY });
    m_latePoints->setMarkerSize(7);
    m_latePoints->setColor(m_lateMax->color());
    c->legend()->markers(m_latePoints).value(0)->setVisible(false);
    connect(m_latePoints, &QScatterSeries::clicked, this, [this](const QPointF &p) {
        const qint64 x = qint64(p.x());
        for (const LatenessStats &l : std::as_const(m_snapshot.lateness)) {
            if (std::llabs(l.day + kDayMs / 2 - x) < kDayMs / 2) {
                RunsQuery q = baseQuery(tr("Scheduled runs of %1").arg(dayText(l.day)));
                q.day = l.day;
                q.scheduledOnly = true;
                Q_EMIT drillDown(q);
                return;
            }
        }
    });
    m_latenessPanel->setCsvSource([this] {
        QString csv = QStringLiteral("day,scheduled_runs,average_ms,max_ms\n");
        for (const LatenessStats &l : std::as_const(m_snapshot.lateness))
            csv += QStringLiteral("%1,%2,%3,%4\n")
                       .arg(dayText(l.day))
                       .arg(l.runs)
                       .arg(l.averageMs)
                       .arg(l.maxMs);
        return csv;
    });
}

QList<ChartPanel *> OperationsDashboard::panels() const
{
    return { m_successPanel,     m_durationPanel, m_jobPanel,   m_failuresPanel,
             m_environmentPanel, m_latenessPanel, m_activePanel };
}

DashboardFilter OperationsDashboard::filter() const
{
    DashboardFilter f;
    const qint64 days = m_range->currentData().toLongLong();
    const QDateTime now = QDateTime::currentDateTime();
    f.utcOffsetSeconds = now.offsetFromUtc();
    if (days > 0) {
        // Whole local days: "last 7 days" is today and the six before it.
        const qint64 today
            = DashboardQueries::dayStart(now.toMSecsSinceEpoch(), f.utcOffsetSeconds);
        f.from = days == 1 ? now.toMSecsSinceEpoch() - kDayMs : today - (days - 1) * kDayMs;
    }
    f.project = m_project->currentData().toString();
    f.environment = m_environment->currentData().toString();
    f.pipeline = m_pipeline->currentData().toString();
    return f;
}

void OperationsDashboard::emitFilter()
{
    Q_EMIT filterChanged(filter());
}

void OperationsDashboard::refill(QComboBox *combo, const QStringList &items)
{
    QStringList current;
    for (int i = 1; i < combo->count(); ++i)
        current << combo->itemData(i).toString();
    if (current == items)
        return;
    const QString selected = combo->currentData().toString();
    const QString any = combo->itemText(0);
    combo->clear();
    combo->addItem(any, QString());
    for (const QString &item : items)
        combo->addItem(item, item);
    combo->setCurrentIndex(std::max(0, combo->findData(selected)));
}

RunsQuery OperationsDashboard::baseQuery(const QString &title) const
{
    RunsQuery q;
    q.filter = m_snapshot.filter;
    q.title = title;
    return q;
}

int OperationsDashboard::dayIndexAt(qreal x) const
{
    for (int i = 0; i < m_snapshot.days.size(); ++i) {
        if (std::llabs(m_snapshot.days.at(i).day + kDayMs / 2 - qint64(x)) < kDayMs / 2)
            return i;
    }
    return -1;
}

RunsQuery OperationsDashboard::dayQuery(int index) const
{
    if (index < 0 || index >= m_snapshot.days.size())
        return {};
    const DayStats &d = m_snapshot.days.at(index);
    RunsQuery q = baseQuery(tr("Runs queued on %1 (%2 of %3 finished succeeded)")
                                .arg(dayText(d.day))
                                .arg(d.succeeded)
                                .arg(d.finished));
    q.day = d.day;
    return q;
}

RunsQuery OperationsDashboard::failuresQuery(int index) const
{
    if (index < 0 || index >= m_snapshot.failuresByJob.size())
        return {};
    const CountItem &i = m_snapshot.failuresByJob.at(index);
    RunsQuery q = baseQuery(tr("Runs where %1 failed").arg(i.key));
    q.job = i.key;
    // Failures are placed by when the task ended; its run may have been queued just before.
    q.filter.from = 0;
    return q;
}

RunsQuery OperationsDashboard::environmentQuery(int index, bool failedOnly) const
{
    if (index < 0 || index >= m_snapshot.runsByEnvironment.size())
        return {};
    const CountItem &i = m_snapshot.runsByEnvironment.at(index);
    RunsQuery q
        = baseQuery(failedOnly ? tr("Failed runs in %1").arg(i.key) : tr("Runs in %1").arg(i.key));
    q.environment = i.key;
    if (failedOnly)
        q.states = runStatesWhere(failedItself); // what the bar counts as failed
    return q;
}

void OperationsDashboard::applySnapshot(const Baton::OperationsSnapshot &snapshot)
{
    m_snapshot = snapshot;
    m_filling = true;
    refill(m_project, snapshot.projects);
    refill(m_environment, snapshot.environments);
    refill(m_pipeline, snapshot.pipelines);
    m_filling = false;

    const qint64 firstDay = snapshot.days.isEmpty() ? 0 : snapshot.days.first().day;
    const qint64 lastDay = snapshot.days.isEmpty() ? 0 : snapshot.days.last().day;

    // Success rate: one replace() per series, never point by point.
    QList<QPointF> success;
    int runs = 0, finished = 0, succeeded = 0;
    for (const DayStats &d : snapshot.days) {
        runs += d.runs;
        finished += d.finished;
        succeeded += d.succeeded;
        if (d.finished > 0)
            success << QPointF(noon(d.day), d.successRate() * 100.0);
    }
    m_successLine->replace(success);
    m_successPoints->replace(success);
    setDayRange(m_successX, firstDay, lastDay);
    m_successPanel->setNote(
        runs == 0 ? tr("No runs in this range.")
                  : tr("%1 runs, %2 finished, %3 % succeeded")
                        .arg(runs)
                        .arg(finished)
                        .arg(finished ? QString::number(100.0 * succeeded / finished, 'f', 1)
                                      : QStringLiteral("–")));

    // Duration trend of the detailed pipeline.
    qint64 longest = 0;
    for (const DurationStats &d : snapshot.pipelineTrend)
        longest = std::max(longest, d.p95);
    for (const DurationStats &d : snapshot.jobTrend)
        longest = std::max(longest, d.p50);
    Unit unit = unitFor(longest);
    QList<QPointF> p50, p95;
    for (const DurationStats &d : snapshot.pipelineTrend) {
        p50 << QPointF(noon(d.day), d.p50 / unit.divisor);
        p95 << QPointF(noon(d.day), d.p95 / unit.divisor);
    }
    m_p50->replace(p50);
    m_p95->replace(p95);
    m_durationPoints->replace(p95);
    // Per job of that pipeline, its p50 per day (dotted): which job makes the run slower.
    QMap<QString, QList<QPointF>> jobLines;
    for (const DurationStats &d : snapshot.jobTrend)
        jobLines[d.key.section(QLatin1Char('/'), 1)] << QPointF(noon(d.day), d.p50 / unit.divisor);
    QChart *durationChart = m_durationPanel->chart();
    while (m_jobTrend.size() < std::min<qsizetype>(jobLines.size(), 6)) {
        auto *series = new QLineSeries(durationChart);
        durationChart->addSeries(series);
        series->attachAxis(m_durationX);
        series->attachAxis(m_durationY);
        QPen pen = series->pen();
        pen.setStyle(Qt::DotLine);
        pen.setWidthF(1.5);
        series->setPen(pen);
        m_jobTrend << series;
    }
    int jobIndex = 0;
    for (auto it = jobLines.constBegin(); it != jobLines.constEnd() && jobIndex < m_jobTrend.size();
         ++it, ++jobIndex) {
        m_jobTrend.at(jobIndex)->setName(tr("%1 p50").arg(it.key()));
        m_jobTrend.at(jobIndex)->replace(it.value());
        m_jobTrend.at(jobIndex)->setVisible(true);
    }
    for (; jobIndex < m_jobTrend.size(); ++jobIndex) {
        m_jobTrend.at(jobIndex)->replace(QList<QPointF>());
        m_jobTrend.at(jobIndex)->setVisible(false);
    }
    setDayRange(m_durationX, firstDay, lastDay);
    m_durationY->setLabelFormat(QStringLiteral("%.3g ") + unit.name);
    m_durationY->setRange(0, niceMax(longest / unit.divisor * 1.1));
    m_durationPanel->setTitle(snapshot.detailedPipeline.isEmpty()
                                  ? tr("Run duration")
                                  : tr("Run duration of %1").arg(snapshot.detailedPipeline));
    QStringList perPipeline;
    for (qsizetype i = 0; i < std::min<qsizetype>(3, snapshot.pipelineDurations.size()); ++i) {
        const DurationStats &d = snapshot.pipelineDurations.at(i);
        perPipeline << tr("%1: p50 %2, p95 %3 (%4 runs)")
                           .arg(d.key, durationText(d.p50), durationText(d.p95))
                           .arg(d.count);
    }
    m_durationPanel->setNote(perPipeline.isEmpty() ? tr("No finished runs in this range.")
                                                   : perPipeline.join(QStringLiteral(" · ")));

    // Jobs of the detailed pipeline.
    m_jobBars->clear();
    QStringList jobs;
    QList<qreal> jobP50, jobP95;
    longest = 0;
    for (const DurationStats &d : snapshot.jobDurations)
        longest = std::max(longest, d.p95);
    unit = unitFor(longest);
    for (const DurationStats &d : snapshot.jobDurations) {
        jobs << d.key.section(QLatin1Char('/'), 1);
        jobP50 << d.p50 / unit.divisor;
        jobP95 << d.p95 / unit.divisor;
    }
    auto *set50 = new QBarSet(QStringLiteral("p50"));
    set50->append(jobP50);
    auto *set95 = new QBarSet(QStringLiteral("p95"));
    set95->append(jobP95);
    m_jobBars->append(set50);
    m_jobBars->append(set95);
    m_jobAxis->setCategories(jobs);
    m_jobY->setLabelFormat(QStringLiteral("%.3g ") + unit.name);
    m_jobY->setRange(0, niceMax(longest / unit.divisor * 1.1));
    m_jobPanel->setNote(jobs.isEmpty() ? tr("No finished tasks in this range.") : QString());

    // Failures by job.
    m_failureBars->clear();
    QStringList failedJobs;
    QList<qreal> failures;
    qreal top = 0;
    // Reversed (itemOfBar), so the most failing job is on top.
    for (auto it = snapshot.failuresByJob.crbegin(); it != snapshot.failuresByJob.crend(); ++it) {
        failedJobs << it->key;
        failures << it->count;
        top = std::max<qreal>(top, it->count);
    }
    auto *failureSet = new QBarSet(tr("failed task runs"));
    failureSet->append(failures);
    failureSet->setColor(QColor(0xd9, 0x4a, 0x38));
    m_failureBars->append(failureSet);
    m_failureAxis->setCategories(failedJobs);
    setCountRange(m_failureX, top);
    m_failuresPanel->setNote(failedJobs.isEmpty() ? tr("No failures in this range.") : QString());

    // Runs per environment.
    m_environmentBars->clear();
    QStringList envs;
    QList<qreal> envRuns, envFailed;
    top = 0;
    for (const CountItem &i : snapshot.runsByEnvironment) {
        envs << (i.key.isEmpty() ? tr("(none)") : i.key);
        envRuns << i.count;
        envFailed << i.second;
        top = std::max<qreal>(top, i.count);
    }
    auto *runSet = new QBarSet(tr("runs"));
    runSet->append(envRuns);
    auto *failedSet = new QBarSet(tr("failed"));
    failedSet->append(envFailed);
    failedSet->setColor(QColor(0xd9, 0x4a, 0x38));
    m_environmentBars->append(runSet);
    m_environmentBars->append(failedSet);
    m_environmentAxis->setCategories(envs);
    setCountRange(m_environmentY, top);

    // Running and queued now.
    m_activeBars->clear();
    QStringList pipelines;
    QList<qreal> running, queued;
    top = 0;
    for (auto it = snapshot.active.crbegin(); it != snapshot.active.crend(); ++it) {
        pipelines << it->key;
        running << it->count;
        queued << it->second;
        top = std::max<qreal>(top, it->count + it->second);
    }
    auto *runningSet = new QBarSet(tr("running"));
    runningSet->append(running);
    runningSet->setColor(QColor(0x2f, 0x80, 0xed));
    auto *queuedSet = new QBarSet(tr("queued"));
    queuedSet->append(queued);
    queuedSet->setColor(QColor(0x9a, 0xa5, 0xb1));
    m_activeBars->append(runningSet);
    m_activeBars->append(queuedSet);
    m_activeAxis->setCategories(pipelines);
    setCountRange(m_activeX, top);
    m_activePanel->setTitle(tr("Running and queued now: %1 running, %2 queued")
                                .arg(snapshot.running)
                                .arg(snapshot.queued));

    // Schedule lateness.
    longest = 0;
    for (const LatenessStats &l : snapshot.lateness)
        longest = std::max(longest, l.maxMs);
    unit = unitFor(longest);
    QList<QPointF> average, maximum;
    for (const LatenessStats &l : snapshot.lateness) {
        average << QPointF(noon(l.day), l.averageMs / unit.divisor);
        maximum << QPointF(noon(l.day), l.maxMs / unit.divisor);
    }
    m_lateAverage->replace(average);
    m_lateMax->replace(maximum);
    m_latePoints->replace(maximum);
    setDayRange(m_latenessX, firstDay, lastDay);
    m_latenessY->setLabelFormat(QStringLiteral("%.3g ") + unit.name);
    m_latenessY->setRange(0, niceMax(longest / unit.divisor * 1.1));
    m_latenessPanel->setNote(snapshot.lateness.isEmpty() ? tr("No scheduled runs in this range.")
                                                         : QString());

    m_summary->setText(tr("%1 runs · refreshed %2 · %3 ms")
                           .arg(runs)
                           .arg(QDateTime::fromMSecsSinceEpoch(snapshot.takenAt)
                                    .toString(QStringLiteral("HH:mm:ss")))
                           .arg(snapshot.costUs / 1000));
}

} // namespace Baton::Ui
