// The supervisor protocol (core/protocol): what baton-supervisor writes, the engine reads with the
// same code. Each message is written, checked byte for byte against the format that the
// supervisors and records already out there use, and read back; bad input is refused with a
// reason.

#include "protocol/attemptrecord.h"
#include "protocol/logrecord.h"
#include "protocol/reportline.h"
#include "protocol/workerrequest.h"

#include <QDateTime>
#include <QTest>

using namespace Baton::Protocol;

namespace {

ExitRecord sampleExit()
{
    ExitRecord exit;
    exit.exitCode = 137;
    exit.signal = 9;
    exit.reason = EndReason::TimedOut;
    exit.startedAt = 1764000000123;
    exit.finishedAt = 1764000004567;
    exit.finishedAtUs = 1764000004567890;
    exit.logBytes = 4096;
    exit.truncated = true;
    return exit;
}

QByteArray bytes(const std::string &text)
{
    return QByteArray::fromStdString(text);
}

} // namespace

class TestSupervisorProtocol : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // A whole state file as a supervisor writes it, then the engine's mark: read back field by
    // field.
    void attemptRecordRoundTrip()
    {
        ExitRecord exit = sampleExit();
        exit.logError = "cannot write log file 'x.log': No space left on device";
        const std::string text = startedRecord(4242, exit.startedAt) + pgidRecord(4243)
            + logErrorRecord(exit.logError) + exitRecord(exit) + abandonedRecord(1764000009999);
        QCOMPARE(bytes(text),
                 QByteArray("supervisor_pid=4242\nstarted_at=1764000000123\npgid=4243\n"
                            "log_error=cannot write log file 'x.log': No space left on device\n"
                            "exit_code=137\nsignal=9\nreason=timed_out\nfinished_at=1764000004567\n"
                            "finished_at_us=1764000004567890\nlog_bytes=4096\ntruncated=1\nend=1\n"
                            "abandoned=1764000009999\n"));
        AttemptRecord record;
        std::string error;
        QVERIFY2(parseAttemptRecord(text, &record, &error), error.c_str());
        QCOMPARE(record.supervisorPid, 4242);
        QCOMPARE(record.pgid, 4243);
        QCOMPARE(record.abandonedAt, 1764000009999);
        QVERIFY(record.complete());
        QVERIFY(record.exit == exit);
    }

    // Each stage an attempt's record goes through (the engine reads it at any of them).
    void attemptRecordStages()
    {
        AttemptRecord record;
        std::string error;
        QVERIFY(parseAttemptRecord("", &record, &error));
        QCOMPARE(record.supervisorPid, 0);
        QVERIFY(!record.complete());

        QVERIFY(parseAttemptRecord(startedRecord(7, 5), &record, &error));
        QCOMPARE(record.supervisorPid, 7);
        QCOMPARE(record.exit.startedAt, 5);
        QCOMPARE(record.pgid, 0);
        QVERIFY(!record.complete());

        // An exit record without end=1 (the supervisor died writing it) is no exit record.
        std::string partial = startedRecord(7, 5) + pgidRecord(8) + exitRecord(sampleExit());
        partial.resize(partial.size() - std::string("end=1\n").size());
        QVERIFY(parseAttemptRecord(partial, &record, &error));
        QCOMPARE(record.exit.exitCode, 137);
        QVERIFY(!record.complete());

        // Abandoned twice (two engines gave up on it in turn): the last mark counts.
        QVERIFY(parseAttemptRecord(abandonedRecord(1) + abandonedRecord(2), &record, &error));
        QCOMPARE(record.abandonedAt, 2);
        QCOMPARE(record.supervisorPid, 0);
    }

    // Every reason the supervisor records, by its name in the file and on the exit line.
    void reasons_data()
    {
        QTest::addColumn<int>("reason");
        QTest::addColumn<QByteArray>("name");
        QTest::newRow("completed") << int(EndReason::Completed) << QByteArray("completed");
        QTest::newRow("timed_out") << int(EndReason::TimedOut) << QByteArray("timed_out");
        QTest::newRow("cancelled") << int(EndReason::Cancelled) << QByteArray("cancelled");
        QTest::newRow("spawn_failed") << int(EndReason::SpawnFailed) << QByteArray("spawn_failed");
    }
    void reasons()
    {
        QFETCH(int, reason);
        QFETCH(QByteArray, name);
        QCOMPARE(QByteArray(reasonName(EndReason(reason))), name);
        EndReason parsed = EndReason::Completed;
        QVERIFY(parseReason(name.toStdString(), &parsed));
        QCOMPARE(int(parsed), reason);
    }

    // A log error can never break the record: one line, and never longer than a reader accepts.
    void logErrorStaysOneLine()
    {
        std::string text = logErrorRecord("first\nsecond");
        QCOMPARE(bytes(text), QByteArray("log_error=first second\n"));
        text = logErrorRecord(std::string(100000, 'p'));
        QCOMPARE(text.size(), std::string("log_error=\n").size() + MaxLogErrorSize);
        AttemptRecord record;
        std::string error;
        QVERIFY2(parseAttemptRecord(text, &record, &error), error.c_str());
        QCOMPARE(record.exit.logError.size(), MaxLogErrorSize);
        // The exit line with the longest log error is still one a reader takes.
        ExitRecord exit = sampleExit();
        exit.logError = record.exit.logError;
        ReportLine report;
        const std::string line = exitLine(exit);
        QVERIFY2(
            parseReportLine(std::string_view(line).substr(0, line.size() - 1), &report, &error),
            error.c_str());
        QCOMPARE(report.exit.logError, exit.logError);
    }

    void attemptRecordRefused_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QByteArray>("why");
        const QByteArray start = "supervisor_pid=7\nstarted_at=5\n";
        const QByteArray exit = QByteArray::fromStdString(exitRecord(sampleExit()));
        QTest::newRow("truncated line") << start + "pgid=12" << QByteArray("line 3: truncated");
        QTest::newRow("truncated exit record")
            << start + exit.left(exit.size() - 1) << QByteArray("line 10: truncated");
        QTest::newRow("no =") << start + "pgid\n" << QByteArray("line 3: expected KEY=VALUE");
        QTest::newRow("empty key")
            << QByteArray("=1\n") << QByteArray("line 1: expected KEY=VALUE");
        QTest::newRow("empty line") << start + "\n" << QByteArray("line 3: expected KEY=VALUE");
        QTest::newRow("unknown key")
            << start + "colour=blue\n" + exit << QByteArray("line 3: unknown key 'colour'");
        QTest::newRow("bad number") << start + "pgid=12x\n" << QByteArray("line 3: pgid expects");
        QTest::newRow("empty number")
            << QByteArray("supervisor_pid=\n") << QByteArray("line 1: supervisor_pid expects");
        QTest::newRow("negative number")
            << QByteArray("supervisor_pid=-1\n") << QByteArray("line 1: supervisor_pid expects");
        QTest::newRow("plus sign") << QByteArray("pgid=+4\n") << QByteArray("line 1: pgid expects");
        QTest::newRow("spaces") << QByteArray("pgid= 4\n") << QByteArray("line 1: pgid expects");
        QTest::newRow("overflow") << QByteArray("started_at=99999999999999999999\n")
                                  << QByteArray("line 1: started_at expects");
        QTest::newRow("exit code out of range")
            << QByteArray("exit_code=256\n") << QByteArray("line 1: exit_code out of range");
        QTest::newRow("unknown reason")
            << QByteArray("reason=lost\n") << QByteArray("line 1: unknown reason 'lost'");
        QTest::newRow("truncated=2")
            << QByteArray("truncated=2\n") << QByteArray("line 1: truncated must be 0 or 1");
        QTest::newRow("end=0") << QByteArray("end=0\n") << QByteArray("line 1: end must be 1");
        QTest::newRow("oversized field")
            << start + "log_error=" + QByteArray(int(MaxFieldSize), 'x') + "\n"
            << QByteArray("line 3: longer than 16384 bytes");
        QTest::newRow("oversized, unterminated")
            << QByteArray(int(MaxFieldSize) + 1, 'x') << QByteArray("line 1: longer than");
    }
    void attemptRecordRefused()
    {
        QFETCH(QByteArray, text);
        QFETCH(QByteArray, why);
        AttemptRecord record;
        std::string error;
        QVERIFY(!parseAttemptRecord(text.toStdString(), &record, &error));
        QVERIFY2(QByteArray::fromStdString(error).startsWith(why), error.c_str());
        QVERIFY(!record.complete()); // a damaged record never counts as an exit record
    }

    // What came before the bad line still counts: the engine kills a lost attempt's group by it.
    void refusedRecordKeepsEarlierLines()
    {
        AttemptRecord record;
        std::string error;
        QVERIFY(!parseAttemptRecord("supervisor_pid=7\nstarted_at=5\npgid=12\nexit_co", &record,
                                    &error));
        QCOMPARE(record.supervisorPid, 7);
        QCOMPARE(record.pgid, 12);
        QVERIFY(!record.complete());
    }

    void reportLinesRoundTrip()
    {
        ReportLine report;
        std::string error;
        QCOMPARE(bytes(supervisorLine(31)), QByteArray("supervisor 31\n"));
        QVERIFY(parseReportLine("supervisor 31", &report, &error));
        QCOMPARE(int(report.kind), int(ReportLine::Kind::Supervisor));
        QCOMPARE(report.pid, 31);

        QCOMPARE(bytes(startedLine(32, 1764000000123456)),
                 QByteArray("started 32 1764000000123456\n"));
        QVERIFY(parseReportLine("started 32 1764000000123456", &report, &error));
        QCOMPARE(int(report.kind), int(ReportLine::Kind::Started));
        QCOMPARE(report.pid, 32);
        QCOMPARE(report.startedUs, 1764000000123456);

        QCOMPARE(bytes(std::string(DoneLine)), QByteArray("done\n"));
        QVERIFY(parseReportLine("done", &report, &error));
        QCOMPARE(int(report.kind), int(ReportLine::Kind::Done));
    }

    void exitLineRoundTrip_data()
    {
        QTest::addColumn<QString>("logError");
        QTest::addColumn<QByteArray>("line");
        QTest::newRow("plain") << QString()
                               << QByteArray("exit 137 timed_out 9 1764000000123 "
                                             "1764000004567 4096 1 1764000004567890\n");
        QTest::newRow("log error with spaces")
            << QStringLiteral("cannot create log file '/a b/x.log': Permission denied")
            << QByteArray("exit 137 timed_out 9 1764000000123 1764000004567 4096 1 "
                          "1764000004567890 log_error cannot create log file '/a b/x.log': "
                          "Permission denied\n");
    }
    void exitLineRoundTrip()
    {
        QFETCH(QString, logError);
        QFETCH(QByteArray, line);
        ExitRecord exit = sampleExit();
        exit.logError = logError.toStdString();
        QCOMPARE(bytes(exitLine(exit)), line);
        ReportLine report;
        std::string error;
        QVERIFY2(parseReportLine(line.chopped(1).toStdString(), &report, &error), error.c_str());
        QCOMPARE(int(report.kind), int(ReportLine::Kind::Exit));
        QVERIFY(report.exit == exit);
    }

    // A supervisor from before FINISHED_US still reports.
    void exitLineWithoutFinishedUs()
    {
        ReportLine report;
        std::string error;
        QVERIFY(parseReportLine("exit 0 completed 0 10 20 0 0", &report, &error));
        QCOMPARE(report.exit.finishedAt, 20);
        QCOMPARE(report.exit.finishedAtUs, 0);
    }

    void reportLineRefused_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QByteArray>("why");
        QTest::newRow("empty") << QByteArray() << QByteArray("unknown report line");
        QTest::newRow("unknown word") << QByteArray("finished 0") << QByteArray("unknown report");
        QTest::newRow("done with more") << QByteArray("done 1") << QByteArray("unknown report");
        QTest::newRow("supervisor without pid")
            << QByteArray("supervisor") << QByteArray("supervisor line: expected");
        QTest::newRow("supervisor bad pid")
            << QByteArray("supervisor 12a") << QByteArray("supervisor line: PID expects");
        QTest::newRow("started truncated")
            << QByteArray("started 12") << QByteArray("started line: expected");
        QTest::newRow("started bad time")
            << QByteArray("started 12 soon") << QByteArray("started line: STARTED_US expects");
        QTest::newRow("exit truncated") << QByteArray("exit 0 completed 0 10 20 0")
                                        << QByteArray("exit line: expected 8 or 9 fields, got 7");
        QTest::newRow("exit extra field")
            << QByteArray("exit 0 completed 0 10 20 0 0 30 40")
            << QByteArray("exit line: expected 8 or 9 fields, got 10");
        QTest::newRow("exit bad code") << QByteArray("exit x completed 0 10 20 0 0 30")
                                       << QByteArray("exit line: CODE (0-255) expects");
        QTest::newRow("exit code too large") << QByteArray("exit 300 completed 0 10 20 0 0 30")
                                             << QByteArray("exit line: CODE (0-255) expects");
        QTest::newRow("exit unknown reason") << QByteArray("exit 0 finished 0 10 20 0 0 30")
                                             << QByteArray("exit line: unknown reason 'finished'");
        QTest::newRow("exit bad log bytes") << QByteArray("exit 0 completed 0 10 20 -1 0 30")
                                            << QByteArray("exit line: LOG_BYTES expects");
        QTest::newRow("exit bad truncated") << QByteArray("exit 0 completed 0 10 20 0 2 30")
                                            << QByteArray("exit line: TRUNCATED (0 or 1) expects");
        QTest::newRow("exit bad finished us") << QByteArray("exit 0 completed 0 10 20 0 0 3.5")
                                              << QByteArray("exit line: FINISHED_US expects");
        QTest::newRow("double space") << QByteArray("exit 0  completed 0 10 20 0 0 30")
                                      << QByteArray("exit line: expected 8 or 9 fields");
        QTest::newRow("oversized")
            << "exit 0 completed 0 10 20 0 0 30 log_error " + QByteArray(int(MaxFieldSize), 'x')
            << QByteArray("report line longer than 16384 bytes");
    }
    void reportLineRefused()
    {
        QFETCH(QByteArray, line);
        QFETCH(QByteArray, why);
        ReportLine report;
        std::string error;
        QVERIFY(!parseReportLine(line.toStdString(), &report, &error));
        QVERIFY2(QByteArray::fromStdString(error).startsWith(why), error.c_str());
    }

    void logRecordRoundTrip_data()
    {
        QTest::addColumn<char>("stream");
        QTest::addColumn<char>("flag");
        QTest::addColumn<QByteArray>("text");
        QTest::newRow("stdout line") << 'O' << ' ' << QByteArray("hello world");
        QTest::newRow("stderr line") << 'E' << ' ' << QByteArray("boom");
        QTest::newRow("partial") << 'O' << '+' << QByteArray("no newline");
        QTest::newRow("empty") << 'O' << ' ' << QByteArray();
        QTest::newRow("raw bytes") << 'E' << ' ' << QByteArray("a\0b\r\xff", 5);
        QTest::newRow("longest") << 'O' << '+' << QByteArray(int(LogRecord::MaxText), 'x');
    }
    void logRecordRoundTrip()
    {
        QFETCH(char, stream);
        QFETCH(char, flag);
        QFETCH(QByteArray, text);
        const qint64 t
            = QDateTime::fromString(QStringLiteral("2026-11-23T20:05:01.023Z"), Qt::ISODateWithMs)
                  .toMSecsSinceEpoch();
        const std::string record = LogRecord::format(t, LogRecord::Stream(stream),
                                                     LogRecord::Flag(flag), text.toStdString());
        QCOMPARE(bytes(record),
                 QByteArray("2026-11-23T20:05:01.023Z ") + stream + ' ' + flag + ' ' + text + '\n');
        LogRecord::Record parsed;
        std::string error;
        const std::string_view line(record.data(), record.size() - 1);
        QVERIFY2(LogRecord::parse(line, &parsed, &error), error.c_str());
        QCOMPARE(parsed.timeMs, t);
        QCOMPARE(char(parsed.stream), stream);
        QCOMPARE(char(parsed.flag), flag);
        QCOMPARE(QByteArray(parsed.text.data(), qsizetype(parsed.text.size())), text);
    }

    void logNoteRoundTrip()
    {
        const std::string record = LogRecord::formatNote(86400000 + 7, "timeout after 1s");
        QCOMPARE(bytes(record),
                 QByteArray("1970-01-02T00:00:00.007Z E ! [baton: timeout after 1s]\n"));
        LogRecord::Record parsed;
        std::string error;
        QVERIFY(LogRecord::parse(std::string_view(record).substr(0, record.size() - 1), &parsed,
                                 &error));
        QCOMPARE(char(parsed.flag), '!');
        QCOMPARE(char(parsed.stream), 'E');
        QCOMPARE(parsed.timeMs, 86400007);
    }

    void logRecordRefused_data()
    {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QByteArray>("why");
        QTest::newRow("empty") << QByteArray() << QByteArray("truncated record: 0 bytes");
        QTest::newRow("truncated header")
            << QByteArray("2026-11-23T20:05:01.123Z O") << QByteArray("truncated record: 26");
        QTest::newRow("header without its space")
            << QByteArray("2026-11-23T20:05:01.123Z O  ") << QByteArray("truncated record: 28");
        QTest::newRow("bad digit") << QByteArray("2026-1a-23T20:05:01.123Z O   text")
                                   << QByteArray("bad time stamp '2026-1a-23T20:05:01.123Z'");
        QTest::newRow("no Z") << QByteArray("2026-11-23T20:05:01.123+ O   text")
                              << QByteArray("bad time stamp");
        QTest::newRow("month 13") << QByteArray("2026-13-23T20:05:01.123Z O   text")
                                  << QByteArray("time stamp out of range");
        QTest::newRow("february 30") << QByteArray("2026-02-30T20:05:01.123Z O   text")
                                     << QByteArray("time stamp out of range");
        QTest::newRow("hour 24") << QByteArray("2026-11-23T24:05:01.123Z O   text")
                                 << QByteArray("time stamp out of range");
        QTest::newRow("unknown stream")
            << QByteArray("2026-11-23T20:05:01.123Z X   text") << QByteArray("unknown stream 'X'");
        QTest::newRow("unknown flag")
            << QByteArray("2026-11-23T20:05:01.123Z O ? text") << QByteArray("unknown flag '?'");
        QTest::newRow("oversized text")
            << "2026-11-23T20:05:01.123Z O   " + QByteArray(int(LogRecord::MaxText) + 1, 'x')
            << QByteArray("record text of 65537 bytes, longer than 65536");
    }
    void logRecordRefused()
    {
        QFETCH(QByteArray, line);
        QFETCH(QByteArray, why);
        LogRecord::Record parsed;
        std::string error;
        QVERIFY(!LogRecord::parse(std::string_view(line.constData(), size_t(line.size())), &parsed,
                                  &error));
        QVERIFY2(QByteArray::fromStdString(error).startsWith(why), error.c_str());
    }

    void workerRequest()
    {
        QByteArray request("baton-supervisor\0--state\0/w/1.state\0\0PATH=/bin\0A=b c\0", 53);
        std::vector<char *> argv, env;
        QVERIFY(splitWorkerRequest(request.data(), size_t(request.size()), &argv, &env));
        QCOMPARE(argv.size(), size_t(4));
        QCOMPARE(QByteArray(argv[0]), QByteArray("baton-supervisor"));
        QCOMPARE(QByteArray(argv[2]), QByteArray("/w/1.state"));
        QCOMPARE(argv[3], nullptr);
        QCOMPARE(env.size(), size_t(3));
        QCOMPARE(QByteArray(env[1]), QByteArray("A=b c"));
        QCOMPARE(env[2], nullptr);

        // No environment at all.
        QByteArray bare("true\0\0", 6);
        QVERIFY(splitWorkerRequest(bare.data(), size_t(bare.size()), &argv, &env));
        QCOMPARE(argv.size(), size_t(2));
        QCOMPARE(env.size(), size_t(1));
    }

    void workerRequestRefused_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::newRow("empty") << QByteArray();
        QTest::newRow("truncated: no final NUL") << QByteArray("true\0\0PATH=/bin", 15);
        QTest::newRow("no end of argv") << QByteArray("true\0-c\0", 8);
        QTest::newRow("no argv") << QByteArray("\0PATH=/bin\0", 11);
    }
    void workerRequestRefused()
    {
        QFETCH(QByteArray, request);
        std::vector<char *> argv, env;
        QVERIFY(!splitWorkerRequest(request.data(), size_t(request.size()), &argv, &env));
    }
};

QTEST_GUILESS_MAIN(TestSupervisorProtocol)
#include "tst_supervisorprotocol.moc"
