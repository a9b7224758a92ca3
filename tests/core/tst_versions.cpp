#include "refusal.h"
#include "release/deployments.h"
#include "release/versions.h"
#include "store/projectwriter.h"
#include "testspecs.h"
#include "util/error.h"
#include "workspacefixture.h"

#include <QTest>

using namespace Baton;
using namespace Baton::Test;

// Reading versions back: lists newest first with where each runs, numbers and ids, a version's
// content as a spec, and "PROJECT/NAME[@N|@ENV]" as the release commands read it.
class TestVersions : public QObject
{
    Q_OBJECT
private:
    WorkspaceFixture m_fx;
    QString m_v2Command;

private Q_SLOTS:
    void init()
    {
        m_fx.renew();
        ProjectWriter::apply(m_fx.store(), { churnProject() }, QStringLiteral("alice"));
        ProjectSpec p = churnProject();
        for (JobSpec &j : p.jobs) {
            if (j.name == QLatin1String("train")) {
                j.command += QStringLiteral(" --epochs 20");
                m_v2Command = j.command;
            }
        }
        QVERIFY(!m_v2Command.isEmpty());
        ProjectWriter::apply(m_fx.store(), { p }, QStringLiteral("bob"));
    }

    void listIsNewestFirstWithWhereEachRuns()
    {
        const ReleaseTarget t = ReleaseTarget::resolve(m_fx.db(), "churn/train");
        const QList<VersionInfo> list = Versions::list(m_fx.db(), t);
        QCOMPARE(list.size(), 2);
        QCOMPARE(list[0].number, 2);
        QCOMPARE(list[1].number, 1);
        QCOMPARE(list[0].author, QStringLiteral("bob"));
        QCOMPARE(list[0].command, m_v2Command);
        QVERIFY(list[0].contentHash != list[1].contentHash);
        // Each environment of the path runs exactly one of them, listed in path order.
        const QList<EnvironmentRef> path = promotionPath(m_fx.db(), t.projectId);
        QStringList everywhere = list[0].deployedIn + list[1].deployedIn;
        QCOMPARE(everywhere.size(), path.size());
        for (const VersionInfo &v : list) {
            for (const QString &env : v.deployedIn) {
                const EnvironmentRef *e = nullptr;
                for (const EnvironmentRef &r : path)
                    if (r.name == env)
                        e = &r;
                QVERIFY2(e, qPrintable(env));
                QCOMPARE(Deployments::current(m_fx.db(), t, e->id).version, v.number);
            }
        }
        QVERIFY(list[1].deployedIn.contains(path.last().name)); // prod still runs v1
    }

    void numbersAndIdsAgree()
    {
        const ReleaseTarget t = ReleaseTarget::resolve(m_fx.db(), "churn/train");
        const qint64 v1 = Versions::idOf(m_fx.db(), t, 1);
        const qint64 v2 = Versions::idOf(m_fx.db(), t, 2);
        QVERIFY(v1 > 0 && v2 > 0 && v1 != v2);
        QCOMPARE(Versions::numberOf(m_fx.db(), t, v2), 2);
        QCOMPARE(Versions::latestId(m_fx.db(), t), v2);
        QCOMPARE(Versions::jobSpec(m_fx.db(), v2).command, m_v2Command);
        QVERIFY(Versions::jobSpec(m_fx.db(), v1).command != m_v2Command);
        const QString missing = refusal([&] { Versions::idOf(m_fx.db(), t, 3); });
        QCOMPARE(missing,
                 QStringLiteral("job churn/train has no version 3 (its versions: 1 to 2)"));
    }

    void pipelineSpecComesBackWithItsPins()
    {
        const ReleaseTarget t = ReleaseTarget::resolve(m_fx.db(), "churn/nightly");
        const ReleaseTarget train = ReleaseTarget::resolve(m_fx.db(), "churn/train");
        // A new train makes a new pipeline version (pins are part of it); v1 keeps train v1.
        QCOMPARE(Versions::list(m_fx.db(), t).size(), 2);
        for (int number : { 1, 2 }) {
            const qint64 id = Versions::idOf(m_fx.db(), t, number);
            QHash<QString, qint64> pins;
            const PipelineSpec spec = Versions::pipelineSpec(m_fx.db(), id, &pins);
            const PipelineSpec original = churnProject().pipelines.first();
            QCOMPARE(spec.tasks.size(), original.tasks.size());
            for (int i = 0; i < spec.tasks.size(); ++i) {
                QCOMPARE(spec.tasks[i].name, original.tasks[i].name);
                QCOMPARE(spec.tasks[i].after.size(), original.tasks[i].after.size());
            }
            QCOMPARE(pins.value(QStringLiteral("train")), Versions::idOf(m_fx.db(), train, number));
            // By job rather than by task: the task 'alert' runs the job 'notify'.
            const QHash<QString, qint64> byJob = Versions::pinnedJobVersions(m_fx.db(), id);
            for (const TaskSpec &task : spec.tasks)
                QCOMPARE(byJob.value(task.job), pins.value(task.name));
        }
    }

    void resolvesWhatTheCommandsName_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("number");
        QTest::addColumn<QString>("label");
        QTest::newRow("latest") << "churn/train" << 2 << "churn/train v2";
        QTest::newRow("number") << "churn/train@1" << 1 << "churn/train v1";
        QTest::newRow("v number") << "churn/train@v2" << 2 << "churn/train v2";
        QTest::newRow("environment") << "churn/train@prod" << 1 << "churn/train v1 (prod)";
    }

    void resolvesWhatTheCommandsName()
    {
        QFETCH(QString, text);
        QFETCH(int, number);
        QFETCH(QString, label);
        const VersionRef ref = Versions::resolve(m_fx.db(), text);
        QCOMPARE(ref.number, number);
        QCOMPARE(ref.label, label);
        QCOMPARE(ref.versionId, Versions::idOf(m_fx.db(), ref.target, number));
    }

    void refusesWhatDoesNotExist_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("error");
        QTest::newRow("no such version")
            << "churn/train@7"
            << "job churn/train has no version 7 (its versions: 1 to 2)";
        QTest::newRow("negative") << "churn/train@-1"
                                  << "job churn/train has no version -1 (its versions: 1 to 2)";
        QTest::newRow("no such environment") << "churn/train@qa"
                                             << "has no environment 'qa'";
        QTest::newRow("nothing after @")
            << "churn/train@"
            << "expected a version number (@3) or an environment (@prod) after '@'";
        QTest::newRow("no such job") << "churn/nope"
                                     << "nope";
    }

    void refusesWhatDoesNotExist()
    {
        QFETCH(QString, text);
        QFETCH(QString, error);
        const QString message = refusal([&] { Versions::resolve(m_fx.db(), text); });
        QVERIFY2(message.contains(error), qPrintable(message));
    }
};

QTEST_GUILESS_MAIN(TestVersions)
#include "tst_versions.moc"
