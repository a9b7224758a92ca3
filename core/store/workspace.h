#pragma once

#include "store.h"

#include <QString>
#include <memory>

namespace Baton {

/// A workspace: a directory holding baton.db plus run logs and artifacts.
class Workspace
{
public:
    enum class Mode { CreateIfMissing, MustExist };

    /// --workspace DIR, else $BATON_WORKSPACE, else the XDG data dir
    /// (~/.local/share/baton/default).
    static QString resolveDirectory(const QString &option);
    static QString defaultDirectory();

    /// Opens (and in CreateIfMissing mode creates) the workspace. Throws Baton::Error.
    Workspace(const QString &directory, Mode mode, const Store::Options &options = {});

    QString directory() const { return m_directory; }
    QString databasePath() const;
    QString logsDirectory() const;
    QString runsDirectory() const;
    Store &store() { return *m_store; }
    const Store &store() const { return *m_store; }

private:
    QString m_directory;
    std::unique_ptr<Store> m_store;
};

} // namespace Baton
