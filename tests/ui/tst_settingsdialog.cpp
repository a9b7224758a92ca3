#include "notifications/traynotifier.h"
#include "settings/settingsdialog.h"
#include "store/settings.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "widgets/backgroundtask.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace Baton;
using Baton::Ui::SettingsDialog;
using Baton::Ui::TrayNotifier;

// Tools → Settings…: the workspace settings through core's rules (same ranges and messages as
// `baton settings`, audited), and notifications for any project, also one that never ran.
class TestSettingsDialog : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_settingsDir;
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Workspace> m_ws;
    std::unique_ptr<QWidget> m_window;

    QString value(const char *key) const
    {
        return Settings::value(m_ws->store().db(), QString::fromLatin1(key));
    }
    int audits() const
    {
        return Sql::scalar(m_ws->store().db(),
                           QStringLiteral("SELECT count(*) FROM audit_events WHERE action = "
                                          "'setting.update'"))
            .toInt();
    }
    std::unique_ptr<SettingsDialog> open(TrayNotifier *notifier = nullptr,
                                         const QStringList &projects = {})
    {
        auto d
            = std::make_unique<SettingsDialog>(&m_ws->store(), notifier, projects, m_window.get());
        QSignalSpy loaded(d.get(), &SettingsDialog::loaded);
        if (!d->isLoaded() && !loaded.wait(10000))
            return nullptr;
        return d;
    }

private Q_SLOTS:
    void cleanup()
    {
        Baton::Ui::BackgroundTask::drain(); // jobs may outlive widgets, never the workspace
    }

    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settingsDir.path());
        QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, m_settingsDir.path());
    }
    void init()
    {
        QSettings(QStringLiteral("Baton"), QStringLiteral("baton")).clear();
        m_window = std::make_unique<QWidget>();
        m_ws.reset();
        m_dir = std::make_unique<QTemporaryDir>();
        m_ws = std::make_unique<Workspace>(m_dir->path(), Workspace::Mode::CreateIfMissing);
    }

    void showsStoredValuesAndDefaults()
    {
        Settings::set(m_ws->store(), QStringLiteral("max_parallel"), QStringLiteral("3"),
                      QStringLiteral("ann"));
        Settings::set(m_ws->store(), QStringLiteral("timezone"), QStringLiteral("Asia/Tokyo"),
                      QStringLiteral("ann"));
        auto d = open();
        QVERIFY(d);
        QCOMPARE(d->maxParallelBox()->value(), 3);
        QCOMPARE(d->timeZoneBox()->currentText(), QStringLiteral("Asia/Tokyo"));
        QCOMPARE(d->logCapBox()->value(), 100); // the default, 100 MiB
        QCOMPARE(d->killGraceBox()->value(), 10);
        // The ranges are core's.
        QCOMPARE(d->killGraceBox()->maximum(),
                 int(Settings::key(QStringLiteral("kill_grace_seconds"))->maximum));
        QCOMPARE(d->maxParallelBox()->maximum(),
                 int(Settings::key(QStringLiteral("max_parallel"))->maximum));
        QVERIFY(d->logCapBox()->minimum() == 0 && !d->logCapBox()->specialValueText().isEmpty());
    }

    // Only what the user changed is written, each change audited; untouched defaults stay
    // unset (they follow the default, not a copy of it).
    void savesWhatChangedAudited()
    {
        auto d = open();
        QVERIFY(d);
        const int before = audits();
        d->maxParallelBox()->setValue(6);
        d->timeZoneBox()->setCurrentText(QStringLiteral("America/Chicago"));
        QSignalSpy saved(d.get(), &SettingsDialog::saved);
        d->buttons()->button(QDialogButtonBox::Save)->click();
        QVERIFY(saved.wait(10000));
        QCOMPARE(saved.at(0).at(0).toStringList(),
                 (QStringList { QStringLiteral("max_parallel"), QStringLiteral("timezone") }));
        QCOMPARE(value("max_parallel"), QStringLiteral("6"));
        QCOMPARE(value("timezone"), QStringLiteral("America/Chicago"));
        QCOMPARE(audits(), before + 2);
        QVERIFY(
            Settings::stored(m_ws->store().db(), QStringLiteral("kill_grace_seconds")).isEmpty());
        QCOMPARE(d->result(), int(QDialog::Accepted));
    }

    // Back to "Default": the stored value goes (as `baton settings max_parallel ""`).
    void defaultResetsTheSetting()
    {
        Settings::set(m_ws->store(), QStringLiteral("max_parallel"), QStringLiteral("3"),
                      QStringLiteral("ann"));
        auto d = open();
        QVERIFY(d);
        d->maxParallelBox()->setValue(0);
        QCOMPARE(d->maxParallelBox()->text(), d->maxParallelBox()->specialValueText());
        QSignalSpy saved(d.get(), &SettingsDialog::saved);
        d->save();
        QVERIFY(saved.wait(10000));
        QVERIFY(Settings::stored(m_ws->store().db(), QStringLiteral("max_parallel")).isEmpty());
    }

    // A bad value: core's message naming the field, the dialog stays open, nothing stored.
    void badTimeZoneIsRefusedNamingTheField()
    {
        auto d = open();
        QVERIFY(d);
        d->maxParallelBox()->setValue(5);
        d->timeZoneBox()->setCurrentText(QStringLiteral("Mars/Olympus_Mons"));
        QSignalSpy failed(d.get(), &SettingsDialog::saveFailed);
        d->save();
        QCOMPARE(failed.size(), 1);
        QCOMPARE(
            failed.at(0).at(0).toString(),
            Settings::validate(QStringLiteral("timezone"), QStringLiteral("Mars/Olympus_Mons")));
        QVERIFY(d->errorLabel()->isVisibleTo(d.get()));
        QVERIFY(d->errorLabel()->text().startsWith(QStringLiteral("timezone: unknown time zone")));
        QCOMPARE(audits(), 0);
        QVERIFY(Settings::stored(m_ws->store().db(), QStringLiteral("max_parallel")).isEmpty());
        QVERIFY(d->result() != int(QDialog::Accepted));
    }

    // Any project can be subscribed, even one that has not run (the Runs menu offered only
    // projects with runs).
    void notificationsForProjectsThatNeverRan()
    {
        TrayNotifier notifier(m_window.get());
        auto d = open(&notifier, { QStringLiteral("churn"), QStringLiteral("fresh") });
        QVERIFY(d);
        QListWidget *list = d->notificationList();
        QCOMPARE(list->count(), 2);
        QCOMPARE(list->item(1)->text(), QStringLiteral("fresh"));
        QCOMPARE(list->item(1)->checkState(), Qt::Unchecked);
        list->item(1)->setCheckState(Qt::Checked);
        QSignalSpy saved(d.get(), &SettingsDialog::saved);
        d->save();
        QVERIFY(saved.wait(10000));
        QVERIFY(notifier.isProjectEnabled(QStringLiteral("fresh")));
        QVERIFY(!notifier.isProjectEnabled(QStringLiteral("churn")));
        // Kept in the console's settings: a new notifier (the next start) still has it.
        TrayNotifier again(m_window.get());
        QVERIFY(again.isProjectEnabled(QStringLiteral("fresh")));
    }
};

QTEST_MAIN(TestSettingsDialog)
#include "tst_settingsdialog.moc"
