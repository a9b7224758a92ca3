#include "model/runstate.h"
#include "refusal.h"
#include "store/store.h"
#include "workspacefixture.h"

#include <QRegularExpression>
#include <QSet>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>

using namespace Baton;

namespace {
// QCOMPARE prints this when a tone differs.
QString toneName(StateTone tone)
{
    switch (tone) {
    case StateTone::Good:
        return QStringLiteral("good");
    case StateTone::Bad:
        return QStringLiteral("bad");
    case StateTone::Active:
        return QStringLiteral("active");
    case StateTone::Neutral:
        return QStringLiteral("neutral");
    }
    return {};
}
} // namespace

class TestRunState : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void roundTrip_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("terminal");
        QTest::addColumn<bool>("failure");
        QTest::newRow("queued") << "queued" << false << false;
        QTest::newRow("starting") << "starting" << false << false;
        QTest::newRow("running") << "running" << false << false;
        QTest::newRow("succeeded") << "succeeded" << true << false;
        QTest::newRow("failed") << "failed" << true << true;
        QTest::newRow("cancelled") << "cancelled" << true << false;
        QTest::newRow("timed_out") << "timed_out" << true << true;
        QTest::newRow("lost") << "lost" << true << true;
        QTest::newRow("skipped") << "skipped" << true << false;
        QTest::newRow("upstream_failed") << "upstream_failed" << true << true;
    }
    void roundTrip()
    {
        QFETCH(QString, name);
        QFETCH(bool, terminal);
        QFETCH(bool, failure);
        const auto state = runStateFromString(name);
        QVERIFY(state.has_value());
        QCOMPARE(toString(*state), name);
        QCOMPARE(isTerminal(*state), terminal);
        QCOMPARE(isFailure(*state), failure);
        // What a read model does with a row from the store: the same state, back to the same name.
        const RunState parsed = parseRunState(name, 7);
        QVERIFY(parsed == *state);
        QCOMPARE(toString(parsed), name);
    }

    // Every state of the enum survives text and back: the names table misses none.
    void everyStateRoundTrips()
    {
        for (const RunState state : allRunStates()) {
            QVERIFY(!toString(state).isEmpty());
            QCOMPARE(toString(parseRunState(toString(state), 1)), toString(state));
            QVERIFY(parseRunState(toString(state), 1) == state);
        }
    }

    // An unknown stored name is refused, never guessed into a near state: the error says
    // which row and which name.
    void parseRefusesUnknownNames_data()
    {
        QTest::addColumn<QString>("stored");
        QTest::newRow("from a newer Baton") << "paused";
        QTest::newRow("wrong case") << "Failed";
        QTest::newRow("label, not name") << "timed out";
        QTest::newRow("padded") << " failed";
        QTest::newRow("empty") << "";
    }
    void parseRefusesUnknownNames()
    {
        QFETCH(QString, stored);
        const QString tail = QStringLiteral(" in the workspace: a damaged row, or a state this "
                                            "version of Baton does not know");
        QCOMPARE(Test::refusal([&] { parseRunState(stored, 12, QStringLiteral("extract")); }),
                 QStringLiteral("task extract of run 12 has an unknown state '%1'").arg(stored)
                     + tail);
        QCOMPARE(Test::refusal([&] { parseRunState(stored, 12); }),
                 QStringLiteral("run 12 has an unknown state '%1'").arg(stored) + tail);
    }

    void unknownNames()
    {
        QVERIFY(!runStateFromString(QStringLiteral("done")).has_value());
        QVERIFY(!runStateFromString(QStringLiteral("Queued")).has_value());
        QVERIFY(!runStateFromString(QString()).has_value());
        QVERIFY(!edgeConditionFromString(QStringLiteral("failure")).has_value());
    }

    void transitions_data()
    {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<bool>("allowed");
        QTest::newRow("queued→starting") << "queued"
                                         << "starting" << true;
        QTest::newRow("starting→running") << "starting"
                                          << "running" << true;
        QTest::newRow("running→succeeded") << "running"
                                           << "succeeded" << true;
        QTest::newRow("running→timed_out") << "running"
                                           << "timed_out" << true;
        QTest::newRow("running→lost") << "running"
                                      << "lost" << true;
        QTest::newRow("queued→skipped") << "queued"
                                        << "skipped" << true;
        QTest::newRow("queued→upstream_failed") << "queued"
                                                << "upstream_failed" << true;
        QTest::newRow("failed→queued (retry)") << "failed"
                                               << "queued" << true;
        QTest::newRow("lost→queued (retry)") << "lost"
                                             << "queued" << true;
        QTest::newRow("queued→running skips starting") << "queued"
                                                       << "running" << false;
        QTest::newRow("queued→succeeded") << "queued"
                                          << "succeeded" << false;
        QTest::newRow("succeeded→queued") << "succeeded"
                                          << "queued" << false;
        QTest::newRow("succeeded→failed") << "succeeded"
                                          << "failed" << false;
        QTest::newRow("skipped→running") << "skipped"
                                         << "running" << false;
        QTest::newRow("running→running") << "running"
                                         << "running" << false;
        QTest::newRow("running→skipped") << "running"
                                         << "skipped" << false;
    }
    void transitions()
    {
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(bool, allowed);
        QCOMPARE(canTransition(*runStateFromString(from), *runStateFromString(to)), allowed);
    }

    // The one mapping every screen and the CLI use: a state's tone decides its glyph and its
    // colour class, so a skipped task cannot be a cross in one place and grey in another.
    void tones_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<StateTone>("tone");
        QTest::addColumn<QString>("glyph");
        QTest::addColumn<QString>("label");
        QTest::addColumn<bool>("active");
        QTest::addColumn<bool>("failedItself");
        QTest::addColumn<bool>("forRuns");
        QTest::newRow("queued") << "queued" << StateTone::Active << "…"
                                << "queued" << true << false << true;
        QTest::newRow("starting") << "starting" << StateTone::Active << "…"
                                  << "starting" << true << false << true;
        QTest::newRow("running") << "running" << StateTone::Active << "…"
                                 << "running" << true << false << true;
        QTest::newRow("succeeded") << "succeeded" << StateTone::Good << "✓"
                                   << "succeeded" << false << false << true;
        QTest::newRow("failed") << "failed" << StateTone::Bad << "✗"
                                << "failed" << false << true << true;
        QTest::newRow("cancelled") << "cancelled" << StateTone::Neutral << "–"
                                   << "cancelled" << false << false << true;
        QTest::newRow("timed_out") << "timed_out" << StateTone::Bad << "✗"
                                   << "timed out" << false << true << true;
        QTest::newRow("lost") << "lost" << StateTone::Bad << "✗"
                              << "lost" << false << true << true;
        QTest::newRow("skipped is neutral, not a failure") << "skipped" << StateTone::Neutral << "–"
                                                           << "skipped" << false << false << false;
        QTest::newRow("upstream_failed") << "upstream_failed" << StateTone::Bad << "✗"
                                         << "upstream failed" << false << false << false;
    }
    void tones()
    {
        QFETCH(QString, name);
        QFETCH(StateTone, tone);
        QFETCH(QString, glyph);
        QFETCH(QString, label);
        QFETCH(bool, active);
        QFETCH(bool, failedItself);
        QFETCH(bool, forRuns);
        const RunState state = *runStateFromString(name);
        QCOMPARE(toneName(toneOf(state)), toneName(tone));
        QCOMPARE(stateGlyph(state), glyph);
        QCOMPARE(stateGlyph(name), glyph);
        QCOMPARE(stateLabel(state), label);
        QCOMPARE(isActive(state), active);
        QCOMPARE(isActive(state), !isTerminal(state));
        QCOMPARE(Baton::failedItself(state), failedItself);
        QCOMPARE(appliesToRuns(state), forRuns);
    }

    void glyphOfNothing()
    {
        // A deployment that never ran, or a name this version does not know.
        QCOMPARE(stateGlyph(QString()), QStringLiteral("·"));
        QCOMPARE(stateGlyph(QStringLiteral("Failed")), QStringLiteral("·"));
        QCOMPARE(stateGlyph(QStringLiteral("done")), QStringLiteral("·"));
    }

    void allStatesOnce()
    {
        const QList<RunState> all = allRunStates();
        QCOMPARE(all.size(), 10);
        QCOMPARE(QSet<RunState>(all.cbegin(), all.cend()).size(), all.size());
        QCOMPARE(toString(all.first()), QStringLiteral("queued"));
    }

    void sqlLists()
    {
        QCOMPARE(sqlStateList(isActive), QStringLiteral("('queued', 'starting', 'running')"));
        QCOMPARE(sqlStateList(failedItself), QStringLiteral("('failed', 'timed_out', 'lost')"));
        QCOMPARE(sqlStateList(isFailure),
                 QStringLiteral("('failed', 'timed_out', 'lost', 'upstream_failed')"));
        QCOMPARE(sqlStateList(isTerminal, StateScope::Runs),
                 QStringLiteral("('succeeded', 'failed', 'cancelled', 'timed_out', 'lost')"));
        QCOMPARE(sqlStateList(isTerminal),
                 QStringLiteral("('succeeded', 'failed', 'cancelled', 'timed_out', 'lost', "
                                "'skipped', 'upstream_failed')"));
        // In enum order whatever the order asked, and empty stays valid SQL-wise recognisable.
        QCOMPARE(sqlStateList({ RunState::Skipped, RunState::Succeeded }),
                 QStringLiteral("('succeeded', 'skipped')"));
        QCOMPARE(sqlStateList(QList<RunState> {}), QStringLiteral("()"));
    }

    // The rollup triggers are written in migrations (history, not edited): every state list
    // they hold must be one runstate generates, so a change here that the triggers do not
    // follow (a new terminal state, a failure that stops being one) fails this test.
    // On PostgreSQL the triggers' bodies are the functions of Baton's schema.
    void triggersFollowRunState()
    {
        Test::WorkspaceFixture spaces;
        const Store &store = spaces.renew().store();
        QSqlQuery q(store.db());
        QVERIFY(q.exec(
            Test::WorkspaceFixture::onPostgres()
                ? QStringLiteral("SELECT p.proname, p.prosrc FROM pg_proc p JOIN pg_namespace n "
                                 "ON n.oid = p.pronamespace WHERE n.nspname = 'baton' ORDER BY 1")
                : QStringLiteral("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                                 "ORDER BY name")));
        const QSet<QString> generated { sqlStateList(isTerminal, StateScope::Runs),
                                        sqlStateList(failedItself) };
        QSet<QString> seen;
        int triggers = 0;
        static const QRegularExpression list(QStringLiteral(R"(\((\s*'[a-z_]+'\s*,?)+\))"));
        while (q.next()) {
            ++triggers;
            const QString name = q.value(0).toString();
            const QString sql = q.value(1).toString();
            for (auto it = list.globalMatch(sql); it.hasNext();) {
                const QString found = it.next().captured(0);
                QStringList names;
                for (const QString &part : found.mid(1, found.size() - 2).split(QLatin1Char(',')))
                    names << part.trimmed().remove(QLatin1Char('\''));
                QList<RunState> states;
                bool allStates = true;
                for (const QString &n : std::as_const(names)) {
                    const auto s = runStateFromString(n);
                    allStates = allStates && s.has_value();
                    if (s)
                        states << *s;
                }
                if (!allStates || states.size() < 2)
                    continue; // not a state list (e.g. a review or request state)
                const QString normal = sqlStateList(states);
                QVERIFY2(generated.contains(normal),
                         qPrintable(name
                                    + QStringLiteral(": a state list runstate does not "
                                                     "generate: ")
                                    + found));
                seen.insert(normal);
            }
        }
        QVERIFY(triggers > 0);
        // Both lists are in use: the test is not vacuous.
        QCOMPARE(seen, generated);
    }

    void edgeConditions()
    {
        for (auto c : { EdgeCondition::Success, EdgeCondition::Failed, EdgeCondition::Always })
            QCOMPARE(edgeConditionFromString(toString(c)), std::optional<EdgeCondition>(c));
    }
};

QTEST_GUILESS_MAIN(TestRunState)
#include "tst_runstate.moc"
