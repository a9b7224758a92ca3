#include "audittrail.h"

#include "model/projectspec.h"
#include "store/readsnapshot.h"
#include "store/sql.h"
#include "util/error.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QTimeZone>

namespace Baton {

namespace {

QStringList distinct(const QSqlDatabase &db, const QString &column)
{
    QStringList values;
    QSqlQuery q = Sql::exec(
        db, QStringLiteral("SELECT DISTINCT %1 FROM audit_events ORDER BY 1").arg(column));
    while (q.next())
        values << q.value(0).toString();
    return values;
}

// LIKE with the user's text taken literally.
QString likePattern(const QString &text)
{
    QString escaped = text;
    escaped.replace(QLatin1Char('\\'), QStringLiteral("\\\\"))
        .replace(QLatin1Char('%'), QStringLiteral("\\%"))
        .replace(QLatin1Char('_'), QStringLiteral("\\_"));
    return QLatin1Char('%') + escaped + QLatin1Char('%');
}

} // namespace

AuditPage AuditTrail::query(const QSqlDatabase &db, const AuditQuery &query)
{
    if (query.limit < 1 || query.limit > 10000)
        throw Error(
            QStringLiteral("audit: limit must be between 1 and 10000, got %1").arg(query.limit));
    if (query.fromMs > 0 && query.toMs > 0 && query.fromMs >= query.toMs)
        throw Error(QStringLiteral("audit: the start of the time range is not before its end"));

    QStringList where;
    QVariantList binds;
    if (query.fromMs > 0) {
        where << QStringLiteral("at >= ?");
        binds << query.fromMs;
    }
    if (query.toMs > 0) {
        where << QStringLiteral("at < ?");
        binds << query.toMs;
    }
    if (!query.actor.isEmpty()) {
        where << QStringLiteral("actor = ?");
        binds << query.actor;
    }
    if (query.action.endsWith(QLatin1Char('.'))) {
        where << QStringLiteral("substr(action, 1, ?) = ?");
        binds << query.action.size() << query.action;
    } else if (!query.action.isEmpty()) {
        where << QStringLiteral("action = ?");
        binds << query.action;
    }
    if (!query.objectKind.isEmpty()) {
        where << QStringLiteral("object_kind = ?");
        binds << query.objectKind;
    }
    if (!query.text.isEmpty()) {
        // lower() on both sides: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
        where << QStringLiteral("(lower(object_name) LIKE lower(?) ESCAPE '\\' OR lower(action) "
                                "LIKE lower(?) ESCAPE '\\' OR lower(details) LIKE lower(?) "
                                "ESCAPE '\\')");
        const QString pattern = likePattern(query.text);
        binds << pattern << pattern << pattern;
    }
    if (query.beforeId > 0) {
        where << QStringLiteral("id < ?");
        binds << query.beforeId;
    }
    binds << query.limit + 1; // one more tells whether there are more
    const QString sql = QStringLiteral("SELECT %1 FROM audit_events %2 ORDER BY id DESC LIMIT ?")
                            .arg(AuditLog::columns(),
                                 where.isEmpty() ? QString()
                                                 : QStringLiteral("WHERE ")
                                         + where.join(QStringLiteral(" AND ")));

    AuditPage page;
    // One read snapshot: the page and the filter lists describe the same moment.
    ReadSnapshot::read(db, [&] {
        QSqlQuery q = Sql::exec(db, sql, binds);
        while (q.next()) {
            if (page.events.size() == query.limit) {
                page.more = true;
                break;
            }
            page.events << AuditLog::fromRow(q);
        }
        q.finish();
        page.actors = distinct(db, QStringLiteral("actor"));
        page.actions = distinct(db, QStringLiteral("action"));
        page.newestId = newestId(db);
    });
    return page;
}

qint64 AuditTrail::newestId(const QSqlDatabase &db)
{
    return Sql::scalar(db, QStringLiteral("SELECT COALESCE(MAX(id), 0) FROM audit_events"))
        .toLongLong();
}

std::optional<AuditPage> AuditTrail::queryIfChanged(const QSqlDatabase &db, const AuditQuery &q,
                                                    qint64 knownNewestId)
{
    if (newestId(db) == knownNewestId)
        return std::nullopt;
    return query(db, q);
}

std::optional<qint64> AuditTrail::parseSince(const QString &text, qint64 nowMs)
{
    const QString t = text.trimmed();
    if (t.isEmpty())
        return std::nullopt;
    if (t.at(0).isDigit() && !t.contains(QLatin1Char('-'))) {
        if (const auto seconds = parseDuration(t))
            return nowMs - qint64(*seconds) * 1000;
        return std::nullopt;
    }
    QDateTime when = QDateTime::fromString(t, Qt::ISODateWithMs);
    if (!when.isValid()) {
        const QDate day = QDate::fromString(t, Qt::ISODate);
        if (!day.isValid())
            return std::nullopt;
        when = QDateTime(day, QTime(0, 0), QTimeZone::utc());
    }
    if (when.timeSpec() == Qt::LocalTime && !t.endsWith(QLatin1Char('Z'))
        && !t.contains(QLatin1Char('+')))
        when.setTimeZone(QTimeZone::utc()); // no zone written: UTC, as everywhere in the CLI
    return when.toMSecsSinceEpoch();
}

} // namespace Baton
