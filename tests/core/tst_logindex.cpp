#include "logs/logindex.h"

#include <QTest>

using namespace Baton;

namespace {

// "line i\n" for i in [0, count): line starts are easy to compute independently.
QByteArray numbered(int count, QList<qint64> *starts)
{
    QByteArray bytes;
    for (int i = 0; i < count; ++i) {
        starts->append(bytes.size());
        bytes += "line " + QByteArray::number(i) + '\n';
    }
    return bytes;
}

} // namespace

class TestLogIndex : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void empty()
    {
        LogIndex index;
        QCOMPARE(index.lineCount(), qint64(0));
        QCOMPARE(index.indexedBytes(), qint64(0));
        QCOMPARE(index.checkpointAtOrBefore(1000).offset, qint64(0));
        QCOMPARE(index.checkpointForLine(5).line, qint64(0));
    }

    void checkpointsAreLineStarts_data()
    {
        QTest::addColumn<int>("lines");
        QTest::addColumn<int>("capacity");
        QTest::addColumn<int>("feedSize");
        QTest::newRow("few lines, roomy") << 10 << 1024 << 7;
        QTest::newRow("thinned several times") << 5000 << 16 << 4096;
        QTest::newRow("byte by byte") << 300 << 8 << 1;
        QTest::newRow("large feeds") << 20000 << 64 << 65536;
    }

    void checkpointsAreLineStarts()
    {
        QFETCH(int, lines);
        QFETCH(int, capacity);
        QFETCH(int, feedSize);
        QList<qint64> starts;
        const QByteArray bytes = numbered(lines, &starts);
        LogIndex index(capacity);
        for (qsizetype at = 0; at < bytes.size(); at += feedSize)
            index.feed(bytes.constData() + at, std::min<qsizetype>(feedSize, bytes.size() - at));
        QCOMPARE(index.lineCount(), qint64(lines));
        QCOMPARE(index.indexedBytes(), qint64(bytes.size()));
        // Bounded: never more than its capacity, whatever was fed.
        QVERIFY(index.checkpointCount() <= capacity);
        QVERIFY(index.stride() >= 1);
        // Every line maps to a checkpoint at or before it, at most one stride away.
        for (int line = 0; line < lines; line += std::max(1, lines / 97)) {
            const LogIndex::Checkpoint byLine = index.checkpointForLine(line);
            QVERIFY(byLine.line <= line);
            QVERIFY(line - byLine.line < index.stride());
            QCOMPARE(byLine.offset, starts.at(byLine.line));
            const LogIndex::Checkpoint byOffset = index.checkpointAtOrBefore(starts.at(line) + 2);
            QCOMPARE(byOffset.offset, starts.at(byOffset.line));
            QVERIFY(byOffset.offset <= starts.at(line) + 2);
            QVERIFY(line - byOffset.line < index.stride());
        }
    }

    void strideGrowsWithSize()
    {
        QList<qint64> starts;
        const QByteArray bytes = numbered(100000, &starts);
        LogIndex index(1000);
        index.feed(bytes.constData(), bytes.size());
        QVERIFY(index.stride() >= 100);
        QVERIFY(index.checkpointCount() > 1000 / 2);
        QVERIFY(index.checkpointCount() <= 1000);
    }

    void unfinishedLastLine()
    {
        LogIndex index;
        const QByteArray bytes("a\nb\nc");
        index.feed(bytes.constData(), bytes.size());
        QCOMPARE(index.lineCount(), qint64(2));
        index.feed("\n", 1);
        QCOMPARE(index.lineCount(), qint64(3));
        QCOMPARE(index.checkpointForLine(2).offset, qint64(4));
        index.clear();
        QCOMPARE(index.lineCount(), qint64(0));
        QCOMPARE(index.stride(), 1);
    }
};

QTEST_GUILESS_MAIN(TestLogIndex)
#include "tst_logindex.moc"
