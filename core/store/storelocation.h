#pragma once

#include <QMap>
#include <QString>

namespace Baton {

/// Where a workspace's database lives, as the user wrote it: a directory (SQLite, the default
/// for one person) or a PostgreSQL server (a team workspace).
///
/// PostgreSQL is named the way libpq names it, parsed by libpq itself (PQconninfoParse):
/// a URI `postgresql://[user@]host[:port]/db[?sslmode=…]` (or `postgres://`), or a keyword
/// string such as `service=NAME` (pg_service.conf) or `host=… dbname=…`. A password is never
/// accepted there — it would sit in shell histories, process lists and Baton's recent list —:
/// libpq reads it from ~/.pgpass / $PGPASSFILE, or the server authenticates otherwise.
class StoreLocation
{
public:
    enum class Kind { Sqlite, Postgres };

    /// Parses @p text; throws Baton::Error naming what is wrong (never echoing a password).
    static StoreLocation parse(const QString &text);
    /// Whether @p text names a PostgreSQL server rather than a directory.
    static bool looksLikePostgres(const QString &text);
    static StoreLocation sqlite(const QString &databasePath);

    Kind kind() const { return m_kind; }
    /// The SQLite file (Kind::Sqlite).
    QString path() const { return m_path; }
    /// libpq's connection keywords and values (Kind::Postgres), without a password.
    const QMap<QString, QString> &parameters() const { return m_parameters; }
    QString parameter(const QString &key) const { return m_parameters.value(key); }
    /// How messages name it: the path, or user@host:port/db (service=NAME when given so).
    QString displayName() const;
    /// A libpq keyword/value string with values quoted, as PQconnectdb reads it.
    QString conninfo() const;
    /// @p value quoted for a libpq keyword/value string ('…', with \ before ' and \).
    static QString quoted(const QString &value);

private:
    Kind m_kind = Kind::Sqlite;
    QString m_path;
    QString m_text; // as given, for the display of a service
    QMap<QString, QString> m_parameters;
};

} // namespace Baton
