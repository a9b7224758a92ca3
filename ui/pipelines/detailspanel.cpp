#include "detailspanel.h"

#include "model/projectspec.h"
#include "widgets/icons.h"
#include "widgets/theme.h"

#include <QAction>
#include <QDateTime>
#include <QEvent>
#include <QFontDatabase>
#include <QFrame>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QStackedWidget>
#include <QTextBrowser>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace Baton::Ui {

namespace {

constexpr int kHashLength = 12;

QString esc(const QString &text)
{
    return text.toHtmlEscaped();
}

QString relative(qint64 ms)
{
    const qint64 secs = (QDateTime::currentMSecsSinceEpoch() - ms) / 1000;
    if (secs < 0)
        return {};
    if (secs < 60)
        return QObject::tr("just now");
    if (secs < 3600)
        return QObject::tr("%1 min ago").arg(secs / 60);
    if (secs < 86400)
        return QObject::tr("%1 h ago").arg(secs / 3600);
    return secs < 2 * 86400 ? QObject::tr("yesterday")
                            : QObject::tr("%1 days ago").arg(secs / 86400);
}

QString formatTime(qint64 ms)
{
    if (ms <= 0)
        return {};
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(ms);
    const QString when = t.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    const QString ago = relative(ms);
    return ago.isEmpty() ? when : when + QStringLiteral(" (") + ago + QLatin1Char(')');
}

QString shortHash(const QString &hash)
{
    return hash.left(kHashLength);
}

QString plural(int n, const QString &one, const QString &many)
{
    return QStringLiteral("%1 %2").arg(n).arg(n == 1 ? one : many);
}

QString versionOf(int version, int count)
{
    return QObject::tr("v%1 of %2").arg(version).arg(qMax(version, count));
}

} // namespace

DetailsPanel::DetailsPanel(QWidget *parent)
    : QWidget(parent)
    , m_stack(new QStackedWidget(this))
    , m_message(new QLabel(this))
    , m_icon(new QLabel(this))
    , m_title(new QLabel(this))
    , m_subtitle(new QLabel(this))
    , m_pipelineActions(new QWidget(this))
    , m_pipelineActionsLayout(new QHBoxLayout(m_pipelineActions))
    , m_fieldsView(new QTextBrowser(this))
    , m_tablePane(new QWidget(this))
    , m_tableTitle(new QLabel(this))
    , m_table(new QTreeWidget(this))
{
    setObjectName(QStringLiteral("detailsPanel"));
    setAccessibleName(tr("Details"));
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(m_stack);

    m_message->setAlignment(Qt::AlignCenter);
    m_message->setWordWrap(true);
    m_message->setMargin(24);
    m_stack->addWidget(m_message);

    auto *content = new QWidget(this);
    auto *layout = new QVBoxLayout(content);
    layout->setContentsMargins(14, 10, 14, 10);
    layout->setSpacing(8);

    auto *header = new QHBoxLayout;
    header->setSpacing(10);
    m_icon->setFixedSize(32, 32);
    header->addWidget(m_icon, 0, Qt::AlignTop);
    auto *titles = new QVBoxLayout;
    titles->setSpacing(1);
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.35);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_subtitle->setTextFormat(Qt::RichText);
    titles->addWidget(m_title);
    titles->addWidget(m_subtitle);
    header->addLayout(titles, 1);
    m_pipelineActions->setObjectName(QStringLiteral("pipelineActions"));
    m_pipelineActionsLayout->setContentsMargins(0, 0, 0, 0);
    m_pipelineActionsLayout->setSpacing(6);
    m_pipelineActions->setVisible(false);
    header->addWidget(m_pipelineActions, 0, Qt::AlignTop);
    layout->addLayout(header);

    auto *rule = new QFrame(this);
    rule->setFrameShape(QFrame::HLine);
    rule->setFrameShadow(QFrame::Sunken);
    layout->addWidget(rule);

    auto *body = new QHBoxLayout;
    body->setSpacing(18);
    m_fieldsView->setObjectName(QStringLiteral("detailsFields"));
    m_fieldsView->setFrameShape(QFrame::NoFrame);
    m_fieldsView->setOpenLinks(false);
    m_fieldsView->viewport()->setAutoFillBackground(false);
    m_fieldsView->document()->setDocumentMargin(0);
    m_fieldsView->setMinimumWidth(240);
    body->addWidget(m_fieldsView, 5);

    auto *tableLayout = new QVBoxLayout(m_tablePane);
    tableLayout->setContentsMargins(0, 0, 0, 0);
    tableLayout->setSpacing(4);
    QFont bold = m_tableTitle->font();
    bold.setBold(true);
    m_tableTitle->setFont(bold);
    tableLayout->addWidget(m_tableTitle);
    m_table->setRootIsDecorated(false);
    m_table->setUniformRowHeights(true);
    m_table->setAlternatingRowColors(true);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->header()->setStretchLastSection(true);
    m_table->header()->setSectionsMovable(false);
    tableLayout->addWidget(m_table, 1);
    body->addWidget(m_tablePane, 6);
    layout->addLayout(body, 1);
    m_stack->addWidget(content);

    connect(m_table, &QTreeWidget::itemSelectionChanged, this, [this] {
        if (m_tableIsTasks && !m_selectingTask)
            Q_EMIT taskSelected(selectedTask());
    });

    m_message->setStyleSheet(QStringLiteral("color: %1;").arg(Theme::mutedText(palette()).name()));
    showMessage(tr("Select a project, pipeline or job in the tree to see its details."));
}

void DetailsPanel::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) {
        // The HTML embeds palette colours: draw the same thing again in the new palette.
        m_message->setStyleSheet(
            QStringLiteral("color: %1;").arg(Theme::mutedText(palette()).name()));
        if (m_replay) {
            const auto replay = m_replay; // the call replaces m_replay while it runs
            replay();
        }
    }
}

QString DetailsPanel::muted(const QString &text) const
{
    return QStringLiteral("<span style=\"color:%1\">%2</span>")
        .arg(Theme::mutedText(palette()).name(), text);
}

void DetailsPanel::setHeader(const QIcon &icon, const QString &title, const QString &subtitle)
{
    m_pipelineActions->setVisible(m_tableIsTasks && m_pipelineActionsLayout->count() > 0);
    m_icon->setPixmap(icon.pixmap(QSize(32, 32), devicePixelRatioF()));
    m_title->setText(title);
    m_subtitle->setText(muted(subtitle));
    m_stack->setCurrentIndex(1);
}

void DetailsPanel::clearFields()
{
    m_fields.clear();
    m_fieldsView->clear();
}

void DetailsPanel::addField(const QString &label, const QString &value)
{
    QString html = esc(value);
    html.replace(QLatin1Char('\n'), QStringLiteral("<br>"));
    m_fields.append({ label, html, value });
}

void DetailsPanel::addRichField(const QString &label, const QString &html, const QString &plain)
{
    m_fields.append({ label, html, plain });
}

void DetailsPanel::addCodeField(const QString &label, const QString &value)
{
    QStringList lines;
    for (const QString &line : value.split(QLatin1Char('\n')))
        lines << code(line);
    m_fields.append({ label, lines.join(QStringLiteral("<br>")), value });
}

QString DetailsPanel::code(const QString &text) const
{
    const QString family = QFontDatabase::systemFont(QFontDatabase::FixedFont).family();
    return QStringLiteral("<span style=\"font-family:'%1'; background-color:%2;\">&nbsp;%3&nbsp;"
                          "</span>")
        .arg(family, palette().color(QPalette::AlternateBase).name(), esc(text));
}

void DetailsPanel::renderFields()
{
    QString html = QStringLiteral("<table cellspacing=\"0\" cellpadding=\"3\" width=\"100%\">");
    for (const Field &f : std::as_const(m_fields)) {
        html += QStringLiteral("<tr><td width=\"112\" valign=\"top\">%1</td>"
                               "<td valign=\"top\">%2</td></tr>")
                    .arg(muted(esc(f.label)), f.html);
    }
    html += QStringLiteral("</table>");
    m_fieldsView->setHtml(html);
}

void DetailsPanel::setTable(const QString &title, const QStringList &headers)
{
    m_selectingTask = true;
    m_table->clear();
    m_selectingTask = false;
    m_table->setColumnCount(int(headers.size()));
    m_table->setHeaderLabels(headers);
    m_tableTitle->setText(title);
    m_tablePane->setVisible(!headers.isEmpty());
}

void DetailsPanel::showProject(const ProjectInfo &project, const QList<PipelineInfo> &pipelines)
{
    m_replay = [this, project, pipelines] {
        showProject(project, pipelines);
    };
    clearFields();
    m_tableIsTasks = false;
    setHeader(Icons::project(), project.name, tr("Project"));
    addField(tr("Description"), project.description.isEmpty() ? tr("(none)") : project.description);
    QStringList path;
    for (const EnvironmentInfo &env : project.environments) {
        QString item = QStringLiteral("<b>%1</b>").arg(esc(env.name));
        if (env.approvalRequired)
            item += QStringLiteral(" ") + muted(tr("(approval)"));
        path << item;
    }
    QStringList plainPath;
    for (const EnvironmentInfo &env : project.environments)
        plainPath << env.name + (env.approvalRequired ? tr(" (approval)") : QString());
    addRichField(tr("Environments"),
                 path.isEmpty() ? muted(tr("none")) : path.join(QStringLiteral(" → ")),
                 plainPath.isEmpty() ? tr("none") : plainPath.join(QStringLiteral(" → ")));
    addField(tr("Contains"),
             plural(project.pipelineCount, tr("pipeline"), tr("pipelines")) + QStringLiteral(" · ")
                 + plural(project.jobCount, tr("job"), tr("jobs")));
    if (!project.sourcePath.isEmpty())
        addCodeField(tr("Imported from"), project.sourcePath);
    if (project.updatedAt > 0)
        addField(tr("Updated"), formatTime(project.updatedAt));

    renderFields();

    setTable(tr("Pipelines"),
             { tr("Pipeline"), tr("Version"), tr("Tasks"), tr("Schedule"), tr("Next run") });
    for (const PipelineInfo &p : pipelines) {
        auto *item = new QTreeWidgetItem(m_table);
        item->setIcon(0, Icons::pipeline());
        item->setText(0, p.name);
        item->setText(1, QStringLiteral("v%1").arg(p.version));
        QString schedule = p.schedule.isEmpty() ? tr("manual") : p.schedule;
        if (!p.schedule.isEmpty() && !p.timezone.isEmpty())
            schedule += QStringLiteral("  ") + p.timezone;
        if (p.schedulePaused)
            schedule += tr("  (paused)");
        item->setText(2, QString::number(p.tasks.size()));
        item->setText(3, schedule);
        if (!p.scheduleError.isEmpty()) {
            item->setText(4, tr("cannot fire"));
            item->setForeground(4, Theme::failure(palette()));
            item->setToolTip(4, p.scheduleError);
        } else if (!p.nextFires.isEmpty()) {
            item->setText(4, formatFireTime(p.nextFires.first(), true));
            QStringList all;
            for (const QDateTime &t : p.nextFires)
                all << formatFireTime(t, true);
            item->setToolTip(
                4, tr("Next runs (%1):\n%2").arg(p.scheduleZone, all.join(QLatin1Char('\n'))));
        } else if (!p.schedule.isEmpty()) {
            item->setText(4, p.schedulePaused ? tr("paused") : tr("none"));
            item->setForeground(4, Theme::mutedText(palette()));
        }
        item->setToolTip(0, p.description);
    }
    m_tablePane->setVisible(!pipelines.isEmpty());
    for (int c = 0; c < m_table->columnCount() - 1; ++c)
        m_table->resizeColumnToContents(c);
}

void DetailsPanel::showJob(const JobInfo &job, const QList<JobUse> &uses)
{
    m_replay = [this, job, uses] {
        showJob(job, uses);
    };
    clearFields();
    m_tableIsTasks = false;
    setHeader(Icons::job(), job.name,
              tr("Job in %1 · %2").arg(esc(job.project), versionOf(job.version, job.versionCount)));
    if (!job.description.isEmpty())
        addField(tr("Description"), job.description);
    addField(tr("Version"), versionOf(job.version, job.versionCount));
    addCodeField(tr("Command"), job.command);
    QString tech = job.technology.isEmpty() ? tr("(not set)") : job.technology;
    addField(tr("Technology"), tech);
    addField(tr("Runtime"), job.runtime.isEmpty() ? tr("(not set)") : job.runtime);
    if (!job.files.isEmpty()) {
        QStringList shown = job.files.mid(0, 12);
        QString files = shown.join(QStringLiteral("\n"));
        if (job.files.size() > shown.size())
            files += tr("\n… and %1 more").arg(job.files.size() - shown.size());
        addCodeField(tr("Files"), files);
    } else {
        addField(tr("Files"), tr("(none)"));
    }
    QStringList settings;
    if (job.settings.retries) {
        QString r = plural(*job.settings.retries, tr("retry"), tr("retries"));
        if (job.settings.retryDelaySeconds)
            r += tr(", %1 apart").arg(formatDuration(*job.settings.retryDelaySeconds));
        settings << r;
    } else {
        settings << tr("no retries");
    }
    settings << (job.settings.timeoutSeconds
                     ? tr("timeout %1").arg(formatDuration(*job.settings.timeoutSeconds))
                     : tr("no timeout"));
    addField(tr("Settings"), settings.join(QStringLiteral(" · ")));
    if (!job.resources.isEmpty()) {
        QStringList res;
        if (job.resources.cpus)
            res << plural(*job.resources.cpus, tr("CPU"), tr("CPUs"));
        if (!job.resources.memory.isEmpty())
            res << tr("%1 memory").arg(job.resources.memory);
        addField(tr("Resources"), res.join(QStringLiteral(" · ")));
    }
    addCodeField(tr("Content hash"), shortHash(job.contentHash));
    addField(tr("Author"), job.author.isEmpty() ? tr("(unknown)") : job.author);
    addField(tr("Created"), formatTime(job.versionCreatedAt));
    if (!job.releaseNote.isEmpty())
        addField(tr("Release note"), job.releaseNote);

    renderFields();

    setTable(tr("Used in"), { tr("Pipeline"), tr("Task"), tr("Job version") });
    for (const JobUse &use : uses) {
        auto *item = new QTreeWidgetItem(m_table);
        item->setIcon(0, Icons::pipeline());
        item->setText(0, use.pipeline);
        item->setText(1, use.task);
        item->setText(2, QStringLiteral("v%1").arg(use.jobVersion));
        if (use.jobVersion != job.version) {
            item->setToolTip(2,
                             tr("The pipeline's latest version pins v%1; the job is at v%2")
                                 .arg(use.jobVersion)
                                 .arg(job.version));
        }
    }
    m_tablePane->setVisible(!uses.isEmpty());
    for (int c = 0; c < m_table->columnCount() - 1; ++c)
        m_table->resizeColumnToContents(c);
}

void DetailsPanel::showPipeline(const PipelineInfo &pipeline)
{
    m_replay = [this, pipeline] {
        showPipeline(pipeline);
    };
    const QString keepTask = m_tableIsTasks ? selectedTask() : QString();
    clearFields();
    m_tableIsTasks = true;
    setHeader(Icons::pipeline(), pipeline.name,
              tr("Pipeline in %1 · %2")
                  .arg(esc(pipeline.project), versionOf(pipeline.version, pipeline.versionCount)));
    if (!pipeline.description.isEmpty())
        addField(tr("Description"), pipeline.description);
    addField(tr("Version"), versionOf(pipeline.version, pipeline.versionCount));
    if (pipeline.schedule.isEmpty()) {
        addField(tr("Schedule"), tr("none (runs on request)"));
    } else {
        QString zone = pipeline.timezone;
        if (zone.isEmpty()) {
            zone = pipeline.scheduleZone.isEmpty()
                ? tr("workspace time zone")
                : tr("%1 (the workspace's time zone)").arg(pipeline.scheduleZone);
        }
        QString html = code(pipeline.schedule) + QStringLiteral("&nbsp; ") + esc(zone);
        QString plain = pipeline.schedule + QLatin1Char(' ') + zone;
        if (pipeline.schedulePaused) {
            html += QStringLiteral("&nbsp; <b>%1</b>").arg(tr("paused"));
            plain += QLatin1Char(' ') + tr("paused");
        }
        addRichField(tr("Schedule"), html, plain);
        addNextFires(pipeline);
        addField(tr("Misfire"),
                 pipeline.misfire.isEmpty() ? QStringLiteral("run_once") : pipeline.misfire);
    }
    addField(tr("Max parallel"),
             pipeline.maxParallel > 0 ? QString::number(pipeline.maxParallel) : tr("unlimited"));
    addCodeField(tr("Content hash"), shortHash(pipeline.contentHash));
    addField(tr("Author"), pipeline.author.isEmpty() ? tr("(unknown)") : pipeline.author);
    addField(tr("Created"), formatTime(pipeline.versionCreatedAt));

    renderFields();

    setTable(tr("Tasks (%1)").arg(pipeline.tasks.size()),
             { tr("Task"), tr("Job"), tr("Job version"), tr("Technology") });
    for (const TaskInfo &task : pipeline.tasks) {
        auto *item = new QTreeWidgetItem(m_table);
        item->setText(0, task.name);
        item->setData(0, Qt::UserRole, task.name);
        item->setIcon(1, Icons::job());
        item->setText(1, task.job);
        item->setText(2, QStringLiteral("v%1").arg(task.jobVersion));
        item->setText(3, task.technology);
        item->setToolTip(1, task.command);
    }
    for (int c = 0; c < m_table->columnCount() - 1; ++c)
        m_table->resizeColumnToContents(c);
    m_tablePane->setVisible(true);
    if (!keepTask.isEmpty())
        selectTask(keepTask);
}

QString DetailsPanel::formatOffset(const QDateTime &time)
{
    const int offset = time.offsetFromUtc();
    const int minutes = qAbs(offset) / 60;
    return QStringLiteral("%1%2:%3")
        .arg(offset < 0 ? QLatin1Char('-') : QLatin1Char('+'))
        .arg(minutes / 60, 2, 10, QLatin1Char('0'))
        .arg(minutes % 60, 2, 10, QLatin1Char('0'));
}

QString DetailsPanel::formatFireTime(const QDateTime &time, bool withOffset)
{
    if (!time.isValid())
        return {};
    const bool thisYear = time.date().year() == QDate::currentDate().year();
    QString text = QLocale().toString(time,
                                      thisYear ? QStringLiteral("ddd d MMM HH:mm")
                                               : QStringLiteral("ddd d MMM yyyy HH:mm"));
    if (withOffset)
        text += QStringLiteral(" (") + formatOffset(time) + QLatin1Char(')');
    return text;
}

void DetailsPanel::addNextFires(const PipelineInfo &pipeline)
{
    const QString label = tr("Next runs");
    if (!pipeline.scheduleError.isEmpty()) {
        const QString text = tr("cannot fire: %1").arg(pipeline.scheduleError);
        addRichField(label,
                     QStringLiteral("<span style=\"color:%1\">%2</span>")
                         .arg(Theme::failure(palette()).name(), esc(text)),
                     text);
        return;
    }
    if (pipeline.schedulePaused) {
        const QString text = tr("paused — no upcoming runs");
        addRichField(label, muted(esc(text)), text);
        return;
    }
    if (pipeline.nextFires.isEmpty()) {
        const QString text = tr("no upcoming runs");
        addRichField(label, muted(esc(text)), text);
        return;
    }
    // The offset is spelled out on the first time and wherever it changes (daylight saving).
    QStringList html;
    QStringList plain;
    int previousOffset = 0;
    for (qsizetype i = 0; i < pipeline.nextFires.size(); ++i) {
        const QDateTime &t = pipeline.nextFires.at(i);
        const bool withOffset = i == 0 || t.offsetFromUtc() != previousOffset;
        previousOffset = t.offsetFromUtc();
        const QString text = formatFireTime(t, withOffset);
        plain << text;
        html << (i == 0 ? QStringLiteral("<b>%1</b>").arg(esc(text)) : esc(text));
    }
    // Someone in another zone also sees when that is for them.
    const QDateTime first = pipeline.nextFires.first();
    const QDateTime local = first.toLocalTime();
    if (local.offsetFromUtc() != first.offsetFromUtc()) {
        const QString text = tr("your time: %1").arg(formatFireTime(local, true));
        plain << text;
        html << muted(esc(text));
    }
    addRichField(label, html.join(QStringLiteral("<br>")), plain.join(QLatin1Char('\n')));
}

void DetailsPanel::setPipelineActions(const QList<QAction *> &actions)
{
    while (QLayoutItem *item = m_pipelineActionsLayout->takeAt(0)) {
        delete item->widget();
        delete item;
    }
    for (QAction *action : actions) {
        auto *button = new QToolButton(m_pipelineActions);
        button->setDefaultAction(action);
        button->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        button->setAutoRaise(false);
        button->setIconSize(QSize(16, 16));
        m_pipelineActionsLayout->addWidget(button);
    }
    m_pipelineActions->setVisible(m_tableIsTasks && !actions.isEmpty());
}

void DetailsPanel::showMessage(const QString &message)
{
    m_replay = nullptr;
    clearFields();
    m_tableIsTasks = false;
    setTable({}, {});
    m_title->clear();
    m_message->setText(message);
    m_stack->setCurrentIndex(0);
}

QString DetailsPanel::title() const
{
    return m_stack->currentIndex() == 1 ? m_title->text() : QString();
}

QString DetailsPanel::field(const QString &label) const
{
    for (const Field &f : m_fields) {
        if (f.label == label)
            return f.plain;
    }
    return {};
}

QStringList DetailsPanel::fieldLabels() const
{
    QStringList labels;
    for (const Field &f : m_fields)
        labels << f.label;
    return labels;
}

QString DetailsPanel::plainText() const
{
    if (m_stack->currentIndex() == 0)
        return m_message->text();
    QStringList lines { m_title->text() };
    for (const Field &f : m_fields)
        lines << f.label + QStringLiteral(": ") + f.plain;
    return lines.join(QLatin1Char('\n'));
}

QString DetailsPanel::selectedTask() const
{
    if (!m_tableIsTasks)
        return {};
    const auto items = m_table->selectedItems();
    return items.isEmpty() ? QString() : items.first()->data(0, Qt::UserRole).toString();
}

void DetailsPanel::selectTask(const QString &task)
{
    if (!m_tableIsTasks || task == selectedTask())
        return;
    m_selectingTask = true;
    m_table->clearSelection();
    for (int i = 0; i < m_table->topLevelItemCount(); ++i) {
        QTreeWidgetItem *item = m_table->topLevelItem(i);
        if (item->data(0, Qt::UserRole).toString() == task) {
            item->setSelected(true);
            m_table->setCurrentItem(item, 0, QItemSelectionModel::NoUpdate);
            m_table->scrollToItem(item);
            break;
        }
    }
    m_selectingTask = false;
}

} // namespace Baton::Ui
