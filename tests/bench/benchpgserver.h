#pragma once
// A PostgreSQL 15 server of a benchmark's own (tests/support/pg-server.sh: a fresh cluster under
// /tmp, fsync off unless BATON_PG_FSYNC=on), stopped when this object goes. Needs
// BATON_SOURCE_DIR (a compile definition of the bench).

#include <QCommandLineOption>
#include <QCommandLineParser>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <cstdio>

namespace Baton::Bench {

class PgServer
{
public:
    PgServer()
    {
        if (run(QStringLiteral("start")) != 0) {
            std::fprintf(stderr, "cannot start a PostgreSQL server (see above)\n");
            return;
        }
        m_url = readLine(QStringLiteral("url"));
        const QString data = readLine(QStringLiteral("datadir"));
        QFile pidFile(data + QStringLiteral("/data/postmaster.pid"));
        if (pidFile.open(QIODevice::ReadOnly))
            m_pid = pidFile.readLine().trimmed().toLongLong();
    }
    ~PgServer()
    {
        if (!m_url.isEmpty())
            run(QStringLiteral("stop")); // by the PID in its postmaster.pid
    }
    PgServer(const PgServer &) = delete;
    PgServer &operator=(const PgServer &) = delete;

    /// postgresql://postgres@127.0.0.1:PORT (no database), empty when it did not start.
    QString url() const { return m_url; }
    int port() const { return m_url.section(QLatin1Char(':'), -1).toInt(); }
    /// The postmaster: its children are the server's backends and its own processes.
    qint64 pid() const { return m_pid; }

private:
    int run(const QString &command)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::ForwardedChannels);
        p.start(QStringLiteral(BATON_SOURCE_DIR) + QStringLiteral("/tests/support/pg-server.sh"),
                { command, m_dir.path() });
        return p.waitForFinished(120000) && p.exitStatus() == QProcess::NormalExit ? p.exitCode()
                                                                                   : -1;
    }
    QString readLine(const QString &name) const
    {
        QFile file(m_dir.filePath(name));
        return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()).trimmed()
                                              : QString();
    }

    QTemporaryDir m_dir;
    QString m_url;
    qint64 m_pid = 0;
};

/// The benches' --backend option: sqlite, postgresql (a server of the bench's own) or both.
inline QCommandLineOption backendOption()
{
    return { QStringLiteral("backend"),
             QStringLiteral("sqlite, postgresql or both (a PostgreSQL 15 server the bench starts "
                            "and stops itself) (both)."),
             QStringLiteral("B"), QStringLiteral("both") };
}

/// --backend's value, or empty after saying why when it is none of the three.
inline QString backend(const QCommandLineParser &parser)
{
    const QString value = parser.value(QStringLiteral("backend"));
    if (value == QLatin1String("sqlite") || value == QLatin1String("postgresql")
        || value == QLatin1String("both"))
        return value;
    std::fprintf(stderr, "--backend: sqlite, postgresql or both, not '%s'\n", qPrintable(value));
    return {};
}

} // namespace Baton::Bench
