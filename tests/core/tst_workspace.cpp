#include "store/workspace.h"
#include "util/error.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace Baton;

class TestWorkspace : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void resolutionOrder()
    {
        QTemporaryDir home;
        qputenv("XDG_DATA_HOME", home.filePath(QStringLiteral("xdg")).toUtf8());
        qunsetenv("BATON_WORKSPACE");
        QCOMPARE(Workspace::resolveDirectory({}),
                 home.filePath(QStringLiteral("xdg/baton/default")));
        qputenv("BATON_WORKSPACE", home.filePath(QStringLiteral("fromenv")).toUtf8());
        QCOMPARE(Workspace::resolveDirectory({}), home.filePath(QStringLiteral("fromenv")));
        QCOMPARE(Workspace::resolveDirectory(home.filePath(QStringLiteral("opt/../flag"))),
                 home.filePath(QStringLiteral("flag")));
        qunsetenv("BATON_WORKSPACE");
        qunsetenv("XDG_DATA_HOME");
    }

    void createsLayout()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ws"));
        Workspace ws(path, Workspace::Mode::CreateIfMissing);
        QCOMPARE(ws.directory(), path);
        QVERIFY(QFile::exists(ws.databasePath()));
        QVERIFY(QDir(ws.logsDirectory()).exists());
        QVERIFY(QDir(ws.runsDirectory()).exists());
        QCOMPARE(ws.store().schemaVersion(), Store::latestSchemaVersion());
    }

    void mustExist()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("missing"));
        try {
            Workspace ws(path, Workspace::Mode::MustExist);
            QFAIL("opened a workspace that does not exist");
        } catch (const Error &e) {
            QVERIFY(e.message().contains(QStringLiteral("no workspace at ") + path));
            QVERIFY(e.message().contains(QStringLiteral("baton init")));
        }
        QVERIFY(!QFile::exists(path)); // nothing was created
    }

    void fileInsteadOfDirectory()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("plain"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("x");
        f.close();
        try {
            Workspace ws(path, Workspace::Mode::CreateIfMissing);
            QFAIL("opened a file as a workspace");
        } catch (const Error &e) {
            QVERIFY(e.message().contains(QStringLiteral("is a file")));
        }
        QCOMPARE(QFileInfo(path).size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestWorkspace)
#include "tst_workspace.moc"
