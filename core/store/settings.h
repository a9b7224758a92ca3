#pragma once

#include <QList>
#include <QPair>
#include <QSqlDatabase>
#include <QString>

namespace Baton {

class Store;

/// Workspace-wide settings with their meaning and validation, stored in the settings table.
class Settings
{
public:
    struct Key
    {
        const char *name;
        const char *defaultValue; ///< what applies when unset ("" = computed at run time)
        const char *help;
    };
    static const QList<Key> &keys();

    /// Current value, or the default when unset.
    static QString value(const QSqlDatabase &db, const QString &key);
    /// Every known key with its current value (defaults included).
    static QList<QPair<QString, QString>> all(const QSqlDatabase &db);
    /// Validates and stores (audited). An empty @p value resets to the default.
    /// Throws Baton::Error naming the key and what is wrong.
    static void set(const Store &store, const QString &key, const QString &value,
                    const QString &actor);
};

} // namespace Baton
