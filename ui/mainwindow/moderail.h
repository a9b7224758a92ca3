#pragma once

#include <QIcon>
#include <QList>
#include <QWidget>

class QAbstractButton;
class QButtonGroup;
class QVBoxLayout;

namespace Baton::Ui {

/// The vertical mode bar on the left of the main window (icon over label, one mode checked),
/// as in Qt Creator. It only switches: the pages live in the main window's stack.
class ModeRail : public QWidget
{
    Q_OBJECT
public:
    explicit ModeRail(QWidget *parent = nullptr);

    /// Appends a mode button; returns its index.
    int addMode(const QString &name, const QIcon &icon);
    int count() const { return int(m_buttons.size()); }
    int currentIndex() const;
    QString modeName(int index) const;
    /// The index of the mode called @p name, or -1.
    int indexOf(const QString &name) const;
    void setModeToolTip(int index, const QString &toolTip);
    /// A small count in the corner of a mode's button (e.g. firing alerts); empty hides it.
    void setBadge(int index, const QString &text);
    QString badge(int index) const;

public Q_SLOTS:
    void setCurrentIndex(int index);

Q_SIGNALS:
    void currentChanged(int index);

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QVBoxLayout *m_layout;
    QButtonGroup *m_group;
    QList<QAbstractButton *> m_buttons;
};

} // namespace Baton::Ui
