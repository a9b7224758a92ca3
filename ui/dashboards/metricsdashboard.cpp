#include "metricsdashboard.h"

#include "axisscale.h"
#include "chartpanel.h"

#include <QChart>
#include <QChartView>
#include <QComboBox>
#include <QDateTime>
#include <QDateTimeAxis>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QLocale>
#include <QScatterSeries>
#include <QSplitter>
#include <QTableWidget>
#include <QTimeZone>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

namespace Baton::Ui {

namespace {

constexpr qint64 kDayMs = 24 * 3600 * 1000;

// Older versions grey-blue, the newest ones warm: a regression after a release stands out.
const QList<QColor> kVersionColors
    = { QColor(0x2f, 0x80, 0xed), QColor(0xe0, 0x6c, 0x1f), QColor(0x27, 0xae, 0x60),
        QColor(0x8e, 0x44, 0xad), QColor(0xc0, 0x39, 0x2b), QColor(0x16, 0xa0, 0x85) };

QString number(double v)
{
    return readableNumber(v); // never "4.4e-05" in the legend or the table
}

QString conditionText(const AlertRuleSpec &r)
{
    if (r.condition == QLatin1String("above") || r.condition == QLatin1String("below"))
        return QStringLiteral("%1 %2").arg(r.condition, number(r.value));
    return QStringLiteral("%1 > %2% over the last %3 runs of the previous version")
        .arg(r.condition, number(r.value))
        .arg(r.lastRuns);
}

} // namespace

MetricsDashboard::MetricsDashboard(QWidget *parent)
    : QWidget(parent)
    , m_project(new QComboBox(this))
    , m_environment(new QComboBox(this))
    , m_metric(new QComboBox(this))
    , m_range(new QComboBox(this))
    , m_panel(new ChartPanel(QStringLiteral("metricChart"), tr("Metric"), this))
    , m_table(new QTableWidget(this))
    , m_firings(new QLabel(this))
{
    setObjectName(QStringLiteral("metricsDashboard"));
    m_project->setObjectName(QStringLiteral("metricsProject"));
    m_environment->setObjectName(QStringLiteral("metricsEnvironment"));
    m_metric->setObjectName(QStringLiteral("metricsMetric"));
    m_range->setObjectName(QStringLiteral("metricsRange"));
    m_range->addItem(tr("Last 7 days"), qint64(7));
    m_range->addItem(tr("Last 30 days"), qint64(30));
    m_range->addItem(tr("Last 90 days"), qint64(90));
    m_range->addItem(tr("Last 365 days"), qint64(365));
    m_range->addItem(tr("All time"), qint64(0));
    m_range->setCurrentIndex(1); // 30 days: one month of runs reads fast at any size
    for (QComboBox *c : { m_project, m_environment, m_metric, m_range }) {
        c->setSizeAdjustPolicy(QComboBox::AdjustToContents);
        connect(c, &QComboBox::currentIndexChanged, this, [this] {
            if (!m_filling)
                emitQuery();
        });
    }
    auto *bar = new QHBoxLayout;
    bar->setContentsMargins(6, 6, 6, 2);
    bar->addWidget(new QLabel(tr("Project"), this));
    bar->addWidget(m_project);
    bar->addWidget(new QLabel(tr("Environment"), this));
    bar->addWidget(m_environment);
    bar->addWidget(new QLabel(tr("Metric"), this));
    bar->addWidget(m_metric);
    bar->addWidget(m_range);
    bar->addStretch(1);

    QChart *chart = m_panel->chart();
    m_x = new QDateTimeAxis(chart);
    m_x->setFormat(QStringLiteral("MMM d HH:mm"));
    m_x->setTickCount(6);
    chart->addAxis(m_x, Qt::AlignBottom);
    m_y = new QValueAxis(chart);
    chart->addAxis(m_y, Qt::AlignLeft);
    // Labels in the user's locale with group separators ("12,000"); the format's decimals
    // come from the tick step (applyValueScale).
    QLocale locale;
    locale.setNumberOptions(locale.numberOptions() & ~QLocale::OmitGroupSeparator);
    chart->setLocale(locale);
    chart->setLocalizeNumbers(true);
    m_panel->view()->setMinimumHeight(260);
    m_panel->setCsvSource([this] {
        QHash<qint64, QString> labels;
        for (const VersionStats &v : std::as_const(m_snapshot.versions))
            labels.insert(v.jobVersionId, v.label);
        // charted_at: the run's logical date where it has one (what the chart's x shows).
        QString csv
            = QStringLiteral("recorded_at,environment,metric,value,version,run,charted_at\n");
        const auto iso = [](qint64 ms) {
            return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
        };
        for (const MetricPoint &p : std::as_const(m_snapshot.points))
            csv += QStringLiteral("%1,%2,%3,%4,%5,%6,%7\n")
                       .arg(iso(p.recordedAt ? p.recordedAt : p.at),
                            csvField(m_snapshot.query.environment),
                            csvField(m_snapshot.query.metric), QString::number(p.value, 'g', 17),
                            csvField(labels.value(p.jobVersionId)))
                       .arg(p.runId)
                       .arg(iso(p.at));
        return csv;
    });

    m_table->setObjectName(QStringLiteral("comparisonTable"));
    m_table->setColumnCount(9);
    m_table->setHorizontalHeaderLabels({ tr("Before"), tr("Runs"), tr("Mean"), tr("Spread (sd)"),
                                         tr("After"), tr("Runs"), tr("Mean"), tr("Spread (sd)"),
                                         tr("Change") });
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->verticalHeader()->setVisible(false);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setToolTip(tr("Double-click a row for the runs of both versions"));
    connect(m_table, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
        if (row < 0 || row >= m_snapshot.comparisons.size())
            return;
        const VersionComparison &c = m_snapshot.comparisons.at(row);
        RunsQuery q;
        q.runIds = c.before.runIds + c.after.runIds;
        q.title = tr("Runs of %1 and %2 in %3")
                      .arg(c.before.label, c.after.label, m_snapshot.query.environment);
        Q_EMIT runsRequested(q);
    });
    m_firings->setObjectName(QStringLiteral("metricFirings"));
    m_firings->setWordWrap(true);
    m_firings->setTextFormat(Qt::PlainText);

    auto *bottom = new QWidget(this);
    auto *bottomLayout = new QVBoxLayout(bottom);
    bottomLayout->setContentsMargins(6, 0, 6, 6);
    auto *compareTitle = new QLabel(tr("Before vs after each version change"), bottom);
    QFont bold = compareTitle->font();
    bold.setBold(true);
    compareTitle->setFont(bold);
    bottomLayout->addWidget(compareTitle);
    bottomLayout->addWidget(m_table, 1);
    bottomLayout->addWidget(m_firings);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_panel);
    splitter->addWidget(bottom);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(bar);
    layout->addWidget(splitter, 1);
}

MetricQuery MetricsDashboard::query() const
{
    MetricQuery q;
    q.project = m_project->currentText();
    q.environment = m_environment->currentText();
    q.metric = m_metric->currentText();
    const qint64 days = m_range->currentData().toLongLong();
    if (days > 0)
        q.from = QDateTime::currentMSecsSinceEpoch() - days * kDayMs;
    return q;
}

void MetricsDashboard::emitQuery()
{
    Q_EMIT queryChanged(query());
}

void MetricsDashboard::fill(QComboBox *combo, const QStringList &items, const QString &current)
{
    QStringList now;
    for (int i = 0; i < combo->count(); ++i)
        now << combo->itemText(i);
    if (now != items) {
        combo->clear();
        combo->addItems(items);
    }
    combo->setCurrentIndex(std::max(0, combo->findText(current)));
}

qint64 MetricsDashboard::runAt(const QPointF &point) const
{
    qint64 best = 0;
    qreal bestDistance = 0;
    const qreal xSpan
        = std::max<qreal>(1, m_x->max().toMSecsSinceEpoch() - m_x->min().toMSecsSinceEpoch());
    const qreal ySpan = std::max<qreal>(1e-12, m_y->max() - m_y->min());
    for (const MetricPoint &p : m_snapshot.chartPoints) {
        const qreal dx = (qreal(p.at) - point.x()) / xSpan;
        const qreal dy = (p.value - point.y()) / ySpan;
        const qreal d = dx * dx + dy * dy;
        if (best == 0 || d < bestDistance) {
            best = p.runId;
            bestDistance = d;
        }
    }
    return best;
}

void MetricsDashboard::applySnapshot(const Baton::MetricSnapshot &snapshot)
{
    m_snapshot = snapshot;
    m_filling = true;
    fill(m_project, snapshot.projects, snapshot.query.project);
    fill(m_environment, snapshot.environments, snapshot.query.environment);
    fill(m_metric, snapshot.metrics, snapshot.query.metric);
    m_filling = false;

    QChart *chart = m_panel->chart();
    // Versions: one line + points each; existing series get their points replaced.
    QHash<qint64, QList<QPointF>> byVersion;
    qreal low = 0, high = 0;
    bool first = true;
    for (const MetricPoint &p : snapshot.chartPoints) {
        byVersion[p.jobVersionId] << QPointF(qreal(p.at), p.value);
        low = first ? p.value : std::min(low, p.value);
        high = first ? p.value : std::max(high, p.value);
        first = false;
    }
    for (const AlertRuleSpec &r : snapshot.rules) {
        if (r.condition == QLatin1String("above") || r.condition == QLatin1String("below")) {
            low = first ? r.value : std::min(low, r.value);
            high = first ? r.value : std::max(high, r.value);
            first = false;
        }
    }
    QSet<QString> keep;
    for (int i = 0; i < snapshot.versions.size(); ++i) {
        const VersionStats &v = snapshot.versions.at(i);
        keep.insert(v.label);
        auto it = m_versionSeries.find(v.label);
        if (it == m_versionSeries.end()) {
            auto *line = new QLineSeries(chart);
            auto *dots = new QScatterSeries(chart);
            chart->addSeries(line);
            chart->addSeries(dots);
            for (QAbstractSeries *s :
                 { static_cast<QAbstractSeries *>(line), static_cast<QAbstractSeries *>(dots) }) {
                s->attachAxis(m_x);
                s->attachAxis(m_y);
            }
            dots->setMarkerSize(8);
            chart->legend()->markers(dots).value(0)->setVisible(false);
            for (QXYSeries *s :
                 { static_cast<QXYSeries *>(line), static_cast<QXYSeries *>(dots) }) {
                connect(s, &QXYSeries::clicked, this, [this](const QPointF &p) {
                    if (const qint64 run = runAt(p))
                        Q_EMIT runActivated(run);
                });
            }
            it = m_versionSeries.insert(v.label, { line, dots });
        }
        const QColor color = kVersionColors.at(i % kVersionColors.size());
        it->first->setName(
            QStringLiteral("%1 (mean %2, n=%3)").arg(v.label, number(v.mean)).arg(v.count));
        QPen pen(color, 2);
        it->first->setPen(pen);
        it->second->setColor(color);
        it->second->setBorderColor(color);
        const QList<QPointF> points = byVersion.value(v.jobVersionId);
        // Hundreds of markers cost more to paint than they tell; the line takes the clicks then.
        it->second->setVisible(points.size() <= 200);
        it->first->replace(points);
        it->second->replace(points);
    }
    for (auto it = m_versionSeries.begin(); it != m_versionSeries.end();) {
        if (keep.contains(it.key())) {
            ++it;
            continue;
        }
        chart->removeSeries(it->first);
        chart->removeSeries(it->second);
        delete it->first;
        delete it->second;
        it = m_versionSeries.erase(it);
    }

    // The y range: round ticks around the values, labels with the decimals the step needs.
    if (first) {
        low = 0;
        high = 1;
    }
    const qreal pad = (high - low) * 0.05;
    applyValueScale(m_y, valueScale(low - pad, high + pad));
    // The x range: the points' time line (logical dates) and where the markers sit on it.
    qint64 from = snapshot.points.isEmpty() ? 0 : snapshot.points.first().at;
    qint64 to = snapshot.points.isEmpty() ? 0 : snapshot.points.last().at;
    for (const DeploymentMarker &m : snapshot.markers) {
        from = from == 0 ? m.chartAt : std::min(from, m.chartAt);
        to = std::max(to, m.chartAt);
    }
    if (from == 0) {
        to = QDateTime::currentMSecsSinceEpoch();
        from = to - 7 * kDayMs;
    }
    applyTimeScale(m_x, from, to);
    const qint64 left = m_x->min().toMSecsSinceEpoch();
    const qint64 right = m_x->max().toMSecsSinceEpoch();

    // Deployment markers (vertical) and thresholds (horizontal): rebuilt, they are few.
    for (QLineSeries *s : std::as_const(m_decorations)) {
        chart->removeSeries(s);
        delete s;
    }
    m_decorations.clear();
    const auto decoration = [&](const QList<QPointF> &points, const QString &name,
                                const QColor &color, Qt::PenStyle style) {
        auto *s = new QLineSeries(chart);
        chart->addSeries(s);
        s->attachAxis(m_x);
        s->attachAxis(m_y);
        s->setName(name);
        s->setPen(QPen(color, 1.5, style));
        s->replace(points);
        m_decorations << s;
    };
    for (const DeploymentMarker &m : snapshot.markers) {
        // Named with its release note: "promote score v2 (nightly v3): Model v7 at 0.35".
        const QString name = m.note.isEmpty()
            ? tr("%1 %2").arg(m.kind, m.label)
            : tr("%1 %2: %3").arg(m.kind, m.label, m.note.section(QLatin1Char('\n'), 0, 0));
        decoration({ QPointF(qreal(m.chartAt), m_y->min()), QPointF(qreal(m.chartAt), m_y->max()) },
                   name, QColor(0x7f, 0x8c, 0x8d), Qt::DashLine);
    }
    for (const AlertRuleSpec &r : snapshot.rules) {
        if (r.condition != QLatin1String("above") && r.condition != QLatin1String("below"))
            continue;
        decoration({ QPointF(qreal(left), r.value), QPointF(qreal(right), r.value) },
                   tr("alert %1: %2").arg(r.name, conditionText(r)), QColor(0xd9, 0x4a, 0x38),
                   Qt::DotLine);
    }

    m_panel->setTitle(
        snapshot.query.metric.isEmpty()
            ? tr("No metrics yet")
            : tr("%1 in %2 (%3)")
                  .arg(snapshot.query.metric, snapshot.query.environment, snapshot.query.project));
    m_panel->setNote(snapshot.points.isEmpty()
                         ? tr("No values in this range. Jobs report metrics by writing "
                              "\"NAME VALUE\" lines to $BATON_METRICS_FILE.")
                         : tr("%1 values from %2 version(s), %3 deployment(s), at their runs' "
                              "logical dates; click a point to open its run")
                               .arg(snapshot.points.size())
                               .arg(snapshot.versions.size())
                               .arg(snapshot.markers.size()));

    m_table->setRowCount(int(snapshot.comparisons.size()));
    for (int row = 0; row < snapshot.comparisons.size(); ++row) {
        const VersionComparison &c = snapshot.comparisons.at(row);
        const QStringList cells = { c.before.label,
                                    QString::number(c.before.count),
                                    number(c.before.mean),
                                    number(c.before.stddev),
                                    c.after.label,
                                    QString::number(c.after.count),
                                    number(c.after.mean),
                                    number(c.after.stddev),
                                    c.hasChange ? QStringLiteral("%1%2 %").arg(
                                        c.changePercent >= 0 ? QStringLiteral("+") : QString(),
                                        QString::number(c.changePercent, 'f', 1))
                                                : tr("n/a (mean before is 0)") };
        for (int col = 0; col < cells.size(); ++col)
            m_table->setItem(row, col, new QTableWidgetItem(cells.at(col)));
        if (c.deploymentId)
            m_table->item(row, 4)->setToolTip(tr("deployment #%1").arg(c.deploymentId));
    }

    QStringList lines;
    for (const AlertRuleSpec &r : snapshot.rules)
        lines << tr("Rule %1: %2").arg(r.name, conditionText(r));
    for (const AlertFiring &f : snapshot.firings) {
        lines << tr("%1 %2 — %3")
                     .arg(f.state == QLatin1String("firing") ? QStringLiteral("⚠")
                                                             : QStringLiteral("✓"),
                          QDateTime::fromMSecsSinceEpoch(f.firedAt).toString(
                              QStringLiteral("yyyy-MM-dd HH:mm")),
                          f.message);
    }
    m_firings->setText(lines.join(QLatin1Char('\n')));
}

} // namespace Baton::Ui
