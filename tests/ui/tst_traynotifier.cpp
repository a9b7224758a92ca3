// Failure notifications: opt-in per project, persisted, shown in the window without a tray.
#include "notifications/traynotifier.h"

#include <QAction>
#include <QFrame>
#include <QLabel>
#include <QMenu>
#include <QSettings>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>

using namespace Baton;
using Baton::Ui::TrayNotifier;

namespace {

RunRow row(qint64 id, const QString &state, const QString &project = QStringLiteral("churn"))
{
    RunRow r;
    r.id = id;
    r.project = project;
    r.pipeline = QStringLiteral("nightly");
    r.environment = QStringLiteral("prod");
    r.state = parseRunState(state, id);
    return r;
}

RunsDelta reset(const QList<RunRow> &rows)
{
    RunsDelta d;
    d.reset = true;
    d.added = rows;
    return d;
}

RunsDelta updated(const QList<RunRow> &rows)
{
    RunsDelta d;
    d.updated = rows;
    return d;
}

} // namespace

class TestTrayNotifier : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_settingsDir;

private Q_SLOTS:
    void initTestCase()
    {
        // Never touch the developer's settings, nor another test's.
        QVERIFY(m_settingsDir.isValid());
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
    }
    void init()
    {
        QSettings(QStringLiteral("Baton"), QStringLiteral("baton"))
            .remove(QStringLiteral("notifications"));
    }

    void offscreenFallsBackToABanner()
    {
        QWidget window;
        window.resize(900, 600);
        TrayNotifier notifier(&window);
        QVERIFY(!notifier.usesSystemTray()); // the offscreen platform has no tray
        QVERIFY(notifier.banner());
        QVERIFY(!notifier.banner()->isVisible());
        QCOMPARE(notifier.banner()->parentWidget(), &window);
    }

    void onlyOptedInProjectsNotify()
    {
        QWidget window;
        window.resize(900, 600);
        window.show();
        TrayNotifier notifier(&window);
        QSignalSpy notified(&notifier, &TrayNotifier::notified);
        notifier.onRunsChanged(
            reset({ row(4, QStringLiteral("running")),
                    row(5, QStringLiteral("running"), QStringLiteral("inventory")) }));
        notifier.onRunsChanged(updated({ row(4, QStringLiteral("failed")) }));
        QCOMPARE(notified.size(), 0); // off until opted in
        QVERIFY(!notifier.banner()->isVisible());

        notifier.setProjectEnabled(QStringLiteral("inventory"), true);
        notifier.onRunsChanged(
            updated({ row(5, QStringLiteral("timed_out"), QStringLiteral("inventory")) }));
        QCOMPARE(notified.size(), 1);
        const auto notice = notified.first().first().value<FailureNotice>();
        QCOMPARE(notice.runId, 5);
        QVERIFY(notifier.banner()->isVisible());
        QVERIFY2(
            notifier.bannerText().contains(QStringLiteral("Run 5 timed out: inventory/nightly")),
            qPrintable(notifier.bannerText()));
        QCOMPARE(notifier.shown().size(), 1);
        // Inside the window, top right.
        QVERIFY(notifier.banner()->geometry().right() <= window.width());

        // "Show run" asks the window to show it; ✕ dismisses.
        QSignalSpy activated(&notifier, &TrayNotifier::runActivated);
        auto *text = notifier.banner()->findChild<QLabel *>(QStringLiteral("failureBannerText"));
        QVERIFY(text);
        Q_EMIT text->linkActivated(QStringLiteral("#run"));
        QCOMPARE(activated.size(), 1);
        QCOMPARE(activated.first().first().toLongLong(), 5);
        notifier.onRunsChanged(
            updated({ row(5, QStringLiteral("queued"), QStringLiteral("inventory")) }));
        notifier.onRunsChanged(
            updated({ row(5, QStringLiteral("failed"), QStringLiteral("inventory")) }));
        QVERIFY(notifier.banner()->isVisible());
        notifier.banner()->findChild<QToolButton *>(QStringLiteral("failureBannerClose"))->click();
        QVERIFY(!notifier.banner()->isVisible());
    }

    void optInPersistsAndTheMenuOffersEachProject()
    {
        {
            QWidget window;
            TrayNotifier notifier(&window);
            notifier.setProjects({ QStringLiteral("inventory"), QStringLiteral("churn") });
            QCOMPARE(notifier.projects(),
                     (QStringList { QStringLiteral("churn"), QStringLiteral("inventory") }));
            auto *churn = notifier.menu()->findChild<QAction *>(QStringLiteral("notify:churn"));
            QVERIFY(churn && churn->isCheckable() && !churn->isChecked());
            churn->setChecked(true); // as a click would
            QVERIFY(notifier.isProjectEnabled(QStringLiteral("churn")));
        }
        QCOMPARE(QSettings(QStringLiteral("Baton"), QStringLiteral("baton"))
                     .value(QStringLiteral("notifications/failedRunProjects"))
                     .toStringList(),
                 QStringList { QStringLiteral("churn") });
        QWidget window;
        TrayNotifier again(&window);
        QVERIFY(again.isProjectEnabled(QStringLiteral("churn")));
        QVERIFY(!again.isProjectEnabled(QStringLiteral("inventory")));
        // Opted in but not seen lately: still offered, so it can be turned off.
        again.setProjects({ QStringLiteral("inventory") });
        QVERIFY(again.projects().contains(QStringLiteral("churn")));
        auto *churn = again.menu()->findChild<QAction *>(QStringLiteral("notify:churn"));
        QVERIFY(churn && churn->isChecked());
        churn->setChecked(false);
        QVERIFY(QSettings(QStringLiteral("Baton"), QStringLiteral("baton"))
                    .value(QStringLiteral("notifications/failedRunProjects"))
                    .toStringList()
                    .isEmpty());
    }

    void severalFailuresAtOnceMakeOneNotice()
    {
        QWidget window;
        TrayNotifier notifier(&window);
        notifier.setProjectEnabled(QStringLiteral("churn"), true);
        notifier.onRunsChanged(
            reset({ row(1, QStringLiteral("running")), row(2, QStringLiteral("running")) }));
        QSignalSpy notified(&notifier, &TrayNotifier::notified);
        notifier.onRunsChanged(
            updated({ row(2, QStringLiteral("failed")), row(1, QStringLiteral("lost")) }));
        QCOMPARE(notified.size(), 1);
        const auto notice = notified.first().first().value<FailureNotice>();
        QCOMPARE(notice.runId, 2);
        QVERIFY2(notice.text.contains(QStringLiteral("and 1 more failed runs")),
                 qPrintable(notice.text));
    }
};

QTEST_MAIN(TestTrayNotifier)
#include "tst_traynotifier.moc"
