#pragma once

#include <QJsonObject>
#include <QMetaType>
#include <QSqlDatabase>
#include <QString>

namespace Baton {

/// What `baton audit verify` and the Audit mode say about the chain.
struct AuditChainReport
{
    qint64 verified = 0; ///< events checked and found intact, oldest first
    qint64 lastVerifiedId = 0; ///< the newest of them (0: none)
    bool intact = true;
    /// The first event where the chain breaks (intact == false).
    qint64 brokenId = 0;
    qint64 brokenAt = 0; ///< its time, ms UTC
    QString brokenAction;
    QString problem; ///< "edited", "deleted before it", "reordered", "not chained"
    QString anchor; ///< the hash the first kept event follows ("" from the beginning)

    /// One line for people: "audit chain intact: 42 events verified" / "audit chain broken at
    /// event #7 (2026-…, run.cancel): …".
    QString summary() const;
    QJsonObject toJson() const;
};

/// The audit trail's hash chain: each event's hash is SHA-256 over a canonical serialisation of
/// its fields and the hash of the event before it (prev_hash), so editing, deleting or
/// reordering an event breaks the chain at that event. Events are appended inside the writer's
/// write transaction (the store's write lock serialises writers), so two writers cannot both
/// follow the same event.
///
/// Retention: nothing deletes audit events today. A future retention cut must record the
/// prev_hash of the first event it keeps as workspace_info 'audit_anchor'; verify then starts
/// the chain there instead of calling the cut a deletion.
class AuditChain
{
public:
    /// The hash of an event with these stored column values (NULL columns as null QVariant).
    static QString hash(const QString &prevHash, qint64 at, const QString &actor,
                        const QString &action, const QString &objectKind, const QVariant &objectId,
                        const QString &objectName, const QVariant &before, const QVariant &after,
                        const QString &details);
    /// The hash the next event follows: the newest event's hash, else the anchor.
    static QString head(const QSqlDatabase &db);
    /// The hash the first kept event follows ("" when no retention cut was made).
    static QString anchor(const QSqlDatabase &db);
    /// Chains the events that have no hash yet (those written before schema 13), oldest first.
    /// In the caller's write transaction.
    static void chainUnhashed(const QSqlDatabase &db);
    /// Checks the whole chain, oldest first, and stops at the first break.
    static AuditChainReport verify(const QSqlDatabase &db);
};

} // namespace Baton

Q_DECLARE_METATYPE(Baton::AuditChainReport)
