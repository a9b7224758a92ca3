#include "settings.h"

#include "access/auditlog.h"
#include "sql.h"
#include "store.h"
#include "util/error.h"
#include "util/number.h"

#include <QTimeZone>

namespace Baton {

const QList<Settings::Key> &Settings::keys()
{
    static const QList<Key> list {
        { "max_parallel", "", "most task attempts at once in the workspace (default: CPU count)" },
        { "log_cap_bytes", "104857600", "per-attempt log size cap in bytes (0: unlimited)" },
        { "kill_grace_seconds", "10", "SIGTERM to SIGKILL delay on timeout or cancel" },
        { "timezone", "", "IANA zone for schedules without one (default: the system's)" },
    };
    return list;
}

namespace {
const Settings::Key *find(const QString &key)
{
    for (const Settings::Key &k : Settings::keys()) {
        if (key == QLatin1String(k.name))
            return &k;
    }
    return nullptr;
}
} // namespace

QString Settings::value(const QSqlDatabase &db, const QString &key)
{
    const QVariant v
        = Sql::scalar(db, QStringLiteral("SELECT value FROM settings WHERE key = ?"), { key });
    if (v.isValid())
        return v.toString();
    const Key *k = find(key);
    return k ? QString::fromLatin1(k->defaultValue) : QString();
}

QList<QPair<QString, QString>> Settings::all(const QSqlDatabase &db)
{
    QList<QPair<QString, QString>> out;
    for (const Key &k : keys())
        out.append({ QString::fromLatin1(k.name), value(db, QString::fromLatin1(k.name)) });
    return out;
}

void Settings::set(const Store &store, const QString &key, const QString &value,
                   const QString &actor)
{
    const Key *k = find(key);
    if (!k) {
        QStringList names;
        for (const Key &known : keys())
            names << QString::fromLatin1(known.name);
        throw Error(QStringLiteral("unknown setting '%1' (known: %2)")
                        .arg(key, names.join(QStringLiteral(", "))));
    }
    if (!value.isEmpty()) {
        bool ok = true;
        if (key == QLatin1String("timezone")) {
            ok = QTimeZone::isTimeZoneIdAvailable(value.toUtf8());
            if (!ok)
                throw Error(QStringLiteral("timezone: unknown time zone '%1'").arg(value));
        } else {
            // Bounded, so that what the engine reads as an int is what was set (99999999999
            // kill_grace_seconds used to wrap to a SIGKILL right after SIGTERM).
            const bool positive = key == QLatin1String("max_parallel");
            qint64 maximum = qint64(1) << 40; // log_cap_bytes: a TiB
            if (positive)
                maximum = 4096;
            else if (key == QLatin1String("kill_grace_seconds"))
                maximum = 86400;
            QString problem;
            if (!parseWholeNumber(value, positive ? 1 : 0, maximum, &problem))
                throw Error(QStringLiteral("%1: %2").arg(key, problem));
        }
    }
    store.transaction([&](QSqlDatabase &db) {
        const QVariant before = Sql::scalar(db,
                                            QStringLiteral("SELECT value FROM settings WHERE "
                                                           "key = ?"),
                                            { key });
        if (value.isEmpty())
            Sql::exec(db, QStringLiteral("DELETE FROM settings WHERE key = ?"), { key });
        else
            Sql::exec(db,
                      QStringLiteral("INSERT INTO settings (key, value) VALUES (?, ?) ON "
                                     "CONFLICT(key) DO UPDATE SET value = excluded.value"),
                      { key, value });
        AuditEvent e;
        e.actor = actor;
        e.action = QStringLiteral("setting.update");
        e.objectKind = QStringLiteral("setting");
        e.objectName = key;
        e.before = { { QStringLiteral("value"), before.toString() } };
        e.after = { { QStringLiteral("value"), value } };
        AuditLog::record(db, e);
    });
}

} // namespace Baton
