#include "storelocation.h"

#include "util/error.h"

#include <QFileInfo>
#include <libpq-fe.h>
#include <memory>

namespace Baton {

QString StoreLocation::quoted(const QString &value)
{
    QString escaped = value;
    escaped.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    escaped.replace(QLatin1Char('\''), QLatin1String("\\'"));
    return QLatin1Char('\'') + escaped + QLatin1Char('\'');
}

bool StoreLocation::looksLikePostgres(const QString &text)
{
    const QString t = text.trimmed();
    if (t.startsWith(QLatin1String("postgresql://")) || t.startsWith(QLatin1String("postgres://")))
        return true;
    // A keyword string: "service=team" or "host=db1 dbname=baton". A directory name with '='
    // in it is possible but odd; an existing directory wins.
    static const char *const keywords[]
        = { "service=", "host=", "hostaddr=", "dbname=", "port=", "user=" };
    for (const char *k : keywords) {
        if (t.startsWith(QLatin1String(k)) || t.contains(QLatin1Char(' ') + QLatin1String(k)))
            return !QFileInfo::exists(t);
    }
    return false;
}

StoreLocation StoreLocation::sqlite(const QString &databasePath)
{
    StoreLocation l;
    l.m_kind = Kind::Sqlite;
    l.m_path = QFileInfo(databasePath).absoluteFilePath();
    return l;
}

StoreLocation StoreLocation::parse(const QString &text)
{
    if (!looksLikePostgres(text))
        return sqlite(text);
    StoreLocation l;
    l.m_kind = Kind::Postgres;
    l.m_text = text.trimmed();
    char *error = nullptr;
    const std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
        PQconninfoParse(l.m_text.toUtf8().constData(), &error), &PQconninfoFree);
    if (!options) {
        QString why = error ? QString::fromUtf8(error).trimmed() : QStringLiteral("out of memory");
        PQfreemem(error);
        // libpq's messages quote the offending keyword or character, never a whole URI.
        throw Error(QStringLiteral("invalid PostgreSQL workspace address: %1").arg(why));
    }
    for (const PQconninfoOption *o = options.get(); o->keyword; ++o) {
        if (!o->val)
            continue;
        const QString key = QString::fromUtf8(o->keyword);
        if (key == QLatin1String("password")) {
            throw Error(QStringLiteral(
                "the PostgreSQL workspace address contains a password: remove it and put it in "
                "~/.pgpass (or $PGPASSFILE), where libpq reads it; Baton never takes a password "
                "on the command line or stores one"));
        }
        l.m_parameters.insert(key, QString::fromUtf8(o->val));
    }
    return l;
}

QString StoreLocation::displayName() const
{
    if (m_kind == Kind::Sqlite)
        return m_path;
    if (m_parameters.contains(QStringLiteral("service")) && !m_parameters.contains("host"))
        return QStringLiteral("service=") + m_parameters.value(QStringLiteral("service"));
    QString name = QStringLiteral("postgresql://");
    const QString user = m_parameters.value(QStringLiteral("user"));
    if (!user.isEmpty())
        name += user + QLatin1Char('@');
    name += m_parameters.value(QStringLiteral("host"), m_parameters.value("hostaddr"));
    const QString port = m_parameters.value(QStringLiteral("port"));
    if (!port.isEmpty())
        name += QLatin1Char(':') + port;
    name += QLatin1Char('/') + m_parameters.value(QStringLiteral("dbname"));
    return name;
}

QString StoreLocation::conninfo() const
{
    QStringList parts;
    for (auto it = m_parameters.cbegin(); it != m_parameters.cend(); ++it)
        parts << it.key() + QLatin1Char('=') + quoted(it.value());
    return parts.join(QLatin1Char(' '));
}

} // namespace Baton
