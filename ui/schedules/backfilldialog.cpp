#include "backfilldialog.h"

#include "access/identity.h"
#include "store/store.h"
#include "util/error.h"
#include "widgets/backgroundtask.h"

#include <QComboBox>
#include <QDateEdit>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QThread>
#include <QTimer>
#include <QVBoxLayout>

namespace Baton::Ui {

BackfillDialog::BackfillDialog(const Baton::Store *store, const Baton::ProjectInfo &project,
                               const Baton::PipelineInfo &pipeline, QWidget *parent)
    : QDialog(parent)
    , m_store(store)
    , m_project(project)
    , m_pipeline(pipeline)
    , m_previewTimer(new QTimer(this))
{
    setObjectName(QStringLiteral("backfillDialog"));
    setWindowTitle(tr("Backfill %1/%2").arg(project.name, pipeline.name));

    auto *layout = new QVBoxLayout(this);
    auto *intro = new QLabel(
        tr("Runs <b>%1/%2</b> once for each fire time of its schedule <code>%3</code> (%4) "
           "between two dates, as if the schedule had fired then: each run gets that logical "
           "date. Runs already made by an earlier backfill of the same dates are reused.")
            .arg(project.name.toHtmlEscaped(), pipeline.name.toHtmlEscaped(),
                 pipeline.schedule.toHtmlEscaped(),
                 (pipeline.scheduleZone.isEmpty() ? pipeline.timezone : pipeline.scheduleZone)
                     .toHtmlEscaped()),
        this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto *form = new QFormLayout;
    const QDate today = QDate::currentDate();
    m_from = new QDateEdit(today.addDays(-7), this);
    m_from->setObjectName(QStringLiteral("backfillFrom"));
    m_from->setCalendarPopup(true);
    m_from->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    form->addRow(tr("&From (first day):"), m_from);
    m_to = new QDateEdit(today.addDays(-1), this);
    m_to->setObjectName(QStringLiteral("backfillTo"));
    m_to->setCalendarPopup(true);
    m_to->setDisplayFormat(QStringLiteral("yyyy-MM-dd"));
    form->addRow(tr("&To (last day, included):"), m_to);
    m_maxActive = new QSpinBox(this);
    m_maxActive->setObjectName(QStringLiteral("backfillMaxActive"));
    m_maxActive->setRange(1, 64);
    m_maxActive->setValue(1);
    m_maxActive->setToolTip(tr("How many backfill runs at once; the next starts as one ends"));
    form->addRow(tr("&Runs at once:"), m_maxActive);
    m_environment = new QComboBox(this);
    m_environment->setObjectName(QStringLiteral("backfillEnvironment"));
    m_environment->addItem(tr("The schedule's"), QString());
    for (const EnvironmentInfo &e : project.environments)
        m_environment->addItem(e.name, e.name);
    form->addRow(tr("&Environment:"), m_environment);
    layout->addLayout(form);

    m_preview = new QLabel(this);
    m_preview->setObjectName(QStringLiteral("backfillPreview"));
    m_preview->setWordWrap(true);
    layout->addWidget(m_preview);

    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("backfillProgress"));
    m_progress->setTextVisible(true);
    m_progress->hide();
    layout->addWidget(m_progress);
    // The progress line, with Cancel beside it while the backfill runs.
    auto *progressRow = new QHBoxLayout;
    m_progressLabel = new QLabel(this);
    m_progressLabel->setObjectName(QStringLiteral("backfillProgressText"));
    m_progressLabel->setWordWrap(true);
    m_progressLabel->hide();
    progressRow->addWidget(m_progressLabel, 1);
    m_cancel = new QPushButton(tr("&Cancel Backfill"), this);
    m_cancel->setObjectName(QStringLiteral("backfillCancel"));
    m_cancel->setToolTip(tr("Create no more runs and cancel the ones queued or running"));
    m_cancel->hide();
    progressRow->addWidget(m_cancel, 0, Qt::AlignTop);
    layout->addLayout(progressRow);
    layout->addStretch(1);

    auto *buttons = new QDialogButtonBox(this);
    m_start = buttons->addButton(tr("&Start Backfill"), QDialogButtonBox::AcceptRole);
    m_start->setObjectName(QStringLiteral("backfillStart"));
    m_close = buttons->addButton(QDialogButtonBox::Close);
    connect(m_start, &QPushButton::clicked, this, &BackfillDialog::start);
    connect(m_cancel, &QPushButton::clicked, this, &BackfillDialog::cancelBackfill);
    connect(m_close, &QPushButton::clicked, this, &BackfillDialog::reject);
    layout->addWidget(buttons);

    m_previewTimer->setSingleShot(true);
    m_previewTimer->setInterval(150);
    connect(m_previewTimer, &QTimer::timeout, this, [this] { preview(false); });
    connect(m_from, &QDateEdit::dateChanged, this, &BackfillDialog::schedulePreview);
    connect(m_to, &QDateEdit::dateChanged, this, &BackfillDialog::schedulePreview);
    connect(m_maxActive, &QSpinBox::valueChanged, this, &BackfillDialog::schedulePreview);
    connect(m_environment, &QComboBox::currentIndexChanged, this, &BackfillDialog::schedulePreview);
    resize(520, 330);
    preview(false);
}

BackfillDialog::~BackfillDialog()
{
    // A preview in flight is dropped, not waited for.
    if (m_thread) {
        // Closing the window does not leave a driver behind creating runs nobody watches.
        if (m_backfill && !m_done)
            QMetaObject::invokeMethod(m_backfill, &Backfill::cancel, Qt::BlockingQueuedConnection);
        m_thread->quit();
        m_thread->wait();
    }
}

BackfillRequest BackfillDialog::request() const
{
    BackfillRequest r;
    r.project = m_project.name;
    r.pipeline = m_pipeline.name;
    r.from = m_from->date().toString(Qt::ISODate);
    r.to = m_to->date().toString(Qt::ISODate);
    r.maxActive = m_maxActive->value();
    r.environment = m_environment->currentData().toString();
    r.actor = currentUser();
    return r;
}

void BackfillDialog::schedulePreview()
{
    m_start->setEnabled(false); // until the new fields are checked
    m_previewTimer->start();
}

void BackfillDialog::preview(bool thenStart)
{
    const int serial = ++m_previewSerial;
    const BackfillRequest r = request();
    const Store *store = m_store;
    m_start->setEnabled(false);
    using Answer = std::pair<BackfillPlan, QString>;
    BackgroundTask::run(
        this, BackgroundTask::lane(QStringLiteral("backfill-preview")),
        [store, r] {
            Answer a;
            a.second = failureOf([&] { a.first = Backfill::plan(store->db(), r); });
            return a;
        },
        [this, serial, thenStart](const Answer &a) {
            const BackfillPlan &plan = a.first;
            const QString &error = a.second;
            if (serial != m_previewSerial || m_backfill)
                return; // the fields changed since, or it already started
            m_previewCount = error.isEmpty() ? int(plan.times.size()) : 0;
            if (!error.isEmpty()) {
                m_preview->setText(tr("<b>Cannot backfill:</b> %1").arg(error.toHtmlEscaped()));
            } else if (plan.times.isEmpty()) {
                m_preview->setText(tr("The schedule does not fire between these "
                                      "dates: nothing to run."));
            } else {
                m_preview->setText(
                    tr("%n run(s) in <b>%1</b>: the first for %2, the last for %3.", nullptr,
                       int(plan.times.size()))
                        .arg(plan.environment.toHtmlEscaped(),
                             QDateTime::fromMSecsSinceEpoch(plan.times.first(), plan.zone)
                                 .toString(QStringLiteral("yyyy-MM-dd HH:mm t")),
                             QDateTime::fromMSecsSinceEpoch(plan.times.last(), plan.zone)
                                 .toString(QStringLiteral("yyyy-MM-dd HH:mm t"))));
            }
            const bool ok = error.isEmpty() && !plan.times.isEmpty();
            m_start->setEnabled(ok);
            Q_EMIT previewed(m_previewCount, error);
            if (thenStart && ok)
                run(plan);
        });
}

void BackfillDialog::start()
{
    if (m_backfill)
        return;
    m_previewTimer->stop();
    preview(true);
}

void BackfillDialog::setEditing(bool editing)
{
    for (QWidget *w :
         { static_cast<QWidget *>(m_from), static_cast<QWidget *>(m_to),
           static_cast<QWidget *>(m_maxActive), static_cast<QWidget *>(m_environment) })
        w->setEnabled(editing);
    m_start->setVisible(editing);
}

void BackfillDialog::run(const Baton::BackfillPlan &plan)
{
    setEditing(false);
    m_cancel->show();
    m_progress->setRange(0, int(plan.times.size()));
    m_progress->setValue(0);
    m_progress->show();
    m_progressLabel->show();
    m_thread = new QThread(this);
    m_thread->setObjectName(QStringLiteral("baton-backfill"));
    auto *backfill = new Backfill(m_store, plan);
    backfill->moveToThread(m_thread);
    connect(m_thread, &QThread::finished, backfill, &QObject::deleteLater);
    connect(backfill, &Backfill::progressed, this, &BackfillDialog::showProgress);
    connect(backfill, &Backfill::finished, this, [this](const BackfillProgress &p) {
        m_done = true;
        showProgress(p);
        m_cancel->hide();
        m_close->setFocus();
        Q_EMIT finished(p);
    });
    connect(backfill, &Backfill::failed, this, [this](const QString &message) {
        m_done = true;
        m_cancel->hide();
        m_progressLabel->setText(tr("<b>Stopped:</b> %1").arg(message.toHtmlEscaped()));
        Q_EMIT failed(message);
    });
    m_backfill = backfill;
    m_thread->start();
    QMetaObject::invokeMethod(
        backfill, [backfill] { backfill->start(); }, Qt::QueuedConnection);
}

void BackfillDialog::showProgress(const Baton::BackfillProgress &p)
{
    m_progress->setValue(p.finished);
    m_progress->setFormat(tr("%1 of %2 finished").arg(p.finished).arg(p.total));
    QString text = tr("Runs created: %1 of %2 · finished: %3 (%4 failed) · running or queued: %5")
                       .arg(p.created)
                       .arg(p.total)
                       .arg(p.finished)
                       .arg(p.failed)
                       .arg(p.active);
    if (p.resumed > 0)
        text += tr(" · %n reused from an earlier backfill", nullptr, p.resumed);
    if (p.cancelled)
        text = tr("Cancelled: %1 run(s) were created; those still queued or running were "
                  "asked to stop.")
                   .arg(p.created);
    else if (p.done())
        text = p.failed == 0
            ? tr("Done: %n run(s) succeeded.", nullptr, p.total)
            : tr("Done: %1 of %2 run(s) did not succeed.").arg(p.failed).arg(p.total);
    m_progressLabel->setText(text);
    Q_EMIT progressed(p);
}

void BackfillDialog::cancelBackfill()
{
    if (m_backfill && !m_done)
        QMetaObject::invokeMethod(m_backfill, &Backfill::cancel, Qt::QueuedConnection);
}

void BackfillDialog::reject()
{
    if (isRunning()) {
        const auto answer = QMessageBox::question(
            this, tr("Backfill Running"),
            tr("The backfill is still running. Cancel it (no more runs; the queued and running "
               "ones are cancelled)?"),
            QMessageBox::Yes | QMessageBox::No, QMessageBox::No);
        if (answer != QMessageBox::Yes)
            return;
        cancelBackfill();
        return; // stays open to show that it stopped
    }
    QDialog::reject();
}

} // namespace Baton::Ui
