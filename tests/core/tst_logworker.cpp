#include "logs/logworker.h"
#include "logtestdata.h"

#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <atomic>
#include <memory>

using namespace Baton;
using Baton::Test::record;
using Baton::Test::writeNumberedLog;

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

} // namespace

class TestLogWorker : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    QThread m_thread;
    LogWorker *m_worker = nullptr;
    std::unique_ptr<QSignalSpy> m_windows;
    std::unique_ptr<QSignalSpy> m_found;
    std::unique_ptr<QSignalSpy> m_progress;
    std::unique_ptr<QSignalSpy> m_opened;
    quint64 m_request = 0;

    template<typename F>
    void call(F f)
    {
        QMetaObject::invokeMethod(m_worker, f, Qt::QueuedConnection);
    }

    LogWindow tail(int count)
    {
        const int before = int(m_windows->count());
        const quint64 id = ++m_request;
        call([w = m_worker, id, count] { w->requestTail(id, count); });
        [&] {
            QTRY_COMPARE_WITH_TIMEOUT(m_windows->count(), before + 1, 10000);
        }();
        return m_windows->last().at(0).value<LogWindow>();
    }

    LogWindow window(qint64 offset, int before, int after)
    {
        const int count = int(m_windows->count());
        const quint64 id = ++m_request;
        call([w = m_worker, id, offset, before, after] {
            w->requestWindow(id, offset, before, after);
        });
        [&] {
            QTRY_COMPARE_WITH_TIMEOUT(m_windows->count(), count + 1, 10000);
        }();
        return m_windows->last().at(0).value<LogWindow>();
    }

    LogFindResult find(const QString &needle, qint64 from, bool forward, bool wrap = true)
    {
        const int count = int(m_found->count());
        const quint64 id = ++m_request;
        call([w = m_worker, id, needle, from, forward, wrap] {
            w->find(id, needle, false, from, forward, wrap);
        });
        [&] {
            QTRY_COMPARE_WITH_TIMEOUT(m_found->count(), count + 1, 20000);
        }();
        return m_found->last().at(0).value<LogFindResult>();
    }

    LogFindResult firstError()
    {
        const int count = int(m_found->count());
        const quint64 id = ++m_request;
        call([w = m_worker, id] { w->findFirstError(id); });
        [&] {
            QTRY_COMPARE_WITH_TIMEOUT(m_found->count(), count + 1, 20000);
        }();
        return m_found->last().at(0).value<LogFindResult>();
    }

    void open(const QString &path)
    {
        const int count = int(m_opened->count());
        call([w = m_worker, path] { w->open(path); });
        QTRY_COMPARE(m_opened->count(), count + 1);
        QTest::qWait(0);
    }

    LogIndexProgress waitIndexed()
    {
        [&] {
            QTRY_VERIFY_WITH_TIMEOUT(!m_progress->isEmpty()
                                         && m_progress->last().at(0).value<LogIndexProgress>().done,
                                     30000);
        }();
        return m_progress->last().at(0).value<LogIndexProgress>();
    }

private Q_SLOTS:
    void init()
    {
        m_worker = new LogWorker;
        m_worker->moveToThread(&m_thread);
        connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
        m_windows = std::make_unique<QSignalSpy>(m_worker, &LogWorker::windowReady);
        m_found = std::make_unique<QSignalSpy>(m_worker, &LogWorker::found);
        m_progress = std::make_unique<QSignalSpy>(m_worker, &LogWorker::indexProgress);
        m_opened = std::make_unique<QSignalSpy>(m_worker, &LogWorker::opened);
        m_thread.start();
    }

    void cleanup()
    {
        m_thread.quit();
        m_thread.wait();
        m_windows.reset();
        m_found.reset();
        m_progress.reset();
        m_opened.reset();
    }

    void hugeLogTailIsInstantAndMemoryFlat()
    {
        // 1.2 M lines, ~64 MB: the tail must not wait for the index, and nothing may grow
        // with the file (only the bounded sparse index).
        const QString path = m_dir.filePath(QStringLiteral("huge.log"));
        const qint64 lines = 1200000;
        const qint64 size = writeNumberedLog(path, lines, 1000, "ERROR: disk full");
        QVERIFY(size > 50 * 1024 * 1024);
        const qint64 rssBefore = residentKiB();
        QElapsedTimer timer;
        timer.start();
        open(path);
        const LogWindow t = tail(60);
        const qint64 tailMs = timer.elapsed();
        QCOMPARE(t.lines.size(), 60);
        QCOMPARE(t.lines.last().text, QStringLiteral("ERROR: disk full at 1199999"));
        QCOMPARE(t.lines.last().stream, LogStream::Err);
        QCOMPARE(t.lines.at(58).text, QStringLiteral("line 1199998 of the job's output"));
        QVERIFY(t.atEnd);
        QVERIFY(!t.atStart);
        QCOMPARE(t.fileSize, size);
        QVERIFY2(tailMs < 1000, qPrintable(QStringLiteral("tail took %1 ms").arg(tailMs)));

        const LogIndexProgress done = waitIndexed();
        QCOMPARE(done.lines, lines);
        QCOMPARE(done.indexedBytes, size);
        const qint64 grownKiB = residentKiB() - rssBefore;
        QVERIFY2(grownKiB < 24 * 1024,
                 qPrintable(QStringLiteral("resident memory grew by %1 KiB").arg(grownKiB)));

        // Once indexed, windows carry line numbers, even far from any checkpoint.
        const LogWindow mid = window(size / 2, 3, 5);
        QCOMPARE(mid.lines.size(), 8);
        QVERIFY(mid.firstLineNumber > 0);
        const QString text = mid.lines.first().text;
        // Every line says its own number: "line N of …" or "ERROR: … at N".
        const qint64 said = text.startsWith(QLatin1String("line "))
            ? text.section(QLatin1Char(' '), 1, 1).toLongLong()
            : text.section(QLatin1Char(' '), -1).toLongLong();
        QCOMPARE(mid.firstLineNumber, said);
        QCOMPARE(mid.anchor, mid.lines.at(3).offset);
        QCOMPARE(tail(1).firstLineNumber, lines - 1);

        const LogFindResult e = firstError();
        QVERIFY(e.errorScan);
        QVERIFY(e.match.isValid());
        QCOMPARE(window(e.match.lineOffset, 0, 1).lines.first().text,
                 QStringLiteral("ERROR: disk full at 999"));
    }

    void findWrapsAround()
    {
        const QString path = m_dir.filePath(QStringLiteral("find.log"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(record('O', "alpha") + record('O', "beta target") + record('E', "gamma")
                + record('O', "delta target") + record('O', "omega"));
        f.close();
        open(path);
        const QList<LogLine> lines = window(0, 0, 10).lines;
        QCOMPARE(lines.size(), 5);
        LogFindResult r = find(QStringLiteral("TARGET"), lines.at(2).offset, true);
        QCOMPARE(r.match.lineOffset, lines.at(3).offset);
        QVERIFY(!r.wrapped);
        r = find(QStringLiteral("target"), lines.at(4).offset, true);
        QCOMPARE(r.match.lineOffset, lines.at(1).offset);
        QVERIFY(r.wrapped);
        r = find(QStringLiteral("target"), lines.at(1).offset, false);
        QCOMPARE(r.match.lineOffset, lines.at(3).offset); // wrapped backwards from the end
        QVERIFY(r.wrapped);
        r = find(QStringLiteral("target"), lines.at(4).offset, true, false);
        QVERIFY(!r.match.isValid()); // no wrap asked for
        r = find(QStringLiteral("absent"), 0, true);
        QVERIFY(!r.match.isValid());
        r = find(QString(), 0, true);
        QVERIFY(!r.match.isValid());
        // Only a stderr line without error words: it stands in as the first error.
        const LogFindResult e = firstError();
        QCOMPARE(e.match.lineOffset, lines.at(2).offset);
    }

    void growthIsFollowed()
    {
        const QString path = m_dir.filePath(QStringLiteral("grow.log"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(record('O', "first"));
        f.flush();
        QSignalSpy grown(m_worker, &LogWorker::sizeChanged);
        call([w = m_worker] { w->setWatchInterval(20); });
        open(path);
        QCOMPARE(firstError().match.isValid(), false); // no stderr at all
        f.write(record('O', "second") + record('E', "fatal: lost connection"));
        f.flush();
        QTRY_VERIFY(!grown.isEmpty());
        QTRY_COMPARE(grown.last().at(0).toLongLong(), f.size());
        const LogWindow t = tail(10);
        QCOMPARE(t.lines.size(), 3);
        QCOMPARE(t.lines.last().stream, LogStream::Err);
        QTRY_COMPARE(m_progress->last().at(0).value<LogIndexProgress>().lines, qint64(3));
        // The error scan goes on from where it stopped.
        QCOMPARE(firstError().match.lineOffset, t.lines.last().offset);
    }

    // The end probe is asked after each look for growth; once it says the writer is done, the
    // last output is read, attemptEnded() comes once with the path, and it is not asked again.
    void endProbeEndsTheWatchOnce()
    {
        const QString path = m_dir.filePath(QStringLiteral("ending.log"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(record('O', "first"));
        f.flush();
        QSignalSpy ended(m_worker, &LogWorker::attemptEnded);
        QSignalSpy grown(m_worker, &LogWorker::sizeChanged);
        auto asked = std::make_shared<std::atomic<int>>(0);
        auto over = std::make_shared<std::atomic<bool>>(false);
        call([w = m_worker, asked, over] {
            w->setWatchInterval(20);
            w->setEndProbe([asked, over] {
                ++*asked;
                return over->load();
            });
        });
        open(path);
        QTRY_VERIFY(*asked >= 3);
        QCOMPARE(ended.count(), 0);
        f.write(record('O', "last words"));
        f.flush();
        *over = true;
        QTRY_COMPARE(ended.count(), 1);
        QCOMPARE(ended.at(0).at(0).toString(), path);
        QVERIFY(!grown.isEmpty());
        QCOMPARE(grown.last().at(0).toLongLong(), f.size()); // read before the end was said
        const int after = *asked;
        QTest::qWait(150);
        QCOMPARE(int(*asked), after);
        QCOMPARE(ended.count(), 1);
    }

    void saveAsIsAndTextOnly()
    {
        const QString path = m_dir.filePath(QStringLiteral("save.log"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        const QByteArray bytes = record('O', "one") + record('E', "two") + record('O', "");
        f.write(bytes);
        f.close();
        open(path);
        QSignalSpy saved(m_worker, &LogWorker::saved);
        const QString raw = m_dir.filePath(QStringLiteral("raw.log"));
        const QString text = m_dir.filePath(QStringLiteral("text.txt"));
        call([w = m_worker, raw] { w->save(1, raw, false); });
        QTRY_COMPARE(saved.count(), 1);
        QCOMPARE(saved.at(0).at(2).toString(), QString());
        call([w = m_worker, text] { w->save(2, text, true); });
        QTRY_COMPARE(saved.count(), 2);
        QCOMPARE(saved.at(1).at(2).toString(), QString());
        QFile r(raw);
        QVERIFY(r.open(QIODevice::ReadOnly));
        QCOMPARE(r.readAll(), bytes);
        QFile t(text);
        QVERIFY(t.open(QIODevice::ReadOnly));
        QCOMPARE(t.readAll(), QByteArray("one\ntwo\n\n"));
        // A target that cannot be written is reported, and nothing is left behind.
        const QString bad = m_dir.filePath(QStringLiteral("no/such/dir/x.log"));
        call([w = m_worker, bad] { w->save(3, bad, false); });
        QTRY_COMPARE(saved.count(), 3);
        QVERIFY(saved.at(2).at(2).toString().contains(QLatin1String("no/such/dir")));
        QVERIFY(!QFile::exists(bad));
    }

    // An attempt that wrote nothing has no log file: an empty log, not an error.
    void openMissing()
    {
        const QString path = m_dir.filePath(QStringLiteral("missing.log"));
        open(path);
        QCOMPARE(m_opened->last().at(0).toString(), path);
        QCOMPARE(m_opened->last().at(1).toLongLong(), qint64(0));
        QCOMPARE(m_opened->last().at(2).toString(), QString()); // no error
        const LogWindow t = tail(10);
        QVERIFY(t.lines.isEmpty());
        QVERIFY(t.atEnd && t.atStart);
        QCOMPARE(t.fileSize, qint64(0));
        QVERIFY(window(0, 5, 5).lines.isEmpty());
        QVERIFY(!firstError().match.isValid());
        QVERIFY(!find(QStringLiteral("x"), 0, true).match.isValid());
        const LogIndexProgress p = waitIndexed();
        QCOMPARE(p.lines, qint64(0));
        QCOMPARE(p.fileSize, qint64(0));
        // Saving it gives an empty file, and says nothing went wrong.
        QSignalSpy saved(m_worker, &LogWorker::saved);
        const QString target = m_dir.filePath(QStringLiteral("missing-saved.log"));
        call([w = m_worker, target] { w->save(1, target, false); });
        QTRY_COMPARE(saved.count(), 1);
        QCOMPARE(saved.at(0).at(2).toString(), QString());
        QVERIFY(QFile::exists(target));
        QCOMPARE(QFileInfo(target).size(), qint64(0));
        QVERIFY(!QFile::exists(path)); // reading never creates it
    }

    // A path that exists but is no log file is an error, unlike a missing one.
    void openUnreadable()
    {
        open(m_dir.path()); // a directory
        QVERIFY(!m_opened->last().at(2).toString().isEmpty());
        QVERIFY(tail(10).lines.isEmpty());
    }

    void fileThatAppearsLater()
    {
        // A running attempt that has written nothing yet: its log appears with its first record,
        // and reads as growth of the empty log.
        const QString path = m_dir.filePath(QStringLiteral("later.log"));
        call([w = m_worker] { w->setWatchInterval(20); });
        QSignalSpy grown(m_worker, &LogWorker::sizeChanged);
        open(path);
        QCOMPARE(m_opened->last().at(2).toString(), QString());
        QVERIFY(tail(5).lines.isEmpty());
        QTest::qWait(100); // several checks while it is missing: nothing to report
        QVERIFY(grown.isEmpty());
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(record('O', "hello"));
        f.flush();
        QTRY_VERIFY(!grown.isEmpty());
        QCOMPARE(grown.last().at(0).toLongLong(), f.size());
        const LogWindow t = tail(5);
        QCOMPARE(t.lines.size(), 1);
        QCOMPARE(t.lines.first().text, QStringLiteral("hello"));
        QTRY_COMPARE(m_progress->last().at(0).value<LogIndexProgress>().lines, qint64(1));
        // It keeps being followed as it grows.
        f.write(record('E', "world"));
        f.flush();
        QTRY_COMPARE(grown.last().at(0).toLongLong(), f.size());
        QCOMPARE(tail(5).lines.size(), 2);
        QCOMPARE(m_opened->count(), 1); // one open: appearing is not an error cleared
    }
};

QTEST_GUILESS_MAIN(TestLogWorker)
#include "tst_logworker.moc"
