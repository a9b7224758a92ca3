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

const QString kColumns = QStringLiteral(
    "id, at, actor, action, object_kind, object_id, object_name, before, after, details, "
    "prev_hash, hash");

struct Row
{
    qint64 id;
    qint64 at;
    QString action;
    QVariant prevHash;
    QVariant hash;
    QString computed;
};

Row readRow(const QSqlQuery &q)
{
    Row r;
    r.id = q.value(0).toLongLong();
    r.at = q.value(1).toLongLong();
    r.action = q.value(3).toString();
    r.prevHash = q.value(10);
    r.hash = q.value(11);
    r.computed = AuditChain::hash(r.prevHash.toString(), r.at, q.value(2).toString(), r.action,
                                  q.value(4).toString(), q.value(5), q.value(6).toString(),
                                  q.value(7), q.value(8), q.value(9).toString());
    return r;
}

constexpr int kPage = 5000; // rows per read: a long trail is not held whole (QPSQL fetches all)

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
        QSqlQuery q = Sql::exec(
            db,
            QStringLiteral("SELECT %1 FROM audit_events WHERE id > ? ORDER BY id LIMIT %2")
                .arg(kColumns)
                .arg(kPage),
            { after });
        QList<QPair<qint64, QVariantList>> updates;
        int rows = 0;
        while (q.next()) {
            ++rows;
            after = q.value(0).toLongLong();
            if (!q.value(11).isNull()) {
                prev = q.value(11).toString();
                continue;
            }
            const QString h
                = hash(prev, q.value(1).toLongLong(), q.value(2).toString(), q.value(3).toString(),
                       q.value(4).toString(), q.value(5), q.value(6).toString(), q.value(7),
                       q.value(8), q.value(9).toString());
            updates.append({ after, { prev, h, after } });
            prev = h;
        }
        q.finish();
        for (const auto &u : std::as_const(updates))
            Sql::exec(db,
                      QStringLiteral("UPDATE audit_events SET prev_hash = ?, hash = ? "
                                     "WHERE id = ?"),
                      u.second);
        if (rows < kPage)
            return;
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
        QSqlQuery q = Sql::exec(
            db,
            QStringLiteral("SELECT %1 FROM audit_events WHERE id > ? ORDER BY id LIMIT %2")
                .arg(kColumns)
                .arg(kPage),
            { after });
        QList<Row> rows;
        while (q.next())
            rows << readRow(q);
        q.finish();
        for (const Row &r : std::as_const(rows)) {
            if (r.hash.isNull()) {
                breakAt(r,
                        QStringLiteral("not chained: it has no hash (written around Baton, "
                                       "or its hash was removed)"));
                return report;
            }
            if (r.computed != r.hash.toString()) {
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
