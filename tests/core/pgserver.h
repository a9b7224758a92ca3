#pragma once
// The test suite's PostgreSQL server (tests/support/pg-server.sh, started once per ctest run by
// the `postgresql` fixture, see tests/CMakeLists.txt), and new empty databases on it.

#include <QAtomicInt>
#include <QCoreApplication>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QUuid>

namespace Baton::Test {

/// postgresql://postgres@127.0.0.1:PORT, or empty when this test runs without the server
/// (then *why says so).
inline QString pgServerUrl(QString *why = nullptr)
{
    const QString dir = qEnvironmentVariable("BATON_TEST_PG_DIR");
    if (dir.isEmpty()) {
        if (why)
            *why = QStringLiteral("no BATON_TEST_PG_DIR: run it through ctest, which starts the "
                                  "test PostgreSQL server");
        return {};
    }
    QFile file(dir + QStringLiteral("/url"));
    if (!file.open(QIODevice::ReadOnly)) {
        if (why)
            *why = QStringLiteral("the test PostgreSQL server is not running (%1/url missing)")
                       .arg(dir);
        return {};
    }
    return QString::fromUtf8(file.readAll()).trimmed();
}

/// Runs @p sql as the server's superuser in database @p db; returns the error text or "".
/// @p value, when given, receives the first column of the first row.
inline QString pgAdmin(const QString &sql, const QString &db = QStringLiteral("postgres"),
                       QVariant *value = nullptr)
{
    static QAtomicInt counter;
    const QString name = QStringLiteral("pg-admin-%1").arg(counter.fetchAndAddRelaxed(1));
    QString error;
    {
        const QString url = pgServerUrl();
        const int port = url.section(QLatin1Char(':'), -1).toInt();
        QSqlDatabase c = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        c.setHostName(QStringLiteral("127.0.0.1"));
        c.setPort(port);
        c.setUserName(QStringLiteral("postgres"));
        c.setDatabaseName(db);
        if (!c.open()) {
            error = c.lastError().text();
        } else {
            QSqlQuery q(c);
            if (!q.exec(sql))
                error = q.lastError().text();
            else if (value)
                *value = q.next() ? q.value(0) : QVariant();
        }
        c.close();
    }
    QSqlDatabase::removeDatabase(name);
    return error;
}

/// A new, empty database on the test server for the life of this object (dropped after).
class PgDatabase
{
public:
    PgDatabase()
        : m_name(QStringLiteral("baton_test_%1")
                     .arg(QUuid::createUuid().toString(QUuid::Id128).left(16)))
    {
        m_error = pgAdmin(QStringLiteral("CREATE DATABASE %1").arg(m_name));
    }
    ~PgDatabase()
    {
        pgAdmin(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(m_name));
    }
    PgDatabase(const PgDatabase &) = delete;
    PgDatabase &operator=(const PgDatabase &) = delete;

    /// Empty when the database exists.
    QString error() const { return m_error; }
    QString name() const { return m_name; }
    /// Its address as a user gives it: postgresql://postgres@127.0.0.1:PORT/NAME
    QString url() const { return pgServerUrl() + QLatin1Char('/') + m_name; }
    QString exec(const QString &sql) const { return pgAdmin(sql, m_name); }
    /// MD5 over every row of every table of Baton's schema, in order: equal digests, the same
    /// data (how a test shows that a refused command wrote nothing). Empty without the schema.
    QString contentDigest() const
    {
        QVariant digest;
        pgAdmin(QStringLiteral("SELECT md5(string_agg(table_name || ':' || query_to_xml(format("
                               "'SELECT * FROM baton.%I ORDER BY 1', table_name), false, false, "
                               "'')::text, '' ORDER BY table_name)) FROM "
                               "information_schema.tables WHERE table_schema = 'baton'"),
                m_name, &digest);
        return digest.toString();
    }
    /// Whether Baton's schema exists in it (a refused open must not have made it).
    bool holdsBatonSchema() const
    {
        return !exec(QStringLiteral("DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_namespace WHERE "
                                    "nspname = 'baton') THEN RAISE 'written'; END IF; END $$"))
                    .isEmpty();
    }

private:
    QString m_name;
    QString m_error;
};

} // namespace Baton::Test

/// In a test function: skips when the server is not there (outside ctest), fails when ctest
/// meant it to be (BATON_TEST_PG_DIR set) and it is not.
#define BATON_REQUIRE_PG()                                                                         \
    do {                                                                                           \
        QString why_;                                                                              \
        if (Baton::Test::pgServerUrl(&why_).isEmpty()) {                                           \
            if (qEnvironmentVariableIsEmpty("BATON_TEST_PG_DIR"))                                  \
                QSKIP(qPrintable(why_));                                                           \
            QFAIL(qPrintable(why_));                                                               \
        }                                                                                          \
    } while (false)
