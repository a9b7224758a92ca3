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

QString usage();

/// Runs a headless command; args[0] is the command name.
int run(const QStringList &args, const GlobalOptions &options);

} // namespace Baton::Cli
