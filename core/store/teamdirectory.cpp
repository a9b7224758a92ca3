#include "teamdirectory.h"

#include "sql.h"
#include "store.h"

#include <QDir>
#include <QStandardPaths>

namespace Baton {

QString teamDirectory(const Store &store)
{
    const QString id
        = Sql::scalar(store.db(), QStringLiteral("SELECT value FROM workspace_info WHERE key = ?"),
                      { QStringLiteral("id") })
              .toString();
    const QString base = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    return QDir(base).filePath(QStringLiteral("baton/team/") + id);
}

} // namespace Baton
