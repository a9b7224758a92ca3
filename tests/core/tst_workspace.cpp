#include "store/workspace.h"
#include "util/error.h"
#include "workspacefixture.h"

#include <QDir>
#include <QFile>
#include <QStandardPaths>
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
    // Each test's workspace: a directory, or on PostgreSQL a new database whose files on this
    // machine are under ~/.local/share/baton/team/<id>.
    Test::WorkspaceFixture m_spaces;

private Q_SLOTS:
    void cleanup() { m_spaces.dropMore(); }

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
        const QString path = m_spaces.address(dir.filePath(QStringLiteral("ws")));
        Workspace ws(path, Workspace::Mode::CreateIfMissing);
        QCOMPARE(ws.address(), path);
        QCOMPARE(ws.isTeam(), Test::WorkspaceFixture::onPostgres());
        if (ws.isTeam()) {
            QVERIFY2(ws.directory().startsWith(
                         QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
                         + QStringLiteral("/baton/team/")),
                     qPrintable(ws.directory()));
            QVERIFY(m_spaces.database(path)->holdsBatonSchema());
        } else {
            QCOMPARE(ws.directory(), path);
            QVERIFY(QFile::exists(ws.databasePath()));
        }
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
            Workspace ws(m_spaces.address(dir.filePath(QStringLiteral("ws"))),
                         Workspace::Mode::CreateIfMissing);
            ws.store().transaction([](QSqlDatabase &) {}); // a write: -wal and -shm exist
            QCOMPARE(mode(ws.directory()), 0700);
            if (!ws.isTeam()) { // else the database is the server's
                QCOMPARE(mode(ws.databasePath()), 0600);
                QCOMPARE(mode(ws.databasePath() + QStringLiteral("-wal")), 0600);
                QCOMPARE(mode(ws.databasePath() + QStringLiteral("-shm")), 0600);
            }
            QCOMPARE(mode(ws.logsDirectory()), 0700);
            QCOMPARE(mode(ws.logsDirectory() + QStringLiteral("/baton.log")), 0600);
            QCOMPARE(mode(ws.runsDirectory()), 0700);
        }
        ::umask(previous);
    }

    void existingWorkspaceIsTightened()
    {
        QTemporaryDir dir;
        const QString address = m_spaces.address(dir.filePath(QStringLiteral("ws")));
        QString path; // this machine's files: the workspace itself, or its team directory
        QString db;
        {
            Workspace ws(address, Workspace::Mode::CreateIfMissing);
            path = ws.directory();
            if (!ws.isTeam())
                db = ws.databasePath();
        }
        // As an older Baton left it under umask 022.
        for (const QString &d :
             { path, path + QStringLiteral("/logs"), path + QStringLiteral("/runs") })
            QVERIFY(::chmod(QFile::encodeName(d).constData(), 0755) == 0);
        if (!db.isEmpty())
            QVERIFY(::chmod(QFile::encodeName(db).constData(), 0644) == 0);
        QFile old(path + QStringLiteral("/logs/baton.log.1"));
        QVERIFY(old.open(QIODevice::WriteOnly));
        old.close();
        QVERIFY(::chmod(QFile::encodeName(old.fileName()).constData(), 0644) == 0);
        Workspace ws(address, Workspace::Mode::MustExist);
        QCOMPARE(mode(path), 0700);
        QCOMPARE(mode(path + QStringLiteral("/logs")), 0700);
        QCOMPARE(mode(path + QStringLiteral("/runs")), 0700);
        if (!db.isEmpty())
            QCOMPARE(mode(db), 0600);
        QCOMPARE(mode(old.fileName()), 0600);
    }

    // runs/ carries the "top of directory hierarchies" hint (see markTopDirectory), also in a
    // workspace made before Baton set it.
    void runsDirectoryIsMarkedTopOfHierarchy()
    {
        QTemporaryDir dir;
        const QString path = m_spaces.address(dir.filePath(QStringLiteral("ws")));
        {
            Workspace ws(path, Workspace::Mode::CreateIfMissing);
            // Beside runs/: on the file system it is on (a team's is under $HOME).
            const QString probe = QDir(ws.directory()).filePath(QStringLiteral("probe"));
            QVERIFY(QDir().mkpath(probe));
            const int probeFlags = inodeFlags(probe);
            if (probeFlags < 0 || !setInodeFlags(probe, probeFlags | FS_TOPDIR_FL))
                QSKIP("this file system has no top-of-hierarchy flag (tmpfs, btrfs, xfs...)");
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
        // A directory that is not there; on PostgreSQL, an empty database.
        const QString path = m_spaces.address(dir.filePath(QStringLiteral("missing")));
        try {
            Workspace ws(path, Workspace::Mode::MustExist);
            QFAIL("opened a workspace that does not exist");
        } catch (const Error &e) {
            const QString where = Test::WorkspaceFixture::onPostgres()
                ? QStringLiteral("no workspace in ")
                : QStringLiteral("no workspace at ");
            QVERIFY2(e.message().contains(where + path), qPrintable(e.message()));
            QVERIFY(e.message().contains(QStringLiteral("baton init")));
        }
        if (const Test::PgDatabase *pg = m_spaces.database(path))
            QVERIFY(!pg->holdsBatonSchema()); // nothing was created
        else
            QVERIFY(!QFile::exists(path));
    }

    void fileInsteadOfDirectory()
    {
        if (Test::WorkspaceFixture::onPostgres())
            QSKIP("SQLite only: a team workspace is named by an address, not a directory");
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
