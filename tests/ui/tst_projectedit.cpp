#include "access/secrets.h"
#include "projectedit/jobdialog.h"
#include "projectedit/pipelinedialog.h"
#include "projectedit/scheduledialog.h"
#include "projectedit/variablesdialog.h"
#include "scheduling/scheduleservice.h"
#include "store/catalog.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "uitestdata.h"
#include "widgets/backgroundtask.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace Baton;
using namespace Baton::Ui;

// Creating a job and a pipeline, editing a schedule and variables from the console: what is
// saved, and how a refusal shows (core's message naming the field; nothing stored).
class TestProjectEdit : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Workspace> m_ws;

    QSqlDatabase db() const { return m_ws->store().db(); }
    int versions() const
    {
        return Sql::scalar(db(),
                           QStringLiteral("SELECT (SELECT count(*) FROM job_versions) + "
                                          "(SELECT count(*) FROM pipeline_versions)"))
            .toInt();
    }
    CatalogSnapshot catalog() const { return Catalog::snapshot(db()); }
    PipelineInfo nightly() const { return catalog().pipelines.first(); }
    // Stored sealed; opened here as only the engine does.
    QString secretValue() const
    {
        return Secrets::open(Sql::scalar(db(),
                                         QStringLiteral("SELECT value FROM variables WHERE name = "
                                                        "'API_TOKEN'"))
                                 .toString(),
                             *Secrets::loadKey(), QStringLiteral("API_TOKEN"));
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
        ProjectSpec p = UiTest::churnProject();
        p.variables << VariableSpec {
            QStringLiteral("API_TOKEN"), QStringLiteral("s3cr3t"), true, {}, {}
        };
        ProjectWriter::apply(m_ws->store(), { p }, QStringLiteral("tester"));
    }

    void newJobIsStoredAsItsFirstVersion()
    {
        JobDialog d(&m_ws->store(), { QStringLiteral("churn") }, QStringLiteral("churn"));
        d.nameEdit()->setText(QStringLiteral("publish"));
        d.commandEdit()->setText(QStringLiteral("./publish.sh"));
        d.scriptNameEdit()->setText(QStringLiteral("publish.sh"));
        d.scriptEdit()->setPlainText(QStringLiteral("#!/bin/sh\necho published\n"));
        d.retriesBox()->setValue(2);
        QSignalSpy saved(&d, &EditDialog::saved);
        const int before = versions();
        d.save();
        QVERIFY(saved.wait(10000));
        QVERIFY2(saved.at(0).at(0).toString().contains(QStringLiteral("churn/publish v1")),
                 qPrintable(saved.at(0).at(0).toString()));
        QCOMPARE(versions(), before + 1);
        const ProjectSpec spec = Catalog::projectSpec(db(), QStringLiteral("churn"));
        const JobSpec *job = spec.job(QStringLiteral("publish"));
        QVERIFY(job);
        QCOMPARE(job->settings.retries, 2);
        QCOMPARE(job->files.size(), 1);
        QVERIFY(job->files.first().executable);
        QCOMPARE(d.result(), int(QDialog::Accepted));
    }

    // An empty command: the import's rule refuses it, naming the field; nothing stored.
    void newJobWithoutCommandIsRefused()
    {
        JobDialog d(&m_ws->store(), { QStringLiteral("churn") }, QStringLiteral("churn"));
        d.nameEdit()->setText(QStringLiteral("publish"));
        QSignalSpy failed(&d, &EditDialog::saveFailed);
        const int before = versions();
        d.save();
        QVERIFY(failed.wait(10000));
        QCOMPARE(failed.at(0).at(0).toString(), QStringLiteral("command: must not be empty"));
        QVERIFY(d.errorLabel()->isVisibleTo(&d));
        QCOMPARE(versions(), before);
        QVERIFY(d.result() != int(QDialog::Accepted));
    }

    void newPipelineChainsTheCheckedJobs()
    {
        PipelineDialog d(&m_ws->store(), catalog(), QStringLiteral("churn"));
        d.nameEdit()->setText(QStringLiteral("adhoc"));
        QListWidget *jobs = d.jobList();
        for (int i = 0; i < jobs->count(); ++i) {
            if (jobs->item(i)->text() == QLatin1String("extract")
                || jobs->item(i)->text() == QLatin1String("report"))
                jobs->item(i)->setCheckState(Qt::Checked);
        }
        QSignalSpy saved(&d, &EditDialog::saved);
        d.save();
        QVERIFY(saved.wait(10000));
        PipelineInfo adhoc;
        for (const PipelineInfo &p : catalog().pipelines) {
            if (p.name == QLatin1String("adhoc"))
                adhoc = p;
        }
        QCOMPARE(adhoc.tasks.size(), 2);
        QCOMPARE(adhoc.edges.size(), 1);
        QCOMPARE(adhoc.edges.first().from, QStringLiteral("extract"));
        QCOMPARE(adhoc.edges.first().to, QStringLiteral("report"));
    }

    // No job checked: the editor and import share the rule that refuses an empty pipeline.
    void newPipelineWithoutTasksIsRefused()
    {
        PipelineDialog d(&m_ws->store(), catalog(), QStringLiteral("churn"));
        d.nameEdit()->setText(QStringLiteral("empty"));
        QSignalSpy failed(&d, &EditDialog::saveFailed);
        d.save();
        QVERIFY(failed.wait(10000));
        QVERIFY2(failed.at(0).at(0).toString().contains(QStringLiteral("has no tasks")),
                 qPrintable(failed.at(0).at(0).toString()));
        QCOMPARE(catalog().pipelines.size(), 1);
    }

    // The next fire times as you type; a bad field is named, and Save refuses it.
    void schedulePreviewAndFieldNamedError()
    {
        ScheduleDialog d(&m_ws->store(), nightly());
        QVERIFY(d.previewLabel()->text().contains(QStringLiteral("Europe/Paris")));
        QVERIFY(d.previewLabel()->text().contains(QStringLiteral("02:00")));
        d.cronEdit()->setText(QStringLiteral("0 25 * * *"));
        QVERIFY2(d.previewLabel()->text().contains(QStringLiteral("hour field")),
                 qPrintable(d.previewLabel()->text()));
        QSignalSpy failed(&d, &EditDialog::saveFailed);
        d.save();
        QCOMPARE(failed.size(), 1);
        QVERIFY(failed.at(0).at(0).toString().startsWith(QStringLiteral("schedule: hour field")));
        QCOMPARE(ScheduleService::list(db()).first().cron, QStringLiteral("0 2 * * *"));
        // A good one: saved, no new version, audited.
        d.cronEdit()->setText(QStringLiteral("15 6 * * 1-5"));
        d.timeZoneBox()->setCurrentText(QStringLiteral("Asia/Tokyo"));
        QVERIFY(d.previewLabel()->text().contains(QStringLiteral("06:15")));
        const int before = versions();
        QSignalSpy saved(&d, &EditDialog::saved);
        d.save();
        QVERIFY(saved.wait(10000));
        QCOMPARE(versions(), before);
        const ScheduleInfo s = ScheduleService::list(db()).first();
        QCOMPARE(s.cron, QStringLiteral("15 6 * * 1-5"));
        QCOMPARE(s.effectiveZone, QStringLiteral("Asia/Tokyo"));
    }

    // Secrets are write-only: the stored value never reaches the dialog; left empty it is
    // kept; typed, it replaces the stored one.
    void secretsAreWriteOnly()
    {
        auto d = std::make_unique<VariablesDialog>(&m_ws->store(), catalog().projects.first(),
                                                   QStringList { QStringLiteral("nightly") },
                                                   QString());
        QSignalSpy loaded(d.get(), &VariablesDialog::loaded);
        QVERIFY(loaded.wait(10000));
        QTableWidget *t = d->table();
        QCOMPARE(t->rowCount(), 1);
        QCOMPARE(t->item(0, VariablesDialog::NameColumn)->text(), QStringLiteral("API_TOKEN"));
        QCOMPARE(t->item(0, VariablesDialog::ValueColumn)->text(), QString());
        for (QWidget *w : d->findChildren<QWidget *>()) {
            if (auto *l = qobject_cast<QLabel *>(w))
                QVERIFY(!l->text().contains(QStringLiteral("s3cr3t")));
        }
        // A plain variable added beside it; the secret left empty.
        d->addRow(VariableSpec {
            QStringLiteral("REGION"), QStringLiteral("eu"), false, QStringLiteral("prod"), {} });
        QSignalSpy saved(d.get(), &EditDialog::saved);
        d->save();
        QVERIFY(saved.wait(10000));
        QCOMPARE(secretValue(), QStringLiteral("s3cr3t"));
        QCOMPARE(Sql::scalar(db(),
                             QStringLiteral("SELECT e.name FROM variables v JOIN "
                                            "environments e ON e.id = v.environment_id "
                                            "WHERE v.name = 'REGION'"))
                     .toString(),
                 QStringLiteral("prod"));

        // Typed: replaced.
        auto again = std::make_unique<VariablesDialog>(&m_ws->store(), catalog().projects.first(),
                                                       QStringList(), QString());
        QSignalSpy loaded2(again.get(), &VariablesDialog::loaded);
        QVERIFY(loaded2.wait(10000));
        again->table()->item(0, VariablesDialog::ValueColumn)->setText(QStringLiteral("n3w"));
        QSignalSpy saved2(again.get(), &EditDialog::saved);
        again->save();
        QVERIFY(saved2.wait(10000));
        QCOMPARE(secretValue(), QStringLiteral("n3w"));
    }

    void duplicateVariablesAreRefused()
    {
        VariablesDialog d(&m_ws->store(), catalog().projects.first(), QStringList(), QString());
        QSignalSpy loaded(&d, &VariablesDialog::loaded);
        QVERIFY(loaded.wait(10000));
        d.addRow(VariableSpec { QStringLiteral("API_TOKEN"), QStringLiteral("x"), false, {}, {} });
        QSignalSpy failed(&d, &EditDialog::saveFailed);
        d.save();
        QCOMPARE(failed.size(), 1);
        QVERIFY(failed.at(0).at(0).toString().contains(QStringLiteral("listed twice")));
        QCOMPARE(secretValue(), QStringLiteral("s3cr3t"));
    }
};

QTEST_MAIN(TestProjectEdit)
#include "tst_projectedit.moc"
