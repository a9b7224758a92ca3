// Starting the console where it cannot show: `baton` execs baton-console, which must say so in
// one line and exit like a failed command — not abort (SIGABRT and a core dump) inside Qt.
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

class TestConsoleStart : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_tmp;

private Q_SLOTS:
    void noDisplayIsOneLineAndAnExitCode_data()
    {
        QTest::addColumn<QString>("display"); // empty: unset
        QTest::addColumn<QString>("platform"); // empty: unset
        QTest::addColumn<QString>("why");
        QTest::newRow("no display at all") << ""
                                           << ""
                                           << "DISPLAY and WAYLAND_DISPLAY are not set";
        QTest::newRow("a display nobody serves") << ":251"
                                                 << ""
                                                 << ":251";
        QTest::newRow("a platform that does not exist") << ""
                                                        << "nosuchplatform"
                                                        << "nosuchplatform";
    }
    void noDisplayIsOneLineAndAnExitCode()
    {
        QFETCH(QString, display);
        QFETCH(QString, platform);
        QFETCH(QString, why);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char *name : { "DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM" })
            env.remove(QString::fromLatin1(name));
        if (!display.isEmpty())
            env.insert(QStringLiteral("DISPLAY"), display);
        if (!platform.isEmpty())
            env.insert(QStringLiteral("QT_QPA_PLATFORM"), platform);
        const QString dir = m_tmp.filePath(QString::fromLatin1(QTest::currentDataTag())
                                               .replace(QLatin1Char(' '), QLatin1Char('-')));
        QProcess p;
        p.setProcessEnvironment(env);
        p.start(QStringLiteral(BATON_BINARY), { QStringLiteral("--workspace"), dir });
        QVERIFY(p.waitForFinished(30000));
        const QString err = QString::fromLocal8Bit(p.readAllStandardError()).trimmed();
        QVERIFY2(p.exitStatus() == QProcess::NormalExit, qPrintable(err)); // not a crash
        QCOMPARE(p.exitCode(), 1);
        const QStringList lines = err.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QVERIFY2(lines.size() == 1, qPrintable(err));
        QVERIFY2(lines.first().startsWith(QStringLiteral("baton: cannot open the console: no "
                                                         "display")),
                 qPrintable(err));
        QVERIFY2(lines.first().contains(why), qPrintable(err));
        QVERIFY2(lines.first().contains(QStringLiteral("baton engine")), qPrintable(err));
        QVERIFY(p.readAllStandardOutput().isEmpty());
        QVERIFY(!QFileInfo::exists(dir)); // nothing was created
    }
};

QTEST_GUILESS_MAIN(TestConsoleStart)
#include "tst_consolestart.moc"
