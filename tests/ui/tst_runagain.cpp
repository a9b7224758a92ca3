#include "core/rundata.h"
#include "engine/engine.h"
#include "engine/runservice.h"
#include "runs/runagain.h"
#include "runs/rundialog.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "uitestdata.h"
#include "widgets/backgroundtask.h"

#include <QCryptographicHash>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace Baton;
using Baton::Ui::RunAgain;
using Baton::Ui::RunDialog;

namespace {

constexpr int kWaitMs = 20000;
const QString kOldSecret = QStringLiteral("param-secret-777");

// The job reports the secret's length and hash, never its value (which the log would mask).
ProjectSpec hashProject()
{
    ProjectSpec p;
    p.name = QStringLiteral("vault");
    p.environments
        = { { QStringLiteral("dev"), false, {}, {} }, { QStringLiteral("prod"), false, {}, {} } };
    p.variables << VariableSpec {
        QStringLiteral("SECRET_TOKEN"), QStringLiteral("project-level"), true, {}, {}
    };
    p.variables << VariableSpec {
        QStringLiteral("THRESHOLD"), QStringLiteral("0.5"), false, {}, {}
    };
    p.jobs << Test::job(QStringLiteral("report"),
                        QStringLiteral("printf 'len=%s sha=%s\\n' \"${#SECRET_TOKEN}\" "
                                       "\"$(printf %s \"$SECRET_TOKEN\" | sha256sum | cut -d' ' "
                                       "-f1)\"; echo \"threshold=$THRESHOLD\""));
    PipelineSpec pipeline;
    pipeline.name = QStringLiteral("check");
    pipeline.tasks << Test::task(QStringLiteral("report"));
    p.pipelines << pipeline;
    return p;
}

int rowOf(const QTableWidget *table, const QString &name)
{
    for (int row = 0; row < table->rowCount(); ++row) {
        if (table->item(row, RunDialog::NameColumn)->text() == name)
            return row;
    }
    return -1;
}

// Opens the value cell's editor of @p row like a double-click and returns it.
QLineEdit *editValue(QTableWidget *table, int row)
{
    const auto open = [table] {
        for (QLineEdit *line : table->viewport()->findChildren<QLineEdit *>()) {
            if (line->isVisible())
                return line;
        }
        return static_cast<QLineEdit *>(nullptr);
    };
    table->setCurrentCell(row, RunDialog::ValueColumn); // opens it (AllEditTriggers)
    if (!open())
        table->editItem(table->item(row, RunDialog::ValueColumn));
    return open();
}

} // namespace

class TestRunAgain : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    std::unique_ptr<Workspace> m_ws;
    int m_counter = 0;
    qint64 m_old = 0;

    QMap<QString, QString> storedParameters(qint64 run) const
    {
        return Test::storedParameters(m_ws->store().db(), run);
    }

    int runCount() const
    {
        return Sql::scalar(m_ws->store().db(), QStringLiteral("SELECT count(*) FROM runs")).toInt();
    }

    RunDialog *openDialog(RunAgain &again)
    {
        again.open(m_old);
        if (!QTest::qWaitFor([&] { return again.dialog() != nullptr; }, kWaitMs))
            return nullptr;
        return again.dialog();
    }

private Q_SLOTS:
    void init()
    {
        m_ws = std::make_unique<Workspace>(m_dir.filePath(QString::number(++m_counter)),
                                           Workspace::Mode::CreateIfMissing);
        ProjectWriter::apply(m_ws->store(), { hashProject() }, QStringLiteral("tester"));
        RunRequest r;
        r.project = QStringLiteral("vault");
        r.pipeline = QStringLiteral("check");
        r.environment = QStringLiteral("prod");
        r.parameters = { { QStringLiteral("SECRET_TOKEN"), kOldSecret },
                         { QStringLiteral("THRESHOLD"), QStringLiteral("0.7") } };
        r.parallelism = 2;
        r.actor = QStringLiteral("tester");
        m_old = RunService::createRun(m_ws->store(), r);
        m_ws->store().exec(QStringLiteral("UPDATE runs SET state = 'failed' WHERE id = ?"),
                           { m_old });
    }

    void cleanup()
    {
        // Jobs may outlive their widgets, never the workspace.
        Ui::BackgroundTask::drain();
        m_ws.reset();
    }

    // The ops manager's "run again with changes": prefilled, the secret never in the dialog,
    // an edited value and the unchanged secret reach a real run of the new run's job.
    void prefilledEditedAndRunForReal()
    {
        QWidget parent;
        RunAgain again(m_ws.get(), &parent);
        RunDialog *dialog = openDialog(again);
        QVERIFY(dialog);
        QVERIFY(dialog->isRetry());
        QVERIFY(dialog->windowTitle().contains(QStringLiteral("from run #%1").arg(m_old)));
        auto *note = dialog->findChild<QLabel *>(QStringLiteral("runDialogRetryNote"));
        QVERIFY(note && note->isVisible());
        QVERIFY2(note->text().contains(QStringLiteral("run #%1: v1 in prod").arg(m_old)),
                 qPrintable(note->text()));
        QCOMPARE(dialog->environment(), QStringLiteral("prod"));
        QCOMPARE(dialog->parallelism(), 2);

        QTableWidget *table = dialog->parametersTable();
        QCOMPARE(table->rowCount(), 2);
        const int secret = rowOf(table, QStringLiteral("SECRET_TOKEN"));
        const int threshold = rowOf(table, QStringLiteral("THRESHOLD"));
        QVERIFY(secret >= 0 && threshold >= 0);
        QCOMPARE(table->item(threshold, RunDialog::ValueColumn)->text(), QStringLiteral("0.7"));
        QTableWidgetItem *secretValue = table->item(secret, RunDialog::ValueColumn);
        QCOMPARE(secretValue->text(), QStringLiteral("(unchanged secret)"));
        QVERIFY(secretValue->data(RunDialog::KeepSecretRole).toBool());
        QVERIFY(!(table->item(secret, RunDialog::NameColumn)->flags() & Qt::ItemIsEditable));
        // The clear value is nowhere in the dialog's table.
        for (int row = 0; row < table->rowCount(); ++row) {
            for (int column = 0; column < 2; ++column) {
                for (int role : { int(Qt::DisplayRole), int(Qt::EditRole), int(Qt::ToolTipRole) })
                    QVERIFY(!table->item(row, column)->data(role).toString().contains(kOldSecret));
            }
        }
        QCOMPARE(dialog->keptSecrets(), QStringList { QStringLiteral("SECRET_TOKEN") });
        QVERIFY(!dialog->parameters().contains(QStringLiteral("SECRET_TOKEN")));
        QVERIFY(dialog->isValid());

        // Opening the secret's editor shows nothing to copy; leaving it keeps the secret.
        QLineEdit *editor = editValue(table, secret);
        QVERIFY(editor);
        QCOMPARE(editor->text(), QString());
        QCOMPARE(editor->placeholderText(), QStringLiteral("(unchanged secret)"));
        QCOMPARE(editor->echoMode(), QLineEdit::Password);
        table->setCurrentIndex(QModelIndex()); // commits and closes it
        QCOMPARE(dialog->keptSecrets(), QStringList { QStringLiteral("SECRET_TOKEN") });

        // Typed like a user: the new threshold.
        editor = editValue(table, threshold);
        QVERIFY(editor);
        editor->selectAll();
        QTest::keyClicks(editor, QStringLiteral("0.9"));
        table->setCurrentIndex(QModelIndex());
        QCOMPARE(dialog->parameters().value(QStringLiteral("THRESHOLD")), QStringLiteral("0.9"));

        QSignalSpy queued(&again, &RunAgain::queued);
        dialog->runButton()->click();
        QVERIFY(queued.wait(kWaitMs));
        const qint64 run = queued.first().at(0).toLongLong();
        QCOMPARE(queued.first().at(1).toLongLong(), m_old);
        QVERIFY(run > m_old);
        const QMap<QString, QString> params = storedParameters(run);
        QCOMPARE(params.value(QStringLiteral("THRESHOLD")), QStringLiteral("0.9"));
        QCOMPARE(params.value(QStringLiteral("SECRET_TOKEN")), kOldSecret);
        QCOMPARE(Sql::scalar(m_ws->store().db(),
                             QStringLiteral("SELECT rerun_of FROM runs WHERE id = ?"), { run })
                     .toLongLong(),
                 m_old);

        // The old run is not run again; the new one runs for real (engine and supervisor).
        m_ws->store().exec(QStringLiteral("UPDATE runs SET state = 'cancelled' WHERE id <> ?"),
                           { run });
        EngineOptions options;
        options.supervisorPath = QFileInfo(QStringLiteral(BATON_BINARY))
                                     .dir()
                                     .filePath(QStringLiteral("baton-supervisor"));
        QVERIFY2(QFileInfo::exists(options.supervisorPath), qPrintable(options.supervisorPath));
        options.pollIntervalMs = 50;
        Engine engine(m_ws.get(), options);
        QString error;
        QVERIFY2(engine.start(&error), qPrintable(error));
        QTRY_COMPARE_WITH_TIMEOUT(Sql::scalar(m_ws->store().db(),
                                              QStringLiteral("SELECT state FROM runs WHERE id = ?"),
                                              { run })
                                      .toString(),
                                  QStringLiteral("succeeded"), kWaitMs);
        engine.stop();
        const QString logPath
            = Sql::scalar(m_ws->store().db(),
                          QStringLiteral("SELECT a.log_path FROM task_attempts a JOIN task_runs "
                                         "tr ON tr.id = a.task_run_id WHERE tr.run_id = ?"),
                          { run })
                  .toString();
        QFile log(QDir(m_ws->directory()).absoluteFilePath(logPath));
        QVERIFY2(log.open(QIODevice::ReadOnly), qPrintable(log.fileName()));
        const QString text = QString::fromUtf8(log.readAll());
        const QString sha = QString::fromLatin1(
            QCryptographicHash::hash(kOldSecret.toUtf8(), QCryptographicHash::Sha256).toHex());
        QVERIFY2(text.contains(QStringLiteral("len=%1 sha=%2").arg(kOldSecret.size()).arg(sha)),
                 qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("threshold=0.9")), qPrintable(text));
    }

    void typedSecretReplacesIt()
    {
        QWidget parent;
        RunAgain again(m_ws.get(), &parent);
        RunDialog *dialog = openDialog(again);
        QVERIFY(dialog);
        QTableWidget *table = dialog->parametersTable();
        const int secret = rowOf(table, QStringLiteral("SECRET_TOKEN"));
        QLineEdit *editor = editValue(table, secret);
        QVERIFY(editor);
        QTest::keyClicks(editor, QStringLiteral("brand-new-secret"));
        table->setCurrentIndex(QModelIndex());
        QCOMPARE(dialog->keptSecrets(), QStringList());
        QCOMPARE(dialog->parameters().value(QStringLiteral("SECRET_TOKEN")),
                 QStringLiteral("brand-new-secret"));
        QVERIFY(
            !table->item(secret, RunDialog::ValueColumn)->data(RunDialog::KeepSecretRole).toBool());

        QSignalSpy queued(&again, &RunAgain::queued);
        dialog->runButton()->click();
        QVERIFY(queued.wait(kWaitMs));
        QCOMPARE(storedParameters(queued.first().at(0).toLongLong())
                     .value(QStringLiteral("SECRET_TOKEN")),
                 QStringLiteral("brand-new-secret"));
    }

    // A name the pipeline does not declare, or none at all: said in the dialog, Run disabled,
    // nothing created.
    void badNamesAreRefused_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("why");
        QTest::newRow("undeclared") << "THRESHOLDD"
                                    << "did you mean 'THRESHOLD'?";
        QTest::newRow("unknown") << "DRY_RUN"
                                 << "'DRY_RUN' is neither a variable";
        QTest::newRow("empty name") << ""
                                    << "has no name";
    }

    void badNamesAreRefused()
    {
        QFETCH(QString, name);
        QFETCH(QString, why);
        QWidget parent;
        RunAgain again(m_ws.get(), &parent);
        RunDialog *dialog = openDialog(again);
        QVERIFY(dialog);
        dialog->addParameter(name, QStringLiteral("1"));
        QVERIFY(!dialog->isValid());
        QVERIFY(!dialog->runButton()->isEnabled());
        QVERIFY2(dialog->parameterError().contains(why), qPrintable(dialog->parameterError()));
        const int runs = runCount();
        dialog->accept();
        QVERIFY(dialog->isVisible());
        QTest::qWait(50);
        QCOMPARE(again.pending(), 0);
        QCOMPARE(runCount(), runs);
    }

    void noSuchRunSaysSo()
    {
        QWidget parent;
        RunAgain again(m_ws.get(), &parent);
        QSignalSpy failed(&again, &RunAgain::failed);
        again.open(9999);
        QVERIFY(failed.wait(kWaitMs));
        QCOMPARE(failed.first().first().toString(), QStringLiteral("no run 9999"));
        QVERIFY(!again.dialog());
    }
};

QTEST_MAIN(TestRunAgain)
#include "tst_runagain.moc"
