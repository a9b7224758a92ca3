#include "reviewservice.h"

#include "access/auditlog.h"
#include "access/reviewpolicy.h"
#include "model/runstate.h"
#include "store/sql.h"
#include "store/store.h"
#include "util/error.h"

#include <QDateTime>
#include <QHash>

namespace Baton {

namespace {

const QLatin1String kEntryColumns(
    "SELECT rv.id, rv.run_id, rv.kind, rv.author, rv.text, rv.run_state, rv.created_at, "
    "p.name || '/' || l.name FROM run_reviews rv JOIN runs r ON r.id = rv.run_id "
    "JOIN projects p ON p.id = r.project_id JOIN pipelines l ON l.id = r.pipeline_id ");

ReviewEntry entryFrom(const QSqlQuery &q)
{
    ReviewEntry e;
    e.id = q.value(0).toLongLong();
    e.runId = q.value(1).toLongLong();
    e.kind = q.value(2).toString();
    e.author = q.value(3).toString();
    e.text = q.value(4).toString();
    e.runState = parseRunState(q.value(5).toString(), e.runId);
    e.createdAt = q.value(6).toLongLong();
    e.pipeline = q.value(7).toString();
    return e;
}

QString checkedText(const QString &text, bool required, const char *what)
{
    const QString trimmed = text.trimmed();
    if (required && trimmed.isEmpty())
        throw Error(QStringLiteral("%1 needs some text").arg(QLatin1String(what)));
    if (trimmed.size() > ReviewService::MaxTextLength)
        throw Error(QStringLiteral("%1 is too long (%2 characters; at most %3)")
                        .arg(QLatin1String(what))
                        .arg(trimmed.size())
                        .arg(ReviewService::MaxTextLength));
    return trimmed;
}

// The run's state and review state, or "no run N".
QPair<QString, QString> runStates(const QSqlDatabase &db, qint64 runId)
{
    QSqlQuery q = Sql::exec(db, QStringLiteral("SELECT state, review_state FROM runs WHERE id = ?"),
                            { runId });
    if (!q.next())
        throw Error(QStringLiteral("no run %1").arg(runId));
    return { q.value(0).toString(), q.value(1).toString() };
}

qint64 insertEntry(const QSqlDatabase &db, qint64 runId, const QString &kind, const QString &author,
                   const QString &text, const QString &runState, qint64 now)
{
    return Sql::insert(
        db,
        QStringLiteral("INSERT INTO run_reviews (run_id, kind, author, text, "
                       "run_state, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id"),
        { runId, kind, author, text, runState, now });
}

} // namespace

qint64 ReviewService::annotate(const Store &store, qint64 runId, const QString &text,
                               const QString &actor)
{
    const QString note = checkedText(text, true, "an annotation");
    ReviewPolicy::checkAnnotate(actor, runId);
    qint64 id = 0;
    store.transaction([&](QSqlDatabase &db) {
        const auto [state, review] = runStates(db, runId);
        const qint64 now = QDateTime::currentMSecsSinceEpoch();
        id = insertEntry(db, runId, QStringLiteral("annotation"), actor, note, state, now);
        Sql::exec(db,
                  QStringLiteral("UPDATE runs SET annotation_count = annotation_count + 1, "
                                 "review_updated_at = ? WHERE id = ?"),
                  { now, runId });
        AuditLog::record(db, 0, actor, QStringLiteral("run.annotate"), AuditObject::run(runId), {},
                         {}, note.left(200));
    });
    return id;
}

namespace {

// One run's sign-off inside the caller's transaction: the entry, the run's review state and
// its audit event.
qint64 signOffIn(QSqlDatabase &db, qint64 runId, bool approve, const QString &text,
                 const QString &actor)
{
    const auto [state, review] = runStates(db, runId);
    ReviewPolicy::checkSignOff(actor, runId, parseRunState(state, runId));
    const QString kind = approve ? QStringLiteral("approved") : QStringLiteral("rejected");
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const qint64 id = insertEntry(db, runId, kind, actor, text, state, now);
    Sql::exec(db,
              QStringLiteral("UPDATE runs SET review_state = ?, review_updated_at = ? "
                             "WHERE id = ?"),
              { kind, now, runId });
    AuditLog::record(db, 0, actor,
                     approve ? QStringLiteral("run.approve") : QStringLiteral("run.reject"),
                     AuditObject::run(runId), { { QStringLiteral("review"), review } },
                     { { QStringLiteral("review"), kind } }, text.left(200));
    return id;
}

} // namespace

qint64 ReviewService::signOff(const Store &store, qint64 runId, bool approve,
                              const QString &comment, const QString &actor)
{
    const QString text = checkedText(comment, !approve, approve ? "an approval" : "a rejection");
    qint64 id = 0;
    store.transaction([&](QSqlDatabase &db) { id = signOffIn(db, runId, approve, text, actor); });
    return id;
}

QList<qint64> ReviewService::signOffMany(const Store &store, const QList<qint64> &runIds,
                                         bool approve, const QString &comment, const QString &actor)
{
    if (runIds.isEmpty())
        throw Error(QStringLiteral("no runs to sign off"));
    const QString text = checkedText(comment, !approve, approve ? "an approval" : "a rejection");
    QList<qint64> ids;
    store.transaction([&](QSqlDatabase &db) {
        QHash<qint64, qint64> done; // run → its entry, for a run listed twice
        for (const qint64 runId : runIds) {
            if (!done.contains(runId))
                done.insert(runId, signOffIn(db, runId, approve, text, actor));
            ids << done.value(runId);
        }
    });
    return ids;
}

QList<ReviewEntry> ReviewService::history(const QSqlDatabase &db, qint64 runId)
{
    runStates(db, runId);
    QList<ReviewEntry> entries;
    QSqlQuery q = Sql::exec(
        db, kEntryColumns + QStringLiteral("WHERE rv.run_id = ? ORDER BY rv.id"), { runId });
    while (q.next())
        entries << entryFrom(q);
    return entries;
}

QList<ReviewEntry> ReviewService::recentSignOffs(const QSqlDatabase &db, int limit)
{
    QList<ReviewEntry> entries;
    QSqlQuery q = Sql::exec(db,
                            kEntryColumns
                                + QStringLiteral("WHERE rv.kind IN ('approved', 'rejected') "
                                                 "ORDER BY rv.created_at DESC, rv.id DESC LIMIT ?"),
                            { limit });
    while (q.next())
        entries << entryFrom(q);
    return entries;
}

QString ReviewService::reviewState(const QSqlDatabase &db, qint64 runId)
{
    return runStates(db, runId).second;
}

bool ReviewService::isReviewState(const QString &state)
{
    return state == QLatin1String("pending") || state == QLatin1String("approved")
        || state == QLatin1String("rejected");
}

} // namespace Baton
