#include "access/identity.h"
#include "runs/rundialog.h"
#include "uitestdata.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSpinBox>
#include <QTableWidget>
#include <QTest>
#include <QToolButton>

using namespace Baton;
using Baton::Ui::RunDialog;

namespace {

ProjectInfo churnProject()
{
    ProjectInfo p;
    p.id = 1;
    p.name = QStringLiteral("churn");
    p.environments = { { QStringLiteral("dev"), false },
                       { QStringLiteral("staging"), false },
                       { QStringLiteral("preprod"), false },
                       { QStringLiteral("prod"), true } };
    return p;
}

PipelineInfo nightlyPipeline()
{
    PipelineInfo p;
    p.id = 1;
    p.project = QStringLiteral("churn");
    p.name = QStringLiteral("nightly");
    p.version = 3;
    p.versionCount = 3;
    p.maxParallel = 2;
    p.description = QStringLiteral("Nightly churn scoring");
    p.tasks = { UiTest::taskInfo(QStringLiteral("extract")),
                UiTest::taskInfo(QStringLiteral("train"), {}, QStringLiteral("python")) };
    return p;
}

bool rowIsMarked(const QTableWidget *table, int row)
{
    const QTableWidgetItem *name = table->item(row, RunDialog::NameColumn);
    return name && name->data(Qt::DecorationRole).isValid()
        && name->data(Qt::BackgroundRole).isValid() && !name->toolTip().isEmpty()
        && name->toolTip().startsWith(QStringLiteral("Row %1:").arg(row + 1));
}

} // namespace

class TestRunDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void showsWhatWillRun();
    void environmentsInPathOrder();
    void invalidNamesDisableRun_data();
    void invalidNamesDisableRun();
    void typingIsCheckedLive();
    void requestCarriesEverything();
    void blankRowsAreIgnored();
    void removingRows();
    void acceptRefusesInvalidInput();
};

void TestRunDialog::showsWhatWillRun()
{
    RunDialog dialog(churnProject(), nightlyPipeline());
    QVERIFY(dialog.windowTitle().contains(QStringLiteral("churn/nightly")));
    auto *title = dialog.findChild<QLabel *>(QStringLiteral("runDialogTitle"));
    QVERIFY(title);
    QCOMPARE(title->text(), QStringLiteral("Run nightly"));
    auto *subtitle = dialog.findChild<QLabel *>(QStringLiteral("runDialogSubtitle"));
    QVERIFY(subtitle);
    QVERIFY2(subtitle->text().contains(QStringLiteral("v3")), qPrintable(subtitle->text()));
    QVERIFY(subtitle->text().contains(QStringLiteral("churn")));
    QVERIFY(subtitle->text().contains(QStringLiteral("2 tasks")));
    QCOMPARE(dialog.parallelism(), 0);
    QCOMPARE(dialog.parallelismSpinBox()->text(), QStringLiteral("no limit"));
    QCOMPARE(dialog.parameterRowCount(), 0);
    QVERIFY(dialog.isValid());
    QVERIFY(dialog.runButton()->isEnabled());
}

void TestRunDialog::environmentsInPathOrder()
{
    RunDialog dialog(churnProject(), nightlyPipeline());
    QCOMPARE(dialog.environments(), (QStringList { "dev", "staging", "preprod", "prod" }));
    QCOMPARE(dialog.environment(), QStringLiteral("dev")); // the first is preselected
    QCOMPARE(dialog.environmentCombo()->currentIndex(), 0);
    // Only the gated environment is marked.
    QVERIFY(dialog.environmentCombo()->itemText(3).contains(QStringLiteral("approval")));
    for (int i = 0; i < 3; ++i)
        QVERIFY(!dialog.environmentCombo()->itemText(i).contains(QStringLiteral("approval")));

    QVERIFY(dialog.setEnvironment(QStringLiteral("prod")));
    QCOMPARE(dialog.environment(), QStringLiteral("prod"));
    QCOMPARE(dialog.request().environment, QStringLiteral("prod"));
    QVERIFY(!dialog.setEnvironment(QStringLiteral("qa")));
    QCOMPARE(dialog.environment(), QStringLiteral("prod"));
    auto *note = dialog.findChild<QLabel *>(QStringLiteral("runEnvironmentNote"));
    QVERIFY(note && note->text().contains(QStringLiteral("prod")));
}

void TestRunDialog::invalidNamesDisableRun_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("why");
    QTest::newRow("leading digit") << "1BAD"
                                   << "x"
                                   << "not a valid parameter name";
    QTest::newRow("dash") << "A-B"
                          << "x"
                          << "not a valid parameter name";
    QTest::newRow("space inside") << "MY VAR"
                                  << "x"
                                  << "not a valid parameter name";
    QTest::newRow("dot") << "a.b"
                         << ""
                         << "not a valid parameter name";
    QTest::newRow("value without a name") << ""
                                          << "orphan"
                                          << "has no name";
    QTest::newRow("repeated") << "GOOD"
                              << "again"
                              << "already set in row 1";
}

void TestRunDialog::invalidNamesDisableRun()
{
    QFETCH(QString, name);
    QFETCH(QString, value);
    QFETCH(QString, why);
    RunDialog dialog(churnProject(), nightlyPipeline());
    QAbstractItemModelTester tester(dialog.parametersTable()->model());
    QSignalSpy validity(&dialog, &RunDialog::validityChanged);
    dialog.addParameter(QStringLiteral("GOOD"), QStringLiteral("1"));
    QVERIFY(dialog.isValid());
    QVERIFY(dialog.runButton()->isEnabled());

    const int row = dialog.addParameter(name, value);
    QCOMPARE(row, 1);
    QVERIFY(!dialog.isValid());
    QVERIFY(!dialog.runButton()->isEnabled());
    QCOMPARE(dialog.invalidParameterRows(), QList<int> { 1 });
    QVERIFY(rowIsMarked(dialog.parametersTable(), 1));
    QVERIFY(!rowIsMarked(dialog.parametersTable(), 0));
    QVERIFY2(dialog.parameterError().startsWith(QStringLiteral("Row 2:")),
             qPrintable(dialog.parameterError()));
    QVERIFY2(dialog.parameterError().contains(why), qPrintable(dialog.parameterError()));
    auto *error = dialog.findChild<QLabel *>(QStringLiteral("parameterError"));
    QVERIFY(error && !error->isHidden() && error->text() == dialog.parameterError());
    QCOMPARE(validity.count(), 1);
    QCOMPARE(validity.last().first().toBool(), false);

    // Fixing the name in the cell (as an edit commits it) clears the mark and enables Run.
    dialog.parametersTable()->item(1, RunDialog::NameColumn)->setText(QStringLiteral("OTHER_1"));
    QVERIFY(dialog.isValid());
    QVERIFY(dialog.runButton()->isEnabled());
    QVERIFY(!rowIsMarked(dialog.parametersTable(), 1));
    QVERIFY(error->isHidden());
    QCOMPARE(validity.count(), 2);
    QCOMPARE(dialog.parameters().value(QStringLiteral("OTHER_1")), value);
}

void TestRunDialog::typingIsCheckedLive()
{
    RunDialog dialog(churnProject(), nightlyPipeline());
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    // The Add button opens the new row's name for editing.
    auto *add = dialog.findChild<QToolButton *>(QStringLiteral("addParameter"));
    QVERIFY(add);
    QTest::mouseClick(add, Qt::LeftButton);
    QCOMPARE(dialog.parameterRowCount(), 1);
    QLineEdit *editor = nullptr;
    QTRY_VERIFY((editor = qobject_cast<QLineEdit *>(QApplication::focusWidget())));

    QTest::keyClicks(editor, QStringLiteral("9"));
    // Not committed by leaving the cell: checked as typed.
    QVERIFY(!dialog.runButton()->isEnabled());
    QCOMPARE(dialog.invalidParameterRows(), QList<int> { 0 });
    QTest::keyClick(editor, Qt::Key_Backspace);
    QTest::keyClicks(editor, QStringLiteral("RUN_DAY"));
    QVERIFY(dialog.runButton()->isEnabled());
    QCOMPARE(editor->text(), QStringLiteral("RUN_DAY")); // the echo left the editor alone
    QCOMPARE(editor->cursorPosition(), 7);
    QCOMPARE(dialog.parameters().keys(), QStringList { "RUN_DAY" });
}

void TestRunDialog::requestCarriesEverything()
{
    RunDialog dialog(churnProject(), nightlyPipeline());
    QVERIFY(dialog.setEnvironment(QStringLiteral("staging")));
    dialog.setParameters({ { QStringLiteral("DAY"), QStringLiteral("2026-11-01") },
                           { QStringLiteral("_mode"), QStringLiteral("full run") } });
    dialog.addParameter(QStringLiteral("  PADDED "), QStringLiteral(" kept as typed "));
    dialog.setParallelism(3);
    QCOMPARE(dialog.parameterRowCount(), 3);
    QVERIFY(dialog.isValid());

    const RunRequest request = dialog.request();
    QCOMPARE(request.project, QStringLiteral("churn"));
    QCOMPARE(request.pipeline, QStringLiteral("nightly"));
    QCOMPARE(request.environment, QStringLiteral("staging"));
    const QMap<QString, QString> expected { { "DAY", "2026-11-01" },
                                            { "_mode", "full run" },
                                            { "PADDED", " kept as typed " } };
    QCOMPARE(request.parameters, expected);
    QCOMPARE(request.parallelism, 3);
    QCOMPARE(request.trigger, QStringLiteral("manual"));
    QCOMPARE(request.actor, currentUser());
    QVERIFY(!request.actor.isEmpty());

    // setParameters replaces the rows.
    dialog.setParameters({ { QStringLiteral("ONLY"), QStringLiteral("1") } });
    QCOMPARE(dialog.parameterRowCount(), 1);
    QCOMPARE(dialog.request().parameters.keys(), QStringList { "ONLY" });
    dialog.setParallelism(0);
    QCOMPARE(dialog.request().parallelism, 0);
}

void TestRunDialog::blankRowsAreIgnored()
{
    RunDialog dialog(churnProject(), nightlyPipeline());
    dialog.addParameter();
    dialog.addParameter(QStringLiteral("A"), QStringLiteral("1"));
    dialog.addParameter(QStringLiteral("   "), QString());
    QVERIFY(dialog.isValid());
    QCOMPARE(dialog.parameters(), (QMap<QString, QString> { { "A", "1" } }));
}

void TestRunDialog::removingRows()
{
    RunDialog dialog(churnProject(), nightlyPipeline());
    QAbstractItemModelTester tester(dialog.parametersTable()->model());
    dialog.addParameter(QStringLiteral("A"), QStringLiteral("1"));
    dialog.addParameter(QStringLiteral("1BAD"), QStringLiteral("2"));
    dialog.addParameter(QStringLiteral("C"), QStringLiteral("3"));
    QCOMPARE(dialog.invalidParameterRows(), QList<int> { 1 });
    QVERIFY(!dialog.runButton()->isEnabled());

    dialog.removeParameter(1);
    QCOMPARE(dialog.parameterRowCount(), 2);
    QVERIFY(dialog.isValid());
    QVERIFY(dialog.runButton()->isEnabled());
    QCOMPARE(dialog.parameters(), (QMap<QString, QString> { { "A", "1" }, { "C", "3" } }));
    dialog.removeParameter(7); // out of range: nothing
    QCOMPARE(dialog.parameterRowCount(), 2);

    // The Remove button takes the selected rows.
    auto *remove = dialog.findChild<QToolButton *>(QStringLiteral("removeParameter"));
    QVERIFY(remove);
    QTableWidget *table = dialog.parametersTable();
    table->clearSelection();
    table->setCurrentCell(-1, -1);
    QVERIFY(!remove->isEnabled());
    table->selectRow(0);
    QVERIFY(remove->isEnabled());
    remove->click();
    QCOMPARE(dialog.parameters(), (QMap<QString, QString> { { "C", "3" } }));
    table->selectRow(0);
    remove->click();
    QCOMPARE(dialog.parameterRowCount(), 0);
    QVERIFY(!remove->isEnabled());
    QCOMPARE(dialog.request().parameters, (QMap<QString, QString> {}));

    // Removing the first of two equal names makes the second one valid.
    dialog.addParameter(QStringLiteral("X"), QStringLiteral("1"));
    dialog.addParameter(QStringLiteral("X"), QStringLiteral("2"));
    QCOMPARE(dialog.invalidParameterRows(), QList<int> { 1 });
    dialog.removeParameter(0);
    QVERIFY(dialog.isValid());
    QCOMPARE(dialog.parameters(), (QMap<QString, QString> { { "X", "2" } }));
}

void TestRunDialog::acceptRefusesInvalidInput()
{
    RunDialog dialog(churnProject(), nightlyPipeline());
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    QSignalSpy accepted(&dialog, &QDialog::accepted);
    dialog.addParameter(QStringLiteral("A-B"), QStringLiteral("1"));
    dialog.accept();
    QCOMPARE(accepted.count(), 0);
    QVERIFY(dialog.isVisible());
    QCOMPARE(dialog.parametersTable()->currentRow(), 0); // points at what to fix

    dialog.parametersTable()->item(0, RunDialog::NameColumn)->setText(QStringLiteral("A_B"));
    dialog.accept();
    QCOMPARE(accepted.count(), 1);
    QCOMPARE(dialog.result(), int(QDialog::Accepted));
}

QTEST_MAIN(TestRunDialog)
#include "tst_rundialog.moc"
