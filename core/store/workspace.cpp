#include "workspace.h"

#include "util/error.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

namespace Baton {

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
    return QDir::cleanPath(QFileInfo(dir).absoluteFilePath());
}

Workspace::Workspace(const QString &directory, Mode mode, const Store::Options &options)
    : m_directory(QDir::cleanPath(QFileInfo(directory).absoluteFilePath()))
{
    const QFileInfo info(m_directory);
    if (info.exists() && !info.isDir())
        throw Error(QStringLiteral("workspace %1 is a file, not a directory").arg(m_directory));
    const bool hasDb = QFileInfo::exists(databasePath());
    if (!hasDb && mode == Mode::MustExist) {
        throw Error(QStringLiteral("no workspace at %1 (create one with 'baton init' or choose "
                                   "another with --workspace)")
                        .arg(m_directory));
    }
    if (!QDir().mkpath(m_directory))
        throw Error(QStringLiteral("cannot create workspace directory %1").arg(m_directory));
    Store::Options storeOptions = options;
    storeOptions.create = true;
    m_store = std::make_unique<Store>(databasePath(), storeOptions);
    QDir().mkpath(logsDirectory());
    QDir().mkpath(runsDirectory());
}

QString Workspace::databasePath() const
{
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
