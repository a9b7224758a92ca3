#include "auditlog.h"

#include "auditchain.h"
#include "store/sql.h"
#include "store/writescope.h"
#include "util/error.h"

#include <QDateTime>
#include <QJsonDocument>

namespace Baton {

namespace {
QVariant jsonOrNull(const QJsonObject &o)
{
    if (o.isEmpty())
        return QVariant();
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}
QJsonObject parseJson(const QVariant &v)
{
    return QJsonDocument::fromJson(v.toString().toUtf8()).object();
}
} // namespace

qint64 AuditLog::record(const QSqlDatabase &db, const AuditEvent &event)
{
    // The chain's head is read, then followed: only under the write lock can no other writer
    // follow the same head (a fork).
    if (!WriteScope::active())
        throw Error(QStringLiteral("audit event '%1' written outside a write transaction")
                        .arg(event.action));
    const qint64 at = event.at ? event.at : QDateTime::currentMSecsSinceEpoch();
    const QVariant objectId = Sql::nullable(event.objectId, event.objectId == 0);
    const QVariant before = jsonOrNull(event.before);
    const QVariant after = jsonOrNull(event.after);
    const QString prev = AuditChain::head(db);
    const QString hash = AuditChain::hash(prev, at, event.actor, event.action, event.objectKind,
                                          objectId, event.objectName, before, after, event.details);
    return Sql::insert(db,
                       QStringLiteral("INSERT INTO audit_events (at, actor, action, object_kind, "
                                      "object_id, object_name, before, after, details, "
                                      "prev_hash, hash) "
                                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id"),
                       { at, event.actor, event.action, event.objectKind, objectId,
                         event.objectName, before, after, event.details, prev, hash });
}

qint64 AuditLog::record(const QSqlDatabase &db, qint64 at, const QString &actor,
                        const QString &action, const AuditObject &object, const QJsonObject &before,
                        const QJsonObject &after, const QString &details)
{
    AuditEvent e;
    e.at = at;
    e.actor = actor;
    e.action = action;
    e.objectKind = object.kind;
    e.objectId = object.id;
    e.objectName = object.name;
    e.before = before;
    e.after = after;
    e.details = details;
    return record(db, e);
}

QString AuditLog::columns()
{
    return QStringLiteral("id, at, actor, action, object_kind, object_id, object_name, before, "
                          "after, details");
}

AuditEvent AuditLog::fromRow(const QSqlQuery &q)
{
    AuditEvent e;
    e.id = q.value(0).toLongLong();
    e.at = q.value(1).toLongLong();
    e.actor = q.value(2).toString();
    e.action = q.value(3).toString();
    e.objectKind = q.value(4).toString();
    e.objectId = q.value(5).toLongLong();
    e.objectName = q.value(6).toString();
    e.before = parseJson(q.value(7));
    e.after = parseJson(q.value(8));
    e.details = q.value(9).toString();
    return e;
}

QList<AuditEvent> AuditLog::recent(const QSqlDatabase &db, int limit)
{
    QSqlQuery q = Sql::exec(
        db, QStringLiteral("SELECT %1 FROM audit_events ORDER BY id DESC LIMIT ?").arg(columns()),
        { limit });
    QList<AuditEvent> events;
    while (q.next())
        events << fromRow(q);
    return events;
}

} // namespace Baton
