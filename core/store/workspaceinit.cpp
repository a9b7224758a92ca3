#include "workspaceinit.h"

#include "access/roles.h"
#include "access/secrets.h"
#include "release/demohistory.h"
#include "store/catalog.h"
#include "store/storelocation.h"
#include "util/error.h"

#include <QDir>
#include <QFileInfo>

namespace Baton {

QStringList InitReport::lines() const
{
    QStringList out;
    out << (existed ? QStringLiteral("workspace %1 already exists").arg(workspace->address())
                    : QStringLiteral("created workspace %1").arg(workspace->address()));
    if (madeAdmin)
        out << QStringLiteral("%1 is admin and release_manager of this workspace").arg(actor);
    if (!keyCreated.isEmpty())
        out << QStringLiteral("created the secret key %1 (mode 0600): secrets are encrypted "
                              "with it; keep a copy somewhere safe")
                   .arg(keyCreated);
    if (demoSkipped)
        out << QStringLiteral("the workspace already has projects: the demo was not imported "
                              "again (nothing changed)");
    return out;
}

InitReport WorkspaceInit::init(const QString &directory, const QString &actor, bool demo)
{
    InitReport report;
    // A directory of other files is somebody else's: making it a workspace would add baton.db,
    // logs/ and runs/ to it and make it private (0700). (A team workspace is a database.)
    const QFileInfo info(directory);
    if (!StoreLocation::looksLikePostgres(directory)
        && !QFileInfo::exists(QDir(directory).filePath(QStringLiteral("baton.db")))
        && info.isDir()
        && !QDir(directory).isEmpty(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden
                                    | QDir::System))
        throw Error(QStringLiteral("%1 is not empty and holds no workspace: choose a new or an "
                                   "empty directory (nothing was changed)")
                        .arg(QDir::cleanPath(info.absoluteFilePath())));
    report.workspace = std::make_unique<Workspace>(directory, Workspace::Mode::CreateIfMissing);
    Store &store = report.workspace->store();
    report.existed = !store.createdNow();
    report.actor = actor;
    // Whoever creates a workspace (or first inits one made before roles) administers it.
    report.madeAdmin = Roles::bootstrap(store, actor);
    // One person's first workspace: the key its secrets are sealed with, made here as ssh makes
    // its keys, so that setting a secret just works (a team's engines get theirs from an admin).
    if (!StoreLocation::looksLikePostgres(directory) && Secrets::createKeyIfMissing())
        report.keyCreated = Secrets::keyFilePath();
    report.demoRequested = demo;
    if (!demo)
        return report;
    // The demo carries a release history on top of its files: importing it again would turn
    // that history back, so it only goes into a workspace without projects.
    if (!Catalog::projects(store.db()).isEmpty()) {
        report.demoSkipped = true;
        return report;
    }
    report.demoImport = JobsAsCode::importPath(store, QStringLiteral(":/demo"), actor);
    if (report.demoImport.ok())
        report.demoHistory = DemoHistory::write(store, actor);
    return report;
}

} // namespace Baton
