#pragma once

#include <QJsonObject>
#include <QList>
#include <QSqlDatabase>
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
};

/// The audit trail. Records are written inside the caller's transaction, so an action and its
/// audit event land together or not at all.
class AuditLog
{
public:
    static qint64 record(const QSqlDatabase &db, const AuditEvent &event);
    /// Newest first.
    static QList<AuditEvent> recent(const QSqlDatabase &db, int limit = 200);
};

} // namespace Baton
