#pragma once

#include "monitoring/failurenotifier.h"

#include <QObject>
#include <QPointer>
#include <QStringList>

class QFrame;
class QLabel;
class QMenu;
class QSystemTrayIcon;
class QTimer;
class QWidget;

namespace Baton::Ui {

/// Desktop notifications when a run fails, opt-in per project. FailureNotifier (core) decides
/// which runs deserve one; this shows them through the system tray when the desktop has one,
/// else as a banner inside @p window (offscreen and trayless sessions). The projects opted in
/// persist in QSettings ("notifications/failedRunProjects"), and menu() offers a checkable
/// entry per project seen.
class TrayNotifier : public QObject
{
    Q_OBJECT
public:
    /// How long the in-window banner stays.
    static constexpr int BannerTimeoutMs = 10000;

    explicit TrayNotifier(QWidget *window);
    ~TrayNotifier() override;

    /// True when notifications go to the system tray, false when to the in-window banner.
    bool usesSystemTray() const { return m_tray != nullptr; }
    /// The in-window banner (nullptr with a system tray).
    QFrame *banner() const { return m_banner; }
    QString bannerText() const;

    void setProjectEnabled(const QString &project, bool enabled);
    bool isProjectEnabled(const QString &project) const;
    /// Projects whose runs the console has seen (offered by the menu).
    void setProjects(const QStringList &projects);
    /// Every project of the workspace (offered too, so that a project can be subscribed
    /// before its first run).
    void setCatalogProjects(const QStringList &projects);
    QStringList projects() const { return m_projects; }
    /// "Notify When a Run Fails": one checkable action per project offered.
    QMenu *menu() const { return m_menu; }
    /// Notices shown so far (newest last), for tests and the status bar.
    const QList<Baton::FailureNotice> &shown() const { return m_shown; }

public Q_SLOTS:
    /// Feeds a batch from the run monitor; shows what FailureNotifier calls for.
    void onRunsChanged(const Baton::RunsDelta &delta);

Q_SIGNALS:
    void notified(const Baton::FailureNotice &notice);
    /// The user clicked a notification: show run @p runId.
    void runActivated(qint64 runId);

private:
    void show(const Baton::FailureNotice &notice);
    void rebuildMenu();
    void updateProjects();
    void save() const;
    void placeBanner();
    bool eventFilter(QObject *watched, QEvent *event) override;

    QWidget *m_window;
    Baton::FailureNotifier m_logic;
    QSystemTrayIcon *m_tray = nullptr;
    QFrame *m_banner = nullptr;
    QLabel *m_bannerText = nullptr;
    QTimer *m_bannerTimer = nullptr;
    QMenu *m_menu;
    QStringList m_projects; // offered: seen in runs, in the catalog, or opted in
    QStringList m_runProjects;
    QStringList m_catalogProjects;
    QList<Baton::FailureNotice> m_shown;
    qint64 m_lastRun = 0;
};

} // namespace Baton::Ui
