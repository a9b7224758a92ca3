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
        /// Whole-number settings: the accepted range (screens take their limits from here).
        /// timezone is the one text setting (an IANA zone id).
        qlonglong minimum = 0;
        qlonglong maximum = 0;
        bool isNumber() const { return maximum > 0; }
    };
    /// The key called @p name, or nullptr.
    static const Key *key(const QString &name);
    static const QList<Key> &keys();

    /// Current value, or the default when unset.
    static QString value(const QSqlDatabase &db, const QString &key);
    /// What is stored for @p key, empty when unset (the default applies): what a screen
    /// measures "unchanged" against.
    static QString stored(const QSqlDatabase &db, const QString &key);
    /// Every known key with its current value (defaults included).
    static QList<QPair<QString, QString>> all(const QSqlDatabase &db);
    /// Why @p value cannot be stored for @p key ("key: what is wrong"), empty when it can. An
    /// empty value always can: it resets to the default. The rule `baton settings`, the
    /// console's Settings dialog and the Monitor's limit all go through.
    static QString validate(const QString &key, const QString &value);
    /// Validates and stores (audited). An empty @p value resets to the default.
    /// Throws Baton::Error naming the key and what is wrong.
    static void set(const Store &store, const QString &key, const QString &value,
                    const QString &actor);
    /// Several at once, all or nothing: every value is validated before any is written, then
    /// one transaction stores the changed ones, each audited as set() does. Returns the keys
    /// that changed. Throws Baton::Error naming the first bad key.
    static QStringList setAll(const Store &store, const QList<QPair<QString, QString>> &values,
                              const QString &actor);
};

} // namespace Baton
