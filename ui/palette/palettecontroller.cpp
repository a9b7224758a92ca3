#include "palettecontroller.h"

#include "engine/runservice.h"
#include "mainwindow/mainwindow.h"
#include "model/runstate.h"
#include "pipelines/pipelinesmode.h"
#include "pipelines/projecttreemodel.h"
#include "shortcutsdialog.h"
#include "store/catalog.h"
#include "store/workspace.h"
#include "widgets/backgroundtask.h"

#include <QAction>
#include <QDateTime>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QRegularExpression>
#include <QTreeView>
#include <functional>

namespace Baton::Ui {

namespace {

QString plain(QString text)
{
    text.remove(QRegularExpression(QStringLiteral("&(?!&)")));
    text.replace(QStringLiteral("&&"), QStringLiteral("&"));
    return text.trimmed();
}

PaletteItem runItem(const RunSummary &run)
{
    PaletteItem item;
    item.kind = PaletteItem::Kind::Run;
    item.runId = run.id;
    item.project = run.project;
    item.name = run.pipeline;
    item.title = QStringLiteral("#%1 %2/%3").arg(run.id).arg(run.project, run.pipeline);
    QStringList detail { stateLabel(run.state) };
    if (!run.environment.isEmpty())
        detail << run.environment;
    if (run.createdAt > 0)
        detail << QDateTime::fromMSecsSinceEpoch(run.createdAt)
                      .toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    item.detail = detail.join(QStringLiteral(" · "));
    return item;
}

// The workspace's projects, pipelines, jobs and recent runs, read off the GUI thread.
QList<PaletteItem> readCatalog(const Store &store, int runs)
{
    const QSqlDatabase db = store.db();
    QList<PaletteItem> items;
    for (const ProjectInfo &p : Catalog::projects(db)) {
        PaletteItem item;
        item.kind = PaletteItem::Kind::Project;
        item.project = p.name;
        item.title = p.name;
        item.detail = p.description;
        items << item;
    }
    for (const PipelineInfo &p : Catalog::pipelines(db)) {
        PaletteItem item;
        item.kind = PaletteItem::Kind::Pipeline;
        item.project = p.project;
        item.name = p.name;
        item.title = p.name;
        item.detail = QStringLiteral("%1 · v%2").arg(p.project).arg(p.version);
        items << item;
    }
    for (const JobInfo &j : Catalog::jobs(db)) {
        PaletteItem item;
        item.kind = PaletteItem::Kind::Job;
        item.project = j.project;
        item.name = j.name;
        item.title = j.name;
        item.detail = QStringLiteral("%1 · %2 v%3").arg(j.project, j.technology).arg(j.version);
        items << item;
    }
    for (const RunSummary &run : RunService::runs(db, runs))
        items << runItem(run);
    return items;
}

} // namespace

PaletteController::PaletteController(MainWindow *window)
    : QObject(window)
    , m_window(window)
    , m_paletteAction(new QAction(tr("Command &Palette…"), window))
    , m_shortcutsAction(new QAction(tr("&Keyboard Shortcuts"), window))
    , m_palette(new CommandPalette(window))
{
    qRegisterMetaType<Baton::Ui::PaletteItem>();
    m_paletteAction->setObjectName(QStringLiteral("commandPaletteAction"));
    m_paletteAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    m_paletteAction->setStatusTip(
        tr("Find any project, pipeline, job, run (#123), mode or action by typing"));
    window->addAction(m_paletteAction); // works whatever has focus in the window
    connect(m_paletteAction, &QAction::triggered, this, &PaletteController::openPalette);
    m_shortcutsAction->setObjectName(QStringLiteral("keyboardShortcutsAction"));
    m_shortcutsAction->setStatusTip(tr("Every keyboard shortcut of the console"));
    connect(m_shortcutsAction, &QAction::triggered, this, &PaletteController::showShortcuts);
    connect(m_palette, &CommandPalette::activated, this, &PaletteController::perform);
    connect(m_palette, &CommandPalette::queryChanged, this, &PaletteController::lookUpRun);
}

PaletteController::~PaletteController() = default; // reads in flight are dropped

ShortcutsDialog *PaletteController::shortcutsDialog() const
{
    return m_shortcuts.data();
}

QList<PaletteItem> PaletteController::windowItems() const
{
    QList<PaletteItem> items;
    const QStringList modes = m_window->modes();
    for (int i = 0; i < modes.size(); ++i) {
        PaletteItem item;
        item.kind = PaletteItem::Kind::Mode;
        item.title = modes.at(i);
        item.name = modes.at(i);
        item.detail = tr("switch to the %1 mode").arg(modes.at(i));
        if (i < 9)
            item.shortcut = QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i))
                                .toString(QKeySequence::NativeText);
        items << item;
    }
    // Every menu action, as the menus have them now (enabled or not, with their shortcut).
    std::function<void(QMenu *, const QString &)> walk = [&](QMenu *menu, const QString &where) {
        for (QAction *action : menu->actions()) {
            if (action->isSeparator() || !action->isVisible() || action == m_paletteAction)
                continue;
            if (action->menu()) {
                walk(action->menu(), where + QStringLiteral(" › ") + plain(action->text()));
                continue;
            }
            const QString text = plain(action->text());
            if (text.isEmpty() || modes.contains(text))
                continue; // a mode is listed as a mode
            PaletteItem item;
            item.kind = PaletteItem::Kind::Action;
            item.title = text;
            item.detail = where;
            item.shortcut = action->shortcut().toString(QKeySequence::NativeText);
            item.action = action;
            item.enabled = action->isEnabled();
            items << item;
        }
    };
    for (QAction *top : m_window->menuBar()->actions()) {
        if (top->menu())
            walk(top->menu(), tr("%1 menu").arg(plain(top->text())));
    }
    return items;
}

void PaletteController::openPalette()
{
    m_askedRuns.clear();
    m_palette->model()->setItems(windowItems());
    m_palette->setStatus(tr("Reading the workspace…"));
    m_palette->popUp();
    loadCatalog();
}

void PaletteController::loadCatalog()
{
    const int generation = ++m_generation;
    const Store *store = &m_window->workspace()->store();
    using Answer = std::pair<QList<PaletteItem>, QString>;
    BackgroundTask::run(
        this, BackgroundTask::lane(QStringLiteral("palette")),
        [store] {
            Answer r;
            r.second = failureOf([&] { r.first = readCatalog(*store, RecentRuns); });
            return r;
        },
        [this, generation](const Answer &r) {
            const QList<PaletteItem> &items = r.first;
            if (generation != m_generation)
                return;
            if (!r.second.isEmpty()) {
                m_palette->setStatus(tr("The workspace could not be read: %1").arg(r.second));
                return;
            }
            m_palette->model()->addItems(items);
            int runs = 0;
            for (const PaletteItem &item : items)
                runs += item.kind == PaletteItem::Kind::Run ? 1 : 0;
            m_palette->setStatus(tr("%1 items and the %2 latest runs · ↑↓ move · Enter "
                                    "performs · Esc closes · #123 finds run 123")
                                     .arg(items.size() - runs)
                                     .arg(runs));
            lookUpRun(m_palette->searchEdit()->text());
            Q_EMIT catalogLoaded();
        });
}

void PaletteController::lookUpRun(const QString &query)
{
    static const QRegularExpression runQuery(QStringLiteral("^\\s*#(\\d+)\\s*$"));
    const QRegularExpressionMatch match = runQuery.match(query);
    if (!match.hasMatch())
        return;
    const qint64 id = match.captured(1).toLongLong();
    if (id <= 0 || m_palette->model()->hasRun(id) || m_askedRuns.contains(id))
        return;
    m_askedRuns.insert(id);
    const int generation = m_generation;
    const Store *store = &m_window->workspace()->store();
    // An older run than the recent ones loaded: asked for by its id, off the GUI thread.
    BackgroundTask::run(
        this, BackgroundTask::lane(QStringLiteral("palette")),
        [store, id] {
            std::pair<PaletteItem, bool> r { {}, false };
            try {
                r.first = runItem(RunService::run(store->db(), id));
                r.second = true;
            } catch (const std::exception &) {
                r.first.kind = PaletteItem::Kind::Run;
                r.first.runId = id;
                r.first.title = tr("#%1").arg(id);
                r.first.detail = tr("no run %1 in this workspace").arg(id);
                r.first.enabled = false;
            }
            return r;
        },
        [this, generation](const std::pair<PaletteItem, bool> &r) {
            if (generation != m_generation)
                return;
            m_palette->model()->addItems({ r.first });
            Q_EMIT runLookedUp(r.first.runId, r.second);
        });
}

void PaletteController::perform(const Baton::Ui::PaletteItem &item)
{
    using Kind = PaletteItem::Kind;
    switch (item.kind) {
    case Kind::Action:
        if (item.action && item.action->isEnabled())
            item.action->trigger();
        return;
    case Kind::Mode:
        m_window->setCurrentMode(item.name);
        return;
    case Kind::Project:
    case Kind::Pipeline:
    case Kind::Job: {
        ProjectTreeModel::Key key;
        key.kind = item.kind == Kind::Project ? ProjectTreeModel::Kind::Project
            : item.kind == Kind::Pipeline     ? ProjectTreeModel::Kind::Pipeline
                                              : ProjectTreeModel::Kind::Job;
        key.project = item.project;
        key.name = item.kind == Kind::Project ? QString() : item.name;
        m_window->setCurrentMode(MainWindow::tr("Pipelines"));
        m_window->pipelinesMode()->selectItem(key);
        m_window->pipelinesMode()->projectTree()->setFocus();
        return;
    }
    case Kind::Run:
        m_window->openRun(item.runId);
        return;
    }
}

void PaletteController::showShortcuts()
{
    if (m_shortcuts) {
        m_shortcuts->raise();
        m_shortcuts->activateWindow();
        return;
    }
    auto *dialog = new ShortcutsDialog(m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    m_shortcuts = dialog;
    dialog->show();
}

} // namespace Baton::Ui
