#include "workspaceactions.h"

#include "access/identity.h"
#include "mainwindow/mainwindow.h"
#include "mainwindow/moderail.h"
#include "monitoring/monitormode.h"
#include "notifications/traynotifier.h"
#include "pipelines/pipelinesmode.h"
#include "projectedit/projecteditactions.h"
#include "schedules/backfilldialog.h"
#include "settings/settingsdialog.h"
#include "store/storelocation.h"
#include "store/workspace.h"
#include "store/workspaceinit.h"
#include "util/error.h"
#include "widgets/backgroundtask.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QToolButton>
#include <QTreeView>

namespace Baton::Ui {

namespace {

const QString kRecentKey = QStringLiteral("workspaces/recent");

QSettings consoleSettings()
{
    return QSettings(QStringLiteral("Baton"), QStringLiteral("baton"));
}

bool holdsWorkspace(const QString &directory)
{
    return QFileInfo::exists(QDir(directory).filePath(QStringLiteral("baton.db")));
}

// How a workspace is remembered and compared: a directory absolute and clean, a team
// workspace's address as written (libpq reads it; it holds no password).
QString canonical(const QString &workspace)
{
    const QString text = workspace.trimmed();
    if (StoreLocation::looksLikePostgres(text))
        return text;
    return QDir::cleanPath(QFileInfo(text).absoluteFilePath());
}

// How the recent list shows it: the directory, or "user@host:port/db (team)".
QString shownName(const QString &workspace)
{
    if (!StoreLocation::looksLikePostgres(workspace))
        return QDir::toNativeSeparators(workspace);
    try {
        return QCoreApplication::translate("Baton::Ui::WorkspaceActions", "%1 (team)")
            .arg(StoreLocation::parse(workspace).displayName());
    } catch (const Error &) {
        return workspace; // remembered before it became invalid: shown as written
    }
}

// The default launcher: this program again, on the other workspace.
bool launchConsole(const QString &directory, QString *error)
{
    const QString program = QCoreApplication::applicationFilePath();
    if (QProcess::startDetached(program, { QStringLiteral("--workspace"), directory }))
        return true;
    *error = QCoreApplication::translate("Baton::Ui::WorkspaceActions", "Cannot start %1.")
                 .arg(QDir::toNativeSeparators(program));
    return false;
}

// A line edit with a Browse… button that picks a directory.
QWidget *directoryField(QLineEdit *edit, QWidget *parent, const QString &caption)
{
    auto *row = new QWidget(parent);
    auto *layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit, 1);
    auto *browse = new QPushButton(
        QCoreApplication::translate("Baton::Ui::WorkspaceActions", "Browse…"), row);
    QObject::connect(browse, &QPushButton::clicked, edit, [edit, caption] {
        const QString dir
            = QFileDialog::getExistingDirectory(edit->window(), caption, edit->text());
        if (!dir.isEmpty())
            edit->setText(QDir::toNativeSeparators(dir));
    });
    layout->addWidget(browse);
    return row;
}

} // namespace

WorkspaceActions::WorkspaceActions(MainWindow *window)
    : QObject(window)
    , m_window(window)
    , m_workspace(window->workspace())
    , m_launcher(launchConsole)
{
    setObjectName(QStringLiteral("workspaceActions"));

    m_new = new QAction(tr("&New Workspace…"), this);
    m_new->setObjectName(QStringLiteral("newWorkspaceAction"));
    m_new->setStatusTip(tr("Create a workspace in a directory and open it"));
    connect(m_new, &QAction::triggered, this, &WorkspaceActions::askNewWorkspace);

    m_open = new QAction(tr("&Open Workspace…"), this);
    m_open->setObjectName(QStringLiteral("openWorkspaceAction"));
    m_open->setShortcut(QKeySequence::Open);
    m_open->setStatusTip(tr("Open another workspace directory"));
    connect(m_open, &QAction::triggered, this, &WorkspaceActions::askOpenWorkspace);

    m_connectTeam = new QAction(tr("&Connect to Team Workspace…"), this);
    m_connectTeam->setObjectName(QStringLiteral("connectTeamWorkspaceAction"));
    m_connectTeam->setToolTip(tr("Open a workspace shared by a team on a PostgreSQL server"));
    connect(m_connectTeam, &QAction::triggered, this, &WorkspaceActions::askConnectTeam);

    m_recent = new QMenu(tr("Open &Recent"), window);
    m_recent->setObjectName(QStringLiteral("recentWorkspacesMenu"));

    m_importFile = new QAction(tr("&Import Jobs-as-Code File…"), this);
    m_importFile->setObjectName(QStringLiteral("importFileAction"));
    m_importFile->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_I));
    m_importFile->setStatusTip(tr("Import a project YAML file: all of it or nothing"));
    connect(m_importFile, &QAction::triggered, this, [this] { askImport(false); });

    m_importDirectory = new QAction(tr("Import Jobs-as-Code &Directory…"), this);
    m_importDirectory->setObjectName(QStringLiteral("importDirectoryAction"));
    m_importDirectory->setStatusTip(
        tr("Import every project YAML file below a directory: all of it or nothing"));
    connect(m_importDirectory, &QAction::triggered, this, [this] { askImport(true); });

    m_export = new QAction(tr("&Export Jobs-as-Code…"), this);
    m_export->setObjectName(QStringLiteral("exportAction"));
    m_export->setStatusTip(tr("Write projects as jobs-as-code files into a directory"));
    connect(m_export, &QAction::triggered, this, &WorkspaceActions::askExport);

    m_settings = new QAction(tr("&Settings…"), this);
    m_settings->setObjectName(QStringLiteral("settingsAction"));
    m_settings->setShortcut(QKeySequence::Preferences);
    if (m_settings->shortcut().isEmpty())
        m_settings->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    m_settings->setMenuRole(QAction::PreferencesRole);
    m_settings->setStatusTip(tr("Workspace limits, time zone, logs and notifications"));
    connect(m_settings, &QAction::triggered, this, &WorkspaceActions::showSettings);

    m_backfill = new QAction(tr("&Backfill…"), this);
    m_backfill->setObjectName(QStringLiteral("backfillAction"));
    m_backfill->setStatusTip(tr("Run the selected pipeline for its past fire times"));
    connect(m_backfill, &QAction::triggered, this, &WorkspaceActions::showBackfill);

    // File: the workspace actions above Quit.
    QMenuBar *bar = window->menuBar();
    if (QMenu *file = bar->actions().value(0) ? bar->actions().value(0)->menu() : nullptr) {
        QAction *first = file->actions().value(0);
        file->insertAction(first, m_new);
        file->insertAction(first, m_open);
        file->insertAction(first, m_connectTeam);
        file->insertMenu(first, m_recent);
        file->insertSeparator(first);
        file->insertAction(first, m_importFile);
        file->insertAction(first, m_importDirectory);
        file->insertAction(first, m_export);
        file->insertSeparator(first);
    }
    // Tools → Settings…, just before the last menu (Help).
    auto *tools = new QMenu(tr("&Tools"), window);
    tools->setObjectName(QStringLiteral("toolsMenu"));
    tools->addAction(m_settings);
    // Before Runs when there is one (Runs stays next to Help), else before Help.
    QAction *before = bar->actions().isEmpty() ? nullptr : bar->actions().last();
    for (QAction *menu : bar->actions()) {
        if (menu->menu() && menu->menu()->objectName() == QLatin1String("runsMenu"))
            before = menu;
    }
    bar->insertMenu(before, tools);
    // Pipeline → Backfill…, beside Run and Pause.
    for (QAction *menu : bar->actions()) {
        if (menu->menu() && menu->menu()->actions().contains(window->runPipelineAction()))
            menu->menu()->addAction(m_backfill);
    }

    // New Job…, New Pipeline…, Edit Schedule…, Variables… in the Pipeline menu.
    m_projectEdits = new ProjectEditActions(window);
    window->pipelinesMode()->projectTree()->addAction(m_backfill); // its context menu too

    remember(m_workspace->address());
    rebuildRecent();

    // Notifications can be asked for on every project of the workspace, runs or not.
    connect(window, &MainWindow::catalogApplied, this, [this] {
        QStringList names;
        for (const ProjectInfo &p : m_window->pipelinesMode()->snapshot().projects)
            names << p.name;
        if (m_window->notifier())
            m_window->notifier()->setCatalogProjects(names);
        updateBackfillAction();
    });
    connect(window->pipelinesMode(), &PipelinesMode::shownItemChanged, this,
            &WorkspaceActions::updateBackfillAction);
    connect(window->modeRail(), &ModeRail::currentChanged, this,
            &WorkspaceActions::updateBackfillAction);
    updateBackfillAction();
}

// An import or export in flight runs to the end (the console drains jobs before the workspace
// closes); its report to this object is dropped.
WorkspaceActions::~WorkspaceActions() = default;

SettingsDialog *WorkspaceActions::settingsDialog() const
{
    return m_settingsDialog.data();
}

BackfillDialog *WorkspaceActions::backfillDialog() const
{
    return m_backfillDialog.data();
}

QStringList WorkspaceActions::recentWorkspaces()
{
    return consoleSettings().value(kRecentKey).toStringList();
}

void WorkspaceActions::remember(const QString &directory)
{
    const QString dir = canonical(directory);
    QStringList list = recentWorkspaces();
    list.removeAll(dir);
    list.prepend(dir);
    while (list.size() > MaxRecent)
        list.removeLast();
    consoleSettings().setValue(kRecentKey, list);
}

void WorkspaceActions::rebuildRecent()
{
    m_recent->clear();
    const QString current = canonical(m_workspace->address());
    for (const QString &dir : recentWorkspaces()) {
        QAction *action = m_recent->addAction(shownName(dir));
        action->setData(dir);
        if (dir == current) {
            action->setEnabled(false); // already open here
            action->setText(tr("%1 (this window)").arg(shownName(dir)));
        } else if (StoreLocation::looksLikePostgres(dir)) {
            // The server is asked first (off the GUI thread): it may be down or the login gone.
            connect(action, &QAction::triggered, this, [this, dir] { connectTeam(dir); });
        } else {
            connect(action, &QAction::triggered, this, [this, dir] { switchTo(dir); });
        }
    }
    if (m_recent->isEmpty())
        m_recent->addAction(tr("No recent workspaces"))->setEnabled(false);
    m_recent->addSeparator();
    QAction *clear = m_recent->addAction(tr("Clear List"));
    connect(clear, &QAction::triggered, this, [this] {
        consoleSettings().setValue(kRecentKey, QStringList { canonical(m_workspace->address()) });
        rebuildRecent();
    });
}

void WorkspaceActions::askNewWorkspace()
{
    QDialog dialog(m_window);
    dialog.setObjectName(QStringLiteral("newWorkspaceDialog"));
    dialog.setWindowTitle(tr("New Workspace"));
    auto *form = new QFormLayout(&dialog);
    auto *edit = new QLineEdit(&dialog);
    edit->setPlaceholderText(tr("an empty or new directory"));
    edit->setMinimumWidth(380);
    form->addRow(tr("&Directory:"), directoryField(edit, &dialog, tr("New Workspace Directory")));
    auto *demo = new QCheckBox(tr("Include the &demo projects"), &dialog);
    demo->setVisible(QFileInfo(QStringLiteral(":/demo")).isDir());
    form->addRow(QString(), demo);
    auto *hint = new QLabel(tr("A workspace is a directory holding baton.db, run logs and "
                               "artifacts. You administer the workspaces you create."),
                            &dialog);
    hint->setWordWrap(true);
    form->addRow(hint);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Create and Open"));
    buttons->button(QDialogButtonBox::Ok)->setEnabled(false);
    connect(edit, &QLineEdit::textChanged, buttons, [buttons](const QString &text) {
        buttons->button(QDialogButtonBox::Ok)->setEnabled(!text.trimmed().isEmpty());
    });
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return;
    createWorkspace(QDir::fromNativeSeparators(edit->text().trimmed()), demo->isChecked());
}

void WorkspaceActions::createWorkspace(const QString &directory, bool demo)
{
    const QString dir = canonical(directory);
    const QString actor = currentUser();
    m_window->statusBar()->showMessage(tr("Creating workspace %1…").arg(dir));
    // One lane: one import or export at a time, in the order asked.
    BackgroundTask::run(
        this, BackgroundTask::lane(QStringLiteral("workspace-actions")), [this, dir, demo, actor] {
            QStringList lines;
            QString error;
            try {
                const InitReport report = WorkspaceInit::init(dir, actor, demo);
                lines = report.lines();
                if (report.demoRequested && !report.demoSkipped && !report.demoImport.ok())
                    error = report.demoImport.errorLines().join(QLatin1Char('\n'));
            } catch (const Error &e) {
                error = e.message();
            }
            return [this, dir, lines, error] {
                if (!error.isEmpty()) {
                    report(tr("Workspace Not Created"),
                           tr("The workspace %1 could not be created.")
                               .arg(QDir::toNativeSeparators(dir)),
                           error, true, QStringLiteral("workspaceFailedMessage"));
                    Q_EMIT failed(error);
                    return;
                }
                remember(dir);
                rebuildRecent();
                Q_EMIT workspaceCreated(dir, lines);
                switchTo(dir);
            };
        });
}

void WorkspaceActions::askOpenWorkspace()
{
    const QString dir = QFileDialog::getExistingDirectory(
        m_window, tr("Open Workspace"), QFileInfo(m_workspace->directory()).path());
    if (dir.isEmpty())
        return;
    if (!holdsWorkspace(dir)) {
        const auto answer
            = QMessageBox::question(m_window, tr("No Workspace Here"),
                                    tr("%1 holds no workspace (no baton.db). Create one there?")
                                        .arg(QDir::toNativeSeparators(dir)),
                                    QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer == QMessageBox::Yes)
            createWorkspace(dir);
        return;
    }
    switchTo(dir);
}

void WorkspaceActions::askConnectTeam()
{
    QDialog dialog(m_window);
    dialog.setObjectName(QStringLiteral("connectTeamDialog"));
    dialog.setWindowTitle(tr("Connect to Team Workspace"));
    auto *form = new QFormLayout(&dialog);
    auto *edit = new QLineEdit(&dialog);
    edit->setObjectName(QStringLiteral("teamAddressEdit"));
    edit->setPlaceholderText(QStringLiteral("postgresql://user@host:5432/baton"));
    edit->setMinimumWidth(420);
    const QStringList recent = recentWorkspaces();
    for (const QString &r : recent) {
        if (StoreLocation::looksLikePostgres(r)) {
            edit->setText(r); // the last team workspace, the likeliest to be wanted again
            break;
        }
    }
    form->addRow(tr("&Address:"), edit);
    auto *create = new QCheckBox(tr("C&reate the workspace if the database is empty"), &dialog);
    create->setObjectName(QStringLiteral("teamCreateCheck"));
    form->addRow(QString(), create);
    auto *hint = new QLabel(
        tr("A libpq address: postgresql://[user@]host[:port]/database[?sslmode=…] or "
           "service=NAME from pg_service.conf. The password is never typed here: PostgreSQL "
           "reads it from ~/.pgpass (or $PGPASSFILE), and Baton does not store it."),
        &dialog);
    hint->setWordWrap(true);
    form->addRow(hint);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Connect"));
    const auto enable = [buttons](const QString &text) {
        buttons->button(QDialogButtonBox::Ok)->setEnabled(!text.trimmed().isEmpty());
    };
    enable(edit->text());
    connect(edit, &QLineEdit::textChanged, buttons, enable);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return;
    connectTeam(edit->text().trimmed(), create->isChecked());
}

void WorkspaceActions::connectTeam(const QString &address, bool create)
{
    const auto refuse = [this](const QString &shown, const QString &error) {
        m_window->statusBar()->clearMessage();
        report(tr("Workspace Not Opened"), tr("Cannot open the team workspace %1.").arg(shown),
               error, true, QStringLiteral("workspaceFailedMessage"));
        Q_EMIT failed(error);
    };
    QString shown;
    try {
        // The address is checked here, before any connection: its error names what is wrong
        // (a password in it is refused without being echoed).
        const StoreLocation location = StoreLocation::parse(address);
        if (location.kind() != StoreLocation::Kind::Postgres)
            throw Error(
                tr("%1 is not a PostgreSQL address (postgresql://… or service=NAME)").arg(address));
        shown = location.displayName();
    } catch (const Error &e) {
        // Not echoed: what cannot be parsed may hold a password (core's error never does).
        refuse(tr("at the address given"), e.message());
        return;
    }
    const QString target = canonical(address);
    if (target == canonical(m_workspace->address())) {
        m_window->statusBar()->showMessage(tr("%1 is open in this window").arg(shown), 10000);
        return;
    }
    const QString actor = currentUser();
    m_window->statusBar()->showMessage(tr("Connecting to %1…").arg(shown));
    BackgroundTask::run(this, BackgroundTask::lane(QStringLiteral("workspace-actions")),
                        [this, target, shown, create, actor, refuse] {
                            QStringList lines;
                            QString error;
                            try {
                                if (create) {
                                    lines = WorkspaceInit::init(target, actor).lines();
                                } else {
                                    // Opened and closed again: the console started next keeps its
                                    // own.
                                    Workspace probe(target, Workspace::Mode::MustExist);
                                }
                            } catch (const Error &e) {
                                error = e.message();
                            }
                            return [this, target, shown, lines, error, refuse] {
                                if (!error.isEmpty()) {
                                    refuse(shown, error);
                                    return;
                                }
                                m_window->statusBar()->clearMessage();
                                remember(target);
                                rebuildRecent();
                                if (!lines.isEmpty())
                                    Q_EMIT workspaceCreated(target, lines);
                                switchTo(target);
                            };
                        });
}

bool WorkspaceActions::switchTo(const QString &directory)
{
    const QString dir = canonical(directory);
    if (dir == canonical(m_workspace->address()))
        return true;
    const bool team = StoreLocation::looksLikePostgres(dir);
    QString error;
    // A team workspace was asked first (connectTeam); the console started next reports
    // anything that changed since.
    if (!team && !holdsWorkspace(dir)) {
        error = tr("%1 holds no workspace (no baton.db): create one with File → New "
                   "Workspace….")
                    .arg(QDir::toNativeSeparators(dir));
    } else if (!m_window->close()) {
        return false; // the user chose to stay (unsaved edits, running work)
    } else if (m_launcher(dir, &error)) {
        remember(dir);
        return true;
    } else {
        m_window->show(); // the other console did not start: stay here
    }
    report(tr("Workspace Not Opened"),
           tr("Cannot open the workspace %1.").arg(QDir::toNativeSeparators(dir)), error, true,
           QStringLiteral("workspaceFailedMessage"));
    Q_EMIT failed(error);
    return false;
}

void WorkspaceActions::askImport(bool directory)
{
    const QString start
        = consoleSettings().value(QStringLiteral("workspaces/lastImport")).toString();
    const QString path = directory
        ? QFileDialog::getExistingDirectory(m_window, tr("Import Jobs-as-Code Directory"), start)
        : QFileDialog::getOpenFileName(m_window, tr("Import Jobs-as-Code File"), start,
                                       tr("Jobs-as-code (*.yaml *.yml);;All files (*)"));
    if (path.isEmpty())
        return;
    consoleSettings().setValue(QStringLiteral("workspaces/lastImport"),
                               directory ? path : QFileInfo(path).path());
    importPath(path);
}

void WorkspaceActions::importPath(const QString &path)
{
    const Store *store = &m_workspace->store();
    const QString actor = currentUser();
    m_window->statusBar()->showMessage(tr("Importing %1…").arg(QDir::toNativeSeparators(path)));
    BackgroundTask::run(
        this, BackgroundTask::lane(QStringLiteral("workspace-actions")),
        [this, store, path, actor] {
            ImportOutcome outcome;
            QString error;
            try {
                outcome = JobsAsCode::importPath(*store, path, actor);
            } catch (const Error &e) {
                error = e.message();
            }
            return [this, path, outcome, error] {
                const QString shown = QDir::toNativeSeparators(path);
                if (!error.isEmpty() || !outcome.ok()) {
                    const QStringList errors
                        = error.isEmpty() ? outcome.errorLines() : QStringList { error };
                    m_window->statusBar()->showMessage(
                        tr("Import of %1 refused: nothing changed").arg(shown), 20000);
                    // The first problems in the text, every one of them under Show Details.
                    QStringList first = errors.mid(0, 8);
                    if (errors.size() > first.size())
                        first << tr("… and %n more", nullptr, int(errors.size() - first.size()));
                    report(tr("Import Failed"),
                           tr("%n error(s) in %1: the workspace was not changed.", nullptr,
                              int(errors.size()))
                                   .arg(shown)
                               + QStringLiteral("\n\n") + first.join(QLatin1Char('\n')),
                           (errors + outcome.warningLines()).join(QLatin1Char('\n')), true,
                           QStringLiteral("importFailedMessage"));
                    Q_EMIT importFailed(errors);
                    return;
                }
                const ImportSummary &s = outcome.summary;
                QStringList lines;
                for (const QString &p : s.projectsCreated)
                    lines << tr("project %1: created").arg(p);
                for (const QString &p : s.projectsUpdated)
                    lines << tr("project %1: updated").arg(p);
                for (const ImportSummary::Version &v : s.versions) {
                    if (v.created)
                        lines << tr("  %1 %2/%3 v%4 (new version)")
                                     .arg(v.kind, v.project, v.name)
                                     .arg(v.number);
                }
                for (const QString &a : s.archived)
                    lines << tr("  archived %1 (no longer in the files; history kept)").arg(a);
                QStringList warnings = outcome.warningLines();
                for (const Diagnostic &w : s.warnings)
                    warnings << w.where.toString() + QStringLiteral(": warning: ") + w.message;
                const QString headline
                    = tr("%1 imported: %n new version(s).", nullptr, s.createdVersions())
                          .arg(shown);
                m_window->statusBar()->showMessage(headline, 20000);
                report(tr("Import Done"),
                       headline + QStringLiteral("\n\n") + lines.join(QLatin1Char('\n')),
                       warnings.join(QLatin1Char('\n')), !warnings.isEmpty(),
                       QStringLiteral("importDoneMessage"));
                m_window->refresh();
                Q_EMIT imported(s);
            };
        });
}

void WorkspaceActions::askExport()
{
    QDialog dialog(m_window);
    dialog.setObjectName(QStringLiteral("exportDialog"));
    dialog.setWindowTitle(tr("Export Jobs-as-Code"));
    auto *form = new QFormLayout(&dialog);
    auto *edit = new QLineEdit(&dialog);
    edit->setMinimumWidth(380);
    edit->setText(consoleSettings().value(QStringLiteral("workspaces/lastExport")).toString());
    form->addRow(tr("&Into directory:"), directoryField(edit, &dialog, tr("Export Into")));
    auto *project = new QComboBox(&dialog);
    project->addItem(tr("Every project"), QString());
    for (const ProjectInfo &p : m_window->pipelinesMode()->snapshot().projects)
        project->addItem(p.name, p.name);
    if (const ProjectInfo *current = m_window->pipelinesMode()->currentProject())
        project->setCurrentIndex(project->findData(current->name));
    form->addRow(tr("&Project:"), project);
    auto *hint = new QLabel(tr("Each project goes to DIRECTORY/PROJECT/project.yaml with its "
                               "job files. Secret values are never written."),
                            &dialog);
    hint->setWordWrap(true);
    form->addRow(hint);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Export"));
    const auto update = [buttons, edit] {
        buttons->button(QDialogButtonBox::Ok)->setEnabled(!edit->text().trimmed().isEmpty());
    };
    connect(edit, &QLineEdit::textChanged, buttons, update);
    update();
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return;
    const QString dir = QDir::fromNativeSeparators(edit->text().trimmed());
    consoleSettings().setValue(QStringLiteral("workspaces/lastExport"), dir);
    exportTo(dir, project->currentData().toString());
}

void WorkspaceActions::exportTo(const QString &directory, const QString &project)
{
    const Store *store = &m_workspace->store();
    BackgroundTask::run(
        this, BackgroundTask::lane(QStringLiteral("workspace-actions")),
        [this, store, directory, project] {
            QList<ExportedProject> written;
            QString error;
            try {
                written = JobsAsCode::exportProjects(store->db(), directory, project);
            } catch (const Error &e) {
                error = e.message();
            }
            return [this, directory, written, error] {
                const QString shown = QDir::toNativeSeparators(directory);
                if (!error.isEmpty()) {
                    report(tr("Export Failed"), tr("Nothing was exported to %1.").arg(shown), error,
                           true, QStringLiteral("exportFailedMessage"));
                    Q_EMIT failed(error);
                    return;
                }
                QStringList lines;
                for (const ExportedProject &e : written)
                    lines << tr("%1: %n file(s) in %2", nullptr, int(e.files.size()))
                                 .arg(e.project, QDir::toNativeSeparators(e.directory));
                m_window->statusBar()->showMessage(
                    tr("Exported %n project(s) to %1", nullptr, int(written.size())).arg(shown),
                    20000);
                report(tr("Export Done"),
                       tr("Exported to %1:").arg(shown) + QStringLiteral("\n\n")
                           + lines.join(QLatin1Char('\n')),
                       QString(), false, QStringLiteral("exportDoneMessage"));
                Q_EMIT exported(written);
            };
        });
}

void WorkspaceActions::report(const QString &title, const QString &text, const QString &details,
                              bool warning, const QString &objectName)
{
    auto *box = new QMessageBox(warning ? QMessageBox::Warning : QMessageBox::Information, title,
                                text, QMessageBox::Ok, m_window);
    box->setObjectName(objectName);
    box->setTextInteractionFlags(Qt::TextSelectableByMouse);
    if (!details.isEmpty())
        box->setDetailedText(details);
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void WorkspaceActions::showSettings()
{
    if (m_settingsDialog) {
        m_settingsDialog->raise();
        m_settingsDialog->activateWindow();
        return;
    }
    QStringList projects;
    for (const ProjectInfo &p : m_window->pipelinesMode()->snapshot().projects)
        projects << p.name;
    auto *dialog
        = new SettingsDialog(&m_workspace->store(), m_window->notifier(), projects, m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &SettingsDialog::saved, this, [this](const QStringList &changed) {
        m_window->statusBar()->showMessage(
            changed.isEmpty() ? tr("Settings unchanged")
                              : tr("Settings saved: %1").arg(changed.join(QStringLiteral(", "))),
            20000);
        m_window->refresh(); // a new time zone moves the next fire times
    });
    m_settingsDialog = dialog;
    dialog->open();
}

void WorkspaceActions::updateBackfillAction()
{
    // As Run Pipeline…: on the pipeline selected in the Pipelines mode, while it is shown.
    const PipelineInfo *p = m_window->pipelinesMode()->currentPipeline();
    const bool scheduled = p && !p->schedule.isEmpty();
    m_backfill->setEnabled(scheduled && m_window->currentMode() == MainWindow::tr("Pipelines"));
    m_backfill->setToolTip(scheduled
                               ? tr("Run %1/%2 for its past fire times").arg(p->project, p->name)
                               : tr("Select a pipeline with a schedule to backfill it"));
}

void WorkspaceActions::showBackfill()
{
    if (m_backfillDialog) {
        m_backfillDialog->raise();
        m_backfillDialog->activateWindow();
        return;
    }
    const PipelineInfo *pipeline = m_window->pipelinesMode()->currentPipeline();
    const ProjectInfo *project = m_window->pipelinesMode()->currentProject();
    if (!pipeline || !project || pipeline->schedule.isEmpty())
        return;
    auto *dialog = new BackfillDialog(&m_workspace->store(), *project, *pipeline, m_window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // New backfill runs show in the Monitor as they are created, not at its next tick.
    connect(dialog, &BackfillDialog::progressed, m_window->monitorMode(), &MonitorMode::refreshNow);
    m_backfillDialog = dialog;
    dialog->open();
}

} // namespace Baton::Ui
