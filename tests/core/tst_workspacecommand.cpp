// How the console spells a `baton` command for its workspace: --workspace only when baton
// would not pick that workspace by itself; team addresses kept as written; shell-safe.
#include "store/workspace.h"
#include "store/workspacecommand.h"

#include <QTest>

using namespace Baton;

class TestWorkspaceCommand : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init() { qunsetenv("BATON_WORKSPACE"); }
    void cleanupTestCase() { qunsetenv("BATON_WORKSPACE"); }

    void defaultDirectoryNeedsNoFlag()
    {
        QCOMPARE(WorkspaceCommand::forAddress(Workspace::defaultDirectory() + QStringLiteral("/"),
                                              QStringLiteral("run p/l")),
                 QStringLiteral("baton run p/l"));
        QCOMPARE(WorkspaceCommand::forAddress(QString(), QStringLiteral("import PATH")),
                 QStringLiteral("baton import PATH"));
    }

    void otherDirectoryIsNamed()
    {
        QCOMPARE(WorkspaceCommand::forAddress(QStringLiteral("/srv/ws//team/"),
                                              QStringLiteral("run p/l")),
                 QStringLiteral("baton --workspace /srv/ws/team run p/l"));
        // A path a shell would split is quoted, a quote in it escaped.
        QCOMPARE(WorkspaceCommand::forAddress(QStringLiteral("/srv/bob's ws"),
                                              QStringLiteral("import PATH")),
                 QStringLiteral("baton --workspace '/srv/bob'\\''s ws' import PATH"));
    }

    void environmentWorkspaceNeedsNoFlag()
    {
        qputenv("BATON_WORKSPACE", "/srv/ws");
        QCOMPARE(WorkspaceCommand::forAddress(QStringLiteral("/srv/ws/"), QStringLiteral("run x")),
                 QStringLiteral("baton run x"));
        // The default is then not implicit: baton would pick $BATON_WORKSPACE instead.
        QCOMPARE(
            WorkspaceCommand::forAddress(QStringLiteral("/srv/other"), QStringLiteral("run x")),
            QStringLiteral("baton --workspace /srv/other run x"));
    }

    // A team address is kept as written: a clean path would fold its '//'.
    void teamAddressIsKeptAsWritten()
    {
        const QString url = QStringLiteral("postgresql://alice@db1:5432/baton");
        QCOMPARE(WorkspaceCommand::forAddress(url, QStringLiteral("run x")),
                 QStringLiteral("baton --workspace postgresql://alice@db1:5432/baton run x"));
        QCOMPARE(WorkspaceCommand::forAddress(QStringLiteral("service=team dbname=b"),
                                              QStringLiteral("run x")),
                 QStringLiteral("baton --workspace 'service=team dbname=b' run x"));
        qputenv("BATON_WORKSPACE", url.toUtf8());
        QCOMPARE(WorkspaceCommand::forAddress(url, QStringLiteral("run x")),
                 QStringLiteral("baton run x"));
    }
};

QTEST_GUILESS_MAIN(TestWorkspaceCommand)
#include "tst_workspacecommand.moc"
