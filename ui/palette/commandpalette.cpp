#include "commandpalette.h"

#include "fuzzymatch.h"
#include "widgets/theme.h"

#include <QAction>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QTreeView>
#include <QVBoxLayout>
#include <algorithm>

namespace Baton::Ui {

QString PaletteItem::kindName(Kind kind)
{
    switch (kind) {
    case Kind::Action:
        return CommandPalette::tr("Action");
    case Kind::Mode:
        return CommandPalette::tr("Mode");
    case Kind::Project:
        return CommandPalette::tr("Project");
    case Kind::Pipeline:
        return CommandPalette::tr("Pipeline");
    case Kind::Job:
        return CommandPalette::tr("Job");
    case Kind::Run:
        return CommandPalette::tr("Run");
    }
    return {};
}

PaletteModel::PaletteModel(QObject *parent)
    : QAbstractListModel(parent)
{ }

void PaletteModel::setItems(const QList<PaletteItem> &items)
{
    m_items = items;
    refilter();
}

void PaletteModel::addItems(const QList<PaletteItem> &items)
{
    m_items += items;
    refilter();
}

void PaletteModel::setQuery(const QString &query)
{
    if (query == m_query)
        return;
    m_query = query;
    refilter();
}

bool PaletteModel::hasRun(qint64 id) const
{
    return std::any_of(m_items.cbegin(), m_items.cend(), [id](const PaletteItem &item) {
        return item.kind == PaletteItem::Kind::Run && item.runId == id;
    });
}

void PaletteModel::refilter()
{
    static const QRegularExpression runQuery(QStringLiteral("^\\s*#(\\d+)\\s*$"));
    const QRegularExpressionMatch run = runQuery.match(m_query);
    QList<QPair<int, int>> scored; // score, item
    for (int i = 0; i < m_items.size(); ++i) {
        const PaletteItem &item = m_items.at(i);
        int score = -1;
        if (run.hasMatch()) {
            // "#14": run 14 first, then the runs whose id starts with 14.
            const QString id = QString::number(item.runId);
            if (item.kind == PaletteItem::Kind::Run && id.startsWith(run.captured(1)))
                score = id == run.captured(1) ? 1000 : 500 - int(id.size());
        } else {
            score = fuzzyQueryScore(m_query, item.title);
            // The kind and where it lives narrow too ("pipeline churn"), worth less.
            if (score < 0) {
                const int wider = fuzzyQueryScore(m_query,
                                                  item.title + QLatin1Char(' ')
                                                      + PaletteItem::kindName(item.kind)
                                                      + QLatin1Char(' ') + item.detail);
                score = wider < 0 ? -1 : wider / 2;
            }
        }
        if (score >= 0)
            scored.append({ score, i });
    }
    // Best first; on a tie, what the console holds before what it can do (a project named
    // like a menu entry is the project), then the items' own order.
    const auto rank = [this](int item) {
        switch (m_items.at(item).kind) {
        case PaletteItem::Kind::Mode:
            return 0;
        case PaletteItem::Kind::Project:
            return 1;
        case PaletteItem::Kind::Pipeline:
            return 2;
        case PaletteItem::Kind::Job:
            return 3;
        case PaletteItem::Kind::Action:
            return 4;
        case PaletteItem::Kind::Run:
            return 5;
        }
        return 6;
    };
    std::stable_sort(scored.begin(), scored.end(), [&rank](const auto &a, const auto &b) {
        return a.first != b.first ? a.first > b.first : rank(a.second) < rank(b.second);
    });
    beginResetModel();
    m_shown.clear();
    for (int i = 0; i < scored.size() && i < MaxShown; ++i)
        m_shown << scored.at(i).second;
    endResetModel();
}

int PaletteModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_shown.size());
}

int PaletteModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PaletteModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const PaletteItem &item = itemAt(index.row());
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case TitleColumn:
            return item.title;
        case KindColumn:
            return PaletteItem::kindName(item.kind);
        case DetailColumn:
            return item.detail;
        case ShortcutColumn:
            return item.shortcut;
        }
        return {};
    case Qt::ToolTipRole:
        return item.detail.isEmpty() ? item.title
                                     : item.title + QStringLiteral(" — ") + item.detail;
    case KindRole:
        return int(item.kind);
    case RunIdRole:
        return item.runId;
    default:
        return {};
    }
}

Qt::ItemFlags PaletteModel::flags(const QModelIndex &index) const
{
    if (!index.isValid())
        return Qt::NoItemFlags;
    return itemAt(index.row()).enabled ? Qt::ItemIsEnabled | Qt::ItemIsSelectable
                                       : Qt::ItemIsSelectable;
}

CommandPalette::CommandPalette(QWidget *window)
    : QFrame(window, Qt::Popup)
    , m_window(window)
    , m_model(new PaletteModel(this))
{
    setObjectName(QStringLiteral("commandPalette"));
    setFrameShape(QFrame::StyledPanel);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("paletteSearch"));
    m_search->setAccessibleName(tr("Find anything"));
    m_search->setPlaceholderText(tr("Find a project, pipeline, job, run (#123), mode or action…"));
    m_search->setClearButtonEnabled(true);
    m_search->installEventFilter(this);
    layout->addWidget(m_search);
    m_list = new QTreeView(this);
    m_list->setObjectName(QStringLiteral("paletteList"));
    m_list->setModel(m_model);
    m_list->setRootIsDecorated(false);
    m_list->setUniformRowHeights(true);
    m_list->setHeaderHidden(true);
    m_list->setFocusPolicy(Qt::NoFocus); // typing stays in the search box
    m_list->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_list->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_list->header()->setStretchLastSection(false);
    m_list->header()->setSectionResizeMode(PaletteModel::TitleColumn, QHeaderView::Stretch);
    for (const int column : { int(PaletteModel::KindColumn), int(PaletteModel::DetailColumn),
                              int(PaletteModel::ShortcutColumn) })
        m_list->header()->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    layout->addWidget(m_list, 1);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("paletteStatus"));
    QPalette muted = m_status->palette();
    muted.setColor(QPalette::WindowText, Theme::mutedText(palette()));
    m_status->setPalette(muted);
    layout->addWidget(m_status);

    connect(m_search, &QLineEdit::textChanged, this, [this](const QString &text) {
        m_model->setQuery(text);
        selectFirst();
        Q_EMIT queryChanged(text);
    });
    connect(m_model, &QAbstractItemModel::modelReset, this, [this] {
        if (!m_list->currentIndex().isValid())
            selectFirst();
    });
    connect(m_list, &QAbstractItemView::clicked, this, [this](const QModelIndex &index) {
        m_list->setCurrentIndex(index);
        activateCurrent();
    });
}

void CommandPalette::popUp()
{
    const QSize size(std::min(720, std::max(420, m_window->width() - 80)),
                     std::min(460, std::max(240, m_window->height() - 120)));
    resize(size);
    const QPoint topCentre = m_window->mapToGlobal(QPoint(m_window->width() / 2, 0));
    move(topCentre.x() - size.width() / 2, topCentre.y() + 60);
    m_search->clear();
    m_model->setQuery({});
    selectFirst();
    show();
    raise();
    activateWindow();
    m_search->setFocus(Qt::PopupFocusReason);
}

void CommandPalette::setStatus(const QString &text)
{
    m_status->setText(text);
}

void CommandPalette::selectFirst()
{
    for (int row = 0; row < m_model->rowCount(); ++row) {
        if (m_model->itemAt(row).enabled) {
            m_list->setCurrentIndex(m_model->index(row, 0));
            return;
        }
    }
    m_list->setCurrentIndex({});
}

void CommandPalette::moveCurrent(int delta)
{
    const int rows = m_model->rowCount();
    if (rows == 0)
        return;
    const int current = m_list->currentIndex().isValid() ? m_list->currentIndex().row() : -1;
    const int wanted = std::clamp(current + delta, 0, rows - 1);
    // A disabled item cannot be current (the view ignores it, so the key did nothing): go on
    // past it the way the key goes, else back to the nearest enabled one short of it.
    const int step = delta < 0 ? -1 : 1;
    int row = -1;
    for (int r = wanted; r >= 0 && r < rows && row < 0; r += step) {
        if (m_model->itemAt(r).enabled)
            row = r;
    }
    for (int r = wanted - step; r >= 0 && r < rows && r != current && row < 0; r -= step) {
        if (m_model->itemAt(r).enabled)
            row = r;
    }
    if (row < 0)
        return;
    m_list->setCurrentIndex(m_model->index(row, 0));
    m_list->scrollTo(m_list->currentIndex());
}

void CommandPalette::activateCurrent()
{
    const QModelIndex current = m_list->currentIndex();
    if (!current.isValid() || !m_model->itemAt(current.row()).enabled)
        return;
    const PaletteItem item = m_model->itemAt(current.row());
    hide();
    Q_EMIT activated(item);
}

bool CommandPalette::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_search && event->type() == QEvent::KeyPress) {
        const auto *key = static_cast<QKeyEvent *>(event);
        const int page = std::max(
            1, m_list->viewport()->height() / std::max(1, m_list->sizeHintForRow(0)) - 1);
        switch (key->key()) {
        case Qt::Key_Down:
            moveCurrent(1);
            return true;
        case Qt::Key_Up:
            moveCurrent(-1);
            return true;
        case Qt::Key_PageDown:
            moveCurrent(page);
            return true;
        case Qt::Key_PageUp:
            moveCurrent(-page);
            return true;
        case Qt::Key_Return:
        case Qt::Key_Enter:
            activateCurrent();
            return true;
        case Qt::Key_Escape:
            hide();
            return true;
        default:
            break;
        }
    }
    return QFrame::eventFilter(watched, event);
}

} // namespace Baton::Ui
