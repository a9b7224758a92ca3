// Promotion along the path: gates (each pass and fail), two-person approval, rewrite rules,
// rollback, carried job versions, roles enforced in core, and the audit trail.
#include "access/auditlog.h"
#include "access/roles.h"
#include "engine/runservice.h"
#include "release/deploymentmatrix.h"
#include "release/deployments.h"
#include "release/promotion.h"
#include "release/rewriterules.h"
#include "release/runtimecatalog.h"
#include "release/versions.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "testspecs.h"
#include "util/error.h"
#include "workspacefixture.h"

#include <QTemporaryDir>
#include <QTest>
#include <QUuid>
#include <memory>

using namespace Baton;
using namespace Baton::Test;

namespace {

const QString kAlice = QStringLiteral("alice"); // admin + release manager
const QString kBob = QStringLiteral("bob"); // release manager
const QString kCarol = QStringLiteral("carol"); // operator only

/// churn with runtimes pinned and a prod rewrite rule set.
ProjectSpec project()
{
    ProjectSpec p = churnProject();
    for (JobSpec &j : p.jobs) {
        if (j.technology == QLatin1String("bash"))
            j.runtime = QStringLiteral("5");
    }
    p.environments[3].rewrites << RewriteRule { QStringLiteral("DB_URL"),
                                                {},
                                                QStringLiteral("postgresql://prod/churn"),
                                                {},
                                                {} }
                               << RewriteRule { {},
                                                QStringLiteral("timeout"),
                                                QStringLiteral("1h"),
                                                QStringLiteral("extract"),
                                                {} };
    return p;
}

} // namespace

class TestPromotion : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    Test::WorkspaceFixture m_fixture; // before m_ws: its databases outlive the workspace
    std::unique_ptr<Workspace> m_ws;

    const Store &store() const { return m_ws->store(); }
    QSqlDatabase db() const { return m_ws->store().db(); }
    ReleaseTarget nightly() const
    {
        return ReleaseTarget::resolve(db(), QStringLiteral("churn/nightly"));
    }
    int deployed(const QString &env, const QString &name = QStringLiteral("nightly"),
                 const QString &kind = QStringLiteral("pipeline")) const
    {
        const ReleaseTarget t = ReleaseTarget::resolve(db(), QStringLiteral("churn"), name, kind);
        return Deployments::current(db(), t, environmentNamed(db(), t.projectId, t.project, env).id)
            .version;
    }
    /// A run of what @p env runs, finished in @p state (the engine is tested elsewhere).
    qint64 finishedRun(const QString &env, const QString &state)
    {
        RunRequest r;
        r.project = QStringLiteral("churn");
        r.pipeline = QStringLiteral("nightly");
        r.environment = env;
        r.actor = kAlice;
        const qint64 id = RunService::createRun(store(), r);
        store().transaction([&](QSqlDatabase &tx) {
            Sql::exec(tx, QStringLiteral("UPDATE runs SET state = ?, finished_at = 1 WHERE id = ?"),
                      { state, id });
            Sql::exec(tx,
                      QStringLiteral("UPDATE task_runs SET state = ?, finished_at = 1 WHERE "
                                     "run_id = ?"),
                      { state, id });
        });
        return id;
    }
    /// Imports a changed extract: v2 of extract and nightly, in dev only.
    void importV2()
    {
        ProjectSpec p = project();
        p.jobs[0].command = QStringLiteral("./extract.sh --full");
        p.jobs[0].releaseNote = QStringLiteral("full extract");
        ProjectWriter::apply(store(), { p }, kAlice);
    }
    QStringList auditActions() const
    {
        QStringList actions;
        for (const AuditEvent &e : AuditLog::recent(db(), 500)) {
            if (e.action.startsWith(QLatin1String("release.")))
                actions.prepend(e.action);
        }
        return actions;
    }
    void promoteTo(const QString &env)
    {
        finishedRun(promotionPathNames().value(promotionPathNames().indexOf(env) - 1),
                    QStringLiteral("succeeded"));
        Promotion::promote(store(), nightly(), env, 0, kAlice);
    }
    QStringList promotionPathNames() const
    {
        return { QStringLiteral("dev"), QStringLiteral("staging"), QStringLiteral("preprod"),
                 QStringLiteral("prod") };
    }

private Q_SLOTS:
    void init()
    {
        m_ws = m_fixture.another(m_dir.filePath(QUuid::createUuid().toString()));
        QVERIFY(Roles::bootstrap(store(), kAlice));
        store().transaction([&](QSqlDatabase &tx) {
            Roles::grant(tx, kAlice, kBob, { QLatin1String(Roles::ReleaseManager) });
            Roles::grant(tx, kAlice, kCarol, { QLatin1String(Roles::Operator) });
        });
        // A known catalog: bash 5.2 only (no python), so pins are decided by the test.
        RuntimeCatalog::record(
            store(), QStringLiteral("local"),
            { { QStringLiteral("bash"), QStringLiteral("5.2.15"), QStringLiteral("/bin/bash") } },
            kAlice);
        ProjectWriter::apply(store(), { project() }, kAlice);
    }
    void cleanup() { m_ws.reset(); }

    void importDeploysFirstVersionEverywhereLaterOnesToTheFirstEnvironment()
    {
        for (const QString &env : promotionPathNames())
            QCOMPARE(deployed(env), 1);
        importV2();
        QCOMPARE(deployed(QStringLiteral("dev")), 2);
        QCOMPARE(deployed(QStringLiteral("staging")), 1);
        QCOMPARE(deployed(QStringLiteral("dev"), QStringLiteral("extract"), QStringLiteral("job")),
                 2);
        QCOMPARE(deployed(QStringLiteral("prod"), QStringLiteral("extract"), QStringLiteral("job")),
                 1);
        // Runs use what their environment runs.
        RunRequest r;
        r.project = QStringLiteral("churn");
        r.pipeline = QStringLiteral("nightly");
        r.environment = QStringLiteral("staging");
        QCOMPARE(RunService::run(db(), RunService::createRun(store(), r)).pipelineVersion, 1);
        r.environment = QStringLiteral("dev");
        QCOMPARE(RunService::run(db(), RunService::createRun(store(), r)).pipelineVersion, 2);
    }

    void versionsAreImmutable()
    {
        const ReleaseTarget extract = ReleaseTarget::resolve(db(), QStringLiteral("churn/extract"));
        const JobSpec before = Versions::jobSpec(db(), Versions::idOf(db(), extract, 1));
        const QString hash1 = Versions::list(db(), extract).first().contentHash;
        importV2();
        const QList<VersionInfo> list = Versions::list(db(), extract);
        QCOMPARE(list.size(), 2);
        QCOMPARE(list.last().contentHash, hash1); // v1 untouched
        QVERIFY(list.first().contentHash != hash1);
        QVERIFY(Versions::jobSpec(db(), Versions::idOf(db(), extract, 1)).sameContent(before));
        QCOMPARE(list.first().releaseNote, QStringLiteral("full extract"));
        QCOMPARE(list.first().deployedIn, QStringList { QStringLiteral("dev") });
        QCOMPARE(list.last().deployedIn,
                 (QStringList { QStringLiteral("staging"), QStringLiteral("preprod"),
                                QStringLiteral("prod") }));
        // The same content again: no new version.
        importV2();
        QCOMPARE(Versions::list(db(), extract).size(), 2);
    }

    void promotesWhenEveryGatePasses()
    {
        importV2();
        finishedRun(QStringLiteral("dev"), QStringLiteral("succeeded"));
        const PromotionPlan plan
            = Promotion::plan(store(), nightly(), QStringLiteral("staging"), 0, kBob);
        QVERIFY2(!plan.blocked(), qPrintable(plan.blockers().join(QLatin1Char('\n'))));
        QCOMPARE(plan.version, 2);
        QCOMPARE(plan.currentVersion, 1);
        QCOMPARE(plan.from.name, QStringLiteral("dev"));
        QVERIFY(!plan.needsApproval);
        // The diff against what staging runs: extract's pin and its command.
        QCOMPARE(plan.diff.jobs.size(), 1);
        QCOMPARE(plan.diff.jobs.first().job, QStringLiteral("extract"));
        QCOMPARE(plan.diff.jobs.first().fields.first().after,
                 QStringLiteral("./extract.sh --full"));
        const PromotionOutcome o
            = Promotion::promote(store(), nightly(), QStringLiteral("staging"), 0, kBob);
        QVERIFY(o.promoted);
        QCOMPARE(deployed(QStringLiteral("staging")), 2);
        // The pipeline carried its pinned job version.
        QCOMPARE(
            deployed(QStringLiteral("staging"), QStringLiteral("extract"), QStringLiteral("job")),
            2);
        QCOMPARE(auditActions().last(), QStringLiteral("release.promote"));
    }

    void gates_data()
    {
        QTest::addColumn<QString>("gate");
        QTest::addColumn<QString>("actor");
        QTest::addColumn<QString>("sourceRun"); // "" none, else its final state
        QTest::addColumn<bool>("missingRuntime");
        QTest::addColumn<bool>("passes");
        QTest::addColumn<QString>("why");
        QTest::newRow("role: release manager") << "permission" << kBob << "succeeded" << false
                                               << true << "has the release_manager role";
        QTest::newRow("role: operator") << "permission" << kCarol << "succeeded" << false << false
                                        << "lacks the release_manager role";
        QTest::newRow("source run succeeded")
            << "source_run" << kBob << "succeeded" << false << true << "succeeded in dev";
        QTest::newRow("source run failed")
            << "source_run" << kBob << "failed" << false << false << "ended failed";
        QTest::newRow("source never ran")
            << "source_run" << kBob << "" << false << false << "has not run in dev yet";
        QTest::newRow("runtimes present")
            << "runtimes" << kBob << "succeeded" << false << true << "bash 5.2.15";
        QTest::newRow("runtime missing") << "runtimes" << kBob << "succeeded" << true << false
                                         << "python 3.12 is missing on executor local";
    }
    void gates()
    {
        QFETCH(QString, gate);
        QFETCH(QString, actor);
        QFETCH(QString, sourceRun);
        QFETCH(bool, missingRuntime);
        QFETCH(bool, passes);
        QFETCH(QString, why);
        ProjectSpec p = project();
        p.jobs[0].command = QStringLiteral("./extract.sh --full");
        if (missingRuntime)
            p.jobs[1].runtime = QStringLiteral("3.12"); // train: python, not on this host
        ProjectWriter::apply(store(), { p }, kAlice);
        if (!sourceRun.isEmpty())
            finishedRun(QStringLiteral("dev"), sourceRun);
        const PromotionPlan plan
            = Promotion::plan(store(), nightly(), QStringLiteral("staging"), 0, actor);
        const PromotionGate *g = plan.gate(gate);
        QVERIFY(g);
        QCOMPARE(g->state == PromotionGate::State::Passed, passes);
        QVERIFY2(g->why.contains(why), qPrintable(g->why));
        QCOMPARE(plan.blocked(), !passes);
        if (!passes) {
            // Blocked: promote refuses and writes nothing.
            const int before = Sql::scalar(db(),
                                           QStringLiteral("SELECT count(*) FROM "
                                                          "deployments"))
                                   .toInt();
            QVERIFY_THROWS_EXCEPTION(
                Error, Promotion::promote(store(), nightly(), QStringLiteral("staging"), 0, actor));
            QCOMPARE(Sql::scalar(db(), QStringLiteral("SELECT count(*) FROM deployments")).toInt(),
                     before);
            QCOMPARE(deployed(QStringLiteral("staging")), 1);
        }
    }

    void badTargetsAreRefused_data()
    {
        QTest::addColumn<QString>("env");
        QTest::addColumn<int>("version");
        QTest::addColumn<QString>("message");
        QTest::newRow("first environment") << "dev" << 0 << "first environment";
        QTest::newRow("unknown environment") << "qa" << 0 << "no environment 'qa'";
        QTest::newRow("unknown version") << "staging" << 9 << "no version 9";
    }
    void badTargetsAreRefused()
    {
        QFETCH(QString, env);
        QFETCH(int, version);
        QFETCH(QString, message);
        try {
            Promotion::plan(store(), nightly(), env, version, kBob);
            QFAIL("no error");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(message), qPrintable(e.message()));
        }
    }

    void alreadyDeployedIsNotAPromotion()
    {
        finishedRun(QStringLiteral("dev"), QStringLiteral("succeeded"));
        const PromotionPlan plan
            = Promotion::plan(store(), nightly(), QStringLiteral("staging"), 0, kBob);
        QCOMPARE(plan.gate(QStringLiteral("change"))->state, PromotionGate::State::Failed);
        QVERIFY(plan.blocked());
    }

    void prodNeedsASecondReleaseManager()
    {
        importV2();
        for (const QString &env : { QStringLiteral("staging"), QStringLiteral("preprod") })
            promoteTo(env);
        finishedRun(QStringLiteral("preprod"), QStringLiteral("succeeded"));
        const PromotionOutcome request = Promotion::promote(
            store(), nightly(), QStringLiteral("prod"), 0, kAlice, QStringLiteral("ship it"));
        QVERIFY(!request.promoted);
        QVERIFY(request.requestId > 0);
        QCOMPARE(deployed(QStringLiteral("prod")), 1); // nothing changed yet
        QCOMPARE(Promotion::requests(db(), true).size(), 1);
        QCOMPARE(Promotion::request(db(), request.requestId).note, QStringLiteral("ship it"));

        // A second request for the same target and environment waits behind the first.
        QVERIFY_THROWS_EXCEPTION(
            Error, Promotion::promote(store(), nightly(), QStringLiteral("prod"), 0, kBob));
        // The requester cannot approve, nor can someone without the role.
        try {
            Promotion::approve(store(), request.requestId, kAlice);
            QFAIL("approved own request");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(QStringLiteral("their own")), qPrintable(e.message()));
        }
        try {
            Promotion::approve(store(), request.requestId, kCarol);
            QFAIL("operator approved");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(QStringLiteral("release_manager")),
                     qPrintable(e.message()));
        }
        QCOMPARE(deployed(QStringLiteral("prod")), 1);

        const PromotionOutcome approved = Promotion::approve(store(), request.requestId, kBob);
        QVERIFY(approved.promoted);
        QCOMPARE(deployed(QStringLiteral("prod")), 2);
        QCOMPARE(Promotion::request(db(), request.requestId).state, QStringLiteral("promoted"));
        QCOMPARE(Promotion::request(db(), request.requestId).decidedBy, kBob);
        // Decided once: not again.
        QVERIFY_THROWS_EXCEPTION(Error, Promotion::approve(store(), request.requestId, kBob));

        const QStringList actions = auditActions();
        QCOMPARE(
            actions.mid(actions.size() - 3),
            (QStringList { QStringLiteral("release.request"), QStringLiteral("release.approve"),
                           QStringLiteral("release.promote") }));
        const AuditEvent last = AuditLog::recent(db(), 1).first();
        QCOMPARE(last.actor, kBob);
        QCOMPARE(last.before.value(QStringLiteral("version")).toInt(), 1);
        QCOMPARE(last.after.value(QStringLiteral("version")).toInt(), 2);
        QCOMPARE(last.after.value(QStringLiteral("environment")).toString(),
                 QStringLiteral("prod"));
    }

    void approvalChecksTheGatesAgain()
    {
        importV2();
        for (const QString &env : { QStringLiteral("staging"), QStringLiteral("preprod") })
            promoteTo(env);
        finishedRun(QStringLiteral("preprod"), QStringLiteral("succeeded"));
        const qint64 id
            = Promotion::promote(store(), nightly(), QStringLiteral("prod"), 0, kAlice).requestId;
        finishedRun(QStringLiteral("preprod"), QStringLiteral("failed")); // things changed
        try {
            Promotion::approve(store(), id, kBob);
            QFAIL("approved over a failed run");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(QStringLiteral("ended failed")), qPrintable(e.message()));
        }
        QCOMPARE(Promotion::request(db(), id).state, QStringLiteral("pending"));
        QCOMPARE(deployed(QStringLiteral("prod")), 1);
    }

    void planApprovalPreviewsWhatApproveChecks()
    {
        importV2();
        for (const QString &env : { QStringLiteral("staging"), QStringLiteral("preprod") })
            promoteTo(env);
        finishedRun(QStringLiteral("preprod"), QStringLiteral("succeeded"));
        const qint64 id
            = Promotion::promote(store(), nightly(), QStringLiteral("prod"), 0, kAlice).requestId;
        const PromotionRequest request = Promotion::request(db(), id);
        // The requester: one rule, said before and enforced at approve().
        QVERIFY(Promotion::whyCannotApprove(request, kAlice).contains(QStringLiteral("their own")));
        QVERIFY(Promotion::whyCannotApprove(request, kBob).isEmpty());
        const PromotionPlan own = Promotion::planApproval(store(), id, kAlice);
        QVERIFY(own.blocked());
        QCOMPARE(own.gate(QStringLiteral("approval"))->state, PromotionGate::State::Failed);
        QVERIFY(own.gate(QStringLiteral("approval"))->why.contains(QStringLiteral("their own")));

        const PromotionPlan plan = Promotion::planApproval(store(), id, kBob);
        QVERIFY2(!plan.blocked(), qPrintable(plan.blockers().join(QStringLiteral("; "))));
        QCOMPARE(plan.version, 2);
        QCOMPARE(plan.currentVersion, 1);
        QCOMPARE(plan.to.name, QStringLiteral("prod"));
        QVERIFY(!plan.diff.toLines().isEmpty());
        // A preview writes nothing.
        QCOMPARE(Promotion::request(db(), id).state, QStringLiteral("pending"));
        QCOMPARE(deployed(QStringLiteral("prod")), 1);

        // Things change after the request: the preview says so, as approve() would.
        finishedRun(QStringLiteral("preprod"), QStringLiteral("failed"));
        const PromotionPlan again = Promotion::planApproval(store(), id, kBob);
        QVERIFY(again.blocked());
        QCOMPARE(again.gate(QStringLiteral("source_run"))->state, PromotionGate::State::Failed);
        Promotion::reject(store(), id, kBob, QStringLiteral("preprod failed"));
        QVERIFY(Promotion::whyCannotApprove(Promotion::request(db(), id), kBob)
                    .contains(QStringLiteral("already rejected")));
        QVERIFY_THROWS_EXCEPTION(Error, Promotion::planApproval(store(), 999, kBob));
    }

    void rejectNeedsAReasonAndARole()
    {
        importV2();
        for (const QString &env : { QStringLiteral("staging"), QStringLiteral("preprod") })
            promoteTo(env);
        finishedRun(QStringLiteral("preprod"), QStringLiteral("succeeded"));
        const qint64 id
            = Promotion::promote(store(), nightly(), QStringLiteral("prod"), 0, kAlice).requestId;
        QVERIFY_THROWS_EXCEPTION(Error, Promotion::reject(store(), id, kBob, QStringLiteral(" ")));
        QVERIFY_THROWS_EXCEPTION(Error,
                                 Promotion::reject(store(), id, kCarol, QStringLiteral("no")));
        Promotion::reject(store(), id, kBob, QStringLiteral("quality gate warns"));
        const PromotionRequest r = Promotion::request(db(), id);
        QCOMPARE(r.state, QStringLiteral("rejected"));
        QCOMPARE(r.reason, QStringLiteral("quality gate warns"));
        QCOMPARE(deployed(QStringLiteral("prod")), 1);
        QCOMPARE(auditActions().last(), QStringLiteral("release.reject"));
        QVERIFY_THROWS_EXCEPTION(Error, Promotion::approve(store(), id, kBob));
    }

    void rewriteRulesArePreviewedSnapshottedAndReachRuns()
    {
        importV2();
        for (const QString &env : { QStringLiteral("staging"), QStringLiteral("preprod") })
            promoteTo(env);
        finishedRun(QStringLiteral("preprod"), QStringLiteral("succeeded"));
        const PromotionPlan plan
            = Promotion::plan(store(), nightly(), QStringLiteral("prod"), 0, kAlice);
        QCOMPARE(plan.rewrites.size(), 2);
        QCOMPARE(plan.rewrites[0].subject, QStringLiteral("variable DB_URL"));
        QCOMPARE(plan.rewrites[0].before, QStringLiteral("postgresql://dev/churn"));
        QCOMPARE(plan.rewrites[0].after, QStringLiteral("postgresql://prod/churn"));
        QCOMPARE(plan.rewrites[1].subject, QStringLiteral("timeout of extract"));
        QCOMPARE(plan.rewrites[1].before, QStringLiteral("10m"));
        QCOMPARE(plan.rewrites[1].after, QStringLiteral("1h"));
        // Variables that differ: the rewritten DB_URL, and the prod-only secret (masked).
        bool sawDb = false, sawSecret = false;
        for (const VariableDifference &d : plan.variables) {
            if (d.name == QLatin1String("DB_URL")) {
                sawDb = d.rewritten && d.target == QLatin1String("postgresql://prod/churn");
            } else if (d.name == QLatin1String("API_TOKEN")) {
                sawSecret = d.secret && d.target == QLatin1String("***")
                    && d.source == QLatin1String("(unset)");
            }
        }
        QVERIFY(sawDb);
        QVERIFY(sawSecret);

        const qint64 request
            = Promotion::promote(store(), nightly(), QStringLiteral("prod"), 0, kAlice).requestId;
        Promotion::approve(store(), request, kBob);
        // A run in prod carries the rules as deployed; they apply to its variables and settings.
        RunRequest r;
        r.project = QStringLiteral("churn");
        r.pipeline = QStringLiteral("nightly");
        r.environment = QStringLiteral("prod");
        const qint64 run = RunService::createRun(store(), r);
        const QList<RewriteRule> rules = RewriteRules::fromJsonText(
            Sql::scalar(db(), QStringLiteral("SELECT rewrites FROM runs WHERE id = ?"), { run })
                .toString());
        QCOMPARE(rules.size(), 2);
        QList<ResolvedVariable> vars { { QStringLiteral("DB_URL"), QStringLiteral("x"), false,
                                         QStringLiteral("project") } };
        RewriteRules::applyToVariables(rules, vars);
        QCOMPARE(vars.first().value, QStringLiteral("postgresql://prod/churn"));
        QCOMPARE(vars.first().scope, QStringLiteral("rewrite"));
        RunSettings s;
        s.timeoutSeconds = 600;
        QVERIFY(RewriteRules::applyToSettings(rules, QStringLiteral("extract"), s));
        QCOMPARE(*s.timeoutSeconds, 3600);
        RunSettings other;
        QVERIFY(!RewriteRules::applyToSettings(rules, QStringLiteral("train"), other));
        // Staging has no rules: its runs carry none.
        r.environment = QStringLiteral("staging");
        const qint64 stagingRun = RunService::createRun(store(), r);
        QCOMPARE(Sql::scalar(db(), QStringLiteral("SELECT rewrites FROM runs WHERE id = ?"),
                             { stagingRun })
                     .toString(),
                 QStringLiteral("[]"));
    }

    void rollbackRedeploysThePreviousVersion()
    {
        try {
            Promotion::rollback(store(), nightly(), QStringLiteral("staging"), kBob);
            QFAIL("rolled back with no history");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(QStringLiteral("nothing to roll back to")),
                     qPrintable(e.message()));
        }
        importV2();
        promoteTo(QStringLiteral("staging"));
        QCOMPARE(deployed(QStringLiteral("staging")), 2);
        // Roles are enforced here too.
        QVERIFY_THROWS_EXCEPTION(
            Error, Promotion::rollback(store(), nightly(), QStringLiteral("staging"), kCarol));
        const RollbackPlan plan
            = Promotion::rollback(store(), nightly(), QStringLiteral("staging"), kBob);
        QCOMPARE(plan.current.version, 2);
        QCOMPARE(plan.previous.version, 1);
        QCOMPARE(deployed(QStringLiteral("staging")), 1);
        QCOMPARE(
            deployed(QStringLiteral("staging"), QStringLiteral("extract"), QStringLiteral("job")),
            1); // the carried job went back too
        QCOMPARE(Deployments::current(db(), nightly(),
                                      environmentNamed(db(), nightly().projectId,
                                                       QStringLiteral("churn"),
                                                       QStringLiteral("staging"))
                                          .id)
                     .kind,
                 QStringLiteral("rollback"));
        const AuditEvent e = AuditLog::recent(db(), 1).first();
        QCOMPARE(e.action, QStringLiteral("release.rollback"));
        QCOMPARE(e.before.value(QStringLiteral("version")).toInt(), 2);
        QCOMPARE(e.after.value(QStringLiteral("version")).toInt(), 1);
        // Rolling back again goes forward to v2: the one before the current one.
        Promotion::rollback(store(), nightly(), QStringLiteral("staging"), kBob);
        QCOMPARE(deployed(QStringLiteral("staging")), 2);
    }

    void aJobPromotedOnItsOwnIsWhatRunsUse()
    {
        importV2();
        finishedRun(QStringLiteral("dev"), QStringLiteral("succeeded"));
        const ReleaseTarget extract = ReleaseTarget::resolve(db(), QStringLiteral("churn/extract"));
        QVERIFY(Promotion::promote(store(), extract, QStringLiteral("staging"), 0, kBob).promoted);
        QCOMPARE(deployed(QStringLiteral("staging")), 1); // the pipeline stays
        RunRequest r;
        r.project = QStringLiteral("churn");
        r.pipeline = QStringLiteral("nightly");
        r.environment = QStringLiteral("staging");
        const RunSummary run = RunService::run(db(), RunService::createRun(store(), r));
        QCOMPARE(run.pipelineVersion, 1);
        for (const TaskRunSummary &t : run.tasks) {
            if (t.name == QLatin1String("extract"))
                QCOMPARE(t.jobVersion, 2);
        }
        // The matrix shows the job ahead of the pipeline's pin, and drift.
        const DeploymentMatrix m = DeploymentMatrix::read(db(), QStringLiteral("churn"));
        QCOMPARE(m.projects.size(), 1);
        for (const MatrixRow &row : m.projects.first().rows) {
            if (row.name == QLatin1String("extract")) {
                QCOMPARE(row.cells[1].version, 2);
                QVERIFY(!row.cells[1].drift); // same as dev
                QVERIFY(row.cells[2].drift); // preprod still v1
                QCOMPARE(row.cells[1].runtimeStatus, QStringLiteral("ok"));
            }
        }
    }

    void runsRefuseEnvironmentsWithNothingDeployed()
    {
        ProjectSpec p = project();
        p.environments << EnvironmentSpec { QStringLiteral("dr"), false, {}, {} };
        ProjectWriter::apply(store(), { p }, kAlice); // dr added later: nothing deployed there
        RunRequest r;
        r.project = QStringLiteral("churn");
        r.pipeline = QStringLiteral("nightly");
        r.environment = QStringLiteral("dr");
        try {
            RunService::createRun(store(), r);
            QFAIL("ran an undeployed pipeline");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(QStringLiteral("not deployed in dr")),
                     qPrintable(e.message()));
        }
    }

    void rolesAreEnforcedAndAudited()
    {
        QVERIFY(!Roles::bootstrap(store(), kCarol)); // there is an admin already
        QVERIFY_THROWS_EXCEPTION(
            Error, Roles::set(store(), kCarol, kCarol, { QLatin1String(Roles::Admin) }));
        QVERIFY_THROWS_EXCEPTION(Error,
                                 Roles::set(store(), kAlice, kCarol, { QStringLiteral("wizard") }));
        // The only admin cannot drop admin.
        QVERIFY_THROWS_EXCEPTION(
            Error, Roles::set(store(), kAlice, kAlice, { QLatin1String(Roles::ReleaseManager) }));
        Roles::set(store(), kAlice, kCarol,
                   { QLatin1String(Roles::Operator), QLatin1String(Roles::ReleaseManager) });
        QCOMPARE(Roles::of(db(), kCarol),
                 (QStringList { QStringLiteral("operator"), QStringLiteral("release_manager") }));
        const AuditEvent e = AuditLog::recent(db(), 1).first();
        QCOMPARE(e.action, QStringLiteral("roles.set"));
        QCOMPARE(e.actor, kAlice);
        QCOMPARE(e.objectName, kCarol);
        Roles::set(store(), kAlice, kCarol, {});
        QVERIFY(Roles::of(db(), kCarol).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestPromotion)
#include "tst_promotion.moc"
