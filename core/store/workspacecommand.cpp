#include "workspacecommand.h"

#include "storelocation.h"
#include "workspace.h"

#include <QDir>
#include <QRegularExpression>

namespace Baton::WorkspaceCommand {

QString forAddress(const QString &address, const QString &subcommand)
{
    const QString env = qEnvironmentVariable("BATON_WORKSPACE").trimmed();
    const bool team = StoreLocation::looksLikePostgres(address);
    // A directory compares by its clean path; an address as written (QDir would fold its '//').
    const QString shown = team ? address.trimmed() : QDir::cleanPath(address);
    const bool implicit = shown.isEmpty()
        || (team ? shown == env
                 : shown == QDir::cleanPath(Workspace::defaultDirectory())
                    || (!env.isEmpty() && shown == QDir::cleanPath(env)));
    if (implicit)
        return QStringLiteral("baton ") + subcommand;
    // Quoted for a shell when it holds anything a shell would split or expand.
    static const QRegularExpression plain(QStringLiteral("^[A-Za-z0-9_@%+=:,./-]+$"));
    QString arg = team ? shown : QDir::toNativeSeparators(shown);
    if (!plain.match(arg).hasMatch())
        arg = QLatin1Char('\'') + arg.replace(QLatin1Char('\''), QStringLiteral("'\\''"))
            + QLatin1Char('\'');
    return QStringLiteral("baton --workspace %1 %2").arg(arg, subcommand);
}

} // namespace Baton::WorkspaceCommand
