#pragma once

#include "store.h"

#include <QString>
#include <memory>

namespace Baton {

/// A workspace: a directory holding baton.db plus run logs and artifacts, or a team's
/// PostgreSQL database (see StoreLocation) plus this machine's directory for the run files of
/// the attempts it starts (~/.local/share/baton/team/<workspace id>).
class Workspace
{
public:
    enum class Mode { CreateIfMissing, MustExist };

    /// --workspace DIR|URL, else $BATON_WORKSPACE, else the XDG data dir
    /// (~/.local/share/baton/default). A directory comes back absolute; a PostgreSQL address
    /// as given.
    static QString resolveDirectory(const QString &option);
    static QString defaultDirectory();

    /// Opens (and in CreateIfMissing mode creates) the workspace. Throws Baton::Error.
    Workspace(const QString &directory, Mode mode, const Store::Options &options = {});

    /// What names the workspace to people and to other Baton processes (--workspace): its
    /// directory, or its PostgreSQL address (never with a password).
    QString address() const { return m_address; }
    bool isTeam() const { return m_team; }
    /// Where this machine keeps the workspace's files (logs/, runs/).
    QString directory() const { return m_directory; }
    QString databasePath() const;
    QString logsDirectory() const;
    QString runsDirectory() const;
    Store &store() { return *m_store; }
    const Store &store() const { return *m_store; }

private:
    void openTeam(const QString &address, Mode mode, const Store::Options &options);
    void makeDirectories();

    QString m_address;
    bool m_team = false;
    QString m_directory;
    std::unique_ptr<Store> m_store;
};

} // namespace Baton
