#include "editdialog.h"

#include "util/error.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QThreadPool>
#include <QVBoxLayout>

namespace Baton::Ui {

EditDialog::EditDialog(QWidget *parent)
    : QDialog(parent)
    , m_body(new QVBoxLayout)
    , m_error(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this))
    , m_pool(new QThreadPool(this))
{
    m_pool->setMaxThreadCount(1);
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

EditDialog::~EditDialog()
{
    m_pool->waitForDone();
}

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
    QPointer<EditDialog> self(this);
    m_pool->start([self, job] {
        ImportSummary summary;
        QString error;
        try {
            summary = job();
        } catch (const Error &e) {
            error = e.message();
        } catch (const std::exception &e) {
            error = QString::fromLocal8Bit(e.what());
        }
        QMetaObject::invokeMethod(
            self,
            [self, summary, error] {
                self->m_saving = false;
                self->m_buttons->button(QDialogButtonBox::Save)->setEnabled(true);
                if (!error.isEmpty()) {
                    self->showError(error);
                    Q_EMIT self->saveFailed(error);
                    return;
                }
                QStringList lines;
                for (const ImportSummary::Version &v : summary.versions) {
                    if (v.created)
                        lines << tr("%1/%2 v%3").arg(v.project, v.name).arg(v.number);
                }
                Q_EMIT self->saved(
                    lines.isEmpty() ? tr("saved (no new version)")
                                    : tr("new version: %1").arg(lines.join(QStringLiteral(", "))));
                self->accept();
            },
            Qt::QueuedConnection);
    });
}

} // namespace Baton::Ui
