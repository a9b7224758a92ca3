#include "store/settings.h"
#include "store/sql.h"
#include "store/workspace.h"
#include "util/error.h"
#include "workspacefixture.h"

#include <QTemporaryDir>
#include <QTest>
#include <memory>

using namespace Baton;

// The workspace settings' rules: one validation for `baton settings`, the console's Settings
// dialog and the Monitor's limit, and an all-or-nothing save for the dialog.
class TestSettings : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_tmp;
    Test::WorkspaceFixture m_fixture; // before m_ws: its databases outlive the workspace
    std::unique_ptr<Workspace> m_ws;
    int m_n = 0;

    int auditCount() const
    {
        return Sql::scalar(m_ws->store().db(),
                           QStringLiteral("SELECT count(*) FROM audit_events WHERE action = "
                                          "'setting.update'"))
            .toInt();
    }
    QString stored(const QString &key) const
    {
        return Sql::scalar(m_ws->store().db(),
                           QStringLiteral("SELECT value FROM settings WHERE key = ?"), { key })
            .toString();
    }

private Q_SLOTS:
    void init() { m_ws = m_fixture.another(m_tmp.filePath(QString::number(++m_n))); }
    void cleanup() { m_ws.reset(); }

    void validate_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("error"); // a fragment; empty: accepted
        QTest::newRow("reset") << "max_parallel"
                               << ""
                               << "";
        QTest::newRow("parallel 1") << "max_parallel"
                                    << "1"
                                    << "";
        QTest::newRow("parallel 0") << "max_parallel"
                                    << "0"
                                    << "max_parallel: expected a whole number from 1 to 4096";
        QTest::newRow("parallel huge") << "max_parallel"
                                       << "4097"
                                       << "got '4097'";
        QTest::newRow("parallel text") << "max_parallel"
                                       << "four"
                                       << "got 'four'";
        QTest::newRow("grace 0") << "kill_grace_seconds"
                                 << "0"
                                 << "";
        QTest::newRow("grace day") << "kill_grace_seconds"
                                   << "86400"
                                   << "";
        QTest::newRow("grace too long") << "kill_grace_seconds"
                                        << "86401"
                                        << "kill_grace_seconds: expected a whole number";
        QTest::newRow("grace negative") << "kill_grace_seconds"
                                        << "-1"
                                        << "from 0 to 86400";
        QTest::newRow("log cap 0") << "log_cap_bytes"
                                   << "0"
                                   << "";
        QTest::newRow("log cap big") << "log_cap_bytes"
                                     << "10737418240"
                                     << "";
        QTest::newRow("log cap negative") << "log_cap_bytes"
                                          << "-5"
                                          << "log_cap_bytes: expected "
                                             "a whole number from 0 to 1099511627776";
        QTest::newRow("zone") << "timezone"
                              << "Europe/Paris"
                              << "";
        QTest::newRow("zone unknown") << "timezone"
                                      << "Mars/Olympus"
                                      << "timezone: unknown time zone 'Mars/Olympus'";
        QTest::newRow("unknown key") << "colour"
                                     << "red"
                                     << "unknown setting 'colour'";
    }
    void validate()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, error);
        const QString got = Settings::validate(key, value);
        if (error.isEmpty())
            QVERIFY2(got.isEmpty(), qPrintable(got));
        else
            QVERIFY2(got.contains(error), qPrintable(got));
        // set() applies exactly the same rule.
        bool threw = false;
        try {
            Settings::set(m_ws->store(), key, value, QStringLiteral("ann"));
        } catch (const Error &e) {
            threw = true;
            QCOMPARE(e.message(), got);
        }
        QCOMPARE(threw, !error.isEmpty());
    }

    // The screens' limits come from the keys, not from a copy of the rule.
    void rangesOnTheKeys()
    {
        const Settings::Key *parallel = Settings::key(QStringLiteral("max_parallel"));
        QVERIFY(parallel && parallel->isNumber());
        QCOMPARE(parallel->minimum, 1);
        QVERIFY(
            Settings::validate(QStringLiteral("max_parallel"), QString::number(parallel->maximum))
                .isEmpty());
        QVERIFY(!Settings::validate(QStringLiteral("max_parallel"),
                                    QString::number(parallel->maximum + 1))
                     .isEmpty());
        QVERIFY(!Settings::key(QStringLiteral("timezone"))->isNumber());
        QCOMPARE(Settings::key(QStringLiteral("nope")), nullptr);
    }

    // One bad value: nothing is stored, nothing audited, even the good values before it.
    void setAllIsAllOrNothing()
    {
        try {
            Settings::setAll(m_ws->store(),
                             { { QStringLiteral("max_parallel"), QStringLiteral("3") },
                               { QStringLiteral("kill_grace_seconds"), QStringLiteral("-2") } },
                             QStringLiteral("ann"));
            QFAIL("a bad value was accepted");
        } catch (const Error &e) {
            QVERIFY2(e.message().startsWith(QLatin1String("kill_grace_seconds:")),
                     qPrintable(e.message()));
        }
        QCOMPARE(stored(QStringLiteral("max_parallel")), QString());
        QCOMPARE(auditCount(), 0);
    }

    // Every changed value is stored and audited with its before and after; unchanged ones are
    // not written again (the dialog sends every field).
    void setAllAuditsWhatChanged()
    {
        Settings::set(m_ws->store(), QStringLiteral("max_parallel"), QStringLiteral("4"),
                      QStringLiteral("ann"));
        QCOMPARE(auditCount(), 1);
        const QStringList changed = Settings::setAll(
            m_ws->store(),
            { { QStringLiteral("max_parallel"), QStringLiteral("4") },
              { QStringLiteral("timezone"), QStringLiteral("Asia/Tokyo") },
              { QStringLiteral("log_cap_bytes"), QString() } }, // unset and reset: no change
            QStringLiteral("bob"));
        QCOMPARE(changed, QStringList { QStringLiteral("timezone") });
        QCOMPARE(auditCount(), 2);
        QCOMPARE(Settings::value(m_ws->store().db(), QStringLiteral("timezone")),
                 QStringLiteral("Asia/Tokyo"));
        QSqlQuery q = Sql::exec(m_ws->store().db(),
                                QStringLiteral("SELECT actor, object_name, before, \"after\" "
                                               "FROM audit_events ORDER BY id DESC LIMIT 1"));
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toString(), QStringLiteral("bob"));
        QCOMPARE(q.value(1).toString(), QStringLiteral("timezone"));
        QVERIFY(q.value(3).toString().contains(QStringLiteral("Asia/Tokyo")));

        // Back to the default: the row goes, and that is audited too.
        QCOMPARE(Settings::setAll(m_ws->store(), { { QStringLiteral("max_parallel"), QString() } },
                                  QStringLiteral("bob")),
                 QStringList { QStringLiteral("max_parallel") });
        QCOMPARE(stored(QStringLiteral("max_parallel")), QString());
        QCOMPARE(auditCount(), 3);
    }
};

QTEST_GUILESS_MAIN(TestSettings)
#include "tst_settings.moc"
