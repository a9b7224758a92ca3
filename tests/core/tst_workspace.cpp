#include "store/workspace.h"
#include "util/error.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
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

int mode(const QString &path)
{
    struct stat st
    {
    };
    return ::lstat(QFile::encodeName(path).constData(), &st) == 0 ? int(st.st_mode & 07777) : -1;
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

    // #16: secrets are stored in the database and jobs' output in the logs: a workspace is its
    // owner's alone (0700 directories, 0600 files) whatever the umask.
    void newWorkspaceIsPrivate()
    {
        QTemporaryDir dir;
        const mode_t previous = ::umask(022);
        {
            Workspace ws(dir.filePath(QStringLiteral("ws")), Workspace::Mode::CreateIfMissing);
            ws.store().transaction([](QSqlDatabase &) {}); // a write: -wal and -shm exist
            QCOMPARE(mode(ws.directory()), 0700);
            QCOMPARE(mode(ws.databasePath()), 0600);
            QCOMPARE(mode(ws.databasePath() + QStringLiteral("-wal")), 0600);
            QCOMPARE(mode(ws.databasePath() + QStringLiteral("-shm")), 0600);
            QCOMPARE(mode(ws.logsDirectory()), 0700);
            QCOMPARE(mode(ws.logsDirectory() + QStringLiteral("/baton.log")), 0600);
            QCOMPARE(mode(ws.runsDirectory()), 0700);
        }
        ::umask(previous);
    }

    void existingWorkspaceIsTightened()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ws"));
        QString db;
        {
            Workspace ws(path, Workspace::Mode::CreateIfMissing);
            db = ws.databasePath();
        }
        // As an older Baton left it under umask 022.
        for (const QString &d :
             { path, path + QStringLiteral("/logs"), path + QStringLiteral("/runs") })
            QVERIFY(::chmod(QFile::encodeName(d).constData(), 0755) == 0);
        QVERIFY(::chmod(QFile::encodeName(db).constData(), 0644) == 0);
        QFile old(path + QStringLiteral("/logs/baton.log.1"));
        QVERIFY(old.open(QIODevice::WriteOnly));
        old.close();
        QVERIFY(::chmod(QFile::encodeName(old.fileName()).constData(), 0644) == 0);
        Workspace ws(path, Workspace::Mode::MustExist);
        QCOMPARE(mode(path), 0700);
        QCOMPARE(mode(path + QStringLiteral("/logs")), 0700);
        QCOMPARE(mode(path + QStringLiteral("/runs")), 0700);
        QCOMPARE(mode(db), 0600);
        QCOMPARE(mode(old.fileName()), 0600);
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
