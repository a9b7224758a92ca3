#pragma once

#include "io/jobsascode.h"
#include "store/workspace.h"

#include <QString>
#include <QStringList>
#include <memory>

namespace Baton {

/// What `baton init` (and the console's File → New Workspace…) did.
struct InitReport
{
    std::unique_ptr<Workspace> workspace;
    bool existed = false; ///< the directory already held a workspace: nothing was created
    QString actor;
    bool madeAdmin = false; ///< the actor became admin and release manager (first init)
    QString keyCreated; ///< the secret key file made now (there was no key), else empty
    bool demoRequested = false;
    bool demoSkipped = false; ///< demo asked for, but the workspace already had projects
    ImportOutcome demoImport;
    QStringList demoHistory; ///< the demo's seeded release history, one line per step
    /// What happened, one line per fact, as `baton init` prints it (the demo's import summary
    /// apart).
    QStringList lines() const;
};

/// Creating a workspace: the one implementation behind `baton init` and the console.
class WorkspaceInit
{
public:
    /// Creates (or opens, when it exists) the workspace in @p directory; whoever first inits it
    /// administers it; with @p demo, imports the demo projects and their release history into a
    /// workspace without projects. Throws Baton::Error (a file in the way, a non-empty directory
    /// that holds no workspace, an unusable database, an unwritable directory).
    static InitReport init(const QString &directory, const QString &actor, bool demo = false);
};

} // namespace Baton
