#include "store/workspace.h"
#include "util/error.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>

using namespace Baton;

namespace {

// The directory's inode flags; -1 when the file system has none.
int inodeFlags(const QString &path)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_DIRECTORY);
    int flags = 0;
    const bool ok = fd >= 0 && ::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
    if (fd >= 0)
        ::close(fd);
    return ok ? flags : -1;
}

bool setInodeFlags(const QString &path, int flags)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_DIRECTORY);
    const bool ok = fd >= 0 && ::ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
    if (fd >= 0)
        ::close(fd);
    return ok;
}

} // namespace

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

    // runs/ carries the "top of directory hierarchies" hint (see markTopDirectory), also in a
    // workspace made before Baton set it.
    void runsDirectoryIsMarkedTopOfHierarchy()
    {
        QTemporaryDir dir;
        const QString probe = dir.filePath(QStringLiteral("probe"));
        QVERIFY(QDir().mkpath(probe));
        const int probeFlags = inodeFlags(probe);
        if (probeFlags < 0 || !setInodeFlags(probe, probeFlags | FS_TOPDIR_FL))
            QSKIP("this file system has no top-of-hierarchy flag (tmpfs, btrfs, xfs...)");
        const QString path = dir.filePath(QStringLiteral("ws"));
        {
            Workspace ws(path, Workspace::Mode::CreateIfMissing);
            QVERIFY(inodeFlags(ws.runsDirectory()) & FS_TOPDIR_FL);
            QVERIFY(
                setInodeFlags(ws.runsDirectory(), inodeFlags(ws.runsDirectory()) & ~FS_TOPDIR_FL));
            QVERIFY(!(inodeFlags(ws.runsDirectory()) & FS_TOPDIR_FL));
        }
        Workspace reopened(path, Workspace::Mode::MustExist);
        QVERIFY(inodeFlags(reopened.runsDirectory()) & FS_TOPDIR_FL);
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
