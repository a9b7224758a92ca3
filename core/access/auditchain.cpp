#include "auditchain.h"

#include "store/sql.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>

namespace Baton {

namespace {

QJsonValue textOrNull(const QVariant &v)
{
    return v.isNull() ? QJsonValue() : QJsonValue(v.toString());
}

constexpr int kPage = 5000; // rows per read: a long trail is not held whole (QPSQL fetches all)

struct Row
{
    qint64 id;
    qint64 at;
    QString actor, action, objectKind, objectName, details;
    QVariant objectId, before, after, prevHash, hash;

    QString hashAfter(const QString &prev) const
    {
        return AuditChain::hash(prev, at, actor, action, objectKind, objectId, objectName, before,
                                after, details);
    }
};

/// The events after id @p after, oldest first, at most kPage of them.
QList<Row> page(const QSqlDatabase &db, qint64 after)
{
    QSqlQuery q = Sql::exec(
        db,
        QStringLiteral("SELECT id, at, actor, action, object_kind, object_id, object_name, before, "
                       "after, details, prev_hash, hash FROM audit_events WHERE id > ? ORDER BY "
                       "id LIMIT %1")
            .arg(kPage),
        { after });
    QList<Row> rows;
    while (q.next())
        rows << Row { q.value(0).toLongLong(),
                      q.value(1).toLongLong(),
                      q.value(2).toString(),
                      q.value(3).toString(),
                      q.value(4).toString(),
                      q.value(6).toString(),
                      q.value(9).toString(),
                      q.value(5),
                      q.value(7),
                      q.value(8),
                      q.value(10),
                      q.value(11) };
    return rows;
}

} // namespace

QString AuditChain::hash(const QString &prevHash, qint64 at, const QString &actor,
                         const QString &action, const QString &objectKind, const QVariant &objectId,
                         const QString &objectName, const QVariant &before, const QVariant &after,
                         const QString &details)
{
    // Every field as text or null, in a fixed order: the same bytes on SQLite and PostgreSQL.
    const QJsonArray fields {
        prevHash,
        QString::number(at),
        actor,
        action,
        objectKind,
        objectId.isNull() ? QJsonValue() : QJsonValue(QString::number(objectId.toLongLong())),
        objectName,
        textOrNull(before),
        textOrNull(after),
        details,
    };
    const QByteArray canonical
        = "baton-audit-v1\n" + QJsonDocument(fields).toJson(QJsonDocument::Compact);
    return QString::fromLatin1(
        QCryptographicHash::hash(canonical, QCryptographicHash::Sha256).toHex());
}

QString AuditChain::anchor(const QSqlDatabase &db)
{
    return Sql::scalar(db, QStringLiteral("SELECT value FROM workspace_info WHERE key = ?"),
                       { QStringLiteral("audit_anchor") })
        .toString();
}

QString AuditChain::head(const QSqlDatabase &db)
{
    const QVariant last
        = Sql::scalar(db, QStringLiteral("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1"));
    return last.isValid() ? last.toString() : anchor(db);
}

void AuditChain::chainUnhashed(const QSqlDatabase &db)
{
    QString prev = anchor(db);
    qint64 after = 0;
    for (;;) {
        const QList<Row> rows = page(db, after);
        for (const Row &r : rows) {
            if (r.hash.isNull()) {
                const QString h = r.hashAfter(prev);
                Sql::exec(db,
                          QStringLiteral("UPDATE audit_events SET prev_hash = ?, hash = ? WHERE "
                                         "id = ?"),
                          { prev, h, r.id });
                prev = h;
            } else {
                prev = r.hash.toString();
            }
        }
        if (rows.size() < kPage)
            return;
        after = rows.last().id;
    }
}

AuditChainReport AuditChain::verify(const QSqlDatabase &db)
{
    AuditChainReport report;
    report.anchor = anchor(db);
    QString expected = report.anchor;
    qint64 after = 0;
    const auto breakAt = [&](const Row &r, const QString &problem) {
        report.intact = false;
        report.brokenId = r.id;
        report.brokenAt = r.at;
        report.brokenAction = r.action;
        report.problem = problem;
    };
    for (;;) {
        const QList<Row> rows = page(db, after);
        for (const Row &r : rows) {
            if (r.hash.isNull()) {
                breakAt(r,
                        QStringLiteral("not chained: it has no hash (written around Baton, "
                                       "or its hash was removed)"));
                return report;
            }
            if (r.hashAfter(r.prevHash.toString()) != r.hash.toString()) {
                breakAt(r, QStringLiteral("edited: its content no longer matches its hash"));
                return report;
            }
            if (r.prevHash.toString() != expected) {
                // Its predecessor is elsewhere in the trail (moved), or gone.
                const QVariant moved
                    = Sql::scalar(db, QStringLiteral("SELECT id FROM audit_events WHERE hash = ?"),
                                  { r.prevHash.toString() });
                breakAt(r,
                        moved.isValid()
                            ? QStringLiteral("reordered: the event it follows is now #%1")
                                  .arg(moved.toLongLong())
                            : QStringLiteral("an event before it was deleted"));
                return report;
            }
            expected = r.hash.toString();
            ++report.verified;
            report.lastVerifiedId = r.id;
        }
        if (rows.size() < kPage)
            return report;
        after = rows.last().id;
    }
}

QString AuditChainReport::summary() const
{
    if (intact)
        return QStringLiteral("audit chain intact: %1 event(s) verified%2")
            .arg(verified)
            .arg(lastVerifiedId ? QStringLiteral(", up to event #%1").arg(lastVerifiedId)
                                : QString());
    return QStringLiteral("audit chain BROKEN at event #%1 (%2, %3): %4; %5 event(s) before it "
                          "verified")
        .arg(brokenId)
        .arg(QDateTime::fromMSecsSinceEpoch(brokenAt, Qt::UTC).toString(Qt::ISODate), brokenAction,
             problem)
        .arg(verified);
}

QJsonObject AuditChainReport::toJson() const
{
    QJsonObject o { { QStringLiteral("intact"), intact },
                    { QStringLiteral("verified"), verified },
                    { QStringLiteral("last_verified_id"), lastVerifiedId },
                    { QStringLiteral("anchor"), anchor } };
    if (!intact) {
        o.insert(
            QStringLiteral("broken"),
            QJsonObject {
                { QStringLiteral("id"), brokenId },
                { QStringLiteral("at"),
                  QDateTime::fromMSecsSinceEpoch(brokenAt, Qt::UTC).toString(Qt::ISODateWithMs) },
                { QStringLiteral("action"), brokenAction },
                { QStringLiteral("problem"), problem } });
    }
    return o;
}

} // namespace Baton
