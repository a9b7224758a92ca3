#include "logs/logreader.h"
#include "logtestdata.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Baton;
using Baton::Test::record;
using Baton::Test::writeNumberedLog;

namespace {

QString write(const QTemporaryDir &dir, const QByteArray &bytes,
              const QString &name = QStringLiteral("log"))
{
    const QString path = dir.filePath(name);
    QFile f(path);
    f.open(QIODevice::WriteOnly | QIODevice::Truncate);
    f.write(bytes);
    return path;
}

QStringList texts(const QList<LogLine> &lines)
{
    QStringList out;
    for (const LogLine &l : lines)
        out << l.text;
    return out;
}

} // namespace

class TestLogReader : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    // An attempt that wrote nothing has no log file: it reads as an empty log, without error.
    void missingFile()
    {
        LogReader r;
        QString error;
        const QString path = m_dir.filePath(QStringLiteral("nope"));
        QVERIFY(r.open(path, &error));
        QCOMPARE(error, QString());
        QVERIFY(r.isOpen());
        QVERIFY(!r.exists());
        QCOMPARE(r.path(), path);
        QCOMPARE(r.size(), qint64(0));
        QVERIFY(r.linesBefore(100, 10).isEmpty());
        QVERIFY(r.linesFrom(0, 10).isEmpty());
        QCOMPARE(r.lineStart(5), qint64(0));
        QVERIFY(r.readAt(0, 10).isEmpty());
        qint64 resume = 0;
        QVERIFY(!r.find(QStringLiteral("x"), Qt::CaseSensitive, 0, 100, true, &resume).isValid());
        QCOMPARE(resume, qint64(-1));
        qint64 firstStderr = -1;
        QCOMPARE(r.findErrorLike(0, 100, &firstStderr, &resume), qint64(-1));
        QCOMPARE(firstStderr, qint64(-1));
        QVERIFY(!QFile::exists(path)); // reading never creates it
        // Once it appears, opening it again reads it.
        write(m_dir, record('O', "late"), QStringLiteral("nope"));
        QVERIFY(r.open(path, &error));
        QVERIFY(r.exists());
        QCOMPARE(r.linesFrom(0, 10).size(), 1);
        r.close();
        QVERIFY(!r.isOpen());
        QCOMPARE(r.size(), qint64(0));
    }

    // A path that exists but cannot be read as a log is an error naming it.
    void unreadable()
    {
        LogReader r;
        QString error;
        const QString path = m_dir.filePath(QStringLiteral("a-directory"));
        QVERIFY(QDir().mkpath(path));
        QVERIFY(!r.open(path, &error));
        QVERIFY(error.contains(QLatin1String("a-directory")));
        QVERIFY(!r.isOpen());
        QCOMPARE(r.size(), qint64(0));
    }

    void emptyFile()
    {
        LogReader r;
        QVERIFY(r.open(write(m_dir, {})));
        QVERIFY(r.linesBefore(r.size(), 10).isEmpty());
        QVERIFY(r.linesFrom(0, 10).isEmpty());
        QCOMPARE(r.lineStart(5), qint64(0));
        qint64 resume = 0;
        QVERIFY(!r.find(QStringLiteral("x"), Qt::CaseSensitive, 0, 100, true, &resume).isValid());
        QCOMPARE(resume, qint64(-1));
    }

    void windows()
    {
        const QByteArray bytes = record('O', "one") + record('E', "two") + record('O', "three")
            + "four without newline";
        LogReader r;
        QVERIFY(r.open(write(m_dir, bytes)));
        const QList<LogLine> all = r.linesFrom(0, 100);
        QCOMPARE(texts(all), QStringList({ "one", "two", "three", "four without newline" }));
        QCOMPARE(all.at(1).stream, LogStream::Err);
        QCOMPARE(all.at(3).stream, LogStream::Raw);
        QCOMPARE(all.at(1).offset, all.at(0).next);
        QCOMPARE(all.last().next, qint64(bytes.size()));
        QCOMPARE(texts(r.linesBefore(r.size(), 2)),
                 QStringList({ "three", "four without newline" }));
        QCOMPARE(texts(r.linesBefore(all.at(2).offset, 5)), QStringList({ "one", "two" }));
        QCOMPARE(texts(r.linesFrom(all.at(1).offset, 1)), QStringList({ "two" }));
        // Any byte of a line leads back to its start.
        QCOMPARE(r.lineStart(all.at(2).offset + 7), all.at(2).offset);
        QCOMPARE(r.lineStart(all.at(2).offset), all.at(2).offset);
        QCOMPARE(r.lineStart(999999), all.at(3).offset);
        QCOMPARE(r.countLines(0, r.size()), qint64(3));
    }

    void tailOfLargeFileReadsLittle()
    {
        // 200k lines (~9 MB): the tail comes from a reverse scan of one small block.
        const QString path = m_dir.filePath(QStringLiteral("big"));
        const qint64 size = writeNumberedLog(path, 200000);
        LogReader r;
        QVERIFY(r.open(path));
        QCOMPARE(r.size(), size);
        const QList<LogLine> tail = r.linesBefore(size, 50);
        QCOMPARE(tail.size(), 50);
        QCOMPARE(tail.last().text, QStringLiteral("line 199999 of the job's output"));
        QCOMPARE(tail.first().text, QStringLiteral("line 199950 of the job's output"));
        QCOMPARE(tail.last().next, size);
        // Contiguous: each line starts where the previous one ended.
        for (qsizetype i = 1; i < tail.size(); ++i)
            QCOMPARE(tail.at(i).offset, tail.at(i - 1).next);
        // The middle, from an arbitrary byte.
        const qint64 middle = r.lineStart(size / 2);
        const QList<LogLine> mid = r.linesFrom(middle, 3);
        QCOMPARE(mid.size(), 3);
        QVERIFY(mid.first().text.startsWith(QLatin1String("line ")));
        QCOMPARE(r.linesBefore(middle, 1).constFirst().next, middle);
    }

    void longLinesAcrossBlocks()
    {
        // Lines longer than a block (a foreign file) come whole, up to MaxLineBytes.
        const QByteArray longText(LogReader::ChunkSize * 2 + 123, 'x');
        const QByteArray bytes
            = record('O', "before") + record('O', longText) + record('O', "after");
        LogReader r;
        QVERIFY(r.open(write(m_dir, bytes)));
        const QList<LogLine> tail = r.linesBefore(r.size(), 3);
        QCOMPARE(tail.size(), 3);
        QCOMPARE(tail.at(1).text.size(), longText.size());
        QCOMPARE(tail.at(0).text, QStringLiteral("before"));
        const QList<LogLine> head = r.linesFrom(0, 3);
        QCOMPARE(head.at(1).text.size(), longText.size());
        QCOMPARE(head.at(2).text, QStringLiteral("after"));
        QCOMPARE(r.lineStart(tail.at(1).offset + LogReader::ChunkSize + 5), tail.at(1).offset);
    }

    void find_data()
    {
        QTest::addColumn<QString>("needle");
        QTest::addColumn<bool>("caseSensitive");
        QTest::addColumn<bool>("forward");
        QTest::addColumn<int>("fromLine");
        QTest::addColumn<int>("expectLine"); // -1: none
        QTest::addColumn<int>("expectColumn");
        QTest::newRow("forward first") << "needle" << false << true << 0 << 1 << 4;
        QTest::newRow("forward next") << "needle" << false << true << 2 << 3 << 0;
        QTest::newRow("case sensitive skips") << "needle" << true << true << 2 << 4 << 2;
        QTest::newRow("case insensitive") << "NEEDLE" << false << true << 2 << 3 << 0;
        QTest::newRow("backward from end") << "needle" << false << false << 6 << 4 << 2;
        QTest::newRow("backward previous") << "needle" << false << false << 3 << 1 << 4;
        QTest::newRow("none before first") << "needle" << false << false << 1 << -1 << -1;
        QTest::newRow("header is not text") << "2026-11" << false << true << 0 << -1 << -1;
        QTest::newRow("stream letter is not text") << " E " << true << true << 0 << -1 << -1;
        QTest::newRow("not across lines") << "end\n2026" << false << true << 0 << -1 << -1;
        QTest::newRow("utf-8 column") << "x" << true << true << 5 << 5 << 5;
        QTest::newRow("absent") << "zebra" << false << true << 0 << -1 << -1;
    }

    void find()
    {
        QFETCH(QString, needle);
        QFETCH(bool, caseSensitive);
        QFETCH(bool, forward);
        QFETCH(int, fromLine);
        QFETCH(int, expectLine);
        QFETCH(int, expectColumn);
        const QByteArray bytes = record('O', "nothing here at the end") // 0
            + record('O', "the needle is here") // 1
            + record('E', "other") // 2
            + record('E', "NEEDLE in caps") // 3
            + record('O', "a needle again") // 4
            + record('O', "caf\xc3\xa9 x") // 5
            + record('O', "last"); // 6
        LogReader r;
        QVERIFY(r.open(write(m_dir, bytes)));
        const QList<LogLine> lines = r.linesFrom(0, 100);
        QCOMPARE(lines.size(), 7);
        const qint64 from = lines.at(fromLine).offset;
        qint64 resume = 0;
        const LogReader::Match m
            = r.find(needle, caseSensitive ? Qt::CaseSensitive : Qt::CaseInsensitive, from,
                     forward ? r.size() : 0, forward, &resume);
        if (expectLine < 0) {
            QVERIFY(!m.isValid());
            QCOMPARE(resume, qint64(-1));
            return;
        }
        QVERIFY(m.isValid());
        QCOMPARE(m.lineOffset, lines.at(expectLine).offset);
        QCOMPARE(m.column, expectColumn);
        QCOMPARE(m.length, needle.size());
        QCOMPARE(lines.at(expectLine).text.mid(m.column, m.length).toLower(), needle.toLower());
    }

    void findInSlices()
    {
        // A match far away is reached slice after slice; each slice says where to go on.
        const QString path = m_dir.filePath(QStringLiteral("slices"));
        writeNumberedLog(path, 100000);
        LogReader r;
        QVERIFY(r.open(path));
        qint64 pos = 0;
        int slices = 0;
        LogReader::Match m;
        while (pos >= 0 && !m.isValid()) {
            qint64 resume = -1;
            m = r.find(QStringLiteral("line 99998 "), Qt::CaseSensitive, pos, pos + 512 * 1024,
                       true, &resume);
            pos = resume;
            ++slices;
        }
        QVERIFY(m.isValid());
        QVERIFY(slices > 3); // ~4.6 MB in slices of 512 KiB
        QCOMPARE(r.linesFrom(m.lineOffset, 1).constFirst().text,
                 QStringLiteral("line 99998 of the job's output"));
        // And backward from the end, in slices too.
        pos = r.size();
        m = {};
        while (pos >= 0 && !m.isValid()) {
            qint64 resume = -1;
            m = r.find(QStringLiteral("line 3 "), Qt::CaseSensitive, pos, pos - 512 * 1024, false,
                       &resume);
            pos = resume;
        }
        QVERIFY(m.isValid());
        QCOMPARE(r.linesFrom(m.lineOffset, 1).constFirst().text,
                 QStringLiteral("line 3 of the job's output"));
    }

    void firstErrorLike()
    {
        const QByteArray bytes = record('O', "starting") + record('E', "INFO: warming up")
            + record('O', "Error count: 0") + record('E', "Traceback (most recent call last):")
            + record('E', "[baton: timed out]", '!');
        LogReader r;
        QVERIFY(r.open(write(m_dir, bytes)));
        const QList<LogLine> lines = r.linesFrom(0, 10);
        qint64 firstStderr = -1;
        qint64 resume = 0;
        const qint64 hit = r.findErrorLike(0, r.size(), &firstStderr, &resume);
        QCOMPARE(hit, lines.at(3).offset); // stdout "Error count" does not count
        QCOMPARE(firstStderr, lines.at(1).offset);
        // Without an error-like line, only the first stderr line is known.
        QVERIFY(
            r.open(write(m_dir, record('O', "a") + record('E', "progress") + record('O', "b"))));
        firstStderr = -1;
        QCOMPARE(r.findErrorLike(0, r.size(), &firstStderr, &resume), qint64(-1));
        QCOMPARE(resume, qint64(-1));
        QCOMPARE(firstStderr, qint64(record('O', "a").size()));
    }
};

QTEST_GUILESS_MAIN(TestLogReader)
#include "tst_logreader.moc"
