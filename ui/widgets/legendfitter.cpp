#include "legendfitter.h"

#include <QChart>
#include <QChartView>
#include <QEvent>
#include <QLegend>
#include <QLegendMarker>

namespace Baton::Ui {

LegendFitter::LegendFitter(QChartView *view)
    : QObject(view)
    , m_view(view)
{
    view->installEventFilter(this);
    // Series added or renamed repaint the chart without resizing the legend's row.
    view->viewport()->installEventFilter(this);
    QLegend *legend = view->chart()->legend();
    legend->setShowToolTips(true);
    // Entries come and go as series are added, named or hidden: the legend lays out again.
    connect(legend, &QGraphicsWidget::geometryChanged, this, [this] {
        if (m_queued)
            return;
        m_queued = true;
        QMetaObject::invokeMethod(
            this,
            [this] {
                m_queued = false;
                fit();
            },
            Qt::QueuedConnection);
    });
}

int LegendFitter::rowWidth() const
{
    QLegend *legend = m_view->chart()->legend();
    const QFontMetrics metrics(legend->font());
    int width = 0;
    const QList<QLegendMarker *> markers = legend->markers();
    for (const QLegendMarker *marker : markers) {
        if (!marker->isVisible())
            continue;
        // The marker's square, its label and the space between entries.
        width += metrics.height() + 6 + metrics.horizontalAdvance(marker->label()) + 14;
    }
    return width;
}

void LegendFitter::fit()
{
    QLegend *legend = m_view->chart()->legend();
    const int room = m_view->width() - 16;
    const Qt::Alignment wanted = rowWidth() > room ? Qt::AlignRight : Qt::AlignBottom;
    if (legend->alignment() != wanted)
        legend->setAlignment(wanted);
}

bool LegendFitter::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_view && (event->type() == QEvent::Resize || event->type() == QEvent::Show))
        fit();
    else if (watched == m_view->viewport() && event->type() == QEvent::Paint && !m_queued) {
        m_queued = true; // after this paint: a change of place repaints once more
        QMetaObject::invokeMethod(
            this,
            [this] {
                m_queued = false;
                fit();
            },
            Qt::QueuedConnection);
    }
    return QObject::eventFilter(watched, event);
}

} // namespace Baton::Ui
