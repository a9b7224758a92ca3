#include "reviewpanel.h"

#include "access/identity.h"
#include "access/reviewpolicy.h"
#include "model/runstate.h"
#include "reviewhistorymodel.h"
#include "store/workspace.h"
#include "util/error.h"
#include "widgets/actionicons.h"
#include "widgets/backgroundtask.h"
#include "widgets/theme.h"

#include <QAction>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPlainTextEdit>
#include <QToolButton>
#include <QTreeView>
#include <QVBoxLayout>

namespace Baton::Ui {

namespace {

enum Kind { Note, Approve, Reject };

QToolButton *button(QAction *action, QWidget *parent)
{
    auto *b = new QToolButton(parent);
    b->setDefaultAction(action);
    b->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    b->setObjectName(action->objectName() + QStringLiteral("Button"));
    return b;
}

} // namespace

ReviewPanel::ReviewPanel(Baton::Workspace *workspace, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_model(new ReviewHistoryModel(this))
{
    Q_ASSERT(workspace);
    setObjectName(QStringLiteral("reviewPanel"));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_title = new QLabel(this);
    m_title->setObjectName(QStringLiteral("reviewTitle"));
    m_title->setTextFormat(Qt::RichText);
    m_title->setWordWrap(true);
    layout->addWidget(m_title);
    m_state = new QLabel(this);
    m_state->setObjectName(QStringLiteral("reviewState"));
    layout->addWidget(m_state);

    m_history = new QTreeView(this);
    m_history->setObjectName(QStringLiteral("reviewHistory"));
    m_history->setAccessibleName(tr("Review history"));
    m_history->setModel(m_model);
    m_history->setRootIsDecorated(false);
    m_history->setUniformRowHeights(true);
    m_history->setAlternatingRowColors(true);
    m_history->setSelectionMode(QAbstractItemView::NoSelection);
    m_history->setColumnHidden(ReviewHistoryModel::RunColumn, true);
    m_history->setColumnHidden(ReviewHistoryModel::PipelineColumn, true);
    m_history->header()->setStretchLastSection(true);
    m_history->header()->resizeSection(
        ReviewHistoryModel::WhenColumn,
        fontMetrics().horizontalAdvance(QStringLiteral("2000-00-00 00:00")) + 24);
    const int em = fontMetrics().horizontalAdvance(QLatin1Char('M'));
    m_history->header()->resizeSection(ReviewHistoryModel::AuthorColumn, 6 * em);
    m_history->header()->resizeSection(ReviewHistoryModel::KindColumn, 5 * em);
    layout->addWidget(m_history, 1);

    m_comment = new QPlainTextEdit(this);
    m_comment->setObjectName(QStringLiteral("reviewComment"));
    m_comment->setAccessibleName(tr("Note or sign-off comment"));
    m_comment->setPlaceholderText(
        tr("A note on this run, or the comment of your sign-off (required to reject)"));
    m_comment->setTabChangesFocus(true);
    m_comment->setMaximumHeight(fontMetrics().height() * 5);
    layout->addWidget(m_comment);
    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("reviewError"));
    m_error->setWordWrap(true);
    m_error->setVisible(false);
    layout->addWidget(m_error);

    const auto action = [this](const QString &name, const QString &text, const QIcon &icon,
                               const QKeySequence &key, const QString &tip) {
        auto *a = new QAction(icon, text, this);
        a->setObjectName(name);
        a->setShortcut(key);
        a->setShortcutContext(Qt::WidgetWithChildrenShortcut);
        a->setToolTip(QStringLiteral("%1 (%2)").arg(tip, key.toString(QKeySequence::NativeText)));
        addAction(a);
        return a;
    };
    m_annotate = action(QStringLiteral("annotateAction"), tr("Add &Note"), Icons::annotate(),
                        QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_N),
                        tr("Write the text as a note on this run"));
    m_approve = action(QStringLiteral("approveAction"), tr("&Approve"), Icons::approve(),
                       QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_A),
                       tr("Sign this run off as approved (the text is the comment)"));
    m_reject = action(QStringLiteral("rejectAction"), tr("Re&ject"), Icons::reject(),
                      QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_J),
                      tr("Sign this run off as rejected, with the text as the reason"));
    connect(m_annotate, &QAction::triggered, this, &ReviewPanel::annotate);
    connect(m_approve, &QAction::triggered, this, &ReviewPanel::approve);
    connect(m_reject, &QAction::triggered, this, &ReviewPanel::reject);
    connect(m_comment, &QPlainTextEdit::textChanged, this, &ReviewPanel::updateEnabled);

    auto *buttons = new QHBoxLayout;
    buttons->addWidget(button(m_annotate, this));
    buttons->addStretch(1);
    buttons->addWidget(button(m_approve, this));
    buttons->addWidget(button(m_reject, this));
    layout->addLayout(buttons);

    updateHeader();
    updateEnabled();
}

ReviewPanel::~ReviewPanel() = default; // a read in flight is dropped, not waited for

void ReviewPanel::setRun(const Baton::RunRow &run)
{
    if (!m_bulk.isEmpty()) {
        m_bulk.clear();
        m_history->setVisible(true);
        m_run = {}; // shown again in full below
    }
    if (run == m_run)
        return; // handed again by a poll that changed other runs
    const bool other = run.id != m_run.id;
    const bool moved = run.reviewUpdatedAt != m_run.reviewUpdatedAt
        || run.annotations != m_run.annotations || run.review != m_run.review;
    m_run = run;
    if (other) {
        m_comment->clear();
        m_error->setVisible(false);
        m_model->setEntries({});
    }
    updateHeader();
    updateEnabled();
    if (other || moved)
        reload();
}

void ReviewPanel::setRuns(const QList<Baton::RunRow> &runs)
{
    if (runs.size() < 2) {
        setRun(runs.value(0));
        return;
    }
    if (runs == m_bulk)
        return;
    const bool other = m_bulk.isEmpty();
    m_bulk = runs;
    m_run = {};
    ++m_generation; // a history read in flight is about the run no longer shown
    m_model->setEntries({});
    m_history->setVisible(false);
    if (other)
        m_error->setVisible(false);
    updateHeader();
    updateEnabled();
}

QList<qint64> ReviewPanel::runIds() const
{
    QList<qint64> ids;
    for (const RunRow &run : m_bulk)
        ids << run.id;
    if (ids.isEmpty() && m_run.id > 0)
        ids << m_run.id;
    return ids;
}

void ReviewPanel::updateHeader()
{
    if (!m_bulk.isEmpty()) {
        QStringList names;
        int pending = 0;
        for (const RunRow &run : m_bulk) {
            names << QStringLiteral("#%1").arg(run.id);
            pending += run.review == QLatin1String("pending") ? 1 : 0;
        }
        m_title->setText(tr("<b>%1 runs selected</b> · %2")
                             .arg(m_bulk.size())
                             .arg(names.join(QStringLiteral(", ")).toHtmlEscaped()));
        m_state->setText(tr("%1 awaiting review · Approve or Reject signs each of them off with "
                            "the one comment")
                             .arg(pending));
        m_state->setStyleSheet({});
        return;
    }
    if (m_run.id == 0) {
        m_title->setText(tr("<p>Select a run to review it.</p>"));
        m_state->clear();
        return;
    }
    m_title->setText(tr("<b>Run #%1</b> · %2/%3 v%4 · %5 · %6")
                         .arg(m_run.id)
                         .arg(m_run.project.toHtmlEscaped(), m_run.pipeline.toHtmlEscaped())
                         .arg(m_run.pipelineVersion)
                         .arg(m_run.environment.toHtmlEscaped(), Baton::stateLabel(m_run.state)));
    QString review = m_run.review == QLatin1String("pending")
        ? (m_run.terminal ? tr("Awaiting review") : tr("Not finished yet: nothing to sign off"))
        : (m_run.review == QLatin1String("approved") ? tr("Approved") : tr("Rejected"));
    m_state->setText(tr("Review: %1").arg(review));
    // A review reads in the colour of the run state it resembles.
    const RunState colourState = m_run.review == QLatin1String("approved") ? RunState::Succeeded
        : m_run.review == QLatin1String("rejected")                        ? RunState::Failed
                                                                           : RunState::Queued;
    // Set only when it changes: the run is handed again at every poll, and a style sheet
    // change restyles the label.
    const QString style = QStringLiteral("color: %1; font-weight: bold;")
                              .arg(Theme::stateColor(palette(), colourState).name());
    if (m_state->styleSheet() != style)
        m_state->setStyleSheet(style);
}

void ReviewPanel::updateEnabled()
{
    const bool bulk = !m_bulk.isEmpty();
    const bool hasRun = m_run.id > 0 || bulk;
    const bool hasText = !m_comment->toPlainText().trimmed().isEmpty();
    const auto canSignOff = [](const RunRow &run) {
        return run.id > 0 && ReviewPolicy::canSignOff(run.state);
    };
    bool signable = bulk || canSignOff(m_run);
    for (const RunRow &run : m_bulk)
        signable = signable && canSignOff(run);
    m_comment->setEnabled(hasRun);
    m_annotate->setEnabled(hasRun && hasText && !bulk); // a note is about one run
    m_approve->setEnabled(signable);
    m_reject->setEnabled(signable && hasText);
}

void ReviewPanel::showError(const QString &message)
{
    m_lastError = message;
    m_error->setText(message);
    m_error->setStyleSheet(QStringLiteral("color: %1;").arg(Theme::failure(palette()).name()));
    m_error->setVisible(!message.isEmpty());
}

void ReviewPanel::reload()
{
    const qint64 runId = m_run.id;
    const int generation = ++m_generation;
    if (runId == 0)
        return;
    ++m_pending;
    const Store *store = &m_workspace->store();
    struct Answer
    {
        QList<ReviewEntry> entries;
        QString error;
    };
    BackgroundTask::run(
        // One lane: reads and writes in the order they were asked for.
        this, BackgroundTask::lane(QStringLiteral("review")),
        [store, runId] {
            Answer r;
            r.error = failureOf([&] { r.entries = ReviewService::history(store->db(), runId); });
            return r;
        },
        [this, generation](const Answer &r) {
            --m_pending;
            if (generation != m_generation)
                return; // another run is shown now
            if (!r.error.isEmpty()) {
                showError(r.error);
                Q_EMIT failed(r.error);
                return;
            }
            m_model->setEntries(r.entries);
            if (!r.entries.isEmpty())
                m_history->scrollToBottom();
            Q_EMIT historyLoaded();
        });
}

void ReviewPanel::annotate()
{
    submit(Note);
}

void ReviewPanel::approve()
{
    submit(Approve);
}

void ReviewPanel::reject()
{
    submit(Reject);
}

void ReviewPanel::submit(int kind)
{
    QAction *action = kind == Note ? m_annotate : kind == Approve ? m_approve : m_reject;
    if (!action->isEnabled())
        return;
    const qint64 runId = m_run.id;
    const QList<qint64> bulk = isBulk() ? runIds() : QList<qint64> {};
    const QString text = m_comment->toPlainText();
    const QString actor = currentUser();
    ++m_pending;
    const Store *store = &m_workspace->store();
    // A write: it runs to the end even when the panel closes first (the trail records it);
    // only its answer here is dropped.
    BackgroundTask::run(
        this, BackgroundTask::lane(QStringLiteral("review")),
        [store, runId, bulk, text, actor, kind] {
            return failureOf([&] {
                if (kind == Note)
                    ReviewService::annotate(*store, runId, text, actor);
                else if (!bulk.isEmpty())
                    ReviewService::signOffMany(*store, bulk, kind == Approve, text, actor);
                else
                    ReviewService::signOff(*store, runId, kind == Approve, text, actor);
            });
        },
        [this, runId, bulk, text](const QString &error) {
            --m_pending;
            if (!error.isEmpty()) {
                showError(error);
                Q_EMIT failed(error);
                return;
            }
            showError({});
            // The text was used: clear it unless the user already typed something else.
            const bool shown = bulk.isEmpty() ? runId == m_run.id : bulk == runIds();
            if (shown && m_comment->toPlainText() == text)
                m_comment->clear();
            if (bulk.isEmpty() && runId == m_run.id)
                reload();
            for (const qint64 id : bulk.isEmpty() ? QList<qint64> { runId } : bulk)
                Q_EMIT reviewed(id);
        });
}

} // namespace Baton::Ui
