// Releases through the real `baton` binary: roles enforced from the CLI, promotion with its
// gates, two-person approval, a rewrite rule reaching a real run, rollback, diff, the matrix,
// the demo's history, and the audit trail.
#include "fixture.h"
#include "store/workspace.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Baton::IntegrationTest;

namespace {

const QByteArray kProject = "project: shop\n"
                            "environments:\n"
                            "  - dev\n"
                            "  - name: staging\n"
                            "    approval: false\n"
                            "    rewrite:\n"
                            "      - {variable: ROWS, value: \"250\"}\n"
                            "      - {setting: timeout, value: 5m, job: count}\n"
                            "  - {name: prod, approval: true}\n"
                            "variables:\n"
                            "  - {name: ROWS, value: \"10\"}\n"
                            "jobs:\n"
                            "  - name: count\n"
                            "    command: \"%1\"\n"
                            "    technology: bash\n"
                            "    runtime: \"%2\"\n"
                            "pipelines:\n"
                            "  - name: flow\n"
                            "    tasks:\n"
                            "      - job: count\n";

} // namespace

class TestReleases : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_tmp;
    TestWorkspaces m_spaces;
    QString m_ws;

    Result baton(const QString &user, const QStringList &args) const
    {
        return runBaton(inWorkspace(m_ws, args), asUser(user));
    }

    void importVersion(const QString &command, const QString &runtime = QStringLiteral("5"))
    {
        const QString file = m_tmp.filePath(QStringLiteral("shop.yaml"));
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(QString::fromUtf8(kProject).arg(command, runtime).toUtf8());
        f.close();
        const Result r = baton(QStringLiteral("alice"), { QStringLiteral("import"), file });
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
    }

    /// What ENV runs of shop/flow, from `baton deployments --json`.
    int deployed(const QString &env) const
    {
        const Result r = baton(QStringLiteral("alice"),
                               { QStringLiteral("deployments"), QStringLiteral("--project"),
                                 QStringLiteral("shop"), QStringLiteral("--json") });
        for (const QJsonValue &row : jsonArray(r.out)) {
            const QJsonObject o = row.toObject();
            if (o.value(QStringLiteral("name")).toString() == QLatin1String("flow"))
                return o.value(QStringLiteral("deployments"))
                    .toObject()
                    .value(env)
                    .toObject()
                    .value(QStringLiteral("version"))
                    .toInt();
        }
        return -1;
    }

    QJsonObject runIn(const QString &env) const
    {
        const Result run
            = baton(QStringLiteral("alice"),
                    { QStringLiteral("run"), QStringLiteral("shop/flow"), QStringLiteral("--env"),
                      env, QStringLiteral("--wait"), QStringLiteral("--json") });
        if (run.exitCode != 0)
            qWarning() << run.out << run.err;
        return jsonArray(run.out).first().toObject();
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_ws = m_spaces.address(m_tmp.filePath(QStringLiteral("ws")));
        const Result init = baton(QStringLiteral("alice"), { QStringLiteral("init") });
        QCOMPARE(init.exitCode, 0);
        QVERIFY2(init.out.contains(QStringLiteral("alice is admin and release_manager")),
                 qPrintable(init.out));
        // Metrics show which ROWS a run got: the project's, or the rewrite rule's.
        importVersion(QStringLiteral("echo rows $ROWS >> $BATON_METRICS_FILE"));
    }

    void rolesFromTheCommandLine()
    {
        Result r = baton(
            QStringLiteral("bob"),
            { QStringLiteral("roles"), QStringLiteral("bob"), QStringLiteral("release_manager") });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("bob cannot change roles")), qPrintable(r.err));
        r = baton(QStringLiteral("alice"),
                  { QStringLiteral("roles"), QStringLiteral("bob"), QStringLiteral("wizard") });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("unknown role 'wizard'")), qPrintable(r.err));
        r = baton(
            QStringLiteral("alice"),
            { QStringLiteral("roles"), QStringLiteral("bob"), QStringLiteral("release_manager") });
        QCOMPARE(r.exitCode, 0);
        r = baton(QStringLiteral("alice"), { QStringLiteral("roles"), QStringLiteral("--json") });
        const QJsonArray users = jsonArray(r.out);
        QCOMPARE(users.size(), 2);
        QCOMPARE(users[1].toObject().value(QStringLiteral("user")).toString(),
                 QStringLiteral("bob"));
    }

    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("promote without --to")
            << QStringList { "promote", "shop/flow" } << "usage: baton promote";
        QTest::newRow("promote bad version")
            << QStringList { "promote", "shop/flow", "--to", "staging", "--version", "x" }
            << "--version: expected a version number";
        QTest::newRow("reject without reason")
            << QStringList { "reject", "1" } << "usage: baton reject REQUEST --reason R";
        QTest::newRow("approve not a number")
            << QStringList { "approve", "abc" } << "usage: baton approve";
        QTest::newRow("diff one side")
            << QStringList { "diff", "shop/flow@1" } << "usage: baton diff";
        QTest::newRow("rollback without env")
            << QStringList { "rollback", "shop/flow" } << "usage: baton rollback";
        QTest::newRow("deprecate bad date")
            << QStringList { "runtimes", "--deprecate", "python", "3.9", "soon" } << "not a date";
    }
    void usageErrors()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const Result r = baton(QStringLiteral("alice"), args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
    }

    void promoteApproveRollback()
    {
        importVersion(QStringLiteral("echo rows $ROWS >> $BATON_METRICS_FILE; echo v2"));
        QCOMPARE(deployed(QStringLiteral("dev")), 2);
        QCOMPARE(deployed(QStringLiteral("staging")), 1);

        // Gates: not a release manager, and v2 never ran in dev. Nothing changes.
        Result r = baton(QStringLiteral("carol"),
                         { QStringLiteral("promote"), QStringLiteral("shop/flow"),
                           QStringLiteral("--to"), QStringLiteral("staging") });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("carol lacks the release_manager role")),
                 qPrintable(r.err));
        QVERIFY2(r.err.contains(QStringLiteral("v2 has not run in dev yet")), qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral("✗")), qPrintable(r.out));
        QCOMPARE(deployed(QStringLiteral("staging")), 1);

        QCOMPARE(runIn(QStringLiteral("dev")).value(QStringLiteral("state")).toString(),
                 QStringLiteral("succeeded"));
        // The preview shows the rewrite rules and the variable that will differ.
        r = baton(QStringLiteral("bob"),
                  { QStringLiteral("promote"), QStringLiteral("shop/flow"), QStringLiteral("--to"),
                    QStringLiteral("staging"), QStringLiteral("--dry-run") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QStringLiteral("ROWS: 10 → 250 (rewrite rule)")),
                 qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("timeout of count: (unset) → 5m")),
                 qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("~ command:")), qPrintable(r.out));
        QCOMPARE(deployed(QStringLiteral("staging")), 1); // a dry run changes nothing

        r = baton(QStringLiteral("bob"),
                  { QStringLiteral("promote"), QStringLiteral("shop/flow"), QStringLiteral("--to"),
                    QStringLiteral("staging") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QStringLiteral("promoted shop/flow v2 to staging")),
                 qPrintable(r.out));
        QCOMPARE(deployed(QStringLiteral("staging")), 2);

        // The rewrite rule reached a real run in staging.
        const QJsonObject staging = runIn(QStringLiteral("staging"));
        QCOMPARE(staging.value(QStringLiteral("state")).toString(), QStringLiteral("succeeded"));
        const Result show = baton(QStringLiteral("alice"),
                                  { QStringLiteral("show"),
                                    QString::number(staging.value(QStringLiteral("id")).toInt()),
                                    QStringLiteral("--json") });
        QVERIFY2(show.out.contains(QStringLiteral("\"rows\"")), qPrintable(show.out));
        QVERIFY2(show.out.contains(QStringLiteral("250")), qPrintable(show.out));

        // prod needs a second release manager.
        r = baton(QStringLiteral("bob"),
                  { QStringLiteral("promote"), QStringLiteral("shop/flow"), QStringLiteral("--to"),
                    QStringLiteral("prod"), QStringLiteral("--note"), QStringLiteral("go") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QStringLiteral("waits for a second release manager")),
                 qPrintable(r.out));
        QCOMPARE(deployed(QStringLiteral("prod")), 1);
        r = baton(QStringLiteral("bob"), { QStringLiteral("requests"), QStringLiteral("--json") });
        const QJsonArray pending = jsonArray(r.out);
        QCOMPARE(pending.size(), 1);
        const QString id
            = QString::number(pending[0].toObject().value(QStringLiteral("id")).toInt());
        QCOMPARE(pending[0].toObject().value(QStringLiteral("note")).toString(),
                 QStringLiteral("go"));

        r = baton(QStringLiteral("bob"), { QStringLiteral("approve"), id });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("it is their own")), qPrintable(r.err));
        r = baton(QStringLiteral("carol"), { QStringLiteral("approve"), id });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(QStringLiteral("needs the release_manager role")),
                 qPrintable(r.err));
        QCOMPARE(deployed(QStringLiteral("prod")), 1);
        r = baton(QStringLiteral("alice"), { QStringLiteral("approve"), id });
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(deployed(QStringLiteral("prod")), 2);

        // Rollback by click's command-line twin.
        r = baton(QStringLiteral("carol"),
                  { QStringLiteral("rollback"), QStringLiteral("shop/flow"),
                    QStringLiteral("--env"), QStringLiteral("prod") });
        QCOMPARE(r.exitCode, 1);
        r = baton(QStringLiteral("alice"),
                  { QStringLiteral("rollback"), QStringLiteral("shop/flow"),
                    QStringLiteral("--env"), QStringLiteral("prod") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QStringLiteral("v2 → v1")), qPrintable(r.out));
        QCOMPARE(deployed(QStringLiteral("prod")), 1);

        r = baton(
            QStringLiteral("alice"),
            { QStringLiteral("versions"), QStringLiteral("shop/flow"), QStringLiteral("--json") });
        const QJsonArray versions = jsonArray(r.out);
        QCOMPARE(versions.size(), 2);
        QCOMPARE(versions[0].toObject().value(QStringLiteral("deployed_in")).toArray().size(), 2);
        QCOMPARE(versions[1]
                     .toObject()
                     .value(QStringLiteral("deployed_in"))
                     .toArray()
                     .first()
                     .toString(),
                 QStringLiteral("prod"));

        r = baton(QStringLiteral("alice"),
                  { QStringLiteral("diff"), QStringLiteral("shop/flow@prod"),
                    QStringLiteral("@staging") });
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains(QStringLiteral("shop/flow v1 (prod) → shop/flow v2 (staging)")),
                 qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("job_version v1 → v2")), qPrintable(r.out));

        // The audit trail: who, what, from/to, in order.
        {
            const Baton::Workspace direct(m_ws,
                                          Baton::Workspace::Mode::MustExist); // either backend
            QSqlQuery q(direct.store().db());
            // before/after read in C++: JSON functions differ between SQLite and PostgreSQL.
            QVERIFY(q.exec(
                QStringLiteral("SELECT actor, action, before, after FROM audit_events WHERE action "
                               "IN ('release.promote', 'release.request', 'release.approve', "
                               "'release.rollback') ORDER BY id")));
            const auto field = [&](int column, const char *key) {
                return QJsonDocument::fromJson(q.value(column).toString().toUtf8())
                    .object()
                    .value(QLatin1String(key))
                    .toVariant()
                    .toString();
            };
            QStringList trail;
            while (q.next())
                trail << QStringLiteral("%1 %2 %3 v%4→v%5")
                             .arg(q.value(0).toString(), q.value(1).toString(),
                                  field(3, "environment"), field(2, "version"),
                                  field(3, "version"));
            QCOMPARE(trail,
                     (QStringList {
                         "bob release.promote staging v1→v2", "bob release.request prod v1→v2",
                         "alice release.approve prod v1→v2", "alice release.promote prod v1→v2",
                         "alice release.rollback prod v2→v1" }));
        }
    }

    void missingRuntimeBlocksPromotion()
    {
        importVersion(QStringLiteral("echo v3"), QStringLiteral("1.0"));
        QCOMPARE(runIn(QStringLiteral("dev")).value(QStringLiteral("state")).toString(),
                 QStringLiteral("succeeded"));
        const Result r = baton(QStringLiteral("bob"),
                               { QStringLiteral("promote"), QStringLiteral("shop/flow"),
                                 QStringLiteral("--to"), QStringLiteral("staging") });
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(
            r.err.contains(QStringLiteral("count needs bash 1.0 is missing on executor local")),
            qPrintable(r.err));
        QCOMPARE(deployed(QStringLiteral("staging")), 2);
    }

    void demoHasAReleaseHistory()
    {
        const QString saved = m_ws;
        m_ws = m_spaces.address(m_tmp.filePath(QStringLiteral("demo")));
        QElapsedTimer t;
        t.start();
        const Result init
            = baton(QStringLiteral("alice"), { QStringLiteral("init"), QStringLiteral("--demo") });
        QCOMPARE(init.exitCode, 0);
        QVERIFY2(t.elapsed() < 10000, "init --demo must stay fast");
        Result r = baton(QStringLiteral("alice"),
                         { QStringLiteral("requests"), QStringLiteral("--json") });
        const QJsonArray pending = jsonArray(r.out);
        QCOMPARE(pending.size(), 1);
        QCOMPARE(pending[0].toObject().value(QStringLiteral("target")).toString(),
                 QStringLiteral("churn/nightly"));
        QCOMPARE(pending[0].toObject().value(QStringLiteral("to")).toString(),
                 QStringLiteral("prod"));
        r = baton(QStringLiteral("alice"),
                  { QStringLiteral("deployments"), QStringLiteral("--project"),
                    QStringLiteral("churn"), QStringLiteral("--json") });
        for (const QJsonValue &row : jsonArray(r.out)) {
            const QJsonObject o = row.toObject();
            if (o.value(QStringLiteral("name")).toString() != QLatin1String("nightly"))
                continue;
            const QJsonObject d = o.value(QStringLiteral("deployments")).toObject();
            QCOMPARE(d.value(QStringLiteral("staging"))
                         .toObject()
                         .value(QStringLiteral("version"))
                         .toInt(),
                     3);
            const QJsonObject prod = d.value(QStringLiteral("prod")).toObject();
            QCOMPARE(prod.value(QStringLiteral("version")).toInt(), 2);
            QVERIFY(prod.value(QStringLiteral("drift")).toBool());
            QCOMPARE(prod.value(QStringLiteral("pending_version")).toInt(), 3);
        }
        m_ws = saved;
    }
};

QTEST_GUILESS_MAIN(TestReleases)
#include "tst_releases.moc"
