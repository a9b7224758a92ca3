// Log viewer benchmark: opens FILE in the real LogViewer (offscreen) and prints, as one JSON
// line, the time to the first screen of its tail, to the end of the background index, to the
// first error line and to a search from the first line to a hit near the end, with the process's resident memory before
// opening and at its peak. Driven by tests/bench/log_bench.py; not a CTest test.
#include "logs/logview.h"
#include "logs/logviewer.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTest>
#include <cstdio>
#include <sys/resource.h>

using namespace Baton::Ui;

namespace {

qint64 residentKiB()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').first().toLongLong();
    }
    return 0;
}

qint64 peakKiB()
{
    rusage usage {};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

template<typename Done>
double waitMs(Done done, int timeoutMs = 120000)
{
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < timeoutMs)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
    return double(t.nsecsElapsed()) / 1e6;
}

} // namespace

int main(int argc, char **argv)
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.size() < 2) {
        std::fprintf(stderr, "usage: log_bench FILE [SEARCH_TEXT]\n");
        return 2;
    }
    const QString path = args.at(1);
    const QString needle = args.value(2);

    LogViewer viewer;
    viewer.resize(1200, 800);
    viewer.show();
    QCoreApplication::processEvents();
    const qint64 baseline = residentKiB();

    QElapsedTimer total;
    total.start();
    viewer.setLog(path, QStringLiteral("bench"), false);
    LogView *view = viewer.view();
    const double tailMs = waitMs([&] { return !view->visibleLines().isEmpty(); });
    const QString lastLine
        = view->visibleLines().isEmpty() ? QString() : view->visibleLines().last().text;
    const qint64 afterTail = residentKiB();

    QSignalSpy firstError(view, &LogView::firstErrorFinished);
    QElapsedTimer t;
    t.start();
    view->jumpToFirstError();
    waitMs([&] { return !firstError.isEmpty(); });
    const double errorMs = double(t.nsecsElapsed()) / 1e6;

    double findMs = -1;
    if (!needle.isEmpty()) {
        // From the first line: the search crosses the whole file to the marker near its end.
        QSignalSpy applied(view, &LogView::windowApplied);
        view->scrollToStart();
        waitMs([&] { return !applied.isEmpty(); });
        QSignalSpy found(view, &LogView::findFinished);
        view->setSearchText(needle);
        t.restart();
        view->findNext();
        waitMs([&] { return !found.isEmpty(); });
        findMs = double(t.nsecsElapsed()) / 1e6;
    }

    const double indexMs = waitMs([&] { return !view->isIndexing(); });
    const double indexedAfterMs = double(total.nsecsElapsed()) / 1e6;
    const QJsonObject result {
        { QStringLiteral("file"), path },
        { QStringLiteral("bytes"), view->fileSize() },
        { QStringLiteral("lines"), view->indexedLines() },
        { QStringLiteral("first_screen_ms"), tailMs },
        { QStringLiteral("last_line"), lastLine },
        { QStringLiteral("first_error_ms"), errorMs },
        { QStringLiteral("find_ms"), findMs },
        { QStringLiteral("index_done_ms"), indexedAfterMs },
        { QStringLiteral("index_wait_ms"), indexMs },
        { QStringLiteral("rss_before_kib"), baseline },
        { QStringLiteral("rss_after_tail_kib"), afterTail },
        { QStringLiteral("rss_end_kib"), residentKiB() },
        { QStringLiteral("peak_rss_kib"), peakKiB() },
    };
    std::printf("%s\n", QJsonDocument(result).toJson(QJsonDocument::Compact).constData());
    return 0;
}
