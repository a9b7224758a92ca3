#include "release/contenthash.h"
#include "testspecs.h"

#include <QTest>
#include <functional>

using namespace Baton;
using namespace Baton::Test;

namespace {

JobSpec baseJob()
{
    JobSpec j
        = job(QStringLiteral("extract"), QStringLiteral("./extract.sh"), QStringLiteral("bash"));
    j.runtime = QStringLiteral("5.2");
    j.description = QStringLiteral("Pull the snapshot");
    j.files << JobFile { QStringLiteral("extract.sh"), "#!/bin/sh\necho hi\n", true };
    j.settings.retries = 2;
    j.resources.cpus = 2;
    return j;
}

PipelineSpec basePipeline()
{
    PipelineSpec p;
    p.name = QStringLiteral("nightly");
    p.description = QStringLiteral("Nightly scoring");
    p.maxParallel = 2;
    p.tasks << task(QStringLiteral("extract"));
    p.tasks << task(QStringLiteral("train"), { QStringLiteral("extract") });
    return p;
}

const QHash<QString, QString> kJobHashes { { QStringLiteral("extract"), QStringLiteral("h1") },
                                           { QStringLiteral("train"), QStringLiteral("h2") } };

using JobChange = std::function<void(JobSpec &)>;
using PipelineChange = std::function<void(PipelineSpec &)>;

} // namespace

Q_DECLARE_METATYPE(JobChange)
Q_DECLARE_METATYPE(PipelineChange)

// A version is identified by its content hash: every change a job could run differently with
// must make a new hash (else an import would keep the old version), and what is not content
// must not (else re-importing the same file would make a new version).
class TestContentHash : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void sha256()
    {
        QCOMPARE(
            sha256Hex("abc"),
            QStringLiteral("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        QCOMPARE(
            sha256Hex(QByteArray()),
            QStringLiteral("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
    }

    void jobHashIsStable()
    {
        const QString h = jobContentHash(baseJob());
        QCOMPARE(h.size(), 64);
        QCOMPARE(jobContentHash(baseJob()), h);
    }

    void jobContent_data()
    {
        QTest::addColumn<JobChange>("change");
        QTest::addColumn<bool>("differs");
        QTest::newRow("command") << JobChange([](JobSpec &j) { j.command += QLatin1Char(' '); })
                                 << true;
        QTest::newRow("technology")
            << JobChange([](JobSpec &j) { j.technology = QStringLiteral("python"); }) << true;
        QTest::newRow("runtime") << JobChange([](JobSpec &j) { j.runtime = QStringLiteral("5.3"); })
                                 << true;
        QTest::newRow("description")
            << JobChange([](JobSpec &j) { j.description.clear(); }) << true;
        QTest::newRow("file bytes")
            << JobChange([](JobSpec &j) { j.files[0].content += '\n'; }) << true;
        QTest::newRow("file path")
            << JobChange([](JobSpec &j) { j.files[0].path = QStringLiteral("run.sh"); }) << true;
        QTest::newRow("executable bit")
            << JobChange([](JobSpec &j) { j.files[0].executable = false; }) << true;
        QTest::newRow("another file") << JobChange([](JobSpec &j) {
            j.files << JobFile { QStringLiteral("common.sh"), "set -eu\n", false };
        }) << true;
        QTest::newRow("retries") << JobChange([](JobSpec &j) { j.settings.retries = 3; }) << true;
        QTest::newRow("retries unset")
            << JobChange([](JobSpec &j) { j.settings.retries.reset(); }) << true;
        QTest::newRow("timeout") << JobChange([](JobSpec &j) { j.settings.timeoutSeconds = 60; })
                                 << true;
        QTest::newRow("cpus") << JobChange([](JobSpec &j) { j.resources.cpus = 4; }) << true;
        QTest::newRow("memory") << JobChange([](JobSpec &j) {
            j.resources.memory = QStringLiteral("1G");
        }) << true;
        // Not content: how the version is described, and where it was read.
        QTest::newRow("release note")
            << JobChange([](JobSpec &j) { j.releaseNote = QStringLiteral("faster"); }) << false;
        QTest::newRow("source location") << JobChange([](JobSpec &j) {
            j.where = SourceLocation { QStringLiteral("x.yaml"), 7 };
        }) << false;
    }
    void jobContent()
    {
        QFETCH(JobChange, change);
        QFETCH(bool, differs);
        JobSpec changed = baseJob();
        change(changed);
        QCOMPARE(jobContentHash(changed) != jobContentHash(baseJob()), differs);
    }

    void pipelineContent_data()
    {
        QTest::addColumn<PipelineChange>("change");
        QTest::addColumn<bool>("differs");
        QTest::newRow("description")
            << PipelineChange([](PipelineSpec &p) { p.description += QLatin1Char('.'); }) << true;
        QTest::newRow("max parallel")
            << PipelineChange([](PipelineSpec &p) { p.maxParallel = 3; }) << true;
        QTest::newRow("task added") << PipelineChange([](PipelineSpec &p) {
            p.tasks << task(QStringLiteral("score"), { QStringLiteral("train") });
        }) << true;
        QTest::newRow("task renamed")
            << PipelineChange([](PipelineSpec &p) { p.tasks[1].name = QStringLiteral("fit"); })
            << true;
        QTest::newRow("edge condition") << PipelineChange([](PipelineSpec &p) {
            p.tasks[1].after[0].condition = EdgeCondition::Always;
        }) << true;
        QTest::newRow("edge removed")
            << PipelineChange([](PipelineSpec &p) { p.tasks[1].after.clear(); }) << true;
        QTest::newRow("task override")
            << PipelineChange([](PipelineSpec &p) { p.tasks[0].settings.retries = 0; }) << true;
        QTest::newRow("job of a task")
            << PipelineChange([](PipelineSpec &p) { p.tasks[1].job = QStringLiteral("extract"); })
            << true;
        // The schedule is the pipeline's, not its version's (pausing it makes no version).
        QTest::newRow("schedule") << PipelineChange([](PipelineSpec &p) {
            p.schedule = QStringLiteral("0 3 * * *");
        }) << false;
        QTest::newRow("release note")
            << PipelineChange([](PipelineSpec &p) { p.releaseNote = QStringLiteral("v2"); })
            << false;
    }
    void pipelineContent()
    {
        QFETCH(PipelineChange, change);
        QFETCH(bool, differs);
        PipelineSpec changed = basePipeline();
        change(changed);
        QCOMPARE(pipelineContentHash(changed, kJobHashes)
                     != pipelineContentHash(basePipeline(), kJobHashes),
                 differs);
    }

    // A changed job makes a new pipeline version too.
    void jobChangeReachesThePipeline()
    {
        QHash<QString, QString> changed = kJobHashes;
        changed[QStringLiteral("train")] = QStringLiteral("h3");
        QVERIFY(pipelineContentHash(basePipeline(), changed)
                != pipelineContentHash(basePipeline(), kJobHashes));
        QCOMPARE(pipelineContentHash(basePipeline(), kJobHashes),
                 pipelineContentHash(basePipeline(), kJobHashes));
    }
};

QTEST_GUILESS_MAIN(TestContentHash)
#include "tst_contenthash.moc"
