#pragma once

#include "io/jobsascode.h"

#include <QObject>
#include <QPointer>
#include <QStringList>
#include <functional>

class QAction;
class QMenu;

namespace Baton {
class Workspace;
} // namespace Baton

namespace Baton::Ui {

class BackfillDialog;
class MainWindow;
class ProjectEditActions;
class SettingsDialog;

/// Everything the console does to a workspace as a whole, so that no one needs the CLI for it:
/// File → New Workspace…, Open Workspace…, Connect to Team Workspace…, Open Recent, Import
/// Jobs-as-Code…, Export…;
/// Tools → Settings…; Pipeline → Backfill…. The work itself is core's (WorkspaceInit,
/// JobsAsCode, Settings, Backfill), always off the GUI thread.
///
/// Switching workspace starts a new console process on the other workspace and closes this
/// one: every mode, worker thread, cached model and the embedded engine's lease belong to one
/// workspace, and a fresh process is the one way to be sure none of them outlives the switch
/// (the window layout is kept: it lives in the console's settings). The recent workspaces are
/// remembered in the console's settings ("workspaces/recent"): directories and team
/// workspaces' addresses, which never hold a password (StoreLocation refuses one).
class WorkspaceActions : public QObject
{
    Q_OBJECT
public:
    static constexpr int MaxRecent = 8;
    /// Starts a console on @p directory; false with @p error set when it cannot.
    using Launcher = std::function<bool(const QString &directory, QString *error)>;

    /// Adds its actions to @p window's menus.
    explicit WorkspaceActions(MainWindow *window);
    ~WorkspaceActions() override;

    QAction *newWorkspaceAction() const { return m_new; }
    QAction *openWorkspaceAction() const { return m_open; }
    QAction *connectTeamAction() const { return m_connectTeam; }
    QMenu *recentMenu() const { return m_recent; }
    QAction *importFileAction() const { return m_importFile; }
    QAction *importDirectoryAction() const { return m_importDirectory; }
    QAction *exportAction() const { return m_export; }
    QAction *settingsAction() const { return m_settings; }
    QAction *backfillAction() const { return m_backfill; }

    /// Most recent first; the current workspace is the first.
    static QStringList recentWorkspaces();
    /// Replaces how another workspace is opened (tests; the default starts baton-console).
    void setLauncher(Launcher launcher) { m_launcher = std::move(launcher); }
    /// The settings dialog while it is open.
    SettingsDialog *settingsDialog() const;
    BackfillDialog *backfillDialog() const;
    /// New Job…, New Pipeline…, Edit Schedule…, Variables….
    ProjectEditActions *projectEdits() const { return m_projectEdits; }

public Q_SLOTS:
    /// Creates a workspace in @p directory (core's init, off the GUI thread), then switches
    /// to it; @p demo imports the demo projects when this build carries them.
    void createWorkspace(const QString &directory, bool demo = false);
    /// Opens the console on @p directory (which must hold a workspace) or on a team
    /// workspace's address, and closes this window. False, with a message box, when it cannot.
    bool switchTo(const QString &directory);
    /// Connects to the team workspace at @p address off the GUI thread (and with @p create,
    /// creates it in an empty database, its creator the admin); switches to it when it opens.
    /// A wrong address, an unreachable server, a refused login or a database that holds no
    /// workspace is reported (failed()) and nothing is written.
    void connectTeam(const QString &address, bool create = false);
    /// Imports a jobs-as-code file or directory off the GUI thread; all or nothing.
    void importPath(const QString &path);
    /// Exports @p project (empty: every project) into @p directory off the GUI thread.
    void exportTo(const QString &directory, const QString &project = {});
    void showSettings();
    void showBackfill();

Q_SIGNALS:
    void workspaceCreated(const QString &directory, const QStringList &lines);
    void imported(const Baton::ImportSummary &summary);
    /// The import was refused: "file:line:column: error: …" per problem; nothing changed.
    void importFailed(const QStringList &errors);
    void exported(const QList<Baton::ExportedProject> &projects);
    /// Creating, switching or exporting failed (the message also goes to a message box).
    void failed(const QString &message);

private:
    void askNewWorkspace();
    void askOpenWorkspace();
    void askConnectTeam();
    void askImport(bool directory);
    void askExport();
    void rebuildRecent();
    void updateBackfillAction();
    void report(const QString &title, const QString &text, const QString &details, bool warning,
                const QString &objectName);
    static void remember(const QString &directory);

    MainWindow *m_window;
    Baton::Workspace *m_workspace;
    Launcher m_launcher;
    QAction *m_new;
    QAction *m_open;
    QAction *m_connectTeam;
    QMenu *m_recent;
    QAction *m_importFile;
    QAction *m_importDirectory;
    QAction *m_export;
    QAction *m_settings;
    QAction *m_backfill;
    ProjectEditActions *m_projectEdits = nullptr;
    QPointer<SettingsDialog> m_settingsDialog;
    QPointer<BackfillDialog> m_backfillDialog;
};

} // namespace Baton::Ui
