// The facts of a run detail: the Variables tab shows what each job really got, including
// what its command sets inline (the demo's `MODEL_VERSION=v7 python3 train.py`).
#include "monitoring/rundetail.h"
#include "runs/runfactsmodel.h"

#include <QAbstractItemModelTester>
#include <QTest>

using namespace Baton;
using Baton::Ui::RunFactsModel;

namespace {

RunDetail demoRun()
{
    RunDetail d;
    d.id = 14;
    d.variables << VariableDetail { QStringLiteral("MODEL_VERSION"), QStringLiteral("v6"),
                                    QStringLiteral("project") };
    d.variables << VariableDetail { QStringLiteral("API_TOKEN"), RunDetail::Masked,
                                    QStringLiteral("environment"), true };
    TaskDetail extract;
    extract.name = QStringLiteral("extract");
    extract.version.job = QStringLiteral("extract");
    extract.version.number = 2;
    extract.version.command = QStringLiteral("./extract.sh");
    TaskDetail train;
    train.name = QStringLiteral("train");
    train.version.job = QStringLiteral("train");
    train.version.number = 3;
    train.version.command = QStringLiteral("MODEL_VERSION=v7 python3 train.py");
    TaskDetail score;
    score.name = QStringLiteral("score");
    score.version.job = QStringLiteral("score");
    score.version.number = 2;
    score.version.command = QStringLiteral("TOKEN=*** DECISION_THRESHOLD=0.35 python3 score.py");
    d.tasks << extract << train << score;
    return d;
}

int rowOf(const RunFactsModel &m, const QString &name, const QString &scope)
{
    for (int r = 0; r < m.rowCount(); ++r) {
        if (m.text(r, 0) == name && m.text(r, 2) == scope)
            return r;
    }
    return -1;
}

} // namespace

class TestRunFactsModel : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void variablesIncludeWhatCommandsSetInline()
    {
        RunFactsModel model(RunFactsModel::Kind::Variables);
        QAbstractItemModelTester tester(&model);
        model.setDetail(demoRun());
        // The project's value, and train's own, each said where it comes from.
        const int project
            = rowOf(model, QStringLiteral("MODEL_VERSION"), QStringLiteral("project"));
        const int inlined
            = rowOf(model, QStringLiteral("MODEL_VERSION"), QStringLiteral("command of train"));
        QVERIFY(project >= 0);
        QVERIFY(inlined >= 0);
        QCOMPARE(model.text(project, 1), QStringLiteral("v6"));
        QCOMPARE(model.text(inlined, 1), QStringLiteral("v7"));
        QVERIFY(model.index(inlined, 1)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("the job got this value")));
        const int threshold = rowOf(model, QStringLiteral("DECISION_THRESHOLD"),
                                    QStringLiteral("command of score"));
        QVERIFY(threshold >= 0);
        QCOMPARE(model.text(threshold, 1), QStringLiteral("0.35"));
        // A secret in a command is masked already and stays marked secret.
        const int token = rowOf(model, QStringLiteral("TOKEN"), QStringLiteral("command of score"));
        QVERIFY(token >= 0);
        QCOMPARE(model.text(token, 1), RunDetail::Masked);
        QVERIFY(model.index(token, 1).data(RunFactsModel::SecretRole).toBool());
        // A command setting nothing adds nothing.
        for (int r = 0; r < model.rowCount(); ++r)
            QVERIFY(model.text(r, 2) != QLatin1String("command of extract"));
    }
};

QTEST_MAIN(TestRunFactsModel)
#include "tst_runfactsmodel.moc"
