#include "moderail.h"

#include <QAbstractButton>
#include <QButtonGroup>
#include <QPaintEvent>
#include <QPainter>
#include <QStyle>
#include <QStyleOption>
#include <QVBoxLayout>

namespace Baton::Ui {

namespace {

QColor railBackground(const QPalette &palette)
{
    const QColor window = palette.color(QPalette::Window);
    return window.lightness() > 128 ? window.darker(108) : window.darker(125);
}

// A checkable tile: icon on top, label below, an accent bar on the left when current.
class ModeButton : public QAbstractButton
{
public:
    ModeButton(const QString &text, const QIcon &icon, QWidget *parent)
        : QAbstractButton(parent)
    {
        setText(text);
        setIcon(icon);
        setCheckable(true);
        setFocusPolicy(Qt::TabFocus);
        setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
        setAttribute(Qt::WA_Hover);
        setAccessibleName(text);
    }

    QSize sizeHint() const override
    {
        QFont f = font();
        f.setBold(true);
        const int textWidth = QFontMetrics(f).horizontalAdvance(text());
        return { qMax(76, textWidth + 16), 28 + 8 + QFontMetrics(f).height() + 14 };
    }

protected:
    void paintEvent(QPaintEvent *) override
    {
        QPainter p(this);
        p.setRenderHint(QPainter::Antialiasing);
        const QPalette pal = palette();
        const QRect r = rect();
        QColor accent = pal.color(QPalette::Highlight);
        if (isChecked() || underMouse() || isDown()) {
            QColor fill = accent;
            fill.setAlphaF(isChecked() ? 0.20 : (isDown() ? 0.16 : 0.09));
            p.fillRect(r, fill);
        }
        if (isChecked())
            p.fillRect(QRect(r.left(), r.top(), 3, r.height()), accent);
        if (hasFocus()) {
            QStyleOptionFocusRect focus;
            focus.initFrom(this);
            focus.rect = r.adjusted(4, 2, -4, -2);
            style()->drawPrimitive(QStyle::PE_FrameFocusRect, &focus, &p, this);
        }

        const int iconSide = 26;
        const QRect iconRect(r.center().x() - iconSide / 2 + 1, r.top() + 9, iconSide, iconSide);
        icon().paint(&p, iconRect, Qt::AlignCenter, isEnabled() ? QIcon::Normal : QIcon::Disabled,
                     isChecked() ? QIcon::On : QIcon::Off);

        QFont f = font();
        f.setBold(isChecked());
        p.setFont(f);
        p.setPen(
            pal.color(isEnabled() ? QPalette::Active : QPalette::Disabled, QPalette::WindowText));
        const QRect textRect(r.left() + 2, iconRect.bottom() + 5, r.width() - 4,
                             QFontMetrics(f).height());
        p.drawText(textRect, Qt::AlignHCenter | Qt::AlignTop,
                   QFontMetrics(f).elidedText(text(), Qt::ElideRight, textRect.width()));
        paintBadge(p, iconRect);
    }

public:
    QString badge;

private:
    void paintBadge(QPainter &p, const QRect &iconRect)
    {
        if (badge.isEmpty())
            return;
        QFont f = font();
        f.setBold(true);
        f.setPointSizeF(f.pointSizeF() * 0.8);
        const QFontMetrics fm(f);
        const int h = fm.height() + 2;
        const int w = std::max(h, fm.horizontalAdvance(badge) + 8);
        const QRect r(iconRect.right() - w / 2, iconRect.top() - 4, w, h);
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(0xd9, 0x30, 0x25));
        p.drawRoundedRect(r, h / 2.0, h / 2.0);
        p.setPen(Qt::white);
        p.setFont(f);
        p.drawText(r, Qt::AlignCenter, badge);
    }
};

} // namespace

ModeRail::ModeRail(QWidget *parent)
    : QWidget(parent)
    , m_layout(new QVBoxLayout(this))
    , m_group(new QButtonGroup(this))
{
    setObjectName(QStringLiteral("modeRail"));
    setAccessibleName(tr("Modes"));
    m_layout->setContentsMargins(0, 6, 1, 6);
    m_layout->setSpacing(2);
    m_layout->addStretch(1);
    m_group->setExclusive(true);
    connect(m_group, &QButtonGroup::idToggled, this, [this](int id, bool checked) {
        if (checked)
            Q_EMIT currentChanged(id);
    });
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Preferred);
}

int ModeRail::addMode(const QString &name, const QIcon &icon)
{
    const int index = int(m_buttons.size());
    auto *button = new ModeButton(name, icon, this);
    button->setObjectName(QStringLiteral("mode:") + name);
    m_group->addButton(button, index);
    m_buttons << button;
    m_layout->insertWidget(index, button);
    if (index == 0)
        button->setChecked(true);
    updateGeometry();
    return index;
}

int ModeRail::currentIndex() const
{
    return m_group->checkedId();
}

QString ModeRail::modeName(int index) const
{
    return index >= 0 && index < m_buttons.size() ? m_buttons.at(index)->text() : QString();
}

int ModeRail::indexOf(const QString &name) const
{
    for (int i = 0; i < m_buttons.size(); ++i) {
        if (m_buttons.at(i)->text() == name)
            return i;
    }
    return -1;
}

void ModeRail::setModeToolTip(int index, const QString &toolTip)
{
    if (index >= 0 && index < m_buttons.size())
        m_buttons.at(index)->setToolTip(toolTip);
}

void ModeRail::setBadge(int index, const QString &text)
{
    if (index < 0 || index >= m_buttons.size())
        return;
    auto *button = static_cast<ModeButton *>(m_buttons.at(index));
    button->badge = text;
    button->setAccessibleDescription(text);
    button->update();
}

QString ModeRail::badge(int index) const
{
    return index >= 0 && index < m_buttons.size()
        ? static_cast<ModeButton *>(m_buttons.at(index))->badge
        : QString();
}

void ModeRail::setCurrentIndex(int index)
{
    if (index >= 0 && index < m_buttons.size())
        m_buttons.at(index)->setChecked(true);
}

void ModeRail::paintEvent(QPaintEvent *event)
{
    QPainter p(this);
    p.fillRect(event->rect(), railBackground(palette()));
    p.setPen(palette().color(QPalette::Mid));
    p.drawLine(width() - 1, 0, width() - 1, height());
}

} // namespace Baton::Ui
