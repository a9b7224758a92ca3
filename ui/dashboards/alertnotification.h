#pragma once

#include "monitoring/alertrules.h"

#include <QFrame>

class QLabel;
class QTimer;

namespace Baton::Ui {

/// An in-window notification for alerts that just fired: a card in the top-right corner of
/// its parent, whatever mode is shown; it hides itself after a while. (A desktop tray notifier
/// can listen to the same DashboardsMode::alertsFired signal.)
class AlertNotification : public QFrame
{
    Q_OBJECT
public:
    static constexpr int ShownMs = 15000;

    explicit AlertNotification(QWidget *parent);
    QString text() const;

public Q_SLOTS:
    void notify(const QList<Baton::AlertFiring> &fired);

Q_SIGNALS:
    /// The notification's "Show" link was clicked.
    void showRequested();

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void place();

    QLabel *m_text;
    QTimer *m_timer;
};

} // namespace Baton::Ui
