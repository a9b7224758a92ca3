#include "runtimecatalog.h"

#include "access/auditlog.h"
#include "access/roles.h"
#include "store/sql.h"
#include "store/store.h"
#include "util/error.h"

#include <QDateTime>
#include <QJsonArray>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QSysInfo>

namespace Baton {

namespace {

struct Probe
{
    const char *technology;
    const char *program;
    QStringList arguments;
};

// What the local executor can run, and how each program states its version.
const QList<Probe> &probes()
{
    static const QList<Probe> list {
        { "bash", "bash", { QStringLiteral("--version") } },
        { "python", "python3", { QStringLiteral("--version") } },
        { "perl", "perl", { QStringLiteral("-e"), QStringLiteral("print $^V") } },
        { "ruby", "ruby", { QStringLiteral("--version") } },
        { "node", "node", { QStringLiteral("--version") } },
        { "java", "java", { QStringLiteral("-version") } },
        { "r", "Rscript", { QStringLiteral("--version") } },
        { "sqlite", "sqlite3", { QStringLiteral("--version") } },
        { "postgresql", "psql", { QStringLiteral("--version") } },
    };
    return list;
}

QString hostName()
{
    return QSysInfo::machineHostName();
}

} // namespace

QString RuntimeCatalog::parseVersion(const QString &technology, const QString &output)
{
    // bash: "GNU bash, version 5.2.15(1)-release"; java: 'openjdk version "17.0.9"'.
    QString pattern = QStringLiteral("(\\d+\\.\\d+(?:\\.\\d+)?)");
    if (technology == QLatin1String("bash"))
        pattern = QStringLiteral("version (\\d+\\.\\d+(?:\\.\\d+)?)");
    const QRegularExpressionMatch m = QRegularExpression(pattern).match(output);
    return m.hasMatch() ? m.captured(1) : QString();
}

QList<DetectedRuntime> RuntimeCatalog::detect()
{
    QList<DetectedRuntime> found;
    for (const Probe &p : probes()) {
        const QString program = QStandardPaths::findExecutable(QLatin1String(p.program));
        if (program.isEmpty())
            continue;
        QProcess process;
        process.setProcessChannelMode(QProcess::MergedChannels);
        process.start(program, p.arguments);
        if (!process.waitForFinished(5000)) {
            process.kill();
            process.waitForFinished(1000);
            continue;
        }
        const QString version
            = parseVersion(QLatin1String(p.technology), QString::fromLocal8Bit(process.readAll()));
        if (!version.isEmpty())
            found << DetectedRuntime { QLatin1String(p.technology), version, program };
    }
    return found;
}

void RuntimeCatalog::record(const Store &store, const QString &executor,
                            const QList<DetectedRuntime> &runtimes, const QString &actor)
{
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const QString host = hostName();
    store.transaction([&](QSqlDatabase &db) {
        QJsonArray before;
        QSqlQuery q = Sql::exec(db,
                                QStringLiteral("SELECT technology || ' ' || version FROM runtimes "
                                               "WHERE executor = ? ORDER BY technology, version"),
                                { executor });
        while (q.next())
            before.append(q.value(0).toString());
        Sql::exec(db, QStringLiteral("DELETE FROM runtimes WHERE executor = ?"), { executor });
        QJsonArray after;
        for (const DetectedRuntime &r : runtimes) {
            Sql::exec(db,
                      QStringLiteral("INSERT INTO runtimes (executor, technology, "
                                     "version, path, host, detected_at) VALUES (?, ?, ?, ?, ?, ?) "
                                     "ON CONFLICT (executor, technology, version) DO UPDATE SET "
                                     "path = excluded.path, host = excluded.host, "
                                     "detected_at = excluded.detected_at"),
                      { executor, r.technology, r.version, r.path, host, now });
            after.append(r.technology + QLatin1Char(' ') + r.version);
        }
        AuditEvent e;
        e.at = now;
        e.actor = actor;
        e.action = QStringLiteral("runtimes.detect");
        e.objectKind = QStringLiteral("executor");
        e.objectName = executor;
        e.before = { { QStringLiteral("runtimes"), before } };
        e.after = { { QStringLiteral("runtimes"), after } };
        e.details = QStringLiteral("on host %1").arg(host);
        AuditLog::record(db, e);
    });
}

bool RuntimeCatalog::hasDetected(const QSqlDatabase &db, const QString &executor)
{
    return Sql::scalar(db, QStringLiteral("SELECT 1 FROM runtimes WHERE executor = ? LIMIT 1"),
                       { executor })
        .isValid();
}

void RuntimeCatalog::ensureDetected(const Store &store, const QString &actor)
{
    if (!hasDetected(store.db(), QStringLiteral("local")))
        record(store, QStringLiteral("local"), detect(), actor);
}

void RuntimeCatalog::deprecate(const Store &store, const QString &technology,
                               const QString &version, const QDate &date, const QString &actor)
{
    static const QRegularExpression versionRe(QStringLiteral("^\\d+(\\.\\d+)*$"));
    if (technology.trimmed().isEmpty())
        throw Error(QStringLiteral("deprecate: name a technology (bash, python, …)"));
    if (!versionRe.match(version).hasMatch())
        throw Error(QStringLiteral("deprecate: '%1' is not a version (digits and dots, e.g. 3.9)")
                        .arg(version));
    store.transaction([&](QSqlDatabase &db) {
        Roles::require(db, actor, QLatin1String(Roles::Admin),
                       QStringLiteral("set runtime deprecations"));
        const QString before
            = Sql::scalar(db,
                          QStringLiteral("SELECT deprecated_on FROM runtime_deprecations WHERE "
                                         "technology = ? AND version = ?"),
                          { technology, version })
                  .toString();
        if (date.isValid()) {
            Sql::exec(db,
                      QStringLiteral("INSERT INTO runtime_deprecations (technology, "
                                     "version, deprecated_on, set_by, set_at) VALUES (?, ?, ?, ?, "
                                     "?) ON CONFLICT (technology, version) DO UPDATE SET "
                                     "deprecated_on = excluded.deprecated_on, set_by = "
                                     "excluded.set_by, set_at = excluded.set_at"),
                      { technology, version, date.toString(Qt::ISODate), actor,
                        QDateTime::currentMSecsSinceEpoch() });
        } else {
            Sql::exec(db,
                      QStringLiteral("DELETE FROM runtime_deprecations WHERE technology = ? AND "
                                     "version = ?"),
                      { technology, version });
        }
        AuditEvent e;
        e.actor = actor;
        e.action = QStringLiteral("runtimes.deprecate");
        e.objectKind = QStringLiteral("runtime");
        e.objectName = technology + QLatin1Char(' ') + version;
        if (!before.isEmpty())
            e.before = { { QStringLiteral("deprecated_on"), before } };
        if (date.isValid())
            e.after = { { QStringLiteral("deprecated_on"), date.toString(Qt::ISODate) } };
        AuditLog::record(db, e);
    });
}

bool RuntimeCatalog::satisfies(const QString &version, const QString &pin)
{
    return version == pin || version.startsWith(pin + QLatin1Char('.'));
}

namespace {

QDate deprecationFor(const QSqlDatabase &db, const QString &technology, const QString &version)
{
    // The most specific deprecation that covers the version wins.
    QSqlQuery q = Sql::exec(db,
                            QStringLiteral("SELECT version, deprecated_on FROM "
                                           "runtime_deprecations WHERE technology = ?"),
                            { technology });
    QDate date;
    int best = -1;
    while (q.next()) {
        const QString v = q.value(0).toString();
        if (RuntimeCatalog::satisfies(version, v) && v.size() > best) {
            best = int(v.size());
            date = QDate::fromString(q.value(1).toString(), Qt::ISODate);
        }
    }
    return date;
}

} // namespace

QList<RuntimeInfo> RuntimeCatalog::list(const QSqlDatabase &db)
{
    QList<RuntimeInfo> list;
    QSqlQuery q = Sql::exec(db,
                            QStringLiteral("SELECT executor, technology, version, path, host, "
                                           "detected_at FROM runtimes"));
    while (q.next()) {
        RuntimeInfo r;
        r.executor = q.value(0).toString();
        r.technology = q.value(1).toString();
        r.version = q.value(2).toString();
        r.path = q.value(3).toString();
        r.host = q.value(4).toString();
        r.detectedAt = q.value(5).toLongLong();
        list << r;
    }
    for (RuntimeInfo &r : list)
        r.deprecatedOn = deprecationFor(db, r.technology, r.version);
    // Deprecations of versions no executor has still show: they are policy.
    QSqlQuery d = Sql::exec(db,
                            QStringLiteral("SELECT technology, version, deprecated_on FROM "
                                           "runtime_deprecations"));
    while (d.next()) {
        const QString tech = d.value(0).toString();
        const QString version = d.value(1).toString();
        const bool covered = std::any_of(list.begin(), list.end(), [&](const RuntimeInfo &r) {
            return r.technology == tech && satisfies(r.version, version);
        });
        if (!covered) {
            RuntimeInfo r;
            r.technology = tech;
            r.version = version;
            r.deprecatedOn = QDate::fromString(d.value(2).toString(), Qt::ISODate);
            list << r;
        }
    }
    std::sort(list.begin(), list.end(), [](const RuntimeInfo &a, const RuntimeInfo &b) {
        return std::tie(a.technology, a.version, a.executor)
            < std::tie(b.technology, b.version, b.executor);
    });
    return list;
}

RuntimeCheck RuntimeCatalog::check(const QSqlDatabase &db, const QString &executor,
                                   const QString &technology, const QString &pin,
                                   const QDate &today)
{
    RuntimeCheck c;
    if (pin.isEmpty() || technology.isEmpty()) {
        c.why = QStringLiteral("no runtime pinned");
        return c;
    }
    QStringList available;
    QSqlQuery q = Sql::exec(db,
                            QStringLiteral("SELECT version FROM runtimes WHERE executor = ? AND "
                                           "technology = ? ORDER BY version"),
                            { executor, technology });
    while (q.next()) {
        const QString v = q.value(0).toString();
        available << v;
        if (c.matched.isEmpty() && satisfies(v, pin))
            c.matched = v;
    }
    if (c.matched.isEmpty()) {
        c.status = RuntimeCheck::Status::Missing;
        c.why = available.isEmpty()
            ? QStringLiteral("%1 %2 is missing on executor %3 (it has no %1)")
                  .arg(technology, pin, executor)
            : QStringLiteral("%1 %2 is missing on executor %3 (it has %1 %4)")
                  .arg(technology, pin, executor, available.join(QStringLiteral(", ")));
        return c;
    }
    c.deprecatedOn = deprecationFor(db, technology, c.matched);
    if (c.deprecatedOn.isValid() && c.deprecatedOn <= today) {
        c.status = RuntimeCheck::Status::Deprecated;
        c.why = QStringLiteral("%1 %2 is deprecated since %3")
                    .arg(technology, c.matched, c.deprecatedOn.toString(Qt::ISODate));
        return c;
    }
    c.status = RuntimeCheck::Status::Ok;
    c.why = c.deprecatedOn.isValid()
        ? QStringLiteral("%1 %2 (deprecated from %3)")
              .arg(technology, c.matched, c.deprecatedOn.toString(Qt::ISODate))
        : QStringLiteral("%1 %2").arg(technology, c.matched);
    return c;
}

} // namespace Baton
