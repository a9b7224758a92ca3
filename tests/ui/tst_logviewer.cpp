// The log viewer on real files, offscreen: tail, follow, search, first error, streams, copy,
// save, and a huge file.
#include "core/logtestdata.h"
#include "logs/logview.h"
#include "logs/logviewer.h"
#include "widgets/theme.h"

#include <QApplication>
#include <QCheckBox>
#include <QClipboard>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QToolButton>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

using namespace Baton;
using namespace Baton::Ui;
using Baton::Test::record;
using Baton::Test::writeNumberedLog;

namespace {

QStringList texts(const QList<LogLine> &lines)
{
    QStringList out;
    for (const LogLine &l : lines)
        out << l.text;
    return out;
}

} // namespace

class TestLogViewer : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QString m_huge;
    qint64 m_hugeLines = 1000001; // the last line is stdout (stderr every 50,000)

    QString write(const QString &name, const QByteArray &bytes)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        f.open(QIODevice::WriteOnly | QIODevice::Truncate);
        f.write(bytes);
        return path;
    }

    // A small log: 30 stdout lines, a stderr warning at 10, "needle" at 5, 12 and 25, a real
    // error at 20.
    QString smallLog()
    {
        QByteArray bytes;
        for (int i = 0; i < 30; ++i) {
            if (i == 10)
                bytes += record('E', "progress: 40% (stderr)");
            else if (i == 20)
                bytes += record('E', "Traceback (most recent call last):");
            else if (i == 5 || i == 12 || i == 25)
                bytes += record('O', "found a needle at " + QByteArray::number(i));
            else
                bytes += record('O', "line " + QByteArray::number(i));
        }
        return write(QStringLiteral("small.log"), bytes);
    }

    std::unique_ptr<LogViewer> viewer(const QString &path, bool live = false)
    {
        auto v = std::make_unique<LogViewer>();
        v->resize(900, 400);
        v->show();
        v->setLog(path, QStringLiteral("extract · attempt 1"), live);
        LogViewer *raw = v.get();
        [raw] {
            QTRY_VERIFY(!raw->view()->visibleLines().isEmpty()
                        || !raw->view()->openError().isEmpty() || !raw->view()->isLoading());
        }();
        return v;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_huge = m_dir.filePath(QStringLiteral("huge.log"));
        QVERIFY(writeNumberedLog(m_huge, m_hugeLines, 50000, "ERROR: checksum mismatch")
                > 50 * 1024 * 1024);
    }

    void tailAndLineNumbers()
    {
        auto v = viewer(smallLog());
        LogView *view = v->view();
        const QList<LogLine> shown = view->visibleLines();
        QCOMPARE(shown.last().text, QStringLiteral("line 29"));
        QVERIFY(view->isFollowing());
        QVERIFY(v->followButton()->isChecked());
        QTRY_VERIFY(!view->isIndexing());
        QTRY_COMPARE(view->topLineNumber(), qint64(30 - shown.size() + 1));
        QTRY_VERIFY(v->statusLabel()->text().contains(QLatin1String("30 lines")));
        QVERIFY(v->statusLabel()->text().contains(QStringLiteral("extract · attempt 1")));
    }

    void hugeFileTailIsFastAndScrolls()
    {
        QElapsedTimer timer;
        timer.start();
        auto v = std::make_unique<LogViewer>();
        v->resize(900, 400);
        v->show();
        v->setLog(m_huge, QStringLiteral("huge"), false);
        LogView *view = v->view();
        QTRY_VERIFY_WITH_TIMEOUT(!view->visibleLines().isEmpty(), 5000);
        const qint64 ms = timer.elapsed();
        QVERIFY2(ms < 1000, qPrintable(QStringLiteral("first screen after %1 ms").arg(ms)));
        QCOMPARE(view->visibleLines().last().text,
                 QStringLiteral("line %1 of the job's output").arg(m_hugeLines - 1));
        // Scrolling does not wait for the index either.
        view->scrollToStart();
        QTRY_COMPARE(view->visibleLines().first().text,
                     QStringLiteral("line 0 of the job's output"));
        QVERIFY(!view->isFollowing());
        view->scrollLines(5);
        QCOMPARE(view->visibleLines().first().text, QStringLiteral("line 5 of the job's output"));
        // Dragging the scroll bar to the middle reads a window there.
        QScrollBar *bar = view->verticalScrollBar();
        QSignalSpy applied(view, &LogView::windowApplied);
        bar->setValue(bar->maximum() / 2);
        QTRY_COMPARE(applied.count(), 1);
        const qint64 number
            = view->visibleLines().first().text.section(QLatin1Char(' '), 1, 1).toLongLong();
        QVERIFY2(qAbs(number - m_hugeLines / 2) < m_hugeLines / 50,
                 qPrintable(QString::number(number)));
        // The index finishes in the background and brings line numbers with it.
        QTRY_VERIFY_WITH_TIMEOUT(!view->isIndexing(), 30000);
        QCOMPARE(view->indexedLines(), m_hugeLines);
        QTRY_COMPARE(view->topLineNumber(), number + 1);
        view->scrollToEnd();
        QTRY_VERIFY(view->isFollowing());
        QTRY_COMPARE(view->visibleLines().last().text,
                     QStringLiteral("line %1 of the job's output").arg(m_hugeLines - 1));
    }

    void hugeFileSearchAndFirstError()
    {
        auto v = viewer(m_huge);
        LogView *view = v->view();
        QSignalSpy errors(view, &LogView::firstErrorFinished);
        view->jumpToFirstError();
        QTRY_COMPARE_WITH_TIMEOUT(errors.count(), 1, 20000);
        QVERIFY(errors.at(0).at(0).toBool());
        QTRY_VERIFY(texts(view->visibleLines())
                        .contains(QStringLiteral("ERROR: checksum mismatch at 49999")));
        QSignalSpy finds(view, &LogView::findFinished);
        v->findEdit()->setText(QStringLiteral("line 777777 "));
        QTest::keyClick(v->findEdit(), Qt::Key_Return);
        QTRY_COMPARE_WITH_TIMEOUT(finds.count(), 1, 20000);
        QVERIFY(finds.at(0).at(0).toBool());
        QTRY_VERIFY(texts(view->visibleLines())
                        .contains(QStringLiteral("line 777777 of the job's output")));
    }

    void followsGrowth()
    {
        const QString path = write(QStringLiteral("live.log"), record('O', "starting"));
        auto v = viewer(path, true);
        LogView *view = v->view();
        QVERIFY(view->isFollowing());
        QFile f(path);
        QVERIFY(f.open(QIODevice::Append));
        for (int i = 0; i < 100; ++i)
            f.write(record('O', "step " + QByteArray::number(i)));
        f.flush();
        QTRY_COMPARE(view->visibleLines().last().text, QStringLiteral("step 99"));
        // Scrolling up pauses: new output does not move the screen.
        view->scrollLines(-10);
        QVERIFY(!view->isFollowing());
        QVERIFY(!v->followButton()->isChecked());
        const QList<LogLine> paused = view->visibleLines();
        f.write(record('E', "late warning"));
        f.flush();
        QTRY_VERIFY(view->fileSize() == f.size());
        QTest::qWait(50);
        QCOMPARE(view->visibleLines(), paused);
        // The Follow button (or End) shows the end again.
        v->followButton()->click();
        QVERIFY(view->isFollowing());
        QTRY_COMPARE(view->visibleLines().last().text, QStringLiteral("late warning"));
    }

    void searchNextPreviousAndHighlight()
    {
        auto v = viewer(smallLog());
        LogView *view = v->view();
        view->scrollToStart();
        QTRY_COMPARE(view->visibleLines().first().text, QStringLiteral("line 0"));
        QSignalSpy finds(view, &LogView::findFinished);
        v->findEdit()->setText(QStringLiteral("NEEDLE"));
        QCOMPARE(view->searchText(), QStringLiteral("NEEDLE"));
        v->findChild<QToolButton *>(QStringLiteral("findNext"))->click();
        QTRY_COMPARE(finds.count(), 1);
        const auto matchText = [&] {
            for (const LogLine &l : view->visibleLines()) {
                if (l.offset == view->currentMatch().lineOffset)
                    return l.text;
            }
            return QString();
        };
        QTRY_COMPARE(matchText(), QStringLiteral("found a needle at 5"));
        QCOMPARE(view->currentMatch().column, 8);
        QCOMPARE(view->currentMatch().length, 6);
        v->findChild<QToolButton *>(QStringLiteral("findNext"))->click();
        QTRY_COMPARE(finds.count(), 2);
        QTRY_COMPARE(matchText(), QStringLiteral("found a needle at 12"));
        v->findChild<QToolButton *>(QStringLiteral("findNext"))->click();
        QTRY_COMPARE(finds.count(), 3);
        QTRY_COMPARE(matchText(), QStringLiteral("found a needle at 25"));
        // Past the last one the search wraps around and says so.
        v->findChild<QToolButton *>(QStringLiteral("findNext"))->click();
        QTRY_COMPARE(finds.count(), 4);
        QTRY_COMPARE(matchText(), QStringLiteral("found a needle at 5"));
        QVERIFY(finds.at(3).at(1).toBool());
        QVERIFY(v->findMessage().contains(QLatin1String("wrapped")));
        v->findChild<QToolButton *>(QStringLiteral("findPrevious"))->click();
        QTRY_COMPARE(finds.count(), 5);
        QTRY_COMPARE(matchText(), QStringLiteral("found a needle at 25"));
        // Shift+Enter in the find box: previous.
        QTest::keyClick(v->findEdit(), Qt::Key_Return, Qt::ShiftModifier);
        QTRY_COMPARE(finds.count(), 6);
        QTRY_COMPARE(matchText(), QStringLiteral("found a needle at 12"));
        QVERIFY(!view->isFollowing());

        // Match case: "NEEDLE" is nowhere in capitals.
        v->caseCheck()->setChecked(true);
        v->findChild<QToolButton *>(QStringLiteral("findNext"))->click();
        QTRY_COMPARE(finds.count(), 7);
        QVERIFY(!finds.at(6).at(0).toBool());
        QCOMPARE(v->findMessage(), QStringLiteral("not found"));

        // Highlight: the match is painted in the highlight colour behind its text.
        v->caseCheck()->setChecked(false);
        const QImage image = view->viewport()->grab().toImage();
        const bool dark = Theme::isDark(view->palette());
        const QColor current = dark ? QColor(190, 140, 20) : QColor(255, 170, 40);
        const QColor hit = dark ? QColor(120, 100, 20) : QColor(255, 230, 120);
        bool painted = false;
        for (int y = 0; y < image.height() && !painted; y += 2) {
            for (int x = 0; x < image.width() && !painted; x += 2)
                painted = image.pixelColor(x, y) == hit || image.pixelColor(x, y) == current;
        }
        QVERIFY(painted);
    }

    void jumpToFirstError()
    {
        auto v = viewer(smallLog());
        LogView *view = v->view();
        QSignalSpy done(view, &LogView::firstErrorFinished);
        v->findChild<QToolButton *>(QStringLiteral("firstError"))->click();
        QTRY_COMPARE(done.count(), 1);
        QVERIFY(done.at(0).at(0).toBool());
        // The traceback (line 20), not the earlier stderr progress line (LogRules).
        QTRY_VERIFY(view->errorLine() >= 0);
        bool shown = false;
        for (const LogLine &l : view->visibleLines())
            shown |= l.offset == view->errorLine() && l.text.startsWith(QLatin1String("Traceback"));
        QVERIFY(shown);
        QVERIFY(!view->isFollowing());

        // A log without stderr has no error line, and says so.
        auto clean = viewer(write(QStringLiteral("clean.log"), record('O', "all good")));
        QSignalSpy none(clean->view(), &LogView::firstErrorFinished);
        clean->view()->jumpToFirstError();
        QTRY_COMPARE(none.count(), 1);
        QVERIFY(!none.at(0).at(0).toBool());
        QCOMPARE(clean->findMessage(), QStringLiteral("no error line"));
    }

    void streamsAreDistinguished()
    {
        auto v = viewer(write(QStringLiteral("streams.log"),
                              record('O', "out line") + record('E', "err line")
                                  + record('E', "[baton: timed out after 5 s]", '!')
                                  + record('O', "partial", '+') + "not a record\n"));
        LogView *view = v->view();
        const QList<LogLine> lines = view->visibleLines();
        QCOMPARE(lines.size(), 5);
        QCOMPARE(lines.at(0).stream, LogStream::Out);
        QCOMPARE(lines.at(1).stream, LogStream::Err);
        QCOMPARE(lines.at(2).stream, LogStream::Note);
        QVERIFY(lines.at(3).partial);
        QCOMPARE(lines.at(4).stream, LogStream::Raw);
        // On screen: stderr lines get the failure-coloured stripe in the gutter, stdout none.
        const QImage image = view->viewport()->grab().toImage();
        const int lh = view->fontMetrics().lineSpacing();
        const QColor failure = Theme::failure(view->palette());
        const auto stripeAt = [&](int row) {
            for (int x = 0; x < image.width() / 2; ++x) {
                if (image.pixelColor(x, row * lh + lh / 2) == failure)
                    return true;
            }
            return false;
        };
        QVERIFY(!stripeAt(0));
        QVERIFY(stripeAt(1));
    }

    void copyAndSave()
    {
        auto v = viewer(smallLog());
        LogView *view = v->view();
        const QList<LogLine> shown = view->visibleLines();
        view->selectLines(shown.at(2).offset, shown.at(4).offset);
        view->copy();
        QCOMPARE(QApplication::clipboard()->text(),
                 QStringList({ shown.at(2).text, shown.at(3).text, shown.at(4).text })
                     .join(QLatin1Char('\n')));
        // Selection by mouse: click a line, Shift+click another.
        const int lh = view->fontMetrics().lineSpacing();
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, QPoint(200, lh / 2));
        QTest::mouseClick(view->viewport(), Qt::LeftButton, Qt::ShiftModifier,
                          QPoint(200, lh + lh / 2));
        QCOMPARE(view->selectedText(), shown.at(0).text + QLatin1Char('\n') + shown.at(1).text);
        QTest::keyClick(view, Qt::Key_C, Qt::ControlModifier);
        QCOMPARE(QApplication::clipboard()->text(), view->selectedText());

        QSignalSpy saved(view, &LogView::saved);
        const QString target = m_dir.filePath(QStringLiteral("copy.txt"));
        view->saveTo(target, true);
        QTRY_COMPARE(saved.count(), 1);
        QCOMPARE(saved.at(0).at(1).toString(), QString());
        QFile f(target);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().split('\n');
        QCOMPARE(lines.size(), 31); // 30 lines and the final newline
        QCOMPARE(lines.at(20), QByteArray("Traceback (most recent call last):"));
        QVERIFY(v->findMessage().contains(QLatin1String("saved")));
    }

    // An attempt that wrote nothing has no log file: the viewer shows it as a log without
    // output, as it shows an empty file, never as an error.
    void missingAndEmpty_data()
    {
        QTest::addColumn<bool>("exists"); // an empty file, or none at all
        QTest::newRow("missing") << false;
        QTest::newRow("empty") << true;
    }
    void missingAndEmpty()
    {
        QFETCH(bool, exists);
        const QString name = exists ? QStringLiteral("empty.log") : QStringLiteral("silent.log");
        const QString path = exists ? write(name, {}) : m_dir.filePath(name);
        auto v = viewer(path); // a finished attempt
        QTRY_VERIFY(!v->view()->isLoading());
        QCOMPARE(v->view()->openError(), QString());
        QVERIFY(v->view()->visibleLines().isEmpty());
        QVERIFY(!v->view()->isLive());
        QVERIFY2(v->view()->placeholderText().startsWith(QLatin1String("No output\n")),
                 qPrintable(v->view()->placeholderText()));
        // The status follows the view's index, which reports on its own after loading.
        QTRY_VERIFY2(v->statusLabel()->text().endsWith(QStringLiteral("·  no output")),
                     qPrintable(v->statusLabel()->text()));
        // Saving it writes an empty file and says so.
        QSignalSpy saved(v.get(), &LogViewer::saved);
        const QString target = m_dir.filePath(name + QStringLiteral(".saved"));
        v->view()->saveTo(target, false);
        QTRY_COMPARE(saved.count(), 1);
        QCOMPARE(saved.at(0).at(1).toString(), QString());
        QVERIFY(QFile::exists(target));
        QCOMPARE(QFileInfo(target).size(), qint64(0));
        QCOMPARE(QFile::exists(path), exists); // reading never creates it
    }

    // A running attempt with no output yet: "No output yet", and its log shows up by itself when
    // the attempt writes its first line (the file is created then).
    void outputAppearsWhileLive()
    {
        const QString path = m_dir.filePath(QStringLiteral("never-written.log"));
        auto v = viewer(path, true);
        QTRY_VERIFY(!v->view()->isLoading());
        QCOMPARE(v->view()->openError(), QString());
        QCOMPARE(v->view()->placeholderText(), QStringLiteral("No output yet"));
        QVERIFY2(v->statusLabel()->text().contains(QLatin1String("no output yet")),
                 qPrintable(v->statusLabel()->text()));
        QFile later(path);
        QVERIFY(later.open(QIODevice::WriteOnly));
        later.write(record('E', "first words"));
        later.close();
        QTRY_COMPARE(v->view()->visibleLines().size(), 1);
        QCOMPARE(v->view()->visibleLines().first().text, QStringLiteral("first words"));
        QVERIFY(v->view()->openError().isEmpty());
        QTRY_VERIFY2(v->statusLabel()->text().contains(QLatin1String("1 line")),
                     qPrintable(v->statusLabel()->text()));
        // The attempt ends: an empty log would now say that it wrote nothing.
        v->setLive(false);
        QVERIFY(!v->view()->isLive());
        v->setLog(QString());
        QVERIFY(v->view()->visibleLines().isEmpty());
        QVERIFY(v->view()->openError().isEmpty());
        QCOMPARE(v->view()->placeholderText(), QStringLiteral("No log to show"));
    }

    // A log tab opened while its attempt ran stops being live by itself when the attempt ends
    // (its record completes, or its supervisor is gone without one), not only when reopened.
    void liveEndsWithItsAttempt_data()
    {
        QTest::addColumn<bool>("completes"); // the exit record is written, or the lock just goes
        QTest::newRow("exit recorded") << true;
        QTest::newRow("supervisor gone") << false;
    }
    void liveEndsWithItsAttempt()
    {
        QFETCH(bool, completes);
        const QString attempt
            = m_dir.filePath(completes ? QStringLiteral("ends.1") : QStringLiteral("dies.1"));
        const QByteArray state = (attempt + QStringLiteral(".state")).toLocal8Bit();
        // The supervisor's part: its record, locked while it lives.
        const int fd = ::open(state.constData(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        QVERIFY(fd >= 0);
        QCOMPARE(::flock(fd, LOCK_EX | LOCK_NB), 0);
        const QByteArray head = "supervisor_pid=" + QByteArray::number(::getpid())
            + "\nstarted_at=1\npgid=" + QByteArray::number(::getpid()) + "\n";
        QCOMPARE(::write(fd, head.constData(), size_t(head.size())), head.size());
        auto v = viewer(attempt + QStringLiteral(".log"), true);
        QTRY_VERIFY(!v->view()->isLoading());
        QTest::qWait(700); // several looks: still running
        QVERIFY(v->view()->isLive());
        QCOMPARE(v->view()->placeholderText(), QStringLiteral("No output yet"));
        if (completes) {
            const QByteArray end = "exit_code=0\nsignal=0\nreason=completed\nfinished_at=2\n"
                                   "log_bytes=0\ntruncated=0\nend=1\n";
            QCOMPARE(::write(fd, end.constData(), size_t(end.size())), end.size());
        }
        ::close(fd);
        QTRY_VERIFY_WITH_TIMEOUT(!v->view()->isLive(), 5000);
        QVERIFY2(v->view()->placeholderText().startsWith(QLatin1String("No output\n")),
                 qPrintable(v->view()->placeholderText()));
        QCOMPARE(v->followButton()->toolTip(), QStringLiteral("Show the end of the log (End)"));
    }

    // A path that exists but cannot be read is an error, said on screen and in the status.
    void unreadable()
    {
        auto v = viewer(m_dir.path()); // a directory
        QTRY_VERIFY(!v->view()->openError().isEmpty());
        QVERIFY(v->view()->placeholderText().contains(v->view()->openError()));
        QVERIFY(v->statusLabel()->text().contains(v->view()->openError()));
    }
};

QTEST_MAIN(TestLogViewer)
#include "tst_logviewer.moc"
