#pragma once

#include "logs/logindex.h"
#include "logs/logline.h"
#include "logs/logreader.h"

#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <functional>
#include <memory>

class QTimer;

namespace Baton {

class LogMirror;

/// Lines a viewer asked for, read around an anchor.
struct LogWindow
{
    quint64 request = 0; ///< the id the caller gave
    QList<LogLine> lines; ///< in file order
    qint64 anchor = -1; ///< the line start the window was read around (-1: a tail)
    qint64 firstLineNumber = -1; ///< 0-based number of lines.first(), -1 while not indexed yet
    qint64 fileSize = 0;
    bool atStart = false; ///< lines.first() is the file's first line (or the file is empty)
    bool atEnd = false; ///< lines.last() is the file's last line (or the file is empty)
};

/// How far the background index has got.
struct LogIndexProgress
{
    qint64 indexedBytes = 0;
    qint64 lines = 0; ///< complete lines seen
    qint64 fileSize = 0;
    bool done = false; ///< everything there is has been indexed (until the file grows)
};

/// A search, or the first-error scan, has ended.
struct LogFindResult
{
    quint64 request = 0;
    LogReader::Match match; ///< invalid: not found
    bool wrapped = false; ///< the search went past the end (start) and on from the other side
    bool errorScan = false; ///< the answer to findFirstError()
};

/// The log viewer's worker (DESIGN.md, "Threads"): move it to a QThread; everything that
/// touches the file happens there and comes back as queued signals.
///
/// Long jobs (indexing, searching, the first-error scan, saving) run in slices of a few
/// megabytes, each re-queued behind whatever arrived meanwhile, so a window asked for while a
/// 1 GB log is being indexed is answered at once. A newer find() replaces the one in flight.
/// While a file is open its size is checked every watchInterval() ms (the log of a running
/// attempt grows): sizeChanged() reports growth and the index follows it. A file that does not
/// exist is an empty log (opened() without error: an attempt that wrote nothing has no log
/// file); it is looked for at the same pace, and its first bytes are reported as growth once it
/// appears. A file that exists but cannot be read is retried too, and opened() is emitted again
/// once it can.
class LogWorker : public QObject
{
    Q_OBJECT
public:
    /// Bytes a slice of indexing, search or saving handles before it lets other requests in.
    static constexpr qint64 SliceBytes = 8 * 1024 * 1024;

    explicit LogWorker(QObject *parent = nullptr);
    ~LogWorker() override;

public Q_SLOTS:
    /// Opens @p path (closing the previous file) and starts indexing it in the background.
    void open(const QString &path);
    /// Opens the log @p path of a team workspace through @p mirror: what the database holds is
    /// fetched into the mirror's cache file on this thread, at the first look and at every
    /// look for growth after it, and the cache is read as the log (signals still name @p path).
    /// A fetch that fails is reported as a log that cannot be read, and tried again.
    void openMirrored(const QString &path, const std::shared_ptr<Baton::LogMirror> &mirror);
    void close();
    /// 0 stops watching for growth.
    void setWatchInterval(int milliseconds);
    /// While the file is watched, @p ended is asked (on this thread, after each look for growth)
    /// whether whatever writes the log is done; attemptEnded() is emitted once it says so, and it
    /// is not asked again. Empty: nothing is asked.
    void setEndProbe(const std::function<bool()> &ended);
    /// Reads @p before lines before the line holding @p offset, and that line with the
    /// @p after - 1 lines that follow it.
    void requestWindow(quint64 request, qint64 offset, int before, int after);
    /// Reads the last @p count lines: instant on any size, a reverse scan from the end.
    void requestTail(quint64 request, int count);
    /// Searches the lines' text from line start @p from (forward: that line and after;
    /// backward: the lines before it), wrapping around once when @p wrap is set.
    void find(quint64 request, const QString &needle, bool caseSensitive, qint64 from, bool forward,
              bool wrap);
    /// Finds the first error line (LogRules in logline.h).
    void findFirstError(quint64 request);
    void cancelFind();
    /// Writes the whole log to @p target: as is, or the text of each line without the time and
    /// stream header (@p textOnly). Answers with saved().
    void save(quint64 request, const QString &target, bool textOnly);

Q_SIGNALS:
    void opened(const QString &path, qint64 size, const QString &error);
    /// The end probe (setEndProbe) said the writer of @p path is done: no more output will come.
    void attemptEnded(const QString &path);
    void windowReady(const Baton::LogWindow &window);
    void indexProgress(const Baton::LogIndexProgress &progress);
    void sizeChanged(qint64 size);
    void found(const Baton::LogFindResult &result);
    void saved(quint64 request, const QString &target, const QString &error);

private:
    struct Search
    {
        quint64 request = 0;
        QString needle;
        Qt::CaseSensitivity cs = Qt::CaseInsensitive;
        bool forward = true;
        bool wrap = false;
        bool wrapped = false;
        qint64 start = 0; ///< where the search began (a wrapped search stops there)
        qint64 pos = 0;
        bool active = false;
    };
    struct ErrorScan
    {
        QList<quint64> requests; ///< waiting for the answer
        qint64 pos = 0; ///< scanned up to here
        qint64 firstStderr = -1;
        qint64 found = -1;
        bool active = false;
    };
    struct Save
    {
        quint64 request = 0;
        QString target;
        bool textOnly = false;
        qint64 pos = 0;
        QFile *out = nullptr;
        bool active = false;
    };

    void schedule();
    void pump();
    void indexSlice();
    void searchSlice();
    void errorSlice();
    void saveSlice();
    void finishSave(const QString &error);
    void answerErrorScan(qint64 offset);
    void checkGrowth();
    void watch(); ///< checkGrowth(), then the end probe
    qint64 lineNumberOf(qint64 offset);
    /// Fetches what is new into the mirror's cache; false (with @p error) when that failed.
    bool pullMirror(QString *error);

    LogReader m_reader;
    QString m_path; ///< the log asked for (it may not exist yet)
    QString m_file; ///< the file read: m_path, or the mirror's cache
    std::shared_ptr<LogMirror> m_mirror;
    QString m_mirrorError; ///< why the last fetch failed
    LogIndex m_index;
    QTimer *m_watch = nullptr;
    int m_watchInterval = 250;
    std::function<bool()> m_endProbe;
    qint64 m_size = 0;
    bool m_indexDone = false;
    bool m_pumpQueued = false;
    Search m_search;
    ErrorScan m_errors;
    Save m_save;
};

} // namespace Baton

Q_DECLARE_METATYPE(Baton::LogWindow)
Q_DECLARE_METATYPE(Baton::LogIndexProgress)
Q_DECLARE_METATYPE(Baton::LogFindResult)
