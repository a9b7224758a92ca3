#include "runcompareview.h"

#include "runcomparemodel.h"
#include "store/store.h"
#include "widgets/backgroundtask.h"
#include "widgets/theme.h"

#include <QCheckBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace Baton::Ui {

namespace {

QTableView *table(RunCompareModel *model, const QString &name, QWidget *parent)
{
    auto *view = new QTableView(parent);
    view->setObjectName(name);
    view->setModel(model);
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setShowGrid(false);
    view->setWordWrap(false);
    view->verticalHeader()->setVisible(false);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 8);
    view->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    return view;
}

} // namespace

RunCompareView::RunCompareView(const Baton::Store *store, qint64 runA, qint64 runB, QWidget *parent)
    : QWidget(parent)
    , m_store(store)
    , m_runA(runA)
    , m_runB(runB)
    , m_timer(new QTimer(this))
    , m_fields(new RunCompareModel(RunCompareModel::Kind::Fields, this))
    , m_tasks(new RunCompareModel(RunCompareModel::Kind::Tasks, this))
    , m_metrics(new RunCompareModel(RunCompareModel::Kind::Metrics, this))
    , m_only(new QCheckBox(tr("Only differences"), this))
    , m_summary(new QLabel(this))
{
    setObjectName(QStringLiteral("runCompare"));
    m_only->setObjectName(QStringLiteral("onlyDifferences"));
    m_summary->setObjectName(QStringLiteral("compareSummary"));
    m_summary->setTextFormat(Qt::RichText);
    m_summary->setText(tr("<b>Run %1 ↔ run %2</b> — reading…").arg(runA).arg(runB));
    auto *reloadButton = new QPushButton(tr("Reload"), this);

    auto *top = new QHBoxLayout;
    top->addWidget(m_summary, 1);
    top->addWidget(m_only);
    top->addWidget(reloadButton);

    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(table(m_fields, QStringLiteral("compareFields"), split));
    QTableView *tasks = table(m_tasks, QStringLiteral("compareTasks"), split);
    tasks->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    tasks->horizontalHeader()->setStretchLastSection(true);
    tasks->horizontalHeader()->setDefaultSectionSize(
        fontMetrics().horizontalAdvance(QStringLiteral("Duration · Run 00000")) + 16);
    split->addWidget(tasks);
    split->addWidget(table(m_metrics, QStringLiteral("compareMetrics"), split));
    split->setStretchFactor(0, 2);
    split->setStretchFactor(1, 2);
    split->setStretchFactor(2, 1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 6, 8, 6);
    layout->addLayout(top);
    layout->addWidget(split, 1);

    connect(m_only, &QCheckBox::toggled, this, [this](bool only) {
        m_fields->setOnlyDifferences(only);
        m_tasks->setOnlyDifferences(only);
        m_metrics->setOnlyDifferences(only);
    });
    connect(reloadButton, &QPushButton::clicked, this, &RunCompareView::reload);
    connect(m_timer, &QTimer::timeout, this, &RunCompareView::reload);
    reload();
}

RunCompareView::~RunCompareView() = default; // a read in flight is dropped, not waited for

QString RunCompareView::title() const
{
    return tr("Compare %1 ↔ %2").arg(m_runA).arg(m_runB);
}

void RunCompareView::reload()
{
    if (m_inFlight)
        return;
    m_inFlight = true;
    const Store *store = m_store;
    const qint64 a = m_runA;
    const qint64 b = m_runB;
    struct Answer
    {
        RunComparison comparison;
        QString error;
        bool active = false;
    };
    BackgroundTask::run(
        this, BackgroundTask::lane(QStringLiteral("compare")),
        [store, a, b] {
            Answer r;
            r.error = failureOf([&] {
                const QSqlDatabase db = store->db();
                const RunDetail da = RunDetails::load(db, a);
                const RunDetail dbb = RunDetails::load(db, b);
                r.active = !da.terminal || !dbb.terminal;
                r.comparison = RunCompare::compare(da, dbb, QDateTime::currentMSecsSinceEpoch());
            });
            return r;
        },
        [this](const Answer &r) {
            m_inFlight = false;
            if (!r.error.isEmpty()) {
                m_lastError = r.error;
                m_summary->setText(
                    tr("<b>Run %1 ↔ run %2</b> — <span style=\"color:%3\">%4</span>")
                        .arg(m_runA)
                        .arg(m_runB)
                        .arg(Theme::failure(palette()).name(), r.error.toHtmlEscaped()));
                Q_EMIT loadFailed(r.error);
                return;
            }
            apply(r.comparison, r.active);
        });
}

void RunCompareView::apply(const Baton::RunComparison &comparison, bool active)
{
    m_loaded = true;
    m_lastError.clear();
    m_comparison = comparison;
    m_fields->setComparison(comparison);
    m_tasks->setComparison(comparison);
    m_metrics->setComparison(comparison);
    const int n = comparison.differenceCount();
    m_summary->setText(
        tr("<b>Run %1 ↔ run %2</b> — %3%4")
            .arg(m_runA)
            .arg(m_runB)
            .arg(n == 0 ? tr("no difference") : tr("%1 difference(s), tinted").arg(n),
                 active ? tr(" · still running, refreshed every 3 s") : QString()));
    if (active && !m_timer->isActive())
        m_timer->start(3000);
    else if (!active)
        m_timer->stop();
    Q_EMIT comparisonApplied();
}

} // namespace Baton::Ui
