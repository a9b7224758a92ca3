// baton-console: the desktop console. `baton` with no command execs it (see app/main.cpp): the
// headless commands then never load the GUI libraries.
#include "cli/cli.h"
#include "cli/output.h"
#include "dag/editorview.h"
#include "dag/pipelineeditor.h"
#include "dashboards/dashboardsmode.h"
#include "logs/logview.h"
#include "logs/logviewer.h"
#include "mainwindow/documenttabs.h"
#include "mainwindow/mainwindow.h"
#include "monitoring/monitormode.h"
#include "monitoring/runstablemodel.h"
#include "pipelines/pipelinesmode.h"
#include "releases/releasesmode.h"
#include "review/reviewmode.h"
#include "store/workspace.h"
#include "util/error.h"
#include "util/logging.h"
#include "widgets/backgroundtask.h"

#include <QApplication>
#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLineEdit>
#include <QMessageBox>
#include <QProcess>
#include <QSaveFile>
#include <QScopeGuard>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimer>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <spdlog/spdlog.h>
#include <tuple>

using namespace Baton;

namespace {

// BATON_CONSOLE_REPORT=FILE: what the Monitor's runs table and the Releases' requests show, one
// row a line (cells by tabs), FILE replaced whole each time either changes. How a test in another
// process sees what this console shows (integration/teamconsoles); off unless asked for. A few KB
// written on the GUI thread: acceptable for a test hook, never on by default.
void reportWhatIsShown(Ui::MainWindow &window, const QString &path)
{
    auto *pending = new QTimer(&window); // one write per burst of changes
    pending->setSingleShot(true);
    QObject::connect(pending, &QTimer::timeout, &window, [&window, path] {
        QByteArray text = "[runs]\n";
        const QAbstractItemModel *runs = window.monitorMode()->runsModel();
        for (int r = 0; r < runs->rowCount(); ++r) {
            QStringList cells;
            for (int c = 0; c < runs->columnCount(); ++c)
                cells << runs->index(r, c).data().toString();
            text += cells.join(u'\t').toUtf8() + '\n';
        }
        text += "[requests]\n";
        const QTableWidget *requests = window.releasesMode()->requestsView();
        for (int r = 0; r < requests->rowCount(); ++r) {
            QStringList cells;
            for (int c = 0; c < requests->columnCount(); ++c)
                cells << (requests->item(r, c) ? requests->item(r, c)->text() : QString());
            text += cells.join(u'\t').toUtf8() + '\n';
        }
        QSaveFile file(path);
        if (file.open(QIODevice::WriteOnly) && file.write(text) == text.size())
            file.commit();
    });
    const auto changed = [pending] {
        pending->start(0);
    };
    const QAbstractItemModel *runs = window.monitorMode()->runsModel();
    QObject::connect(runs, &QAbstractItemModel::modelReset, pending, changed);
    QObject::connect(runs, &QAbstractItemModel::layoutChanged, pending, changed);
    QObject::connect(runs, &QAbstractItemModel::rowsInserted, pending, changed);
    QObject::connect(runs, &QAbstractItemModel::rowsRemoved, pending, changed);
    QObject::connect(runs, &QAbstractItemModel::dataChanged, pending, changed);
    QObject::connect(window.releasesMode(), &Ui::ReleasesMode::snapshotApplied, pending, changed);
    changed();
}

const char kNoDisplay[] = "baton: cannot open the console: no display%1. Start it in a graphical "
                          "session, or use the headless commands (baton engine, baton runs, "
                          "baton --help).";

QtMessageHandler g_previousHandler = nullptr;
// What Qt said while its platform plugin started: replayed once it is up, the reason otherwise.
QList<std::tuple<QtMsgType, QString, QString>> g_startupMessages;

// Qt aborts when no platform plugin can start (no X server, no Wayland compositor): one clear
// line and the exit code of a failed command instead of a crash and its core dump.
void platformFailureHandler(QtMsgType type, const QMessageLogContext &context, const QString &text)
{
    if (type != QtFatalMsg) {
        g_startupMessages.append({ type, QString::fromLatin1(context.category), text });
        return;
    }
    // The most telling of what the platform said: "could not connect to display :99" first.
    QString why = text.section(QLatin1Char('\n'), 0, 0).trimmed();
    bool display = false;
    for (const auto &[kind, category, message] : g_startupMessages) {
        if (!category.startsWith(QLatin1String("qt.qpa")) || kind == QtDebugMsg || display)
            continue;
        why = message.trimmed();
        display = message.contains(QLatin1String("display"), Qt::CaseInsensitive);
    }
    while (why.endsWith(QLatin1Char('.')))
        why.chop(1);
    std::fprintf(stderr, "%s\n",
                 qPrintable(QString::fromLatin1(kNoDisplay).arg(QStringLiteral(" (%1)").arg(why))));
    std::fflush(stderr);
    std::_Exit(Cli::Failure);
}

// Without a platform named and no display to talk to, Qt would only fail: say so first.
bool hasDisplay()
{
    if (!qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        return true; // offscreen, vnc, … or a display the user named
    return !qEnvironmentVariableIsEmpty("DISPLAY")
        || !qEnvironmentVariableIsEmpty("WAYLAND_DISPLAY");
}

// "Keep Engine Running": `baton engine` on this workspace, detached in a session of its own so
// that it outlives the console and its terminal; it takes the lease once the console lets go.
bool startHeadlessEngine(const Workspace &workspace, QString *error)
{
    const QString baton
        = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("baton"));
    if (!QFileInfo(baton).isExecutable()) {
        *error = QStringLiteral("cannot find %1").arg(baton);
        return false;
    }
    QStringList arguments { QStringLiteral("--workspace"), workspace.address(),
                            QStringLiteral("engine") };
    // Line-buffered, so that its log says what it does as it does it (stdbuf), in a session of
    // its own (setsid); each only where the system has it.
    arguments.prepend(baton);
    const QString stdbuf = QStandardPaths::findExecutable(QStringLiteral("stdbuf"));
    if (!stdbuf.isEmpty())
        arguments
            = QStringList { stdbuf, QStringLiteral("-oL"), QStringLiteral("-eL") } + arguments;
    const QString setsid = QStandardPaths::findExecutable(QStringLiteral("setsid"));
    if (!setsid.isEmpty())
        arguments.prepend(setsid);
    QProcess process;
    process.setProgram(arguments.takeFirst());
    process.setArguments(arguments);
    const QString log
        = QDir(workspace.logsDirectory()).filePath(QStringLiteral("engine-headless.log"));
    process.setStandardInputFile(QProcess::nullDevice());
    process.setStandardOutputFile(log, QIODevice::Append);
    process.setStandardErrorFile(log, QIODevice::Append);
    qint64 pid = 0;
    if (!process.startDetached(&pid)) {
        *error = QStringLiteral("cannot start %1: %2").arg(baton, process.errorString());
        return false;
    }
    Cli::err(QStringLiteral("baton: the engine keeps running headless (pid %1; log %2)")
                 .arg(pid)
                 .arg(log));
    spdlog::info("console quit; headless engine started, pid {}", pid);
    return true;
}

int runConsole(int argc, char **argv, const Cli::GlobalOptions &options)
{
    if (!hasDisplay()) {
        Cli::err(QString::fromLatin1(kNoDisplay)
                     .arg(QStringLiteral(" (DISPLAY and WAYLAND_DISPLAY are not set)")));
        return Cli::Failure;
    }
    g_previousHandler = qInstallMessageHandler(platformFailureHandler);
    QApplication app(argc, argv);
    qInstallMessageHandler(g_previousHandler); // the platform is up
    for (const auto &[type, category, message] : g_startupMessages) {
        const QByteArray name = category.toUtf8();
        if (g_previousHandler)
            g_previousHandler(type, QMessageLogContext(nullptr, 0, nullptr, name.constData()),
                              message);
    }
    g_startupMessages.clear();
    QApplication::setApplicationName(QStringLiteral("baton"));
    QApplication::setOrganizationName(QStringLiteral("Baton"));
    QApplication::setApplicationDisplayName(QStringLiteral("Baton"));
    QApplication::setApplicationVersion(QStringLiteral(BATON_VERSION));
    QApplication::setDesktopFileName(QStringLiteral("baton"));

    std::unique_ptr<Workspace> workspace;
    try {
        workspace = std::make_unique<Workspace>(Workspace::resolveDirectory(options.workspace),
                                                Workspace::Mode::CreateIfMissing);
        Logging::attachWorkspace(workspace->logsDirectory());
    } catch (const Error &e) {
        Cli::err(QStringLiteral("baton: error: ") + e.message());
        QMessageBox::critical(nullptr, QStringLiteral("Baton"),
                              QStringLiteral("Cannot open the workspace.\n\n") + e.message());
        return Cli::Failure;
    }
    spdlog::info("console opened workspace {}", workspace->address().toStdString());
    // Declared between the two: after the window closes (its jobs no longer wait for it) and
    // before the workspace does, every background job still running finishes with its store.
    const auto drainJobs = qScopeGuard([] { Ui::BackgroundTask::drain(); });
    Ui::MainWindow window(workspace.get());
    window.setHeadlessEngineLauncher(
        [ws = workspace.get()](QString *error) { return startHeadlessEngine(*ws, error); });
    window.startEmbeddedEngine();
    window.show();
    if (const QString report = qEnvironmentVariable("BATON_CONSOLE_REPORT"); !report.isEmpty()) {
        // BATON_CONSOLE_MODE=NAME: the mode on screen (a hidden Releases mode reads again only
        // when shown, as a user opening it sees).
        if (const QString mode = qEnvironmentVariable("BATON_CONSOLE_MODE"); !mode.isEmpty())
            window.setCurrentMode(mode);
        reportWhatIsShown(window, report);
    }

    // BATON_SCREENSHOT=FILE: save the window once the workspace has loaded, then quit. Keeps
    // the README's pictures true (packaging/screenshots.sh runs it under Xvfb).
    const QString screenshot = qEnvironmentVariable("BATON_SCREENSHOT");
    if (!screenshot.isEmpty()) {
        // BATON_SCREENSHOT_SIZE=WxH: another window size (the console stays usable at 1024x700).
        const QStringList size = qEnvironmentVariable("BATON_SCREENSHOT_SIZE").split(u'x');
        window.resize(size.size() == 2 ? size.at(0).toInt() : 1400,
                      size.size() == 2 ? size.at(1).toInt() : 860);
        const QString mode = qEnvironmentVariable("BATON_SCREENSHOT_MODE");
        // "Editor": the DAG editor on the first pipeline, its latest run as the live overlay.
        const bool editor = mode == QLatin1String("Editor");
        if (!mode.isEmpty())
            window.setCurrentMode(editor ? QStringLiteral("Pipelines")
                                         : mode.section(QLatin1Char('/'), 0, 0));
        // "Dashboards/Business metrics": a tab of the Dashboards mode.
        const QString tab = mode.section(QLatin1Char('/'), 1);
        if (!tab.isEmpty() && window.dashboardsMode()) {
            QTabWidget *tabs = window.dashboardsMode()->tabs();
            for (int i = 0; i < tabs->count(); ++i) {
                if (tabs->tabText(i).startsWith(tab))
                    tabs->setCurrentIndex(i);
            }
        }
        // BATON_SCREENSHOT_OPEN_RUN=ID, _COMPARE=A,B or _LOG=PATH (with _FIND=TEXT): that tab on
        // top.
        if (const qint64 run = qEnvironmentVariable("BATON_SCREENSHOT_OPEN_RUN").toLongLong())
            window.openRun(run);
        const QStringList pair = qEnvironmentVariable("BATON_SCREENSHOT_COMPARE").split(u',');
        if (pair.size() == 2)
            window.openCompare(pair.at(0).toLongLong(), pair.at(1).toLongLong());
        if (const QString log = qEnvironmentVariable("BATON_SCREENSHOT_LOG"); !log.isEmpty()) {
            Ui::LogViewer *viewer
                = window.documentTabs()->openLog(log, QFileInfo(log).dir().dirName());
            viewer->findEdit()->setText(qEnvironmentVariable("BATON_SCREENSHOT_FIND"));
            viewer->view()->findNext();
        }
        QObject::connect(
            &window, &Ui::MainWindow::catalogApplied, &window,
            [&, editor] {
                if (editor && window.pipelinesMode()->openEditor()) {
                    Ui::PipelineEditor *e = window.pipelinesMode()->editor();
                    QTimer::singleShot(800, e, [e] {
                        if (e->overlayCombo()->count() > 1)
                            e->setOverlayRun(e->overlayCombo()->itemData(1).toLongLong());
                        e->findTask(QStringLiteral("train"));
                        e->view()->fitGraph();
                    });
                }
                // BATON_SCREENSHOT_RUN=ID: that run selected in the Monitor, opened in Review.
                const qint64 run = qEnvironmentVariableIntValue("BATON_SCREENSHOT_RUN");
                if (run > 0 && !editor) {
                    QTimer::singleShot(700, &window, [&window, run] {
                        if (window.currentMode() == QLatin1String("Review"))
                            window.reviewMode()->openRun(run); // the run beside its sign-off
                        else
                            window.monitorMode()->selectRun(run);
                    });
                }
                QTimer::singleShot(1500, &window, [&] {
                    const bool saved = window.grab().save(screenshot);
                    Cli::err(saved ? QStringLiteral("baton: saved %1").arg(screenshot)
                                   : QStringLiteral("baton: could not save %1").arg(screenshot));
                    QApplication::exit(saved ? 0 : 1);
                });
            },
            Qt::SingleShotConnection);
    }
    return app.exec();
}

} // namespace

int main(int argc, char **argv)
{
    QStringList args;
    Cli::GlobalOptions options;
    if (const int rc = Cli::startUp(argc, argv, args, options); rc >= 0)
        return rc;
    if (!args.isEmpty()) {
        Cli::err(QStringLiteral("baton-console: takes no command ('%1'): run commands with baton")
                     .arg(args.first()));
        return Cli::Usage;
    }
    return runConsole(argc, argv, options);
}
