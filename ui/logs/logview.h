#pragma once

#include "logs/logworker.h"

#include <QAbstractScrollArea>
#include <QList>
#include <QString>
#include <memory>

class QThread;

namespace Baton {
class LogMirror;
class Store;
} // namespace Baton

namespace Baton::Ui {

/// A view of one attempt log that stays fast on huge files: it paints only the lines on screen
/// from a small window of lines around them, which a LogWorker on its own thread reads from the
/// file. Opening shows the tail at once (a reverse scan from the end); scrolling, search and
/// "first error" ask the worker for a new window; the sparse index built in the background adds
/// line numbers. Memory depends on the window, never on the size of the log.
///
/// While following (the default, like `tail -f`), growth of the file shows up in batches (the
/// worker checks every 250 ms); scrolling up stops following, End or reaching the bottom resumes.
/// stderr lines are drawn in the failure colour with a mark in the gutter, supervisor notes in
/// italics. Lines are selected whole (click, Shift+click, drag) and copied as text.
class LogView : public QAbstractScrollArea
{
    Q_OBJECT
public:
    /// Lines kept above and below the screen, so that small scrolls need no new read.
    static constexpr int Margin = 200;

    explicit LogView(QWidget *parent = nullptr);
    ~LogView() override;

    /// The workspace of the logs opened next (it must outlive the view): a team workspace's
    /// logs are read from its database (LogMirror), so the engine's files need not be here.
    /// None: @p path is read as a file.
    void setStore(const Baton::Store *store) { m_store = store; }
    /// Shows the tail of @p path (empty: nothing); @p follow keeps showing new output.
    void openFile(const QString &path, bool follow = true);
    QString path() const { return m_path; }
    /// Why the file could not be opened, empty when it was (a missing file is an empty log:
    /// an attempt that wrote nothing has none).
    QString openError() const { return m_openError; }
    /// Whether output may still come (the attempt runs): an empty log then says "No output
    /// yet" rather than that the attempt wrote nothing.
    /// While live, the view also watches (off the GUI thread) for the attempt writing the log to
    /// end, and stops being live then.
    void setLive(bool live);
    bool isLive() const { return m_live; }
    /// What the view says while it has no line to show (empty, missing, loading, unreadable).
    QString placeholderText() const;

    bool isFollowing() const { return m_follow; }
    void setFollowing(bool follow);

    /// The lines on screen now, top first.
    QList<Baton::LogLine> visibleLines() const;
    /// How many lines fit on the screen.
    int pageLines() const;
    /// 1-based number of the top line on screen, 0 while the index has not reached it.
    qint64 topLineNumber() const;
    qint64 fileSize() const { return m_fileSize; }
    /// Lines the background index has counted (all of them once indexing() is false).
    qint64 indexedLines() const { return m_progress.lines; }
    bool isIndexing() const { return !m_progress.done; }
    /// True until the first window has arrived (or while a jump is on its way).
    bool isLoading() const { return m_pending != 0; }

    /// Highlights every occurrence of @p text on screen; findNext()/findPrevious() go to the
    /// next/previous line holding it (wrapping around the file once).
    void setSearchText(const QString &text, bool caseSensitive = false);
    QString searchText() const { return m_needle; }
    /// The line of the current match (-1: none) and where it is in the line's text.
    Baton::LogReader::Match currentMatch() const { return m_match; }
    /// The line marked by jumpToFirstError() (-1: none).
    qint64 errorLine() const { return m_errorLine; }

    /// Offsets of the first and last selected lines (-1 when nothing is selected).
    QPair<qint64, qint64> selection() const;
    /// The selected lines' text, one per line (only what is loaded around the screen).
    QString selectedText() const;
    void selectLines(qint64 fromOffset, qint64 toOffset);

public Q_SLOTS:
    void findNext();
    void findPrevious();
    void jumpToFirstError();
    void scrollToStart();
    /// Shows the last lines and follows.
    void scrollToEnd();
    /// Scrolls by @p lines (negative: up).
    void scrollLines(int lines);
    /// Copies the selection (or, without one, the lines on screen) to the clipboard.
    void copy();
    /// Writes the whole log to @p target, as is or as text only; answers with saved().
    void saveTo(const QString &target, bool textOnly);

Q_SIGNALS:
    void followingChanged(bool following);
    /// A new window is on screen.
    void windowApplied();
    /// Size, index progress or position changed (for a status line).
    void statusChanged();
    /// setLive(), or the attempt writing the log ended while it was shown live.
    void liveChanged(bool live);
    void findFinished(bool found, bool wrapped);
    void firstErrorFinished(bool found);
    void saved(const QString &target, const QString &error);
    void opened(const QString &path, const QString &error);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    bool viewportEvent(QEvent *event) override;
    void changeEvent(QEvent *event) override;

private:
    void requestTail();
    /// Reads a window with the line holding @p offset @p above lines below the top of the screen.
    void requestAt(qint64 offset, int above);
    void onWindow(const Baton::LogWindow &window);
    void onFound(const Baton::LogFindResult &result);
    void onSizeChanged(qint64 size);
    void onProgress(const Baton::LogIndexProgress &progress);
    void setTop(int index);
    void syncScrollBars();
    void onScrollValue(int value);
    int lineHeight() const;
    int gutterWidth() const;
    int lineAt(const QPoint &pos) const;
    int maxTop() const;
    void find(bool forward);

    QThread *m_thread;
    void updateEndProbe();
    Baton::LogWorker *m_worker; // lives on m_thread
    QString m_path;
    const Baton::Store *m_store = nullptr;
    std::shared_ptr<Baton::LogMirror> m_mirror; // used on the worker's thread only
    QString m_openError;
    quint64 m_requests = 0;
    quint64 m_pending = 0; // the window request whose answer is awaited (0: none)
    qint64 m_wantOffset = -1; // the line the pending window is read around (-1: tail)
    int m_wantAbove = 0;

    QList<Baton::LogLine> m_lines;
    qint64 m_firstLineNumber = -1;
    bool m_atStart = true;
    bool m_atEnd = true;
    int m_top = 0;
    qint64 m_fileSize = 0;
    Baton::LogIndexProgress m_progress;
    bool m_follow = true;
    bool m_live = true;
    bool m_syncing = false;
    int m_scrollAction = 0;
    int m_longestLine = 0; // characters, over the window

    QString m_needle;
    Qt::CaseSensitivity m_cs = Qt::CaseInsensitive;
    quint64 m_findRequest = 0;
    Baton::LogReader::Match m_match;
    qint64 m_errorLine = -1;
    qint64 m_selAnchor = -1;
    qint64 m_selEnd = -1;
};

} // namespace Baton::Ui
