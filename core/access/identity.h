#pragma once

#include <QString>

namespace Baton {

/// Who is acting: the operating-system user name ($BATON_USER overrides it for tests and
/// service accounts).
QString currentUser();

} // namespace Baton
