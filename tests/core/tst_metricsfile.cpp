#include "engine/metricsfile.h"

#include <QTest>

using namespace Baton;
using V = MetricsFile::Value;
using I = MetricsFile::Ignored;

Q_DECLARE_METATYPE(QList<MetricsFile::Value>)
Q_DECLARE_METATYPE(QList<MetricsFile::Ignored>)

class TestMetricsFile : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parse_data()
    {
        QTest::addColumn<QByteArray>("data");
        QTest::addColumn<QList<V>>("values");
        QTest::addColumn<QList<I>>("ignored");
        QTest::newRow("empty") << QByteArray() << QList<V> {} << QList<I> {};
        QTest::newRow("space and equals")
            << QByteArray("rows 1200\nerror_rate=0.02\nauc = 0.91\n")
            << QList<V> { { "rows", 1200 }, { "error_rate", 0.02 }, { "auc", 0.91 } }
            << QList<I> {};
        QTest::newRow("blank lines, comments, indentation, CRLF")
            << QByteArray("# header\n\n   rows\t7  \r\n  # indented comment\nx 1")
            << QList<V> { { "rows", 7 }, { "x", 1 } } << QList<I> {};
        QTest::newRow("name characters")
            << QByteArray("_a.b:c-d 1\nmodel.v2:auc 0.5\n")
            << QList<V> { { "_a.b:c-d", 1 }, { "model.v2:auc", 0.5 } } << QList<I> {};
        QTest::newRow("numbers")
            << QByteArray("a -3\nb 1e3\nc +0.5\nd .25\n")
            << QList<V> { { "a", -3 }, { "b", 1000 }, { "c", 0.5 }, { "d", 0.25 } } << QList<I> {};
        QTest::newRow("a name may repeat")
            << QByteArray("rows 1\nrows 2\n") << QList<V> { { "rows", 1 }, { "rows", 2 } }
            << QList<I> {};
        // Bad lines are kept with their line number (1-based, blank lines counted) and text.
        QTest::newRow("bad lines")
            << QByteArray("rows 5\n\nno_value\n1st 3\nrows five\nrows 1 2\nok 2\n")
            << QList<V> { { "rows", 5 }, { "ok", 2 } }
            << QList<I> {
                   { 3, "no_value" }, { 4, "1st 3" }, { 5, "rows five" }, { 6, "rows 1 2" }
               };
        QTest::newRow("not finite")
            << QByteArray("a inf\nb nan\nc 1e999\nd 3\n") << QList<V> { { "d", 3 } }
            << QList<I> { { 1, "a inf" }, { 2, "b nan" }, { 3, "c 1e999" } };
        const QByteArray longName(129, 'n');
        QTest::newRow("name of 128 characters, and of 129")
            << (longName.left(128) + " 1\n" + longName + " 2\n")
            << QList<V> { { QString(longName.left(128)), 1 } }
            << QList<I> { { 2, QString(longName) + " 2" } };
        QTest::newRow("bad UTF-8 and a NUL")
            << QByteArray("r\xff\xfe 1\nx\0y 2\nz 3\n", 16) << QList<V> { { "z", 3 } }
            << QList<I> { { 1, QString::fromUtf8("r\xff\xfe 1") },
                          { 2, QString::fromUtf8("x\0y 2", 5) } };
    }
    void parse()
    {
        QFETCH(QByteArray, data);
        QFETCH(QList<V>, values);
        QFETCH(QList<I>, ignored);
        const MetricsFile::Parsed p = MetricsFile::parse(data);
        QCOMPARE(p.values.size(), values.size());
        for (int i = 0; i < values.size(); ++i) {
            QCOMPARE(p.values[i].name, values[i].name);
            QCOMPARE(p.values[i].value, values[i].value);
        }
        QCOMPARE(p.ignored.size(), ignored.size());
        for (int i = 0; i < ignored.size(); ++i) {
            QCOMPARE(p.ignored[i].line, ignored[i].line);
            QCOMPARE(p.ignored[i].text, ignored[i].text);
        }
    }
};

QTEST_GUILESS_MAIN(TestMetricsFile)
#include "tst_metricsfile.moc"
