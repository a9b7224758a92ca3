#include "engine/runretry.h"
#include "rundata.h"
#include "store/projectwriter.h"
#include "testspecs.h"
#include "util/error.h"
#include "workspacefixture.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace Baton;
using namespace Baton::Test;

namespace {

constexpr auto kParamSecret = "param-secret-42";
constexpr auto kProjectSecret = "s3cr3t-token"; // churn's API_TOKEN in prod

} // namespace

class TestRunRetry : public QObject
{
    Q_OBJECT
private:
    WorkspaceFixture m_fx;
    qint64 m_run = 0;

    QSqlDatabase db() const { return m_fx.db(); }

    QMap<QString, QString> storedParameters(qint64 run) const
    {
        return Test::storedParameters(db(), run);
    }

    int count(const QString &table) const
    {
        return Sql::scalar(db(), QStringLiteral("SELECT count(*) FROM ") + table).toInt();
    }

    QJsonObject lastAudit(const QString &action, QString *details = nullptr) const
    {
        QSqlQuery q = Sql::exec(db(),
                                QStringLiteral("SELECT after, details FROM audit_events WHERE "
                                               "action = ? ORDER BY id DESC LIMIT 1"),
                                { action });
        if (!q.next())
            return {};
        if (details)
            *details = q.value(1).toString();
        return QJsonDocument::fromJson(q.value(0).toString().toUtf8()).object();
    }

    RetryRequest request(const QMap<QString, QString> &parameters,
                         const QStringList &keep = {}) const
    {
        RetryRequest r;
        r.runId = m_run;
        r.parameters = parameters;
        r.keepSecrets = keep;
        r.actor = QStringLiteral("ops");
        return r;
    }

private Q_SLOTS:
    void init()
    {
        m_fx.renew();
        ProjectWriter::apply(m_fx.store(), { churnProject() }, QStringLiteral("tester"));
        // In prod: API_TOKEN overrides the project's secret; NOTE holds the overriding value.
        m_run
            = queueRun(m_fx.store(), QStringLiteral("churn"), QStringLiteral("nightly"),
                       QStringLiteral("prod"),
                       { { QStringLiteral("BATCH"), QStringLiteral("500") },
                         { QStringLiteral("API_TOKEN"), QLatin1String(kParamSecret) },
                         { QStringLiteral("NOTE"),
                           QStringLiteral("token %1 rotated").arg(QLatin1String(kParamSecret)) } });
        recordRun(m_fx.workspace(), m_run, QStringLiteral("failed"), 1000, 2000);
    }

    void draftShowsWhatMayBeShown()
    {
        const RetryDraft d = RunRetry::draft(db(), m_run);
        QCOMPARE(d.runId, m_run);
        QCOMPARE(d.project, QStringLiteral("churn"));
        QCOMPARE(d.pipeline, QStringLiteral("nightly"));
        QCOMPARE(d.environment, QStringLiteral("prod"));
        QCOMPARE(d.pipelineVersion, 1);
        QCOMPARE(d.deployedVersion, 1);
        QCOMPARE(d.parameters.value(QStringLiteral("BATCH")), QStringLiteral("500"));
        // A secret's override, and a value holding a secret: named, never valued.
        QCOMPARE(d.secretParameters,
                 QStringList({ QStringLiteral("API_TOKEN"), QStringLiteral("NOTE") }));
        QVERIFY(d.parameters.contains(QStringLiteral("API_TOKEN")));
        QCOMPARE(d.parameters.value(QStringLiteral("API_TOKEN")), QString());
        QCOMPARE(d.parameters.value(QStringLiteral("NOTE")), QString());
        QVERIFY(!d.isSecret(QStringLiteral("BATCH")));
        for (const QString &value : d.parameters) {
            QVERIFY(!value.contains(QLatin1String(kParamSecret)));
            QVERIFY(!value.contains(QLatin1String(kProjectSecret)));
        }
        // The project's variables (any scope) and the run's own parameters.
        for (const char *name : { "API_TOKEN", "BATCH", "DB_URL", "NOTE" })
            QVERIFY2(d.declared.contains(QLatin1String(name)), name);
        QVERIFY(!d.declared.contains(QStringLiteral("THRESHOLD")));
    }

    void draftOfNoRun() { QVERIFY_THROWS_EXCEPTION(Error, RunRetry::draft(db(), 9999)); }

    void unchangedSecretIsResolvedInCore()
    {
        const qint64 run
            = RunRetry::submit(m_fx.store(),
                               request({ { QStringLiteral("BATCH"), QStringLiteral("900") } },
                                       { QStringLiteral("API_TOKEN"), QStringLiteral("NOTE") }));
        QVERIFY(run > m_run);
        const QMap<QString, QString> params = storedParameters(run);
        QCOMPARE(params.value(QStringLiteral("BATCH")), QStringLiteral("900"));
        QCOMPARE(params.value(QStringLiteral("API_TOKEN")), QLatin1String(kParamSecret));
        QCOMPARE(params.value(QStringLiteral("NOTE")),
                 QStringLiteral("token %1 rotated").arg(QLatin1String(kParamSecret)));
        QCOMPARE(params.size(), 3);

        // A new run, linked to the old one, in its environment, queued.
        QSqlQuery q = Sql::exec(db(),
                                QStringLiteral("SELECT r.trigger, r.rerun_of, e.name, r.state, "
                                               "r.requested_by FROM runs r JOIN environments e ON "
                                               "e.id = r.environment_id WHERE r.id = ?"),
                                { run });
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("rerun"));
        QCOMPARE(q.value(1).toLongLong(), m_run);
        QCOMPARE(q.value(2).toString(), QStringLiteral("prod"));
        QCOMPARE(q.value(3).toString(), QStringLiteral("queued"));
        QCOMPARE(q.value(4).toString(), QStringLiteral("ops"));
        QCOMPARE(Sql::scalar(db(),
                             QStringLiteral("SELECT count(*) FROM task_runs WHERE run_id = ?"),
                             { run })
                     .toInt(),
                 4);
        // The old run is untouched.
        QCOMPARE(storedParameters(m_run).value(QStringLiteral("BATCH")), QStringLiteral("500"));

        // Audited with names, never values.
        QString details;
        const QJsonObject after = lastAudit(QStringLiteral("run.retry"), &details);
        QCOMPARE(details, QStringLiteral("run again of run #%1").arg(m_run));
        QCOMPARE(after.value(QStringLiteral("run")).toInteger(), run);
        QCOMPARE(after.value(QStringLiteral("changed")).toVariant().toStringList(),
                 QStringList { QStringLiteral("BATCH") });
        QCOMPARE(after.value(QStringLiteral("secrets_kept")).toVariant().toStringList(),
                 QStringList({ QStringLiteral("API_TOKEN"), QStringLiteral("NOTE") }));
        // Joined here: group_concat is SQLite's, string_agg PostgreSQL's.
        QString everything;
        QSqlQuery all = Sql::exec(db(),
                                  QStringLiteral("SELECT COALESCE(before, '') || COALESCE(after, "
                                                 "'') || COALESCE(details, '') FROM audit_events"));
        while (all.next())
            everything += all.value(0).toString() + QLatin1Char(' ');
        QVERIFY(!everything.contains(QLatin1String(kParamSecret)));
        QVERIFY(!everything.contains(QLatin1String(kProjectSecret)));
    }

    void typedSecretReplacesIt()
    {
        const qint64 run
            = RunRetry::submit(m_fx.store(),
                               request({ { QStringLiteral("API_TOKEN"), QStringLiteral("new-99") },
                                         { QStringLiteral("BATCH"), QStringLiteral("500") } }));
        const QMap<QString, QString> params = storedParameters(run);
        QCOMPARE(params.value(QStringLiteral("API_TOKEN")), QStringLiteral("new-99"));
        // Neither given nor kept: NOTE is dropped (the run gets what its scopes define).
        QVERIFY(!params.contains(QStringLiteral("NOTE")));
        const QJsonObject after = lastAudit(QStringLiteral("run.retry"));
        QCOMPARE(after.value(QStringLiteral("secrets_replaced")).toVariant().toStringList(),
                 QStringList { QStringLiteral("API_TOKEN") });
        QCOMPARE(after.value(QStringLiteral("changed")).toVariant().toStringList(), QStringList());
        QCOMPARE(after.value(QStringLiteral("removed")).toVariant().toStringList(),
                 QStringList { QStringLiteral("NOTE") });
    }

    void otherEnvironmentAndLimit()
    {
        RetryRequest r = request({}, { QStringLiteral("API_TOKEN") });
        r.environment = QStringLiteral("dev");
        r.parallelism = 3;
        const qint64 run = RunRetry::submit(m_fx.store(), r);
        QSqlQuery q = Sql::exec(db(),
                                QStringLiteral("SELECT e.name, r.parallelism FROM runs r JOIN "
                                               "environments e ON e.id = r.environment_id WHERE "
                                               "r.id = ?"),
                                { run });
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("dev"));
        QCOMPARE(q.value(1).toInt(), 3);
    }

    // `baton rerun RUN --new --param K=V --unset K`: plain values carried, secrets kept.
    void withChanges()
    {
        const RetryDraft d = RunRetry::draft(db(), m_run);
        RetryRequest r = RunRetry::withChanges(
            d, { { QStringLiteral("BATCH"), QStringLiteral("900") } }, { QStringLiteral("NOTE") });
        QCOMPARE(r.runId, m_run);
        QCOMPARE(r.parameters,
                 (QMap<QString, QString> { { QStringLiteral("BATCH"), QStringLiteral("900") } }));
        QCOMPARE(r.keepSecrets, QStringList { QStringLiteral("API_TOKEN") });
        // A secret given a value is replaced, not kept.
        r = RunRetry::withChanges(d, { { QStringLiteral("API_TOKEN"), QStringLiteral("x") } }, {});
        QCOMPARE(r.keepSecrets, QStringList { QStringLiteral("NOTE") });
        QCOMPARE(r.parameters.value(QStringLiteral("API_TOKEN")), QStringLiteral("x"));
        QCOMPARE(r.parameters.value(QStringLiteral("BATCH")), QStringLiteral("500"));
        // Through submit, the kept secret reaches the new run.
        r.actor = QStringLiteral("ops");
        const qint64 run = RunRetry::submit(m_fx.store(), r);
        QCOMPARE(storedParameters(run).value(QStringLiteral("NOTE")),
                 QStringLiteral("token %1 rotated").arg(QLatin1String(kParamSecret)));

        try {
            RunRetry::withChanges(d, {}, { QStringLiteral("NOPE") });
            QFAIL("accepted");
        } catch (const Error &e) {
            QVERIFY2(
                e.message().contains(QStringLiteral("run %1 has no parameter NOPE").arg(m_run)),
                qPrintable(e.message()));
        }
        QVERIFY_THROWS_EXCEPTION(
            Error,
            RunRetry::withChanges(d, { { QStringLiteral("BATCH"), QStringLiteral("1") } },
                                  { QStringLiteral("BATCH") }));
    }

    void nameRules_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("error");
        QTest::newRow("declared") << "DB_URL"
                                  << "";
        QTest::newRow("run's own") << "BATCH"
                                   << "";
        QTest::newRow("empty") << ""
                               << "a parameter has no name";
        QTest::newRow("blank") << "  "
                               << "a parameter has no name";
        QTest::newRow("invalid") << "1X"
                                 << "'1X' is not a valid parameter name";
        QTest::newRow("undeclared") << "BACTH"
                                    << "did you mean 'BATCH'?";
    }

    void nameRules()
    {
        QFETCH(QString, name);
        QFETCH(QString, error);
        const QStringList declared { QStringLiteral("BATCH"), QStringLiteral("DB_URL") };
        const QString got = RunRetry::nameError(name, declared);
        if (error.isEmpty())
            QCOMPARE(got, QString());
        else
            QVERIFY2(got.contains(error), qPrintable(got));
    }

    void badInputCreatesNothing_data()
    {
        QTest::addColumn<QStringList>("names");
        QTest::addColumn<QStringList>("keep");
        QTest::addColumn<QString>("environment");
        QTest::addColumn<qint64>("runId");
        QTest::addColumn<QString>("error");
        QTest::newRow("undeclared")
            << QStringList { "THRESHOLD" } << QStringList() << QString() << qint64(0)
            << "'THRESHOLD' is neither a variable of the pipeline's project nor a parameter";
        QTest::newRow("typo") << QStringList { "BACTH" } << QStringList() << QString() << qint64(0)
                              << "did you mean 'BATCH'?";
        QTest::newRow("empty name") << QStringList { "" } << QStringList() << QString() << qint64(0)
                                    << "a parameter has no name";
        QTest::newRow("keep a plain one")
            << QStringList() << QStringList { "BATCH" } << QString() << qint64(0)
            << "'BATCH' is not a secret parameter of run";
        QTest::newRow("keep an unknown one")
            << QStringList() << QStringList { "NOPE" } << QString() << qint64(0)
            << "'NOPE' is not a secret parameter of run";
        QTest::newRow("kept and given")
            << QStringList { "API_TOKEN" } << QStringList { "API_TOKEN" } << QString() << qint64(0)
            << "'API_TOKEN' is given a new value and kept unchanged";
        QTest::newRow("no environment") << QStringList() << QStringList() << "nowhere" << qint64(0)
                                        << "has no environment 'nowhere'";
        QTest::newRow("no run") << QStringList() << QStringList() << QString() << qint64(9999)
                                << "no run 9999";
    }

    void badInputCreatesNothing()
    {
        QFETCH(QStringList, names);
        QFETCH(QStringList, keep);
        QFETCH(QString, environment);
        QFETCH(qint64, runId);
        QFETCH(QString, error);
        QMap<QString, QString> params;
        for (const QString &name : names)
            params.insert(name, QStringLiteral("1"));
        RetryRequest r = request(params, keep);
        r.environment = environment;
        if (runId)
            r.runId = runId;
        const int runs = count(QStringLiteral("runs"));
        const int tasks = count(QStringLiteral("task_runs"));
        const int audits = count(QStringLiteral("audit_events"));
        try {
            RunRetry::submit(m_fx.store(), r);
            QFAIL("accepted");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(error), qPrintable(e.message()));
        }
        QCOMPARE(count(QStringLiteral("runs")), runs);
        QCOMPARE(count(QStringLiteral("task_runs")), tasks);
        QCOMPARE(count(QStringLiteral("audit_events")), audits);
    }
};

QTEST_GUILESS_MAIN(TestRunRetry)
#include "tst_runretry.moc"
