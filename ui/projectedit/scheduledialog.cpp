#include "scheduledialog.h"

#include "access/identity.h"
#include "scheduling/cronexpression.h"
#include "store/projectedits.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QTimeZone>
#include <QVBoxLayout>

namespace Baton::Ui {

ScheduleDialog::ScheduleDialog(const Baton::Store *store, const Baton::PipelineInfo &pipeline,
                               QWidget *parent)
    : EditDialog(parent)
    , m_store(store)
    , m_pipeline(pipeline)
{
    setObjectName(QStringLiteral("scheduleDialog"));
    setWindowTitle(tr("Schedule of %1/%2").arg(pipeline.project, pipeline.name));
    auto *form = new QFormLayout;
    m_cron = new QLineEdit(pipeline.schedule, this);
    m_cron->setObjectName(QStringLiteral("scheduleCron"));
    m_cron->setPlaceholderText(tr("e.g. 0 2 * * *   (empty: no schedule)"));
    m_cron->setToolTip(tr("minute hour day-of-month month day-of-week, or @daily, @hourly…"));
    form->addRow(tr("&Cron expression:"), m_cron);
    m_zone = new QComboBox(this);
    m_zone->setObjectName(QStringLiteral("scheduleZone"));
    m_zone->setEditable(true);
    m_zone->setInsertPolicy(QComboBox::NoInsert);
    m_zone->addItem(tr("The workspace's"), QString());
    for (const QByteArray &id : QTimeZone::availableTimeZoneIds())
        m_zone->addItem(QString::fromUtf8(id), QString::fromUtf8(id));
    m_zone->setCurrentIndex(std::max(0, m_zone->findData(pipeline.timezone)));
    form->addRow(tr("&Time zone:"), m_zone);
    m_misfire = new QComboBox(this);
    m_misfire->setObjectName(QStringLiteral("scheduleMisfire"));
    m_misfire->addItem(tr("Run the latest missed time once (run_once)"),
                       QStringLiteral("run_once"));
    m_misfire->addItem(tr("Skip missed times (skip)"), QStringLiteral("skip"));
    m_misfire->addItem(tr("Run every missed time (run_all)"), QStringLiteral("run_all"));
    m_misfire->setCurrentIndex(std::max(0, m_misfire->findData(pipeline.misfire)));
    form->addRow(tr("When &missed:"), m_misfire);
    body()->addLayout(form);
    m_preview = new QLabel(this);
    m_preview->setObjectName(QStringLiteral("schedulePreview"));
    m_preview->setWordWrap(true);
    m_preview->setTextFormat(Qt::RichText);
    body()->addWidget(m_preview);
    body()->addStretch(1);
    connect(m_cron, &QLineEdit::textChanged, this, &ScheduleDialog::updatePreview);
    connect(m_zone, &QComboBox::currentTextChanged, this, &ScheduleDialog::updatePreview);
    resize(520, 340);
    updatePreview();
}

QString ScheduleDialog::timeZone() const
{
    const QString text = m_zone->currentText().trimmed();
    if (text.isEmpty() || text == m_zone->itemText(0))
        return {};
    return text;
}

QString ScheduleDialog::check() const
{
    // The same rules as ProjectEdits::setSchedule, named the same way, before the round trip.
    const QString cron = m_cron->text().simplified();
    QString error;
    if (!cron.isEmpty() && !CronExpression::parse(cron, &error))
        return QStringLiteral("schedule: ") + error;
    const QString zone = timeZone();
    if (!zone.isEmpty() && !QTimeZone::isTimeZoneIdAvailable(zone.toUtf8()))
        return QStringLiteral("timezone: unknown time zone '%1'").arg(zone);
    return {};
}

void ScheduleDialog::updatePreview()
{
    // Pure computation, no store: fine on the GUI thread as the user types.
    const QString cron = m_cron->text().simplified();
    if (cron.isEmpty()) {
        m_preview->setText(tr("No schedule: the pipeline runs only when asked."));
        return;
    }
    const QString problem = check();
    if (!problem.isEmpty()) {
        m_preview->setText(tr("<b>Cannot fire:</b> %1").arg(problem.toHtmlEscaped()));
        return;
    }
    const QString zoneName = timeZone().isEmpty()
        ? (m_pipeline.timezone.isEmpty() && !m_pipeline.scheduleZone.isEmpty()
               ? m_pipeline.scheduleZone
               : QString::fromUtf8(QTimeZone::systemTimeZoneId()))
        : timeZone();
    const QTimeZone zone(zoneName.toUtf8());
    const auto expression = CronExpression::parse(cron);
    QStringList times;
    for (const QDateTime &t :
         expression->nextN(QDateTime::currentDateTime().toTimeZone(zone), zone, PreviewCount))
        times << t.toString(QStringLiteral("ddd yyyy-MM-dd HH:mm"));
    m_preview->setText(
        tr("Next fire times (%1):<br>%2")
            .arg(zoneName.toHtmlEscaped(),
                 times.isEmpty() ? tr("never") : times.join(QStringLiteral("<br>"))));
}

std::function<Baton::ImportSummary()> ScheduleDialog::work() const
{
    const Store *store = m_store;
    const QString project = m_pipeline.project, pipeline = m_pipeline.name;
    const QString cron = m_cron->text().simplified(), zone = timeZone(),
                  misfire = m_misfire->currentData().toString(), actor = currentUser();
    return [=] {
        return ProjectEdits::setSchedule(*store, project, pipeline, cron, zone, misfire, actor);
    };
}

} // namespace Baton::Ui
