#include "settingsdialog.h"

#include "access/identity.h"
#include "notifications/traynotifier.h"
#include "store/settings.h"
#include "store/store.h"
#include "util/error.h"
#include "widgets/backgroundtask.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QThread>
#include <QTimeZone>
#include <QVBoxLayout>
#include <limits>

namespace Baton::Ui {

namespace {

const QString kMaxParallel = QStringLiteral("max_parallel");
const QString kTimezone = QStringLiteral("timezone");
const QString kLogCap = QStringLiteral("log_cap_bytes");
const QString kKillGrace = QStringLiteral("kill_grace_seconds");
constexpr qlonglong kMiB = 1024 * 1024;

// A spin box whose range is the setting's own (core's), clamped to what a QSpinBox holds.
QSpinBox *settingBox(const QString &key, qlonglong unit, QWidget *parent)
{
    auto *box = new QSpinBox(parent);
    const Settings::Key *k = Settings::key(key);
    const qlonglong max = std::min<qlonglong>(k->maximum / unit, std::numeric_limits<int>::max());
    box->setRange(int(k->minimum / unit), int(max));
    box->setToolTip(QString::fromUtf8(k->help));
    box->setAccelerated(true);
    return box;
}

} // namespace

SettingsDialog::SettingsDialog(const Baton::Store *store, TrayNotifier *notifier,
                               const QStringList &projects, QWidget *parent)
    : QDialog(parent)
    , m_store(store)
    , m_notifier(notifier)
    , m_tabs(new QTabWidget(this))
{
    setObjectName(QStringLiteral("settingsDialog"));
    setWindowTitle(tr("Settings"));

    // Workspace: what `baton settings` shows, with the same ranges.
    auto *workspace = new QWidget(m_tabs);
    auto *form = new QFormLayout(workspace);
    m_maxParallel = settingBox(kMaxParallel, 1, workspace);
    m_maxParallel->setObjectName(QStringLiteral("maxParallelBox"));
    // 0 stands for "unset": the engine then uses the CPU count.
    m_maxParallel->setMinimum(0);
    m_maxParallel->setSpecialValueText(tr("Default (%1 CPUs)").arg(QThread::idealThreadCount()));
    form->addRow(tr("Most &task attempts at once:"), m_maxParallel);

    m_timezone = new QComboBox(workspace);
    m_timezone->setObjectName(QStringLiteral("timeZoneBox"));
    m_timezone->setToolTip(QString::fromUtf8(Settings::key(kTimezone)->help));
    m_timezone->addItem(
        tr("System default (%1)").arg(QString::fromUtf8(QTimeZone::systemTimeZoneId())), QString());
    for (const QByteArray &id : QTimeZone::availableTimeZoneIds())
        m_timezone->addItem(QString::fromUtf8(id), QString::fromUtf8(id));
    m_timezone->setMaxVisibleItems(20);
    // Typed or picked: a typed zone is checked by core's rule on Save.
    m_timezone->setEditable(true);
    m_timezone->setInsertPolicy(QComboBox::NoInsert);
    form->addRow(tr("Schedules' &time zone:"), m_timezone);

    m_logCap = settingBox(kLogCap, kMiB, workspace);
    m_logCap->setObjectName(QStringLiteral("logCapBox"));
    m_logCap->setSuffix(tr(" MiB"));
    m_logCap->setSpecialValueText(tr("Unlimited"));
    form->addRow(tr("&Log cap per attempt:"), m_logCap);

    m_killGrace = settingBox(kKillGrace, 1, workspace);
    m_killGrace->setObjectName(QStringLiteral("killGraceBox"));
    m_killGrace->setSuffix(tr(" s"));
    form->addRow(tr("&Kill grace (SIGTERM → SIGKILL):"), m_killGrace);

    auto *note = new QLabel(tr("These settings belong to the workspace: every console and "
                               "engine on it uses them. Each change is audited."),
                            workspace);
    note->setWordWrap(true);
    form->addRow(note);
    m_tabs->addTab(workspace, tr("&Workspace"));

    // Notifications: this console's, per project, including projects that never ran.
    auto *notifications = new QWidget(m_tabs);
    auto *nl = new QVBoxLayout(notifications);
    auto *intro = new QLabel(tr("Notify me when a run of these projects fails:"), notifications);
    nl->addWidget(intro);
    m_projects = new QListWidget(notifications);
    m_projects->setObjectName(QStringLiteral("notificationList"));
    QStringList offered = projects;
    if (m_notifier)
        offered += m_notifier->projects();
    offered.sort(Qt::CaseInsensitive);
    offered.removeDuplicates();
    for (const QString &p : std::as_const(offered)) {
        auto *item = new QListWidgetItem(p, m_projects);
        item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable);
        item->setCheckState(m_notifier && m_notifier->isProjectEnabled(p) ? Qt::Checked
                                                                          : Qt::Unchecked);
    }
    if (offered.isEmpty())
        intro->setText(tr("The workspace has no projects yet."));
    nl->addWidget(m_projects, 1);
    m_tabs->addTab(notifications, tr("&Notifications"));

    m_error = new QLabel(this);
    m_error->setObjectName(QStringLiteral("settingsError"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: palette(bright-text); background: #b3261e; "
                                          "padding: 4px;"));
    m_error->hide();

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    connect(m_buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::save);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(m_tabs, 1);
    layout->addWidget(m_error);
    layout->addWidget(m_buttons);
    resize(520, 380);
    setBusy(true);
    load();
}

SettingsDialog::~SettingsDialog() = default; // jobs in flight are not waited for

void SettingsDialog::setBusy(bool busy)
{
    m_tabs->widget(0)->setEnabled(!busy);
    m_buttons->button(QDialogButtonBox::Save)->setEnabled(!busy);
}

void SettingsDialog::load()
{
    const Store *store = m_store;
    using Stored = QHash<QString, QString>;
    BackgroundTask::run(
        this, BackgroundTask::lane(QStringLiteral("settings")),
        [store] {
            std::pair<Stored, QString> r;
            r.second = failureOf([&] {
                for (const Settings::Key &k : Settings::keys()) {
                    const QString key = QString::fromLatin1(k.name);
                    r.first.insert(key, Settings::stored(store->db(), key));
                }
            });
            return r;
        },
        [this](const std::pair<Stored, QString> &r) { applyLoaded(r.first, r.second); });
}

void SettingsDialog::applyLoaded(const QHash<QString, QString> &stored, const QString &error)
{
    if (!error.isEmpty()) {
        m_error->setText(tr("Cannot read the settings: %1").arg(error));
        m_error->show();
        return;
    }
    m_stored = stored;
    const auto orDefault = [&](const QString &key) {
        const QString v = stored.value(key);
        return v.isEmpty() ? QString::fromLatin1(Settings::key(key)->defaultValue) : v;
    };
    m_maxParallel->setValue(orDefault(kMaxParallel).toInt());
    m_timezone->setCurrentIndex(std::max(0, m_timezone->findData(stored.value(kTimezone))));
    m_logCap->setValue(int(orDefault(kLogCap).toLongLong() / kMiB));
    m_killGrace->setValue(orDefault(kKillGrace).toInt());
    // What was shown, to send only what the user changed.
    for (QWidget *w : { static_cast<QWidget *>(m_maxParallel), static_cast<QWidget *>(m_logCap),
                        static_cast<QWidget *>(m_killGrace) })
        w->setProperty("batonLoaded", static_cast<QSpinBox *>(w)->value());
    m_timezone->setProperty("batonLoaded", m_timezone->currentText());
    m_loaded = true;
    setBusy(false);
    Q_EMIT loaded();
}

QString SettingsDialog::timeZoneValue() const
{
    const QString text = m_timezone->currentText().trimmed();
    if (text == m_timezone->property("batonLoaded").toString())
        return m_stored.value(kTimezone);
    if (text.isEmpty() || text == m_timezone->itemText(0))
        return QString(); // the system's
    return text;
}

QList<QPair<QString, QString>> SettingsDialog::values() const
{
    const auto changed = [](const QWidget *w, int now) {
        return w->property("batonLoaded").toInt() != now;
    };
    QList<QPair<QString, QString>> out;
    out.append(
        { kMaxParallel,
          changed(m_maxParallel, m_maxParallel->value())
              ? (m_maxParallel->value() == 0 ? QString() : QString::number(m_maxParallel->value()))
              : m_stored.value(kMaxParallel) });
    out.append({ kTimezone, timeZoneValue() });
    out.append({ kLogCap,
                 changed(m_logCap, m_logCap->value())
                     ? QString::number(qlonglong(m_logCap->value()) * kMiB)
                     : m_stored.value(kLogCap) });
    out.append({ kKillGrace,
                 changed(m_killGrace, m_killGrace->value()) ? QString::number(m_killGrace->value())
                                                            : m_stored.value(kKillGrace) });
    return out;
}

void SettingsDialog::save()
{
    if (!m_loaded)
        return;
    // The rule is core's: the same message `baton settings` gives, naming the field.
    const QList<QPair<QString, QString>> vals = values();
    for (const auto &[key, value] : vals) {
        if (const QString error = Settings::validate(key, value); !error.isEmpty()) {
            m_error->setText(error);
            m_error->show();
            Q_EMIT saveFailed(error);
            return;
        }
    }
    // Notifications are this console's own (its settings file), applied at once.
    if (m_notifier) {
        for (int i = 0; i < m_projects->count(); ++i) {
            const QListWidgetItem *item = m_projects->item(i);
            m_notifier->setProjectEnabled(item->text(), item->checkState() == Qt::Checked);
        }
    }
    setBusy(true);
    const Store *store = m_store;
    const QString actor = currentUser();
    // A write: it runs to the end even when the dialog closes first (core audits it); only
    // its answer here is dropped.
    BackgroundTask::run(
        this, BackgroundTask::lane(QStringLiteral("settings")),
        [store, vals, actor] {
            std::pair<QStringList, QString> r;
            r.second = failureOf([&] { r.first = Settings::setAll(*store, vals, actor); });
            return r;
        },
        [this](const std::pair<QStringList, QString> &r) {
            setBusy(false);
            if (!r.second.isEmpty()) {
                m_error->setText(r.second);
                m_error->show();
                Q_EMIT saveFailed(r.second);
                return;
            }
            Q_EMIT saved(r.first);
            accept();
        });
}

} // namespace Baton::Ui
