#pragma once

#include "model/runstate.h"

#include <QList>
#include <QSqlDatabase>
#include <QString>

namespace Baton {

class Store;

/// One line of a run's review history: an annotation or a sign-off.
struct ReviewEntry
{
    qint64 id = 0;
    qint64 runId = 0;
    QString kind; ///< annotation, approved or rejected
    QString author;
    QString text;
    RunState runState = RunState::Queued; ///< the run's state when it was written
    QString pipeline; ///< project/pipeline of the run
    qint64 createdAt = 0; ///< ms UTC

    bool isSignOff() const { return kind != QLatin1String("annotation"); }
    bool operator==(const ReviewEntry &) const = default;
};

/// The data steward's review of runs (DESIGN.md: data stewards sign runs off). Notes can be
/// written on any run; a finished run is signed off as approved or rejected with a comment
/// (required to reject). The latest sign-off is the run's review state (pending until the
/// first); earlier ones stay in the history. Each write is one transaction with its audit
/// event, after ReviewPolicy agreed. Throws Baton::Error naming what is wrong.
class ReviewService
{
public:
    static constexpr int MaxTextLength = 10000;

    static qint64 annotate(const Store &store, qint64 runId, const QString &text,
                           const QString &actor);
    static qint64 signOff(const Store &store, qint64 runId, bool approve, const QString &comment,
                          const QString &actor);
    /// Signs several runs off at once with one comment (the Review queue's bulk approve or
    /// reject): all or nothing, in one transaction, each run with its own sign-off entry and
    /// its own audit event, exactly as one signOff() each. Refused as a whole when the list is
    /// empty or any run cannot be signed off (the error names it). A run listed twice is
    /// signed off once. Returns the entries' ids in the order of @p runIds.
    static QList<qint64> signOffMany(const Store &store, const QList<qint64> &runIds, bool approve,
                                     const QString &comment, const QString &actor);

    /// A run's review history, oldest first. Throws when there is no such run.
    static QList<ReviewEntry> history(const QSqlDatabase &db, qint64 runId);
    /// The latest sign-offs over every run, newest first.
    static QList<ReviewEntry> recentSignOffs(const QSqlDatabase &db, int limit = 200);
    /// pending, approved or rejected; throws when there is no such run.
    static QString reviewState(const QSqlDatabase &db, qint64 runId);
    static bool isReviewState(const QString &state);
};

} // namespace Baton
