#pragma once

#include <QWidget>

class QBoxLayout;
class QLayout;

namespace Baton::Ui {

/// A row of groups (a title, a button bar…) that stacks them one under the other when the row
/// is too narrow for them side by side, so that a header or a tool bar never forces its window
/// wider (the console stays usable at 1024×700). Its minimum width is its widest group's.
class AdaptiveRow : public QWidget
{
    Q_OBJECT
public:
    explicit AdaptiveRow(QWidget *parent = nullptr);

    void addLayout(QLayout *group, int stretch = 0);
    void addWidget(QWidget *group, int stretch = 0);
    /// The groups are one under the other now.
    bool isStacked() const;
    QSize minimumSizeHint() const override;

protected:
    void resizeEvent(QResizeEvent *event) override;

private:
    void arrange(int width);

    QBoxLayout *m_box;
};

} // namespace Baton::Ui
