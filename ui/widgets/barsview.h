#pragma once

#include <QSize>
#include <QWidget>

namespace Baton::Ui {

/// A widget that paints bars laid out for its current size and says what is under the mouse:
/// what the run Gantt and the timeline across runs share. Subclasses lay their hit rectangles
/// out in one place (paint and hit tests use the same) and answer toolTipAt().
class BarsView : public QWidget
{
    Q_OBJECT

public:
    using QWidget::QWidget;

    /// What the tooltip says at @p pos (empty: nothing there).
    virtual QString toolTipAt(const QPoint &pos) const = 0;

protected:
    /// Shows toolTipAt() on hover (and hides a stale one over empty space); a resize makes the
    /// layout stale.
    bool event(QEvent *event) override;

    /// True when the layout is current for this size; otherwise marks it current and returns
    /// false, and the caller lays out again.
    bool layoutIsCurrent() const;
    /// The content changed: lay out again before the next paint or hit test.
    void invalidateLayout() { m_laidOutFor = {}; }

private:
    mutable QSize m_laidOutFor;
};

} // namespace Baton::Ui
