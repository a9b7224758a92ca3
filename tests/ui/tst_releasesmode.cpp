// The Releases mode on a real workspace: the matrix model (QAbstractItemModelTester), drift
// and runtime flags, the promote dialog (diff, variables, rewrites, gates), promotion and
// approval by click, rollback by click, history and diff, runtimes.
#include "access/roles.h"
#include "engine/runservice.h"
#include "release/deploymentmatrix.h"
#include "release/deployments.h"
#include "release/promotion.h"
#include "release/releasetarget.h"
#include "release/runtimecatalog.h"
#include "releases/deploymentmatrixmodel.h"
#include "releases/promotedialog.h"
#include "releases/releasesmode.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "uitestdata.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QInputDialog>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

using namespace Baton;
using namespace Baton::Ui;

namespace {

ProjectSpec churn()
{
    ProjectSpec p = UiTest::churnProject();
    p.environments[3].rewrites << RewriteRule {
        QStringLiteral("ROWS"), {}, QStringLiteral("250000"), {}, {}
    };
    return p;
}

} // namespace

class TestReleasesMode : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<Workspace> m_ws;
    int m_count = 0;

    const Store &store() const { return m_ws->store(); }
    int deployed(const QString &env) const
    {
        const ReleaseTarget t
            = ReleaseTarget::resolve(store().db(), QStringLiteral("churn/nightly"));
        return Deployments::current(store().db(), t,
                                    environmentNamed(store().db(), t.projectId, t.project, env).id)
            .version;
    }
    void succeededRunIn(const QString &env)
    {
        RunRequest r;
        r.project = QStringLiteral("churn");
        r.pipeline = QStringLiteral("nightly");
        r.environment = env;
        const qint64 id = RunService::createRun(store(), r);
        store().transaction([&](QSqlDatabase &tx) {
            Sql::exec(tx,
                      QStringLiteral("UPDATE runs SET state = 'succeeded', finished_at = 1 "
                                     "WHERE id = ?"),
                      { id });
            Sql::exec(tx,
                      QStringLiteral("UPDATE task_runs SET state = 'succeeded' WHERE run_id = ?"),
                      { id });
        });
    }
    std::unique_ptr<ReleasesMode> loadedMode()
    {
        auto mode = std::make_unique<ReleasesMode>(m_ws.get());
        mode->resize(1200, 800);
        mode->show();
        QTest::qWaitFor([&] { return mode->isLoaded(); }, 10000);
        return mode;
    }

private Q_SLOTS:
    void init()
    {
        qputenv("BATON_USER", "alice");
        m_ws = std::make_unique<Workspace>(m_dir.filePath(QString::number(++m_count)),
                                           Workspace::Mode::CreateIfMissing);
        Roles::bootstrap(store(), QStringLiteral("alice"));
        store().transaction([&](QSqlDatabase &tx) {
            Roles::grant(tx, QStringLiteral("alice"), QStringLiteral("bob"),
                         { QLatin1String(Roles::ReleaseManager) });
        });
        RuntimeCatalog::record(store(), QStringLiteral("local"),
                               { { QStringLiteral("bash"), QStringLiteral("5.2.15"), {} },
                                 { QStringLiteral("python"), QStringLiteral("3.11.2"), {} } },
                               QStringLiteral("alice"));
        ProjectWriter::apply(store(), { churn(), UiTest::inventoryProject() },
                             QStringLiteral("alice"));
        ProjectSpec v2 = churn();
        v2.jobs[0].command = QStringLiteral("./extract.sh --since last-week");
        ProjectWriter::apply(store(), { v2 }, QStringLiteral("alice")); // nightly v2 in dev
    }
    void cleanup() { m_ws.reset(); }

    void matrixModel()
    {
        DeploymentMatrixModel model;
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        const DeploymentMatrix m = DeploymentMatrix::read(store().db(), QStringLiteral("churn"));
        model.setMatrix(m.projects.first());
        QCOMPARE(model.rowCount(), 8); // nightly + 7 jobs
        QCOMPARE(model.columnCount(), DeploymentMatrixModel::FirstEnvironmentColumn + 4);
        QCOMPARE(model.headerData(5, Qt::Horizontal).toString(), QStringLiteral("prod · approval"));
        QCOMPARE(model.data(model.index(0, 0)).toString(), QStringLiteral("nightly"));
        QCOMPARE(model.data(model.index(0, 1)).toString(), QStringLiteral("v2"));
        const QModelIndex dev = model.index(0, DeploymentMatrixModel::FirstEnvironmentColumn);
        const QModelIndex staging
            = model.index(0, DeploymentMatrixModel::FirstEnvironmentColumn + 1);
        QCOMPARE(model.data(dev, DeploymentMatrixModel::VersionRole).toInt(), 2);
        QCOMPARE(model.data(staging).toString(), QStringLiteral("≠ v1")); // drift after dev
        QVERIFY(model.data(staging, DeploymentMatrixModel::DriftRole).toBool());
        QVERIFY(model.data(staging, Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("differs from dev")));
        QCOMPARE(model.environmentAt(DeploymentMatrixModel::FirstEnvironmentColumn + 3),
                 QStringLiteral("prod"));
        // A runtime disappears: the job cells say so.
        RuntimeCatalog::record(store(), QStringLiteral("local"),
                               { { QStringLiteral("bash"), QStringLiteral("5.2.15"), {} } },
                               QStringLiteral("alice"));
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        model.setMatrix(
            DeploymentMatrix::read(store().db(), QStringLiteral("churn")).projects.first());
        QCOMPARE(changed.count(), 1); // same shape: one ranged update, no reset
        QCOMPARE(reset.count(), 0);
        int missing = 0;
        for (int r = 0; r < model.rowCount(); ++r) {
            const QModelIndex i = model.index(r, DeploymentMatrixModel::FirstEnvironmentColumn);
            if (model.data(i, DeploymentMatrixModel::RuntimeRole).toString()
                == QLatin1String("missing")) {
                ++missing;
                QVERIFY(model.data(i).toString().contains(QStringLiteral("⚠")));
            }
        }
        QCOMPARE(missing, 3); // clean, features, train: python
        model.setMatrix({});
        QCOMPARE(model.rowCount(), 0);
    }

    void promoteByClick()
    {
        succeededRunIn(QStringLiteral("dev"));
        auto mode = loadedMode();
        QVERIFY(mode->isLoaded());
        QCOMPARE(mode->projectCombo()->count(), 2);
        QVERIFY(mode->setProject(QStringLiteral("churn")));
        // The first environment cannot be promoted into.
        QVERIFY(mode->selectCell(QStringLiteral("nightly"), QStringLiteral("dev")));
        QVERIFY(!mode->promoteButton()->isEnabled());
        QVERIFY(mode->selectCell(QStringLiteral("nightly"), QStringLiteral("staging")));
        QVERIFY(mode->promoteButton()->isEnabled());
        QSignalSpy planned(mode.get(), &ReleasesMode::planShown);
        mode->promoteSelected();
        PromoteDialog *dialog = mode->promoteDialog();
        QVERIFY(dialog);
        QVERIFY(!dialog->confirmButton()->isEnabled()); // until the gates are known
        QTRY_COMPARE(planned.count(), 1);
        QVERIFY(dialog->hasPlan());
        QCOMPARE(dialog->version(), 2);
        QVERIFY(dialog->confirmButton()->isEnabled());
        QCOMPARE(dialog->confirmButton()->text(), QStringLiteral("&Promote"));
        QVERIFY(dialog->diffView()->toPlainText().contains(QStringLiteral("--since last-week")));
        QVERIFY(dialog->gatesView()->topLevelItemCount() >= 5);
        for (int i = 0; i < dialog->gatesView()->topLevelItemCount(); ++i)
            QVERIFY2(dialog->gatesView()->topLevelItem(i)->text(0).startsWith(QStringLiteral("✓")),
                     qPrintable(dialog->gatesView()->topLevelItem(i)->text(1)));
        QSignalSpy done(mode.get(), &ReleasesMode::actionFinished);
        dialog->confirmButton()->click();
        QTRY_COMPARE(done.count(), 1);
        QCOMPARE(deployed(QStringLiteral("staging")), 2);
        QTRY_COMPARE(mode->matrixModel()
                         ->data(mode->matrixModel()->index(
                             0, DeploymentMatrixModel::FirstEnvironmentColumn + 1))
                         .toString(),
                     QStringLiteral("v2"));
    }

    void blockedGatesAreShownAndConfirmStaysOff()
    {
        auto mode = loadedMode();
        mode->setProject(QStringLiteral("churn"));
        QVERIFY(mode->selectCell(QStringLiteral("nightly"), QStringLiteral("staging")));
        QSignalSpy planned(mode.get(), &ReleasesMode::planShown);
        mode->promoteSelected();
        QTRY_COMPARE(planned.count(), 1);
        PromoteDialog *dialog = mode->promoteDialog();
        QVERIFY(!dialog->confirmButton()->isEnabled());
        bool sawFailure = false;
        for (int i = 0; i < dialog->gatesView()->topLevelItemCount(); ++i) {
            const QTreeWidgetItem *g = dialog->gatesView()->topLevelItem(i);
            if (g->data(0, Qt::UserRole).toString() == QLatin1String("source_run")) {
                sawFailure = g->text(0).startsWith(QStringLiteral("✗"))
                    && g->text(1).contains(QStringLiteral("has not run in dev yet"));
            }
        }
        QVERIFY(sawFailure);
        dialog->reject();
        QCOMPARE(deployed(QStringLiteral("staging")), 1);
    }

    void requestApproveAndRollback()
    {
        succeededRunIn(QStringLiteral("dev"));
        const ReleaseTarget t
            = ReleaseTarget::resolve(store().db(), QStringLiteral("churn/nightly"));
        for (const QString &env : { QStringLiteral("staging"), QStringLiteral("preprod") }) {
            Promotion::promote(store(), t, env, 0, QStringLiteral("alice"));
            succeededRunIn(env);
        }
        auto mode = loadedMode();
        mode->setProject(QStringLiteral("churn"));
        QVERIFY(mode->selectCell(QStringLiteral("nightly"), QStringLiteral("prod")));
        QSignalSpy planned(mode.get(), &ReleasesMode::planShown);
        mode->promoteSelected();
        QTRY_COMPARE(planned.count(), 1);
        PromoteDialog *dialog = mode->promoteDialog();
        QCOMPARE(dialog->confirmButton()->text(), QStringLiteral("&Request approval"));
        // The rewrite rule and the variables that differ are in the preview.
        QCOMPARE(dialog->rewritesView()->rowCount(), 1);
        QCOMPARE(dialog->rewritesView()->item(0, 2)->text(), QStringLiteral("250000"));
        QSignalSpy done(mode.get(), &ReleasesMode::actionFinished);
        dialog->confirmButton()->click();
        QTRY_COMPARE(done.count(), 1);
        QCOMPARE(deployed(QStringLiteral("prod")), 1);
        QTRY_COMPARE(mode->requestsView()->rowCount(), 1);
        QVERIFY(mode->tabs()->tabText(0).contains(QStringLiteral("1 pending")));

        // alice filed it: Approve is off for her, and says why (core's rule).
        const qint64 requestId = mode->snapshot().requests.first().id;
        QVERIFY(mode->selectRequest(requestId));
        QVERIFY(!mode->approveButton()->isEnabled());
        QVERIFY2(mode->approveButton()->toolTip().contains(QStringLiteral("their own")),
                 qPrintable(mode->approveButton()->toolTip()));
        QVERIFY(mode->rejectButton()->isEnabled()); // withdrawing her own request is fine
        mode->approveSelected();
        QVERIFY(!mode->promoteDialog());
        QCOMPARE(deployed(QStringLiteral("prod")), 1);
        mode.reset();

        // bob approves from his console: not blind, through the promote dialog.
        qputenv("BATON_USER", "bob");
        mode = loadedMode();
        mode->setProject(QStringLiteral("churn"));
        QVERIFY(mode->selectRequest(requestId));
        QVERIFY(mode->approveButton()->isEnabled());
        QSignalSpy approvalPlanned(mode.get(), &ReleasesMode::planShown);
        QSignalSpy approved(mode.get(), &ReleasesMode::actionFinished);
        mode->approveSelected();
        PromoteDialog *approval = mode->promoteDialog();
        QVERIFY(approval);
        QCOMPARE(approval->requestId(), requestId);
        QVERIFY(!approval->confirmButton()->isEnabled()); // until the gates are known again
        QTRY_COMPARE(approvalPlanned.count(), 1);
        QCOMPARE(approval->confirmButton()->text(), QStringLiteral("&Approve"));
        QVERIFY(approval->confirmButton()->isEnabled());
        QCOMPARE(approval->version(), 2);
        QVERIFY(approval->diffView()->toPlainText().contains(QStringLiteral("--since last-week")));
        QCOMPARE(approval->rewritesView()->rowCount(), 1);
        QCOMPARE(approval->rewritesView()->item(0, 2)->text(), QStringLiteral("250000"));
        for (int i = 0; i < approval->gatesView()->topLevelItemCount(); ++i)
            QVERIFY2(
                approval->gatesView()->topLevelItem(i)->text(0).startsWith(QStringLiteral("✓")),
                qPrintable(approval->gatesView()->topLevelItem(i)->text(1)));
        QCOMPARE(approved.count(), 0);
        QCOMPARE(deployed(QStringLiteral("prod")), 1); // nothing happens before the click
        approval->confirmButton()->click();
        QTRY_COMPARE(approved.count(), 1);
        QCOMPARE(deployed(QStringLiteral("prod")), 2);
        QCOMPARE(Promotion::request(store().db(), requestId).decidedBy, QStringLiteral("bob"));

        // Rollback by click; the confirmation names the version it goes back to.
        QTRY_VERIFY(mode->selectCell(QStringLiteral("nightly"), QStringLiteral("prod")));
        QTRY_VERIFY(mode->rollbackButton()->isEnabled());
        mode->rollbackSelected();
        QMessageBox *confirm = nullptr;
        QTRY_VERIFY((confirm = mode->findChild<QMessageBox *>(QStringLiteral("rollbackConfirm"))));
        QVERIFY2(confirm->text().contains(QStringLiteral("back to v1")),
                 qPrintable(confirm->text()));
        QVERIFY(confirm->informativeText().contains(QStringLiteral("runs v2 now")));
        QVERIFY(confirm->informativeText().contains(QStringLiteral("by alice")));
        QSignalSpy rolled(mode.get(), &ReleasesMode::actionFinished);
        confirm->button(QMessageBox::Yes)->click();
        QTRY_COMPARE(rolled.count(), 1);
        QVERIFY(rolled.first().first().toString().contains(QStringLiteral("v2 → v1")));
        QCOMPARE(deployed(QStringLiteral("prod")), 1);
        qputenv("BATON_USER", "alice");
    }

    void approvalDialogShowsABlockedGate()
    {
        // bob files the request; preprod's runs are then purged: the source-run gate fails now.
        succeededRunIn(QStringLiteral("dev"));
        const ReleaseTarget t
            = ReleaseTarget::resolve(store().db(), QStringLiteral("churn/nightly"));
        Promotion::promote(store(), t, QStringLiteral("staging"), 0, QStringLiteral("alice"));
        succeededRunIn(QStringLiteral("staging"));
        Promotion::promote(store(), t, QStringLiteral("preprod"), 0, QStringLiteral("alice"));
        succeededRunIn(QStringLiteral("preprod"));
        const qint64 id
            = Promotion::promote(store(), t, QStringLiteral("prod"), 0, QStringLiteral("bob"))
                  .requestId;
        Sql::exec(store().db(),
                  QStringLiteral("DELETE FROM runs WHERE environment_id = "
                                 "(SELECT id FROM environments WHERE name = "
                                 "'preprod')"));
        auto mode = loadedMode();
        QVERIFY(mode->selectRequest(id));
        QVERIFY(mode->approveButton()->isEnabled());
        QSignalSpy planned(mode.get(), &ReleasesMode::planShown);
        mode->approveSelected();
        QTRY_COMPARE(planned.count(), 1);
        PromoteDialog *dialog = mode->promoteDialog();
        QVERIFY(!dialog->confirmButton()->isEnabled());
        bool sawFailure = false;
        for (int i = 0; i < dialog->gatesView()->topLevelItemCount(); ++i) {
            const QTreeWidgetItem *g = dialog->gatesView()->topLevelItem(i);
            sawFailure = sawFailure
                || (g->data(0, Qt::UserRole).toString() == QLatin1String("source_run")
                    && g->text(0).startsWith(QStringLiteral("✗")));
        }
        QVERIFY(sawFailure);
        dialog->reject();
        QCOMPARE(Promotion::request(store().db(), id).state, QStringLiteral("pending"));
    }

    void rollbackWithNothingToGoBackToSaysSo()
    {
        auto mode = loadedMode();
        mode->setProject(QStringLiteral("churn"));
        QVERIFY(mode->selectCell(QStringLiteral("nightly"), QStringLiteral("staging")));
        QVERIFY(mode->rollbackButton()->isEnabled());
        mode->rollbackSelected();
        QMessageBox *box = nullptr;
        QTRY_VERIFY((box = mode->findChild<QMessageBox *>(QStringLiteral("rollbackConfirm"))));
        QVERIFY(!box->button(QMessageBox::Yes));
        QVERIFY2(box->informativeText().contains(QStringLiteral("nothing to roll back to")),
                 qPrintable(box->informativeText()));
        box->close();
        QCOMPARE(deployed(QStringLiteral("staging")), 1);
    }

    void rejectWithAReason()
    {
        succeededRunIn(QStringLiteral("dev"));
        const ReleaseTarget t
            = ReleaseTarget::resolve(store().db(), QStringLiteral("churn/nightly"));
        for (const QString &env : { QStringLiteral("staging"), QStringLiteral("preprod") }) {
            Promotion::promote(store(), t, env, 0, QStringLiteral("alice"));
            succeededRunIn(env);
        }
        const qint64 id
            = Promotion::promote(store(), t, QStringLiteral("prod"), 0, QStringLiteral("bob"))
                  .requestId;
        auto mode = loadedMode();
        QVERIFY(mode->selectRequest(id));
        mode->rejectSelected();
        auto *input = mode->findChild<QInputDialog *>(QStringLiteral("rejectReason"));
        QVERIFY(input);
        input->setTextValue(QStringLiteral("false positives too high"));
        QSignalSpy done(mode.get(), &ReleasesMode::actionFinished);
        input->accept();
        QTRY_COMPARE(done.count(), 1);
        QCOMPARE(Promotion::request(store().db(), id).state, QStringLiteral("rejected"));
        QCOMPARE(Promotion::request(store().db(), id).reason,
                 QStringLiteral("false positives too high"));
    }

    void historyAndDiff()
    {
        auto mode = loadedMode();
        mode->setProject(QStringLiteral("churn"));
        QSignalSpy history(mode.get(), &ReleasesMode::historyShown);
        QVERIFY(mode->selectCell(QStringLiteral("extract")));
        QTRY_COMPARE(history.count(), 1);
        QCOMPARE(mode->historyView()->rowCount(), 2);
        QCOMPARE(mode->historyView()->item(0, 0)->text(), QStringLiteral("v2"));
        QCOMPARE(mode->historyView()->item(0, 3)->text(), QStringLiteral("dev"));
        mode->historyView()->selectRow(0);
        QSignalSpy diffs(mode.get(), &ReleasesMode::diffShown);
        mode->diffSelected();
        QTRY_COMPARE(diffs.count(), 1);
        QVERIFY2(mode->diffView()->toPlainText().contains(QStringLiteral("--since last-week")),
                 qPrintable(mode->diffView()->toPlainText()));
    }

    void historyFollowsTheProject()
    {
        auto mode = loadedMode();
        mode->setProject(QStringLiteral("churn"));
        QSignalSpy history(mode.get(), &ReleasesMode::historyShown);
        QVERIFY(mode->selectCell(QStringLiteral("extract")));
        QTRY_COMPARE(history.count(), 1);
        QCOMPARE(mode->historyView()->rowCount(), 2);
        // Another project (no row of it selected yet): churn's versions leave with it.
        QVERIFY(mode->setProject(QStringLiteral("inventory")));
        QCOMPARE(mode->historyView()->rowCount(), 0);
        QVERIFY(mode->diffView()->toPlainText().isEmpty());
        // And a row of the new project shows its own history.
        QVERIFY(mode->selectCell(QStringLiteral("load")));
        QTRY_COMPARE(history.count(), 2);
        QVERIFY(mode->historyView()->rowCount() >= 1);
    }

    void runtimesTab()
    {
        auto mode = loadedMode();
        QCOMPARE(mode->runtimesView()->rowCount(), 2);
        QCOMPARE(mode->runtimesView()->item(0, 0)->text(), QStringLiteral("bash"));
        QSignalSpy done(mode.get(), &ReleasesMode::actionFinished);
        mode->detectRuntimes(); // the real programs on this host
        QTRY_COMPARE_WITH_TIMEOUT(done.count(), 1, 20000);
        QVERIFY(done.first().first().toString().contains(QStringLiteral("Detected")));
    }
};

QTEST_MAIN(TestReleasesMode)
#include "tst_releasesmode.moc"
