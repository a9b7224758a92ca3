#include "workspace.h"

#include "sql.h"
#include "storelocation.h"
#include "teamdirectory.h"
#include "util/error.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStandardPaths>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace Baton {

namespace {

// Run directories are independent trees, created whole and deleted whole. The ext2/3/4 hint
// "top of directory hierarchies" on runs/ has each run's directory placed in a block group of
// its own instead of next to runs/. That matters: without a journal, ext4 will not reuse an
// inode freed in the last minutes and skips such inodes one by one on every new file, so after
// deleting many files near the workspace (old runs, test trees) creating an attempt's three
// inodes cost up to ~2 ms instead of ~60 µs (measured). Other file systems refuse the flag: a
// hint only, nothing depends on it.
void markTopDirectory(const QString &path)
{
    const int fd = ::open(QFile::encodeName(path).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return;
    int flags = 0;
    if (::ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0 && !(flags & FS_TOPDIR_FL)) {
        flags |= FS_TOPDIR_FL;
        ::ioctl(fd, FS_IOC_SETFLAGS, &flags);
    }
    ::close(fd);
}

/// Sets @p path's mode to @p mode when it has any other bit (an existing workspace made under
/// a permissive umask): secrets and every job's output are in it.
void restrictMode(const QString &path, mode_t mode)
{
    struct stat st
    {
    };
    const QByteArray name = QFile::encodeName(path);
    if (::lstat(name.constData(), &st) == 0 && !S_ISLNK(st.st_mode) && (st.st_mode & 07777) != mode)
        ::chmod(name.constData(), mode);
}

/// Directories 0700, files 0600: the workspace, its database files and the logs/ files. The
/// run tree below runs/ is covered by the directories above it (and created private).
void makePrivate(const QString &directory, const QString &database, const QString &logs,
                 const QString &runs)
{
    for (const QString &dir : { directory, logs, runs })
        restrictMode(dir, 0700);
    for (const QString &suffix : { QString(), QStringLiteral("-wal"), QStringLiteral("-shm") }) {
        if (!database.isEmpty()) // a team workspace has no database file here
            restrictMode(database + suffix, 0600);
    }
    for (const QFileInfo &f : QDir(logs).entryInfoList(QDir::Files | QDir::Hidden))
        restrictMode(f.filePath(), 0600);
}

} // namespace

QString Workspace::defaultDirectory()
{
    // GenericDataLocation honours $XDG_DATA_HOME and falls back to ~/.local/share.
    const QString base = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    return QDir(base).filePath(QStringLiteral("baton/default"));
}

QString Workspace::resolveDirectory(const QString &option)
{
    QString dir = option;
    if (dir.isEmpty())
        dir = qEnvironmentVariable("BATON_WORKSPACE");
    if (dir.isEmpty())
        dir = defaultDirectory();
    if (StoreLocation::looksLikePostgres(dir))
        return dir.trimmed();
    return QDir::cleanPath(QFileInfo(dir).absoluteFilePath());
}

Workspace::Workspace(const QString &directory, Mode mode, const Store::Options &options)
{
    if (StoreLocation::looksLikePostgres(directory)) {
        openTeam(directory.trimmed(), mode, options);
        return;
    }
    m_directory = QDir::cleanPath(QFileInfo(directory).absoluteFilePath());
    m_address = m_directory;
    const QFileInfo info(m_directory);
    if (info.exists() && !info.isDir())
        throw Error(QStringLiteral("workspace %1 is a file, not a directory").arg(m_directory));
    const bool hasDb = QFileInfo::exists(databasePath());
    if (!hasDb && mode == Mode::MustExist) {
        throw Error(QStringLiteral("no workspace at %1 (create one with 'baton init' or choose "
                                   "another with --workspace)")
                        .arg(m_directory));
    }
    if (!info.exists() && ::mkdir(QFile::encodeName(m_directory).constData(), 0700) != 0
        && !QDir().mkpath(m_directory))
        throw Error(QStringLiteral("cannot create workspace directory %1").arg(m_directory));
    Store::Options storeOptions = options;
    storeOptions.create = true;
    m_store = std::make_unique<Store>(databasePath(), storeOptions);
    if (m_store->readOnly())
        return; // read what is there; nothing to create or tighten
    makeDirectories();
}

void Workspace::openTeam(const QString &address, Mode mode, const Store::Options &options)
{
    m_team = true;
    Store::Options storeOptions = options;
    storeOptions.create = mode == Mode::CreateIfMissing;
    const StoreLocation location = StoreLocation::parse(address);
    m_address = address; // parse() refused any password in it
    m_store = std::make_unique<Store>(location, storeOptions);
    // Each machine keeps the files of the attempts it runs.
    m_directory = teamDirectory(*m_store);
    if (!QDir().mkpath(m_directory))
        throw Error(QStringLiteral("cannot create %1 for the team workspace %2")
                        .arg(m_directory, location.displayName()));
    makeDirectories();
}

void Workspace::makeDirectories()
{
    for (const QString &dir : { logsDirectory(), runsDirectory() })
        ::mkdir(QFile::encodeName(dir).constData(), 0700);
    // The log the CLI and console attach: created private (spdlog would follow the umask).
    const int fd = ::open(
        QFile::encodeName(QDir(logsDirectory()).filePath(QStringLiteral("baton.log"))).constData(),
        O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd >= 0)
        ::close(fd);
    makePrivate(m_directory, m_team ? QString() : databasePath(), logsDirectory(), runsDirectory());
    markTopDirectory(runsDirectory());
}

QString Workspace::databasePath() const
{
    if (m_team)
        return m_store->path();
    return QDir(m_directory).filePath(QStringLiteral("baton.db"));
}

QString Workspace::logsDirectory() const
{
    return QDir(m_directory).filePath(QStringLiteral("logs"));
}

QString Workspace::runsDirectory() const
{
    return QDir(m_directory).filePath(QStringLiteral("runs"));
}

} // namespace Baton
