#include "util/logging.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <spdlog/spdlog.h>

using namespace Baton;

Q_DECLARE_METATYPE(spdlog::level::level_enum)

namespace {
QByteArray readAll(const QString &path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}
} // namespace

class TestLogging : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void levels_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("level"); // -1: not a level
        QTest::newRow("trace") << "trace" << int(spdlog::level::trace);
        QTest::newRow("debug") << "debug" << int(spdlog::level::debug);
        QTest::newRow("info") << "info" << int(spdlog::level::info);
        QTest::newRow("warn") << "warn" << int(spdlog::level::warn);
        QTest::newRow("warning") << "warning" << int(spdlog::level::warn);
        QTest::newRow("error") << "error" << int(spdlog::level::err);
        QTest::newRow("critical") << "critical" << int(spdlog::level::critical);
        QTest::newRow("off") << "off" << int(spdlog::level::off);
        QTest::newRow("case and spaces") << "  DeBuG " << int(spdlog::level::debug);
        QTest::newRow("spdlog's short name") << "err" << -1;
        QTest::newRow("a number") << "2" << -1;
        QTest::newRow("empty") << "" << -1;
        QTest::newRow("verbose") << "verbose" << -1;
    }

    void levels()
    {
        QFETCH(QString, text);
        QFETCH(int, level);
        const auto parsed = Logging::parseLevel(text);
        QCOMPARE(parsed.has_value(), level >= 0);
        if (parsed)
            QCOMPARE(int(*parsed), level);
    }

    void theWorkspaceLogKeepsTheChosenLevel()
    {
        QTemporaryDir dir;
        const QString logs = dir.filePath(QStringLiteral("ws/logs"));
        Logging::initStderr(spdlog::level::info);
        Logging::attachWorkspace(logs);
        spdlog::debug("below the level {}", 1);
        spdlog::info("engine took the lease {}", 2);
        spdlog::warn("a warning is on disk at once {}", 3);
        const QByteArray text = readAll(QDir(logs).filePath(QStringLiteral("baton.log")));
        QVERIFY2(text.contains("info: engine took the lease 2"), text.constData());
        QVERIFY2(text.contains("warning: a warning is on disk at once 3"), text.constData());
        QVERIFY(!text.contains("below the level"));
        // Each line says when (UTC offset included) and which process.
        QVERIFY2(QRegularExpression(
                     QStringLiteral(
                         "^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}[+-]\\d\\d:?\\d\\d "
                         "\\[%1\\] info: engine")
                         .arg(QCoreApplication::applicationPid()))
                     .match(QString::fromUtf8(text))
                     .hasMatch(),
                 text.constData());
    }

    void anUnwritableLogIsNotFatal()
    {
        // A file where the logs directory should be: logging goes on to stderr only.
        QTemporaryDir dir;
        const QString logs = dir.filePath(QStringLiteral("logs"));
        QFile blocker(logs);
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        Logging::initStderr(spdlog::level::info);
        Logging::attachWorkspace(logs);
        spdlog::info("still logging");
        QCOMPARE(spdlog::default_logger()->sinks().size(), size_t(1));
        QVERIFY(QFileInfo(logs).isFile());
    }
};

QTEST_GUILESS_MAIN(TestLogging)
#include "tst_logging.moc"
