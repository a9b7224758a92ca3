#include "identity.h"

#include <pwd.h>
#include <unistd.h>

namespace Baton {

QString currentUser()
{
    const QString overridden = qEnvironmentVariable("BATON_USER");
    if (!overridden.isEmpty())
        return overridden;
    // getpwuid, not $USER: the environment of a service or sudo session can lie.
    if (const passwd *pw = ::getpwuid(::geteuid()); pw && pw->pw_name)
        return QString::fromLocal8Bit(pw->pw_name);
    const QString user = qEnvironmentVariable("USER");
    return user.isEmpty() ? QStringLiteral("unknown") : user;
}

} // namespace Baton
