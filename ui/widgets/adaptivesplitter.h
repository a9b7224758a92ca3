#pragma once

#include <QSplitter>

namespace Baton::Ui {

/// A splitter that puts its panes side by side while they fit, and one above the other when
/// its width is less than they need side by side — so that two panes never force their window
/// wider (1024×700). Its minimum width is its widest pane's.
class AdaptiveSplitter : public QSplitter
{
    Q_OBJECT
public:
    explicit AdaptiveSplitter(QWidget *parent = nullptr);

    QSize minimumSizeHint() const override;
    /// The width the panes need side by side.
    int sideBySideWidth() const;

protected:
    void resizeEvent(QResizeEvent *event) override;
};

} // namespace Baton::Ui
