// The variables a job's command sets for itself (`MODEL_VERSION=v7 python3 train.py`), as
// /bin/sh -c hands them to the job: what a run's Variables tab adds to the resolved ones.
#include "executors/inlineassignments.h"

#include <QProcess>
#include <QTest>

using namespace Baton;

class TestInlineAssignments : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void parses_data()
    {
        QTest::addColumn<QString>("command");
        QTest::addColumn<QStringList>("expected"); // NAME=value, in order
        QTest::newRow("the demo's train")
            << "MODEL_VERSION=v7 python3 train.py" << QStringList { "MODEL_VERSION=v7" };
        QTest::newRow("two") << "  A=1 B_2=two ./run.sh --x=3" << QStringList { "A=1", "B_2=two" };
        QTest::newRow("quoted") << "MSG='hello world' NOTE=\"a \\\"b\\\"\" echo"
                                << QStringList { "MSG=hello world", "NOTE=a \"b\"" };
        QTest::newRow("empty value") << "DEBUG= ./job.sh" << QStringList { "DEBUG=" };
        QTest::newRow("through env") << "env LANG=C sort data" << QStringList { "LANG=C" };
        QTest::newRow("expanded: shown as written")
            << "OUT=$HOME/out ./job.sh" << QStringList { "OUT=$HOME/out" };
        QTest::newRow("none") << "python3 train.py --model=v7" << QStringList {};
        QTest::newRow("an argument is not one") << "./job.sh A=1" << QStringList {};
        QTest::newRow("a shell variable, not the job's") << "A=1; ./job.sh" << QStringList {};
        QTest::newRow("a shell variable before a separator") << "A=1 ; ./job.sh" << QStringList {};
        QTest::newRow("nothing runs after it") << "A=1" << QStringList {};
        QTest::newRow("open quote") << "A='x ./job.sh" << QStringList {};
        QTest::newRow("not a name") << "1A=2 ./job.sh" << QStringList {};
        QTest::newRow("empty") << "" << QStringList {};
    }
    void parses()
    {
        QFETCH(QString, command);
        QFETCH(QStringList, expected);
        QStringList got;
        for (const InlineAssignment &a : inlineAssignments(command))
            got << a.name + QLatin1Char('=') + a.value;
        QCOMPARE(got, expected);
    }

    // The literal values are what /bin/sh really hands the job.
    void agreesWithTheShell_data()
    {
        QTest::addColumn<QString>("command");
        QTest::newRow("plain") << "MODEL_VERSION=v7 B=2";
        QTest::newRow("quoted") << "MSG='hello world' NOTE=\"a \\\"b\\\"\" C=x\\ y";
        QTest::newRow("env") << "env LANG=C";
    }
    void agreesWithTheShell()
    {
        QFETCH(QString, command);
        const QList<InlineAssignment> parsed = inlineAssignments(command + QStringLiteral(" env"));
        QVERIFY(!parsed.isEmpty());
        QProcess sh;
        sh.start(QStringLiteral("/bin/sh"),
                 { QStringLiteral("-c"), command + QStringLiteral(" env") });
        QVERIFY(sh.waitForFinished(10000));
        const QStringList environment = QString::fromUtf8(sh.readAllStandardOutput()).split(u'\n');
        for (const InlineAssignment &a : parsed) {
            QVERIFY(a.literal);
            QVERIFY2(environment.contains(a.name + QLatin1Char('=') + a.value),
                     qPrintable(a.name + QLatin1Char('=') + a.value));
        }
    }
};

QTEST_GUILESS_MAIN(TestInlineAssignments)
#include "tst_inlineassignments.moc"
