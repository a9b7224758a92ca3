#pragma once

#include <QJsonObject>
#include <QList>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>

namespace Baton {

/// Who did what, when, with the state before and after (JSON).
struct AuditEvent
{
    qint64 id = 0;
    qint64 at = 0; ///< ms since epoch, UTC
    QString actor;
    QString action; ///< e.g. "project.import", "job.version.create"
    QString objectKind;
    qint64 objectId = 0;
    QString objectName;
    QJsonObject before;
    QJsonObject after;
    QString details;

    /// What the event is about, as people name it: "pipeline churn/nightly", "run #14" (a run
    /// has only its id), or just the kind.
    QString objectLabel() const
    {
        if (!objectName.isEmpty())
            return objectKind.isEmpty() ? objectName : objectKind + QLatin1Char(' ') + objectName;
        if (objectId > 0)
            return QStringLiteral("%1 #%2").arg(objectKind).arg(objectId);
        return objectKind;
    }
};

/// The audit trail. Records are written inside the caller's transaction, so an action and its
/// audit event land together or not at all.
class AuditLog
{
public:
    static qint64 record(const QSqlDatabase &db, const AuditEvent &event);
    /// Newest first.
    static QList<AuditEvent> recent(const QSqlDatabase &db, int limit = 200);
    /// The columns every reader selects, in the order fromRow() expects.
    static QString columns();
    /// The event on @p query's current row (selected with columns()).
    static AuditEvent fromRow(const QSqlQuery &query);
};

} // namespace Baton
