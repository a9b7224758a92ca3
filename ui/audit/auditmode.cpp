#include "auditmode.h"

#include "audittablemodel.h"
#include "store/workspace.h"
#include "widgets/backgroundtask.h"
#include "widgets/icons.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QTimer>
#include <QVBoxLayout>

namespace Baton::Ui {

namespace {

QString jsonText(const QJsonValue &v)
{
    if (v.isUndefined())
        return {};
    if (v.isString())
        return v.toString();
    if (v.isArray())
        return QString::fromUtf8(QJsonDocument(v.toArray()).toJson(QJsonDocument::Compact));
    if (v.isObject())
        return QString::fromUtf8(QJsonDocument(v.toObject()).toJson(QJsonDocument::Compact));
    return v.toVariant().toString();
}

} // namespace

AuditMode::AuditMode(Baton::Workspace *workspace, QWidget *parent)
    : Mode(parent)
    , m_workspace(workspace)
    , m_model(new AuditTableModel(this))
    , m_actor(new QComboBox(this))
    , m_action(new QComboBox(this))
    , m_range(new QComboBox(this))
    , m_search(new QLineEdit(this))
    , m_searchDelay(new QTimer(this))
    , m_refreshTimer(new QTimer(this))
    , m_table(new QTableView(this))
    , m_detail(new QTextBrowser(this))
    , m_status(new QLabel(this))
    , m_chain(new QLabel(this))
    , m_older(new QPushButton(tr("Load older events"), this))
{
    setObjectName(QStringLiteral("auditMode"));

    m_actor->setObjectName(QStringLiteral("auditActor"));
    m_actor->addItem(tr("Everyone"), QString());
    m_action->setObjectName(QStringLiteral("auditAction"));
    m_action->addItem(tr("All actions"), QString());
    m_range->setObjectName(QStringLiteral("auditRange"));
    m_range->addItem(tr("Last hour"), 3600);
    m_range->addItem(tr("Last 24 hours"), 24 * 3600);
    m_range->addItem(tr("Last 7 days"), 7 * 24 * 3600);
    m_range->addItem(tr("Last 30 days"), 30 * 24 * 3600);
    m_range->addItem(tr("All time"), 0);
    m_range->setCurrentIndex(m_range->count() - 1);
    m_search->setObjectName(QStringLiteral("auditSearch"));
    m_search->setPlaceholderText(tr("Search objects, actions, details…"));
    m_search->setClearButtonEnabled(true);

    auto *filters = new QHBoxLayout;
    filters->addWidget(new QLabel(tr("Who"), this));
    filters->addWidget(m_actor);
    filters->addWidget(new QLabel(tr("Action"), this));
    filters->addWidget(m_action);
    filters->addWidget(new QLabel(tr("When"), this));
    filters->addWidget(m_range);
    filters->addWidget(m_search, 1);

    m_table->setObjectName(QStringLiteral("auditTable"));
    m_table->setModel(m_model);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::SingleSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 8);
    m_table->horizontalHeader()->setStretchLastSection(true);
    m_table->horizontalHeader()->setSectionResizeMode(AuditTableModel::Time,
                                                      QHeaderView::ResizeToContents);
    m_table->setColumnWidth(AuditTableModel::Actor, 110);
    m_table->setColumnWidth(AuditTableModel::Action, 190);
    m_table->setColumnWidth(AuditTableModel::Object, 260);

    m_detail->setObjectName(QStringLiteral("auditDetail"));
    m_detail->setOpenLinks(false);
    m_detail->setPlaceholderText(tr("Select an event to see what it changed."));

    auto *below = new QHBoxLayout;
    below->addWidget(m_status, 1);
    below->addWidget(m_older);
    m_older->setObjectName(QStringLiteral("auditOlder"));
    m_older->setEnabled(false);

    auto *top = new QWidget(this);
    auto *topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->addWidget(m_table);
    topLayout->addLayout(below);
    auto *split = new QSplitter(Qt::Vertical, this);
    split->addWidget(top);
    split->addWidget(m_detail);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);

    auto *layout = new QVBoxLayout(this);
    auto *title
        = new QLabel(tr("<b>Audit trail</b> — who did what, when, and what it changed"), this);
    m_chain->setObjectName(QStringLiteral("auditChain"));
    m_chain->setText(tr("Checking the audit chain…"));
    m_chain->setToolTip(tr("Each event carries a hash chained to the one before: an event edited, "
                           "deleted or reordered in the database breaks the chain there. "
                           "'baton audit verify' checks it too."));
    auto *heading = new QHBoxLayout;
    heading->addWidget(title, 1);
    heading->addWidget(m_chain);
    layout->addLayout(heading);
    layout->addLayout(filters);
    layout->addWidget(split, 1);

    m_searchDelay->setSingleShot(true);
    m_searchDelay->setInterval(250); // typing is one query, not one per key
    connect(m_searchDelay, &QTimer::timeout, this, &AuditMode::reload);
    connect(m_search, &QLineEdit::textChanged, m_searchDelay, qOverload<>(&QTimer::start));
    for (QComboBox *combo : { m_actor, m_action, m_range })
        connect(combo, &QComboBox::activated, this, &AuditMode::reload);
    connect(m_older, &QPushButton::clicked, this, &AuditMode::loadOlder);
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &AuditMode::showSelected);
    m_refreshTimer->setInterval(RefreshIntervalMs);
    connect(m_refreshTimer, &QTimer::timeout, this, &AuditMode::refreshIfChanged);
    reload();
}

AuditMode::~AuditMode() = default; // a read in flight is dropped, not waited for

Baton::AuditQuery AuditMode::currentQuery() const
{
    Baton::AuditQuery q;
    q.actor = m_actor->currentData().toString();
    q.action = m_action->currentData().toString();
    q.text = m_search->text().trimmed();
    const int seconds = m_range->currentData().toInt();
    if (seconds > 0)
        q.fromMs = QDateTime::currentMSecsSinceEpoch() - qint64(seconds) * 1000;
    q.limit = m_pageSize;
    return q;
}

void AuditMode::reload()
{
    query(currentQuery(), false, false);
}

void AuditMode::refreshIfChanged()
{
    // What is loaded now and a page more: a refresh never takes older rows away.
    Baton::AuditQuery q = currentQuery();
    q.limit = std::min(int(m_model->rowCount()) + m_pageSize, 10000);
    query(q, false, true);
}

void AuditMode::loadOlder()
{
    if (m_model->rowCount() == 0)
        return;
    Baton::AuditQuery q = currentQuery();
    q.beforeId = m_model->event(m_model->rowCount() - 1).id;
    query(q, true, false);
}

void AuditMode::query(Baton::AuditQuery q, bool append, bool onlyIfChanged)
{
    const quint64 generation = append ? m_generation : ++m_generation;
    const Baton::Store *store = &m_workspace->store();
    const qint64 knownNewest = m_newestId;
    ++m_pending;
    struct Answer
    {
        Baton::AuditPage page;
        QString error;
        bool skip = false;
    };
    BackgroundTask::run(
        // One reader keeps answers in the order they were asked.
        this, BackgroundTask::lane(QStringLiteral("audit-reader")),
        [store, q, onlyIfChanged, knownNewest] {
            Answer a;
            a.error = failureOf([&] {
                if (onlyIfChanged) {
                    const auto changed
                        = Baton::AuditTrail::queryIfChanged(store->db(), q, knownNewest);
                    a.skip = !changed;
                    if (changed)
                        a.page = *changed;
                } else {
                    a.page = Baton::AuditTrail::query(store->db(), q);
                }
            });
            return a;
        },
        [this, append, generation](const Answer &a) {
            --m_pending;
            if (!a.error.isEmpty()) {
                m_status->setText(tr("Could not read the audit trail: %1").arg(a.error));
                Q_EMIT loadFailed(a.error);
                return;
            }
            if (!a.skip)
                apply(generation, a.page, append);
            else if (generation == m_generation)
                m_openOnNewest = false; // nothing newer: showEvent selected the newest
        });
}

void AuditMode::apply(quint64 generation, const Baton::AuditPage &page, bool append)
{
    if (generation != m_generation)
        return; // the filters changed while this was read
    m_newestId = page.newestId;
    updateFilters(page);
    if (append) {
        m_model->appendEvents(page.events);
    } else {
        // Keep the selected event selected across a refresh.
        const QModelIndex current = m_table->currentIndex();
        // Opening the mode lands on the newest event; a refresh while it is open keeps the
        // event the user chose.
        const qint64 selected
            = current.isValid() && !m_openOnNewest ? m_model->event(current.row()).id : 0;
        m_openOnNewest = false;
        m_model->setEvents(page.events);
        const int row = selected ? m_model->rowOf(selected) : -1;
        // The newest event by default: the detail pane is never blank while there is one.
        if (row >= 0 || m_model->rowCount() > 0) {
            m_table->selectRow(std::max(row, 0));
            if (row < 0)
                m_table->scrollToTop();
        } else
            m_detail->clear();
    }
    if (page.newestId != m_chainCheckedAt)
        verifyChain(page.newestId);
    m_older->setEnabled(page.more);
    m_status->setText(m_model->rowCount() == 0
                          ? tr("No event matches these filters.")
                          : (m_model->rowCount() == 1
                                 ? tr("1 event shown")
                                 : tr("%1 events shown").arg(m_model->rowCount()))
                              + (page.more ? tr("; older ones match too") : QString()));
    Q_EMIT pageLoaded(append);
}

void AuditMode::verifyChain(qint64 newestId)
{
    m_chainCheckedAt = newestId;
    const Baton::Store *store = &m_workspace->store();
    struct Answer
    {
        Baton::AuditChainReport report;
        QString error;
    };
    BackgroundTask::run(
        // Its own lane: a long trail's check does not hold up the page reads.
        this, BackgroundTask::lane(QStringLiteral("audit-verify")),
        [store] {
            Answer a;
            a.error = failureOf([&] { a.report = Baton::AuditChain::verify(store->db()); });
            return a;
        },
        [this](const Answer &a) {
            if (!a.error.isEmpty()) {
                m_chain->setText(tr("Could not check the audit chain: %1").arg(a.error));
                return;
            }
            const Baton::AuditChainReport &r = a.report;
            if (r.intact) {
                m_chain->setStyleSheet(QString());
                m_chain->setText(r.verified == 0 ? tr("Audit chain: no events yet")
                                                 : tr("✔ Audit chain verified up to event #%1 "
                                                      "(%2 events)")
                                                       .arg(r.lastVerifiedId)
                                                       .arg(r.verified));
            } else {
                m_chain->setStyleSheet(QStringLiteral("color: #c62828; font-weight: bold;"));
                m_chain->setText(tr("✖ Audit chain broken at event #%1 (%2, %3): %4")
                                     .arg(r.brokenId)
                                     .arg(QDateTime::fromMSecsSinceEpoch(r.brokenAt)
                                              .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")),
                                          r.brokenAction, r.problem));
            }
            Q_EMIT chainVerified(r);
        });
}

void AuditMode::updateFilters(const Baton::AuditPage &page)
{
    const auto refill = [](QComboBox *combo, const QList<QPair<QString, QString>> &items) {
        const QString current = combo->currentData().toString();
        const QString first = combo->itemText(0);
        combo->blockSignals(true);
        combo->clear();
        combo->addItem(first, QString());
        for (const auto &[label, value] : items)
            combo->addItem(label, value);
        combo->setCurrentIndex(std::max(0, combo->findData(current)));
        combo->blockSignals(false);
    };
    QList<QPair<QString, QString>> actors;
    for (const QString &a : page.actors)
        actors << qMakePair(a, a);
    refill(m_actor, actors);
    // Families first ("run.*"), then each action.
    QStringList families;
    for (const QString &a : page.actions) {
        const qsizetype dot = a.indexOf(QLatin1Char('.'));
        if (dot > 0 && !families.contains(a.left(dot + 1)))
            families << a.left(dot + 1);
    }
    QList<QPair<QString, QString>> actions;
    for (const QString &f : families)
        actions << qMakePair(f + QLatin1Char('*'), f);
    for (const QString &a : page.actions)
        actions << qMakePair(a, a);
    refill(m_action, actions);
}

void AuditMode::showSelected()
{
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid()) {
        m_detail->clear();
        return;
    }
    const Baton::AuditEvent &e = m_model->event(current.row());
    QString html = QStringLiteral("<h3>%1</h3><p><b>%2</b> at %3<br/>%4</p>")
                       .arg(e.action.toHtmlEscaped(), e.actor.toHtmlEscaped(),
                            QDateTime::fromMSecsSinceEpoch(e.at).toString(Qt::ISODateWithMs),
                            e.objectLabel().toHtmlEscaped());
    if (!e.details.isEmpty())
        html += QStringLiteral("<p>%1</p>").arg(e.details.toHtmlEscaped());
    QStringList keys = e.before.keys() + e.after.keys();
    keys.removeDuplicates();
    keys.sort();
    if (!keys.isEmpty()) {
        html += QStringLiteral("<table cellspacing='0' cellpadding='4' border='1' "
                               "style='border-collapse:collapse'><tr><th>Field</th>"
                               "<th>Before</th><th>After</th></tr>");
        for (const QString &k : keys) {
            const QString before = jsonText(e.before.value(k));
            const QString after = jsonText(e.after.value(k));
            const bool changed = before != after;
            html += QStringLiteral("<tr><td>%1%2%3</td><td>%4</td><td>%5</td></tr>")
                        .arg(changed ? QStringLiteral("<b>") : QString(), k.toHtmlEscaped(),
                             changed ? QStringLiteral("</b>") : QString(), before.toHtmlEscaped(),
                             after.toHtmlEscaped());
        }
        html += QStringLiteral("</table>");
    }
    m_detail->setHtml(html);
}

void AuditMode::showEvent(QShowEvent *event)
{
    QWidget::showEvent(event);
    m_refreshTimer->start();
    // The newest event first, whatever was selected when the mode was left.
    if (m_model->rowCount() > 0) {
        m_table->selectRow(0);
        m_table->scrollToTop();
    }
    m_openOnNewest = true; // and the newer ones the refresh brings
    refreshIfChanged();
    // Checked again each time the mode is opened: an edit of an event adds none.
    if (m_newestId >= 0)
        verifyChain(m_newestId);
}

void AuditMode::hideEvent(QHideEvent *event)
{
    QWidget::hideEvent(event);
    m_refreshTimer->stop();
}

QString AuditMode::displayName() const
{
    return tr("Audit");
}

QIcon AuditMode::icon() const
{
    return Icons::auditMode();
}

QKeySequence AuditMode::shortcut() const
{
    return QKeySequence(Qt::CTRL | Qt::Key_6);
}

QWidget *AuditMode::initialFocus() const
{
    return m_table;
}

} // namespace Baton::Ui
