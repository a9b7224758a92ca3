#include "alertnotification.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTimer>
#include <QToolButton>

namespace Baton::Ui {

AlertNotification::AlertNotification(QWidget *parent)
    : QFrame(parent)
    , m_text(new QLabel(this))
    , m_timer(new QTimer(this))
{
    setObjectName(QStringLiteral("alertNotification"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    QPalette pal = palette();
    pal.setColor(QPalette::Window, QColor(0xfd, 0xec, 0xea));
    pal.setColor(QPalette::WindowText, QColor(0x9b, 0x1c, 0x1c));
    setPalette(pal);
    m_text->setWordWrap(true);
    m_text->setTextFormat(Qt::PlainText);
    m_text->setMinimumWidth(320);
    auto *show = new QPushButton(tr("Show"), this);
    auto *close = new QToolButton(this);
    close->setText(QStringLiteral("✕"));
    close->setAutoRaise(true);
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 8, 6, 8);
    layout->addWidget(m_text, 1);
    layout->addWidget(show);
    layout->addWidget(close);
    connect(show, &QPushButton::clicked, this, [this] {
        hide();
        Q_EMIT showRequested();
    });
    connect(close, &QToolButton::clicked, this, &QWidget::hide);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &QWidget::hide);
    parent->installEventFilter(this);
    hide();
}

QString AlertNotification::text() const
{
    return m_text->text();
}

void AlertNotification::notify(const QList<Baton::AlertFiring> &fired)
{
    if (fired.isEmpty())
        return;
    const AlertFiring &last = fired.last();
    QString text = tr("Alert %1/%2 fired: %3").arg(last.project, last.rule, last.message);
    if (fired.size() > 1)
        text += tr(" (and %n more)", nullptr, int(fired.size() - 1));
    m_text->setText(text);
    setMaximumWidth(std::max(360, parentWidget()->width() / 2));
    adjustSize();
    place();
    show();
    raise();
    m_timer->start(ShownMs);
}

bool AlertNotification::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == parentWidget() && event->type() == QEvent::Resize && isVisible())
        place();
    return QFrame::eventFilter(watched, event);
}

void AlertNotification::place()
{
    const QWidget *p = parentWidget();
    move(p->width() - width() - 16, 12);
}

} // namespace Baton::Ui
