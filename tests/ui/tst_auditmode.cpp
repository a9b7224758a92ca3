#include "audit/auditmode.h"
#include "audit/audittablemodel.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "widgets/backgroundtask.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSemaphore>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBrowser>
#include <memory>

using namespace Baton;
using namespace Baton::Ui;

namespace {
void record(const Workspace &ws, qint64 at, const QString &actor, const QString &action,
            const QString &name, const QJsonObject &before = {}, const QJsonObject &after = {})
{
    ws.store().transaction([&](QSqlDatabase &tx) {
        AuditEvent e;
        e.at = at;
        e.actor = actor;
        e.action = action;
        e.objectKind = QStringLiteral("run");
        e.objectName = name;
        e.before = before;
        e.after = after;
        AuditLog::record(tx, e);
    });
}
// Runs @p change, then waits until the mode has applied the page it asked for.
template<typename F>
void settle(AuditMode &mode, F change)
{
    QSignalSpy loaded(&mode, &AuditMode::pageLoaded);
    change();
    QTRY_VERIFY(loaded.count() >= 1 && mode.pending() == 0);
}
} // namespace

class TestAuditMode : public QObject
{
    Q_OBJECT
    QTemporaryDir m_tmp;
    std::unique_ptr<Workspace> m_ws;
    int m_counter = 0;
    qint64 m_now = 0;

private Q_SLOTS:
    void init()
    {
        m_ws = std::make_unique<Workspace>(m_tmp.filePath(QString::number(++m_counter)),
                                           Workspace::Mode::CreateIfMissing);
        m_now = QDateTime::currentMSecsSinceEpoch();
        const qint64 day = 24LL * 3600 * 1000;
        record(*m_ws, m_now - 40 * day, "alice", "run.cancel", "churn/nightly #1");
        record(*m_ws, m_now - 2 * day, "bob", "schedule.pause", "inventory/hourly");
        record(*m_ws, m_now - 3600 * 1000 / 2, "alice", "run.rerun", "churn/nightly #2",
               { { "state", "failed" }, { "attempts", 1 } },
               { { "state", "queued" }, { "attempts", 1 } });
    }

    void cleanup()
    {
        BackgroundTask::drain(); // reads outlive a closed mode; the workspace must outlive them
    }

    void closingTheModeMidReadDoesNotWaitForTheRead()
    {
        // The mode's reads queue on its lane: a job ahead of them holds it, so the mode's
        // first read is in flight when the mode is closed.
        QSemaphore gate;
        QObject holder;
        BackgroundTask::run(
            &holder, BackgroundTask::lane(QStringLiteral("audit-reader")),
            [&gate] { gate.acquire(); }, [] {});
        auto *mode = new AuditMode(m_ws.get());
        QSignalSpy loaded(mode, &AuditMode::pageLoaded);
        QCOMPARE(mode->pending(), 1);
        delete mode; // returns at once (it used to wait for its pool)
        QCOMPARE(BackgroundTask::activeJobs(), 2); // the holder and the mode's read: not run
        gate.release();
        BackgroundTask::drain();
        QCoreApplication::processEvents();
        QCOMPARE(loaded.count(), 0); // the read's answer was dropped, not applied
    }

    void showsTheTrailNewestFirstWithFilters()
    {
        AuditMode mode(m_ws.get());
        QAbstractItemModelTester tester(mode.model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTRY_COMPARE(mode.model()->rowCount(), 3);
        QCOMPARE(mode.model()->index(0, AuditTableModel::Action).data().toString(),
                 QStringLiteral("run.rerun"));
        // The filters offer what the trail holds: everyone + 2 actors; all + families + actions.
        QCOMPARE(mode.actorFilter()->count(), 3);
        QVERIFY(mode.actionFilter()->findData(QStringLiteral("run.")) > 0);

        settle(mode, [&] {
            mode.actorFilter()->setCurrentIndex(
                mode.actorFilter()->findData(QStringLiteral("bob")));
            mode.reload();
        });
        QCOMPARE(mode.model()->rowCount(), 1);
        QCOMPARE(mode.model()->index(0, AuditTableModel::Actor).data().toString(),
                 QStringLiteral("bob"));

        settle(mode, [&] {
            mode.actorFilter()->setCurrentIndex(0);
            mode.actionFilter()->setCurrentIndex(
                mode.actionFilter()->findData(QStringLiteral("run.")));
            mode.reload();
        });
        QCOMPARE(mode.model()->rowCount(), 2);

        // Time range: the last 7 days leave the 40-day-old cancel out.
        settle(mode, [&] {
            mode.rangeFilter()->setCurrentIndex(2);
            mode.reload();
        });
        QCOMPARE(mode.model()->rowCount(), 1);

        // Search is applied by itself shortly after typing stops.
        mode.actionFilter()->setCurrentIndex(0);
        mode.rangeFilter()->setCurrentIndex(mode.rangeFilter()->count() - 1);
        settle(mode, [&] { mode.searchField()->setText(QStringLiteral("inventory")); });
        QCOMPARE(mode.model()->rowCount(), 1);
        QCOMPARE(mode.model()->index(0, AuditTableModel::Action).data().toString(),
                 QStringLiteral("schedule.pause"));
        settle(mode, [&] { mode.searchField()->setText(QStringLiteral("no such thing")); });
        QCOMPARE(mode.model()->rowCount(), 0);
    }

    void objectColumnNamesTheRun()
    {
        // A run's events carry its id, not a name (ReviewService, RunService): "run #14".
        m_ws->store().transaction([&](QSqlDatabase &tx) {
            AuditEvent e;
            e.at = m_now;
            e.actor = QStringLiteral("dana");
            e.action = QStringLiteral("run.approve");
            e.objectKind = QStringLiteral("run");
            e.objectId = 14;
            AuditLog::record(tx, e);
        });
        AuditMode mode(m_ws.get());
        QTRY_COMPARE(mode.model()->rowCount(), 4);
        QCOMPARE(mode.model()->index(0, AuditTableModel::Object).data().toString(),
                 QStringLiteral("run #14"));
        // A named object keeps its name.
        QCOMPARE(mode.model()->index(1, AuditTableModel::Object).data().toString(),
                 QStringLiteral("run churn/nightly #2"));
        mode.table()->selectRow(0);
        QVERIFY(mode.detailView()->toPlainText().contains(QStringLiteral("run #14")));
    }

    void opensOnTheNewestEvent()
    {
        AuditMode mode(m_ws.get());
        mode.resize(1000, 600);
        settle(mode, [&] { mode.show(); });
        QTRY_COMPARE(mode.model()->rowCount(), 3);
        // The user looks at an older event, then leaves the mode.
        mode.table()->selectRow(2);
        QCOMPARE(mode.table()->currentIndex().row(), 2);
        mode.hide();
        // Opened again: the newest event, not the one left selected.
        mode.show();
        QCOMPARE(mode.table()->currentIndex().row(), 0);
        QVERIFY(mode.detailView()->toPlainText().contains(QStringLiteral("run.rerun")));
        // Something happened while it was hidden: opening lands on it.
        mode.table()->selectRow(1);
        mode.hide();
        record(*m_ws, m_now, "carol", "project.import", "sales");
        settle(mode, [&] { mode.show(); });
        QTRY_COMPARE(mode.model()->rowCount(), 4);
        QCOMPARE(mode.table()->currentIndex().row(), 0);
        QVERIFY(mode.detailView()->toPlainText().contains(QStringLiteral("project.import")));
        // While open, a refresh keeps what the user chose.
        mode.table()->selectRow(2);
        record(*m_ws, m_now, "carol", "project.import", "sales2");
        settle(mode, [&] { mode.refreshIfChanged(); });
        QCOMPARE(mode.model()->rowCount(), 5);
        QCOMPARE(mode.table()->currentIndex().row(), 3); // the same event, one row lower
    }

    void showsTheChainsState()
    {
        // Verified off the GUI thread as the trail loads; an edit made in the database while
        // the mode was away shows when it is opened again.
        AuditMode mode(m_ws.get());
        mode.resize(1400, 600);
        QSignalSpy verified(&mode, &AuditMode::chainVerified);
        settle(mode, [&] { mode.show(); });
        QTRY_VERIFY(verified.count() >= 1);
        const qint64 newest
            = Sql::scalar(m_ws->store().db(), QStringLiteral("SELECT max(id) FROM audit_events"))
                  .toLongLong();
        QCOMPARE(mode.chainLabel()->text(),
                 QStringLiteral("✔ Audit chain verified up to event #%1 (3 events)").arg(newest));

        mode.hide();
        const qint64 edited
            = Sql::scalar(m_ws->store().db(), QStringLiteral("SELECT min(id) FROM audit_events"))
                  .toLongLong();
        m_ws->store().transaction([&](QSqlDatabase &tx) {
            Sql::exec(tx, QStringLiteral("UPDATE audit_events SET actor = 'mallory' WHERE id = ?"),
                      { edited });
        });
        verified.clear();
        mode.show();
        QTRY_VERIFY(verified.count() >= 1);
        const auto report = verified.last().first().value<Baton::AuditChainReport>();
        QVERIFY(!report.intact);
        QCOMPARE(report.brokenId, edited);
        QVERIFY2(mode.chainLabel()->text().startsWith(
                     QStringLiteral("✖ Audit chain broken at event #%1 (").arg(edited)),
                 qPrintable(mode.chainLabel()->text()));
        QVERIFY(mode.chainLabel()->text().contains(QStringLiteral("run.cancel): edited")));
    }

    void detailShowsBeforeAndAfter()
    {
        AuditMode mode(m_ws.get());
        QTRY_COMPARE(mode.model()->rowCount(), 3);
        mode.table()->selectRow(0);
        const QString text = mode.detailView()->toPlainText();
        QVERIFY2(text.contains(QStringLiteral("run.rerun")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("failed")) && text.contains(QStringLiteral("queued")),
                 qPrintable(text));
        // Changed fields are bold, unchanged ones are not.
        const QString html = mode.detailView()->toHtml();
        QVERIFY(html.contains(QStringLiteral("font-weight")));
    }

    void pagesLoadOlderEventsAndRefreshKeepsThem()
    {
        AuditMode mode(m_ws.get());
        mode.setPageSize(2);
        mode.reload();
        QTRY_COMPARE(mode.model()->rowCount(), 2);
        QTRY_VERIFY(mode.olderButton()->isEnabled());
        QSignalSpy loaded(&mode, &AuditMode::pageLoaded);
        mode.olderButton()->click();
        QTRY_COMPARE(mode.model()->rowCount(), 3);
        QTRY_COMPARE(loaded.count(), 1);
        QCOMPARE(loaded.at(0).at(0).toBool(), true);
        QVERIFY(!mode.olderButton()->isEnabled());

        // A new event appears by itself while the mode is visible; older rows stay loaded.
        record(*m_ws, m_now, "carol", "run.cancel", "churn/nightly #3");
        mode.show(); // looks at once, then every RefreshIntervalMs
        QTRY_COMPARE_WITH_TIMEOUT(mode.model()->rowCount(), 4, AuditMode::RefreshIntervalMs * 2);
        QCOMPARE(mode.model()->index(0, AuditTableModel::Actor).data().toString(),
                 QStringLiteral("carol"));
    }

    void unreadableWorkspaceReportsInsteadOfCrashing()
    {
        AuditMode mode(m_ws.get());
        QTRY_COMPARE(mode.model()->rowCount(), 3);
        QSignalSpy failed(&mode, &AuditMode::loadFailed);
        m_ws->store().transaction(
            [](QSqlDatabase &tx) { Sql::exec(tx, QStringLiteral("DROP TABLE audit_events")); });
        mode.reload();
        QTRY_COMPARE(failed.count(), 1);
        QVERIFY(failed.at(0).at(0).toString().contains(QStringLiteral("audit_events")));
        QCOMPARE(mode.model()->rowCount(), 3); // the last good page stays on screen
    }
};

QTEST_MAIN(TestAuditMode)
#include "tst_auditmode.moc"
