#include "promotedialog.h"

#include "diffhighlighter.h"
#include "widgets/theme.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTabWidget>
#include <QTableWidget>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Baton::Ui {

namespace {

QTableWidget *table(const QStringList &header, QWidget *parent)
{
    auto *t = new QTableWidget(0, int(header.size()), parent);
    t->setHorizontalHeaderLabels(header);
    t->verticalHeader()->setVisible(false);
    t->horizontalHeader()->setStretchLastSection(true);
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setAlternatingRowColors(true);
    return t;
}

void addRow(QTableWidget *t, const QStringList &cells)
{
    const int row = t->rowCount();
    t->insertRow(row);
    for (int c = 0; c < cells.size(); ++c)
        t->setItem(row, c, new QTableWidgetItem(cells.at(c)));
}

} // namespace

PromoteDialog::PromoteDialog(const QString &kind, const QString &project, const QString &name,
                             const QString &toEnvironment, QWidget *parent)
    : QDialog(parent)
    , m_kind(kind)
    , m_project(project)
    , m_name(name)
    , m_to(toEnvironment)
{
    setObjectName(QStringLiteral("promoteDialog"));
    setWindowTitle(tr("Promote %1/%2 to %3").arg(project, name, toEnvironment));
    auto *layout = new QVBoxLayout(this);
    m_header = new QLabel(tr("<b>%1/%2</b> → <b>%3</b>").arg(project, name, toEnvironment), this);
    m_header->setObjectName(QStringLiteral("promoteHeader"));
    m_header->setWordWrap(true);
    layout->addWidget(m_header);
    m_status = new QLabel(tr("Checking gates…"), this);
    m_status->setObjectName(QStringLiteral("promoteStatus"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_status);

    m_gates = new QTreeWidget(this);
    m_gates->setObjectName(QStringLiteral("promoteGates"));
    m_gates->setHeaderLabels({ tr("Gate"), tr("Why") });
    m_gates->setRootIsDecorated(false);
    m_gates->setMinimumHeight(130);
    m_gates->header()->setStretchLastSection(true);
    layout->addWidget(m_gates);

    m_tabs = new QTabWidget(this);
    m_diff = new QPlainTextEdit(this);
    m_diff->setObjectName(QStringLiteral("promoteDiff"));
    m_diff->setReadOnly(true);
    m_diff->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_diff->setLineWrapMode(QPlainTextEdit::NoWrap);
    new DiffHighlighter(m_diff->document());
    m_variables = table({ tr("Variable"), tr("Source"), tr("Target") }, this);
    m_variables->setObjectName(QStringLiteral("promoteVariables"));
    m_rewrites = table({ tr("Rewritten"), tr("Without the rule"), tr("Becomes") }, this);
    m_rewrites->setObjectName(QStringLiteral("promoteRewrites"));
    m_tabs->addTab(m_diff, tr("Changes"));
    m_tabs->addTab(m_variables, tr("Variables"));
    m_tabs->addTab(m_rewrites, tr("Rewrite rules"));
    layout->addWidget(m_tabs, 1);

    auto *form = new QFormLayout;
    m_note = new QLineEdit(this);
    m_note->setObjectName(QStringLiteral("promoteNote"));
    m_note->setPlaceholderText(
        tr("Why this promotion (kept with the request and the audit trail)"));
    m_noteLabel = new QLabel(tr("&Note:"), this);
    m_noteLabel->setBuddy(m_note);
    form->addRow(m_noteLabel, m_note);
    layout->addLayout(form);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    m_confirm = m_buttons->addButton(tr("&Promote"), QDialogButtonBox::AcceptRole);
    m_confirm->setObjectName(QStringLiteral("promoteConfirm"));
    m_confirm->setEnabled(false);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(m_buttons);
    resize(820, 640);
}

void PromoteDialog::setApproval(const Baton::PromotionRequest &request)
{
    m_request = request;
    setObjectName(QStringLiteral("approveDialog"));
    setWindowTitle(tr("Approve Request %1: %2 v%3 to %4")
                       .arg(request.id)
                       .arg(request.fullName())
                       .arg(request.version)
                       .arg(request.to));
    m_note->setText(request.note);
    m_note->setReadOnly(true);
    m_note->setPlaceholderText(tr("(%1 left no note)").arg(request.requestedBy));
    m_noteLabel->setText(tr("%1's note:").arg(request.requestedBy));
    m_confirm->setText(tr("&Approve"));
}

QString PromoteDialog::note() const
{
    return m_note->text().trimmed();
}

void PromoteDialog::setPlan(const Baton::PromotionPlan &plan)
{
    m_plan = plan;
    m_hasPlan = true;
    m_header->setText(tr("<b>%1 %2/%3</b>: %4 <b>v%5</b> → %6 (runs %7 now)")
                          .arg(toString(plan.target.kind), m_project, m_name, plan.from.name)
                          .arg(plan.version)
                          .arg(plan.to.name,
                               plan.currentVersion ? QStringLiteral("v%1").arg(plan.currentVersion)
                                                   : tr("nothing"))
                      + (plan.releaseNote.isEmpty()
                             ? QString()
                             : tr("<br>Release note: %1").arg(plan.releaseNote.toHtmlEscaped())));

    m_gates->clear();
    const QPalette pal = palette();
    for (const PromotionGate &g : plan.gates) {
        auto *item = new QTreeWidgetItem(m_gates);
        const bool passed = g.state == PromotionGate::State::Passed;
        const bool failed = g.state == PromotionGate::State::Failed;
        item->setText(0,
                      (passed       ? QStringLiteral("✓ ")
                           : failed ? QStringLiteral("✗ ")
                                    : QStringLiteral("⚑ "))
                          + g.title);
        item->setText(1, g.why);
        item->setToolTip(1, g.why);
        item->setData(0, Qt::UserRole, g.id);
        item->setForeground(0,
                            passed       ? Theme::success(pal)
                                : failed ? Theme::failure(pal)
                                         : Theme::mutedText(pal));
    }
    m_gates->resizeColumnToContents(0);

    m_diff->setPlainText(plan.diff.toLines().join(QLatin1Char('\n')));
    m_variables->setRowCount(0);
    for (const VariableDifference &d : plan.variables)
        addRow(
            m_variables,
            { d.name, d.source, d.rewritten ? tr("%1 (rewrite rule)").arg(d.target) : d.target });
    m_rewrites->setRowCount(0);
    for (const RewriteEffect &r : plan.rewrites)
        addRow(m_rewrites, { r.subject, r.before, r.after });
    m_tabs->setTabText(1, tr("Variables (%1)").arg(plan.variables.size()));
    m_tabs->setTabText(2, tr("Rewrite rules (%1)").arg(plan.rewrites.size()));

    const bool blocked = plan.blocked();
    const bool approving = m_request.id != 0;
    m_confirm->setText(approving                ? tr("&Approve")
                           : plan.needsApproval ? tr("&Request approval")
                                                : tr("&Promote"));
    m_confirm->setEnabled(!blocked);
    if (blocked) {
        m_status->setText(tr("Blocked: %1").arg(plan.blockers().join(QStringLiteral("; "))));
        m_status->setStyleSheet(QStringLiteral("color: %1").arg(Theme::failure(pal).name()));
    } else if (approving) {
        m_status->setText(tr("Every gate passed again: approving request %1 of %2 promotes v%3 "
                             "into %4 now.")
                              .arg(m_request.id)
                              .arg(m_request.requestedBy)
                              .arg(plan.version)
                              .arg(plan.to.name));
        m_status->setStyleSheet(QStringLiteral("color: %1").arg(Theme::success(pal).name()));
    } else if (plan.needsApproval) {
        m_status->setText(tr("%1 has an approval policy: confirming files a request that "
                             "another release manager approves.")
                              .arg(plan.to.name));
        m_status->setStyleSheet(QString());
    } else {
        m_status->setText(tr("Every gate passed."));
        m_status->setStyleSheet(QStringLiteral("color: %1").arg(Theme::success(pal).name()));
    }
}

void PromoteDialog::setError(const QString &message)
{
    m_hasPlan = false;
    m_confirm->setEnabled(false);
    m_status->setText(m_request.id ? tr("Cannot approve: %1").arg(message)
                                   : tr("Cannot promote: %1").arg(message));
    m_status->setStyleSheet(QStringLiteral("color: %1").arg(Theme::failure(palette()).name()));
}

} // namespace Baton::Ui
