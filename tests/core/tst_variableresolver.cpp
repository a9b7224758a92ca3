#include "access/secrets.h"
#include "engine/variableresolver.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "testspecs.h"
#include "workspacefixture.h"

#include <QTemporaryDir>
#include <QTest>

using namespace Baton;
using namespace Baton::Test;

namespace {
QString valueOf(const QList<ResolvedVariable> &vars, const QString &name, QString *scope = nullptr)
{
    for (const ResolvedVariable &v : vars) {
        if (v.name == name) {
            if (scope)
                *scope = v.scope;
            return v.value;
        }
    }
    return QStringLiteral("<unset>");
}
} // namespace

class TestVariableResolver : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    Test::WorkspaceFixture m_fixture; // before m_ws: its database outlives the workspace
    std::unique_ptr<Workspace> m_ws;
    qint64 m_project = 0, m_dev = 0, m_prod = 0, m_pipeline = 0;

private Q_SLOTS:
    void initTestCase()
    {
        m_ws = m_fixture.another(m_dir.filePath(QStringLiteral("ws")));
        ProjectSpec p = churnProject();
        p.variables = {
            { QStringLiteral("LEVEL"), QStringLiteral("project"), false, {}, {} },
            { QStringLiteral("LEVEL"),
              QStringLiteral("prod-env"),
              false,
              QStringLiteral("prod"),
              {} },
            { QStringLiteral("ONLY_PROJECT"), QStringLiteral("p"), false, {}, {} },
            { QStringLiteral("TOKEN"),
              QStringLiteral("tok-secret-123"),
              true,
              QStringLiteral("prod"),
              {} },
        };
        p.pipelines[0].variables = {
            { QStringLiteral("LEVEL"), QStringLiteral("pipeline"), false, {}, {} },
            { QStringLiteral("PIPE_ENV"),
              QStringLiteral("dev-pipe"),
              false,
              QStringLiteral("dev"),
              {} },
        };
        ProjectWriter::apply(m_ws->store(), { p }, QStringLiteral("t"));
        const QSqlDatabase db = m_ws->store().db();
        Sql::exec(db,
                  QStringLiteral("INSERT INTO variables (scope, name, value, secret, updated_at) "
                                 "VALUES ('global', 'LEVEL', 'global', 0, 0), "
                                 "('global', 'ONLY_GLOBAL', 'g', 0, 0)"));
        m_project = Sql::scalar(db, QStringLiteral("SELECT id FROM projects")).toLongLong();
        m_dev = Sql::scalar(db, QStringLiteral("SELECT id FROM environments WHERE name='dev'"))
                    .toLongLong();
        m_prod = Sql::scalar(db, QStringLiteral("SELECT id FROM environments WHERE name='prod'"))
                     .toLongLong();
        m_pipeline = Sql::scalar(db, QStringLiteral("SELECT id FROM pipelines")).toLongLong();
    }
    void cleanupTestCase() { m_ws.reset(); }

    void scopesOverrideInOrder()
    {
        const QSqlDatabase db = m_ws->store().db();
        QString scope;
        // No environment, no pipeline: global < project.
        auto vars = VariableResolver::resolve(db, m_project, 0, 0, {});
        QCOMPARE(valueOf(vars, QStringLiteral("LEVEL"), &scope), QStringLiteral("project"));
        QCOMPARE(scope, QStringLiteral("project"));
        QCOMPARE(valueOf(vars, QStringLiteral("ONLY_GLOBAL")), QStringLiteral("g"));
        // Environment beats project.
        vars = VariableResolver::resolve(db, m_project, m_prod, 0, {});
        QCOMPARE(valueOf(vars, QStringLiteral("LEVEL")), QStringLiteral("prod-env"));
        // A secret resolves sealed: only the engine's reveal opens it.
        QVERIFY(Secrets::isSealed(valueOf(vars, QStringLiteral("TOKEN"))));
        QCOMPARE(Secrets::reveal(vars), QString());
        QCOMPARE(valueOf(vars, QStringLiteral("TOKEN")), QStringLiteral("tok-secret-123"));
        // Pipeline beats environment; environment-limited pipeline variables only apply there.
        vars = VariableResolver::resolve(db, m_project, m_prod, m_pipeline, {});
        QCOMPARE(valueOf(vars, QStringLiteral("LEVEL")), QStringLiteral("pipeline"));
        QCOMPARE(valueOf(vars, QStringLiteral("PIPE_ENV")), QStringLiteral("<unset>"));
        vars = VariableResolver::resolve(db, m_project, m_dev, m_pipeline, {});
        QCOMPARE(valueOf(vars, QStringLiteral("PIPE_ENV")), QStringLiteral("dev-pipe"));
        QCOMPARE(valueOf(vars, QStringLiteral("TOKEN")), QStringLiteral("<unset>"));
        // Run parameters beat everything.
        vars = VariableResolver::resolve(db, m_project, m_prod, m_pipeline,
                                         { { QStringLiteral("LEVEL"), QStringLiteral("run") } });
        QCOMPARE(valueOf(vars, QStringLiteral("LEVEL"), &scope), QStringLiteral("run"));
        QCOMPARE(scope, QStringLiteral("run"));
    }

    void parameterOverridingSecretStaysSecret()
    {
        const auto vars
            = VariableResolver::resolve(m_ws->store().db(), m_project, m_prod, 0,
                                        { { QStringLiteral("TOKEN"), QStringLiteral("other") } });
        for (const ResolvedVariable &v : vars) {
            if (v.name == QLatin1String("TOKEN"))
                QVERIFY(v.secret);
        }
    }

    void masking()
    {
        auto vars = VariableResolver::resolve(m_ws->store().db(), m_project, m_prod, 0, {});
        QCOMPARE(Secrets::reveal(vars), QString()); // as the engine has them
        QCOMPARE(
            VariableResolver::mask(QStringLiteral("auth tok-secret-123 ok tok-secret-123"), vars),
            QStringLiteral("auth *** ok ***"));
        QCOMPARE(VariableResolver::mask(QStringLiteral("prod-env stays"), vars),
                 QStringLiteral("prod-env stays"));
    }

    void recordRoundTripWithoutSecrets()
    {
        auto vars = VariableResolver::resolve(
            m_ws->store().db(), m_project, m_prod, 0,
            { { QStringLiteral("NOTE"), QStringLiteral("has tok-secret-123 inside") } });
        QCOMPARE(Secrets::reveal(vars), QString()); // as the engine records them
        const QString text = VariableResolver::record(vars);
        QVERIFY2(!text.contains(QLatin1String("tok-secret-123")), qPrintable(text));
        QList<ResolvedVariable> back;
        QVERIFY(VariableResolver::fromRecord(text, &back));
        QCOMPARE(back.size(), vars.size());
        for (int i = 0; i < vars.size(); ++i) {
            QCOMPARE(back[i].name, vars[i].name);
            QCOMPARE(back[i].scope, vars[i].scope);
            QCOMPARE(back[i].secret, vars[i].secret);
            if (vars[i].secret)
                QVERIFY(back[i].value.isEmpty());
            else
                QCOMPARE(back[i].value, VariableResolver::mask(vars[i].value, vars));
        }
        QCOMPARE(valueOf(back, QStringLiteral("NOTE")), QStringLiteral("has *** inside"));
        // Not a record: refused, the list untouched.
        for (const QString &bad :
             { QStringLiteral(""), QStringLiteral("{}"), QStringLiteral("[{\"value\": \"x\"}]"),
               QStringLiteral("[1, 2") }) {
            QList<ResolvedVariable> untouched { { QStringLiteral("A"), QStringLiteral("1") } };
            QVERIFY2(!VariableResolver::fromRecord(bad, &untouched), qPrintable(bad));
            QCOMPARE(untouched.size(), 1);
        }
    }
};

QTEST_GUILESS_MAIN(TestVariableResolver)
#include "tst_variableresolver.moc"
