#include "editdialog.h"

#include "util/error.h"
#include "widgets/backgroundtask.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

namespace Baton::Ui {

EditDialog::EditDialog(QWidget *parent)
    : QDialog(parent)
    , m_body(new QVBoxLayout)
    , m_error(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this))
{
    m_error->setObjectName(QStringLiteral("editError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("color: white; background: #b3261e; padding: 4px;"));
    m_error->hide();
    connect(m_buttons, &QDialogButtonBox::accepted, this, &EditDialog::save);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto *layout = new QVBoxLayout(this);
    layout->addLayout(m_body, 1);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);
}

EditDialog::~EditDialog() = default; // a save in flight completes; its answer is dropped

void EditDialog::showError(const QString &message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void EditDialog::save()
{
    if (m_saving)
        return;
    if (const QString problem = check(); !problem.isEmpty()) {
        showError(problem);
        Q_EMIT saveFailed(problem);
        return;
    }
    m_saving = true;
    m_buttons->button(QDialogButtonBox::Save)->setEnabled(false);
    const std::function<ImportSummary()> job = work();
    struct Answer
    {
        ImportSummary summary;
        QString error;
    };
    // A write: it runs to the end even when the dialog closes first (core records the new
    // version); only its answer here is dropped.
    BackgroundTask::run(
        this, BackgroundTask::lane(QStringLiteral("project-edit")),
        [job] {
            Answer r;
            r.error = failureOf([&] { r.summary = job(); });
            return r;
        },
        [this](const Answer &r) {
            m_saving = false;
            m_buttons->button(QDialogButtonBox::Save)->setEnabled(true);
            if (!r.error.isEmpty()) {
                showError(r.error);
                Q_EMIT saveFailed(r.error);
                return;
            }
            QStringList lines;
            for (const ImportSummary::Version &v : r.summary.versions) {
                if (v.created)
                    lines << tr("%1/%2 v%3").arg(v.project, v.name).arg(v.number);
            }
            Q_EMIT saved(lines.isEmpty()
                             ? tr("saved (no new version)")
                             : tr("new version: %1").arg(lines.join(QStringLiteral(", "))));
            accept();
        });
}

} // namespace Baton::Ui
