#include "releasesmode.h"

#include "deploymentmatrixmodel.h"
#include "diffhighlighter.h"
#include "promotedialog.h"
#include "store/workspace.h"
#include "widgets/icons.h"
#include "widgets/theme.h"

#include <QComboBox>
#include <QDateTime>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QTableView>
#include <QTableWidget>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>

namespace Baton::Ui {

namespace {

QTableWidget *makeTable(const QStringList &header, const QString &objectName, QWidget *parent)
{
    auto *t = new QTableWidget(0, int(header.size()), parent);
    t->setObjectName(objectName);
    t->setHorizontalHeaderLabels(header);
    t->verticalHeader()->setVisible(false);
    t->horizontalHeader()->setStretchLastSection(true);
    t->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setAlternatingRowColors(true);
    t->setShowGrid(false);
    t->setWordWrap(false);
    return t;
}

void fillRow(QTableWidget *t, int row, const QStringList &cells, const QVariant &data = {})
{
    for (int c = 0; c < cells.size(); ++c) {
        auto *item = new QTableWidgetItem(cells.at(c));
        item->setToolTip(cells.at(c));
        if (c == 0)
            item->setData(Qt::UserRole, data);
        t->setItem(row, c, item);
    }
}

QString when(qint64 ms)
{
    return ms > 0 ? QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm"))
                  : QString();
}

} // namespace

ReleasesMode::ReleasesMode(Baton::Workspace *workspace, QWidget *parent)
    : Mode(parent)
    , m_worker(new ReleaseWorker(&workspace->store()))
    , m_thread(new QThread(this))
    , m_timer(new QTimer(this))
    , m_model(new DeploymentMatrixModel(this))
{
    setObjectName(QStringLiteral("releasesMode"));
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 4);
    layout->setSpacing(6);

    auto *bar = new QHBoxLayout;
    bar->addWidget(new QLabel(tr("Project:"), this));
    m_projectCombo = new QComboBox(this);
    m_projectCombo->setObjectName(QStringLiteral("releasesProject"));
    m_projectCombo->setMinimumContentsLength(14);
    bar->addWidget(m_projectCombo);
    m_promote = new QPushButton(tr("&Promote…"), this);
    m_promote->setObjectName(QStringLiteral("releasesPromote"));
    m_promote->setToolTip(tr("Promote the selected job or pipeline into the selected environment "
                             "(from the one before it); shows the changes and gates first"));
    m_rollback = new QPushButton(tr("Roll &Back…"), this);
    m_rollback->setObjectName(QStringLiteral("releasesRollback"));
    m_rollback->setToolTip(tr("Redeploy the version the selected environment ran before"));
    m_refresh = new QPushButton(tr("Refresh"), this);
    bar->addWidget(m_promote);
    bar->addWidget(m_rollback);
    bar->addStretch(1);
    m_userLabel = new QLabel(this);
    m_userLabel->setObjectName(QStringLiteral("releasesUser"));
    bar->addWidget(m_userLabel);
    bar->addWidget(m_refresh);
    layout->addLayout(bar);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setChildrenCollapsible(false);
    auto *top = new QWidget(splitter);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    m_matrix = new QTableView(top);
    m_matrix->setObjectName(QStringLiteral("deploymentMatrix"));
    m_matrix->setAccessibleName(tr("Deployment matrix"));
    m_matrix->setModel(m_model);
    m_matrix->setSelectionMode(QAbstractItemView::SingleSelection);
    m_matrix->setSelectionBehavior(QAbstractItemView::SelectItems);
    m_matrix->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_matrix->setShowGrid(true);
    m_matrix->setWordWrap(false);
    m_matrix->verticalHeader()->setVisible(false);
    m_matrix->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 12);
    m_matrix->horizontalHeader()->setDefaultSectionSize(
        fontMetrics().horizontalAdvance(QStringLiteral("≠ v00  ⚠  ⚑ v00")) + 40);
    m_matrix->horizontalHeader()->setMinimumSectionSize(60);
    m_matrix->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    topLayout->addWidget(m_matrix, 1);
    m_legend = new QLabel(tr("● last run of the deployed version there   ≠ differs from the "
                             "environment before   ⚠ runtime deprecated or missing   ⚑ waits for "
                             "approval   (double-click a cell to promote "
                             "into it)"),
                          top);
    m_legend->setObjectName(QStringLiteral("releasesLegend"));
    m_legend->setWordWrap(true);
    QPalette legend = m_legend->palette();
    legend.setColor(QPalette::WindowText, Theme::mutedText(palette()));
    m_legend->setPalette(legend);
    topLayout->addWidget(m_legend);

    m_tabs = new QTabWidget(splitter);
    m_tabs->setObjectName(QStringLiteral("releasesTabs"));
    // Requests
    auto *requests = new QWidget(m_tabs);
    auto *requestsLayout = new QVBoxLayout(requests);
    m_requests = makeTable({ tr("#"), tr("Target"), tr("Version"), tr("Path"), tr("State"),
                             tr("Requested by"), tr("At"), tr("Note / decision") },
                           QStringLiteral("releasesRequests"), requests);
    requestsLayout->addWidget(m_requests, 1);
    auto *requestButtons = new QHBoxLayout;
    m_approve = new QPushButton(tr("&Approve…"), requests);
    m_approve->setObjectName(QStringLiteral("releasesApprove"));
    m_reject = new QPushButton(tr("Re&ject…"), requests);
    m_reject->setObjectName(QStringLiteral("releasesReject"));
    requestButtons->addWidget(m_approve);
    requestButtons->addWidget(m_reject);
    requestButtons->addStretch(1);
    requestsLayout->addLayout(requestButtons);
    m_tabs->addTab(requests, tr("Requests"));
    // History and diff
    auto *history = new QSplitter(Qt::Horizontal, m_tabs);
    auto *historyLeft = new QWidget(history);
    auto *historyLayout = new QVBoxLayout(historyLeft);
    m_history = makeTable(
        { tr("Version"), tr("Author"), tr("Created"), tr("Deployed in"), tr("Release note") },
        QStringLiteral("releasesHistory"), historyLeft);
    m_history->setSelectionMode(QAbstractItemView::ExtendedSelection);
    historyLayout->addWidget(m_history, 1);
    m_diffButton = new QPushButton(tr("&Diff"), historyLeft);
    m_diffButton->setObjectName(QStringLiteral("releasesDiffButton"));
    m_diffButton->setToolTip(tr("Diff the two selected versions, or the selected one against "
                                "the version before it"));
    historyLayout->addWidget(m_diffButton, 0, Qt::AlignLeft);
    auto *diffSide = new QWidget(history);
    auto *diffLayout = new QVBoxLayout(diffSide);
    m_diffTitle = new QLabel(tr("Select a version to see what changed"), diffSide);
    diffLayout->addWidget(m_diffTitle);
    m_diff = new QPlainTextEdit(diffSide);
    m_diff->setObjectName(QStringLiteral("releasesDiff"));
    m_diff->setReadOnly(true);
    m_diff->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_diff->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    new DiffHighlighter(m_diff->document());
    diffLayout->addWidget(m_diff, 1);
    history->setStretchFactor(1, 1);
    m_tabs->addTab(history, tr("History && diff"));
    // Runtimes
    auto *runtimes = new QWidget(m_tabs);
    auto *runtimesLayout = new QVBoxLayout(runtimes);
    m_runtimes = makeTable(
        { tr("Runtime"), tr("Version"), tr("Executor"), tr("Deprecated from"), tr("Path") },
        QStringLiteral("releasesRuntimes"), runtimes);
    runtimesLayout->addWidget(m_runtimes, 1);
    m_detect = new QPushButton(tr("Detect &Runtimes"), runtimes);
    m_detect->setObjectName(QStringLiteral("releasesDetect"));
    m_detect->setToolTip(tr("Run bash --version, python3 --version, … on this host now"));
    runtimesLayout->addWidget(m_detect, 0, Qt::AlignLeft);
    m_tabs->addTab(runtimes, tr("Runtimes"));
    splitter->addWidget(top);
    splitter->addWidget(m_tabs);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    layout->addWidget(splitter, 1);

    m_message = new QLabel(this);
    m_message->setObjectName(QStringLiteral("releasesMessage"));
    m_message->setWordWrap(true);
    m_message->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_message);

    connect(m_projectCombo, &QComboBox::currentIndexChanged, this, &ReleasesMode::showProject);
    connect(m_promote, &QPushButton::clicked, this, &ReleasesMode::promoteSelected);
    connect(m_rollback, &QPushButton::clicked, this, &ReleasesMode::rollbackSelected);
    connect(m_refresh, &QPushButton::clicked, this, &ReleasesMode::refresh);
    connect(m_approve, &QPushButton::clicked, this, &ReleasesMode::approveSelected);
    connect(m_reject, &QPushButton::clicked, this, &ReleasesMode::rejectSelected);
    connect(m_detect, &QPushButton::clicked, this, &ReleasesMode::detectRuntimes);
    connect(m_diffButton, &QPushButton::clicked, this, &ReleasesMode::diffSelected);
    connect(m_matrix, &QTableView::doubleClicked, this, [this](const QModelIndex &index) {
        if (index.column() >= DeploymentMatrixModel::FirstEnvironmentColumn)
            promoteSelected();
    });
    connect(m_matrix->selectionModel(), &QItemSelectionModel::currentChanged, this, [this] {
        updateActions();
        loadHistory();
    });
    connect(m_requests, &QTableWidget::itemSelectionChanged, this, &ReleasesMode::updateActions);
    connect(m_history, &QTableWidget::itemSelectionChanged, this,
            [this] { m_diffButton->setEnabled(!m_history->selectedItems().isEmpty()); });

    // Worker/controller: the worker has its own thread and connection; answers come queued.
    m_thread->setObjectName(QStringLiteral("baton-releases"));
    m_worker->moveToThread(m_thread);
    connect(m_worker, &ReleaseWorker::snapshotReady, this, &ReleasesMode::onSnapshot);
    connect(m_worker, &ReleaseWorker::planReady, this, &ReleasesMode::onPlan);
    connect(m_worker, &ReleaseWorker::rollbackPlanReady, this, &ReleasesMode::onRollbackPlan);
    connect(m_worker, &ReleaseWorker::historyReady, this, &ReleasesMode::onHistory);
    connect(m_worker, &ReleaseWorker::diffReady, this, &ReleasesMode::onDiff);
    connect(m_worker, &ReleaseWorker::actionDone, this, &ReleasesMode::onDone);
    connect(m_worker, &ReleaseWorker::failed, this, &ReleasesMode::onFailed);
    m_thread->start();
    connect(m_timer, &QTimer::timeout, this, [this] {
        if (isVisible()) // a hidden mode is read again when shown (showEvent)
            refresh();
    });
    m_timer->start(DefaultPollIntervalMs);
    updateActions();
    refresh();
}

ReleasesMode::~ReleasesMode()
{
    m_timer->stop();
    m_thread->quit();
    m_thread->wait();
    delete m_worker; // its thread has finished: nothing runs it any more
}

void ReleasesMode::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    refresh();
}

bool ReleasesMode::event(QEvent *event)
{
    // Shown or hidden among the window's modes (sent even to a mode never shown yet).
    if (event->type() == QEvent::ShowToParent || event->type() == QEvent::HideToParent) {
        const bool shown = event->type() == QEvent::ShowToParent;
        QMetaObject::invokeMethod(
            m_worker, [w = m_worker, shown] { w->setShown(shown); }, Qt::QueuedConnection);
    }
    return Mode::event(event);
}

void ReleasesMode::refresh()
{
    QMetaObject::invokeMethod(m_worker, &ReleaseWorker::refresh, Qt::QueuedConnection);
}

QString ReleasesMode::currentProject() const
{
    return m_projectCombo->currentText();
}

bool ReleasesMode::setProject(const QString &project)
{
    const int i = m_projectCombo->findText(project);
    if (i < 0)
        return false;
    m_projectCombo->setCurrentIndex(i);
    return true;
}

void ReleasesMode::onSnapshot(const Baton::ReleaseSnapshot &snapshot)
{
    m_snapshot = snapshot;
    m_loaded = true;
    m_lastError.clear();
    QStringList projects;
    for (const ProjectMatrix &pm : snapshot.matrix.projects)
        projects << pm.project;
    QStringList shown;
    for (int i = 0; i < m_projectCombo->count(); ++i)
        shown << m_projectCombo->itemText(i);
    if (projects != shown) {
        const QString keep = currentProject();
        const QSignalBlocker block(m_projectCombo);
        m_projectCombo->clear();
        m_projectCombo->addItems(projects);
        const int i = m_projectCombo->findText(keep);
        m_projectCombo->setCurrentIndex(i >= 0 ? i : 0);
    }
    showProject();

    m_userLabel->setText(tr("%1 · %2").arg(
        snapshot.user,
        snapshot.roles.isEmpty() ? tr("no role") : snapshot.roles.join(QStringLiteral(", "))));
    const qint64 selectedRequest
        = m_requests->currentRow() >= 0 && m_requests->item(m_requests->currentRow(), 0)
        ? m_requests->item(m_requests->currentRow(), 0)->data(Qt::UserRole).toLongLong()
        : 0;
    m_requests->setRowCount(int(snapshot.requests.size()));
    int pending = 0;
    for (int r = 0; r < snapshot.requests.size(); ++r) {
        const PromotionRequest &q = snapshot.requests.at(r);
        pending += q.state == QLatin1String("pending") ? 1 : 0;
        fillRow(
            m_requests, r,
            { QString::number(q.id), q.fullName(), QStringLiteral("v%1").arg(q.version),
              QStringLiteral("%1 → %2").arg(q.from, q.to), q.state, q.requestedBy,
              when(q.requestedAt),
              q.state == QLatin1String("pending")
                  ? q.note
                  : QStringLiteral("%1 by %2 %3").arg(q.state, q.decidedBy, q.reason).trimmed() },
            q.id);
        if (q.state == QLatin1String("pending"))
            m_requests->item(r, 4)->setForeground(
                Theme::stateColor(palette(), RunState::Queued)); // waits, as a queued run
    }
    m_tabs->setTabText(0, pending ? tr("Requests (%1 pending)").arg(pending) : tr("Requests"));
    if (selectedRequest)
        selectRequest(selectedRequest);

    m_runtimes->setRowCount(int(snapshot.runtimes.size()));
    for (int r = 0; r < snapshot.runtimes.size(); ++r) {
        const RuntimeInfo &rt = snapshot.runtimes.at(r);
        fillRow(m_runtimes, r,
                { rt.technology, rt.version, rt.executor.isEmpty() ? tr("(none)") : rt.executor,
                  rt.deprecatedOn.isValid() ? rt.deprecatedOn.toString(Qt::ISODate) : QString(),
                  rt.path });
        if (rt.deprecatedOn.isValid() && rt.deprecatedOn <= QDate::currentDate())
            m_runtimes->item(r, 3)->setForeground(Theme::failure(palette()));
    }
    updateActions();
    Q_EMIT snapshotApplied();
}

void ReleasesMode::showProject()
{
    // The history shown belongs to one project: another project's versions must not stay.
    if (!m_historyOf.isEmpty()
        && m_historyOf.section(QLatin1Char(':'), 1).section(QLatin1Char('/'), 0, 0)
            != currentProject()) {
        m_historyOf.clear();
        m_history->setRowCount(0);
        m_diff->clear();
        m_diffTitle->setText(tr("Select a job or pipeline in the matrix for its versions"));
        m_diffButton->setEnabled(false);
    }
    for (const ProjectMatrix &pm : m_snapshot.matrix.projects) {
        if (pm.project != currentProject())
            continue;
        // Keep the selected cell across refreshes (by name and environment).
        const QModelIndex current = m_matrix->currentIndex();
        const QString name = current.isValid()
            ? m_model->data(current, DeploymentMatrixModel::NameRole).toString()
            : QString();
        const int column = current.column();
        m_model->setMatrix(pm);
        if (!name.isEmpty() && m_matrix->currentIndex() != current)
            selectCell(name, m_model->environmentAt(column));
        m_matrix->horizontalHeader()->resizeSection(
            DeploymentMatrixModel::NameColumn,
            std::max(m_matrix->horizontalHeader()->sectionSize(DeploymentMatrixModel::NameColumn),
                     fontMetrics().horizontalAdvance(QStringLiteral("M")) * 14));
        updateActions();
        loadHistory(); // the new project's selected row, if any
        return;
    }
    m_model->setMatrix({});
    updateActions();
}

bool ReleasesMode::selectCell(const QString &name, const QString &environment)
{
    for (int r = 0; r < m_model->rowCount(); ++r) {
        if (m_model->rowAt(r)->name != name)
            continue;
        int column = DeploymentMatrixModel::NameColumn;
        if (!environment.isEmpty()) {
            column = -1;
            for (int c = DeploymentMatrixModel::FirstEnvironmentColumn; c < m_model->columnCount();
                 ++c) {
                if (m_model->environmentAt(c) == environment)
                    column = c;
            }
            if (column < 0)
                return false;
        }
        m_matrix->setCurrentIndex(m_model->index(r, column));
        return true;
    }
    return false;
}

bool ReleasesMode::selectRequest(qint64 id)
{
    for (int r = 0; r < m_requests->rowCount(); ++r) {
        if (m_requests->item(r, 0)->data(Qt::UserRole).toLongLong() == id) {
            m_requests->selectRow(r);
            return true;
        }
    }
    return false;
}

void ReleasesMode::updateActions()
{
    const QModelIndex index = m_matrix->currentIndex();
    const MatrixRow *row = index.isValid() ? m_model->rowAt(index.row()) : nullptr;
    const QString env = m_model->environmentAt(index.column());
    const bool first = !m_model->matrix().environments.isEmpty()
        && env == m_model->matrix().environments.first().name;
    m_promote->setEnabled(row && !env.isEmpty() && !first);
    m_promote->setToolTip(!row || env.isEmpty() ? tr("Select the environment cell to promote into")
                              : first ? tr("%1 is the first environment: versions enter it by "
                                           "import")
                                            .arg(env)
                                      : tr("Promote %1 into %2").arg(row->name, env));
    const MatrixCell *cell = m_model->cellAt(index);
    m_rollback->setEnabled(cell && cell->version > 0);
    const PromotionRequest *request = selectedRequest();
    const bool pending = request && request->state == QLatin1String("pending");
    // Core's rule (two people for an approval), not a copy of it.
    const QString whyNot = request ? Promotion::whyCannotApprove(*request, m_snapshot.user)
                                   : tr("Select a pending request");
    m_approve->setEnabled(whyNot.isEmpty());
    m_approve->setToolTip(whyNot.isEmpty()
                              ? tr("Review request %1 (gates, changes, variables, rewrite rules) "
                                   "and approve it")
                                    .arg(request->id)
                              : whyNot);
    m_reject->setEnabled(pending);
    m_diffButton->setEnabled(!m_history->selectedItems().isEmpty());
}

void ReleasesMode::promoteSelected()
{
    const QModelIndex index = m_matrix->currentIndex();
    const MatrixRow *row = index.isValid() ? m_model->rowAt(index.row()) : nullptr;
    const QString env = m_model->environmentAt(index.column());
    if (!row || env.isEmpty() || !m_promote->isEnabled())
        return;
    if (m_dialog)
        m_dialog->close();
    const QString kind = toString(row->kind);
    auto *dialog = new PromoteDialog(kind, currentProject(), row->name, env, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_dialog = dialog;
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        m_message->setText(tr("Promoting %1/%2 to %3…")
                               .arg(dialog->project(), dialog->name(), dialog->toEnvironment()));
        QMetaObject::invokeMethod(m_worker, "promote", Qt::QueuedConnection,
                                  Q_ARG(QString, dialog->kind()), Q_ARG(QString, dialog->project()),
                                  Q_ARG(QString, dialog->name()),
                                  Q_ARG(QString, dialog->toEnvironment()),
                                  Q_ARG(int, dialog->version()), Q_ARG(QString, dialog->note()));
    });
    dialog->open();
    QMetaObject::invokeMethod(m_worker, "plan", Qt::QueuedConnection, Q_ARG(QString, kind),
                              Q_ARG(QString, currentProject()), Q_ARG(QString, row->name),
                              Q_ARG(QString, env), Q_ARG(int, 0));
}

const PromotionRequest *ReleasesMode::selectedRequest() const
{
    const int r = m_requests->currentRow();
    if (r < 0 || !m_requests->item(r, 0) || m_requests->selectedItems().isEmpty())
        return nullptr;
    const qint64 id = m_requests->item(r, 0)->data(Qt::UserRole).toLongLong();
    for (const PromotionRequest &request : m_snapshot.requests) {
        if (request.id == id)
            return &request;
    }
    return nullptr;
}

void ReleasesMode::onPlan(const Baton::PromotionPlan &plan)
{
    if (!m_dialog || m_dialog->project() != plan.target.project
        || m_dialog->name() != plan.target.name || m_dialog->toEnvironment() != plan.to.name)
        return;
    m_dialog->setPlan(plan);
    Q_EMIT planShown();
}

void ReleasesMode::rollbackSelected()
{
    const QModelIndex index = m_matrix->currentIndex();
    const MatrixRow *row = index.isValid() ? m_model->rowAt(index.row()) : nullptr;
    const MatrixCell *cell = m_model->cellAt(index);
    if (!row || !cell || !cell->version)
        return;
    const QString env = m_model->environmentAt(index.column());
    // What it goes back to is read first (off this thread); the confirmation names it.
    const QString kind = toString(row->kind);
    m_rollbackAsked = kind + QLatin1Char(':') + currentProject() + QLatin1Char('/') + row->name
        + QLatin1Char(':') + env;
    m_message->setText(tr("Looking up what %1 ran in %2 before…").arg(row->name, env));
    QMetaObject::invokeMethod(m_worker, "planRollback", Qt::QueuedConnection, Q_ARG(QString, kind),
                              Q_ARG(QString, currentProject()), Q_ARG(QString, row->name),
                              Q_ARG(QString, env));
}

void ReleasesMode::onRollbackPlan(const Baton::RollbackPlan &plan)
{
    const QString kind = toString(plan.target.kind);
    const QString key = kind + QLatin1Char(':') + plan.target.fullName() + QLatin1Char(':')
        + plan.environment.name;
    if (key != m_rollbackAsked)
        return; // asked about another cell since
    m_rollbackAsked.clear();
    m_message->clear();
    const QString project = plan.target.project;
    const QString name = plan.target.name;
    const QString env = plan.environment.name;
    if (plan.previous.id == 0) {
        auto *box
            = new QMessageBox(QMessageBox::Information, tr("Roll Back"),
                              tr("%1/%2 cannot be rolled back in %3.").arg(project, name, env),
                              QMessageBox::Ok, this);
        box->setObjectName(QStringLiteral("rollbackConfirm"));
        box->setInformativeText(plan.why);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
        return;
    }
    auto *box = new QMessageBox(
        QMessageBox::Question, tr("Roll Back"),
        tr("Roll %1/%2 in %3 back to v%4?").arg(project, name, env).arg(plan.previous.version),
        QMessageBox::Yes | QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("rollbackConfirm"));
    box->setInformativeText(tr("%1 runs v%2 now. v%3, deployed there %4 by %5, is deployed again "
                               "(no approval: it already ran there).")
                                .arg(env)
                                .arg(plan.current.version)
                                .arg(plan.previous.version)
                                .arg(when(plan.previous.at), plan.previous.by));
    box->button(QMessageBox::Yes)->setText(tr("Roll Back to v%1").arg(plan.previous.version));
    box->setDefaultButton(QMessageBox::Cancel);
    box->setAttribute(Qt::WA_DeleteOnClose);
    connect(box, &QMessageBox::finished, this, [this, box, kind, project, name, env](int) {
        if (box->clickedButton() != box->button(QMessageBox::Yes))
            return;
        QMetaObject::invokeMethod(m_worker, "rollback", Qt::QueuedConnection, Q_ARG(QString, kind),
                                  Q_ARG(QString, project), Q_ARG(QString, name),
                                  Q_ARG(QString, env));
    });
    box->open();
}

void ReleasesMode::approveSelected()
{
    const PromotionRequest *request = selectedRequest();
    if (!request || !m_approve->isEnabled())
        return;
    const PromotionRequest r = *request;
    if (m_dialog)
        m_dialog->close();
    // The same dialog as a promotion: what approving changes, with every gate checked again.
    auto *dialog = new PromoteDialog(toString(r.kind), r.project, r.name, r.to, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setApproval(r);
    m_dialog = dialog;
    connect(dialog, &QDialog::accepted, this, [this, id = r.id] {
        m_message->setText(tr("Approving request %1…").arg(id));
        QMetaObject::invokeMethod(m_worker, "approve", Qt::QueuedConnection, Q_ARG(qint64, id));
    });
    dialog->open();
    QMetaObject::invokeMethod(m_worker, "planApproval", Qt::QueuedConnection, Q_ARG(qint64, r.id));
}

void ReleasesMode::rejectSelected()
{
    const int r = m_requests->currentRow();
    if (r < 0 || !m_reject->isEnabled())
        return;
    const qint64 id = m_requests->item(r, 0)->data(Qt::UserRole).toLongLong();
    auto *input = new QInputDialog(this);
    input->setObjectName(QStringLiteral("rejectReason"));
    input->setWindowTitle(tr("Reject Request %1").arg(id));
    input->setLabelText(tr("Why is request %1 rejected? (kept in the audit trail)").arg(id));
    input->setAttribute(Qt::WA_DeleteOnClose);
    connect(input, &QInputDialog::textValueSelected, this, [this, id](const QString &reason) {
        QMetaObject::invokeMethod(m_worker, "reject", Qt::QueuedConnection, Q_ARG(qint64, id),
                                  Q_ARG(QString, reason));
    });
    input->open();
}

void ReleasesMode::detectRuntimes()
{
    m_message->setText(tr("Detecting runtimes…"));
    QMetaObject::invokeMethod(m_worker, &ReleaseWorker::detectRuntimes, Qt::QueuedConnection);
}

void ReleasesMode::loadHistory()
{
    const QModelIndex index = m_matrix->currentIndex();
    const MatrixRow *row = index.isValid() ? m_model->rowAt(index.row()) : nullptr;
    if (!row)
        return;
    const QString key
        = toString(row->kind) + QLatin1Char(':') + currentProject() + QLatin1Char('/') + row->name;
    if (key == m_historyOf)
        return;
    m_historyOf = key;
    QMetaObject::invokeMethod(m_worker, "history", Qt::QueuedConnection,
                              Q_ARG(QString, toString(row->kind)), Q_ARG(QString, currentProject()),
                              Q_ARG(QString, row->name));
}

void ReleasesMode::onHistory(const QString &project, const QString &name,
                             const QList<Baton::VersionInfo> &versions)
{
    if (!m_historyOf.endsWith(QLatin1Char(':') + project + QLatin1Char('/') + name))
        return;
    m_history->setRowCount(int(versions.size()));
    for (int r = 0; r < versions.size(); ++r) {
        const VersionInfo &v = versions.at(r);
        fillRow(m_history, r,
                { QStringLiteral("v%1").arg(v.number), v.author, when(v.createdAt),
                  v.deployedIn.join(QStringLiteral(", ")), v.releaseNote },
                v.number);
    }
    m_diffTitle->setText(tr("%1/%2: select a version to see what changed").arg(project, name));
    m_diff->clear();
    Q_EMIT historyShown();
}

void ReleasesMode::diffSelected()
{
    QList<int> numbers;
    for (const QModelIndex &i : m_history->selectionModel()->selectedRows())
        numbers << m_history->item(i.row(), 0)->data(Qt::UserRole).toInt();
    if (numbers.isEmpty())
        return;
    std::sort(numbers.begin(), numbers.end());
    const int to = numbers.last();
    const int from = numbers.size() >= 2 ? numbers.first() : to - 1;
    const QStringList parts = m_historyOf.split(QLatin1Char(':'));
    const QString path = parts.value(1);
    QMetaObject::invokeMethod(m_worker, "diff", Qt::QueuedConnection,
                              Q_ARG(QString, parts.value(0)),
                              Q_ARG(QString, path.section(QLatin1Char('/'), 0, 0)),
                              Q_ARG(QString, path.section(QLatin1Char('/'), 1)),
                              Q_ARG(int, std::max(0, from)), Q_ARG(int, to));
}

void ReleasesMode::onDiff(const QString &title, const QStringList &lines)
{
    m_diffTitle->setText(title);
    m_diff->setPlainText(lines.join(QLatin1Char('\n')));
    Q_EMIT diffShown();
}

void ReleasesMode::onDone(const QString &message)
{
    m_message->setText(message);
    m_message->setStyleSheet(QString());
    m_historyOf.clear(); // deployments moved: "deployed in" changed
    loadHistory();
    Q_EMIT statusMessage(message);
    Q_EMIT actionFinished(message);
    Q_EMIT wroteWorkspace(); // a promotion changes what runs where
}

QString ReleasesMode::displayName() const
{
    return tr("Releases");
}

QIcon ReleasesMode::icon() const
{
    return Icons::releasesMode();
}

QKeySequence ReleasesMode::shortcut() const
{
    return QKeySequence(Qt::CTRL | Qt::Key_3);
}

void ReleasesMode::applyContext(const QVariantMap &context)
{
    const QString project = context.value(QStringLiteral("project")).toString();
    if (!project.isEmpty() && !setProject(project))
        return; // no such project: the matrix stays as it was
    const QString name = context.value(QStringLiteral("name")).toString();
    if (!name.isEmpty())
        selectCell(name, context.value(QStringLiteral("environment")).toString());
}

QWidget *ReleasesMode::initialFocus() const
{
    return m_matrix;
}

void ReleasesMode::onFailed(const QString &action, const QString &message)
{
    m_lastError = message;
    if (action == QLatin1String("plan") && m_dialog) {
        m_dialog->setError(message);
        Q_EMIT planShown();
    } else if (action == QLatin1String("refresh") || action == QLatin1String("history")
               || action == QLatin1String("diff")) {
        m_message->setText(tr("Could not read the workspace: %1").arg(message));
    } else {
        auto *box
            = new QMessageBox(QMessageBox::Warning, tr("Not Done"),
                              tr("The %1 did not happen.").arg(action), QMessageBox::Ok, this);
        box->setObjectName(QStringLiteral("releasesError"));
        box->setInformativeText(message);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->open();
        m_message->setText(tr("%1 failed: %2").arg(action, message));
    }
    m_message->setStyleSheet(QStringLiteral("color: %1").arg(Theme::failure(palette()).name()));
    Q_EMIT actionFailed(action, message);
}

} // namespace Baton::Ui
