#include "traynotifier.h"

#include "widgets/icons.h"
#include "widgets/theme.h"

#include <QAction>
#include <QApplication>
#include <QEvent>
#include <QFrame>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QSettings>
#include <QSystemTrayIcon>
#include <QTimer>
#include <QToolButton>
#include <QWidget>

namespace Baton::Ui {

namespace {

const QString kKey = QStringLiteral("notifications/failedRunProjects");

const QString kOrganization = QStringLiteral("Baton");
const QString kApplication = QStringLiteral("baton");

} // namespace

TrayNotifier::TrayNotifier(QWidget *window)
    : QObject(window)
    , m_window(window)
    , m_menu(new QMenu(tr("&Notify When a Run Fails"), window))
{
    setObjectName(QStringLiteral("trayNotifier"));
    m_menu->setObjectName(QStringLiteral("notificationsMenu"));
    const QStringList saved = QSettings(kOrganization, kApplication).value(kKey).toStringList();
    m_logic.setEnabledProjects(QSet<QString>(saved.cbegin(), saved.cend()));
    m_projects = saved;

    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        QIcon icon = QApplication::windowIcon();
        if (icon.isNull())
            icon = Icons::monitorMode(); // a tray entry needs some icon to show at all
        m_tray = new QSystemTrayIcon(icon, this);
        m_tray->setToolTip(QStringLiteral("Baton"));
        connect(m_tray, &QSystemTrayIcon::messageClicked, this, [this] {
            if (m_lastRun > 0)
                Q_EMIT runActivated(m_lastRun);
        });
        m_tray->show();
    } else {
        // No tray (offscreen, some desktops): a banner at the top right of the window.
        m_banner = new QFrame(window);
        m_banner->setObjectName(QStringLiteral("failureBanner"));
        m_banner->setFrameShape(QFrame::StyledPanel);
        m_banner->setAutoFillBackground(true);
        auto *layout = new QHBoxLayout(m_banner);
        layout->setContentsMargins(10, 6, 4, 6);
        m_bannerText = new QLabel(m_banner);
        m_bannerText->setObjectName(QStringLiteral("failureBannerText"));
        m_bannerText->setTextFormat(Qt::RichText);
        connect(m_bannerText, &QLabel::linkActivated, this, [this] {
            m_banner->hide();
            if (m_lastRun > 0)
                Q_EMIT runActivated(m_lastRun);
        });
        layout->addWidget(m_bannerText, 1);
        auto *close = new QToolButton(m_banner);
        close->setObjectName(QStringLiteral("failureBannerClose"));
        close->setAutoRaise(true);
        close->setText(QStringLiteral("✕"));
        close->setToolTip(tr("Dismiss"));
        connect(close, &QToolButton::clicked, m_banner, &QWidget::hide);
        layout->addWidget(close);
        m_banner->hide();
        m_bannerTimer = new QTimer(this);
        m_bannerTimer->setSingleShot(true);
        connect(m_bannerTimer, &QTimer::timeout, m_banner, &QWidget::hide);
        window->installEventFilter(this); // keeps the banner in its corner on resize
    }
    rebuildMenu();
}

TrayNotifier::~TrayNotifier() = default;

QString TrayNotifier::bannerText() const
{
    return m_bannerText ? m_bannerText->text() : QString();
}

void TrayNotifier::setProjectEnabled(const QString &project, bool enabled)
{
    if (m_logic.isProjectEnabled(project) == enabled)
        return;
    m_logic.setProjectEnabled(project, enabled);
    if (!m_projects.contains(project)) {
        m_projects << project;
        m_projects.sort(Qt::CaseInsensitive);
    }
    save();
    rebuildMenu();
}

bool TrayNotifier::isProjectEnabled(const QString &project) const
{
    return m_logic.isProjectEnabled(project);
}

void TrayNotifier::setProjects(const QStringList &projects)
{
    m_runProjects = projects;
    updateProjects();
}

void TrayNotifier::setCatalogProjects(const QStringList &projects)
{
    m_catalogProjects = projects;
    updateProjects();
}

void TrayNotifier::updateProjects()
{
    QStringList all = m_runProjects + m_catalogProjects;
    for (const QString &p : m_logic.enabledProjects()) {
        if (!all.contains(p))
            all << p; // opted in but not seen lately: still offered, so it can be turned off
    }
    all.sort(Qt::CaseInsensitive);
    all.removeDuplicates();
    if (all == m_projects)
        return;
    m_projects = all;
    rebuildMenu();
}

void TrayNotifier::rebuildMenu()
{
    m_menu->clear();
    if (m_projects.isEmpty()) {
        QAction *none = m_menu->addAction(tr("No projects yet"));
        none->setEnabled(false);
        return;
    }
    for (const QString &project : std::as_const(m_projects)) {
        QAction *action = m_menu->addAction(project);
        action->setObjectName(QStringLiteral("notify:") + project);
        action->setCheckable(true);
        action->setChecked(m_logic.isProjectEnabled(project));
        connect(action, &QAction::toggled, this,
                [this, project](bool on) { setProjectEnabled(project, on); });
    }
}

void TrayNotifier::save() const
{
    const QSet<QString> projects = m_logic.enabledProjects(); // one container for both ends
    QStringList enabled(projects.cbegin(), projects.cend());
    enabled.sort(Qt::CaseInsensitive);
    QSettings(kOrganization, kApplication).setValue(kKey, enabled);
}

void TrayNotifier::onRunsChanged(const Baton::RunsDelta &delta)
{
    const QList<FailureNotice> notices = m_logic.feed(delta);
    // Several at once (a resync): the newest speaks for all, so nobody is flooded.
    if (notices.isEmpty())
        return;
    FailureNotice notice = notices.first();
    if (notices.size() > 1)
        notice.text += tr(" (and %1 more failed runs)").arg(notices.size() - 1);
    show(notice);
}

void TrayNotifier::show(const Baton::FailureNotice &notice)
{
    m_lastRun = notice.runId;
    m_shown << notice;
    if (m_tray) {
        m_tray->showMessage(notice.title, notice.text, QSystemTrayIcon::Warning, 15000);
    } else {
        const QString colour = Theme::failure(m_window->palette()).name();
        m_bannerText->setText(
            QStringLiteral("<b style=\"color:%1\">%2</b><br>%3 <a href=\"#run\">%4</a>")
                .arg(colour, notice.title.toHtmlEscaped(), notice.text.toHtmlEscaped(),
                     tr("Show run")));
        m_banner->adjustSize();
        placeBanner();
        m_banner->show();
        m_banner->raise();
        m_bannerTimer->start(BannerTimeoutMs);
    }
    Q_EMIT notified(notice);
}

void TrayNotifier::placeBanner()
{
    if (!m_banner)
        return;
    const QSize size = m_banner->sizeHint().boundedTo(m_window->size());
    m_banner->resize(size);
    m_banner->move(m_window->width() - size.width() - 16, 40);
}

bool TrayNotifier::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_window && event->type() == QEvent::Resize)
        placeBanner();
    return QObject::eventFilter(watched, event);
}

} // namespace Baton::Ui
