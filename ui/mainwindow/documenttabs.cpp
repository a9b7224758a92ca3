#include "documenttabs.h"

#include "logs/logview.h"
#include "logs/logviewer.h"
#include "runs/runcompareview.h"
#include "runs/rundetailview.h"

#include <QAction>
#include <QTabBar>

namespace Baton::Ui {

namespace {

const char *kKey = "batonDocumentKey";

} // namespace

DocumentTabs::DocumentTabs(const Baton::Store *store, QWidget *home, QWidget *parent)
    : QTabWidget(parent)
    , m_store(store)
    , m_home(home)
{
    setObjectName(QStringLiteral("documentTabs"));
    setDocumentMode(true);
    setTabsClosable(true);
    setMovable(true);
    setTabBarAutoHide(true);
    addTab(home, QString());
    // The mode's page stays: no close button on it.
    tabBar()->setTabButton(0, QTabBar::RightSide, nullptr);
    tabBar()->setTabButton(0, QTabBar::LeftSide, nullptr);
    connect(this, &QTabWidget::tabCloseRequested, this, &DocumentTabs::closeDocument);
    connect(tabBar(), &QTabBar::tabMoved, this, [this] {
        // The mode's page stays first.
        const int at = indexOf(m_home);
        if (at > 0)
            tabBar()->moveTab(at, 0);
    });

    auto *close = new QAction(tr("Close Tab"), this);
    close->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_W));
    close->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(close, &QAction::triggered, this, [this] { closeDocument(currentIndex()); });
    addAction(close);
    auto *next = new QAction(tr("Next Tab"), this);
    next->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Tab));
    next->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    connect(next, &QAction::triggered, this,
            [this] { setCurrentIndex((currentIndex() + 1) % count()); });
    addAction(next);
}

void DocumentTabs::setHomeTitle(const QString &title)
{
    setTabText(indexOf(m_home), title);
}

void DocumentTabs::showHome()
{
    setCurrentWidget(m_home);
}

int DocumentTabs::find(const QString &key) const
{
    for (int i = 0; i < count(); ++i) {
        if (widget(i)->property(kKey).toString() == key)
            return i;
    }
    return -1;
}

int DocumentTabs::add(QWidget *page, const QString &title, const QString &key)
{
    page->setProperty(kKey, key);
    const int index = addTab(page, title);
    setTabToolTip(index, title);
    setCurrentIndex(index);
    return index;
}

RunDetailView *DocumentTabs::runView(qint64 runId) const
{
    const int at = find(QStringLiteral("run:%1").arg(runId));
    return at < 0 ? nullptr : qobject_cast<RunDetailView *>(widget(at));
}

RunDetailView *DocumentTabs::openRun(qint64 runId)
{
    if (RunDetailView *open = runView(runId)) {
        setCurrentWidget(open);
        return open;
    }
    auto *view = new RunDetailView(m_store, runId, this);
    add(view, view->title(), QStringLiteral("run:%1").arg(runId));
    connect(view, &RunDetailView::detailApplied, this, [this, view] {
        const int at = indexOf(view);
        if (at >= 0) {
            setTabText(at, view->title());
            setTabToolTip(at, view->title());
        }
    });
    connect(view, &RunDetailView::compareRequested, this,
            [this](qint64 a, qint64 b) { openCompare(a, b); });
    connect(view, &RunDetailView::openLogRequested, this,
            [this](const QString &path, const QString &title, bool live) {
                openLog(path, title, live);
            });
    return view;
}

RunCompareView *DocumentTabs::openCompare(qint64 runA, qint64 runB)
{
    const int at = find(QStringLiteral("compare:%1:%2").arg(runA).arg(runB));
    if (at >= 0) {
        setCurrentIndex(at);
        return qobject_cast<RunCompareView *>(widget(at));
    }
    auto *view = new RunCompareView(m_store, runA, runB, this);
    add(view, view->title(), QStringLiteral("compare:%1:%2").arg(runA).arg(runB));
    return view;
}

LogViewer *DocumentTabs::openLog(const QString &path, const QString &title, bool live)
{
    const int at = find(QStringLiteral("log:") + path);
    if (at >= 0) {
        setCurrentIndex(at);
        auto *open = qobject_cast<LogViewer *>(widget(at));
        if (open && !live)
            open->setLive(false); // its attempt has ended since the tab was opened
        return open;
    }
    auto *viewer = new LogViewer(this);
    viewer->view()->setStore(m_store);
    viewer->setLog(path, title, live);
    add(viewer, title, QStringLiteral("log:") + path);
    return viewer;
}

void DocumentTabs::closeDocument(int index)
{
    QWidget *page = widget(index);
    if (!page || page == m_home)
        return;
    removeTab(index);
    page->deleteLater();
}

} // namespace Baton::Ui
