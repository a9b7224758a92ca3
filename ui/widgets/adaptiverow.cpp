#include "adaptiverow.h"

#include <QBoxLayout>
#include <QResizeEvent>

namespace Baton::Ui {

AdaptiveRow::AdaptiveRow(QWidget *parent)
    : QWidget(parent)
    , m_box(new QBoxLayout(QBoxLayout::LeftToRight, this))
{
    m_box->setContentsMargins(0, 0, 0, 0);
}

void AdaptiveRow::addLayout(QLayout *group, int stretch)
{
    m_box->addLayout(group, stretch);
}

void AdaptiveRow::addWidget(QWidget *group, int stretch)
{
    m_box->addWidget(group, stretch);
}

bool AdaptiveRow::isStacked() const
{
    return m_box->direction() == QBoxLayout::TopToBottom;
}

QSize AdaptiveRow::minimumSizeHint() const
{
    int width = 0;
    for (int i = 0; i < m_box->count(); ++i)
        width = std::max(width, m_box->itemAt(i)->minimumSize().width());
    const QMargins m = contentsMargins();
    return { width + m.left() + m.right(), m_box->minimumSize().height() };
}

void AdaptiveRow::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    arrange(event->size().width());
}

void AdaptiveRow::arrange(int width)
{
    // Side by side when every group gets the room it asks for, stacked otherwise.
    int wanted = 0;
    for (int i = 0; i < m_box->count(); ++i)
        wanted += m_box->itemAt(i)->sizeHint().width() + (i > 0 ? m_box->spacing() : 0);
    const auto direction = wanted > width ? QBoxLayout::TopToBottom : QBoxLayout::LeftToRight;
    if (direction == m_box->direction())
        return;
    m_box->setDirection(direction);
    updateGeometry(); // the height changes
}

} // namespace Baton::Ui
