// The data steward's review: notes, sign-offs, history, the review filter, audit.
#include "access/auditlog.h"
#include "access/reviewpolicy.h"
#include "access/reviewservice.h"
#include "engine/runservice.h"
#include "store/projectwriter.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "testspecs.h"
#include "util/error.h"
#include "workspacefixture.h"

#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace Baton;
using namespace Baton::Test;

class TestReviewService : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    Test::WorkspaceFixture m_fixture; // before m_ws: its databases outlive the workspace
    std::unique_ptr<Workspace> m_ws;
    int m_counter = 0;

    const Store &store() const { return m_ws->store(); }

    qint64 createRun(const QString &state)
    {
        RunRequest r;
        r.project = QStringLiteral("churn");
        r.pipeline = QStringLiteral("nightly");
        r.actor = QStringLiteral("alice");
        const qint64 id = RunService::createRun(store(), r);
        Sql::exec(store().db(), QStringLiteral("UPDATE runs SET state = ? WHERE id = ?"),
                  { state, id });
        return id;
    }

    int count(const QString &table) const
    {
        return Sql::scalar(store().db(), QStringLiteral("SELECT count(*) FROM ") + table).toInt();
    }

private Q_SLOTS:
    void init()
    {
        m_ws = m_fixture.another(m_dir.filePath(QString::number(++m_counter)));
        ProjectWriter::apply(store(), { churnProject() }, QStringLiteral("alice"));
    }
    void cleanup() { m_ws.reset(); }

    void newRunsArePending()
    {
        const qint64 id = createRun(QStringLiteral("succeeded"));
        QCOMPARE(ReviewService::reviewState(store().db(), id), QStringLiteral("pending"));
        QVERIFY(ReviewService::history(store().db(), id).isEmpty());
        QCOMPARE(RunService::run(store().db(), id).review, QStringLiteral("pending"));
    }

    void notesAndSignOffsMakeTheHistory()
    {
        const qint64 id = createRun(QStringLiteral("failed"));
        ReviewService::annotate(store(), id, QStringLiteral("  train data was late  "),
                                QStringLiteral("dana"));
        ReviewService::signOff(store(), id, false, QStringLiteral("model not retrained"),
                               QStringLiteral("dana"));
        QCOMPARE(ReviewService::reviewState(store().db(), id), QStringLiteral("rejected"));
        // A later sign-off wins; the earlier one stays in the history.
        ReviewService::signOff(store(), id, true, {}, QStringLiteral("erin"));
        QCOMPARE(ReviewService::reviewState(store().db(), id), QStringLiteral("approved"));

        const QList<ReviewEntry> h = ReviewService::history(store().db(), id);
        QCOMPARE(h.size(), 3);
        QCOMPARE(h[0].kind, QStringLiteral("annotation"));
        QCOMPARE(h[0].text, QStringLiteral("train data was late")); // trimmed
        QCOMPARE(h[0].author, QStringLiteral("dana"));
        QCOMPARE(toString(h[0].runState), QStringLiteral("failed"));
        QCOMPARE(h[0].pipeline, QStringLiteral("churn/nightly"));
        QVERIFY(!h[0].isSignOff());
        QCOMPARE(h[1].kind, QStringLiteral("rejected"));
        QCOMPARE(h[2].kind, QStringLiteral("approved"));
        QCOMPARE(h[2].author, QStringLiteral("erin"));
        QVERIFY(h[2].isSignOff());

        const QList<ReviewEntry> signOffs = ReviewService::recentSignOffs(store().db());
        QCOMPARE(signOffs.size(), 2);
        QCOMPARE(signOffs[0].kind, QStringLiteral("approved")); // newest first
        QCOMPARE(Sql::scalar(store().db(),
                             QStringLiteral("SELECT annotation_count FROM runs WHERE id = ?"),
                             { id })
                     .toInt(),
                 1);

        // The audit trail has each of them, with the review before and after a sign-off.
        const QList<AuditEvent> audit = AuditLog::recent(store().db(), 3);
        QCOMPARE(audit[0].action, QStringLiteral("run.approve"));
        QCOMPARE(audit[0].before.value(QLatin1String("review")).toString(),
                 QStringLiteral("rejected"));
        QCOMPARE(audit[0].after.value(QLatin1String("review")).toString(),
                 QStringLiteral("approved"));
        QCOMPARE(audit[1].action, QStringLiteral("run.reject"));
        QCOMPARE(audit[1].details, QStringLiteral("model not retrained"));
        QCOMPARE(audit[2].action, QStringLiteral("run.annotate"));
        QCOMPARE(audit[2].objectId, id);
    }

    void bulkSignOffAuditsEachRun()
    {
        const qint64 a = createRun(QStringLiteral("succeeded"));
        const qint64 b = createRun(QStringLiteral("failed"));
        const qint64 c = createRun(QStringLiteral("timed_out"));
        ReviewService::signOff(store(), b, true, {}, QStringLiteral("erin"));
        const QList<qint64> entries = ReviewService::signOffMany(
            store(), { c, a, b, a }, false, QStringLiteral("  source feed was stale  "),
            QStringLiteral("dana"));
        QCOMPARE(entries.size(), 4);
        QCOMPARE(entries[1], entries[3]); // listed twice, signed off once
        QCOMPARE(count(QStringLiteral("run_reviews")), 4); // erin's and three of dana's
        for (const qint64 id : { a, b, c }) {
            QCOMPARE(ReviewService::reviewState(store().db(), id), QStringLiteral("rejected"));
            const ReviewEntry last = ReviewService::history(store().db(), id).last();
            QCOMPARE(last.kind, QStringLiteral("rejected"));
            QCOMPARE(last.text, QStringLiteral("source feed was stale")); // one comment for all
            QCOMPARE(last.author, QStringLiteral("dana"));
        }
        // One audit event per run, each with that run's own review before and after.
        const QList<AuditEvent> audit = AuditLog::recent(store().db(), 3);
        QCOMPARE(audit.size(), 3);
        QHash<qint64, AuditEvent> byRun;
        for (const AuditEvent &e : audit) {
            QCOMPARE(e.action, QStringLiteral("run.reject"));
            QCOMPARE(e.objectKind, QStringLiteral("run"));
            QCOMPARE(e.details, QStringLiteral("source feed was stale"));
            byRun.insert(e.objectId, e);
        }
        QCOMPARE(QSet<qint64>(byRun.keyBegin(), byRun.keyEnd()), QSet<qint64>({ a, b, c }));
        QCOMPARE(byRun[b].before.value(QLatin1String("review")).toString(),
                 QStringLiteral("approved"));
        QCOMPARE(byRun[a].before.value(QLatin1String("review")).toString(),
                 QStringLiteral("pending"));
    }

    void badBulkSignOffChangesNothing_data()
    {
        QTest::addColumn<QString>("runs"); // states of the runs listed; 999: no such run
        QTest::addColumn<bool>("approve");
        QTest::addColumn<QString>("comment");
        QTest::addColumn<QString>("message");
        QTest::newRow("no runs") << "" << true << "ok"
                                 << "no runs to sign off";
        QTest::newRow("one still running") << "succeeded running failed" << true << ""
                                           << "is still running";
        QTest::newRow("one gone") << "succeeded 999" << true << ""
                                  << "no run 999";
        QTest::newRow("reject without a comment") << "succeeded failed" << false << " "
                                                  << "a rejection needs some text";
        QTest::newRow("comment too long")
            << "succeeded" << true << QString(ReviewService::MaxTextLength + 1, QLatin1Char('x'))
            << "too long";
    }
    void badBulkSignOffChangesNothing()
    {
        QFETCH(QString, runs);
        QFETCH(bool, approve);
        QFETCH(QString, comment);
        QFETCH(QString, message);
        QList<qint64> ids;
        for (const QString &state : runs.split(QLatin1Char(' '), Qt::SkipEmptyParts))
            ids << (state == QLatin1String("999") ? 999 : createRun(state));
        const int audits = count(QStringLiteral("audit_events"));
        try {
            ReviewService::signOffMany(store(), ids, approve, comment, QStringLiteral("dana"));
            QFAIL("accepted");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(message), qPrintable(e.message()));
        }
        // All or nothing: the runs listed before the bad one are not signed off either.
        QCOMPARE(count(QStringLiteral("run_reviews")), 0);
        QCOMPARE(count(QStringLiteral("audit_events")), audits);
        for (const qint64 id : ids) {
            if (id != 999)
                QCOMPARE(ReviewService::reviewState(store().db(), id), QStringLiteral("pending"));
        }
    }

    void runsFilterByReviewState()
    {
        const qint64 a = createRun(QStringLiteral("succeeded"));
        const qint64 b = createRun(QStringLiteral("failed"));
        const qint64 c = createRun(QStringLiteral("succeeded"));
        ReviewService::signOff(store(), a, true, {}, QStringLiteral("dana"));
        ReviewService::signOff(store(), b, false, QStringLiteral("bad"), QStringLiteral("dana"));
        const auto ids = [this](const QString &review) {
            QList<qint64> out;
            for (const RunSummary &r : RunService::runs(store().db(), 50, review))
                out << r.id;
            return out;
        };
        QCOMPARE(ids(QStringLiteral("approved")), QList<qint64>({ a }));
        QCOMPARE(ids(QStringLiteral("rejected")), QList<qint64>({ b }));
        QCOMPARE(ids(QStringLiteral("pending")), QList<qint64>({ c }));
        QCOMPARE(ids({}), QList<qint64>({ c, b, a }));
        QCOMPARE(RunService::runs(store().db(), 50, QStringLiteral("rejected")).first().review,
                 QStringLiteral("rejected"));
        QVERIFY_THROWS_EXCEPTION(Error, RunService::runs(store().db(), 50, QStringLiteral("ok")));
    }

    void badReviewsAreRefusedAndChangeNothing_data()
    {
        QTest::addColumn<QString>("what");
        QTest::addColumn<QString>("runState");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("actor");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty note") << "note"
                                    << "running"
                                    << "  "
                                    << "dana"
                                    << "needs some text";
        QTest::newRow("note too long")
            << "note"
            << "succeeded" << QString(ReviewService::MaxTextLength + 1, QLatin1Char('x')) << "dana"
            << "too long";
        QTest::newRow("note on no run") << "note-999"
                                        << "succeeded"
                                        << "x"
                                        << "dana"
                                        << "no run 999";
        QTest::newRow("note without a user") << "note"
                                             << "succeeded"
                                             << "x"
                                             << ""
                                             << "reviewer";
        QTest::newRow("reject without a comment") << "reject"
                                                  << "failed"
                                                  << ""
                                                  << "dana"
                                                  << "a rejection needs some text";
        QTest::newRow("approve a running run") << "approve"
                                               << "running"
                                               << "fine"
                                               << "dana"
                                               << "still running";
        QTest::newRow("approve a queued run") << "approve"
                                              << "queued"
                                              << ""
                                              << "dana"
                                              << "still queued";
        QTest::newRow("approve no run") << "approve-999"
                                        << "failed"
                                        << ""
                                        << "dana"
                                        << "no run 999";
    }
    void badReviewsAreRefusedAndChangeNothing()
    {
        QFETCH(QString, what);
        QFETCH(QString, runState);
        QFETCH(QString, text);
        QFETCH(QString, actor);
        QFETCH(QString, message);
        qint64 id = createRun(runState);
        if (what.endsWith(QLatin1String("-999")))
            id = 999;
        const int audits = count(QStringLiteral("audit_events"));
        try {
            if (what.startsWith(QLatin1String("note")))
                ReviewService::annotate(store(), id, text, actor);
            else
                ReviewService::signOff(store(), id, what.startsWith(QLatin1String("approve")), text,
                                       actor);
            QFAIL("accepted");
        } catch (const Error &e) {
            QVERIFY2(e.message().contains(message), qPrintable(e.message()));
        }
        QCOMPARE(count(QStringLiteral("run_reviews")), 0);
        QCOMPARE(count(QStringLiteral("audit_events")), audits);
        if (id != 999)
            QCOMPARE(ReviewService::reviewState(store().db(), id), QStringLiteral("pending"));
    }

    void notesAreAllowedOnARunStillMoving()
    {
        const qint64 id = createRun(QStringLiteral("running"));
        ReviewService::annotate(store(), id, QStringLiteral("watching this one"),
                                QStringLiteral("dana"));
        QCOMPARE(ReviewService::history(store().db(), id).size(), 1);
        QVERIFY(!ReviewPolicy::canSignOff(RunState::Running));
        QVERIFY(ReviewPolicy::canSignOff(RunState::Lost));
    }

    void deletingARunDeletesItsReview()
    {
        const qint64 id = createRun(QStringLiteral("succeeded"));
        ReviewService::annotate(store(), id, QStringLiteral("n"), QStringLiteral("dana"));
        ReviewService::signOff(store(), id, true, {}, QStringLiteral("dana"));
        Sql::exec(store().db(), QStringLiteral("DELETE FROM runs WHERE id = ?"), { id });
        QCOMPARE(count(QStringLiteral("run_reviews")), 0);
        QVERIFY(ReviewService::recentSignOffs(store().db()).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestReviewService)
#include "tst_reviewservice.moc"
