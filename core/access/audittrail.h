#pragma once

#include "auditlog.h"

#include <QList>
#include <QMetaType>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>
#include <optional>

namespace Baton {

/// What to read from the audit trail. Empty fields do not filter.
struct AuditQuery
{
    qint64 fromMs = 0; ///< inclusive; 0: from the beginning
    qint64 toMs = 0; ///< exclusive; 0: up to now
    QString actor; ///< exact user name
    QString action; ///< exact action, or a prefix ending in '.' ("run." matches "run.cancel")
    QString objectKind; ///< "run", "pipeline", "job", ...
    QString text; ///< case-insensitive, in the object's name, the action and the details
    qint64 beforeId = 0; ///< paging: only events older than this one; 0: the newest
    int limit = 200; ///< 1 … 10,000
};

/// One page of the trail, newest first, with what the filters can offer.
struct AuditPage
{
    QList<AuditEvent> events;
    bool more = false; ///< older events match too: ask again with beforeId = last id
    QStringList actors; ///< every actor in the trail, sorted
    QStringList actions; ///< every action in the trail, sorted
    qint64 newestId = 0; ///< the newest event in the whole trail (cheap change detection)
};

/// Reading the audit trail for the console's Audit mode and `baton audit`.
class AuditTrail
{
public:
    /// Throws Baton::Error when the query is invalid (limit out of range, from after to).
    static AuditPage query(const QSqlDatabase &db, const AuditQuery &query);
    /// The newest event's id in the whole trail; 0 when it is empty. One index probe.
    static qint64 newestId(const QSqlDatabase &db);
    /// query(), unless the trail's newest event is still @p knownNewestId: then nullopt, and
    /// only the index probe ran (how a screen refreshes cheaply while it is open).
    static std::optional<AuditPage> queryIfChanged(const QSqlDatabase &db, const AuditQuery &query,
                                                   qint64 knownNewestId);
    /// "2026-11-23T10:00:00Z", "2026-11-23", or a duration back from @p nowMs ("2h", "7d").
    /// nullopt when it is none of those.
    static std::optional<qint64> parseSince(const QString &text, qint64 nowMs);
};

} // namespace Baton

Q_DECLARE_METATYPE(Baton::AuditPage)
