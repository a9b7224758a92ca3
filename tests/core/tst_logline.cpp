#include "logs/logline.h"
#include "logtestdata.h"
#include "protocol/logrecord.h"

#include <QDateTime>
#include <QTest>

using namespace Baton;
using Baton::Test::record;
namespace LogRecord = Baton::Protocol::LogRecord;

class TestLogLine : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parse_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<int>("stream");
        QTest::addColumn<bool>("partial");
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("timeMs");

        const qint64 t
            = QDateTime::fromString(QStringLiteral("2026-11-23T20:05:01.123Z"), Qt::ISODateWithMs)
                  .toMSecsSinceEpoch();
        const auto row = [](const char *name) -> QTestData & {
            return QTest::newRow(name);
        };
        row("stdout") << record('O', "hello world").chopped(1) << int(LogStream::Out) << false
                      << QStringLiteral("hello world") << t;
        row("stderr") << record('E', "boom").chopped(1) << int(LogStream::Err) << false
                      << QStringLiteral("boom") << t;
        row("partial") << record('O', "no newline", '+').chopped(1) << int(LogStream::Out) << true
                       << QStringLiteral("no newline") << t;
        row("note") << record('E', "[baton: timed out]", '!').chopped(1) << int(LogStream::Note)
                    << false << QStringLiteral("[baton: timed out]") << t;
        row("empty text") << record('O', "").chopped(1) << int(LogStream::Out) << false << QString()
                          << t;
        row("empty text, space lost") << QByteArray("2026-11-23T20:05:01.123Z O  ")
                                      << int(LogStream::Out) << false << QString() << t;
        row("crlf") << QByteArray("2026-11-23T20:05:01.123Z O   dos\r") << int(LogStream::Out)
                    << false << QStringLiteral("dos") << t;
        row("utf-8") << record('O', "caf\xc3\xa9 \xe2\x9c\x93").chopped(1) << int(LogStream::Out)
                     << false << QStringLiteral("café ✓") << t;
        row("leap year day") << QByteArray("2024-02-29T23:59:59.999Z O   x") << int(LogStream::Out)
                             << false << QStringLiteral("x")
                             << QDateTime::fromString(QStringLiteral("2024-02-29T23:59:59.999Z"),
                                                      Qt::ISODateWithMs)
                                    .toMSecsSinceEpoch();
        // Not records: shown whole, as they are.
        row("plain text") << QByteArray("just some text") << int(LogStream::Raw) << false
                          << QStringLiteral("just some text") << qint64(0);
        row("bad stream") << QByteArray("2026-11-23T20:05:01.123Z X   text") << int(LogStream::Raw)
                          << false << QStringLiteral("2026-11-23T20:05:01.123Z X   text")
                          << qint64(0);
        row("bad flag") << QByteArray("2026-11-23T20:05:01.123Z O ? text") << int(LogStream::Raw)
                        << false << QStringLiteral("2026-11-23T20:05:01.123Z O ? text")
                        << qint64(0);
        row("bad digit") << QByteArray("2026-1a-23T20:05:01.123Z O   text") << int(LogStream::Raw)
                         << false << QStringLiteral("2026-1a-23T20:05:01.123Z O   text")
                         << qint64(0);
        row("short") << QByteArray("2026-11-23T20:05") << int(LogStream::Raw) << false
                     << QStringLiteral("2026-11-23T20:05") << qint64(0);
        row("empty") << QByteArray() << int(LogStream::Raw) << false << QString() << qint64(0);
        // Shaped like records, but not ones by the protocol's rule (protocol/logrecord.h): the
        // supervisor never writes them, so the viewer shows them whole rather than a made-up time.
        row("month 13") << QByteArray("2026-13-23T20:05:01.123Z O   text") << int(LogStream::Raw)
                        << false << QStringLiteral("2026-13-23T20:05:01.123Z O   text")
                        << qint64(0);
        row("february 30") << QByteArray("2026-02-30T20:05:01.123Z E   text") << int(LogStream::Raw)
                           << false << QStringLiteral("2026-02-30T20:05:01.123Z E   text")
                           << qint64(0);
        row("hour 24") << QByteArray("2026-11-23T24:05:01.123Z O   text") << int(LogStream::Raw)
                       << false << QStringLiteral("2026-11-23T24:05:01.123Z O   text") << qint64(0);
        // Longer than the supervisor writes in one record (another writer's): still the record
        // it is, whole.
        const QByteArray longText(LogRecord::MaxText + 1, 'x');
        row("text longer than the supervisor writes")
            << record('O', longText).chopped(1) << int(LogStream::Out) << false
            << QString::fromLatin1(longText) << t;
    }

    void parse()
    {
        QFETCH(QByteArray, line);
        QFETCH(int, stream);
        QFETCH(bool, partial);
        QFETCH(QString, text);
        QFETCH(qint64, timeMs);
        const LogLine l = LogLine::parse(line, 100, 100 + line.size() + 1);
        QCOMPARE(int(l.stream), stream);
        QCOMPARE(l.partial, partial);
        QCOMPARE(l.text, text);
        QCOMPARE(l.timeMs, timeMs);
        QCOMPARE(l.offset, qint64(100));
        QCOMPARE(l.next, qint64(100 + line.size() + 1));
        QCOMPARE(l.textStart(), stream == int(LogStream::Raw) ? 0 : LogLine::HeaderSize);
    }

    // One rule: a line is a record for the viewer exactly when the protocol parses its header
    // (an empty record whose trailing space an editor trimmed apart), with the protocol's time,
    // stream and flag.
    void agreesWithTheProtocol_data() { parse_data(); }
    void agreesWithTheProtocol()
    {
        QFETCH(QByteArray, line);
        QFETCH(int, stream);
        LogRecord::Record parsed;
        std::string error;
        const QByteArray header
            = line.size() == LogLine::HeaderSize - 1 ? line + ' ' : line.left(LogLine::HeaderSize);
        const bool isRecord = LogRecord::parse(
            std::string_view(header.constData(), size_t(header.size())), &parsed, &error);
        QCOMPARE(LogLine::isRecord(line), isRecord);
        QCOMPARE(stream != int(LogStream::Raw), isRecord);
        if (!isRecord) {
            QVERIFY(!error.empty()); // the protocol says why; the viewer shows the line whole
            return;
        }
        const LogLine l = LogLine::parse(line, 0, 0);
        QCOMPARE(l.timeMs, qint64(parsed.timeMs));
        QCOMPARE(l.partial, parsed.flag == LogRecord::Flag::Partial);
        QCOMPARE(l.stream == LogStream::Note, parsed.flag == LogRecord::Flag::Note);
        QCOMPARE(l.isStderr(), parsed.stream == LogRecord::Stream::Err);
        QCOMPARE(LogLine::HeaderSize, int(LogRecord::HeaderSize));
    }

    void invalidUtf8IsKept()
    {
        const LogLine l = LogLine::parse(record('O', "a\xff\xfe z").chopped(1), 0, 0);
        QCOMPARE(l.stream, LogStream::Out);
        QVERIFY(l.text.startsWith(QLatin1Char('a')));
        QVERIFY(l.text.endsWith(QLatin1String(" z")));
    }

    void errorLike_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<bool>("errorLike");
        QTest::newRow("stderr error") << record('E', "ERROR: table missing") << true;
        QTest::newRow("stderr traceback")
            << record('E', "Traceback (most recent call last):") << true;
        QTest::newRow("stderr exception") << record('E', "java.lang.RuntimeException") << true;
        QTest::newRow("stderr failed") << record('E', "step 3 Failed") << true;
        QTest::newRow("stderr fatal") << record('E', "fatal: not a git repository") << true;
        QTest::newRow("stderr plain") << record('E', "progress 40%") << false;
        QTest::newRow("stdout error word") << record('O', "0 errors found") << false;
        QTest::newRow("note") << record('E', "[baton: log truncated]", '!') << true;
        QTest::newRow("raw error") << QByteArray("Segfault: error in module") << true;
        QTest::newRow("raw plain") << QByteArray("hello") << false;
        QTest::newRow("word in header only")
            << QByteArray("2026-11-23T20:05:01.123Z E   ok") << false;
    }

    void errorLike()
    {
        QFETCH(QByteArray, line);
        QFETCH(bool, errorLike);
        if (line.endsWith('\n'))
            line.chop(1);
        QCOMPARE(LogRules::isErrorLike(line), errorLike);
    }
};

QTEST_GUILESS_MAIN(TestLogLine)
#include "tst_logline.moc"
