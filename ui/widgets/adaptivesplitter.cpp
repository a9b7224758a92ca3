#include "adaptivesplitter.h"

#include <QResizeEvent>

namespace Baton::Ui {

namespace {

QSize minimumOf(const QWidget *w)
{
    return w->minimumSizeHint().expandedTo(w->minimumSize());
}

} // namespace

AdaptiveSplitter::AdaptiveSplitter(QWidget *parent)
    : QSplitter(Qt::Horizontal, parent)
{ }

int AdaptiveSplitter::sideBySideWidth() const
{
    int width = 0;
    for (int i = 0; i < count(); ++i) {
        if (!widget(i)->isHidden())
            width += minimumOf(widget(i)).width() + (i > 0 ? handleWidth() : 0);
    }
    return width;
}

QSize AdaptiveSplitter::minimumSizeHint() const
{
    int width = 0;
    int height = 0;
    for (int i = 0; i < count(); ++i) {
        if (widget(i)->isHidden())
            continue;
        const QSize m = minimumOf(widget(i));
        width = std::max(width, m.width());
        height = orientation() == Qt::Vertical ? height + m.height() + handleWidth()
                                               : std::max(height, m.height());
    }
    return { width, height };
}

void AdaptiveSplitter::resizeEvent(QResizeEvent *event)
{
    const Qt::Orientation wanted
        = event->size().width() < sideBySideWidth() ? Qt::Vertical : Qt::Horizontal;
    if (wanted != orientation()) {
        setOrientation(wanted);
        const int extent = wanted == Qt::Vertical ? event->size().height() : event->size().width();
        QList<int> even;
        for (int i = 0; i < count(); ++i)
            even << extent / std::max(1, int(count()));
        setSizes(even);
        updateGeometry();
    }
    QSplitter::resizeEvent(event);
}

} // namespace Baton::Ui
