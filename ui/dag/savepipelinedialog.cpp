#include "savepipelinedialog.h"

#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Baton::Ui {

SavePipelineDialog::SavePipelineDialog(const QString &pipeline, int baseVersion,
                                       const PipelineDiff &diff, QWidget *parent)
    : QDialog(parent)
    , m_message(new QLineEdit(this))
    , m_diff(new QPlainTextEdit(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this))
{
    setObjectName(QStringLiteral("savePipelineDialog"));
    setWindowTitle(tr("Save %1 as version %2").arg(pipeline).arg(baseVersion + 1));
    auto *layout = new QVBoxLayout(this);
    auto *intro
        = new QLabel(tr("Saving creates version %1 of <b>%2</b>; version %3 stays as it is.")
                         .arg(baseVersion + 1)
                         .arg(pipeline.toHtmlEscaped())
                         .arg(baseVersion),
                     this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    layout->addWidget(new QLabel(tr("&Message (the version's release note):"), this));
    m_message->setObjectName(QStringLiteral("saveMessage"));
    m_message->setPlaceholderText(tr("What changed and why"));
    layout->addWidget(m_message);
    qobject_cast<QLabel *>(layout->itemAt(1)->widget())->setBuddy(m_message);
    layout->addWidget(new QLabel(tr("Changes against version %1:").arg(baseVersion), this));
    m_diff->setObjectName(QStringLiteral("saveDiff"));
    m_diff->setReadOnly(true);
    m_diff->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_diff->setPlainText(diff.toLines().join(QLatin1Char('\n')));
    m_diff->setMinimumHeight(160);
    layout->addWidget(m_diff, 1);
    layout->addWidget(m_buttons);
    QPushButton *save = m_buttons->button(QDialogButtonBox::Save);
    save->setEnabled(false);
    connect(m_message, &QLineEdit::textChanged, save,
            [save](const QString &text) { save->setEnabled(!text.trimmed().isEmpty()); });
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    resize(520, 380);
}

QString SavePipelineDialog::message() const
{
    return m_message->text().trimmed();
}

} // namespace Baton::Ui
