// Line diffs, version diffs of jobs and pipelines, and content hashing.
#include "release/contenthash.h"
#include "release/linediff.h"
#include "release/releasetarget.h"
#include "release/versiondiff.h"
#include "release/versions.h"
#include "store/projectwriter.h"
#include "store/workspace.h"
#include "testspecs.h"
#include "util/error.h"
#include "workspacefixture.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

using namespace Baton;
using namespace Baton::Test;

class TestVersionDiff : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    Test::WorkspaceFixture m_fixture; // before m_ws: its databases outlive the workspace
    std::unique_ptr<Workspace> m_ws;
    QSqlDatabase db() const { return m_ws->store().db(); }

private Q_SLOTS:
    void init() { m_ws = m_fixture.another(m_dir.filePath(QUuid::createUuid().toString())); }
    void cleanup() { m_ws.reset(); }

    void lineDiff_data()
    {
        QTest::addColumn<QString>("before");
        QTest::addColumn<QString>("after");
        QTest::addColumn<QStringList>("expected");
        QTest::newRow("equal") << "a\nb\n"
                               << "a\nb\n"
                               << QStringList {};
        QTest::newRow("one changed line")
            << "a\nb\nc\n"
            << "a\nB\nc\n"
            << QStringList { "@@ -1,3 +1,3 @@", " a", "-b", "+B", " c" };
        QTest::newRow("added at end") << "a\n"
                                      << "a\nb\n"
                                      << QStringList { "@@ -1 +1,2 @@", " a", "+b" };
        QTest::newRow("from nothing") << ""
                                      << "x\ny\n"
                                      << QStringList { "@@ -0,0 +1,2 @@", "+x", "+y" };
        QTest::newRow("to nothing") << "x\n"
                                    << "" << QStringList { "@@ -1 +0,0 @@", "-x" };
        QTest::newRow("context is three lines")
            << "1\n2\n3\n4\n5\n6\n7\n8\n9\n"
            << "1\n2\n3\n4\nV\n6\n7\n8\n9\n"
            << QStringList { "@@ -2,7 +2,7 @@", " 2", " 3", " 4", "-5", "+V", " 6", " 7", " 8" };
        QTest::newRow("two hunks far apart")
            << "a\n1\n2\n3\n4\n5\n6\n7\n8\nb\n"
            << "A\n1\n2\n3\n4\n5\n6\n7\n8\nB\n"
            << QStringList { "@@ -1,4 +1,4 @@", "-a", "+A", " 1", " 2", " 3",
                             "@@ -7,4 +7,4 @@", " 6", " 7", " 8", "-b", "+B" };
        QTest::newRow("no final newline")
            << "a\nb"
            << "a\nc" << QStringList { "@@ -1,2 +1,2 @@", " a", "-b", "+c" };
    }
    void lineDiff()
    {
        QFETCH(QString, before);
        QFETCH(QString, after);
        QFETCH(QStringList, expected);
        QCOMPARE(LineDiff::toText(LineDiff::unified(before, after)), expected);
    }

    // #16: a 2-line change in a 3,000-line file is a 2-line change (the LCS table was capped,
    // and showed 2,981 lines removed and added), and every diff reads as `diff -u` writes it.
    void matchesDiffU_data()
    {
        QTest::addColumn<QString>("before");
        QTest::addColumn<QString>("after");
        QString big;
        for (int i = 0; i < 3000; ++i)
            big += QStringLiteral("row %1 of the data\n").arg(i);
        QString bigChanged = big;
        bigChanged.replace(QStringLiteral("row 10 of"), QStringLiteral("ROW 10 of"));
        bigChanged.replace(QStringLiteral("row 2990 of"), QStringLiteral("ROW 2990 of"));
        QTest::newRow("2 lines of 3,000, far apart") << big << bigChanged;
        QString moved = big;
        moved.remove(QStringLiteral("row 5 of the data\n"));
        moved.replace(QStringLiteral("row 1500 of the data\n"),
                      QStringLiteral("row 1500 of the data\nrow 5 of the data\ninserted\n"));
        QTest::newRow("a line moved, one inserted") << big << moved;
        QTest::newRow("one changed line") << "a\nb\nc\n"
                                          << "a\nB\nc\n";
        QTest::newRow("added at end") << "a\n"
                                      << "a\nb\n";
        QTest::newRow("from nothing") << ""
                                      << "x\ny\n";
        QTest::newRow("to nothing") << "x\n"
                                    << "";
        QTest::newRow("interleaved") << "a\nb\nc\nd\ne\nf\ng\n"
                                     << "a\nx\nc\ny\ne\nz\ng\n";
        QTest::newRow("all different") << "1\n2\n3\n"
                                       << "4\n5\n";
    }
    void matchesDiffU()
    {
        QFETCH(QString, before);
        QFETCH(QString, after);
        const QString diffTool = QStandardPaths::findExecutable(QStringLiteral("diff"));
        if (diffTool.isEmpty())
            QSKIP("diff is not installed");
        QTemporaryDir dir;
        const auto write = [&](const QString &name, const QString &text) {
            QFile f(dir.filePath(name));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(text.toUtf8());
        };
        write(QStringLiteral("a"), before);
        write(QStringLiteral("b"), after);
        QProcess diff;
        diff.start(diffTool,
                   { QStringLiteral("-u"), dir.filePath(QStringLiteral("a")),
                     dir.filePath(QStringLiteral("b")) });
        QVERIFY(diff.waitForFinished(30000));
        QStringList expected = QString::fromUtf8(diff.readAllStandardOutput())
                                   .split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        expected = expected.mid(2); // the "--- a" and "+++ b" lines
        const QList<DiffLine> lines = LineDiff::unified(before, after);
        QCOMPARE(LineDiff::toText(lines), expected);
        if (QByteArray(QTest::currentDataTag()).startsWith("2 lines")) {
            QCOMPARE(LineDiff::count(lines, DiffLine::Kind::Removed), 2);
            QCOMPARE(LineDiff::count(lines, DiffLine::Kind::Added), 2);
        }
    }

    void hugeFilesDoNotExplode()
    {
        QString a, b;
        for (int i = 0; i < 5000; ++i) {
            a += QStringLiteral("line %1\n").arg(i);
            b += QStringLiteral("other %1\n").arg(i);
        }
        QElapsedTimer t;
        t.start();
        const QList<DiffLine> d = LineDiff::unified(a, b);
        QVERIFY(t.elapsed() < 5000);
        QCOMPARE(LineDiff::count(d, DiffLine::Kind::Removed), 5000);
        QCOMPARE(LineDiff::count(d, DiffLine::Kind::Added), 5000);
    }

    void hashCoversContentNotNotes()
    {
        JobSpec a = job(QStringLiteral("x"), QStringLiteral("run"), QStringLiteral("bash"));
        JobSpec b = a;
        b.releaseNote = QStringLiteral("a note is not content");
        b.where.line = 42;
        QCOMPARE(jobContentHash(a), jobContentHash(b));
        for (int i = 0; i < 5; ++i) {
            JobSpec c = a;
            switch (i) {
            case 0:
                c.command += QLatin1Char(' ');
                break;
            case 1:
                c.runtime = QStringLiteral("5.2");
                break;
            case 2:
                c.settings.retries = 1;
                break;
            case 3:
                c.resources.cpus = 2;
                break;
            case 4:
                c.files << JobFile { QStringLiteral("f"), "x", false };
                break;
            }
            QVERIFY2(jobContentHash(c) != jobContentHash(a), qPrintable(QString::number(i)));
        }
        JobSpec exec = a;
        exec.files << JobFile { QStringLiteral("f"), "x", false };
        JobSpec exec2 = exec;
        exec2.files[0].executable = true;
        QVERIFY(jobContentHash(exec) != jobContentHash(exec2));
    }

    void jobVersionDiff()
    {
        ProjectSpec p = churnProject();
        ProjectWriter::apply(m_ws->store(), { p }, QStringLiteral("alice"));
        p.jobs[0].command = QStringLiteral("./extract.sh --full");
        p.jobs[0].settings.retries = 5;
        p.jobs[0].files[0].content = "#!/bin/sh\necho extract\necho more\n";
        p.jobs[0].files << JobFile { QStringLiteral("data.bin"), QByteArray("\0\1\2", 3), false };
        ProjectWriter::apply(m_ws->store(), { p }, QStringLiteral("alice"));

        const VersionRef a = Versions::resolve(db(), QStringLiteral("churn/extract@1"));
        const VersionRef b = Versions::resolve(db(), QStringLiteral("churn/extract@v2"));
        QVERIFY(a.target.kind == ReleaseKind::Job);
        const VersionDiff d = VersionDiff::compute(db(), a.target, a.versionId, b.versionId);
        QCOMPARE(d.job.fields.size(), 2);
        QCOMPARE(d.job.fields[0].field, QStringLiteral("command"));
        QCOMPARE(
            d.job.fields[1],
            (FieldChange { QStringLiteral("retries"), QStringLiteral("2"), QStringLiteral("5") }));
        QCOMPARE(d.job.files.size(), 2);
        QCOMPARE(d.job.files[0].path, QStringLiteral("data.bin"));
        QCOMPARE(d.job.files[0].status, QStringLiteral("added"));
        QVERIFY(d.job.files[0].binary);
        QCOMPARE(d.job.files[1].path, QStringLiteral("extract.sh"));
        QCOMPARE(d.job.files[1].added, 1);
        QCOMPARE(d.job.files[1].removed, 0);
        const QStringList lines = d.toLines();
        QVERIFY(lines.contains(QStringLiteral("      +echo more")));
        QVERIFY(lines.contains(QStringLiteral("  + file data.bin (binary)")));
        // Reverse diff mirrors it; same version: nothing.
        QCOMPARE(VersionDiff::compute(db(), a.target, b.versionId, a.versionId).job.files[0].status,
                 QStringLiteral("removed"));
        QVERIFY(VersionDiff::compute(db(), a.target, a.versionId, a.versionId).isEmpty());
    }

    void pipelineVersionDiff()
    {
        ProjectSpec p = churnProject();
        ProjectWriter::apply(m_ws->store(), { p }, QStringLiteral("alice"));
        p.jobs[1].command = QStringLiteral("python3 train.py --balanced"); // train v2
        p.pipelines[0].tasks.removeLast(); // alert gone
        p.pipelines[0].maxParallel = 4;
        ProjectWriter::apply(m_ws->store(), { p }, QStringLiteral("alice"));
        const VersionRef a = Versions::resolve(db(), QStringLiteral("churn/nightly@1"));
        const VersionRef b = Versions::resolve(db(), QStringLiteral("churn/nightly"));
        QCOMPARE(b.number, 2);
        const VersionDiff d = VersionDiff::compute(db(), a.target, a.versionId, b.versionId);
        QCOMPARE(d.pipeline.tasksRemoved, QStringList { QStringLiteral("alert") });
        QCOMPARE(d.pipeline.edgesRemoved.size(), 1);
        QCOMPARE(d.pipeline.pipeline.first().field, QStringLiteral("max_parallel"));
        QCOMPARE(d.pipeline.tasksChanged.size(), 1);
        QCOMPARE(d.pipeline.tasksChanged.first().task, QStringLiteral("train"));
        QCOMPARE(d.pipeline.tasksChanged.first().changes.first(),
                 (FieldChange { QStringLiteral("job_version"), QStringLiteral("v1"),
                                QStringLiteral("v2") }));
        // Job diffs: train changed, notify dropped with its task.
        QCOMPARE(d.jobs.size(), 2);
        QCOMPARE(d.jobs[0].job, QStringLiteral("notify"));
        QCOMPARE(d.jobs[0].toVersion, 0);
        QCOMPARE(d.jobs[1].job, QStringLiteral("train"));
        QCOMPARE(d.jobs[1].fields.first().after, QStringLiteral("python3 train.py --balanced"));
        QVERIFY(d.toJson().value(QStringLiteral("jobs")).toArray().size() == 2);
        // From nothing: every task is new.
        const VersionDiff fresh = VersionDiff::compute(db(), a.target, 0, a.versionId);
        QCOMPARE(fresh.fromLabel, QStringLiteral("nothing"));
        QCOMPARE(fresh.pipeline.tasksAdded.size(), 4);
    }

    void badReferences_data()
    {
        QTest::addColumn<QString>("ref");
        QTest::addColumn<QString>("message");
        QTest::newRow("no slash") << "churn"
                                  << "expected PROJECT/NAME";
        QTest::newRow("no project") << "nope/x"
                                    << "no project named 'nope'";
        QTest::newRow("no target") << "churn/nope"
                                   << "no job or pipeline named 'nope'";
        QTest::newRow("no version") << "churn/extract@7"
                                    << "has no version 7";
        QTest::newRow("no environment") << "churn/extract@qa"
                                        << "no environment 'qa'";
    }
    void badReferences()
    {
        QFETCH(QString, ref);
        QFETCH(QString, message);
        ProjectWriter::apply(m_ws->store(), { churnProject() }, QStringLiteral("alice"));
        try {
            Versions::resolve(db(), ref);
            QFAIL("resolved");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(message), qPrintable(e.message()));
        }
    }
};

QTEST_GUILESS_MAIN(TestVersionDiff)
#include "tst_versiondiff.moc"
