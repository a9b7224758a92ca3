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
        { "max_parallel", "", "most task attempts at once in the workspace (default: CPU count)", 1,
          4096 },
        { "log_cap_bytes", "104857600", "per-attempt log size cap in bytes (0: unlimited)", 0,
          qlonglong(1) << 40 }, // a TiB
        { "kill_grace_seconds", "10", "SIGTERM to SIGKILL delay on timeout or cancel", 0, 86400 },
        { "timezone", "", "IANA zone for schedules without one (default: the system's)" },
    };
    return list;
}

const Settings::Key *Settings::key(const QString &name)
{
    for (const Key &k : keys()) {
        if (name == QLatin1String(k.name))
            return &k;
    }
    return nullptr;
}

QString Settings::value(const QSqlDatabase &db, const QString &key)
{
    const QVariant v
        = Sql::scalar(db, QStringLiteral("SELECT value FROM settings WHERE key = ?"), { key });
    if (v.isValid())
        return v.toString();
    const Key *k = Settings::key(key);
    return k ? QString::fromLatin1(k->defaultValue) : QString();
}

QString Settings::stored(const QSqlDatabase &db, const QString &key)
{
    return Sql::scalar(db, QStringLiteral("SELECT value FROM settings WHERE key = ?"), { key })
        .toString();
}

QList<QPair<QString, QString>> Settings::all(const QSqlDatabase &db)
{
    QList<QPair<QString, QString>> out;
    for (const Key &k : keys())
        out.append({ QString::fromLatin1(k.name), value(db, QString::fromLatin1(k.name)) });
    return out;
}

QString Settings::validate(const QString &key, const QString &value)
{
    const Key *k = Settings::key(key);
    if (!k) {
        QStringList names;
        for (const Key &known : keys())
            names << QString::fromLatin1(known.name);
        return QStringLiteral("unknown setting '%1' (known: %2)")
            .arg(key, names.join(QStringLiteral(", ")));
    }
    if (value.isEmpty())
        return {};
    if (!k->isNumber()) {
        if (!QTimeZone::isTimeZoneIdAvailable(value.toUtf8()))
            return QStringLiteral("timezone: unknown time zone '%1'").arg(value);
        return {};
    }
    // Bounded, so that what the engine reads as an int is what was set (99999999999
    // kill_grace_seconds used to wrap to a SIGKILL right after SIGTERM).
    QString problem;
    if (!parseWholeNumber(value, k->minimum, k->maximum, &problem))
        return QStringLiteral("%1: %2").arg(key, problem);
    return {};
}

namespace {

// Stores one value and its audit event inside the caller's transaction.
void write(QSqlDatabase &db, const QString &key, const QString &value, const QString &actor)
{
    const QVariant before
        = Sql::scalar(db, QStringLiteral("SELECT value FROM settings WHERE key = ?"), { key });
    if (value.isEmpty())
        Sql::exec(db, QStringLiteral("DELETE FROM settings WHERE key = ?"), { key });
    else
        Sql::exec(db,
                  QStringLiteral("INSERT INTO settings (key, value) VALUES (?, ?) ON "
                                 "CONFLICT(key) DO UPDATE SET value = excluded.value"),
                  { key, value });
    AuditLog::record(
        db, 0, actor, QStringLiteral("setting.update"), { QStringLiteral("setting"), 0, key },
        { { QStringLiteral("value"), before.toString() } }, { { QStringLiteral("value"), value } });
}

} // namespace

void Settings::set(const Store &store, const QString &key, const QString &value,
                   const QString &actor)
{
    if (const QString error = validate(key, value); !error.isEmpty())
        throw Error(error);
    store.transaction([&](QSqlDatabase &db) { write(db, key, value, actor); });
}

QStringList Settings::setAll(const Store &store, const QList<QPair<QString, QString>> &values,
                             const QString &actor)
{
    for (const auto &[key, value] : values) {
        if (const QString error = validate(key, value); !error.isEmpty())
            throw Error(error);
    }
    QStringList changed;
    store.transaction([&](QSqlDatabase &db) {
        changed.clear(); // a retried transaction starts over
        for (const auto &[key, value] : values) {
            // Only what changed is written and audited: the dialog sends every field.
            const QVariant before = Sql::scalar(
                db, QStringLiteral("SELECT value FROM settings WHERE key = ?"), { key });
            if (before.toString() == value && (before.isValid() || value.isEmpty()))
                continue;
            write(db, key, value, actor);
            changed << key;
        }
    });
    return changed;
}

} // namespace Baton
