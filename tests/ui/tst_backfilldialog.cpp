#include "schedules/backfilldialog.h"
#include "store/catalog.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "uitestdata.h"
#include "widgets/backgroundtask.h"

#include <QComboBox>
#include <QDateEdit>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace Baton;
using Baton::Ui::BackfillDialog;

// Pipeline → Backfill…: the fire times it will cover before it starts, the field-named
// refusal, then progress (created / finished) and Cancel. No engine: the test ends runs as an
// engine would.
class TestBackfillDialog : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Workspace> m_ws;

    std::unique_ptr<BackfillDialog> dialog()
    {
        const CatalogSnapshot s = Catalog::snapshot(m_ws->store().db());
        auto d = std::make_unique<BackfillDialog>(&m_ws->store(), s.projects.first(),
                                                  s.pipelines.first());
        // The preview of the default dates (the last week) comes first.
        QSignalSpy previewed(d.get(), &BackfillDialog::previewed);
        if (!previewed.wait(10000))
            return nullptr;
        return d;
    }
    QList<qint64> liveRuns() const
    {
        QList<qint64> ids;
        QSqlQuery q = Sql::exec(m_ws->store().db(),
                                QStringLiteral("SELECT id FROM runs WHERE state = 'queued' "
                                               "ORDER BY id"));
        while (q.next())
            ids << q.value(0).toLongLong();
        return ids;
    }
    void endRun(qint64 id, const char *state)
    {
        Sql::exec(m_ws->store().db(), QStringLiteral("UPDATE runs SET state = ? WHERE id = ?"),
                  { QString::fromLatin1(state), id });
    }
    int runCount() const
    {
        return Sql::scalar(m_ws->store().db(), QStringLiteral("SELECT count(*) FROM runs")).toInt();
    }
    // Sets the range and waits for its preview.
    bool setRange(BackfillDialog *d, const QDate &from, const QDate &to)
    {
        if (!d)
            return false;
        QSignalSpy previewed(d, &BackfillDialog::previewed);
        d->fromEdit()->setDate(from);
        d->toEdit()->setDate(to);
        return previewed.wait(10000);
    }

private Q_SLOTS:
    void cleanup()
    {
        Baton::Ui::BackgroundTask::drain(); // jobs may outlive widgets, never the workspace
    }

    void init()
    {
        m_ws.reset();
        m_dir = std::make_unique<QTemporaryDir>();
        m_ws = std::make_unique<Workspace>(m_dir->path(), Workspace::Mode::CreateIfMissing);
        ProjectWriter::apply(m_ws->store(), { UiTest::churnProject() }, QStringLiteral("tester"));
    }

    void previewsTheFireTimes()
    {
        auto d = dialog();
        QVERIFY(setRange(d.get(), QDate(2026, 3, 1), QDate(2026, 3, 4)));
        QCOMPARE(d->previewCount(), 4);
        QVERIFY2(d->previewLabel()->text().contains(QStringLiteral("4 run(s) in <b>prod</b>")),
                 qPrintable(d->previewLabel()->text()));
        QVERIFY(d->previewLabel()->text().contains(QStringLiteral("2026-03-01 02:00")));
        QVERIFY(d->startButton()->isEnabled());
        // Another environment of the project.
        QSignalSpy previewed(d.get(), &BackfillDialog::previewed);
        d->environmentBox()->setCurrentIndex(d->environmentBox()->findData("staging"));
        QVERIFY(previewed.wait(10000));
        QVERIFY(d->previewLabel()->text().contains(QStringLiteral("<b>staging</b>")));
    }

    // A reversed range: refused naming what is wrong, Start disabled, nothing created.
    void reversedRangeIsRefused()
    {
        auto d = dialog();
        QVERIFY(setRange(d.get(), QDate(2026, 3, 5), QDate(2026, 3, 1)));
        QVERIFY2(d->previewLabel()->text().contains(QStringLiteral("Cannot backfill")),
                 qPrintable(d->previewLabel()->text()));
        QVERIFY(d->previewLabel()->text().contains(QStringLiteral("reversed")));
        QVERIFY(!d->startButton()->isEnabled());
        d->start(); // even when asked directly
        QTest::qWait(300);
        QVERIFY(!d->isRunning());
        QCOMPARE(runCount(), 0);
    }

    void runsWithProgressToTheEnd()
    {
        auto d = dialog();
        QVERIFY(setRange(d.get(), QDate(2026, 3, 1), QDate(2026, 3, 3)));
        d->maxActiveBox()->setValue(2);
        d->show();
        QVERIFY(QTest::qWaitForWindowExposed(d.get()));
        QVERIFY(!d->cancelButton()->isVisible()); // nothing to cancel yet
        QSignalSpy finished(d.get(), &BackfillDialog::finished);
        d->start();
        QTRY_COMPARE_WITH_TIMEOUT(runCount(), 2, 10000); // two at once
        QTRY_VERIFY(d->progressLabel()->text().contains(QStringLiteral("Runs created: 2 of 3")));
        QVERIFY(d->cancelButton()->isVisible());
        QVERIFY(!d->fromEdit()->isEnabled());
        endRun(liveRuns().first(), "succeeded");
        QTRY_COMPARE_WITH_TIMEOUT(runCount(), 3, 10000); // the next as one ends
        for (qint64 id : liveRuns())
            endRun(id, "failed");
        QVERIFY(finished.wait(10000));
        QCOMPARE(d->progressBar()->value(), 3);
        QVERIFY2(
            d->progressLabel()->text().contains(QStringLiteral("2 of 3 run(s) did not succeed")),
            qPrintable(d->progressLabel()->text()));
        QVERIFY(!d->isRunning());
        QVERIFY(!d->cancelButton()->isVisible());
    }

    void cancelStopsIt()
    {
        auto d = dialog();
        QVERIFY(setRange(d.get(), QDate(2026, 3, 1), QDate(2026, 3, 20)));
        QSignalSpy finished(d.get(), &BackfillDialog::finished);
        d->start();
        QTRY_COMPARE_WITH_TIMEOUT(runCount(), 1, 10000);
        d->cancelBackfill();
        QVERIFY(finished.wait(10000));
        QVERIFY(finished.at(0).at(0).value<BackfillProgress>().cancelled);
        QVERIFY(d->progressLabel()->text().startsWith(QStringLiteral("Cancelled")));
        QTest::qWait(300);
        QCOMPARE(runCount(), 1); // no more were created
    }
};

QTEST_MAIN(TestBackfillDialog)
#include "tst_backfilldialog.moc"
