#include "pipelines/projecttreemodel.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTest>

using namespace Baton;
using Baton::Ui::ProjectTreeModel;
using Kind = ProjectTreeModel::Kind;

namespace {

JobInfo makeJob(const QString &project, const QString &name, int version)
{
    JobInfo j;
    j.project = project;
    j.name = name;
    j.version = version;
    j.versionCount = version;
    j.technology = QStringLiteral("bash");
    j.description = name + QStringLiteral(" job");
    return j;
}

PipelineInfo makePipeline(const QString &project, const QString &name, int version)
{
    PipelineInfo p;
    p.project = project;
    p.name = name;
    p.version = version;
    p.versionCount = version;
    p.description = QStringLiteral("the %1 pipeline").arg(name);
    return p;
}

ProjectInfo makeProject(const QString &name, const QString &description)
{
    ProjectInfo p;
    p.name = name;
    p.description = description;
    return p;
}

// churn: pipelines nightly, weekly; jobs extract, train, score. inventory: job fetch only.
CatalogSnapshot baseSnapshot()
{
    CatalogSnapshot s;
    s.projects << makeProject(QStringLiteral("churn"), QStringLiteral("Customer churn scoring"))
               << makeProject(QStringLiteral("inventory"), QStringLiteral("Stock sync"));
    s.projects[0].jobCount = 3;
    s.projects[0].pipelineCount = 2;
    s.projects[1].jobCount = 1;
    s.jobs << makeJob(QStringLiteral("churn"), QStringLiteral("extract"), 1)
           << makeJob(QStringLiteral("churn"), QStringLiteral("score"), 2)
           << makeJob(QStringLiteral("churn"), QStringLiteral("train"), 3)
           << makeJob(QStringLiteral("inventory"), QStringLiteral("fetch"), 1);
    s.pipelines << makePipeline(QStringLiteral("churn"), QStringLiteral("nightly"), 4)
                << makePipeline(QStringLiteral("churn"), QStringLiteral("weekly"), 1);
    s.takenAt = 1000;
    return s;
}

QStringList childNames(const QAbstractItemModel &model, const QModelIndex &parent)
{
    QStringList names;
    for (int r = 0; r < model.rowCount(parent); ++r)
        names << model.index(r, 0, parent).data().toString();
    return names;
}

} // namespace

class TestProjectTreeModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void buildsProjectsGroupsAndItems();
    void versionsAndTooltips();
    void keysRoundTrip_data();
    void keysRoundTrip();
    void unchangedSnapshotNeitherResetsNorChanges();
    void versionBumpIsDataChangedNotReset();
    void structureChangesReset();
    void emptySnapshotEmptiesTheTree();
};

void TestProjectTreeModel::buildsProjectsGroupsAndItems()
{
    ProjectTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setSnapshot(baseSnapshot());

    QCOMPARE(model.columnCount(), 2);
    QCOMPARE(childNames(model, {}), (QStringList { "churn", "inventory" }));
    const QModelIndex churn = model.index(0, 0);
    // Pipelines first (what builders open most), then jobs; empty groups are left out.
    QCOMPARE(childNames(model, churn), (QStringList { "Pipelines", "Jobs" }));
    QCOMPARE(childNames(model, model.index(0, 0, churn)), (QStringList { "nightly", "weekly" }));
    QCOMPARE(childNames(model, model.index(1, 0, churn)),
             (QStringList { "extract", "score", "train" }));
    const QModelIndex inventory = model.index(1, 0);
    QCOMPARE(childNames(model, inventory), QStringList { "Jobs" });
    QCOMPARE(childNames(model, model.index(0, 0, inventory)), QStringList { "fetch" });

    const QModelIndex nightly = model.index(0, 0, model.index(0, 0, churn));
    QCOMPARE(nightly.data(ProjectTreeModel::KindRole).toInt(), int(Kind::Pipeline));
    QCOMPARE(nightly.data(ProjectTreeModel::ProjectRole).toString(), QStringLiteral("churn"));
    QCOMPARE(model.parent(nightly), model.index(0, 0, churn));
    QVERIFY(!nightly.data(Qt::DecorationRole).value<QIcon>().isNull());
    QVERIFY(model.flags(nightly) & Qt::ItemNeverHasChildren);
    QVERIFY(!(model.flags(churn) & Qt::ItemNeverHasChildren));
}

void TestProjectTreeModel::versionsAndTooltips()
{
    ProjectTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setSnapshot(baseSnapshot());

    const QModelIndex nightly
        = model.indexOf({ Kind::Pipeline, "churn", "nightly" }, ProjectTreeModel::VersionColumn);
    QVERIFY(nightly.isValid());
    QCOMPARE(nightly.data().toString(), QStringLiteral("v4"));
    QCOMPARE(model.indexOf({ Kind::Job, "churn", "train" }, 1).data().toString(),
             QStringLiteral("v3"));
    QCOMPARE(model.indexOf({ Kind::Job, "churn", "score" }).data(ProjectTreeModel::VersionRole),
             QVariant(2));
    QVERIFY(model.indexOf({ Kind::Project, "churn", {} })
                .data(Qt::ToolTipRole)
                .toString()
                .contains("Customer churn scoring"));
    QVERIFY(model.indexOf({ Kind::Pipeline, "churn", "weekly" })
                .data(Qt::ToolTipRole)
                .toString()
                .contains("the weekly pipeline"));
    QCOMPARE(model.headerData(1, Qt::Horizontal).toString(), QStringLiteral("Version"));
}

void TestProjectTreeModel::keysRoundTrip_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<bool>("valid");
    QTest::newRow("project") << "project:churn" << true;
    QTest::newRow("pipelines group") << "pipelines:churn" << true;
    QTest::newRow("job") << "job:churn/extract" << true;
    QTest::newRow("pipeline") << "pipeline:churn/nightly" << true;
    QTest::newRow("unknown kind") << "widget:churn/x" << false;
    QTest::newRow("job without name") << "job:churn" << false;
    QTest::newRow("garbage") << "churn" << false;
}

void TestProjectTreeModel::keysRoundTrip()
{
    QFETCH(QString, text);
    QFETCH(bool, valid);
    const ProjectTreeModel::Key key = ProjectTreeModel::Key::fromString(text);
    QCOMPARE(key.isValid(), valid);
    if (valid)
        QCOMPARE(key.toString(), text);

    ProjectTreeModel model;
    model.setSnapshot(baseSnapshot());
    const QModelIndex index = model.indexOf(key);
    QCOMPARE(index.isValid(), valid);
    if (valid)
        QCOMPARE(model.key(index), key);
}

void TestProjectTreeModel::unchangedSnapshotNeitherResetsNorChanges()
{
    ProjectTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setSnapshot(baseSnapshot());
    const QPersistentModelIndex train = model.indexOf({ Kind::Job, "churn", "train" });

    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
    CatalogSnapshot again = baseSnapshot();
    again.takenAt = 2000; // a later poll of the same data
    model.setSnapshot(again);
    QCOMPARE(resets.count(), 0);
    QCOMPARE(changes.count(), 0);
    QVERIFY(train.isValid());
    QCOMPARE(train.data().toString(), QStringLiteral("train"));
}

void TestProjectTreeModel::versionBumpIsDataChangedNotReset()
{
    ProjectTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setSnapshot(baseSnapshot());
    const QPersistentModelIndex score = model.indexOf({ Kind::Job, "churn", "score" });

    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
    QSignalSpy changes(&model, &QAbstractItemModel::dataChanged);
    CatalogSnapshot next = baseSnapshot();
    next.jobs[1].version = 3; // churn/score
    next.jobs[1].versionCount = 3;
    next.jobs[2].description = QStringLiteral("now with a new recipe"); // churn/train
    model.setSnapshot(next);

    QCOMPARE(resets.count(), 0);
    QCOMPARE(changes.count(), 1); // one ranged signal for the jobs group
    const QModelIndex topLeft = changes.first().at(0).value<QModelIndex>();
    const QModelIndex bottomRight = changes.first().at(1).value<QModelIndex>();
    QCOMPARE(topLeft.row(), 1);
    QCOMPARE(bottomRight.row(), 2);
    QCOMPARE(bottomRight.column(), 1);
    QCOMPARE(topLeft.parent(), model.indexOf({ Kind::JobGroup, "churn", {} }));
    QVERIFY(score.isValid());
    QCOMPARE(score.sibling(score.row(), 1).data().toString(), QStringLiteral("v3"));
    QVERIFY(model.indexOf({ Kind::Job, "churn", "train" })
                .data(Qt::ToolTipRole)
                .toString()
                .contains("new recipe"));
}

void TestProjectTreeModel::structureChangesReset()
{
    ProjectTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setSnapshot(baseSnapshot());
    QSignalSpy resets(&model, &QAbstractItemModel::modelReset);

    // A new project.
    CatalogSnapshot s = baseSnapshot();
    s.projects << makeProject(QStringLiteral("billing"), QStringLiteral("Invoices"));
    s.jobs << makeJob(QStringLiteral("billing"), QStringLiteral("invoice"), 1);
    model.setSnapshot(s);
    QCOMPARE(resets.count(), 1);
    QCOMPARE(childNames(model, {}), (QStringList { "churn", "inventory", "billing" }));
    QCOMPARE(childNames(model, model.indexOf({ Kind::JobGroup, "billing", {} })),
             QStringList { "invoice" });

    // A job removed.
    s.jobs.removeAt(1); // churn/score
    model.setSnapshot(s);
    QCOMPARE(resets.count(), 2);
    QCOMPARE(childNames(model, model.indexOf({ Kind::JobGroup, "churn", {} })),
             (QStringList { "extract", "train" }));
    QVERIFY(!model.indexOf({ Kind::Job, "churn", "score" }).isValid());

    // A pipeline renamed.
    s.pipelines[1].name = QStringLiteral("monthly");
    model.setSnapshot(s);
    QCOMPARE(resets.count(), 3);
    QCOMPARE(childNames(model, model.indexOf({ Kind::PipelineGroup, "churn", {} })),
             (QStringList { "nightly", "monthly" }));
    QVERIFY(!model.indexOf({ Kind::Pipeline, "churn", "weekly" }).isValid());

    // The last pipeline of a project gone: its group goes too.
    s.pipelines.clear();
    model.setSnapshot(s);
    QCOMPARE(resets.count(), 4);
    QCOMPARE(childNames(model, model.indexOf({ Kind::Project, "churn", {} })),
             QStringList { "Jobs" });
}

void TestProjectTreeModel::emptySnapshotEmptiesTheTree()
{
    ProjectTreeModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
    model.setSnapshot(baseSnapshot());
    QCOMPARE(model.rowCount(), 2);
    model.setSnapshot(CatalogSnapshot {});
    QCOMPARE(model.rowCount(), 0);
    QVERIFY(!model.indexOf({ Kind::Project, "churn", {} }).isValid());
}

QTEST_MAIN(TestProjectTreeModel)
#include "tst_projecttreemodel.moc"
