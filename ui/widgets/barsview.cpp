#include "barsview.h"

#include <QHelpEvent>
#include <QToolTip>

namespace Baton::Ui {

bool BarsView::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString tip = toolTipAt(help->pos());
        if (tip.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), tip, this);
        return true;
    }
    if (event->type() == QEvent::Resize)
        invalidateLayout();
    return QWidget::event(event);
}

bool BarsView::layoutIsCurrent() const
{
    if (m_laidOutFor == size())
        return true;
    m_laidOutFor = size();
    return false;
}

} // namespace Baton::Ui
