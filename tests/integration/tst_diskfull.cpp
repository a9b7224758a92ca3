// A full disk under a real `baton engine`: the workspace lives on a small tmpfs that is filled
// while a run is in flight, then freed. The engine keeps running, says why it cannot write,
// keeps what it could not record, and carries the run on by itself when space returns.
// Mounting needs root: the test is skipped (saying so) otherwise.
#include "engine/runservice.h"
#include "fixture.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/workspace.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <unistd.h>

using namespace Baton;
using namespace Baton::IntegrationTest;

class TestDiskFull : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_tmp; // flags and the mount point; not on the small disk
    QString m_mount;
    bool m_mounted = false;

    static bool runQuiet(const QString &program, const QStringList &args, QString *output)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        p.start(program, args);
        const bool ok = p.waitForFinished(10000) && p.exitStatus() == QProcess::NormalExit
            && p.exitCode() == 0;
        if (output)
            *output = QString::fromLocal8Bit(p.readAll()).trimmed();
        return ok;
    }

    // Fills the disk: writes until the file system says no.
    static qint64 fill(const QString &path)
    {
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return 0;
        const QByteArray chunk(64 * 1024, 'x');
        qint64 written = 0;
        for (;;) {
            const qint64 n = f.write(chunk);
            if (n <= 0 || !f.flush())
                break;
            written += n;
        }
        f.close();
        return written;
    }

private Q_SLOTS:
    void initTestCase()
    {
        if (::geteuid() != 0)
            QSKIP("mounting the small tmpfs this test fills needs root; not running as root");
        m_mount = m_tmp.filePath(QStringLiteral("disk"));
        QVERIFY(QDir().mkpath(m_mount));
        QString output;
        if (!runQuiet(QStringLiteral("mount"),
                      { QStringLiteral("-t"), QStringLiteral("tmpfs"), QStringLiteral("-o"),
                        QStringLiteral("size=6m"), QStringLiteral("tmpfs"), m_mount },
                      &output)) {
            QSKIP(qPrintable(QStringLiteral("cannot mount a tmpfs here (%1)").arg(output)));
        }
        m_mounted = true;
    }

    void cleanupTestCase()
    {
        if (m_mounted)
            runQuiet(QStringLiteral("umount"), { QStringLiteral("-l"), m_mount }, nullptr);
    }

    void engineOutlivesAFullDisk()
    {
        const QString go = m_tmp.filePath(QStringLiteral("go"));
        const QString wsDir = QDir(m_mount).filePath(QStringLiteral("ws"));
        auto ws = std::make_unique<Workspace>(wsDir, Workspace::Mode::CreateIfMissing);
        const ProjectSpec p = pipeProject(
            { job(QStringLiteral("gate"),
                  QStringLiteral("while [ ! -e '%1' ]; do sleep 0.05; done; echo gate-done")
                      .arg(go)),
              job(QStringLiteral("next"), QStringLiteral("echo next-ran")) },
            { task(QStringLiteral("gate")),
              task(QStringLiteral("next"), { QStringLiteral("gate") }) });
        ProjectWriter::apply(ws->store(), { p }, QStringLiteral("tester"));
        RunRequest r;
        r.project = QStringLiteral("proj");
        r.pipeline = QStringLiteral("pipe");
        const qint64 runId = RunService::createRun(ws->store(), r);

        QProcess engine;
        engine.setProcessChannelMode(QProcess::MergedChannels);
        engine.start(QStringLiteral(BATON_BINARY),
                     { QStringLiteral("--workspace"), wsDir, QStringLiteral("engine") });
        QVERIFY(engine.waitForStarted(10000));
        const auto taskState = [&](const QString &task) {
            return Sql::scalar(ws->store().db(),
                               QStringLiteral("SELECT state FROM task_runs WHERE run_id = ? AND "
                                              "task_name = ?"),
                               { runId, task })
                .toString();
        };
        QTRY_COMPARE_WITH_TIMEOUT(taskState(QStringLiteral("gate")), QStringLiteral("running"),
                                  15000);

        // The disk fills; then the task ends: its end is what the engine must write.
        const QString filler = QDir(m_mount).filePath(QStringLiteral("filler"));
        QVERIFY(fill(filler) > 0);
        QVERIFY(QFile(go).open(QIODevice::WriteOnly));
        QString log;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 10000 && !log.contains(QLatin1String("cannot write to the workspace"))
               && engine.state() == QProcess::Running) {
            engine.waitForReadyRead(100);
            log += QString::fromUtf8(engine.readAll());
        }
        QVERIFY2(log.contains(QLatin1String("cannot write to the workspace"))
                     && log.contains(QLatin1String("disk is full")),
                 qPrintable(log));
        QTest::qWait(1500); // a few ticks with the disk full
        log += QString::fromUtf8(engine.readAll());
        QVERIFY2(engine.state() == QProcess::Running,
                 qPrintable(QStringLiteral("the engine exited: ") + log));
        QCOMPARE(taskState(QStringLiteral("gate")), QStringLiteral("running")); // not recorded yet

        // Space returns: the engine carries on by itself.
        QVERIFY(QFile::remove(filler));
        const auto runState = [&] {
            return RunService::runState(ws->store().db(), runId).value_or(RunState::Queued);
        };
        t.restart();
        while (t.elapsed() < 20000 && !isTerminal(runState()))
            QTest::qWait(100);
        log += QString::fromUtf8(engine.readAll());
        const RunSummary run = RunService::run(ws->store().db(), runId);
        QVERIFY2(run.state == RunState::Succeeded, qPrintable(toString(run.state) + u'\n' + log));
        QCOMPARE(run.tasks[0].name, QStringLiteral("gate"));
        QCOMPARE(run.tasks[0].attempts, 1); // its end recorded late, not run again
        QCOMPARE(run.tasks[0].exitCode, std::optional<int>(0));
        // The attempt that met the full disk says what it lost.
        QVERIFY2(run.tasks[0].reason.contains(QLatin1String("No space left on device")),
                 qPrintable(run.tasks[0].reason));
        QCOMPARE(toString(run.tasks[1].state), QStringLiteral("succeeded"));
        QCOMPARE(run.tasks[1].attempts, 1);
        // Said once the write that succeeded has committed, which may be just after the run's
        // end became visible here: wait for the line rather than read once.
        t.restart();
        while (t.elapsed() < 20000 && !log.contains(QLatin1String("takes writes again"))) {
            engine.waitForReadyRead(100);
            log += QString::fromUtf8(engine.readAll());
        }
        QVERIFY2(log.contains(QLatin1String("takes writes again")), qPrintable(log));
        QCOMPARE(engine.state(), QProcess::Running);
        engine.terminate();
        QVERIFY(engine.waitForFinished(10000));
        ws.reset();
    }
};

QTEST_GUILESS_MAIN(TestDiskFull)
#include "tst_diskfull.moc"
