#include "roles.h"

#include "auditlog.h"
#include "store/sql.h"
#include "store/store.h"
#include "util/error.h"

#include <QDateTime>
#include <QJsonArray>
#include <QSet>

namespace Baton {

QStringList Roles::all()
{
    return { QLatin1String(Viewer), QLatin1String(Steward), QLatin1String(Operator),
             QLatin1String(ReleaseManager), QLatin1String(Admin) };
}

bool Roles::isRole(const QString &role)
{
    return all().contains(role);
}

QStringList Roles::of(const QSqlDatabase &db, const QString &user)
{
    QSet<QString> held;
    QSqlQuery q
        = Sql::exec(db, QStringLiteral("SELECT role FROM roles WHERE user_name = ?"), { user });
    while (q.next())
        held.insert(q.value(0).toString());
    QStringList ordered;
    for (const QString &r : all()) {
        if (held.contains(r))
            ordered << r;
    }
    return ordered;
}

bool Roles::has(const QSqlDatabase &db, const QString &user, const QString &role)
{
    return Sql::scalar(db, QStringLiteral("SELECT 1 FROM roles WHERE user_name = ? AND role = ?"),
                       { user, role })
        .isValid();
}

QMap<QString, QStringList> Roles::everyone(const QSqlDatabase &db)
{
    QMap<QString, QStringList> map;
    QSqlQuery q = Sql::exec(db, QStringLiteral("SELECT DISTINCT user_name FROM roles"));
    QStringList users;
    while (q.next())
        users << q.value(0).toString();
    for (const QString &u : users)
        map.insert(u, of(db, u));
    return map;
}

void Roles::require(const QSqlDatabase &db, const QString &user, const QString &role,
                    const QString &action)
{
    if (has(db, user, role))
        return;
    const QStringList held = of(db, user);
    throw Error(
        QStringLiteral("%1 cannot %2: it needs the %3 role (%1 has %4); an admin grants "
                       "it with: baton roles %1 %3")
            .arg(user, action, role,
                 held.isEmpty() ? QStringLiteral("no role") : held.join(QStringLiteral(", "))));
}

void Roles::grant(const QSqlDatabase &db, const QString &actor, const QString &user,
                  const QStringList &roles)
{
    const QStringList before = of(db, user);
    Sql::exec(db, QStringLiteral("DELETE FROM roles WHERE user_name = ?"), { user });
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    for (const QString &r : roles) {
        Sql::exec(db,
                  QStringLiteral("INSERT INTO roles (user_name, role, granted_by, "
                                 "granted_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING"),
                  { user, r, actor, now });
    }
    const QStringList after = of(db, user);
    if (before == after)
        return;
    AuditLog::record(db, now, actor, QStringLiteral("roles.set"),
                     { QStringLiteral("user"), 0, user },
                     { { QStringLiteral("roles"), QJsonArray::fromStringList(before) } },
                     { { QStringLiteral("roles"), QJsonArray::fromStringList(after) } });
}

void Roles::set(const Store &store, const QString &actor, const QString &user,
                const QStringList &roles)
{
    if (user.trimmed().isEmpty() || user.contains(QLatin1Char(' ')))
        throw Error(QStringLiteral("'%1' is not a user name").arg(user));
    for (const QString &r : roles) {
        if (!isRole(r)) {
            throw Error(QStringLiteral("unknown role '%1' (roles: %2)")
                            .arg(r, all().join(QStringLiteral(", "))));
        }
    }
    store.transaction([&](QSqlDatabase &db) {
        require(db, actor, QLatin1String(Admin), QStringLiteral("change roles"));
        if (user == actor && !roles.contains(QLatin1String(Admin))
            && Sql::scalar(db, QStringLiteral("SELECT count(*) FROM roles WHERE role = 'admin'"))
                    .toInt()
                <= 1) {
            throw Error(QStringLiteral("%1 is the only admin: grant admin to someone else before "
                                       "dropping it")
                            .arg(user));
        }
        grant(db, actor, user, roles);
    });
}

bool Roles::bootstrap(const Store &store, const QString &user)
{
    bool done = false;
    store.transaction([&](QSqlDatabase &db) {
        if (Sql::scalar(db, QStringLiteral("SELECT 1 FROM roles WHERE role = 'admin'")).isValid())
            return;
        QStringList roles = of(db, user);
        for (const char *r : { Admin, ReleaseManager }) {
            if (!roles.contains(QLatin1String(r)))
                roles << QLatin1String(r);
        }
        grant(db, user, user, roles);
        done = true;
    });
    return done;
}

} // namespace Baton
