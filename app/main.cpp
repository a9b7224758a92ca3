// baton: a headless command (baton <command> ...), or the console (no command: baton-console).
#include "cli/cli.h"
#include "cli/output.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <cerrno>
#include <climits>
#include <cstring>
#include <unistd.h>

using namespace Baton;

namespace {

// The console is a program of its own (app/console): the headless commands, which the engine
// and scripts run all the time, load no GUI library (~9 ms less per command, and `baton engine`
// runs on a server without X11 libraries). Replaces this process, arguments unchanged.
int execConsole(char **argv)
{
    char self[PATH_MAX];
    const ssize_t n = ::readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0) {
        Cli::err(QStringLiteral("baton: cannot find the console: /proc/self/exe: %1")
                     .arg(QString::fromLocal8Bit(std::strerror(errno))));
        return Cli::Failure;
    }
    self[n] = '\0';
    const QByteArray console = QFile::encodeName(
        QFileInfo(QFile::decodeName(self)).dir().filePath(QStringLiteral("baton-console")));
    argv[0] = const_cast<char *>(console.constData());
    ::execv(console.constData(), argv);
    Cli::err(QStringLiteral("baton: cannot start the console %1: %2")
                 .arg(QFile::decodeName(console), QString::fromLocal8Bit(std::strerror(errno))));
    return Cli::Failure;
}

} // namespace

int main(int argc, char **argv)
{
    QStringList args;
    Cli::GlobalOptions options;
    if (const int rc = Cli::startUp(argc, argv, args, options); rc >= 0)
        return rc;

    if (!args.isEmpty() && (args.first() == QLatin1String("--version"))) {
        Cli::out(QStringLiteral("baton " BATON_VERSION));
        return Cli::Ok;
    }
    if (!args.isEmpty()
        && (args.first() == QLatin1String("--help") || args.first() == QLatin1String("-h"))) {
        Cli::out(Cli::usage());
        return Cli::Ok;
    }
    if (!args.isEmpty() && args.first().startsWith(QLatin1Char('-'))) {
        Cli::err(
            QStringLiteral("baton: unknown option '%1'\n\n%2").arg(args.first(), Cli::usage()));
        return Cli::Usage;
    }
    if (args.isEmpty())
        return execConsole(argv);

    // Qt's own event dispatcher: leaner per wake-up than the GLib one, and a headless command
    // needs nothing of GLib's loop. Chosen when the application is made; the variable must not
    // reach jobs, so it goes again unless the user had set it.
    const bool setNoGlib = !qEnvironmentVariableIsSet("QT_NO_GLIB");
    if (setNoGlib)
        qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    if (setNoGlib)
        qunsetenv("QT_NO_GLIB");
    QCoreApplication::setApplicationName(QStringLiteral("baton"));
    QCoreApplication::setOrganizationName(QStringLiteral("Baton"));
    QCoreApplication::setApplicationVersion(QStringLiteral(BATON_VERSION));
    return Cli::run(args, options);
}
