#pragma once

#include <QList>
#include <QMap>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

namespace Baton {

class Store;

/// Workspace roles, stored in the workspace and enforced in core so the CLI and the console obey
/// the same rules. A user may hold several; nobody holds one implicitly (admin manages roles,
/// it does not promote).
class Roles
{
public:
    static constexpr const char *Viewer = "viewer";
    static constexpr const char *Steward = "steward";
    static constexpr const char *Operator = "operator";
    static constexpr const char *ReleaseManager = "release_manager";
    static constexpr const char *Admin = "admin";

    /// Every role, in order of responsibility.
    static QStringList all();
    static bool isRole(const QString &role);

    static QStringList of(const QSqlDatabase &db, const QString &user);
    static bool has(const QSqlDatabase &db, const QString &user, const QString &role);
    /// user → roles, for every user holding any.
    static QMap<QString, QStringList> everyone(const QSqlDatabase &db);

    /// Throws Baton::Error ("alice cannot promote: it needs the release_manager role, …") when
    /// @p user lacks @p role. @p action is what was attempted ("promote", "approve", …).
    static void require(const QSqlDatabase &db, const QString &user, const QString &role,
                        const QString &action);

    /// Replaces @p user's roles (empty: none). Only an admin may, and the last admin cannot drop
    /// their own admin role (the workspace would be left without one). Audited.
    static void set(const Store &store, const QString &actor, const QString &user,
                    const QStringList &roles);
    /// The same inside the caller's transaction, without the admin check (bootstrap, demo).
    static void grant(const QSqlDatabase &db, const QString &actor, const QString &user,
                      const QStringList &roles);
    /// When the workspace has no admin yet, makes @p user admin and release manager (what
    /// `baton init` does for whoever creates the workspace). Returns true if it did.
    static bool bootstrap(const Store &store, const QString &user);
};

} // namespace Baton
