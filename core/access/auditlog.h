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

/// What an audit event is about: its kind, id (0: none) and name (empty: none).
struct AuditObject
{
    QString kind;
    qint64 id = 0;
    QString name;
    /// A run: only its id names it.
    static AuditObject run(qint64 runId) { return { QStringLiteral("run"), runId, {} }; }
};

/// The audit trail. Records are written inside the caller's transaction, so an action and its
/// audit event land together or not at all.
class AuditLog
{
public:
    static qint64 record(const QSqlDatabase &db, const AuditEvent &event);
    /// The one way writers assemble an event: @p actor did @p action to @p object at @p at
    /// (ms UTC; 0: now), with the state before and after and a line for people.
    static qint64 record(const QSqlDatabase &db, qint64 at, const QString &actor,
                         const QString &action, const AuditObject &object,
                         const QJsonObject &before = {}, const QJsonObject &after = {},
                         const QString &details = {});
    /// Newest first.
    static QList<AuditEvent> recent(const QSqlDatabase &db, int limit = 200);
    /// The columns every reader selects, in the order fromRow() expects.
    static QString columns();
    /// The event on @p query's current row (selected with columns()).
    static AuditEvent fromRow(const QSqlQuery &query);
};

} // namespace Baton
