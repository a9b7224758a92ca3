#include "dashboardsmode.h"

#include "access/identity.h"
#include "metricsdashboard.h"
#include "model/durationformat.h"
#include "monitoring/dashboardworker.h"
#include "operationsdashboard.h"
#include "store/workspace.h"
#include "widgets/paintediconengine.h"

#include <QDateTime>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPainter>
#include <QPainterPath>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QThread>
#include <QToolButton>
#include <QVBoxLayout>

namespace Baton::Ui {

namespace {

QString timeText(qint64 ms)
{
    return ms ? QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"))
              : QString();
}

QTableWidget *table(const QString &objectName, const QStringList &headers, QWidget *parent)
{
    auto *t = new QTableWidget(parent);
    t->setObjectName(objectName);
    t->setColumnCount(int(headers.size()));
    t->setHorizontalHeaderLabels(headers);
    t->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    t->horizontalHeader()->setStretchLastSection(true);
    t->verticalHeader()->setVisible(false);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setSelectionMode(QAbstractItemView::SingleSelection);
    return t;
}

} // namespace

QString DashboardsMode::displayName() const
{
    return tr("Dashboards");
}

QKeySequence DashboardsMode::shortcut() const
{
    return QKeySequence(Qt::CTRL | Qt::Key_4);
}

void DashboardsMode::applyContext(const QVariantMap &context)
{
    if (context.value(QStringLiteral("alerts")).toBool())
        showAlerts();
}

QIcon DashboardsMode::icon() const
{
    return QIcon(new PaintedIconEngine(
        [](QPainter &p, const QPalette &palette, QIcon::Mode mode, QIcon::State state) {
            const QColor c = state == QIcon::On ? palette.color(QPalette::Highlight)
                : mode == QIcon::Selected       ? palette.color(QPalette::HighlightedText)
                                                : palette.color(QPalette::WindowText);
            p.setPen(QPen(c, 1.6, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
            p.setBrush(Qt::NoBrush);
            // Axes, three bars and a trend line: charts.
            p.drawLine(QPointF(3, 3), QPointF(3, 21));
            p.drawLine(QPointF(3, 21), QPointF(21, 21));
            p.setBrush(c);
            p.drawRect(QRectF(6.5, 14, 3, 5));
            p.drawRect(QRectF(11.5, 10, 3, 9));
            p.drawRect(QRectF(16.5, 12, 3, 7));
            p.setBrush(Qt::NoBrush);
            QPainterPath trend;
            trend.moveTo(6, 10);
            trend.lineTo(11, 6);
            trend.lineTo(15, 8);
            trend.lineTo(20, 3.5);
            p.drawPath(trend);
        }));
}

DashboardsMode::DashboardsMode(Baton::Workspace *workspace, QWidget *parent, int pollIntervalMs)
    : Mode(parent)
    , m_workspace(workspace)
    , m_thread(new QThread(this))
    , m_worker(new DashboardWorker(&workspace->store()))
    , m_banner(new QLabel(this))
    , m_tabs(new QTabWidget(this))
    , m_operations(new OperationsDashboard(this))
    , m_metrics(new MetricsDashboard(this))
    , m_runsPanel(new QWidget(this))
    , m_runsTitle(new QLabel(this))
    , m_runsTable(table(QStringLiteral("drillDownRuns"),
                        { tr("Run"), tr("Pipeline"), tr("Environment"), tr("State"), tr("Queued"),
                          tr("Duration") },
                        this))
{
    setObjectName(QStringLiteral("dashboardsMode"));
    m_banner->setObjectName(QStringLiteral("alertBanner"));
    m_banner->setWordWrap(true);
    m_banner->setTextFormat(Qt::PlainText);
    m_banner->setContentsMargins(10, 6, 10, 6);
    m_banner->setAutoFillBackground(true);
    QPalette warn = m_banner->palette();
    warn.setColor(QPalette::Window, QColor(0xfd, 0xec, 0xea));
    warn.setColor(QPalette::WindowText, QColor(0x9b, 0x1c, 0x1c));
    m_banner->setPalette(warn);
    m_banner->setVisible(false);
    m_banner->setCursor(Qt::PointingHandCursor);
    m_banner->installEventFilter(this);

    m_tabs->setObjectName(QStringLiteral("dashboardTabs"));
    m_tabs->setDocumentMode(true);
    m_tabs->addTab(m_operations, tr("Operations"));
    m_tabs->addTab(m_metrics, tr("Business metrics"));
    m_tabs->addTab(createAlertsPage(), tr("Alerts"));

    // The runs behind a click, under the charts.
    auto *runsLayout = new QVBoxLayout(m_runsPanel);
    runsLayout->setContentsMargins(6, 2, 6, 6);
    auto *runsHeader = new QHBoxLayout;
    m_runsTitle->setObjectName(QStringLiteral("drillDownTitle"));
    QFont bold = m_runsTitle->font();
    bold.setBold(true);
    m_runsTitle->setFont(bold);
    auto *close = new QToolButton(m_runsPanel);
    close->setText(tr("Close"));
    close->setAutoRaise(true);
    connect(close, &QToolButton::clicked, m_runsPanel, &QWidget::hide);
    runsHeader->addWidget(m_runsTitle, 1);
    runsHeader->addWidget(close);
    runsLayout->addLayout(runsHeader);
    runsLayout->addWidget(m_runsTable, 1);
    m_runsTable->setToolTip(tr("Double-click a run to open it in Monitor"));
    connect(m_runsTable, &QTableWidget::cellActivated, this, [this](int row, int) {
        if (QTableWidgetItem *item = m_runsTable->item(row, 0))
            Q_EMIT openRunRequested(item->data(Qt::UserRole).toLongLong());
    });
    m_runsPanel->setVisible(false);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->addWidget(m_tabs);
    splitter->addWidget(m_runsPanel);
    splitter->setStretchFactor(0, 4);
    splitter->setStretchFactor(1, 1);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_banner);
    layout->addWidget(splitter, 1);

    // The worker/controller pattern: queries go to the worker's thread as queued calls,
    // snapshots come back as queued signals.
    m_thread->setObjectName(QStringLiteral("baton-dashboards"));
    m_worker->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    connect(m_worker, &DashboardWorker::operationsReady, this, [this](const OperationsSnapshot &s) {
        m_operations->applySnapshot(s);
        Q_EMIT operationsApplied();
    });
    connect(m_worker, &DashboardWorker::metricsReady, this, [this](const MetricSnapshot &s) {
        m_metrics->applySnapshot(s);
        Q_EMIT metricsApplied();
    });
    connect(m_worker, &DashboardWorker::alertsReady, this, &DashboardsMode::onAlerts);
    connect(m_worker, &DashboardWorker::alertsFired, this, &DashboardsMode::onAlertsFired);
    connect(m_worker, &DashboardWorker::runsReady, this, &DashboardsMode::onRuns);
    connect(m_worker, &DashboardWorker::failed, this, &DashboardsMode::pollFailed);
    connect(m_operations, &OperationsDashboard::filterChanged, m_worker,
            &DashboardWorker::setOperationsFilter);
    connect(m_operations, &OperationsDashboard::drillDown, this, &DashboardsMode::showRuns);
    connect(m_metrics, &MetricsDashboard::queryChanged, m_worker, &DashboardWorker::setMetricQuery);
    connect(m_metrics, &MetricsDashboard::runActivated, this, &DashboardsMode::openRunRequested);
    connect(this, &DashboardsMode::openRunRequested, this, &Mode::runRequested);
    // Firing alerts badge this mode's rail button, whatever mode is shown.
    connect(this, &DashboardsMode::openAlertsChanged, this, [this](int open) {
        Q_EMIT badgeChanged(open > 0 ? QString::number(open) : QString());
    });
    connect(m_metrics, &MetricsDashboard::runsRequested, this, &DashboardsMode::showRuns);
    m_thread->start();
    const DashboardFilter filter = m_operations->filter();
    const MetricQuery query = m_metrics->query();
    QMetaObject::invokeMethod(
        m_worker,
        [w = m_worker, filter, query, pollIntervalMs] {
            w->setOperationsFilter(filter);
            w->setMetricQuery(query);
            w->start(pollIntervalMs);
        },
        Qt::QueuedConnection);
}

DashboardsMode::~DashboardsMode()
{
    m_thread->quit();
    m_thread->wait();
}

QWidget *DashboardsMode::createAlertsPage()
{
    auto *page = new QWidget(this);
    m_alertsTable = table(QStringLiteral("alertsTable"),
                          { tr("Fired"), tr("Rule"), tr("Environment"), tr("State"), tr("Versions"),
                            tr("Deployment"), tr("Runs"), tr("What happened") },
                          page);
    m_acknowledge = new QPushButton(tr("Acknowledge"), page);
    m_acknowledge->setObjectName(QStringLiteral("acknowledgeAlert"));
    m_acknowledge->setToolTip(tr("Mark the selected alert as seen (recorded in the audit trail)"));
    m_alertRuns = new QPushButton(tr("Show Runs"), page);
    m_alertRuns->setObjectName(QStringLiteral("alertRuns"));
    m_alertRuns->setToolTip(tr("List the runs the selected alert compared"));
    const auto selected = [this]() -> const AlertFiring * {
        const int row = m_alertsTable->currentRow();
        return row >= 0 && row < m_recent.size() ? &m_recent.at(row) : nullptr;
    };
    connect(m_acknowledge, &QPushButton::clicked, this, [this, selected] {
        if (const AlertFiring *f = selected()) {
            const qint64 id = f->id;
            const QString actor = currentUser();
            QMetaObject::invokeMethod(
                m_worker, [w = m_worker, id, actor] { w->acknowledge(id, actor); },
                Qt::QueuedConnection);
        }
    });
    connect(m_alertRuns, &QPushButton::clicked, this, [this, selected] {
        if (const AlertFiring *f = selected()) {
            RunsQuery q;
            q.runIds = f->runIds;
            q.title = tr("Runs behind alert %1/%2").arg(f->project, f->rule);
            showRuns(q);
        }
    });
    connect(m_alertsTable, &QTableWidget::cellActivated, m_alertRuns, &QPushButton::click);
    auto *buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(m_alertRuns);
    buttons->addWidget(m_acknowledge);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(m_alertsTable, 1);
    layout->addLayout(buttons);
    return page;
}

bool DashboardsMode::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_banner && event->type() == QEvent::MouseButtonRelease)
        showAlerts();
    return QWidget::eventFilter(watched, event);
}

bool DashboardsMode::event(QEvent *event)
{
    // Shown or hidden among the window's modes (sent even to a mode never shown yet): the
    // charts are read only while someone can see them; the alerts always are.
    if (event->type() == QEvent::ShowToParent || event->type() == QEvent::HideToParent) {
        const bool shown = event->type() == QEvent::ShowToParent;
        QMetaObject::invokeMethod(
            m_worker, [w = m_worker, shown] { w->setChartsShown(shown); }, Qt::QueuedConnection);
    }
    return Mode::event(event);
}

void DashboardsMode::refreshNow()
{
    QMetaObject::invokeMethod(m_worker, &DashboardWorker::refreshNow, Qt::QueuedConnection);
}

void DashboardsMode::showRuns(const Baton::RunsQuery &query)
{
    QMetaObject::invokeMethod(
        m_worker, [w = m_worker, query] { w->queryRuns(query); }, Qt::QueuedConnection);
}

void DashboardsMode::showAlerts()
{
    m_tabs->setCurrentIndex(2);
}

void DashboardsMode::onRuns(const Baton::RunsQuery &query, const QList<Baton::RunBrief> &runs)
{
    m_runsTitle->setText(
        tr("%1 — %n run(s)", nullptr, int(runs.size()))
            .arg(query.title.isEmpty() ? tr("Runs") : query.title)
        + (runs.size() >= query.limit ? tr(" (the newest %1)").arg(query.limit) : QString()));
    m_runsTable->setRowCount(int(runs.size()));
    for (int row = 0; row < runs.size(); ++row) {
        const RunBrief &r = runs.at(row);
        auto *id = new QTableWidgetItem(QStringLiteral("#%1").arg(r.id));
        id->setData(Qt::UserRole, r.id);
        m_runsTable->setItem(row, 0, id);
        m_runsTable->setItem(row, 1,
                             new QTableWidgetItem(r.project + QLatin1Char('/') + r.pipeline));
        m_runsTable->setItem(row, 2, new QTableWidgetItem(r.environment));
        m_runsTable->setItem(row, 3, new QTableWidgetItem(toString(r.state)));
        m_runsTable->setItem(row, 4, new QTableWidgetItem(timeText(r.createdAt)));
        m_runsTable->setItem(row, 5, new QTableWidgetItem(durationTextOr(r.durationMs, QString())));
    }
    m_runsPanel->setVisible(true);
    Q_EMIT runsListed();
}

void DashboardsMode::onAlerts(const QList<Baton::AlertFiring> &open,
                              const QList<Baton::AlertFiring> &recent)
{
    const bool countChanged = open.size() != m_open.size();
    const auto ids = [](const QList<AlertFiring> &list) {
        QList<qint64> result;
        for (const AlertFiring &f : list)
            result << f.id;
        return result;
    };
    const bool openChanged = ids(open) != ids(m_open);
    m_open = open;
    m_recent = recent;
    m_alertsTable->setRowCount(int(recent.size()));
    for (int row = 0; row < recent.size(); ++row) {
        const AlertFiring &f = recent.at(row);
        const QString state = f.acknowledgedAt
            ? tr("%1, acknowledged by %2").arg(f.state, f.acknowledgedBy)
            : f.state;
        const QStringList cells
            = { timeText(f.firedAt),
                f.project + QLatin1Char('/') + f.rule,
                f.environment,
                state,
                f.fromVersion.isEmpty() ? QString()
                                        : f.fromVersion + QStringLiteral(" → ") + f.toVersion,
                f.deploymentId ? tr("#%1 at %2").arg(f.deploymentId).arg(timeText(f.deployedAt))
                               : QString(),
                QString::number(f.runIds.size()),
                f.message };
        for (int col = 0; col < cells.size(); ++col)
            m_alertsTable->setItem(row, col, new QTableWidgetItem(cells.at(col)));
        if (f.isOpen()) {
            for (int col = 0; col < cells.size(); ++col)
                m_alertsTable->item(row, col)->setForeground(QColor(0xc0, 0x39, 0x2b));
        }
    }
    m_tabs->setTabText(2, open.isEmpty() ? tr("Alerts") : tr("Alerts (%1)").arg(open.size()));
    // The banner follows the open alerts at once: an acknowledged one leaves it in the same
    // poll (it used to keep its text while it was on screen).
    if (open.isEmpty())
        m_banner->setVisible(false);
    else if (openChanged || !m_banner->isVisibleTo(this)) {
        m_banner->setText(
            tr("⚠ %n alert(s) firing: %1 — click to see them", nullptr, int(open.size()))
                .arg(open.first().message));
        m_banner->setVisible(true);
    }
    if (countChanged)
        Q_EMIT openAlertsChanged(int(open.size()));
}

void DashboardsMode::onAlertsFired(const QList<Baton::AlertFiring> &fired)
{
    if (fired.isEmpty())
        return;
    m_banner->setText(tr("⚠ New alert: %1 — click to see it").arg(fired.last().message));
    m_banner->setVisible(true);
    Q_EMIT alertsFired(fired);
}

} // namespace Baton::Ui
