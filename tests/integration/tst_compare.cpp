// `baton compare` on real runs of the demo workspace, through the real binary.
#include "fixture.h"
#include "store/workspace.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Baton::IntegrationTest;

namespace {

QJsonObject find(const QJsonArray &array, const QString &key, const QString &value)
{
    for (const QJsonValue &v : array) {
        if (v.toObject().value(key).toString() == value)
            return v.toObject();
    }
    return {};
}

} // namespace

class TestCompare : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    TestWorkspaces m_spaces;
    QString m_ws;

    Result inWs(QStringList args)
    {
        args.prepend(m_ws);
        args.prepend(QStringLiteral("--workspace"));
        return runBaton(args);
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_ws = m_spaces.address(m_dir.filePath(QStringLiteral("ws")));
        QCOMPARE(inWs({ QStringLiteral("init"), QStringLiteral("--demo") }).exitCode, 0);
        // A good run in dev, and a failing one in prod (where the secret API_TOKEN applies).
        QCOMPARE(inWs({ QStringLiteral("run"), QStringLiteral("churn/nightly"),
                        QStringLiteral("--wait") })
                     .exitCode,
                 0);
        QCOMPARE(inWs({ QStringLiteral("run"), QStringLiteral("churn/nightly"),
                        QStringLiteral("--env"), QStringLiteral("prod"), QStringLiteral("--param"),
                        QStringLiteral("SIMULATE_FAILURE=train"), QStringLiteral("--wait") })
                     .exitCode,
                 1);
    }

    void text()
    {
        const Result r
            = inWs({ QStringLiteral("compare"), QStringLiteral("1"), QStringLiteral("2") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QLatin1String("RUN 1")), qPrintable(r.out));
        QVERIFY(r.out.contains(
            QRegularExpression(QStringLiteral("\\*\\s+environment\\s+dev\\s+prod"))));
        QVERIFY(r.out.contains(
            QRegularExpression(QStringLiteral("\\*\\s+train\\s+succeeded\\s+failed"))));
        QVERIFY(r.out.contains(
            QRegularExpression(QStringLiteral("\\n\\s+extract\\s+succeeded\\s+succeeded"))));
        QVERIFY(r.out.contains(QLatin1String("difference(s) between run 1 and run 2")));
        // The prod secret shows as *** and its value never leaves the workspace.
        QVERIFY(r.out.contains(QLatin1String("*** (environment)")));
        QVERIFY(!r.out.contains(QLatin1String("pd-demo-7f3a9c1e")));
    }

    void json()
    {
        const Result r = inWs({ QStringLiteral("compare"), QStringLiteral("1"), QStringLiteral("2"),
                                QStringLiteral("--json") });
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o.value(QStringLiteral("run_a")).toInt(), 1);
        QCOMPARE(o.value(QStringLiteral("run_b")).toInt(), 2);
        QVERIFY(o.value(QStringLiteral("differences")).toInt() > 3);
        const QJsonObject train = find(o.value(QStringLiteral("tasks")).toArray(),
                                       QStringLiteral("task"), QStringLiteral("train"));
        QCOMPARE(train.value(QStringLiteral("state_a")).toString(), QStringLiteral("succeeded"));
        QCOMPARE(train.value(QStringLiteral("state_b")).toString(), QStringLiteral("failed"));
        QCOMPARE(train.value(QStringLiteral("exit_code_a")).toInt(), 0);
        QVERIFY(train.value(QStringLiteral("exit_code_b")).toInt() != 0);
        QVERIFY(train.value(QStringLiteral("differs")).toBool());
        const QJsonObject extract = find(o.value(QStringLiteral("tasks")).toArray(),
                                         QStringLiteral("task"), QStringLiteral("extract"));
        // Whatever the deployed pipeline versions, both runs ran the same extract version.
        QVERIFY(QRegularExpression(QStringLiteral("^extract v[0-9]+$"))
                    .match(extract.value(QStringLiteral("version_a")).toString())
                    .hasMatch());
        QCOMPARE(extract.value(QStringLiteral("version_b")),
                 extract.value(QStringLiteral("version_a")));
        QVERIFY(extract.value(QStringLiteral("duration_ms_a")).toInteger() > 0);
        const QJsonObject env = find(o.value(QStringLiteral("fields")).toArray(),
                                     QStringLiteral("field"), QStringLiteral("environment"));
        QCOMPARE(env.value(QStringLiteral("a")).toString(), QStringLiteral("dev"));
        QVERIFY(env.value(QStringLiteral("differs")).toBool());
        const QJsonObject param
            = find(o.value(QStringLiteral("fields")).toArray(), QStringLiteral("field"),
                   QStringLiteral("parameter SIMULATE_FAILURE"));
        QCOMPARE(param.value(QStringLiteral("b")).toString(), QStringLiteral("train"));
        QVERIFY(!r.out.contains(QLatin1String("pd-demo-7f3a9c1e")));

        // --only-differences leaves out what is equal.
        const Result only
            = inWs({ QStringLiteral("compare"), QStringLiteral("1"), QStringLiteral("2"),
                     QStringLiteral("--json"), QStringLiteral("--only-differences") });
        const QJsonObject d = QJsonDocument::fromJson(only.out.toUtf8()).object();
        for (const QJsonValue &t : d.value(QStringLiteral("tasks")).toArray())
            QVERIFY(t.toObject().value(QStringLiteral("differs")).toBool());
        QVERIFY(find(d.value(QStringLiteral("tasks")).toArray(), QStringLiteral("task"),
                     QStringLiteral("extract"))
                    .isEmpty());
    }

    void badInput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("message");
        QTest::newRow("one run") << QStringList { QStringLiteral("1") } << 2
                                 << QStringLiteral("usage: baton compare");
        QTest::newRow("three runs")
            << QStringList { QStringLiteral("1"), QStringLiteral("2"), QStringLiteral("3") } << 2
            << QStringLiteral("usage: baton compare");
        QTest::newRow("not a number") << QStringList { QStringLiteral("1"), QStringLiteral("x") }
                                      << 1 << QStringLiteral("'x' is not a run id");
        QTest::newRow("no such run") << QStringList { QStringLiteral("1"), QStringLiteral("99") }
                                     << 1 << QStringLiteral("no run 99");
    }

    void badInput()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, message);
        args.prepend(QStringLiteral("compare"));
        const Result r = inWs(args);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY(r.out.isEmpty());
    }

    // Issue #17: the last task of run 1 ran again two minutes later (as a retry by hand does):
    // `baton show` and `baton compare` still give the time its attempts ran, for the task and
    // for the run, not the two minutes of idle time.
    void durationsCountOnlyWhatRan()
    {
        const auto shown = [this] {
            const Result r
                = inWs({ QStringLiteral("show"), QStringLiteral("1"), QStringLiteral("--json") });
            return QJsonDocument::fromJson(r.out.toUtf8()).array().at(0).toObject();
        };
        const QJsonObject before = shown();
        const qint64 runMs = before.value(QStringLiteral("duration_ms")).toInteger(-1);
        QVERIFY2(runMs > 0, qPrintable(QJsonDocument(before).toJson()));

        QString last;
        {
            const Baton::Workspace direct(m_ws,
                                          Baton::Workspace::Mode::MustExist); // either backend
            QSqlQuery q(direct.store().db());
            QVERIFY(q.exec(QStringLiteral("SELECT t.task_name, a.started_at, a.finished_at FROM "
                                          "task_attempts a JOIN task_runs t ON t.id = "
                                          "a.task_run_id WHERE t.run_id = 1 ORDER BY "
                                          "a.started_at")));
            qint64 lastStart = 0;
            while (q.next()) { // the last task to start
                last = q.value(0).toString();
                lastStart = q.value(1).toLongLong();
            }
            QVERIFY(q.exec(QStringLiteral("SELECT max(a.finished_at) FROM task_attempts a JOIN "
                                          "task_runs t ON t.id = a.task_run_id WHERE t.run_id = 1 "
                                          "AND t.task_name <> '%1'")
                               .arg(last)));
            QVERIFY(q.next());
            QVERIFY2(q.value(0).toLongLong() <= lastStart, "the last task ran alone");
            for (const QString &sql :
                 { QStringLiteral("UPDATE task_attempts SET started_at = started_at + 120000, "
                                  "running_at_us = running_at_us + 120000000, finished_at = "
                                  "finished_at + 120000 WHERE task_run_id = "
                                  "(SELECT id FROM task_runs WHERE run_id = 1 AND task_name = "
                                  "'%1')"),
                   QStringLiteral("UPDATE task_runs SET finished_at = finished_at + 120000 WHERE "
                                  "run_id = 1 AND task_name = '%1'"),
                   QStringLiteral("UPDATE runs SET finished_at = finished_at + 120000 WHERE id = "
                                  "1") })
                QVERIFY2(q.exec(sql.arg(last)), qPrintable(sql));
        }

        const QJsonObject after = shown();
        QCOMPARE(after.value(QStringLiteral("duration_ms")).toInteger(), runMs);
        const QJsonObject taskBefore
            = find(before.value(QStringLiteral("tasks")).toArray(), QStringLiteral("name"), last);
        const QJsonObject taskAfter
            = find(after.value(QStringLiteral("tasks")).toArray(), QStringLiteral("name"), last);
        const qint64 taskMs = taskBefore.value(QStringLiteral("duration_ms")).toInteger(-1);
        QVERIFY(taskMs >= 0);
        QCOMPARE(taskAfter.value(QStringLiteral("duration_ms")).toInteger(), taskMs);
        // The text says the same: no run of the demo takes two minutes.
        const Result text = inWs({ QStringLiteral("show"), QStringLiteral("1") });
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(!text.out.contains(QRegularExpression(QStringLiteral("duration [0-9]+m"))),
                 qPrintable(text.out));
        const Result cmp = inWs({ QStringLiteral("compare"), QStringLiteral("1"),
                                  QStringLiteral("2"), QStringLiteral("--json") });
        const QJsonObject task = find(QJsonDocument::fromJson(cmp.out.toUtf8())
                                          .object()
                                          .value(QStringLiteral("tasks"))
                                          .toArray(),
                                      QStringLiteral("task"), last);
        QCOMPARE(task.value(QStringLiteral("duration_ms_a")).toInteger(), taskMs);
        const QJsonObject field = find(QJsonDocument::fromJson(cmp.out.toUtf8())
                                           .object()
                                           .value(QStringLiteral("fields"))
                                           .toArray(),
                                       QStringLiteral("field"), QStringLiteral("duration"));
        QVERIFY2(!field.value(QStringLiteral("a"))
                      .toString()
                      .contains(QRegularExpression(QStringLiteral("[0-9]m "))),
                 qPrintable(field.value(QStringLiteral("a")).toString()));
    }
};

QTEST_GUILESS_MAIN(TestCompare)
#include "tst_compare.moc"
