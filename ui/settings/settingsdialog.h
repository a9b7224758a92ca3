#pragma once

#include <QDialog>
#include <QHash>
#include <QStringList>

class QCheckBox;
class QComboBox;
class QDialogButtonBox;
class QLabel;
class QListWidget;
class QSpinBox;
class QTabWidget;

namespace Baton {
class Store;
}

namespace Baton::Ui {

class TrayNotifier;

/// Tools → Settings…: the workspace settings (as `baton settings` sets them, validated by the
/// same core rules and audited) and this console's failure notifications, offered for every
/// project of the workspace, also one that has not run yet.
///
/// The values are read and saved off the GUI thread. A bad value is refused with core's
/// message naming the field, and nothing is saved (Settings::setAll is all or nothing).
class SettingsDialog : public QDialog
{
    Q_OBJECT
public:
    SettingsDialog(const Baton::Store *store, TrayNotifier *notifier, const QStringList &projects,
                   QWidget *parent = nullptr);
    ~SettingsDialog() override;

    QTabWidget *tabs() const { return m_tabs; }
    QSpinBox *maxParallelBox() const { return m_maxParallel; }
    QComboBox *timeZoneBox() const { return m_timezone; }
    QSpinBox *logCapBox() const { return m_logCap; }
    QSpinBox *killGraceBox() const { return m_killGrace; }
    QListWidget *notificationList() const { return m_projects; }
    QLabel *errorLabel() const { return m_error; }
    QDialogButtonBox *buttons() const { return m_buttons; }
    /// True once the stored values are shown (the fields are disabled until then).
    bool isLoaded() const { return m_loaded; }
    /// The values the fields would save: key → value ("" resets to the default).
    QList<QPair<QString, QString>> values() const;

public Q_SLOTS:
    /// Saves off the GUI thread; closes on success, shows the refusal otherwise.
    void save();

Q_SIGNALS:
    void loaded();
    /// Saved; @p changed lists the workspace settings that changed.
    void saved(const QStringList &changed);
    void saveFailed(const QString &message);

private:
    void load();
    void applyLoaded(const QHash<QString, QString> &stored, const QString &error);
    void setBusy(bool busy);
    QString timeZoneValue() const;

    const Baton::Store *m_store;
    TrayNotifier *m_notifier;
    QTabWidget *m_tabs;
    QSpinBox *m_maxParallel;
    QComboBox *m_timezone;
    QSpinBox *m_logCap;
    QSpinBox *m_killGrace;
    QListWidget *m_projects;
    QLabel *m_error;
    QDialogButtonBox *m_buttons;
    QHash<QString, QString> m_stored; // as read: key → raw value ("" when unset)
    bool m_loaded = false;
};

} // namespace Baton::Ui
