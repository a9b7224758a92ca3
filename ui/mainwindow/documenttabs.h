#pragma once

#include <QTabWidget>

namespace Baton {
class Store;
}

namespace Baton::Ui {

class LogViewer;
class RunCompareView;
class RunDetailView;

/// The console's central area (DESIGN.md: "a run, a log or a diff opens as a tab in the
/// central area"): the first tab is the current mode's page and cannot be closed; runs,
/// comparisons and logs open as closable tabs after it. Opening something already open
/// switches to its tab. Ctrl+W closes the current document, Ctrl+Tab moves between tabs. The
/// tab bar hides while only the mode is shown.
class DocumentTabs : public QTabWidget
{
    Q_OBJECT
public:
    /// @p home: the modes' page (the first tab); @p store must outlive the tabs.
    DocumentTabs(const Baton::Store *store, QWidget *home, QWidget *parent = nullptr);

    void setHomeTitle(const QString &title);
    void showHome();
    /// Tabs besides the mode's page.
    int documentCount() const { return count() - 1; }

    RunDetailView *openRun(qint64 runId);
    RunCompareView *openCompare(qint64 runA, qint64 runB);
    /// @p live: the log's attempt still runs (an empty log says "No output yet").
    LogViewer *openLog(const QString &path, const QString &title, bool live = true);
    /// The open run tab of @p runId, or nullptr.
    RunDetailView *runView(qint64 runId) const;

    void closeDocument(int index);

private:
    int add(QWidget *page, const QString &title, const QString &key);
    int find(const QString &key) const;

    const Baton::Store *m_store;
    QWidget *m_home;
};

} // namespace Baton::Ui
