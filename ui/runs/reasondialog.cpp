#include "reasondialog.h"

#include "widgets/theme.h"

#include <QDialogButtonBox>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace Baton::Ui {

ReasonDialog::ReasonDialog(const QString &title, const QString &label, const QString &text,
                           QWidget *parent)
    : QDialog(parent)
    , m_edit(new QPlainTextEdit(this))
    , m_hint(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this))
{
    setObjectName(QStringLiteral("reasonDialog"));
    setWindowTitle(title);
    auto *layout = new QVBoxLayout(this);
    auto *prompt = new QLabel(label, this);
    prompt->setWordWrap(true);
    layout->addWidget(prompt);
    m_edit->setObjectName(QStringLiteral("reasonText"));
    m_edit->setTabChangesFocus(true);
    m_edit->setPlainText(text);
    m_edit->moveCursor(QTextCursor::End);
    prompt->setBuddy(m_edit);
    layout->addWidget(m_edit, 1);
    m_hint->setObjectName(QStringLiteral("reasonHint"));
    m_hint->setText(tr("A reason is required."));
    QPalette pal = m_hint->palette();
    pal.setColor(QPalette::WindowText, Theme::mutedText(palette()));
    m_hint->setPalette(pal);
    layout->addWidget(m_hint);
    layout->addWidget(m_buttons);
    connect(m_buttons, &QDialogButtonBox::accepted, this, [this] {
        if (canAccept())
            accept();
    });
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(m_edit, &QPlainTextEdit::textChanged, this, &ReasonDialog::update);
    resize(460, 220);
    update();
}

QString ReasonDialog::reason() const
{
    return m_edit->toPlainText().trimmed();
}

bool ReasonDialog::canAccept() const
{
    return !reason().isEmpty();
}

void ReasonDialog::update()
{
    m_buttons->button(QDialogButtonBox::Ok)->setEnabled(canAccept());
    m_hint->setVisible(!canAccept());
}

} // namespace Baton::Ui
