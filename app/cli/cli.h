#pragma once

#include <QString>
#include <QStringList>

namespace Baton::Cli {

/// Options every command understands, wherever they stand on the command line.
struct GlobalOptions
{
    QString workspace; ///< --workspace DIR (empty: $BATON_WORKSPACE or the XDG default)
    QString logLevel = QStringLiteral("warn");
};

/// Exit codes: 0 success, 1 the command failed (bad input, workspace, I/O), 2 usage error.
enum ExitCode { Ok = 0, Failure = 1, Usage = 2 };

/// Splits global options out of @p args (argv without the program name). Returns false and
/// sets @p error on a malformed option.
bool extractGlobalOptions(QStringList &args, GlobalOptions &options, QString &error);

/// What both programs (`baton`, `baton-console`) do first: argv (without the program name) into
/// @p args minus the global options, which go to @p options, and logging to stderr at the
/// chosen level. Returns -1 to go on, or the exit code after saying what is wrong.
int startUp(int argc, char **argv, QStringList &args, GlobalOptions &options);

QString usage();

/// Runs a headless command; args[0] is the command name.
int run(const QStringList &args, const GlobalOptions &options);

} // namespace Baton::Cli
